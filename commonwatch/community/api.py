"""/api/v1/ endpoints of the neighborhood feed: the same services as the pages."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page
from ninja import File, Form, Query, Router, Schema, Status
from ninja.decorators import decorate_view
from ninja.files import UploadedFile
from pydantic import BaseModel, BeforeValidator, Field, field_validator, model_validator

from commonwatch.accounts.access import api_access, needs
from commonwatch.accounts.selectors import home_of
from commonwatch.community.checks import MAX_BODY_CHARS, MAX_COMMENT_CHARS, MAX_TITLE_CHARS
from commonwatch.community.search import MAX_SEARCH_CHARS
from commonwatch.core.schemas import (
    Input,
    Latitude,
    Longitude,
    TooSoon,
    ZonedMoment,
    answers,
    any_or,
    text,
)

from . import policies, selectors, services
from .models import MAX_DESCRIPTION_CHARS, Category
from .search import search_words

router = Router(tags=["feed"])
# A browser's form may carry its CSRF token as a field, as Django's check accepts it.
CSRF_FIELD = "csrfmiddlewaretoken"
READ = api_access(needs(policies.READ))
WRITE = api_access(needs(policies.WRITE))
RESOLVE = api_access(needs(policies.RESOLVE))

Title = text(min_length=1, max_length=MAX_TITLE_CHARS)
Body = text(min_length=1, max_length=MAX_BODY_CHARS)
Period = Literal["day", "week", "month", "quarter"]
Description = text(max_length=MAX_DESCRIPTION_CHARS)


def _true_or_false(value):
    """JSON's true or false, or a form's "true" or "false": 0, "no" or "on" are no answer."""
    if isinstance(value, bool) or value in ("true", "false"):
        return value
    raise ValueError("must be true or false")


AsWritten = Annotated[
    bool,
    BeforeValidator(_true_or_false),
    Field(
        description=(
            "Send the text as written after a 422 `needs_specific_details`: it then waits "
            "for a moderator, marked with the check that questioned it."
        ),
    ),
]


class Card(BaseModel):
    """An answer built from the selectors' dicts (cards, map data): pydantic checks and
    filters them in its compiled core. ninja's Schema also reads ORM objects, through a
    Python wrapper around every object and field: ~18× slower for a page of 20 cards
    (5.4 → 0.3 ms on a loaded machine), and the OpenAPI document is the same."""


class MediaOut(Card):
    id: int
    kind: str
    status: str = Field(description="pending, processing, ready or failed.")
    status_label: str
    error: str = Field(description="Why processing refused the file (its author only).")
    url: str | None = Field(
        description="The file, once ready: /api/v1/media/{id}, read with a token or a session."
    )
    thumbnail_url: str | None
    content_type: str
    width: int | None
    height: int | None
    duration_s: float | None = Field(description="Measured by decoding, for videos.")
    alt: str = Field(description="Text for people who cannot see the photo.")
    description: str = Field(description="What the photo shows, in its author's words (alt text).")

    @model_validator(mode="after")
    def _api_addresses(self):
        """The API names the API's addresses of a file, which take a personal token as
        well as a session (media/api.py); the pages keep the browser's /media/ ones."""
        if self.url is not None:
            self.url = reverse("api:media_file", kwargs={"media_id": self.id})
        if self.thumbnail_url is not None:
            self.thumbnail_url = reverse("api:media_thumbnail", kwargs={"media_id": self.id})
        return self


class PendingEditOut(Card):
    id: int
    status: str = Field(description="pending (waiting for a moderator) or rejected.")
    status_label: str
    category: str
    category_label: str
    title: str
    body: str
    reasons: list[str] = Field(description="Why the edit waits for a moderator.")
    moderation_note: str = Field(description="Why a moderator turned it down.")
    created_at: datetime


class CitedRuleOut(Schema):
    name: str
    url: str = Field(description="Where the community guidelines give it in full (a path).")


class PostOut(Card):
    id: int
    category: str
    category_label: str
    title: str
    body: str
    lat: float
    lng: float
    place_label: str | None = Field(
        description='Name of the place around the public point ("Elm St & 41st Ave"), if known.'
    )
    author: str = Field(description='"You" on your own posts, else the thread alias.')
    distance_m: int | None = Field(
        description="Metres from your home to the post's public (approximate) point."
    )
    status: str
    moderation_note: str
    published_at: datetime | None
    created_at: datetime
    resolved: bool = Field(description="Its author marked it resolved (a lost pet: found).")
    resolved_at: datetime | None
    resolved_label: str = Field(description='"Found" for a lost pet, else "Resolved".')
    occurred_at: datetime = Field(description="When it happened, as its author says.")
    media: list[MediaOut]
    comment_count: int
    mine: bool
    cursor: str | None = Field(description="Feed position just after this post.")
    pending_edit: PendingEditOut | None = Field(
        None,
        description="To its author, on a post's own answer: their edit that neighbors do not "
        "see yet (waiting for a moderator, or turned down).",
    )
    rule_cited: CitedRuleOut | None = Field(
        None,
        description="To its author, on a rejected post's own answer: the rule the moderator cited.",
    )


