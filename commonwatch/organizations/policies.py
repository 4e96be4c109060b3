"""Who may see and run an organization. Every action here is staff work: it needs a
second factor passed in this session, and a security key where the organization says."""

from __future__ import annotations

from commonwatch.accounts.models import Role as PlatformRole
from commonwatch.core.policies import policy

from .memberships import in_reach, memberships_of
from .models import Role

MINE = "organizations.mine"
ACCEPT = "organizations.accept"
VIEW = "organizations.view"
MANAGE = "organizations.manage"
CREATE = "organizations.create"


def _member_of(user, organization, *, role: str | None = None) -> bool:
    """A member (in `role`) of this organization, or with no organization, of any. An
    organization that asks for security keys counts only a session that used one; which
    one is asked about is known once the page names it (selectors.organization_for)."""
    for membership in memberships_of(user):
        if organization is not None and membership.organization_id != organization.pk:
            continue
        if role is not None and membership.role != role:
            continue
        if organization is not None and not in_reach(user, membership.organization):
            continue
        return True
    return False


@policy(MINE, "members of any organization: their own; operators: to create one", staff=True)
def _mine(user, obj) -> bool:
    return user.holds_staff_membership or user.role == PlatformRole.OPERATOR


@policy(ACCEPT, "anyone signed in but operators (who stay apart), holding the invited address")
def _accept(user, obj) -> bool:
    if user.role == PlatformRole.OPERATOR:
        return False
    return obj is None or obj.email.lower() == user.email.lower()


@policy(VIEW, "the organization's members", staff=True)
def _view(user, organization) -> bool:
    return _member_of(user, organization)


@policy(
    MANAGE,
    "the organization's admins: invite, remove, change roles, require security keys",
    staff=True,
)
def _manage(user, organization) -> bool:
    return _member_of(user, organization, role=Role.ADMIN)


@policy(CREATE, "operators: create an organization and invite its first admin", staff=True)
def _create(user, obj) -> bool:
    return user.role == PlatformRole.OPERATOR
