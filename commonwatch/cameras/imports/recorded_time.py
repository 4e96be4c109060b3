"""When an exported clip was recorded: from its container's creation_time, else its name.

Camera apps export clips under names that carry the event's time; which app wrote a
name does not matter, only the pattern does, so they are a table (NAME_PATTERNS).
Names carry local wall-clock time without a zone: they are read in the install's time
zone (TIME_ZONE), where the cameras are. A container's creation_time is UTC and exact,
so it is preferred; a time before 2000 or in the future is a camera without a clock
(1904 and 1970 are the usual "zero"), and is ignored.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import PurePosixPath

import av
from django.utils import timezone

from commonwatch.media.recording_time import creation_time, is_plausible

_DATE = r"(?P<Y>20\d\d)-?(?P<m>\d\d)-?(?P<d>\d\d)"
_TIME = r"(?P<H>\d\d)[-.:]?(?P<M>\d\d)[-.:]?(?P<S>\d\d)"

# (what writes it, pattern of the name without its extension). Searched anywhere in the
# name, so "FrontDoor_2026-11-03T14-22-05_motion" matches too.
NAME_PATTERNS: tuple[tuple[str, re.Pattern], ...] = (
    ("ISO-like, Ring: 2026-11-03T14-22-05", re.compile(rf"{_DATE}T{_TIME}")),
    ("phones: VID_20261103_142205", re.compile(rf"VID_{_DATE}_{_TIME}", re.IGNORECASE)),
    ("date_time: 20261103_142205", re.compile(rf"(?<!\d){_DATE}_{_TIME}(?!\d)")),
    ("date and time: 2026-11-03 14.22.05", re.compile(rf"{_DATE}[ _]{_TIME}")),
    ("Unix time: 1793715725", re.compile(r"^(?P<epoch>1\d{9})(?P<ms>\d{3})?$")),
)


def recorded_at(readable, name: str) -> tuple[datetime | None, str]:
    """(time, where it came from: "metadata" or "name") or (None, "") when neither says."""
    found = from_metadata(readable)
    if found is not None:
        return found, "metadata"
    found = from_name(name)
    return (found, "name") if found is not None else (None, "")


def from_metadata(readable) -> datetime | None:
    """The container's (or its video stream's) creation_time, if it is a plausible one.
    `readable` is a path or a binary file object; an unreadable file says nothing."""
    try:
        with av.open(readable, mode="r") as container:
            tags = [container.metadata, *(s.metadata for s in container.streams.video)]
    except (av.error.FFmpegError, ValueError):
        return None
    return creation_time(tags)


def from_name(name: str) -> datetime | None:
    """The time a file's name carries, by the first pattern of NAME_PATTERNS it fits."""
    return next((found for found in _times_in(name) if is_plausible(found)), None)


def implausible_time_in_name(name: str) -> datetime | None:
    """A time the name carries that no recording can have (ahead of now, before 2000),
    when it carries no plausible one: the importer says so instead of "no time"."""
    if from_name(name) is not None:
        return None
    return next(_times_in(name), None)


def _times_in(name: str) -> Iterator[datetime]:
    stem = PurePosixPath(name.replace("\\", "/")).stem
    for _label, pattern in NAME_PATTERNS:
        match = pattern.search(stem)
        found = _from_match(match) if match is not None else None
        if found is not None:
            yield found


def _from_match(match: re.Match) -> datetime | None:
    parts = match.groupdict()
    if parts.get("epoch"):
        return datetime.fromtimestamp(int(parts["epoch"]), tz=UTC)
    try:
        naive = datetime(*(int(parts[k]) for k in ("Y", "m", "d", "H", "M", "S")))
    except ValueError:  # 2026-13-45: digits, not a date
        return None
    return timezone.make_aware(naive, timezone.get_default_timezone())
