"""Moderators' decisions, residents' flags and appeals.

Every decision is recorded: who, when, why, and the rule a rejection cites. The
post or comment changes state only through community.transitions, which locks its
row and checks the state it finds there.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from commonwatch.audit.services import record
from commonwatch.community import services as community_services
from commonwatch.community import transitions
from commonwatch.community.models import Comment, Post, PostRevision, Status
from commonwatch.core.errors import Conflict, NotAllowed
from commonwatch.core.policies import require

from . import notices, pace, penalties, policies, queue, trust
from .models import Action, Appeal, AppealStatus, CheckStop, Decision, Flag, Rule
from .policies import MODERATE

MAX_REASON_CHARS = 1000
FORMER_MODERATOR = "a former moderator"  # stands for a closed account's address


def require_decider(moderator, kind: str, item) -> None:
    """The one check of who may decide a queue item, asked by every decision and by a
    claim (a claim by someone who may not decide would only block who may): a
    moderator, and not one policies.NOT_DECIDED_BY names for it."""
    require(moderator, MODERATE)
    reason = policies.why_not_decider(moderator, kind, item)
    if reason:
        raise NotAllowed(reason)


# How each decision is named in the audit trail: moderation.<post|comment>.<verb>.
AUDITED_AS = {
    Action.APPROVE: "approved",
    Action.REJECT: "rejected",
    Action.REQUEUE: "requeued",
    Action.GRANT_APPEAL: "appeal_granted",
    Action.DENY_APPEAL: "appeal_denied",
    Action.REQUEST_CHANGES: "changes_requested",
    Action.KEEP: "kept",
}


def _record(
    *, moderator, action: str, reason: str, post=None, comment=None, rule: str = ""
) -> Decision:
    """The decision, for the author and the public log, its audit entry, and the notice
    that tells the author once it commits."""
    decision = _decision(
        moderator=moderator, action=action, reason=reason, post=post, comment=comment, rule=rule
    )
    _audit(decision)
    notices.tell_author(decision)
    return decision


def _decision(*, moderator, action, reason, post, comment, rule) -> Decision:
    return Decision.objects.create(
        post=post,
        comment=comment,
        moderator=moderator,
        action=action,
        rule=rule,
        reason=reason,
        moderator_name=moderator.email if moderator else "",
    )


def _audit(decision: Decision, **details) -> None:
    """One audit entry per decision: what it did to what, under which rule, and what
    followed from it (a rejection's step on the penalty ladder)."""
    target = decision.post or decision.comment
    rule = {"rule": decision.rule} if decision.rule else {}
    record(
        actor=decision.moderator,
        actor_role="moderator" if decision.moderator else "flags",  # the role acted in
        action=f"moderation.{target._meta.model_name}.{AUDITED_AS[decision.action]}",
        target=target,
        data={"decision": decision.pk, **rule, **details},
    )


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON_CHARS:
        raise ValidationError(
            {"reason": _("Keep the reason under %(n)d characters.") % {"n": MAX_REASON_CHARS}}
        )
    return reason


def _rejection_reason(reason: str, rule: str) -> str:
    """A rejection must cite one of the rules and say why, for the author and the log."""
    if rule not in Rule.values:
        raise ValidationError({"rule": _("Choose the rule the post or comment breaks.")})
    reason = _reason(reason)
    if not reason:
        raise ValidationError({"reason": _("Tell the author why: the reason is shown to them.")})
    return reason


def approve_post(*, moderator, post: Post, reason: str = "") -> Post:
    require_decider(moderator, "post", post)
    reason = _reason(reason)
    with transaction.atomic():
        queue.require_unclaimed(moderator, queue.key("post", post.pk))
        post = transitions.publish_post(
            post.pk,
            allowed=transitions.PENDING_ONLY,
            refusal=_("Only posts waiting in the queue can be approved."),
        )
        Flag.objects.filter(post=post).update(resolved=True)
        _record(moderator=moderator, action=Action.APPROVE, reason=reason, post=post)
        queue.release(queue.key("post", post.pk))
    return post


def reject_post(*, moderator, post: Post, reason: str, rule: str) -> Post:
    require_decider(moderator, "post", post)
    reason = _rejection_reason(reason, rule)
    with transaction.atomic():
        queue.require_unclaimed(moderator, queue.key("post", post.pk))
        _require_still_waiting(post)
        post = transitions.reject_post(
            post.pk, note=reason, refusal=_("This post cannot be rejected now.")
        )
        _penalize(moderator=moderator, target=post, reason=reason, rule=rule, post=post)
        Flag.objects.filter(post=post).update(resolved=True)
        queue.release(queue.key("post", post.pk))
    return post


def _require_still_waiting(post: Post) -> None:
    """A published post is in the queue only while neighbors' flags on it are open: once
    another moderator approved it or kept it, a rejection sent from an older view of the
    queue would overturn their decision and cost its author a penalty step."""
    post = transitions.lock_post(post.pk)
    if (
        post.status == Status.PUBLISHED
        and not Flag.objects.filter(post=post, resolved=False).exists()
    ):
        raise Conflict(_("This post has already been decided: it is published."))


def _penalize(*, moderator, target, reason: str, rule: str, post=None, comment=None) -> Decision:
    """Record the rejection; the author takes one step on the penalty ladder, which the
    rejection's audit entry names (one entry per decision: half the audit's cost)."""
    decision = _decision(
        moderator=moderator,
        action=Action.REJECT,
        reason=reason,
        post=post,
        comment=comment,
        rule=rule,
    )
    penalty = penalties.penalize(user=target.author, decision=decision)
    _audit(
        decision, penalty=penalty.pk, step=penalty.step, pause_days=penalties.pause_days(penalty)
    )
    notices.tell_author(decision)  # with the pause the step starts
    return decision


def requeue_post(*, moderator, post: Post, reason: str) -> Post:
    """Take a published post down into the queue again (one moderator suffices).

    A take-down is a decision on the post like any other: never by its author (they
    edit or delete it as any author does; nobody decides their own post), and not
    while another moderator's claim on it runs (they are deciding it)."""
    require_decider(moderator, "post", post)
    reason = _reason(reason)
    with transaction.atomic():
        refusal = _("Only a published post can be taken back into the queue.")
        transitions.lock_post(post.pk, transitions.SENDABLE_BACK, refusal=refusal)
        queue.require_unclaimed(moderator, queue.key("post", post.pk))
        post = transitions.send_back(post.pk, refusal=refusal)
        _record(moderator=moderator, action=Action.REQUEUE, reason=reason, post=post)
    return post


@dataclass(frozen=True)
class Flagged:
    """The flag, and what happens next, as the flagger is told it."""

    flag: Flag
    hidden: bool

    @property
    def message(self) -> str:
        if self.hidden:
            return _(
                "Thank you. Neighbors' flags have hidden this post until a moderator reviews it."
            )
        return _("Thank you. A moderator will review it; it stays visible until then.")


def flag_post(*, user, post: Post, reason: str, note: str = "") -> Flagged:
    """A neighbor's flag: in the moderators' queue at once; the post leaves the feed
    before a moderator acts only when enough established neighbors flag it (trust).

    The post's row is locked while the flags are counted, so simultaneous flags are
    counted one after the other and the post is taken down exactly once.
    """
    if reason not in Rule.values:
        raise ValidationError({"reason": _("Choose the rule this post breaks.")})
    with transaction.atomic():
        post = transitions.lock_post(
            post.pk,
            frozenset({Status.PUBLISHED}),
            refusal=_("This post is no longer shown, so there is nothing to flag."),
        )
        if post.author_id == user.pk:
            raise ValidationError(_("You cannot flag your own post; edit or delete it instead."))
        pace.require_pace(user, pace.FLAG)  # counted with the flagger's row locked
        try:
            with transaction.atomic():
                flag = Flag.objects.create(
                    post=post, user=user, reason=reason, note=note.strip()[:500]
                )
        except IntegrityError as exc:
            raise ValidationError(_("You have already flagged this post.")) from exc
        established = trust.established_flaggers(post)
        hidden = established >= trust.ESTABLISHED_FLAGS_TO_HIDE
        if hidden:
            transitions.send_back(post.pk)
            _record(
                moderator=None,
                action=Action.REQUEUE,
                reason=_("Hidden after flags from %(n)d established neighbors.")
                % {"n": established},
                post=post,
            )
    return Flagged(flag, hidden)


def keep_post(*, moderator, post: Post, reason: str = "") -> Post:
    """A flagged post that stayed published stays so: its flags are answered."""
    require_decider(moderator, "post", post)
    reason = _reason(reason)
    with transaction.atomic():
        post = transitions.lock_post(
            post.pk,
            frozenset({Status.PUBLISHED}),
            refusal=_("This post is no longer published; decide it in the queue."),
        )
        queue.require_unclaimed(moderator, queue.key("post", post.pk))
        answered = Flag.objects.filter(post=post, resolved=False).update(resolved=True)
        if not answered:
            raise Conflict(_("This post has already been decided: it is published."))
        _record(moderator=moderator, action=Action.KEEP, reason=reason, post=post)
        queue.release(queue.key("post", post.pk))
    return post


def flags_hold_edit(post: Post) -> str | None:
    """community.hooks: an edit of a post neighbors flagged waits for a moderator."""
    if Flag.objects.filter(post=post, resolved=False).exists():
        return _("Neighbors flagged this post: a moderator checks the edit first.")
    return None


def close_appellant(user, what_they_wrote: str) -> None:
    """accounts.closing: a closed account's open appeals are withdrawn (nobody is left to
    read the answer), and its address leaves the decisions it made as a moderator."""
    _withdraw(Appeal.objects.filter(author=user), actor=user)
    # Not blank: a blank name is what the flags' own decisions carry, and the public log
    # counts those apart; its past must not change when a moderator leaves.
    Decision.objects.filter(moderator=user).update(moderator_name=FORMER_MODERATOR)


def withdraw_appeals(post: Post, *, deleted: bool) -> None:
    """community.hooks: an edited or deleted post is no longer the one rejected, so its
    open appeal closes; a deleted post's comments can no longer be restored either.
    Runs in the author's transaction, after the post's row was locked (the lock order
    decide_appeal keeps too)."""
    about = Q(rejection__post=post)
    if deleted:
        about |= Q(rejection__comment__post=post)
    _withdraw(Appeal.objects.filter(about), actor=None)


def _withdraw(appeals, *, actor) -> None:
    withdrawn = list(appeals.filter(status=AppealStatus.OPEN))
    Appeal.objects.filter(pk__in=[appeal.pk for appeal in withdrawn]).update(
        status=AppealStatus.WITHDRAWN, decided_at=timezone.now()
    )
    for appeal in withdrawn:
        record(actor=actor, action="moderation.appeal.withdrawn", target=appeal)


def approve_comment(*, moderator, comment: Comment, reason: str = "") -> Comment:
    require_decider(moderator, "comment", comment)
    reason = _reason(reason)
    with transaction.atomic():
        queue.require_unclaimed(moderator, queue.key("comment", comment.pk))
        comment = transitions.publish_comment(comment.pk, allowed=transitions.PENDING_ONLY)
        _record(moderator=moderator, action=Action.APPROVE, reason=reason, comment=comment)
        queue.release(queue.key("comment", comment.pk))
    return comment


def reject_comment(*, moderator, comment: Comment, reason: str, rule: str) -> Comment:
    require_decider(moderator, "comment", comment)
    reason = _rejection_reason(reason, rule)
    with transaction.atomic():
        queue.require_unclaimed(moderator, queue.key("comment", comment.pk))
        comment = transitions.reject_comment(comment.pk, note=reason)
        _penalize(moderator=moderator, target=comment, reason=reason, rule=rule, comment=comment)
        queue.release(queue.key("comment", comment.pk))
    return comment


def appeal(*, author, statement: str, post: Post | None = None, comment=None) -> Appeal:
    """The author asks for a second look at the latest rejection of a post or comment.

    Once per rejection: a post edited, rejected again, can be appealed again. The post or
    comment is read locked, in the state it is in now.
    """
    target = post or comment
    if target is None or target.author_id != author.pk:
        raise NotAllowed(_("You can only appeal decisions on your own posts and comments."))
    statement = (statement or "").strip()
    if not statement:
        raise ValidationError({"statement": _("Say why the decision should change.")})
    if len(statement) > 1000:
        raise ValidationError({"statement": _("Keep the appeal under 1,000 characters.")})
    refusal = _("Only a rejected post or comment can be appealed.")
    rejected_only = frozenset({Status.REJECTED})
    with transaction.atomic():
        if post is not None:
            transitions.lock_post(post.pk, rejected_only, refusal=refusal)
        else:
            transitions.lock_comment(comment.pk, rejected_only, refusal=refusal)
        rejection = _latest_rejection(post=post, comment=comment)
        try:
            with transaction.atomic():
                made = Appeal.objects.create(
                    author=author, rejection=rejection, statement=statement
                )
        except IntegrityError as exc:
            raise Conflict(_("You have already appealed this decision.")) from exc
        record(
            actor=author,
            action="moderation.appeal.filed",
            target=made,
            data={"decision": rejection.pk},
        )
        return made


def apply_edit(*, moderator, revision: PostRevision) -> Post:
    """An author's edit of a published post, applied from the queue: like any item,
    only by whoever holds its claim (or anyone, when nobody does)."""
    require_decider(moderator, "edit", revision)
    with transaction.atomic():
        queue.require_unclaimed(moderator, queue.key("edit", revision.pk))
        post = community_services.approve_edit(moderator=moderator, revision=revision)
        notices.tell_editor(revision)
        queue.release(queue.key("edit", revision.pk))
    return post


def turn_down_edit(*, moderator, revision: PostRevision, note: str) -> PostRevision:
    """The published text stays and the author reads the note; claims as for apply_edit."""
    require_decider(moderator, "edit", revision)
    with transaction.atomic():
        queue.require_unclaimed(moderator, queue.key("edit", revision.pk))
        revision = community_services.reject_edit(moderator=moderator, revision=revision, note=note)
        notices.tell_editor(revision)
        queue.release(queue.key("edit", revision.pk))
    return revision


def carry_edit_claim(old: int, new: int) -> None:
    """The author replaced an edit a moderator had claimed: the claim moves to the new
    one (its clock unchanged), so nobody else picks up the review mid-way."""
    queue.move(queue.key("edit", old), queue.key("edit", new))


def _latest_rejection(*, post: Post | None, comment: Comment | None) -> Decision:
    rejections = Decision.objects.filter(action=Action.REJECT, post=post, comment=comment)
    return rejections.order_by("-created_at", "-pk").first()


def decide_appeal(
    *, moderator, appeal: Appeal, grant: bool, answer: str, ask_for_edit: bool = False
) -> Appeal:
    """Grant (publish, lift the penalty), grant by asking the author for an edit (the
    post returns to them, reviewed again once changed), or deny, with an answer.

    The moderator who rejected may not decide: a second look is another person's.
    Locks in the order every path uses (the post or comment first, then its appeal, as
    an author's edit or delete does), so a grant and an edit at once wait for each
    other instead of deadlocking.
    """
    require_decider(moderator, "appeal", appeal)
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": _("Tell the author why: the answer is shown to them.")})
    if len(answer) > MAX_REASON_CHARS:
        raise ValidationError(
            {"answer": _("Keep the answer under %(n)d characters.") % {"n": MAX_REASON_CHARS}}
        )
    decided = _("This appeal has already been decided.")
    with transaction.atomic():
        rejection = Decision.objects.get(appeal__pk=appeal.pk)
        if ask_for_edit and not rejection.post_id:
            raise ValidationError(
                {"action": _("Only a post can go back to its author for an edit.")}
            )
        if rejection.post_id:
            target = transitions.lock_post(rejection.post_id)
        else:
            target = transitions.lock_comment(rejection.comment_id)
        appeal = Appeal.objects.select_for_update().filter(pk=appeal.pk).first()
        if appeal is None or appeal.status != AppealStatus.OPEN:
            raise Conflict(decided)
        queue.require_unclaimed(moderator, queue.key("appeal", appeal.pk))
        status, action = AppealStatus.DENIED, Action.DENY_APPEAL
        if grant and ask_for_edit:
            penalties.lift(decision=rejection)
            status, action = AppealStatus.CHANGES_REQUESTED, Action.REQUEST_CHANGES
        elif grant:
            target = _reverse_rejection(rejection)
            status, action = AppealStatus.GRANTED, Action.GRANT_APPEAL
        on = {"post": target} if isinstance(target, Post) else {"comment": target}
        _record(moderator=moderator, action=action, reason=answer, **on)
        appeal.status, appeal.answer, appeal.decided_at = status, answer, timezone.now()
        appeal.save(update_fields=["status", "answer", "decided_at"])
        queue.release(queue.key("appeal", appeal.pk))
    return appeal


def record_check_stops(rules) -> None:
    """community.hooks: the automatic checks stopped a text, for these rules. Counted
    per rule and month, nothing else kept (the public log reads it)."""
    # The site's month, as the public log counts it (not the writer's time zone).
    month = timezone.localdate(timezone=timezone.get_default_timezone()).replace(day=1)
    for rule in set(rules) & set(Rule.values):
        stop, _made = CheckStop.objects.get_or_create(rule=rule, month=month)
        CheckStop.objects.filter(pk=stop.pk).update(count=F("count") + 1)


def _reverse_rejection(rejection: Decision) -> Post | Comment:
    """Publish what the rejection turned down, and lift the step it cost its author."""
    refusal = _("This post or comment is no longer rejected.")
    rejected_only = frozenset({Status.REJECTED})
    if rejection.post_id:
        target = transitions.publish_post(rejection.post_id, allowed=rejected_only, refusal=refusal)
    else:
        target = transitions.publish_comment(
            rejection.comment_id, allowed=rejected_only, refusal=refusal
        )
    penalties.lift(decision=rejection)
    return target


def claim_item(*, moderator, kind: str, item):
    """The moderator takes a queue item (the post, edit, comment or appeal the queue
    shows) for queue.CLAIM_FOR; others cannot decide it. Only one who may decide it may
    claim it, refused for the same reason the decision would be."""
    if kind not in queue.KINDS:
        require(moderator, MODERATE)
        raise ValidationError({"kind": _("Claim a post, an edit, a comment or an appeal.")})
    require_decider(moderator, kind, item)
    return queue.claim(moderator, queue.key(kind, item.pk))


def unclaim_item(*, moderator, kind: str, pk: int) -> None:
    require(moderator, MODERATE)
    queue.unclaim(moderator, queue.key(kind, pk))
