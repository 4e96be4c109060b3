"""The official Python tus client (tuspy) against the real app server (uvicorn, as in
production): a device and a signed-in owner send clips, and an upload cut off halfway,
its connection dropped mid-request, resumes and arrives once."""

from __future__ import annotations

import hashlib
import socket
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO

import pytest
import requests
from django.conf import settings
from django.middleware.csrf import _get_new_csrf_string
from tusclient import client as tus
from tusclient.storage.filestorage import FileStorage

from commonwatch.cameras.models import Clip, ClipSource, ClipUpload
from commonwatch.community.tests.live_servers import (
    AsgiServer,
    app_server,
    session_cookie,
    stop_all,
    wait_ready_all,
)
from commonwatch.core.tests.processes import process_env
from commonwatch.media.tests.factories import short_video

from .factories import CameraFactory
from .tus_client import device_token

pytestmark = pytest.mark.django_db(transaction=True)

CHUNK = 2048  # a few requests per clip
TUS_PATCH = {"Tus-Resumable": "1.0.0", "Content-Type": "application/offset+octet-stream"}


@pytest.fixture(scope="module")
def video() -> bytes:
    return short_video(3, fps=15, size=(160, 120))


@pytest.fixture
def server(tmp_path):
    with app_server(tmp_path) as app:
        yield app


def endpoint(server) -> str:
    return f"http://127.0.0.1:{server.port}/api/v1/clip-uploads/"


def test_a_device_sends_a_clip_with_tuspy(server, video):
    camera = CameraFactory()
    client = tus.TusClient(
        endpoint(server), headers={"Authorization": f"Bearer {device_token(camera)}"}
    )

    uploader = client.uploader(
        file_stream=BytesIO(video),
        chunk_size=CHUNK,
        metadata={"filename": "porch.mp4", "recorded_at": "2026-11-30T06:00:00+01:00"},
    )
    uploader.upload()

    clip = Clip.objects.get()
    assert (clip.camera, clip.source, clip.original_name) == (camera, ClipSource.AGENT, "porch.mp4")
    assert clip.received_sha256 == hashlib.sha256(video).hexdigest()
    assert clip.recorded_at.isoformat() == "2026-11-30T05:00:00+00:00"
    assert uploader.url.endswith(str(ClipUpload.objects.get().pk))


def test_a_signed_in_owner_sends_a_clip_with_tuspy(server, video):
    camera = CameraFactory()
    csrf = _get_new_csrf_string()
    cookies = f"{settings.SESSION_COOKIE_NAME}={session_cookie(camera.owner)}; csrftoken={csrf}"
    client = tus.TusClient(endpoint(server), headers={"Cookie": cookies, "X-CSRFToken": csrf})

    client.uploader(
        file_stream=BytesIO(video), chunk_size=CHUNK, metadata={"camera": str(camera.pk)}
    ).upload()

    clip = Clip.objects.get()
    assert (clip.camera, clip.source) == (camera, ClipSource.BROWSER)
    assert clip.received_sha256 == hashlib.sha256(video).hexdigest()


def test_an_upload_cut_off_halfway_resumes_and_arrives_once(server, video, tmp_path):
    camera = CameraFactory()
    headers = {"Authorization": f"Bearer {device_token(camera)}"}
    urls = FileStorage(str(tmp_path / "tus-urls.json"))
    half = len(video) // 2 // CHUNK * CHUNK
    recording = tmp_path / "clip.mp4"
    recording.write_bytes(video)

    # The device sends half, then its connection drops in the middle of a request.
    first = tus.TusClient(endpoint(server), headers=headers).uploader(
        file_path=str(recording), chunk_size=CHUNK, store_url=True, url_storage=urls
    )
    first.upload(stop_at=half)
    assert first.offset == half
    _drop_mid_request(server.port, first.url, headers, offset=half, body=video[half:])
    stale = requests.patch(
        first.url,
        data=video[:CHUNK],
        headers={**headers, **TUS_PATCH, "Upload-Offset": "0"},
        timeout=10,
    )
    assert stale.status_code == 409  # bytes at an old offset: refused, nothing appended

    # Restarted, it finds its upload again (same file, stored URL), asks where it stands
    # and sends the rest.
    again = tus.TusClient(endpoint(server), headers=headers).uploader(
        file_path=str(recording), chunk_size=CHUNK, store_url=True, url_storage=urls
    )
    assert (again.url, again.offset) == (first.url, half)
    again.upload()

    clip = Clip.objects.get()
    assert clip.received_sha256 == hashlib.sha256(video).hexdigest()
    assert ClipUpload.objects.get().clip == clip
    clip.media.refresh_from_db()
    assert clip.media.is_ready and clip.media.size > 0
    assert _staging_left(tmp_path) == []  # the dropped and the refused bodies went too


