"""The issue's acceptance path in one sitting, in real Chromium under the strict CSP: an
owner uploads a clip from the browser and watches its progress bar, finds its thumbnail
in the library, plays it, and draws a privacy zone over that very frame. The pieces are
tested in depth beside them (test_browser_clip_upload, _clips, _cameras)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from commonwatch.cameras import upload_page
from commonwatch.cameras.models import Clip
from commonwatch.cameras.tests.factories import CameraFactory
from commonwatch.media.tests.factories import bright_video
from commonwatch.web.tests.conftest import wait_for_picture

from .test_browser_clips import _played_until

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def test_an_owner_uploads_sees_plays_and_hides_part_of_the_frame(open_page, monkeypatch):
    monkeypatch.setattr(upload_page, "BROWSER_CHUNK_BYTES", 4096)  # the bar moves in steps
    camera = CameraFactory(name="Porch")
    video = bright_video(seconds=3, size=(320, 180))
    owner = open_page()
    owner.sign_in_as(camera.owner)
    page = owner.page

    # 1. Upload from the browser: the bar fills and the clip is made.
    page.goto(reverse("clips:library"))
    page.get_by_role("link", name="Upload clips").click()
    page.get_by_label("Video files").set_input_files(
        [{"name": "porch.mp4", "mimeType": "video/mp4", "buffer": video}]
    )
    page.get_by_role("button", name="Upload").click()
    bar = page.get_by_role("progressbar", name="Upload of porch.mp4")
    expect(bar).to_be_visible()
    expect(bar).to_have_attribute("value", "100", timeout=30_000)
    owner.check(screenshot="journey-uploaded")
    clip = Clip.objects.get(camera=camera)

    # 2. The library shows its thumbnail; 3. its page plays it.
    page.goto(reverse("clips:library"))
    thumb = page.locator(f".clip-card a[href='/clips/{clip.pk}/'] img")
    expect(thumb).to_be_visible(timeout=30_000)
    wait_for_picture(thumb)
    page.locator(f".clip-card a[href='/clips/{clip.pk}/']").click()
    expect(page.locator("video.clip-player")).to_be_attached()
    page.evaluate(
        "() => { const v = document.querySelector('video.clip-player'); "
        "v.muted = true; return v.play(); }"
    )
    assert _played_until(page, 0.5) > 0.5
    owner.check(screenshot="journey-playing")

    # 4. Draw a privacy zone over the clip's own frame.
    page.goto(reverse("cameras:zones", args=[camera.pk]))
    expect(page.locator("#zone-thumbnail")).to_be_visible()
    frame = page.locator("#zone-canvas").bounding_box()
    page.mouse.move(frame["x"] + frame["width"] * 0.5, frame["y"] + frame["height"] * 0.2)
    page.mouse.down()
    page.mouse.move(frame["x"] + frame["width"] * 0.8, frame["y"] + frame["height"] * 0.6, steps=5)
    page.mouse.up()
    expect(page.locator("#zone-list li")).to_have_count(1)
    page.get_by_role("button", name="Save the zones").click()
    expect(page.locator(".messages")).to_contain_text("are saved")
    owner.check(screenshot="journey-zone")
    camera.refresh_from_db()
    [zone] = camera.privacy_zones
    assert zone[0] == pytest.approx([0.5, 0.2], abs=0.02)
