"""The moderators' queue and appeals, authors' appeals, and the public moderation log."""

from __future__ import annotations

import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST, require_safe

from commonwatch.accounts.access import EVERYONE, access, needs
from commonwatch.community import selectors as community_selectors
from commonwatch.community.models import Status
from commonwatch.community.policies import WRITE
from commonwatch.core.errors import DomainError
from commonwatch.core.outcomes import refusals, report_outcome

from . import policies, selectors, services
from .forms import AppealDecisionForm, DecisionForm, FlagForm
from .models import Rule

MODERATE = needs(policies.MODERATE)
AUTHOR = needs(WRITE)


@access(MODERATE)
@require_safe
def queue(request):
    filters = selectors.QueueFilters.from_query(request.GET)
    page = selectors.moderation_queue(request.user, filters, request.GET.get("page"))
    _show_refusal(request, page.items)
    context = {
        "queue": page,
        "filters": filters,
        "here": request.get_full_path(),
        "kinds": KIND_LABELS,
        "ages": AGE_LABELS,
        "decisions": selectors.recent_decisions(request.user, limit=20),
        "rules": Rule.choices,
    }
    return render(request, "moderation/queue.html", context)


KIND_LABELS = {
    "post": _lazy("New and flagged posts"),
    "edit": _lazy("Edits of published posts"),
    "comment": _lazy("Comments"),
    "appeal": _lazy("Appeals"),
}
AGE_LABELS = {
    "1h": _lazy("Waiting over an hour"),
    "24h": _lazy("Waiting over a day"),
    "3d": _lazy("Waiting over 3 days"),
}


def _back_to_queue(request, anchor: str = ""):
    """Back where the moderator was: the same page and filters, and in view the item
    named (`anchor`), else the next one after the item just decided."""
    back = request.POST.get("next", "")
    queue_url = reverse("moderation:queue")
    if not (
        back.startswith(queue_url)
        and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()})
    ):
        back = queue_url
    after = anchor or request.POST.get("after", "")
    if ANCHOR.fullmatch(after):
        back = f"{back.split('#')[0]}#{after}"
    return redirect(back)


ANCHOR = re.compile(r"item-(post|edit|comment|appeal)-\d{1,12}")
# A refused decision, kept in the session for the queue page the moderator returns to.
REFUSED = "moderation.refused"
# What a moderator may have typed or chosen in a decision form, kept when it is refused.
TYPED = ("rule", "reason", "note", "answer")


def _outcome(request, kind: str, item_id: int, decide, success) -> object:
    """Run a decision: done, on to the next item with `success` at the top; refused,
    back to this very item with the reasons beside its form and what was typed kept
    (at the top of a long page the refusal is out of view and looks like success)."""
    refused = refusals(decide)
    if not refused:
        messages.success(request, str(success))
        return _back_to_queue(request)
    return _refuse(request, kind, item_id, refused)


def _refuse(request, kind: str, item_id: int, reasons: list) -> object:
    anchor = f"item-{kind}-{item_id}"
    typed = {name: request.POST.get(name, "")[: services.MAX_REASON_CHARS] for name in TYPED}
    request.session[REFUSED] = {
        "anchor": anchor,
        "reasons": [str(reason) for reason in reasons],
        "typed": typed,
        # Shown as text when the item comes back without its form (another moderator
        # claimed it meanwhile): what was written is not lost with the form.
        "written": [typed[name] for name in TYPED if name != "rule" and typed[name].strip()],
    }
    return _back_to_queue(request, anchor)


def _show_refusal(request, items) -> None:
    """Put the last refused decision beside its item's form; if the item has left this
    page (decided by someone else meanwhile), its reasons go at the top instead."""
    refused = request.session.pop(REFUSED, None)
    if not refused:
        return
    for item in items:
        if item.anchor == refused["anchor"]:
            item.refused = refused
            return
    for reason in refused["reasons"]:
        messages.error(request, reason)


