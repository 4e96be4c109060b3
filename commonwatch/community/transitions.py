"""Every change of a post's or comment's state, and nothing else, happens here.

Each transition runs in one transaction, locks the row, checks the state it finds
(not the state the caller remembers) and writes only the fields it changes, so two
moderators, a double click or an author editing meanwhile get a Conflict instead of
a half-applied change. What must follow (live removal, alerts, file deletion) is
queued for after the commit in the outbox (live announcements carried out at once by
the committing process); files are deleted on commit.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from commonwatch.core import outbox
from commonwatch.core.errors import Conflict, NotFound
from commonwatch.geo.services import ask_place_label, tally_point
from commonwatch.media import selectors as media_selectors
from commonwatch.media import services as media

from . import live, replies
from .models import Comment, Post, PostMedia, Status, ThreadAlias, tally_layer

# What each transition may start from.
PENDING_ONLY = frozenset({Status.PENDING})  # a moderator's approval
PUBLISHABLE = frozenset({Status.PENDING, Status.REJECTED})  # approval, or a granted appeal
REJECTABLE = frozenset({Status.PENDING, Status.PUBLISHED})
SENDABLE_BACK = frozenset({Status.PUBLISHED})  # a moderator's second look, or flags
EDITABLE = frozenset({Status.PENDING, Status.PUBLISHED, Status.REJECTED})
# An approved edit lands on a post neighbors see, or one back in the queue meanwhile.
REVISABLE = frozenset({Status.PENDING, Status.PUBLISHED})
POST_ALERTS = "community.post_alerts"


def lock_post(post_id: int, allowed: frozenset[str] | None = None, *, refusal: str = "") -> Post:
    """The post's row, locked until the transaction ends, if its state allows the change."""
    post = Post.objects.select_for_update().filter(pk=post_id).first()
    if post is None or post.status == Status.DELETED:
        raise NotFound(_("This post does not exist."))
    if allowed is not None and post.status not in allowed:
        raise Conflict(refusal or _("This post has changed meanwhile; reload and try again."))
    return post


def lock_comment(
    comment_id: int, allowed: frozenset[str] | None = None, *, refusal: str = ""
) -> Comment:
    comment = Comment.objects.select_for_update().filter(pk=comment_id).first()
    if comment is None:
        raise NotFound(_("This comment does not exist."))
    if allowed is not None and comment.status not in allowed:
        raise Conflict(refusal or _("This comment has already been decided."))
    return comment


@transaction.atomic
def publish_post(post_id: int, *, allowed=PUBLISHABLE, refusal: str = "") -> Post:
    """Make a post public: count it in its cell once, push it live, alert the neighbors."""
    post = lock_post(post_id, allowed, refusal=refusal)
    if not media_selectors.all_settled(post.media.values_list("media_file_id", flat=True)):
        raise Conflict(
            _("Its photos or videos are still being processed; try again in a minute."),
            code="media_processing",
        )
    first_time = post.published_at is None
    post.status, post.moderation_note = Status.PUBLISHED, ""
    post.published_at = post.published_at or timezone.now()
    post.save(update_fields=["status", "moderation_note", "published_at", "updated_at"])
    if first_time:  # a post taken down and approved again is still one point in its cell
        for layer in (tally_layer(), tally_layer(post.category)):
            tally_point(layer=layer, cell=post.cell, at=post.published_at)
    outbox.put(POST_ALERTS, post_id=post.pk)
    outbox.put(live.ANNOUNCE_POST, inline=True, post_id=post.pk)
    ask_place_label(lat=post.lat, lng=post.lng)
    return post


@transaction.atomic
def reject_post(post_id: int, *, note: str, refusal: str = "") -> Post:
    post = lock_post(post_id, REJECTABLE, refusal=refusal)
    _take_down(post, Status.REJECTED, moderation_note=note)
    return post


@transaction.atomic
def send_back(post_id: int, *, refusal: str = "") -> Post:
    """A published post goes back to the moderators' queue and off every feed."""
    post = lock_post(post_id, SENDABLE_BACK, refusal=refusal)
    _take_down(post, Status.PENDING)
    return post


@transaction.atomic
def resubmit_post(
    post_id: int,
    *,
    category: str,
    title: str,
    body: str,
    held_by_check: str = "",
    descriptions: dict | None = None,
) -> Post:
    """The new text of a post nobody sees yet (waiting or rejected) goes to review.

    A rejection's note was about the text it replaces: its author now reads the post as
    waiting, and the rejection stays in the post's decisions, where moderators read it."""
    post = lock_post(post_id, EDITABLE)
    post.category, post.title, post.body = category, title, body
    post.held_by_check = held_by_check
    _describe(post, descriptions or {})
    edited = ["category", "title", "body", "held_by_check"]
    _take_down(post, Status.PENDING, moderation_note="", extra=edited)
    return post


