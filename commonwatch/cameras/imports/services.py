"""Every write of a bulk import: start it, judge and keep its files, make their clips.

A file is judged before its bytes are kept: an archive inside the import, something
that is not a video, a file too large, or bytes the owner already has (same SHA-256:
"already imported") end there. The rest wait privately (the storage's incoming area)
for their turn: one outbox message each (core.outbox), so a dead worker delays an
import and never loses it, and each step is harmless to repeat. The turn reads when the
clip was recorded (recorded_time), checks the quota, and hands the bytes to add_clip.

A file whose time neither its metadata nor its name gives is skipped, not dated by its
file time: a browser does not send that, and copying or unzipping resets it, so the
whole export would land on the day of the import, misplaced on the timeline and kept
for the wrong days. The reason tells the owner how to name it so it imports.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import zipfile
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from commonwatch.core import outbox
from commonwatch.core.errors import Conflict, NotFound
from commonwatch.core.policies import require
from commonwatch.media import cleaning
from commonwatch.media.models import Kind
from commonwatch.media.services import incoming_name
from commonwatch.media.storage import media_storage

from .. import selectors as camera_selectors
from .. import services as camera_services
from ..models import (
    Camera,
    Clip,
    ClipImport,
    ClipImportFile,
    ClipSource,
    ImportOutcome,
    RecordedAtSource,
)
from ..models import ImportState as State
from . import policies, recorded_time
from .sources import (
    ZIP_MAGIC,
    ArchiveRefused,
    Entry,
    is_archive,
    refusal_by_size,
    upload_entries,
    zip_entries,
)

OPEN_ARCHIVE = "cameras.import_open_archive"
IMPORT_FILE = "cameras.import_file"
HEAD_BYTES = 16
BLOCK = 1 << 20


def start_import(
    *, owner, camera: Camera, uploads, name: str = "", more: bool = False, left_out=()
) -> ClipImport:
    """Keep what the owner sent and queue its import: one zip, or a folder's files;
    with `more`, the first part of a folder whose other parts follow (add_files).
    `left_out`: entries already refused, for files the page could not send."""
    require(owner, policies.IMPORT, hidden=True)
    if camera.owner_id != owner.pk:
        raise NotFound(_("This does not exist, or it is not yours to see."))
    if not uploads:
        raise ValidationError(_("Choose a zip file or a folder of videos."), code="empty")
    _check_room(owner, sum(u.size for u in uploads))
    close_abandoned(owner)
    single = uploads[0] if len(uploads) == 1 and not more and not left_out else None
    if single is not None and _is_zip(single):
        return _start_archive(owner, camera, single, name or single.name)
    state = State.RECEIVING if more else State.IMPORTING
    return _start_files(owner, camera, [*upload_entries(uploads), *left_out], name, state)


@transaction.atomic
def add_files(*, owner, clip_import: ClipImport, uploads, last: bool, left_out=()) -> ClipImport:
    """Another part of a folder sent in parts (a browser sends a large folder so, each
    part within the upload limits); the `last` one lets the import finish."""
    require(owner, policies.IMPORT, clip_import, hidden=True)
    clip_import = ClipImport.objects.select_for_update().get(pk=clip_import.pk)
    if clip_import.state != State.RECEIVING:
        raise Conflict(_("This import has received all its files already."), code="received")
    _check_room(owner, sum(u.size for u in uploads))
    if last:
        clip_import.state = State.IMPORTING
        clip_import.save(update_fields=["state"])
    _queue(clip_import, stage_all(clip_import, [*upload_entries(uploads), *left_out]))
    return clip_import


def _is_zip(upload) -> bool:
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    return head.startswith(ZIP_MAGIC)


def _check_room(owner, incoming: int) -> None:
    used, quota = camera_selectors.storage_used(owner), camera_selectors.quota_of(owner)
    if used + incoming > quota:
        raise ValidationError(no_room_message(used, quota, incoming), code="quota")


def no_room_message(used: int, quota: int, needed: int) -> str:
    return _(
        "Not enough room in your storage: %(used)s of your %(quota)s is used, and this "
        "needs %(needed)s more. Delete clips or keep them for fewer days to make room."
    ) % {
        "used": filesizeformat(used),
        "quota": filesizeformat(quota),
        "needed": filesizeformat(needed),
    }


def _start_archive(owner, camera, upload, name: str) -> ClipImport:
    stored = media_storage().save(incoming_name(), upload)
    try:
        with transaction.atomic():
            clip_import = ClipImport.objects.create(
                owner=owner, camera=camera, name=name[:255], state=State.OPENING,
                archive_name=stored,
            )  # fmt: skip
            outbox.put(OPEN_ARCHIVE, import_id=clip_import.pk)
    except BaseException:
        media_storage().delete(stored)
        raise
    return clip_import


@transaction.atomic
def _start_files(owner, camera, entries: list[Entry], name: str, state: str) -> ClipImport:
    clip_import = ClipImport.objects.create(
        owner=owner, camera=camera, name=name[:255], state=state
    )
    _queue(clip_import, stage_all(clip_import, entries))
    return clip_import


def stage_all(clip_import: ClipImport, entries) -> list[ClipImportFile]:
    """Judge every entry, keep the bytes of those that wait; returns those that wait.
    If anything fails midway, the bytes kept so far are deleted with it."""
    waiting: list[ClipImportFile] = []
    try:
        for entry in entries:
            staged = stage(clip_import, entry)
            if staged.outcome == ImportOutcome.WAITING:
                waiting.append(staged)
    except BaseException:
        for staged in waiting:
            media_storage().delete(staged.upload_name)
        raise
    return waiting


def stage(clip_import: ClipImport, entry: Entry) -> ClipImportFile:
    """Record one entry: skipped (with why), already imported, or kept and waiting."""
    file = ClipImportFile(clip_import=clip_import, name=entry.name[:255], size=entry.size)
    refusal = entry.refusal or refusal_by_size(entry.size)
    if not refusal:
        refusal, file.sha256 = _read(entry)
    if refusal:
        file.outcome, file.reason = ImportOutcome.SKIPPED, refusal
    elif _known(clip_import, file.sha256):
        file.outcome = ImportOutcome.ALREADY
        file.reason = _("The same video is already among your clips.")
    else:
        with entry.open() as data:
            file.upload_name = media_storage().save(incoming_name(), File(data))
    file.save()
    return file


def _read(entry: Entry) -> tuple[str, str]:
    try:
        with entry.open() as data:
            return _judge(entry.name, data)
    except (zipfile.BadZipFile, OSError, EOFError):  # a damaged member, an unreadable file
        return _("Damaged: it could not be read."), ""


def _judge(name: str, data) -> tuple[str, str]:
    """(why it is skipped or "", its SHA-256), from its first bytes and all of them."""
    head = data.read(HEAD_BYTES)
    if is_archive(name, head):
        return _("An archive inside the import: it is not opened. Import it on its own."), ""
    try:
        kind = cleaning.kind_of(head)
    except ValidationError:
        kind = None
    if kind != Kind.VIDEO:
        return _("Not a video."), ""
    digest = hashlib.sha256(head)
    for block in iter(partial(data.read, BLOCK), b""):
        digest.update(block)
    return "", digest.hexdigest()


def _known(clip_import: ClipImport, sha256: str) -> bool:
    """Already a clip of the owner, or already kept by this import."""
    return (
        Clip.objects.filter(owner_id=clip_import.owner_id, received_sha256=sha256).exists()
        or clip_import.files.filter(sha256=sha256).exclude(upload_name="").exists()
    )


def _queue(clip_import: ClipImport, waiting: list[ClipImportFile]) -> None:
    for file in waiting:
        outbox.put(IMPORT_FILE, file_id=file.pk)
    finish_if_settled(clip_import)


@outbox.handler(OPEN_ARCHIVE)
def open_archive(*, import_id: int) -> None:
    """Check the zip as a whole, then judge and keep its members. Repeating it is
    harmless: an import past OPENING is left alone."""
    with transaction.atomic():
        clip_import = (
            ClipImport.objects.select_for_update().filter(pk=import_id, state=State.OPENING).first()
        )
        if clip_import is None:
            return
        with tempfile.TemporaryDirectory(prefix="commonwatch-import-") as workdir:
            local = f"{workdir}/archive.zip"
            _copy_here(clip_import.archive_name, local)
            _open_local_archive(clip_import, local)
        transaction.on_commit(partial(media_storage().delete, clip_import.archive_name))
        ClipImport.objects.filter(pk=import_id).update(archive_name="")


def _copy_here(name: str, local: str) -> None:
    """A zip is read by seeking around in it: on local disk, whatever the storage."""
    with media_storage().open(name, "rb") as source, open(local, "wb") as copy:
        shutil.copyfileobj(source, copy, BLOCK)


def _open_local_archive(clip_import: ClipImport, path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            entries = zip_entries(archive)
            clip_import.state = State.IMPORTING
            clip_import.save(update_fields=["state"])
            _queue(clip_import, stage_all(clip_import, entries))
    except zipfile.BadZipFile:
        refuse(clip_import, _("This is not a readable zip file."))
    except ArchiveRefused as refusal:
        refuse(clip_import, str(refusal))


def waiting_bytes_hook(names: list[str]) -> set[str]:
    """Zips not yet opened and files not yet made clips, which the media sweep must keep."""
    archives = ClipImport.objects.filter(archive_name__in=names)
    files = ClipImportFile.objects.filter(upload_name__in=names)
    return {
        *archives.values_list("archive_name", flat=True),
        *files.values_list("upload_name", flat=True),
    }


def refuse(clip_import: ClipImport, reason: str) -> None:
    ClipImport.objects.filter(pk=clip_import.pk).update(
        state=State.REFUSED, reason=reason, finished_at=timezone.now()
    )


@outbox.handler(IMPORT_FILE)
def import_file(*, file_id: int) -> str:
    """Make a clip of one waiting file, or say why not. One file of an import at a time
    (the import's row is locked), so two cannot pass the quota together."""
    with transaction.atomic():
        import_id = ClipImportFile.objects.filter(pk=file_id).values("clip_import_id")[:1]
        clip_import = (
            ClipImport.objects.select_for_update().select_related("camera").filter(pk=import_id)
        ).first()
        if clip_import is None:
            return "gone"  # its camera was removed meanwhile, and the import with it
        file = ClipImportFile.objects.get(pk=file_id)  # read again, under the import's lock
        if file.outcome != ImportOutcome.WAITING:
            return file.outcome
        _settle(clip_import, file)
        finish_if_settled(clip_import)
    return file.outcome


def _settle(clip_import: ClipImport, file: ClipImportFile) -> None:
    owner = clip_import.owner
    kept = file.upload_name
    with media_storage().open(kept, "rb") as data:
        when, found_in = recorded_time.recorded_at(data, file.name)
    used, quota = camera_selectors.storage_used(owner), camera_selectors.quota_of(owner)
    keep_days = camera_selectors.keeping_of(owner).retention_days
    if when is None:
        _drop(file, ImportOutcome.SKIPPED, no_time_message(file.name))
    elif when < timezone.now() - timedelta(days=keep_days):
        _drop(file, ImportOutcome.SKIPPED, too_old_message(keep_days))
    elif used + file.size > quota:
        _drop(file, ImportOutcome.FAILED, no_room_message(used, quota, file.size))
    else:
        clip, created = camera_services.add_clip(
            camera=clip_import.camera, upload_name=kept, size=file.size,
            received_sha256=file.sha256, recorded_at=when, source=ClipSource.IMPORT,
            recorded_at_from=RECORDED_AT_FROM[found_in], original_name=file.name,
        )  # fmt: skip
        file.outcome = ImportOutcome.IMPORTED if created else ImportOutcome.ALREADY
        file.clip, file.upload_name = clip, ""
        file.save(update_fields=["outcome", "clip", "upload_name"])


# Where recorded_time found a file's time, as the clip records it.
RECORDED_AT_FROM = {"metadata": RecordedAtSource.FILE, "name": RecordedAtSource.NAME}


def no_time_message(name: str) -> str:
    impossible = recorded_time.implausible_time_in_name(name)
    if impossible is not None:
        return _(
            "Its name says it was recorded on %(when)s, which cannot be: that is in the "
            "future or before 2000. Check the camera's clock, rename the file and import "
            "it again."
        ) % {"when": date_format(timezone.localtime(impossible), "DATETIME_FORMAT")}
    return _(
        "Neither the video nor its name says when it was recorded. Name it like "
        "2026-11-03 14.22.05.mp4 and import it again."
    )


def too_old_message(days: int) -> str:
    return _(
        "Recorded more than %(days)d days ago: your clips are kept %(days)d days, so it "
        "would be deleted at once. Keep clips longer first to import it."
    ) % {"days": days}


def _drop(file: ClipImportFile, outcome: str, reason: str) -> None:
    transaction.on_commit(partial(media_storage().delete, file.upload_name))
    file.outcome, file.reason, file.upload_name = outcome, reason[:300], ""
    file.save(update_fields=["outcome", "reason", "upload_name"])


def clips_lost(clip_ids) -> None:
    """Clips deleted because their stored files were lost (cameras.repair): the imports
    that brought them count them as failed, saying so, not as imported. Nothing else
    remembers their bytes, so importing the same file again makes it a clip again."""
    ClipImportFile.objects.filter(clip_id__in=clip_ids).update(
        outcome=ImportOutcome.FAILED, reason=lost_message()[:300]
    )


def lost_message() -> str:
    return _(
        "Imported, but its stored video was later lost, so the clip was removed. "
        "Import this file again to get it back."
    )


def close_abandoned(owner) -> None:
    """Imports whose browser stopped sending parts (closed, offline) for longer than an
    unfinished upload is kept: the parts received are imported, and they finish."""
    since = timezone.now() - timedelta(hours=settings.CAMERA_UPLOAD_EXPIRY_HOURS)
    stale = ClipImport.objects.filter(owner=owner, state=State.RECEIVING, created_at__lt=since)
    for clip_import in stale:
        ClipImport.objects.filter(pk=clip_import.pk).update(state=State.IMPORTING)
        finish_if_settled(clip_import)


def finish_if_settled(clip_import: ClipImport) -> None:
    """Done once every file has its outcome, unless more files are still to come."""
    if clip_import.files.filter(outcome=ImportOutcome.WAITING).exists():
        return
    ClipImport.objects.filter(pk=clip_import.pk, state=State.IMPORTING).update(
        state=State.DONE, finished_at=timezone.now()
    )
