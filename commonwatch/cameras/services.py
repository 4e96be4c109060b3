"""Actions on cameras and clips."""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from commonwatch.media import services as media_services
from commonwatch.media.models import Kind
from commonwatch.media.storage import media_storage

from .models import Camera, Clip, RecordedAtSource

logger = logging.getLogger(__name__)


def add_clip(
    *,
    camera: Camera,
    upload_name: str,
    size: int,
    received_sha256: str,
    recorded_at=None,
    source: str,
    original_name: str = "",
) -> tuple[Clip, bool]:
    """Make a clip of a video already stored in the private incoming area, and queue its
    processing (media pipeline). Returns (clip, created): the same bytes sent again by
    the same owner give the clip made the first time, and the new copy is deleted.
    `recorded_at` None means unknown: processing reads it from the file if it can, and
    until then (or else) the clip stands at the time it arrived (RecordedAtSource)."""
    known = recorded_at is not None
    try:
        with transaction.atomic():
            media = media_services.accept_stored(
                owner=camera.owner, kind=Kind.VIDEO, upload_name=upload_name, size=size
            )
            clip = Clip.objects.create(
                camera=camera,
                owner=camera.owner,
                media=media,
                recorded_at=recorded_at if known else timezone.now(),
                recorded_at_source=RecordedAtSource.UPLOAD if known else RecordedAtSource.ARRIVAL,
                source=source,
                received_sha256=received_sha256,
                original_name=original_name[:255],
            )
    except IntegrityError:
        existing = Clip.objects.filter(owner=camera.owner, received_sha256=received_sha256).first()
        if existing is None:
            raise
        _delete_quietly(upload_name)
        return existing, False
    return clip, True


def _delete_quietly(name: str) -> None:
    try:
        media_storage().delete(name)
    except OSError:
        logger.exception("Cameras: could not delete the duplicate upload %s", name)
