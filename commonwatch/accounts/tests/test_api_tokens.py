"""Personal API tokens: shown once, stored as a digest, usable as Bearer, revocable."""

from __future__ import annotations

import hashlib
import html
import json
import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commonwatch.accounts import services
from commonwatch.accounts.models import ApiToken, Home
from commonwatch.accounts.tests.factories import UserFactory

RAW_TOKEN = re.compile(rb'<code id="new-token">([^<]+)</code>')


def _bearer(raw: str) -> Client:
    """A script's client: no session, no cookies, CSRF enforced as in production."""
    return Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {raw}")


def _create_on_page(client, name="backup script", scope="read") -> str:
    response = client.post(
        reverse("accounts:api_tokens"), {"name": name, "scope": scope, "lifetime_days": 30}
    )
    assert (response.status_code, response["Location"]) == (302, reverse("accounts:api_tokens"))
    return RAW_TOKEN.search(client.get(response["Location"]).content).group(1).decode()


def test_a_new_token_is_shown_once_and_only_its_digest_is_stored(client, resident):
    client.force_login(resident)

    raw = _create_on_page(client)

    token = ApiToken.objects.get(user=resident)
    assert token.digest == hashlib.sha256(raw.encode()).hexdigest()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {ApiToken._meta.db_table}")  # noqa: S608
        stored = [str(value) for row in cursor.fetchall() for value in row]
    assert all(raw not in value for value in stored)
    again = client.get(reverse("accounts:api_tokens"))
    assert raw.encode() not in again.content
    assert token.prefix.encode() in again.content
    assert b"<code>Authorization: Bearer <var>your-token</var></code>" in again.content


def test_reloading_after_creating_a_token_makes_no_other_and_shows_it_no_more(client, resident):
    client.force_login(resident)
    page = reverse("accounts:api_tokens")

    created = client.post(page, {"name": "backup script", "scope": "read", "lifetime_days": 30})
    shown = client.get(created["Location"])
    reloaded = client.get(page)

    raw = RAW_TOKEN.search(shown.content).group(1).decode()
    assert "no-store" in shown["Cache-Control"]
    assert raw.encode() not in reloaded.content
    assert ApiToken.objects.filter(user=resident).count() == 1
    assert raw not in str(dict(client.session))  # not kept in the session past its view


def test_a_bearer_token_reads_my_profile_and_sets_my_home_without_csrf(resident):
    _token, raw = services.create_api_token(user=resident, name="script", scope="write")
    script = _bearer(raw)

    me = script.get("/api/v1/me")
    home = script.put(
        "/api/v1/me/home",
        json.dumps({"lat": 39.74, "lng": -104.99, "radius_mi": 2}),
        content_type="application/json",
    )

    assert me.status_code == 200
    assert me.json()["email"] == resident.email
    assert home.status_code == 200
    assert Home.objects.get(user=resident).lat == 39.74


def test_using_a_token_records_when_it_was_last_used(resident):
    token, raw = services.create_api_token(user=resident, name="script")
    assert token.last_used_at is None

    _bearer(raw).get("/api/v1/me")

    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_token_used_again_within_minutes_writes_nothing_and_later_records_the_use(resident):
    token, raw = services.create_api_token(user=resident, name="script")
    script = _bearer(raw)
    script.get("/api/v1/me")
    token.refresh_from_db()
    first_use = token.last_used_at

    with CaptureQueriesContext(connection) as soon:
        again = script.get("/api/v1/me")
    ApiToken.objects.filter(pk=token.pk).update(
        last_used_at=first_use - services.TOKEN_USE_RESOLUTION
    )
    script.get("/api/v1/me")
    token.refresh_from_db()

    assert again.status_code == 200
    assert not [q["sql"] for q in soon.captured_queries if not q["sql"].startswith("SELECT")]
    assert token.last_used_at > first_use


def test_a_wrong_token_gets_401(resident):
    services.create_api_token(user=resident, name="script")

    assert _bearer("cw_not-a-real-token").get("/api/v1/me").status_code == 401


