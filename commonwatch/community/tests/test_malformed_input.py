"""Malformed input gets a 4xx that says what is wrong, in the API's JSON, and changes nothing."""

from __future__ import annotations

import base64
import json

import pytest
from django.urls import reverse

from commonwatch.accounts import services as accounts
from commonwatch.community.models import Post
from commonwatch.community.tests.factories import CENTER, published, resident_at

pytestmark = pytest.mark.django_db


def cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


@pytest.fixture
def reader(client):
    author = resident_at(*CENTER)
    published(author)
    reader = resident_at(CENTER[0] + 0.001, CENTER[1])
    client.force_login(reader)
    return reader


@pytest.mark.parametrize(
    "moment",
    [
        "2026-11-01T10:00:00",  # no UTC offset
        "2026-11-01",  # a date only
        "0001-01-01T00:00:00+00:00",  # the calendar's first year
        "9999-12-31T23:59:59+00:00",  # its last
        "not a time",
    ],
)
def test_a_feed_cursor_that_names_no_moment_of_the_feed_is_refused(client, reader, moment):
    broken = cursor(f"{moment}|12")

    api = client.get("/api/v1/feed", {"cursor": broken})
    page = client.get(reverse("community:feed"), {"cursor": broken})

    assert api.status_code == 422
    assert [error["loc"][-1] for error in api.json()["detail"]] == ["cursor"]
    assert page.status_code == 400
    assert b"This page link is not valid." in page.content
    # The site's own page, with its menu and the way back, not a bare line of text.
    assert b'class="panel"' in page.content and b"Open the feed" in page.content


@pytest.mark.parametrize("period", ["fortnight", "DAY", "1"])
def test_an_unknown_filter_value_is_refused_not_ignored(client, reader, period):
    api = client.get("/api/v1/feed", {"period": period})
    map_points = client.get("/api/v1/map", {"period": period})
    page = client.get(reverse("community:feed"), {"period": period})

    assert api.status_code == map_points.status_code == 422
    assert [error["loc"][-1] for error in api.json()["detail"]] == ["period"]
    assert page.status_code == 400
    assert b"period" in page.content


@pytest.mark.parametrize(
    ("lat", "lng", "bad"),
    [("nan", "-104.99", "lat"), ("inf", "-104.99", "lat"), ("39.7", "-Infinity", "lng")],
)
def test_a_post_at_no_real_point_is_refused_by_field(client, reader, lat, lng, bad):
    _token, raw = accounts.create_api_token(user=reader, name="script", scope="write")
    form = {"category": "safety", "title": "Light out", "body": "It is dark.", "lat": lat}

    response = client.post("/api/v1/posts", form | {"lng": lng}, HTTP_AUTHORIZATION=f"Bearer {raw}")

    assert response.status_code == 422
    assert [error["loc"][-1] for error in response.json()["detail"]] == [bad]
    assert not Post.objects.filter(author=reader).exists()


def test_a_multipart_body_without_its_boundary_gets_a_json_400(client, reader):
    _token, raw = accounts.create_api_token(user=reader, name="script", scope="write")

    response = client.generic(
        "POST",
        "/api/v1/posts",
        b"category=safety",
        content_type="multipart/form-data",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "form data could not be read" in response.json()["detail"]


def test_an_oversized_json_body_gets_a_json_413_before_anything_reads_it(client, reader):
    _token, raw = accounts.create_api_token(user=reader, name="script", scope="write")
    body = json.dumps({"category": "safety", "title": "x", "body": "a@" * 2_000_000})
    post = Post.objects.get()

    response = client.put(
        f"/api/v1/posts/{post.pk}",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )

    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is too large."}


def test_a_body_within_the_size_limit_but_over_the_text_limit_is_refused_by_field(client, reader):
    body = json.dumps({"body": "word " * 50_000})
    post = Post.objects.get()

    response = client.post(
        f"/api/v1/posts/{post.pk}/comments", body, content_type="application/json"
    )

    assert response.status_code == 422
    assert [error["loc"][-1] for error in response.json()["detail"]] == ["body"]


@pytest.mark.parametrize(
    ("url", "payload"),
    [
        ("comments", {"body": "a\u0000b"}),
        ("flags", {"reason": "false", "note": "x\u0000"}),
    ],
)
def test_a_nul_character_is_refused_by_field_not_a_500(client, reader, url, payload):
    """PostgreSQL's text columns cannot hold NUL: it is a field error, on every database."""
    post = Post.objects.get()

    response = client.post(
        f"/api/v1/posts/{post.pk}/{url}", json.dumps(payload), content_type="application/json"
    )

    assert response.status_code == 422
    assert [error["loc"][-1] for error in response.json()["detail"]] == [list(payload)[-1]]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("x" * 1001, "String should have at most 1000 characters"),
        ("", "String should have at least 1 character"),
        ("a\u0000b", "Null characters are not allowed"),
    ],
)
def test_a_text_field_refused_says_why_in_words(client, reader, body, message):
    """A text's limits read as a text's (characters, not "items after validation"), and
    a NUL is named, not matched against a pattern the client never wrote."""
    post = Post.objects.get()

    response = client.post(
        f"/api/v1/posts/{post.pk}/comments", {"body": body}, content_type="application/json"
    )

    assert response.status_code == 422
    assert [(e["loc"], e["msg"]) for e in response.json()["detail"]] == [
        (["body", "body"], message)
    ]
    assert not post.comments.exists()


