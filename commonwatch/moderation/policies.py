"""Who moderates: the members of a moderation team, with a second factor."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

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


WROTE_IT = _("You wrote this: another moderator decides it.")
REJECTED_IT = _("You rejected this; another moderator decides the appeal, for a second look.")

# Who may not decide a queue item of each kind, by the field that names them, and why:
# its author (nobody passes their own post, comment, edit or appeal) and, for an appeal,
# the moderator who rejected (a second look is someone else's). Every decision and every
# claim asks why_not_decider(); the queue reads the same fields to list these items last.
NOT_DECIDED_BY = {
    "post": {"author_id": WROTE_IT},
    "edit": {"post__author_id": WROTE_IT},
    "comment": {"author_id": WROTE_IT},
    "appeal": {"author_id": WROTE_IT, "rejection__moderator_id": REJECTED_IT},
}


def why_not_decider(user, kind: str, item) -> str | None:
    """Why this moderator may not decide (nor claim) the queue item, or None if they may."""
    for path, reason in NOT_DECIDED_BY[kind].items():
        named = item
        for part in path.split("__"):
            named = getattr(named, part)
        if named == user.pk:
            return str(reason)
    return None
