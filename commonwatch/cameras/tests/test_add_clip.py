import hashlib

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from commonwatch.cameras import selectors, services
from commonwatch.cameras.models import Clip, ClipSource
from commonwatch.media.models import MediaFile
from commonwatch.media.services import incoming_name
from commonwatch.media.storage import media_storage
from commonwatch.media.tests.factories import short_video

from .factories import CameraFactory

pytestmark = pytest.mark.django_db(transaction=True)


def stored(data: bytes) -> str:
    return media_storage().save(incoming_name(), ContentFile(data))


def add(camera, data: bytes):
    return services.add_clip(
        camera=camera,
        upload_name=stored(data),
        size=len(data),
        received_sha256=hashlib.sha256(data).hexdigest(),
        recorded_at=timezone.now(),
        source=ClipSource.AGENT,
    )


def test_the_same_video_sent_twice_is_one_clip_and_the_second_copy_is_deleted():
    camera = CameraFactory()
    data = short_video()

    first, created = add(camera, data)
    again, created_again = add(camera, data)

    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert Clip.objects.count() == MediaFile.objects.count() == 1
    first.media.refresh_from_db()
    assert first.media.is_ready
    assert media_storage().listdir("incoming")[1] == []  # both copies as received are gone


def test_clips_count_against_their_owner_only():
    camera, other = CameraFactory(), CameraFactory()
    data = short_video()

    clip, _ = add(camera, data)
    clip.media.refresh_from_db()

    assert selectors.storage_used(camera.owner) == clip.media.size > 0
    assert selectors.stored_bytes_by_camera(camera.owner) == {camera.pk: clip.media.size}
    assert selectors.storage_used(other.owner) == 0
