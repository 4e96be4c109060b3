"""Check that clips and stored files match, both ways; --repair fixes what it finds.

A check that finds something exits with status 1, so cron or a timer can alert on it."""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from commonwatch.cameras import repair
from commonwatch.media import sweeping


class Command(BaseCommand):
    help = (
        "List stored files that no record names and clips whose files are missing; with "
        "--repair, delete those files and those clips."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--repair", action="store_true", dest="fix", help="delete what is found"
        )
        parser.add_argument(
            "--older-than-minutes",
            type=sweeping.grace_minutes,
            default=60,
            help="leave younger files alone",
        )

    def handle(self, *args, fix: bool, older_than_minutes: int, verbosity: int, **options):
        age = timedelta(minutes=older_than_minutes)
        found = repair.repair(older_than=age) if fix else repair.check(older_than=age)
        if found.clean:
            # Silent by default: cron mails whatever a daily job prints.
            if verbosity >= 2:
                self.stdout.write("Clips and stored files match.")
            return
        for name in found.orphan_files:
            self.stdout.write(f"file without a record: {name}")
        for pk in found.clips_without_files:
            self.stdout.write(f"clip without its files: {pk}")
        counts = (
            f"{len(found.orphan_files)} orphan file(s) and "
            f"{len(found.clips_without_files)} clip(s) without files"
        )
        if not fix:
            raise CommandError(f"{counts} found: run check_clips --repair to delete them.")
        self.stdout.write(f"{counts} deleted.")
