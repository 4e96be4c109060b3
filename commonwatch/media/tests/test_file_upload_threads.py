"""Requests carrying files on the real app server (uvicorn, as at scale), with a media
storage that stalls as a slow object store does: their Django code runs on threads of
their own (FILE_UPLOADS_AT_ONCE), so pages, the API and health checks of the same process
keep answering; one more than those threads take at once is told to send again, and
nothing of it is stored."""

from __future__ import annotations

import asyncio
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest
import requests
from django.conf import settings
from django.middleware.csrf import _get_new_csrf_string
from urllib3.filepost import encode_multipart_formdata

from commonwatch.community.models import Post
from commonwatch.community.tests.factories import CENTER, resident_at
from commonwatch.community.tests.live_servers import app_server, session_cookie
from commonwatch.core.asgi import OWN_THREADS
from commonwatch.media.asgi import FileUploadThreads, _busy, carries_files
from commonwatch.media.models import MediaFile

from .factories import jpeg_with_gps
from .stalling_storage import let_saves_finish, stalled_saves

FORM = {
    "category": "safety",
    "title": "Streetlight out",
    "body": "The streetlight at the corner has been dark since Monday.",
    "lat": str(CENTER[0]),
    "lng": str(CENTER[1]),
}


@contextmanager
def stalling_server(tmp_path, **settings_env):
    with app_server(
        tmp_path,
        DJANGO_SETTINGS_MODULE="commonwatch.media.tests.stalling_settings",
        TASK_BACKEND="database",  # queued, never processed here: stored files are uploads
        **settings_env,
    ) as app:
        try:
            yield f"http://127.0.0.1:{app.port}"
        finally:
            let_saves_finish(tmp_path)  # never leave a request of the server hanging


class Resident:
    """A signed-in browser: its session and CSRF cookies, and the form's token."""

    def __init__(self):
        self.csrf = _get_new_csrf_string()
        cookie = session_cookie(resident_at(*CENTER))
        self.cookies = f"{settings.SESSION_COOKIE_NAME}={cookie}; csrftoken={self.csrf}"

    def post_with_a_photo(self, site: str, path: str = "/api/v1/posts", accept="*/*", **kwargs):
        return requests.post(
            f"{site}{path}",
            data={**FORM, "csrfmiddlewaretoken": self.csrf},
            files={"media": ("a.jpg", jpeg_with_gps(), "image/jpeg")},
            headers={"Cookie": self.cookies, "X-CSRFToken": self.csrf, "Accept": accept},
            allow_redirects=False,
            timeout=30,
            **kwargs,
        )

    def get(self, url: str, timeout: float):
        """The answer's status, or None if none came within timeout seconds."""
        try:
            return requests.get(url, headers={"Cookie": self.cookies}, timeout=timeout).status_code
        except requests.Timeout:
            return None


def _wait_for_saves(tmp_path, count: int) -> None:
    deadline = time.monotonic() + 20
    while len(stalled_saves(tmp_path)) < count:
        assert time.monotonic() < deadline, "the upload never reached the storage"
        time.sleep(0.02)


def _stored_files(tmp_path) -> list:
    media = tmp_path / "media"
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


pytestmark_db = pytest.mark.django_db(transaction=True)


@pytestmark_db
def test_a_post_whose_photo_the_storage_is_slow_to_take_holds_up_no_one_else(tmp_path):
    """The post's Django code once stored its photo in the one thread every request of the
    process shares: while S3 took its time, nobody else was answered, health checks
    included (a load balancer would then take the process for dead)."""
    resident = Resident()
    with stalling_server(tmp_path) as site, ThreadPoolExecutor(1) as pool:
        posting = pool.submit(resident.post_with_a_photo, site, "/feed/new/")
        _wait_for_saves(tmp_path, 1)  # the photo is now being stored, and stays so

        health = resident.get(f"{site}/healthz", timeout=2)
        feed = resident.get(f"{site}/feed/", timeout=2)
        api = resident.get(f"{site}/api/v1/me", timeout=2)
        still_storing = not posting.done()

        let_saves_finish(tmp_path)
        posted = posting.result()

    assert (health, feed, api) == (200, 200, 200)
    assert still_storing
    assert posted.status_code == 302, posted.text[:500]
    assert Post.objects.get().media.count() == 1


