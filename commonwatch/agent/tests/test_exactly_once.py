"""Kill the agent with SIGKILL at any moment, restart it: every clip reaches a live
server exactly once, and no clip is uploaded twice (the server's folding of the same
bytes is not what saves it)."""

import json
import os
import random
import signal
from datetime import UTC, datetime

import pytest

from commonwatch.cameras.models import Clip, ClipSource, ClipUpload
from commonwatch.cameras.tests.factories import CameraFactory
from commonwatch.cameras.tests.tus_client import device_token

from .process import log_of, start_agent, wait_for
from .videos import scene, write_video

pytestmark = pytest.mark.django_db(transaction=True)

RECORDED = datetime(2026, 11, 2, 7, 30, tzinfo=UTC)
EVENTS = [(3, 5), (10, 12), (17, 19), (24, 26), (31, 33)]
# Small upload requests, so that a kill can land between two of them.
SLOW_UPLOADS = ("--chunk-size", "1024")


@pytest.fixture
def recording(tmp_path):
    return write_video(tmp_path / "driveway.mp4", scene(36, EVENTS), recorded=RECORDED)


@pytest.fixture
def camera():
    return CameraFactory()


def cutting(spool):
    """A clip is being encoded."""
    return (spool / "tmp").exists() and any((spool / "tmp").iterdir())


def uploading(spool):
    """An upload is journaled and the server holds part of its bytes."""
    return any((spool / "queue").glob("*/upload.url")) and half_sent().exists()


def half_sent():
    return ClipUpload.objects.filter(finished_at__isnull=True, offset__gt=0)


def run_and_kill(recording, spool, server, token, moment, rng):
    """Start the agent, SIGKILL it at `moment` (or after a random wait); True when the
    kill came at that moment, None when the agent had already finished."""
    agent = start_agent(recording, spool, server, *SLOW_UPLOADS, token=token)
    try:
        if moment is None:
            wait_for(lambda: agent.poll() is not None, rng.uniform(0.5, 3), "", step=0.01)
        else:
            wait_for(lambda: moment(spool) or agent.poll() is not None, 60, moment.__name__, 0.005)
    except AssertionError:
        pass  # the random moment came
    hit = moment is not None and moment(spool)
    agent.send_signal(signal.SIGKILL)  # (no-op when it has already finished)
    agent.wait()
    return None if agent.returncode == 0 else hit


def test_every_clip_arrives_once_however_often_the_agent_is_killed(
    app_server, camera, recording, tmp_path
):
    rng = random.Random(os.environ.get("AGENT_KILL_SEED", "17"))
    token = device_token(camera)
    spool = tmp_path / "spool"
    moments = [cutting, uploading, None, cutting, uploading, None, None, uploading]

    hits = [run_and_kill(recording, spool, app_server, token, m, rng) for m in moments]

    assert hits[0] is True and hits[1] is True, hits  # killed while cutting, while sending
    assert "resuming clip" in log_of(spool).read_text()  # the same upload carried on
    finish = start_agent(recording, spool, app_server, token=token)
    assert finish.wait(timeout=180) == 0, log_of(spool).read_text()

    clips = Clip.objects.filter(camera=camera).order_by("recorded_at")
    assert clips.count() == len(EVENTS)
    assert [clip.recorded_at.second for clip in clips] == [1, 8, 15, 22, 29]
    assert {clip.source for clip in clips} == {ClipSource.AGENT}
    # One finished upload per clip, and every upload cut off was resumed, not begun
    # again: no clip was sent a second time.
    assert ClipUpload.objects.filter(finished_at__isnull=False).count() == len(EVENTS)
    assert not half_sent().exists()
    sent = [json.loads(path.read_text()) for path in (spool / "sent").iterdir()]
    assert sorted(s["sha256"] for s in sent) == sorted(c.received_sha256 for c in clips)
    assert list((spool / "queue").iterdir()) == []
