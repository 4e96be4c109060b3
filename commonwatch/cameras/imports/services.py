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

No slow file work happens inside a transaction: unpacking a zip, hashing, storing the
bytes (an object store may be slow to take them) and reading a file's time are done
first, in none; then the rows are written in one short transaction, under the import's
lock, which checks the duplicates again (another part of the same import may have kept
the same bytes meanwhile). On SQLite each transaction holds the database's one write
lock, so a long one would make every other writer of the site wait, and fail after the
busy timeout. Bytes kept for rows that are then not written (an error, a refusal, the
import gone meanwhile) are deleted at once; what a crash leaves in incoming/ is no row's
and goes with the media sweep (sweep_media, check_clips --repair).
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from commonwatch.core import outbox
from commonwatch.core.errors import Conflict, NotFound
from commonwatch.core.policies import require
from commonwatch.media import cleaning
from commonwatch.media.models import Kind
from commonwatch.media.services import delete_stored, incoming_name
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
IN_BATCH = 500  # hashes asked about in one query


def start_import(
    *, owner, camera: Camera, uploads, name: str = "", more: bool = False, left_out=()
) -> ClipImport:
    """Keep what the owner sent and queue its import: one zip, or a folder's files;
    with `more`, the first part of a folder whose other parts follow (add_files).
    `left_out`: entries already refused, for files the page could not send."""
    require(owner, policies.IMPORT, hidden=True)
    if camera.owner_id != owner.pk:
        raise NotFound()
    if not uploads:
        raise ValidationError(_("Choose a zip file or a folder of videos."), code="empty")
    _check_room(owner, sum(u.size for u in uploads))
    close_abandoned(owner)
    single = uploads[0] if len(uploads) == 1 and not more and not left_out else None
    if single is not None and _is_zip(single):
        return _start_archive(owner, camera, single, name or single.name)
    state = State.RECEIVING if more else State.IMPORTING
    return _start_files(owner, camera, [*upload_entries(uploads), *left_out], name, state)


def add_files(*, owner, clip_import: ClipImport, uploads, last: bool, left_out=()) -> ClipImport:
    """Another part of a folder sent in parts (a browser sends a large folder so, each
    part within the upload limits); the `last` one lets the import finish."""
    require(owner, policies.IMPORT, clip_import, hidden=True)
    _require_receiving(ClipImport.objects.filter(pk=clip_import.pk).first())
    _check_room(owner, sum(u.size for u in uploads))
    files = keep_bytes(clip_import, [*upload_entries(uploads), *left_out])
    with _discarded_unless_recorded(files), transaction.atomic():
        clip_import = ClipImport.objects.select_for_update().filter(pk=clip_import.pk).first()
        _require_receiving(clip_import)  # again, under the lock: the last part came meanwhile
        clip_import.last_part_at = timezone.now()
        if last:
            clip_import.state = State.IMPORTING
        clip_import.save(update_fields=["state", "last_part_at"])
        _queue(clip_import, _record(clip_import, files))
    return clip_import


def _require_receiving(clip_import: ClipImport | None) -> None:
    if clip_import is None:  # its camera was removed meanwhile
        raise NotFound()
    if clip_import.state != State.RECEIVING:
        raise Conflict(_("This import has received all its files already."), code="received")


def _is_zip(upload) -> bool:
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    return head.startswith(ZIP_MAGIC)


def _check_room(owner, incoming: int) -> None:
    used, quota = camera_selectors.storage_used(owner), camera_selectors.quota_of(owner)
    if used + incoming > quota:
        raise ValidationError(camera_selectors.no_room_message(used, quota, incoming), code="quota")


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


def _start_files(owner, camera, entries: list[Entry], name: str, state: str) -> ClipImport:
    files = keep_bytes(ClipImport(owner=owner, camera=camera), entries)
    with _discarded_unless_recorded(files), transaction.atomic():
        clip_import = ClipImport.objects.create(
            owner=owner, camera=camera, name=name[:255], state=state
        )
        _queue(clip_import, _record(clip_import, files))
    return clip_import


