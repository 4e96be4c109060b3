"""Reads of media files, always through the eyes of the person asking."""

from __future__ import annotations

from django.urls import reverse

from commonwatch.core.errors import NotFound
from commonwatch.core.policies import require

from .hooks import is_served_elsewhere
from .models import SETTLED, MediaFile, Status
from .policies import VIEW


def viewable_file(user, media_id: int) -> MediaFile:
    """A file the user may receive; NotFound (404) for anyone else, as for no file, and
    for a file its attachment serves itself (a camera clip: cameras.clip_views)."""
    item = MediaFile.objects.filter(pk=media_id).first()
    if item is None or is_served_elsewhere(item):
        raise NotFound()
    require(user, VIEW, item, hidden=True)
    return item


def card(item: MediaFile, *, for_owner: bool) -> dict:
    """What a page or the API shows of a file: its address once ready; to its owner, also
    where processing stands and why it failed."""
    ready = item.status == Status.READY
    return {
        "id": item.pk,
        "kind": item.kind,
        "status": item.status,
        "status_label": str(Status(item.status).label),
        "error": item.error if for_owner else "",
        "url": reverse("media:file", kwargs={"media_id": item.pk}) if ready else None,
        "thumbnail_url": reverse("media:thumbnail", kwargs={"media_id": item.pk})
        if ready
        else None,
        "content_type": item.content_type,
        "width": item.width,
        "height": item.height,
        "duration_s": item.duration_s,
    }


def all_settled(media_ids) -> bool:
    """Whether processing is over (ready or failed) for every one of these files."""
    return not MediaFile.objects.filter(pk__in=list(media_ids)).exclude(status__in=SETTLED).exists()
