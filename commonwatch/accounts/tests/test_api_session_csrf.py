"""The browser session may use the API, but unsafe calls need the CSRF token."""

from __future__ import annotations

import json

from django.test import Client
from django.urls import reverse

from commonwatch.accounts.models import Home

HOME = json.dumps({"lat": 39.74, "lng": -104.99, "radius_mi": 1})


def test_a_session_put_without_a_csrf_token_is_refused(resident):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(resident)

    response = browser.put("/api/v1/me/home", HOME, content_type="application/json")

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not Home.objects.filter(user=resident).exists()


def test_a_session_put_with_the_csrf_token_is_accepted(resident):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(resident)
    browser.get(reverse("accounts:home"))  # the page sets the CSRF cookie
    csrf = browser.cookies["csrftoken"].value

    response = browser.put(
        "/api/v1/me/home", HOME, content_type="application/json", HTTP_X_CSRFTOKEN=csrf
    )

    assert response.status_code == 200
    assert Home.objects.filter(user=resident).exists()


def test_session_reads_need_no_csrf_token(resident):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(resident)

    assert browser.get("/api/v1/me").status_code == 200


def test_a_visitor_gets_401_from_the_api(db):
    assert Client().get("/api/v1/me").status_code == 401
