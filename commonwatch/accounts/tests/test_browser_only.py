"""API calls with a personal token skip the session, sign-in and messages middleware."""

from __future__ import annotations

import pytest
from django.test import Client

from commonwatch.accounts import services
from commonwatch.accounts.tests.factories import UserFactory


def test_a_token_call_answers_as_the_token_even_beside_someone_elses_session(resident):
    _token, raw = services.create_api_token(user=resident, name="script")
    browser = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    browser.force_login(UserFactory())  # another person's session cookie rides along

    me = browser.get("/api/v1/me")

    assert me.status_code == 200
    assert me.json()["email"] == resident.email
    assert "Set-Cookie" not in me.headers


def test_a_wrong_token_is_refused_even_with_a_signed_in_session(resident):
    browser = Client(HTTP_AUTHORIZATION="Bearer cw_not-a-real-token")
    browser.force_login(resident)

    assert browser.get("/api/v1/me").status_code == 401


def test_a_session_call_to_the_api_still_uses_its_session(client, resident):
    client.force_login(resident)

    me = client.get("/api/v1/me")

    assert me.status_code == 200
    assert me.json()["email"] == resident.email


def test_a_page_with_a_bearer_header_still_uses_its_session(resident):
    browser = Client(HTTP_AUTHORIZATION="Bearer cw_not-a-real-token")
    browser.force_login(resident)

    assert browser.get("/account/tokens/").status_code == 200


@pytest.mark.parametrize("scheme", ["bearer", "BEARER", "Bearer"])
def test_the_bearer_scheme_is_named_in_any_case(resident, scheme):
    _token, raw = services.create_api_token(user=resident, name="script")
    mine = Client(HTTP_AUTHORIZATION=f"{scheme} {raw}")
    wrong = Client(HTTP_AUTHORIZATION=f"{scheme} cw_not-a-real-token")
    wrong.force_login(resident)  # the token decides, not the session beside it

    assert mine.get("/api/v1/me").json()["email"] == resident.email
    assert wrong.get("/api/v1/me").status_code == 401
