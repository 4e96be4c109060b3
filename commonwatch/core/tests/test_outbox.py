"""Work that must follow a commit is stored with it and done at least once, whatever fails."""

from __future__ import annotations

import logging
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.utils import timezone

from commonwatch.accounts.tests.factories import sign_in
from commonwatch.community.models import Post, Status
from commonwatch.community.tests.factories import (
    CENTER,
    moderator,
    post_alerts,
    resident_at,
    submit,
)
from commonwatch.core import outbox
from commonwatch.core.models import OutboxMessage

DEAD_QUEUE = {
    "default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["commonwatch"]},
}
DEAD_RQ = {"commonwatch": {"URL": "redis://127.0.0.1:1/0?socket_connect_timeout=1"}}


@pytest.fixture
def flaky_handler():
    """A handler that fails the first `fail` times it runs, and counts its runs."""
    calls = []

    @outbox.handler("test.flaky")
    def flaky(*, fail: int):
        calls.append(timezone.now())
        if len(calls) <= fail:
            raise ConnectionError("the mail relay hung up")

    yield calls
    del outbox.HANDLERS["test.flaky"]


@pytest.mark.django_db(transaction=True)
def test_approving_with_the_task_queue_down_answers_200_and_alerts_follow_later(client, settings):
    settings.TASKS, settings.RQ_QUEUES = DEAD_QUEUE, DEAD_RQ
    author, neighbor = resident_at(*CENTER), resident_at(CENTER[0] + 0.002, CENTER[1])
    post, mod = submit(author), moderator()
    sign_in(client, mod)
    url = f"/api/v1/moderation/posts/{post.pk}/decision"

    approved = client.post(url, {"action": "approve"}, content_type="application/json")
    again = client.post(url, {"action": "approve"}, content_type="application/json")

    assert approved.status_code == 200, approved.content
    assert again.status_code == 409  # decided already: a clear answer, not a 500
    assert Post.objects.get(pk=post.pk).status == Status.PUBLISHED
    waiting = OutboxMessage.objects.get(kind="community.post_alerts")
    assert (waiting.dispatched_at, waiting.done_at) == (None, None)
    assert not post_alerts().exists()

    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": [settings.TASK_QUEUE],
        }
    }
    # the queue is back: the sweep hands over the alerts and the notice to the author
    assert outbox.sweep() == 2

    assert list(post_alerts().values_list("recipient_id", flat=True)) == [neighbor.pk]
    assert OutboxMessage.objects.get(pk=waiting.pk).done_at is not None


@pytest.mark.django_db(transaction=True)
def test_a_failing_handler_is_retried_later_with_a_growing_delay(flaky_handler):
    with transaction.atomic():
        message = outbox.put("test.flaky", fail=2)

    first = OutboxMessage.objects.get(pk=message.pk)
    assert (first.attempts, first.done_at) == (1, None)
    assert "hung up" in first.last_error
    assert outbox.sweep() == 0  # not due yet
    assert first.available_at - timezone.now() > timedelta(seconds=20)

    OutboxMessage.objects.filter(pk=message.pk).update(available_at=timezone.now())
    assert outbox.sweep() == 1
    second = OutboxMessage.objects.get(pk=message.pk)
    assert second.attempts == 2
    assert second.available_at - first.available_at > timedelta(seconds=20)

    OutboxMessage.objects.filter(pk=message.pk).update(available_at=timezone.now())
    outbox.sweep()
    assert OutboxMessage.objects.get(pk=message.pk).done_at is not None
    assert len(flaky_handler) == 3


@pytest.mark.django_db(transaction=True)
def test_a_failure_is_one_log_line_and_a_bugs_traceback_shows_once(flaky_handler, caplog):
    """A relay that is down filled the worker's log with 30 lines at every retry."""

    @outbox.handler("test.buggy")
    def buggy():
        raise RuntimeError("a bug")

    try:
        with caplog.at_level(logging.WARNING, logger="commonwatch.core.outbox"):
            with transaction.atomic():
                outbox.put("test.flaky", fail=5)
                buggy_message = outbox.put("test.buggy")
            OutboxMessage.objects.update(available_at=timezone.now())
            outbox.sweep()
    finally:
        del outbox.HANDLERS["test.buggy"]

    lines = {(r.getMessage().split(" failed")[0], r.exc_info is not None) for r in caplog.records}
    relay, bug = (
        f"Outbox: {OutboxMessage.objects.get(kind='test.flaky')}",
        f"Outbox: {buggy_message}",
    )
    assert lines == {(relay, False), (bug, True), (bug, False)}
    assert all("next try at" in r.getMessage() for r in caplog.records)
    assert any("ConnectionError: the mail relay hung up" in r.getMessage() for r in caplog.records)


