"""A person's own active memberships, read once per request and kept on the user."""

from __future__ import annotations

from commonwatch.core.policies import used_security_key

from .models import Membership


def memberships_of(user) -> list[Membership]:
    """The user's active memberships with their organizations: one query per request."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_active_memberships", None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user=user, revoked_at=None).select_related("organization")
        )
        user._active_memberships = cached
    return cached


def forget_memberships(user) -> None:
    """After a change: the next check reads them again."""
    user.__dict__.pop("_active_memberships", None)


def holds(user, *, kind: str | None = None, role: str | None = None) -> bool:
    """Whether the user is a member (of that kind, in that role), signed in as they are
    or not: for what a page offers. Policies ask acts_for."""
    return any(_is(m, kind, role) for m in memberships_of(user))


def acts_for(user, *, kind: str | None = None, role: str | None = None) -> bool:
    """Whether this session may do the work of such a membership: one in an organization
    that asks for security keys counts only in a session confirmed with one."""
    return any(_is(m, kind, role) and in_reach(user, m.organization) for m in memberships_of(user))


def in_reach(user, organization) -> bool:
    return not organization.requires_security_keys or used_security_key(user)


def _is(membership, kind, role) -> bool:
    return (kind is None or membership.organization.kind == kind) and (
        role is None or membership.role == role
    )
