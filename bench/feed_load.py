"""Put the feed data into a bench database built by the project's own migrations.

The bench databases are separate from the geo bench's (cw_feed_bench on
PostgreSQL, feed-*.sqlite3): the project's migrations create every table with its
real indexes; users, homes and posts are then bulk loaded (COPY / executemany,
the same helpers as the geo bench, secondary indexes rebuilt afterwards), the
post tallies rebuilt with the project's rebuild_tallies, and on PostgreSQL a
PostGIS copy of the posts is made for the baselines.
"""

from __future__ import annotations

import time
from datetime import timedelta

import psycopg
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction

from commonwatch.accounts.models import Home, User
from commonwatch.community.models import Post
from commonwatch.community.services import rebuild_post_tallies
from commonwatch.notifications.models import Notification

from .data import END, Dataset
from .feed_data import CATEGORIES, STATUSES, FeedData
from .load import _copy_rows, _indexes_deferred, _is_postgres

PG_URL = "postgres://postgres@127.0.0.1:5432/cw_feed_bench"

POSTGIS_SQL = [
    "DROP TABLE IF EXISTS pg_post",
    f"""CREATE TABLE pg_post AS SELECT id, status, category, published_at,
        ST_SetSRID(ST_MakePoint(lng, lat), 4326)::geography AS geog
        FROM {Post._meta.db_table}""",
    "ALTER TABLE pg_post ADD PRIMARY KEY (id)",
    "CREATE INDEX pg_post_geog ON pg_post USING gist (geog) WHERE status = 'published'",
    "CREATE INDEX pg_post_published ON pg_post (published_at) WHERE status = 'published'",
]


def ensure_pg_database(url: str) -> None:
    """Create the PostgreSQL bench database (with PostGIS) if it does not exist yet."""
    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')
    with psycopg.connect(url, autocommit=True) as db:
        db.execute("CREATE EXTENSION IF NOT EXISTS postgis")


def _stamp(at):
    return at if _is_postgres() else connection.ops.adapt_datetimefield_value(at)


def _copy_model_rows(model, columns: list[str], rows) -> None:
    """Bulk load rows of a model; its other NOT NULL columns get their field's default,
    so a column the project adds later does not break the load (a text one without a
    default gets the empty text, as Django's own default for it is)."""
    missing = [
        field
        for field in model._meta.concrete_fields
        if field.column not in columns
        and not field.null
        and (field.has_default() or field.empty_strings_allowed)
    ]
    defaults = tuple(field.get_db_prep_save(field.get_default(), connection) for field in missing)
    columns = [*columns, *(field.column for field in missing)]
    _copy_rows(model._meta.db_table, columns, (tuple(row) + defaults for row in rows))


def _load_users(n: int, end) -> None:
    joined = _stamp(end - timedelta(days=120))
    columns = ["id", "password", "is_superuser", "first_name", "last_name", "is_staff"]
    columns += ["is_active", "date_joined", "email", "role"]
    columns += ["holds_staff_membership", "idle_sign_out", "needs_security_key"]
    rows = (
        (i, "!bench", False, "", "", False, True, joined, f"u{i}@bench.invalid", "resident")
        + (False, False, False)
        for i in range(1, n + 1)
    )
    with _indexes_deferred(User._meta.db_table):
        _copy_model_rows(User, columns, rows)


def _load_homes(feed: FeedData, end) -> None:
    updated = _stamp(end - timedelta(days=100))
    rows = zip(
        range(1, len(feed.home_lat) + 1),
        range(1, len(feed.home_lat) + 1),
        feed.home_lat.tolist(),
        feed.home_lng.tolist(),
        feed.home_cell.tolist(),
        feed.home_radius_m.tolist(),
        feed.home_radius_class.tolist(),
        strict=True,
    )
    columns = ["id", "user_id", "lat", "lng", "cell", "radius_m", "radius_class"]
    with _indexes_deferred(Home._meta.db_table):
        _copy_model_rows(Home, [*columns, "updated_at"], (r + (updated,) for r in rows))


