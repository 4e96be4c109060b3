from __future__ import annotations

from django.core.management.base import BaseCommand

from commonwatch.cameras import uploads


class Command(BaseCommand):
    help = (
        "Delete resumable clip uploads past their expiry: unfinished ones with the bytes "
        "received so far. Run it hourly, like sweep_media."
    )

    def handle(self, *args, **options):
        gone = uploads.purge_expired()
        self.stdout.write(f"{gone} expired clip upload(s) deleted.")
