"""An owner imports exported clips in real Chromium and reads each outcome.

The server takes two files per request here, so the page's script sends a folder of
three in two parts, into one import; and a zip too large for one request is unpacked
by the page itself and sent the same way.
"""

from __future__ import annotations

import os
import re
import zipfile

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from commonwatch.cameras.models import Clip, ClipImport, ImportState
from commonwatch.cameras.tests.factories import CameraFactory, exported_video
from commonwatch.web.tests.conftest import path_is

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def test_an_owner_imports_a_folder_and_sees_what_became_of_each_file(open_page, tmp_path, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
    camera = CameraFactory(name="Front door")
    export = tmp_path / "ring-export"
    export.mkdir()
    (export / "2026-11-21T09-00-00.mp4").write_bytes(exported_video(1))
    (export / "VID_20261122_101500.mp4").write_bytes(exported_video(2))
    (export / "thumbs.db").write_bytes(b"\x00" * 64)
    owner = open_page()
    owner.sign_in_as(camera.owner)
    page = owner.page

    page.goto(reverse("clip_imports:imports"))
    owner.check("clip-import")
    page.get_by_label("Into which camera").select_option(label="Front door")
    page.get_by_label("Or a folder").set_input_files(export)
    page.get_by_role("button", name="Import").click()

    expect(page).to_have_url(re.compile(r"/clips/import/\d+/$"), timeout=20_000)
    clip_import = ClipImport.objects.get()
    expect(page).to_have_url(path_is(reverse("clip_imports:detail", args=[clip_import.pk])))
    expect(page.locator("#import-done")).to_have_text("3 of 3 files")
    expect(page.locator("#import-counts")).to_contain_text("Imported: 2")
    expect(page.locator("#import-counts")).to_contain_text("Skipped: 1")
    expect(page.get_by_role("row", name="thumbs.db")).to_contain_text("Not a video.")
    named = page.get_by_role("row", name="VID_20261122_101500.mp4")
    expect(named).to_contain_text("Sunday 22 November 2026, 10:15:00")  # read from its name
    expect(page.get_by_text("a folder of 3 files")).to_be_visible()
    owner.check("clip-import-done")
    assert Clip.objects.filter(camera=camera).count() == 2
    assert ClipImport.objects.get().state == ImportState.DONE


def test_a_zip_too_large_for_one_request_is_unpacked_by_the_browser_and_sent_in_parts(
    open_page, tmp_path, settings
):
    # One request may carry 1.2 MB (the page keeps 1 MiB of it for the framing, so about
    # 150 KB of files) and two files, a clip 100 KB: this 1.6 MB zip cannot go whole.
    settings.MEDIA_MAX_UPLOAD_BYTES = 1_200_000
    settings.MEDIA_MAX_VIDEO_BYTES = 100_000
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
    camera = CameraFactory(name="Front door")
    archive = tmp_path / "ring-export.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("2026-11-21T09-00-00.mp4", exported_video(1))
        zipped.writestr("clips/VID_20261122_101500.mp4", exported_video(2))
        zipped.writestr("clips/", b"")  # a folder entry: nothing to send
        zipped.writestr("2026-11-23T08-00-00.mp4", exported_video(3), zipfile.ZIP_DEFLATED)
        zipped.writestr("notes.txt", b"exported from the old app\n", zipfile.ZIP_DEFLATED)
        zipped.writestr("raw-footage.bin", os.urandom(1_600_000))  # too large to send: left out
    assert archive.stat().st_size > settings.MEDIA_MAX_UPLOAD_BYTES
    owner = open_page()
    owner.sign_in_as(camera.owner)
    page = owner.page

    page.goto(reverse("clip_imports:imports"))
    page.get_by_label("Into which camera").select_option(label="Front door")
    page.get_by_label("A zip file").set_input_files(archive)
    page.get_by_role("button", name="Import").click()

    expect(page).to_have_url(re.compile(r"/clips/import/\d+/$"), timeout=20_000)
    expect(page.locator("#import-done")).to_have_text("5 of 5 files")
    expect(page.locator("#import-counts")).to_contain_text("Imported: 3")
    expect(page.locator("#import-counts")).to_contain_text("Skipped: 2")
    expect(page.get_by_role("row", name="notes.txt")).to_contain_text("Not a video.")
    # Never sent, and said so: no clip may be that large.
    expect(page.get_by_role("row", name="raw-footage.bin")).to_contain_text("a clip may be")
    expect(page.get_by_role("row", name="VID_20261122_101500.mp4")).to_contain_text(
        "Sunday 22 November 2026, 10:15:00"
    )
    expect(page.get_by_text("ring-export.zip")).to_be_visible()
    # On a phone each file is a card whose reason is on screen, and the page itself never
    # gets wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    reason = page.get_by_text("Not a video.").bounding_box()
    assert reason["x"] + reason["width"] <= page.viewport_size["width"]
    owner.check("clip-import-unpacked-zip")
    assert Clip.objects.filter(camera=camera).count() == 3
    assert ClipImport.objects.get().state == ImportState.DONE
