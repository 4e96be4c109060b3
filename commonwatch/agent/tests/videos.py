"""Test videos made here, never downloaded: a still, slightly noisy scene in which a
bright square crosses the frame during each motion event."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import av
import numpy as np

WIDTH, HEIGHT, FPS = 320, 240, 10


def scene(seconds: float, events: list[tuple[float, float]], *, row: float = 0.5):
    """RGB frames: events are (start, end) seconds while the square crosses, at `row`
    (0 top .. 1 bottom) of the frame."""
    noise = np.random.default_rng(17)
    x, y = np.meshgrid(np.arange(WIDTH), np.arange(HEIGHT))
    background = np.stack([x * 0.4 + 40, y * 0.5 + 50, (x + y) * 0.2 + 30], axis=-1)
    side = 40
    top = int(row * (HEIGHT - side))
    for index in range(int(seconds * FPS)):
        now = index / FPS
        pixels = background + noise.normal(0, 2, background.shape)
        for start, end in events:
            if start <= now < end:
                left = int((now - start) / (end - start) * (WIDTH - side))
                pixels[top : top + side, left : left + side] = 235
        yield np.clip(pixels, 0, 255).astype(np.uint8)


def write_video(path: Path, frames, *, fmt: str = "mp4", recorded: datetime | None = None):
    with av.open(str(path), mode="w", format=fmt) as container:
        if recorded is not None:
            container.metadata["creation_time"] = recorded.isoformat()
        stream = container.add_stream("libx264", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        for pixels in frames:
            for packet in stream.encode(av.VideoFrame.from_ndarray(pixels, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path
