"""A resident's home point and alert radius: set by page or API, validated, kept private."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from commonwatch.accounts.models import Home
from commonwatch.accounts.tests.factories import HomeFactory, UserFactory, sign_in
from commonwatch.geo.distance import miles_to_m

# Distinctive coordinates, easy to spot in any response that leaks them.
SECRET_LAT, SECRET_LNG = 39.7412345, -104.9876543


def _put_home(client, **payload):
    return client.put("/api/v1/me/home", json.dumps(payload), content_type="application/json")


def test_a_resident_sets_their_home_on_the_page(client, resident):
    client.force_login(resident)

    response = client.post(
        reverse("accounts:home"),
        {"lat": SECRET_LAT, "lng": SECRET_LNG, "radius_mi": 1.5},
        follow=True,
    )

    assert b"Your home and alert radius are saved." in response.content
    home = Home.objects.get(user=resident)
    assert (home.lat, home.lng) == (SECRET_LAT, SECRET_LNG)
    assert home.radius_m == pytest.approx(miles_to_m(1.5))


def test_a_resident_moves_their_home_through_the_api(client, resident):
    HomeFactory(user=resident)
    client.force_login(resident)

    response = _put_home(client, lat=SECRET_LAT, lng=SECRET_LNG, radius_mi=0.25)

    assert response.status_code == 200
    assert response.json() == {"lat": SECRET_LAT, "lng": SECRET_LNG, "radius_mi": 0.25}
    assert Home.objects.filter(user=resident).count() == 1
    assert client.get("/api/v1/me/home").json()["radius_mi"] == 0.25
    assert client.get("/api/v1/me").json()["has_home"] is True


def test_a_radius_set_through_the_api_can_be_sent_back_by_the_page(client, resident):
    """The page's number field takes any radius the API takes: a browser refuses to send
    a form whose number is off the field's step (1.1 against steps of 0.25)."""
    HomeFactory(user=resident)
    client.force_login(resident)
    _put_home(client, lat=SECRET_LAT, lng=SECRET_LNG, radius_mi=1.1)

    page = client.get(reverse("accounts:home")).content.decode()

    field = re.search(r'<input[^>]*name="radius_mi"[^>]*>', page).group(0)
    assert 'value="1.1"' in field and 'step="any"' in field


@pytest.mark.parametrize("radius_mi", [0.2, 5.5, 100])
def test_a_radius_outside_a_quarter_to_five_miles_is_refused_by_the_api(
    client, resident, radius_mi
):
    client.force_login(resident)

    response = _put_home(client, lat=SECRET_LAT, lng=SECRET_LNG, radius_mi=radius_mi)

    assert response.status_code == 422
    fields = [error["loc"][-1] for error in response.json()["detail"]]
    assert fields == ["radius_mi"]
    assert not Home.objects.filter(user=resident).exists()


def test_a_latitude_of_91_is_refused_by_the_api(client, resident):
    client.force_login(resident)

    response = _put_home(client, lat=91, lng=SECRET_LNG, radius_mi=1)

    assert response.status_code == 422
    assert [error["loc"][-1] for error in response.json()["detail"]] == ["lat"]
    assert not Home.objects.filter(user=resident).exists()


def test_a_refused_update_keeps_the_previous_home(client, resident):
    HomeFactory(user=resident, lat=SECRET_LAT, lng=SECRET_LNG)
    client.force_login(resident)

    assert _put_home(client, lat=SECRET_LAT, lng=SECRET_LNG, radius_mi=9).status_code == 422

    home = Home.objects.get(user=resident)
    assert home.radius_m == pytest.approx(miles_to_m(1))


@pytest.mark.parametrize(
    ("field", "data"),
    [
        ("radius_mi", {"lat": SECRET_LAT, "lng": SECRET_LNG, "radius_mi": 6}),
        ("radius_mi", {"lat": SECRET_LAT, "lng": SECRET_LNG, "radius_mi": 0.1}),
        ("lat", {"lat": 91, "lng": SECRET_LNG, "radius_mi": 1}),
    ],
)
def test_the_page_refuses_out_of_range_values_and_saves_nothing(client, resident, field, data):
    client.force_login(resident)

    response = client.post(reverse("accounts:home"), data)

    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert b"Your home and alert radius are saved." not in response.content
    assert not Home.objects.filter(user=resident).exists()


