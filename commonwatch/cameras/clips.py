"""What happens to a clip once it has arrived: how it is processed, what is left when it
is refused, who watched it, and how it goes (deleted by its owner, or expired).

The media pipeline knows nothing of cameras: it asks media.hooks for each file's rules
and tells them how processing ended. The functions named *_hook here are registered in
CamerasConfig.ready().
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from commonwatch.core.policies import require
from commonwatch.media import services as media_services
from commonwatch.media.cleaning import Cleaned, VideoRules

from .clip_policies import CLIPS
from .models import (
    DEFAULT_RETENTION_DAYS,
    Clip,
    ClipAccess,
    ClipAccessAction,
    ClipImportFile,
    ClipKeeping,
    ClipRefusal,
    ClipUpload,
    ImportOutcome,
    RecordedAtSource,
)

logger = logging.getLogger(__name__)

# A seek makes the browser send many range requests: one view per person in this long.
VIEW_DEBOUNCE = timedelta(minutes=30)
PURGE_BATCH = 200


def video_rules_hook(media_file) -> VideoRules | None:
    """A clip's rules: its camera's privacy zones painted black, sound only if the owner
    turned it on, and the clip limits; None for a file that is not a clip."""
    clip = Clip.objects.select_related("camera").filter(media=media_file).first()
    if clip is None:
        return None
    camera = clip.camera
    return VideoRules(
        max_seconds=settings.CAMERA_MAX_CLIP_SECONDS,
        max_bytes=settings.CAMERA_MAX_CLIP_BYTES,
        keep_audio=camera.record_audio,
        blackout=tuple(tuple((x, y) for x, y in zone) for zone in camera.privacy_zones),
    )


def ready_hook(media_file, cleaned: Cleaned) -> None:
    """A clip sent without a recorded-at time takes the one its file gives, if any."""
    if cleaned.recorded_at is None:
        return
    Clip.objects.filter(media=media_file, recorded_at_source=RecordedAtSource.ARRIVAL).update(
        recorded_at=cleaned.recorded_at, recorded_at_source=RecordedAtSource.FILE
    )


def refused_hook(media_file, reason: str) -> None:
    """A refused clip leaves nothing behind (no clip, no file, no media row), only a
    notice to its owner saying which file was refused and why; an import that brought
    it counts it as failed, for that reason, not as imported."""
    clip = Clip.objects.filter(media=media_file).first()
    if clip is None:
        return
    ClipImportFile.objects.filter(clip=clip).update(
        outcome=ImportOutcome.FAILED, reason=reason[:300]
    )
    ClipRefusal.objects.create(
        owner_id=clip.owner_id,
        camera_id=clip.camera_id,
        original_name=clip.original_name,
        reason=reason,
        received_at=clip.created_at,
    )
    _forget([clip])


def is_clip_hook(media_file) -> bool:
    """Clips are served only at /clips/<id>/..., which keeps their access history."""
    return Clip.objects.filter(media=media_file).exists()


def unfinished_parts_hook(names: list[str]) -> set[str]:
    """The parts of resumable uploads still under way, which the media sweep must keep."""
    rows = ClipUpload.objects.filter(part_name__in=names, finished_at__isnull=True)
    return set(rows.values_list("part_name", flat=True))


@transaction.atomic
def delete_clip(*, owner, clip: Clip) -> None:
    """Delete the owner's clip at once: its record now, its files once that commits."""
    require(owner, CLIPS, clip, hidden=True)
    _forget([clip])


@transaction.atomic
def dismiss_refusal(*, owner, refusal: ClipRefusal) -> None:
    require(owner, CLIPS, refusal, hidden=True)
    refusal.delete()


def record_access(*, actor, clip: Clip, action: str = ClipAccessAction.VIEWED) -> bool:
    """Add to the clip's access history, once per person and action in VIEW_DEBOUNCE
    (the range requests of one viewing are one view). Whether an entry was added."""
    with transaction.atomic():
        Clip.objects.select_for_update().filter(pk=clip.pk).first()  # one at a time
        recent = ClipAccess.objects.filter(
            clip=clip, actor=actor, action=action, at__gte=timezone.now() - VIEW_DEBOUNCE
        )
        if recent.exists():
            return False
        ClipAccess.objects.create(clip=clip, actor=actor, action=action)
    return True


def purge_expired(*, now: datetime | None = None) -> int:
    """Delete every clip older than its owner's retention (by when it was recorded),
    with its files, in short transactions; how many went. Run by `manage.py
    purge_clips` from cron or a systemd timer (docs/cameras.md)."""
    now = now or timezone.now()
    purged = 0
    for days in _retention_periods():
        while batch := list(_expired(days, now)[:PURGE_BATCH]):
            with transaction.atomic():
                _forget(Clip.objects.select_for_update().filter(pk__in=[c.pk for c in batch]))
            purged += len(batch)
    return purged


def close_owner_hook(user, what_they_wrote: str) -> None:
    """A closed account's footage goes with it, whatever they chose for their posts:
    clips are theirs alone, and nobody is left who may watch them."""
    _forget(Clip.objects.filter(owner=user).select_for_update())
    ClipRefusal.objects.filter(owner=user).delete()


def closing_summary_hook(user) -> str:
    count = Clip.objects.filter(owner=user).count()
    if not count:
        return ""
    clips = ngettext("%(n)d camera clip", "%(n)d camera clips", count) % {"n": count}
    return _("Your %(clips)s: deleted, with their files.") % {"clips": clips}


def _retention_periods() -> list[int]:
    kept = set(ClipKeeping.objects.values_list("retention_days", flat=True).distinct())
    return sorted(kept | {DEFAULT_RETENTION_DAYS})


def _expired(days: int, now: datetime):
    """Clips of owners who keep them `days` days (the default: owners without a row too),
    recorded before then."""
    clips = Clip.objects.filter(recorded_at__lt=now - timedelta(days=days))
    if days == DEFAULT_RETENTION_DAYS:
        others = ClipKeeping.objects.exclude(retention_days=days).values("owner_id")
        return clips.exclude(owner_id__in=others).order_by("pk")
    chosen = ClipKeeping.objects.filter(retention_days=days).values("owner_id")
    return clips.filter(owner_id__in=chosen).order_by("pk")


def _forget(clips) -> None:
    """Delete clips and their media rows; the files go after the commit (media.services)."""
    clips = list(clips)
    media_ids = [clip.media_id for clip in clips]
    Clip.objects.filter(pk__in=[clip.pk for clip in clips]).delete()
    media_services.discard(media_ids)
