"""Who may do what, on which object: the one entry point every app's rules go through.

Each domain declares its actions in its own ``policies.py`` (``@policy("community.read",
"residents")``) with a test of the user and, where the action is about one object, the
object. Services ``require()`` an action (and raise); selectors read through
``restrict()``, which narrows a queryset to what the user may see; pages and endpoints
name the action their URL needs (accounts.access). Views and API handlers never decide.

Staff actions (moderating, an agency's or an oversight body's work, legal review,
operating the platform) also need a second factor passed in this session: the request's
user carries ``sign_in_strength``, the second-factor types it passed (set by
accounts.middleware; tokens and sockets never carry one). Without it, a staff action is
refused whatever the memberships say: fail closed. A membership in an organization that
asks for security keys counts only in a session confirmed with one (``used_security_key``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from .errors import NotAllowed, NotFound, SecondFactorRequired

Test = Callable[[object, object], bool]


@dataclass(frozen=True)
class Policy:
    action: str
    who: str  # in words, for docs/access.md
    test: Test
    staff: bool = False
    visitors: bool = False

    def allows(self, user, obj=None) -> bool:
        """May the user do this to obj (or, with no obj, to something at all)?"""
        if self.visitors:
            return True
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return False
        if self.staff and not passed_second_factor(user):
            return False
        return bool(self.test(user, obj))


POLICIES: dict[str, Policy] = {}
SCOPES: dict[str, Callable[[QuerySet, object], QuerySet]] = {}


def policy(action: str, who: str, *, staff: bool = False, visitors: bool = False):
    """Declare an action and who may do it; the decorated function is its test."""

    def declare(test: Test) -> Test:
        POLICIES[action] = Policy(action, who, test, staff=staff, visitors=visitors)
        return test

    return declare


def scope(action: str):
    """Declare how restrict() narrows a queryset to what the user may `action`."""

    def declare(narrow: Callable[[QuerySet, object], QuerySet]):
        SCOPES[action] = narrow
        return narrow

    return declare


def passed_second_factor(user) -> bool:
    return bool(getattr(user, "sign_in_strength", frozenset()))


SECURITY_KEY = "webauthn"  # allauth's name for security keys and passkeys


def used_security_key(user) -> bool:
    """Whether this session's second factor was a security key or passkey."""
    return SECURITY_KEY in getattr(user, "sign_in_strength", frozenset())


def _passes_with_security_key(rule: Policy, user, obj) -> bool:
    """Would the rule let this user through in a session confirmed with a security key?
    (An organization that asks for keys counts its members only in such a session.)"""
    strength = getattr(user, "sign_in_strength", frozenset())
    user.sign_in_strength = strength | {SECURITY_KEY}
    try:
        return bool(rule.test(user, obj))
    finally:
        user.sign_in_strength = strength


def get(action: str) -> Policy:
    try:
        return POLICIES[action]
    except KeyError:
        raise LookupError(f"no policy declares {action!r}") from None


def can(user, action: str, obj=None) -> bool:
    return get(action).allows(user, obj)


def require(user, action: str, obj=None, *, hidden: bool = False) -> None:
    """Raise unless the user may: SecondFactorRequired when only the second factor (or a
    security key) is missing, NotFound if they may not even know the object exists
    (`hidden`), NotAllowed (403) if they may see it but not do this."""
    if get(action).allows(user, obj):
        return
    missing = second_factor_missing(user, action, obj)
    if missing is not None:
        raise missing
    if hidden:
        raise NotFound()
    raise NotAllowed(_("You may not do this."), code=action)


def second_factor_missing(user, action: str, obj=None) -> SecondFactorRequired | None:
    """What stands between a signed-in person and a staff action they are not allowed
    now, if it is only a second factor, or a security key, not confirmed in this session."""
    rule = get(action)
    if not (rule.staff and getattr(user, "is_authenticated", False) and user.is_active):
        return None
    if rule.test(user, obj):
        return SecondFactorRequired()
    if _passes_with_security_key(rule, user, obj):
        return SecondFactorRequired(security_key=True)
    return None


def restrict(queryset: QuerySet, user, action: str) -> QuerySet:
    """The rows of `queryset` the user may `action`: none for anyone the action refuses
    outright, else what its scope keeps (a test with no object says "some object")."""
    if not get(action).allows(user):
        return queryset.none()
    narrow = SCOPES.get(action)
    return narrow(queryset, user) if narrow else queryset


def table() -> list[Policy]:
    return sorted(POLICIES.values(), key=lambda policy: policy.action)
