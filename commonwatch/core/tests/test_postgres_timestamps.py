"""PostgreSQL timestamps come back through psycopg's C loader with Django's exact values."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.db import connection

from commonwatch.core.postgres import UtcTimestamptzLoader, use_c_timestamptz_loader

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's timestamp loader"
)


@postgres_only
@pytest.mark.django_db
def test_every_connection_reads_timestamps_with_the_c_loader():
    connection.ensure_connection()
    assert connection.connection.adapters.get_loader(1184, 0) is UtcTimestamptzLoader


UTC = datetime.UTC


@postgres_only
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-01-01 10:00:00.123456+02", datetime.datetime(2026, 1, 1, 8, 0, 0, 123456, UTC)),
        ("1999-12-31 23:59:59-08", datetime.datetime(2000, 1, 1, 7, 59, 59, tzinfo=UTC)),
        ("2026-06-01 00:00:00+00", datetime.datetime(2026, 6, 1, tzinfo=UTC)),
    ],
)
def test_timestamps_read_the_same_as_with_djangos_loader(text, expected):
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::timestamptz, NULL::timestamptz", [text])
        value, missing = cursor.fetchone()
    assert value == expected
    assert value.tzinfo is UTC
    assert missing is None


def test_the_c_loader_is_left_out_where_it_would_change_values():
    """A database with its own TIME_ZONE gets Django's loader, which applies that zone."""
    registered = []
    adapters = SimpleNamespace(register_loader=lambda *args: registered.append(args))
    other_zone = SimpleNamespace(
        vendor="postgresql",
        timezone=datetime.timezone(datetime.timedelta(hours=2)),
        connection=SimpleNamespace(adapters=adapters),
    )
    use_c_timestamptz_loader(sender=None, connection=other_zone)
    use_c_timestamptz_loader(sender=None, connection=SimpleNamespace(vendor="sqlite"))
    assert registered == []
