"""The owner's clip library: a time axis per camera and day, filters by camera and time,
thumbnails; the clip page plays the video with byte ranges and keeps an access history;
a clip is deleted at once, its file with it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.test import TestCase
from django.utils import timezone

from commonwatch.accounts.tests.factories import UserFactory, sign_in
from commonwatch.cameras import clips
from commonwatch.cameras.models import Clip, ClipAccess, ClipAccessAction, ClipRefusal
from commonwatch.core.time_zone import TIME_ZONE_COOKIE
from commonwatch.media.models import MediaFile
from commonwatch.media.storage import media_storage
from commonwatch.media.tests.factories import jpeg_with_gps, short_video

from .factories import CameraFactory, clip_arrived, clip_of

pytestmark = pytest.mark.django_db


def video(n: int) -> bytes:
    """A different short video for each n (one owner's clips are told apart by content)."""
    return short_video(fps=4 + n)


def at(day: int, hour: int, minute: int = 0):
    return timezone.make_aware(datetime(2026, 11, day, hour, minute))


@pytest.fixture
def owner_client(client):
    camera = CameraFactory(name="Front door")
    sign_in(client, camera.owner)
    client.camera = camera
    return client


def test_the_library_shows_each_days_clips_per_camera_with_thumbnails(owner_client):
    door = owner_client.camera
    yard = CameraFactory(owner=door.owner, name="Back yard")
    first = clip_of(door, recorded_at=at(20, 6))
    clip_of(door, recorded_at=at(20, 18), data=video(1))
    clip_of(yard, recorded_at=at(21, 12), data=video(2))

    page = owner_client.get("/clips/").content.decode()

    assert page.index("Saturday 21 November 2026") < page.index("Friday 20 November 2026")
    assert (
        page.count('class="panel clip-camera-day"') == 2
    )  # the yard on the 21st, the door on the 20th
    assert f'src="/clips/{first.pk}/thumbnail"' in page
    # 06:00 is minute 360 of the day's axis.
    assert f'<a href="/clips/{first.pk}/" tabindex="-1"><rect class="mark" x="360"' in page
    assert "2 clips" in page and "1 clip" in page


def test_the_library_filters_by_camera_and_by_days(owner_client):
    door = owner_client.camera
    yard = CameraFactory(owner=door.owner, name="Back yard")
    early = clip_of(door, recorded_at=at(10, 9), data=video(1))
    late = clip_of(door, recorded_at=at(20, 9), data=video(2))
    other = clip_of(yard, recorded_at=at(20, 10), data=video(3))

    by_camera = owner_client.get("/clips/", {"camera": yard.pk}).content.decode()
    by_days = owner_client.get("/clips/", {"start": "2026-11-15", "end": "2026-11-20"}).content

    assert f"/clips/{other.pk}/" in by_camera and f"/clips/{late.pk}/" not in by_camera
    assert f"/clips/{late.pk}/".encode() in by_days and f"/clips/{other.pk}/".encode() in by_days
    assert f"/clips/{early.pk}/".encode() not in by_days


def test_a_range_that_ends_before_it_starts_or_another_owners_camera_is_refused(owner_client):
    someone_elses = CameraFactory()

    backwards = owner_client.get("/clips/", {"start": "2026-11-20", "end": "2026-11-10"})
    foreign = owner_client.get("/clips/", {"camera": someone_elses.pk})

    assert backwards.status_code == 400 and b"The range ends before it starts." in backwards.content
    assert foreign.status_code == 400 and someone_elses.name.encode() not in foreign.content


def test_a_link_to_a_removed_camera_says_the_camera_is_not_yours_like_anyone_elses(
    owner_client,
):
    removed = CameraFactory(owner=owner_client.camera.owner)
    removed_id = removed.pk
    removed.delete()
    someone_elses = CameraFactory()

    gone = owner_client.get("/clips/", {"camera": removed_id})
    foreign = owner_client.get("/clips/", {"camera": someone_elses.pk})

    assert gone.status_code == 400
    assert b"That camera is not among yours: choose one of the list." in gone.content
    assert foreign.status_code == 400
    assert b"That camera is not among yours: choose one of the list." in foreign.content


@pytest.mark.parametrize(("field", "day"), [("end", "9999-12-31"), ("start", "0001-01-01")])
def test_a_day_at_the_calendars_end_is_refused_as_a_bad_filter(owner_client, field, day):
    owner_client.cookies["tz"] = "Asia/Tokyo"

    answer = owner_client.get("/clips/", {field: day})

    assert answer.status_code == 400
    assert b"No clip can be recorded on a day so far away" in answer.content


def test_the_clip_page_plays_the_video_with_byte_ranges(owner_client):
    clip = clip_of(owner_client.camera)

    page = owner_client.get(f"/clips/{clip.pk}/").content.decode()
    # A browser offers gzip on every request: a slice of the file must come as it is.
    part = owner_client.get(
        f"/clips/{clip.pk}/video", HTTP_RANGE="bytes=0-299", HTTP_ACCEPT_ENCODING="gzip"
    )
    whole = owner_client.get(f"/clips/{clip.pk}/video", HTTP_ACCEPT_ENCODING="gzip")

    assert '<video class="clip-player" controls' in page and f'src="/clips/{clip.pk}/video"' in page
    stored = media_storage().open(clip.media.name).read()
    assert part.status_code == 206 and part.content == stored[:300]
    assert part["Content-Range"] == f"bytes 0-299/{len(stored)}"
    assert not part.has_header("Content-Encoding") and not whole.has_header("Content-Encoding")
    assert part["Cache-Control"] == whole["Cache-Control"] == "private, no-store"
    assert b"".join(whole.streaming_content) == stored and whole["Content-Type"] == "video/mp4"


def test_one_viewing_is_one_entry_in_the_access_history_however_many_ranges(owner_client):
    clip = clip_of(owner_client.camera)

    for start in range(0, 1000, 100):  # a seek: the browser asks range after range
        owner_client.get(f"/clips/{clip.pk}/video", HTTP_RANGE=f"bytes={start}-")
    owner_client.get(f"/clips/{clip.pk}/thumbnail")

    assert list(ClipAccess.objects.values_list("actor", "action")) == [
        (clip.owner.pk, ClipAccessAction.VIEWED)
    ]
    page = owner_client.get(f"/clips/{clip.pk}/").content.decode()
    assert "you, watched" in page


def test_the_access_history_says_in_plain_words_who_can_watch_and_who_has(owner_client):
    clip = clip_of(owner_client.camera)
    page = owner_client.get(f"/clips/{clip.pk}/").content.decode()
    assert "Only you can watch this clip. Nobody has opened it yet." in page
    assert "Only you can;" not in page and "access-history" not in page

    owner_client.get(f"/clips/{clip.pk}/download")
    page = owner_client.get(f"/clips/{clip.pk}/").content.decode()
    assert "Only you can watch this clip. Nobody else has opened it." in page
    assert "you, downloaded" in page

    # Should anyone else ever reach it, the page no longer claims nobody else has.
    ClipAccess.objects.create(
        clip=clip, actor=UserFactory(email="someone@example.org"), action=ClipAccessAction.VIEWED
    )
    page = owner_client.get(f"/clips/{clip.pk}/").content.decode()
    assert "Nobody else" not in page and "Only you can watch" not in page
    assert "Everyone who watched or downloaded this clip, newest first." in page
    assert "someone@example.org" in page


def test_watching_again_later_is_a_new_entry(owner_client):
    clip = clip_of(owner_client.camera)
    assert clips.record_access(actor=clip.owner, clip=clip)
    ClipAccess.objects.update(at=timezone.now() - clips.VIEW_DEBOUNCE - timedelta(seconds=1))

    owner_client.get(f"/clips/{clip.pk}/video", HTTP_RANGE="bytes=0-")

    assert ClipAccess.objects.filter(clip=clip).count() == 2


def test_a_download_is_an_attachment_and_recorded_as_one(owner_client):
    clip = clip_of(owner_client.camera, recorded_at=at(20, 6, 30))

    answer = owner_client.get(f"/clips/{clip.pk}/download")

    assert answer["Content-Disposition"].startswith(f'attachment; filename="clip-{clip.pk}-')
    assert ClipAccess.objects.get().action == ClipAccessAction.DOWNLOADED


def test_deleting_asks_first_then_removes_record_and_files_at_once(owner_client):
    clip = clip_of(owner_client.camera)
    names = [clip.media.name, clip.media.thumbnail_name]
    storage = media_storage()

    asked = owner_client.get(f"/clips/{clip.pk}/delete/")
    assert b"Delete this clip?" in asked.content and Clip.objects.exists()
    with TestCase.captureOnCommitCallbacks(execute=True):
        done = owner_client.post(f"/clips/{clip.pk}/delete/")

    assert done.status_code == 302 and done["Location"] == "/clips/"
    assert not Clip.objects.exists() and not MediaFile.objects.exists()
    assert not any(storage.exists(name) for name in names)
    assert owner_client.get(f"/clips/{clip.pk}/").status_code == 404


def test_a_refused_file_shows_in_the_library_until_dismissed(owner_client):
    clip_arrived(owner_client.camera, jpeg_with_gps(), original_name="IMG_0001.mp4")

    page = owner_client.get("/clips/").content.decode()
    assert "Files not kept" in page and "IMG_0001.mp4" in page
    assert "This file is not a playable video." in page

    refusal = ClipRefusal.objects.get()
    owner_client.post(f"/clips/refusals/{refusal.pk}/dismiss/")
    assert not ClipRefusal.objects.exists()
    assert "Files not kept" not in owner_client.get("/clips/").content.decode()


def test_a_clip_still_being_processed_shows_without_a_video(owner_client):
    clip = clip_of(owner_client.camera)
    MediaFile.objects.filter(pk=clip.media_id).update(status="pending")

    page = owner_client.get(f"/clips/{clip.pk}/").content.decode()

    assert "<video" not in page and "Waiting to be processed" in page
    assert owner_client.get(f"/clips/{clip.pk}/video").status_code == 404


def test_the_library_reads_a_bounded_number_of_queries(owner_client, django_assert_max_num_queries):
    for hour in range(6):
        clip_of(owner_client.camera, recorded_at=at(20, hour), data=video(hour))

    with django_assert_max_num_queries(12):
        assert owner_client.get("/clips/").status_code == 200


def test_the_library_names_the_time_zone_its_times_are_in(owner_client):
    owner_client.cookies["tz"] = "Asia/Kolkata"  # the browser's zone (web/time-zone.js)

    page = owner_client.get("/clips/").content.decode()

    assert "Times are shown in the time zone Asia/Kolkata." in page


def test_a_clips_page_steps_to_the_same_cameras_older_and_newer_clips(owner_client):
    """As a camera app's player does: the neighbors in time of this camera's clips only."""
    door = owner_client.camera
    yard = CameraFactory(owner=door.owner, name="Back yard")
    first = clip_of(door, recorded_at=at(20, 6))
    middle = clip_of(door, recorded_at=at(20, 18), data=video(1))
    last = clip_of(door, recorded_at=at(22, 9), data=video(2))
    between = clip_of(yard, recorded_at=at(21, 12), data=video(3))
    someone_elses = clip_of(CameraFactory(), recorded_at=at(21, 0), data=video(4))

    def steps(clip):
        page = owner_client.get(f"/clips/{clip.pk}/").content.decode()
        start = page.index('class="clip-steps"')
        nav = page[start : page.index("</nav>", start)]
        return [
            c.pk for c in (first, middle, last, between, someone_elses) if f"/clips/{c.pk}/" in nav
        ]

    assert steps(middle) == [first.pk, last.pk]
    assert steps(first) == [middle.pk]
    assert steps(last) == [middle.pk]
    assert steps(between) == []


def test_a_clips_time_reads_alike_in_the_library_and_on_its_page_on_the_readers_clock(
    owner_client,
):
    """Recorded 06:30:15 UTC, read in Kathmandu (UTC+05:45): 12:15:15 on both pages, the
    day in words, and each page names the zone."""
    clip = clip_of(owner_client.camera, recorded_at=datetime(2026, 11, 20, 6, 30, 15, tzinfo=UTC))
    owner_client.cookies[TIME_ZONE_COOKIE] = "Asia/Kathmandu"

    library = owner_client.get("/clips/").content.decode()
    page = owner_client.get(f"/clips/{clip.pk}/").content.decode()
    asked = owner_client.get(f"/clips/{clip.pk}/delete/").content.decode()

    zone = "Times are shown in the time zone Asia/Kathmandu."
    assert "Friday 20 November 2026</h2>" in library
    assert '<span class="clip-time">12:15:15</span>' in library and zone in library
    assert "Front door, Friday 20 November 2026, 12:15:15</h1>" in page and zone in page
    assert "<dt>Recorded</dt><dd>Friday 20 November 2026, 12:15:15" in page
    assert "Front door, Friday 20 November 2026, 12:15:15" in asked
    download = owner_client.get(f"/clips/{clip.pk}/download")
    assert f'filename="clip-{clip.pk}-20261120-121515.mp4"' in download["Content-Disposition"]
