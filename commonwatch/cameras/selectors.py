"""Queries about cameras and clips. Every one is scoped to an owner: nobody else's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Max, Sum
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from commonwatch.accounts.selectors import token_digest
from commonwatch.core.errors import NotFound
from commonwatch.core.policies import restrict
from commonwatch.media.models import Status

from .models import DEFAULT_RETENTION_DAYS, Camera, Clip, ClipKeeping, ClipUpload
from .policies import OWN

DEVICE_TOKEN_PREFIX = "cwcam_"  # noqa: S105 - how a device token starts, not a secret


def camera_for_device_token(raw_token: str) -> Camera | None:
    """The camera a device token belongs to, or None (unknown, rotated or revoked)."""
    if not raw_token.startswith(DEVICE_TOKEN_PREFIX):
        return None
    return (
        Camera.objects.select_related("owner")
        .filter(token_digest=token_digest(raw_token), owner__is_active=True)
        .first()
    )


def cameras_of(user):
    """The user's own cameras, by name; nobody else's, whatever their role."""
    return restrict(Camera.objects.all(), user, OWN)


def camera_for_owner(user, camera_id) -> Camera:
    """One of the user's own cameras. Someone else's answers exactly as one that does not
    exist: the same query, the same NotFound."""
    camera = cameras_of(user).filter(pk=camera_id).first()
    if camera is None:
        raise NotFound()
    return camera


def latest_clip_with_thumbnail(camera: Camera) -> Clip | None:
    """The camera's newest processed clip, to draw zones over its thumbnail (where the
    zones already drawn are blacked out); None before the first one."""
    return (
        Clip.objects.filter(camera=camera, media__status=Status.READY)
        .exclude(media__thumbnail_name="")
        .select_related("media")
        .order_by("-recorded_at", "-pk")
        .first()
    )


@dataclass(frozen=True)
class Storage:
    """What the owner's clips take, per camera and in total, against their quota."""

    by_camera: list[tuple[Camera, int]]
    uploading: int
    used: int
    quota: int
    # When the last unfinished upload is dropped, and its room given back, if never finished.
    uploading_until: datetime | None = None

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.used / self.quota)) if self.quota else 100


def storage_of(owner) -> Storage:
    stored = stored_bytes_by_camera(owner)
    uploading = _unfinished_uploads(owner).aggregate(total=Sum("length"), until=Max("expires_at"))
    reserved = uploading["total"] or 0
    cameras = [(camera, stored.get(camera.pk, 0)) for camera in cameras_of(owner)]
    return Storage(
        by_camera=cameras,
        uploading=reserved,
        used=sum(stored.values()) + reserved,
        quota=quota_of(owner),
        uploading_until=uploading["until"],
    )


@dataclass(frozen=True)
class ClipsPast:
    """The owner's clips a shorter retention would delete at the next purge."""

    count: int
    size: int
    recorded_before: datetime


def clips_past(owner, retention_days: int) -> ClipsPast:
    """What keeping clips `retention_days` days would delete: the clips recorded before
    then, as the purge counts them (cameras.clips.purge_expired)."""
    before = timezone.now() - timedelta(days=retention_days)
    going = Clip.objects.filter(owner=owner, recorded_at__lt=before)
    totals = going.aggregate(size=Sum("media__size"))
    return ClipsPast(count=going.count(), size=totals["size"] or 0, recorded_before=before)


def keeping_of(owner) -> ClipKeeping:
    """The owner's retention and quota; an unsaved row with the defaults if never set."""
    found = ClipKeeping.objects.filter(owner=owner).first()
    return found or ClipKeeping(owner=owner, retention_days=DEFAULT_RETENTION_DAYS)


def quota_of(owner) -> int:
    quota = keeping_of(owner).quota_bytes
    return quota if quota is not None else settings.CAMERA_QUOTA_BYTES


def no_room_message(used: int, quota: int, needed: int) -> str:
    """What an owner is told when clips would pass their quota: what is needed, what is
    free, and how to make room."""
    return _(
        "Not enough room in your storage: this needs %(needed)s and %(free)s is free "
        "(%(used)s of your %(quota)s is used). Delete clips, or keep them for fewer days, "
        "to make room."
    ) % {
        "needed": filesizeformat(needed),
        "free": filesizeformat(max(quota - used, 0)),
        "used": filesizeformat(used),
        "quota": filesizeformat(quota),
    }


def stored_bytes_by_camera(owner) -> dict[int, int]:
    """Bytes each of the owner's cameras holds in clips (kept files and files waiting to
    be processed), by camera id."""
    rows = (
        Clip.objects.filter(owner=owner)
        .exclude(media__status=Status.FAILED)
        .values("camera_id")
        .annotate(total=Sum("media__size"))
    )
    return {row["camera_id"]: row["total"] or 0 for row in rows}


def reserved_upload_bytes(owner) -> int:
    """Bytes promised to unfinished resumable uploads: counted against the quota from
    the moment an upload is created, so parallel uploads cannot pass it together (until
    it expires)."""
    total = _unfinished_uploads(owner).aggregate(total=Sum("length"))["total"]
    return total or 0


def _unfinished_uploads(owner):
    return ClipUpload.objects.filter(
        owner=owner, finished_at__isnull=True, expires_at__gt=timezone.now()
    )


def storage_used(owner) -> int:
    """Everything counted against the owner's quota."""
    return sum(stored_bytes_by_camera(owner).values()) + reserved_upload_bytes(owner)
