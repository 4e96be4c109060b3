"""The demo city's streets: a named grid with a creek, so its map, address search
and place labels look like a real town without downloading anything.

Avenues run north–south and are numbered from the west edge ("1st Ave" …);
streets run east–west and carry names from the south edge ("Alder St" …).
House numbers follow the American block habit: 100 per block, counted from the
west edge along a street and from the south edge along an avenue.
Everything derives from the city centre, so tests can build the same grid anywhere.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from commonwatch.demo.city import HALF_SIDE_M, offset

BLOCK_M = 250
BLOCKS_FROM_CENTRE = HALF_SIDE_M // BLOCK_M  # 81 lines each way: 20 km × 20 km
STREET_NAMES = (
    "Alder", "Aspen", "Birch", "Cedar", "Chestnut", "Cypress", "Dogwood", "Elm", "Fir",
    "Hawthorn", "Hazel", "Hemlock", "Hickory", "Holly", "Juniper", "Laurel", "Linden",
    "Locust", "Magnolia", "Maple", "Mulberry", "Oak", "Olive", "Pine", "Poplar", "Redwood",
    "Rowan", "Spruce", "Sycamore", "Walnut", "Willow", "Yew", "Acorn", "Bluebell", "Clover",
    "Daisy", "Fern", "Heather", "Iris", "Ivy", "Jasmine", "Lilac", "Lily", "Lotus", "Marigold",
    "Myrtle", "Orchid", "Peony", "Poppy", "Primrose", "Rose", "Sage", "Tulip", "Violet",
    "Bramble", "Briar", "Canyon", "Cliff", "Creekside", "Dale", "Falcon", "Glen", "Harbor",
    "Heron", "Lark", "Meadow", "Orchard", "Osprey", "Prairie", "Quail", "Raven", "Ridge",
    "Robin", "Sparrow", "Summit", "Swallow", "Thrush", "Valley", "Warbler", "Wren", "Zephyr",
)  # fmt: skip
CREEK_NAME = "Clear Creek"


@dataclass(frozen=True)
class Street:
    name: str
    kind: str  # "avenue" (north–south) or "street" (east–west)
    index: int  # 0 at the west (avenues) or south (streets) edge
    coords: tuple[tuple[float, float], ...]  # (lat, lng) along the street


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def avenue_name(index: int) -> str:
    return f"{ordinal(index + 1)} Ave"


def street_name(index: int) -> str:
    return f"{STREET_NAMES[index]} St"


def lines_per_direction() -> int:
    return 2 * BLOCKS_FROM_CENTRE + 1


def grid_point(centre: tuple[float, float], east_blocks: float, north_blocks: float):
    """(lat, lng) of a grid position counted in blocks from the south-west corner."""
    return offset(
        *centre,
        (north_blocks - BLOCKS_FROM_CENTRE) * BLOCK_M,
        (east_blocks - BLOCKS_FROM_CENTRE) * BLOCK_M,
    )


def grid_position(centre: tuple[float, float], lat: float, lng: float) -> tuple[float, float]:
    """(east_blocks, north_blocks) of a point from the south-west corner; the inverse
    of grid_point on the city's scale (an equirectangular approximation is exact enough
    over 20 km for naming the nearest corner)."""
    origin_lat, origin_lng = grid_point(centre, 0, 0)
    far_lat, far_lng = grid_point(centre, 1, 1)
    return (lng - origin_lng) / (far_lng - origin_lng), (lat - origin_lat) / (far_lat - origin_lat)


def streets(centre: tuple[float, float]) -> list[Street]:
    """Every avenue and street of the grid, each as a straight line edge to edge."""
    last = lines_per_direction() - 1
    result = []
    for i in range(lines_per_direction()):
        result.append(
            Street(
                avenue_name(i), "avenue", i, (grid_point(centre, i, 0), grid_point(centre, i, last))
            )
        )
        result.append(
            Street(
                street_name(i), "street", i, (grid_point(centre, 0, i), grid_point(centre, last, i))
            )
        )
    return result


def creek(centre: tuple[float, float]) -> Street:
    """A creek meandering west to east just south of downtown."""
    last = lines_per_direction() - 1
    steps = 4 * last
    coords = tuple(
        grid_point(
            centre,
            last * k / steps,
            BLOCKS_FROM_CENTRE - 3 + 2.2 * math.sin(k / steps * 5 * math.pi),
        )
        for k in range(steps + 1)
    )
    return Street(CREEK_NAME, "creek", 0, coords)
