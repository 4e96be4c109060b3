"""A small HTTP/1.1 keep-alive client on raw sockets, and the timed turns of the HTTP bench.

The client sends prepared request bytes and reads the answer by Content-Length (or
chunks): a few microseconds of Python per request, measured by the bare hello's turns
(its CPU time per request is reported). Every endpoint keeps one connection open.
"""

from __future__ import annotations

import gc
import gzip
import os
import socket
import time

import numpy as np

TURN = 20  # timed requests per endpoint per turn
TURN_WARMUP = 2  # untimed requests before each turn
BROWSER_ENCODINGS = "gzip, deflate, br"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class Connection:
    """One keep-alive connection; opened again when the server closed it while idle
    (uvicorn's keep-alive timeout is 5 s), which only untimed requests may meet."""

    def __init__(self, port: int):
        self.port = port
        self.reconnects = -1
        self._connect()

    def _connect(self) -> None:
        self.sock = socket.create_connection(("127.0.0.1", self.port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = b""
        self.reconnects += 1

    def fresh(self) -> None:
        """Reopen the connection if the server has closed it (before a timed run)."""
        self.sock.setblocking(False)
        try:
            closed = self.sock.recv(1, socket.MSG_PEEK) == b""
        except BlockingIOError:
            closed = False
        self.sock.setblocking(True)
        if closed:
            self.sock.close()
            self._connect()

    def _fill(self) -> None:
        chunk = self.sock.recv(262144)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        self.buffer += chunk

    def _take(self, n: int) -> bytes:
        while len(self.buffer) < n:
            self._fill()
        out, self.buffer = self.buffer[:n], self.buffer[n:]
        return out

    def _line(self) -> bytes:
        while b"\r\n" not in self.buffer:
            self._fill()
        line, self.buffer = self.buffer.split(b"\r\n", 1)
        return line

    def request(self, raw: bytes) -> tuple[int, int, dict[str, str], bytes]:
        """Send one request; (status, bytes received, headers, body)."""
        self.sock.sendall(raw)
        while b"\r\n\r\n" not in self.buffer:
            self._fill()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        received = len(head) + 4
        if "content-length" in headers:
            body = self._take(int(headers["content-length"]))
            received += len(body)
        else:  # chunked
            parts = []
            while True:
                size_line = self._line()
                size = int(size_line.split(b";")[0], 16)
                chunk = self._take(size + 2)
                received += len(size_line) + 2 + size + 2
                if size == 0:
                    break
                parts.append(chunk[:-2])
            body = b"".join(parts)
        return status, received, headers, body

    def close(self) -> None:
        self.sock.close()


def process_cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process so far (Linux /proc)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def request_bytes(path: str, token: str | None, encodings: str | None) -> bytes:
    """A GET as a client behind the TLS-terminating load balancer sends it."""
    lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", "X-Forwarded-Proto: https"]
    lines.append("Accept: application/json")
    if encodings:
        lines.append(f"Accept-Encoding: {encodings}")
    if token:
        lines.append(f"Authorization: Bearer {token}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _sizes(port: int, path: str, token: str | None) -> dict:
    """Bytes on the wire with a browser's Accept-Encoding and without any; gzip's size."""
    connection = Connection(port)
    try:
        status, wire, headers, body = connection.request(
            request_bytes(path, token, BROWSER_ENCODINGS)
        )
        _s, plain_wire, _h, plain_body = connection.request(request_bytes(path, token, None))
    finally:
        connection.close()
    return {
        "status": status,
        "encoding": headers.get("content-encoding", "identity"),
        "wire": wire,
        "body": len(body),
        "wire_identity": plain_wire,
        "body_identity": len(plain_body),
        "gzip_body": len(gzip.compress(plain_body, 6)),
        "body_sample": plain_body[:300].decode("utf-8", "replace"),
    }


def measure(targets, samples: int, warmup: int, tokens: list[str], budget_s: float, pids) -> dict:
    """Time every target (name, port, path, token-or-None) taking turns; ms per request.

    Each target's requests cycle through `tokens` (different residents and circles). A
    target stops at `samples` requests or after `budget_s` seconds of timed requests.
    `pids` maps a port to its server process, whose CPU time is counted per turn: on a
    busy machine the server's CPU per request moves much less than the wall time.
    """
    requests = {
        name: [request_bytes(path, t if token else None, BROWSER_ENCODINGS) for t in tokens]
        for name, _port, path, token in targets
    }
    connections = {name: Connection(port) for name, port, _path, _token in targets}
    timings: dict[str, list[float]] = {name: [] for name, *_ in targets}
    cpu: dict[str, float] = {name: 0.0 for name, *_ in targets}
    statuses: dict[str, set[int]] = {name: set() for name, *_ in targets}
    spent: dict[str, float] = {name: 0.0 for name, *_ in targets}
    server_cpu: dict[str, float] = {name: 0.0 for name, *_ in targets}
    ports = {name: port for name, port, *_ in targets}
    try:
        for name, *_ in targets:  # warm-up: every worker path, cache and connection
            for i in range(warmup):
                connections[name].fresh()
                connections[name].request(requests[name][i % len(tokens)])
        gc.collect()
        gc.disable()
        turn = 0
        while any(len(timings[n]) < samples and spent[n] < budget_s for n in timings):
            order = targets[turn % len(targets) :] + targets[: turn % len(targets)]
            for name, *_ in order:
                conn, reqs, times = connections[name], requests[name], timings[name]
                if len(times) >= samples or spent[name] >= budget_s:
                    continue
                conn.fresh()
                for i in range(TURN_WARMUP):
                    conn.request(reqs[i % len(reqs)])
                cpu_start = time.process_time()
                server_start = process_cpu_s(pids[ports[name]])
                for i in range(TURN):
                    raw = reqs[(len(times) + i) % len(reqs)]
                    started = time.perf_counter()
                    status, *_rest = conn.request(raw)
                    times.append((time.perf_counter() - started) * 1000)
                    statuses[name].add(status)
                cpu[name] += time.process_time() - cpu_start
                server_cpu[name] += process_cpu_s(pids[ports[name]]) - server_start
                spent[name] += sum(times[-TURN:]) / 1000
            turn += 1
    finally:
        gc.enable()
        for connection in connections.values():
            connection.close()
    out = {}
    for name, port, path, token in targets:
        values = np.array(timings[name])
        out[name] = {
            "path": path,
            "n": len(values),
            "p50": float(np.percentile(values, 50)),
            "p90": float(np.percentile(values, 90)),
            "p99": float(np.percentile(values, 99)),
            "mean": float(values.mean()),
            "max": float(values.max()),
            "client_cpu_us": cpu[name] / len(timings[name]) * 1e6,
            "reconnects": connections[name].reconnects,
            "server_cpu_ms": server_cpu[name] / len(timings[name]) * 1000,
            "statuses": sorted(statuses[name]),
            **_sizes(port, path, tokens[0] if token else None),
        }
    return out
