"""A tus PATCH body is staged in order and hashed exactly, however it is cut into
messages; a sender gone mid-body leaves no file."""

from __future__ import annotations

import asyncio
import hashlib
import os

import pytest

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
