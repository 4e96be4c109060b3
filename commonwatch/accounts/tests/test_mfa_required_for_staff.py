"""Every staff role is held at TOTP setup until it has a second factor; residents are not."""

from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import generate_totp_secret
from django.urls import resolve, reverse

from commonwatch.accounts import services
from commonwatch.accounts.middleware import MFA_SETUP_URL_NAMES
from commonwatch.accounts.roles import STAFF_ROLES, Role
from commonwatch.accounts.tests.factories import PASSWORD, UserFactory
from commonwatch.web.navigation import entries_for

ACTIVATE = "/accounts/2fa/totp/activate/"


def pages_of(user) -> list[str]:
    """The front page, the delete page and every navigation entry the role may open."""
    urls = [reverse("web:home"), reverse("accounts:delete")]
    urls += [entry["url"] for entry in entries_for(user)]
    return [url for url in urls if resolve(url).url_name not in MFA_SETUP_URL_NAMES]


@pytest.mark.parametrize("role", sorted(STAFF_ROLES))
def test_staff_without_totp_are_sent_to_totp_setup_from_every_page(client, db, role):
    user = UserFactory(role=role)
    client.force_login(user)

    pages = pages_of(user)
    assert len(pages) >= 3
    for url in pages:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == ACTIVATE, url

    setup = client.get(ACTIVATE, follow=True)
    assert setup.status_code == 200
    assert b"requires two-factor authentication" in setup.content


@pytest.mark.parametrize("role", sorted(STAFF_ROLES))
def test_staff_without_totp_get_a_403_json_answer_from_the_api(client, db, role):
    user = UserFactory(role=role)
    client.force_login(user)

    response = client.get("/api/v1/me")

    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/json")
    assert "two-factor" in response.json()["detail"]


@pytest.mark.parametrize("role", sorted(STAFF_ROLES))
def test_staff_without_totp_are_refused_by_the_api_even_with_a_personal_token(db, client, role):
    user = UserFactory(role=role)
    _token, raw = services.create_api_token(user=user, name="made before promotion")

    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")

    assert response.status_code == 403
    assert "two-factor" in response.json()["detail"]


def test_a_staff_member_signing_in_without_totp_lands_on_the_setup_page(client, db):
    officer = UserFactory(role=Role.AGENCY_OFFICER)

    response = client.post(
        reverse("account_login"), {"login": officer.email, "password": PASSWORD}, follow=True
    )

    # allauth asks for the password again before any change to a second factor.
    hops = [url for url, _status in response.redirect_chain]
    assert hops[:2] == [reverse("web:home"), ACTIVATE]
    assert response.status_code == 200
    assert b"requires two-factor authentication" in response.content
    reauthenticated = client.post(hops[-1], {"password": PASSWORD}, follow=True)
    assert reauthenticated.redirect_chain[-1][0] == ACTIVATE
    assert b'name="code"' in reauthenticated.content


def test_a_resident_without_totp_is_not_sent_to_totp_setup(client, resident):
    client.force_login(resident)

    for url in pages_of(resident) + [reverse("accounts:home")]:
        assert client.get(url).status_code == 200, url
    assert client.get("/api/v1/me").status_code == 200


@pytest.mark.parametrize("role", sorted(STAFF_ROLES))
def test_once_totp_is_activated_the_staff_member_gets_in(client, db, role):
    user = UserFactory(role=role)
    services.enroll_totp(user=user, secret=generate_totp_secret())
    client.force_login(user)

    for url in pages_of(user):
        assert client.get(url).status_code == 200, url
    assert client.get("/api/v1/me").json()["role"] == role
