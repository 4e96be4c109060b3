"""An oversized upload is refused with a 413 and a clear message before it is written."""

from __future__ import annotations

import asyncio
import json

import pytest
from django.core.files.uploadhandler import StopUpload
from django.core.handlers.asgi import ASGIHandler

from commonwatch.community.tests.factories import CENTER, resident_at
from commonwatch.media import asgi as media_asgi
from commonwatch.media.asgi import FileUploadThreads, UploadSizeLimit
from commonwatch.media.models import MediaFile
from commonwatch.media.tests.factories import short_video, upload
from commonwatch.media.uploads import SizeLimitUploadHandler

LIMIT = 64 * 1024
MESSAGE = "This upload is too large"


@pytest.fixture
def small_limit(settings):
    settings.MEDIA_MAX_UPLOAD_BYTES = LIMIT
    return LIMIT


def _stored_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _post_form(big: bytes) -> dict:
    return {
        "category": "crime",
        "title": "Break-in",
        "body": "Garage door forced open.",
        "lat": CENTER[0],
        "lng": CENTER[1],
        "media": [upload("big.mp4", big)],
    }


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/feed/new/", "/api/v1/posts"])
def test_a_body_past_the_limit_gets_a_413_and_nothing_is_stored(client, settings, small_limit, url):
    client.force_login(resident_at(*CENTER))
    big = short_video(seconds=1) + b"\0" * (2 * LIMIT)

    response = client.post(url, _post_form(big))

    assert response.status_code == 413
    detail = response.json()["detail"] if url.startswith("/api/") else response.content.decode()
    assert detail.startswith(MESSAGE)
    assert not MediaFile.objects.exists() and _stored_files(settings) == []


def test_the_handler_stops_counting_bytes_at_the_limit(small_limit):
    handler = SizeLimitUploadHandler()
    handler.handle_raw_input(None, {}, LIMIT, b"boundary")
    assert handler.receive_data_chunk(b"x" * LIMIT, 0) == b"x" * LIMIT
    with pytest.raises(StopUpload) as stopped:
        handler.receive_data_chunk(b"x", LIMIT)
    assert stopped.value.connection_reset


class _Door:
    """Drives the ASGI guard with a body sent in chunks, recording what each side saw."""

    def __init__(self, chunks, headers=(), path="/api/v1/posts"):
        self.chunks = list(chunks)
        self.path = path
        self.read = 0
        self.sent: list[dict] = []
        self.app_saw: list[dict] = []
        self.headers = list(headers)

    async def receive(self):
        chunk = self.chunks.pop(0)
        self.read += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": bool(self.chunks)}

    async def send(self, message):
        self.sent.append(message)

    async def app(self, scope, receive, send):
        while True:
            message = await receive()
            self.app_saw.append(message)
            if message["type"] == "http.disconnect":  # as the clip PATCH's view: 408
                await send({"type": "http.response.start", "status": 408, "headers": []})
                await send({"type": "http.response.body", "body": b""})
                return
            if not message.get("more_body"):
                return

    def run(self):
        scope = {"type": "http", "method": "POST", "path": self.path, "headers": self.headers}
        asyncio.run(UploadSizeLimit(self.app)(scope, self.receive, self.send))
        return self


def test_at_the_asgi_door_a_declared_oversized_body_is_not_read_at_all(small_limit):
    door = _Door([b"x" * 1024] * 100, headers=[(b"content-length", str(100 * 1024).encode())])
    door.run()
    assert door.sent[0]["status"] == 413
    assert json.loads(door.sent[1]["body"]) == {
        "detail": "This upload is too large: at most 64.0\xa0KB can be sent at once."
    }
    assert door.read == 0 and door.app_saw == []


def test_at_the_asgi_door_a_streamed_body_is_cut_off_at_the_limit(small_limit):
    door = _Door([b"x" * 16 * 1024] * 100)  # chunked: no declared length
    door.run()
    assert door.sent[0]["status"] == 413
    assert door.read <= LIMIT + 16 * 1024, "the rest of the body was never read"
    assert door.app_saw[-1] == {"type": "http.disconnect"}
    assert [m["type"] for m in door.sent] == ["http.response.start", "http.response.body"]