def test_another_resident_never_sees_my_home(client, resident):
    HomeFactory(user=resident, lat=SECRET_LAT, lng=SECRET_LNG)
    neighbor = UserFactory()
    client.force_login(neighbor)

    responses = [
        client.get("/api/v1/me"),
        client.get("/api/v1/me/home"),
        client.get(reverse("accounts:home")),
        client.get(reverse("web:home")),
    ]

    assert responses[0].json()["has_home"] is False
    assert responses[1].status_code == 404
    for response in responses:
        assert str(SECRET_LAT).encode() not in response.content
        assert str(SECRET_LNG).encode() not in response.content


def test_an_operator_does_not_see_home_points_in_the_admin(client, resident, cast):
    HomeFactory(user=resident, lat=SECRET_LAT, lng=SECRET_LNG)
    sign_in(client, cast["operator"])

    changelist = client.get(reverse("admin:accounts_user_changelist"))
    change = client.get(reverse("admin:accounts_user_change", args=[resident.pk]))
    index = client.get(reverse("admin:index"))

    assert changelist.status_code == change.status_code == index.status_code == 200
    assert resident.email.encode() in changelist.content
    for response in (changelist, change, index):
        assert str(SECRET_LAT).encode() not in response.content
        assert str(SECRET_LNG).encode() not in response.content
        assert b"/admin/accounts/home/" not in response.content


def test_the_signed_in_user_comes_with_their_home_in_one_query(resident, django_assert_num_queries):
    """The feed, the map and the live channel read the home of every request's user."""
    from commonwatch.accounts.backends import ResidentAuthenticationBackend
    from commonwatch.accounts.selectors import home_of

    home = HomeFactory(user=resident)
    with django_assert_num_queries(1):
        user = ResidentAuthenticationBackend().get_user(resident.pk)
        assert home_of(user) == home


def test_home_of_is_none_without_a_home_or_a_session(resident):
    from django.contrib.auth.models import AnonymousUser

    from commonwatch.accounts.selectors import home_of

    assert home_of(resident) is None
    assert home_of(AnonymousUser()) is None


def test_moving_the_home_updates_what_the_same_request_reads(resident):
    from commonwatch.accounts.selectors import home_of
    from commonwatch.accounts.services import set_home

    HomeFactory(user=resident, lat=40.0, lng=-105.0)
    assert home_of(resident).lat == 40.0
    set_home(user=resident, lat=SECRET_LAT, lng=SECRET_LNG, radius_mi=1)
    assert (home_of(resident).lat, home_of(resident).lng) == (SECRET_LAT, SECRET_LNG)


def test_a_home_changes_a_few_times_a_day_then_says_when_it_may_change_again(client, resident):
    """Moving a circle around is how points were trilaterated: four changes a day, then a
    clear refusal with the time of the next allowed change, on the page and the API."""
    from commonwatch.accounts.models import HOME_CHANGES_PER_DAY

    client.force_login(resident)
    for step in range(HOME_CHANGES_PER_DAY):
        assert _put_home(client, lat=40.0 + step / 100, lng=-105.0, radius_mi=1).status_code == 200

    refused = _put_home(client, lat=41.0, lng=-105.0, radius_mi=1)
    page = client.post(reverse("accounts:home"), {"lat": 41.0, "lng": -105.0, "radius_mi": 2})

    assert refused.status_code == 429
    assert "Your next change is possible at" in refused.json()["detail"]
    assert refused.json()["retry_at"] and 0 < int(refused["Retry-After"]) <= 24 * 3600
    assert page.status_code == 429
    assert b"Your next change is possible at" in page.content
    home = Home.objects.get(user=resident)
    assert (home.lat, home.radius_m) == (40.03, pytest.approx(miles_to_m(1)))


