"""Stored files that no MediaFile names, found and removed.

Files and rows can part ways where no transaction spans both: an upload stored before
its request's transaction rolled back, a worker that died between storing a processed
file and recording it, a delete after commit that failed. Only files older than a grace
period count, so a file whose row is still being committed is never taken.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from .hooks import kept_names
from .models import MediaFile
from .storage import media_storage

FOLDERS = ("incoming", "media")
GRACE = timedelta(hours=1)
BATCH = 500
MAX_GRACE_MINUTES = 10 * 366 * 24 * 60  # ten years: more is a typo, not a grace


def grace_minutes(text: str) -> int:
    """A command's --older-than-minutes: 0 and up, for a grace no sweep may go below."""
    if not (text.isascii() and text.isdigit()) or int(text) > MAX_GRACE_MINUTES:
        raise argparse.ArgumentTypeError(
            f"must be a whole number of minutes from 0 to {MAX_GRACE_MINUTES}"
        )
    return int(text)


def orphans(*, older_than: timedelta = GRACE) -> list[str]:
    """Names of stored files that no MediaFile names, last changed before the grace."""
    storage = media_storage()
    cutoff = timezone.now() - older_than
    stored, found = list(_stored(storage)), []
    for start in range(0, len(stored), BATCH):
        names = stored[start : start + BATCH]
        known = _named(names)
        found += [n for n in names if n not in known and storage.get_modified_time(n) < cutoff]
    return found


def sweep(*, older_than: timedelta = GRACE) -> list[str]:
    """Delete the orphans; their names."""
    storage = media_storage()
    found = orphans(older_than=older_than)
    for name in found:
        storage.delete(name)
    return found


def _stored(storage) -> Iterator[str]:
    for folder in FOLDERS:
        yield from _walk(storage, folder)


def _walk(storage, folder: str) -> Iterator[str]:
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # local storage with nothing stored there yet
        return
    yield from (f"{folder}/{name}" for name in files)
    for name in folders:
        yield from _walk(storage, f"{folder}/{name}")


def _named(names: list[str]) -> set[str]:
    rows = MediaFile.objects.filter(
        Q(upload_name__in=names) | Q(name__in=names) | Q(thumbnail_name__in=names)
    ).values_list("upload_name", "name", "thumbnail_name")
    named = {name for row in rows for name in row}
    for keeper in kept_names:
        named |= keeper(names)
    return named
