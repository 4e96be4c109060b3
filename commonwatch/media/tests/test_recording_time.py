"""One rule for when a video was recorded, whether its file or its sender says so."""

from datetime import UTC, datetime

import pytest

from commonwatch.media.recording_time import creation_time, parse_time


@pytest.mark.parametrize(
    "tag",
    [
        "2026-02-30T10:00:00Z",  # no such day: this used to refuse a playable video
        "2026-11-01T25:00:00Z",
        "0001-01-01T00:00:00+14:00",  # a time no database stores
        "1970-01-01T00:00:00Z",  # a camera without a clock
        "2999-01-01T00:00:00Z",
        "yesterday",
        "",
    ],
)
def test_a_tag_that_is_no_plausible_time_is_passed_over(tag):
    later = {"creation_time": "2026-11-01T08:00:00Z"}

    assert creation_time([{"creation_time": tag}]) is None
    assert creation_time([{"creation_time": tag}, later]) == datetime(2026, 11, 1, 8, tzinfo=UTC)


def test_a_time_without_a_zone_is_utc_and_no_time_is_none():
    assert parse_time(" 2026-11-01T08:00:00 ") == datetime(2026, 11, 1, 8, tzinfo=UTC)
    assert parse_time("2026-02-30T10:00:00Z") is None
