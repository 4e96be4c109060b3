"""audit_verify reads the database's own values: they must give the text that was hashed."""

from __future__ import annotations

from datetime import UTC, datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from commonwatch.audit.chain import content, moment
from commonwatch.audit.models import AuditEntry
from commonwatch.audit.selectors import stored_data, stored_time, verify_chain
from commonwatch.audit.services import record

from .test_audit_trail import TABLE, broken_at, tampering

PARIS = ZoneInfo("Europe/Paris")
AWKWARD_DATA = [
    {},
    {"z": 1, "a": [1.5, None, True, False], "m": {"y": "", "b": -0.25}},
    {"text": 'ünïcode ✓ 🙂 "quoted" \\ back\nline \u2028 \t', "big": 10**20},
    {"ünï": 1, "Z": 2, "a": 3, "é": [[], {}]},
]
AWKWARD_TIMES = [
    datetime(2026, 5, 2, 20, 43, 8, tzinfo=UTC),  # no microseconds: stored without them
    datetime(2026, 5, 2, 22, 43, 8, 5, tzinfo=PARIS),
    datetime(999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
    datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
]


@pytest.mark.django_db
def test_awkward_data_and_times_verify():
    for at in AWKWARD_TIMES:
        for data in AWKWARD_DATA:
            with mock.patch("django.utils.timezone.now", return_value=at):
                record(actor=None, action="test.thing.done", data=data)

    assert verify_chain() == (len(AWKWARD_TIMES) * len(AWKWARD_DATA), None)


@pytest.mark.parametrize(
    ("text", "zone", "at"),
    [
        ("2026-05-02 20:43:08.000005", UTC, datetime(2026, 5, 2, 20, 43, 8, 5, tzinfo=UTC)),
        ("2026-05-02 20:43:08", UTC, datetime(2026, 5, 2, 20, 43, 8, tzinfo=UTC)),
        ("2026-05-02 20:43:08.5", PARIS, datetime(2026, 5, 2, 20, 43, 8, 500000, tzinfo=PARIS)),
        ("2026-05-02T20:43:08+02:00", UTC, datetime(2026, 5, 2, 18, 43, 8, tzinfo=UTC)),
    ],
)
def test_a_stored_time_reads_as_the_orm_reads_it(text, zone, at):
    assert stored_time(text, zone) == moment(at)


def test_a_stored_time_that_is_no_time_matches_no_entry():
    assert stored_time("2026-05-02 nonsense", UTC) == "2026-05-02 nonsense"


@pytest.mark.parametrize(
    "text",
    ['{"b": 1, "a": [1.5, null, true]}', ' {"a": 1} ', '"just text"', "not json", "{} x", None],
)
def test_stored_data_reads_as_the_orm_reads_it(text):
    orm_value = AuditEntry._meta.get_field("data").from_db_value(text, None, connection)

    assert stored_data(text) == content(orm_value)


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's BC dates")
def test_a_time_moved_to_the_same_digits_bc_is_named():
    record(actor=None, action="test.thing.done")
    record(actor=None, action="test.thing.done")
    with tampering() as cursor:
        cursor.execute(
            f"UPDATE {TABLE} SET at = (to_char(at AT TIME ZONE 'UTC', "
            "'YYYY-MM-DD HH24:MI:SS.US') || ' BC')::timestamp AT TIME ZONE 'UTC' "
            "WHERE sequence = 2"
        )

    assert "entry #2: its content or its place was changed" in broken_at()
