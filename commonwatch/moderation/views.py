"""The moderators' queue and appeals, authors' appeals, and the public moderation log."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from commonwatch.accounts.access import EVERYONE, access, needs
from commonwatch.community import selectors as community_selectors
from commonwatch.community.policies import WRITE
from commonwatch.core.outcomes import report_outcome

from . import policies, selectors, services
from .forms import AppealDecisionForm, DecisionForm, FlagForm
from .models import Rule

MODERATE = needs(policies.MODERATE)
AUTHOR = needs(WRITE)


@access(MODERATE)
@require_GET
def queue(request):
    context = {
        "posts": selectors.pending_posts(request.user),
        "comments": selectors.pending_comments(request.user),
        "appeals": selectors.open_appeals(request.user),
        "edits": community_selectors.pending_edits(request.user),
        "decisions": selectors.recent_decisions(request.user, limit=20),
        "rules": Rule.choices,
    }
    return render(request, "moderation/queue.html", context)


def _decide(request, approve, reject, target) -> None:
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve or reject."))
        return
    reason, extra = form.cleaned_data["reason"], {}
    if form.cleaned_data["action"] == "approve":
        decide, success = approve, _("Approved and published.")
    else:
        decide, success = reject, _("Rejected; the author sees your reason.")
        extra["rule"] = form.cleaned_data["rule"]
    report_outcome(
        request, lambda: decide(moderator=request.user, reason=reason, **target, **extra), success
    )


@access(MODERATE)
@require_POST
def decide_post(request, post_id: int):
    post = selectors.post_in_queue(request.user, post_id)
    _decide(request, services.approve_post, services.reject_post, {"post": post})
    return redirect("moderation:queue")


@access(MODERATE)
@require_POST
def decide_comment(request, comment_id: int):
    comment = selectors.comment_in_queue(request.user, comment_id)
    _decide(request, services.approve_comment, services.reject_comment, {"comment": comment})
    return redirect("moderation:queue")


@access(MODERATE)
@require_POST
def requeue_post(request, post_id: int):
    post = selectors.post_in_queue(request.user, post_id)
    reason = request.POST.get("reason", "").strip() or _("Taken back for review by a moderator.")
    services.requeue_post(moderator=request.user, post=post, reason=reason)
    messages.success(request, _("The post is back in the queue."))
    return redirect("moderation:queue")


@access(MODERATE)
@require_POST
def decide_appeal(request, appeal_id: int):
    appeal = selectors.appeal_in_queue(request.user, appeal_id)
    form = AppealDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose grant or deny, and write the answer the author sees."))
        return redirect("moderation:queue")
    grant = form.cleaned_data["action"] == "grant"
    success = _("Appeal granted and published.") if grant else _("Appeal denied.")
    answer = form.cleaned_data["answer"]
    report_outcome(
        request,
        lambda: services.decide_appeal(
            moderator=request.user, appeal=appeal, grant=grant, answer=answer
        ),
        success,
    )
    return redirect("moderation:queue")


def _appeal(request, **target):
    statement = request.POST.get("statement", "")
    report_outcome(
        request,
        lambda: services.appeal(author=request.user, statement=statement, **target),
        _("Your appeal is with the moderators; you will see their answer in “My posts”."),
    )
    return redirect("moderation:mine")


@access(AUTHOR)
@require_POST
def appeal_post(request, post_id: int):
    return _appeal(request, post=community_selectors.own_post(request.user, post_id))


@access(AUTHOR)
@require_POST
def appeal_comment(request, comment_id: int):
    comment = community_selectors.own_comment(request.user, comment_id)
    return _appeal(request, comment=comment)


@access(EVERYONE)
@require_GET
def log(request):
    return render(request, "moderation/log.html", {"log": selectors.public_moderation_log()})


@access(AUTHOR)
@require_GET
def my_posts(request):
    """The author's posts and turned-down comments, each decision's reason and appeal."""
    context = {
        "posts": selectors.posts_by(request.user),
        "comments": selectors.rejected_comments_by(request.user),
        "standing": selectors.standing_of(request.user),
    }
    return render(request, "moderation/mine.html", context)


@access(AUTHOR)
@require_POST
def flag(request, post_id: int):
    """A neighbor flags a published post they may see, citing a rule."""
    post = community_selectors.post_for(request.user, post_id)
    form = FlagForm(request.POST)
    if form.is_valid():
        report_outcome(
            request,
            lambda: services.flag_post(user=request.user, post=post, **form.cleaned_data),
            _("Thank you. Moderators will look at this post."),
        )
    return redirect("community:post", post_id=post.pk)


def flag_panel(request, card: dict) -> str:
    """community.hooks: the flag form under a published post, for neighbors (not its
    author). It posts to flag(), which checks who may."""
    if card["mine"] or card["status"] != "published":
        return ""
    context = {"post": card, "flag_form": FlagForm()}
    return render_to_string("moderation/_flag_panel.html", context, request=request)
