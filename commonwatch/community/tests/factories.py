from __future__ import annotations

from django.test import TestCase

from commonwatch.accounts import services as accounts
from commonwatch.accounts.tests.factories import UserFactory
from commonwatch.community import services
from commonwatch.community.alerts import POST_ALERT
from commonwatch.community.models import Category, Post
from commonwatch.geo.distance import miles_to_m
from commonwatch.geo.tests.test_distance_and_cells import offset
from commonwatch.moderation import services as moderation
from commonwatch.notifications.models import Delivery, Notification
from commonwatch.notifications.services import choose
from commonwatch.organizations.models import Kind
from commonwatch.organizations.tests.factories import member_of, team

CENTER = (39.7392, -104.9903)


def resident_at(lat: float, lng: float, radius_mi: float = 1.0, **fields):
    user = UserFactory(**fields)
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
    **extra,
) -> Post:
    # Its media are processed after the commit, as a real commit would have them.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.submit_post(
            author=author,
            category=category,
            title=title,
            body=body,
            lat=lat,
            lng=lng,
            uploads=uploads,
            **extra,
        )


def moderator():
    """A resident in the moderation team, with a second factor passed."""
    return member_of(team(Kind.MODERATION))


def published(author, moderator_user=None, **kwargs) -> Post:
    post = submit(author, **kwargs)
    # Run the after-commit steps (live push, offline alerts) as a real commit would.
    with TestCase.captureOnCommitCallbacks(execute=True):
        moderation.approve_post(moderator=moderator_user or moderator(), post=post)
    post.refresh_from_db()
    return post


def post_alerts():
    """The post-alert notifications (recipient_id, subject_id = the post's id)."""
    return Notification.objects.filter(kind=POST_ALERT)


def wants_digest(user) -> None:
    """Every category in the daily digest."""
    for category in Category.values:
        choose(user=user, kind=POST_ALERT, topic=category, delivery=Delivery.DIGEST)
