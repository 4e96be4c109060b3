"""Joining: sign up, confirm the e-mail address from the message, then sign in."""

from __future__ import annotations

import re

from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client, TestCase
from django.urls import reverse

from commonwatch.accounts.models import Role, User

NEW_PASSWORD = "a long and unusual passphrase 42"
LINK = re.compile(r"https?://[^/\s]+(/accounts/confirm-email/[^/\s]+/)")


def _sign_up(client, email):
    """Sign up as a browser does; the e-mail leaves once the request's work is committed."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            reverse("account_signup"),
            {"email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )


def _log_in(client, email, password=NEW_PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_signing_up_sends_a_verification_email_with_a_confirmation_link(db, client, mailoutbox):
    response = _sign_up(client, "new.neighbor@example.org")

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["new.neighbor@example.org"]
    assert message.subject.startswith("[Commonwatch] ")
    assert LINK.search(message.body)
    user = User.objects.get(email="new.neighbor@example.org")
    assert user.role == Role.RESIDENT


def test_a_new_account_cannot_sign_in_before_its_email_is_confirmed(db, client, mailoutbox):
    _sign_up(client, "new.neighbor@example.org")
    client.logout()

    response = _log_in(client, "new.neighbor@example.org")

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert not client.get(reverse("accounts:home")).wsgi_request.user.is_authenticated


def test_following_the_confirmation_link_lets_the_new_account_sign_in(db, client, mailoutbox):
    _sign_up(client, "new.neighbor@example.org")
    client.logout()
    confirm_path = LINK.search(mailoutbox[0].body).group(1)

    page = client.get(confirm_path)
    assert page.status_code == 200
    assert b"new.neighbor@example.org" in page.content
    confirmed = client.post(confirm_path)
    assert confirmed.status_code == 302

    response = _log_in(client, "new.neighbor@example.org")
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")
    home = client.get(reverse("accounts:home"))
    assert home.status_code == 200
    assert home.wsgi_request.user.email == "new.neighbor@example.org"


class CountingHasher(MD5PasswordHasher):
    """The test hasher, counting how often a password is hashed (the slow part)."""

    algorithm = "counting_md5"
    hashed = 0

    def encode(self, password, salt):
        CountingHasher.hashed += 1
        return super().encode(password, salt)


def test_signing_up_with_a_taken_address_does_the_same_work_as_a_new_one(
    resident, settings, mailoutbox
):
    """Timing must not tell whether an address has an account: both answers hash the
    password once and send one e-mail, and both look the same."""
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    work = {}
    for email in ("new@example.org", resident.email):
        CountingHasher.hashed, before = 0, len(mailoutbox)
        response = _sign_up(Client(), email)
        work[email] = (CountingHasher.hashed, len(mailoutbox) - before, response["Location"])

    assert work["new@example.org"] == work[resident.email]
    assert work["new@example.org"][:2] == (1, 1)
