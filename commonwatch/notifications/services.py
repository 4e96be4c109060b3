"""Telling people things, delivering them as they chose, and their choices."""

from __future__ import annotations

import json
from datetime import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from commonwatch.accounts.tasks import queue_email
from commonwatch.core import outbox
from commonwatch.core.errors import NotFound
from commonwatch.core.time_zone import zone_names

from . import links, push, selectors
from .kinds import get
from .models import (
    Delivery,
    MutedThread,
    Notification,
    Preference,
    PushSubscription,
    QuietHours,
)

# One statement per batch, the ids passed as one parameter: 100,000 notifications take
# ~0.1 s on SQLite and ~1 s on PostgreSQL, against ~3 s through 100,000 model objects.
_ROWS_FROM = {
    "postgresql": "unnest(%s::bigint[]) AS ids(value)",
    "sqlite": "json_each(%s)",
}
FAN_OUT = "notifications.fan_out"
DELIVER = "notifications.deliver"
MAX_DEVICES = 10  # per person: enough phones and browsers, not an endless list


def notify(*, kind: str, subject_id: int, recipient_ids: list[int], topic: str = "") -> None:
    """One notification per recipient about the subject; repeating it is harmless.

    Those who want this topic at once get it pushed or e-mailed by a task (FAN_OUT),
    never in the caller's request.
    """
    get(kind)
    if not recipient_ids:
        return
    _insert(kind, subject_id, recipient_ids)
    outbox.put(FAN_OUT, code=kind, subject_id=subject_id, topic=topic, recipient_ids=recipient_ids)


def _insert(kind: str, subject_id: int, recipient_ids: list[int]) -> None:
    rows_from = _ROWS_FROM.get(connection.vendor)
    if rows_from is None:
        rows = [
            Notification(recipient_id=r, kind=kind, subject_id=subject_id) for r in recipient_ids
        ]
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        return
    ids = recipient_ids if connection.vendor == "postgresql" else json.dumps(recipient_ids)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    table = connection.ops.quote_name(Notification._meta.db_table)  # the rest are parameters
    sql = (
        f"INSERT INTO {table} (recipient_id, kind, subject_id, created_at) "  # noqa: S608
        f"SELECT value, %s, %s, %s FROM {rows_from} WHERE true ON CONFLICT DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [kind, subject_id, now, ids])


@outbox.handler(FAN_OUT)
def fan_out(*, code: str, subject_id: int, topic: str, recipient_ids: list[int]) -> int:
    """One delivery message per recipient who wants this at once; returns how many.

    Each waits for the end of its recipient's quiet hours, and is short enough to be
    retried on its own.
    """
    wanted = selectors.instant_deliveries(get(code), topic, recipient_ids)
    pending = Notification.objects.filter(
        kind=code, subject_id=subject_id, recipient_id__in=list(wanted)
    ).filter(pushed_at=None, emailed_at=None)
    now, queued = timezone.now(), 0
    with transaction.atomic():
        for notification in pending.select_related("recipient"):
            wait = selectors.quiet_until(notification.recipient, now)
            outbox.put(DELIVER, notification_id=notification.pk, not_before=wait)
            queued += 1
    return queued


@outbox.handler(DELIVER)
def deliver(*, notification_id: int) -> str:
    """Push or e-mail one notification as its recipient wants it now; returns how.

    Everything is checked again when it goes out: the subject may be gone or out of
    their reach, the thread muted, the choice changed, or quiet hours begun (then it
    waits until they end). Nothing is sent twice once marked.
    """
    notification = Notification.objects.select_related("recipient").filter(pk=notification_id)
    notification = notification.first()
    if notification is None or not notification.recipient.is_active:
        return "gone"
    user, kind = notification.recipient, get(notification.kind)
    if not selectors.visible(user, kind).filter(pk=notification.pk).exists():
        return "not visible"
    how = selectors.delivery_of(user, kind.code, kind.topic_of(notification.subject_id))
    if how not in selectors.INSTANT:
        return "not instant"
    wait = selectors.quiet_until(user, timezone.now())
    if wait is not None:
        outbox.put(DELIVER, notification_id=notification.pk, not_before=wait)
        return "waits for the end of quiet hours"
    message = kind.message(notification, user)
    if message is None:
        return "nothing to say"
    if how == Delivery.PUSH and notification.pushed_at is None:
        _push(notification, message)
    elif how == Delivery.EMAIL and notification.emailed_at is None:
        _email(notification, message)
    return how


def _thread_mute_path(notification: Notification, kind) -> str:
    """Where one tap mutes the notification's thread; "" for a kind without threads."""
    thread = kind.thread_of(notification.subject_id) if kind.threads else None
    if thread is None:
        return ""
    return links.mute_url(links.mute_thread_token(notification.recipient, kind.code, thread))


def _push(notification: Notification, message) -> None:
    user, kind = notification.recipient, get(notification.kind)
    topic = kind.topic_of(notification.subject_id)
    payload = {
        "title": message.title,
        "body": message.body,
        "url": message.url,
        "tag": f"{kind.code}:{notification.subject_id}",
        "mute_thread": _thread_mute_path(notification, kind),
        "mute_topic": links.mute_url(links.mute_topic_token(user, kind.code, topic)),
    }
    delivered = [push.send(device, payload) for device in selectors.devices_of(user)]
    if any(delivered) or not delivered:
        Notification.objects.filter(pk=notification.pk).update(pushed_at=timezone.now())


def _email(notification: Notification, message) -> None:
    user, kind = notification.recipient, get(notification.kind)
    topic, thread = kind.topic_of(notification.subject_id), _thread_mute_path(notification, kind)
    unsubscribe = links.unsubscribe_url(user)
    body = render_to_string(
        "notifications/instant_email.txt",
        {
            "message": message,
            "link": links.absolute(message.url),
            "topic_label": kind.topic_label(topic),
            "mute_thread": links.absolute(thread) if thread else "",
            "mute_topic": links.absolute(
                links.mute_url(links.mute_topic_token(user, kind.code, topic))
            ),
            "settings_url": links.absolute("/notifications/settings/"),
            "unsubscribe_url": unsubscribe,
        },
    )
    with transaction.atomic():
        queue_email(
            subject=message.title,
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[user.email],
            headers=links.email_headers(unsubscribe),
        )
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())


