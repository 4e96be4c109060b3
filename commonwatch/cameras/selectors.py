"""Queries about cameras and clips. Every one is scoped to an owner: nobody else's."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from commonwatch.accounts.selectors import token_digest
from commonwatch.media.models import Status

from .models import DEFAULT_RETENTION_DAYS, Camera, Clip, ClipKeeping, ClipUpload

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


def keeping_of(owner) -> ClipKeeping:
    """The owner's retention and quota; an unsaved row with the defaults if never set."""
    found = ClipKeeping.objects.filter(owner=owner).first()
    return found or ClipKeeping(owner=owner, retention_days=DEFAULT_RETENTION_DAYS)


def quota_of(owner) -> int:
    quota = keeping_of(owner).quota_bytes
    return quota if quota is not None else settings.CAMERA_QUOTA_BYTES


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
    unfinished = ClipUpload.objects.filter(
        owner=owner, finished_at__isnull=True, expires_at__gt=timezone.now()
    )
    total = unfinished.aggregate(total=Sum("length"))["total"]
    return total or 0


def storage_used(owner) -> int:
    """Everything counted against the owner's quota."""
    return sum(stored_bytes_by_camera(owner).values()) + reserved_upload_bytes(owner)
