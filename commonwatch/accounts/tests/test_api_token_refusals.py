"""A refused token is told why (RFC 6750), and only what its holder may learn.

Holding a token's value is the only way to ask about it, so its holder may learn it
expired; whether a value that works for nobody was ever a token (revoked, or never
made) is not said.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from commonwatch.accounts import services
from commonwatch.accounts.models import ApiToken

GONE = "This token was revoked or does not exist."
GONE_CHALLENGE = f'Bearer error="invalid_token", error_description="{GONE}"'


def _bearer(raw: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _expire(token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(days=1))


@pytest.mark.django_db
def test_a_call_with_no_token_and_no_session_is_asked_for_one():
    refused = Client().get("/api/v1/me")

    assert refused.status_code == 401
    assert refused["WWW-Authenticate"] == "Bearer"
    assert refused.json() == {
        "detail": "Sign in, or send a personal token as Authorization: Bearer <token>."
    }


def test_an_expired_token_is_told_it_expired(resident):
    token, raw = services.create_api_token(user=resident, name="script")
    _expire(token)

    refused = _bearer(raw).get("/api/v1/feed")

    assert refused.status_code == 401
    assert refused.json() == {"detail": "This token has expired."}
    assert refused["WWW-Authenticate"] == (
        'Bearer error="invalid_token", error_description="This token has expired."'
    )


def test_a_revoked_token_and_one_never_made_are_refused_alike(resident):
    token, revoked = services.create_api_token(user=resident, name="script")
    ApiToken.objects.filter(pk=token.pk).delete()
    never_made = "cw_" + revoked.removeprefix("cw_")[::-1]

    answers = [_bearer(raw).get("/api/v1/me") for raw in (revoked, never_made)]

    for refused in answers:
        assert refused.status_code == 401
        assert refused.json() == {"detail": GONE}
        assert refused["WWW-Authenticate"] == GONE_CHALLENGE


def test_a_token_of_a_deactivated_account_says_nothing_of_the_account(resident):
    """A live token stops as a revoked one does, and an expired one still says only that
    it expired: whether its account was closed or suspended is not the token's to tell."""
    live, live_raw = services.create_api_token(user=resident, name="live")
    old, old_raw = services.create_api_token(user=resident, name="old")
    _expire(old)
    before = _bearer(old_raw).get("/api/v1/me").json()
    type(resident).objects.filter(pk=resident.pk).update(is_active=False)

    assert _bearer(live_raw).get("/api/v1/me").json() == {"detail": GONE}
    assert (
        _bearer(old_raw).get("/api/v1/me").json() == before == {"detail": "This token has expired."}
    )


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["not-a-token", "cwcam_abc", "Basic abc"])
def test_something_that_is_not_a_personal_token_is_told_so(value):
    refused = _bearer(value).get("/api/v1/me")

    assert refused.status_code == 401
    message = "This is not a personal token: those start with cw_."
    assert refused.json() == {"detail": message}
    assert refused["WWW-Authenticate"] == (
        f'Bearer error="invalid_token", error_description="{message}"'
    )


def test_a_token_refused_for_its_role_is_not_asked_to_authenticate_again(cast):
    """403 (staff work) is not a token problem: no challenge."""
    _token, raw = services.create_api_token(user=cast["moderator"], name="queue bot")

    refused = _bearer(raw).get("/api/v1/moderation/queue")

    assert refused.status_code == 403
    assert "WWW-Authenticate" not in refused


def test_the_tokens_page_marks_an_expired_token_as_expired(client, resident):
    expired, _raw = services.create_api_token(user=resident, name="old backup")
    services.create_api_token(user=resident, name="current backup")
    _expire(expired)
    client.force_login(resident)

    rows = client.get(reverse("accounts:api_tokens")).content.decode().split("<tr ")[2:]

    old = next(row for row in rows if "old backup" in row)
    current = next(row for row in rows if "current backup" in row)
    assert "Expired" in old
    assert "Expired" not in current
