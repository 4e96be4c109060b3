"""A server that takes the connection and then says nothing does not hold the agent's
sender: the attempt fails after the network timeout, the clip stays queued, and the
sender waits its backoff before trying again."""

from __future__ import annotations

import socket
import threading

import requests.adapters

from commonwatch.agent.spool import CLIP_FILE, Spool
from commonwatch.agent.upload import Backoff, Sender, give_requests_a_timeout, network_timeout


def _silent_server():
    """Accepts connections, reads nothing, answers nothing."""
    listener = socket.create_server(("127.0.0.1", 0))
    held = []

    def accept():
        while True:
            try:
                held.append(listener.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    return listener, held


def test_a_server_that_stops_answering_fails_the_attempt_and_keeps_the_clip(tmp_path, monkeypatch):
    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", requests.adapters.HTTPAdapter.send)
    give_requests_a_timeout(0.5)
    listener, held = _silent_server()
    spool = Spool(tmp_path / "spool").open()
    folder = spool.start_clip("porch-1")
    (folder / CLIP_FILE).write_bytes(b"\0" * 4096)
    spool.queue_clip(folder, {"recorded_at": "2026-11-30T18:00:00+00:00", "filename": "p.mp4"})
    server = f"http://127.0.0.1:{listener.getsockname()[1]}"
    sender = Sender(spool, server, "cwcam_x", chunk_size=1024, backoff=Backoff())

    outcome = []
    attempt = threading.Thread(target=lambda: outcome.append(sender.send_queued()), daemon=True)
    attempt.start()
    attempt.join(timeout=5)  # without a timeout it would still be waiting here
    gave_up_in_time = not attempt.is_alive()
    listener.close()
    for connection in held:
        connection.close()

    assert held, "the request reached the silent server"
    assert gave_up_in_time and outcome == [False]  # not sent: it waits, then tries again
    assert [clip.clip_id for clip in spool.queued()] == ["porch-1"]


def test_a_timeout_given_by_the_caller_still_wins(monkeypatch):
    seen = []

    def recording_send(self, request, timeout=None, **kwargs):
        seen.append(timeout)

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", recording_send)
    give_requests_a_timeout(60)
    adapter = requests.adapters.HTTPAdapter()

    adapter.send(None)
    adapter.send(None, timeout=3)

    assert seen == [60, 3]


def test_a_chunk_gets_the_time_a_slow_uplink_needs_to_send_it():
    assert network_timeout(64 * 1024) == 60  # small chunks: a minute of silence
    assert network_timeout(4 << 20) == 128  # the default chunk at 256 kbit/s
