"""Reads of an owner's clip library: always the asker's own clips, nobody else's.

A clip of someone else and a clip that does not exist look the same (404).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from commonwatch.core.errors import NotFound
from commonwatch.core.policies import can, restrict
from commonwatch.media.models import Status

from .clip_policies import CLIPS
from .models import Camera, Clip, ClipAccess, ClipRefusal, RecordedAtSource

# The most clips one page of the library (or one API answer) holds; narrow the time
# range (or ask the API again with its `next` cursor) for more.
LIBRARY_LIMIT = 200
MINUTES_A_DAY = 24 * 60
# The shortest mark on a day's time axis, in minutes: a 10 s clip must still show.
SHORTEST_MARK = 6


def own_clips(user) -> QuerySet[Clip]:
    return restrict(Clip.objects.all(), user, CLIPS)


def clip_for_owner(user, clip_id: int) -> Clip:
    found = own_clips(user).filter(pk=clip_id).select_related("camera", "media").first()
    if found is None:
        raise NotFound()
    return found


def older_and_newer(user, clip: Clip) -> tuple[Clip | None, Clip | None]:
    """The same camera's clips just before and after this one, to step through its
    recordings from a clip's page (ties in time are ordered by arrival)."""
    same_camera = own_clips(user).filter(camera_id=clip.camera_id)
    at, pk = clip.recorded_at, clip.pk
    older = same_camera.filter(Q(recorded_at__lt=at) | Q(recorded_at=at, pk__lt=pk))
    newer = same_camera.filter(Q(recorded_at__gt=at) | Q(recorded_at=at, pk__gt=pk))
    return (
        older.order_by("-recorded_at", "-pk").only("pk").first(),
        newer.order_by("recorded_at", "pk").only("pk").first(),
    )


def watchable_clip(user, clip_id: int) -> Clip:
    """The owner's clip, once processed: before that it has no file to watch."""
    clip = clip_for_owner(user, clip_id)
    if clip.media.status != Status.READY:
        raise NotFound(_("This clip is still being processed."))
    return clip


def refusal_for_owner(user, refusal_id: int) -> ClipRefusal:
    found = restrict(ClipRefusal.objects.filter(pk=refusal_id), user, CLIPS).first()
    if found is None:
        raise NotFound()
    return found


def refusals_of(user) -> list[dict]:
    rows = restrict(ClipRefusal.objects.all(), user, CLIPS).select_related("camera")
    return [refusal_card(row) for row in rows[:LIBRARY_LIMIT]]


def cameras_of(user) -> QuerySet[Camera]:
    """The owner's cameras, to filter the library by (a non-owner has none)."""
    return Camera.objects.filter(owner=user) if can(user, CLIPS) else Camera.objects.none()


def clips_of(
    user,
    *,
    camera_id: int | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    after: tuple[datetime, int] | None = None,
    limit: int = LIBRARY_LIMIT,
) -> list[Clip]:
    """The owner's clips, newest first, of one camera or all, recorded in [start, end);
    `after` a (recorded_at, id) position, only those listed after it."""
    clips = own_clips(user).select_related("camera", "media")
    if after is not None:
        moment, clip_id = after
        clips = clips.filter(Q(recorded_at__lt=moment) | Q(recorded_at=moment, pk__lt=clip_id))
    if camera_id is not None:
        clips = clips.filter(camera_id=camera_id)
    if start is not None:
        clips = clips.filter(recorded_at__gte=start)
    if end is not None:
        clips = clips.filter(recorded_at__lt=end)
    return list(clips.order_by("-recorded_at", "-pk")[:limit])


@dataclass
class CameraDay:
    camera: Camera
    clips: list[dict] = field(default_factory=list)


@dataclass
class Day:
    """One day of the library: each camera's clips on that day's time axis."""

    day: date
    cameras: list[CameraDay] = field(default_factory=list)


def timeline(clips: list[Clip]) -> list[Day]:
    """Clips grouped by day (newest first, in the reader's time zone), then by camera."""
    days: dict[date, dict[int, CameraDay]] = {}
    for clip in clips:
        local = timezone.localtime(clip.recorded_at)
        by_camera = days.setdefault(local.date(), {})
        row = by_camera.setdefault(clip.camera_id, CameraDay(camera=clip.camera))
        row.clips.append(clip_card(clip))
    return [
        Day(day=day, cameras=sorted(rows.values(), key=lambda r: (r.camera.name, r.camera.pk)))
        for day, rows in days.items()
    ]


def clip_card(clip: Clip) -> dict:
    """What the library, the clip page and the API show of a clip."""
    media = clip.media
    ready = media.status == Status.READY
    local = timezone.localtime(clip.recorded_at)
    minute = local.hour * 60 + local.minute
    length = (media.duration_s or 0) / 60
    return {
        "id": clip.pk,
        "camera_id": clip.camera_id,
        "camera_name": clip.camera.name,
        "recorded_at": clip.recorded_at,
        "recorded_at_source": clip.recorded_at_source,
        "recorded_at_known": clip.recorded_at_source != RecordedAtSource.ARRIVAL,
        "received_at": clip.created_at,
        "source": clip.source,
        "original_name": clip.original_name,
        "status": media.status,
        "status_label": str(Status(media.status).label),
        "duration_s": media.duration_s,
        "width": media.width,
        "height": media.height,
        "size": media.size,
        "url": reverse("clips:clip", kwargs={"clip_id": clip.pk}),
        "video_url": reverse("clips:video", kwargs={"clip_id": clip.pk}) if ready else None,
        "thumbnail_url": reverse("clips:thumbnail", kwargs={"clip_id": clip.pk}) if ready else None,
        # Its mark on the day's axis (an SVG 1440 minutes wide).
        "minute": minute,
        "mark_width": max(SHORTEST_MARK, min(length, MINUTES_A_DAY - minute)),
    }


def refusal_card(refusal: ClipRefusal) -> dict:
    return {
        "id": refusal.pk,
        "camera_id": refusal.camera_id,
        "camera_name": refusal.camera.name,
        "original_name": refusal.original_name,
        "reason": refusal.reason,
        "received_at": refusal.received_at,
        "refused_at": refusal.refused_at,
    }


def history_of(clip: Clip) -> list[ClipAccess]:
    """Who watched or downloaded the clip, newest first: today only its owner."""
    return list(clip.accesses.select_related("actor"))
