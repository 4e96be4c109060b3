"""Five wrong passwords lock the account for ten minutes (CJIS 5.5.3)."""

from __future__ import annotations

from django.urls import reverse

from commonwatch.accounts.tests.factories import PASSWORD

LOCKED = b"Too many failed login attempts. Try again later."


def _log_in(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_after_five_wrong_passwords_even_the_right_one_is_refused(client, resident):
    for _attempt in range(5):
        response = _log_in(client, resident.email, "wrong password")
        assert response.status_code == 200
        assert LOCKED not in response.content

    response = _log_in(client, resident.email, PASSWORD)

    assert response.status_code in (200, 429)
    assert LOCKED in response.content
    assert not client.get(reverse("web:home")).wsgi_request.user.is_authenticated


def test_four_wrong_passwords_still_allow_the_right_one(client, resident):
    for _attempt in range(4):
        _log_in(client, resident.email, "wrong password")

    assert _log_in(client, resident.email, PASSWORD)["Location"] == reverse("web:home")


def test_the_lockout_holds_from_another_browser(client, resident):
    from django.test import Client

    for _attempt in range(5):
        _log_in(client, resident.email, "wrong password")

    other = Client(REMOTE_ADDR="203.0.113.9")
    response = _log_in(other, resident.email, PASSWORD)

    assert LOCKED in response.content
