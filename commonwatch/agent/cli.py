"""The ``commonwatch-agent`` command: watch one source, queue clips, send them.

A recording is watched to its end, then the agent waits until every clip is sent and
exits. A folder is watched for new recordings, and a stream is read (and reconnected),
until the agent is stopped.
"""

from __future__ import annotations

import argparse
import logging
import math
import os
import signal
import sys
import threading
import time
from pathlib import Path

from .clips import Cutter
from .motion import MotionDetector
from .sources import SOURCE_ERRORS, Recording, Stream, new_recordings
from .spool import Spool
from .upload import Backoff, Sender, give_requests_a_timeout, moved_to, network_timeout
from .zones import parse_zones

logger = logging.getLogger("commonwatch.agent")

TOKEN_PREFIX = "cwcam_"  # noqa: S105 (the prefix every device token starts with)
TOKEN_ENV = "COMMONWATCH_AGENT_TOKEN"  # noqa: S105 (a variable's name)


# The longest pre- and post-roll: the pre-roll is a buffer of frames held in memory.
MAX_ROLL_S = 60.0


def _number(low: float, high: float = math.inf, *, above: bool = False):
    """An argparse type: a finite number in [low, high], or above low with `above`."""
    bounds = f"> {low:g}" if above else f">= {low:g}"
    if high < math.inf:
        bounds += f" and <= {high:g}"

    def number(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        inside = value > low if above else value >= low
        if not (inside and value <= high and math.isfinite(value)):
            raise argparse.ArgumentTypeError(f"{text!r} is not a number {bounds}")
        return value

    return number


POSITIVE = _number(0, above=True)
SECONDS_ROLLED = _number(0, MAX_ROLL_S)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="commonwatch-agent",
        description="Cut clips around motion from a camera's video and send them to "
        "Commonwatch. SOURCE is a video file, a folder of recordings, or a stream URL "
        "(rtsp://, http://, ...).",
    )
    p.add_argument("source")
    p.add_argument("--server", required=True, help="the Commonwatch address, https://...")
    p.add_argument(
        "--token-file",
        type=Path,
        help=f"file holding the camera's device token (else ${TOKEN_ENV})",
    )
    p.add_argument("--spool", type=Path, required=True, help="folder for the offline queue")
    p.add_argument(
        "--zones",
        default="[]",
        help="motion zones as JSON polygons [[[x, y], ...], ...] in 0..1 "
        "(or @file.json); default: the whole frame",
    )
    p.add_argument(
        "--min-area", type=float, default=0.005, help="share of the zones that must move"
    )
    p.add_argument(
        "--pre-roll", type=SECONDS_ROLLED, default=3.0, help="seconds kept before motion (0-60)"
    )
    p.add_argument(
        "--post-roll", type=SECONDS_ROLLED, default=3.0, help="seconds kept after motion (0-60)"
    )
    p.add_argument("--max-clip", type=float, default=60.0, help="longest clip, in seconds")
    p.add_argument(
        "--settle", type=_number(0), default=5.0, help="seconds a new recording must rest"
    )
    p.add_argument("--poll", type=POSITIVE, default=2.0, help="seconds between folder scans")
    p.add_argument("--chunk-size", type=int, default=4 << 20, help="bytes per upload request")
    p.add_argument("--retry-min", type=POSITIVE, default=1.0, help="first wait after a failure")
    p.add_argument("--retry-max", type=POSITIVE, default=300.0, help="longest wait between tries")
    p.add_argument("-v", "--verbose", action="store_true")
    return p


def main(argv: list[str] | None = None) -> int:
    options = parser()
    args = options.parse_args(argv)
    if args.retry_min > args.retry_max:
        options.error("--retry-min must not be longer than --retry-max")
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s commonwatch-agent %(levelname)s %(message)s",
    )
    try:
        token, zones, kind = _checked(args)
        if moved := moved_to(args.server):
            raise ValueError(
                f"the server at {args.server} redirects to {moved}: "
                "give that address (its scheme and host) as --server"
            )
        spool = _opened_spool(args.spool)
    except (ValueError, OSError) as error:
        print(f"commonwatch-agent: {error}", file=sys.stderr)
        return 2
    give_requests_a_timeout(network_timeout(args.chunk_size))
    sender = Sender(
        spool,
        args.server,
        token,
        chunk_size=args.chunk_size,
        backoff=Backoff(args.retry_min, args.retry_max),
    )
    # Stopping at any moment is safe (see spool): SIGTERM and Ctrl-C just end the process.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    threading.Thread(target=sender.run, name="sender", daemon=True).start()
    watch = Watch(args, spool, zones, sender)
    try:
        return watch.run(kind)
    except KeyboardInterrupt:
        return 130


