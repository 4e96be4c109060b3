"""The demo city's own geocoder: its named street grid, so address search works offline.

It understands what people type: "4100 Elm St" (a house number along a street),
"Elm St & 41st Ave", "elm and 41st", "Elm / 41st" (a corner) and parts of names
("elm", "mag", "41st"). Reverse lookups name the nearest corner of the grid. It is
registered as geo's "demo" backend (DemoConfig.ready); GEOCODER=demo selects it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings

from commonwatch.geo.geocoding import Place

from .streets import (
    STREET_NAMES,
    avenue_name,
    grid_point,
    grid_position,
    lines_per_direction,
    street_name,
)

CORNER = re.compile(r"\s*(?:&|\band\b|\bat\b|/|@|\+)\s*")
HOUSE = re.compile(r"^(\d{1,5})\s+(.+)$")
ORDINAL = re.compile(r"^(\d{1,3})(?:st|nd|rd|th)?$")
SUFFIXES = {"st", "st.", "street", "ave", "ave.", "av", "avenue"}
AVENUE_WORDS = {"ave", "ave.", "av", "avenue"}
STREET_WORDS = {"st", "st.", "street"}


@dataclass(frozen=True)
class Line:
    """One avenue (north–south, kind "avenue") or street (east–west) of the grid."""

    kind: str
    index: int

    @property
    def name(self) -> str:
        return avenue_name(self.index) if self.kind == "avenue" else street_name(self.index)


def _words(text: str) -> list[str]:
    return re.sub(r"[^\w&/@+.]+", " ", text.casefold()).split()


def lines_named(text: str) -> list[Line]:
    """The grid lines a (partial) name can mean, best first: "elm", "41st ave", "ma"."""
    words = _words(text)
    if not words:
        return []
    kinds = {"avenue", "street"}
    if words[-1] in SUFFIXES and len(words) > 1:
        kinds = {"avenue"} if words[-1] in AVENUE_WORDS else {"street"}
        words = words[:-1]
    stem = " ".join(words).rstrip(".")
    count = lines_per_direction()
    found = []
    ordinal = ORDINAL.match(stem)
    if ordinal and "avenue" in kinds and 1 <= int(ordinal.group(1)) <= count:
        found.append(Line("avenue", int(ordinal.group(1)) - 1))
    if "street" in kinds and not ordinal:
        names = [name.casefold() for name in STREET_NAMES[:count]]
        found += [Line("street", i) for i, name in enumerate(names) if name == stem]
        found += [
            Line("street", i)
            for i, name in enumerate(names)
            if name.startswith(stem) and name != stem
        ]
    return found


def _along(line: Line, house_number: int) -> tuple[float, float] | None:
    """A house number's point: 100 numbers per block from the west or south edge."""
    blocks = house_number / 100
    if not 0 <= blocks <= lines_per_direction() - 1:
        return None
    centre = settings.DEMO_CITY_CENTER
    if line.kind == "street":
        return grid_point(centre, blocks, line.index)
    return grid_point(centre, line.index, blocks)


def _corner(first: Line, second: Line) -> tuple[float, float] | None:
    if first.kind == second.kind:
        return None
    avenue, street = (first, second) if first.kind == "avenue" else (second, first)
    return grid_point(settings.DEMO_CITY_CENTER, avenue.index, street.index)


def _middle(line: Line) -> tuple[float, float]:
    return _along(line, (lines_per_direction() - 1) // 2 * 100)


class DemoGeocoder:
    """geo.geocoding's Backend over the demo grid (the URL is not used)."""

    def __init__(self, url: str = ""):
        self.url = url

    def search(self, query: str, limit: int) -> list[Place]:
        parts = [part for part in CORNER.split(query.strip()) if part]
        if len(parts) == 2:
            return self._corners(*parts)[:limit]
        house = HOUSE.match(query.strip())
        if house and not ORDINAL.match(query.strip()):
            number = int(house.group(1))
            places = []
            for line in lines_named(house.group(2)):
                point = _along(line, number)
                if point:
                    places.append(Place(f"{number} {line.name}", *point))
            return places[:limit]
        return [Place(line.name, *_middle(line)) for line in lines_named(query)][:limit]

    def _corners(self, first: str, second: str) -> list[Place]:
        places = []
        for a in lines_named(first):
            for b in lines_named(second):
                point = _corner(a, b)
                if point:
                    street, avenue = (a, b) if a.kind == "street" else (b, a)
                    places.append(Place(f"{street.name} & {avenue.name}", *point))
        return places

    def reverse(self, lat: float, lng: float) -> str | None:
        """The nearest corner of the grid, if the point is in the city at all."""
        east, north = grid_position(settings.DEMO_CITY_CENTER, lat, lng)
        last = lines_per_direction() - 1
        if not (-0.5 <= east <= last + 0.5 and -0.5 <= north <= last + 0.5):
            return None
        avenue = min(max(round(east), 0), last)
        street = min(max(round(north), 0), last)
        return f"{street_name(street)} & {avenue_name(avenue)}"
