"""Polygons: GeoJSON in and out, validity checks, area on the sphere."""

from __future__ import annotations

import math
from typing import Any

import shapely
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from h3.api import basic_int as h3
from shapely.geometry import Polygon, mapping, shape

from .cells import INDEX_RESOLUTION
from .distance import EARTH_RADIUS_M, METERS_PER_MILE


def polygon_from_geojson(data: Any) -> Polygon:
    """A valid lon/lat polygon from a GeoJSON Polygon (or a Feature holding one).

    Raises ValidationError with a message a person can act on.
    """
    if isinstance(data, dict) and data.get("type") == "Feature":
        data = data.get("geometry")
    if not isinstance(data, dict) or data.get("type") != "Polygon":
        raise ValidationError(_("The area must be a GeoJSON Polygon."), code="not_polygon")
    try:
        polygon = shape(data)
    except (ValueError, TypeError, AttributeError, IndexError) as exc:
        raise ValidationError(
            _("The polygon could not be read: %(error)s") % {"error": exc}, code="unreadable"
        ) from exc
    if polygon.is_empty or len(set(polygon.exterior.coords)) < 3:
        raise ValidationError(_("A polygon needs at least three corners."), code="too_few")
    min_lng, min_lat, max_lng, max_lat = polygon.bounds
    if not (-180 <= min_lng <= max_lng <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise ValidationError(
            _("Coordinates must be longitude, latitude in degrees."), code="out_of_range"
        )
    if not polygon.is_valid:
        raise ValidationError(
            _("The polygon is not valid (%(reason)s): its edges must not cross or touch.")
            % {"reason": shapely.is_valid_reason(polygon)},
            code="invalid",
        )
    return polygon


def polygon_to_geojson(polygon: Polygon) -> dict:
    return mapping(polygon)


def _ring_area_m2(coords) -> float:
    # Spherical excess of a ring (Chamberlain & Duquette, JPL 2007).
    total = 0.0
    points = list(coords)
    for (lng1, lat1), (lng2, lat2) in zip(points, points[1:], strict=False):
        total += math.radians(lng2 - lng1) * (
            2 + math.sin(math.radians(lat1)) + math.sin(math.radians(lat2))
        )
    return abs(total) * EARTH_RADIUS_M**2 / 2


def polygon_area_sq_mi(polygon: Polygon) -> float:
    area = _ring_area_m2(polygon.exterior.coords)
    area -= sum(_ring_area_m2(ring.coords) for ring in polygon.interiors)
    return area / METERS_PER_MILE**2


def cells_overlapping(polygon: Polygon, resolution: int = INDEX_RESOLUTION) -> list[int]:
    """Every cell that shares any area with the polygon (a superset, never misses)."""
    outer = [(lat, lng) for lng, lat in polygon.exterior.coords]
    holes = [[(lat, lng) for lng, lat in ring.coords] for ring in polygon.interiors]
    shape_ = h3.LatLngPoly(outer, *holes)
    return list(h3.h3shape_to_cells_experimental(shape_, resolution, contain="overlap"))
