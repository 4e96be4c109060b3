"""Post alerts: the notification kind that tells residents of a post in their circle.

A post counts for a resident only while it is published and inside their circle as it
is now, measured at its public point: a resident who moves stops counting (and being
e-mailed) the old area's posts at once, and a post taken down leaves every inbox.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from commonwatch.accounts.selectors import home_of
from commonwatch.geo.distance import haversine_expression
from commonwatch.notifications.kinds import InboxEntry, Kind, register
from commonwatch.notifications.models import Channel

from .models import Post, Status

POST_ALERT = "community.post_alert"


def in_reach(notifications, user):
    """The notifications about posts still published inside the person's circle."""
    home = home_of(user)
    if home is None:
        return notifications.none()
    post_in_reach = (
        Post.objects.filter(pk=OuterRef("subject_id"), status=Status.PUBLISHED)
        .annotate(_distance=haversine_expression(home.lat, home.lng))
        .filter(_distance__lte=home.radius_m)
    )
    return notifications.filter(Exists(post_in_reach))


def describe(notifications, user) -> dict[int, InboxEntry]:
    posts = Post.objects.in_bulk([n.subject_id for n in notifications])
    return {
        n.pk: InboxEntry(
            title=str(_("Near your home: %(title)s")) % {"title": post.title},
            url=reverse("community:post", args=[post.pk]),
        )
        for n in notifications
        if (post := posts.get(n.subject_id)) is not None
    }


POST_ALERTS_KIND = Kind(
    code=POST_ALERT,
    label=_("Posts that reach your alert circle"),
    channels={Channel.EMAIL: False},  # a daily digest, for those who turn it on
    visible=in_reach,
    describe=describe,
)


def declare() -> None:
    register(POST_ALERTS_KIND)
