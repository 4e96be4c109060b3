"""The first operator is made at the server's shell and can sign in at once."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from commonwatch.accounts.models import Role, User

pytestmark = pytest.mark.django_db

EMAIL, PASSWORD = "operator@example.org", "a long operator passphrase"


def test_createsuperuser_makes_an_operator_who_signs_in_without_confirming_by_e_mail(
    client, monkeypatch
):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)

    call_command("createsuperuser", "--email", EMAIL, "--noinput", verbosity=0)
    signed_in = client.post(reverse("account_login"), {"login": EMAIL, "password": PASSWORD})

    operator = User.objects.get(email=EMAIL)
    assert operator.role == Role.OPERATOR
    assert EmailAddress.objects.filter(user=operator, email=EMAIL, verified=True).exists()
    assert signed_in.status_code == 302
    assert signed_in.url != reverse("account_email_verification_sent")
    assert mail.outbox == []
