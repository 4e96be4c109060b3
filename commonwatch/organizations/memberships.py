"""A person's own active memberships, read once per request and kept on the user."""

from __future__ import annotations

from .models import Membership


def memberships_of(user) -> list[Membership]:
    """The user's active memberships with their organisations: one query per request."""
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
    return any(
        (kind is None or m.organization.kind == kind) and (role is None or m.role == role)
        for m in memberships_of(user)
    )