def stage_all(clip_import: ClipImport, entries) -> list[ClipImportFile]:
    """Judge every entry and keep the bytes of those that wait (keep_bytes), then record
    them all in one short transaction (_record); returns those that wait, not yet queued.
    If anything fails midway, the bytes kept so far are deleted with it."""
    files = keep_bytes(clip_import, entries)
    with _discarded_unless_recorded(files), transaction.atomic():
        ClipImport.objects.select_for_update().get(pk=clip_import.pk)
        return _record(clip_import, files)


def keep_bytes(clip_import: ClipImport, entries: Iterable[Entry]) -> list[ClipImportFile]:
    """Judge every entry and keep the bytes of those that will wait, in no transaction
    (call it in none): unsaved rows, in order, for _record. A file whose bytes the owner
    has already (a clip, a file of this import waiting, an earlier entry here) is not
    kept. If anything fails midway, the bytes kept so far are deleted with it."""
    files: list[ClipImportFile] = []
    hashes: set[str] = set()
    try:
        for entry in entries:
            files.append(_keep(clip_import, entry, hashes))
    except BaseException:
        discard(files)
        raise
    return files


def _keep(clip_import: ClipImport, entry: Entry, hashes: set[str]) -> ClipImportFile:
    """One entry judged: skipped (with why), already imported, or its bytes kept."""
    file = ClipImportFile(name=entry.name[:255], size=entry.size)
    refusal = entry.refusal or refusal_by_size(entry.size)
    if not refusal:
        refusal, file.sha256 = _read(entry)
    if refusal:
        file.outcome, file.reason = ImportOutcome.SKIPPED, refusal
    elif file.sha256 in hashes or _known(clip_import, [file.sha256]):
        _already(file)
    else:
        with entry.open() as data:
            file.upload_name = media_storage().save(incoming_name(), File(data))
        hashes.add(file.sha256)
    return file


def _already(file: ClipImportFile) -> None:
    file.outcome = ImportOutcome.ALREADY
    file.reason = _("The same video is already among your clips.")


def _record(clip_import: ClipImport, files: list[ClipImportFile]) -> list[ClipImportFile]:
    """Save the rows keep_bytes made, in the caller's transaction and under the import's
    lock; returns those that wait. Bytes that became known since they were kept (another
    part of this import, a clip made meanwhile) count as already imported, and go once
    this commits."""
    late = _known(clip_import, [f.sha256 for f in files if f.upload_name])
    for file in files:
        file.clip_import = clip_import
        if file.upload_name and file.sha256 in late:
            transaction.on_commit(partial(delete_stored, [file.upload_name]), robust=True)
            file.upload_name = ""
            _already(file)
    ClipImportFile.objects.bulk_create(files, batch_size=IN_BATCH)
    return [file for file in files if file.outcome == ImportOutcome.WAITING]


@contextmanager
def _discarded_unless_recorded(files: list[ClipImportFile]) -> Iterator[None]:
    """Delete the bytes keep_bytes kept if the block that records them fails; the names
    are taken first, as _record empties those it finds duplicates."""
    names = [file.upload_name for file in files if file.upload_name]
    try:
        yield
    except BaseException:
        delete_stored(names)
        raise


def discard(files: list[ClipImportFile]) -> None:
    """Delete the bytes kept for rows no transaction recorded."""
    delete_stored(file.upload_name for file in files if file.upload_name)


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


def _known(clip_import: ClipImport, hashes: list[str]) -> set[str]:
    """Those of `hashes` that are already a clip of the owner, or already kept by this
    import (a file of it waiting)."""
    found: set[str] = set()
    for start in range(0, len(hashes), IN_BATCH):
        batch = hashes[start : start + IN_BATCH]
        clips = Clip.objects.filter(owner_id=clip_import.owner_id, received_sha256__in=batch)
        found.update(clips.values_list("received_sha256", flat=True))
        if clip_import.pk is not None:
            kept = clip_import.files.filter(sha256__in=batch).exclude(upload_name="")
            found.update(kept.values_list("sha256", flat=True))
    return found


