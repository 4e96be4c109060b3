"""Who moderates: the members of a moderation team, with a second factor."""

from __future__ import annotations

from commonwatch.core.policies import policy, scope
from commonwatch.organizations.memberships import acts_for, holds
from commonwatch.organizations.models import Kind

MODERATE = "moderation.moderate"


def is_moderator(user) -> bool:
    """A member of a moderation team (whether this sign-in passed its second factor or not)."""
    return holds(user, kind=Kind.MODERATION)


@policy(MODERATE, "members of a moderation team: the queue, decisions, appeals", staff=True)
def _moderator(user, obj) -> bool:
    return acts_for(user, kind=Kind.MODERATION)


@scope(MODERATE)
def _moderated(queryset, user):
    """What a moderator reads: every team moderates the whole install today. Teams
    scoped to their neighbourhood would narrow here, and every queue would follow."""
    return queryset
