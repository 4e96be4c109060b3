from __future__ import annotations

from commonwatch.accounts.tests.factories import UserFactory, with_second_factor
from commonwatch.organizations.models import Kind, Organization, Role
from commonwatch.organizations.services import grant_membership


def organization(kind: str = Kind.AGENCY, name: str | None = None, **fields) -> Organization:
    """A new organization, or the one of that name (fixtures share "Agency A")."""
    if name and (named := Organization.objects.filter(name=name).first()):
        return named
    name = name or f"{kind.title()} {Organization.objects.count() + 1}"
    slug = name.lower().replace(" ", "-")
    return Organization.objects.create(kind=kind, name=name, slug=slug, **fields)


def member_of(org: Organization, role: str = Role.MEMBER, user=None, *, second_factor=True):
    """A resident who is a member of org (an officer, a moderator …), by default with a
    second factor passed, as staff work needs."""
    user = user or UserFactory()
    grant_membership(user=user, organization=org, role=role, granted_by=None)
    user.refresh_from_db()
    return with_second_factor(user) if second_factor else user


def team(kind: str) -> Organization:
    """The one organization of a kind the tests share (a moderation team, a legal review)."""
    return Organization.objects.filter(kind=kind).first() or organization(kind)