def test_a_revoked_token_gets_401(client, resident):
    token, raw = services.create_api_token(user=resident, name="script")
    assert _bearer(raw).get("/api/v1/me").status_code == 200
    client.force_login(resident)

    response = client.post(reverse("accounts:revoke_api_token", args=[token.pk]), follow=True)

    assert b"The token was revoked." in response.content
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    assert _bearer(raw).get("/api/v1/me").status_code == 401


def test_revoking_asks_first_on_a_page_that_needs_no_script(client, resident):
    token, raw = services.create_api_token(user=resident, name="backup script")
    client.force_login(resident)
    confirm_url = reverse("accounts:revoke_api_token", args=[token.pk])

    listing = client.get(reverse("accounts:api_tokens")).content.decode()
    # The list leads to the question; it holds no form that revokes in one click.
    assert f'href="{confirm_url}"' in listing
    assert f'action="{confirm_url}"' not in listing

    asked = client.get(confirm_url)
    page = asked.content.decode()
    assert asked.status_code == 200
    assert "Revoke “backup script”?" in page
    assert "Scripts using it stop at once" in page
    assert f'<form method="post" action="{confirm_url}"' in page
    assert "csrfmiddlewaretoken" in page
    assert f'href="{reverse("accounts:api_tokens")}"' in page  # the way back keeps it
    assert ApiToken.objects.filter(pk=token.pk).exists()
    assert _bearer(raw).get("/api/v1/me").status_code == 200


def test_the_revoke_question_is_not_asked_about_someone_elses_token(client, resident):
    token, _raw = services.create_api_token(user=resident, name="theirs")
    client.force_login(UserFactory())

    response = client.get(reverse("accounts:revoke_api_token", args=[token.pk]))

    assert response.status_code == 404
    assert b"theirs" not in response.content


def test_revoking_needs_the_csrf_token(resident):
    token, _raw = services.create_api_token(user=resident, name="script")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(resident)

    response = browser.post(reverse("accounts:revoke_api_token", args=[token.pk]))

    assert response.status_code == 403
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_a_token_of_a_deactivated_account_gets_401(resident):
    _token, raw = services.create_api_token(user=resident, name="script")
    resident.is_active = False
    resident.save()

    assert _bearer(raw).get("/api/v1/me").status_code == 401


def test_i_cannot_revoke_someone_elses_token(client, resident):
    token, raw = services.create_api_token(user=resident, name="theirs")
    intruder = UserFactory()
    client.force_login(intruder)

    response = client.post(reverse("accounts:revoke_api_token", args=[token.pk]))

    assert response.status_code == 404
    assert ApiToken.objects.filter(pk=token.pk).exists()
    assert _bearer(raw).get("/api/v1/me").json()["email"] == resident.email
    assert b"theirs" not in client.get(reverse("accounts:api_tokens")).content


def test_a_staff_token_does_no_staff_work(cast):
    """Staff work needs a session that passed a second factor and signs out when idle."""
    moderator = cast["moderator"]
    _token, raw = services.create_api_token(user=moderator, name="queue bot", scope="write")
    script = _bearer(raw)

    queue = script.get("/api/v1/moderation/queue")
    decision = script.post(
        "/api/v1/moderation/posts/1/decision", {"action": "approve"}, "application/json"
    )

    for refused in (queue, decision):
        assert refused.status_code == 403
        assert "cannot do staff work" in refused.json()["detail"]
    assert script.get("/api/v1/me").status_code == 200  # their own profile, as anyone


def test_an_expired_token_gets_401(resident):
    from datetime import timedelta

    from django.utils import timezone

    token, raw = services.create_api_token(user=resident, name="script", lifetime_days=7)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    assert _bearer(raw).get("/api/v1/me").status_code == 401


