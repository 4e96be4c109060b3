"""Clip ingest benchmark: many clips through the tus endpoint on the production app server,
against a plain file copy of the same bytes on the same disk.

    .venv/bin/python bench/clip_ingest_bench.py                       # SQLite, 40 clips of 8 MB
    .venv/bin/python bench/clip_ingest_bench.py --db postgres --clips 100 --mb 5 --chunk-mb 2
    .venv/bin/python bench/clip_ingest_bench.py --cameras 4            # four cameras at once

Writes the clips (random bytes: ingest does not look inside them) under
bench/results/clip-ingest/, then takes turns, --rounds times: copy every clip to a new
folder on the same disk (shutil.copyfile, as `cp` does), and send every clip as cameras
would: --cameras of them at once, each its share of the clips one after the other over
its own keep-alive connection (POST to create, PATCH with the bytes, in --chunk-mb
requests), to `uvicorn config.asgi:application` run as in production
(DEBUG off) on a fresh database, and the same requests to a bare ASGI sink on the same
uvicorn command (bench/sink_asgi.py: the server's own ceiling). Each round sends as a new
owner's cameras, so no clip folds into an earlier one. Prints a markdown table (also
bench/results/clip-ingest-<time>.md). The media pipeline's processing is not counted: no
task worker runs (see bench/clip_processing_bench.py for that).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.http_bench import Server, _free_port  # noqa: E402

RESULTS = ROOT / "bench" / "results"
WORK = RESULTS / "clip-ingest"
PG_URL = os.environ.get("BENCH_CLIP_PG_URL", "postgres://postgres@127.0.0.1:5432/cw_clip_bench")
BLOCK = 1 << 20


def server_env(db: str) -> dict[str, str]:
    """Production settings (DEBUG off), keys made for the run, a fresh bench database."""
    from cryptography.fernet import Fernet

    env = {
        k: v for k, v in os.environ.items() if k not in ("DEBUG", "DEMO", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "DATABASE_URL": PG_URL if db == "postgres" else f"sqlite:///{WORK / 'bench.sqlite3'}",
            "DATA_DIR": str(WORK / "data"),  # media (and the partial uploads) under it
            "TASK_BACKEND": "database",  # queued, not processed: no worker runs
            "LOG_LEVEL": "WARNING",
        }
    )
    env.pop("REDIS_URL", None)
    return env


def fresh_database(db: str, env: dict[str, str]) -> None:
    if db == "postgres":
        name = PG_URL.rsplit("/", 1)[1]
        base = PG_URL.rsplit("/", 1)[0] + "/postgres"
        for sql in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
            subprocess.run(["psql", base, "-qc", sql], check=True)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True
    )


def device_tokens(env: dict[str, str], count: int) -> list[str]:
    """Cameras of their own owners, one per camera and round, with device tokens (made in
    a subprocess on the server's settings)."""
    command = [sys.executable, __file__, "--worker", str(count)]
    made = subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True, text=True)
    return json.loads(made.stdout.strip().splitlines()[-1])


def _make_tokens(count: int) -> None:
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from commonwatch.accounts.selectors import token_digest
    from commonwatch.cameras.models import Camera
    from commonwatch.cameras.selectors import DEVICE_TOKEN_PREFIX

    tokens = []
    for n in range(count):
        raw = DEVICE_TOKEN_PREFIX + secrets.token_urlsafe(24)
        Camera.objects.create(
            owner=get_user_model().objects.create_user(email=f"bench-{n}@example.org"),
            name=f"Bench {n}",
            kind="other",
            exact_lat=39.7392,
            exact_lng=-104.9903,
            token_digest=token_digest(raw),
            token_prefix=raw[:12],
        )
        tokens.append(raw)
    print(json.dumps(tokens))


