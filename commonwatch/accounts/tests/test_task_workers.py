"""E-mail reaches people through the outbox and real worker processes, with either engine.

The worker subprocess (``manage.py task_worker``) opens the same test database (a file
on SQLite, see commonwatch/conftest.py) and writes its mail to a directory the test
reads. The task queue only ever carries an outbox message's id, never the e-mail.
"""

from __future__ import annotations

import subprocess
import sys
from email import message_from_string
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from commonwatch.accounts.tasks import queue_email
from commonwatch.core.models import OutboxMessage
from commonwatch.core.tests.processes import PrivateRedis, manage, process_env

pytestmark = pytest.mark.worker

NOTHING_LISTENS = "redis://127.0.0.1:1/0"


def tasks_on(engine: str) -> dict:
    return {"default": {"BACKEND": engine, "QUEUES": [settings.TASK_QUEUE]}}


DATABASE_TASKS = tasks_on("django_tasks_db.DatabaseBackend")
RQ_TASKS = tasks_on("django_tasks_rq.RQBackend")


def worker_env(mail_dir: Path, data_dir: Path, backend: str, **extra: str) -> dict[str, str]:
    env = process_env(
        data_dir, TASK_BACKEND=backend, EMAIL_URL=f"filemail:///{mail_dir.resolve()}", **extra
    )
    if backend != "rq":
        env.pop("REDIS_URL", None)
    return env


def worker(env: dict[str, str]) -> list[str]:
    return [sys.executable, "manage.py", "task_worker", "--burst"]


def run(env: dict[str, str]) -> subprocess.CompletedProcess:
    return manage("task_worker", "--burst", env=env)


def sent_subjects(mail_dir: Path) -> list[str]:
    """Subjects of every message the file backend wrote (one file per connection)."""
    subjects = []
    for path in sorted(mail_dir.glob("*.log")):
        for chunk in path.read_text().split("-" * 79):
            if chunk.strip():
                subjects.append(message_from_string(chunk.strip())["Subject"])
    return subjects


def queue_mail(subject: str) -> None:
    queue_email(
        subject=subject,
        body="Your password reset link: https://example.org/reset/secret-key/",
        from_email="Commonwatch <noreply@localhost>",
        to=["resident@example.org"],
        html="<p>Your neighbor posted near your home.</p>",
    )


@pytest.fixture
def own_redis():
    """A Redis of this test's own: parallel tests never take each other's jobs."""
    server = PrivateRedis()
    server.start()
    yield server.url
    server.stop()


@pytest.fixture
def dirs(tmp_path):
    mail_dir, data_dir = tmp_path / "mail", tmp_path / "data"
    mail_dir.mkdir()
    data_dir.mkdir()
    return mail_dir, data_dir


def test_a_database_worker_delivers_a_queued_email_and_erases_it(transactional_db, settings, dirs):
    settings.TASKS = DATABASE_TASKS
    mail_dir, data_dir = dirs
    with transaction.atomic():
        queue_mail("Welcome to Commonwatch")
    task = DBTaskResult.objects.get()
    assert task.args_kwargs["kwargs"].keys() == {"message_id"}  # an id, never the e-mail
    waiting = OutboxMessage.objects.get()
    assert "reset" not in str(waiting.payload), "the waiting e-mail is sealed"

    done = run(worker_env(mail_dir, data_dir, "database"))

    assert done.returncode == 0, done.stderr
    assert sent_subjects(mail_dir) == ["[Commonwatch] Welcome to Commonwatch"]
    message = OutboxMessage.objects.get()
    assert message.done_at is not None
    assert message.payload == {}, "the e-mail's text, reset link included, is not kept"


def test_an_rq_worker_delivers_a_queued_email(transactional_db, settings, dirs, own_redis):
    settings.TASKS = RQ_TASKS
    settings.RQ_QUEUES = {settings.TASK_QUEUE: {"URL": own_redis}}
    mail_dir, data_dir = dirs
    with transaction.atomic():
        queue_mail("Welcome to Commonwatch")
    assert OutboxMessage.objects.get().dispatched_at is not None

    done = run(worker_env(mail_dir, data_dir, "rq", REDIS_URL=own_redis))

    assert done.returncode == 0, done.stderr
    assert sent_subjects(mail_dir) == ["[Commonwatch] Welcome to Commonwatch"]
    assert OutboxMessage.objects.get().done_at is not None


def test_mail_queued_while_redis_is_down_waits_and_goes_out_once_it_is_back(
    transactional_db, settings, dirs, own_redis
):
    settings.TASKS = RQ_TASKS
    settings.RQ_QUEUES = {settings.TASK_QUEUE: {"URL": NOTHING_LISTENS}}
    mail_dir, data_dir = dirs

    with transaction.atomic():
        queue_mail("Confirm your e-mail address")  # the commit's hand-over fails: no 500

    waiting = OutboxMessage.objects.get()
    assert (waiting.dispatched_at, waiting.done_at) == (None, None)
    back = run(worker_env(mail_dir, data_dir, "rq", REDIS_URL=own_redis))
    assert back.returncode == 0, back.stderr
    assert sent_subjects(mail_dir) == ["[Commonwatch] Confirm your e-mail address"]
    assert OutboxMessage.objects.get().done_at is not None


def test_two_concurrent_database_workers_send_each_of_200_emails_exactly_once(
    transactional_db, settings, dirs
):
    settings.TASKS = DATABASE_TASKS
    mail_dir, data_dir = dirs
    subjects = [f"Alert {n}" for n in range(200)]
    with transaction.atomic():  # one commit, not 200
        for subject in subjects:
            queue_mail(subject)
    env = worker_env(mail_dir, data_dir, "database")

    workers = [
        subprocess.Popen(
            worker(env),
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _n in (1, 2)
    ]
    outputs = [process.communicate(timeout=120) for process in workers]

    assert [process.returncode for process in workers] == [0, 0], outputs
    assert OutboxMessage.objects.filter(done_at=None).count() == 0
    assert sorted(sent_subjects(mail_dir)) == sorted(f"[Commonwatch] {s}" for s in subjects)
