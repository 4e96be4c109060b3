"""An import does its slow file work (unpacking, hashing, storing, reading a file's time)
in no transaction: on SQLite a transaction holds the database's one write lock, so a
slow object store would stall every other writer of the site. What it keeps is recorded
in one short transaction after, and deleted again if that does not happen."""

import threading
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from commonwatch.accounts.tests.factories import UserFactory
from commonwatch.cameras.imports import services
from commonwatch.cameras.imports.sources import upload_entries
from commonwatch.cameras.models import Clip, ClipImport, ClipImportFile, ImportOutcome, ImportState
from commonwatch.core import outbox
from commonwatch.core.errors import Conflict
from commonwatch.media import sweeping
from commonwatch.media.storage import media_storage
from commonwatch.media.tests.factories import upload

from .factories import CameraFactory, exported_video
from .test_imports import incoming_left, outcomes, zipped

pytestmark = pytest.mark.django_db(transaction=True)

PROMPTLY = 3  # seconds: another write waits for no import
FIRST, SECOND = "2026-11-21T09-00-00.mp4", "2026-11-21T09-00-01.mp4"


class Stall:
    """Makes the import's thread wait at one step until released, and says when it got
    there; every other thread goes through."""

    def __init__(self):
        self.reached, self.release = threading.Event(), threading.Event()
        self.thread: threading.Thread | None = None

    def wrap(self, function, *, at: int = 1):
        calls = []

        def stalling(*args, **kwargs):
            if threading.current_thread() is self.thread:
                calls.append(1)
                if len(calls) == at:
                    self.reached.set()
                    assert self.release.wait(60), "the test never released the stall"
            return function(*args, **kwargs)

        return stalling


def in_thread(target) -> tuple[threading.Thread, list]:
    """target() run on a thread with its own connection; its outcome or error in the list."""
    result: list = []

    def run():
        try:
            result.append(target())
        except BaseException as error:  # noqa: BLE001 (handed to the test)
            result.append(error)
        finally:
            connection.close()

    return threading.Thread(target=run, daemon=True), result


def start(camera, files: dict[str, bytes], **kwargs):
    uploads = [upload(name, data) for name, data in files.items()]
    return lambda: services.start_import(
        owner=camera.owner, camera=camera, uploads=uploads, **kwargs
    )


def _folder(camera):
    return start(camera, {FIRST: exported_video(40), SECOND: exported_video(41)}), "save", 1


def _zip(camera):
    archive = zipped({FIRST: exported_video(40), SECOND: exported_video(41)})
    return start(camera, {"export.zip": archive}), "save", 2  # 1 is the zip itself


def _part(camera):
    started = start(camera, {FIRST: exported_video(40)}, more=True)()
    uploads = [upload(SECOND, exported_video(41))]
    return (
        lambda: services.add_files(
            owner=camera.owner, clip_import=started, uploads=uploads, last=True
        ),
        "save",
        1,
    )


def _turn(camera):
    return start(camera, {FIRST: exported_video(40), SECOND: exported_video(41)}), "read", 1


@pytest.mark.parametrize(
    "make", [_folder, _zip, _part, _turn], ids=["folder", "zip", "part", "a file's turn"]
)
def test_another_write_completes_while_an_import_waits_for_its_storage(monkeypatch, make):
    """A store slow to take an import's bytes (or to give them back for reading the
    file's time) holds no transaction open: a sign-in elsewhere records at once."""
    camera, someone = CameraFactory(), UserFactory()
    run_import, step, at = make(camera)
    stall = Stall()
    if step == "save":
        storage = type(media_storage())
        monkeypatch.setattr(storage, "save", stall.wrap(storage.save, at=at))
    else:
        recorded_at = services.recorded_time.recorded_at
        monkeypatch.setattr(services.recorded_time, "recorded_at", stall.wrap(recorded_at, at=at))
    importing, imported = in_thread(run_import)
    stall.thread = importing
    users = get_user_model().objects
    signing_in, signed_in = in_thread(
        lambda: users.filter(pk=someone.pk).update(last_login=timezone.now())
    )
    try:
        importing.start()
        assert stall.reached.wait(30), "the import never reached its storage"
        signing_in.start()
        signing_in.join(PROMPTLY)
        finished_promptly = not signing_in.is_alive()
    finally:
        stall.release.set()
        signing_in.join(30)
        importing.join(60)

    assert finished_promptly, "another write waited for the import's storage"
    assert signed_in == [1]
    assert not isinstance(imported[0], BaseException), imported[0]
    done = ClipImport.objects.get(camera=camera)
    assert done.state == ImportState.DONE
    assert {f: outcome for f, (outcome, _) in outcomes(done).items()} == {
        FIRST: ImportOutcome.IMPORTED,
        SECOND: ImportOutcome.IMPORTED,
    }
    assert Clip.objects.filter(camera=camera).count() == 2 and incoming_left() == []


def test_a_store_failing_midway_leaves_no_import_and_no_bytes(monkeypatch):
    camera = CameraFactory()
    storage = type(media_storage())
    save, saves = storage.save, []

    def failing(self, name, content, **kwargs):
        saves.append(name)
        if len(saves) == 2:
            raise OSError("the object store went away")
        return save(self, name, content, **kwargs)

    monkeypatch.setattr(storage, "save", failing)
    with pytest.raises(OSError, match="went away"):
        start(camera, {FIRST: exported_video(42), SECOND: exported_video(43)})()

    assert not ClipImport.objects.exists() and not ClipImportFile.objects.exists()
    assert incoming_left() == []  # the first file's bytes went again


