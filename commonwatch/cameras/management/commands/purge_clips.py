"""Delete clips past their owner's retention; run it hourly from cron or a systemd timer."""

from django.core.management.base import BaseCommand

from commonwatch.cameras.clips import purge_expired


class Command(BaseCommand):
    help = "Delete every clip older than its owner's retention (1-180 days, default 30)."

    def handle(self, *args, **options):
        self.stdout.write(f"{purge_expired()} expired clip(s) deleted with their files.")
