"""/api/v1/cameras: the owner's cameras through a token or the browser session."""

from __future__ import annotations

import hashlib
import json

import pytest

from commonwatch.accounts import services as accounts
from commonwatch.cameras.models import Camera
from commonwatch.cameras.selectors import camera_for_device_token

from .factories import CameraFactory
from .helpers import PLACE, SQUARE, bearer

pytestmark = pytest.mark.django_db

NEW = {"name": "Back yard", "kind": "floodlight", **PLACE}


def _token(user, scope="write") -> str:
    return accounts.create_api_token(user=user, name="script", scope=scope)[1]


def _send(client, method, path, body=None):
    return client.generic(method, f"/api/v1{path}", json.dumps(body or {}), "application/json")


def test_a_write_token_registers_a_camera_and_gets_its_device_token_once(resident):
    api = bearer(_token(resident))

    answer = _send(api, "POST", "/cameras", NEW)

    assert answer.status_code == 201, answer.content
    body = answer.json()
    camera = Camera.objects.get(owner=resident)
    assert body["id"] == camera.pk
    assert (body["lat"], body["lng"]) == (PLACE["lat"], PLACE["lng"])
    assert body["agency_visibility"] == "aggregate" and body["record_audio"] is False
    assert camera.token_digest == hashlib.sha256(body["device_token"].encode()).hexdigest()
    assert "device_token" not in api.get(f"/api/v1/cameras/{camera.pk}").json()


def test_a_read_token_lists_but_cannot_register(resident):
    CameraFactory(owner=resident, name="Porch")
    api = bearer(_token(resident, scope="read"))

    listed = api.get("/api/v1/cameras")
    refused = _send(api, "POST", "/cameras", NEW)

    assert [c["name"] for c in listed.json()] == ["Porch"]
    assert refused.status_code == 403
    assert "may only read" in refused.json()["detail"]
    assert Camera.objects.count() == 1


def test_changing_sends_only_what_changes_and_keeps_the_rest(resident):
    camera = CameraFactory(owner=resident, name="Porch", brand="Acme")
    api = bearer(_token(resident))

    answer = _send(
        api, "PATCH", f"/cameras/{camera.pk}", {"record_audio": True, "privacy_zones": [SQUARE]}
    )

    assert answer.status_code == 200, answer.content
    camera.refresh_from_db()
    assert (camera.name, camera.brand, camera.record_audio) == ("Porch", "Acme", True)
    assert camera.privacy_zones == [SQUARE]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"privacy_zones": [[[0.1, 0.1], [0.2, 0.2]]]}, "privacy_zones", "3 to 32 corners"),
        (
            {"privacy_zones": [[[0.1, 0.1], [1.2, 0.1], [0.5, 0.5]]]},
            "privacy_zones",
            "outside the frame",
        ),
        ({"motion_zones": [SQUARE] * 17}, "motion_zones", "At most 16 zones"),
        (
            {"privacy_zones": [[[0.1, 0.1], [0.4, 0.1], [0.1, 0.3], [0.4, 0.3]]]},
            "privacy_zones",
            "The edges of zone 1 cross: draw its corners in order around it.",
        ),
        ({"motion_zones": [[[0, 0], [0.5, 0.5], [1, 1]]]}, "motion_zones", "covers no area"),
        ({"motion_zones": [[[True, 0], [0.5, 0], [0.5, 1]]]}, "motion_zones", "pair of numbers"),
        ({"privacy_zones": "all"}, "privacy_zones", "list"),
        ({"lat": 39.7}, "lng", "Send both coordinates"),
        ({"name": " "}, "name", "Give the camera a name"),
    ],
)
def test_a_wrong_change_is_refused_with_the_field_and_why_and_nothing_changes(
    resident, body, field, message
):
    camera = CameraFactory(owner=resident, name="Porch")
    api = bearer(_token(resident))

    answer = _send(api, "PATCH", f"/cameras/{camera.pk}", body)

    assert answer.status_code == 422, answer.content
    errors = {tuple(e["loc"][-1:]): e["msg"] for e in answer.json()["detail"]}
    assert any(field in loc and message in msg for loc, msg in errors.items()), errors
    camera.refresh_from_db()
    assert (camera.name, camera.privacy_zones, camera.motion_zones) == ("Porch", [], [])


@pytest.mark.parametrize(
    "body",
    [
        {**NEW, "lat": 90.5},
        {**NEW, "lng": "east"},
        {**NEW, "kind": "webcam"},
        {**NEW, "record_audio": "yes"},
        {**NEW, "agency_visibility": "public"},
    ],
)
def test_a_camera_with_a_wrong_field_is_not_registered(resident, body):
    answer = _send(bearer(_token(resident)), "POST", "/cameras", body)

    assert answer.status_code == 422
    assert not Camera.objects.exists()


def test_rotating_replaces_the_device_token_and_revoking_ends_it(resident):
    camera = CameraFactory(owner=resident)
    api = bearer(_token(resident))

    first = _send(api, "POST", f"/cameras/{camera.pk}/token").json()["device_token"]
    second = _send(api, "POST", f"/cameras/{camera.pk}/token").json()["device_token"]

    assert camera_for_device_token(first) is None
    assert camera_for_device_token(second) == camera
    assert _send(api, "DELETE", f"/cameras/{camera.pk}/token").status_code == 204
    assert camera_for_device_token(second) is None
    assert api.get(f"/api/v1/cameras/{camera.pk}").json()["has_device_token"] is False


def test_deleting_removes_the_camera(resident):
    camera = CameraFactory(owner=resident)

    answer = _send(bearer(_token(resident)), "DELETE", f"/cameras/{camera.pk}")

    assert answer.status_code == 204
    assert not Camera.objects.exists()


NEVER_SET = "The point 0, 0 is in the sea off West Africa"


def test_a_camera_at_0_0_is_refused_asking_for_its_real_place(resident):
    api = bearer(_token(resident))

    answer = _send(api, "POST", "/cameras", {**NEW, "lat": 0, "lng": 0.0})

    assert answer.status_code == 422, answer.content
    [error] = answer.json()["detail"]
    assert error["loc"] == ["body"] and error["msg"].startswith(NEVER_SET)
    assert "search its address" in error["msg"]
    assert not Camera.objects.exists()


def test_a_camera_is_not_moved_to_0_0_but_may_stand_on_either_line(resident):
    camera = CameraFactory(owner=resident)
    api = bearer(_token(resident))

    moved = _send(api, "PATCH", f"/cameras/{camera.pk}", {"lat": 0.0, "lng": 0})
    on_the_equator = _send(api, "PATCH", f"/cameras/{camera.pk}", {"lat": 0, "lng": 9.45})
    on_the_meridian = _send(api, "POST", "/cameras", {**NEW, "lat": 51.48, "lng": 0})

    assert moved.status_code == 422 and NEVER_SET in moved.json()["detail"][0]["msg"]
    assert (on_the_equator.status_code, on_the_meridian.status_code) == (200, 201)
    camera.refresh_from_db()
    assert (camera.exact_lat, camera.exact_lng) == (0, 9.45)
