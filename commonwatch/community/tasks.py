"""Background work of the feed: offline alerts in batches, and the daily digest.

Both run as outbox handlers (core.outbox): stored with the change that causes them,
retried until done, harmless when repeated.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from commonwatch.accounts.models import Home, User
from commonwatch.accounts.tasks import queue_email
from commonwatch.core import outbox
from commonwatch.geo.selectors import circles_covering
from commonwatch.notifications import selectors as notifications
from commonwatch.notifications.links import absolute, email_headers, unsubscribe_url
from commonwatch.notifications.models import Delivery
from commonwatch.notifications.services import mark_emailed, notify

from .alerts import POST_ALERT, POST_ALERTS_KIND, in_categories
from .models import Post, Status
from .transitions import POST_ALERTS

ALERT_BATCH = 5000
DIGEST_SIZE = 50
DIGEST_BATCH = 500
DAILY_DIGESTS = "community.daily_digests"
DIGEST = "community.digest"


@outbox.handler(POST_ALERTS)
def queue_alerts(*, post_id: int) -> int:
    """Notify every resident whose home circle covers the post (alerts.POST_ALERT).

    Streams the covering homes (geo.selectors.circles_covering), measured to the
    post's public point, and writes in batches; re-running is harmless (one
    notification per resident and post). Returns how many residents the post reached.
    """
    post = Post.objects.filter(pk=post_id, status=Status.PUBLISHED).first()
    if post is None:
        return 0
    about = {"kind": POST_ALERT, "subject_id": post_id, "topic": post.category}
    reached, batch = 0, []
    for user_id in circles_covering(Home.objects.all(), post.lat, post.lng, id_field="user_id"):
        if user_id == post.author_id:
            continue
        batch.append(user_id)
        reached += 1
        if len(batch) >= ALERT_BATCH:
            notify(**about, recipient_ids=batch)
            batch = []
    notify(**about, recipient_ids=batch)
    return reached


@outbox.handler(DAILY_DIGESTS)
def send_daily_digests() -> int:
    """Queue one digest per opted-in resident with alerts not yet e-mailed; returns how many.

    Each resident's digest is its own outbox message: short, retried on its own, and
    never long enough to outlive its lease and be sent twice.
    """
    asked = notifications.readers_by(POST_ALERTS_KIND, Delivery.DIGEST)
    readers = (
        User.objects.filter(pk__in=asked, is_active=True, home__isnull=False)
        .filter(
            notifications__kind=POST_ALERT,
            notifications__emailed_at=None,
        )
        .distinct()
        .values_list("pk", flat=True)
    )
    queued, batch = 0, []
    for user_id in readers.iterator(chunk_size=DIGEST_BATCH):
        batch.append(user_id)
        if len(batch) >= DIGEST_BATCH:
            queued += _queue_digests(batch)
            batch = []
    return queued + _queue_digests(batch)


def _queue_digests(user_ids: list[int]) -> int:
    with transaction.atomic():
        for user_id in user_ids:
            outbox.put(DIGEST, user_id=user_id)
    return len(user_ids)


@outbox.handler(DIGEST)
def send_digest(*, user_id: int) -> bool:
    """E-mail one resident the posts that reached their circle since their last digest.

    The e-mail and the marks on exactly the alerts it names are written in one
    transaction: a crash or a retry neither loses nor repeats a digest, and an alert
    the e-mail did not name (beyond the first 50, or outside the circle since the
    resident moved) is never marked as sent.
    """
    user = User.objects.select_related("home").filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    categories = notifications.topics_delivered(user, POST_ALERTS_KIND, Delivery.DIGEST)
    if not categories:
        return False
    with transaction.atomic():
        alerts = list(
            in_categories(notifications.visible(user, POST_ALERTS_KIND), categories)
            .filter(emailed_at=None)
            .select_for_update()
            .order_by("-created_at", "-pk")[:DIGEST_SIZE]
        )
        if not alerts:
            return False
        posts = Post.objects.in_bulk([alert.subject_id for alert in alerts])
        unsubscribe = unsubscribe_url(user)
        body = render_to_string(
            "community/digest_email.txt",
            {
                "posts": [posts[a.subject_id] for a in alerts],
                "site_url": settings.SITE_URL.rstrip("/"),
                "settings_url": absolute(reverse("notifications:settings")),
                "unsubscribe_url": unsubscribe,
            },
        )
        queue_email(
            subject=_("Today near your home"),
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[user.email],
            headers=email_headers(unsubscribe),
        )
        mark_emailed([alert.pk for alert in alerts])
    return True


def queue_daily_digests() -> None:
    """Called once a day (manage.py send_daily_digests, from cron or a systemd timer)."""
    with transaction.atomic():
        outbox.put(DAILY_DIGESTS)
