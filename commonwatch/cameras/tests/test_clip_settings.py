"""The owner's clip settings: how long clips are kept, and the storage they take."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from commonwatch.accounts.tests.factories import UserFactory
from commonwatch.cameras.models import Clip, ClipKeeping, ClipSource, ClipUpload
from commonwatch.cameras.selectors import keeping_of
from commonwatch.media.tests.factories import short_video

from .factories import CameraFactory, clip_of

pytestmark = pytest.mark.django_db


def test_clips_are_kept_30_days_until_the_owner_chooses(client, resident):
    client.force_login(resident)
    page = client.get(reverse("cameras:storage"))
    assert page.context["form"]["retention_days"].value() == 30

    response = client.post(reverse("cameras:storage"), {"retention_days": "7"})

    assert response.status_code == 302
    assert keeping_of(resident).retention_days == 7


def test_a_shorter_keeping_says_which_clips_go_and_waits_for_a_yes(client, resident):
    camera = CameraFactory(owner=resident)
    week_old = clip_of(camera, recorded_at=timezone.now() - timedelta(days=7))
    clip_of(camera, recorded_at=timezone.now() - timedelta(hours=1), data=short_video(fps=5))
    client.force_login(resident)

    asked = client.post(reverse("cameras:storage"), {"retention_days": "1"})

    page = asked.content.decode()
    assert asked.status_code == 200 and 'id="retention-confirm"' in page
    assert "deletes 1 clip (" in page and "Keep 1 day and delete them" in page
    assert keeping_of(resident).retention_days == 30, "nothing is saved before the yes"

    saved = client.post(reverse("cameras:storage"), {"retention_days": "1", "confirmed": "on"})

    assert saved.status_code == 302 and keeping_of(resident).retention_days == 1
    assert Clip.objects.filter(pk=week_old.pk).exists(), "it goes at the purge, not now"


def test_a_keeping_that_deletes_nothing_is_saved_without_a_question(client, resident):
    clip_of(CameraFactory(owner=resident), recorded_at=timezone.now() - timedelta(hours=1))
    client.force_login(resident)

    response = client.post(reverse("cameras:storage"), {"retention_days": "1"})

    assert response.status_code == 302 and keeping_of(resident).retention_days == 1


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

    page = client.get(reverse("cameras:storage"))
    storage = page.context["storage"]

    assert storage.by_camera == [(garage, 0), (porch, clip.media.size)]
    assert storage.uploading == 500_000
    # An upload left unfinished holds its room only until it expires, and the page says when.
    assert storage.uploading_until.year == 2100
    assert "gives its room back at" in page.content.decode()
    assert storage.used == clip.media.size + 500_000
    assert storage.quota == 10_000_000
    assert storage.percent == round(100 * storage.used / 10_000_000)
