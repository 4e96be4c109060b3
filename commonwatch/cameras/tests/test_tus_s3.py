"""With object storage (moto on loopback), where a file cannot be appended to, the
partial bytes wait on the app server's disk (DATA_DIR) and the finished clip goes to the
bucket, leaving nothing behind locally."""

from __future__ import annotations

import hashlib

import pytest

from commonwatch.cameras import uploads
from commonwatch.cameras.models import Clip, ClipUpload
from commonwatch.media.storage import media_storage
from commonwatch.media.tests.factories import short_video
from commonwatch.media.tests.test_s3 import bucket, s3_endpoint  # noqa: F401 - fixtures

from .factories import CameraFactory
from .tus_client import bearer, create, device_token, patch

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.usefixtures("bucket")
def test_a_clip_sent_in_two_parts_reaches_the_bucket_and_leaves_no_local_part(
    client, settings, tmp_path
):
    settings.DATA_DIR = tmp_path / "data"
    device = bearer(device_token(CameraFactory()))
    data = short_video()
    location = create(client, len(data), **device)["Location"]
    half = len(data) // 2

    patch(client, location, data[:half], 0, **device)
    part = uploads.part_path(ClipUpload.objects.get())
    waiting = part.read_bytes()
    done = patch(client, location, data[half:], half, **device)

    assert part.is_relative_to(settings.DATA_DIR) and waiting == data[:half]
    assert done.status_code == 204 and not part.exists()
    clip = Clip.objects.get()
    assert clip.received_sha256 == hashlib.sha256(data).hexdigest()
    clip.media.refresh_from_db()
    assert clip.media.is_ready and media_storage().exists(clip.media.name)
