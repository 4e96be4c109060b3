"""Put a Dataset into the bench tables of the current database (and PostGIS copies on PostgreSQL).

Loading is skipped when the tables already hold this dataset (signature row), so
re-runs only pay for the queries. Secondary indexes are dropped during the load
and rebuilt after it, the way a bulk import would do it.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from datetime import timedelta

from django.db import connection, transaction

from commonwatch.geo.models import CellTally
from commonwatch.geo.selectors import RADIUS_CLASS_LIMITS_M
from commonwatch.geo.services import rebuild_tallies

from .data import END, Dataset
from .geobench.models import BenchHome, BenchPoint

LAYER = "bench"
BATCH = 50_000


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


def _ensure_tables() -> None:
    existing = set(connection.introspection.table_names())
    with connection.schema_editor() as editor:
        for model in (CellTally, BenchPoint, BenchHome):
            if model._meta.db_table not in existing:
                editor.create_model(model)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_signature (signature text NOT NULL)")


def _stored_signature() -> str | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT signature FROM bench_signature")
        row = cursor.fetchone()
    return row[0] if row else None


def _secondary_indexes(table: str) -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        if _is_postgres():
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname "
                "NOT IN (SELECT conname FROM pg_constraint)",
                [table],
            )
        else:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                "AND sql IS NOT NULL",
                [table],
            )
        return cursor.fetchall()


@contextmanager
def _indexes_deferred(table: str):
    indexes = _secondary_indexes(table)
    with connection.cursor() as cursor:
        for name, _sql in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    yield
    with connection.cursor() as cursor:
        for _name, sql in indexes:
            cursor.execute(sql)


def _created_at_values(data: Dataset) -> list:
    """created_at as the database adapter would store it (text on SQLite, timestamptz on PG)."""
    stamps = [END - timedelta(seconds=age) for age in data.point_age_s.tolist()]
    if _is_postgres():
        return stamps
    return [connection.ops.adapt_datetimefield_value(at) for at in stamps]


def _copy_rows(table: str, columns: list[str], rows) -> None:
    """COPY on PostgreSQL, executemany in batches on SQLite."""
    if _is_postgres():
        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with connection.connection.cursor() as cursor, cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
        return
    placeholders = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"
    with connection.cursor() as cursor:
        batch = []
        for row in rows:
            batch.append(row)
            if len(batch) == BATCH:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def _load_points(data: Dataset) -> None:
    table = BenchPoint._meta.db_table
    rows = zip(
        range(1, len(data.point_lat) + 1),
        data.point_lat.tolist(),
        data.point_lng.tolist(),
        data.point_cell.tolist(),
        _created_at_values(data),
        strict=True,
    )
    with _indexes_deferred(table):
        _copy_rows(table, ["id", "lat", "lng", "cell", "created_at"], rows)


def _load_homes(data: Dataset) -> None:
    table = BenchHome._meta.db_table
    rows = zip(
        range(1, len(data.home_lat) + 1),
        data.home_lat.tolist(),
        data.home_lng.tolist(),
        data.home_cell.tolist(),
        data.home_radius_m.tolist(),
        data.home_radius_class.tolist(),
        strict=True,
    )
    with _indexes_deferred(table):
        _copy_rows(table, ["id", "lat", "lng", "cell", "radius_m", "radius_class"], rows)


# PostGIS copies of the same rows, with the indexes the baselines need.
POSTGIS_SQL = [
    "DROP TABLE IF EXISTS pg_point, pg_home",
    f"""CREATE TABLE pg_point AS SELECT id, created_at,
        ST_SetSRID(ST_MakePoint(lng, lat), 4326)::geography AS geog
        FROM {BenchPoint._meta.db_table}""",
    "ALTER TABLE pg_point ADD PRIMARY KEY (id)",
    "CREATE INDEX pg_point_geog ON pg_point USING gist (geog)",
    "CREATE INDEX pg_point_created ON pg_point (created_at)",
    # bbox: a box in degrees that surely contains the alert circle (1% margin).
    f"""CREATE TABLE pg_home AS SELECT id, radius_m, radius_class,
        ST_SetSRID(ST_MakePoint(lng, lat), 4326)::geography AS geog,
        ST_Expand(
            ST_SetSRID(ST_MakePoint(lng, lat), 4326),
            1.01 * degrees(radius_m / 6371008.8)
                / cos(radians(abs(lat) + 1.01 * degrees(radius_m / 6371008.8))),
            1.01 * degrees(radius_m / 6371008.8)
        ) AS bbox
        FROM {BenchHome._meta.db_table}""",
    "ALTER TABLE pg_home ADD PRIMARY KEY (id)",
    "CREATE INDEX pg_home_bbox ON pg_home USING gist (bbox)",
    *(
        f"CREATE INDEX pg_home_geog_{c} ON pg_home USING gist (geog) WHERE radius_class = {c}"
        for c in range(len(RADIUS_CLASS_LIMITS_M))
    ),
]


def _build_postgis() -> None:
    with connection.cursor() as cursor:
        for sql in POSTGIS_SQL:
            cursor.execute(sql)


def ensure_loaded(data: Dataset, log=print) -> dict[str, float]:
    """Load the dataset unless already there; returns the seconds each step took."""
    _ensure_tables()
    if _stored_signature() == data.signature:
        log(f"{connection.vendor}: {data.signature} already loaded")
        return {}
    timings = {}
    steps = [
        ("points", _load_points),
        ("homes", _load_homes),
        (
            "tallies",
            lambda _data: rebuild_tallies(
                layer=LAYER, queryset=BenchPoint.objects.all(), time_field="created_at"
            ),
        ),
    ]
    if _is_postgres():
        steps.append(("postgis", lambda _data: _build_postgis()))
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM bench_signature")
        for model in (BenchPoint, BenchHome):
            empty = "TRUNCATE" if _is_postgres() else "DELETE FROM"
            cursor.execute(f"{empty} {model._meta.db_table}")
    for name, step in steps:
        started = time.perf_counter()
        with transaction.atomic():
            step(data)
        timings[name] = time.perf_counter() - started
        log(f"{connection.vendor}: loaded {name} in {timings[name]:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_signature (signature) VALUES (%s)", [data.signature])
        # VACUUM also sets the visibility map, so PostgreSQL can use index-only scans.
        cursor.execute("VACUUM ANALYZE" if _is_postgres() else "ANALYZE")
    return timings