class FeedOut(Card):
    posts: list[PostOut]
    next_cursor: str | None


class FeedQuery(Schema):
    category: any_or(Category) = None
    period: any_or(Period) = None
    q: text(max_length=MAX_SEARCH_CHARS) = Field(
        "", description="Words that every post found must hold (full-text search)."
    )
    cursor: text(max_length=200) | None = None


class ResolvedIn(Input):
    resolved: Annotated[bool, BeforeValidator(_true_or_false)]


def _a_view(value):
    """`south,west,north,east` as a query string writes it, checked here as a whole so
    that every refusal names `bbox` (ninja hands a tuple-typed query parameter over as
    the list of its values: here, one)."""
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if value is None:
        return None
    try:
        south, west, north, east = (float(x) for x in str(value).split(","))
    except ValueError:
        raise ValueError("give four numbers: south,west,north,east") from None
    if not -90 <= south <= north <= 90:
        raise ValueError("south and north are latitudes from -90 to 90, south first")
    if not -180 <= west <= east <= 180:
        raise ValueError("west and east are longitudes from -180 to 180, west first")
    return south, west, north, east


Bbox = Annotated[tuple[float, float, float, float] | None, BeforeValidator(_a_view)]


class MapQuery(Schema):
    category: any_or(Category) = None
    period: any_or(Period) = None
    q: text(max_length=MAX_SEARCH_CHARS) = Field(
        "", description="Words that every post counted or drawn must hold, as in the feed."
    )
    bbox: Bbox = Field(
        None,
        description="Zoomed in, the view: `south,west,north,east` in degrees; only the "
        "points inside it are drawn.",
    )
    zoom: int | None = Field(
        None, ge=0, le=22, description="The map's zoom: hexagon counts below 15, else points."
    )


class PostIn(Schema):
    category: Category = Field(description="Required: no category is picked for you.")
    title: Title
    body: Body
    lat: Latitude
    lng: Longitude
    as_written: AsWritten = False
    occurred_at: ZonedMoment = Field(
        None,
        description="When it happened, with its time zone; empty for now. Not in the future, "
        "at most 30 days ago.",
    )
    descriptions: list[Description] = Field(
        default_factory=list,
        max_length=4,
        description="What each photo shows (its alt text), in the order of the media files.",
    )


class DescriptionIn(Input):
    id: int = Field(description="The media file's id, as in the post's media.")
    description: Description


class PostEdit(Input):
    category: Category
    title: Title
    body: Body
    as_written: AsWritten = False
    descriptions: list[DescriptionIn] = Field(
        default_factory=list, max_length=4, description="New descriptions of the post's photos."
    )

    @field_validator("descriptions")
    @classmethod
    def each_photo_once(cls, descriptions: list[DescriptionIn]) -> list[DescriptionIn]:
        """Two texts for one photo would leave one of them silently unsaved."""
        ids = [item.id for item in descriptions]
        if twice := sorted({media_id for media_id in ids if ids.count(media_id) > 1}):
            ids_given = ", ".join(map(str, twice))
            raise ValueError(
                _("Describe each photo once: %(ids)s given twice.") % {"ids": ids_given}
            )
        return descriptions


class CommentIn(Input):
    body: text(min_length=1, max_length=MAX_COMMENT_CHARS)
    as_written: AsWritten = False


class CommentOut(Schema):
    id: int
    body: str
    author: str
    status: str
    created_at: datetime


class MapPoint(Card):
    id: int
    lat: float
    lng: float
    category: str
    title: str


class MapHexagon(Card):
    cell: str = Field(description="H3 cell index.")
    count: int
    boundary: list[tuple[float, float]] = Field(description="Corners as [lat, lng].")


class MapOut(Card):
    resolution: int | None = Field(description="H3 resolution of the hexagons; null: points.")
    hexagons: list[MapHexagon]
    points: list[MapPoint] = Field(description="Newest first, at their public points.")
    more: bool = Field(
        description="Points: more posts are in view than the newest 500 given (zoom in)."
    )


