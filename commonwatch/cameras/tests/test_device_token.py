"""A camera's device token: shown once, kept as a digest, rotated or revoked, audited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from commonwatch.audit.models import AuditEntry
from commonwatch.cameras import services
from commonwatch.cameras.selectors import camera_for_device_token

from .factories import CameraFactory
from .helpers import shown_token

pytestmark = pytest.mark.django_db


def _actions(camera) -> list[str]:
    entries = AuditEntry.objects.filter(target_type="cameras.camera", target_id=str(camera.pk))
    return list(entries.order_by("sequence").values_list("action", flat=True))


def test_rotating_on_the_page_shows_a_new_token_once_and_the_old_one_stops(client, resident):
    camera = CameraFactory(owner=resident)
    first = services.rotate_device_token(owner=resident, camera=camera)
    client.force_login(resident)

    response = client.post(reverse("cameras:token", args=[camera.pk]), {"action": "rotate"})

    second = shown_token(response)
    assert second != first
    assert camera_for_device_token(first) is None
    assert camera_for_device_token(second) == camera
    assert second.encode() not in client.get(reverse("cameras:token", args=[camera.pk])).content
    assert _actions(camera) == ["cameras.token.created", "cameras.token.rotated"]


def test_revoking_on_the_page_ends_the_token_and_says_so(client, resident):
    camera = CameraFactory(owner=resident)
    raw = services.rotate_device_token(owner=resident, camera=camera)
    client.force_login(resident)

    response = client.post(
        reverse("cameras:token", args=[camera.pk]), {"action": "revoke"}, follow=True
    )

    assert camera_for_device_token(raw) is None
    assert b"uploads with it now fail" in response.content
    assert b"has no device token" in response.content
    assert _actions(camera)[-1] == "cameras.token.revoked"
    entry = AuditEntry.objects.get(action="cameras.token.revoked")
    assert entry.actor_id == resident.pk and entry.data == {}


def test_an_unknown_action_changes_nothing(client, resident):
    camera = CameraFactory(owner=resident)
    raw = services.rotate_device_token(owner=resident, camera=camera)
    client.force_login(resident)

    response = client.post(reverse("cameras:token", args=[camera.pk]), {"action": "steal"})

    assert response.status_code == 400
    assert camera_for_device_token(raw) == camera


def test_a_token_of_an_inactive_owner_or_without_the_prefix_finds_no_camera(resident):
    camera = CameraFactory(owner=resident)
    raw = services.rotate_device_token(owner=resident, camera=camera)

    assert camera_for_device_token(raw.removeprefix("cwcam_")) is None
    resident.is_active = False
    resident.save()
    assert camera_for_device_token(raw) is None
