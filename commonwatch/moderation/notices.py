"""Decision notices: the notification kind that tells an author what moderators decided.

A rejection (with the posting pause it starts), an approval, a post taken off the feed
for another review, an appeal's answer and an edit applied or turned down each reach
the author of the post, comment or edit, and nobody else. A notice says no more than
"My posts" and the post's page show the author: the decision, the rule a rejection
cites, the note or answer written to them (never an approval's or a take-down's
internal reason), never who decided or who flagged, and never where the post is.

The subject of a notice is a Decision's id; an edit's decision, which is not a
Decision (the public log counts those), is minus its PostRevision's id.
"""

from __future__ import annotations

from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from commonwatch.community.models import Post, PostRevision, RevisionStatus, Status
from commonwatch.core.time_zone import in_reader_zone
from commonwatch.notifications import services as notifications
from commonwatch.notifications.kinds import InboxEntry, Kind, Message, inbox_entries, register
from commonwatch.notifications.models import Delivery
from commonwatch.notifications.selectors import time_zone_of

from .models import Action, Decision

DECISION = "moderation.decision"
# A post kept after flags is not news to its author, and telling them would say it was
# flagged; every other decision changes what they or their neighbors see.
NOT_TOLD = frozenset({Action.KEEP})


def edit_subject(revision_id: int) -> int:
    return -revision_id


def tell_author(decision: Decision) -> None:
    """The author learns of the decision when it commits (call inside its transaction:
    a decision rolled back tells nobody)."""
    if decision.action in NOT_TOLD:
        return
    author_id = (decision.post or decision.comment).author_id
    notifications.notify(kind=DECISION, subject_id=decision.pk, recipient_ids=[author_id])


def tell_editor(revision: PostRevision) -> None:
    """The author of an edit learns whether it was applied (inside the decision's
    transaction, as tell_author)."""
    subject = edit_subject(revision.pk)
    notifications.notify(kind=DECISION, subject_id=subject, recipient_ids=[revision.post.author_id])


def _still_theirs(notifications_, user):
    """Notices about the person's own posts, comments and edits that still exist. One
    about a comment on someone else's post also needs that post published: the notice
    names the post as it is now (a post hidden and rewritten, not yet approved, must not
    show its new title to the commenter)."""
    live = ~Q(post__status=Status.DELETED) & ~Q(comment__status=Status.DELETED)
    post_seen = Q(comment__post__author=user) | Q(comment__post__status=Status.PUBLISHED)
    decisions = Decision.objects.filter(Q(post__author=user) | Q(post_seen, comment__author=user))
    edits = PostRevision.objects.filter(post__author=user).exclude(post__status=Status.DELETED)
    return notifications_.filter(
        Q(subject_id__in=decisions.filter(live).values("pk"))
        | Q(subject_id__in=edits.annotate(subject=-F("pk")).values("subject"))
    )


def _load(subject_ids: list[int]) -> dict[int, Message]:
    """Each subject's notice, in two queries."""
    decisions = Decision.objects.select_related("post", "comment__post", "penalty").in_bulk(
        [s for s in subject_ids if s > 0]
    )
    edits = PostRevision.objects.select_related("post").in_bulk([-s for s in subject_ids if s < 0])
    notices = {pk: _about_decision(d) for pk, d in decisions.items()}
    notices |= {edit_subject(pk): _about_edit(r) for pk, r in edits.items()}
    return notices


def describe(notifications_, user) -> dict[int, InboxEntry]:
    return inbox_entries(notifications_, _load([n.subject_id for n in notifications_]))


def message(notification, user) -> Message | None:
    """A push or e-mail, written by the worker: its dates in the reader's own zone."""
    with timezone.override(time_zone_of(user)):
        return _load([notification.subject_id]).get(notification.subject_id)


def _post_url(post: Post) -> str:
    return reverse("community:post", args=[post.pk])


def _mine_url() -> str:
    return reverse("moderation:mine")


