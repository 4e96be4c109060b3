"""Who may import clips, and see an import: the owner of the cameras, and nobody else."""

from __future__ import annotations

from commonwatch.accounts.models import Role
from commonwatch.core.policies import policy, scope

IMPORT = "cameras.import_clips"


@policy(IMPORT, "residents, into their own cameras; an import is seen by its owner only")
def _import(user, clip_import) -> bool:
    if user.role != Role.RESIDENT:
        return False
    return clip_import is None or clip_import.owner_id == user.pk


@scope(IMPORT)
def _own(queryset, user):
    return queryset.filter(owner=user)