def test_the_refusal_gives_the_next_change_on_the_readers_clock(client, resident, settings):
    """The time is shown in the browser's zone, so it must name that zone, not the site's."""
    from commonwatch.accounts.models import HOME_CHANGES_PER_DAY

    settings.TIME_ZONE = "America/Denver"
    client.cookies["tz"] = "Asia/Tokyo"
    client.force_login(resident)
    for step in range(HOME_CHANGES_PER_DAY):
        _put_home(client, lat=40.0 + step / 100, lng=-105.0, radius_mi=1)

    detail = _put_home(client, lat=41.0, lng=-105.0, radius_mi=1).json()["detail"]

    assert "(Asia/Tokyo)" in detail
    assert "America/Denver" not in detail


def test_saving_the_same_home_again_is_not_a_change(client, resident):
    from commonwatch.accounts.models import HOME_CHANGES_PER_DAY

    client.force_login(resident)
    for _attempt in range(HOME_CHANGES_PER_DAY + 2):
        response = client.post(
            reverse("accounts:home"),
            {"lat": SECRET_LAT, "lng": SECRET_LNG, "radius_mi": 1},
        )
        assert response.status_code == 302


def test_a_day_later_the_home_may_change_again(client, resident):
    from datetime import timedelta

    from django.utils import timezone

    from commonwatch.accounts.models import HOME_CHANGES_PER_DAY, HomeChange

    client.force_login(resident)
    for step in range(HOME_CHANGES_PER_DAY):
        _put_home(client, lat=40.0 + step / 100, lng=-105.0, radius_mi=1)
    HomeChange.objects.update(changed_at=timezone.now() - timedelta(hours=24, minutes=1))

    assert _put_home(client, lat=41.0, lng=-105.0, radius_mi=1).status_code == 200


@pytest.mark.parametrize(
    ("payload", "bad"),
    [
        ('{"lat": 40.0, "lng": false, "radius_mi": 1}', "lng"),
        ('{"lat": 40.0, "lng": -105.0, "radius_mi": true}', "radius_mi"),
        ('{"lat": "nan", "lng": -105.0, "radius_mi": 1}', "lat"),
    ],
)
def test_a_home_of_booleans_or_nan_is_refused_by_field(client, resident, payload, bad):
    client.force_login(resident)

    response = client.put("/api/v1/me/home", payload, content_type="application/json")

    assert response.status_code == 422
    assert {error["loc"][-1] for error in response.json()["detail"]} == {bad}
    assert not Home.objects.filter(user=resident).exists()


@pytest.mark.parametrize(
    "payload",
    [
        '{"lat": NaN, "lng": -105.0, "radius_mi": 1}',
        '{"lat": Infinity, "lng": -105.0, "radius_mi": 1}',
        '{"lat": 40.0, "lng": -105.0, "radius_mi": -Infinity}',
        '{"lat": 1e999, "lng": -105.0, "radius_mi": 1}',
    ],
)
def test_a_home_of_numbers_json_cannot_hold_is_not_json(client, resident, payload):
    """NaN, infinities and numbers past a double are not JSON (RFC 8259 §6)."""
    client.force_login(resident)

    response = client.put("/api/v1/me/home", payload, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["detail"].startswith("The body is not valid JSON: ")
    assert not Home.objects.filter(user=resident).exists()


@pytest.mark.parametrize("url", ["/account/home/", "/api/v1/me/home", "/feed/new/"])
def test_pages_that_hold_a_home_point_are_never_cached(client, resident, url):
    HomeFactory(user=resident, lat=SECRET_LAT, lng=SECRET_LNG)
    client.force_login(resident)

    response = client.get(url)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_a_new_post_never_starts_at_the_exact_home(client, resident):
    """The author places the post; the map opens on the home's ~100 m cell."""
    from commonwatch.geo.approximate import approximate_location

    HomeFactory(user=resident, lat=SECRET_LAT, lng=SECRET_LNG)
    client.force_login(resident)

    page = client.get(reverse("community:new"))

    assert str(SECRET_LAT).encode() not in page.content
    assert str(SECRET_LNG).encode() not in page.content
    cell_lat, cell_lng = approximate_location(SECRET_LAT, SECRET_LNG)
    assert f'data-center-lat="{cell_lat:f}"'.encode() in page.content
    assert page.context["form"]["lat"].value() is None