def _about_decision(decision: Decision) -> Message:
    if decision.post_id:
        what = _("your post “%(title)s”") % {"title": decision.post.title}
        shown_at = _post_url(decision.post)
    else:
        what = _("your comment on “%(title)s”") % {"title": decision.comment.post.title}
        shown_at = _post_url(decision.comment.post)
    words, url, body = DECIDED[decision.action](decision, shown_at)
    return Message(title=capfirst(str(words) % {"what": what}), body=body, url=url)


def _approved(decision: Decision, shown_at: str):
    return _("%(what)s was approved and is published."), shown_at, ""


def _rejected(decision: Decision, shown_at: str):
    lines = [
        _("Rule: %(rule)s") % {"rule": decision.get_rule_display()},
        _("Moderator's note: %(note)s") % {"note": decision.reason},
        _pause_line(decision),
        _(
            "If you think this is wrong, appeal from “My posts”: another moderator looks "
            "again, and a granted appeal removes this step from your record."
        ),
    ]
    return _("%(what)s was not published."), _mine_url(), "\n".join(filter(None, lines))


def _pause_line(decision: Decision) -> str:
    """The step the rejection cost, as "My posts" shows it, while it still stands."""
    penalty = getattr(decision, "penalty", None)
    if penalty is None or penalty.lifted_at is not None:
        return ""
    if penalty.posting_until is None:
        return _("This counts as a warning: later decisions would pause your posting.")
    if penalty.posting_until <= timezone.now():
        return ""
    until = in_reader_zone(penalty.posting_until)
    return _("Until %(until)s, your posting and commenting are paused.") % {"until": until}


def _requeued(decision: Decision, shown_at: str):
    body = _("Neighbors do not see it until a moderator has reviewed it again.")
    return _("%(what)s was taken off the feed for review."), _mine_url(), body


def _appeal_answered(words: str, *, shown: bool = False):
    def answered(decision: Decision, shown_at: str):
        body = _("The moderator's answer: %(answer)s") % {"answer": decision.reason}
        return words, shown_at if shown else _mine_url(), body

    return answered


DECIDED = {
    Action.APPROVE: _approved,
    Action.REJECT: _rejected,
    Action.REQUEUE: _requeued,
    Action.GRANT_APPEAL: _appeal_answered(
        _lazy("Your appeal was granted: %(what)s is published."), shown=True
    ),
    Action.DENY_APPEAL: _appeal_answered(_lazy("Your appeal was denied: %(what)s stays down.")),
    Action.REQUEST_CHANGES: _appeal_answered(
        _lazy("Your appeal was granted: edit %(what)s and it is reviewed again.")
    ),
}


def _about_edit(revision: PostRevision) -> Message:
    title = {"title": revision.post.title}
    if revision.status == RevisionStatus.APPLIED:
        words = _("Your edit of “%(title)s” was applied: neighbors see it now.") % title
        return Message(title=words, body="", url=_post_url(revision.post))
    words = _("Your edit of “%(title)s” was not applied.") % title
    body = _("Neighbors still see the published version.")
    if revision.moderation_note:
        body += "\n" + _("Moderator's note: %(note)s") % {"note": revision.moderation_note}
    return Message(title=words, body=body, url=_post_url(revision.post))


DECISIONS_KIND = Kind(
    code=DECISION,
    label=_lazy("Moderators' decisions on your posts, comments and edits"),
    # The inbox always has it. Like the urgent post alerts it is pushed by default, which
    # reaches only a device the person turned push on for: a decision about their own
    # words is worth knowing at once, and the site's rule is that e-mail never comes
    # unasked (they may choose instant e-mail, or off, on their choices page).
    default=Delivery.PUSH,
    # One at a time, as they happen: the daily digest gathers post alerts only.
    deliveries=(Delivery.PUSH, Delivery.EMAIL, Delivery.OFF),
    threads=False,  # each decision is news of its own: nothing to mute but the kind
    visible=_still_theirs,
    describe=describe,
    message=message,
)


def declare() -> None:
    register(DECISIONS_KIND)
