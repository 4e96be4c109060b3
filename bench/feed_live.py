"""Live fan-out: one post, N connected sockets on two app server processes over Redis.

The live worker (this module's run_live, in a process with REDIS_URL set, so its
channel layer is Redis) creates a signed-in session per client in the database
the servers use, starts two uvicorn servers (config.asgi:application, the
project's FeedConsumer and FeedHub; the test suite's AsgiServer helper) and one client process
per server, waits until every socket is accepted, then publishes the hub post
with commonwatch.community.live.announce(post) — the call publish_post makes after
the commit — once as warm-up and `rounds` times timed. Latency of a client =
time.time() when its event loop read the frame − time.time() just before
announce(); all processes run on the same machine and clock.

The clients are asyncio Protocols on the standard library (RFC 6455, as in
commonwatch/community/tests/live_servers.py, but without a per-socket reader task
or JSON parsing on the hot path: a frame is timestamped and kept, and parsed and
checked after the measurement).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import resource
import struct
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

CONNECT_CONCURRENCY = 100
CONNECT_TIMEOUT_S = 120
ROUND_TIMEOUT_S = 30
READY_TIMEOUT_S = 1800
BACKEND = "commonwatch.accounts.backends.ResidentAuthenticationBackend"


def raise_nofile() -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


# --- sessions ----------------------------------------------------------------------------


def create_sessions(user_ids: list[int]) -> list[str]:
    """One signed-in session per user (as force_login would store it); the cookie values."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from commonwatch.accounts.models import User

    users = User.objects.in_bulk(user_ids)
    store = SessionStore()
    expires = timezone.now() + timedelta(days=1)
    sessions = []
    for user_id in user_ids:
        data = {
            SESSION_KEY: str(user_id),
            BACKEND_SESSION_KEY: BACKEND,
            HASH_SESSION_KEY: users[user_id].get_session_auth_hash(),
        }
        key = get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789")
        encoded = store.encode(data)
        sessions.append(Session(session_key=key, session_data=encoded, expire_date=expires))
    Session.objects.all().delete()  # the bench database's sessions are all bench sessions
    Session.objects.bulk_create(sessions, batch_size=2000)
    return [s.session_key for s in sessions]


# --- the client process ------------------------------------------------------------------


class Client(asyncio.Protocol):
    """A browser's /ws/feed/ socket: handshake, then timestamped text frames."""

    def __init__(self, request: bytes, accepted: asyncio.Future, on_message):
        self.request, self.accepted, self.on_message = request, accepted, on_message
        self.buffer = bytearray()
        self.open = False
        self.transport = None
        self.received: list[tuple[float, bytes]] = []

    def connection_made(self, transport):
        self.transport = transport
        transport.write(self.request)

    def connection_lost(self, exc):
        if not self.accepted.done():
            self.accepted.set_result(f"lost: {exc}")
        self.open = False

    def data_received(self, data: bytes):
        now = time.time()
        self.buffer += data
        if not self.open:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            status = self.buffer[:end].split(b" ", 2)[1]
            del self.buffer[: end + 4]
            if status != b"101":
                self.accepted.set_result(f"HTTP {status.decode()}")
                self.transport.close()
                return
            self.open = True
            self.accepted.set_result("ok")
        while len(self.buffer) >= 2:
            first, second = self.buffer[0], self.buffer[1]
            length, offset = second & 0x7F, 2
            if length == 126:
                if len(self.buffer) < 4:
                    return
                length, offset = struct.unpack_from("!H", self.buffer, 2)[0], 4
            elif length == 127:
                if len(self.buffer) < 10:
                    return
                length, offset = struct.unpack_from("!Q", self.buffer, 2)[0], 10
            if len(self.buffer) < offset + length:
                return
            payload = bytes(self.buffer[offset : offset + length])
            del self.buffer[: offset + length]
            opcode = first & 0x0F
            if opcode == 0x1:
                self.received.append((now, payload))
                self.on_message(len(self.received))
            elif opcode == 0x9:  # ping: answer with a masked pong
                self._send(0xA, payload)
            elif opcode == 0x8:
                self.transport.close()

    def _send(self, opcode: int, payload: bytes) -> None:
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.transport.write(struct.pack("!BB", 0x80 | opcode, 0x80 | len(payload)) + mask + masked)


async def _clients_main(port: int, cookies: list[str], cookie_name: str) -> None:
    loop = asyncio.get_running_loop()
    counts: dict[int, int] = {}
    done: dict[int, asyncio.Event] = {}
    open_sockets = 0

    def on_message(k: int) -> None:
        counts[k] = counts.get(k, 0) + 1
        if counts[k] >= open_sockets and k in done:
            done[k].set()

    limit = asyncio.Semaphore(CONNECT_CONCURRENCY)
    outcomes: dict[str, int] = {}
    clients: list[Client] = []

    async def connect(cookie: str) -> None:
        key = base64.b64encode(os.urandom(16)).decode()
        request = (
            "GET /ws/feed/ HTTP/1.1\r\n"
            f"Host: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
            f"Origin: http://127.0.0.1\r\nCookie: {cookie_name}={cookie}\r\n\r\n"
        ).encode()
        async with limit:
            accepted = loop.create_future()
            try:
                _transport, client = await loop.create_connection(
                    lambda: Client(request, accepted, on_message), "127.0.0.1", port
                )
                outcome = await asyncio.wait_for(accepted, CONNECT_TIMEOUT_S)
            except (OSError, TimeoutError) as exc:
                outcome = f"{type(exc).__name__}: {exc}"
            else:
                if outcome == "ok":
                    clients.append(client)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1

    started = time.perf_counter()
    await asyncio.gather(*(connect(c) for c in cookies))
    open_sockets = len(clients)
    ready = {"open": open_sockets, "outcomes": outcomes, "s": time.perf_counter() - started}
    print("READY " + json.dumps(ready), flush=True)
    while True:
        line = (await loop.run_in_executor(None, sys.stdin.readline)).split()
        if not line or line[0] == "DONE":
            break
        k = int(line[1])  # "SENT k": the k-th message (1-based) is on its way
        done[k] = asyncio.Event()
        if counts.get(k, 0) >= open_sockets:
            done[k].set()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(done[k].wait(), ROUND_TIMEOUT_S)
        print(f"GOT {k} {counts.get(k, 0)}", flush=True)
    results = {
        "open": open_sockets,
        "still_open": sum(c.open for c in clients),
        "times": [[at for at, _payload in c.received] for c in clients],
        "payloads": [[p.decode() for _at, p in c.received[:1]] for c in clients],
        "ids": [[json.loads(p)["post"]["id"] for _at, p in c.received] for c in clients],
    }
    print("RESULT " + json.dumps(results), flush=True)


