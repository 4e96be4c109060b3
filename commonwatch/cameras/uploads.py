"""Resumable clip uploads (tus 1.0): start one, append bytes at its offset, finish it into
a clip, terminate it, and purge the ones left to expire. The protocol's headers and
status codes are cameras.tus's; the rules are here.

The partial bytes live in a private folder of the media storage when it is local disk
(MEDIA_ROOT/clip-parts/, outside the folders sweep_media walks), and on the app server's
local disk (DATA_DIR/clip-parts/) when the media storage is object storage, where a file
cannot be appended to: a finished upload then moves (local disk: one rename) or is copied
(object storage) into the storage's incoming area, where the media pipeline takes it.

Each append holds the upload's row lock (select_for_update) while it writes, so two
requests for the same upload can never both append; on SQLite a write transaction locks
the database, so keep chunks small there (the browser page sends 8 MB).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import os
import shutil
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commonwatch.core.errors import Conflict, DomainError, NotFound
from commonwatch.core.schemas import MAX_ID
from commonwatch.media.recording_time import EARLIEST_RECORDING, is_plausible, parse_time
from commonwatch.media.services import incoming_name
from commonwatch.media.storage import media_storage

from .asgi import Staged
from .models import Camera, ClipSource, ClipUpload
from .selectors import no_room_message, quota_of, storage_used
from .services import add_clip

logger = logging.getLogger(__name__)

PARTS = "clip-parts"
STAGING = "staging"
STALE_STAGING = timedelta(hours=1)
BLOCK = 1 << 20
MAX_METADATA_CHARS = 4096


class UploadRefused(DomainError):
    """A request the upload cannot take, with the tus status that says why."""

    def __init__(self, message: str, *, status: int, code: str = ""):
        super().__init__(message, code=code)
        self.status = status


class Gone(UploadRefused):
    def __init__(self):
        super().__init__(
            _("This upload expired before it was finished: start it again."),
            status=410,
            code="expired",
        )


@dataclass(frozen=True)
class Uploader:
    """Who sends: a signed-in owner (any of their cameras), or one camera's device token
    (that camera only)."""

    user: object
    device_camera: Camera | None = None

    @property
    def source(self) -> str:
        return ClipSource.AGENT if self.device_camera else ClipSource.BROWSER

    def uploads(self):
        if self.device_camera is not None:
            return ClipUpload.objects.filter(camera=self.device_camera, owner=self.user)
        return ClipUpload.objects.filter(owner=self.user)


def parse_metadata(header: str) -> dict[str, str]:
    """tus Upload-Metadata: comma-separated "key base64(value)" pairs (value optional)."""
    if len(header) > MAX_METADATA_CHARS:
        raise UploadRefused(_("Upload-Metadata is too long."), status=400)
    metadata = {}
    for pair in filter(None, (p.strip() for p in header.split(","))):
        key, _space, encoded = pair.partition(" ")
        try:
            value = base64.b64decode(encoded.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            raise UploadRefused(
                _("Upload-Metadata %(key)s is not base64-encoded UTF-8.") % {"key": key},
                status=400,
            ) from None
        if "\x00" in key + value:  # PostgreSQL's JSON cannot store it: refused, not a 500
            raise UploadRefused(
                _("Upload-Metadata %(key)s holds a NUL character.")
                % {"key": key.replace("\x00", "")},
                status=400,
            )
        metadata[key] = value
    return metadata


def encode_metadata(metadata: dict[str, str]) -> str:
    return ",".join(
        f"{key} {base64.b64encode(value.encode()).decode()}" for key, value in metadata.items()
    )


def recorded_at_of(metadata: dict[str, str]) -> datetime | None:
    """The metadata's recorded_at (ISO 8601; UTC when it names no zone), None if absent.
    Refused at creation unless it is a time a clip can have been recorded at."""
    raw = metadata.get("recorded_at", "").strip()
    if not raw:
        return None
    moment = parse_time(raw)
    if moment is None:
        raise UploadRefused(
            _("recorded_at must be an ISO 8601 date and time, such as 2026-11-30T14:05:00Z."),
            status=400,
        )
    if not is_plausible(moment):
        raise UploadRefused(
            _(
                "recorded_at must be after %(earliest)s and not more than a day ahead: "
                "is the camera's clock set?"
            )
            % {"earliest": EARLIEST_RECORDING.date().isoformat()},
            status=400,
        )
    return moment


def start(*, uploader: Uploader, length: int, metadata: dict[str, str]) -> ClipUpload:
    """A new upload of `length` bytes, counted against the owner's quota from now on."""
    camera = _camera_for(uploader, metadata.get("camera", ""))
    if length <= 0:
        raise UploadRefused(_("An empty file is not a clip."), status=400)
    limit = settings.CAMERA_MAX_CLIP_BYTES
    if length > limit:
        raise UploadRefused(
            _("This clip is too large: a clip may be at most %(mb)d MB.") % {"mb": limit >> 20},
            status=413,
            code="too_large",
        )
    recorded_at_of(metadata)
    owner = uploader.user
    with transaction.atomic():
        # One owner's uploads start one at a time: two cannot pass the quota together.
        get_user_model().objects.select_for_update().filter(pk=owner.pk).first()
        _check_quota(owner, length)
        return ClipUpload.objects.create(
            owner=owner,
            camera=camera,
            length=length,
            metadata=metadata,
            source=uploader.source,
            part_name=f"{PARTS}/{uuid.uuid4().hex}",
            expires_at=timezone.now() + timedelta(hours=settings.CAMERA_UPLOAD_EXPIRY_HOURS),
        )


