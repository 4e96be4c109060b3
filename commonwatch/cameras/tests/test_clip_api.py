"""/api/v1/clips: the owner's clips with camera and time filters, one clip, its files,
and delete; the same rules as the pages."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.test import TestCase
from django.utils import timezone

from commonwatch.accounts import services as accounts
from commonwatch.accounts.tests.factories import sign_in
from commonwatch.cameras.models import Clip, ClipAccess, ClipAccessAction, ClipRefusal
from commonwatch.media.storage import media_storage
from commonwatch.media.tests.factories import short_video

from .factories import CameraFactory, clip_of

pytestmark = pytest.mark.django_db


def at(day: int, hour: int):
    return timezone.make_aware(datetime(2026, 11, day, hour))


@pytest.fixture
def library():
    door = CameraFactory(name="Front door")
    yard = CameraFactory(owner=door.owner, name="Back yard")
    return {
        "door": door,
        "yard": yard,
        "early": clip_of(door, recorded_at=at(10, 9), data=short_video(fps=5)),
        "late": clip_of(door, recorded_at=at(20, 9), data=short_video(fps=6)),
        "yard_clip": clip_of(yard, recorded_at=at(20, 10), data=short_video(fps=7)),
    }


def ids(answer) -> list[int]:
    return [clip["id"] for clip in answer.json()["clips"]]


def test_the_list_is_newest_first_and_filters_by_camera_and_time(client, library):
    sign_in(client, library["door"].owner)

    everything = client.get("/api/v1/clips")
    door = client.get("/api/v1/clips", {"camera": library["door"].pk})
    window = client.get(
        "/api/v1/clips", {"from": "2026-11-15T00:00:00Z", "to": at(20, 10).isoformat()}
    )

    assert ids(everything) == [library[k].pk for k in ("yard_clip", "late", "early")]
    assert ids(door) == [library["late"].pk, library["early"].pk]
    assert ids(window) == [library["late"].pk]
    first = everything.json()["clips"][0]
    assert first["camera_name"] == "Back yard" and first["status"] == "ready"
    assert first["video_url"] == f"/clips/{library['yard_clip'].pk}/video"


def test_the_list_says_when_more_clips_match(client, library):
    sign_in(client, library["door"].owner)

    answer = client.get("/api/v1/clips", {"limit": 2}).json()

    assert len(answer["clips"]) == 2 and answer["more"] is True


def test_paging_with_next_lists_every_clip_once_even_those_recorded_at_one_time(client, library):
    door = library["door"]
    same = [clip_of(door, recorded_at=at(15, 8), data=short_video(fps=f)) for f in (8, 9, 10)]
    sign_in(client, door.owner)

    seen, after, pages = [], None, 0
    while True:
        answer = client.get("/api/v1/clips", {"limit": 2, **({"after": after} if after else {})})
        seen += ids(answer)
        pages += 1
        after = answer.json()["next"]
        if not after:
            break

    expected = [library["yard_clip"], library["late"], *reversed(same), library["early"]]
    assert seen == [clip.pk for clip in expected] and pages == 3
    assert answer.json()["more"] is False


@pytest.mark.parametrize(
    ("after", "message"),
    [
        ("not-a-cursor", "not a position this list gave"),
        ("MTk5OS0wMS0wMVQwMDowMDowMCswMDowMHwx", "not a position this list gave"),  # 1999
        ("x" * 101, "at most 100 characters"),
    ],
)
def test_a_position_the_list_did_not_give_is_a_422_that_says_so(client, library, after, message):
    sign_in(client, library["door"].owner)

    answer = client.get("/api/v1/clips", {"after": after})

    assert answer.status_code == 422
    error = answer.json()["detail"][0]
    assert error["loc"][-1] == "after" and message in error["msg"]


def test_a_range_that_ends_before_it_starts_is_a_422(client, library):
    sign_in(client, library["door"].owner)

    answer = client.get(
        "/api/v1/clips", {"from": "2026-11-20T00:00:00Z", "to": "2026-11-10T00:00:00"}
    )

    assert answer.status_code == 422
    assert answer.json()["detail"] == [
        {"loc": ["query", "to"], "msg": "The range ends before it starts.", "type": "value_error"}
    ]


def test_a_position_the_list_did_not_give_is_named_as_a_query_parameter(client, library):
    sign_in(client, library["door"].owner)

    answer = client.get("/api/v1/clips", {"after": "abc"})

    assert [e["loc"] for e in answer.json()["detail"]] == [["query", "after"]]


@pytest.mark.parametrize(
    ("moment", "reason"),
    [
        ("2026-11-20T00:00:00+20:00", "A time zone is at most 14 hours from UTC"),
        ("2026-11-20T00:00:00+99:00", "A time zone is at most 14 hours from UTC"),
        ("2026-11-20T00:00:00-99", "A time zone is at most 14 hours from UTC"),
        ("0001-01-01T00:00:00+05:00", "This date and time is out of range"),
        ("9999-12-31T23:00", "This date and time is out of range"),  # read in Denver's zone
    ],
)
def test_a_time_no_database_can_hold_is_a_422(client, library, moment, reason):
    sign_in(client, library["door"].owner)
    client.cookies["tz"] = "America/Denver"

    answer = client.get("/api/v1/clips", {"from": moment})

    assert answer.status_code == 422
    assert reason in answer.json()["detail"][0]["msg"]


@pytest.mark.parametrize("moment", ["2026-13-01T00:00:00", "2026-02-30T10:00", "2026-11-20T25:00"])
def test_a_date_or_time_that_does_not_exist_is_a_422_in_our_words(client, library, moment):
    sign_in(client, library["door"].owner)

    answer = client.get("/api/v1/clips", {"from": moment})

    assert answer.status_code == 422
    assert answer.json()["detail"][0]["msg"] == "There is no such date or time"


@pytest.mark.parametrize("moment", ["yesterday", "20/11/2026", "1763596800"])
def test_a_time_not_in_iso_8601_is_told_what_is_accepted(client, library, moment):
    sign_in(client, library["door"].owner)

    answer = client.get("/api/v1/clips", {"from": moment})

    assert answer.status_code == 422
    msg = answer.json()["detail"][0]["msg"]
    assert "with its zone" not in msg
    assert "ISO 8601" in msg and "2026-12-01T18:30" in msg and "+01:00" in msg


def test_a_time_without_a_zone_is_accepted_as_the_message_says(client, library):
    sign_in(client, library["door"].owner)

    answer = client.get("/api/v1/clips", {"from": "2026-11-20T00:00"})

    assert answer.status_code == 200
    assert ids(answer) == [library["yard_clip"].pk, library["late"].pk]


def test_a_camera_id_no_database_can_hold_is_a_422(client, library):
    sign_in(client, library["door"].owner)

    answer = client.get("/api/v1/clips", {"camera": "9223372036854775808"})

    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["query", "camera"]


def test_a_personal_token_gets_a_clip_and_its_video_recorded_as_a_download(client, library):
    token, raw = accounts.create_api_token(user=library["door"].owner, name="backup script")
    clip = library["late"]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    detail = client.get(f"/api/v1/clips/{clip.pk}", **auth)
    video = client.get(f"/api/v1/clips/{clip.pk}/video", **auth)
    thumbnail = client.get(f"/api/v1/clips/{clip.pk}/thumbnail", **auth)

    assert detail.json()["recorded_at"].startswith("2026-11-20")
    assert b"".join(video.streaming_content) == media_storage().open(clip.media.name).read()
    assert thumbnail["Content-Type"] == "image/jpeg"
    assert ClipAccess.objects.get().action == ClipAccessAction.DOWNLOADED


def test_a_head_of_a_clips_video_records_no_download(client, library):
    """A script checking the file (its size, that it is there) has not read a frame."""
    _token, raw = accounts.create_api_token(user=library["door"].owner, name="monitor")
    clip = library["late"]

    head = client.head(f"/api/v1/clips/{clip.pk}/video", HTTP_AUTHORIZATION=f"Bearer {raw}")

    assert head.status_code == 200 and int(head["Content-Length"]) > 0
    assert not ClipAccess.objects.exists()


def test_delete_removes_the_clip_and_its_files(client, library):
    sign_in(client, library["door"].owner)
    clip = library["early"]

    with TestCase.captureOnCommitCallbacks(execute=True):
        answer = client.delete(f"/api/v1/clips/{clip.pk}")

    assert answer.status_code == 204 and not Clip.objects.filter(pk=clip.pk).exists()
    assert not media_storage().exists(clip.media.name)
    assert client.get(f"/api/v1/clips/{clip.pk}").status_code == 404


def test_refusals_are_listed_and_dismissed(client, library):
    owner = library["door"].owner
    refusal = ClipRefusal.objects.create(
        owner=owner,
        camera=library["door"],
        original_name="notes.mp4",
        reason="This file is not a playable video.",
        received_at=timezone.now(),
    )
    sign_in(client, owner)

    listed = client.get("/api/v1/clip-refusals").json()
    dismissed = client.delete(f"/api/v1/clip-refusals/{refusal.pk}")

    assert [(r["original_name"], r["reason"]) for r in listed] == [
        ("notes.mp4", "This file is not a playable video.")
    ]
    assert dismissed.status_code == 204 and not ClipRefusal.objects.exists()
