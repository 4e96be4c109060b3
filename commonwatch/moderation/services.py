"""Moderators' decisions, residents' flags and appeals.

Every decision is recorded: who, when, why, and the rule a rejection cites.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commonwatch.accounts.roles import Capability, can
from commonwatch.community import services as community
from commonwatch.community.models import Comment, Post, Status

from . import penalties
from .models import Action, Appeal, AppealStatus, Decision, Flag, Rule

# This many neighbors flagging a published post send it back to the queue.
FLAGS_TO_REQUEUE = 3


def _require_moderator(user) -> None:
    if not can(user, Capability.MODERATE):
        raise ValidationError(_("Only moderators decide on posts."), code="not_moderator")


def _record(
    *, moderator, action: str, reason: str, post=None, comment=None, rule: str = ""
) -> Decision:
    return Decision.objects.create(
        post=post,
        comment=comment,
        moderator=moderator,
        action=action,
        rule=rule,
        reason=reason,
        moderator_name=moderator.email if moderator else "",
    )


def _rejection_reason(reason: str, rule: str) -> str:
    """A rejection must cite one of the rules and say why, for the author and the log."""
    if rule not in Rule.values:
        raise ValidationError({"rule": _("Choose the rule the post or comment breaks.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Tell the author why: the reason is shown to them.")})
    return reason.strip()


def _reject(*, moderator, target, reason: str, rule: str, **on) -> Decision:
    """Reject and record it; the author takes one step on the penalty ladder."""
    target.status, target.moderation_note = Status.REJECTED, reason
    fields = ["status", "moderation_note"] + (["updated_at"] if isinstance(target, Post) else [])
    target.save(update_fields=fields)
    decision = _record(moderator=moderator, action=Action.REJECT, reason=reason, rule=rule, **on)
    penalties.penalize(user=target.author, decision=decision)
    return decision


def approve_post(*, moderator, post: Post, reason: str = "") -> Post:
    _require_moderator(moderator)
    with transaction.atomic():
        post = Post.objects.select_for_update().get(pk=post.pk)
        if post.status != Status.PENDING:
            raise ValidationError(_("Only posts waiting in the queue can be approved."))
        post.moderation_note = ""
        community.publish_post(post)
        Flag.objects.filter(post=post).update(resolved=True)
        _record(moderator=moderator, action=Action.APPROVE, reason=reason, post=post)
    return post


def reject_post(*, moderator, post: Post, reason: str, rule: str) -> Post:
    _require_moderator(moderator)
    reason = _rejection_reason(reason, rule)
    with transaction.atomic():
        post = Post.objects.select_for_update().get(pk=post.pk)
        if post.status not in (Status.PENDING, Status.PUBLISHED):
            raise ValidationError(_("This post cannot be rejected now."))
        was_published = post.status == Status.PUBLISHED
        _reject(moderator=moderator, target=post, reason=reason, rule=rule, post=post)
        Flag.objects.filter(post=post).update(resolved=True)
        if was_published:
            transaction.on_commit(lambda: community.live.announce_removal(post))
    return post


def requeue_post(*, moderator, post: Post, reason: str) -> Post:
    """Take a published post down into the queue again (one moderator suffices)."""
    _require_moderator(moderator)
    with transaction.atomic():
        _send_back(post, reason=reason, moderator=moderator)
    return post


def _send_back(post: Post, *, reason: str, moderator=None) -> None:
    post.status = Status.PENDING
    post.save(update_fields=["status", "updated_at"])
    _record(moderator=moderator, action=Action.REQUEUE, reason=reason, post=post)
    transaction.on_commit(lambda: community.live.announce_removal(post))


def flag_post(*, user, post: Post, reason: str, note: str = "") -> Flag:
    """A neighbor's flag; enough of them put the post back in the moderators' queue."""
    if post.author_id == user.pk:
        raise ValidationError(_("You cannot flag your own post; edit or delete it instead."))
    if reason not in Rule.values:
        raise ValidationError({"reason": _("Choose why you flag this post.")})
    try:
        with transaction.atomic():
            flag = Flag.objects.create(post=post, user=user, reason=reason, note=note.strip()[:500])
            open_flags = Flag.objects.filter(post=post, resolved=False).count()
            if post.status == Status.PUBLISHED and open_flags >= FLAGS_TO_REQUEUE:
                _send_back(post, reason=_("Flagged by %(n)d neighbors.") % {"n": open_flags})
    except IntegrityError as exc:
        raise ValidationError(_("You have already flagged this post.")) from exc
    return flag


def _pending_comment(comment: Comment) -> Comment:
    """The comment, locked, if it still waits: a second click or moderator gets an error."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.status != Status.PENDING:
        raise ValidationError(_("This comment has already been decided."))
    return comment