@pytest.mark.django_db(transaction=True)
def test_a_message_whose_worker_died_is_done_again_after_its_lease(flaky_handler):
    message = OutboxMessage.objects.create(
        kind="test.flaky",
        payload={"fail": 0},
        dispatched_at=timezone.now() - timedelta(minutes=10),
        leased_until=timezone.now() - timedelta(seconds=1),  # the worker holding it died
        attempts=1,
    )

    assert outbox.sweep() == 1

    assert OutboxMessage.objects.get(pk=message.pk).done_at is not None
    assert len(flaky_handler) == 1


@pytest.mark.django_db(transaction=True)
def test_a_message_is_done_once_even_when_handed_over_twice(flaky_handler):
    with transaction.atomic():
        message = outbox.put("test.flaky", fail=0)

    assert outbox.carry_out.call(message_id=message.pk) is False  # done already

    assert len(flaky_handler) == 1


@pytest.mark.django_db(transaction=True)
def test_inline_work_is_done_by_the_committing_process_at_once(flaky_handler, settings):
    settings.TASKS = DEAD_QUEUE  # no worker could have done it
    settings.RQ_QUEUES = DEAD_RQ
    with transaction.atomic():
        message = outbox.put("test.flaky", inline=True, fail=0)
        assert flaky_handler == [], "not before the commit"

    assert OutboxMessage.objects.get(pk=message.pk).done_at is not None
    assert len(flaky_handler) == 1


@pytest.mark.django_db(transaction=True)
def test_inline_work_that_fails_is_handed_to_a_worker_at_once(flaky_handler, settings):
    with transaction.atomic():
        message = outbox.put("test.flaky", inline=True, fail=1)

    # Here the task queue runs work immediately: the hand-over is the worker's run.
    assert OutboxMessage.objects.get(pk=message.pk).done_at is not None
    assert len(flaky_handler) == 2


@pytest.mark.django_db
def test_work_of_an_unknown_kind_is_refused_before_anything_is_stored():
    with pytest.raises(LookupError):
        outbox.put("nobody.handles.this")
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_work_of_a_rolled_back_change_is_never_done(flaky_handler):
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.put("test.flaky", fail=0)
        raise RuntimeError("the change failed")

    assert not OutboxMessage.objects.exists()
    assert flaky_handler == []


@pytest.mark.django_db(transaction=True)
def test_a_message_the_queue_keeps_is_handed_over_again_ever_more_rarely(
    flaky_handler, monkeypatch
):
    """A backlog must not fill the queue with copies: two minutes, then four, then eight."""
    message = OutboxMessage.objects.create(kind="test.flaky", payload={"fail": 0})
    seen = []

    def lost_in_the_queue(**kwargs):
        seen.append(timezone.now())  # taken, never run: as a backlog or a dead worker

    monkeypatch.setattr(outbox, "carry_out", SimpleNamespace(enqueue=lost_in_the_queue))
    gaps = []
    for _hand_over in range(4):
        assert outbox.sweep() == 1
        assert outbox.sweep() == 0  # not again at once
        row = OutboxMessage.objects.get(pk=message.pk)
        gaps.append(row.redispatch_at - row.dispatched_at)
        OutboxMessage.objects.filter(pk=message.pk).update(redispatch_at=timezone.now())

    assert gaps == [timedelta(minutes=minutes) for minutes in (2, 4, 8, 16)]
    assert len(seen) == 4


@pytest.mark.django_db(transaction=True)
def test_a_sealed_payload_is_unreadable_in_the_database_and_whole_for_its_handler():
    received = []

    @outbox.handler("test.sealed")
    def sealed(**payload):
        received.append(payload)

    try:
        with transaction.atomic():
            message = outbox.put("test.sealed", sealed=True, link="https://example.org/reset/k3y")
        stored = OutboxMessage.objects.get(pk=message.pk).payload
    finally:
        del outbox.HANDLERS["test.sealed"]

    assert "k3y" not in str(stored) and set(stored) == {"sealed"}
    assert received == [{"link": "https://example.org/reset/k3y"}]


@pytest.mark.django_db
def test_a_payload_sealed_with_a_key_since_removed_fails_naming_the_setting(settings):
    """What the operator finds on the message, instead of a bare 'InvalidToken: '."""
    from cryptography.fernet import Fernet

    from commonwatch.core import sealing

    received = []

    @outbox.handler("test.sealed")
    def sealed(**payload):
        received.append(payload)

    try:
        message = OutboxMessage.objects.create(
            kind="test.sealed", payload={"sealed": sealing.seal({"link": "https://e.org/k3y"})}
        )
        settings.ENCRYPTION_KEYS = [Fernet.generate_key().decode()]  # the old key is gone
        assert outbox.carry_out.call(message_id=message.pk) is False
    finally:
        del outbox.HANDLERS["test.sealed"]

    failed = OutboxMessage.objects.get(pk=message.pk)
    assert received == [] and failed.done_at is None
    assert "ENCRYPTION_KEYS" in failed.last_error
