"""Rotating ENCRYPTION_KEYS to the end: reseal_secrets lets the old key go."""

from __future__ import annotations

from io import StringIO

import pytest
from allauth.mfa.adapter import get_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command

from commonwatch.accounts.tests.factories import UserFactory, with_second_factor
from commonwatch.core import outbox, sealing
from commonwatch.core.models import OutboxMessage


def secrets_of(user) -> tuple[str, list[str], dict]:
    factors = Authenticator.objects.filter(user=user)
    totp = factors.get(type=Authenticator.Type.TOTP)
    codes = RecoveryCodes(factors.get(type=Authenticator.Type.RECOVERY_CODES))
    [waiting] = OutboxMessage.objects.filter(kind="accounts.email")
    return (
        get_adapter().decrypt(totp.data["secret"]),
        codes.get_unused_codes(),
        sealing.open_sealed(waiting.payload["sealed"]),
    )


@pytest.mark.django_db
def test_after_resealing_the_old_key_can_be_removed(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.ENCRYPTION_KEYS = [old]
    person = with_second_factor(UserFactory())
    outbox.put("accounts.email", sealed=True, link="https://example.org/reset/k3y")
    settings.ENCRYPTION_KEYS = [new, old]
    before = secrets_of(person)

    out = StringIO()
    call_command("reseal_secrets", stdout=out)
    settings.ENCRYPTION_KEYS = [new]

    assert secrets_of(person) == before
    assert before[0] == person.totp_secret and len(before[1]) == 10
    assert "Resealed 2 second factor(s) and 1 waiting e-mail(s)" in out.getvalue()


@pytest.mark.django_db
def test_without_resealing_removing_the_old_key_locks_the_secrets_out(settings):
    old = Fernet.generate_key().decode()
    settings.ENCRYPTION_KEYS = [old]
    person = with_second_factor(UserFactory())
    settings.ENCRYPTION_KEYS = [Fernet.generate_key().decode()]

    with pytest.raises(RuntimeError, match="ENCRYPTION_KEYS"):
        get_adapter().decrypt(Authenticator.objects.get(user=person, type="totp").data["secret"])
    with pytest.raises(CommandError, match="No key in ENCRYPTION_KEYS opens this"):
        call_command("reseal_secrets", stdout=StringIO())
