"""A live stream served over loopback HTTP is read, and its clips wait in the offline
queue while the server cannot be reached."""

import http.server
import threading
import time
from datetime import UTC, datetime, timedelta

import av
import pytest

from commonwatch.agent.spool import Spool

from .process import start_agent, wait_for
from .videos import scene, write_video


@pytest.fixture
def http_stream(tmp_path):
    """An MPEG-TS camera feed (H.264) at http://127.0.0.1:<port>/live.ts, sent in real
    time (8 s of video over 8 s) without a length, as a camera's live stream is."""
    feed = write_video(tmp_path / "feed.ts", scene(8, [(3, 5)]), fmt="mpegts").read_bytes()

    class Camera(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "video/mp2t")
            self.end_headers()
            chunk = len(feed) // 80 + 1
            for start in range(0, len(feed), chunk):
                self.wfile.write(feed[start : start + chunk])
                self.wfile.flush()
                time.sleep(0.1)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Camera)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/live.ts"
    server.shutdown()
    server.server_close()


def test_an_http_stream_is_read_and_its_clips_queue_while_offline(http_stream, tmp_path):
    spool = Spool(tmp_path / "spool")
    started = datetime.now(UTC)
    # Nothing listens on port 9 of loopback: the server is "offline".
    agent = start_agent(http_stream, spool.root, "http://127.0.0.1:9")
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
