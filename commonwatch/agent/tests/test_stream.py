"""A live stream served over loopback, by HTTP or RTSP, is read, and its clips wait in
the offline queue while the server cannot be reached."""

from datetime import UTC, datetime, timedelta

import av
import pytest

from commonwatch.agent.spool import Spool

from .process import start_agent, wait_for


@pytest.mark.parametrize("feed", ["http_stream", "rtsp_stream"])
def test_a_stream_is_read_and_its_clips_queue_while_offline(feed, request, tmp_path):
    url = request.getfixturevalue(feed)
    spool = Spool(tmp_path / "spool")
    started = datetime.now(UTC)
    # Nothing listens on port 9 of loopback: the server is "offline".
    agent = start_agent(url, spool.root, "http://127.0.0.1:9")
    try:
        wait_for(lambda: spool.queue.exists() and any(spool.queue.iterdir()), 60, "a clip")
    finally:
        agent.kill()
        agent.wait()

    clip = Spool(spool.root).open().queued()[0]
    recorded = datetime.fromisoformat(clip.meta["recorded_at"])
    assert started - timedelta(seconds=1) <= recorded <= datetime.now(UTC)
    with av.open(str(clip.video)) as container:
        frames = sum(1 for _ in container.decode(video=0))
    assert 40 <= frames <= 61  # 2 s of motion with 2 s on each side, 10 frames a second
    assert clip.upload_url() is None  # nothing reached a server
