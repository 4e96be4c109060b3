"""Clips and their files, checked both ways: stored files no record names, and clips
whose files are gone. `manage.py check_clips [--repair]` reports and repairs them.

Deleting a clip removes its record and, once that commits, its files; a crash between
the two, a failed delete, or a file lost on disk can still part them, hence this check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction

from commonwatch.media import sweeping
from commonwatch.media.models import Status
from commonwatch.media.storage import media_storage

from .clips import _forget
from .imports.services import clips_lost
from .models import Clip


@dataclass
class Findings:
    orphan_files: list[str] = field(default_factory=list)
    clips_without_files: list[int] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.orphan_files and not self.clips_without_files


def check(*, older_than: timedelta = sweeping.GRACE) -> Findings:
    """What is out of step; files younger than `older_than` may still be being recorded."""
    return Findings(
        orphan_files=sweeping.orphans(older_than=older_than),
        clips_without_files=_clips_without_files(),
    )


def repair(*, older_than: timedelta = sweeping.GRACE) -> Findings:
    """Delete the orphan files, and the clips without files (with what is left of them);
    an import that brought such a clip counts it as failed, no longer as imported."""
    found = check(older_than=older_than)
    storage = media_storage()
    for name in found.orphan_files:
        storage.delete(name)
    with transaction.atomic():
        lost = list(Clip.objects.select_for_update().filter(pk__in=found.clips_without_files))
        clips_lost([clip.pk for clip in lost])  # before the delete unlinks their imports
        _forget(lost)
    return found


def _clips_without_files() -> list[int]:
    storage = media_storage()
    missing = []
    rows = Clip.objects.values_list(
        "pk", "media__status", "media__upload_name", "media__name", "media__thumbnail_name"
    )
    for pk, status, upload_name, name, thumbnail_name in rows.iterator(chunk_size=500):
        needed = [name, thumbnail_name] if status == Status.READY else [upload_name]
        if not all(needed) or not all(storage.exists(n) for n in needed):
            missing.append(pk)
    return missing
