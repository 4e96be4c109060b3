"""Post alerts: the notification kind that tells residents of a post in their circle.

A post counts for a resident only while it is published and inside their circle as it
is now, measured at its public point: a resident who moves stops counting (and being
e-mailed) the old area's posts at once, and a post taken down leaves every inbox.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from commonwatch.accounts.selectors import home_of
from commonwatch.geo.distance import haversine_expression
from commonwatch.notifications.kinds import InboxEntry, Kind, Message, register
from commonwatch.notifications.models import Delivery

from .models import Category, Post, Status

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


def in_categories(notifications, categories: list[str]):
    posts = Post.objects.filter(category__in=categories).values("pk")
    return notifications.filter(subject_id__in=posts)


def category_of(post_id: int) -> str:
    return Post.objects.filter(pk=post_id).values_list("category", flat=True).first() or ""


def message(notification, user) -> Message | None:
    """A push or instant e-mail: category, title and the start of the text, which the
    resident may read on the post's page; never where it happened."""
    post = Post.objects.filter(pk=notification.subject_id, status=Status.PUBLISHED).first()
    if post is None:
        return None
    return Message(
        title=str(_("%(category)s near your home")) % {"category": post.get_category_display()},
        body=f"{post.title}\n{Truncator(post.body).chars(140)}".strip(),
        url=reverse("community:post", args=[post.pk]),
    )


POST_ALERTS_KIND = Kind(
    code=POST_ALERT,
    label=_("Posts that reach your alert circle"),
    topics=dict(Category.choices),
    # Pushes reach only devices a resident turned on; e-mail never comes unasked.
    defaults={
        Category.CRIME: Delivery.PUSH,
        Category.SAFETY: Delivery.PUSH,
        Category.LOST_PET: Delivery.PUSH,
    },
    default=Delivery.OFF,
    visible=in_reach,
    describe=describe,
    in_topics=in_categories,
    topic_of=category_of,
    message=message,
)


def declare() -> None:
    register(POST_ALERTS_KIND)