def _decide(request, approve, reject, kind: str, target) -> object:
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _refuse(request, kind, target.pk, [_("Choose approve or reject.")])
    reason, extra = form.cleaned_data["reason"], {}
    if form.cleaned_data["action"] == "approve":
        decide, success = approve, _("Approved and published.")
    else:
        decide, success = reject, _("Rejected; the author sees your reason.")
        extra["rule"] = form.cleaned_data["rule"]
    on = {kind: target}
    return _outcome(
        request,
        kind,
        target.pk,
        lambda: decide(moderator=request.user, reason=reason, **on, **extra),
        success,
    )


@access(MODERATE)
@require_POST
def decide_post(request, post_id: int):
    """Approve or reject a waiting post; for a flagged post still published, "approve"
    keeps it published and answers its flags."""
    post = selectors.post_in_queue(request.user, post_id)
    approve = services.keep_post if post.status == Status.PUBLISHED else services.approve_post
    return _decide(request, approve, services.reject_post, "post", post)


@access(MODERATE)
@require_POST
def decide_comment(request, comment_id: int):
    comment = selectors.comment_in_queue(request.user, comment_id)
    return _decide(request, services.approve_comment, services.reject_comment, "comment", comment)


@access(MODERATE)
@require_POST
def requeue_post(request, post_id: int):
    """Take a post off the feed from its page, then on to the queue; refused (their own
    post, another moderator's claim, taken down already), back to the post with why."""
    post = selectors.post_in_queue(request.user, post_id)
    reason = request.POST.get("reason", "").strip() or _("Taken back for review by a moderator.")
    taken = report_outcome(
        request,
        lambda: services.requeue_post(moderator=request.user, post=post, reason=reason),
        _("The post is back in the queue."),
    )
    return redirect("moderation:queue") if taken else redirect("community:post", post_id=post.pk)


@access(MODERATE)
@require_POST
def decide_edit(request, revision_id: int):
    """Apply an author's edit of a published post, or turn it down with a note; then
    back to the same place in the queue, as after any decision."""
    revision = selectors.edit_in_queue(request.user, revision_id)
    if request.POST.get("action") == "approve":
        return _outcome(
            request,
            "edit",
            revision.pk,
            lambda: services.apply_edit(moderator=request.user, revision=revision),
            _("Edit applied: neighbors see the new text."),
        )
    note = request.POST.get("note", "")
    return _outcome(
        request,
        "edit",
        revision.pk,
        lambda: services.turn_down_edit(moderator=request.user, revision=revision, note=note),
        _("Edit turned down: the published text stays."),
    )


APPEAL_OUTCOMES = {
    "grant": (True, False, _lazy("Appeal granted and published.")),
    "changes": (True, True, _lazy("Appeal granted: the post went back to its author for an edit.")),
    "deny": (False, False, _lazy("Appeal denied.")),
}


@access(MODERATE)
@require_POST
def decide_appeal(request, appeal_id: int):
    appeal = selectors.appeal_in_queue(request.user, appeal_id)
    form = AppealDecisionForm(request.POST)
    if not form.is_valid():
        refusal = _("Choose grant, ask for an edit or deny, and write the answer the author sees.")
        return _refuse(request, "appeal", appeal.pk, [refusal])
    grant, ask_for_edit, success = APPEAL_OUTCOMES[form.cleaned_data["action"]]
    answer = form.cleaned_data["answer"]
    return _outcome(
        request,
        "appeal",
        appeal.pk,
        lambda: services.decide_appeal(
            moderator=request.user,
            appeal=appeal,
            grant=grant,
            ask_for_edit=ask_for_edit,
            answer=answer,
        ),
        success,
    )


