"""Write docs/access.md from the enforced rules, or check it is current (--check)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from commonwatch.web.access_doc import DOC_PATH, render


class Command(BaseCommand):
    help = "Write docs/access.md from the policy tables; with --check, fail if it is stale."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Only compare, write nothing.")

    def handle(self, *args, check: bool, **options):
        text = render()
        current = DOC_PATH.read_text() if DOC_PATH.exists() else ""
        if check:
            if current != text:
                raise CommandError(
                    f"{DOC_PATH.name} is stale: run `python manage.py access_doc` and commit it."
                )
            self.stdout.write(f"{DOC_PATH.name} is current.")
            return
        DOC_PATH.write_text(text)
        self.stdout.write(f"Wrote {DOC_PATH}.")
