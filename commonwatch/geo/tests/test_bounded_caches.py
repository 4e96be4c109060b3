"""Every per-process cache is bounded: no resident can pin a process's memory.

Each distinct home circle used to add ~12 KB to a cache with no limit. Here a stream
of distinct circles (the largest radius, the costliest entry) fills each cache past
its size, which must hold, and what it holds must stay within its memory budget.
"""

from __future__ import annotations

import sys
from datetime import timedelta

import pytest
from django.utils import timezone

from commonwatch.geo import cells, selectors
from commonwatch.geo.distance import miles_to_m
from commonwatch.geo.models import CellTally

BUDGET_BYTES = 16 * 1024 * 1024


def deep_size(value) -> int:
    if isinstance(value, tuple | list):
        return sys.getsizeof(value) + sum(deep_size(item) for item in value)
    if hasattr(value, "nbytes"):
        return sys.getsizeof(value) + value.nbytes
    return sys.getsizeof(value)


def test_circles_their_disks_and_cell_reaches_stay_within_their_budgets():
    for cache in (cells.cells_covering_circle, cells._disk, cells.cell_reach):
        cache.cache_clear()
    circles = []
    for n in range(cells.CIRCLE_CACHE_SIZE + 200):
        lat, lng = 30 + (n % 40) * 0.2, -120 + (n // 40) * 0.2
        circles.append(cells.cells_covering_circle(lat, lng, miles_to_m(5)))

    for cache, size in (
        (cells.cells_covering_circle, cells.CIRCLE_CACHE_SIZE),
        (cells._disk, cells.DISK_CACHE_SIZE),
        (cells.cell_reach, cells.REACH_CACHE_SIZE),
    ):
        assert cache.cache_info().maxsize == size
        assert cache.cache_info().currsize <= size
    per_circle = max(deep_size(circle) for circle in circles)
    per_disk = deep_size(cells._disk(cells.cell_of(30, -120), 16))
    assert per_circle * cells.CIRCLE_CACHE_SIZE < BUDGET_BYTES
    assert per_disk * cells.DISK_CACHE_SIZE < BUDGET_BYTES


@pytest.mark.django_db
def test_a_layer_with_too_many_cells_is_not_copied_and_still_sizes_windows(monkeypatch):
    monkeypatch.setattr(selectors, "TALLY_CACHE_CELLS", 5)
    selectors.forget_tallies()
    now = timezone.now()
    for cell in range(100, 120):
        CellTally.objects.create(
            layer="big", cell=cell, count=3, first_at=now - timedelta(days=1), last_at=now
        )

    found = selectors._tallies("default", "big", [101, 102, 999])

    assert sorted(count for count, _first, _last in found) == [3, 3]
    assert selectors._tally_cache[("default", "big")][1] is None
