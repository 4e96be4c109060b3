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
import threading
import uuid
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from asgiref.sync import async_to_sync
from django.conf import settings
from django.utils.translation import gettext as _

from commonwatch.core.asgi import OWN_THREADS
from commonwatch.media.asgi import api_error, busy, declared_length

PATCH_PATH = re.compile(r"/api/v1/clip-uploads/[0-9a-fA-F-]{32,36}")
STAGING_BATCH = 1 << 20
# A body must come at least this fast on average (a camera on a 256 kbit/s uplink), so
# one that trickles a byte now and then cannot hold an upload thread for good.
MIN_BYTES_PER_SECOND = 32 * 1024
# Each upload receiving its bytes holds one of each (past CAMERA_UPLOADS_AT_ONCE: 503).
UPLOAD_THREADS = ThreadPoolExecutor(
    settings.CAMERA_UPLOADS_AT_ONCE, thread_name_prefix="clip-upload"
)
STAGING_THREADS = ThreadPoolExecutor(
    settings.CAMERA_UPLOADS_AT_ONCE, thread_name_prefix="clip-staging"
)


@dataclass(frozen=True)
class Staged:
    path: Path
    size: int
    sha256: object  # hashlib object of exactly these bytes


class StagedClipBytes:
    def __init__(self, app):
        self.app = app
        self.in_flight = 0  # this process's PATCHes, each on an upload thread
        # Per owner, counted from the views' threads once they know who sends: one
        # account's slow uploads cannot take every upload thread of the process.
        self.per_owner: Counter[int] = Counter()
        self.per_owner_lock = threading.Lock()

    async def __call__(self, scope, receive, send):
        if not (
            scope["type"] == "http"
            and scope["method"] == "PATCH"
            and PATCH_PATH.fullmatch(scope["path"])
        ):
            return await self.app(scope, receive, send)
        if self.in_flight >= settings.CAMERA_UPLOADS_AT_ONCE:
            return await _busy(send)  # no queue to wait in: the camera tries again
        self.in_flight += 1
        try:
            await self._patch(scope, receive, send)
        finally:
            self.in_flight -= 1

    def _owner_sends(self, owner_id: int, held: list[int]) -> bool:
        """Count one more upload of this owner's, unless they have as many as they may."""
        with self.per_owner_lock:
            if self.per_owner[owner_id] >= settings.CAMERA_UPLOADS_PER_OWNER:
                return False
            self.per_owner[owner_id] += 1
        held.append(owner_id)
        return True

    def _owner_done(self, held: list[int]) -> None:
        with self.per_owner_lock:
            self.per_owner.subtract(held)
            for owner_id in held:
                if self.per_owner[owner_id] <= 0:
                    del self.per_owner[owner_id]

    async def _patch(self, scope, receive, send):
        staged: list[Staged] = []
        held: list[int] = []
        body_read = asyncio.Event()

        async def stage() -> Staged | None:
            try:
                result = await _stage(receive, declared_length(scope["headers"]))
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
            OWN_THREADS: UPLOAD_THREADS,  # which is not the thread every other request needs
            "clip_body_length": declared_length(scope["headers"]),
            # The view asks before the body: False if the owner sends too many already.
            "clip_sender": lambda owner_id: self._owner_sends(owner_id, held),
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
            self._owner_done(held)
            for each in staged:
                each.path.unlink(missing_ok=True)


async def _busy(send) -> None:
    """503 in the endpoint's error shape, as the view answers an owner's one too many."""
    detail = _("Too many clips are arriving at once: send again in a few seconds.")
    await busy(send, *api_error(detail, code="busy"), headers=[(b"tus-resumable", b"1.0.0")])


async def _stage(receive, length: int | None = None) -> Staged | None:
    """Receive the body into a staging file, or None if the sender went away or fell
    silent. A staging thread writes and hashes the bytes: on the event loop, hashing an
    8 MB clip stalled every other connection of the process for ~5 ms, and a write held
    back by a busy disk for as long as the disk took."""
    from .uploads import staging_path  # the storage's settings, once Django is set up

    path = staging_path(uuid.uuid4().hex)
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = _StagingWriter(path)
    idle, loop = settings.CAMERA_UPLOAD_IDLE_SECONDS, asyncio.get_running_loop()
    expected = length if length is not None else settings.CAMERA_MAX_CLIP_BYTES
    deadline = loop.time() + idle + expected / MIN_BYTES_PER_SECOND
    try:
        async with asyncio.timeout(idle) as silence:
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    break
                silence.reschedule(min(loop.time() + idle, deadline))
                await writer.add(message.get("body", b""))
                if not message.get("more_body", False):
                    await writer.finish()
                    return Staged(path=path, size=writer.size, sha256=writer.digest)
    except TimeoutError:
        pass  # a sender silent (or this slow) for so long is as good as gone
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    finally:
        writer.close()
    path.unlink(missing_ok=True)
    return None


class _StagingWriter:
    """Writes and hashes a body's bytes on a staging thread, one batch at a time."""

    def __init__(self, path: Path):
        self.out = path.open("wb")
        self.digest, self.size = hashlib.sha256(), 0
        self.batch: list[bytes] = []
        self.batched = 0
        self.writing: Future | None = None

    async def add(self, block: bytes) -> None:
        if block:
            self.batch.append(block)
            self.batched += len(block)
            self.size += len(block)
        if self.batched >= STAGING_BATCH:
            await self._hand_over()

    async def finish(self) -> None:
        """Every byte added is written and hashed."""
        await self._hand_over()
        await self._written()

    async def _hand_over(self) -> None:
        await self._written()  # one batch in flight: memory stays bounded
        if self.batch:
            self.writing = STAGING_THREADS.submit(self._keep, b"".join(self.batch))
            self.batch, self.batched = [], 0

    async def _written(self) -> None:
        if self.writing is not None:
            await asyncio.wrap_future(self.writing)
            self.writing = None

    def _keep(self, data: bytes) -> None:
        self.out.write(data)
        self.digest.update(data)

    def close(self) -> None:
        """Once the batch in flight is written (or failed), never while it is; without
        waiting for it here, on the event loop."""
        if self.writing is None or self.writing.done():
            self.out.close()
        else:
            self.writing.add_done_callback(lambda _written: self.out.close())
