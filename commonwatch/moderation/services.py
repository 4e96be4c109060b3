"""Moderators' decisions and residents' flags. Every decision is recorded: who, when, why."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from commonwatch.accounts.roles import Capability, can
from commonwatch.community import services as community
from commonwatch.community.models import Comment, Post, Status

from .models import Action, Decision, Flag, FlagReason

# This many neighbors flagging a published post send it back to the queue.
FLAGS_TO_REQUEUE = 3


def _require_moderator(user) -> None:
    if not can(user, Capability.MODERATE):
        raise ValidationError(_("Only moderators decide on posts."), code="not_moderator")


def _record(*, moderator, action: str, reason: str, post=None, comment=None) -> Decision:
    return Decision.objects.create(
        post=post,
        comment=comment,
        moderator=moderator,
        action=action,
        reason=reason,
        moderator_name=moderator.email if moderator else "",
    )


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


def reject_post(*, moderator, post: Post, reason: str) -> Post:
    _require_moderator(moderator)
    if not reason.strip():
        raise ValidationError({"reason": _("Tell the author why: the reason is shown to them.")})
    with transaction.atomic():
        post = Post.objects.select_for_update().get(pk=post.pk)
        if post.status not in (Status.PENDING, Status.PUBLISHED):
            raise ValidationError(_("This post cannot be rejected now."))
        was_published = post.status == Status.PUBLISHED
        post.status, post.moderation_note = Status.REJECTED, reason.strip()
        post.save(update_fields=["status", "moderation_note", "updated_at"])
        Flag.objects.filter(post=post).update(resolved=True)
        _record(moderator=moderator, action=Action.REJECT, reason=reason.strip(), post=post)
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
    if reason not in FlagReason.values:
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


def approve_comment(*, moderator, comment: Comment, reason: str = "") -> Comment:
    _require_moderator(moderator)
    with transaction.atomic():
        community.publish_comment(comment)
        _record(moderator=moderator, action=Action.APPROVE, reason=reason, comment=comment)
    return comment


def reject_comment(*, moderator, comment: Comment, reason: str) -> Comment:
    _require_moderator(moderator)
    if not reason.strip():
        raise ValidationError({"reason": _("Tell the author why: the reason is shown to them.")})
    with transaction.atomic():
        comment.status, comment.moderation_note = Status.REJECTED, reason.strip()
        comment.save(update_fields=["status", "moderation_note"])
        _record(moderator=moderator, action=Action.REJECT, reason=reason.strip(), comment=comment)
    return comment
