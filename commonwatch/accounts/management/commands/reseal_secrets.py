"""manage.py reseal_secrets: the last step of rotating ENCRYPTION_KEYS.

Put the new key first (the old ones after it), restart, run this; then the old keys can
be removed. Harmless to run again, and while the site runs.
"""

from django.core.management.base import BaseCommand, CommandError

from commonwatch.accounts import second_factor
from commonwatch.core import outbox
from commonwatch.core.sealing import UnknownSealingKey


class Command(BaseCommand):
    help = (
        "Seal every stored secret (second factors, e-mails waiting to be sent) with the "
        "first key of ENCRYPTION_KEYS, so the keys after it can be removed."
    )

    def handle(self, *args, **options):
        try:
            factors = second_factor.reseal_all()
            messages = outbox.reseal_payloads()
        except UnknownSealingKey as error:
            raise CommandError(f"{error} The secrets resealed before it stay readable.") from error
        self.stdout.write(
            f"Resealed {factors} second factor(s) and {messages} waiting e-mail(s) with the "
            "first key of ENCRYPTION_KEYS: the keys after it can now be removed."
        )
