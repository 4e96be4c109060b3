import math
import random

import pytest
from h3.api import basic_int as h3

from commonwatch.geo.approximate import approximate_location, location_seen_by
from commonwatch.geo.cells import INDEX_RESOLUTION, cell_of, cell_reach, cells_covering_circle
from commonwatch.geo.distance import EARTH_RADIUS_M, haversine_m, miles_to_m


def offset(lat: float, lng: float, north_m: float, east_m: float) -> tuple[float, float]:
    """A point north_m and east_m away (small distances, on the sphere)."""
    dlat = math.degrees(north_m / EARTH_RADIUS_M)
    dlng = math.degrees(east_m / (EARTH_RADIUS_M * math.cos(math.radians(lat))))
    return lat + dlat, lng + dlng


def test_haversine_matches_a_known_distance():
    # Denver to Boulder, about 38.6 km on the sphere.
    assert haversine_m(39.7392, -104.9903, 40.0150, -105.2705) == pytest.approx(38_600, rel=0.01)


def test_haversine_is_zero_for_the_same_point_and_symmetric():
    assert haversine_m(10, 20, 10, 20) == 0
    assert haversine_m(1, 2, 3, 4) == pytest.approx(haversine_m(3, 4, 1, 2))


def test_cells_are_64_bit_integers_at_resolution_8():
    cell = cell_of(39.7392, -104.9903)
    assert isinstance(cell, int) and 0 < cell < 2**63
    assert h3.get_resolution(cell) == INDEX_RESOLUTION


@pytest.mark.parametrize("radius_mi", [0.25, 0.5, 1, 3, 5])
def test_covering_cells_hold_every_point_of_the_circle(radius_mi):
    rng = random.Random(radius_mi)
    lat, lng = 39.7392, -104.9903
    radius = miles_to_m(radius_mi)
    cells = set(cells_covering_circle(lat, lng, radius))
    for _ in range(3000):
        bearing, dist = rng.uniform(0, 2 * math.pi), radius * math.sqrt(rng.random())
        plat, plng = offset(lat, lng, dist * math.cos(bearing), dist * math.sin(bearing))
        if haversine_m(lat, lng, plat, plng) <= radius:
            assert cell_of(plat, plng) in cells


def _cells_by_testing_a_wide_disk(lat, lng, radius_m):
    """The cover rule applied to every cell of a disk far wider than any circle needs."""
    origin = cell_of(lat, lng)
    kept = []
    for cell in h3.grid_disk(origin, math.ceil(radius_m / 300) + 12):
        clat, clng, reach = cell_reach(cell)
        if haversine_m(lat, lng, clat, clng) <= radius_m + reach:
            kept.append(cell)
    return tuple(sorted(kept))


def _places_worldwide_and_next_to_pentagons():
    rng = random.Random(8)
    places = [(rng.uniform(-80, 80), rng.uniform(-180, 180)) for _ in range(40)]
    for pentagon in h3.get_pentagons(INDEX_RESOLUTION)[:4]:
        plat, plng = h3.cell_to_latlng(pentagon)
        places.append((plat + 0.003, plng))
    return places


@pytest.mark.parametrize("radius_mi", [0.25, 1, 5])
def test_the_disk_searched_is_wide_enough_everywhere(radius_mi):
    for lat, lng in _places_worldwide_and_next_to_pentagons():
        radius = miles_to_m(radius_mi)
        assert cells_covering_circle(lat, lng, radius) == _cells_by_testing_a_wide_disk(
            lat, lng, radius
        )


def test_circles_from_one_cell_share_its_disk_but_keep_their_own_cells():
    """The disk around a cell is cached; each circle in that cell still gets its own cover."""
    lat, lng = h3.cell_to_latlng(cell_of(39.74, -104.99))
    radius = miles_to_m(1)
    corners = [offset(lat, lng, north, east) for north, east in ((250, 0), (-250, 0), (0, 300))]
    covers = set()
    for plat, plng in corners:
        assert cell_of(plat, plng) == cell_of(lat, lng)
        cells = cells_covering_circle(plat, plng, radius)
        assert cells == _cells_by_testing_a_wide_disk(plat, plng, radius)
        covers.add(cells)
    assert len(covers) > 1


def test_covering_cells_stay_few_for_common_radii():
    assert len(cells_covering_circle(39.74, -104.99, miles_to_m(0.5))) <= 20
    assert len(cells_covering_circle(39.74, -104.99, miles_to_m(3))) <= 160


def test_approximate_location_is_within_about_100_m_and_not_the_point():
    lat, lng = 39.741234, -104.987654
    alat, alng = approximate_location(lat, lng)
    assert (alat, alng) != (lat, lng)
    assert haversine_m(lat, lng, alat, alng) < 100


def test_points_in_one_cell_share_one_approximate_location():
    lat, lng = approximate_location(39.741234, -104.987654)
    assert approximate_location(*offset(lat, lng, 5, 5)) == approximate_location(lat, lng)


class _Person:
    def __init__(self, pk):
        self.pk = pk


def test_owner_sees_the_exact_point_and_everyone_else_the_cell_centre():
    from commonwatch.community.models import Post

    owner, neighbor = _Person(1), _Person(2)
    point = (39.741234, -104.987654)
    located = Post()
    located.place(*point)
    assert (located.lat, located.lng) == approximate_location(*point)
    assert location_seen_by(owner, located, owner_id=owner.pk) == point
    assert location_seen_by(neighbor, located, owner_id=owner.pk) == approximate_location(*point)
    assert location_seen_by(None, located, owner_id=owner.pk) != point
    located.forget_exact_point()
    assert location_seen_by(owner, located, owner_id=owner.pk) == approximate_location(*point)


def test_a_point_set_directly_as_the_public_one_is_snapped_to_its_cell(db):
    """Fail closed: a loader that fills lat/lng itself still stores only the cell centre."""
    from commonwatch.community.models import Post
    from commonwatch.community.tests.factories import resident_at

    point = (39.7400123, -104.9912345)
    post = Post.objects.create(
        author=resident_at(*point),
        category="safety",
        title="t",
        body="b",
        lat=point[0],
        lng=point[1],
    )

    post.refresh_from_db()
    assert (post.lat, post.lng) == approximate_location(*point)
    assert (post.exact_lat, post.exact_lng) == (None, None)
