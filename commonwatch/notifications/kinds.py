"""The kinds of notification, each declared by the app whose objects it is about.

Notifications know nothing of posts or requests: a kind says what it is called, which
channels it can use (and which are on until the person says otherwise), which of a
person's notifications are still theirs to see (a post taken down, or now outside
their circle, is not), and how each is shown in the inbox. Apps register their kinds
from their AppConfig.ready.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.functional import Promise

from .models import Channel


@dataclass(frozen=True)
class InboxEntry:
    """One line of the inbox: what happened, in words, and where to look."""

    title: str
    url: str


@dataclass(frozen=True)
class Kind:
    code: str
    label: str | Promise
    # Channel -> on by default. The inbox (IN_APP) is every kind's record and always on.
    channels: dict[str, bool] = field(default_factory=dict)
    # Narrows a person's notifications of this kind to those they may still see.
    visible: Callable[[QuerySet, object], QuerySet] = lambda notifications, user: notifications
    # The inbox lines for visible notifications (in one query), by notification id.
    describe: Callable[[list, object], dict[int, InboxEntry]] = lambda items, user: {}

    def offers(self, channel: str) -> bool:
        return channel == Channel.IN_APP or channel in self.channels


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    KINDS[kind.code] = kind
    return kind


def get(code: str) -> Kind:
    try:
        return KINDS[code]
    except KeyError:
        raise LookupError(f"no app declares the notification kind {code!r}") from None
