"""Distances on the sphere: the project's one definition of "within R"."""

from __future__ import annotations

import math

# Mean Earth radius (IUGG, (2a+b)/3 of WGS84 rounded to 0.1 m); PostGIS's sphere
# (use_spheroid=false) uses 6,371,008.771 m, 3 cm less, which changes no answer we compare.
EARTH_RADIUS_M = 6_371_008.8
METERS_PER_MILE = 1_609.344


def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres between two WGS84 points."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def haversine_sql(lat: float, lng: float):
    """haversine_m from (lat, lng) to each row's point, as a database expression.

    Lets the database drop rows before they reach Python; SQLite gets the math
    functions natively (3.35+) or from Django.
    """
    from django.db.models import F, FloatField, Value
    from django.db.models.functions import ASin, Cos, Power, Radians, Sin, Sqrt

    half_dlat = (Radians(F("lat")) - Value(math.radians(lat))) / Value(2.0)
    half_dlng = (Radians(F("lng")) - Value(math.radians(lng))) / Value(2.0)
    a = Power(Sin(half_dlat), 2) + Value(math.cos(math.radians(lat))) * Cos(
        Radians(F("lat"))
    ) * Power(Sin(half_dlng), 2)
    return Value(2 * EARTH_RADIUS_M) * ASin(Sqrt(a), output_field=FloatField())


def miles_to_m(miles: float) -> float:
    return miles * METERS_PER_MILE


def m_to_miles(metres: float) -> float:
    return metres / METERS_PER_MILE


def bounding_box(lat: float, lng: float, radius_m: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lng, max_lng) that contains the circle, with a small margin."""
    dlat = math.degrees(radius_m / EARTH_RADIUS_M) * 1.001
    cos_lat = max(math.cos(math.radians(lat)) - math.sin(math.radians(dlat)), 1e-6)
    dlng = min(180.0, dlat / cos_lat)
    return lat - dlat, lat + dlat, lng - dlng, lng + dlng