def _queue(clip_import: ClipImport, waiting: list[ClipImportFile]) -> None:
    for file in waiting:
        outbox.put(IMPORT_FILE, file_id=file.pk)
    finish_if_settled(clip_import)


@outbox.handler(OPEN_ARCHIVE)
def open_archive(*, import_id: int) -> None:
    """Check the zip as a whole, then judge and keep its members. Repeating it is
    harmless: an import past OPENING is left alone, and a run that finds it so only when
    recording (another run was first) deletes the bytes it kept."""
    clip_import = ClipImport.objects.filter(pk=import_id, state=State.OPENING).first()
    if clip_import is None:
        return
    refusal, files = _open_archive(clip_import)
    with _discarded_unless_recorded(files), transaction.atomic():
        locked = (
            ClipImport.objects.select_for_update().filter(pk=import_id, state=State.OPENING)
        ).first()
        if locked is None:  # opened by another run meanwhile, or its camera removed
            discard(files)
            return
        if refusal:
            refuse(locked, refusal)
        else:
            locked.state = State.IMPORTING
            locked.save(update_fields=["state"])
            _queue(locked, _record(locked, files))
        transaction.on_commit(partial(delete_stored, [locked.archive_name]), robust=True)
        ClipImport.objects.filter(pk=import_id).update(archive_name="")


def _open_archive(clip_import: ClipImport) -> tuple[str, list[ClipImportFile]]:
    """(why the whole zip is refused, or "" and its members judged and kept), in no
    transaction: unpacking and storing a large zip takes long."""
    with tempfile.TemporaryDirectory(prefix="commonwatch-import-") as workdir:
        local = f"{workdir}/archive.zip"
        _copy_here(clip_import.archive_name, local)
        try:
            with zipfile.ZipFile(local) as archive:
                return "", keep_bytes(clip_import, zip_entries(archive))
        except zipfile.BadZipFile:
            return _("This is not a readable zip file."), []
        except ArchiveRefused as refusal:
            return str(refusal), []


def _copy_here(name: str, local: str) -> None:
    """A zip is read by seeking around in it: on local disk, whatever the storage."""
    with media_storage().open(name, "rb") as source, open(local, "wb") as copy:
        shutil.copyfileobj(source, copy, BLOCK)


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
    """Make a clip of one waiting file, or say why not. Its time is read from the stored
    bytes first, in no transaction; then one file of an import at a time (the import's
    row is locked), so two cannot pass the quota together."""
    file = ClipImportFile.objects.filter(pk=file_id).first()
    if file is None:
        return "gone"  # its camera was removed meanwhile, and the import with it
    if file.outcome != ImportOutcome.WAITING:
        return file.outcome
    try:
        when, found_in = _recorded_at(file)
    except Exception:
        if ClipImportFile.objects.filter(pk=file_id, upload_name=file.upload_name).exists():
            raise
        return "gone"  # its bytes went with its camera (or another run) while being read
    with transaction.atomic():
        clip_import = (
            ClipImport.objects.select_for_update()
            .select_related("camera")
            .filter(pk=file.clip_import_id)
        ).first()
        if clip_import is None:
            return "gone"
        file = ClipImportFile.objects.get(pk=file_id)  # read again, under the import's lock
        if file.outcome != ImportOutcome.WAITING:
            return file.outcome
        _settle(clip_import, file, when, found_in)
        finish_if_settled(clip_import)
    return file.outcome


def _recorded_at(file: ClipImportFile):
    with media_storage().open(file.upload_name, "rb") as data:
        return recorded_time.recorded_at(data, file.name)


