"""Who may do what with cameras and their clips."""

from __future__ import annotations

from commonwatch.accounts.models import Role
from commonwatch.core.policies import policy

UPLOAD_CLIPS = "cameras.upload_clips"


@policy(
    UPLOAD_CLIPS,
    "residents: send clips of their own cameras (or a camera's device token, for that camera)",
)
def _upload_clips(user, upload) -> bool:
    if user.role != Role.RESIDENT:
        return False
    return upload is None or upload.owner_id == user.pk
