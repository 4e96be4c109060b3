"""Who may read the neighborhood feed and write in it."""

from __future__ import annotations

from commonwatch.accounts.models import Role
from commonwatch.core.policies import policy
from commonwatch.organizations.memberships import holds
from commonwatch.organizations.models import Kind

READ = "community.read"
WRITE = "community.write"
REVIEW = "community.review"


@policy(READ, "residents: the feed, map and posts inside their circle")
def _read(user, obj) -> bool:
    return user.role == Role.RESIDENT


@policy(WRITE, "residents: post, comment, edit and delete their own posts")
def _write(user, obj) -> bool:
    return user.role == Role.RESIDENT


@policy(REVIEW, "members of a moderation team: any post and its media, waiting or not", staff=True)
def _review(user, obj) -> bool:
    return holds(user, kind=Kind.MODERATION)
