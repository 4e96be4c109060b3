"""Distances on the sphere: the project's one definition of "within R"."""

from __future__ import annotations

import math

import numpy as np
from django.db import connection
from django.db.models import F, FloatField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import ASin, Cos, Power, Radians, Sin, Sqrt

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


def haversine_m_array(lat: float, lng: float, lats: np.ndarray, lngs: np.ndarray) -> np.ndarray:
    """haversine_m from one point to many at once (numpy); the last bit may round
    differently, so exact in/out decisions stay with haversine_m."""
    p1, p2 = math.radians(lat), np.radians(lats)
    a = (
        np.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * np.cos(p2) * np.sin(np.radians(lngs - lng) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * np.arcsin(np.minimum(1.0, np.sqrt(a)))


def haversine_sql(lat: float, lng: float, table: str):
    """haversine_m from (lat, lng) to each row's point of `table`, as SQL.

    Lets the database drop rows before they reach Python. Raw SQL because the
    equivalent expression tree costs more to compile than the query takes to run;
    SQLite has these math functions natively (3.35+) or from Django.
    """
    quote = connection.ops.quote_name
    row_lat, row_lng = f"{quote(table)}.{quote('lat')}", f"{quote(table)}.{quote('lng')}"
    sql = (
        f"%s * ASIN(SQRT(POWER(SIN((RADIANS({row_lat}) - %s) / 2), 2)"
        f" + %s * COS(RADIANS({row_lat})) * POWER(SIN((RADIANS({row_lng}) - %s) / 2), 2)))"
    )
    params = (2 * EARTH_RADIUS_M, math.radians(lat), math.cos(math.radians(lat)), math.radians(lng))
    return RawSQL(sql, params, output_field=FloatField())  # noqa: S611 - values are parameters


def haversine_expression(lat: float, lng: float):
    """haversine_sql as an expression tree: usable inside a subquery, where Django renames
    the tables (an Exists over the rows of one object each, say)."""
    half_dlat = (Radians(F("lat")) - Value(math.radians(lat))) / 2
    half_dlng = (Radians(F("lng")) - Value(math.radians(lng))) / 2
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
