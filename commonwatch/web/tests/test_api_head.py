"""HEAD on an API read answers as GET would, headers only, as the site's pages do."""

from __future__ import annotations

import pytest
from django.test import Client

from commonwatch.accounts import services
from commonwatch.accounts.tests.factories import HomeFactory

READS = ["/api/v1/me", "/api/v1/feed", "/api/v1/notifications", "/api/v1/cameras"]


@pytest.fixture
def script(db):
    home = HomeFactory()
    _token, raw = services.create_api_token(user=home.user, name="monitor")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.mark.parametrize("path", [*READS, "/api/v1/moderation/log"])
def test_head_on_a_read_answers_its_get_headers_without_a_body(script, path):
    get = script.get(path)
    head = script.head(path)

    assert get.status_code == 200
    assert head.status_code == 200
    assert head.content == b""
    assert head["Content-Type"] == get["Content-Type"] == "application/json; charset=utf-8"
    assert head["Content-Length"] == get["Content-Length"] == str(len(get.content))


def test_head_without_a_token_is_refused_as_get_is(db):
    head = Client().head("/api/v1/me")

    assert head.status_code == 401
    assert head.content == b""


def test_head_where_no_get_is_taken_is_still_refused(script):
    """POST /notifications/read reads nothing: HEAD there is as wrong as ever."""
    head = script.head("/api/v1/notifications/read")
    put = script.put("/api/v1/me")

    assert head.status_code == 405
    assert "HEAD" not in head["Allow"]
    assert put.status_code == 405
    assert put["Allow"] == "GET, HEAD"


def test_head_on_a_page_answers_its_get_headers_without_a_body(client, db):
    """A page read (the feed) takes HEAD as the API's reads do, where it answered 405."""
    home = HomeFactory()
    client.force_login(home.user)

    get, head = client.get("/feed/"), client.head("/feed/")

    assert (get.status_code, head.status_code) == (200, 200)
    assert head.content == b"" and head["Content-Type"] == get["Content-Type"]
