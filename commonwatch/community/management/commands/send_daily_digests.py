"""Queue the daily digest e-mails; run once a day from cron or a systemd timer."""

from django.core.management.base import BaseCommand

from commonwatch.community.tasks import queue_daily_digests


class Command(BaseCommand):
    help = "Queue the daily digest of new posts for residents who asked for it."

    def handle(self, *args, **options):
        queue_daily_digests()
        self.stdout.write("queued the daily digests; a task worker sends them")
