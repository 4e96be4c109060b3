"""Run a task worker for the configured engine, sweeping the outbox beside it.

One command for both modes: the database queue (embedded) or RQ on Redis (scale),
always on the install's own queue. Start as many as you like, on any machine.
"""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from commonwatch.core import outbox

logger = logging.getLogger(__name__)


def sweep_forever(stop: threading.Event) -> None:
    while not stop.wait(settings.OUTBOX_SWEEP_SECONDS):
        try:
            outbox.sweep()
        except Exception:  # a database or queue outage: try again on the next round
            logger.exception("Outbox sweep failed")
        finally:
            close_old_connections()


class Command(BaseCommand):
    help = "Run background tasks (the engine TASK_BACKEND names) and sweep the outbox."

    def add_arguments(self, parser):
        parser.add_argument(
            "--burst", action="store_true", help="Sweep once, run what is queued, then exit."
        )

    def handle(self, *args, burst: bool, **options):
        backend = settings.TASK_BACKEND
        if backend == "immediate":
            raise CommandError("TASK_BACKEND=immediate runs tasks inline; there is no worker.")
        outbox.sweep()
        stop = threading.Event()
        if not burst:
            threading.Thread(target=sweep_forever, args=(stop,), daemon=True).start()
        try:
            if backend == "rq":
                call_command(
                    "rqworker", settings.TASK_QUEUE, job_class="django_tasks_rq.Job", burst=burst
                )
            else:
                call_command(
                    "db_worker",
                    queue_name=settings.TASK_QUEUE,
                    batch=burst,
                    reload=False,
                    startup_delay=not burst,
                )
        finally:
            stop.set()
