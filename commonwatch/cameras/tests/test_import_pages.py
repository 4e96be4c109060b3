"""The import page: an owner sends a zip or a folder and watches each file's outcome."""

import io
import json
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from commonwatch.accounts.tests.factories import sign_in
from commonwatch.cameras.clips import delete_clip
from commonwatch.cameras.imports.services import abandoned_message
from commonwatch.cameras.models import Clip, ClipImport, ClipImportFile, ImportOutcome, ImportState

from .factories import CameraFactory, clip_of, exported_video

pytestmark = pytest.mark.django_db(transaction=True)
PAGE = reverse("clip_imports:imports")


def video(name: str, shade: int) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, exported_video(shade), content_type="video/mp4")


def zip_of(**members: bytes) -> SimpleUploadedFile:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return SimpleUploadedFile("export.zip", out.getvalue(), content_type="application/zip")


@pytest.fixture
def camera(client):
    camera = CameraFactory(name="Front door")
    sign_in(client, camera.owner)
    return camera


def test_an_owner_imports_a_folder_and_sees_every_files_outcome(client, camera):
    page = client.get(PAGE)
    assert b"Front door" in page.content and b"webkitdirectory" in page.content

    folder = [
        video("2026-11-21T09-00-00.mp4", 1),
        SimpleUploadedFile("notes.txt", b"clips from my old app"),
    ]
    response = client.post(PAGE, {"camera": camera.pk, "folder": folder})

    clip_import = ClipImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("clip_imports:detail", args=[clip_import.pk])
    shown = client.get(response["Location"]).content.decode()
    assert "Importing into Front door" in shown
    assert "2 of 2 files" in shown and "Imported: 1" in shown and "Skipped: 1" in shown
    assert "notes.txt" in shown and "Not a video." in shown
    assert 'hx-trigger="every 1s"' not in shown  # done: the page stops asking
    assert clip_import.name == "a folder of 2 files"
    assert Clip.objects.filter(camera=camera).count() == 1
    assert b"a folder of 2 files" in client.get(PAGE).content


def test_an_owner_imports_a_zip(client, camera):
    archive = zip_of(**{"VID_20261121_090000.mp4": exported_video(2)})
    response = client.post(PAGE, {"camera": camera.pk, "archive": archive})
    assert response.status_code == 302
    assert ClipImport.objects.get().state == ImportState.DONE
    assert Clip.objects.get().original_name == "VID_20261121_090000.mp4"


def test_the_progress_panel_asks_again_until_the_import_is_done(client, camera):
    clip_import = ClipImport.objects.create(
        owner=camera.owner, camera=camera, state=ImportState.OPENING
    )
    panel = client.get(reverse("clip_imports:progress", args=[clip_import.pk]))
    assert panel.status_code == 200
    assert b'hx-trigger="every 1s"' in panel.content and b"Opening the archive" in panel.content


def test_a_zip_and_a_folder_together_are_refused(client, camera):
    response = client.post(
        PAGE,
        {
            "camera": camera.pk,
            "archive": zip_of(a=b"x"),
            "folder": [video("2026-11-21T09-00-00.mp4", 3)],
        },
    )
    assert response.status_code == 400
    assert b"not both" in response.content
    assert not ClipImport.objects.exists()


def test_nothing_sent_is_refused(client, camera):
    response = client.post(PAGE, {"camera": camera.pk})
    assert response.status_code == 400 and b"Choose a zip file or a folder" in response.content


def test_a_full_storage_refuses_the_import_with_a_clear_message(client, camera, settings):
    settings.CAMERA_QUOTA_BYTES = 100
    response = client.post(
        PAGE, {"camera": camera.pk, "folder": [video("2026-11-21T09-00-00.mp4", 4)]}
    )
    assert response.status_code == 400 and b"Not enough room in your storage" in response.content
    assert not ClipImport.objects.exists()


def test_nobody_imports_into_a_camera_that_is_not_theirs(client, camera):
    other = CameraFactory(name="Neighbor's porch")
    page = client.get(PAGE)
    assert b"Neighbor" not in page.content
    response = client.post(
        PAGE, {"camera": other.pk, "folder": [video("2026-11-21T09-00-00.mp4", 5)]}
    )
    assert response.status_code == 400
    assert not ClipImport.objects.exists() and not Clip.objects.exists()


def test_an_import_is_seen_by_its_owner_only(client, camera):
    mine = ClipImport.objects.create(
        owner=camera.owner, camera=camera, name="my-export.zip", state=ImportState.DONE
    )
    neighbor = CameraFactory().owner
    sign_in(client, neighbor)
    assert b"my-export.zip" not in client.get(PAGE).content
    for name in ("clip_imports:detail", "clip_imports:progress"):
        mine_response = client.get(reverse(name, args=[mine.pk]))
        missing = client.get(reverse(name, args=[mine.pk + 1000]))
        assert mine_response.status_code == missing.status_code == 404
        assert mine_response.content == missing.content


