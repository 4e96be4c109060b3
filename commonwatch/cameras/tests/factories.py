"""Cameras and clips for tests: a clip is a processed MediaFile of a short real video."""

from __future__ import annotations

import hashlib
import tempfile
from functools import cache
from pathlib import Path

import av
import factory
import numpy as np
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


@cache
def exported_video(shade: int = 0, *, creation_time: str = "") -> bytes:
    """A short MP4 as another camera app exports it: `shade` makes its bytes differ from
    another's, `creation_time` (ISO 8601) is written in its container's tags. The same
    arguments give the same bytes: x264 on a busy machine did not always (a file
    "already imported" then looked new)."""
    with tempfile.TemporaryDirectory() as workdir:
        path = Path(workdir) / "export.mp4"
        with av.open(str(path), mode="w", format="mp4") as container:
            if creation_time:
                container.metadata["creation_time"] = creation_time
            stream = container.add_stream("libx264", rate=5)
            stream.width, stream.height, stream.pix_fmt = 32, 32, "yuv420p"
            for i in range(5):
                pixels = np.full((32, 32, 3), (shade * 37 + i * 9) % 255, np.uint8)
                for packet in stream.encode(av.VideoFrame.from_ndarray(pixels, format="rgb24")):
                    container.mux(packet)
            for packet in stream.encode():
                container.mux(packet)
        return path.read_bytes()


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
