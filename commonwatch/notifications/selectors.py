"""A person's inbox, their unread count and their choices, each kind read by its app."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, QuerySet

from commonwatch.core.time_zone import zone_named

from .kinds import KINDS, InboxEntry, Kind, get
from .models import Delivery, MutedThread, Notification, Preference, PushSubscription, QuietHours

INBOX_SIZE = 50
INSTANT = frozenset({Delivery.PUSH, Delivery.EMAIL})


def visible(user, kind: Kind) -> QuerySet:
    """The person's notifications of one kind that they may still see and did not mute."""
    muted = MutedThread.objects.filter(user=user, kind=kind.code).values("subject_id")
    mine = Notification.objects.filter(recipient=user, kind=kind.code)
    mine = mine.exclude(subject_id__in=kind.subjects_in(muted))
    return kind.visible(mine, user)


def unread_count(user, kind: str | None = None) -> int:
    kinds = [get(kind)] if kind else list(KINDS.values())
    return sum(visible(user, k).filter(read_at=None).count() for k in kinds)


@dataclass(frozen=True)
class InboxItem:
    notification: Notification
    entry: InboxEntry
    kind_label: str

    @property
    def unread(self) -> bool:
        return self.notification.read_at is None


def inbox(user, size: int = INBOX_SIZE) -> list[InboxItem]:
    """The newest notifications of every kind, newest first, as their apps word them."""
    items: list[InboxItem] = []
    for kind in KINDS.values():
        newest = list(visible(user, kind).order_by("-created_at", "-pk")[:size])
        entries = kind.describe(newest, user)
        items += [InboxItem(n, entries[n.pk], str(kind.label)) for n in newest if n.pk in entries]
    items.sort(key=lambda item: (item.notification.created_at, item.notification.pk), reverse=True)
    return items[:size]


def delivery_of(user, kind: str, topic: str = "") -> str:
    """How notifications of this kind and topic reach this person beyond the inbox."""
    offered = get(kind)
    choice = Preference.objects.filter(user=user, kind=kind, topic=topic).first()
    return choice.delivery if choice else offered.default_for(topic)


def topics_delivered(user, kind: Kind, delivery: str) -> list[str]:
    """The kind's topics that reach this person by this delivery."""
    chosen = dict(
        Preference.objects.filter(user=user, kind=kind.code).values_list("topic", "delivery")
    )
    return [t for t in kind.topic_codes() if chosen.get(t, kind.default_for(t)) == delivery]


def readers_by(kind: Kind, delivery: str) -> QuerySet:
    """The people with at least one topic of the kind delivered this way (the digest)."""
    users = get_user_model().objects.filter(is_active=True)
    defaulting = [t for t in kind.topic_codes() if kind.default_for(t) == delivery]
    chose = Preference.objects.filter(kind=kind.code, delivery=delivery).values("user")
    if not defaulting:
        return users.filter(pk__in=chose).values("pk")
    chose_otherwise = Preference.objects.filter(kind=kind.code, topic__in=defaulting).exclude(
        delivery=delivery
    )
    # Everyone but those who changed every defaulting topic to something else.
    keeps_none = (
        chose_otherwise.values("user")
        .annotate(n=Count("pk"))
        .filter(n=len(defaulting))
        .values("user")
    )
    return users.exclude(pk__in=keeps_none).values("pk")


def instant_deliveries(kind: Kind, topic: str, recipient_ids: list[int]) -> dict[int, str]:
    """Of these recipients, who gets this topic at once, and how: by push (only people
    with a device to push to) or by e-mail."""
    chosen = dict(
        Preference.objects.filter(
            kind=kind.code, topic=topic, user_id__in=recipient_ids
        ).values_list("user_id", "delivery")
    )
    default = kind.default_for(topic)
    wanted = {r: chosen.get(r, default) for r in recipient_ids}
    wanted = {r: how for r, how in wanted.items() if how in INSTANT}
    to_push = [r for r, how in wanted.items() if how == Delivery.PUSH] if push_is_set_up() else []
    pushable = set(
        PushSubscription.objects.filter(user_id__in=to_push).values_list("user_id", flat=True)
    )
    return {r: how for r, how in wanted.items() if how == Delivery.EMAIL or r in pushable}


