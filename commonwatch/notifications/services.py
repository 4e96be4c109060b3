"""Telling people things, marking them read, and their choices of channel."""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .kinds import get
from .models import Channel, Notification, Preference

# One statement per batch, the ids passed as one parameter: 100,000 notifications take
# ~0.1 s on SQLite and ~1 s on PostgreSQL, against ~3 s through 100,000 model objects.
_ROWS_FROM = {
    "postgresql": "unnest(%s::bigint[]) AS ids(value)",
    "sqlite": "json_each(%s)",
}


def notify(*, kind: str, subject_id: int, recipient_ids: list[int]) -> None:
    """One notification per recipient about the subject; repeating it is harmless."""
    get(kind)
    if not recipient_ids:
        return
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


def mark_read(*, user, kind: str | None = None) -> int:
    """Everything (or everything of one kind) the person has not read is read now."""
    unread = Notification.objects.filter(recipient=user, read_at=None)
    if kind is not None:
        unread = unread.filter(kind=kind)
    return unread.update(read_at=timezone.now())


def mark_emailed(notification_ids: list[int]) -> None:
    Notification.objects.filter(pk__in=notification_ids).update(emailed_at=timezone.now())


def choose(*, user, kind: str, channel: str, enabled: bool) -> None:
    """A person turns a channel of one kind on or off (the inbox always keeps it)."""
    try:
        offered = get(kind)
    except LookupError:
        raise ValidationError(_("There is no such kind of notification.")) from None
    if channel == Channel.IN_APP or not offered.offers(channel):
        raise ValidationError(
            _("%(kind)s cannot be turned on or off for this channel.") % {"kind": offered.label}
        )
    Preference.objects.update_or_create(
        user=user, kind=kind, channel=channel, defaults={"enabled": enabled}
    )


def forget_closed_account(user, what_they_wrote: str) -> None:
    """accounts.closing: what a person was told and how they liked it told go with them."""
    with transaction.atomic():
        Notification.objects.filter(recipient=user).delete()
        Preference.objects.filter(user=user).delete()
