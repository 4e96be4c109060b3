"""Every write of the media pipeline: accept an upload, process it, discard files.

An upload is stored privately as it came and its row saved PENDING, with the processing
put in the outbox (core.outbox) in the same transaction: a dead worker or a stopped
queue delays it, never loses it. Processing claims the row (PROCESSING), checks, measures
and strips the file (media.cleaning), and settles it READY or FAILED with the reason the
owner sees. Files are deleted only after the transaction that forgets them commits.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import uuid
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commonwatch.core import outbox

from . import cleaning, hooks
from .models import SETTLED, Kind, MediaFile, Status
from .storage import media_storage

logger = logging.getLogger(__name__)

PROCESS = "media.process"
HEAD_BYTES = 16


def check_upload(upload) -> str:
    """The upload's kind (photo or video), judged by content, if its size is allowed;
    ValidationError otherwise. Cheap: lets a caller check every file before storing any."""
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    kind = cleaning.kind_of(head)
    if kind == Kind.PHOTO and upload.size > settings.MEDIA_MAX_PHOTO_BYTES:
        raise ValidationError(
            _("Photos may be at most %(mb)d MB.") % {"mb": settings.MEDIA_MAX_PHOTO_BYTES >> 20},
            code="photo_too_large",
        )
    if kind == Kind.VIDEO and upload.size > settings.MEDIA_MAX_VIDEO_BYTES:
        raise ValidationError(
            _("Videos may be at most %(mb)d MB.") % {"mb": settings.MEDIA_MAX_VIDEO_BYTES >> 20},
            code="video_too_large",
        )
    return kind


@transaction.atomic
def accept_upload(*, owner, upload) -> MediaFile:
    """Keep the upload privately and queue its processing; nobody else can see it yet."""
    return accept_stored(owner=owner, **store_upload(upload))


def store_upload(upload) -> dict:
    """Check the upload and keep it privately as it came, in no transaction of its own:
    what accept_stored needs (kind, upload_name, size). Storing before the transaction
    that records it keeps that transaction short (an object store slow to take the bytes
    would hold it open, and on SQLite every writer of every process with it); a file
    whose transaction then fails is deleted by the caller (discard_stored), or else by
    sweep_media."""
    kind = check_upload(upload)
    upload_name = media_storage().save(incoming_name(), upload)
    return {"kind": kind, "upload_name": upload_name, "size": upload.size}


def discard_stored(stored: list[dict]) -> None:
    """Delete files store_upload kept that no record will name (their transaction failed)."""
    delete_stored(each["upload_name"] for each in stored)


def delete_stored(names) -> None:
    """Delete stored files no record names (any more), without hiding why the caller
    failed: what cannot be deleted now is logged and left to sweep_media."""
    storage = media_storage()
    for name in names:
        try:
            storage.delete(name)
        except Exception:
            logger.exception("Media: could not delete %s", name)


def incoming_name() -> str:
    """A new private name in the storage's area for files not yet processed."""
    return f"incoming/{uuid.uuid4().hex}"


@transaction.atomic
def accept_stored(*, owner, kind: str, upload_name: str, size: int) -> MediaFile:
    """Queue the processing of a file already in the private incoming area (a finished
    resumable upload, an imported file); it is the pipeline's to keep or delete now."""
    item = MediaFile.objects.create(owner=owner, kind=kind, upload_name=upload_name, size=size)
    outbox.put(PROCESS, media_id=item.pk)
    return item


@outbox.handler(PROCESS)
def process(*, media_id: int) -> str:
    """Check, measure and strip one upload; settle it READY or FAILED. Harmless to repeat:
    a settled file is left alone, and a run a dead worker left half-done starts over."""
    claimed = (
        MediaFile.objects.filter(pk=media_id)
        .exclude(status__in=SETTLED)
        .update(status=Status.PROCESSING)
    )
    item = MediaFile.objects.filter(pk=media_id).first() if claimed else None
    if item is None:
        return "settled"  # or discarded meanwhile
    rules = hooks.rules_for(item, cleaning.VideoRules(settings.MEDIA_MAX_VIDEO_SECONDS))
    with cleaning.temporary_workdir() as workdir:
        try:
            cleaned = cleaning.clean(
                item.kind, _local_copy(item.upload_name, Path(workdir)), Path(workdir), rules=rules
            )
        except ValidationError as refusal:
            _settle(media_id, status=Status.FAILED, error=" ".join(refusal.messages))
            return Status.FAILED
        stored = _store(cleaned)
    if not _settle(media_id, status=Status.READY, error="", cleaned=cleaned, **stored):
        _delete_after_commit([stored["name"], stored["thumbnail_name"]])
    return Status.READY


def _local_copy(name: str, workdir: Path) -> Path:
    """The upload on local disk, where FFmpeg and Pillow can read it whatever the storage."""
    target = workdir / "upload"
    with media_storage().open(name, "rb") as source, target.open("wb") as copy:
        shutil.copyfileobj(source, copy, length=1 << 20)
    return target


def _store(cleaned: cleaning.Cleaned) -> dict:
    storage = media_storage()
    stem = f"media/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"
    digest = hashlib.sha256()
    with cleaned.path.open("rb") as data:
        for block in iter(partial(data.read, 1 << 20), b""):
            digest.update(block)
        data.seek(0)
        name = storage.save(f"{stem}.{cleaned.extension}", File(data))
    thumbnail_name = storage.save(f"{stem}-thumb.jpg", ContentFile(cleaned.thumbnail))
    return {
        "name": name,
        "thumbnail_name": thumbnail_name,
        "content_type": cleaned.content_type,
        "size": cleaned.path.stat().st_size,
        "sha256": digest.hexdigest(),
        "width": cleaned.width,
        "height": cleaned.height,
        "duration_s": cleaned.duration_s,
    }


def _settle(media_id: int, *, cleaned: cleaning.Cleaned | None = None, **fields) -> bool:
    """Record the outcome unless the file was discarded (or settled) meanwhile, and tell
    the attachment in the same transaction (media.hooks); the upload as received goes
    once the outcome is committed."""
    with transaction.atomic():
        item = MediaFile.objects.select_for_update().filter(pk=media_id).first()
        if item is None or item.status in SETTLED:
            return False
        MediaFile.objects.filter(pk=media_id).update(
            upload_name="", processed_at=timezone.now(), **fields
        )
        _delete_after_commit([item.upload_name])
        item.refresh_from_db()
        for tell in hooks.ready if cleaned is not None else ():
            tell(item, cleaned)
        for tell in hooks.refused if item.status == Status.FAILED else ():
            tell(item, item.error)
    return True


def discard(media_ids) -> None:
    """Forget these files; their bytes go once the caller's transaction commits."""
    items = MediaFile.objects.filter(pk__in=list(media_ids))
    names = [
        name
        for names in items.values_list("upload_name", "name", "thumbnail_name")
        for name in names
        if name
    ]
    items.delete()
    _delete_after_commit(names)


def _delete_after_commit(names: list[str]) -> None:
    if names:
        transaction.on_commit(partial(delete_stored, names), robust=True)
