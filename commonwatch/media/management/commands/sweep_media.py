from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand

from commonwatch.media import sweeping


class Command(BaseCommand):
    help = (
        "Delete stored media files that no upload or post names any more (left by a "
        "rolled-back upload or a worker that died); run it hourly, like the digest."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="only list them")
        parser.add_argument(
            "--older-than-minutes",
            type=sweeping.grace_minutes,
            default=60,
            help="leave younger files alone",
        )

    def handle(self, *args, dry_run: bool, older_than_minutes: int, **options):
        age = timedelta(minutes=older_than_minutes)
        found = sweeping.orphans(older_than=age) if dry_run else sweeping.sweep(older_than=age)
        for name in found:
            self.stdout.write(name)
        verb = "would be deleted" if dry_run else "deleted"
        self.stdout.write(f"{len(found)} stored file(s) no upload names {verb}.")
