"""Zones of a camera's frame: polygons in frame coordinates, 0..1 from the top-left.

Privacy zones are blacked out in every clip before it is stored; motion zones tell the
camera agent where motion counts. Both are checked here, once, for the pages and the API.
"""

from __future__ import annotations

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
