"""An owner in real Chromium (phone and desktop, strict CSP, axe-core): the library shows
each clip's thumbnail on its camera's day, and the clip page plays the video, fetched
with byte ranges, with one entry in the access history."""

from __future__ import annotations

import io
import time

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from commonwatch.cameras.models import ClipAccess, ClipRefusal
from commonwatch.cameras.tests.factories import CameraFactory, clip_arrived
from commonwatch.media.tests.factories import bright_video
from commonwatch.web.tests.conftest import DESKTOP, SCREENSHOT_DIR, wait_for_picture

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def _played_until(page, seconds: float, timeout: float = 10) -> float:
    """The video's currentTime once it passes `seconds` (polled: CSP forbids eval)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        now = page.evaluate("() => document.querySelector('video.clip-player').currentTime")
        if now > seconds:
            return now
        page.wait_for_timeout(100)
    raise AssertionError(f"the video did not play past {seconds} s (at {now} s)")


def test_the_owner_sees_a_thumbnail_and_plays_the_clip(open_page):
    door = CameraFactory(name="Front door", privacy_zones=[[[0, 0], [0.4, 0], [0.4, 0.5]]])
    yard = CameraFactory(owner=door.owner, name="Back yard")
    now = timezone.now()
    clip = clip_arrived(door, bright_video(seconds=4, size=(640, 360)), recorded_at=now)
    clip_arrived(yard, bright_video(seconds=2, fps=8), recorded_at=now.replace(hour=6))
    owner = open_page()
    owner.sign_in_as(door.owner)
    page = owner.page

    page.goto("/clips/")
    card = page.locator(f".clip-card a[href='/clips/{clip.pk}/']")
    thumb = card.locator("img")
    expect(thumb).to_be_visible()
    expect(page.locator("svg.clip-timeline rect.mark")).to_have_count(2)
    wait_for_picture(thumb)
    owner.check(screenshot="clips-library")
    page.set_viewport_size(DESKTOP)
    owner.check()  # axe again at desktop size
    page.screenshot(path=str(SCREENSHOT_DIR / "clips-library-desktop.png"), full_page=True)

    card.click()
    expect(page.locator("h1")).to_contain_text("Front door")
    video = page.locator("video.clip-player")
    expect(video).to_have_attribute("src", f"/clips/{clip.pk}/video")
    page.evaluate(
        "() => { const v = document.querySelector('video.clip-player'); "
        "v.muted = true; return v.play(); }"
    )
    assert _played_until(page, 0.5) > 0.5
    owner.check(screenshot="clip-page")

    assert ClipAccess.objects.filter(clip=clip, actor=door.owner).count() == 1
    page.reload()
    expect(page.locator(".access-history li")).to_have_count(1)
    expect(page.locator(".access-history li")).to_contain_text("you, watched")
    expect(page.locator("#access-summary")).to_contain_text(
        "Only you can watch this clip. Nobody else has opened it."
    )


def test_a_file_not_kept_reads_as_one_sentence_on_a_phone(open_page):
    door = CameraFactory(name="Driveway")
    ClipRefusal.objects.create(
        owner=door.owner,
        camera=door,
        original_name="text.mp4",
        reason="This file is not a playable video.",
        received_at=timezone.now(),
    )
    owner = open_page()
    owner.sign_in_as(door.owner)

    owner.page.goto("/clips/")

    notice = owner.page.locator(".clip-refusal")
    expect(notice).to_be_visible()
    # Each bare text of the flex row was a line of its own: ", Driveway, received …".
    first_line = notice.inner_text().splitlines()[0]
    assert first_line.startswith("text.mp4, Driveway, received "), first_line
    owner.check(screenshot="clips-library-refusal")


def _accent_columns(png: bytes) -> int:
    """How many pixel columns of the timeline's middle row show a clip's mark (dark green)."""
    picture = Image.open(io.BytesIO(png)).convert("RGB")
    middle = picture.height // 2
    row = [picture.getpixel((x, middle)) for x in range(picture.width)]
    return sum(1 for red, green, blue in row if green > red + 40 and green > blue)


def test_a_short_clip_marks_the_phones_time_axis_wider_than_an_hour_tick(open_page):
    door = CameraFactory(name="Front door")
    clip_arrived(door, bright_video(seconds=2, fps=8), recorded_at=timezone.now().replace(hour=9))
    owner = open_page()
    owner.sign_in_as(door.owner)

    owner.page.goto("/clips/")
    timeline = owner.page.locator("svg.clip-timeline")
    expect(timeline.locator("rect.mark")).to_have_count(1)

    # Six minutes of a day 300 px wide is about a pixel: the mark vanished beside the ticks.
    assert _accent_columns(timeline.screenshot()) >= 4
