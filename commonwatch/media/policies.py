"""Who may receive a media file's bytes."""

from __future__ import annotations

from commonwatch.core.policies import policy

from . import hooks
from .models import Status

VIEW = "media.view"


@policy(VIEW, "its owner; once processed, whoever may see what it is attached to")
def _view(user, media_file) -> bool:
    if media_file is None:
        return True  # a signed-in person may view some file; which one is decided per file
    if media_file.owner_id == user.pk:
        return True
    return media_file.status == Status.READY and hooks.may_read_through_attachment(user, media_file)
