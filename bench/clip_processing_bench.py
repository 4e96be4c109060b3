"""Benchmark of clip processing: clips per second per core through media.cleaning.

    .venv/bin/python bench/clip_processing_bench.py [--clips N] [--seconds S] [--fps F]

Generates N clips of S seconds at 1280x720 and about 2 Mbit/s, as a home camera sends
(moving shapes on a noisy gradient, a tone in AAC), then processes each the way the
pipeline does (media.services.process calls cleaning.clean_video) in four variants,
taking turns:

- probe: open, check the stream, decode every frame (what measuring the length costs);
- clean: probe + re-encode as H.264 (faststart MP4) + thumbnail, no privacy zone;
- zones: clean + two privacy zones painted black in every frame (a camera's usual case);
- zones+audio: zones + the sound kept as AAC (a camera with audio turned on).

"Per core" is per CPU-second: the process's user+system time, all threads included
(libx264 and FFmpeg's decoder use several), so it does not depend on how many cores
were free; wall-clock figures are printed too. No database: storage and the row update
around each clip cost a few ms against seconds of video work. Results: bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()

import av  # noqa: E402
import numpy as np  # noqa: E402

from commonwatch.media import cleaning  # noqa: E402

ZONES = (
    ((0.0, 0.0), (0.35, 0.0), (0.35, 0.4), (0.0, 0.4)),  # a neighbor's window
    ((0.6, 0.7), (1.0, 0.55), (1.0, 1.0), (0.6, 1.0)),  # the street
)
VARIANTS = {
    "probe": None,
    "clean": cleaning.VideoRules(max_seconds=600),
    "zones": cleaning.VideoRules(max_seconds=600, blackout=ZONES),
    "zones+audio": cleaning.VideoRules(max_seconds=600, blackout=ZONES, keep_audio=True),
}


def make_clip(path: Path, *, seconds: float, fps: int, seed: int, bitrate: int) -> None:
    """A 720p H.264 clip with a moving box and a moving disc over a noisy gradient, and a
    tone in AAC."""
    width, height = 1280, 720
    rng = np.random.default_rng(seed)
    ys, xs = np.mgrid[0:height, 0:width]
    background = np.stack(
        [(xs * 200 // width), (ys * 200 // height), np.full_like(xs, 90)], axis=-1
    ).astype(np.uint8)
    with av.open(str(path), mode="w", format="mp4") as out:
        video = out.add_stream("libx264", rate=fps)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        video.bit_rate, video.options = bitrate, {"preset": "veryfast"}
        sound = out.add_stream("aac", rate=44100)
        sx, sy = (int(v) for v in rng.integers(0, 400, size=2))
        for i in range(int(seconds * fps)):
            # Sensor noise, as a real camera has: without it the clip compresses to nothing.
            frame = background + rng.integers(0, 24, size=background.shape, dtype=np.uint8)
            x, y = (sx + i * 6) % (width - 160), (sy + i * 3) % (height - 120)
            frame[y : y + 120, x : x + 160] = (240, 240, 40)
            cy, cx = height - 1 - y, width - 1 - x
            disc = (ys - cy) ** 2 + (xs - cx) ** 2 < 50**2
            frame[disc] = (30, 200, 240)
            _mux(out, video, av.VideoFrame.from_ndarray(frame, format="rgb24"))
        _mux(out, video, None)
        rate, samples = 44100, 1024
        for first in range(0, int(seconds * rate), samples):
            t = (np.arange(first, first + samples) / rate).astype(np.float32)
            wave = (0.1 * np.sin(2 * np.pi * 440 * t)).reshape(1, -1)
            tone = av.AudioFrame.from_ndarray(wave, format="fltp", layout="mono")
            tone.sample_rate, tone.pts = rate, first
            _mux(out, sound, tone)
        _mux(out, sound, None)


def _mux(out, stream, frame) -> None:
    for packet in stream.encode(frame):
        out.mux(packet)


def probe(source: Path) -> int:
    """What the pipeline does before encoding: the checks and a full decode."""
    with av.open(str(source)) as container:
        video = cleaning._video_stream(container)
        clock = cleaning._Clock(video, 600)
        return sum(clock.add(frame) for frame in container.decode(video))


def run(variant: str, source: Path, workdir: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one clip through one variant."""
    cpu_before, wall_before = _cpu(), time.perf_counter()
    rules = VARIANTS[variant]
    if rules is None:
        assert probe(source) > 0
    else:
        cleaned = cleaning.clean_video(source, workdir, rules=rules)
        assert cleaned.thumbnail and cleaned.duration_s
    return time.perf_counter() - wall_before, _cpu() - cpu_before


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clips", type=int, default=3, help="distinct clips, each run per turn")
    parser.add_argument("--turns", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--fps", type=int, default=15)
    parser.add_argument(
        "--mbps", type=float, default=2, help="the source clips' bit rate, as a camera's"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="clip-bench-") as tmp:
        workdir = Path(tmp)
        sources = [workdir / f"clip{i}.mp4" for i in range(args.clips)]
        for i, path in enumerate(sources):
            make_clip(
                path, seconds=args.seconds, fps=args.fps, seed=i, bitrate=int(args.mbps * 1e6)
            )
        size_mb = statistics.mean(p.stat().st_size for p in sources) / 1e6
        print(
            f"{args.clips} clips of {args.seconds:g} s, 1280x720 at {args.fps} fps, "
            f"{size_mb:.1f} MB each; load average {os.getloadavg()[0]:.1f} "
            f"on {os.cpu_count()} cores\n"
        )
        run("clean", sources[0], workdir)  # warm-up: codec set-up, imports
        timings: dict[str, list[tuple[float, float]]] = {v: [] for v in VARIANTS}
        for _turn in range(args.turns):
            for source in sources:
                for variant in VARIANTS:
                    timings[variant].append(run(variant, source, workdir))
        report(timings, args)
        print(f"painting the two zones alone: {paint_ms():.3f} ms CPU per 720p frame")


def paint_ms(frames: int = 300) -> float:
    """The painting step by itself (mask made once per clip, then applied per frame)."""
    masks = cleaning._blackout_masks(ZONES, 1280, 720)
    pixels = np.full((720, 1280, 3), 200, np.uint8)
    frame = av.VideoFrame.from_ndarray(pixels, format="rgb24").reformat(format="yuv420p")
    before = _cpu()
    for _ in range(frames):
        cleaning._paint_black(frame, masks)
    return (_cpu() - before) * 1000 / frames


def report(timings, args) -> None:
    frames = int(args.seconds * args.fps)
    print("| variant | CPU s per clip | clips/s per core | ms CPU per frame | wall s per clip |")
    print("|---|---:|---:|---:|---:|")
    for variant, runs in timings.items():
        wall = statistics.median(w for w, _c in runs)
        cpu = statistics.median(c for _w, c in runs)
        print(f"| {variant} | {cpu:.2f} | {1 / cpu:.2f} | {cpu * 1000 / frames:.1f} | {wall:.2f} |")
    zones = statistics.median(c for _w, c in timings["zones"])
    clean = statistics.median(c for _w, c in timings["clean"])
    print(
        f"\nprivacy zones add {100 * (zones - clean) / clean:+.1f}% CPU "
        f"({(zones - clean) * 1000 / frames:+.2f} ms per frame)"
    )


if __name__ == "__main__":
    main()
