"""Who may keep cameras, and whose cameras each may reach: only their own.

No role reaches anyone else's camera, not a moderator, an officer or an operator: a
camera's exact point and its clips are its owner's alone (sharing with agencies will add
its own action, never a way around this one).
"""

from __future__ import annotations

from commonwatch.accounts.models import Role
from commonwatch.core.policies import policy, scope

OWN = "cameras.own"


@policy(OWN, "residents (everyone but operators), for their own cameras only")
def _own(user, camera) -> bool:
    return user.role == Role.RESIDENT and (camera is None or camera.owner_id == user.pk)


@scope(OWN)
def _theirs(queryset, user):
    return queryset.filter(owner=user)


UPLOAD_CLIPS = "cameras.upload_clips"


@policy(
    UPLOAD_CLIPS,
    "residents: send clips of their own cameras (or a camera's device token, for that camera)",
)
def _upload_clips(user, upload) -> bool:
    if user.role != Role.RESIDENT:
        return False
    return upload is None or upload.owner_id == user.pk
