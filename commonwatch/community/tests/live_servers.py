"""Real app servers and a real WebSocket client, for the live-alert tests.

``AsgiServer`` runs ``uvicorn config.asgi:application`` (the app server of the
scale mode, docs/scale.md) as a subprocess on a port the kernel picks
(``--port 0``; the port is read from uvicorn's "running on" log line, so two
servers never race for a port). ``FeedSocket`` is a minimal
WebSocket client on the standard library, sending a session cookie and an
Origin header the way a browser does.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import json
import os
import re
import struct
import subprocess
import sys
import time
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from commonwatch.accounts.tests.factories import sign_in
from commonwatch.core.tests.processes import process_env
from config.app_server import UVICORN_OPTIONS as SERVER_OPTIONS
from config.asgi import application

ORIGIN = "http://127.0.0.1"
READY_TIMEOUT_S = 20
WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
LISTENING = re.compile(r"Uvicorn running on http://127\.0\.0\.1:(\d+)")
# Lines that say a request was served or a task ran: left out when a log is shown for a
# traceback, so what went wrong is not cut off by the access log's tail.
ROUTINE = re.compile(r"^INFO: +(127\.0\.0\.1:\d+ - |connection (open|closed))|^Task id=\S+ path=")


def session_cookie(user) -> str:
    """A signed-in session for user, as the sessionid cookie value a browser would send."""
    return sign_in(Client(), user).cookies[settings.SESSION_COOKIE_NAME].value


@asynccontextmanager
async def feed_socket(cookie: str | None = None, *, query: str = "", origin: str = ORIGIN):
    """A browser's /ws/feed/ socket on config.asgi.application, in this process."""
    headers = [(b"origin", origin.encode())]
    if cookie:
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()))
    communicator = WebsocketCommunicator(application, f"/ws/feed/{query}", headers=headers)
    communicator.accepted, communicator.close_code = await communicator.connect(timeout=5)
    try:
        yield communicator
    finally:
        await communicator.disconnect()


