"""Reading the audit trail: checking the chain."""

from __future__ import annotations

from django.db import connections

from .chain import FIELDS, GENESIS, Break, first_break
from .models import AuditEntry, AuditHead

BATCH = 10_000


def chain_rows(using: str = "default"):
    """Every entry as a tuple, in chain order, read in batches straight from the cursor."""
    columns = [*FIELDS, "previous_hash", "hash"]
    query = AuditEntry.objects.using(using).order_by("sequence").values_list(*columns)
    compiler = query.query.get_compiler(using=using)
    sql, params = compiler.as_sql()
    converters = compiler.get_converters([col for col, _, _ in compiler.select])
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(BATCH):
            if converters:
                rows = compiler.apply_converters(rows, converters)
            yield from rows


def verify_chain(using: str = "default") -> tuple[int, Break | None]:
    """(how many entries were read, the first break or None when the chain is whole)."""
    head = AuditHead.objects.using(using).values_list("sequence", "hash").filter(pk=1).first()
    head = head or (0, GENESIS)
    counted = 0

    def counting(rows):
        nonlocal counted
        for row in rows:
            counted += 1
            yield row

    problem = first_break(counting(chain_rows(using)), head=tuple(head))
    return counted, problem
