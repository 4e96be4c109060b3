"""The audit trail is append-only and hash-chained: tampering is named, not hidden."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from commonwatch.audit.models import AuditEntry, AuditHead
from commonwatch.audit.selectors import verify_chain
from commonwatch.audit.services import record
from commonwatch.core.tests.concurrency import at_once

pytestmark = pytest.mark.django_db
TABLE = AuditEntry._meta.db_table


def entries(count: int, actor=None) -> list[AuditEntry]:
    return [
        record(actor=actor, action="test.thing.done", data={"n": n, "note": "ünïcode"})
        for n in range(count)
    ]


@contextmanager
def tampering():
    """An attacker with the database: on PostgreSQL they must first disable the trigger."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER audit_entry_append_only")
        try:
            yield cursor
        finally:
            if connection.vendor == "postgresql":
                cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER audit_entry_append_only")


def broken_at() -> str:
    with pytest.raises(CommandError) as broken:
        call_command("audit_verify")
    return str(broken.value)


def test_entries_chain_and_the_whole_chain_verifies(capsys, resident):
    written = entries(5, actor=resident)

    call_command("audit_verify")

    assert "The audit chain is whole: 5 entries" in capsys.readouterr().out
    assert [e.previous_hash for e in written[1:]] == [e.hash for e in written[:-1]]
    assert written[0].actor_role == "resident" and written[0].actor_id == resident.pk
    assert AuditHead.objects.get(pk=1).hash == written[-1].hash


def test_an_altered_entry_is_named(resident):
    written = entries(5)
    with tampering() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET action = %s WHERE id = %s", ["x.y", written[2].pk])

    assert "entry #3: its content or its place was changed" in broken_at()


def test_an_altered_detail_is_named_too():
    written = entries(4)
    with tampering() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET data = %s WHERE id = %s", ['{"n": 9}', written[1].pk])

    assert "entry #2" in broken_at()


def test_a_removed_entry_is_named():
    written = entries(5)
    with tampering() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [written[1].pk])

    assert "entry #3: the entries before it (#2) were removed" in broken_at()


def test_entries_removed_from_the_end_are_named():
    written = entries(5)
    with tampering() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE id >= %s", [written[3].pk])

    assert "entry #4: entries at the end were removed" in broken_at()


def test_two_swapped_entries_are_named():
    written = entries(5)
    first, second = written[1], written[2]
    with tampering() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET sequence = 1000000 WHERE id = %s", [first.pk])
        cursor.execute(f"UPDATE {TABLE} SET sequence = 2 WHERE id = %s", [second.pk])
        cursor.execute(f"UPDATE {TABLE} SET sequence = 3 WHERE id = %s", [first.pk])

    assert "entry #2" in broken_at()


def test_an_entry_belongs_to_its_changes_transaction():
    entries(2)
    with pytest.raises(RuntimeError), transaction.atomic():
        record(actor=None, action="test.thing.undone")
        raise RuntimeError("the change failed")

    assert AuditEntry.objects.count() == 2
    assert verify_chain() == (2, None)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL trigger")
@pytest.mark.parametrize("statement", ["UPDATE {table} SET action = 'x'", "DELETE FROM {table}"])
def test_postgresql_refuses_to_change_or_delete_an_entry(statement):
    entries(1)

    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement.format(table=TABLE))

    assert AuditEntry.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_entries_recorded_at_once_still_form_one_chain():
    def write(n):
        for step in range(5):
            record(actor=None, action="test.thing.parallel", data={"n": n, "step": step})

    at_once(write, 8)

    assert verify_chain() == (40, None)