def _staging_left(data_dir) -> list:
    """Staging files of the server (cameras.asgi), once it has answered or given up."""
    folder = data_dir / "media" / "clip-parts" / "staging"
    deadline = time.monotonic() + 5
    while folder.exists() and any(folder.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return list(folder.iterdir()) if folder.exists() else []


def _drop_mid_request(port: int, url: str, headers: dict, *, offset: int, body: bytes) -> None:
    """A PATCH announcing the whole rest, of which only a part is sent before the socket
    closes: what a connection lost on the way looks like to the server."""
    with _start_patch(port, url, headers, body, offset=offset):
        pass
    assert uuid.UUID(url.rsplit("/", 1)[1])


def test_the_same_bytes_sent_twice_at_once_to_two_servers_make_one_clip(tmp_path, video):
    """Two app processes take the same PATCH together (a client that retried on another
    connection): the upload's row lock lets one append; the other is told the offset moved."""
    env = process_env(tmp_path, TASK_BACKEND="immediate")
    env.pop("REDIS_URL", None)
    servers = [AsgiServer(name, env, tmp_path) for name in ("one", "two")]
    try:
        wait_ready_all(servers)
        camera = CameraFactory()
        headers = {"Authorization": f"Bearer {device_token(camera)}", "Tus-Resumable": "1.0.0"}
        created = requests.post(
            endpoint(servers[0]),
            headers={**headers, "Upload-Length": str(len(video))},
            timeout=10,
        )
        path = created.headers["Location"].split(f":{servers[0].port}", 1)[1]
        with ThreadPoolExecutor(2) as pool:
            answers = list(
                pool.map(
                    lambda server: requests.patch(
                        f"http://127.0.0.1:{server.port}{path}",
                        data=video,
                        headers={**headers, **TUS_PATCH, "Upload-Offset": "0"},
                        timeout=30,
                    ),
                    servers,
                )
            )
    finally:
        stop_all(servers)

    assert sorted(a.status_code for a in answers) == [204, 409]
    upload = ClipUpload.objects.get()
    assert upload.offset == len(video) and upload.clip is not None
    assert Clip.objects.count() == 1
    assert Clip.objects.get().received_sha256 == hashlib.sha256(video).hexdigest()


def _start_patch(port: int, url: str, headers: dict, body: bytes, *, offset=0) -> socket.socket:
    """A PATCH announcing the whole body, of which only the first half is sent so far."""
    head = [
        f"PATCH {url.split(f':{port}', 1)[1]} HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        "Tus-Resumable: 1.0.0",
        "Content-Type: application/offset+octet-stream",
        f"Upload-Offset: {offset}",
        f"Content-Length: {len(body)}",
        *(f"{name}: {value}" for name, value in headers.items()),
    ]
    conn = socket.create_connection(("127.0.0.1", port), timeout=10)
    conn.sendall(("\r\n".join(head) + "\r\n\r\n").encode() + body[: len(body) // 2])
    return conn


def _new_upload(server, headers: dict, length: int) -> str:
    created = requests.post(
        endpoint(server),
        headers={**headers, "Tus-Resumable": "1.0.0", "Upload-Length": str(length)},
        timeout=10,
    )
    assert created.status_code == 201
    return created.headers["Location"]


def test_a_camera_pausing_mid_clip_holds_up_no_one_else(server, video):
    """While one camera's bytes trickle in, the same app process answers everyone else
    (its Django code once ran in the one thread all requests share, waiting there)."""
    camera = CameraFactory()
    headers = {"Authorization": f"Bearer {device_token(camera)}"}
    url = _new_upload(server, headers, len(video))
    conn = _start_patch(server.port, url, headers, video)
    try:
        time.sleep(0.3)  # the view now waits for the rest of the body
        other = requests.get(
            f"http://127.0.0.1:{server.port}/api/v1/me", headers=headers, timeout=5
        )
        assert other.status_code in (401, 403)  # answered (a device token reads nothing)
        assert requests.get(f"http://127.0.0.1:{server.port}/healthz", timeout=5).ok

        conn.sendall(video[len(video) // 2 :])
        answer = conn.recv(4096).decode()
    finally:
        conn.close()
    assert answer.startswith("HTTP/1.1 204")
    assert Clip.objects.get().received_sha256 == hashlib.sha256(video).hexdigest()


def test_a_camera_silent_mid_clip_is_dropped_and_resumes(tmp_path, video):
    with app_server(tmp_path, CAMERA_UPLOAD_IDLE_SECONDS="0.5") as app:
        camera = CameraFactory()
        headers = {"Authorization": f"Bearer {device_token(camera)}"}
        url = _new_upload(app, headers, len(video))
        with _start_patch(app.port, url, headers, video) as conn:
            answer = conn.recv(4096).decode()  # after half a second of silence
        assert answer.startswith("HTTP/1.1 408")
        assert _staging_left(tmp_path) == []
        where = requests.head(url, headers={**headers, "Tus-Resumable": "1.0.0"}, timeout=5)
        assert where.headers["Upload-Offset"] == "0"  # nothing half-kept: it sends it again

        again = requests.patch(
            url, data=video, headers={**headers, **TUS_PATCH, "Upload-Offset": "0"}, timeout=10
        )
    assert again.status_code == 204
    assert Clip.objects.get().received_sha256 == hashlib.sha256(video).hexdigest()


def test_a_camera_trickling_a_byte_now_and_then_is_dropped(tmp_path, video):
    """Never silent for long, but far slower than MIN_BYTES_PER_SECOND: dropped once its
    whole body should have come, so it cannot hold an upload thread for good."""
    with app_server(tmp_path, CAMERA_UPLOAD_IDLE_SECONDS="0.5") as app:
        camera = CameraFactory()
        headers = {"Authorization": f"Bearer {device_token(camera)}"}
        url = _new_upload(app, headers, len(video))
        with _start_patch(app.port, url, headers, video) as conn:
            conn.settimeout(0.3)
            answer, started = "", time.monotonic()
            while not answer and time.monotonic() - started < 20:
                try:
                    answer = conn.recv(4096).decode()
                except TimeoutError:
                    conn.sendall(b"x")  # a byte every 0.3 s: never idle for 0.5 s
    assert answer.startswith("HTTP/1.1 408")
    assert not Clip.objects.exists()


def test_past_the_uploads_a_process_takes_at_once_a_camera_is_told_to_retry(tmp_path, video):
    with app_server(tmp_path, CAMERA_UPLOADS_AT_ONCE="1") as app:
        camera = CameraFactory()
        headers = {"Authorization": f"Bearer {device_token(camera)}"}
        first, second = (_new_upload(app, headers, len(video)) for _ in range(2))
        with _start_patch(app.port, first, headers, video) as conn:
            time.sleep(0.3)  # the first now waits for the rest of its bytes
            busy = requests.patch(
                second,
                data=video,
                headers={**headers, **TUS_PATCH, "Upload-Offset": "0"},
                timeout=10,
            )
            conn.sendall(video[len(video) // 2 :])
            done = conn.recv(4096).decode()
        again = requests.patch(
            second, data=video, headers={**headers, **TUS_PATCH, "Upload-Offset": "0"}, timeout=10
        )
    assert busy.status_code == 503 and busy.headers["Retry-After"] == "5"
    assert "send again" in busy.json()["detail"] and busy.json()["code"] == "busy"
    assert done.startswith("HTTP/1.1 204") and again.status_code == 204
    assert Clip.objects.count() == 1  # the same bytes twice: one clip


def test_one_owner_cannot_take_every_upload_thread(tmp_path, video):
    """Past CAMERA_UPLOADS_PER_OWNER of one owner's uploads at once, the next of theirs is
    told to retry; another owner's still goes through, and so does theirs afterwards."""
    with app_server(tmp_path, CAMERA_UPLOADS_PER_OWNER="1") as app:
        camera, neighbours = CameraFactory(), CameraFactory()
        mine = {"Authorization": f"Bearer {device_token(camera)}"}
        theirs = {"Authorization": f"Bearer {device_token(neighbours)}"}
        first, second = (_new_upload(app, mine, len(video)) for _ in range(2))
        other = _new_upload(app, theirs, len(video))

        def send(url, headers):
            return requests.patch(
                url,
                data=video,
                headers={**headers, **TUS_PATCH, "Upload-Offset": "0"},
                timeout=10,
            )

        with _start_patch(app.port, first, mine, video) as conn:
            time.sleep(0.3)  # the first now waits for the rest of its bytes
            busy, elsewhere = send(second, mine), send(other, theirs)
            conn.sendall(video[len(video) // 2 :])
            done = conn.recv(4096).decode()
        again = send(second, mine)
    assert busy.status_code == 503 and busy.headers["Retry-After"] == "5"
    assert busy.json()["code"] == "busy" and "send this one again" in busy.json()["detail"]
    assert elsewhere.status_code == 204
    assert done.startswith("HTTP/1.1 204") and again.status_code == 204
    assert Clip.objects.filter(camera=neighbours).count() == 1
