"""Staff sessions end after STAFF_IDLE_TIMEOUT_SECONDS without a request; residents'
only when they ask for it."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from commonwatch.accounts.middleware import LAST_SEEN_KEY
from commonwatch.accounts.tests.factories import sign_in

STAFF = ("moderator", "officer_a", "oversight", "legal", "operator")


def _last_seen(client, seconds_ago: int) -> None:
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - seconds_ago
    session.save()


@pytest.mark.parametrize("persona", STAFF)
def test_an_idle_staff_member_is_signed_out_and_sent_to_sign_in(client, cast, settings, persona):
    sign_in(client, cast[persona])
    _last_seen(client, settings.STAFF_IDLE_TIMEOUT_SECONDS + 5)

    response = client.get(reverse("accounts:api_tokens"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=%2Faccount%2Ftokens%2F"
    login_page = client.get(response["Location"])
    assert b"You were signed out after 30 minutes without activity." in login_page.content
    assert not login_page.wsgi_request.user.is_authenticated
    assert client.get("/api/v1/me").status_code == 401


def test_an_api_call_after_idling_is_told_in_json_not_sent_to_a_page(client, cast, settings):
    sign_in(client, cast["officer_a"])
    _last_seen(client, settings.STAFF_IDLE_TIMEOUT_SECONDS + 5)

    answer = client.get("/api/v1/me")

    assert answer.status_code == 401
    assert answer.json() == {"detail": "You were signed out after 30 minutes without activity."}
    assert client.get("/api/v1/me").status_code == 401  # and stays signed out


def test_a_staff_member_active_within_the_timeout_stays_signed_in(client, cast, settings):
    sign_in(client, cast["officer_a"])
    _last_seen(client, settings.STAFF_IDLE_TIMEOUT_SECONDS - 60)

    assert client.get(reverse("accounts:api_tokens")).status_code == 200
    assert client.get("/api/v1/me").status_code == 200


def test_the_message_names_the_configured_timeout(client, cast, settings):
    settings.STAFF_IDLE_TIMEOUT_SECONDS = 10 * 60
    sign_in(client, cast["legal"])
    _last_seen(client, 11 * 60)

    login_page = client.get(reverse("accounts:api_tokens"), follow=True)

    assert b"You were signed out after 10 minutes without activity." in login_page.content


def test_an_idle_resident_stays_signed_in(client, resident, settings):
    client.force_login(resident)
    _last_seen(client, settings.STAFF_IDLE_TIMEOUT_SECONDS * 10)

    response = client.get(reverse("accounts:api_tokens"))

    assert response.status_code == 200
    assert response.wsgi_request.user == resident


def test_a_resident_who_asks_for_it_is_signed_out_when_idle(client, resident, settings):
    client.force_login(resident)
    page = client.get(reverse("accounts:settings"))
    assert b"Sign me out when I am idle" in page.content
    client.post(reverse("accounts:settings"), {"idle_sign_out": "on"})
    resident.refresh_from_db()
    assert resident.idle_sign_out is True
    _last_seen(client, settings.STAFF_IDLE_TIMEOUT_SECONDS + 5)

    response = client.get(reverse("accounts:api_tokens"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_pages_carry_the_warning_only_for_those_signed_out_when_idle(client, cast, settings):
    """The warning before the sign-out (web/idle-warning.js) comes with every page for
    staff and a resident who asked for the sign-out, never for other residents."""
    settings.STAFF_IDLE_TIMEOUT_SECONDS = 10 * 60
    resident = cast["resident"]
    warned = 'id="idle-warning" aria-labelledby="idle-warning-text" data-idle-seconds="600"'

    sign_in(client, resident)
    assert "idle-warning" not in client.get(reverse("accounts:settings")).content.decode()
    client.post(reverse("accounts:settings"), {"idle_sign_out": "on"})
    assert warned in client.get(reverse("accounts:settings")).content.decode()
    sign_in(client, cast["moderator"])
    assert warned in client.get(reverse("accounts:settings")).content.decode()
