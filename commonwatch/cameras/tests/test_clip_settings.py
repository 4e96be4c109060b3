"""The owner's clip settings: how long clips are kept, and the storage they take."""

from __future__ import annotations

import pytest
from django.urls import reverse

from commonwatch.accounts.tests.factories import UserFactory
from commonwatch.cameras.models import ClipKeeping, ClipSource, ClipUpload
from commonwatch.cameras.selectors import keeping_of

from .factories import CameraFactory, clip_of

pytestmark = pytest.mark.django_db


def test_clips_are_kept_30_days_until_the_owner_chooses(client, resident):
    client.force_login(resident)
    page = client.get(reverse("cameras:storage"))
    assert page.context["form"]["retention_days"].value() == 30

    response = client.post(reverse("cameras:storage"), {"retention_days": "7"})

    assert response.status_code == 302
    assert keeping_of(resident).retention_days == 7


@pytest.mark.parametrize("days", ["0", "181", "ten"])
def test_a_keeping_outside_1_to_180_days_is_refused(client, resident, days):
    client.force_login(resident)

    response = client.post(reverse("cameras:storage"), {"retention_days": days})

    assert response.status_code == 400
    assert response.context["form"].errors["retention_days"]
    assert not ClipKeeping.objects.exists()


def test_storage_shows_each_camera_and_the_total_against_the_quota(client, resident, settings):
    settings.CAMERA_QUOTA_BYTES = 10_000_000
    porch, garage = (
        CameraFactory(owner=resident, name="Porch"),
        CameraFactory(owner=resident, name="Garage"),
    )
    clip = clip_of(porch)
    CameraFactory(owner=UserFactory(), name="Not mine")
    ClipUpload.objects.create(
        owner=resident,
        camera=garage,
        length=500_000,
        source=ClipSource.AGENT,
        part_name="incoming/x",
        expires_at="2100-01-01T00:00Z",
    )
    client.force_login(resident)

    storage = client.get(reverse("cameras:storage")).context["storage"]

    assert storage.by_camera == [(garage, 0), (porch, clip.media.size)]
    assert storage.uploading == 500_000
    assert storage.used == clip.media.size + 500_000
    assert storage.quota == 10_000_000
    assert storage.percent == round(100 * storage.used / 10_000_000)
