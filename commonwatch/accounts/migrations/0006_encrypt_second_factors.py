"""Encrypt the TOTP secrets and recovery-code seeds stored in plaintext until now.

With ENCRYPTION_KEYS (kept outside the database) as Fernet keys, the first of which
encrypts; values that already decrypt are left as they are, so running it twice is
harmless.
"""

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import migrations

SECRET_FIELDS = {"totp": ("secret",), "recovery_codes": ("seed",)}


def encrypt_all(apps, schema_editor):
    keys = MultiFernet([Fernet(key.strip().encode()) for key in settings.ENCRYPTION_KEYS])
    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.filter(type__in=SECRET_FIELDS):
        data = dict(authenticator.data)
        for field in SECRET_FIELDS[authenticator.type]:
            if field in data:
                data[field] = _encrypted(keys, data[field])
        if "migrated_codes" in data:
            data["migrated_codes"] = [_encrypted(keys, code) for code in data["migrated_codes"]]
        authenticator.data = data
        authenticator.save(update_fields=["data"])


def _encrypted(keys: MultiFernet, value: str) -> str:
    try:
        keys.decrypt(value.encode())
    except InvalidToken:
        return keys.encrypt(value.encode()).decode()
    return value


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_home_changes_token_scope_and_expiry"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt_all, migrations.RunPython.noop)]
