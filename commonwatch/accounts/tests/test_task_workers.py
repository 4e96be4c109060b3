"""deliver_email runs on real worker processes, with either task backend.

The worker subprocess opens the same test database (a file on SQLite, see
commonwatch/conftest.py) and writes its mail to a directory the test reads.
"""

from __future__ import annotations

import os
import subprocess
import sys
from email import message_from_string
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from commonwatch.accounts.tasks import deliver_email

pytestmark = pytest.mark.worker

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
RQ_TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}


def test_database_url() -> str:
    """A DATABASE_URL naming the test database this process uses."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


test_database_url.__test__ = False  # a helper, not a test


def worker_env(mail_dir: Path, data_dir: Path, backend: str, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "TASK_BACKEND": backend,
        "EMAIL_URL": f"filemail:///{mail_dir.resolve()}",
        "DATA_DIR": str(data_dir),
        **extra,
    }
    env.pop("SQLITE_TEST_NAME", None)
    if backend != "rq":
        env.pop("REDIS_URL", None)
    return env


def run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def sent_subjects(mail_dir: Path) -> list[str]:
    """Subjects of every message the file backend wrote (one file per connection)."""
    subjects = []
    for path in sorted(mail_dir.glob("*.log")):
        for chunk in path.read_text().split("-" * 79):
            if chunk.strip():
                subjects.append(message_from_string(chunk.strip())["Subject"])
    return subjects


def enqueue_mail(subject: str):
    return deliver_email.enqueue(
        subject=subject,
        body="Your neighbor posted near your home.",
        from_email="Commonwatch <noreply@localhost>",
        to=["resident@example.org"],
        html="<p>Your neighbor posted near your home.</p>",
    )


@pytest.fixture
def dirs(tmp_path):
    mail_dir, data_dir = tmp_path / "mail", tmp_path / "data"
    mail_dir.mkdir()
    data_dir.mkdir()
    return mail_dir, data_dir


def test_a_database_worker_delivers_an_enqueued_email(transactional_db, settings, dirs):
    settings.TASKS = DATABASE_TASKS
    mail_dir, data_dir = dirs
    result = enqueue_mail("Welcome to Commonwatch")
    assert DBTaskResult.objects.get(id=result.id).status == TaskResultStatus.READY

    worker = run(
        ["db_worker", "--batch", "--no-reload", "--no-startup-delay", "--queue-name", "default"],
        worker_env(mail_dir, data_dir, "database"),
    )

    assert worker.returncode == 0, worker.stderr
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 1
    assert sent_subjects(mail_dir) == ["Welcome to Commonwatch"]


def test_an_rq_worker_delivers_an_enqueued_email(transactional_db, settings, dirs):
    import redis

    settings.TASKS = RQ_TASKS
    settings.RQ_QUEUES = {"default": {"URL": TEST_REDIS_URL}}
    redis.Redis.from_url(TEST_REDIS_URL).flushdb()
    mail_dir, data_dir = dirs
    result = enqueue_mail("Welcome to Commonwatch")
    assert deliver_email.get_result(result.id).status == TaskResultStatus.READY

    worker = run(
        ["rqworker", "default", "--burst", "--job-class", "django_tasks_rq.Job"],
        worker_env(mail_dir, data_dir, "rq", REDIS_URL=TEST_REDIS_URL),
    )

    assert worker.returncode == 0, worker.stderr
    finished = deliver_email.get_result(result.id)
    assert finished.status == TaskResultStatus.SUCCESSFUL, worker.stderr
    assert finished.return_value == 1
    assert sent_subjects(mail_dir) == ["Welcome to Commonwatch"]
    redis.Redis.from_url(TEST_REDIS_URL).flushdb()


def test_two_concurrent_database_workers_run_each_of_200_tasks_exactly_once(
    transactional_db, settings, dirs
):
    settings.TASKS = DATABASE_TASKS
    mail_dir, data_dir = dirs
    subjects = [f"Alert {n}" for n in range(200)]
    with transaction.atomic():  # one commit, not 200
        results = [enqueue_mail(subject) for subject in subjects]
    env = worker_env(mail_dir, data_dir, "database")

    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--batch",
                "--no-reload",
                "--no-startup-delay",
                "--interval",
                "0.05",
                "--worker-id",
                f"worker-{n}",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in (1, 2)
    ]
    outputs = [worker.communicate(timeout=120) for worker in workers]

    assert [worker.returncode for worker in workers] == [0, 0], outputs
    rows = DBTaskResult.objects.filter(id__in=[r.id for r in results])
    assert rows.count() == 200
    assert set(rows.values_list("status", flat=True)) == {TaskResultStatus.SUCCESSFUL}
    ran_on = list(rows.values_list("worker_ids", flat=True))
    assert all(len(ids) == 1 for ids in ran_on), "a task was claimed more than once"
    assert {ids[0] for ids in ran_on} <= {"worker-1", "worker-2"}
    assert sorted(sent_subjects(mail_dir)) == sorted(subjects)
