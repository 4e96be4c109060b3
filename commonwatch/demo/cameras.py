"""The demo's camera owners: a few residents with 1-3 cameras by their homes, and clips.

Each clip is a generated video (demo.videos) handed to the real pipeline the way a
finished upload is (cameras.services.add_clip): stored privately, then checked,
re-encoded and given a thumbnail by the task worker. Recorded over the last days.
Seeding again adds nothing: a camera that exists keeps the clips it has.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from commonwatch.accounts.models import Home, User
from commonwatch.cameras.models import Camera, CameraKind, ClipSource
from commonwatch.cameras.services import add_clip
from commonwatch.media.services import incoming_name
from commonwatch.media.storage import media_storage

from .city import offset
from .videos import moving_shapes

CLIPS_PER_CAMERA = 2
RECORDED_WITHIN = timedelta(days=6)


@dataclass(frozen=True)
class DemoCamera:
    name: str
    kind: str
    brand: str
    north_m: float  # from the owner's home
    east_m: float


DEMO_CAMERAS: dict[str, tuple[DemoCamera, ...]] = {
    "resident": (
        DemoCamera("Front door", CameraKind.DOORBELL, "Ring", 6, 2),
        DemoCamera("Driveway", CameraKind.FLOODLIGHT, "Eufy", 4, -9),
    ),
    "moderator": (DemoCamera("Porch", CameraKind.DOORBELL, "Nest", 5, 0),),
    "resident00000": (
        DemoCamera("Front door", CameraKind.DOORBELL, "Arlo", 5, 3),
        DemoCamera("Back yard", CameraKind.FLOODLIGHT, "Arlo", -12, 4),
        DemoCamera("Garage", CameraKind.OTHER, "Reolink", 2, 11),
    ),
    "resident00001": (DemoCamera("Doorbell", CameraKind.DOORBELL, "Wyze", 4, -1),),
}


def seed_cameras(domain: str, seed: int = 17) -> int:
    """Cameras and clips for the demo's owners who exist; returns the clips added."""
    rng = random.Random(seed)
    added = 0
    for local_part, cameras in DEMO_CAMERAS.items():
        owner = User.objects.filter(email=f"{local_part}@{domain}").first()
        home = Home.objects.filter(user=owner).first() if owner else None
        if home is None:
            continue
        for spec in cameras:
            added += _seed_camera(owner, home, spec, rng)
    return added


def _seed_camera(owner, home: Home, spec: DemoCamera, rng: random.Random) -> int:
    camera = Camera.objects.filter(owner=owner, name=spec.name).first()
    if camera is not None:
        return 0
    camera = Camera(owner=owner, name=spec.name, kind=spec.kind, brand=spec.brand)
    camera.place(*offset(home.lat, home.lng, spec.north_m, spec.east_m))
    camera.save()
    for _ in range(CLIPS_PER_CAMERA):
        _add_clip(camera, moving_shapes(rng.randrange(1 << 30)), _recently(rng))
    return CLIPS_PER_CAMERA


def _recently(rng: random.Random):
    return timezone.now() - RECORDED_WITHIN * rng.random()


def _add_clip(camera: Camera, data: bytes, recorded_at) -> None:
    stored = media_storage().save(incoming_name(), ContentFile(data))
    with transaction.atomic():
        add_clip(
            camera=camera, upload_name=stored, size=len(data),
            received_sha256=hashlib.sha256(data).hexdigest(), recorded_at=recorded_at,
            source=ClipSource.AGENT, original_name=f"{camera.name}.mp4",
        )  # fmt: skip
