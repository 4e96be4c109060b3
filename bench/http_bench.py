"""End-to-end HTTP benchmark: the production app server at 1,000,000 posts.

    .venv/bin/python bench/http_bench.py                    # PostgreSQL, HTTP and phone
    .venv/bin/python bench/http_bench.py --db postgres,sqlite --only http
    .venv/bin/python bench/http_bench.py --map-url '/api/v1/map?period=week' --map-url ...

Loads the feed bench's city (bench/feed_data.py: 1,000,000 posts, here with fewer
homes) into its own databases, its newest post at the start of today (UTC), so the
"last 7 days" hold posts. Then, per database: starts `uvicorn config.asgi:application`
as the README runs it (DEBUG off, keys made for the run) and the bare ASGI hello
(bench/hello_asgi.py) with the same options, and times, over keep-alive connections,
the endpoints taking turns (bench/http_client.py); then the feed and map pages on a
throttled phone (bench/http_phone.py). Prints a markdown table; see bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from config.app_server import UVICORN_OPTIONS  # noqa: E402

RESULTS = ROOT / "bench" / "results"
DATABASES = ("postgres", "sqlite")
PG_URL = os.environ.get("BENCH_HTTP_PG_URL", "postgres://postgres@127.0.0.1:5432/cw_http_bench")
# What the map page fetches for its default view; more URLs (the H3 view) via --map-url.
MAP_URLS = ("/api/v1/map", "/api/v1/map?period=week")
READERS = 20  # residents per radius in the data; the 1 mi ones hold the tokens
# The map page as it opens today, and on the last 7 days (what issue 16 asks it to open on).
PAGES = ("/feed/", "/feed/map/", "/feed/map/?period=week")


def _today() -> datetime:
    return datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def _signature(args) -> str:
    return f"http-p{args.points}-h{args.homes}-r{READERS}-end{_today():%Y%m%d}"


def _db_env(db: str, args) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "BENCH_DB": db,
        "BENCH_PG_URL": PG_URL,
        "BENCH_SQLITE_PATH": str(RESULTS / f"{_signature(args)}.sqlite3"),
    }


def _database_url(db: str, args) -> str:
    if db == "postgres":
        return PG_URL
    return f"sqlite:///{RESULTS / f'{_signature(args)}.sqlite3'}"


def _worker(args) -> None:
    """In its own process: load the data (once per signature), or prepare the callers."""
    os.environ.update(_db_env(args.db, args))
    import django

    django.setup()
    from bench.data import load_or_generate
    from bench.feed_data import load_or_build

    geo = load_or_generate(args.points, args.homes, RESULTS)
    feed = load_or_build(geo, READERS, clients=10, covering=500, cache=RESULTS)
    if args.phase == "load":
        from bench.feed_load import ensure_loaded

        ensure_loaded(geo, feed, _signature(args), end=_today(), postgis=False)
        return
    from bench.http_callers import prepare

    Path(args.output).write_text(json.dumps(prepare(feed)))


def ensure_pg_database(url: str) -> None:
    """Create the PostgreSQL bench database if it does not exist yet (no PostGIS needed)."""
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')


def _spawn(phase: str, db: str, args, output: Path | None = None, env=None) -> subprocess.Popen:
    command = [sys.executable, __file__, "--worker", phase, "--db", db]
    command += ["--points", str(args.points), "--homes", str(args.homes)]
    if output:
        command += ["--output", str(output)]
    return subprocess.Popen(command, env={**os.environ, **_db_env(db, args), **(env or {})})


def _wait(process: subprocess.Popen) -> None:
    if process.wait() != 0:
        sys.exit(f"worker failed: {' '.join(process.args)}")


def server_env(db: str, args) -> dict[str, str]:
    """Production settings: DEBUG off, keys made for this run, the bench database."""
    from cryptography.fernet import Fernet

    env = {
        k: v for k, v in os.environ.items() if k not in ("DEBUG", "DEMO", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "DATABASE_URL": _database_url(db, args),
            "DATA_DIR": str(RESULTS / "http-data"),  # STATIC_ROOT is its static/
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


def collect_static(env: dict[str, str]) -> None:
    """The production static files (hashed names, compressed variants), as deployed."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )


