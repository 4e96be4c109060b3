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
        times = [frame.time for frame in container.decode(video=0)]
    frames, span = len(times), times[-1] - times[0]
    # 2 s of motion with 2 s on each side, 10 frames a second: 60 frames over 6 s. A
    # loaded RTSP server stamps frames by when it sends them, which stretches one of the
    # two: 58 frames over 8.3 s on a quiet machine, 68 frames once while the suite ran.
    assert frames >= 40
    assert frames <= 61 or 5.5 <= span <= 6.2
    assert clip.upload_url() is None  # nothing reached a server
