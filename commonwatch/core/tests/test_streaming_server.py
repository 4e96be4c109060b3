"""A download abandoned midway on a real app server (uvicorn, as at scale): the server
stops reading the file once the client is gone, and goes on answering others."""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

import pytest

from commonwatch.community.tests.live_servers import app_server
from commonwatch.core.streaming import BLOCK

SIZE = 256 * 1024 * 1024  # sparse: read from no disk, but read all the same


@pytest.fixture
def tiles(tmp_path) -> Path:
    path = tmp_path / "big.pmtiles"
    with path.open("wb") as out:
        out.truncate(SIZE)
    return path


@pytest.fixture
def server(tmp_path, tiles):
    with app_server(tmp_path, MAP_TILES=str(tiles)) as app:
        yield app


def _bytes_read(pid: int) -> int:
    """Bytes the process has read with read() and its kind (Linux /proc/<pid>/io)."""
    io = dict(line.split(": ") for line in Path(f"/proc/{pid}/io").read_text().splitlines())
    return int(io["rchar"])


def _once_still(pid: int, timeout: float = 20) -> int:
    """Bytes read once the process has stopped reading (or the timeout passed)."""
    deadline, last = time.monotonic() + timeout, -1
    while (now := _bytes_read(pid)) != last and time.monotonic() < deadline:
        last = now
        time.sleep(0.5)
    return now


def _get(port: int, extra: str = "") -> socket.socket:
    conn = socket.create_connection(("127.0.0.1", port), timeout=10)
    conn.sendall(f"GET /basemap.pmtiles HTTP/1.1\r\nHost: 127.0.0.1\r\n{extra}\r\n".encode())
    return conn


def _has_open(pid: int, path: Path) -> bool:
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            if os.readlink(fd) == str(path):
                return True
        except OSError:  # closed while we looked
            pass
    return False


@pytest.mark.parametrize("extra", ["", "Range: bytes=1000-\r\n"], ids=["whole", "range"])
def test_an_abandoned_download_stops_being_read(server, tiles, extra):
    pid = server.process.pid
    before = _bytes_read(pid)
    with _get(server.port, extra) as conn:
        received = 0
        while received < 2 * BLOCK and (part := conn.recv(65536)):
            received += len(part)
        assert received >= 2 * BLOCK and _has_open(pid, tiles)
    read = _once_still(pid) - before

    assert read < SIZE // 8, f"{read} of {SIZE} bytes read for a client that left"
    assert not _has_open(pid, tiles)
    with _get(server.port, "Range: bytes=0-99\r\n") as conn:
        answer = conn.recv(65536)
    assert answer.startswith(b"HTTP/1.1 206"), answer[:200]
