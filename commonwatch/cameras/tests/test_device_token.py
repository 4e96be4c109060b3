"""A camera's device token: shown once, kept as a digest, rotated or revoked, audited."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from commonwatch.accounts.tests.factories import UserFactory
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

    response = client.post(
        reverse("cameras:token", args=[camera.pk]), {"action": "rotate"}, follow=True
    )

    second = shown_token(response)
    assert second != first
    assert camera_for_device_token(first) is None
    assert camera_for_device_token(second) == camera
    assert second.encode() not in client.get(reverse("cameras:token", args=[camera.pk])).content
    assert _actions(camera) == ["cameras.token.created", "cameras.token.rotated"]


def test_reloading_after_making_a_new_token_makes_no_other(client, resident):
    camera = CameraFactory(owner=resident)
    client.force_login(resident)
    page = reverse("cameras:token", args=[camera.pk])

    made = client.post(page, {"action": "rotate"})
    raw = shown_token(client.get(made["Location"]))
    reloaded = client.get(page)

    assert (made.status_code, made["Location"]) == (302, page)
    assert camera_for_device_token(raw) == camera  # still the camera's token
    assert raw.encode() not in reloaded.content
    assert _actions(camera) == ["cameras.token.created"]


def test_the_new_token_is_in_the_header_sentence_with_a_copy_button_first(client, resident):
    """What the owner copies into the camera: the header, whole, with this very token."""
    camera = CameraFactory(owner=resident)
    services.rotate_device_token(owner=resident, camera=camera)
    client.force_login(resident)

    response = client.post(
        reverse("cameras:token", args=[camera.pk]), {"action": "rotate"}, follow=True
    )

    raw = shown_token(response)
    page = response.content.decode()
    assert f"in the header <code>Authorization: Bearer {raw}</code>." in page
    assert "Bearer ." not in page and "<token>" not in page
    # Copy token is the one filled button; making yet another token is the outline one.
    copy = re.search(r'<button type="button" class="button" id="copy-token"[^>]*>Copy token<', page)
    assert copy and 'data-copied="Copied."' in copy.group(0)
    assert 'id="copy-token-status" class="copy-status" role="status" aria-live="polite"' in page
    assert re.search(r'<script src="[^"]*cameras/device-token[.\w]*\.js" defer>', page)
    assert re.search(
        r'class="button secondary">Make a new token \(the current one stops working\)<', page
    )
    assert re.findall(r'class="button"', page) == ['class="button"']


def test_the_token_page_says_the_header_in_words_when_no_token_is_shown(client, resident):
    camera = CameraFactory(owner=resident)
    client.force_login(resident)

    page = client.get(reverse("cameras:token", args=[camera.pk])).content.decode()

    header = "in the header <code>Authorization: Bearer</code>, followed by a space and the token"
    assert header in page
    assert 'id="copy-token"' not in page and "device-token.js" not in page
    assert '<button type="submit" class="button">Make a token</button>' in page  # the first


def test_revoking_asks_first_then_ends_the_token_and_says_so(client, resident):
    camera = CameraFactory(owner=resident)
    raw = services.rotate_device_token(owner=resident, camera=camera)
    client.force_login(resident)
    token_page = client.get(reverse("cameras:token", args=[camera.pk])).content.decode()
    revoke_url = reverse("cameras:revoke_token", args=[camera.pk])
    assert f'<a class="button danger" href="{revoke_url}">Revoke the token</a>' in token_page

    asked = client.get(revoke_url).content.decode()
    assert "Revoke this device token?" in asked and camera.token_prefix in asked
    assert f'<form method="post" action="{revoke_url}"' in asked
    assert "Yes, revoke it" in asked and "No, keep it" in asked
    assert camera_for_device_token(raw) == camera  # asking changed nothing

    response = client.post(revoke_url, follow=True)

    assert camera_for_device_token(raw) is None
    assert b"uploads with it now fail" in response.content
    assert b"has no device token" in response.content
    assert _actions(camera)[-1] == "cameras.token.revoked"
    entry = AuditEntry.objects.get(action="cameras.token.revoked")
    assert entry.actor_id == resident.pk and entry.data == {}


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_resident_meets_the_same_404_as_for_no_camera_and_the_token_stays(
    client, resident, method
):
    """The confirmation page names the camera and its token's prefix: nobody but its owner
    may open it, and the answer reads as for a camera that does not exist."""
    camera = CameraFactory(owner=resident)
    raw = services.rotate_device_token(owner=resident, camera=camera)
    client.force_login(UserFactory())

    mine = getattr(client, method)(reverse("cameras:revoke_token", args=[camera.pk]))
    none = getattr(client, method)(reverse("cameras:revoke_token", args=[camera.pk + 999]))

    assert mine.status_code == none.status_code == 404
    assert mine.content == none.content
    assert camera.token_prefix not in mine.content.decode()
    assert camera_for_device_token(raw) == camera
    assert "cameras.token.revoked" not in _actions(camera)


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_camera_without_a_token_has_nothing_to_revoke(client, resident, method):
    camera = CameraFactory(owner=resident)
    client.force_login(resident)

    response = getattr(client, method)(reverse("cameras:revoke_token", args=[camera.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("cameras:token", args=[camera.pk])
    assert "cameras.token.revoked" not in _actions(camera)


@pytest.mark.parametrize(
    "action",
    ["revoke", "steal"],  # revoking asks first, on its own page; an unknown action does nothing
)
def test_the_token_page_changes_nothing_but_by_its_own_buttons(client, resident, action):
    camera = CameraFactory(owner=resident)
    raw = services.rotate_device_token(owner=resident, camera=camera)
    client.force_login(resident)

    response = client.post(reverse("cameras:token", args=[camera.pk]), {"action": action})

    assert response.status_code == 400
    assert camera_for_device_token(raw) == camera


def test_a_token_of_an_inactive_owner_or_without_the_prefix_finds_no_camera(resident):
    camera = CameraFactory(owner=resident)
    raw = services.rotate_device_token(owner=resident, camera=camera)

    assert camera_for_device_token(raw.removeprefix("cwcam_")) is None
    resident.is_active = False
    resident.save()
    assert camera_for_device_token(raw) is None
