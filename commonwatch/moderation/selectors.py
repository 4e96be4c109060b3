"""What moderators see: the queue, oldest first, with the flags that brought posts back."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import Http404

from commonwatch.accounts.roles import Capability, can
from commonwatch.community.models import Comment, Post, Status

from .models import Decision


def _require(user) -> None:
    if not can(user, Capability.MODERATE):
        raise Http404


def pending_posts(user, limit: int = 100):
    _require(user)
    return (
        Post.objects.filter(status=Status.PENDING)
        .annotate(open_flags=Count("flags", filter=Q(flags__resolved=False)))
        .prefetch_related("media")
        .order_by("created_at")[:limit]
    )


def pending_comments(user, limit: int = 100):
    _require(user)
    return (
        Comment.objects.filter(status=Status.PENDING)
        .select_related("post")
        .order_by("created_at")[:limit]
    )


def post_in_queue(user, post_id: int) -> Post:
    _require(user)
    post = Post.objects.filter(pk=post_id).exclude(status=Status.DELETED).first()
    if post is None:
        raise Http404
    return post


def comment_in_queue(user, comment_id: int) -> Comment:
    _require(user)
    comment = Comment.objects.filter(pk=comment_id, status=Status.PENDING).first()
    if comment is None:
        raise Http404
    return comment


def recent_decisions(user, limit: int = 50):
    _require(user)
    return Decision.objects.select_related("post", "comment")[:limit]
