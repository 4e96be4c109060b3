"""Joining: sign up, confirm the e-mail address from the message, then sign in."""

from __future__ import annotations

import re

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core.cache import cache
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


def test_the_page_after_sign_up_says_how_to_get_a_new_link(db, client, mailoutbox):
    _sign_up(client, "new.neighbor@example.org")
    client.logout()
    page = client.get(reverse("account_email_verification_sent")).content.decode()
    assert "at most one every 3 minutes" in page
    assert f'href="{reverse("account_login")}"' in page

    with TestCase.captureOnCommitCallbacks(execute=True):
        _log_in(client, "new.neighbor@example.org")
    assert len(mailoutbox) == 1  # within 3 minutes of the last: none
    cache.clear()  # allauth's cooldown, passed
    with TestCase.captureOnCommitCallbacks(execute=True):
        _log_in(client, "new.neighbor@example.org")  # as the page says: a new link

    assert len(mailoutbox) == 2
    assert mailoutbox[1].to == ["new.neighbor@example.org"] and LINK.search(mailoutbox[1].body)


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
    assert response["Location"] == reverse("accounts:home")  # no home yet: setting it comes first
    home = client.get(reverse("accounts:home"))
    assert home.status_code == 200
    assert home.wsgi_request.user.email == "new.neighbor@example.org"


def test_the_confirmation_page_names_the_address_once_in_the_sites_words(db, client, mailoutbox):
    response = _sign_up(client, "new.neighbor@example.org")
    told = client.get(response["Location"]).content.decode()
    assert "Confirmation e-mail sent to new.neighbor@example.org." in told
    page = client.get(LINK.search(mailoutbox[0].body).group(1)).content.decode()
    assert "Confirm your e-mail address" in page
    assert "Confirm new.neighbor@example.org to finish joining Commonwatch." in page
    assert page.count("new.neighbor@example.org") == 1
    expired = client.get("/accounts/confirm-email/not-a-key/").content.decode()
    assert "This link has expired or is not valid." in expired
    assert f'href="{reverse("account_login")}"' in expired


def test_confirming_in_the_browser_that_signed_up_signs_in_and_opens_my_home(
    db, client, mailoutbox
):
    """allauth keeps the sign-up in this session (ACCOUNT_LOGIN_TIMEOUT, 15 minutes):
    confirming here finishes it, so the newcomer goes straight to choosing a home."""
    _sign_up(client, "new.neighbor@example.org")
    confirm_path = LINK.search(mailoutbox[0].body).group(1)

    assert client.get(confirm_path).status_code == 200
    confirmed = client.post(confirm_path, follow=True)

    assert confirmed.redirect_chain == [(reverse("accounts:home"), 302)]
    assert confirmed.status_code == 200
    assert confirmed.wsgi_request.user.email == "new.neighbor@example.org"


def test_confirming_on_another_device_confirms_but_asks_for_the_password(db, client, mailoutbox):
    """A link opened elsewhere (the phone's mail app) has no sign-up in its session:
    it confirms the address and sends to sign-in, so a leaked link never signs anyone in."""
    _sign_up(client, "new.neighbor@example.org")
    confirm_path = LINK.search(mailoutbox[0].body).group(1)
    other_device = Client()

    confirmed = other_device.post(confirm_path)

    assert confirmed["Location"] == reverse("account_login")
    assert EmailAddress.objects.get(email="new.neighbor@example.org").verified
    assert not other_device.get(reverse("web:home")).wsgi_request.user.is_authenticated
    response = _log_in(other_device, "new.neighbor@example.org")
    assert response["Location"] == reverse("accounts:home")  # no home yet: setting it comes first


def test_every_sign_up_mistake_is_told_at_once_beside_its_own_field(db, client, mailoutbox):
    """A bad address, a short password and a mistyped repeat: three errors in one
    answer, each tied to its input (aria-invalid, aria-describedby) for screen readers."""
    response = client.post(
        reverse("account_signup"),
        {"email": "not-an-address", "password1": "short", "password2": "shorter"},
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"email", "password1", "password2"}
    assert "valid email" in errors["email"][0]
    assert "too short" in errors["password1"][0]
    assert errors["password2"] == ["You must type the same password each time."]
    html = response.content.decode()
    for field in errors:
        assert f'<ul class="errorlist" id="id_{field}_error">' in html
        input_tag = re.search(rf'<input [^>]*id="id_{field}"[^>]*>', html).group(0)
        assert 'aria-invalid="true"' in input_tag
        assert re.search(rf'aria-describedby="[^"]*\bid_{field}_error\b', input_tag)
    assert not User.objects.exists() and not mailoutbox


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


def test_the_sign_up_page_says_what_joining_means(db, client):
    page = client.get(reverse("account_signup")).content.decode()
    assert "By signing up you agree to the" in page
    for name in ("web:terms", "web:guidelines", "web:privacy"):
        assert f'href="{reverse(name)}"' in page
    assert page.count('name="email"') == 1  # allauth's form is there, once