def clients_main(port: int, cookie_file: Path, cookie_name: str) -> None:
    raise_nofile()
    cookies = cookie_file.read_text().split()
    asyncio.run(_clients_main(port, cookies, cookie_name))


# --- the live worker ---------------------------------------------------------------------


def _expect(process: subprocess.Popen, word: str) -> str:
    line = process.stdout.readline()
    if not line.startswith(word):
        raise RuntimeError(f"client process: expected {word}, got {line[:500]!r}")
    return line[len(word) + 1 :]


def run_live(feed, n_clients: int, rounds: int, server_env: dict, results: Path, log=print) -> dict:
    import redis
    from django.conf import settings

    from commonwatch.community import live
    from commonwatch.community.models import Post
    from commonwatch.community.tests.live_servers import (
        AsgiServer,
        start_servers,
        stop_all,
        wait_ready_all,
    )

    nofile = raise_nofile()
    redis.Redis.from_url(settings.REDIS_URL).flushdb()  # the dedicated bench db only
    user_ids = feed.clients[:n_clients].tolist()
    started = time.perf_counter()
    cookies = create_sessions(user_ids)
    log(f"live: {len(cookies):,} sessions in {time.perf_counter() - started:.1f} s")
    post = Post.objects.get(pk=feed.hub_post_id)
    halves = [cookies[0::2], cookies[1::2]]
    servers: list[AsgiServer] = start_servers(["server-1", "server-2"], server_env, results)
    clients: list[subprocess.Popen] = []
    out: dict = {"clients": n_clients, "nofile": nofile, "rounds": []}
    try:
        wait_ready_all(servers)
        for server, half in zip(servers, halves, strict=True):
            cookie_file = results / f"live-cookies-{server.port}.txt"
            cookie_file.write_text("\n".join(half))
            clients.append(
                subprocess.Popen(
                    [sys.executable, str(Path(__file__).with_name("feed_bench.py"))]
                    + ["--worker", "live-clients", "--port", str(server.port)]
                    + ["--output", str(cookie_file)],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    text=True,
                    env={**os.environ, "SESSION_COOKIE_NAME": settings.SESSION_COOKIE_NAME},
                )
            )
        started = time.perf_counter()
        ready = [json.loads(_expect(c, "READY")) for c in clients]
        out["connect_s"] = time.perf_counter() - started
        out["ready"] = ready
        opened = sum(r["open"] for r in ready)
        log(f"live: {opened:,} of {n_clients:,} sockets open in {out['connect_s']:.1f} s: {ready}")
        sent_at = []
        for k in range(1, rounds + 2):  # round 1 is the warm-up
            time.sleep(1.0)
            t0 = time.time()
            live.announce(post)
            announced = time.time()
            for c in clients:
                c.stdin.write(f"SENT {k}\n")
                c.stdin.flush()
            got = [int(_expect(c, "GOT").split()[1]) for c in clients]
            sent_at.append((t0, announced))
            log(f"live: round {k}: {sum(got):,} of {opened:,} received")
        for c in clients:
            c.stdin.write("DONE\n")
            c.stdin.flush()
        answers = [json.loads(_expect(c, "RESULT")) for c in clients]
        out["loadavg"] = os.getloadavg()
    finally:
        for c in clients:
            if c.poll() is None:
                c.kill()
            c.wait()
        stop_all(servers)
    times = [t for a in answers for t in a["times"]]
    ids = [i for a in answers for i in a["ids"]]
    out["still_open"] = sum(a["still_open"] for a in answers)
    out["wrong_post"] = sum(any(i != post.pk for i in got) for got in ids)
    out["sample"] = next((p[0] for a in answers for p in a["payloads"] if p), None)
    for k, (t0, announced) in enumerate(sent_at):
        latencies = [got[k] - t0 for got in times if len(got) > k]
        out["rounds"].append(
            {"warmup": k == 0, "announce_s": announced - t0, "received": len(latencies)}
            | _summary(latencies)
        )
    out["opened"] = opened
    return out


def _summary(latencies: list[float]) -> dict:
    if not latencies:
        return {"p50_s": None, "p99_s": None, "last_s": None}
    ordered = sorted(latencies)
    return {
        "p50_s": ordered[len(ordered) // 2],
        "p99_s": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))],
        "last_s": ordered[-1],
    }
