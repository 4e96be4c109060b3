"""H3 cells as 64-bit integers: the index every geo query of Commonwatch uses.

Resolution 8 (~0.74 km² hexagons) keeps a 0.5 mi circle to ~7 cells and a
3 mi circle to ~110 (measured in ../shared/GEO.md); the ~100 m resolution 10
is what other people see instead of an exact point.
"""

from __future__ import annotations

import math
from functools import lru_cache

from h3.api import basic_int as h3

from .distance import haversine_m

INDEX_RESOLUTION = 8
APPROXIMATE_RESOLUTION = 10


def cell_of(lat: float, lng: float, resolution: int = INDEX_RESOLUTION) -> int:
    return h3.latlng_to_cell(lat, lng, resolution)


def cell_center(cell: int) -> tuple[float, float]:
    return h3.cell_to_latlng(cell)


@lru_cache(maxsize=500_000)  # a metro and its rings need ~10^4 cells; each entry is tiny
def cell_circumradius_m(cell: int) -> float:
    """Farthest distance from a cell's centre to its boundary (with 1% margin)."""
    lat, lng = h3.cell_to_latlng(cell)
    return 1.01 * max(haversine_m(lat, lng, vlat, vlng) for vlat, vlng in h3.cell_to_boundary(cell))


def _min_center_spacing_m(resolution: int) -> float:
    # Neighbouring centres are sqrt(3) edges apart on average; H3 cells vary by
    # up to ~2x in area, so 0.6 of the average keeps grid_disk wide enough.
    return 0.6 * math.sqrt(3) * h3.average_hexagon_edge_length(resolution, "m")


@lru_cache(maxsize=65536)
def cells_covering_circle(
    lat: float, lng: float, radius_m: float, resolution: int = INDEX_RESOLUTION
) -> tuple[int, ...]:
    """Every cell that can hold a point within radius_m of (lat, lng).

    A point within R lies in a cell whose centre is within R + that cell's
    circumradius, so pruning on that bound never drops a match.
    """
    origin = h3.latlng_to_cell(lat, lng, resolution)
    spread = radius_m + cell_circumradius_m(origin) * 1.5
    k = math.ceil(spread / _min_center_spacing_m(resolution)) + 1
    kept = []
    for cell in h3.grid_disk(origin, k):
        clat, clng = h3.cell_to_latlng(cell)
        if haversine_m(lat, lng, clat, clng) <= radius_m + cell_circumradius_m(cell):
            kept.append(cell)
    return tuple(sorted(kept))
