"""A synthetic but plausible city: neighborhoods of homes around a downtown.

Deterministic (seeded) so re-running the seed gives the same city.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import timedelta

from commonwatch.geo.distance import EARTH_RADIUS_M, miles_to_m


@dataclass(frozen=True)
class Neighborhood:
    name: str
    lat: float
    lng: float
    spread_m: float
    weight: float


NEIGHBORHOOD_NAMES = (
    "Old Town",
    "Riverside",
    "Maple Heights",
    "Eastgate",
    "Cedar Park",
    "Northfield",
    "Lakeshore",
    "Southside",
    "Hillcrest",
    "Mill District",
    "Union Square",
    "Willow Creek",
)
RADIUS_CHOICES_MI = (0.25, 0.5, 0.5, 0.75, 1, 1, 1, 1.5, 2, 3, 5)
# The city's streets (demo.streets) run this far north, south, east and west of its
# centre. Homes stay a little inside, so that their posts (seeded up to 400 m away) fall
# on a named corner and the basemap.
HALF_SIDE_M = 10_000
HOMES_WITHIN_M = HALF_SIDE_M - 600
# The seeded residents wrote the city's last 90 days of posts, so they all joined before
# those: 100 days to 3 years ago, spread evenly.
RESIDENTS_JOINED_DAYS = (100, 1100)


def offset(lat: float, lng: float, north_m: float, east_m: float) -> tuple[float, float]:
    dlat = math.degrees(north_m / EARTH_RADIUS_M)
    dlng = math.degrees(east_m / (EARTH_RADIUS_M * math.cos(math.radians(lat))))
    return lat + dlat, lng + dlng


def neighborhoods(center: tuple[float, float], rng: random.Random) -> list[Neighborhood]:
    result = []
    for i, name in enumerate(NEIGHBORHOOD_NAMES):
        angle = 2 * math.pi * i / len(NEIGHBORHOOD_NAMES) + rng.uniform(-0.3, 0.3)
        distance = 0 if i == 0 else rng.uniform(1500, 9000)
        lat, lng = offset(*center, distance * math.cos(angle), distance * math.sin(angle))
        result.append(Neighborhood(name, lat, lng, rng.uniform(300, 900), rng.uniform(0.5, 2)))
    return result


def home_points(center: tuple[float, float], count: int, seed: int = 2026):
    """(lat, lng, radius_m) for `count` homes, clustered by neighborhood."""
    rng = random.Random(seed)
    hoods = neighborhoods(center, rng)
    weights = [h.weight for h in hoods]
    for _ in range(count):
        hood = rng.choices(hoods, weights)[0]
        north, east = _from_centre(center, hood)
        north += rng.gauss(0, hood.spread_m)
        east += rng.gauss(0, hood.spread_m)
        lat, lng = offset(*center, _inside(north), _inside(east))
        yield lat, lng, miles_to_m(rng.choice(RADIUS_CHOICES_MI))


def _from_centre(center: tuple[float, float], hood: Neighborhood) -> tuple[float, float]:
    """(north, east) metres of a neighborhood's middle from the city centre."""
    north = math.radians(hood.lat - center[0]) * EARTH_RADIUS_M
    east = math.radians(hood.lng - center[1]) * EARTH_RADIUS_M * math.cos(math.radians(hood.lat))
    return north, east


def _inside(metres: float) -> float:
    """A home past the city's edge mirrored back inside it (no new draw, so every other
    home of the seeded city stays where it was)."""
    if abs(metres) <= HOMES_WITHIN_M:
        return metres
    return math.copysign(2 * HOMES_WITHIN_M - abs(metres), metres)


def resident_since(index: int) -> timedelta:
    """How long ago the index-th seeded resident joined (the same on every seed)."""
    first, last = RESIDENTS_JOINED_DAYS
    return timedelta(days=first + (index * 37) % (last - first))
