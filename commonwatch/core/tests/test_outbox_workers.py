"""Outbox work survives what kills it half-way: a worker process killed mid-work, and a
Redis that stops (and forgets its queue) with work waiting in it. Real processes, real
Redis; the work is done once it can be, exactly once to the eye of the handler's effect."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from commonwatch.core import outbox
from commonwatch.core.models import OutboxMessage
from commonwatch.core.tests.processes import PrivateRedis, process_env
from commonwatch.core.tests.slow_work import SLOW

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
DATABASE_TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": [settings.TASK_QUEUE],
    }
}
RQ_TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": [settings.TASK_QUEUE]}}


def start_worker(env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "commonwatch.core.tests.slow_worker"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert time.monotonic() < deadline, f"{path.name} never appeared"
        time.sleep(0.05)


def finish(process: subprocess.Popen) -> None:
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err


def put_slow_work(workdir) -> OutboxMessage:
    with transaction.atomic():
        return outbox.put(SLOW, workdir=str(workdir))


def as_if_the_lease_ran_out(message: OutboxMessage) -> None:
    """LEASE is minutes long; the test moves the message's clock instead of waiting."""
    past = timezone.now() - timedelta(seconds=1)
    OutboxMessage.objects.filter(pk=message.pk).update(leased_until=past, redispatch_at=past)


def test_work_whose_worker_is_killed_half_way_is_done_by_the_next_worker(settings, tmp_path):
    settings.TASKS = DATABASE_TASKS
    env = process_env(tmp_path, TASK_BACKEND="database")
    env.pop("REDIS_URL", None)
    message = put_slow_work(tmp_path)

    doomed = start_worker(env)
    wait_for(tmp_path / "started")
    doomed.send_signal(signal.SIGKILL)
    doomed.wait(timeout=30)

    waiting = OutboxMessage.objects.get(pk=message.pk)
    assert (waiting.done_at, waiting.attempts) == (None, 1)
    assert waiting.leased_until > timezone.now(), "held for the dead worker until its lease ends"
    meanwhile = start_worker(env)
    finish(meanwhile)
    assert not (tmp_path / "done").exists(), "nobody takes leased work early"

    as_if_the_lease_ran_out(message)
    (tmp_path / "finish").touch()
    finish(start_worker(env))

    done = OutboxMessage.objects.get(pk=message.pk)
    assert done.done_at is not None and done.attempts == 2
    assert (tmp_path / "done").read_text() == "done\n"


def test_work_queued_in_a_redis_that_stops_is_handed_over_again_once_it_is_back(settings, tmp_path):
    redis_server = PrivateRedis()
    redis_server.start()
    try:
        settings.TASKS = RQ_TASKS
        settings.RQ_QUEUES = {settings.TASK_QUEUE: {"URL": redis_server.url}}
        message = put_slow_work(tmp_path)
        assert OutboxMessage.objects.get(pk=message.pk).dispatched_at is not None

        redis_server.stop()  # the queue, kept only in memory, is lost with it
        redis_server.start()
        env = process_env(tmp_path, TASK_BACKEND="rq", REDIS_URL=redis_server.url)
        (tmp_path / "finish").touch()
        finish(start_worker(env))
        assert not (tmp_path / "done").exists(), "the job Redis held is gone"

        OutboxMessage.objects.filter(pk=message.pk).update(
            redispatch_at=timezone.now() - timedelta(seconds=1)
        )  # as if REDISPATCH_AFTER had passed
        finish(start_worker(env))
    finally:
        redis_server.stop()

    assert OutboxMessage.objects.get(pk=message.pk).done_at is not None
    assert (tmp_path / "done").read_text() == "done\n"
