"""Check the whole audit chain; name the first altered, removed or reordered entry."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from commonwatch.audit.selectors import verify_chain


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain from its first entry to its head."

    def handle(self, *args, **options):
        started = time.perf_counter()
        counted, problem = verify_chain()
        elapsed = time.perf_counter() - started
        if problem is not None:
            raise CommandError(f"The audit chain is broken at {problem} (read {counted}).")
        self.stdout.write(f"The audit chain is whole: {counted} entries in {elapsed:.1f} s.")
