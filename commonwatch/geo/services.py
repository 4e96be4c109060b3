"""Writes of the geo core: the per-cell tallies that size time windows, place labels."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, Min, QuerySet
from django.db.models.functions import Greatest, Least

from commonwatch.core import outbox

from . import geocoding
from .cells import cell_center
from .models import CellTally, PlaceLabel
from .places import place_cell
from .selectors import forget_place_labels, forget_tallies

LABEL_PLACE = "geo.label_place"


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


def ask_place_label(*, lat: float, lng: float) -> None:
    """Queue the naming of a public point's cell, unless it has a name from this geocoder
    already (inside the caller's transaction: the outbox keeps it until done)."""
    if not geocoding.is_enabled():
        return
    cell = place_cell(lat, lng)
    if not PlaceLabel.objects.filter(cell=cell, geocoder=settings.GEOCODER).exists():
        outbox.put(LABEL_PLACE, cell=cell)


def label_place(*, cell: int) -> PlaceLabel | None:
    """Name a cell by reverse geocoding its centre (background work; safe to repeat)."""
    if not geocoding.is_enabled():
        return None
    label = geocoding.reverse(*cell_center(cell)) or ""
    place, _created = PlaceLabel.objects.update_or_create(
        cell=cell, defaults={"label": label[:200], "geocoder": settings.GEOCODER}
    )
    forget_place_labels(cell)
    return place