class Server:
    """One uvicorn process on a free port, with the README's options."""

    def __init__(self, name: str, target: str, env: dict[str, str], port: int):
        self.name, self.port = name, port
        self.log_path = RESULTS / f"http-{name}.log"
        self._log = self.log_path.open("w")
        command = [sys.executable, "-m", "uvicorn", target, "--host", "127.0.0.1"]
        command += ["--port", str(port), *UVICORN_OPTIONS, "--no-access-log"]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT
        )

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while "Uvicorn running" not in self.log_path.read_text(errors="replace"):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} did not start:\n{self.log_path.read_text()}")
            time.sleep(0.05)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log.close()


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_database(db: str, args, stamp: str) -> dict:
    from bench.http_client import measure

    env = server_env(db, args)
    callers_path = RESULTS / f"http-callers-{db}-{stamp}.json"
    # The session's hash is made with the server's SECRET_KEY.
    keys = {k: env[k] for k in ("SECRET_KEY", "ENCRYPTION_KEYS")}
    _wait(_spawn("prepare", db, args, callers_path, keys))
    callers = json.loads(callers_path.read_text())
    collect_static(env)
    app = Server(f"app-{db}", "config.asgi:application", env, _free_port())
    hello = Server(f"hello-{db}", "bench.hello_asgi:app", env, _free_port())
    try:
        app.wait_ready()
        hello.wait_ready()
        out = {"callers": callers, "load_before": os.getloadavg()}
        if "http" in args.only:
            targets = [("hello", hello.port, "/", None)]
            targets += [("/api/v1/me", app.port, "/api/v1/me", True)]
            targets += [("/api/v1/feed", app.port, "/api/v1/feed", True)]
            targets += [(url, app.port, url, True) for url in args.map_urls]
            out["http"] = measure(
                targets,
                args.samples,
                args.warmup,
                callers["tokens"],
                args.budget,
                pids={app.port: app.process.pid, hello.port: hello.process.pid},
            )
        if "phone" in args.only:
            from bench.http_phone import phone_timings

            out["phone"] = phone_timings(app.port, callers, PAGES, args.loads)
        out["load_after"] = os.getloadavg()
        out["app_log"] = app.log_path.read_text(errors="replace")[-4000:]
        return out
    finally:
        app.stop()
        hello.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1_000_000, help="posts")
    parser.add_argument("--homes", type=int, default=100_000, help="homes (one account each)")
    parser.add_argument(
        "--db", default="postgres", help="postgres, sqlite or both, comma-separated"
    )
    parser.add_argument("--only", default="http,phone", help="http, phone or both")
    parser.add_argument("--samples", type=int, default=2000, help="timed requests per endpoint")
    parser.add_argument("--warmup", type=int, default=200, help="untimed requests per endpoint")
    parser.add_argument("--budget", type=float, default=60, help="max timed seconds per endpoint")
    parser.add_argument("--loads", type=int, default=5, help="throttled loads per page")
    parser.add_argument("--map-url", dest="map_urls", action="append", help="map data URL(s)")
    parser.add_argument("--worker", dest="phase", help=argparse.SUPPRESS)
    parser.add_argument("--output", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        _worker(args)
        return
    args.map_urls = args.map_urls or list(MAP_URLS)
    args.only = set(args.only.split(","))
    databases = [d for d in args.db.split(",") if d]
    RESULTS.mkdir(parents=True, exist_ok=True)
    started = datetime.now(UTC)
    stamp = started.strftime("%Y%m%d-%H%M%S")
    if "postgres" in databases:
        ensure_pg_database(PG_URL)
    for db in databases:  # one at a time: the machine has two cores
        _wait(_spawn("load", db, args))
    results = {db: run_database(db, args, stamp) for db in databases}
    (RESULTS / f"http-{stamp}.json").write_text(json.dumps(results))
    from bench.http_report import render

    table = render(results, args, started)
    (RESULTS / f"http-results-{stamp}.md").write_text(table)
    print(table)


if __name__ == "__main__":
    main()
