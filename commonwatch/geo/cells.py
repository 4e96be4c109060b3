"""H3 cells as 64-bit integers: the index every geo query of Commonwatch uses.

Resolution 8 (~0.74 km² hexagons) keeps a 0.5 mi circle to ~7 cells and a
3 mi circle to ~110 (measured in ../shared/GEO.md); the ~100 m resolution 10
is what other people see instead of an exact point.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from h3.api import basic_int as h3

from .distance import haversine_m, haversine_m_array

INDEX_RESOLUTION = 8
APPROXIMATE_RESOLUTION = 10
# Each process keeps these in memory; every one is bounded, whatever homes people set.
# A circle's cells are ~12 KB at most (5 mi, ~300 cells): 1024 circles ≤ ~12 MB.
CIRCLE_CACHE_SIZE = 1024
# A ring disk (cells, centres, circumradii) is ≤ ~33 KB: 384 disks ≤ ~13 MB.
DISK_CACHE_SIZE = 384
# A cell's reach is ~200 B with the cache's own bookkeeping: 65,536 cells ≤ ~13 MB,
# several metros' worth.
REACH_CACHE_SIZE = 65_536


def cell_of(lat: float, lng: float, resolution: int = INDEX_RESOLUTION) -> int:
    return h3.latlng_to_cell(lat, lng, resolution)


def cell_center(cell: int) -> tuple[float, float]:
    return h3.cell_to_latlng(cell)


@lru_cache(maxsize=REACH_CACHE_SIZE)
def cell_reach(cell: int) -> tuple[float, float, float]:
    """(lat, lng) of a cell's centre and its circumradius in metres (with 1% margin)."""
    lat, lng = h3.cell_to_latlng(cell)
    radius = max(haversine_m(lat, lng, vlat, vlng) for vlat, vlng in h3.cell_to_boundary(cell))
    return lat, lng, 1.01 * radius


def _neighbour_spacing_m(cell: int) -> float:
    """Shortest distance from a cell's centre to a neighbour's.

    H3 cells change size slowly, so it holds for the few km a circle spans.
    """
    lat, lng, _reach = cell_reach(cell)
    return min(haversine_m(lat, lng, *cell_reach(n)[:2]) for n in h3.grid_ring(cell, 1))


@lru_cache(maxsize=CIRCLE_CACHE_SIZE)
def cells_covering_circle(
    lat: float, lng: float, radius_m: float, resolution: int = INDEX_RESOLUTION
) -> tuple[int, ...]:
    """Every cell that can hold a point within radius_m of (lat, lng).

    A point within R lies in a cell whose centre is within R + that cell's
    circumradius, so pruning on that bound never drops a match. The bound is
    tested for the whole disk at once (numpy): a 3 mi circle tests ~330 cells.
    """
    origin = h3.latlng_to_cell(lat, lng, resolution)
    spread = radius_m + cell_reach(origin)[2] * 1.5
    # A centre k rings out is at least k * spacing * cos(30°) away; 0.8 leaves a margin.
    k = math.ceil(spread / (0.8 * _neighbour_spacing_m(origin))) + 1
    disk, centre_lat, centre_lng, reach = _disk(origin, k)
    near = haversine_m_array(lat, lng, centre_lat, centre_lng) <= radius_m + reach
    return tuple(disk[near].tolist())


@lru_cache(maxsize=DISK_CACHE_SIZE)
def _disk(origin: int, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Cells within k rings of origin, sorted, with their centres and circumradii.

    Every home in the same cell with the same radius shares this disk, so only the
    distance test is left to each circle (a third of the time of a 1 mi circle).
    """
    disk = sorted(h3.grid_disk(origin, k))
    centre_lat, centre_lng, reach = np.array([cell_reach(cell) for cell in disk]).T
    arrays = (np.array(disk, dtype=np.uint64), centre_lat, centre_lng, reach)
    for array in arrays:
        array.flags.writeable = False
    return arrays


def h3_hex(cell: int) -> str:
    """The cell's usual H3 string, as browsers and other tools name it."""
    return h3.int_to_str(cell)


@lru_cache(maxsize=REACH_CACHE_SIZE)
def cell_outline(cell: int) -> tuple[tuple[float, float], ...]:
    """The cell's corners as (lat, lng), to 5 decimals (~1 m): what a map draws."""
    return tuple((round(lat, 5), round(lng, 5)) for lat, lng in h3.cell_to_boundary(cell))


def cell_at(cell: int, lat: float, lng: float, resolution: int) -> int:
    """The cell of a resolution holding a point whose index cell is known: parents come
    from the integer alone; finer cells from the point."""
    if resolution == INDEX_RESOLUTION:
        return cell
    if resolution < INDEX_RESOLUTION:
        return h3.cell_to_parent(cell, resolution)
    return h3.latlng_to_cell(lat, lng, resolution)
