"""Short camera clips made on the spot: moving shapes on a street, nothing downloaded.

A grey road under a sky, a car-like block crossing it and a round "visitor" walking up
the path, each clip with its own colours, speeds and directions (seeded, so the same
seed gives the same clip). Small and short, so seeding the demo stays quick.
"""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

import av
import numpy as np

WIDTH, HEIGHT = 160, 96
FPS = 10
SECONDS = 3


def moving_shapes(seed: int, *, seconds: int = SECONDS) -> bytes:
    """An H.264 MP4 of `seconds` showing shapes that move (what motion looks like)."""
    rng = random.Random(seed)
    scene = _scene(rng)
    car_color = np.array([rng.randrange(40, 255) for _ in range(3)], np.uint8)
    coat_color = np.array([rng.randrange(40, 255) for _ in range(3)], np.uint8)
    car_speed = rng.choice((-1, 1)) * rng.uniform(3, 7)
    walk_from = rng.uniform(0.2, 0.8) * WIDTH
    frames = []
    for i in range(seconds * FPS):
        frame = scene.copy()
        car_x = (WIDTH / 2 + car_speed * (i - seconds * FPS / 2)) % (WIDTH + 40) - 40
        _block(frame, int(car_x), 58, 40, 16, car_color)
        _disc(frame, walk_from + i * 0.6, HEIGHT - 8 - i * 1.1, 6, coat_color)
        frames.append(frame)
    return mp4_of(frames, fps=FPS)


def mp4_of(frames, *, fps: int) -> bytes:
    """An H.264 MP4 of these RGB frames (numpy arrays of one size)."""
    with tempfile.TemporaryDirectory(prefix="commonwatch-demo-") as workdir:
        path = Path(workdir) / "clip.mp4"
        with av.open(str(path), mode="w", format="mp4") as container:
            stream = container.add_stream("libx264", rate=fps)
            stream.height, stream.width = frames[0].shape[:2]
            stream.pix_fmt = "yuv420p"
            stream.options = {"preset": "ultrafast"}
            for frame in frames:
                video_frame = av.VideoFrame.from_ndarray(frame, format="rgb24")
                for packet in stream.encode(video_frame):
                    container.mux(packet)
            for packet in stream.encode():
                container.mux(packet)
        return path.read_bytes()


def _scene(rng: random.Random) -> np.ndarray:
    frame = np.empty((HEIGHT, WIDTH, 3), np.uint8)
    sky = np.linspace(rng.randrange(120, 200), 230, 50, dtype=np.uint8)
    frame[:50] = np.stack([sky * 0.6, sky * 0.8, sky], axis=-1)[:, None, :].astype(np.uint8)
    frame[50:78] = 70  # the road
    frame[63:65, ::12] = 220  # its centre line
    frame[78:] = (60, 120 + rng.randrange(0, 40), 60)  # lawn
    return frame


def _block(frame: np.ndarray, x: int, y: int, width: int, height: int, color) -> None:
    left, right = max(x, 0), min(x + width, WIDTH)
    if left < right:
        frame[y : y + height, left:right] = color


def _disc(frame: np.ndarray, cx: float, cy: float, radius: float, color) -> None:
    ys, xs = np.ogrid[:HEIGHT, :WIDTH]
    frame[(xs - cx) ** 2 + (ys - cy) ** 2 <= radius**2] = color
