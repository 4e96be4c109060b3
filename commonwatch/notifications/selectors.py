"""A person's inbox, their unread count and their choices, each kind read by its app."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from .kinds import KINDS, InboxEntry, Kind, get
from .models import Channel, Notification, Preference

INBOX_SIZE = 50


def visible(user, kind: Kind) -> QuerySet:
    """The person's notifications of one kind that they may still see."""
    mine = Notification.objects.filter(recipient=user, kind=kind.code)
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


def wants(user, kind: str, channel: str) -> bool:
    """Whether this person is told of this kind on this channel."""
    offered = get(kind)
    if channel == Channel.IN_APP:
        return True
    if not offered.offers(channel):
        return False
    choice = Preference.objects.filter(user=user, kind=kind, channel=channel).first()
    return choice.enabled if choice else offered.channels[channel]


def recipients_who_turned_on(kind: str, channel: str) -> QuerySet:
    """The ids of people who turned this channel on for this kind (a daily digest)."""
    return Preference.objects.filter(kind=kind, channel=channel, enabled=True).values("user")


@dataclass(frozen=True)
class Choice:
    kind: Kind
    channel: str
    enabled: bool

    @property
    def field_name(self) -> str:
        return f"{self.kind.code}:{self.channel}"

    def get_channel_display(self) -> str:
        return str(Channel(self.channel).label)


def choices_of(user) -> list[Choice]:
    """Every switch the person has: one per kind and channel it offers beside the inbox."""
    return [
        Choice(kind, channel, wants(user, kind.code, channel))
        for kind in KINDS.values()
        for channel in kind.channels
    ]
