"""A tus PATCH body is staged in order and hashed exactly, however it is cut into
messages; a sender gone mid-body leaves no file."""

from __future__ import annotations

import asyncio
import hashlib
import os
import uuid

import pytest
from asgiref.sync import sync_to_async

from commonwatch.cameras import asgi
from commonwatch.cameras.uploads import staging_path

MB = 1 << 20


def _messages(data: bytes, size: int, *, then_disconnect: bool = False):
    pieces = [data[i : i + size] for i in range(0, len(data), size)]
    messages = [
        {"type": "http.request", "body": piece, "more_body": then_disconnect or i < len(pieces) - 1}
        for i, piece in enumerate(pieces)
    ]
    if then_disconnect:
        messages.append({"type": "http.disconnect"})

    async def receive():
        await asyncio.sleep(0)  # other tasks run between messages, as with a real socket
        return messages.pop(0)

    return receive


def _staged_files() -> list:
    folder = staging_path("x").parent
    return list(folder.iterdir()) if folder.exists() else []


@pytest.mark.parametrize("message_size", [65_536, 100_003, 3 * MB])
def test_a_body_in_many_messages_is_staged_in_order_with_its_exact_hash(message_size):
    data = os.urandom(3 * MB + 12_345)

    staged = asyncio.run(asgi._stage(_messages(data, message_size)))

    assert staged.size == len(data)
    assert staged.path.read_bytes() == data
    assert staged.sha256.hexdigest() == hashlib.sha256(data).hexdigest()
    staged.path.unlink()


def test_a_sender_gone_mid_body_leaves_nothing():
    before = _staged_files()
    data = os.urandom(2 * MB)

    assert asyncio.run(asgi._stage(_messages(data, 65_536, then_disconnect=True))) is None
    assert _staged_files() == before


def _patch_scope(length: int) -> dict:
    return {
        "type": "http",
        "method": "PATCH",
        "path": f"/api/v1/clip-uploads/{uuid.uuid4().hex}",
        "headers": [(b"content-length", str(length).encode())],
    }


async def _answer(send, status: int) -> None:
    await send({"type": "http.response.start", "status": status, "headers": []})
    await send({"type": "http.response.body", "body": b""})


def test_a_body_the_view_refuses_is_never_read_or_kept():
    """A stranger's PATCH (no token, someone else's upload) is answered before its body
    is read: it used to be written to disk in full first."""
    before, reads = _staged_files(), []

    async def receive():
        reads.append(1)
        return {"type": "http.request", "body": b"x" * 65_536, "more_body": True}

    async def refusing_view(scope, receive, send):
        assert await receive() == {"type": "http.request", "body": b"", "more_body": False}
        await _answer(send, 401)

    async def send(message):
        pass

    layer = asgi.StagedClipBytes(refusing_view)
    asyncio.run(layer(_patch_scope(190 * MB), receive, send))

    assert reads == []
    assert _staged_files() == before


def test_a_body_the_view_accepts_is_staged_when_it_asks_and_deleted_after_the_answer():
    data, seen = os.urandom(MB + 7), {}

    async def accepting_view(scope, receive, send):
        await receive()  # the empty body Django reads first
        staged = await sync_to_async(scope["clip_body"])()  # as the view's thread calls it
        seen.update(length=scope["clip_body_length"], bytes=staged.path.read_bytes())
        seen["path"] = staged.path
        await _answer(send, 204)

    async def send(message):
        pass

    layer = asgi.StagedClipBytes(accepting_view)
    asyncio.run(layer(_patch_scope(len(data)), _messages(data, 65_536), send))

    assert seen["length"] == len(data)
    assert seen["bytes"] == data
    assert not seen["path"].exists()
