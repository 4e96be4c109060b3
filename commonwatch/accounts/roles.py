"""Roles and what each may do: the one place that decides.

Views and API endpoints never name roles; they name a Capability, and this
table says which roles hold it. Adding a capability is one line here.
"""

from __future__ import annotations

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    MODERATOR = "moderator", _("Moderator")
    AGENCY_OFFICER = "agency_officer", _("Agency officer")
    AGENCY_ADMIN = "agency_admin", _("Agency admin")
    LEGAL_REVIEWER = "legal_reviewer", _("Legal reviewer")
    OVERSIGHT = "oversight", _("Oversight member")
    PLATFORM_ADMIN = "platform_admin", _("Platform admin")


STAFF_ROLES = frozenset(Role) - {Role.RESIDENT}
# Every role but resident must sign in with a second factor (CJIS 5.6.2.2).
MFA_REQUIRED_ROLES = STAFF_ROLES
# Staff sessions end after STAFF_IDLE_TIMEOUT_SECONDS without activity.
IDLE_TIMEOUT_ROLES = STAFF_ROLES


class Capability(StrEnum):
    MANAGE_OWN_ACCOUNT = "manage_own_account"
    SET_HOME = "set_home"
    READ_FEED = "read_feed"
    POST = "post"
    MODERATE = "moderate"
    OPERATE_PLATFORM = "operate_platform"


ROLE_CAPABILITIES: dict[Role, frozenset[Capability]] = {
    Role.RESIDENT: frozenset(
        {Capability.MANAGE_OWN_ACCOUNT, Capability.SET_HOME, Capability.READ_FEED, Capability.POST}
    ),
    Role.MODERATOR: frozenset({Capability.MANAGE_OWN_ACCOUNT, Capability.MODERATE}),
    Role.AGENCY_OFFICER: frozenset({Capability.MANAGE_OWN_ACCOUNT}),
    Role.AGENCY_ADMIN: frozenset({Capability.MANAGE_OWN_ACCOUNT}),
    Role.LEGAL_REVIEWER: frozenset({Capability.MANAGE_OWN_ACCOUNT}),
    Role.OVERSIGHT: frozenset({Capability.MANAGE_OWN_ACCOUNT}),
    Role.PLATFORM_ADMIN: frozenset({Capability.MANAGE_OWN_ACCOUNT, Capability.OPERATE_PLATFORM}),
}


# What a personal API token can exercise: a resident's own work. Staff powers need a
# signed-in session, which has passed a second factor and signs out when idle.
TOKEN_CAPABILITIES = frozenset(
    {Capability.MANAGE_OWN_ACCOUNT, Capability.SET_HOME, Capability.READ_FEED, Capability.POST}
)


def roles_with(capability: Capability) -> frozenset[Role]:
    return frozenset(role for role, caps in ROLE_CAPABILITIES.items() if capability in caps)


def can(user, capability: Capability) -> bool:
    """True when a signed-in user's role holds the capability."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return capability in ROLE_CAPABILITIES.get(Role(user.role), frozenset())
