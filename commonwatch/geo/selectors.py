"""Who is near what: exact radius, covering-circle and polygon queries over H3 cells.

Every function takes a queryset of a LocatedModel, narrows it with an indexed
``cell IN (...)`` lookup, then keeps only rows that pass the exact test, so the
answer is the same on SQLite and PostgreSQL and never approximate.
"""

from __future__ import annotations

import inspect
import math
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timedelta

import numpy as np
from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connections
from django.db.models import Count, F, Model, QuerySet
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init
from django.db.models.sql import Query
from django.utils import timezone
from h3.api import basic_int as h3
from shapely.geometry import Point, Polygon
from shapely.prepared import prep

from commonwatch.core.prepared import prepared_cursor

from .cells import INDEX_RESOLUTION, cell_at, cell_reach, cells_covering_circle
from .distance import haversine_m, haversine_m_array, haversine_sql, miles_to_m
from .models import CellTally, PlaceLabel
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
EDGE_SPARE_ROWS = 4


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


def count_by_cell(
    queryset: QuerySet, lat: float, lng: float, radius_m: float, *, resolution: int
) -> dict[int, int]:
    """How many objects within radius_m fall in each cell of a resolution.

    Cells wholly inside the circle are counted by the database per cell. In cells the
    edge crosses, the database groups by point (few: PrivatelyLocatedModel's points are
    ~100 m cell centres) and each point passes the exact circle test. Counts then add up
    to the asked resolution: parents of the indexed cell, or finer cells of the points.
    """
    inside, edge = [], []
    for cell in cells_covering_circle(lat, lng, radius_m):
        centre_lat, centre_lng, reach = cell_reach(cell)
        whole = haversine_m(lat, lng, centre_lat, centre_lng) + reach <= radius_m
        (inside if whole and resolution <= INDEX_RESOLUTION else edge).append(cell)
    counts: dict[int, int] = defaultdict(int)
    rows = queryset.order_by()
    for batch in _batched(inside):
        for cell, n in rows.filter(cell__in=batch).values_list("cell").annotate(n=Count("*")):
            counts[cell_at(cell, 0, 0, resolution)] += n
    for batch in _batched(edge):
        points = rows.filter(cell__in=batch).values_list("cell", "lat", "lng")
        found = list(points.annotate(n=Count("*")))
        if not found:
            continue
        cells, lats, lngs, ns = zip(*found, strict=True)
        distances = haversine_m_array(lat, lng, np.array(lats), np.array(lngs))
        for distance, cell, point_lat, point_lng, n in zip(
            distances, cells, lats, lngs, ns, strict=True
        ):
            if distance > radius_m + EDGE_M:
                continue
            # Near the edge the array's rounding may differ: decide as the feed does.
            if (
                distance < radius_m - EDGE_M
                or haversine_m(lat, lng, point_lat, point_lng) <= radius_m
            ):
                counts[cell_at(cell, point_lat, point_lng, resolution)] += n
    return dict(counts)


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
    The database sorts and cuts the window, so only about `limit` rows reach Python.
    """
    cells = cells_covering_circle(lat, lng, radius_m)
    now = now or timezone.now()
    search = NearbySearch(queryset, time_field, lat, lng, radius_m)
    for window in time_windows(layer, cells, radius_m, limit, now, queryset.db):
        cutoff = now - window if window is not None else None
        rows = []
        for batch in _batched(cells):
            rows += search.newest(batch, cutoff, limit)
        if len(rows) >= limit:
            break
    rows.sort(key=lambda obj: (getattr(obj, time_field), obj.pk), reverse=True)
    return rows[:limit]


def time_windows(layer, cells, radius_m, limit, now, db) -> Iterator[timedelta | None]:
    """The windows newest_within tries in turn, ending with None (no window: exact).

    Starts from the tallies' estimate and widens ×4, but goes straight to None once
    a window would reach back past the cells' oldest tallied point: a wider window
    would only return the same rows again.
    """
    window, oldest = _initial_window(layer, cells, radius_m, limit, now, db)
    for _round in range(MAX_WIDENINGS):
        if window is None or now - window <= oldest:
            break
        yield window
        window = window * WINDOW_WIDENING
    yield None


class WholeRows:
    """How every plain queryset of one model reads on one connection: the same column
    list, table and converters; only the WHERE differs from one queryset to the next.

    Compiling just the WHERE (~12 µs) instead of the whole query each time (~100 µs for
    a post's 21 columns and their converters) is most of what NearbySearch costs a feed
    request. The text is Django's own: the first queryset is compiled in full, and
    test_selectors checks the two ways give the same SQL and parameters.
    """

    def __init__(self, model, connection):
        every_row = Query(model)  # no manager's filters, no default ordering
        every_row.clear_ordering(force=True)
        self.compiler = every_row.get_compiler(connection=connection)
        self.select_from, _params = self.compiler.as_sql()  # no WHERE: all rows
        # A plain queryset selects every concrete field, in the model's order.
        self.converters = self.compiler.get_converters([col for col, _, _ in self.compiler.select])
        self.field_names = [field.attname for field in model._meta.concrete_fields]
        self.model, self.loads_plainly = model, _loads_plainly(model)

    def instances(self, db: str, rows: list[tuple]) -> list:
        """The rows as model instances, as Model.from_db makes them.

        A model whose loading nothing hooks into (no __init__, __setattr__ or from_db of its
        own, no init signal, no field that handles its own assignment) gets each row's values
        written straight into a new instance, at a quarter of from_db's cost: 8% of a feed
        request's instructions (bench/README.md).
        """
        if not self.loads_plainly or _init_signalled(self.model):
            return [self.model.from_db(db, self.field_names, row) for row in rows]
        model, names, made = self.model, self.field_names, []
        for row in rows:
            instance = model.__new__(model)
            instance.__dict__.update(zip(names, row, strict=True))
            instance._state = state = ModelState()
            state.adding, state.db = False, db
            made.append(instance)
        return made

    def select(self, query) -> tuple[str, tuple]:
        """The query's SQL and parameters, as its own compiler writes them."""
        try:
            where, params = query.get_compiler(connection=self.compiler.connection).compile(
                query.where
            )
        except EmptyResultSet:
            where, params = "0 = 1", ()  # as Django writes a query that matches nothing
        except FullResultSet:
            where, params = "", ()
        return (f"{self.select_from} WHERE {where}" if where else self.select_from), tuple(params)


def _loads_plainly(model) -> bool:
    """Whether Model.from_db would only store each value on a new instance (but for the
    init signals, which may be connected later: _init_signalled)."""
    hooked = (
        model.__init__ is not Model.__init__
        or model.__setattr__ is not Model.__setattr__
        or model.from_db.__func__ is not Model.from_db.__func__
    )
    assigned = any(
        type(inspect.getattr_static(model, field.attname, None)) not in _PLAIN_ATTRIBUTES
        for field in model._meta.concrete_fields
    )
    return not (hooked or assigned)


def _init_signalled(model) -> bool:
    return pre_init.has_listeners(model) or post_init.has_listeners(model)


# What Django puts on a model class for a plain column and for a foreign key's id: the
# first has no __set__, the second's only clears a cached related object (none yet).
_PLAIN_ATTRIBUTES = (DeferredAttribute, ForeignKeyDeferredAttribute)


def whole_rows(model, connection) -> WholeRows:
    """Kept on the connection object itself (each thread has its own): converters bound
    to one are never called with another, and they go together."""
    per_model = vars(connection).setdefault("commonwatch_whole_rows", {})
    if model not in per_model:
        per_model[model] = WholeRows(model, connection)
    return per_model[model]


def _is_plain(query) -> bool:
    """Whether a query selects whole rows of one table, as NearbySearch's wrapping needs.

    Any join is refused: one across a multi-valued relation (a post's comments) repeats
    a row once per match, and the newest-N would count it several times.
    """
    joined = [alias for alias, count in query.alias_refcount.items() if count]
    return len(joined) <= 1 and not (
        query.extra_tables
        or query.select_related
        or query.annotations
        or query.is_sliced
        or query.distinct
        or query.values_select
        or query.extra
        or query.combinator
        or query.deferred_loading != (frozenset(), True)
    )


class NearbySearch:
    """The newest rows of a queryset in some cells and within a circle, as raw SQL.

    The queryset is compiled once, for its own database, and wrapped as a subquery,
    which both databases flatten back onto the table's (cell, time) index. Building
    and compiling the ORM expression for every window and cell batch cost more than
    the query itself (bench/README.md). Rows are read with one fetchall and become
    model instances through the compiler's own converters and WholeRows.instances, as
    QuerySet.raw would make them without its per-statement column matching.
    """

    ALIAS = "nearby"

    def __init__(self, queryset: QuerySet, time_field: str, lat: float, lng: float, radius_m):
        if not _is_plain(queryset.query):
            raise ValueError(
                "newest_within needs a plain queryset of one table: no joins (filter "
                "through pk__in instead), annotations, slices, distinct, values() or "
                "deferred fields"
            )
        self.queryset, self.lat, self.lng, self.radius_m = queryset, lat, lng, radius_m
        self.connection = connections[queryset.db]
        quote = self.connection.ops.quote_name
        opts = queryset.model._meta
        self.time_column = f"{quote(self.ALIAS)}.{quote(opts.get_field(time_field).column)}"
        self.pk_column = f"{quote(self.ALIAS)}.{quote(opts.pk.column)}"
        self.cell_column = f"{quote(self.ALIAS)}.{quote('cell')}"
        self.rows = whole_rows(queryset.model, self.connection)
        self.inner_sql, self.inner_params = self.rows.select(queryset.query)
        self.distance = haversine_sql(lat, lng, self.ALIAS)

    def newest(self, cells: Sequence[int], cutoff: datetime | None, limit: int) -> list:
        """The first `limit` rows, newest first, that pass haversine_m.

        SQL may keep a row up to EDGE_M outside the circle, so a few spare rows are
        read; if more than that many fail (never seen), the whole set is read.
        """
        wanted = limit + EDGE_SPARE_ROWS
        fetched = self._rows(cells, cutoff, wanted)
        exact = [obj for obj in fetched if self._inside(obj)]
        if len(exact) < limit and len(fetched) == wanted:
            exact = [obj for obj in self._rows(cells, cutoff, None) if self._inside(obj)]
        return exact[:limit]

    def _inside(self, obj) -> bool:
        return haversine_m(self.lat, self.lng, obj.lat, obj.lng) <= self.radius_m

    def _rows(self, cells, cutoff, limit) -> list:
        conditions, params = [self._in_cells(cells)], list(self._cell_params(cells))
        conditions.append(f"{self.distance.sql} <= %s")
        params += [*self.distance.params, self.radius_m + EDGE_M]
        if cutoff is not None:
            conditions.append(f"{self.time_column} >= %s")
            params.append(cutoff)
        # Names come from the model and every value is a parameter.
        where, order = " AND ".join(conditions), f"{self.time_column} DESC, {self.pk_column} DESC"
        sql = f"SELECT * FROM ({self.inner_sql}) {self.ALIAS} WHERE {where} ORDER BY {order}"  # noqa: S608
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        with prepared_cursor(self.connection) as cursor:
            cursor.execute(sql, (*self.inner_params, *params))
            rows = cursor.fetchall()
        if self.rows.converters:
            rows = self.rows.compiler.apply_converters(rows, self.rows.converters)
        return self.rows.instances(self.queryset.db, rows)

    def _in_cells(self, cells) -> str:
        if self.connection.vendor == "postgresql":
            # One array parameter keeps the statement's text the same for every circle,
            # so psycopg parses it once (it re-parses long texts, ~130 placeholders, each time).
            return f"{self.cell_column} = ANY(%s)"
        return f"{self.cell_column} IN ({', '.join(['%s'] * len(cells))})"

    def _cell_params(self, cells) -> tuple:
        return (list(cells),) if self.connection.vendor == "postgresql" else tuple(cells)


def _initial_window(layer, cells, radius_m, limit, now, db) -> tuple[timedelta | None, datetime]:
    """A window expected to hold about 2×limit matches (or None to read everything),
    and the oldest tallied point of the cells."""
    per_second, total, oldest, newest = 0.0, 0, now, None
    for count, first_at, last_at in _tallies(db, layer, cells):
        # Rate since the cell's first point: a cell with two old posts is quiet, not busy.
        span = max((now - first_at).total_seconds(), 3600.0)
        per_second += count / span
        total += count
        oldest = min(oldest, first_at)
        newest = last_at if newest is None else max(newest, last_at)
    if total <= 2 * limit:
        return None, oldest  # so few points that reading them all is the cheapest answer
    cell_area = h3.average_hexagon_area(INDEX_RESOLUTION, "m^2")
    share_in_circle = min(1.0, math.pi * radius_m**2 / (len(cells) * cell_area))
    seconds = 2 * limit / (per_second * share_in_circle)
    # A neighborhood quiet since its newest point (overnight, a rural one for days): the
    # window reaches back over that silence too, instead of widening after finding it empty.
    silence = max((now - newest).total_seconds(), 0.0)
    return timedelta(seconds=max(seconds, 60.0) + silence), oldest


# Per-process copy of each layer's tallies (one small row per cell that has points,
# ~4,000 for a metro), reloaded hourly: a cell's rate moves over days, a stale rate
# only costs a widening round, never a wrong answer, and each reload (~20 ms) delays
# the request that triggers it. A layer with more cells than TALLY_CACHE_CELLS (~150 B
# each) is not copied: its circles read their own cells' tallies from the database.
TALLY_CACHE_SECONDS = 3600
TALLY_CACHE_CELLS = 100_000
_tally_cache: dict[
    tuple[str, str], tuple[float, dict[int, tuple[int, datetime, datetime]] | None]
] = {}


def forget_tallies() -> None:
    """Drop this process's copy of every layer's tallies (after a rebuild)."""
    _tally_cache.clear()


def _tallies(db: str, layer: str, cells: Sequence[int]) -> list[tuple[int, datetime, datetime]]:
    """(count, first_at, last_at) of each of the cells that has points."""
    now = time.monotonic()
    loaded_at, by_cell = _tally_cache.get((db, layer), (-TALLY_CACHE_SECONDS, {}))
    if now - loaded_at >= TALLY_CACHE_SECONDS:
        rows = CellTally.objects.using(db).filter(layer=layer, count__gt=0)
        copied = rows.values_list("cell", "count", "first_at", "last_at")[: TALLY_CACHE_CELLS + 1]
        by_cell = {cell: (n, first, last) for cell, n, first, last in copied}
        if len(by_cell) > TALLY_CACHE_CELLS:
            by_cell = None  # too many to keep: each circle reads its own
        _tally_cache[(db, layer)] = (now, by_cell)
    if by_cell is None:
        rows = CellTally.objects.using(db).filter(layer=layer, count__gt=0, cell__in=cells)
        return list(rows.values_list("count", "first_at", "last_at"))
    return [by_cell[cell] for cell in cells if cell in by_cell]


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

    The database computes each distance and returns ids with their distance to the
    circle's edge; haversine_m decides the rare circles whose edge is within EDGE_M
    of the point. Models index every column read here, so the table is not touched.
    """
    distance = haversine_sql(lat, lng, queryset.model._meta.db_table)
    for radius_class, class_limit in enumerate(RADIUS_CLASS_LIMITS_M):
        cells = cells_covering_circle(lat, lng, class_limit)
        for batch in _batched(cells):
            rows = (
                queryset.filter(**{class_field: radius_class}, cell__in=batch)
                .alias(_distance=distance)
                .filter(_distance__lte=F(radius_field) + EDGE_M)
                .annotate(_margin=F("_distance") - F(radius_field))
                .values_list(id_field, "_margin")
            )
            found = _fetch_all(rows)
            yield from [pk for pk, margin in found if margin <= -EDGE_M]
            edge_ids = [pk for pk, margin in found if margin > -EDGE_M]
            yield from _decide_edges(queryset, lat, lng, edge_ids, radius_field, id_field)


def _fetch_all(rows: QuerySet) -> list[tuple]:
    """All rows of a values_list of ids and distances, straight from the cursor.

    Ids and floats need none of the ORM's per-row work; skipping it took ~10% off
    finding the ~12,000 homes around a post (bench/README.md).
    """
    sql, params = rows.query.get_compiler(using=rows.db).as_sql()
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


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


# Per-process copy of place names (and of "no name yet"), so a page of cards usually
# asks the database nothing for them: a cell's name is fixed once the background task
# finds it (label_place, which forgets its cell in its own process only). "No name yet"
# is kept briefly: the task worker names a newly published post's cell within seconds,
# and the app servers must show it then, not minutes later. It is a name for a public
# ~100 m cell, the same for everyone: nothing private is kept. Bounded: past
# PLACE_LABEL_CELLS entries (~200 B each) the copy starts again.
PLACE_LABEL_SECONDS = 600
PLACE_UNNAMED_SECONDS = 10
PLACE_LABEL_CELLS = 50_000
_label_cache: dict[int, tuple[float, str]] = {}


def forget_place_labels(*cells: int) -> None:
    """Drop this process's copy of these cells' names (of every cell, given none)."""
    if not cells:
        _label_cache.clear()
    for cell in cells:
        _label_cache.pop(cell, None)


def place_labels(cells: Iterable[int]) -> dict[int, str]:
    """The known place names of these public cells (geo.places.place_cell), at most one
    query; cells without a name yet are left out."""
    now = time.monotonic()
    known, missing = {}, []
    for cell in set(cells):
        fetched_at, label = _label_cache.get(cell, (-math.inf, ""))
        if now - fetched_at < (PLACE_LABEL_SECONDS if label else PLACE_UNNAMED_SECONDS):
            known[cell] = label
        else:
            missing.append(cell)
    if missing:
        found = dict(PlaceLabel.objects.filter(cell__in=missing).values_list("cell", "label"))
        if len(_label_cache) + len(missing) > PLACE_LABEL_CELLS:
            _label_cache.clear()
        for cell in missing:
            known[cell] = found.get(cell, "")
            _label_cache[cell] = (now, known[cell])
    return {cell: label for cell, label in known.items() if label}
