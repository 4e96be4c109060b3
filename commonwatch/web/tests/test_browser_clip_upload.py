"""An owner uploads clips from the browser (tus-js-client, served locally): they pick a
camera and two files; the first one's bar fills in steps as its requests go and the
clip is made for that camera; the second, beyond the owner's quota, says so. The page
passes axe-core and logs no CSP violation."""

from __future__ import annotations

import hashlib

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from commonwatch.cameras import upload_page
from commonwatch.cameras.models import Clip, ClipKeeping, ClipSource, ClipUpload
from commonwatch.cameras.tests.factories import CameraFactory
from commonwatch.media.tests.factories import short_video

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

CHUNK = 2048
WATCH_BARS = """() => {
    window.barValues = [];
    const watch = new MutationObserver((changes) => changes.forEach((change) => {
        if (change.target.tagName === "PROGRESS") window.barValues.push(change.target.value);
    }));
    watch.observe(document.getElementById("upload-list"),
                  {subtree: true, attributes: true, attributeFilter: ["value"]});
}"""


def test_an_owner_uploads_a_clip_from_the_browser_with_a_progress_bar(open_page, monkeypatch):
    monkeypatch.setattr(upload_page, "BROWSER_CHUNK_BYTES", CHUNK)  # several requests
    porch = CameraFactory(name="Porch")
    garage = CameraFactory(owner=porch.owner, name="Garage")
    video = short_video(4, fps=25, size=(320, 240), title="garage")
    assert len(video) > 4 * CHUNK
    ClipKeeping.objects.create(owner=porch.owner, quota_bytes=len(video) + 1000)
    a = open_page()
    a.sign_in_as(porch.owner)
    page = a.page

    page.goto(reverse("clip_uploads:upload"))
    a.check("clip-upload")
    page.evaluate(WATCH_BARS)
    page.get_by_label("Camera").select_option(label="Garage")
    page.get_by_label("Video files").set_input_files(
        [
            {"name": "garage.mp4", "mimeType": "video/mp4", "buffer": video},
            {"name": "long.mp4", "mimeType": "video/mp4", "buffer": b"\0" * (len(video) + 1001)},
        ]
    )
    page.get_by_role("button", name="Upload").click()

    first, second = page.locator("#upload-list li").all()
    expect(first.get_by_role("status")).to_have_text(
        "Uploaded. The clip is being processed: see it in your clips.", timeout=30_000
    )
    expect(first.get_by_role("link", name="see it in your clips")).to_have_attribute(
        "href", reverse("clips:library")
    )
    expect(first.get_by_role("progressbar", name="Upload of garage.mp4")).to_have_attribute(
        "value", "100"
    )
    expect(second.get_by_role("status")).to_contain_text(
        "Not uploaded: Not enough room in your storage: this needs", timeout=30_000
    )
    steps = page.evaluate("() => window.barValues")
    between = [value for value in steps if 0 < value < 100]
    assert len(set(between)) >= 2 and between == sorted(between), steps
    a.check("clip-upload-done")

    clip = Clip.objects.get()
    assert (clip.camera, clip.source, clip.original_name) == (
        garage,
        ClipSource.BROWSER,
        "garage.mp4",
    )
    assert clip.received_sha256 == hashlib.sha256(video).hexdigest()
    assert ClipUpload.objects.count() == 1


def test_a_video_already_among_the_clips_says_so_instead_of_promising_a_new_clip(open_page):
    porch = CameraFactory(name="Porch")
    video = short_video(2, title="porch")
    a = open_page()
    a.sign_in_as(porch.owner)
    page = a.page
    page.goto(reverse("clip_uploads:upload"))

    statuses = page.locator("#upload-list li").get_by_role("status")
    for n in range(2):
        page.get_by_label("Video files").set_input_files(
            [{"name": f"porch-{n}.mp4", "mimeType": "video/mp4", "buffer": video}]
        )
        page.get_by_role("button", name="Upload").click()
        expect(statuses.nth(n)).not_to_have_text("Waiting")
        expect(statuses.nth(n)).not_to_have_text("Starting")

    expect(statuses.nth(0)).to_have_text(
        "Uploaded. The clip is being processed: see it in your clips.", timeout=30_000
    )
    expect(statuses.nth(1)).to_have_text(
        "Nothing added: this video is already among your clips; see it in your clips.",
        timeout=30_000,
    )
    assert Clip.objects.count() == 1