class AsgiServer:
    """One uvicorn process serving config.asgi:application on 127.0.0.1."""

    def __init__(self, name: str, env: dict[str, str], log_dir: Path, port: int = 0):
        """On the given port, or (0) one the kernel picks and the log reveals."""
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        self._log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "config.asgi:application"]
            + ["--host", "127.0.0.1", "--port", str(port), *SERVER_OPTIONS],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self.port: int | None = None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def tracebacks(self) -> str:
        """The log without its routine lines if it holds a traceback, else "" (for asserts)."""
        log = self.log()
        if "Traceback" not in log:
            return ""
        return "\n".join(line for line in log.splitlines() if not ROUTINE.match(line))

    def wait_ready(self, deadline: float) -> None:
        """Wait (bounded) until the server logs its listening port, or fail with its log."""
        while time.monotonic() < deadline:
            found = LISTENING.search(self.log())
            if found:
                self.port = int(found.group(1))
                return
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited early:\n{self.log()}")
            time.sleep(0.05)
        raise RuntimeError(f"{self.name} not listening after {READY_TIMEOUT_S} s:\n{self.log()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self._log.close()


def start_servers(names: list[str], env: dict[str, str], log_dir: Path) -> list[AsgiServer]:
    """Start every server at once without waiting (see wait_ready_all)."""
    servers: list[AsgiServer] = []
    try:
        for name in names:
            servers.append(AsgiServer(name, env, log_dir))
    except BaseException:
        stop_all(servers)
        raise
    return servers


def wait_ready_all(servers: list[AsgiServer]) -> None:
    """Wait, bounded, for all servers to listen; stop them all if one does not."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    try:
        for server in servers:
            if server.port is None:
                server.wait_ready(deadline)
    except BaseException:
        stop_all(servers)
        raise


def stop_all(servers: list[AsgiServer]) -> None:
    """Signal every server first, then wait: they shut down in parallel."""
    for server in servers:
        if server.process.poll() is None:
            server.process.terminate()
    for server in servers:
        server.stop()


@contextmanager
def app_server(tmp_path, *, data_dir: Path | None = None, **settings_env):
    """One app process on this run's database, tasks run at once (unless settings_env
    says otherwise), no Redis: for tests of what the app server itself does."""
    env = process_env(data_dir or tmp_path, **{"TASK_BACKEND": "immediate", **settings_env})
    env.pop("REDIS_URL", None)
    app = AsgiServer("app", env, tmp_path)
    try:
        wait_ready_all([app])
        yield app
    finally:
        app.stop()


def server_env(*, redis_url: str, data_dir: Path) -> dict[str, str]:
    """Same database and keys as this process: the session auth hash in the cookie verifies."""
    return process_env(
        data_dir,
        DJANGO_SETTINGS_MODULE="config.settings",
        REDIS_URL=redis_url,
        TASK_BACKEND="immediate",
        LOG_LEVEL="INFO",
    )


class FeedSocket:
    """A browser's /ws/feed/ socket: handshake, JSON text messages, close.

    A minimal RFC 6455 client on asyncio streams (the test process cannot use
    autobahn's asyncio flavour: daphne, an installed app, pins txaio to Twisted).
    """

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.reader, self.writer = reader, writer
        self.messages: asyncio.Queue[dict] = asyncio.Queue()
        self.accepted = False
        self.status = 0
        self.close_code: int | None = None
        self._pump: asyncio.Task | None = None

    @classmethod
    async def open(cls, port: int, *, cookie: str | None = None, origin: str = ORIGIN, timeout=5):
        reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), timeout)
        socket = cls(reader, writer)
        key = base64.b64encode(os.urandom(16)).decode()
        lines = [
            "GET /ws/feed/ HTTP/1.1",
            f"Host: 127.0.0.1:{port}",
            "Upgrade: websocket",
            "Connection: Upgrade",
            f"Sec-WebSocket-Key: {key}",
            "Sec-WebSocket-Version: 13",
            f"Origin: {origin}",
        ]
        if cookie:
            lines.append(f"Cookie: {settings.SESSION_COOKIE_NAME}={cookie}")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout)
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        socket.status = int(status_line.split()[1])
        headers = {
            name.strip().lower(): value.strip()
            for name, _, value in (line.partition(":") for line in header_lines if line)
        }
        if socket.status == 101:
            digest = hashlib.sha1((key + WS_GUID).encode(), usedforsecurity=False).digest()
            expected = base64.b64encode(digest).decode()
            assert headers.get("sec-websocket-accept") == expected, headers
            socket.accepted = True
            socket._pump = asyncio.create_task(socket._read_frames())
        else:
            writer.close()
        return socket

    async def _read_frame(self) -> tuple[int, bytes]:
        first, second = await self.reader.readexactly(2)
        opcode, length = first & 0x0F, second & 0x7F
        if length == 126:
            length = struct.unpack("!H", await self.reader.readexactly(2))[0]
        elif length == 127:
            length = struct.unpack("!Q", await self.reader.readexactly(8))[0]
        mask = await self.reader.readexactly(4) if second & 0x80 else None
        payload = await self.reader.readexactly(length)
        if mask:
            payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        return (first & 0x80, opcode), payload

    async def _read_frames(self) -> None:
        pieces: list[bytes] = []
        try:
            while True:
                (fin, opcode), payload = await self._read_frame()
                if opcode == 0x8:
                    self.close_code = struct.unpack("!H", payload[:2])[0] if payload else 1005
                    self._send(0x8, payload[:2])
                    return
                if opcode == 0x9:
                    self._send(0xA, payload)
                elif opcode in (0x0, 0x1, 0x2):
                    pieces.append(payload)
                    if fin:
                        self.messages.put_nowait(json.loads(b"".join(pieces).decode()))
                        pieces = []
        except (asyncio.IncompleteReadError, ConnectionError):
            return

    def _send(self, opcode: int, payload: bytes) -> None:
        """Client frames are masked (RFC 6455 5.3); payloads here are short."""
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        header = struct.pack("!BB", 0x80 | opcode, 0x80 | len(payload))
        if not self.writer.is_closing():
            self.writer.write(header + mask + masked)

    async def receive(self, timeout: float = 5) -> dict:
        try:
            return await asyncio.wait_for(self.messages.get(), timeout)
        except TimeoutError:
            raise AssertionError(f"no message on the socket within {timeout} s") from None

    async def close(self) -> None:
        if self._pump is not None and not self._pump.done():
            self._send(0x8, struct.pack("!H", 1000))
            try:
                await asyncio.wait_for(self._pump, 5)
            except TimeoutError:
                self._pump.cancel()
        self.writer.close()
        with contextlib.suppress(ConnectionError):
            await self.writer.wait_closed()