def push_is_set_up() -> bool:
    """Web push needs this install's VAPID key (VAPID_PRIVATE_KEY)."""
    return bool(settings.VAPID_PRIVATE_KEY)


def is_muted(user, kind: str, subject_id: int) -> bool:
    return MutedThread.objects.filter(user=user, kind=kind, subject_id=subject_id).exists()


def zone_of(quiet: QuietHours) -> ZoneInfo:
    return zone_named(quiet.time_zone) or ZoneInfo("UTC")


def time_zone_of(user) -> ZoneInfo:
    """The person's clock as they set it with their quiet hours, else the site's zone:
    for dates in what a worker writes them, where no browser says its zone."""
    quiet = QuietHours.objects.filter(user=user).first()
    return zone_of(quiet) if quiet else ZoneInfo(settings.TIME_ZONE)


def quiet_until(user, now: datetime) -> datetime | None:
    """When the person's quiet hours end, if `now` falls inside them (else None)."""
    quiet = QuietHours.objects.filter(user=user).first()
    if quiet is None or quiet.starts == quiet.ends:
        return None
    zone = zone_of(quiet)
    local = now.astimezone(zone)
    return quiet_end(local, quiet.starts, quiet.ends)


def quiet_end(local: datetime, starts: time, ends: time) -> datetime | None:
    """The end of the quiet period `local` (an aware local time) falls in, or None.

    A period may run over midnight (22:00-07:00). The end is computed on the wall clock
    and made aware again, so a change to or from summer time keeps it at that hour.
    """
    at = local.time().replace(tzinfo=None)
    if starts < ends:
        inside, day = starts <= at < ends, local.date()
    else:
        inside = at >= starts or at < ends
        day = local.date() + timedelta(days=1) if at >= starts else local.date()
    if not inside:
        return None
    return datetime.combine(day, ends, tzinfo=local.tzinfo)


@dataclass(frozen=True)
class Choice:
    kind: Kind
    topic: str
    delivery: str

    @property
    def field_name(self) -> str:
        return f"{self.kind.code}:{self.topic}"

    @property
    def label(self) -> str:
        return self.kind.topic_label(self.topic)


def choices_of(user) -> list[Choice]:
    """Every choice the person has: one per kind and topic."""
    chosen = {
        (kind, topic): delivery
        for kind, topic, delivery in Preference.objects.filter(user=user).values_list(
            "kind", "topic", "delivery"
        )
    }
    return [
        Choice(kind, topic, chosen.get((kind.code, topic), kind.default_for(topic)))
        for kind in KINDS.values()
        for topic in kind.topic_codes()
    ]


@dataclass(frozen=True)
class Muted:
    thread: MutedThread
    entry: InboxEntry | None


def muted_threads(user) -> list[Muted]:
    """What the person muted, worded by each kind (None once they may no longer see it)."""
    threads = list(MutedThread.objects.filter(user=user).order_by("-muted_at", "-pk"))
    return [Muted(thread, _muted_entry(thread, user)) for thread in threads]


def _muted_entry(thread: MutedThread, user) -> InboxEntry | None:
    kind = KINDS.get(thread.kind)
    if kind is None:
        return None
    if kind.describe_thread is not None:
        return kind.describe_thread(thread.subject_id, user)
    in_thread = Notification.objects.filter(
        recipient=user, kind=thread.kind, subject_id__in=kind.subjects_in([thread.subject_id])
    )
    entries = kind.describe(list(kind.visible(in_thread, user)[:1]), user)
    return next(iter(entries.values()), None)


def devices_of(user) -> QuerySet:
    return PushSubscription.objects.filter(user=user).order_by("created_at")


def device_fingerprints(user) -> list[str]:
    """SHA-256 of each of the person's push endpoints: the settings page tells whether
    this browser is one of them without the endpoints (push capabilities) in the page."""
    endpoints = devices_of(user).values_list("endpoint", flat=True)
    return [hashlib.sha256(endpoint.encode()).hexdigest() for endpoint in endpoints]