def mark_read(*, user, kind: str | None = None) -> int:
    """Everything (or everything of one kind) the person has not read is read now."""
    unread = Notification.objects.filter(recipient=user, read_at=None)
    if kind is not None:
        unread = unread.filter(kind=kind)
    return unread.update(read_at=timezone.now())


def mark_emailed(notification_ids: list[int]) -> None:
    Notification.objects.filter(pk__in=notification_ids).update(emailed_at=timezone.now())


def choose(*, user, kind: str, topic: str = "", delivery: str) -> None:
    """A person chooses how one topic of a kind reaches them (the inbox always keeps it)."""
    try:
        offered = get(kind)
    except LookupError:
        raise ValidationError({"kind": _("There is no such kind of notification.")}) from None
    if topic not in offered.topic_codes():
        raise ValidationError({"topic": _topic_refused(offered)})
    if delivery not in offered.deliveries:
        labels = [str(label) for value, label in Delivery.choices if value in offered.deliveries]
        raise ValidationError(
            {
                "delivery": _("%(kind)s can be: %(ways)s.")
                % {"kind": offered.label, "ways": ", ".join(labels)}
            }
        )
    Preference.objects.update_or_create(
        user=user, kind=kind, topic=topic, defaults={"delivery": delivery}
    )


def _topic_refused(offered) -> str:
    """Why a topic was refused, naming the ones there are, never the one sent (it may be
    anyone's text, core.forms.CHOICE_NOT_OFFERED); the kind's label in quotes, as a name
    ("“Posts that reach your alert circle” has no such topic …")."""
    if not offered.topics:
        return _("“%(kind)s” has no topics: leave topic out.") % {"kind": offered.label}
    return _("“%(kind)s” has no such topic; its topics are: %(topics)s.") % {
        "kind": offered.label,
        "topics": ", ".join(offered.topic_codes()),
    }


