"""The bytes of a tus PATCH, written once, where they will stay, while they stream in.

Django's ASGI handler spools a whole request body to a temporary file before any view
runs, and the view would then copy it into the partial upload: every byte of a clip
written twice and read back once more, and kept on disk before anyone was asked who
sends it. For PATCH /api/v1/clip-uploads/<id> this layer hands Django the request with
an empty body and scope["clip_body"], a function the view calls once it has accepted
the sender, the upload and the offset: it then receives the body into a staging file
beside the partial uploads (same disk: a rename or an in-kernel copy moves it), hashing
it as it comes. A refused sender's body is never read (a client sending
`Expect: 100-continue` does not even send it). The view decides under the upload's row
lock exactly as for a body it reads itself (cameras.uploads.append), and the staging file
is deleted once the answer is sent, whatever it was. A sender gone before the end of its
body leaves nothing: it resumes from the offset it asks for.

Placed inside media.asgi.UploadSizeLimit, which still refuses an oversized body.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

from asgiref.sync import async_to_sync

from commonwatch.media.asgi import declared_length

PATCH_PATH = re.compile(r"/api/v1/clip-uploads/[0-9a-fA-F-]{32,36}")


@dataclass(frozen=True)
class Staged:
    path: Path
    size: int
    sha256: object  # hashlib object of exactly these bytes


class StagedClipBytes:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if not (
            scope["type"] == "http"
            and scope["method"] == "PATCH"
            and PATCH_PATH.fullmatch(scope["path"])
        ):
            return await self.app(scope, receive, send)
        staged: list[Staged] = []
        body_read = asyncio.Event()

        async def stage() -> Staged | None:
            try:
                result = await _stage(receive)
            finally:
                body_read.set()
            if result is not None:
                staged.append(result)
            return result

        headers = [(k, v) for k, v in scope["headers"] if k != b"content-length"]
        inner = {
            **scope,
            "headers": [*headers, (b"content-length", b"0")],
            "clip_body": async_to_sync(stage),  # called from the view's thread
            "clip_body_length": declared_length(scope["headers"]),
        }
        given = False

        async def empty_body_then_disconnect():
            """Django's own reads: the empty body, then (once the body is ours and read)
            the disconnect it listens for while the view runs."""
            nonlocal given
            if not given:
                given = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await body_read.wait()
            return await receive()

        try:
            await self.app(inner, empty_body_then_disconnect, send)
        finally:
            for each in staged:
                each.path.unlink(missing_ok=True)


async def _stage(receive) -> Staged | None:
    from .uploads import staging_path  # the storage's settings, once Django is set up

    path = staging_path(uuid.uuid4().hex)
    path.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    try:
        with path.open("wb") as out:
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    break
                block = message.get("body", b"")
                if block:
                    out.write(block)
                    digest.update(block)
                    size += len(block)
                if not message.get("more_body", False):
                    return Staged(path=path, size=size, sha256=digest)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    path.unlink(missing_ok=True)
    return None
