"""PostgreSQL timestamps parsed by psycopg's C loader instead of Django's Python one.

Django reads every ``timestamptz`` through a Python subclass of psycopg's loader (to
force its time zone), which was a fifth of the feed's time on PostgreSQL
(bench/README.md). When Django wants UTC and the connection is set to UTC, as it is
with USE_TZ and no per-database TIME_ZONE, the C loader gives the same values.
"""

from __future__ import annotations

import datetime

from psycopg import adapters
from psycopg.adapt import Loader
from psycopg.pq import Format
from psycopg.types.datetime import TimestamptzLoader as PythonTimestamptzLoader

TIMESTAMPTZ = adapters.types["timestamptz"].oid


class UtcTimestamptzLoader(Loader):
    """psycopg's C loader, with the ``timezone`` Django's cursors check for."""

    timezone = datetime.UTC

    def __init__(self, oid: int, context=None):
        super().__init__(oid, context)
        fast = adapters.get_loader(TIMESTAMPTZ, Format.TEXT)(oid, context)
        self.load = fast.load  # the C method itself: no Python call per value

    def load(self, data):  # replaced per instance in __init__
        raise NotImplementedError


def has_c_loader() -> bool:
    loader = adapters.get_loader(TIMESTAMPTZ, Format.TEXT)
    return loader is not None and loader is not PythonTimestamptzLoader


def use_c_timestamptz_loader(sender, connection, **kwargs) -> None:
    """connection_created receiver: swap the loader where it yields identical values."""
    if connection.vendor != "postgresql" or not has_c_loader():
        return
    if connection.timezone is not datetime.UTC:
        return
    if connection.connection.info.parameter_status("TimeZone") != "UTC":
        return
    connection.connection.adapters.register_loader("timestamptz", UtcTimestamptzLoader)
