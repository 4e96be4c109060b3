import http.server
import socket
import subprocess
import threading
import time
from datetime import UTC, datetime

import pytest

from commonwatch.agent.spool import Spool

from .process import AGENT, app_server_running, wait_for
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


@pytest.fixture
def rtsp_stream(tmp_path):
    """The same kind of feed from an RTSP server (aio-rtsp-toolkit's ``rtsp-server``,
    RTP over TCP) at rtsp://127.0.0.1:<port>/cam.mp4."""
    media = tmp_path / "rtsp"
    media.mkdir()
    write_video(media / "cam.mp4", scene(8, [(3, 5)]))
    port, control = free_port(), free_port()
    server = subprocess.Popen(
        [str(AGENT.parent / "rtsp-server"), "--dir", str(media), "--host", "127.0.0.1"]
        + ["--port", str(port), "--control-port", str(control)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(lambda: listening(port), 30, "the RTSP server")
        yield f"rtsp://127.0.0.1:{port}/cam.mp4"
    finally:
        server.kill()
        server.wait()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def app_server(tmp_path, transactional_db):
    """The real app server (uvicorn serving config.asgi, as in production) on a port the
    kernel picks, sharing the test database: its address."""
    with app_server_running(tmp_path) as url:
        yield url
