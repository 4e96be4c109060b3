"""Requests that carry files, at the ASGI door, where a body streams in.

UploadSizeLimit: Django's ASGI handler reads a whole request body into a temporary file
before any middleware or upload handler runs, so there the limit must act sooner: a body
declared larger than settings.MEDIA_MAX_UPLOAD_BYTES is answered 413 without reading a
byte of it, and one that arrives without a declared length (chunked) is counted as it
comes and answered 413 the moment it passes the limit, the rest never read.

FileUploadThreads: a request that carries files (multipart/form-data with a body) runs
its Django code on a few threads of its own, because its view stores them (in S3 with
MEDIA_STORAGE=s3) and waiting on the object store in the one thread every request of the
process shares would hold every page, API call and health check up as long.

Either refusal is said in the API's error shape under /api/, as a small page of the site's
to a browser (a resident sending a post with photos from a phone), else as a sentence.
"""

from __future__ import annotations

import json
import logging
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import sync_to_async
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from commonwatch.core.asgi import OWN_THREADS
from commonwatch.core.csp import site_policy_headers

from .uploads import too_large_message

logger = logging.getLogger(__name__)
MULTIPART = b"multipart/form-data"
BUSY_RETRY_SECONDS = 5
JSON = b"application/json"
HTML = b"text/html; charset=utf-8"
REFUSAL_PAGE = "upload_refused.html"
# Off the event loop: the first render reads the template and the static files' manifest.
_render = sync_to_async(render_to_string, thread_sensitive=False)


class UploadSizeLimit:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = settings.MEDIA_MAX_UPLOAD_BYTES
        if (declared_length(scope.get("headers", [])) or 0) > limit:
            return await _refuse(scope, send)
        received = 0
        refused = False

        async def send_unless_refused(message):
            """The app's own answer, unless the door has answered already (a view that
            takes the cut-off body for a sender gone may still answer, e.g. 408)."""
            if not refused:
                await send(message)

        async def counted_receive():
            nonlocal received, refused
            message = await receive()
            if message["type"] == "http.request" and not refused:
                received += len(message.get("body", b""))
                if received > limit:
                    refused = True
                    await _refuse(scope, send)
                    return {"type": "http.disconnect"}  # Django stops reading, answers nothing
            return message

        return await self.app(scope, counted_receive, send_unless_refused)


def declared_length(headers) -> int | None:
    """The body's Content-Length, if the sender gave a plain one (else chunked or none:
    the bytes are then counted as they come)."""
    values = [value for name, value in headers if name == b"content-length"]
    if len(values) == 1 and values[0].isdigit():
        return int(values[0])
    return None


async def _refuse(scope, send) -> None:
    """413, said as the sender reads it (see _said)."""
    body, kind = await _said(scope, too_large_message(), heading=_("That upload is too large"))
    await answer(send, 413, body, [(b"content-type", kind), (b"connection", b"close")])


async def _said(scope, detail: str, *, heading: str, retry_after=None, **fields):
    """A refusal at the door as (body, content type): in the API's error shape under /api/;
    to a browser, a small page of the site's, so a resident whose post or import was
    refused is not left on a bare sentence with no way back; else the sentence alone."""
    if scope.get("path", "").startswith("/api/"):
        return api_error(detail, **fields)
    headers = scope.get("headers", [])
    if not accepts_html(headers):
        return detail.encode(), b"text/plain; charset=utf-8"
    context = {"heading": heading, "detail": detail, "retry_after": retry_after}
    try:
        return (await _render(REFUSAL_PAGE, context)).encode(), HTML
    except Exception:  # a template or static manifest broken: refuse all the same
        logger.exception("The page of an upload refused at the door could not be made.")
        return detail.encode(), b"text/plain; charset=utf-8"


def api_error(detail: str, **fields) -> tuple[bytes, bytes]:
    """The API's error shape, {"detail": ..., **fields}, and its content type."""
    return json.dumps({"detail": detail, **fields}).encode(), JSON


def accepts_html(headers) -> bool:
    """A browser that sent a form (its Accept names text/html), not a script or an app."""
    return any(name == b"accept" and b"text/html" in value.lower() for name, value in headers)


