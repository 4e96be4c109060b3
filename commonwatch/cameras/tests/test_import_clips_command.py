"""Operators import a household's export from a folder or a zip on the server."""

import zipfile

import pytest
from django.core.management import CommandError, call_command

from commonwatch.cameras.models import Clip, ClipImport, ImportState

from .factories import CameraFactory, exported_video

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_folder_is_imported_with_a_report_of_each_skipped_file(tmp_path, capsys):
    camera = CameraFactory()
    export = tmp_path / "export"
    (export / "front").mkdir(parents=True)
    (export / "front" / "VID_20261120_080000.mp4").write_bytes(exported_video(1))
    (export / "20261121_090000.mp4").write_bytes(exported_video(2))
    (export / "readme.txt").write_text("exported clips")
    (export / "link.mp4").symlink_to(export / "20261121_090000.mp4")

    call_command("import_clips", str(export), owner=camera.owner.email, camera=camera.pk)

    out = capsys.readouterr().out
    assert "4 files: 2 imported, 0 already imported, 2 skipped, 0 failed." in out
    assert "readme.txt: Skipped. Not a video." in out
    assert "link.mp4: Skipped. A link, not a file: not followed." in out
    assert Clip.objects.filter(camera=camera).count() == 2
    assert ClipImport.objects.get().state == ImportState.DONE


def test_a_zip_imported_twice_imports_nothing_the_second_time(tmp_path, capsys):
    camera = CameraFactory()
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("2026-11-21T09-00-00.mp4", exported_video(3))

    call_command("import_clips", str(archive), owner=camera.owner.email, camera=camera.pk)
    call_command("import_clips", str(archive), owner=camera.owner.email, camera=camera.pk)

    assert "1 files: 0 imported, 1 already imported" in capsys.readouterr().out
    assert Clip.objects.count() == 1


def test_a_traversing_zip_is_refused(tmp_path):
    camera = CameraFactory()
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("../2026-11-21T09-00-00.mp4", exported_video(4))
    with pytest.raises(CommandError, match="outside itself"):
        call_command("import_clips", str(archive), owner=camera.owner.email, camera=camera.pk)
    assert ClipImport.objects.get().state == ImportState.REFUSED
    assert not Clip.objects.exists()


def test_only_the_cameras_owner_can_be_named(tmp_path):
    camera, other = CameraFactory(), CameraFactory()
    with pytest.raises(CommandError, match="has no camera"):
        call_command("import_clips", str(tmp_path), owner=other.owner.email, camera=camera.pk)
