"""Zones of a camera's frame: polygons in frame coordinates, 0..1 from the top-left.

Privacy zones are blacked out in every clip before it is stored; motion zones tell the
camera agent where motion counts. Both are checked here, once, for the pages and the API.
"""

from __future__ import annotations

import json
import math

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from commonwatch.geo.points import is_number

MAX_ZONES = 16
MIN_CORNERS = 3
MAX_CORNERS = 32
# A zone must cover at least this share of the frame, about 10 × 10 pixels of a 720p
# picture: a sliver thinner than a pixel hides nothing and would seem to.
MIN_AREA = 1e-4
# The longest JSON text the most zones could need: every corner's two numbers written
# with full precision (up to 24 characters each) and their brackets and commas.
MAX_ZONES_CHARS = MAX_ZONES * MAX_CORNERS * 64


def read_zones(text: str) -> list:
    """Zones sent as JSON text (the zones page), not yet checked: ValidationError for
    text that is not JSON, nested past what the parser can follow, or longer than the
    most corners allowed could take (so a megabyte of brackets is not even parsed)."""
    if len(text) > MAX_ZONES_CHARS:
        raise ValidationError(_("The zones could not be read: they are too long."))
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        raise ValidationError(_("The zones could not be read.")) from None


def checked_zones(zones) -> list[list[list[float]]]:
    """The zones as a list of polygons of [x, y] pairs, or a ValidationError saying which
    zone or corner is wrong and why."""
    if not isinstance(zones, list):
        raise ValidationError(_("Zones must be a list of polygons."))
    if len(zones) > MAX_ZONES:
        raise ValidationError(
            _("At most %(max)d zones per camera; this has %(n)d.")
            % {"max": MAX_ZONES, "n": len(zones)}
        )
    return [_checked_polygon(number, polygon) for number, polygon in enumerate(zones, start=1)]


def _checked_polygon(number: int, polygon) -> list[list[float]]:
    if not isinstance(polygon, list) or not MIN_CORNERS <= len(polygon) <= MAX_CORNERS:
        raise ValidationError(
            _("Zone %(zone)d must be a list of %(min)d to %(max)d corners.")
            % {"zone": number, "min": MIN_CORNERS, "max": MAX_CORNERS}
        )
    corners = [_checked_corner(number, corner) for corner in polygon]
    if edges_cross(corners):
        raise ValidationError(
            _("The edges of zone %(zone)d cross: draw its corners in order around it.")
            % {"zone": number}
        )
    if _area(corners) < MIN_AREA:
        raise ValidationError(
            _(
                "Zone %(zone)d covers no area: its corners lie on one line, or too close "
                "together to hide anything."
            )
            % {"zone": number}
        )
    return corners


def _area(corners: list[list[float]]) -> float:
    """The polygon's area as a share of the frame (shoelace formula), 0 on one line."""
    pairs = zip(corners, corners[1:] + corners[:1], strict=True)
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in pairs)) / 2


def edges_cross(corners: list[list[float]]) -> bool:
    """Whether two edges that do not share a corner meet. Such a polygon (a star, or a
    rectangle tapped corner to corner in "Z" order) has no single inside: painting rules
    disagree on which parts it covers, so the owner cannot tell what would be hidden.
    A corner tapped twice in a row is one corner, not a crossing."""
    corners = [corner for i, corner in enumerate(corners) if corner != corners[i - 1]]
    edges = list(zip(corners, corners[1:] + corners[:1], strict=True))
    last = len(edges) - 1
    return any(
        _segments_meet(*edges[i], *edges[j])
        for i in range(len(edges))
        for j in range(i + 2, len(edges))
        if not (i == 0 and j == last)
    )


def _segments_meet(a, b, c, d) -> bool:
    """Whether segment ab and segment cd have a point in common (touching counts)."""
    turns = (_turn(a, b, c), _turn(a, b, d), _turn(c, d, a), _turn(c, d, b))
    if turns[0] * turns[1] < 0 and turns[2] * turns[3] < 0:
        return True
    return any(
        turn == 0 and _within(p, q, r)
        for turn, (p, q, r) in zip(turns, ((a, b, c), (a, b, d), (c, d, a), (c, d, b)), strict=True)
    )


def _turn(a, b, c) -> float:
    """Positive if a→b→c turns left, negative if right, 0 if the three are on one line."""
    return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])


def _within(p, q, r) -> bool:
    """Whether r, on the line through p and q, lies between them."""
    return min(p[0], q[0]) <= r[0] <= max(p[0], q[0]) and min(p[1], q[1]) <= r[1] <= max(p[1], q[1])


def _checked_corner(number: int, corner) -> list[float]:
    if (
        not isinstance(corner, list | tuple)
        or len(corner) != 2
        or not all(is_number(value) and math.isfinite(value) for value in corner)
    ):
        raise ValidationError(
            _("Each corner of zone %(zone)d must be a pair of numbers [x, y].") % {"zone": number}
        )
    if not all(0 <= value <= 1 for value in corner):
        raise ValidationError(
            _("Zone %(zone)d has a corner outside the frame: x and y go from 0 to 1.")
            % {"zone": number}
        )
    return [float(corner[0]), float(corner[1])]
