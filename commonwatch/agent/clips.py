"""Cutting clips around motion: a few seconds before it (from a ring buffer of frames)
to a few seconds after it, encoded to H.264 MP4 straight into the spool.

A clip is named by its first frame (see sources), and a clip the spool already knows is
followed through but not written again: an agent restarted on the same recording
cuts nothing twice.
"""

from __future__ import annotations

import hashlib
import logging
from collections import deque
from collections.abc import Callable
from datetime import UTC
from fractions import Fraction

import av

from .motion import MotionDetector
from .sources import Frame
from .spool import CLIP_FILE, QueuedClip, Spool

logger = logging.getLogger("commonwatch.agent")
MILLISECOND = Fraction(1, 1000)


class ClipWriter:
    """One clip being encoded into a private spool folder until `finish` queues it."""

    def __init__(self, spool: Spool, clip_id: str, first: Frame, rate, filename: str):
        self.spool = spool
        self.meta = {
            "clip_id": clip_id,
            "recorded_at": first.at.astimezone(UTC).isoformat(),
            "filename": filename,
        }
        self.folder = spool.start_clip(clip_id)
        self.container = av.open(str(self.folder / CLIP_FILE), mode="w", format="mp4")
        # The recording time inside the file too, for any other tool that reads it.
        self.container.metadata["creation_time"] = self.meta["recorded_at"]
        self.stream = self.container.add_stream("libx264", rate=rate)
        self.stream.height, self.stream.width = first.luma.shape
        self.stream.pix_fmt = "yuv420p"
        # One encoder thread: decoding and motion detection already keep the other
        # cores busy, and a single thread adds no frames of latency.
        self.stream.options = {"preset": "veryfast", "crf": "26", "threads": "1"}
        # Each frame keeps its own time (in ms from the clip's start): live streams do not
        # always keep the rate they announce.
        self.stream.codec_context.time_base = MILLISECOND
        self.start = first.seconds
        self.last_pts = -1

    def write(self, frame: Frame) -> None:
        if frame.luma.shape != (self.stream.height, self.stream.width):
            return  # a stream that changed size mid-clip: keep the clip decodable
        pts = round((frame.seconds - self.start) * 1000)
        if pts <= self.last_pts:
            return  # a repeated timestamp: the picture is already in the clip
        picture = av.VideoFrame.from_ndarray(frame.yuv, format="yuv420p")
        picture.pts, picture.time_base, self.last_pts = pts, MILLISECOND, pts
        for packet in self.stream.encode(picture):
            self.container.mux(packet)

    def finish(self) -> QueuedClip:
        for packet in self.stream.encode():
            self.container.mux(packet)
        self.container.close()
        video = self.folder / CLIP_FILE
        self.meta["size"] = video.stat().st_size
        self.meta["sha256"] = hashlib.sha256(video.read_bytes()).hexdigest()
        return self.spool.queue_clip(self.folder, self.meta)


class KnownClip:
    """A clip an earlier run already queued: its frames go nowhere."""

    def __init__(self, clip_id: str):
        self.meta = {"clip_id": clip_id}

    def write(self, frame: Frame) -> None:
        pass

    def finish(self) -> None:
        logger.info("clip %s was queued by an earlier run", self.meta["clip_id"])


class Cutter:
    """Feeds frames to the detector and opens, extends and closes clips.

    A clip starts `pre_roll` seconds before the first motion, ends `post_roll` seconds
    after the last, and is cut at `max_clip` seconds (the next one carries on at once).
    """

    def __init__(
        self,
        *,
        spool: Spool,
        detector: MotionDetector,
        source,
        pre_roll: float,
        post_roll: float,
        max_clip: float,
        on_queued: Callable[[QueuedClip], None] = lambda clip: None,
    ):
        self.spool = spool
        self.detector = detector
        self.source = source
        self.pre_roll = pre_roll
        self.post_roll = post_roll
        self.max_clip = max_clip
        self.on_queued = on_queued
        self.ring: deque[Frame] = deque()
        self.clip = None
        self.clip_start = 0.0
        self.last_motion = 0.0

    def feed(self, frame: Frame) -> None:
        moving = self.detector.moving(frame.luma)
        if self.clip is None:
            self._remember(frame)
            if moving:
                self._open(frame)
            return
        self.clip.write(frame)
        if moving:
            self.last_motion = frame.seconds
        quiet = frame.seconds - self.last_motion >= self.post_roll
        if quiet or frame.seconds - self.clip_start >= self.max_clip:
            self.close()

    def close(self) -> None:
        """End the clip being cut, if any (also at the end of the source)."""
        if self.clip is None:
            return
        clip, self.clip = self.clip, None
        queued = clip.finish()
        if queued is not None:
            logger.info("clip %s queued (%s bytes)", queued.clip_id, clip.meta["size"])
            self.on_queued(queued)

    def _remember(self, frame: Frame) -> None:
        self.ring.append(frame)
        while frame.seconds - self.ring[0].seconds > self.pre_roll:
            self.ring.popleft()

    def _open(self, frame: Frame) -> None:
        first = self.ring[0]
        clip_id = self.source.clip_id(first)
        if self.spool.knows(clip_id):
            self.clip = KnownClip(clip_id)
        else:
            filename = f"{self.source.name}-{first.at:%Y%m%d-%H%M%S}.mp4"
            self.clip = ClipWriter(self.spool, clip_id, first, self.source.rate, filename)
            logger.info("motion at %.1fs: cutting clip %s", frame.seconds, clip_id)
        for buffered in self.ring:
            self.clip.write(buffered)
        # The frames just written start the clip; the next clip's pre-roll starts after.
        self.ring.clear()
        self.clip_start = first.seconds
        self.last_motion = frame.seconds