@pytestmark_db
def test_one_upload_past_the_threads_is_told_to_send_again_and_nothing_of_it_is_kept(tmp_path):
    resident = Resident()
    with stalling_server(tmp_path, FILE_UPLOADS_AT_ONCE="1") as site, ThreadPoolExecutor(1) as pool:
        posting = pool.submit(resident.post_with_a_photo, site)
        _wait_for_saves(tmp_path, 1)  # the one upload thread waits for the storage

        busy = resident.post_with_a_photo(site)
        busy_page = resident.post_with_a_photo(site, "/feed/new/")
        busy_browser = resident.post_with_a_photo(site, "/feed/new/", accept="text/html")
        health = resident.get(f"{site}/healthz", timeout=2)
        saves_begun = len(stalled_saves(tmp_path))

        let_saves_finish(tmp_path)
        posted = posting.result()
        again = resident.post_with_a_photo(site)  # once the thread is free

    assert busy.status_code == 503 and busy.headers["Retry-After"] == "5"
    assert busy.json() == {
        "detail": "Too many uploads are arriving at once: send again in a few seconds.",
        "code": "busy",
    }
    assert busy_page.status_code == 503 and busy_page.headers["Retry-After"] == "5"
    assert busy_page.text.startswith("Too many uploads are arriving at once")
    assert busy_browser.status_code == 503 and busy_browser.headers["Retry-After"] == "5"
    assert "<h1>Too many uploads right now</h1>" in busy_browser.text
    assert health == 200
    assert saves_begun == 1, "the refused uploads reached the storage"
    assert posted.status_code == 201 and again.status_code == 201
    assert Post.objects.count() == 2 and MediaFile.objects.count() == 2
    assert len(_stored_files(tmp_path)) == 2  # the two accepted photos, nothing else


def _multipart(resident: Resident, port: int, path: str = "/api/v1/posts") -> tuple[bytes, bytes]:
    """A raw request's head and body: a post with a photo."""
    body, kind = encode_multipart_formdata(
        {**FORM, "media": ("a.jpg", jpeg_with_gps(), "image/jpeg")}
    )
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Content-Type: {kind}\r\nContent-Length: {len(body)}\r\n"
        f"Cookie: {resident.cookies}\r\nX-CSRFToken: {resident.csrf}\r\n\r\n"
    ).encode()
    return head, body


