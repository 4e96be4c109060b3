"""Changing the sign-in address: add it, confirm it, and it becomes the primary one."""

from __future__ import annotations

import re

from allauth.account.models import EmailAddress
from django.urls import reverse

from commonwatch.accounts import throttle
from commonwatch.accounts.tests.factories import PASSWORD, sign_in
from commonwatch.accounts.tests.test_mfa_login import current_code

LINK = re.compile(r"https?://[^/\s]+(/accounts/confirm-email/[^/\s]+/)")


def _signed_in_and_password_given_again(client, user):
    """Changing the address asks for the password again (allauth's reauthentication)."""
    client.force_login(user)
    confirmed = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert confirmed.status_code == 302


def test_a_new_address_becomes_primary_only_after_it_is_confirmed(
    client, resident, mailoutbox, django_capture_on_commit_callbacks
):
    old_email = resident.email
    _signed_in_and_password_given_again(client, resident)

    with django_capture_on_commit_callbacks(execute=True):
        added = client.post(
            reverse("account_email"), {"email": "moved@example.org", "action_add": ""}
        )
    assert added.status_code == 302
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["moved@example.org"]
    resident.refresh_from_db()
    assert resident.email == old_email, "an unconfirmed address changes nothing yet"

    confirm_path = LINK.search(mailoutbox[0].body).group(1)
    assert client.post(confirm_path).status_code == 302

    new_address = EmailAddress.objects.get(user=resident, email="moved@example.org")
    assert new_address.verified
    if not new_address.primary:  # allauth's "make primary" action, for older flows
        client.post(reverse("account_email"), {"email": "moved@example.org", "action_primary": ""})
        new_address.refresh_from_db()
    assert new_address.primary
    resident.refresh_from_db()
    assert resident.email == "moved@example.org"

    client.logout()
    signed_in = client.post(
        reverse("account_login"), {"login": "moved@example.org", "password": PASSWORD}
    )
    assert signed_in["Location"] == reverse("accounts:home")  # no home yet: setting it comes first
    client.logout()
    refused = client.post(reverse("account_login"), {"login": old_email, "password": PASSWORD})
    assert refused.status_code == 200


def test_changing_the_address_asks_for_the_password_again(
    client, resident, mailoutbox, django_capture_on_commit_callbacks
):
    """Whoever finds a signed-in browser must not be able to move the account to their
    own address (and then reset its password there)."""
    client.force_login(resident)  # the password not given again

    with django_capture_on_commit_callbacks(execute=True):
        added = client.post(
            reverse("account_email"), {"email": "thief@example.org", "action_add": ""}
        )

    assert added.status_code == 302
    assert added["Location"].startswith(reverse("account_reauthenticate"))
    assert not EmailAddress.objects.filter(email="thief@example.org").exists()
    assert mailoutbox == []


def test_the_old_address_hears_that_the_account_moved(
    client, resident, mailoutbox, django_capture_on_commit_callbacks
):
    old_email = resident.email
    _signed_in_and_password_given_again(client, resident)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_email"), {"email": "moved@example.org", "action_add": ""})
    confirm_path = LINK.search(mailoutbox[0].body).group(1)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirm_path)

    told = [message for message in mailoutbox if message.to == [old_email]]
    assert len(told) == 1
    assert "moved@example.org" in told[0].body
    assert told[0].subject == "[Commonwatch] Your e-mail address was changed"
    assert re.search(r"- Time: \d+ \w+ \d{4}, \d\d:\d\d [A-Z]{3}", told[0].body), told[0].body


def test_staff_with_an_authenticator_app_move_to_a_new_address(
    client, cast, mailoutbox, django_capture_on_commit_callbacks
):
    """Staff must have a second factor; allauth's default would keep them from ever adding
    an address. They confirm the factor again, then the new address gets its link."""
    moderator = cast["moderator"]
    sign_in(client, moderator)
    confirmed = client.post(
        reverse("mfa_reauthenticate"), {"code": current_code(moderator.totp_secret)}
    )
    assert confirmed.status_code == 302

    with django_capture_on_commit_callbacks(execute=True):
        added = client.post(
            reverse("account_email"), {"email": "moved.mod@example.org", "action_add": ""}
        )

    assert added.status_code == 302, added.content.decode()[:500]
    assert [m.to for m in mailoutbox] == [["moved.mod@example.org"]]


def test_giving_the_password_again_is_slowed_without_offering_a_code(client, resident, monkeypatch):
    monkeypatch.setattr(throttle, "now", lambda: 1_900_000_000.0)  # the wait never passes
    client.force_login(resident)
    for n in range(throttle.FREE_FAILURES):
        client.post(reverse("account_reauthenticate"), {"password": f"guess {n}"})

    page = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})

    text = page.content.decode()
    assert "Too many wrong passwords. Try again in 1 second." in text
    assert "code sent to your e-mail" not in text
