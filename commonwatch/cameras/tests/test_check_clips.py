"""`manage.py check_clips` finds stored files no record names and clips whose files are
gone; `--repair` deletes both, so clips and files match again."""

from __future__ import annotations

import os
import time
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.test import TestCase

from commonwatch.cameras.models import Clip, ClipImport, ClipImportFile
from commonwatch.media.models import MediaFile
from commonwatch.media.storage import media_storage
from commonwatch.media.tests.factories import short_video

from .factories import CameraFactory, clip_of

pytestmark = pytest.mark.django_db


def orphan_file() -> str:
    """A stored clip file that lost its record two hours ago (older than the grace)."""
    storage = media_storage()
    name = storage.save("media/2026/11/lost-clip.mp4", ContentFile(short_video()))
    hours_ago = time.time() - 2 * 3600
    os.utime(storage.path(name), (hours_ago, hours_ago))
    return name


def run(*args) -> str:
    out = StringIO()
    call_command("check_clips", *args, stdout=out)
    return out.getvalue()


def found(*args) -> str:
    """What a check that finds something lists, and the error its exit status carries."""
    out = StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("check_clips", *args, stdout=out)
    return out.getvalue() + str(failed.value)


def test_matching_clips_and_files_print_nothing_for_cron_to_mail_unless_asked():
    clip_of(CameraFactory())

    assert run() == ""
    assert "Clips and stored files match." in run("--verbosity", "2")


def test_a_file_without_a_record_is_found_then_deleted():
    healthy = clip_of(CameraFactory())
    name = orphan_file()

    report = found()
    assert f"file without a record: {name}" in report and media_storage().exists(name)
    assert "1 orphan file(s) and 0 clip(s) without files found: run check_clips --repair" in report

    repaired = run("--repair")

    assert "1 orphan file(s) and 0 clip(s) without files deleted." in repaired
    assert not media_storage().exists(name)
    assert media_storage().exists(healthy.media.name) and Clip.objects.count() == 1
    assert run() == ""


def test_a_young_file_may_still_be_being_recorded_and_is_left_alone():
    name = media_storage().save("media/2026/11/just-now.mp4", ContentFile(b"x"))
    run("--repair")
    assert media_storage().exists(name)


def test_a_clip_whose_file_is_gone_is_found_then_deleted_with_what_is_left():
    lost = clip_of(CameraFactory())
    healthy = clip_of(CameraFactory())
    media_storage().delete(lost.media.name)

    report = found()
    assert f"clip without its files: {lost.pk}" in report and Clip.objects.count() == 2

    with TestCase.captureOnCommitCallbacks(execute=True):
        repaired = run("--repair")

    assert "0 orphan file(s) and 1 clip(s) without files deleted." in repaired
    assert list(Clip.objects.all()) == [healthy]
    assert not MediaFile.objects.filter(pk=lost.media_id).exists()
    assert not media_storage().exists(lost.media.thumbnail_name)  # what was left goes too
    assert run() == ""


def test_a_clip_whose_thumbnail_is_gone_counts_as_without_files():
    clip = clip_of(CameraFactory())
    media_storage().delete(clip.media.thumbnail_name)
    assert f"clip without its files: {clip.pk}" in found()


def test_an_imports_waiting_file_and_unopened_zip_are_not_orphans():
    """Their bytes wait in the incoming folder for the task worker, named only by the
    import's rows: a backlog must not make the repair delete them."""
    waiting, unopened = orphan_file(), orphan_file()
    camera = CameraFactory()
    clip_import = ClipImport.objects.create(
        owner=camera.owner, camera=camera, name="export.zip", archive_name=unopened
    )
    ClipImportFile.objects.create(
        clip_import=clip_import, name="a.mp4", size=10, upload_name=waiting
    )

    found = run("--older-than-minutes", "0", "--repair")

    assert waiting not in found and unopened not in found
    assert media_storage().exists(waiting) and media_storage().exists(unopened)


@pytest.mark.parametrize("minutes", ["-5", "99999999999999999999", "soon"])
def test_an_age_that_would_undo_the_grace_is_refused(minutes):
    with pytest.raises(CommandError, match="whole number of minutes"):
        call_command("check_clips", "--older-than-minutes", minutes)
