"""Bulk import of exported clips: what each file becomes, and why."""

import hashlib
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from commonwatch.cameras import services as camera_services
from commonwatch.cameras.imports import services
from commonwatch.cameras.imports.selectors import progress_of
from commonwatch.cameras.imports.sources import upload_entries
from commonwatch.cameras.models import (
    Clip,
    ClipImport,
    ClipImportFile,
    ClipKeeping,
    ClipSource,
    ImportOutcome,
    ImportState,
    RecordedAtSource,
)
from commonwatch.core import outbox
from commonwatch.core.errors import Conflict, NotFound
from commonwatch.media.cleaning import NOT_A_VIDEO
from commonwatch.media.storage import media_storage
from commonwatch.media.tests.factories import jpeg_with_gps, upload

from .factories import CameraFactory, clip_of, exported_video

pytestmark = pytest.mark.django_db(transaction=True)

RECENT = "2026-11-25T10:00:00.000000Z"


def zipped(members: dict[str, bytes], *, compression=zipfile.ZIP_STORED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def run(camera, files: dict[str, bytes]) -> ClipImport:
    uploads = [upload(name, data) for name, data in files.items()]
    started = services.start_import(owner=camera.owner, camera=camera, uploads=uploads)
    started.refresh_from_db()
    return started


def outcomes(clip_import) -> dict[str, tuple[str, str]]:
    return {f.name: (f.outcome, f.reason) for f in clip_import.files.all()}


def incoming_left() -> list[str]:
    storage = media_storage()
    return storage.listdir("incoming")[1] if storage.exists("incoming") else []


def test_a_folder_imports_each_video_with_its_time_from_metadata_or_name():
    camera = CameraFactory()
    done = run(
        camera,
        {
            "2026-11-20T14-22-05.mp4": exported_video(1),
            "export.mp4": exported_video(2, creation_time=RECENT),
        },
    )
    assert done.state == ImportState.DONE and done.finished_at is not None
    clips = {c.original_name: c for c in Clip.objects.filter(camera=camera)}
    local = timezone.make_aware(timezone.datetime(2026, 11, 20, 14, 22, 5))
    assert clips["2026-11-20T14-22-05.mp4"].recorded_at == local
    assert clips["export.mp4"].recorded_at.isoformat() == "2026-11-25T10:00:00+00:00"
    assert {c.source for c in clips.values()} == {ClipSource.IMPORT}
    assert clips["2026-11-20T14-22-05.mp4"].recorded_at_source == RecordedAtSource.NAME
    assert clips["export.mp4"].recorded_at_source == RecordedAtSource.FILE
    assert all(c.media.is_ready for c in clips.values())  # through the real pipeline
    progress = progress_of(done)
    assert (progress.total, progress.done, progress.counts["imported"]) == (2, 2, 2)
    assert incoming_left() == []


def test_a_zip_imports_its_videos_and_skips_the_rest_with_reasons():
    camera = CameraFactory()
    archive = zipped(
        {
            "Ring/2026-11-21T09-00-00.mp4": exported_video(3),
            "Ring/notes.txt": b"exported by the app",
            "Ring/snapshot.jpg": jpeg_with_gps(),
            "Ring/more.zip": zipped({"2026-11-21T09-00-01.mp4": exported_video(4)}),
            "Ring/undated.mp4": exported_video(5),
        }
    )
    done = run(camera, {"ring-export.zip": archive})

    assert done.state == ImportState.DONE and done.name == "ring-export.zip"
    found = outcomes(done)
    assert found["Ring/2026-11-21T09-00-00.mp4"] == (ImportOutcome.IMPORTED, "")
    assert found["Ring/notes.txt"] == (ImportOutcome.SKIPPED, "Not a video.")
    assert found["Ring/snapshot.jpg"] == (ImportOutcome.SKIPPED, "Not a video.")
    assert "archive inside the import" in found["Ring/more.zip"][1]
    assert found["Ring/undated.mp4"][0] == ImportOutcome.SKIPPED
    assert "says when it was recorded" in found["Ring/undated.mp4"][1]
    assert Clip.objects.filter(camera=camera).count() == 1
    assert not done.archive_name and incoming_left() == []  # the zip and the skipped are gone


def test_videos_already_imported_are_skipped_before_their_bytes_are_kept(monkeypatch):
    camera = CameraFactory()
    old = exported_video(6)
    clip_of(camera, data=old)
    stored = []
    save = type(media_storage()).save
    monkeypatch.setattr(
        type(media_storage()), "save", lambda s, n, c, **k: stored.append(n) or save(s, n, c, **k)
    )
    new = exported_video(7)

    done = run(
        camera,
        {
            "2026-11-22T10-00-00.mp4": old,
            "2026-11-22T11-00-00.mp4": new,
            "copy of 2026-11-22T11-00-00.mp4": new,
        },
    )

    found = outcomes(done)
    assert found["2026-11-22T10-00-00.mp4"][0] == ImportOutcome.ALREADY
    assert found["copy of 2026-11-22T11-00-00.mp4"][0] == ImportOutcome.ALREADY
    assert found["2026-11-22T11-00-00.mp4"][0] == ImportOutcome.IMPORTED
    assert len([n for n in stored if n.startswith("incoming/")]) == 1  # only the new one
    assert Clip.objects.filter(owner=camera.owner).count() == 2
    imported = Clip.objects.get(received_sha256=hashlib.sha256(new).hexdigest())
    assert imported.original_name == "2026-11-22T11-00-00.mp4"


@pytest.mark.parametrize(
    "bad_name", ["../../etc/cron.d/x.mp4", "/var/x.mp4", "C:\\Windows\\x.mp4", "a/../../x.mp4"]
)
def test_a_zip_naming_files_outside_itself_is_refused_whole(bad_name):
    camera = CameraFactory()
    archive = zipped({"2026-11-21T09-00-00.mp4": exported_video(8), bad_name: exported_video(9)})
    done = run(camera, {"export.zip": archive})
    assert done.state == ImportState.REFUSED
    assert "outside itself" in done.reason
    assert not done.files.exists() and not Clip.objects.exists() and incoming_left() == []


def test_a_zip_bomb_member_is_not_unpacked():
    camera = CameraFactory()
    bomb = b"\x00\x00\x00\x18ftypisom" + bytes(20 << 20)  # a video's head, then 20 MB of zeros
    archive = zipped(
        {"2026-11-21T09-00-00.mp4": bomb, "2026-11-21T09-00-01.mp4": exported_video(10)},
        compression=zipfile.ZIP_DEFLATED,
    )
    assert len(archive) < 100_000
    found = outcomes(run(camera, {"export.zip": archive}))
    assert found["2026-11-21T09-00-00.mp4"] == (
        ImportOutcome.SKIPPED,
        "Compressed far more than a video can be: not unpacked.",
    )
    assert found["2026-11-21T09-00-01.mp4"][0] == ImportOutcome.IMPORTED


def test_a_zip_unpacking_past_the_limit_is_refused(settings):
    settings.IMPORT_MAX_UNPACKED_BYTES = 10_000
    camera = CameraFactory()
    archive = zipped({f"2026-11-21T09-00-0{i}.mp4": exported_video(20 + i) for i in range(8)})
    done = run(camera, {"export.zip": archive})
    assert done.state == ImportState.REFUSED and "unpacks to" in done.reason
    assert not Clip.objects.exists()


def test_a_damaged_zip_is_refused_with_a_reason():
    camera = CameraFactory()
    done = run(camera, {"export.zip": b"PK\x03\x04" + b"garbage" * 100})
    assert (done.state, done.reason) == (ImportState.REFUSED, "This is not a readable zip file.")
    assert incoming_left() == []


def test_an_empty_zip_is_refused_as_holding_no_files():
    """An empty zip starts with its end record, not a member: it was taken for a video."""
    camera = CameraFactory()
    done = run(camera, {"export.zip": zipped({})})
    assert (done.state, done.reason) == (ImportState.REFUSED, "This zip holds no files.")
    assert incoming_left() == []


def test_an_import_past_the_quota_is_refused_before_anything_is_kept():
    camera = CameraFactory()
    ClipKeeping.objects.create(owner=camera.owner, quota_bytes=1000)
    with pytest.raises(ValidationError, match="Not enough room in your storage"):
        run(camera, {"2026-11-21T09-00-00.mp4": exported_video(11)})
    assert not ClipImport.objects.exists() and incoming_left() == []


def test_files_past_the_quota_when_their_turn_comes_fail_and_the_others_are_imported():
    """Room is checked again at each file's turn: other clips may have arrived since."""
    camera = CameraFactory()
    first, second = exported_video(12), exported_video(13)
    clip_import = ClipImport.objects.create(
        owner=camera.owner, camera=camera, state=ImportState.IMPORTING
    )
    waiting = services.stage_all(
        clip_import,
        upload_entries(
            [upload("2026-11-21T09-00-00.mp4", first), upload("2026-11-21T09-00-01.mp4", second)]
        ),
    )
    ClipKeeping.objects.create(owner=camera.owner, quota_bytes=len(first) // 2 + len(second))

    results = [services.import_file(file_id=file.pk) for file in waiting]

    assert results == [ImportOutcome.IMPORTED, ImportOutcome.FAILED]
    assert "Not enough room in your storage" in ClipImportFile.objects.get(pk=waiting[1].pk).reason
    clip_import.refresh_from_db()
    assert clip_import.state == ImportState.DONE and incoming_left() == []


def test_clips_older_than_the_owners_keeping_are_skipped_and_say_so():
    camera = CameraFactory()
    ClipKeeping.objects.create(owner=camera.owner, retention_days=7)
    found = outcomes(run(camera, {"2026-10-01T09-00-00.mp4": exported_video(15)}))
    outcome, reason = found["2026-10-01T09-00-00.mp4"]
    assert outcome == ImportOutcome.SKIPPED and "kept 7 days" in reason


def test_a_name_whose_time_cannot_be_says_so_instead_of_saying_nothing():
    found = outcomes(run(CameraFactory(), {"2099-01-01T09-00-00.mp4": exported_video(16)}))

    outcome, reason = found["2099-01-01T09-00-00.mp4"]
    assert outcome == ImportOutcome.SKIPPED
    assert "Its name says it was recorded on" in reason and "2099" in reason
    assert "Neither the video nor its name" not in reason


def test_nobody_imports_into_another_owners_camera():
    camera, other = CameraFactory(), CameraFactory()
    with pytest.raises(NotFound):
        services.start_import(
            owner=other.owner, camera=camera, uploads=[upload("a.mp4", exported_video(16))]
        )
    assert not ClipImport.objects.exists()


def test_running_a_files_turn_again_changes_nothing():
    camera = CameraFactory()
    done = run(camera, {"2026-11-21T09-00-00.mp4": exported_video(17)})
    file = done.files.get()
    assert services.import_file(file_id=file.pk) == ImportOutcome.IMPORTED
    assert Clip.objects.count() == 1


def test_a_folder_sent_in_parts_finishes_only_after_its_last_part():
    camera = CameraFactory()
    started = services.start_import(
        owner=camera.owner,
        camera=camera,
        uploads=[upload("2026-11-21T09-00-00.mp4", exported_video(30))],
        more=True,
    )
    started.refresh_from_db()
    assert started.state == ImportState.RECEIVING  # its one file is imported, more to come
    assert started.files.get().outcome == ImportOutcome.IMPORTED

    services.add_files(
        owner=camera.owner,
        clip_import=started,
        uploads=[upload("2026-11-21T09-00-01.mp4", exported_video(31))],
        last=True,
    )

    started.refresh_from_db()
    assert started.state == ImportState.DONE and progress_of(started).counts["imported"] == 2
    with pytest.raises(Conflict):
        services.add_files(owner=camera.owner, clip_import=started, uploads=[], last=True)


def test_nobody_adds_files_to_another_owners_import():
    camera, other = CameraFactory(), CameraFactory()
    started = ClipImport.objects.create(
        owner=camera.owner, camera=camera, state=ImportState.RECEIVING
    )
    with pytest.raises(NotFound):
        services.add_files(
            owner=other.owner,
            clip_import=started,
            uploads=[upload("2026-11-21T09-00-01.mp4", exported_video(32))],
            last=True,
        )
    assert not started.files.exists()


def test_an_import_whose_browser_stopped_sending_is_closed_at_the_next_import(settings):
    camera = CameraFactory()
    abandoned = ClipImport.objects.create(
        owner=camera.owner,
        camera=camera,
        state=ImportState.RECEIVING,
        created_at=timezone.now() - timezone.timedelta(hours=25),
    )
    recent = ClipImport.objects.create(
        owner=camera.owner, camera=camera, state=ImportState.RECEIVING
    )
    run(camera, {"2026-11-21T09-00-00.mp4": exported_video(33)})
    abandoned.refresh_from_db()
    recent.refresh_from_db()
    assert (abandoned.state, recent.state) == (ImportState.DONE, ImportState.RECEIVING)


def _started_a_day_ago(camera, video: bytes):
    """A folder import of one part so far, more to come, begun 25 hours ago."""
    started = services.start_import(
        owner=camera.owner,
        camera=camera,
        uploads=[upload("2026-11-21T09-00-00.mp4", video)],
        more=True,
    )
    day_ago = timezone.now() - timezone.timedelta(hours=25)
    ClipImport.objects.filter(pk=started.pk).update(created_at=day_ago)
    return started, day_ago


def test_an_import_still_sending_parts_is_not_abandoned_however_long_it_takes():
    """Silence is counted from its latest part: a large folder on a slow line may take
    longer than a day in all, and is still receiving while its parts keep coming."""
    camera = CameraFactory()
    started, day_ago = _started_a_day_ago(camera, exported_video(35))
    services.add_files(
        owner=camera.owner,
        clip_import=started,
        uploads=[upload("2026-11-21T09-00-01.mp4", exported_video(36))],
        last=False,
    )

    assert services.close_abandoned() == 0
    ClipImport.objects.filter(pk=started.pk).update(last_part_at=day_ago)
    assert services.close_abandoned() == 1


def test_a_part_that_comes_while_the_job_runs_keeps_its_import_alive(monkeypatch):
    """The job lists the silent imports, then ends each under its lock, asking again
    there: a part received in between keeps the import receiving."""
    camera = CameraFactory()
    day_ago = timezone.now() - timezone.timedelta(hours=25)
    started = ClipImport.objects.create(
        owner=camera.owner, camera=camera, state=ImportState.RECEIVING, created_at=day_ago
    )
    close = services._close

    def part_comes_first(stale, import_id):
        ClipImport.objects.filter(pk=import_id).update(last_part_at=timezone.now())
        return close(stale, import_id)

    monkeypatch.setattr(services, "_close", part_comes_first)

    assert services.close_abandoned() == 0
    assert ClipImport.objects.get(pk=started.pk).state == ImportState.RECEIVING


def test_the_hourly_job_ends_every_owners_abandoned_import_without_a_new_import():
    """purge_clip_uploads (hourly) ends an import whose page stopped sending parts, for
    every owner, saying the rest never came; a live import is left receiving, and
    running the job again changes nothing."""
    camera, other = CameraFactory(), CameraFactory()
    started, day_ago = _started_a_day_ago(camera, exported_video(34))
    others = ClipImport.objects.create(
        owner=other.owner, camera=other, state=ImportState.RECEIVING, created_at=day_ago
    )
    live = ClipImport.objects.create(owner=camera.owner, camera=camera, state=ImportState.RECEIVING)

    out = io.StringIO()
    call_command("purge_clip_uploads", stdout=out)

    assert "2 abandoned import(s) ended." in out.getvalue()
    ended = ClipImport.objects.get(pk=started.pk)
    assert ended.state == ImportState.DONE and ended.finished_at is not None
    assert ended.reason == services.abandoned_message()
    assert progress_of(ended).counts["imported"] == 1  # what it received is kept
    assert ClipImport.objects.get(pk=others.pk).state == ImportState.DONE
    assert ClipImport.objects.get(pk=live.pk).state == ImportState.RECEIVING
    finished_at = ended.finished_at

    assert services.close_abandoned() == 0
    assert ClipImport.objects.get(pk=started.pk).finished_at == finished_at


@pytest.mark.parametrize(
    "files",
    [
        {"export.zip": zipped({"2026-11-21T09-00-00.mp4": exported_video(8)})},
        {"2026-11-21T09-00-00.mp4": exported_video(8), "2026-11-21.mp4": exported_video(9)},
    ],
    ids=["zip not yet opened", "folder files waiting"],
)
def test_removing_a_camera_mid_import_deletes_the_files_waiting_for_it(monkeypatch, files):
    camera = CameraFactory()
    monkeypatch.setattr(outbox, "dispatch", lambda message_id: False)  # no worker running
    run(camera, files)
    assert incoming_left() != []

    camera_services.remove_camera(owner=camera.owner, camera=camera)

    assert incoming_left() == []
    assert not ClipImport.objects.exists() and not ClipImportFile.objects.exists()


def test_a_file_the_media_pipeline_refuses_counts_as_failed_with_its_reason(settings):
    settings.CAMERA_MAX_CLIP_SECONDS = 0.5
    whole = exported_video(10)
    done = run(
        CameraFactory(),
        {"2026-11-26T09-00-00.mp4": whole[: len(whole) // 2], "2026-11-26T09-30-00.mp4": whole},
    )

    found = outcomes(done)
    assert found["2026-11-26T09-00-00.mp4"] == (ImportOutcome.FAILED, str(NOT_A_VIDEO))
    assert found["2026-11-26T09-30-00.mp4"][0] == ImportOutcome.FAILED
    assert "seconds" in found["2026-11-26T09-30-00.mp4"][1]
    counts = progress_of(done).counts
    assert (counts["imported"], counts["failed"]) == (0, 2)


def test_a_clip_deleted_by_the_repair_for_its_lost_file_no_longer_counts_as_imported():
    """check_clips --repair deletes a clip whose stored video is gone: the import that
    brought it says so (failed, and why), and the same file imports again."""
    camera = CameraFactory()
    video = exported_video(12)
    done = run(camera, {"2026-11-26T10-00-00.mp4": video})
    clip = Clip.objects.get(camera=camera)
    media_storage().delete(clip.media.name)  # lost on disk

    call_command("check_clips", "--repair", stdout=io.StringIO())

    assert not Clip.objects.exists()
    outcome, reason = outcomes(done)["2026-11-26T10-00-00.mp4"]
    assert outcome == ImportOutcome.FAILED
    assert "lost" in reason and "import" in reason.lower()
    counts = progress_of(done).counts
    assert (counts["imported"], counts["failed"]) == (0, 1)

    again = run(camera, {"2026-11-26T10-00-00.mp4": video})

    assert outcomes(again)["2026-11-26T10-00-00.mp4"] == (ImportOutcome.IMPORTED, "")
    assert Clip.objects.get(camera=camera).media.is_ready