async def answer(send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    """A whole answer sent at the ASGI door, before Django sees the request: never kept
    by a cache (it depends on the moment and on Accept), and, for a page, with the
    headers Django's security and CSP middleware give every other page."""
    sent = [
        *headers,
        (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"no-store"),
        (b"x-content-type-options", b"nosniff"),
    ]
    if (b"content-type", HTML) in headers:
        sent += [*_page_headers(), *site_policy_headers()]
    await send({"type": "http.response.start", "status": status, "headers": sent})
    await send({"type": "http.response.body", "body": body})


def _page_headers() -> list[tuple[bytes, bytes]]:
    named = {
        b"x-frame-options": settings.X_FRAME_OPTIONS,
        b"referrer-policy": settings.SECURE_REFERRER_POLICY,
        b"cross-origin-opener-policy": settings.SECURE_CROSS_ORIGIN_OPENER_POLICY,
    }
    return [(name, value.encode()) for name, value in named.items() if value]


class FileUploadThreads:
    """ASGI layer: a request carrying files runs its Django code on one of
    settings.FILE_UPLOADS_AT_ONCE threads of its own, each with its own database
    connection; past that many at once it is answered 503 with Retry-After.

    Its body is still read as every body is, on the event loop (no thread is held while a
    phone sends its photos); the request takes a thread when its last byte has come, and
    gives it back once its answer is sent. If every thread is taken then (the object store
    is slow), it is told to send again, and nothing of it is stored: its Django code never
    ran. Told so at once, without reading the body, if every thread is taken when it
    arrives. Not queued: a web form waiting behind a stalled store would wait past the
    proxy's timeout, and its post would be made after the browser had given up on it.

    Placed inside UploadSizeLimit (an oversized body is refused before this counts it)
    and inside the layers that give a request threads of their own already (tus clip
    bytes, address searches): those keep theirs.
    """

    def __init__(self, app, *, threads: int | None = None):
        self.app = app
        self.threads = threads if threads is not None else settings.FILE_UPLOADS_AT_ONCE
        self.executor = ThreadPoolExecutor(self.threads, thread_name_prefix="file-upload")
        self.running = 0  # requests holding a thread, counted on the event loop only

    async def __call__(self, scope, receive, send):
        if not (
            scope["type"] == "http"
            and OWN_THREADS not in scope
            and carries_files(scope.get("headers", []))
        ):
            return await self.app(scope, receive, send)
        if self.running >= self.threads:
            return await _busy(scope, send, unread=True)
        holding = False

        async def receive_then_take_a_thread():
            nonlocal holding
            message = await receive()
            if holding or message["type"] != "http.request" or message.get("more_body", False):
                return message
            # The body's last bytes: Django hops to a thread as soon as it has them.
            if self.running >= self.threads:
                await _busy(scope, send)
                return {"type": "http.disconnect"}  # Django stops, answers nothing, runs nothing
            self.running += 1
            holding = True
            return message

        try:
            await self.app({**scope, OWN_THREADS: self.executor}, receive_then_take_a_thread, send)
        finally:
            if holding:
                self.running -= 1


def carries_files(headers) -> bool:
    """A multipart/form-data request with a body (a declared non-zero length, or chunked)."""
    kind, has_body = b"", False
    for name, value in headers:
        if name == b"content-type":
            kind = value.split(b";", 1)[0].strip().lower()
        elif name == b"transfer-encoding":
            has_body = True
        elif name == b"content-length":
            has_body = has_body or not value.strip().isdigit() or int(value) > 0
    return kind == MULTIPART and has_body


async def _busy(scope, send, *, unread: bool = False) -> None:
    """The pool's 503, said as the sender reads it (see _said); the connection closes if
    the body was left unread."""
    detail = _("Too many uploads are arriving at once: send again in a few seconds.")
    body, kind = await _said(
        scope,
        detail,
        heading=_("Too many uploads right now"),
        retry_after=BUSY_RETRY_SECONDS,
        code="busy",
    )
    await busy(send, body, kind, headers=[(b"connection", b"close")] if unread else [])


async def busy(send, body: bytes, kind: bytes, *, headers=()) -> None:
    """503 with Retry-After for an upload that came one too many, its body already in the
    sender's shape (api_error(detail, code="busy") for a script); the sender tries again:
    nothing of it was kept."""
    retry = (b"retry-after", str(BUSY_RETRY_SECONDS).encode())
    await answer(send, 503, body, [(b"content-type", kind), retry, *headers])