def test_the_document_still_says_texts_hold_no_nul(client):
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]["CommentIn"]

    assert schema["properties"]["body"]["pattern"] == "^[^\\x00]*$"


def test_an_unknown_filter_on_the_map_page_is_refused(client, reader):
    assert client.get(reverse("community:map"), {"period": "zzz"}).status_code == 400


@pytest.mark.parametrize("page", ["community:feed", "community:map"])
def test_a_search_of_too_many_words_is_refused_on_the_pages_as_in_the_api(client, reader, page):
    words = {"q": "a b c d e f g h i"}

    answer = client.get(reverse(page), words)

    assert answer.status_code == 400
    assert b"Search for at most 8 words." in answer.content
    assert client.get("/api/v1/map", words).status_code == 422


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("put", "/api/v1/me/home", {"lat": 39.74, "lng": -104.99, "radius_mi": 1, "extra": 1}),
        ("post", "/api/v1/posts/{post}/comments", {"body": "Seen it.", "bodyy": "typo"}),
        ("put", "/api/v1/posts/{post}/resolved", {"resolved": True, "found": True}),
    ],
)
def test_a_field_the_endpoint_does_not_know_is_refused_by_name(client, method, path, body):
    """A misspelt field is never dropped in silence while the rest is carried out."""
    author = resident_at(*CENTER)
    post = published(author)
    client.force_login(author)

    answer = getattr(client, method)(
        path.format(post=post.pk), body, content_type="application/json"
    )

    [error] = answer.json()["detail"]
    assert answer.status_code == 422 and error["type"] == "extra_forbidden"
    assert not post.comments.exists() and Post.objects.get(pk=post.pk).resolved_at is None


def test_a_post_sent_with_a_field_it_does_not_have_is_not_made(client):
    client.force_login(resident_at(*CENTER))
    form = {"category": "safety", "title": "Gate open", "body": "All night.", "lat": 39.74}

    answer = client.post("/api/v1/posts", {**form, "lng": -104.99, "urgent": "yes"})

    assert answer.status_code == 422
    assert answer.json()["detail"] == [
        {"loc": ["form", "urgent"], "msg": "A post has no such field.", "type": "value_error"}
    ]
    assert not Post.objects.exists()


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
def test_a_json_body_sent_as_another_media_type_is_refused_with_a_415(client, reader, content_type):
    """A body is read as JSON only when it says it is JSON: a form's or a text's bytes
    that happen to parse are not taken as something else than what was sent."""
    post = Post.objects.get()

    response = client.post(
        f"/api/v1/posts/{post.pk}/comments", json.dumps({"body": "Hi"}), content_type=content_type
    )

    assert response.status_code == 415
    assert response["Accept"] == "application/json"
    assert "Content-Type: application/json" in response.json()["detail"]
    assert not post.comments.exists()


def test_a_body_said_to_be_json_that_is_not_says_where_it_broke(client, reader):
    post = Post.objects.get()

    response = client.post(
        f"/api/v1/posts/{post.pk}/comments", b'{"body": "Hi",}', content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["detail"].startswith("The body is not valid JSON: ")
    assert not post.comments.exists()


def test_a_json_based_media_type_is_read_as_json(client, reader):
    post = Post.objects.get()

    response = client.post(
        f"/api/v1/posts/{post.pk}/comments",
        json.dumps({"body": "Hi"}),
        content_type="application/merge-patch+json; charset=utf-8",
    )

    assert response.status_code == 201
    assert post.comments.get().body == "Hi"


def test_a_query_parameter_given_twice_is_refused_by_name(client, reader):
    response = client.get("/api/v1/feed?period=week&period=day&category=crime")

    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"loc": ["query", "period"], "msg": "Give this parameter once.", "type": "value_error"}
    ]


def test_a_field_error_names_where_the_client_sent_the_field_not_the_apis_parameter(client, reader):
    """ninja's own 422 and a service's say the same place: the body or the form, then the
    field, never the name of the handler's parameter (`payload`)."""
    post = Post.objects.get()

    missing = client.post(
        f"/api/v1/posts/{post.pk}/comments", "{}", content_type="application/json"
    )
    empty_form = client.post("/api/v1/posts", {"title": "Gate open"})

    assert [error["loc"] for error in missing.json()["detail"]] == [["body", "body"]]
    assert ["form", "category"] in [error["loc"] for error in empty_form.json()["detail"]]
    assert all(len(error["loc"]) == 2 for error in empty_form.json()["detail"])
