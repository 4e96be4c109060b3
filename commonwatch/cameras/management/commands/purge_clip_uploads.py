from __future__ import annotations

from django.core.management.base import BaseCommand

from commonwatch.cameras import uploads
from commonwatch.cameras.imports.services import close_abandoned


class Command(BaseCommand):
    help = (
        "Delete resumable clip uploads past their expiry: unfinished ones with the bytes "
        "received so far; end the imports whose page stopped sending parts as long ago. "
        "Run it hourly, like sweep_media."
    )

    def handle(self, *args, **options):
        gone = uploads.purge_expired()
        self.stdout.write(f"{gone} expired clip upload(s) deleted.")
        self.stdout.write(f"{close_abandoned()} abandoned import(s) ended.")