def _camera_for(uploader: Uploader, camera_id: str) -> Camera:
    if uploader.device_camera is not None:
        return uploader.device_camera
    camera, camera_id = None, camera_id.strip()
    if camera_id.isascii() and camera_id.isdigit() and int(camera_id) <= MAX_ID:
        camera = Camera.objects.filter(owner=uploader.user, pk=int(camera_id)).first()
    if camera is None:
        raise UploadRefused(
            _("Upload-Metadata must name one of your cameras: camera (its id)."), status=400
        )
    return camera


def _check_quota(owner, length: int) -> None:
    used, quota = storage_used(owner), quota_of(owner)
    if used + length > quota:
        raise UploadRefused(
            no_room_message(used, quota, length),
            status=413,
            code="quota",
        )


def find(*, uploader: Uploader, upload_id: str) -> ClipUpload:
    """The sender's upload: someone else's is as unknown as one that never existed."""
    upload = _scoped(uploader, upload_id).first()
    if upload is None:
        raise NotFound(_("No such upload."))
    _refuse_expired(upload)
    upload.offset = min(upload.offset, received_bytes(upload))
    return upload


def _scoped(uploader: Uploader, upload_id: str):
    try:
        key = uuid.UUID(upload_id)
    except ValueError:
        return ClipUpload.objects.none()
    return uploader.uploads().filter(pk=key)


def _refuse_expired(upload: ClipUpload) -> None:
    if upload.finished_at is None and upload.expires_at <= timezone.now():
        raise Gone()


def append(*, uploader: Uploader, upload_id: str, offset: int, body, declared: int | None):
    """Write the body's bytes at `offset` (which must be the bytes received so far) and,
    when they complete the upload, make the clip. `body` is a stream (bytes read before
    the sender went away are kept: the next request resumes after them) or the bytes
    already received in a staging file (cameras.asgi), moved into place."""
    if isinstance(body, Staged):
        declared = body.size
    with transaction.atomic():
        upload = _scoped(uploader, upload_id).select_for_update().first()
        _check_append(upload, offset, declared)
        if upload.finished_at is not None:  # its file is the pipeline's now: touch nothing
            return upload
        if isinstance(body, Staged):
            digest = _Digest(upload, None, staged=body)
            upload.offset += _place(upload, body)
        else:
            digest = _Digest(upload, declared)
            upload.offset += _write(upload, body, digest)
        if upload.offset == upload.length and upload.finished_at is None:
            _finish(upload, digest.hexdigest())
        upload.save(update_fields=["offset", "finished_at", "clip"])
    return upload


