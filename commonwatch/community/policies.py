"""Who may read the neighborhood feed and write in it, and which posts and comments each
may read: selectors go through core.policies.restrict with these scopes.

Reading is decided in two steps: the scope says which rows a person may read at all
(published ones, their own, or for moderators any), and the geo selectors then keep what
lies in the reader's circle, measured at the public point (geo.selectors).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from commonwatch.accounts.models import Role
from commonwatch.core.policies import policy, scope
from commonwatch.organizations.memberships import acts_for
from commonwatch.organizations.models import Kind

from .models import Comment, Post, PostRevision, Status

READ = "community.read"
WRITE = "community.write"
REVIEW = "community.review"
RESOLVE = "community.resolve"


@policy(READ, "residents: the feed, map and posts inside their circle")
def _read(user, obj) -> bool:
    return user.role == Role.RESIDENT


@policy(WRITE, "residents: post, comment, edit and delete their own posts")
def _write(user, obj) -> bool:
    return user.role == Role.RESIDENT


@policy(RESOLVE, "the post's author: mark it resolved (a lost pet found) or open again")
def _resolve(user, obj) -> bool:
    return user.role == Role.RESIDENT and (obj is None or obj.author_id == user.pk)


def may_set_resolved(post: Post, resolved: bool) -> bool:
    """Whether the post's state lets its author mark it resolved (or open again).

    "Resolved" is a label for neighbors, so only a published post, which they see, takes
    it: marked while pending or rejected it would tell nobody and sit on a post that may
    never be published. Opening it again is always possible (a post marked, then taken
    back into review, is not stuck with its label)."""
    return post.status == Status.PUBLISHED or (not resolved and post.status != Status.DELETED)


@policy(
    REVIEW,
    "members of a moderation team: any post and its media, waiting or not, and authors' edits",
    staff=True,
)
def _review(user, obj) -> bool:
    return acts_for(user, kind=Kind.MODERATION)


def _posts_or_comments(queryset: QuerySet) -> QuerySet:
    if queryset.model not in (Post, Comment):
        raise TypeError(f"community scopes narrow posts and comments, not {queryset.model}")
    return queryset


@scope(READ)
def _published(queryset, user):
    """Posts: the published ones. Comments: the published ones and the reader's own
    still waiting (a rejected comment is shown only on its author's "My posts")."""
    queryset = _posts_or_comments(queryset)
    if queryset.model is Post:
        return queryset.filter(status=Status.PUBLISHED)
    return queryset.filter(Q(status=Status.PUBLISHED) | Q(author=user, status=Status.PENDING))


@scope(WRITE)
def _own(queryset, user):
    """The author's own posts (not deleted) and comments: what they may edit or appeal."""
    queryset = _posts_or_comments(queryset).filter(author=user)
    return queryset.exclude(status=Status.DELETED) if queryset.model is Post else queryset


@scope(REVIEW)
def _any_not_deleted(queryset, user):
    """Any post or comment not deleted, and the edits of such posts waiting or decided."""
    if queryset.model is PostRevision:
        return queryset.exclude(post__status=Status.DELETED)
    return _posts_or_comments(queryset).exclude(status=Status.DELETED)