@access(MODERATE)
@require_POST
def claim(request, kind: str, item_id: int):
    """Claim a queue item (or give the claim back), then return to the same place."""
    item = selectors.queue_item(request.user, kind, item_id)
    if request.POST.get("release"):
        report_outcome(
            request,
            lambda: services.unclaim_item(moderator=request.user, kind=kind, pk=item_id),
            _("Claim released: others can decide it."),
        )
    else:
        report_outcome(
            request,
            lambda: services.claim_item(moderator=request.user, kind=kind, item=item),
            _("Claimed for 15 minutes: others see it is yours and cannot decide it."),
        )
    return _back_to_queue(request)


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
@require_safe
def log(request):
    return render(request, "moderation/log.html", {"log": selectors.public_moderation_log()})


@access(AUTHOR)
@require_safe
def my_posts(request):
    """The author's posts and turned-down comments, each decision's reason and appeal."""
    context = {
        "posts": selectors.posts_by(request.user),
        "comments": selectors.rejected_comments_by(request.user),
        "standing": selectors.standing_of(request.user),
    }
    return render(request, "moderation/mine.html", context)


NOT_SHOWN = _lazy(
    "This post is not shown in the feed, so there is nothing to flag. If it broke the "
    "rules, moderators have it already or its author removed it."
)


@access(AUTHOR)
@require_POST
def flag(request, post_id: int):
    """A neighbor flags a post they can see, citing a rule, and is told what happens next.

    A post they cannot see (hidden by flags, removed, never theirs to see) gets the same
    answer whatever the reason, and they land on the feed: nothing tells one state from
    another. After flagging they return to the post if it is still shown, else the feed.
    """
    post = _visible_post(request.user, post_id)
    if post is None:
        messages.info(request, str(NOT_SHOWN))
        return redirect("community:feed")
    form = FlagForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("community:post", post_id=post.pk)
    try:
        flagged = services.flag_post(user=request.user, post=post, **form.cleaned_data)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, flagged.message)
    if _visible_post(request.user, post_id) is None:
        return redirect("community:feed")
    return redirect("community:post", post_id=post.pk)


def _visible_post(user, post_id: int):
    try:
        post = community_selectors.post_for(user, post_id)
    except Http404:
        return None
    return post if post.status == Status.PUBLISHED or post.author_id == user.pk else None


def flag_panel(request, card: dict) -> str:
    """community.hooks: the flag form under a published post, for neighbors (not its
    author). It posts to flag(), which checks who may."""
    if card["mine"] or card["status"] != "published":
        return ""
    flagged = selectors.flag_by(request.user, card["id"])
    context = {"post": card, "flag_form": FlagForm(), "flagged": flagged}
    return render_to_string("moderation/_flag_panel.html", context, request=request)


def review_panel(request, card: dict) -> str:
    """community.hooks: a moderator reading a published post nobody flagged can take it
    off the feed into the queue (the queue's only way in was neighbors' flags, so a
    moderator who saw a rule broken could do no more than flag it like anyone). Never
    under their own post; while another moderator's claim on it runs, who holds it and
    until when instead of the form (services.requeue_post refuses both)."""
    if card["mine"] or card["status"] != "published" or not policies.is_moderator(request.user):
        return ""
    claimed = selectors.claimed_by_another(request.user, "post", card["id"])
    context = {"post": card, "claimed": claimed}
    return render_to_string("moderation/_review_panel.html", context, request=request)


def appeal_panel(request, card: dict) -> str:
    """community.hooks: on the page of their rejected post, its author can appeal, or
    reads where their appeal stands, as on "My posts" (the page alone said "not
    published yet", as if it were still waiting)."""
    if not card["mine"] or card["status"] != Status.REJECTED:
        return ""
    post = selectors.posts_by(request.user).filter(pk=card["id"]).first()
    return render_to_string("moderation/_appeal_panel.html", {"post": post}, request=request)


def moderators_landing(user) -> str | None:
    """accounts.adapters: a moderator signing in starts on the queue (its page asks for
    the second factor if this sign-in has not passed it yet)."""
    return reverse("moderation:queue") if policies.is_moderator(user) else None