TOO_LARGE = (b"content-length", str(100 * 1024).encode())
FROM_THE_FORM = [(b"host", b"testserver"), (b"referer", b"http://testserver/feed/new/?near=1&km=2")]
A_BROWSER = (b"accept", b"text/html,application/xhtml+xml,*/*;q=0.8")


def _headers(door) -> dict:
    return {name: value for name, value in door.sent[0]["headers"]}


@pytest.mark.parametrize("chunked", [False, True])
def test_at_the_asgi_door_a_browser_is_told_on_a_page_with_a_way_back(small_limit, chunked):
    """A resident posting photos from a phone sees the site, not a bare sentence."""
    length = [] if chunked else [TOO_LARGE]
    headers = [*length, *FROM_THE_FORM, A_BROWSER]
    door = _Door([b"x" * 16 * 1024] * 100, headers=headers, path="/feed/new/").run()
    assert door.sent[0]["status"] == 413
    assert _headers(door)[b"content-type"] == b"text/html; charset=utf-8"
    assert _headers(door)[b"connection"] == b"close"
    page = door.sent[1]["body"].decode()
    assert "<h1>That upload is too large</h1>" in page
    assert "at most 64.0\xa0KB can be sent at once" in page
    assert "what you typed is still in the form" in page
    assert '<a class="button" href="/">Go to the front page</a>' in page


def test_at_the_asgi_door_a_page_that_cannot_be_made_still_refuses(small_limit, monkeypatch):
    """A broken template or static manifest: the sentence, still a 413, nothing read."""

    async def broken(*args, **kwargs):
        raise ValueError("Missing staticfiles manifest entry for 'web/site.css'")

    monkeypatch.setattr(media_asgi, "_render", broken)
    door = _Door(
        [b"x" * 1024] * 100, headers=[TOO_LARGE, *FROM_THE_FORM, A_BROWSER], path="/feed/new/"
    )
    door.run()
    assert door.sent[0]["status"] == 413
    assert _headers(door)[b"content-type"] == b"text/plain; charset=utf-8"
    assert door.sent[1]["body"].decode().startswith(MESSAGE)
    assert door.read == 0


def test_at_the_asgi_door_a_client_not_asking_for_html_gets_the_sentence(small_limit):
    headers = [TOO_LARGE, *FROM_THE_FORM, (b"accept", b"*/*")]
    door = _Door([b"x" * 1024] * 100, headers=headers, path="/feed/new/").run()
    assert _headers(door)[b"content-type"] == b"text/plain; charset=utf-8"
    assert door.sent[1]["body"].decode() == (
        "This upload is too large: at most 64.0\xa0KB can be sent at once."
    )


def test_at_the_asgi_door_the_api_answers_its_json_even_to_a_browser(small_limit):
    door = _Door([b"x" * 1024] * 100, headers=[TOO_LARGE, *FROM_THE_FORM, A_BROWSER]).run()
    assert _headers(door)[b"content-type"] == b"application/json"
    assert door.sent[1]["body"] == (
        b'{"detail": "This upload is too large: at most 64.0\\u00a0KB can be sent at once."}'
    )


def test_the_asgi_app_is_wrapped():
    from commonwatch.cameras.asgi import StagedClipBytes
    from commonwatch.core.asgi import OwnThreads
    from config.asgi import application

    door = application.application_mapping["http"]
    assert isinstance(door, UploadSizeLimit)
    assert isinstance(door.app, StagedClipBytes)  # tus clip bytes: inside the door's count
    assert isinstance(door.app.app, OwnThreads)  # address searches: off the shared thread
    assert isinstance(door.app.app.app, FileUploadThreads)  # files: off it too, counted
    assert isinstance(door.app.app.app.app, ASGIHandler)
