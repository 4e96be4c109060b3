"""Reading organizations and their members, through the eyes of the person asking."""

from __future__ import annotations

from django.utils.translation import gettext as _

from commonwatch.core.errors import NotFound, SecondFactorRequired
from commonwatch.core.policies import require, used_security_key

from .memberships import memberships_of
from .models import Invitation, Membership, Organization
from .policies import VIEW


def organization_for(user, slug: str, action: str = VIEW) -> Organization:
    """One of the user's organizations, if their role may `action` it.

    Not a member: 404, as for an organization that does not exist. A member whose
    session lacks the security key the organization asks for: a prompt for it. A member
    whose role may not do this: 403.
    """
    membership = next((m for m in memberships_of(user) if m.organization.slug == slug), None)
    if membership is None:
        raise NotFound(_("There is no such organization among yours."))
    organization = membership.organization
    if organization.requires_security_keys and not used_security_key(user):
        raise SecondFactorRequired(security_key=True)
    require(user, action, organization)
    return organization


def members_of(organization: Organization) -> list[Membership]:
    return list(
        organization.memberships.filter(revoked_at=None)
        .select_related("user")
        .order_by("role", "granted_at")
    )


def membership_in(organization: Organization, membership_id: int) -> Membership:
    membership = organization.memberships.filter(pk=membership_id, revoked_at=None).first()
    if membership is None:
        raise NotFound(_("This person is not a member."))
    return membership


def invitation_in(organization: Organization, invitation_id: int) -> Invitation:
    invitation = organization.invitations.filter(pk=invitation_id).first()
    if invitation is None:
        raise NotFound(_("There is no such invitation here."))
    return invitation


def open_invitations(organization: Organization) -> list[Invitation]:
    return list(
        organization.invitations.waiting().select_related("organization").order_by("-created_at")
    )