@pytest.mark.parametrize(
    ("sent", "named"),
    [("ring-export.zip", "ring-export.zip"), ("C:\\Users\\me\\ring.zip", "ring.zip"),
     ("../../x" + "z" * 300 + ".zip", "x" + "z" * 199), ("  ", "a folder of 1 files")],
)  # fmt: skip
def test_a_zip_unpacked_by_the_page_is_named_after_the_zip(client, camera, sent, named):
    client.post(
        PAGE,
        {"camera": camera.pk, "folder": [video("2026-11-21T09-00-00.mp4", 8)], "zip": sent},
        headers={"Accept": "application/json"},
    )
    assert ClipImport.objects.get().name == named


def test_files_the_page_left_out_are_listed_with_the_servers_reasons(client, camera, settings):
    settings.MEDIA_MAX_VIDEO_BYTES = 1000
    reported = [
        ["huge.mp4", 5000, "size"],
        ["locked.mp4", 10, "unpack"],
        ["odd.mp4", 900, "size"],  # small enough for a clip: too large for the page
    ]
    first = client.post(
        PAGE,
        {"camera": camera.pk, "folder": [video("2026-11-21T09-00-00.mp4", 9)], "more": "1",
         "left_out": json.dumps(reported)},
        headers={"Accept": "application/json"},
    )  # fmt: skip
    client.post(first.json()["files_url"], {"last": "1"})

    reasons = dict(ClipImport.objects.get().files.values_list("name", "reason"))
    assert set(reasons) == {"2026-11-21T09-00-00.mp4", "huge.mp4", "locked.mp4", "odd.mp4"}
    assert "a clip may be" in reasons["huge.mp4"]
    assert "could not unpack" in reasons["locked.mp4"]
    assert "Too large to send from a browser" in reasons["odd.mp4"]


@pytest.mark.parametrize(
    "report",
    ["{not json", '{"a": 1}', '[["bad", "12", "size"]]', '[["neg.mp4", -1, "size"]]',
     '[["why.mp4", 10, "<script>"]]', '["not a row"]', '[[" ", 1, "size"]]',
     json.dumps([["a.mp4", 1, "size"]] * 1001), '[["big.mp4", 99999999999999999999, "size"]]',
     "[" * 100_000 + "]" * 100_000],
)  # fmt: skip
def test_a_malformed_left_out_report_is_a_400_and_keeps_nothing(client, camera, report):
    json_answer = {"headers": {"Accept": "application/json"}}
    sent = {"camera": camera.pk, "folder": [video("2026-11-21T09-00-00.mp4", 10)]}
    refused = client.post(PAGE, {**sent, "left_out": report}, **json_answer)
    assert refused.status_code == 400 and "left_out must be" in refused.json()["detail"]
    assert not ClipImport.objects.exists()

    first = client.post(PAGE, {**sent, "more": "1"}, **json_answer)
    later = client.post(first.json()["files_url"], {"last": "1", "left_out": report}, **json_answer)
    assert later.status_code == 400 and "left_out must be" in later.json()["detail"]
    clip_import = ClipImport.objects.get()
    assert clip_import.files.count() == 1 and clip_import.state == ImportState.RECEIVING


def test_an_owner_without_cameras_is_told_to_register_one(client):
    owner = CameraFactory().owner
    owner.cameras.all().delete()
    sign_in(client, owner)
    assert b"Register a camera first" in client.get(PAGE).content


def test_the_pages_script_sends_a_folder_in_parts_and_is_answered_in_json(client, camera):
    first = client.post(
        PAGE,
        {"camera": camera.pk, "folder": [video("2026-11-21T09-00-00.mp4", 6)], "more": "1",
         "count": "2"},
        headers={"Accept": "application/json"},
    )  # fmt: skip
    clip_import = ClipImport.objects.get()
    assert first.json() == {
        "url": reverse("clip_imports:detail", args=[clip_import.pk]),
        "files_url": reverse("clip_imports:add_files", args=[clip_import.pk]),
    }
    assert clip_import.name == "a folder of 2 files"
    assert clip_import.state == ImportState.RECEIVING

    last = client.post(
        first.json()["files_url"],
        {"folder": [video("2026-11-21T09-00-01.mp4", 7)], "last": "1"},
        headers={"Accept": "application/json"},
    )
    assert last.status_code == 200
    clip_import.refresh_from_db()
    assert clip_import.state == ImportState.DONE and clip_import.files.count() == 2

    again = client.post(first.json()["files_url"], {"last": "1"})
    assert again.status_code == 409