@transaction.atomic
def revise_post(
    post_id: int,
    *,
    category: str,
    title: str,
    body: str,
    descriptions: dict | None = None,
    refusal: str = "",
) -> Post:
    """Apply an edit to a post and keep its state: a published post stays published.

    A new category counts the post in that category's tallies too (tallies only size
    feed windows; the old category's count stays until they are rebuilt)."""
    post = lock_post(post_id, REVISABLE, refusal=refusal)
    recategorized = post.category != category
    post.category, post.title, post.body = category, title, body
    _describe(post, descriptions or {})
    post.save(update_fields=["category", "title", "body", "updated_at"])
    if recategorized and post.published_at is not None:
        tally_point(layer=tally_layer(category), cell=post.cell, at=post.published_at)
    return post


def _describe(post: Post, descriptions: dict) -> None:
    """Set the photos' descriptions ({media file id: text}) of this post."""
    for media_file_id, description in descriptions.items():
        PostMedia.objects.filter(post=post, media_file_id=int(media_file_id)).update(
            description=description
        )


@transaction.atomic
def delete_post(post_id: int) -> Post:
    """Gone everywhere, text and exact point erased; its files go after the commit."""
    post = lock_post(post_id)
    media.discard(list(post.media.values_list("media_file_id", flat=True)))
    post.revisions.all().delete()  # edits waiting or turned down hold its text too
    post.title = post.body = post.moderation_note = ""
    post.media_count = 0
    post.forget_exact_point()
    fields = ["title", "body", "moderation_note", "media_count", "exact_lat", "exact_lng"]
    _take_down(post, Status.DELETED, extra=fields)
    return post


def _take_down(post: Post, status: str, *, moderation_note: str | None = None, extra=()) -> None:
    was_published = post.status == Status.PUBLISHED
    post.status = status
    fields = ["status", "updated_at", *extra]
    if moderation_note is not None:
        post.moderation_note = moderation_note
        fields.append("moderation_note")
    post.save(update_fields=fields)
    if was_published:
        outbox.put(
            live.ANNOUNCE_REMOVAL,
            inline=True,
            post_id=post.pk,
            cell=post.cell,
            lat=post.lat,
            lng=post.lng,
        )


@transaction.atomic
def publish_comment(comment_id: int, *, allowed=PUBLISHABLE, refusal: str = "") -> Comment:
    """Publish a comment, give its author their "Neighbor #N" in the thread now, and tell
    the post's author."""
    comment = lock_comment(comment_id, allowed, refusal=refusal)
    post = lock_post(comment.post_id)  # numbers aliases one at a time
    comment.status, comment.moderation_note = Status.PUBLISHED, ""
    comment.published_at = comment.published_at or timezone.now()
    comment.save(update_fields=["status", "moderation_note", "published_at"])
    Post.objects.filter(pk=post.pk).update(comment_count=F("comment_count") + 1)
    alias_for(post=post, user_id=comment.author_id)
    replies.tell_post_author(comment, post)
    return comment


@transaction.atomic
def reject_comment(comment_id: int, *, note: str, refusal: str = "") -> Comment:
    comment = lock_comment(comment_id, frozenset({Status.PENDING}), refusal=refusal)
    comment.status, comment.moderation_note = Status.REJECTED, note
    comment.save(update_fields=["status", "moderation_note"])
    return comment


@transaction.atomic
def delete_comment(comment_id: int) -> Comment:
    """Emptied and taken out of its thread, which keeps its other comments and numbers."""
    comment = lock_comment(comment_id)
    if comment.status == Status.PUBLISHED:
        Post.objects.filter(pk=comment.post_id).update(comment_count=F("comment_count") - 1)
    comment.status, comment.body, comment.moderation_note = Status.DELETED, "", ""
    comment.save(update_fields=["status", "body", "moderation_note"])
    return comment


def alias_for(*, post: Post, user_id: int) -> ThreadAlias:
    """The user's number in the thread, the next one if they have none (post row locked)."""
    existing = ThreadAlias.objects.filter(post=post, user_id=user_id).first()
    if existing is not None:
        return existing
    highest = ThreadAlias.objects.filter(post=post).aggregate(n=Max("number"))["n"] or 0
    return ThreadAlias.objects.create(post=post, user_id=user_id, number=highest + 1)
