"""Who is near what: exact radius, covering-circle and polygon queries over H3 cells.

Every function takes a queryset of a LocatedModel, narrows it with an indexed
``cell IN (...)`` lookup, then keeps only rows that pass the exact test, so the
answer is the same on SQLite and PostgreSQL and never approximate.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta

from django.db.models import BooleanField, Case, F, QuerySet, Value, When
from django.utils import timezone
from h3.api import basic_int as h3
from shapely.geometry import Point, Polygon
from shapely.prepared import prep

from .cells import INDEX_RESOLUTION, cells_covering_circle
from .distance import haversine_m, haversine_sql, miles_to_m
from .models import CellTally
from .shapes import cells_overlapping

CELL_BATCH = 500
# Alert circles are bucketed by size so each bucket is queried with its own cell set.
RADIUS_CLASS_LIMITS_M = (
    miles_to_m(0.5),
    miles_to_m(1),
    miles_to_m(2),
    miles_to_m(3),
    miles_to_m(5),
)
WINDOW_WIDENING = 4
# SQL and Python may round a distance differently in the last bits; rows this close
# to a circle's edge are re-checked in Python.
EDGE_M = 0.01
MAX_WIDENINGS = 5


def radius_class_of(radius_m: float) -> int:
    for index, limit in enumerate(RADIUS_CLASS_LIMITS_M):
        if radius_m <= limit + 1e-6:
            return index
    raise ValueError(f"radius {radius_m} m is larger than the largest alert radius")


def _batched(values: Sequence[int], size: int = CELL_BATCH) -> Iterator[Sequence[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def within_radius(queryset: QuerySet, lat: float, lng: float, radius_m: float) -> Iterator:
    """Every object of the queryset whose point is within radius_m of (lat, lng)."""
    cells = cells_covering_circle(lat, lng, radius_m)
    for batch in _batched(cells):
        for obj in queryset.filter(cell__in=batch).iterator(chunk_size=2000):
            if haversine_m(lat, lng, obj.lat, obj.lng) <= radius_m:
                yield obj


def newest_within(
    queryset: QuerySet,
    lat: float,
    lng: float,
    radius_m: float,
    *,
    layer: str,
    limit: int = 50,
    time_field: str = "created_at",
    now: datetime | None = None,
) -> list:
    """The `limit` newest objects within radius_m, newest first (ties by id).

    Reads only a time window expected to hold ~2×limit rows (from the layer's
    cell tallies) and widens it ×4 until enough rows pass the exact test; the
    last round has no window, so stale tallies cost time, never correctness.
    """
    cells = cells_covering_circle(lat, lng, radius_m)
    now = now or timezone.now()
    window = _initial_window(layer, cells, radius_m, limit, now, queryset.db)
    for _round in range(MAX_WIDENINGS + 1):
        cutoff = now - window if window is not None else None
        rows = _rows_in_circle(queryset, cells, lat, lng, radius_m, time_field, cutoff)
        if len(rows) >= limit or cutoff is None:
            break
        window = window * WINDOW_WIDENING if _round < MAX_WIDENINGS - 1 else None
    rows.sort(key=lambda obj: (getattr(obj, time_field), obj.pk), reverse=True)
    return rows[:limit]


def _rows_in_circle(queryset, cells, lat, lng, radius_m, time_field, cutoff) -> list:
    """Whole objects in the window (about 2×limit of them), so no second query is needed."""
    rows = []
    near = haversine_sql(lat, lng, queryset.model._meta.db_table)
    for batch in _batched(cells):
        # The database drops the covering cells' corners outside the circle.
        subset = queryset.filter(cell__in=batch).alias(_distance=near)
        subset = subset.filter(_distance__lte=radius_m + EDGE_M)
        if cutoff is not None:
            subset = subset.filter(**{f"{time_field}__gte": cutoff})
        rows += [obj for obj in subset if haversine_m(lat, lng, obj.lat, obj.lng) <= radius_m]
    return rows


def _initial_window(layer, cells, radius_m, limit, now, db) -> timedelta | None:
    """A window expected to hold about 2×limit matches, or None to read everything."""
    per_second, total = 0.0, 0
    for count, first_at in _tallies(db, layer, cells):
        # Rate since the cell's first point: a cell with two old posts is quiet, not busy.
        span = max((now - first_at).total_seconds(), 3600.0)
        per_second += count / span
        total += count
    if total <= 2 * limit:
        return None  # so few points that reading them all is the cheapest exact answer
    cell_area = h3.average_hexagon_area(INDEX_RESOLUTION, "m^2")
    share_in_circle = min(1.0, math.pi * radius_m**2 / (len(cells) * cell_area))
    seconds = 2 * limit / (per_second * share_in_circle)
    return timedelta(seconds=max(seconds, 60.0))


# Per-process copy of recent tallies: rates change slowly, and a stale rate only
# costs a widening round, never a wrong answer.
TALLY_CACHE_SECONDS = 300
_tally_cache: dict[tuple[str, str, int], tuple[float, int, datetime | None]] = {}


def _tallies(db: str, layer: str, cells: Sequence[int]) -> list[tuple[int, datetime]]:
    """(count, first_at) of each cell that has points, read through the tally cache."""
    now = time.monotonic()
    missing = [
        c
        for c in cells
        if now - _tally_cache.get((db, layer, c), (-TALLY_CACHE_SECONDS, 0, None))[0]
        >= TALLY_CACHE_SECONDS
    ]
    if missing:
        found = dict.fromkeys(missing, (0, None))
        rows = CellTally.objects.using(db).filter(layer=layer, cell__in=missing)
        found.update(
            {cell: (n, first) for cell, n, first in rows.values_list("cell", "count", "first_at")}
        )
        for cell, (n, first) in found.items():
            _tally_cache[(db, layer, cell)] = (now, n, first)
    entries = (_tally_cache[(db, layer, c)] for c in cells)
    return [(n, first) for _at, n, first in entries if n]


def circles_covering(
    queryset: QuerySet,
    lat: float,
    lng: float,
    *,
    radius_field: str = "radius_m",
    class_field: str = "radius_class",
    id_field: str = "pk",
) -> Iterator[int]:
    """Ids (or id_field values) of objects whose own circle covers (lat, lng).

    The database computes each distance and returns only ids (plus a flag for the
    rare circles whose edge is within EDGE_M of the point, which haversine_m then
    decides), so the cost is one narrow row per home reached.
    """
    distance = haversine_sql(lat, lng, queryset.model._meta.db_table)
    on_edge = Case(
        When(_distance__gt=F(radius_field) - EDGE_M, then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )
    for radius_class, class_limit in enumerate(RADIUS_CLASS_LIMITS_M):
        cells = cells_covering_circle(lat, lng, class_limit)
        for batch in _batched(cells):
            rows = (
                queryset.filter(**{class_field: radius_class}, cell__in=batch)
                .alias(_distance=distance)
                .filter(_distance__lte=F(radius_field) + EDGE_M)
                .values_list(id_field, on_edge)
            )
            edge_ids = []
            for pk, near_edge in rows:
                if near_edge:
                    edge_ids.append(pk)
                else:
                    yield pk
            yield from _decide_edges(queryset, lat, lng, edge_ids, radius_field, id_field)


def _decide_edges(queryset, lat, lng, ids, radius_field, id_field) -> Iterator[int]:
    """haversine_m has the last word on circles whose edge is within EDGE_M of the point."""
    if not ids:
        return
    rows = queryset.filter(**{f"{id_field}__in": ids}).values_list(
        id_field, "lat", "lng", radius_field
    )
    for pk, plat, plng, radius in rows:
        if haversine_m(lat, lng, plat, plng) <= radius:
            yield pk


def inside_polygon(queryset: QuerySet, polygon: Polygon) -> Iterator:
    """Every object of the queryset whose point lies inside (or on) the polygon."""
    cells = cells_overlapping(polygon)
    area = prep(polygon)
    for batch in _batched(cells):
        for obj in queryset.filter(cell__in=batch).iterator(chunk_size=2000):
            if area.covers(Point(obj.lng, obj.lat)):
                yield obj
