"""One database's side of the benchmark: time each method on the same query points.

Runs inside a process whose Django default database is the one under test, because
the project's selectors read CellTally from the default database.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import time
from collections.abc import Callable

import numpy as np
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commonwatch.geo.cells import cells_covering_circle
from commonwatch.geo.distance import miles_to_m
from commonwatch.geo.selectors import (
    RADIUS_CLASS_LIMITS_M,
    circles_covering,
    newest_within,
    time_windows,
)

from .data import END, Dataset
from .geobench.models import BenchHome, BenchPoint
from .load import LAYER

LIMIT = 50
WARMUP = 20
CHUNK = 20  # timed queries per method per turn (time_methods)
REWARM = 3  # untimed queries before each later turn
QUERY_SEED = 7
EXPLAIN_SAMPLE = 20

POINT_SQL = "ST_SetSRID(ST_MakePoint(%(lng)s, %(lat)s), 4326)"
NEWEST_SQL = f"""SELECT id FROM pg_point
    WHERE ST_DWithin(geog, {POINT_SQL}::geography, %(radius)s, false) {{window}}
    ORDER BY created_at DESC, id DESC LIMIT %(limit)s"""
COVERING_BBOX_SQL = f"""SELECT id FROM pg_home
    WHERE bbox && {POINT_SQL}
      AND ST_DWithin(geog, {POINT_SQL}::geography, radius_m, false)"""
COVERING_BUCKETED_SQL = "\nUNION ALL\n".join(
    f"""SELECT id FROM pg_home WHERE radius_class = {radius_class}
      AND ST_DWithin(geog, {POINT_SQL}::geography, {limit_m!r}, false)
      AND ST_DWithin(geog, {POINT_SQL}::geography, radius_m, false)"""
    for radius_class, limit_m in enumerate(RADIUS_CLASS_LIMITS_M)
)


def query_points(data: Dataset, n_queries: int) -> dict[str, list[tuple[float, float]]]:
    """Feed queries start at homes, alert queries at posts; a separate warm-up set."""
    rng = np.random.default_rng(QUERY_SEED)
    homes = rng.choice(len(data.home_lat), size=n_queries + WARMUP, replace=False)
    posts = rng.choice(len(data.point_lat), size=n_queries + WARMUP, replace=False)
    return {
        "feed": [(float(data.home_lat[i]), float(data.home_lng[i])) for i in homes],
        "alert": [(float(data.point_lat[i]), float(data.point_lng[i])) for i in posts],
    }


# --- the methods under test --------------------------------------------------------------


def project_newest(lat, lng, radius_m) -> list[int]:
    rows = newest_within(
        BenchPoint.objects.all(),
        lat,
        lng,
        radius_m,
        layer=LAYER,
        limit=LIMIT,
        time_field="created_at",
        now=END,
    )
    return [row.pk for row in rows]


def postgis_newest(lat, lng, radius_m) -> list[int]:
    params = {"lat": lat, "lng": lng, "radius": radius_m, "limit": LIMIT}
    with connection.cursor() as cursor:
        cursor.execute(NEWEST_SQL.format(window=""), params)
        return [pk for (pk,) in cursor.fetchall()]


def postgis_newest_windowed(lat, lng, radius_m) -> list[int]:
    """Time-window pre-filter on the created_at index, with the project's windows: sized
    by the same per-cell tallies, widened ×4 until LIMIT rows qualify (time_windows)."""
    cells = cells_covering_circle(lat, lng, radius_m)
    params = {"lat": lat, "lng": lng, "radius": radius_m, "limit": LIMIT}
    windowed = NEWEST_SQL.format(window="AND created_at >= %(cutoff)s")
    with connection.cursor() as cursor:
        for window in time_windows(LAYER, cells, radius_m, LIMIT, END, connection.alias):
            if window is None:
                cursor.execute(NEWEST_SQL.format(window=""), params)
            else:
                cursor.execute(windowed, {**params, "cutoff": END - window})
            rows = cursor.fetchall()
            if len(rows) >= LIMIT:
                break
    return [pk for (pk,) in rows]


def project_covering(lat, lng) -> list[int]:
    return list(circles_covering(BenchHome.objects.all(), lat, lng))


def _postgis_ids(sql: str, lat: float, lng: float) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(sql, {"lat": lat, "lng": lng})
        return [pk for (pk,) in cursor.fetchall()]


def postgis_covering_bbox(lat, lng) -> list[int]:
    return _postgis_ids(COVERING_BBOX_SQL, lat, lng)


def postgis_covering_bucketed(lat, lng) -> list[int]:
    return _postgis_ids(COVERING_BUCKETED_SQL, lat, lng)


# --- timing ------------------------------------------------------------------------------


def _fingerprint(ids: list[int]) -> list:
    """Count and hash of the id set (sets of 10⁴–10⁵ ids are too big to keep)."""
    ordered = np.sort(np.asarray(ids, dtype=np.int64))
    return [len(ids), hashlib.blake2b(ordered.tobytes(), digest_size=16).hexdigest()]


def time_methods(
    methods: dict[str, Callable], arg_sets: list[tuple], keep: Callable = lambda r: r
) -> dict[str, dict]:
    """Time every method on each argument set after the first WARMUP; shared by
    geo_bench and feed_bench.

    This shared VM has bursts of seconds in which everything runs up to 1.7× slower
    (a plain CPU loop shows them too). The methods take turns in runs of CHUNK
    queries, in an order that rotates, so a burst falls on all of them alike, while
    each run still finds its own pages and code warm, as a server answering one
    kind of request does.
    """
    # One untimed pass over every query, so the pages each reads are in memory: this
    # VM's kernel pages out memory left idle (a DAMON pageout scheme).
    for fn in methods.values():
        for args in arg_sets:
            fn(*args)
    # As config/asgi.py does after start-up: what exists now lives as long as the
    # process, so the collector should not walk it during the timed queries.
    gc.collect()
    gc.freeze()
    names = list(methods)
    out = {name: {"times": [], "answers": []} for name in names}
    timed = arg_sets[WARMUP:]
    for turn, start in enumerate(range(0, len(timed), CHUNK)):
        for name in names[turn % len(names) :] + names[: turn % len(names)]:
            # The first turn warms up on all WARMUP queries, later turns on a few.
            for args in arg_sets[: WARMUP if turn == 0 else REWARM]:
                methods[name](*args)
            for args in timed[start : start + CHUNK]:
                cells_covering_circle.cache_clear()  # every timed query pays for its cells
                started = time.perf_counter()
                result = methods[name](*args)
                out[name]["times"].append(time.perf_counter() - started)
                out[name]["answers"].append(keep(result))
    gc.unfreeze()
    return out


def _index_names(plan: dict) -> set[str]:
    found = {plan["Index Name"]} if "Index Name" in plan else set()
    for child in plan.get("Plans", []):
        found |= _index_names(child)
    return found


def server_settings() -> dict[str, str]:
    """The PostgreSQL settings that move these figures most, kept with the results."""
    if connection.vendor != "postgresql":
        return {}
    with connection.cursor() as cursor:
        cursor.execute("SHOW shared_buffers")
        return {"shared_buffers": cursor.fetchone()[0]}


def reads_cells(sql: str) -> bool:
    """Whether a captured statement is one of the selectors' cell lookups."""
    return '"cell" IN' in sql or '"cell" = ANY' in sql


