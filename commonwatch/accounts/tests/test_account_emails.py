"""The e-mails that let a person join or back in name the site, read as plain text and
link to SITE_URL, whatever host the request came in on."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from commonwatch.accounts.tests.factories import UserFactory

SITE_URL = "https://commonwatch.example"
LINK = re.compile(r"https?://\S+/accounts/(?:confirm-email|password/reset/key)/\S+/")
ADDRESS = "o'neil.&.sons@example.org"  # escaped, it would read o&#x27;neil.&amp;.sons


@pytest.fixture
def site_url(settings):
    settings.SITE_URL = SITE_URL
    return SITE_URL


def _assert_plain_and_named(message):
    assert "Commonwatch" in message.subject
    assert "Hello from Commonwatch!" in message.body
    assert "Thank you for using Commonwatch!" in message.body
    for text in (message.subject, message.body):
        assert "&#" not in text and "&amp;" not in text and "&quot;" not in text, text
    links = LINK.findall(message.body)
    assert links and all(link.startswith(SITE_URL + "/") for link in links), message.body


def test_the_verification_email_names_commonwatch_and_links_to_site_url(
    db, client, site_url, mailoutbox, django_capture_on_commit_callbacks
):
    password = "a long and unusual passphrase 42"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {"email": ADDRESS, "password1": password, "password2": password},
        )

    (message,) = mailoutbox
    _assert_plain_and_named(message)
    assert message.subject == "[Commonwatch] Confirm your e-mail address"
    assert f"because {ADDRESS} gave this address to join Commonwatch at commonwatch.example." in (
        message.body
    )


def test_the_password_reset_email_names_commonwatch_and_links_to_site_url(
    db, client, site_url, mailoutbox, django_capture_on_commit_callbacks
):
    person = UserFactory(email=ADDRESS)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": person.email})

    (message,) = mailoutbox
    _assert_plain_and_named(message)
    assert message.subject == "[Commonwatch] Reset your password"
    assert message.message()["Message-ID"].endswith("@commonwatch.example>")
    assert "password reset" in message.body


def test_a_reset_asked_for_an_unknown_address_names_commonwatch_and_the_address(
    db, client, site_url, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": ADDRESS})

    (message,) = mailoutbox
    assert "Hello from Commonwatch!" in message.body
    assert f"an account with email {ADDRESS}." in message.body
    assert f"{SITE_URL}{reverse('account_signup')}" in message.body
    assert "&#" not in message.body and "&amp;" not in message.body


def test_site_name_is_a_setting(
    db, client, site_url, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.SITE_NAME = "Riverside Watch"
    person = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": person.email})

    assert "Hello from Riverside Watch!" in mailoutbox[0].body
