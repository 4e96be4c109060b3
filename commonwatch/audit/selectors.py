"""Reading the audit trail: checking the chain.

Checking reads every entry, so it reads them the cheap way: one query, rows in batches
straight from the cursor (server-side on PostgreSQL, so a long chain is never held in
memory whole), each row's time and data turned into the text they were hashed as from
the database's own values rather than the ORM's. That text is exactly what `moment`
and `content` give for the values the ORM reads (tests/test_verify_reads.py), at less
than half the cost: the ORM's way took 16-25 s for 1,000,000 entries (bench/README.md).
"""

from __future__ import annotations

import json
import json.scanner
import re
from contextlib import contextmanager
from datetime import UTC

from django.db import connections, transaction
from django.utils.dateparse import parse_datetime

from .chain import FIELDS, GENESIS, Break, content, first_break, moment
from .models import AuditEntry, AuditHead

BATCH = 10_000
# PostgreSQL writes the time as `moment` does, for the years a Python datetime holds;
# any other time (a BC year would print as the AD one) comes out NULL, which never matches.
PG_MOMENT = (
    "CASE WHEN {at} >= '0001-01-01 00:00:00+00' AND {at} < '10000-01-01 00:00:00+00' "
    """THEN to_char({at} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"') END"""
)
# How Django stores an aware datetime on SQLite with a UTC connection (str() of it in UTC).
_SQLITE_UTC_TIME = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}", re.ASCII).fullmatch
# json.loads' own C scanner, called straight: one JSON value filling the whole text.
_scan_json = json.scanner.make_scanner(json.JSONDecoder())


def stored_time(text: str, zone) -> str:
    """SQLite's text for an entry's time, as `moment` gives it for the value the ORM
    reads (parse_datetime, a naive value being in the connection's time zone)."""
    if zone is UTC and _SQLITE_UTC_TIME(text):
        return f"{text[:10]}T{text[11:]}+00:00"  # the same digits, without parsing them
    at = parse_datetime(text)
    if at is None:
        return text  # not a time (the ORM would fail): no entry was hashed with it
    if at.tzinfo is None:
        at = at.replace(tzinfo=zone)
    return moment(at)


def stored_data(text: str | None) -> str:
    """An entry's stored JSON as `content` gives it for the value JSONField reads
    (json.loads; NULL as None, text that is not JSON as that text)."""
    try:
        value, end = _scan_json(text, 0)
        if end == len(text):
            return content(value)
    except (StopIteration, TypeError, ValueError):
        pass  # NULL, white space around the value, or not JSON: json.loads decides
    if text is None:
        return content(None)
    try:
        return content(json.loads(text))
    except json.JSONDecodeError:
        return content(text)


def _reading(connection):
    """The query of every entry in chain order, and how its `at` and `data` become the
    text they were hashed as (first_break's time_text and data_text)."""
    quote = connection.ops.quote_name
    columns = [quote(name) for name in (*FIELDS, "previous_hash", "hash")]
    if connection.vendor == "postgresql":
        columns[1] = PG_MOMENT.format(at=columns[1])
        time_text = str  # the text already; "None" for a time out of range
    else:  # the stored text, not the sqlite3 module's converter to a naive datetime
        columns[1] = f"CAST({columns[1]} AS TEXT)"
        zone = connection.timezone

        def time_text(text):
            return stored_time(text, zone)

    table = quote(AuditEntry._meta.db_table)
    # Only the model's own column names, quoted: nothing from outside.
    sql = f"SELECT {', '.join(columns)} FROM {table} ORDER BY {quote('sequence')}"  # noqa: S608
    return sql, time_text, stored_data


def _rows(connection, sql: str):
    """The query's rows, in batches straight from the cursor."""
    server_side = connection.vendor == "postgresql" and not connection.settings_dict.get(
        "DISABLE_SERVER_SIDE_CURSORS"
    )
    with connection.chunked_cursor() if server_side else connection.cursor() as cursor:
        cursor.execute(sql)
        while rows := cursor.fetchmany(BATCH):
            yield from rows


@contextmanager
def _one_snapshot(connection):
    """PostgreSQL: one read-only repeatable-read transaction, so the head and the rows are
    read as of the same moment, and the server-side cursor streams (outside a transaction
    it would copy the whole result first). SQLite: none, so no writer waits for the read
    (the project's transactions start IMMEDIATE, taking the write lock)."""
    if connection.vendor != "postgresql":
        yield
        return
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=connection.alias):
        if outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def verify_chain(using: str = "default") -> tuple[int, Break | None]:
    """(how many entries were read, the first break or None when the chain is whole)."""
    connection = connections[using]
    sql, time_text, data_text = _reading(connection)
    with _one_snapshot(connection):
        head = AuditHead.objects.using(using).values_list("sequence", "hash").filter(pk=1).first()
        head = tuple(head or (0, GENESIS))
        rows = _rows(connection, sql)
        problem = first_break(rows, head=head, time_text=time_text, data_text=data_text)
    # A whole chain is the entries #1 to the head's sequence, each read once.
    return (head[0] if problem is None else problem.read), problem
