import math

import pytest
from django.core.exceptions import ValidationError

from commonwatch.geo.distance import EARTH_RADIUS_M, METERS_PER_MILE
from commonwatch.geo.shapes import polygon_area_sq_mi, polygon_from_geojson, polygon_to_geojson


def square(lat: float, lng: float, side_m: float) -> dict:
    dlat = math.degrees(side_m / EARTH_RADIUS_M)
    dlng = math.degrees(side_m / (EARTH_RADIUS_M * math.cos(math.radians(lat + dlat / 2))))
    ring = [[lng, lat], [lng + dlng, lat], [lng + dlng, lat + dlat], [lng, lat + dlat], [lng, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def test_a_one_mile_square_measures_one_square_mile():
    polygon = polygon_from_geojson(square(39.74, -104.99, METERS_PER_MILE))
    assert polygon_area_sq_mi(polygon) == pytest.approx(1.0, rel=0.005)


def test_holes_are_subtracted_from_the_area():
    outer = square(39.74, -104.99, 2 * METERS_PER_MILE)["coordinates"][0]
    hole = square(39.745, -104.985, METERS_PER_MILE / 2)["coordinates"][0]
    polygon = polygon_from_geojson({"type": "Polygon", "coordinates": [outer, hole]})
    assert polygon_area_sq_mi(polygon) == pytest.approx(4.0 - 0.25, rel=0.01)


def test_geojson_round_trips():
    data = square(39.74, -104.99, 500)
    polygon = polygon_from_geojson(data)
    assert polygon_from_geojson(polygon_to_geojson(polygon)).equals(polygon)


def test_a_feature_holding_a_polygon_is_accepted():
    feature = {"type": "Feature", "properties": {}, "geometry": square(39.74, -104.99, 500)}
    assert polygon_from_geojson(feature).is_valid


def test_a_self_intersecting_polygon_is_refused_with_a_reason():
    bowtie = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    with pytest.raises(ValidationError) as exc:
        polygon_from_geojson(bowtie)
    assert "Self-intersection" in exc.value.messages[0]
    assert exc.value.error_list[0].code == "invalid"


@pytest.mark.parametrize(
    "data,code",
    [
        ({"type": "Point", "coordinates": [0, 0]}, "not_polygon"),
        ("not json at all", "not_polygon"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [0, 0]]]}, "too_few"),
        ({"type": "Polygon", "coordinates": "nonsense"}, "unreadable"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [200, 0], [0, 1], [0, 0]]]}, "out_of_range"),
    ],
)
def test_malformed_polygons_are_refused_with_a_code(data, code):
    with pytest.raises(ValidationError) as exc:
        polygon_from_geojson(data)
    assert exc.value.error_list[0].code == code