def test_bytes_kept_for_rows_that_fail_to_be_recorded_are_deleted(monkeypatch):
    camera = CameraFactory()

    def failing_put(kind, **payload):
        raise RuntimeError("the outbox table is full")

    monkeypatch.setattr(outbox, "put", failing_put)
    with pytest.raises(RuntimeError, match="outbox"):
        start(camera, {FIRST: exported_video(44), SECOND: exported_video(45)})()

    assert not ClipImport.objects.exists() and not ClipImportFile.objects.exists()
    assert incoming_left() == []


def test_a_part_refused_once_its_bytes_are_kept_leaves_nothing_of_it(monkeypatch):
    """The last part arrives while another is being kept: that one is refused under the
    import's lock, and what it kept is deleted."""
    camera = CameraFactory()
    started = start(camera, {FIRST: exported_video(46)}, more=True)()
    keep_bytes = services.keep_bytes

    def last_part_meanwhile(clip_import, entries):
        kept = keep_bytes(clip_import, entries)
        ClipImport.objects.filter(pk=started.pk).update(state=ImportState.IMPORTING)
        return kept

    monkeypatch.setattr(services, "keep_bytes", last_part_meanwhile)
    with pytest.raises(Conflict):
        services.add_files(
            owner=camera.owner,
            clip_import=started,
            uploads=[upload(SECOND, exported_video(47))],
            last=False,
        )

    assert list(started.files.values_list("name", flat=True)) == [FIRST]
    assert incoming_left() == []


def test_a_camera_removed_while_its_zip_is_unpacked_keeps_none_of_it(monkeypatch):
    camera = CameraFactory()
    keep_bytes = services.keep_bytes

    def removed_meanwhile(clip_import, entries):
        kept = keep_bytes(clip_import, entries)
        assert incoming_left() != []
        services.camera_services.remove_camera(owner=camera.owner, camera=camera)
        return kept

    monkeypatch.setattr(services, "keep_bytes", removed_meanwhile)
    start(camera, {"export.zip": zipped({FIRST: exported_video(48)})})()

    assert not ClipImport.objects.exists() and not ClipImportFile.objects.exists()
    assert not Clip.objects.exists() and incoming_left() == []


def test_the_same_video_in_two_parts_sent_at_once_is_kept_once(monkeypatch):
    """Part B is kept (not yet recorded) while part A, with the same video, is recorded:
    B's copy is found again under the lock, counted already imported, and deleted."""
    camera = CameraFactory()
    monkeypatch.setattr(outbox, "dispatch", lambda message_id: False)  # turns come later
    video = exported_video(49)
    started = start(camera, {FIRST: exported_video(50)}, more=True)()
    keep_bytes, inner = services.keep_bytes, []

    def part_a_meanwhile(clip_import, entries):
        kept = keep_bytes(clip_import, entries)
        if not inner:
            inner.append(1)
            services.add_files(
                owner=camera.owner,
                clip_import=started,
                uploads=[upload("a " + SECOND, video)],
                last=False,
            )
        return kept

    monkeypatch.setattr(services, "keep_bytes", part_a_meanwhile)
    services.add_files(
        owner=camera.owner, clip_import=started, uploads=[upload("b " + SECOND, video)], last=True
    )

    found = outcomes(started)
    assert found["a " + SECOND][0] == ImportOutcome.WAITING
    assert found["b " + SECOND] == (
        ImportOutcome.ALREADY,
        "The same video is already among your clips.",
    )
    assert len(incoming_left()) == 2  # FIRST and a's copy: b's went once recorded


def test_the_same_video_in_two_imports_at_once_becomes_one_clip(monkeypatch):
    camera = CameraFactory()
    video = exported_video(51)
    keep_bytes, inner = services.keep_bytes, []

    def other_import_meanwhile(clip_import, entries):
        kept = keep_bytes(clip_import, entries)
        if not inner:
            inner.append(1)
            start(camera, {"copy of " + FIRST: video})()  # imported at once (tasks inline)
        return kept

    monkeypatch.setattr(services, "keep_bytes", other_import_meanwhile)
    start(camera, {FIRST: video})()

    first, other = (
        ClipImport.objects.get(files__name=FIRST),
        ClipImport.objects.get(files__name="copy of " + FIRST),
    )
    assert outcomes(other)["copy of " + FIRST][0] == ImportOutcome.IMPORTED
    assert outcomes(first)[FIRST][0] == ImportOutcome.ALREADY
    assert first.state == other.state == ImportState.DONE
    assert Clip.objects.count() == 1 and incoming_left() == []


def test_bytes_an_import_kept_but_never_recorded_go_with_the_media_sweep(monkeypatch):
    """A process that dies between keeping the bytes and recording them leaves them in
    incoming/, named by no row: sweep_media (and check_clips --repair) deletes them, and
    leaves alone the bytes of files still waiting for their turn."""
    camera = CameraFactory()
    monkeypatch.setattr(outbox, "dispatch", lambda message_id: False)  # turns come later
    waiting = start(camera, {FIRST: exported_video(52)})()
    crashed = ClipImport.objects.create(
        owner=camera.owner, camera=camera, state=ImportState.IMPORTING
    )
    lost = services.keep_bytes(crashed, upload_entries([upload(SECOND, exported_video(53))]))
    assert [f.upload_name for f in lost if f.upload_name] and len(incoming_left()) == 2

    swept = sweeping.sweep(older_than=timedelta(0))

    assert swept == [lost[0].upload_name]
    assert incoming_left() == [waiting.files.get().upload_name.removeprefix("incoming/")]
