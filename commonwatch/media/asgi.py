"""The upload size limit at the ASGI door, where a body streams in.

Django's ASGI handler reads a whole request body into a temporary file before any
middleware or upload handler runs, so there the limit must act sooner: a body declared
larger than settings.MEDIA_MAX_UPLOAD_BYTES is answered 413 without reading a byte of it,
and one that arrives without a declared length (chunked) is counted as it comes and
answered 413 the moment it passes the limit, the rest never read.
"""

from __future__ import annotations

import json

from django.conf import settings

from .uploads import too_large_message


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

        return await self.app(scope, counted_receive, send)


def declared_length(headers) -> int | None:
    """The body's Content-Length, if the sender gave a plain one (else chunked or none:
    the bytes are then counted as they come)."""
    values = [value for name, value in headers if name == b"content-length"]
    if len(values) == 1 and values[0].isdigit():
        return int(values[0])
    return None


async def _refuse(scope, send) -> None:
    """413 in the API's error shape ({"detail": ...}) under /api/, else as a sentence."""
    if scope.get("path", "").startswith("/api/"):
        body, kind = json.dumps({"detail": too_large_message()}).encode(), b"application/json"
    else:
        body, kind = too_large_message().encode(), b"text/plain; charset=utf-8"
    await answer(send, 413, body, [(b"content-type", kind), (b"connection", b"close")])


async def answer(send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    """A whole answer sent at the ASGI door, before Django sees the request."""
    length = [(b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers + length})
    await send({"type": "http.response.body", "body": body})