def may_append(*, uploader: Uploader, upload_id: str, offset: int, declared: int | None):
    """Refuse, before a byte of the body is read, what append would refuse anyway: an
    upload that is not the sender's, expired, at another offset, or shorter."""
    _check_append(_scoped(uploader, upload_id).first(), offset, declared)


def _check_append(upload: ClipUpload | None, offset: int, declared: int | None) -> None:
    if upload is None:
        raise NotFound(_("No such upload."))
    _refuse_expired(upload)
    upload.offset = min(upload.offset, received_bytes(upload))
    if offset != upload.offset:
        raise Conflict(
            _("Upload-Offset %(sent)d is not where this upload stands: %(offset)d.")
            % {"sent": offset, "offset": upload.offset},
            code="offset",
        )
    if declared is not None and offset + declared > upload.length:
        raise _past_length(upload)
    if upload.finished_at is not None and declared != 0:
        raise _past_length(upload)


def _past_length(upload: ClipUpload) -> UploadRefused:
    return UploadRefused(
        _("This upload is %(length)d bytes long: more were sent.") % {"length": upload.length},
        status=413,
        code="past_length",
    )


class _Digest:
    """SHA-256 of the whole upload, kept while the request that completes it streams in
    (the bytes already received are read once first): the finished file is not read again."""

    def __init__(self, upload: ClipUpload, declared: int | None, staged: Staged | None = None):
        self.upload = upload
        self.hash = None
        if staged is not None and upload.offset == 0 and staged.size == upload.length:
            self.hash = staged.sha256  # the whole upload in one request, hashed as it came
        elif declared is not None and upload.offset + declared == upload.length:
            self.hash = _hash_of(part_path(upload), upload.offset)

    def update(self, block: bytes) -> None:
        if self.hash is not None:
            self.hash.update(block)

    def hexdigest(self) -> str:
        if self.hash is None:  # no declared length: read the whole file once
            self.hash = _hash_of(part_path(self.upload), self.upload.length)
        return self.hash.hexdigest()


def _hash_of(path: Path, size: int):
    digest = hashlib.sha256()
    if size:
        with path.open("rb") as data:
            while size > 0:
                block = data.read(min(BLOCK, size))
                if not block:
                    break
                digest.update(block)
                size -= len(block)
    return digest


def _write(upload: ClipUpload, body, digest: _Digest) -> int:
    """Append the body's bytes after the upload's offset (dropping whatever a failed
    request left past it); never past the declared length."""
    path = part_path(upload)
    path.parent.mkdir(parents=True, exist_ok=True)
    room = upload.length - upload.offset
    written = 0
    with path.open("ab") as part:
        part.truncate(upload.offset)
        while True:
            try:
                block = body.read(min(BLOCK, room - written + 1))
            except OSError:  # the sender went away: keep what arrived
                break
            if not block:
                break
            if written + len(block) > room:
                raise _past_length(upload)
            part.write(block)
            digest.update(block)
            written += len(block)
    return written


def _place(upload: ClipUpload, staged: Staged) -> int:
    """Move staged bytes after the upload's offset: the first ones by a rename, later ones
    by an in-kernel copy. How many."""
    path = part_path(upload)
    path.parent.mkdir(parents=True, exist_ok=True)
    if upload.offset == 0:
        os.replace(staged.path, path)
        return staged.size
    with path.open("r+b") as part, staged.path.open("rb") as data:
        part.truncate(upload.offset)
        part.seek(upload.offset)
        _copy(data, part, staged.size)
    return staged.size


def _copy(source, target, size: int) -> None:
    left = size
    try:
        while left > 0:
            copied = os.copy_file_range(source.fileno(), target.fileno(), left)
            if copied == 0:
                break
            left -= copied
    except OSError:  # a file system without it: copy through memory
        shutil.copyfileobj(source, target, BLOCK)


