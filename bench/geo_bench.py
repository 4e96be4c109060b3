"""Benchmark of the geo core against PostGIS on a metro-sized synthetic region.

    .venv/bin/python bench/geo_bench.py [--points N --homes N --queries N]

Generates (or reuses) the data set, loads it into SQLite and PostgreSQL (in
parallel, skipped when already loaded), then times each database in its own
process, one after the other, and prints a markdown table. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
RADII_MI = [0.5, 1.0, 3.0]
DATABASES = ("postgres", "sqlite")


def _setup_django(db: str, points: int, homes: int) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["BENCH_DB"] = db
    os.environ["BENCH_SQLITE_PATH"] = str(RESULTS / f"geo-p{points}-h{homes}.sqlite3")
    import django

    django.setup()


def _worker(args) -> None:
    _setup_django(args.db, args.points, args.homes)
    from bench.data import load_or_generate
    from bench.load import ensure_loaded

    data = load_or_generate(args.points, args.homes, RESULTS)
    if args.phase == "load":
        ensure_loaded(data)
        return
    from bench import worker

    out = worker.run(data, args.queries, RADII_MI)
    Path(args.output).write_text(json.dumps(out))


def _spawn(phase: str, db: str, args, output: Path | None = None) -> subprocess.Popen:
    command = [sys.executable, __file__, "--worker", phase, "--db", db]
    command += ["--points", str(args.points), "--homes", str(args.homes)]
    command += ["--queries", str(args.queries)]
    if output:
        command += ["--output", str(output)]
    return subprocess.Popen(command)


def _wait(process: subprocess.Popen) -> None:
    if process.wait() != 0:
        sys.exit(f"worker failed: {' '.join(process.args)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--homes", type=int, default=2_000_000)
    parser.add_argument("--queries", type=int, default=300, help="timed queries per case")
    parser.add_argument("--db", choices=DATABASES, help=argparse.SUPPRESS)
    parser.add_argument("--worker", choices=("load", "query"), dest="phase", help=argparse.SUPPRESS)
    parser.add_argument("--output", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        _worker(args)
        return

    RESULTS.mkdir(parents=True, exist_ok=True)
    _setup_django("sqlite", args.points, args.homes)
    from bench.data import load_or_generate
    from bench.report import render

    data = load_or_generate(args.points, args.homes, RESULTS)  # once, before the workers
    for process in [_spawn("load", db, args) for db in DATABASES]:
        _wait(process)
    outputs = {}
    for db in DATABASES:  # one at a time: the machine has two cores
        outputs[db] = RESULTS / f"answers-{db}-{data.signature}-q{args.queries}.json"
        _wait(_spawn("query", db, args, outputs[db]))
    results = {db: json.loads(path.read_text()) for db, path in outputs.items()}
    table = render(results, args.points, args.homes, args.queries)
    (RESULTS / f"results-{data.signature}-q{args.queries}.md").write_text(table)
    print(table)


if __name__ == "__main__":
    main()