def _checked(args) -> tuple[str, list, str]:
    """The token, the zones and the kind of source, or ValueError saying what is wrong."""
    token = _token(args)
    zones = parse_zones(args.zones)
    if not args.server.startswith(("http://", "https://")):
        raise ValueError("--server is an http:// or https:// address")
    if not 0 < args.min_area <= 1:
        raise ValueError("--min-area is in (0, 1]")
    if args.chunk_size <= 0 or args.max_clip <= 0:
        raise ValueError("--chunk-size and --max-clip are > 0")
    if "://" in args.source:
        return token, zones, "stream"
    if os.path.isdir(args.source):
        return token, zones, "folder"
    if os.path.isfile(args.source):
        return token, zones, "recording"
    raise ValueError(f"no such file or folder: {args.source}")


class Watch:
    def __init__(self, args, spool: Spool, zones, sender: Sender):
        self.args = args
        self.spool = spool
        self.zones = zones
        self.sender = sender

    def run(self, kind: str) -> int:
        if kind == "stream":
            self.stream(Stream(self.args.source))
        elif kind == "folder":
            self.folder(Path(self.args.source))
        else:
            try:
                self.recording(Recording(Path(self.args.source)))
            except SOURCE_ERRORS as error:
                print(
                    f"commonwatch-agent: cannot read {self.args.source}: {error}", file=sys.stderr
                )
                return 1
            finally:
                self.until_sent()
        return 0

    def cutter(self, source) -> Cutter:
        return Cutter(
            spool=self.spool,
            detector=MotionDetector(self.zones, min_area=self.args.min_area),
            source=source,
            pre_roll=self.args.pre_roll,
            post_roll=self.args.post_roll,
            max_clip=self.args.max_clip,
            on_queued=lambda clip: self.sender.wake.set(),
        )

    def recording(self, recording: Recording) -> None:
        """Watch a recording from its first frame (so motion is found the same way on
        every run) unless an earlier run already watched it to the end."""
        if self.spool.source_done(recording.key):
            return
        logger.info("watching %s", recording.path)
        cutter = self.cutter(recording)
        try:
            for frame in recording.frames():
                cutter.feed(frame)
        finally:
            # A recording that breaks off still gives the clip cut so far.
            cutter.close()
        self.spool.mark_source_done(recording.key, str(recording.path))

    def folder(self, folder: Path) -> None:
        while True:
            for path in new_recordings(folder, settle=self.args.settle):
                try:
                    recording = Recording(path)
                except OSError:
                    continue  # gone since the scan
                try:
                    self.recording(recording)
                except SOURCE_ERRORS as error:
                    # Not a video, or a broken one: say so once and do not read it again.
                    logger.error("cannot read %s: %s", path, error)
                    self.spool.mark_source_done(recording.key, f"unreadable: {error}")
            time.sleep(self.args.poll)

    def stream(self, stream: Stream) -> None:
        backoff = Backoff(self.args.retry_min, self.args.retry_max)
        while True:
            cutter = self.cutter(stream)
            try:
                for frame in stream.frames():
                    cutter.feed(frame)
                    backoff.reset()
            except SOURCE_ERRORS as error:
                logger.warning("stream %s: %s", stream.url, error)
            cutter.close()
            wait = backoff.next_wait()
            logger.info("reconnecting to the stream in %.1fs", wait)
            time.sleep(wait)

    def until_sent(self) -> None:
        while self.spool.queued():
            self.sender.wake.set()
            time.sleep(0.2)
        self.sender.stopping.set()


def _opened_spool(path: Path) -> Spool:
    try:
        return Spool(path).open()
    except OSError as error:
        raise ValueError(
            f"cannot use {path} as the spool folder: {error.strerror or error}"
        ) from None


def _token(args) -> str:
    if args.token_file:
        return _token_in(args.token_file)
    token = os.environ.get(TOKEN_ENV, "").strip()
    if not token.startswith(TOKEN_PREFIX):
        raise ValueError(
            f"a device token ({TOKEN_PREFIX}...) is needed: --token-file or ${TOKEN_ENV}"
        )
    return token


def _token_in(path) -> str:
    """The token a --token-file holds, or ValueError naming the file and what is wrong
    with it (an owner who gave a file has a token: the question is which file)."""
    try:
        token = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "it is not text"
        raise ValueError(f"cannot read the token file {path}: {reason}") from None
    if not token.startswith(TOKEN_PREFIX):
        raise ValueError(
            f"the token file {path} holds no device token (they start with {TOKEN_PREFIX}): "
            "copy it again from the camera's page"
        )
    return token