def _load_posts(geo: Dataset, feed: FeedData, end) -> None:
    def rows():
        for i, (lat, lng, cell, age, status, category, author) in enumerate(
            zip(
                geo.point_lat.tolist(),
                geo.point_lng.tolist(),
                geo.point_cell.tolist(),
                geo.point_age_s.tolist(),
                feed.post_status.tolist(),
                feed.post_category.tolist(),
                feed.post_author.tolist(),
                strict=True,
            ),
            start=1,
        ):
            at = end - timedelta(seconds=age)
            status = STATUSES[status]
            # Published (and later deleted) posts were approved ~20 min after submission.
            published = _stamp(at) if status in ("published", "deleted") else None
            created = _stamp(at - timedelta(minutes=20))
            title = "" if status == "deleted" else f"{CATEGORIES[category]} report {i}"
            body = "" if status == "deleted" else "Seen on the corner this afternoon; stay alert."
            head = (i, author, CATEGORIES[category], title, body, status, "", 0, 0, False)
            yield (*head, created, published, _stamp(at), lat, lng, cell)

    columns = ["id", "author_id", "category", "title", "body", "status", "moderation_note"]
    columns += ["comment_count", "media_count", "author_left"]
    columns += ["created_at", "published_at", "updated_at", "lat", "lng", "cell"]
    with _indexes_deferred(Post._meta.db_table):
        _copy_model_rows(Post, columns, rows())


def _reset_sequences() -> None:
    if not _is_postgres():
        return
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [User, Home, Post]):
            cursor.execute(sql)


def stored_signature() -> str | None:
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS feed_signature (signature text NOT NULL)")
        cursor.execute("SELECT signature FROM feed_signature")
        row = cursor.fetchone()
    return row[0] if row else None


def ensure_loaded(
    geo: Dataset, feed: FeedData, signature: str, log=print, *, end=END, postgis: bool = True
) -> dict[str, float]:
    """Load once per signature; `end` is the newest post's time, `postgis` adds pg_post."""
    call_command("migrate", verbosity=0, interactive=False)
    if stored_signature() == signature:
        log(f"{connection.vendor}: {signature} already loaded")
        return {}
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM feed_signature")
        # Empty every table the project owns that holds bench rows (children first).
        for table in (Notification._meta.db_table, "django_session", "geo_celltally"):
            cursor.execute(f"DELETE FROM {table}")
        for model in (Post, Home, User):
            if _is_postgres():
                cursor.execute(f"TRUNCATE {model._meta.db_table} CASCADE")
            else:
                cursor.execute(f"DELETE FROM {model._meta.db_table}")
        if _is_postgres():
            # The rows are consistent by construction; skip the per-row FK triggers.
            cursor.execute("SET session_replication_role = replica")
    steps = [
        ("users", lambda: _load_users(len(feed.home_lat), end)),
        ("homes", lambda: _load_homes(feed, end)),
        ("posts", lambda: _load_posts(geo, feed, end)),
        ("sequences", _reset_sequences),
        ("tallies", rebuild_post_tallies),
    ]
    if postgis and _is_postgres():
        steps.append(("postgis", _build_postgis))
    timings = {}
    for name, step in steps:
        started = time.perf_counter()
        with transaction.atomic():
            step()
        timings[name] = time.perf_counter() - started
        log(f"{connection.vendor}: loaded {name} in {timings[name]:.1f} s")
    with connection.cursor() as cursor:
        if _is_postgres():
            cursor.execute("SET session_replication_role = origin")
        cursor.execute("INSERT INTO feed_signature (signature) VALUES (%s)", [signature])
        cursor.execute("VACUUM ANALYZE" if _is_postgres() else "ANALYZE")
    return timings


def _build_postgis() -> None:
    with connection.cursor() as cursor:
        for sql in POSTGIS_SQL:
            cursor.execute(sql)