def unsubscribe_from_email(user) -> int:
    """Every topic that reached the person by e-mail (at once or in a digest) is off;
    returns how many. Pushes, the inbox and account e-mails stay."""
    changed = 0
    for choice in selectors.choices_of(user):
        if choice.delivery in (Delivery.EMAIL, Delivery.DIGEST):
            choose(user=user, kind=choice.kind.code, topic=choice.topic, delivery=Delivery.OFF)
            changed += 1
    return changed


def set_quiet_hours(*, user, starts: time | None, ends: time | None, time_zone: str) -> None:
    """Quiet hours from `starts` to `ends` in the person's time zone; none when both are
    empty or the same."""
    if (starts is None) != (ends is None):
        field = "ends" if ends is None else "starts"
        raise ValidationError({field: _("Give both times, or neither for no quiet hours.")})
    if starts is None or starts == ends:
        QuietHours.objects.filter(user=user).delete()
        return
    if time_zone not in zone_names():
        raise ValidationError({"time_zone": _("Choose a time zone from the list.")})
    QuietHours.objects.update_or_create(
        user=user, defaults={"starts": starts, "ends": ends, "time_zone": time_zone}
    )


def mute_thread(*, user, kind: str, subject_id: int) -> None:
    get(kind)
    MutedThread.objects.get_or_create(user=user, kind=kind, subject_id=subject_id)


def unmute_thread(*, user, thread_id: int) -> None:
    deleted, _count = MutedThread.objects.filter(user=user, pk=thread_id).delete()
    if not deleted:
        raise NotFound(_("This thread is not muted."))


def subscribe_device(*, user, endpoint: str, p256dh: str, auth: str) -> PushSubscription:
    """This browser accepts pushes for this person (a browser signed in as someone else
    before moves over to them)."""
    if not selectors.push_is_set_up():
        raise ValidationError(_("Push is not set up on this site."))
    if not push.endpoint_allowed(endpoint):
        raise ValidationError({"endpoint": _("This push service is not one this site can reach.")})
    if not push.key_valid(p256dh, 65) or not push.key_valid(auth, 16):
        raise ValidationError({"keys": _("The browser's push keys are not valid.")})
    with transaction.atomic():
        device, _created = PushSubscription.objects.update_or_create(
            endpoint=endpoint, defaults={"user": user, "p256dh": p256dh, "auth": auth}
        )
        extra = PushSubscription.objects.filter(user=user).order_by("-created_at", "-pk")
        stale = list(extra.values_list("pk", flat=True)[MAX_DEVICES:])
        PushSubscription.objects.filter(pk__in=stale).delete()
    return device


# The push endpoints a browser session subscribed: signing out of it stops them.
SESSION_DEVICES = "notifications.push_endpoints"


def remember_session_device(session, endpoint: str) -> None:
    """This browser session subscribed `endpoint` (see forget_session_devices)."""
    endpoints = [e for e in session.get(SESSION_DEVICES, []) if e != endpoint]
    session[SESSION_DEVICES] = [*endpoints, endpoint][-MAX_DEVICES:]


def forget_session_devices(sender, request, user, **kwargs) -> None:
    """django.contrib.auth's user_logged_out: a browser someone signs out of stops getting
    their pushes (the next person to use it would see them)."""
    endpoints = request.session.get(SESSION_DEVICES, []) if request is not None else []
    if user is not None and endpoints:
        PushSubscription.objects.filter(user=user, endpoint__in=endpoints).delete()


def unsubscribe_device(*, user, endpoint: str) -> int:
    deleted, _count = PushSubscription.objects.filter(user=user, endpoint=endpoint).delete()
    return deleted


def forget_closed_account(user, what_they_wrote: str) -> None:
    """accounts.closing: what a person was told and how they liked it told go with them."""
    with transaction.atomic():
        Notification.objects.filter(recipient=user).delete()
        Preference.objects.filter(user=user).delete()
        QuietHours.objects.filter(user=user).delete()
        MutedThread.objects.filter(user=user).delete()
        PushSubscription.objects.filter(user=user).delete()
