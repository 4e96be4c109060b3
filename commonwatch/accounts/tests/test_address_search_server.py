"""Address search on the real app server (uvicorn, as in production): a slow geocoder
holds up only the searches waiting for it."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.conf import settings

from commonwatch.accounts.tests.factories import UserFactory
from commonwatch.community.tests.live_servers import app_server, session_cookie
from commonwatch.geo.tests.test_geocoding import NOMINATIM_SEARCH, StandIn

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_slow_geocoder_holds_up_no_one_else(tmp_path):
    """The search's Django code once waited for the geocoder in the one thread every
    request of the process shares: for as long, nobody else was answered."""
    geocoder = StandIn({"/geo/search": NOMINATIM_SEARCH}, delay=2)
    try:
        with app_server(tmp_path, GEOCODER="nominatim", GEOCODER_URL=geocoder.url) as app:
            site = f"http://127.0.0.1:{app.port}"
            cookie = f"{settings.SESSION_COOKIE_NAME}={session_cookie(UserFactory())}"
            with ThreadPoolExecutor(1) as pool:
                search = pool.submit(
                    requests.get,
                    f"{site}/api/v1/places",
                    params={"q": "4100 Elm St"},
                    headers={"Cookie": cookie},
                    timeout=10,
                )
                while not geocoder.requests:  # the search now waits for the geocoder
                    time.sleep(0.02)
                health = requests.get(f"{site}/healthz", timeout=1.5)
                still_waiting = not search.done()
                found = search.result()
    finally:
        geocoder.close()
    assert health.ok and still_waiting
    assert found.status_code == 200
    assert found.json()[0]["label"].startswith("4100, Elm Street")
