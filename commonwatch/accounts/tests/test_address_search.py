"""Finding a home by address: the site's own endpoint, in front of its geocoder."""

from __future__ import annotations

import socket

import pytest

from commonwatch.accounts.tests.factories import sign_in
from commonwatch.geo import geocoding


@pytest.fixture
def demo_geocoder(settings):
    settings.GEOCODER, settings.GEOCODER_URL = "demo", ""


def test_a_resident_finds_a_demo_address(client, resident, demo_geocoder):
    sign_in(client, resident)
    response = client.get("/api/v1/places", {"q": "4100 Elm St"})
    assert response.status_code == 200
    [place] = response.json()
    assert place["label"] == "4100 Elm St"
    assert {"lat", "lng"} <= set(place)


@pytest.mark.parametrize("query", ["  ", "x" * (geocoding.MAX_QUERY_CHARS + 1)])
def test_a_query_of_the_wrong_length_is_a_422(client, resident, demo_geocoder, query):
    sign_in(client, resident)
    assert client.get("/api/v1/places", {"q": query}).status_code == 422


def test_too_many_searches_are_a_429_with_when_to_retry(client, resident, demo_geocoder):
    sign_in(client, resident)
    for n in range(geocoding.SEARCHES_PER_MINUTE):
        assert client.get("/api/v1/places", {"q": f"{n}00 Elm St"}).status_code == 200
    refused = client.get("/api/v1/places", {"q": "Elm"})
    assert refused.status_code == 429
    assert refused.headers["Retry-After"]


def test_a_geocoder_that_is_down_is_a_503_that_names_the_other_ways(client, resident, settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.GEOCODER, settings.GEOCODER_URL = "nominatim", f"http://127.0.0.1:{port}"
    sign_in(client, resident)
    response = client.get("/api/v1/places", {"q": "Elm St"})
    assert response.status_code == 503
    assert "type the coordinates" in response.json()["detail"]
    # The keyboard fallback still sets the home.
    saved = client.post("/account/home/", {"lat": 39.74, "lng": -104.99, "radius_mi": 1})
    assert saved.status_code == 302


def test_without_a_geocoder_the_page_offers_no_search_but_location_and_the_map(
    client, resident, settings
):
    settings.GEOCODER = ""
    sign_in(client, resident)
    page = client.get("/account/home/").content.decode()
    assert "Search your address" not in page
    assert "Use my location" in page
    assert "Use your location, or tap the map at your home" in page  # as the post form says
    assert client.get("/api/v1/places", {"q": "Elm St"}).status_code == 503


def test_with_a_geocoder_the_home_page_offers_the_search(client, resident, demo_geocoder):
    sign_in(client, resident)
    page = client.get("/account/home/").content.decode()
    assert "Search your address" in page and 'data-places-url="/api/v1/places"' in page
    assert "or tap the map at your home" in page and "click the map" not in page
