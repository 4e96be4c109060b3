"""The geocoder client against Nominatim- and Photon-speaking servers on loopback (real HTTP)."""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from commonwatch.core.errors import RateLimited, Unavailable
from commonwatch.geo import geocoding

NOMINATIM_SEARCH = [
    {"display_name": "4100, Elm Street, Riverside", "lat": "39.7401", "lon": "-104.9911"},
    {"display_name": "Elm Street, Old Town", "lat": "39.7500", "lon": "-104.9800"},
]
NOMINATIM_REVERSE = {
    "display_name": "12, Elm Street, Riverside",
    "lat": "39.7401",
    "lon": "-104.9911",
    "address": {"house_number": "12", "road": "Elm Street", "suburb": "Riverside"},
}
PHOTON_SEARCH = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [-104.9911, 39.7401]},
            "properties": {"name": "Elm Street", "city": "Riverside", "osm_key": "highway"},
        }
    ],
}
PHOTON_REVERSE = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [-104.9911, 39.7401]},
            "properties": {"street": "Elm Street", "district": "Riverside"},
        }
    ],
}


class StandIn:
    """A geocoding server on loopback answering fixed JSON per path (after `delay`
    seconds), recording each request."""

    def __init__(self, answers: dict[str, object], status: int = 200, delay: float = 0):
        self.answers, self.status, self.requests = answers, status, []
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the http.server hook's name
                parts = urlsplit(self.path)
                stand_in.requests.append(
                    (parts.path, parse_qs(parts.query), self.headers.get("User-Agent"))
                )
                time.sleep(delay)
                body = json.dumps(stand_in.answers.get(parts.path, {})).encode()
                self.send_response(stand_in.status if parts.path in stand_in.answers else 404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/geo"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def nominatim(settings):
    server = StandIn({"/geo/search": NOMINATIM_SEARCH, "/geo/reverse": NOMINATIM_REVERSE})
    settings.GEOCODER, settings.GEOCODER_URL = "nominatim", server.url
    settings.GEOCODER_USER_AGENT = "Commonwatch tests"
    yield server
    server.close()


@pytest.fixture
def photon(settings):
    server = StandIn({"/geo/api": PHOTON_SEARCH, "/geo/reverse": PHOTON_REVERSE})
    settings.GEOCODER, settings.GEOCODER_URL = "photon", server.url
    yield server
    server.close()


def test_nominatim_search_finds_places_with_labels_and_points(nominatim):
    places = geocoding.search("4100 Elm St", asker_id=1)
    assert places == [
        geocoding.Place("4100, Elm Street, Riverside", 39.7401, -104.9911),
        geocoding.Place("Elm Street, Old Town", 39.75, -104.98),
    ]
    path, query, agent = nominatim.requests[0]
    assert path == "/geo/search" and query["q"] == ["4100 Elm St"]
    assert query["limit"] == [str(geocoding.MAX_RESULTS)]
    assert agent == "Commonwatch tests"


def test_nominatim_reverse_names_the_road_and_area(nominatim):
    assert geocoding.reverse(39.7401, -104.9911) == "Elm Street, Riverside"
    path, query, _agent = nominatim.requests[0]
    assert path == "/geo/reverse" and query["lat"] == ["39.7401"]


def test_photon_search_and_reverse(photon):
    places = geocoding.search("elm street", asker_id=1)
    assert [(p.lat, p.lng) for p in places] == [(39.7401, -104.9911)]
    assert "Elm Street" in places[0].label
    assert geocoding.reverse(39.7401, -104.9911) == "Elm Street, Riverside"
    assert [path for path, _q, _a in photon.requests] == ["/geo/api", "/geo/reverse"]


def test_the_same_search_is_answered_from_the_cache(nominatim):
    first = geocoding.search("4100 Elm St", asker_id=1)
    again = geocoding.search("  4100   elm st ", asker_id=1)
    assert again == first
    assert len(nominatim.requests) == 1


def test_one_persons_search_is_never_answered_from_anothers_cache(nominatim):
    geocoding.search("4100 Elm St", asker_id=1)
    geocoding.search("4100 Elm St", asker_id=2)
    assert len(nominatim.requests) == 2  # no faster answer betrays the first search


def test_a_failing_geocoder_is_unavailable_with_the_other_ways_named(settings):
    server = StandIn({"/geo/search": {}}, status=500)
    settings.GEOCODER, settings.GEOCODER_URL = "nominatim", server.url
    try:
        with pytest.raises(Unavailable) as failed:
            geocoding.search("Elm St", asker_id=1)
    finally:
        server.close()
    assert failed.value.status == 503
    assert "type the coordinates" in failed.value.message


def test_a_geocoder_nobody_answers_at_is_unavailable(settings):
    with socket.socket() as probe:  # a port with nothing listening once closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.GEOCODER, settings.GEOCODER_URL = "photon", f"http://127.0.0.1:{port}"
    with pytest.raises(Unavailable):
        geocoding.search("Elm St", asker_id=1)


def test_no_geocoder_set_up_says_so(settings):
    settings.GEOCODER = ""
    with pytest.raises(Unavailable) as failed:
        geocoding.search("Elm St", asker_id=1)
    assert failed.value.code == "geocoder_off"


@pytest.mark.parametrize("query", ["", " x ", "x" * (geocoding.MAX_QUERY_CHARS + 1)])
def test_queries_too_short_or_too_long_are_refused_before_any_request(nominatim, query):
    with pytest.raises(ValidationError):
        geocoding.search(query, asker_id=1)
    assert nominatim.requests == []


def test_one_person_is_limited_per_minute_and_others_are_not(nominatim, monkeypatch):
    # One clock minute throughout: on a slow machine the searches could span two.
    moment = timezone.now().replace(second=30)
    monkeypatch.setattr(geocoding.timezone, "now", lambda: moment)
    for n in range(geocoding.SEARCHES_PER_MINUTE):
        geocoding.search(f"Elm St {n}", asker_id=1)
    with pytest.raises(RateLimited):
        geocoding.search("Elm St again", asker_id=1)
    assert geocoding.search("Elm St again", asker_id=2)


def test_an_unknown_geocoder_fails_the_start_up_checks(settings):
    settings.GEOCODER = "gogle"
    [error] = geocoding.check_geocoder()
    assert error.id == "geo.E001" and "gogle" in error.msg
    settings.GEOCODER = "demo"
    assert geocoding.check_geocoder() == []
