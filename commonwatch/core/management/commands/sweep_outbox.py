"""Hand pending outbox messages to the task queue: once, or every few seconds."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand

from commonwatch.core import outbox


class Command(BaseCommand):
    help = "Queue the outbox messages that are due (task_worker does this on its own)."

    def add_arguments(self, parser):
        parser.add_argument("--forever", action="store_true", help="Sweep every few seconds.")

    def handle(self, *args, forever: bool, **options):
        while True:
            handed = outbox.sweep()
            self.stdout.write(f"queued {handed}, {outbox.pending()} pending")
            if not forever:
                return
            time.sleep(settings.OUTBOX_SWEEP_SECONDS)
