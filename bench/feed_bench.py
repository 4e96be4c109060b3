"""Benchmark of the neighborhood feed: feed_for, live fan-out and offline fan-out.

    .venv/bin/python bench/feed_bench.py [--only feed,offline,live] [--queries N]
        [--clients N] [--rounds N] [--live-db postgres|sqlite]

Builds the data from the geo bench's city (bench/data.py), loads it into a SQLite
file and the PostgreSQL database cw_feed_bench (project migrations, in parallel,
skipped when already loaded), then runs each measurement in its own process, one
after the other, and prints a markdown table. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DATABASES = ("postgres", "sqlite")
PHASES = ("feed", "offline", "live")
POINTS, HOMES = 1_000_000, 2_000_000
PG_URL = os.environ.get("BENCH_FEED_PG_URL", "postgres://postgres@127.0.0.1:5432/cw_feed_bench")
# The project's settings give the channel layer the read timeout it needs (settings.py).
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
WARMUP = 20  # bench.worker.WARMUP: the first queries of every case are not timed


def _signature(args) -> str:
    readers = args.queries + WARMUP
    return f"feed-p{args.points}-h{args.homes}-r{readers}-c{args.clients}-k{args.covering}"


def _db_env(db: str, args) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "BENCH_DB": db,
        "BENCH_PG_URL": PG_URL,
        "BENCH_SQLITE_PATH": str(RESULTS / f"{_signature(args)}.sqlite3"),
    }


def _setup_django(db: str, args) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.update(_db_env(db, args))
    import django

    django.setup()


def _data(args):
    from bench.data import load_or_generate
    from bench.feed_data import load_or_build

    geo = load_or_generate(args.points, args.homes, RESULTS)
    feed = load_or_build(geo, args.queries + WARMUP, args.clients, args.covering, RESULTS)
    return geo, feed


def _worker(args) -> None:
    if args.phase == "live-clients":
        sys.path.insert(0, str(ROOT))
        from bench.feed_live import clients_main

        clients_main(args.port, Path(args.output), os.environ["SESSION_COOKIE_NAME"])
        return
    _setup_django(args.db, args)
    geo, feed = _data(args)
    if args.phase == "load":
        from bench.feed_load import ensure_loaded

        ensure_loaded(geo, feed, _signature(args))
        return
    if args.phase == "live":
        from bench.feed_live import run_live

        server_env = {
            **os.environ,
            **_db_env(args.db, args),
            "REDIS_URL": REDIS_URL,
            "TASK_BACKEND": "immediate",
            "DATA_DIR": str(RESULTS / "live-data"),
            "PYTHONUNBUFFERED": "1",
            "LOG_LEVEL": "INFO",
        }
        out = run_live(feed, args.clients, args.rounds, server_env, RESULTS)
    else:
        from bench.feed_worker import run

        out = run(feed, args.phase)
    Path(args.output).write_text(json.dumps(out))


def _spawn(phase: str, db: str, args, output: Path | None = None, env=None) -> subprocess.Popen:
    command = [sys.executable, __file__, "--worker", phase, "--db", db]
    command += ["--points", str(args.points), "--homes", str(args.homes)]
    command += ["--queries", str(args.queries), "--clients", str(args.clients)]
    command += ["--covering", str(args.covering), "--rounds", str(args.rounds)]
    if output:
        command += ["--output", str(output)]
    return subprocess.Popen(command, env={**os.environ, **(env or {})})


def _wait(process: subprocess.Popen) -> None:
    if process.wait() != 0:
        sys.exit(f"worker failed: {' '.join(process.args)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=POINTS, help="posts")
    parser.add_argument("--homes", type=int, default=HOMES)
    parser.add_argument("--queries", type=int, default=300, help="timed feed queries per case")
    parser.add_argument("--clients", type=int, default=10_000, help="live sockets")
    parser.add_argument("--covering", type=int, default=100_000, help="homes covering the hub")
    parser.add_argument("--rounds", type=int, default=5, help="timed live publishes")
    parser.add_argument("--live-db", choices=DATABASES, default="postgres")
    parser.add_argument("--only", default=",".join(PHASES), help="comma-separated phases")
    parser.add_argument("--db", choices=DATABASES, help=argparse.SUPPRESS)
    parser.add_argument("--worker", dest="phase", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--output", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        _worker(args)
        return

    RESULTS.mkdir(parents=True, exist_ok=True)
    phases = [p for p in args.only.split(",") if p]
    started = datetime.now(UTC)
    _setup_django("sqlite", args)
    from bench.feed_load import ensure_pg_database
    from bench.feed_report import render

    _geo, feed = _data(args)  # once, before the workers
    ensure_pg_database(PG_URL)
    for process in [_spawn("load", db, args) for db in DATABASES]:
        _wait(process)

    stamp = started.strftime("%Y%m%d-%H%M%S")
    results: dict[str, dict] = {"feed": {}, "offline": {}}
    for phase in ("feed", "offline"):
        if phase not in phases:
            continue
        for db in DATABASES:  # one at a time: the machine has two cores
            path = RESULTS / f"feed-{phase}-{db}-{stamp}.json"
            _wait(_spawn(phase, db, args, path))
            results[phase][db] = json.loads(path.read_text())
    live = None
    if "live" in phases:
        path = RESULTS / f"feed-live-{args.live_db}-{stamp}.json"
        _wait(_spawn("live", args.live_db, args, path, env={"REDIS_URL": REDIS_URL}))
        live = json.loads(path.read_text())
    header = (
        f"Run {started:%Y-%m-%d %H:%M}–{datetime.now(UTC):%H:%M} UTC; {args.points:,} posts, "
        f"{args.homes:,} homes (one account each); {args.queries} timed feed queries per case "
        f"after {WARMUP} warm-up; hub post covered by {feed.hub_covering:,} homes; "
        f"{args.clients:,} live clients, {args.rounds} timed publishes. "
        f"Load average at the end: {' / '.join(f'{x:.1f}' for x in os.getloadavg())}."
    )
    table = render(results["feed"], results["offline"], live, header)
    (RESULTS / f"feed-results-{stamp}.md").write_text(table)
    print(table)


if __name__ == "__main__":
    main()
