"""Only a camera's owner can see or touch it, whatever the other person's role.

Every page and endpoint about one camera is tried by each member of the cast (a
neighbor, a moderator, agency officers, oversight, legal review, an operator) on the
owner's camera: each is answered exactly as for a camera that does not exist, nothing
changes, and neither the exact point nor the public cell centre shows. The operator's
admin has no page for cameras.
"""

from __future__ import annotations

import json

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

from commonwatch.accounts import services as accounts
from commonwatch.accounts.tests.factories import UserFactory, sign_in
from commonwatch.cameras.models import Camera, Clip
from commonwatch.conftest import PERSONAS

from .factories import CameraFactory, clip_of
from .helpers import SQUARE, bearer

pytestmark = pytest.mark.django_db

MISSING = 999999
# The cast's resident owns the camera; a neighbor (another resident) stands in for them.
OTHERS = ["neighbor", *(who for who in PERSONAS if who not in ("visitor", "resident"))]
PAGES = [
    ("GET", "cameras:camera", {}),
    (
        "POST",
        "cameras:camera",
        {"name": "Mine now", "kind": "other", "lat": 1, "lng": 1, "agency_visibility": "exact"},
    ),
    ("GET", "cameras:zones", {}),
    ("POST", "cameras:zones", {"privacy_zones": json.dumps([SQUARE])}),
    ("GET", "cameras:token", {}),
    ("POST", "cameras:token", {"action": "rotate"}),
    ("POST", "cameras:token", {"action": "revoke"}),
    ("GET", "cameras:remove", {}),
    ("POST", "cameras:remove", {}),
]
ENDPOINTS = [
    ("GET", "/cameras/{id}", None),
    ("PATCH", "/cameras/{id}", {"name": "Mine now", "agency_visibility": "exact"}),
    ("DELETE", "/cameras/{id}", None),
    ("POST", "/cameras/{id}/token", None),
    ("DELETE", "/cameras/{id}/token", None),
]


@pytest.fixture
def others(cast):
    return {**cast, "neighbor": UserFactory()}


@pytest.fixture
def owned(resident):
    camera = CameraFactory(
        owner=resident, name="Hidden porch", exact_lat=39.74001, exact_lng=-104.99102
    )
    clip_of(camera)
    return camera


def _state(camera):
    return list(
        Camera.objects.filter(pk=camera.pk).values_list(
            "name", "agency_visibility", "privacy_zones", "token_digest", "exact_lat", "lat"
        )
    ), Clip.objects.count()


def _secrets(camera) -> list[bytes]:
    return [
        camera.name.encode(),
        str(camera.exact_lat).encode(),
        str(camera.lat).encode(),
        camera.owner.email.encode(),
    ]


def _page(client, method, name, camera_id, body):
    url = reverse(name, args=[camera_id])
    return client.get(url) if method == "GET" else client.post(url, body)


@pytest.mark.parametrize("who", OTHERS)
@pytest.mark.parametrize(("method", "name", "body"), PAGES)
def test_nobody_else_reaches_a_camera_page(client, others, owned, who, method, name, body):
    sign_in(client, others[who])
    before = _state(owned)

    answer = _page(client, method, name, owned.pk, body)
    missing = _page(client, method, name, MISSING, body)

    assert answer.status_code == missing.status_code
    assert answer.status_code in (403, 404)  # operators are refused by role, others: 404
    assert answer.content == missing.content.replace(str(MISSING).encode(), str(owned.pk).encode())
    assert _state(owned) == before
    assert not any(secret in answer.content for secret in _secrets(owned))


@pytest.mark.parametrize("who", OTHERS)
@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_nobody_else_reaches_a_camera_through_the_api(others, owned, who, method, path, body):
    api = bearer(accounts.create_api_token(user=others[who], name="t", scope="write")[1])
    before = _state(owned)

    def ask(camera_id):
        return api.generic(
            method,
            "/api/v1" + path.format(id=camera_id),
            json.dumps(body or {}),
            "application/json",
        )

    answer, missing = ask(owned.pk), ask(MISSING)

    assert (answer.status_code, answer.json()) == (missing.status_code, missing.json())
    assert answer.status_code in (403, 404)
    assert _state(owned) == before
    assert not any(secret in answer.content for secret in _secrets(owned))


@pytest.mark.parametrize("who", OTHERS)
def test_nobody_elses_list_or_storage_shows_the_camera(client, others, owned, who):
    sign_in(client, others[who])
    api = bearer(accounts.create_api_token(user=others[who], name="t", scope="read")[1])

    answers = [
        client.get(reverse("cameras:list")),
        client.get(reverse("cameras:storage")),
        api.get("/api/v1/cameras"),
    ]

    for answer in answers:
        assert not any(secret in answer.content for secret in _secrets(owned))
    if who != "operator":
        assert api.get("/api/v1/cameras").json() == []


def test_the_operators_admin_has_no_page_for_cameras_or_clips(client, cast, owned):
    registered = {m._meta.app_label for m in admin.site._registry}
    sign_in(client, cast["operator"])

    assert "cameras" not in registered
    for model in ("camera", "clip", "clipaccess", "clipkeeping", "clipupload"):
        with pytest.raises(NoReverseMatch):
            reverse(f"admin:cameras_{model}_changelist")
    assert client.get(f"/admin/cameras/camera/{owned.pk}/change/").status_code == 404
    user_page = client.get(reverse("admin:accounts_user_change", args=[owned.owner_id]))
    assert user_page.status_code == 200
    assert str(owned.exact_lat).encode() not in user_page.content
    assert owned.name.encode() not in user_page.content


def test_an_operator_cannot_keep_cameras(client, cast):
    sign_in(client, cast["operator"])

    assert client.get(reverse("cameras:list")).status_code == 403
    assert client.post(reverse("cameras:new"), {"name": "x"}).status_code == 403
    assert not Camera.objects.exists()


def test_closing_an_account_removes_its_cameras_and_clips(client, resident, owned):
    client.force_login(resident)

    accounts.delete_account(user=resident, what_they_wrote="remove")

    assert not Camera.objects.exists()
    assert not Clip.objects.exists()
