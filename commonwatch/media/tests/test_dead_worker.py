"""Processing survives the worker that dies doing it: real worker processes, one killed
half-way through a file; the next one, once the lease is over, makes the file ready."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from commonwatch.accounts.tests.factories import UserFactory
from commonwatch.core.models import OutboxMessage
from commonwatch.core.tests.processes import manage, process_env
from commonwatch.core.tests.test_outbox_workers import DATABASE_TASKS
from commonwatch.media import services
from commonwatch.media.models import MediaFile, Status
from commonwatch.media.tests.factories import jpeg_with_gps, upload

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _wait_for(path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert time.monotonic() < deadline, f"{path.name} never appeared"
        time.sleep(0.05)


def test_a_file_whose_worker_dies_half_way_is_processed_by_the_next_one(settings, tmp_path):
    settings.TASKS = DATABASE_TASKS
    settings.MEDIA_ROOT = tmp_path / "media"  # the workers' DATA_DIR/media
    env = process_env(tmp_path, TASK_BACKEND="database")
    env.pop("REDIS_URL", None)
    with transaction.atomic():
        item = services.accept_upload(owner=UserFactory(), upload=upload("a.jpg", jpeg_with_gps()))

    doomed = subprocess.Popen(
        [sys.executable, "-m", "commonwatch.media.tests.stalling_worker", str(tmp_path)],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _wait_for(tmp_path / "started")
    doomed.send_signal(signal.SIGKILL)
    doomed.wait(timeout=30)

    assert MediaFile.objects.get(pk=item.pk).status == Status.PROCESSING
    message = OutboxMessage.objects.get(kind=services.PROCESS)
    assert message.done_at is None
    past = timezone.now() - timedelta(seconds=1)  # as if the lease had run out
    OutboxMessage.objects.filter(pk=message.pk).update(leased_until=past, redispatch_at=past)

    worked = manage("task_worker", "--burst", env=env)

    assert worked.returncode == 0, worked.stderr
    item.refresh_from_db()
    assert item.status == Status.READY and (settings.MEDIA_ROOT / item.name).exists()
    assert OutboxMessage.objects.get(pk=message.pk).done_at is not None
