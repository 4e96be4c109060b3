"""The upload limit on a real app server (uvicorn, as at scale): a 300 MB body is answered
413 while it is still being sent, and none of it is written anywhere."""

from __future__ import annotations

import socket
import time

import pytest

from commonwatch.community.tests.live_servers import app_server

LIMIT = 256 * 1024
CHUNK = 64 * 1024
THREE_HUNDRED_MB = 300 * 1024 * 1024


@pytest.fixture
def server(tmp_path):
    with app_server(tmp_path, MEDIA_MAX_UPLOAD_BYTES=str(LIMIT)) as app:
        yield app


def _send_until_answered(port: int, head: bytes, chunk: bytes, most: int) -> tuple[bytes, int]:
    """Send the head, then chunks until the server answers (or `most` bytes went)."""
    sent = 0
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(head)
        conn.settimeout(0.01)
        while sent < most:
            try:
                answer = conn.recv(4096)
            except TimeoutError:
                answer = b""
            if answer:
                conn.settimeout(5)
                return answer + _rest(conn), sent
            try:
                conn.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += len(chunk)
        conn.settimeout(5)
        return _rest(conn), sent


def _rest(conn) -> bytes:
    data = b""
    try:
        while part := conn.recv(4096):
            data += part
    except (TimeoutError, ConnectionResetError):
        pass
    return data


def _nothing_written(tmp_path) -> bool:
    media = tmp_path / "media"
    return not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def _head(extra: str) -> bytes:
    return (
        "POST /api/v1/posts HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: multipart/form-data; boundary=x\r\n" + extra + "\r\n"
    ).encode()


def test_a_300_mb_upload_is_refused_before_it_is_sent(server, tmp_path):
    head = _head(f"Content-Length: {THREE_HUNDRED_MB}\r\n")
    started = time.monotonic()

    answer, sent = _send_until_answered(server.port, head, b"\0" * CHUNK, THREE_HUNDRED_MB)

    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b"This upload is too large" in answer
    assert sent < THREE_HUNDRED_MB // 10 and time.monotonic() - started < 30
    assert _nothing_written(tmp_path)


def test_a_chunked_upload_is_cut_off_once_it_passes_the_limit(server, tmp_path):
    chunk = b"%x\r\n" % CHUNK + b"\0" * CHUNK + b"\r\n"
    head = _head("Transfer-Encoding: chunked\r\n")

    answer, sent = _send_until_answered(server.port, head, chunk, 100 * LIMIT)

    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert LIMIT < sent < 20 * LIMIT
    assert _nothing_written(tmp_path)
