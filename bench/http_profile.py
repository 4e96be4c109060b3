"""Where an API request's time goes, in process, without the network or a loaded machine.

    .venv/bin/python bench/http_profile.py /api/v1/me /api/v1/feed        # ms, queries
    .venv/bin/python bench/http_profile.py --cprofile /api/v1/me           # top functions
    .venv/bin/python bench/http_profile.py --spread --batches 10 /api/v1/feed  # host speed
    valgrind --tool=callgrind --collect-atstart=no --toggle-collect=starmap_next \\
        --callgrind-out-file=cg.out .venv/bin/python bench/http_profile.py \\
        --asgi config.asgi:application --batches 1 --n 40 /api/v1/me     # instructions

Runs the production settings (DEBUG off, the HTTP bench's database: BENCH_HTTP_PG_URL,
loaded by bench/http_bench.py) and sends each path through Django's full handler
(middleware, signals, view) as one token-holding resident with a 1 mi circle, after a
warm-up. Prints per path: the best mean of --batches batches in ms, and the SQL queries one
request makes. With --asgi the requests go through the ASGI app the server runs
(config.asgi:application, or bench.hello_asgi:app for the floor) as uvicorn would call it,
minus its HTTP parsing. Wall-clock on a shared machine is noisy: to compare two versions,
count instructions instead: with the options above callgrind counts only the timed
requests (the `totals:` line of cg.out, divided by --n), the sync thread's part included;
the database server's own work is not in it.
"""

from __future__ import annotations

import argparse
import collections
import itertools
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG_URL = os.environ.get("BENCH_HTTP_PG_URL", "postgres://postgres@127.0.0.1:5432/cw_http_bench")
TOKEN_NAME = f"http profile {os.getpid()}"  # one per run: runs side by side keep theirs
ONE_MILE_M = 1609


def _setup() -> None:
    for mode in ("DEBUG", "DEMO"):
        os.environ.pop(mode, None)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "SECRET_KEY": "profile-" + "x" * 50,
            "ENCRYPTION_KEYS": "bXVzdC1iZS0zMi11cmwtc2FmZS1iYXNlNjQtYnl0ZXM=",
            "DATABASE_URL": os.environ.get("DATABASE_URL", PG_URL),
            "LOG_LEVEL": "WARNING",
        }
    )
    import django

    django.setup()


def _token() -> str:
    from django.utils import timezone

    from commonwatch.accounts.models import ApiToken, Home, TokenScope
    from commonwatch.accounts.services import TOKEN_LIFETIMES_DAYS, create_api_token

    earlier = timezone.now() - timedelta(hours=1)  # runs still going keep their tokens
    ApiToken.objects.filter(name__startswith="http profile", created_at__lt=earlier).delete()
    home = Home.objects.filter(radius_m__gte=ONE_MILE_M - 1).order_by("radius_m", "pk").first()
    _token, raw = create_api_token(
        user=home.user,
        name=TOKEN_NAME,
        scope=TokenScope.READ,
        lifetime_days=TOKEN_LIFETIMES_DAYS[0],
    )
    return raw


def _counted(function, times=1, args=()):
    """Call function through itertools.starmap, the C function callgrind counts inside.

    With --collect-atstart=no --toggle-collect=starmap_next callgrind counts only the
    timed requests (per thread: the sync thread's part goes through here too).
    """
    collections.deque(itertools.starmap(function, itertools.repeat(args, times)), maxlen=0)
    return None


def _caller(path: str, token: str):
    from django.core.handlers.wsgi import WSGIHandler
    from django.test import RequestFactory

    handler = WSGIHandler()
    factory = RequestFactory(
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_X_FORWARDED_PROTO="https",
        HTTP_HOST="127.0.0.1",
        HTTP_ACCEPT_ENCODING="gzip, deflate, br",
    )
    environ = factory.get(path).environ

    def call() -> int:
        status = []
        body = handler(dict(environ), lambda s, h: status.append(s))
        b"".join(body)
        body.close()
        return int(status[0].split()[0])

    return call