def test_a_part_refused_is_answered_with_its_reason_in_json(client, camera, settings):
    settings.CAMERA_QUOTA_BYTES = 100
    response = client.post(
        PAGE,
        {"camera": camera.pk, "folder": [video("2026-11-21T09-00-00.mp4", 8)], "more": "1"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400
    assert "Not enough room in your storage" in response.json()["detail"]


def test_an_owner_with_one_camera_finds_it_chosen(client, camera):
    page = client.get(PAGE).content.decode()
    assert f'<option value="{camera.pk}" selected>Front door</option>' in page


def test_an_abandoned_import_reads_as_ended_after_the_hourly_job(client, camera):
    sent = client.post(
        PAGE,
        {"camera": camera.pk, "folder": [video("2026-11-21T09-00-00.mp4", 9)], "more": "1"},
        headers={"Accept": "application/json"},
    )
    ClipImport.objects.update(created_at=timezone.now() - timezone.timedelta(hours=25))
    assert b"Receiving files" in client.get(PAGE).content

    call_command("purge_clip_uploads", stdout=io.StringIO())

    assert b"Receiving files" not in client.get(PAGE).content
    shown = client.get(sent.json()["url"]).content.decode()
    assert "Done" in shown and "Imported: 1" in shown and abandoned_message() in shown
    assert 'hx-trigger="every 1s"' not in shown  # ended: the page stops asking


CLIP_LINK = re.compile(r'href="/clips/\d+/"')


def clip_link(clip) -> str:
    return f'href="{reverse("clips:clip", args=[clip.pk])}"'


def test_a_file_already_imported_links_to_the_owners_clip_like_an_imported_one(client, camera):
    before = clip_of(camera, data=exported_video(20))
    folder = [video("2026-11-22T10-00-00.mp4", 20), video("2026-11-22T11-00-00.mp4", 21)]

    response = client.post(PAGE, {"camera": camera.pk, "folder": folder})

    shown = client.get(response["Location"]).content.decode()
    assert "Already imported: 1" in shown and "Imported: 1" in shown
    imported = Clip.objects.get(original_name="2026-11-22T11-00-00.mp4")
    assert clip_link(before) in shown and clip_link(imported) in shown
    assert client.get(reverse("clips:clip", args=[before.pk])).status_code == 200


def test_a_clip_deleted_since_is_no_longer_linked(client, camera):
    before = clip_of(camera, data=exported_video(22))
    response = client.post(
        PAGE, {"camera": camera.pk, "folder": [video("2026-11-22T10-00-00.mp4", 22)]}
    )
    delete_clip(owner=camera.owner, clip=before)

    shown = client.get(response["Location"]).content.decode()
    assert "Already imported: 1" in shown and "2026-11-22T10-00-00.mp4" in shown
    assert not CLIP_LINK.search(shown)


def test_nothing_of_another_owners_clips_is_linked_or_told(client, camera):
    """The same bytes among a neighbour's clips are not "already imported" here: the
    file becomes the owner's own clip, and only that is linked. A file of the import
    whose bytes only a neighbour's clip has (the owner's own deleted since) links to
    nothing."""
    neighbors = clip_of(CameraFactory(), data=exported_video(23))
    response = client.post(
        PAGE, {"camera": camera.pk, "folder": [video("2026-11-22T10-00-00.mp4", 23)]}
    )
    mine = Clip.objects.get(owner=camera.owner)
    ClipImportFile.objects.create(
        clip_import=ClipImport.objects.get(),
        name="copy.mp4",
        sha256=neighbors.received_sha256,
        outcome=ImportOutcome.ALREADY,
    )
    delete_clip(owner=camera.owner, clip=mine)

    shown = client.get(response["Location"]).content.decode()
    assert "Imported: 1" in shown and "Already imported: 1" in shown
    assert not CLIP_LINK.search(shown)
    assert clip_link(neighbors) not in shown


@pytest.mark.parametrize(
    "first",
    [
        "camera-export.mp4",  # no time in its name or its file
        "2026-10-01T09-00-00.mp4",  # older than the 30 days clips are kept
        "2099-01-01T09-00-00.mp4",  # in the future
    ],
)
def test_a_copy_skipped_for_its_time_does_not_make_a_later_copy_a_duplicate(client, camera, first):
    yesterday = timezone.localtime() - timezone.timedelta(days=1)
    dated = yesterday.strftime("VID_%Y%m%d_%H%M%S.mp4")
    same = exported_video(22)
    archive = zip_of(**{first: same, dated: same})

    response = client.post(PAGE, {"camera": camera.pk, "archive": archive})

    shown = client.get(response["Location"]).content.decode()
    assert "Imported: 1" in shown and "Skipped: 1" in shown
    assert "Already imported: 0" in shown
    assert "already among your clips" not in shown
    clip = Clip.objects.get(camera=camera)
    assert clip.original_name == dated
    assert clip_link(clip) in shown
    assert ClipImport.objects.get().state == ImportState.DONE
