"""Sending queued clips to the server with tus, one after the other, oldest first.

Before the first byte of a clip leaves, its tus upload URL is journaled in the spool, so
a restarted agent asks the server how far that same upload got (HEAD) and carries on
from there instead of starting another one. Failures wait with exponential backoff.
"""

from __future__ import annotations

import json
import logging
import random
import threading
from dataclasses import dataclass

import requests
import requests.adapters
from tusclient.client import TusClient
from tusclient.exceptions import TusCommunicationError

from .spool import QueuedClip, Spool

logger = logging.getLogger("commonwatch.agent")

UPLOAD_PATH = "/api/v1/clip-uploads/"
# Answers that mean the upload URL is no longer there (expired or purged): start again.
GONE = {404, 410}
# Answers that mean "not now" rather than "never": offline, server trouble, token or
# quota to be fixed by the owner, a conflict that a fresh HEAD resolves.
LATER = {None, 401, 403, 408, 409, 413, 423, 425, 429}


# How long a request may go without an answer before the attempt counts as failed and
# waits its backoff: without a limit, a server or a network that stops answering
# mid-request would hold the sender forever. Python bounds a whole send by the same
# timeout, so a chunk must also fit in it on the slowest uplink a camera may have.
SILENCE_SECONDS = 60.0
SLOWEST_UPLINK_BYTES_PER_SECOND = 32 * 1024  # 256 kbit/s


def network_timeout(chunk_size: int) -> float:
    """60 s, or longer for chunks a 256 kbit/s uplink needs longer to send (4 MB: 128 s)."""
    return max(SILENCE_SECONDS, chunk_size / SLOWEST_UPLINK_BYTES_PER_SECOND)


def give_requests_a_timeout(seconds: float) -> None:
    """tuspy calls requests' module functions with no timeout and no way to pass one, so
    the agent process gives every request that names none this one (an explicit timeout
    still wins). The agent runs alone in its process; nothing else there is changed."""
    adapter = requests.adapters.HTTPAdapter
    send = getattr(adapter.send, "without_agent_timeout", adapter.send)

    def send_with_timeout(self, request, timeout=None, **kwargs):
        return send(self, request, timeout=seconds if timeout is None else timeout, **kwargs)

    send_with_timeout.without_agent_timeout = send
    adapter.send = send_with_timeout


def moved_to(server: str) -> str | None:
    """Where the server sends the agent instead, if it redirects its upload address (a
    production server redirects http:// to https://): requests would follow into a TLS
    error retried forever. None when it does not, or cannot be reached yet."""
    try:
        answer = requests.options(
            server.rstrip("/") + UPLOAD_PATH, allow_redirects=False, timeout=10
        )
    except requests.RequestException:
        return None  # offline now: the sender waits and retries as usual
    return answer.headers.get("Location") if answer.is_redirect else None


class Refused(Exception):
    """The server will not take this clip however often it is sent."""


@dataclass
class Backoff:
    """Exponential waits with jitter: first, 2 x first, 4 x first ... up to most."""

    first: float = 1.0
    most: float = 300.0
    failures: int = 0

    def next_wait(self) -> float:
        wait = min(self.most, self.first * 2**self.failures)
        self.failures += 1
        return random.uniform(wait / 2, wait)

    def reset(self) -> None:
        self.failures = 0


class Sender:
    def __init__(self, spool: Spool, server: str, token: str, *, chunk_size: int, backoff):
        self.spool = spool
        self.client = TusClient(
            server.rstrip("/") + UPLOAD_PATH, headers={"Authorization": f"Bearer {token}"}
        )
        self.chunk_size = chunk_size
        self.backoff = backoff
        self.wake = threading.Event()
        self.stopping = threading.Event()

    def run(self) -> None:
        """Send until told to stop; sleep when the queue is empty or the server is not
        reachable (`wake` cuts the sleep short when a new clip is queued)."""
        while not self.stopping.is_set():
            try:
                sent = self.send_queued()
            except Exception:
                # Whatever went wrong, the sender must not die silently: say it, wait, retry.
                logger.exception("sending failed")
                sent = False
            if sent:
                self.wake.wait(timeout=2)
            else:
                wait = self.backoff.next_wait()
                logger.info("sending again in %.1fs", wait)
                self.stopping.wait(timeout=wait)
            self.wake.clear()

    def send_queued(self) -> bool:
        """Send every queued clip; False at the first that must wait."""
        for clip in self.spool.queued():
            try:
                self.send(clip)
            except Refused as refusal:
                logger.error("clip %s refused by the server: %s", clip.clip_id, refusal)
                self.spool.mark_refused(clip, str(refusal))
            except TusCommunicationError as error:
                logger.warning("clip %s not sent yet: %s", clip.clip_id, _describe(error))
                return False
            self.backoff.reset()
        return True

    def send(self, clip: QueuedClip) -> None:
        uploader = self._resumed(clip) or self._created(clip)
        try:
            uploader.upload()
        except TusCommunicationError as error:
            if error.status_code in GONE:
                clip.forget_upload()
            _raise_if_final(error)
            raise
        self.spool.mark_sent(clip, uploader.url)
        logger.info("clip %s sent", clip.clip_id)

    def _resumed(self, clip: QueuedClip):
        url = clip.upload_url()
        if url is None:
            return None
        try:
            uploader = self._uploader(clip, url=url)
        except TusCommunicationError as error:
            if error.status_code not in GONE:
                raise
            logger.info("upload of clip %s is gone from the server; starting again", clip.clip_id)
            clip.forget_upload()
            return None
        logger.info("resuming clip %s at byte %s", clip.clip_id, uploader.offset)
        return uploader

    def _created(self, clip: QueuedClip):
        meta = clip.meta
        uploader = self._uploader(
            clip, metadata={"recorded_at": meta["recorded_at"], "filename": meta["filename"]}
        )
        try:
            url = uploader.create_url()
        except TusCommunicationError as error:
            _raise_if_final(error)
            raise
        clip.remember_upload(url)
        uploader.set_url(url)
        return uploader

    def _uploader(self, clip: QueuedClip, **options):
        return self.client.uploader(str(clip.video), chunk_size=self.chunk_size, **options)


def _raise_if_final(error: TusCommunicationError) -> None:
    status = error.status_code
    final = status not in LATER and status not in GONE and 400 <= status < 500
    # 413 is "your quota is full" (wait) or "this clip is too large" (never).
    if final or (status == 413 and _code(error) == "too_large"):
        raise Refused(_describe(error)) from error


def _code(error: TusCommunicationError) -> str:
    """The server's machine-readable reason ({"detail": ..., "code": ...}), if any."""
    return str(_answer(error).get("code", ""))


def _answer(error: TusCommunicationError) -> dict:
    try:
        answer = json.loads(error.response_content or b"{}")
    except (ValueError, TypeError):
        return {}
    return answer if isinstance(answer, dict) else {}


def _describe(error: TusCommunicationError) -> str:
    """The server's own sentence and its status ("HTTP 401: This token was revoked …"),
    not the tus library's "Attempt to retrieve create file url with status 401"."""
    if not error.status_code:
        return str(error)  # no answer at all: the network's own words
    detail = _answer(error).get("detail")
    if not detail:
        content = error.response_content
        if isinstance(content, bytes):
            content = content.decode("utf-8", "replace")
        detail = (content or "").strip()[:300] or str(error)
    return f"HTTP {error.status_code}: {detail}"
