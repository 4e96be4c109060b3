"""Where the time of the project's geo queries goes, and what the proposed fixes buy.

    .venv/bin/python bench/experiments.py --db sqlite|postgres [--points N --homes N]

Needs the tables loaded by geo_bench.py. Not part of the table in README.md; the
numbers back the proposals in its "Findings" section.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.geo_bench import RESULTS, _setup_django  # noqa: E402

QUERIES = 100
# haversine_m written in SQL (PostgreSQL, and SQLite >= 3.35 with its math functions).
SQL_HAVERSINE = (
    "2 * 6371008.8 * asin(sqrt(power(sin((radians(lat) - radians(%s)) / 2), 2)"
    " + cos(radians(%s)) * cos(radians(lat)) * power(sin(radians(lng - %s) / 2), 2)))"
)


def _covering_sql(connection, radius_class, cells):
    placeholders = ", ".join(["%s"] * len(cells))
    return (
        "SELECT id, lat, lng, radius_m FROM geobench_benchhome "
        f"WHERE radius_class = %s AND cell IN ({placeholders})",
        [radius_class, *cells],
    )


def covering_variants(lat, lng):
    """The same candidate rows as circles_covering, read and tested in different ways."""
    from django.db import connection

    from bench.geobench.models import BenchHome
    from commonwatch.geo.cells import cells_covering_circle
    from commonwatch.geo.distance import haversine_m, haversine_m_array
    from commonwatch.geo.selectors import RADIUS_CLASS_LIMITS_M

    results = {}
    started = time.perf_counter()
    ids = []
    with connection.cursor() as cursor:
        for radius_class, limit in enumerate(RADIUS_CLASS_LIMITS_M):
            cells = list(cells_covering_circle(lat, lng, limit))
            sql, params = _covering_sql(connection, radius_class, cells)
            sql = sql.replace("id, lat, lng, radius_m", "id") + f" AND {SQL_HAVERSINE} <= radius_m"
            cursor.execute(sql, [*params, lat, lat, lng])
            ids += [pk for (pk,) in cursor.fetchall()]
    results["exact test in SQL (ids only)"] = (time.perf_counter() - started, ids, 0)
    started = time.perf_counter()
    ids = []
    for radius_class, limit in enumerate(RADIUS_CLASS_LIMITS_M):
        cells = list(cells_covering_circle(lat, lng, limit))
        rows = BenchHome.objects.filter(radius_class=radius_class, cell__in=cells)
        for pk, a, b, r in rows.values_list("pk", "lat", "lng", "radius_m"):
            if haversine_m(lat, lng, a, b) <= r:
                ids.append(pk)
    results["ORM values_list without iterator()"] = (time.perf_counter() - started, ids, 0)
    for name in ("fetch only", "raw cursor + python haversine", "raw cursor + numpy haversine"):
        started = time.perf_counter()
        ids, read = [], 0
        with connection.cursor() as cursor:
            for radius_class, limit in enumerate(RADIUS_CLASS_LIMITS_M):
                cells = list(cells_covering_circle(lat, lng, limit))
                cursor.execute(*_covering_sql(connection, radius_class, cells))
                rows = cursor.fetchall()
                read += len(rows)
                if name == "raw cursor + python haversine":
                    ids += [pk for pk, a, b, r in rows if haversine_m(lat, lng, a, b) <= r]
                elif name == "raw cursor + numpy haversine" and rows:
                    table = np.array(rows, dtype=np.float64)
                    dist = haversine_m_array(lat, lng, table[:, 1], table[:, 2])
                    ids += table[dist <= table[:, 3], 0].astype(np.int64).tolist()
        results[name] = (time.perf_counter() - started, ids, read)
    return results


def _time_cell_sets(points, label: str) -> None:
    """p50/p99 of computing each feed query's cell set, cache of cell sets cleared."""
    from commonwatch.geo.cells import cells_covering_circle
    from commonwatch.geo.distance import miles_to_m

    for radius_mi in (0.5, 1.0, 3.0):
        cells_covering_circle.cache_clear()
        spent = []
        for lat, lng in points["feed"]:
            started = time.perf_counter()
            cells_covering_circle(lat, lng, miles_to_m(radius_mi))
            spent.append(time.perf_counter() - started)
        p50, p99 = np.percentile(spent, [50, 99]) * 1000
        print(f"{label} {radius_mi} mi: p50 {p50:.2f} ms, p99 {p99:.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=("sqlite", "postgres"), required=True)
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--homes", type=int, default=2_000_000)
    args = parser.parse_args()
    _setup_django(args.db, args.points, args.homes)
    from bench import worker
    from bench.data import load_or_generate

    data = load_or_generate(args.points, args.homes, RESULTS)
    points = worker.query_points(data, QUERIES)
    print(f"## {args.db}")

    _time_cell_sets(points, "cells_covering_circle, cold")

    totals: dict[str, list[float]] = {}
    read = returned = 0
    for lat, lng in points["alert"]:
        started = time.perf_counter()
        expected = worker.project_covering(lat, lng)
        totals.setdefault("circles_covering (as is)", []).append(time.perf_counter() - started)
        for name, (seconds, ids, n_read) in covering_variants(lat, lng).items():
            totals.setdefault(name, []).append(seconds)
            if name != "fetch only" and sorted(ids) != sorted(expected):
                print(f"MISMATCH in {name}")
            read = read + n_read if name == "fetch only" else read
        returned += len(expected)
    print(f"covering: {read / returned:.2f} rows read per home returned")
    for name, spent in totals.items():
        p50, p99 = np.percentile(spent, [50, 99]) * 1000
        print(
            f"covering {name}: p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
            f"{1e6 * sum(spent) / returned:.2f} µs/home"
        )


if __name__ == "__main__":
    main()
