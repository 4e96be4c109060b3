"""Recording into the audit trail: one call, inside the transaction of the change.

An entry is written with plain SQL built once per database: on SQLite three statements
(lock and read the head, insert the entry, move the head); on PostgreSQL one, which
reads the head, links and hashes the entry in the server (sha256() over the text Python
sends) and moves the head, so a decision waits for one round trip, not three. Through
the ORM (and a savepoint) the same entry cost three to four times the CPU: a rejection
cost 70% more with its entry than without (bench/README.md).
"""

from __future__ import annotations

from functools import cache

from django.db import connections, models, router, transaction
from django.utils import timezone

from .chain import FIELDS, canonical, link_hash
from .models import AuditEntry, AuditHead

COLUMNS = (*FIELDS, "previous_hash", "hash")
AT, DATA = COLUMNS.index("at"), COLUMNS.index("data")


def record(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    data: dict | None = None,
    public: bool = False,
    actor_role: str = "",
) -> AuditEntry:
    """Append one entry to the chain: who (by id and role), what (a dotted action such as
    ``moderation.post.rejected``), on what, with which details.

    Call it where the change is written: it joins that transaction, so the entry exists
    exactly when the change does. Entries are chained one at a time (the head row is
    locked until the transaction ends); `data` must hold no personal details beyond ids.
    """
    actor_id = getattr(actor, "pk", None)
    role = actor_role or (getattr(actor, "role", "") if actor is not None else "system")
    target_type = f"{target._meta.app_label}.{target._meta.model_name}" if target else ""
    target_id = str(target.pk) if target is not None else ""
    data = data or {}
    using = router.db_for_write(AuditEntry)
    connection = connections[using]
    fields = (actor_id, role, action, target_type, target_id, data, public)
    if connection.vendor == "postgresql":
        return _record_in_one_statement(connection, fields)
    lock_head, insert, move_head = _statements(connection.alias)
    # No savepoint of its own: if the entry fails, the change's whole transaction must.
    with transaction.atomic(using=using, savepoint=False), connection.cursor() as cursor:
        previous_sequence, previous_hash = _locked_head(cursor, lock_head)
        at = timezone.now()
        sequence = previous_sequence + 1
        entry_hash = link_hash(previous_hash, canonical(sequence, at, *fields))
        values = (sequence, at, *fields, previous_hash, entry_hash)
        cursor.execute(insert, _prepared(values, connection))
        (entry_id,) = cursor.fetchone()
        cursor.execute(move_head, [sequence, entry_hash])
    return AuditEntry.from_db(using, ("id", *COLUMNS), (entry_id, *values))


def _record_in_one_statement(connection, fields: tuple) -> AuditEntry:
    """PostgreSQL: the whole append in one statement. Python sends the canonical text
    without its sequence (the text's first field, known only once the head is locked);
    the server puts the sequence in front and hashes it with the previous hash, exactly
    as link_hash would (a test compares both)."""
    at = timezone.now()
    after_sequence = canonical(None, at, *fields)  # "" for the sequence, then the rest
    values = _prepared((None, at, *fields, "", ""), connection)[1:-2]
    with transaction.atomic(using=connection.alias, savepoint=False), connection.cursor() as cursor:
        cursor.execute(_one_statement(connection.alias), [*values, after_sequence])
        appended = cursor.fetchone()
        if appended is None:  # a flushed test database, without the head row
            AuditHead.objects.using(connection.alias).get_or_create(pk=1)
            cursor.execute(_one_statement(connection.alias), [*values, after_sequence])
            appended = cursor.fetchone()
    entry_id, sequence, previous_hash, entry_hash = appended
    values = (sequence, at, *fields, previous_hash, entry_hash)
    return AuditEntry.from_db(connection.alias, ("id", *COLUMNS), (entry_id, *values))


@cache
def _one_statement(alias: str) -> str:
    """Lock the head, insert the entry linked and hashed from it, move the head, return
    the entry's id, sequence and hashes: one round trip (PostgreSQL)."""
    quote = connections[alias].ops.quote_name
    head, table = quote(AuditHead._meta.db_table), quote(AuditEntry._meta.db_table)
    columns = ", ".join(quote(name) for name in COLUMNS)
    sequence, hash_, id_ = quote("sequence"), quote("hash"), quote("id")
    prev = quote("previous_hash")
    # Each value cast to its column's type; the models' own names, quoted (noqa: S608).
    casts = "%s::timestamptz, %s::bigint, %s::text, %s::text, %s::text, %s::text, %s::jsonb"
    linked = "h.previous || chr(30) || h.next::text || %s"
    return (
        f"WITH h AS (SELECT {sequence} + 1 AS next, {hash_} AS previous FROM {head} "  # noqa: S608
        f"WHERE {id_} = 1 FOR UPDATE), "
        f"e AS (INSERT INTO {table} ({columns}) "
        f"SELECT h.next, {casts}, %s::boolean, h.previous, "
        f"encode(sha256(convert_to({linked}, 'UTF8')), 'hex') FROM h "
        f"RETURNING {id_}, {sequence}, {prev}, {hash_}) "
        f"UPDATE {head} SET {sequence} = e.{sequence}, {hash_} = e.{hash_} FROM e "
        f"WHERE {head}.{id_} = 1 RETURNING e.{id_}, e.{sequence}, e.{prev}, e.{hash_}"
    )


def _locked_head(cursor, lock_head: str) -> tuple[int, str]:
    """The head's (sequence, hash), its row locked until the transaction ends. The
    migration makes the row; only a flushed test database lacks it."""
    cursor.execute(lock_head)
    head = cursor.fetchone()
    if head is None:
        AuditHead.objects.using(cursor.db.alias).get_or_create(pk=1)
        cursor.execute(lock_head)
        head = cursor.fetchone()
    return head


def _prepared(values: tuple, connection) -> list:
    """The values as the ORM would send them: the time and the data through their fields'
    own preparation; the others are ints, text and a bool already, which it sends as they
    are (preparing all eleven was 11-17% of an entry's CPU)."""
    prepared = list(values)
    for index in (AT, DATA):
        field = AuditEntry._meta.get_field(COLUMNS[index])
        prepared[index] = field.get_db_prep_save(values[index], connection)
    return prepared


@cache
def _statements(alias: str) -> tuple[str, str, str]:
    """Locking and reading the head, inserting an entry (returning its id), moving the
    head: the SQL, from the models' own table and column names."""
    connection = connections[alias]
    quote = connection.ops.quote_name
    head = quote(AuditHead._meta.db_table)
    table = quote(AuditEntry._meta.db_table)
    for_update = " FOR UPDATE" if connection.features.has_select_for_update else ""
    columns = ", ".join(quote(name) for name in COLUMNS)
    placeholders = ", ".join(["%s"] * len(COLUMNS))
    sequence, hash_, id_ = quote("sequence"), quote("hash"), quote("id")
    # Only the models' own names, quoted: nothing from outside (hence the noqa: S608).
    lock_head = f"SELECT {sequence}, {hash_} FROM {head} WHERE {id_} = 1{for_update}"  # noqa: S608
    insert = f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) RETURNING {id_}"  # noqa: S608
    move_head = f"UPDATE {head} SET {sequence} = %s, {hash_} = %s WHERE {id_} = 1"  # noqa: S608
    return lock_head, insert, move_head