def _settle(clip_import: ClipImport, file: ClipImportFile, when, found_in: str) -> None:
    owner = clip_import.owner
    kept = file.upload_name
    used, quota = camera_selectors.storage_used(owner), camera_selectors.quota_of(owner)
    keep_days = camera_selectors.keeping_of(owner).retention_days
    if when is None:
        _drop(file, ImportOutcome.SKIPPED, no_time_message(file.name))
    elif when < timezone.now() - timedelta(days=keep_days):
        _drop(file, ImportOutcome.SKIPPED, too_old_message(keep_days))
    elif used + file.size > quota:
        _drop(file, ImportOutcome.FAILED, camera_selectors.no_room_message(used, quota, file.size))
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
    """The file is not made a clip. Its bytes go to the next copy of the same video in
    this import, which was counted as already imported only because this one was kept:
    that copy waits for its own turn (its name may say when it was recorded). With no
    such copy, the bytes are deleted once this commits."""
    heir = _next_copy(file)
    if heir is None:
        transaction.on_commit(partial(media_storage().delete, file.upload_name))
    else:
        heir.outcome, heir.reason, heir.upload_name = ImportOutcome.WAITING, "", file.upload_name
        heir.save(update_fields=["outcome", "reason", "upload_name"])
        outbox.put(IMPORT_FILE, file_id=heir.pk)
    file.outcome, file.reason, file.upload_name = outcome, reason[:300], ""
    file.save(update_fields=["outcome", "reason", "upload_name"])


def _next_copy(file: ClipImportFile) -> ClipImportFile | None:
    """The first later file of the import with the same bytes that no bytes were kept
    for, as a copy of this one (keep_bytes, _record); call it under the import's lock."""
    copies = ClipImportFile.objects.filter(
        clip_import_id=file.clip_import_id,
        sha256=file.sha256,
        outcome=ImportOutcome.ALREADY,
        clip__isnull=True,
        upload_name="",
    )
    return copies.exclude(pk=file.pk).order_by("pk").first()


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


def close_abandoned(owner=None) -> int:
    """End the imports (of `owner`, or of everyone) whose browser stopped sending parts
    (closed, offline) longer ago than an unfinished upload is kept, counted from its
    latest part (a large folder on a slow line may take longer than that in all): the
    parts received are imported, and they finish, saying the rest never came. Run at
    each owner's next import and hourly by `purge_clip_uploads`, so an owner who never
    imports again does not see "Receiving files" forever; how many it ended."""
    since = timezone.now() - timedelta(hours=settings.CAMERA_UPLOAD_EXPIRY_HOURS)
    silent = Q(last_part_at__lt=since) | Q(last_part_at__isnull=True, created_at__lt=since)
    stale = ClipImport.objects.filter(silent, state=State.RECEIVING)
    if owner is not None:
        stale = stale.filter(owner=owner)
    return sum(_close(stale, pk) for pk in stale.values_list("pk", flat=True))


def _close(stale, import_id: int) -> bool:
    """Under the import's lock, as add_files takes it, and only if it is still `stale`
    there: a part that comes at the same moment is either received first (and the
    import lives on) or refused; repeating it changes nothing."""
    with transaction.atomic():
        clip_import = stale.select_for_update().filter(pk=import_id).first()
        if clip_import is None:  # a part came, or closed meanwhile, or removed
            return False
        clip_import.state, clip_import.reason = State.IMPORTING, abandoned_message()
        clip_import.save(update_fields=["state", "reason"])
        finish_if_settled(clip_import)
    return True


def abandoned_message() -> str:
    return _(
        "The page stopped sending before it had sent every file (it was closed, or went "
        "offline). The files received are listed below; import the same files again for "
        "the rest: those already imported are recognized and skipped."
    )


def finish_if_settled(clip_import: ClipImport) -> None:
    """Done once every file has its outcome, unless more files are still to come."""
    if clip_import.files.filter(outcome=ImportOutcome.WAITING).exists():
        return
    ClipImport.objects.filter(pk=clip_import.pk, state=State.IMPORTING).update(
        state=State.DONE, finished_at=timezone.now()
    )