def test_a_read_only_token_reads_but_does_not_write(resident):
    _token, raw = services.create_api_token(user=resident, name="reader")
    script = _bearer(raw)

    moved = script.put(
        "/api/v1/me/home",
        json.dumps({"lat": 39.74, "lng": -104.99, "radius_mi": 2}),
        content_type="application/json",
    )

    assert script.get("/api/v1/me").status_code == 200
    assert moved.status_code == 403
    assert "may only read" in moved.json()["detail"]
    assert not Home.objects.filter(user=resident).exists()


def test_a_token_lasts_only_as_long_as_chosen(client, resident):
    from datetime import timedelta

    from django.utils import timezone

    client.force_login(resident)
    _create_on_page(client)

    token = ApiToken.objects.get(user=resident)
    assert abs(token.expires_at - (timezone.now() + timedelta(days=30))) < timedelta(minutes=1)
    assert token.scope == "read"
    page = client.get(reverse("accounts:api_tokens"))
    assert b"Read only" in page.content


def test_using_a_token_writes_its_last_use_at_most_every_few_minutes(
    resident, django_assert_num_queries
):
    _token, raw = services.create_api_token(user=resident, name="script")
    script = _bearer(raw)
    script.get("/api/v1/me")  # the first use is recorded

    with django_assert_num_queries(1):  # the token and its user, nothing written
        script.get("/api/v1/me")


def _used_then(raw: str, change) -> int:
    """The token works, `change` happens (as in another process: straight to the
    database), and the next request's status is returned."""
    script = _bearer(raw)
    assert script.get("/api/v1/me").status_code == 200
    change()
    return script.get("/api/v1/me").status_code


def test_a_token_deleted_in_the_database_is_refused_on_the_very_next_request(resident):
    token, raw = services.create_api_token(user=resident, name="script")

    status = _used_then(raw, lambda: ApiToken.objects.filter(pk=token.pk).delete())

    assert status == 401


def test_a_token_that_expires_between_two_requests_is_refused_on_the_second(resident):
    from datetime import timedelta

    from django.utils import timezone

    token, raw = services.create_api_token(user=resident, name="script")

    def expire():
        ApiToken.objects.filter(pk=token.pk).update(
            expires_at=timezone.now() - timedelta(microseconds=1)
        )

    assert _used_then(raw, expire) == 401


def test_a_token_whose_account_is_deactivated_after_use_is_refused(resident):
    _token, raw = services.create_api_token(user=resident, name="script")

    def deactivate():
        type(resident).objects.filter(pk=resident.pk).update(is_active=False)

    assert _used_then(raw, deactivate) == 401


def test_a_token_whose_account_is_closed_after_use_is_refused(resident):
    _token, raw = services.create_api_token(user=resident, name="script")

    status = _used_then(raw, lambda: services.delete_account(user=resident))

    assert status == 401


def test_a_token_answers_with_its_account_as_it_is_now(resident):
    """Nothing about the account is kept between requests: a new home shows at once."""
    Home.objects.filter(user=resident).delete()
    _token, raw = services.create_api_token(user=resident, name="script")
    script = _bearer(raw)
    assert script.get("/api/v1/me/home").status_code == 404
    services.set_home(user=resident, lat=39.74, lng=-104.99, radius_mi=2)

    home = script.get("/api/v1/me/home")

    assert home.status_code == 200
    assert home.json()["lat"] == 39.74


def test_the_page_says_a_read_token_reaches_my_cameras_exact_places_as_it_does(client, resident):
    from commonwatch.cameras.tests.factories import CameraFactory

    camera = CameraFactory(owner=resident)
    client.force_login(resident)
    page = html.unescape(client.get(reverse("accounts:api_tokens")).content.decode())
    assert "Read only: everything my account can see, with my cameras' exact places" in page
    assert "upload or delete my clips" in page

    raw = _create_on_page(client, scope="read")
    [seen] = _bearer(raw).get("/api/v1/cameras").json()
    assert (seen["lat"], seen["lng"]) == (camera.exact_lat, camera.exact_lng)