def _count_sync_thread(app_path: str) -> None:
    """From now on the app's work in its sync thread is counted by callgrind too."""
    import importlib

    django_app = getattr(
        importlib.import_module(app_path.partition(":")[0]), "django_asgi_app", None
    )
    if django_app is not None and "_respond" not in vars(django_app):
        respond = django_app._respond
        django_app._respond = lambda *args: next(itertools.starmap(respond, [args]))


def _asgi_caller(path: str, token: str, app_path: str):
    """One request through an ASGI app (the server's own path, minus its HTTP parsing)."""
    import asyncio
    import importlib

    module, _, name = app_path.partition(":")
    module = importlib.import_module(module)
    app = getattr(module, name)
    loop = asyncio.new_event_loop()
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path.partition("?")[0],
        "raw_path": path.partition("?")[0].encode(),
        "query_string": path.partition("?")[2].encode(),
        "root_path": "",
        "headers": [
            (b"host", b"127.0.0.1"),
            (b"authorization", f"Bearer {token}".encode()),
            (b"x-forwarded-proto", b"https"),
            (b"accept-encoding", b"gzip, deflate, br"),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    def call() -> int:
        messages = []

        async def send(message):
            messages.append(message)

        loop.run_until_complete(app(dict(scope), receive, send))
        return messages[0]["status"]

    return call


def _print_spread(path: str, call, batches: int, n: int) -> None:
    """Each batch's percentiles of single requests, in process: no network, no client."""
    print(f"{path}: ms per request, p50 / p90 / p99 of each batch of {n}")
    for batch in range(batches):
        times = []
        for _ in range(n):
            start = time.perf_counter()
            call()
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        p50, p90, p99 = (times[min(n - 1, int(n * q))] for q in (0.5, 0.9, 0.99))
        print(f"    batch {batch + 1}: {p50:.2f} / {p90:.2f} / {p99:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--n", type=int, default=300, help="requests per batch")
    parser.add_argument("--batches", type=int, default=5, help="timed batches (best mean)")
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--cprofile", action="store_true")
    parser.add_argument(
        "--asgi",
        metavar="MODULE:APP",
        help="call this ASGI app as the server would (config.asgi:application, or "
        "bench.hello_asgi:app for the floor) instead of Django's WSGI handler",
    )
    parser.add_argument("--sort", default="cumulative", help="cProfile order: cumulative, tottime")
    parser.add_argument(
        "--spread",
        action="store_true",
        help="time each request of every batch and print each batch's p50 / p90 / p99: "
        "how much the machine's own speed moves from one batch to the next",
    )
    args = parser.parse_args()
    _setup()
    from django.db import connection

    token = _token()
    for path in args.paths:
        call = _asgi_caller(path, token, args.asgi) if args.asgi else _caller(path, token)
        for _ in range(args.warmup):
            assert call() == 200, path
        queries = []  # counted by a wrapper: the handler's request_started resets the log

        def record(execute, sql, params, many, context):
            start = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                queries.append((time.perf_counter() - start, sql))  # noqa: B023

        with connection.execute_wrapper(record):
            call()
        if args.cprofile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.runcall(lambda: [call() for _ in range(args.n)])  # noqa: B023
            pstats.Stats(profiler).sort_stats(args.sort).print_stats(45)
            continue
        if args.spread:
            _print_spread(path, call, args.batches, args.n)
            continue
        if args.asgi:
            _count_sync_thread(args.asgi)
        best = float("inf")
        for _ in range(args.batches if args.n else 0):
            start = time.perf_counter()
            _counted(call, args.n)
            best = min(best, (time.perf_counter() - start) / args.n * 1000)
        if args.asgi:  # its queries run on the sync thread's connection, not this one
            print(f"{path}: {best:.3f} ms/request (queries: run it without --asgi)")
            continue
        print(f"{path}: {best:.3f} ms/request, {len(queries)} queries")
        for seconds, sql in queries:
            print(f"    {seconds * 1000:.2f} ms  {sql[:200]}")


if __name__ == "__main__":
    main()
