"""Durable side effects: work stored with the change that causes it, done at least once.

A service calls ``put(kind, **ids)`` inside its transaction. After the commit the
message is handed to the task queue; a worker runs the kind's handler and marks it
done. If the queue is down, the handler fails or the worker dies, the message stays
pending and ``sweep()`` (run by every ``manage.py task_worker``) hands it over again,
with a growing delay after each failure. So a stopped Redis or a dead worker delays
the work and never loses it. Handlers must be harmless to repeat, and short (well
within LEASE): split long work into one message per unit, as the digest does.

A payload that must not be readable in the database (an e-mail with a reset link) is
``sealed`` with ENCRYPTION_KEYS (core.sealing), and blanked once done if asked.

Work that is only worth doing at once (a live announcement) is put ``inline``: the
process that committed carries it out right after the commit, as the in-memory channel
layer of the embedded mode needs; if that fails (the layer's Redis is down) it waits
like any other message, and a worker retries it.

Apps register handlers with ``@handler("app.kind")``; core imports none of them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from . import sealing
from .models import OutboxMessage
from .tasks import task

logger = logging.getLogger(__name__)

HANDLERS: dict[str, Callable[..., object]] = {}
# Longer than any handler runs; a worker that dies mid-way frees its message after it.
LEASE = timedelta(minutes=5)
# A message the queue took but no worker ran in this long is handed over again, then
# after twice as long each time (a long backlog must not fill the queue with copies).
REDISPATCH_AFTER = timedelta(minutes=2)
LONGEST_REDISPATCH = timedelta(hours=1)
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=1)
SWEEP_BATCH = 500
KEEP_DONE = timedelta(days=7)


def handler(kind: str) -> Callable:
    """Register the function that carries out messages of `kind` (keyword arguments)."""

    def register(function: Callable) -> Callable:
        HANDLERS[kind] = function
        return function

    return register


def put(
    kind: str,
    *,
    sealed: bool = False,
    erase_when_done: bool = False,
    inline: bool = False,
    not_before: datetime | None = None,
    **payload,
) -> OutboxMessage:
    """Store work to do after the current transaction commits (ids, not objects); work
    `not_before` a later time waits for the sweep that finds it due."""
    if kind not in HANDLERS:
        raise LookupError(f"no outbox handler is registered for {kind!r}")
    stored = {"sealed": sealing.seal(payload)} if sealed else payload
    later = not_before is not None and not_before > timezone.now()
    message = OutboxMessage.objects.create(
        kind=kind,
        payload=stored,
        erase_when_done=erase_when_done,
        available_at=not_before if later else timezone.now(),
    )
    if later:
        return message
    after_commit = carry_out_here if inline else dispatch
    transaction.on_commit(partial(after_commit, message.pk), robust=True)
    return message


def carry_out_here(message_id: int) -> bool:
    """Run the message in this process now; if that fails, hand it to a worker at once
    (whose channel layer may be fine), and from there it retries like any message."""
    if carry_out.call(message_id=message_id):
        return True
    OutboxMessage.objects.filter(pk=message_id, done_at=None).update(available_at=timezone.now())
    return dispatch(message_id)


def dispatch(message_id: int) -> bool:
    """Hand a message to the task queue. False when the queue refused: the sweep retries."""
    pending = OutboxMessage.objects.filter(pk=message_id, done_at=None)
    dispatches = pending.values_list("dispatches", flat=True).first()
    if dispatches is None:
        return True  # done already
    now = timezone.now()
    # Marked before the hand-over: a worker may run it at once.
    pending.update(
        dispatched_at=now,
        dispatches=F("dispatches") + 1,
        redispatch_at=now + _doubling(REDISPATCH_AFTER, dispatches + 1, LONGEST_REDISPATCH),
    )
    try:
        carry_out.enqueue(message_id=message_id)
    except Exception as exc:  # any broker error: the message waits in the database
        pending.update(dispatched_at=None, redispatch_at=None)
        logger.warning("Outbox: message %s waits, the task queue refused it: %s", message_id, exc)
        return False
    return True


def _doubling(first: timedelta, times: int, longest: timedelta) -> timedelta:
    return min(first * 2 ** max(times - 1, 0), longest)


def retry_delay(attempts: int) -> timedelta:
    return _doubling(FIRST_RETRY, attempts, LONGEST_RETRY)


@task()
def carry_out(*, message_id: int) -> bool:
    """Run one message's handler, once at a time, and mark it done (True) or retry later."""
    now = timezone.now()
    free = Q(leased_until=None) | Q(leased_until__lt=now)
    claimed = OutboxMessage.objects.filter(
        free, pk=message_id, done_at=None, available_at__lte=now
    ).update(leased_until=now + LEASE, attempts=F("attempts") + 1)
    if not claimed:
        return False  # done already, leased by another worker, or not due yet
    message = OutboxMessage.objects.get(pk=message_id)
    payload = message.payload
    try:
        if "sealed" in payload:
            payload = sealing.open_sealed(payload["sealed"])
        HANDLERS[message.kind](**payload)
    except Exception as exc:
        retry_at = timezone.now() + retry_delay(message.attempts)
        _log_failure(message, exc, retry_at)
        OutboxMessage.objects.filter(pk=message_id).update(
            leased_until=None,
            redispatch_at=None,  # this hand-over is used up: the sweep makes the next
            available_at=retry_at,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        return False
    done = {"done_at": timezone.now(), "leased_until": None, "last_error": ""}
    if message.erase_when_done:
        done["payload"] = {}
    OutboxMessage.objects.filter(pk=message_id).update(**done)
    return True


def sweep(limit: int = SWEEP_BATCH) -> int:
    """Hand over every due message the queue has not taken (or lost); returns how many.

    Stops at the first refusal: the queue is down and the next sweep tries again.
    """
    now = timezone.now()
    due = (
        OutboxMessage.objects.filter(done_at=None, available_at__lte=now)
        .filter(Q(leased_until=None) | Q(leased_until__lt=now))
        .filter(Q(redispatch_at=None) | Q(redispatch_at__lte=now))
        .order_by("available_at")
        .values_list("pk", flat=True)[:limit]
    )
    handed = 0
    for message_id in list(due):
        if not dispatch(message_id):
            break
        handed += 1
    OutboxMessage.objects.filter(done_at__lt=now - KEEP_DONE).delete()
    return handed


def pending() -> int:
    return OutboxMessage.objects.filter(done_at=None).count()


def _log_failure(message: OutboxMessage, exc: Exception, retry_at: datetime) -> None:
    """One line per failure, and the traceback once: a relay or service that is down
    (OSError, smtplib's errors among them) needs no traceback, and a bug shows its own
    at the first attempt without filling the log at every retry."""
    line = "Outbox: %s failed (attempt %s): %s: %s; next try at %s"
    args = (message, message.attempts, type(exc).__name__, exc, retry_at.isoformat())
    if isinstance(exc, OSError) or message.attempts > 1:
        logger.warning(line, *args)
    else:
        logger.exception(line, *args)


def reseal_payloads() -> int:
    """Seal every sealed payload still kept (waiting e-mails) with the first key; how many."""
    resealed = 0
    waiting = OutboxMessage.objects.filter(payload__has_key="sealed").values_list("pk", flat=True)
    for pk in list(waiting):
        with transaction.atomic():
            message = OutboxMessage.objects.select_for_update().filter(pk=pk).first()
            if message is None or "sealed" not in message.payload:
                continue  # done and blanked meanwhile
            message.payload = {"sealed": sealing.resealed(message.payload["sealed"])}
            message.save(update_fields=["payload"])
            resealed += 1
    return resealed