def _answer(conn: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        part = conn.recv(65536)
        if not part:
            break
        data += part
    return data


@pytestmark_db
def test_a_phone_slow_to_send_its_photo_holds_no_thread(tmp_path):
    """While a body streams in, no thread is taken: a slow sender does not keep others out
    (with one upload thread, another post goes through meanwhile)."""
    resident = Resident()
    with stalling_server(tmp_path, FILE_UPLOADS_AT_ONCE="1") as site:
        let_saves_finish(tmp_path)  # the storage answers at once here
        port = int(site.rsplit(":", 1)[1])
        head, body = _multipart(resident, port)
        with socket.create_connection(("127.0.0.1", port), timeout=10) as slow:
            slow.sendall(head + body[: len(body) // 2])
            time.sleep(0.3)  # half of its photo has come
            meanwhile = resident.post_with_a_photo(site)
            slow.sendall(body[len(body) // 2 :])
            answer = _answer(slow)
    assert meanwhile.status_code == 201
    assert answer.startswith(b"HTTP/1.1 201"), answer[:300]
    assert Post.objects.count() == 2


@pytestmark_db
def test_a_body_still_coming_when_the_threads_filled_is_refused_once_read(tmp_path):
    """Let in while every thread was free, its last byte finds them taken: 503, and its
    Django code never runs (nothing stored), rather than waiting behind the storage."""
    resident = Resident()
    with stalling_server(tmp_path, FILE_UPLOADS_AT_ONCE="1") as site, ThreadPoolExecutor(1) as pool:
        port = int(site.rsplit(":", 1)[1])
        head, body = _multipart(resident, port)
        with socket.create_connection(("127.0.0.1", port), timeout=10) as late:
            late.sendall(head + body[: len(body) // 2])
            time.sleep(0.3)  # let in: its body is being read
            posting = pool.submit(resident.post_with_a_photo, site)
            _wait_for_saves(tmp_path, 1)  # the one thread now waits for the storage
            late.sendall(body[len(body) // 2 :])
            answer = _answer(late)
            saves_begun = len(stalled_saves(tmp_path))
        let_saves_finish(tmp_path)
        posted = posting.result()
    assert answer.startswith(b"HTTP/1.1 503"), answer[:300]
    assert b"retry-after: 5" in answer.lower()
    assert saves_begun == 1
    assert posted.status_code == 201
    assert Post.objects.count() == 1 and MediaFile.objects.count() == 1


# --- Which requests take an upload thread ----------------------------------------------


MULTIPART = b"multipart/form-data; boundary=x"
NINE_BYTES = (b"content-length", b"9")


@pytest.mark.parametrize(
    ("kind", "length", "carries"),
    [
        (MULTIPART, NINE_BYTES, True),
        (b"Multipart/Form-Data;boundary=x", NINE_BYTES, True),
        (MULTIPART, (b"transfer-encoding", b"chunked"), True),
        (MULTIPART, (b"content-length", b"0"), False),
        (MULTIPART, None, False),  # no body
        (b"application/json", NINE_BYTES, False),
        (b"application/offset+octet-stream", NINE_BYTES, False),  # tus clip bytes
        (b"application/x-www-form-urlencoded", NINE_BYTES, False),
    ],
)
def test_a_request_carries_files_if_it_is_multipart_with_a_body(kind, length, carries):
    headers = [(b"content-type", kind)] + ([length] if length else [])
    assert carries_files(headers) is carries


def test_a_request_given_threads_already_keeps_them():
    """tus clip bytes and address searches keep their own threads (and their limits)."""
    theirs, seen = object(), []

    async def app(scope, receive, send):
        seen.append(scope.get(OWN_THREADS))

    layer = FileUploadThreads(app, threads=1)
    multipart = [(b"content-type", MULTIPART), NINE_BYTES]
    for scope in (
        {"type": "http", "path": "/", "headers": multipart, OWN_THREADS: theirs},
        {"type": "http", "path": "/", "headers": [(b"content-length", b"9")]},
        {"type": "http", "path": "/", "headers": multipart},
    ):
        asyncio.run(layer(scope, None, None))
    assert seen == [theirs, None, layer.executor]


# --- How one too many is told -----------------------------------------------------------


BUSY = "Too many uploads are arriving at once: send again in a few seconds."
A_BROWSER = (b"accept", b"text/html,application/xhtml+xml,*/*;q=0.8")


def _told_busy(path: str, headers, *, unread: bool = False) -> tuple[int, dict, bytes]:
    """What _busy sends a request to `path` with these headers: status, headers, body."""
    sent = []

    async def send(message):
        sent.append(message)

    asyncio.run(_busy({"type": "http", "path": path, "headers": headers}, send, unread=unread))
    start, body = sent
    return start["status"], dict(start["headers"]), body["body"]


BROWSER_FROM_THE_FORM = [
    (b"host", b"commonwatch.example"),
    (b"referer", b"https://commonwatch.example/feed/new/"),
    A_BROWSER,
]


def test_one_too_many_from_a_browser_is_told_on_a_page_with_when_to_send_again():
    """A resident on a phone sees the site, when to try again, and that the browser's Back
    button keeps what they typed (a link to the form would open it empty)."""
    status, headers, body = _told_busy("/feed/new/", BROWSER_FROM_THE_FORM, unread=True)
    assert status == 503 and headers[b"retry-after"] == b"5"
    assert headers[b"content-type"] == b"text/html; charset=utf-8"
    assert headers[b"connection"] == b"close"
    page = body.decode()
    assert '<a class="brand" href="/">Commonwatch</a>' in page
    assert "<h1>Too many uploads right now</h1>" in page
    assert BUSY in page
    assert "You can send it again in 5 seconds." in page
    assert "what you typed is still in the form" in page
    assert '<a class="button" href="/">Go to the front page</a>' in page
    assert "/feed/new/" not in page  # nothing the sender wrote is written back


def test_the_page_is_held_to_the_sites_policies(settings):
    """Answered before Django's middleware, it still carries what that would have added."""
    _, headers, _ = _told_busy("/feed/new/", BROWSER_FROM_THE_FORM)
    assert headers[b"x-content-type-options"] == b"nosniff"
    assert headers[b"x-frame-options"] == b"DENY"
    assert headers[b"referrer-policy"] == b"same-origin"
    assert headers[b"cross-origin-opener-policy"] == b"same-origin"
    assert headers[b"cache-control"] == b"no-store"
    assert b"default-src 'self'" in headers[b"content-security-policy"]


def test_one_too_many_not_asking_for_html_is_told_the_sentence():
    """The clip import's script, curl, an app: the sentence alone, as before."""
    headers = [(b"host", b"commonwatch.example"), (b"accept", b"application/json")]
    status, sent_headers, body = _told_busy("/clips/import/", headers)
    assert status == 503 and sent_headers[b"retry-after"] == b"5"
    assert sent_headers[b"content-type"] == b"text/plain; charset=utf-8"
    assert b"connection" not in sent_headers  # its body was read: the connection may stay
    assert body.decode() == BUSY


def test_one_too_many_under_the_api_is_told_in_its_json_even_to_a_browser():
    status, headers, body = _told_busy("/api/v1/posts", BROWSER_FROM_THE_FORM)
    assert status == 503 and headers[b"retry-after"] == b"5"
    assert headers[b"content-type"] == b"application/json"
    assert body == (
        b'{"detail": "Too many uploads are arriving at once: send again in a few seconds.", '
        b'"code": "busy"}'
    )
