"""What camera tests share: a script's client and the token shown once on a page."""

from __future__ import annotations

import re

from django.test import Client

RAW_TOKEN = re.compile(rb'<code id="new-token">([^<]+)</code>')
PLACE = {"lat": 39.74001, "lng": -104.99102}
SQUARE = [[0.1, 0.1], [0.4, 0.1], [0.4, 0.3], [0.1, 0.3]]


def bearer(raw: str) -> Client:
    """A script's client: no session, no cookies, CSRF enforced as in production."""
    return Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {raw}")


def shown_token(response) -> str:
    return RAW_TOKEN.search(response.content).group(1).decode()
