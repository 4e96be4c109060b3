"""Forgotten password: a reset e-mail, a link, a new password that works."""

from __future__ import annotations

import re

from django.urls import reverse

from commonwatch.accounts.tests.factories import PASSWORD

NEW_PASSWORD = "another long passphrase 7 rivers"
RESET_LINK = re.compile(r"https?://[^/\s]+(/accounts/password/reset/key/[^/\s]+/)")


def _log_in(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_a_password_reset_email_lets_the_owner_choose_a_new_password(
    client, resident, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": resident.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [resident.email]
    reset_path = RESET_LINK.search(mailoutbox[0].body).group(1)

    form_page = client.get(reset_path, follow=True)
    assert form_page.status_code == 200
    set_path = form_page.redirect_chain[-1][0] if form_page.redirect_chain else reset_path
    done = client.post(set_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302

    client.logout()
    assert _log_in(client, resident.email, PASSWORD).status_code == 200, "old password refused"
    assert _log_in(client, resident.email, NEW_PASSWORD)["Location"] == reverse("web:home")


def test_a_password_reset_for_an_unknown_address_reveals_nothing(
    db, client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})

    assert response.status_code == 302
    assert all("reset/key" not in message.body for message in mailoutbox)
