"""Cameras and clips for tests: a clip is a processed MediaFile of a short real video."""

from __future__ import annotations

import hashlib

import factory
from django.utils import timezone

from commonwatch.accounts.tests.factories import UserFactory
from commonwatch.cameras.models import Camera, CameraKind, Clip, ClipSource
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
