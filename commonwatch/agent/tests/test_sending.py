"""Sending to a live server: a stream's clip arrives, a full quota is waited out (the
clip stays queued and goes once the owner has room), and a clip the server will never
take is set aside without holding up the queue."""

import pytest

from commonwatch.agent.spool import Spool
from commonwatch.cameras.models import Clip, ClipKeeping, ClipSource
from commonwatch.cameras.tests.factories import CameraFactory
from commonwatch.cameras.tests.tus_client import device_token

from .process import app_server_running, log_of, start_agent, wait_for
from .videos import scene, write_video

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def camera():
    return CameraFactory()


def test_a_streams_clip_reaches_the_server(app_server, camera, http_stream, tmp_path):
    agent = start_agent(http_stream, tmp_path / "spool", app_server, token=device_token(camera))
    try:
        wait_for(lambda: Clip.objects.filter(camera=camera).exists(), 60, "the clip")
    finally:
        agent.kill()
        agent.wait()

    clip = Clip.objects.get(camera=camera)
    assert clip.source == ClipSource.AGENT
    assert clip.original_name.startswith("stream-")


def test_a_full_quota_keeps_the_clip_queued_until_there_is_room(app_server, camera, tmp_path):
    recording = write_video(tmp_path / "gate.mp4", scene(8, [(3, 5)]))
    ClipKeeping.objects.create(owner=camera.owner, quota_bytes=1000)
    spool = Spool(tmp_path / "spool")
    agent = start_agent(recording, spool.root, app_server, token=device_token(camera))
    try:
        wait_for(
            lambda: log_of(spool.root).read_text().count("Not enough room in your storage") >= 2,
            60,
            "retries",
        )
        assert agent.poll() is None and len(spool.open().queued()) == 1
        assert not Clip.objects.exists()

        ClipKeeping.objects.filter(owner=camera.owner).update(quota_bytes=None)

        assert agent.wait(timeout=60) == 0
    finally:
        agent.kill()
    assert Clip.objects.filter(camera=camera).count() == 1
    assert spool.open().queued() == []


def test_a_clip_the_server_will_never_take_is_set_aside(camera, tmp_path):
    recording = write_video(tmp_path / "gate.mp4", scene(8, [(3, 5)]))
    spool = Spool(tmp_path / "spool")
    with app_server_running(tmp_path, CAMERA_MAX_CLIP_BYTES="1000") as server:
        agent = start_agent(recording, spool.root, server, token=device_token(camera))

        assert agent.wait(timeout=60) == 0  # the queue goes on without it

    (refused,) = spool.refused.iterdir()
    assert "too large" in (refused / "refused.txt").read_text()
    assert (refused / "clip.mp4").stat().st_size > 1000
    assert not Clip.objects.exists()