def _finish(upload: ClipUpload, sha256: str) -> None:
    """Hand the complete file to the media pipeline as a clip (once per owner's bytes)."""
    name = _hand_over(part_path(upload))
    try:
        clip, created = add_clip(
            camera=upload.camera,
            upload_name=name,
            size=upload.length,
            received_sha256=sha256,
            # None without one: the clip stands at its arrival, marked as such, until
            # processing reads the file's creation_time (cameras.clips.ready_hook).
            recorded_at=recorded_at_of(upload.metadata),
            source=upload.source,
            original_name=upload.metadata.get("filename", ""),
        )
    except Exception:
        _delete_stored(name)
        raise
    upload.finished_at = timezone.now()
    upload.clip = clip if created else None  # a copy folded into the clip another upload made


def _hand_over(part: Path) -> str:
    storage = media_storage()
    name = incoming_name()
    if isinstance(storage, FileSystemStorage):
        target = Path(storage.path(name))
        target.parent.mkdir(parents=True, exist_ok=True)
        _sync_to_disk(part)
        os.replace(part, target)
        _sync_to_disk(target.parent)
        return name
    with part.open("rb") as data:
        name = storage.save(name, File(data))
    part.unlink()
    return name


def _sync_to_disk(path: Path) -> None:
    """fsync a file, or a folder's entries. The camera forgets a clip once its last PATCH
    is answered, so the clip's bytes and its name must outlive a power cut by then
    (unfinished uploads need not: their offset is what is on disk, see received_bytes)."""
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _delete_stored(name: str) -> None:
    try:
        media_storage().delete(name)
    except OSError:
        logger.exception("Clip uploads: could not delete %s", name)


def terminate(*, uploader: Uploader, upload_id: str) -> None:
    """Forget the upload and its bytes (a finished upload's clip stays)."""
    with transaction.atomic():
        upload = _scoped(uploader, upload_id).select_for_update().first()
        if upload is None:
            raise NotFound(_("No such upload."))
        upload.delete()
        if upload.finished_at is None:
            transaction.on_commit(lambda: _delete_part(upload), robust=True)


def purge_expired(*, now: datetime | None = None) -> int:
    """Delete the uploads past their expiry: unfinished ones with their bytes, finished
    ones (whose file the pipeline owns) as records only. How many went."""
    now = now or timezone.now()
    gone = 0
    for upload in ClipUpload.objects.filter(expires_at__lte=now).iterator():
        with transaction.atomic():
            locked = ClipUpload.objects.select_for_update().filter(pk=upload.pk).first()
            if locked is None or locked.expires_at > now:
                continue
            locked.delete()
        if locked.finished_at is None:
            _delete_part(locked)
        gone += 1
    return gone + _purge_stale_staging()


def _purge_stale_staging() -> int:
    """Staging files a stopped server left behind (each request deletes its own)."""
    folder = parts_root() / PARTS / STAGING
    cutoff = time.time() - STALE_STAGING.total_seconds()
    stale = [p for p in folder.glob("*") if p.stat().st_mtime < cutoff] if folder.exists() else []
    for path in stale:
        path.unlink(missing_ok=True)
    return len(stale)


def staging_path(name: str) -> Path:
    """Where cameras.asgi receives a PATCH body: beside the partial uploads."""
    return parts_root() / PARTS / STAGING / name


def parts_root() -> Path:
    storage = media_storage()
    if isinstance(storage, FileSystemStorage):
        return Path(storage.location)
    return Path(settings.DATA_DIR)


def part_path(upload: ClipUpload) -> Path:
    return parts_root() / upload.part_name


def received_bytes(upload: ClipUpload) -> int:
    """Bytes on disk for an unfinished upload (fewer than its offset only after a crash)."""
    if upload.finished_at is not None:
        return upload.length
    try:
        return part_path(upload).stat().st_size
    except FileNotFoundError:
        return 0


def _delete_part(upload: ClipUpload) -> None:
    try:
        part_path(upload).unlink(missing_ok=True)
    except OSError:
        logger.exception("Clip uploads: could not delete %s", upload.part_name)
