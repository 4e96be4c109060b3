"""The kinds of notification, each declared by the app whose objects it is about.

Notifications know nothing of posts or requests: a kind says what it is called, into
which topics it splits (a post alert's category) and how each topic reaches a person
until they choose (instant push or e-mail, daily digest, off), which of a person's
notifications are still theirs to see (a post taken down, or now outside their circle,
is not), how each is shown in the inbox, and what a push or an instant e-mail says.
Apps register their kinds from their AppConfig.ready.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.functional import Promise

from .models import Delivery


@dataclass(frozen=True)
class InboxEntry:
    """One line of the inbox: what happened, in words, and where to look."""

    title: str
    url: str
    # The thread one tap mutes (Kind.thread_of); None: the notification's own subject.
    thread: int | None = None


@dataclass(frozen=True)
class Message:
    """What a push or an instant e-mail says: only what the recipient may see, never a
    place finer than the kind's own public one (a post's cell)."""

    title: str
    body: str
    url: str  # a path on the site


@dataclass(frozen=True)
class Kind:
    code: str
    label: str | Promise
    # Topic code -> label (a post alert's categories); none: the whole kind is one topic "".
    topics: dict[str, str | Promise] = field(default_factory=dict)
    # Topic -> how it reaches a person who has not chosen; unlisted topics: `default`.
    defaults: dict[str, str] = field(default_factory=dict)
    default: str = Delivery.OFF
    # Whether a person may mute one thread's notifications (a post's thread of alerts).
    threads: bool = True
    # The thread a subject belongs to, which a mute names (a comment's post); None once
    # the subject is gone. By default each subject is its own thread.
    thread_of: Callable[[int], int | None] = lambda subject_id: subject_id
    # The subject ids inside some threads (a queryset or list of thread ids), for a kind
    # whose subjects are not their own threads.
    thread_subjects: Callable[[object], object] | None = None
    # How a muted thread is listed (None once the person may no longer see it); by
    # default, as its first visible notification is in the inbox.
    describe_thread: Callable[[int, object], InboxEntry | None] | None = None
    # The ways beyond the inbox this kind can reach a person: only those are offered.
    deliveries: tuple[str, ...] = tuple(Delivery.values)
    # Narrows a person's notifications of this kind to those they may still see.
    visible: Callable[[QuerySet, object], QuerySet] = lambda notifications, user: notifications
    # The inbox lines for visible notifications (in one query), by notification id.
    describe: Callable[[list, object], dict[int, InboxEntry]] = lambda items, user: {}
    # Notifications (a queryset) narrowed to those of some topics.
    in_topics: Callable[[QuerySet, list[str]], QuerySet] = lambda notifications, topics: (
        notifications
    )
    # The topic of one subject ("" for a kind without topics).
    topic_of: Callable[[int], str] = lambda subject_id: ""
    # What a push or instant e-mail about one visible notification says.
    message: Callable[[object, object], Message | None] = lambda notification, user: None

    def topic_codes(self) -> list[str]:
        return list(self.topics) or [""]

    def default_for(self, topic: str) -> str:
        return self.defaults.get(topic, self.default)

    def topic_label(self, topic: str) -> str:
        return str(self.topics.get(topic, self.label))

    def subjects_in(self, threads):
        """The subject ids of these threads' notifications (threads: ids, or a query)."""
        return threads if self.thread_subjects is None else self.thread_subjects(threads)


def inbox_entries(
    notifications, messages: dict[int, Message], threads: dict[int, int] | None = None
) -> dict[int, InboxEntry]:
    """The inbox lines of notifications whose subjects' messages are known (by subject
    id): for a kind that writes its inbox line as its push and e-mail title. `threads`
    names each subject's thread where it is not the subject itself."""
    threads = threads or {}
    return {
        n.pk: InboxEntry(title=message.title, url=message.url, thread=threads.get(n.subject_id))
        for n in notifications
        if (message := messages.get(n.subject_id)) is not None
    }


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    KINDS[kind.code] = kind
    return kind


def get(code: str) -> Kind:
    try:
        return KINDS[code]
    except KeyError:
        raise LookupError(f"no app declares the notification kind {code!r}") from None
