"""Queue the daily digest e-mails; run once a day from cron or a systemd timer."""

from django.core.management.base import BaseCommand

from commonwatch.community.tasks import send_daily_digests


class Command(BaseCommand):
    help = "Queue the daily digest of new posts for residents who asked for it."

    def handle(self, *args, **options):
        result = send_daily_digests.enqueue()
        self.stdout.write(f"queued daily digests as task {result.id}")
