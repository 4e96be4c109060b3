"""Benchmark of the map's data: GET /api/v1/map for the map page's default view.

    .venv/bin/python bench/map_bench.py [--queries N]

Reuses the feed bench's city (1,000,000 posts over 90 days, its readers of 0.5, 1 and
3 mi) and its loader (bench/feed_bench.py: a SQLite file and the PostgreSQL database
BENCH_FEED_PG_URL, default cw_feed_bench), then, per database in its own process,
requests the map data through Django's test client as the page asks for it: the last
7 days, at the zoom the page opens on (the circle fitted in the desktop map), gzip
accepted. Times the whole request (middleware, session, selector, JSON, gzip) and
records the bytes on the wire; "any time" at the same zoom is measured beside it.
See bench/README.md.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import feed_bench  # noqa: E402

RESULTS = ROOT / "bench" / "results"
# The map page's map at desktop size (site.css: .map.tall, inside the page's panel).
MAP_PX = (776, 448)
FIT_PADDING_PX = 20
WARMUP = 20


def default_zoom(lat: float, radius_m: float) -> int:
    """The zoom Leaflet's fitBounds picks for the circle in the desktop map (zoomSnap 1)."""
    metres_per_px_z0 = 156_543.034 * math.cos(math.radians(lat))
    fit_px = min(MAP_PX) - FIT_PADDING_PX
    return math.floor(math.log2(metres_per_px_z0 * fit_px / (2 * radius_m)))


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


def run(feed, queries: int) -> dict:
    """Time the map requests of every reader radius; the figures as a dict."""
    from unittest import mock

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from bench.data import END
    from bench.feed_data import READER_RADII_MI
    from commonwatch.accounts.models import Home, User

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    out = {"db": connection.vendor, "cases": []}
    with mock.patch.object(timezone, "now", return_value=END):
        for row, radius_mi in enumerate(READER_RADII_MI):
            ids = [int(i) for i in feed.readers[row][: queries + WARMUP]]
            users = {u.pk: u for u in User.objects.filter(pk__in=ids)}
            homes = {h.user_id: h for h in Home.objects.filter(user_id__in=ids)}
            for period in ("week", None):
                times, sizes, raw_sizes, zooms, me_times = [], [], [], set(), []
                for n, user_id in enumerate(ids):
                    client = Client(HTTP_ACCEPT_ENCODING="gzip")
                    client.force_login(users[user_id])
                    home = homes[user_id]
                    zoom = default_zoom(home.lat, home.radius_m)
                    zooms.add(zoom)
                    query = {"zoom": zoom, **({"period": period} if period else {})}
                    started = time.perf_counter()
                    response = client.get("/api/v1/map", query)
                    elapsed = (time.perf_counter() - started) * 1000
                    assert response.status_code == 200, response.content[:200]
                    # The same client's trivial authenticated request, just after: how
                    # much of the time is the framework's and the machine's own load.
                    started = time.perf_counter()
                    me = client.get("/api/v1/me")
                    me_elapsed = (time.perf_counter() - started) * 1000
                    assert me.status_code == 200
                    if n >= WARMUP:
                        me_times.append(me_elapsed)
                        times.append(elapsed)
                        sizes.append(len(response.content))
                        gzipped = response.headers.get("Content-Encoding") == "gzip"
                        body = gzip.decompress(response.content) if gzipped else response.content
                        raw_sizes.append(len(body))
                out["cases"].append(
                    {
                        "radius_mi": radius_mi,
                        "period": period or "any time",
                        "zooms": sorted(zooms),
                        "queries": len(times),
                        "p50_ms": _percentile(times, 0.5),
                        "p99_ms": _percentile(times, 0.99),
                        "max_ms": max(times),
                        "me_p50_ms": _percentile(me_times, 0.5),
                        "me_p99_ms": _percentile(me_times, 0.99),
                        "gzip_bytes_p50": _percentile(sizes, 0.5),
                        "gzip_bytes_max": max(sizes),
                        "json_bytes_max": max(raw_sizes),
                    }
                )
    return out


