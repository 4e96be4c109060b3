"""Who may list, watch, download and delete clips: their owner, and nobody else.

Operators, moderators and agencies included (the FTC's 2023 order against Ring is the
anchor): sharing, when it comes, will be the owner's act, recorded in the clip's access
history, never a permission someone else holds.
"""

from __future__ import annotations

from commonwatch.accounts.models import Role
from commonwatch.core.policies import policy, scope

from .models import Clip, ClipRefusal

CLIPS = "cameras.clips"


@policy(CLIPS, "camera owners (residents), for their own clips only; operators never")
def _own_clips(user, clip) -> bool:
    return user.role == Role.RESIDENT and (clip is None or clip.owner_id == user.pk)


@scope(CLIPS)
def _theirs(queryset, user):
    if queryset.model not in (Clip, ClipRefusal):
        raise TypeError(f"the clips scope narrows clips and refusals, not {queryset.model}")
    return queryset.filter(owner=user)
