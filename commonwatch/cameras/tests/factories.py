"""Cameras and clips for tests: a clip is a processed MediaFile of a short real video."""

from __future__ import annotations

import hashlib

import factory
from django.core.files.base import ContentFile
from django.test import TestCase
from django.utils import timezone

from commonwatch.accounts.tests.factories import UserFactory
from commonwatch.cameras.models import Camera, CameraKind, Clip, ClipSource
from commonwatch.cameras.services import add_clip
from commonwatch.media.services import incoming_name
from commonwatch.media.storage import media_storage
from commonwatch.media.tests.factories import processed, short_video


class CameraFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Camera

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Camera {n}")
    kind = CameraKind.DOORBELL
    brand = "Acme"
    exact_lat = 39.7392
    exact_lng = -104.9903


def clip_of(camera: Camera, *, recorded_at=None, data: bytes | None = None, **fields) -> Clip:
    """A clip whose video went through the media pipeline (so it is READY, with a
    thumbnail), recorded now unless said otherwise."""
    data = data if data is not None else short_video()
    return Clip.objects.create(
        camera=camera,
        owner=camera.owner,
        media=processed(camera.owner, data, name="clip.mp4"),
        recorded_at=recorded_at or timezone.now(),
        source=fields.pop("source", ClipSource.BROWSER),
        received_sha256=hashlib.sha256(data).hexdigest(),
        **fields,
    )


def clip_arrived(
    camera: Camera, data: bytes, *, recorded_at=None, original_name: str = "clip.mp4"
) -> Clip | None:
    """Bytes that arrived as a clip (as a finished upload does: stored in the incoming
    area, then add_clip), processed as after a real commit. None if processing refused
    it (a refused clip is not kept)."""
    name = media_storage().save(incoming_name(), ContentFile(data))
    with TestCase.captureOnCommitCallbacks(execute=True):
        clip, _created = add_clip(
            camera=camera,
            upload_name=name,
            size=len(data),
            received_sha256=hashlib.sha256(data).hexdigest(),
            recorded_at=recorded_at,
            source=ClipSource.AGENT,
            original_name=original_name,
        )
    return Clip.objects.select_related("media", "camera").filter(pk=clip.pk).first()