def render(results: dict[str, dict], header: str) -> str:
    lines = [
        header,
        "",
        "| db | radius | period | zoom | p50 ms | p99 ms | max ms | /me p50 / p99 ms "
        "| gzip KB p50 / max | JSON KB max |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for db, out in results.items():
        for case in out["cases"]:
            lines.append(
                f"| {db} | {case['radius_mi']} mi | {case['period']} | "
                f"{','.join(map(str, case['zooms']))} | {case['p50_ms']:.1f} | "
                f"{case['p99_ms']:.1f} | {case['max_ms']:.1f} | "
                f"{case.get('me_p50_ms', 0):.1f} / {case.get('me_p99_ms', 0):.1f} | "
                f"{case['gzip_bytes_p50'] / 1024:.1f} / {case['gzip_bytes_max'] / 1024:.1f} | "
                f"{case['json_bytes_max'] / 1024:.1f} |"
            )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=300, help="timed requests per case")
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--load", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--output", help=argparse.SUPPRESS)
    args = parser.parse_args()
    feed_args = feed_bench_args()
    if args.db:
        feed_bench._setup_django(args.db, feed_args)
        geo, feed = feed_bench._data(feed_args)
        if args.load:
            load(geo, feed, feed_args)
        else:
            Path(args.output).write_text(json.dumps(run(feed, args.queries)))
        return

    RESULTS.mkdir(parents=True, exist_ok=True)
    started = datetime.now(UTC)
    feed_bench._setup_django("sqlite", feed_args)
    feed_bench._data(feed_args)
    create_pg_database(feed_bench.PG_URL)
    loaders = [
        subprocess.Popen([sys.executable, __file__, "--db", db, "--load"])
        for db in feed_bench.DATABASES
    ]
    for process in loaders:
        feed_bench._wait(process)
    stamp = started.strftime("%Y%m%d-%H%M%S")
    results = {}
    for db in feed_bench.DATABASES:  # one at a time: the machine has two cores
        path = RESULTS / f"map-{db}-{stamp}.json"
        command = [sys.executable, __file__, "--db", db, "--output", str(path)]
        subprocess.run([*command, "--queries", str(args.queries)], check=True)
        results[db] = json.loads(path.read_text())
    header = (
        f"Run {started:%Y-%m-%d %H:%M}–{datetime.now(UTC):%H:%M} UTC; "
        f"{feed_args.points:,} posts; {args.queries} timed requests per case after {WARMUP} "
        f"warm-up. Load average at the end: "
        f"{' / '.join(f'{x:.1f}' for x in os.getloadavg())}."
    )
    table = render(results, header)
    (RESULTS / f"map-results-{stamp}.md").write_text(table)
    print(table)


def create_pg_database(url: str) -> None:
    """The feed bench's database, without PostGIS: the map bench compares with no PostGIS
    query, and a machine without the extension can still run it."""
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')


def load(geo, feed, feed_args) -> None:
    """The feed bench's load, less its PostGIS copy of the posts when the extension is
    missing (the signature then marks the database as the map bench's own)."""
    from django.db import connection

    from bench import feed_load

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'")
            if cursor.fetchone() is None:
                feed_load._build_postgis = lambda: None
                feed_load.ensure_loaded(geo, feed, "map-" + feed_bench._signature(feed_args))
                return
    feed_load.ensure_loaded(geo, feed, feed_bench._signature(feed_args))


def feed_bench_args() -> argparse.Namespace:
    """The feed bench's defaults: the same city, loaded once for both benchmarks."""
    return argparse.Namespace(
        points=feed_bench.POINTS,
        homes=feed_bench.HOMES,
        queries=300,
        clients=10_000,
        covering=100_000,
        rounds=5,
    )


if __name__ == "__main__":
    main()
