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
        lat, lng = offset(
            hood.lat, hood.lng, rng.gauss(0, hood.spread_m), rng.gauss(0, hood.spread_m)
        )
        yield lat, lng, miles_to_m(rng.choice(RADIUS_CHOICES_MI))


def resident_since(index: int) -> timedelta:
    """How long ago the index-th seeded resident joined (the same on every seed)."""
    first, last = RESIDENTS_JOINED_DAYS
    return timedelta(days=first + (index * 37) % (last - first))