def _explain(call: Callable, table: str) -> dict[str, int]:
    """How often each index (or 'no index') appears in the plans of the queries a call runs."""
    with CaptureQueriesContext(connection) as captured:
        call()
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            if table not in query["sql"] or not reads_cells(query["sql"]):
                continue
            cursor.execute("EXPLAIN (FORMAT JSON) " + query["sql"])
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            for name in _index_names(plan[0]["Plan"]) or {"(no index)"}:
                counts[name] = counts.get(name, 0) + 1
    return counts


def run(data: Dataset, n_queries: int, radii_mi: list[float], log=print) -> dict:
    postgres = connection.vendor == "postgresql"
    points = query_points(data, n_queries)
    out: dict = {"vendor": connection.vendor, "newest": {}, "covering": {}, "explain": {}}

    newest_methods = {"project": project_newest}
    if postgres:
        newest_methods |= {"postgis": postgis_newest, "postgis_window": postgis_newest_windowed}
    for radius_mi in radii_mi:
        radius_m = miles_to_m(radius_mi)
        args = [(lat, lng, radius_m) for lat, lng in points["feed"]]
        started = time.perf_counter()
        out["newest"][str(radius_mi)] = time_methods(newest_methods, args, keep=list)
        log(f"{connection.vendor}: newest {radius_mi} mi: {time.perf_counter() - started:.1f} s")
        if postgres:
            table = BenchPoint._meta.db_table
            counts: dict[str, int] = {}
            for lat, lng, radius in args[WARMUP : WARMUP + EXPLAIN_SAMPLE]:
                sample = _explain(lambda a=lat, b=lng, r=radius: project_newest(a, b, r), table)
                for index, n in sample.items():
                    counts[index] = counts.get(index, 0) + n
            out["explain"][f"newest {radius_mi} mi"] = counts

    covering_methods = {"project": project_covering}
    if postgres:
        covering_methods |= {
            "postgis_bbox": postgis_covering_bbox,
            "postgis_bucketed": postgis_covering_bucketed,
        }
    started = time.perf_counter()
    out["covering"] = time_methods(covering_methods, points["alert"], keep=_fingerprint)
    log(f"{connection.vendor}: covering: {time.perf_counter() - started:.1f} s")
    if postgres:
        table = BenchHome._meta.db_table
        counts = {}
        for lat, lng in points["alert"][WARMUP : WARMUP + 5]:
            for index, n in _explain(lambda a=lat, b=lng: project_covering(a, b), table).items():
                counts[index] = counts.get(index, 0) + n
        out["explain"]["covering"] = counts
    out["loadavg"] = os.getloadavg()  # other work on the machine skews the timings
    out["server"] = server_settings()
    return out
