"""When a video was recorded, as its file or its sender says: one rule for every way in.

A camera with an unset clock writes 1970 (or 1904, MP4's epoch), and a tag can hold
anything (a 30 February, the year 1 at +14:00, which no database stores). Only a time
from 2000 up to a day ahead of our clock (a camera's may run a little fast) is believed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta

from django.utils import timezone
from django.utils.dateparse import parse_datetime

EARLIEST_RECORDING = datetime(2000, 1, 1, tzinfo=UTC)
CLOCK_SKEW = timedelta(days=1)


def is_plausible(moment: datetime) -> bool:
    """Whether an aware time can be when a clip was recorded."""
    return EARLIEST_RECORDING <= moment <= timezone.now() + CLOCK_SKEW


def parse_time(text: str) -> datetime | None:
    """An ISO 8601 date and time (UTC when it names no zone), None if it is not one."""
    try:
        moment = parse_datetime(text.strip())
    except (ValueError, OverflowError):  # well-formed, but no such day or time
        return None
    if moment is None:
        return None
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=UTC)


def creation_time(tag_sets: Iterable[Mapping[str, str]]) -> datetime | None:
    """The first plausible creation_time among a file's tags (container's, then streams')."""
    for tags in tag_sets:
        found = parse_time(tags.get("creation_time", "") or "")
        if found is not None and is_plausible(found):
            return found
    return None
