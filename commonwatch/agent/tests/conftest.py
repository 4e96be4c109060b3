from datetime import UTC, datetime

import pytest

from commonwatch.agent.spool import Spool

from .videos import scene, write_video

RECORDED = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
# Three crossings of the frame, seconds from the start of the recording.
EVENTS = [(3, 6), (12, 14), (22, 25)]


@pytest.fixture
def spool(tmp_path):
    return Spool(tmp_path / "spool").open()


@pytest.fixture(scope="session")
def recording(tmp_path_factory):
    """30 s with three motion events, recorded at RECORDED."""
    path = tmp_path_factory.mktemp("videos") / "porch.mp4"
    return write_video(path, scene(30, EVENTS), recorded=RECORDED)