def approve_comment(*, moderator, comment: Comment, reason: str = "") -> Comment:
    _require_moderator(moderator)
    with transaction.atomic():
        comment = _pending_comment(comment)
        community.publish_comment(comment)
        _record(moderator=moderator, action=Action.APPROVE, reason=reason, comment=comment)
    return comment


def reject_comment(*, moderator, comment: Comment, reason: str, rule: str) -> Comment:
    _require_moderator(moderator)
    reason = _rejection_reason(reason, rule)
    with transaction.atomic():
        comment = _pending_comment(comment)
        _reject(moderator=moderator, target=comment, reason=reason, rule=rule, comment=comment)
    return comment


def appeal(*, author, statement: str, post: Post | None = None, comment=None) -> Appeal:
    """The author asks for a second look at the latest rejection of a post or comment.

    Once per rejection: a post edited, rejected again, can be appealed again.
    """
    target = post or comment
    if target is None or target.author_id != author.pk:
        raise ValidationError(_("You can only appeal decisions on your own posts and comments."))
    if target.status != Status.REJECTED:
        raise ValidationError(_("Only a rejected post or comment can be appealed."))
    statement = statement.strip()
    if not statement:
        raise ValidationError({"statement": _("Say why the decision should change.")})
    if len(statement) > 1000:
        raise ValidationError({"statement": _("Keep the appeal under 1,000 characters.")})
    rejection = _latest_rejection(post=post, comment=comment)
    try:
        with transaction.atomic():
            return Appeal.objects.create(author=author, rejection=rejection, statement=statement)
    except IntegrityError as exc:
        raise ValidationError(_("You have already appealed this decision.")) from exc


def _latest_rejection(*, post: Post | None, comment: Comment | None) -> Decision:
    rejections = Decision.objects.filter(action=Action.REJECT, post=post, comment=comment)
    return rejections.order_by("-created_at", "-pk").first()


def decide_appeal(*, moderator, appeal: Appeal, grant: bool, answer: str) -> Appeal:
    """Grant (publish, lift the penalty) or deny (the rejection stands), with an answer."""
    _require_moderator(moderator)
    if not answer.strip():
        raise ValidationError({"answer": _("Tell the author why: the answer is shown to them.")})
    with transaction.atomic():
        appeal = Appeal.objects.select_for_update().select_related("rejection").get(pk=appeal.pk)
        if appeal.status != AppealStatus.OPEN:
            raise ValidationError(_("This appeal has already been decided."))
        target = _locked_target(appeal.rejection)
        if grant:
            _reverse_rejection(appeal.rejection, target)
        action = Action.GRANT_APPEAL if grant else Action.DENY_APPEAL
        on = {"post": target} if isinstance(target, Post) else {"comment": target}
        _record(moderator=moderator, action=action, reason=answer.strip(), **on)
        appeal.status = AppealStatus.GRANTED if grant else AppealStatus.DENIED
        appeal.answer, appeal.decided_at = answer.strip(), timezone.now()
        appeal.save(update_fields=["status", "answer", "decided_at"])
    return appeal


def _locked_target(rejection: Decision) -> Post | Comment:
    """The appealed post or comment, locked so an edit or delete cannot slip in between."""
    if rejection.post_id:
        return Post.objects.select_for_update().get(pk=rejection.post_id)
    return Comment.objects.select_for_update().get(pk=rejection.comment_id)


def _reverse_rejection(rejection: Decision, target: Post | Comment) -> None:
    if target.status != Status.REJECTED:
        raise ValidationError(_("This post or comment is no longer rejected."))
    penalties.lift(decision=rejection)
    target.moderation_note = ""
    if isinstance(target, Post):
        community.publish_post(target)
        target.save(update_fields=["moderation_note", "updated_at"])
    else:
        target.save(update_fields=["moderation_note"])
        community.publish_comment(target)
