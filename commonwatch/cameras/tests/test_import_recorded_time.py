"""The recorded-at time of an exported clip: its container's tag, else its name."""

import io
from datetime import UTC, datetime

import pytest
from django.utils import timezone

from commonwatch.cameras.imports.recorded_time import NAME_PATTERNS, from_name, recorded_at

from .factories import exported_video

EVENT = datetime(2026, 11, 3, 14, 22, 5)


@pytest.mark.parametrize(
    "name",
    [
        "2026-11-03T14-22-05.mp4",  # Ring
        "FrontDoor_2026-11-03T14-22-05_motion.mp4",
        "20261103_142205.mp4",
        "VID_20261103_142205.mp4",
        "vid_20261103_142205.MOV",
        "2026-11-03 14.22.05.mp4",
        "2026-11-03_14-22-05.mkv",
        "exports/backyard/2026-11-03 14.22.05.mp4",
    ],
)
def test_export_names_give_the_local_time_they_carry(settings, name):
    settings.TIME_ZONE = "America/Denver"
    with timezone.override("UTC"):  # whatever the request's zone, names are the install's
        found = from_name(name)
    assert found == timezone.make_aware(EVENT, timezone.get_default_timezone())
    assert found.astimezone(UTC) == datetime(2026, 11, 3, 21, 22, 5, tzinfo=UTC)


@pytest.mark.parametrize("name", ["1793715725.mp4", "1793715725000.mp4"])
def test_unix_time_names_are_utc_seconds_or_milliseconds(name):
    assert from_name(name) == datetime(2026, 11, 3, 14, 22, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    "name",
    [
        "clip.mp4",
        "2026-13-45T14-22-05.mp4",  # digits, not a date
        "19991231_235959.mp4",  # before any camera here
        "20991103_142205.mp4",  # in the future
        "12345678_123456.mp4",
        "0000000001.mp4",
        "movie_1080p_2.mp4",
    ],
)
def test_names_without_a_plausible_time_give_none(name):
    assert from_name(name) is None


def test_every_pattern_in_the_table_is_tried():
    examples = {
        "2026-11-03T14-22-05",
        "VID_20261103_142205",
        "20261103_142205",
        "2026-11-03 14.22.05",
        "1793715725",
    }
    matched = {label for label, pattern in NAME_PATTERNS for e in examples if pattern.search(e)}
    assert matched == {label for label, _pattern in NAME_PATTERNS}


def test_the_containers_creation_time_wins_over_the_name():
    data = exported_video(creation_time="2026-11-01T08:00:00.000000Z")
    found = recorded_at(io.BytesIO(data), "2026-11-03T14-22-05.mp4")
    assert found == (datetime(2026, 11, 1, 8, 0, tzinfo=UTC), "metadata")


def test_a_zero_creation_time_is_a_camera_without_a_clock_and_the_name_is_used():
    data = exported_video(creation_time="1970-01-01T00:00:00.000000Z")
    when, source = recorded_at(io.BytesIO(data), "1793715725.mp4")
    assert (when.year, source) == (2026, "name")


def test_neither_metadata_nor_name_gives_no_time():
    assert recorded_at(io.BytesIO(exported_video()), "clip.mp4") == (None, "")
    assert recorded_at(io.BytesIO(b"not a video"), "clip.mp4") == (None, "")