def write_clips(count: int, size: int) -> list[Path]:
    folder = WORK / "clips"
    folder.mkdir(parents=True)
    clips = []
    for n in range(count):
        path = folder / f"clip-{n:04d}.mp4"
        with path.open("wb") as out:
            for _ in range(size // BLOCK):
                out.write(os.urandom(BLOCK))
            out.write(os.urandom(size % BLOCK))
        clips.append(path)
    os.sync()
    return clips


def copy_round(clips: list[Path], n: int) -> float:
    target = WORK / f"copy-{n}"
    target.mkdir()
    started = time.perf_counter()
    for clip in clips:
        shutil.copyfile(clip, target / clip.name)
    elapsed = time.perf_counter() - started
    shutil.rmtree(target)
    return elapsed


def tus_round(clips: list[Path], port: int, tokens: list[str], chunk: int) -> float:
    """Every clip sent, by as many cameras at once as there are tokens (each its own
    connection and its share of the clips, in turn)."""
    shares = [clips[n :: len(tokens)] for n in range(len(tokens))]
    started = time.perf_counter()
    with ThreadPoolExecutor(len(tokens)) as cameras:
        list(cameras.map(lambda share, token: _send(share, port, token, chunk), shares, tokens))
    return time.perf_counter() - started


def _send(clips: list[Path], port: int, token: str, chunk: int) -> None:
    """One camera's clips, one after the other over one keep-alive connection."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    base = {
        "Tus-Resumable": "1.0.0",
        "Authorization": f"Bearer {token}",
        "X-Forwarded-Proto": "https",  # as the TLS-terminating proxy says (production)
    }
    for clip in clips:
        size = clip.stat().st_size
        location = _ask(
            conn, "POST", "/api/v1/clip-uploads/", {**base, "Upload-Length": str(size)}, 201
        )
        path = location.split("127.0.0.1", 1)[-1].split("/", 1)[-1]
        with clip.open("rb") as data:
            offset = 0
            while offset < size:
                length = min(chunk, size - offset)
                headers = {
                    **base,
                    "Content-Type": "application/offset+octet-stream",
                    "Upload-Offset": str(offset),
                    "Content-Length": str(length),
                }
                conn.putrequest("PATCH", "/" + path)
                for name, value in headers.items():
                    conn.putheader(name, value)
                conn.endheaders()
                left = length
                while left:
                    block = data.read(min(BLOCK, left))
                    conn.send(block)
                    left -= len(block)
                answer = conn.getresponse()
                answer.read()
                if answer.status != 204:
                    raise RuntimeError(f"PATCH answered {answer.status}")
                offset = int(answer.getheader("Upload-Offset"))
    conn.close()


def _ask(conn, method: str, url: str, headers: dict, expected: int) -> str:
    conn.request(method, url, headers=headers)
    answer = conn.getresponse()
    body = answer.read()
    if answer.status != expected:
        raise RuntimeError(f"{method} {url} answered {answer.status}: {body[:300]!r}")
    return answer.getheader("Location") or ""


def count_clips(env: dict[str, str]) -> int:
    code = "from commonwatch.cameras.models import Clip; print(Clip.objects.count())"
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return int(done.stdout.strip().splitlines()[-1])


def report(args, rows: list[tuple[str, int, float]], load: tuple, size: int) -> str:
    total_mb = args.clips * size / 2**20
    lines = [
        f"Clip ingest, {args.clips} clips of {size / 2**20:.1f} MB ({total_mb:.0f} MB) per "
        f"round, {args.db}, PATCH requests of {args.chunk_mb} MB, {args.cameras} camera(s) "
        f"sending at once, load average "
        f"{load[0]:.1f} → {load[1]:.1f} on {os.cpu_count()} CPUs "
        f"({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)",
        "",
        "| round | way | seconds | MB/s | clips/s |",
        "|---|---|---:|---:|---:|",
    ]
    for way, n, seconds in rows:
        mb_s, clips_s = total_mb / seconds, args.clips / seconds
        lines.append(f"| {n} | {way} | {seconds:.2f} | {mb_s:.0f} | {clips_s:.1f} |")
    lines += ["", "| way | best MB/s | median MB/s | median clips/s |", "|---|---:|---:|---:|"]
    rate = {}
    for way in ("copy", "sink", "tus"):
        seconds = sorted(s for w, _n, s in rows if w == way)
        rate[way] = total_mb / statistics.median(seconds)
        lines.append(
            f"| {way} | {total_mb / seconds[0]:.0f} | {rate[way]:.0f} | "
            f"{args.clips / statistics.median(seconds):.1f} |"
        )
    lines += [
        "",
        f"Medians: tus ingests at **{rate['tus'] / rate['copy']:.0%}** of the copy's throughput "
        f"(target ≥ 50%), and at {rate['tus'] / rate['sink']:.0%} of the bare sink's.",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="sqlite", choices=("sqlite", "postgres"))
    parser.add_argument("--clips", type=int, default=40)
    parser.add_argument("--mb", type=float, default=8, help="size of each clip")
    parser.add_argument("--chunk-mb", type=float, default=8, help="bytes per PATCH request")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--cameras", type=int, default=1, help="cameras sending at once (one connection each)"
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        _make_tokens(int(args.worker))
        return
    size, chunk = int(args.mb * 2**20), int(args.chunk_mb * 2**20)
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    clips = write_clips(args.clips, size)
    env = server_env(args.db)
    env["CAMERA_MAX_CLIP_BYTES"] = str(max(size, 2**20))
    fresh_database(args.db, env)
    tokens = device_tokens(env, args.rounds * args.cameras)
    app = Server(f"clip-ingest-{args.db}", "config.asgi:application", env, _free_port())
    sink = Server(f"clip-ingest-sink-{args.db}", "bench.sink_asgi:app", env, _free_port())
    rows, load = [], [os.getloadavg()[0]]
    try:
        app.wait_ready()
        sink.wait_ready()
        for n in range(1, args.rounds + 1):
            rows.append(("copy", n, copy_round(clips, n)))
            rows.append(("sink", n, tus_round(clips, sink.port, ["none"] * args.cameras, chunk)))
            mine = tokens[(n - 1) * args.cameras : n * args.cameras]
            rows.append(("tus", n, tus_round(clips, app.port, mine, chunk)))
    finally:
        app.stop()
        sink.stop()
    load.append(os.getloadavg()[0])
    made = count_clips(env)
    if made != args.clips * args.rounds:
        sys.exit(f"{made} clips made, {args.clips * args.rounds} expected")
    table = report(args, rows, tuple(load), size)
    (RESULTS / f"clip-ingest-{datetime.now(UTC):%Y%m%d-%H%M%S}.md").write_text(table + "\n")
    print(table)
    shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
