"""Video sources the agent watches: a recording (file), a folder of recordings, a stream.

Each gives decoded frames with their place in the source and the time they show, so
the cutter can name clips the same way on every run: a recording's clips by its content
and frame number, a stream's by the wall-clock time of their first frame.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

VIDEO_SUFFIXES = {".mp4", ".mkv", ".mov", ".avi", ".ts", ".m4v", ".webm", ".mjpeg", ".h264"}
# Seconds to wait for a stream to answer or send data before giving up on it.
STREAM_TIMEOUT = 15
FALLBACK_RATE = Fraction(10)
# A stream's frames more than this apart in its own clock mean the clock jumped.
MAX_GAP = 10.0
# A live stream's times are put back on the wall clock when they drift this far from it.
DRIFT = timedelta(seconds=5)
# What reading a source may raise when the file or stream is bad or goes away.
SOURCE_ERRORS = (OSError, ValueError, av.FFmpegError)


@dataclass(frozen=True)
class Frame:
    index: int
    seconds: float  # since the start of the source
    at: datetime  # when it was recorded (UTC)
    yuv: np.ndarray  # yuv420p planes stacked: (height * 3 / 2) x width

    @property
    def luma(self) -> np.ndarray:
        return self.yuv[: self.yuv.shape[0] * 2 // 3]


class Recording:
    """A finished video file. Its clips are named after its content, so a copy or a
    rename of the same recording gives the same clip names."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.name = self.path.stem
        self.rate = FALLBACK_RATE
        stat = self.path.stat()
        # Cheap identity for "already watched": path, size and modification time.
        self.key = hashlib.sha256(
            f"{self.path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}".encode()
        ).hexdigest()[:32]
        self._mtime = datetime.fromtimestamp(stat.st_mtime, UTC)
        self._content_id = None

    @property
    def content_id(self) -> str:
        if self._content_id is None:
            digest = hashlib.sha256()
            with open(self.path, "rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
            self._content_id = digest.hexdigest()[:16]
        return self._content_id

    def clip_id(self, first: Frame) -> str:
        return f"{self.content_id}-{first.index:07d}"

    def frames(self) -> Iterator[Frame]:
        with av.open(str(self.path)) as container:
            started = _creation_time(container) or self._mtime
            yield from _decoded(container, self, started, wall_clock=False)


class Stream:
    """A live RTSP/HTTP/... URL. Clips are named after the time they were recorded."""

    def __init__(self, url: str):
        self.url = url
        self.name = "stream"
        self.rate = FALLBACK_RATE
        self.key = hashlib.sha256(url.encode()).hexdigest()[:16]

    def clip_id(self, first: Frame) -> str:
        return f"{self.key}-{first.at:%Y%m%dT%H%M%S%fZ}"

    def frames(self) -> Iterator[Frame]:
        options = {"rtsp_transport": "tcp"} if self.url.startswith("rtsp") else {}
        with av.open(self.url, options=options, timeout=STREAM_TIMEOUT) as container:
            yield from _decoded(container, self, datetime.now(UTC), wall_clock=True)


def _decoded(container, source, started: datetime, *, wall_clock: bool) -> Iterator[Frame]:
    """Frames in yuv420p with even sides (what H.264 takes). A live stream's times are
    anchored on the clock when its first frame arrived; a recording's on its start."""
    video = container.streams.video[0]
    video.thread_type = "AUTO"
    source.rate = video.average_rate or video.guessed_rate or FALLBACK_RATE
    step = 1 / float(source.rate)
    shift = last = None
    for index, frame in enumerate(container.decode(video)):
        raw = frame.time if frame.time is not None else index * step
        if last is None:
            shift = -raw
            started = datetime.now(UTC) if wall_clock else started
        elif not 0 < raw + shift - last <= MAX_GAP:
            # The source's clock jumped (a camera restarted its timestamps): carry on
            # from the last frame, so clip lengths and the pre-roll stay right.
            shift = last + step - raw
        seconds = last = raw + shift
        if wall_clock and abs(datetime.now(UTC) - started - timedelta(seconds=seconds)) > DRIFT:
            started = datetime.now(UTC) - timedelta(seconds=seconds)
        even = frame.reformat(width=frame.width & ~1, height=frame.height & ~1, format="yuv420p")
        yield Frame(index, seconds, started + timedelta(seconds=seconds), even.to_ndarray())


def _creation_time(container) -> datetime | None:
    value = container.metadata.get("creation_time")
    if not value:
        return None
    try:
        stamp = datetime.fromisoformat(value)
    except ValueError:
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


def new_recordings(folder: Path, *, settle: float) -> list[Path]:
    """Video files in the folder that nobody has written to for `settle` seconds
    (a camera may still be writing the newest), oldest first."""
    now = time.time()
    found = []
    for path in Path(folder).iterdir():
        if path.name.startswith(".") or path.suffix.lower() not in VIDEO_SUFFIXES:
            continue
        try:
            stat = path.stat()
        except FileNotFoundError:
            continue
        if path.is_file() and now - stat.st_mtime >= settle:
            found.append((stat.st_mtime, path.name, path))
    return [path for _, _, path in sorted(found)]
