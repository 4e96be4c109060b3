"""Signing in with a second factor: the code, recovery codes, and who may switch TOTP off."""

from __future__ import annotations

import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.adapter import get_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, generate_totp_secret, hotp_value
from django.urls import reverse

from commonwatch.accounts import services
from commonwatch.accounts.tests.factories import PASSWORD, UserFactory

STAFF = ("moderator", "officer_a", "oversight", "legal", "operator")

AUTHENTICATE = "/accounts/2fa/authenticate/"


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD))


def _password_step(client, user):
    return client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})


def _signed_in(client) -> bool:
    return client.get(reverse("web:home")).wsgi_request.user.is_authenticated


def test_signing_in_with_totp_asks_for_the_code_after_the_password(client, cast):
    officer = cast["officer_a"]

    response = _password_step(client, officer)

    assert response.status_code == 302
    assert response["Location"] == AUTHENTICATE
    assert not _signed_in(client), "the password alone does not sign in"
    page = client.get(AUTHENTICATE)
    assert page.status_code == 200
    assert b'name="code"' in page.content


def test_the_code_from_the_authenticator_app_completes_the_sign_in(client, cast):
    officer = cast["officer_a"]
    _password_step(client, officer)

    response = client.post(AUTHENTICATE, {"code": current_code(officer.totp_secret)})

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:home")  # no home yet: setting it comes first
    assert client.get("/api/v1/me").json()["email"] == officer.email


def test_a_wrong_code_does_not_sign_in(client, cast):
    officer = cast["officer_a"]
    _password_step(client, officer)
    wrong = f"{(int(current_code(officer.totp_secret)) + 1) % 1_000_000:06d}"

    response = client.post(AUTHENTICATE, {"code": wrong})

    assert response.status_code == 200
    assert b"Incorrect code" in response.content
    assert not _signed_in(client)


def test_a_resident_with_totp_is_asked_for_the_code_too(client, resident):
    secret = generate_totp_secret()
    services.enroll_totp(user=resident, secret=secret)

    assert _password_step(client, resident)["Location"] == AUTHENTICATE
    client.post(AUTHENTICATE, {"code": current_code(secret)})
    assert _signed_in(client)


def test_a_recovery_code_signs_in_once(client, db):
    officer = UserFactory()
    codes = services.enroll_totp(user=officer, secret=generate_totp_secret())

    _password_step(client, officer)
    assert client.post(AUTHENTICATE, {"code": codes[0]})["Location"] == reverse(
        "accounts:home"
    )  # no home yet: setting it comes first
    assert _signed_in(client)

    client.logout()
    _password_step(client, officer)
    reused = client.post(AUTHENTICATE, {"code": codes[0]})
    assert reused.status_code == 200, "a used recovery code is spent"
    assert not _signed_in(client)
    assert client.post(AUTHENTICATE, {"code": codes[1]}).status_code == 302
    assert _signed_in(client)


@pytest.mark.parametrize("persona", STAFF)
def test_staff_may_not_remove_their_only_second_factor(cast, persona):
    totp = Authenticator.objects.get(user=cast[persona], type=Authenticator.Type.TOTP)

    assert get_adapter().can_delete_authenticator(totp) is False


def test_a_resident_may_remove_their_totp(resident):
    services.enroll_totp(user=resident, secret=generate_totp_secret())
    totp = Authenticator.objects.get(user=resident, type=Authenticator.Type.TOTP)

    assert get_adapter().can_delete_authenticator(totp) is True


def _sign_in_with_code(client, user, secret):
    _password_step(client, user)
    assert client.post(AUTHENTICATE, {"code": current_code(secret)}).status_code == 302


def _deactivate_totp(client):
    """Press "Deactivate"; allauth first asks for the password again, then carries on."""
    asked = client.post(reverse("mfa_deactivate_totp"))
    assert asked["Location"].startswith(reverse("account_reauthenticate"))
    return client.post(asked["Location"], {"password": PASSWORD}, follow=True)


def test_the_deactivate_page_keeps_a_staff_members_totp(client, cast):
    officer = cast["legal"]
    _sign_in_with_code(client, officer, officer.totp_secret)

    _deactivate_totp(client)
    response = client.post(reverse("mfa_deactivate_totp"))

    assert response.status_code == 200
    assert b"You cannot deactivate two-factor authentication." in response.content
    assert Authenticator.objects.filter(user=officer, type=Authenticator.Type.TOTP).exists()
    assert client.get(reverse("web:home")).status_code == 200, "still let in"


def test_the_deactivate_page_removes_a_residents_totp(client, resident):
    secret = generate_totp_secret()
    services.enroll_totp(user=resident, secret=secret)
    _sign_in_with_code(client, resident, secret)

    _deactivate_totp(client)

    assert not Authenticator.objects.filter(user=resident, type=Authenticator.Type.TOTP).exists()
    client.logout()
    assert _password_step(client, resident)["Location"] == reverse(
        "accounts:home"
    )  # no home yet: setting it comes first


def test_second_factor_secrets_are_encrypted_in_the_database(cast):
    """A database dump alone yields no second factor: the key lives in ENCRYPTION_KEYS."""
    from django.db import connection

    officer = cast["officer_a"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM mfa_authenticator WHERE user_id = %s", [officer.pk])
        stored = " ".join(str(row[0]) for row in cursor.fetchall())

    assert officer.totp_secret not in stored
    totp = Authenticator.objects.get(user=officer, type=Authenticator.Type.TOTP)
    assert get_adapter().decrypt(totp.data["secret"]) == officer.totp_secret


def test_secrets_stored_in_plaintext_before_are_encrypted_by_the_migration(resident):
    """Migration 0006 encrypts what earlier versions stored in the clear, once."""
    from importlib import import_module

    from django.apps import apps

    secret = generate_totp_secret()
    plain = Authenticator.objects.create(
        user=resident, type=Authenticator.Type.TOTP, data={"secret": secret}
    )
    migration = import_module("commonwatch.accounts.migrations.0006_encrypt_second_factors")

    migration.encrypt_all(apps, None)
    migration.encrypt_all(apps, None)  # running it again changes nothing

    plain.refresh_from_db()
    assert plain.data["secret"] != secret
    assert get_adapter().decrypt(plain.data["secret"]) == secret


DEEP_JSON = '{"id": ' * 5000 + "1" + "}" * 5000


def test_a_passkey_answer_nested_too_deep_to_read_is_refused_not_a_server_error(client, db):
    """Anyone may post to the passkey sign-in: JSON nested past what Python parses used
    to fail the request (RecursionError) instead of being refused as unreadable."""
    response = client.post(reverse("mfa_login_webauthn"), {"credential": DEEP_JSON})

    assert response.status_code < 500
    assert not _signed_in(client)


def test_a_security_key_answer_nested_too_deep_is_refused_at_the_second_step(client, cast):
    _password_step(client, cast["officer_a"])

    response = client.post(AUTHENTICATE, {"credential": DEEP_JSON})

    assert response.status_code < 500
    assert not _signed_in(client)
