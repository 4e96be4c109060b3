"""/api/v1/clips: the owner's clips, with the same selectors and services as the pages."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from commonwatch.accounts.access import api_access, needs
from commonwatch.core.cursors import cursor_at, decode_cursor
from commonwatch.core.schemas import Id, Moment, answers, binary
from commonwatch.media import serving

from . import clip_views, clips, library
from .clip_policies import CLIPS
from .models import ClipAccessAction

router = Router(tags=["clips"])
OWN_CLIPS = api_access(needs(CLIPS))


class ClipOut(Schema):
    id: int
    camera_id: int
    camera_name: str
    recorded_at: datetime
    recorded_at_source: str = Field(
        description="upload (sent with the clip), file (read from the video), name (read "
        "from the file's name by an import) or arrival (unknown: when it arrived)."
    )
    received_at: datetime
    source: str
    original_name: str
    status: str = Field(description="pending, processing or ready.")
    status_label: str
    duration_s: float | None
    width: int | None
    height: int | None
    size: int
    video_url: str | None = Field(
        description="The video once ready, with byte ranges; a signed-in session. With a "
        "token, GET /api/v1/clips/{id}/video."
    )
    thumbnail_url: str | None


class ClipList(Schema):
    clips: list[ClipOut]
    more: bool = Field(description="More clips match: ask again with `after` = `next`.")
    next: str | None = Field(
        description="Where this page ends (opaque): pass it as `after` for the next page, "
        "with the same filters. Null on the last page."
    )


class RefusalOut(Schema):
    id: int
    camera_id: int
    camera_name: str
    original_name: str
    reason: str
    received_at: datetime
    refused_at: datetime


class ClipFilters(Schema):
    camera: Id | None = Field(None, description="Only this camera's clips.")
    from_: Moment = Field(None, alias="from", description="Recorded at or after (ISO 8601).")
    to: Moment = Field(None, description="Recorded before (ISO 8601).")
    after: str | None = Field(
        None, max_length=100, description="Only clips after this position: a page's `next`."
    )
    limit: int = Field(library.LIBRARY_LIMIT, ge=1, le=library.LIBRARY_LIMIT)


@router.get("/clips", response=answers({200: ClipList}), auth=OWN_CLIPS)
def list_clips(request, filters: Query[ClipFilters]):
    """Your clips, newest first, optionally of one camera and recorded in [from, to),
    a page at a time: ask again with `after` = `next` for the following page. A time
    without a zone is in the site's time zone."""
    start, end = _aware(filters.from_), _aware(filters.to)
    if start and end and end <= start:
        raise ValidationError({"to": _("The range ends before it starts.")})
    found = library.clips_of(
        request.auth, camera_id=filters.camera, start=start, end=end,
        after=_position(filters.after), limit=filters.limit + 1,
    )  # fmt: skip
    page = found[: filters.limit]
    more = len(found) > filters.limit
    return {
        "clips": [library.clip_card(c) for c in page],
        "more": more,
        "next": cursor_at(page[-1].recorded_at, page[-1].pk) if more else None,
    }


def _position(after: str | None) -> tuple[datetime, int] | None:
    if not after:
        return None
    try:
        return decode_cursor(after)
    except ValueError:
        raise ValidationError(
            {"after": _("This is not a position this list gave: use a page's `next` as is.")}
        ) from None


def _aware(value: datetime | None) -> datetime | None:
    if value is None or timezone.is_aware(value):
        return value
    return timezone.make_aware(value)


@router.get("/clips/{clip_id}", response=answers({200: ClipOut}), auth=OWN_CLIPS)
def get_clip(request, clip_id: int):
    return library.clip_card(library.clip_for_owner(request.auth, clip_id))


@router.delete("/clips/{clip_id}", response=answers({204: None}), auth=OWN_CLIPS)
def delete_clip(request, clip_id: int):
    """Delete your clip at once: its record and its file."""
    clips.delete_clip(owner=request.auth, clip=library.clip_for_owner(request.auth, clip_id))
    return Status(204, None)


@router.get(
    "/clips/{clip_id}/video",
    response=answers({200: None}),
    auth=OWN_CLIPS,
    url_name="clip_video_download",
    openapi_extra=binary("video/mp4", "The clip's MP4.", ranges=True),
)
def clip_video(request, clip_id: int):
    """The clip's MP4 (byte ranges allowed); recorded in its access history as a download.
    A HEAD reads none of it, so it records nothing."""
    clip = library.watchable_clip(request.auth, clip_id)
    if request.method == "GET":
        clips.record_access(actor=request.auth, clip=clip, action=ClipAccessAction.DOWNLOADED)
    return clip_views.respond(request, clip)


@router.get(
    "/clips/{clip_id}/thumbnail",
    response=answers({200: None}),
    auth=OWN_CLIPS,
    url_name="clip_thumbnail_download",
    openapi_extra=binary("image/jpeg", "A JPEG of the clip's first frame."),
)
def clip_thumbnail(request, clip_id: int):
    """A JPEG still of the clip's first frame, privacy zones blacked out."""
    clip = library.watchable_clip(request.auth, clip_id)
    return clip_views.respond(request, clip, serving.THUMBNAIL)


@router.get("/clip-refusals", response=answers({200: list[RefusalOut]}), auth=OWN_CLIPS)
def list_refusals(request):
    """Files sent as clips that could not be used (nothing of them is kept), and why."""
    return library.refusals_of(request.auth)


@router.delete("/clip-refusals/{refusal_id}", response=answers({204: None}), auth=OWN_CLIPS)
def dismiss_refusal(request, refusal_id: int):
    refusal = library.refusal_for_owner(request.auth, refusal_id)
    clips.dismiss_refusal(owner=request.auth, refusal=refusal)
    return Status(204, None)
