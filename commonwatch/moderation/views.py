"""The moderators' queue: approve, or reject with a reason the author sees."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from commonwatch.accounts.access import access, needs
from commonwatch.accounts.roles import Capability
from commonwatch.web.outcomes import report_outcome

from . import selectors, services
from .forms import DecisionForm

MODERATE = needs(Capability.MODERATE)


@access(MODERATE)
@require_GET
def queue(request):
    context = {
        "posts": selectors.pending_posts(request.user),
        "comments": selectors.pending_comments(request.user),
        "decisions": selectors.recent_decisions(request.user, limit=20),
    }
    return render(request, "moderation/queue.html", context)


def _decide(request, approve, reject, target) -> None:
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve or reject."))
        return
    reason = form.cleaned_data["reason"]
    if form.cleaned_data["action"] == "approve":
        decide, success = approve, _("Approved and published.")
    else:
        decide, success = reject, _("Rejected; the author sees your reason.")
    report_outcome(
        request, lambda: decide(moderator=request.user, reason=reason, **target), success
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
