"""Who may use the site's own parts: public pages, one's account, one's home, operations."""

from __future__ import annotations

from commonwatch.core.policies import policy

from .models import Role

# What a personal API token can do is what these allow, and nothing staff.
PUBLIC = "site.public"
OWN_ACCOUNT = "accounts.own"
HOME = "accounts.home"
OPERATE = "operations.operate"


@policy(PUBLIC, "everyone, signed in or not", visitors=True)
def _anyone(user, obj) -> bool:
    return True


@policy(OWN_ACCOUNT, "anyone signed in, for their own account")
def _signed_in(user, obj) -> bool:
    return True


@policy(HOME, "residents (everyone but operators)")
def _resident(user, obj) -> bool:
    return user.role == Role.RESIDENT


@policy(OPERATE, "operators of the platform", staff=True)
def _operator(user, obj) -> bool:
    return user.role == Role.OPERATOR
