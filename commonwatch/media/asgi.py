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
        if _declared_length(scope) > limit:
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


def _declared_length(scope) -> int:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return 0
    return 0


async def _refuse(scope, send) -> None:
    """413 in the API's error shape ({"detail": ...}) under /api/, else as a sentence."""
    if scope.get("path", "").startswith("/api/"):
        body, kind = json.dumps({"detail": too_large_message()}).encode(), b"application/json"
    else:
        body, kind = too_large_message().encode(), b"text/plain; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", kind),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
