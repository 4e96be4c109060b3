from __future__ import annotations

from django.test import TestCase

from commonwatch.accounts import services as accounts
from commonwatch.accounts.roles import Role
from commonwatch.accounts.tests.factories import UserFactory, staff_with_mfa
from commonwatch.community import services
from commonwatch.community.models import Post
from commonwatch.geo.distance import miles_to_m
from commonwatch.geo.tests.test_distance_and_cells import offset
from commonwatch.moderation import services as moderation

CENTER = (39.7392, -104.9903)


def resident_at(lat: float, lng: float, radius_mi: float = 1.0, **fields):
    user = UserFactory(role=Role.RESIDENT, **fields)
    accounts.set_home(user=user, lat=lat, lng=lng, radius_mi=radius_mi)
    return user


def resident_just_outside(radius_mi: float = 1.0, of=CENTER):
    """A resident whose 1-mile circle ends 30 m short of `of`."""
    lat, lng = offset(*of, miles_to_m(radius_mi) + 30, 0)
    return resident_at(lat, lng, radius_mi)


def submit(
    author,
    *,
    lat=CENTER[0],
    lng=CENTER[1],
    category="safety",
    title="Streetlight out",
    body="The streetlight at the corner has been dark since Monday.",
    uploads=(),
) -> Post:
    return services.submit_post(
        author=author,
        category=category,
        title=title,
        body=body,
        lat=lat,
        lng=lng,
        uploads=uploads,
    )


def moderator():
    return staff_with_mfa(Role.MODERATOR)


def published(author, moderator_user=None, **kwargs) -> Post:
    post = submit(author, **kwargs)
    # Run the after-commit steps (live push, offline alerts) as a real commit would.
    with TestCase.captureOnCommitCallbacks(execute=True):
        moderation.approve_post(moderator=moderator_user or moderator(), post=post)
    post.refresh_from_db()
    return post