@router.get("/feed", response=answers({200: FeedOut}), auth=READ)
def feed(request, filters: Query[FeedQuery]):
    """Published posts inside your alert circle, newest first; follow next_cursor for more.
    With `q`, only those whose title or text holds every word."""
    query = filters.dict()
    _require_searchable(query["q"])
    try:
        page = selectors.feed_for(request.auth, **query)
    except ValueError as exc:
        raise ValidationError({"cursor": str(exc)}) from exc
    return {"posts": page.posts, "next_cursor": page.next_cursor}


@router.get("/map", response=answers({200: MapOut}), auth=READ, url_name="community_map_points")
@decorate_view(gzip_page)
def map_points(request, filters: Query[MapQuery]):
    """The posts inside your circle for a map: counts per H3 hexagon at a zoom below 15,
    else the newest points (approximate locations). Gzipped: it holds no secret."""
    query = filters.dict()
    _require_searchable(query["q"])
    return selectors.map_data_for(request.auth, **query)


def _require_searchable(words: str) -> None:
    """422 on `q` for words the search refuses (too many or too long)."""
    try:
        search_words(words)
    except ValueError as exc:
        raise ValidationError({"q": str(exc)}) from exc


@router.post("/posts", response=answers({201: PostOut}, extra={429: TooSoon}), auth=WRITE)
def create_post(request, payload: Form[PostIn], media: File[list[UploadedFile]] = None):
    """Send a post (multipart form, optional `media` files); it waits for moderation.

    A person described by race alone answers 422 with `type` `needs_specific_details`
    and what to add; send it again with the details, or with `as_written`. An account
    sends a few posts an hour (429 says when the next one is possible)."""
    if "media" in request.POST:
        raise ValidationError({"media": _("Send photos and videos as files, not as text.")})
    if stray := sorted(set(request.FILES) - {"media"}):
        raise ValidationError({name: _("Send this as text, not as a file.") for name in stray})
    if unknown := sorted(set(request.POST) - set(PostIn.model_fields) - {CSRF_FIELD}):
        raise ValidationError({name: _("A post has no such field.") for name in unknown})
    post = services.submit_post(author=request.auth, uploads=media or [], **payload.dict())
    return Status(201, selectors.post_card(post, request.auth))


@router.get("/posts/{post_id}", response=answers({200: PostOut}), auth=READ)
def post_detail(request, post_id: int):
    """A post you may see: published inside your circle, or your own."""
    post = selectors.post_for(request.auth, post_id)
    return selectors.post_page(post, request.auth, home=home_of(request.auth))


@router.put("/posts/{post_id}/resolved", response=answers({200: PostOut}), auth=RESOLVE)
def resolve_post(request, post_id: int, payload: ResolvedIn):
    """Mark your post resolved ("Found" for a lost pet), or open again."""
    post = selectors.own_post(request.auth, post_id)
    post = services.set_resolved(author=request.auth, post=post, resolved=payload.resolved)
    return selectors.post_card(post, request.auth, home=home_of(request.auth))


@router.put("/posts/{post_id}", response=answers({200: PostOut}), auth=WRITE)
def edit_post(request, post_id: int, payload: PostEdit):
    """Change your post's text and photo descriptions. A published post stays published:
    a small fix shows at once; a new category, a larger change or open flags make the edit
    wait for a moderator (see pending_edit) while neighbors keep the published version.
    A post not published yet goes back to moderation."""
    post = selectors.own_post(request.auth, post_id)
    data = payload.dict()
    descriptions = {item["id"]: item["description"] for item in data.pop("descriptions")}
    post = services.edit_post(author=request.auth, post=post, descriptions=descriptions, **data)
    return selectors.post_page(post, request.auth)


@router.delete("/posts/{post_id}", response=answers({204: None}), auth=WRITE)
def delete_post(request, post_id: int):
    """Delete your post: its text, exact point and files are erased."""
    services.delete_post(author=request.auth, post=selectors.own_post(request.auth, post_id))
    return Status(204, None)


@router.get("/posts/{post_id}/comments", response=answers({200: list[CommentOut]}), auth=READ)
def comments(request, post_id: int):
    return selectors.comments_for(request.auth, selectors.post_for(request.auth, post_id))


@router.post(
    "/posts/{post_id}/comments",
    response=answers({201: CommentOut}, extra={429: TooSoon}),
    auth=WRITE,
)
def add_comment(request, post_id: int, payload: CommentIn):
    """Comment on a published post; it appears once a moderator approves it. An account
    sends a limited number of comments an hour (429 says when the next one is possible)."""
    post = selectors.post_for(request.auth, post_id)
    comment = services.add_comment(author=request.auth, post=post, **payload.dict())
    return Status(201, selectors.comment_card(comment, request.auth))
