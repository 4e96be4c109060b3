"""Writes of the geo core: keeping the per-cell tallies that size time windows."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, Min, QuerySet
from django.db.models.functions import Greatest, Least

from .models import CellTally
from .selectors import forget_tallies


def tally_point(*, layer: str, cell: int, at: datetime) -> None:
    """Count one new point of a layer in its cell (safe under concurrent writers)."""
    updated = CellTally.objects.filter(layer=layer, cell=cell).update(
        count=F("count") + 1, first_at=Least("first_at", at), last_at=Greatest("last_at", at)
    )
    if updated:
        return
    try:
        with transaction.atomic():
            CellTally.objects.create(layer=layer, cell=cell, count=1, first_at=at, last_at=at)
    except IntegrityError:
        tally_point(layer=layer, cell=cell, at=at)


def rebuild_tallies(*, layer: str, queryset: QuerySet, time_field: str = "created_at") -> int:
    """Recount a layer's tallies from its rows (after a bulk load); returns cells written."""
    rows = queryset.values("cell").annotate(
        n=Count("pk"), first=Min(time_field), last=Max(time_field)
    )
    tallies = [
        CellTally(layer=layer, cell=r["cell"], count=r["n"], first_at=r["first"], last_at=r["last"])
        for r in rows.iterator()
    ]
    with transaction.atomic():
        CellTally.objects.filter(layer=layer).delete()
        CellTally.objects.bulk_create(tallies, batch_size=2000)
    forget_tallies()
    return len(tallies)
