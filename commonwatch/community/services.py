"""Every write of the community feed that a resident makes: submit, edit, delete, comment.

State changes themselves (publish, take down, delete) live in transitions.py, which
moderation calls too; these functions check who may act and what they wrote first.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commonwatch.audit.services import record
from commonwatch.core.errors import NotAllowed
from commonwatch.core.policies import can, require
from commonwatch.geo.points import require_point
from commonwatch.geo.services import rebuild_tallies
from commonwatch.media import services as media

from . import hooks, transitions
from .checks import (
    MAX_COMMENT_CHARS,
    NEEDS_DETAILS,
    PROFILING_CHECK,
    check_text,
    person_details_prompt,
    rules_broken,
)
from .models import Category, Comment, Post, PostMedia, Status, ThreadAlias, tally_layer
from .policies import RESOLVE, WRITE

MAX_MEDIA_PER_POST = 4

# The same text from the same person on the same post within this time is one comment
# (a double click or a resent form), not two.
REPEATED_COMMENT_WINDOW = timedelta(minutes=2)


def _require_text_passes(
    *, title: str, body: str, as_written: bool, max_body: int | None = None
) -> str:
    """Refuse what no one may send; ask for details where a person is described by race
    alone. Returns the check a text sent "as written" is held by for the moderator."""
    kwargs = {"max_body": max_body} if max_body else {}
    reasons = check_text(title=title, body=body, **kwargs)
    if reasons:
        hooks.stopped(rules_broken(title=title, body=body))
        raise ValidationError({"body": reasons})
    prompt = person_details_prompt(f"{title}\n{body}")
    if prompt and not as_written:
        hooks.stopped({PROFILING_CHECK})  # held until details come: counted as a stop
        raise ValidationError({"body": ValidationError(prompt, code=NEEDS_DETAILS)})
    return PROFILING_CHECK if prompt else ""


def submit_post(
    *,
    author,
    category: str,
    title: str,
    body: str,
    lat: float,
    lng: float,
    uploads=(),
    as_written: bool = False,
) -> Post:
    """A new post, pending moderation; refused if an automatic check fails. A person
    described by race alone asks for details first, unless the author sends it as
    written: then it waits for a moderator marked with the check that held it.

    Its photos and videos are checked by content and size before anything is stored, then
    processed in the background (commonwatch.media): the author sees their status, and the
    post cannot be published before they are processed.
    """
    if not can(author, WRITE):
        raise NotAllowed(_("Only residents can post."), code="not_resident")
    hooks.require_may_post(author)
    if category not in Category.values:
        raise ValidationError({"category": _("Choose one of the categories.")})
    require_point(lat, lng)
    if len(uploads) > MAX_MEDIA_PER_POST:
        raise ValidationError(
            {"media": _("At most %(n)d photos or videos.") % {"n": MAX_MEDIA_PER_POST}}
        )
    held_by_check = _require_text_passes(title=title, body=body, as_written=as_written)
    for upload in uploads:
        media.check_upload(upload)
    with transaction.atomic():
        post = Post(
            author=author,
            category=category,
            title=title.strip(),
            body=body.strip(),
            media_count=len(uploads),
            held_by_check=held_by_check,
        )
        post.place(lat, lng)
        post.full_clean()
        post.save()
        ThreadAlias.objects.create(post=post, user=author, number=1)
        for upload in uploads:
            PostMedia.objects.create(
                post=post, media_file=media.accept_upload(owner=author, upload=upload)
            )
    return post


def _require_author(author, post: Post) -> None:
    if post.author_id != author.pk:
        raise NotAllowed(_("You can only change your own posts."), code="not_author")


def edit_post(
    *, author, post: Post, title: str, body: str, category: str, as_written: bool = False
) -> Post:
    """The author's edit goes back through moderation before neighbors see it again."""
    _require_author(author, post)
    if category not in Category.values:
        raise ValidationError({"category": _("Choose one of the categories.")})
    held_by_check = _require_text_passes(title=title, body=body, as_written=as_written)
    with transaction.atomic():
        edited = transitions.resubmit_post(
            post.pk,
            category=category,
            title=title.strip(),
            body=body.strip(),
            held_by_check=held_by_check,
        )
        hooks.changed(edited, deleted=False)
    return edited


def delete_post(*, author, post: Post) -> Post:
    """Gone everywhere: feed, map, API, live channel; its files after the commit."""
    _require_author(author, post)
    with transaction.atomic():
        deleted = transitions.delete_post(post.pk)
        hooks.changed(deleted, deleted=True)
    return deleted


def set_resolved(*, author, post: Post, resolved: bool) -> Post:
    """The author marks the post resolved ("Found" for a lost pet), or open again.

    It stays where it is in feeds and on the map, labelled; marking it twice changes
    nothing and writes no second audit entry.
    """
    require(author, RESOLVE, post)
    with transaction.atomic():
        post = transitions.lock_post(post.pk, transitions.EDITABLE)
        if (post.resolved_at is not None) == resolved:
            return post
        post.resolved_at = timezone.now() if resolved else None
        post.save(update_fields=["resolved_at", "updated_at"])
        action = "community.post.resolved" if resolved else "community.post.reopened"
        record(actor=author, action=action, target=post, data={"category": post.category})
    return post


def add_comment(*, author, post: Post, body: str, as_written: bool = False) -> Comment:
    """A comment waiting for moderation; the same text sent twice is kept once."""
    if not can(author, WRITE):
        raise NotAllowed(_("Only residents can comment."), code="not_resident")
    hooks.require_may_post(author)
    held_by_check = _require_text_passes(
        title="", body=body, as_written=as_written, max_body=MAX_COMMENT_CHARS
    )
    body = body.strip()
    with transaction.atomic():
        post = transitions.lock_post(
            post.pk,
            frozenset({Status.PUBLISHED}),
            refusal=_("Comments are open only on published posts."),
        )
        repeated = Comment.objects.filter(
            post=post,
            author=author,
            body=body,
            status__in=[Status.PENDING, Status.PUBLISHED],
            created_at__gte=timezone.now() - REPEATED_COMMENT_WINDOW,
        ).first()
        return repeated or Comment.objects.create(
            post=post, author=author, body=body, held_by_check=held_by_check
        )


def rebuild_post_tallies() -> None:
    """Recount the feed's cell tallies, overall and per category (after bulk loads)."""
    published = Post.objects.filter(status=Status.PUBLISHED)
    rebuild_tallies(layer=tally_layer(), queryset=published, time_field="published_at")
    for category in Category.values:
        rebuild_tallies(
            layer=tally_layer(category),
            queryset=published.filter(category=category),
            time_field="published_at",
        )
