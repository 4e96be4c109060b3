"""Moderators' decisions, residents' flags and appeals.

Every decision is recorded: who, when, why, and the rule a rejection cites. The
post or comment changes state only through community.transitions, which locks its
row and checks the state it finds there.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from commonwatch.audit.services import record
from commonwatch.community import transitions
from commonwatch.community.models import Comment, Post, Status
from commonwatch.core.errors import Conflict, NotAllowed
from commonwatch.core.policies import require

from . import penalties
from .models import Action, Appeal, AppealStatus, Decision, Flag, Rule
from .policies import MODERATE

# This many neighbors flagging a published post send it back to the queue.
FLAGS_TO_REQUEUE = 3
MAX_REASON_CHARS = 1000


def _require_moderator(user) -> None:
    require(user, MODERATE)


# How each decision is named in the audit trail: moderation.<post|comment>.<verb>.
AUDITED_AS = {
    Action.APPROVE: "approved",
    Action.REJECT: "rejected",
    Action.REQUEUE: "requeued",
    Action.GRANT_APPEAL: "appeal_granted",
    Action.DENY_APPEAL: "appeal_denied",
}


def _record(
    *, moderator, action: str, reason: str, post=None, comment=None, rule: str = ""
) -> Decision:
    """The decision, for the author and the public log, and its audit entry."""
    decision = _decision(
        moderator=moderator, action=action, reason=reason, post=post, comment=comment, rule=rule
    )
    _audit(decision)
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
    _require_moderator(moderator)
    reason = _reason(reason)
    with transaction.atomic():
        post = transitions.publish_post(
            post.pk,
            allowed=transitions.PENDING_ONLY,
            refusal=_("Only posts waiting in the queue can be approved."),
        )
        Flag.objects.filter(post=post).update(resolved=True)
        _record(moderator=moderator, action=Action.APPROVE, reason=reason, post=post)
    return post


def reject_post(*, moderator, post: Post, reason: str, rule: str) -> Post:
    _require_moderator(moderator)
    reason = _rejection_reason(reason, rule)
    with transaction.atomic():
        post = transitions.reject_post(
            post.pk, note=reason, refusal=_("This post cannot be rejected now.")
        )
        _penalize(moderator=moderator, target=post, reason=reason, rule=rule, post=post)
        Flag.objects.filter(post=post).update(resolved=True)
    return post


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
    return decision


def requeue_post(*, moderator, post: Post, reason: str) -> Post:
    """Take a published post down into the queue again (one moderator suffices)."""
    _require_moderator(moderator)
    reason = _reason(reason)
    with transaction.atomic():
        post = transitions.send_back(
            post.pk, refusal=_("Only a published post can be taken back into the queue.")
        )
        _record(moderator=moderator, action=Action.REQUEUE, reason=reason, post=post)
    return post


def flag_post(*, user, post: Post, reason: str, note: str = "") -> Flag:
    """A neighbor's flag; enough of them put the post back in the moderators' queue.

    The post's row is locked while the flag is counted, so simultaneous flags are
    counted one after the other and the post is sent back exactly once.
    """
    if reason not in Rule.values:
        raise ValidationError({"reason": _("Choose why you flag this post.")})
    with transaction.atomic():
        post = transitions.lock_post(
            post.pk,
            frozenset({Status.PUBLISHED}),
            refusal=_("Only published posts can be flagged; moderators have this one already."),
        )
        if post.author_id == user.pk:
            raise ValidationError(_("You cannot flag your own post; edit or delete it instead."))
        try:
            with transaction.atomic():
                flag = Flag.objects.create(
                    post=post, user=user, reason=reason, note=note.strip()[:500]
                )
        except IntegrityError as exc:
            raise ValidationError(_("You have already flagged this post.")) from exc
        open_flags = Flag.objects.filter(post=post, resolved=False).count()
        if open_flags >= FLAGS_TO_REQUEUE:
            transitions.send_back(post.pk)
            _record(
                moderator=None,
                action=Action.REQUEUE,
                reason=_("Flagged by %(n)d neighbors.") % {"n": open_flags},
                post=post,
            )
    return flag


def flags_hold_edit(post: Post) -> str | None:
    """community.hooks: an edit of a post neighbors flagged waits for a moderator."""
    if Flag.objects.filter(post=post, resolved=False).exists():
        return _("Neighbors flagged this post: a moderator checks the edit first.")
    return None


def close_appellant(user, what_they_wrote: str) -> None:
    """accounts.closing: a closed account's open appeals are withdrawn (nobody is left to
    read the answer), and its address leaves the decisions it made as a moderator."""
    _withdraw(Appeal.objects.filter(author=user), actor=user)
    Decision.objects.filter(moderator=user).update(moderator_name="")


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
    _require_moderator(moderator)
    reason = _reason(reason)
    with transaction.atomic():
        comment = transitions.publish_comment(comment.pk, allowed=transitions.PENDING_ONLY)
        _record(moderator=moderator, action=Action.APPROVE, reason=reason, comment=comment)
    return comment


def reject_comment(*, moderator, comment: Comment, reason: str, rule: str) -> Comment:
    _require_moderator(moderator)
    reason = _rejection_reason(reason, rule)
    with transaction.atomic():
        comment = transitions.reject_comment(comment.pk, note=reason)
        _penalize(moderator=moderator, target=comment, reason=reason, rule=rule, comment=comment)
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


def _latest_rejection(*, post: Post | None, comment: Comment | None) -> Decision:
    rejections = Decision.objects.filter(action=Action.REJECT, post=post, comment=comment)
    return rejections.order_by("-created_at", "-pk").first()


def decide_appeal(*, moderator, appeal: Appeal, grant: bool, answer: str) -> Appeal:
    """Grant (publish, lift the penalty) or deny (the rejection stands), with an answer.

    Locks in the order every path uses (the post or comment first, then its appeal, as
    an author's edit or delete does), so a grant and an edit at once wait for each
    other instead of deadlocking.
    """
    _require_moderator(moderator)
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
        if rejection.post_id:
            target = transitions.lock_post(rejection.post_id)
        else:
            target = transitions.lock_comment(rejection.comment_id)
        appeal = Appeal.objects.select_for_update().filter(pk=appeal.pk).first()
        if appeal is None or appeal.status != AppealStatus.OPEN:
            raise Conflict(decided)
        if grant:
            target = _reverse_rejection(rejection)
        on = {"post": target} if isinstance(target, Post) else {"comment": target}
        action = Action.GRANT_APPEAL if grant else Action.DENY_APPEAL
        _record(moderator=moderator, action=action, reason=answer, **on)
        appeal.status = AppealStatus.GRANTED if grant else AppealStatus.DENIED
        appeal.answer, appeal.decided_at = answer, timezone.now()
        appeal.save(update_fields=["status", "answer", "decided_at"])
    return appeal


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
