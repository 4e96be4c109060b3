"""Background work of the feed: offline alerts in batches, and the daily digest."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django_tasks import task

from commonwatch.accounts.models import Home

ALERT_BATCH = 5000


@task()
def queue_alerts(*, post_id: int) -> int:
    """Record the post as an unread alert for every home whose circle covers it.

    Streams the covering homes (geo.selectors.circles_covering) and writes in
    batches; re-running is harmless (one alert per user and post). Returns how
    many residents the post reached.
    """
    from commonwatch.geo.selectors import circles_covering

    from .models import Post, Status
    from .services import record_alerts

    post = Post.objects.filter(pk=post_id, status=Status.PUBLISHED).first()
    if post is None:
        return 0
    reached, batch = 0, []
    for user_id in circles_covering(Home.objects.all(), post.lat, post.lng, id_field="user_id"):
        if user_id == post.author_id:
            continue
        batch.append(user_id)
        reached += 1
        if len(batch) >= ALERT_BATCH:
            record_alerts(post_id=post_id, user_ids=batch)
            batch = []
    record_alerts(post_id=post_id, user_ids=batch)
    return reached


@task()
def send_daily_digests() -> int:
    """E-mail each opted-in resident the posts that reached their circle since the last digest."""
    from .models import Alert, Status

    sent = 0
    users = (
        Alert.objects.filter(digested=False, user__daily_digest=True, post__status=Status.PUBLISHED)
        .values_list("user", flat=True)
        .distinct()
    )
    for user_id in list(users):
        alerts = (
            Alert.objects.filter(user_id=user_id, digested=False, post__status=Status.PUBLISHED)
            .select_related("post", "user")
            .order_by("-post__published_at")[:50]
        )
        alerts = list(alerts)
        if not alerts:
            continue
        user = alerts[0].user
        body = render_to_string(
            "community/digest_email.txt", {"alerts": alerts, "site_url": settings.SITE_URL}
        )
        send_mail(_("Today near your home on Commonwatch"), body, None, [user.email])
        Alert.objects.filter(user_id=user_id, digested=False).update(digested=True)
        sent += 1
    return sent
