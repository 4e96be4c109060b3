"""/api/v1/ endpoints of the neighborhood feed: the same services as the pages."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from commonwatch.accounts.access import api_access, needs
from commonwatch.accounts.roles import Capability
from commonwatch.moderation import services as moderation
from commonwatch.moderation.models import Rule

from . import selectors, services
from .models import Category

router = Router(tags=["feed"])
READ = api_access(needs(Capability.READ_FEED))
WRITE = api_access(needs(Capability.POST))


class MediaOut(Schema):
    kind: str
    url: str
    content_type: str


class PostOut(Schema):
    id: int
    category: str
    title: str
    body: str
    lat: float
    lng: float
    author: str
    status: str
    moderation_note: str
    published_at: datetime | None
    created_at: datetime
    media: list[MediaOut]
    comment_count: int
    mine: bool


class FeedOut(Schema):
    posts: list[PostOut]
    next_cursor: str | None


class FeedQuery(Schema):
    category: Category | None = None
    period: str | None = None
    cursor: str | None = None


class PostIn(Schema):
    category: Category
    title: str
    body: str
    lat: float
    lng: float


class PostEdit(Schema):
    category: Category
    title: str
    body: str


class CommentIn(Schema):
    body: str


class CommentOut(Schema):
    id: int
    body: str
    author: str
    status: str
    created_at: datetime


class FlagIn(Schema):
    reason: Rule
    note: str = ""


class MapPoint(Schema):
    id: int
    lat: float
    lng: float
    category: str
    title: str


class MapOut(Schema):
    points: list[MapPoint]


class Message(Schema):
    detail: str


@router.get("/feed", response=FeedOut, auth=READ)
def feed(request, filters: Query[FeedQuery]):
    """Published posts inside your alert circle, newest first; follow next_cursor for more."""
    try:
        page = selectors.feed_for(request.auth, **filters.dict())
    except ValueError as exc:
        raise ValidationError({"cursor": str(exc)}) from exc
    return {"posts": page.posts, "next_cursor": page.next_cursor}


@router.get("/map", response=MapOut, auth=READ, url_name="community_map_points")
def map_points(request, filters: Query[FeedQuery]):
    """Approximate points of the posts inside your circle (for a map or heat map)."""
    return {
        "points": selectors.map_points_for(
            request.auth, category=filters.category, period=filters.period
        )
    }


@router.post("/posts", response={201: PostOut}, auth=WRITE)
def create_post(request, payload: Form[PostIn], media: File[list[UploadedFile]] = None):
    """Send a post (multipart form, optional `media` files); it waits for moderation."""
    post = services.submit_post(author=request.auth, uploads=media or [], **payload.dict())
    return Status(201, selectors.post_card(post, request.auth))


@router.get("/posts/{post_id}", response=PostOut, auth=READ)
def post_detail(request, post_id: int):
    return selectors.post_card(selectors.post_for(request.auth, post_id), request.auth)


@router.put("/posts/{post_id}", response=PostOut, auth=WRITE)
def edit_post(request, post_id: int, payload: PostEdit):
    post = selectors.own_post(request.auth, post_id)
    post = services.edit_post(author=request.auth, post=post, **payload.dict())
    return selectors.post_card(post, request.auth)


@router.delete("/posts/{post_id}", response={204: None}, auth=WRITE)
def delete_post(request, post_id: int):
    services.delete_post(author=request.auth, post=selectors.own_post(request.auth, post_id))
    return Status(204, None)


@router.get("/posts/{post_id}/comments", response=list[CommentOut], auth=READ)
def comments(request, post_id: int):
    return selectors.comments_for(request.auth, selectors.post_for(request.auth, post_id))


@router.post("/posts/{post_id}/comments", response={201: CommentOut}, auth=WRITE)
def add_comment(request, post_id: int, payload: CommentIn):
    post = selectors.post_for(request.auth, post_id)
    comment = services.add_comment(author=request.auth, post=post, body=payload.body)
    return Status(
        201, next(c for c in selectors.comments_for(request.auth, post) if c["id"] == comment.pk)
    )


@router.post("/posts/{post_id}/flags", response={201: Message}, auth=WRITE)
def flag_post(request, post_id: int, payload: FlagIn):
    post = selectors.post_for(request.auth, post_id)
    moderation.flag_post(user=request.auth, post=post, reason=payload.reason, note=payload.note)
    return Status(201, {"detail": _("Flagged. Moderators will look at this post.")})
