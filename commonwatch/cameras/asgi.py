"""The bytes of a tus PATCH, written once, where they will stay, while they stream in.

Django's ASGI handler spools a whole request body to a temporary file before any view
runs, and the view would then copy it into the partial upload: every byte of a clip
written twice and read back once more. For PATCH /api/v1/clip-uploads/<id> this layer
receives the body itself into a staging file beside the partial uploads (same disk: a
rename or an in-kernel copy moves it), hashing it as it comes, and hands Django the
request with an empty body and scope["clip_bytes"] (a Staged). The view decides under
the upload's row lock exactly as for a body it reads itself (cameras.uploads.append),
and the staging file is deleted once the answer is sent, whatever it was. A sender gone
before the end of its body leaves nothing: it resumes from the offset it asks for.

Placed inside media.asgi.UploadSizeLimit, which still refuses an oversized body.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

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
        staged = await _stage(receive)
        if staged is None:
            return None  # the sender went away mid-body
        headers = [(k, v) for k, v in scope["headers"] if k != b"content-length"]
        inner = {**scope, "headers": [*headers, (b"content-length", b"0")], "clip_bytes": staged}
        given = False

        async def empty_body_then_disconnect():
            nonlocal given
            if not given:
                given = True
                return {"type": "http.request", "body": b"", "more_body": False}
            return await receive()

        try:
            await self.app(inner, empty_body_then_disconnect, send)
        finally:
            staged.path.unlink(missing_ok=True)


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
