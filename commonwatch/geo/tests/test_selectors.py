"""The geo queries give exact answers: compared with brute force and at ±30 m edges."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from commonwatch.accounts.models import Home, User
from commonwatch.geo.cells import cells_covering_circle
from commonwatch.geo.distance import haversine_m, miles_to_m
from commonwatch.geo.models import CellTally
from commonwatch.geo.selectors import (
    NearbySearch,
    _loads_plainly,
    circles_covering,
    forget_tallies,
    inside_polygon,
    newest_within,
    time_windows,
    whole_rows,
    within_radius,
)
from commonwatch.geo.services import rebuild_tallies, tally_point
from commonwatch.geo.shapes import polygon_from_geojson
from commonwatch.geo.tests.test_distance_and_cells import offset

CENTER = (39.7392, -104.9903)
pytestmark = pytest.mark.django_db


def place_homes(points, radii=None, ages=None) -> list[Home]:
    """Bulk-create one home per point; ages (seconds) are stored in updated_at."""
    users = User.objects.bulk_create(
        [User(email=f"h{i}-{random.random()}@example.org") for i in range(len(points))]
    )
    homes = []
    for i, (user, (lat, lng)) in enumerate(zip(users, points, strict=True)):
        home = Home(user=user, lat=lat, lng=lng, radius_m=(radii[i] if radii else miles_to_m(1)))
        home.locate()
        homes.append(home)
    Home.objects.bulk_create(homes)
    if ages:
        now = timezone.now()
        for home, age in zip(Home.objects.order_by("pk"), ages, strict=True):
            Home.objects.filter(pk=home.pk).update(updated_at=now - timedelta(seconds=age))
    return list(Home.objects.order_by("pk"))


def clustered_points(rng, n, spread_m=4000):
    centres = [offset(*CENTER, rng.gauss(0, spread_m), rng.gauss(0, spread_m)) for _ in range(8)]
    return [offset(*rng.choice(centres), rng.gauss(0, 600), rng.gauss(0, 600)) for _ in range(n)]


@pytest.mark.parametrize("radius_mi", [0.25, 1, 5])
def test_a_point_30_m_inside_is_in_and_30_m_outside_is_out(radius_mi):
    radius = miles_to_m(radius_mi)
    inside = offset(*CENTER, radius - 30, 0)
    outside = offset(*CENTER, 0, radius + 30)
    place_homes([inside, outside])
    found = {(h.lat, h.lng) for h in within_radius(Home.objects.all(), *CENTER, radius)}
    assert found == {inside}


@pytest.mark.parametrize("radius_mi", [0.25, 1, 5])
def test_a_circle_30_m_short_does_not_cover_and_30_m_long_does(radius_mi):
    radius = miles_to_m(radius_mi)
    covers = offset(*CENTER, radius - 30, 0)
    short = offset(*CENTER, -(radius + 30), 0)
    homes = place_homes([covers, short], radii=[radius, radius])
    assert set(circles_covering(Home.objects.all(), *CENTER)) == {homes[0].pk}


def test_circles_whose_edge_is_millimetres_from_the_point_are_decided_exactly():
    """SQL may round the last bits differently; haversine_m has the last word."""
    home_point = offset(*CENTER, miles_to_m(1), 0)
    exact = haversine_m(*CENTER, *home_point)
    radii = [exact, exact + 0.004, exact - 0.004, exact - 0.02]
    homes = place_homes([home_point] * len(radii), radii=radii)
    assert set(circles_covering(Home.objects.all(), *CENTER)) == {h.pk for h in homes[:2]}
    by_user = set(circles_covering(Home.objects.all(), *CENTER, id_field="user_id"))
    assert by_user == {h.user_id for h in homes[:2]}


def test_radius_queries_match_brute_force():
    rng = random.Random(7)
    homes = place_homes(clustered_points(rng, 1500))
    for _ in range(15):
        lat, lng = offset(*CENTER, rng.gauss(0, 3000), rng.gauss(0, 3000))
        radius = miles_to_m(rng.choice([0.25, 0.5, 1, 3]))
        expected = {h.pk for h in homes if haversine_m(lat, lng, h.lat, h.lng) <= radius}
        assert {h.pk for h in within_radius(Home.objects.all(), lat, lng, radius)} == expected


def test_covering_circles_match_brute_force():
    rng = random.Random(11)
    points = clustered_points(rng, 1500)
    radii = [miles_to_m(rng.choice([0.25, 0.5, 0.75, 1, 2, 3, 5])) for _ in points]
    homes = place_homes(points, radii=radii)
    for _ in range(15):
        lat, lng = offset(*CENTER, rng.gauss(0, 3000), rng.gauss(0, 3000))
        expected = {h.pk for h in homes if haversine_m(lat, lng, h.lat, h.lng) <= h.radius_m}
        assert set(circles_covering(Home.objects.all(), lat, lng)) == expected


@pytest.mark.parametrize("tallies", ["fresh", "missing", "stale"])
def test_newest_within_matches_brute_force(tallies):
    rng = random.Random(3)
    points = clustered_points(rng, 1200)
    ages = [rng.uniform(0, 90 * 86400) for _ in points]
    homes = place_homes(points, ages=ages)
    forget_tallies()  # another test in this process may have cached layer "test"
    if tallies == "fresh":
        rebuild_tallies(layer="test", queryset=Home.objects.all(), time_field="updated_at")
    elif tallies == "stale":  # tallies counted when only a tenth of the rows existed
        rebuild_tallies(
            layer="test",
            queryset=Home.objects.filter(pk__lt=homes[120].pk),
            time_field="updated_at",
        )
    for _ in range(10):
        lat, lng = offset(*CENTER, rng.gauss(0, 3000), rng.gauss(0, 3000))
        radius = miles_to_m(rng.choice([0.5, 1, 3]))
        inside = [h for h in homes if haversine_m(lat, lng, h.lat, h.lng) <= radius]
        inside.sort(key=lambda h: (h.updated_at, h.pk), reverse=True)
        got = newest_within(
            Home.objects.all(), lat, lng, radius, layer="test", limit=50, time_field="updated_at"
        )
        assert [h.pk for h in got] == [h.pk for h in inside[:50]]


def test_newest_within_stays_exact_when_many_rows_fail_the_final_test(monkeypatch):
    """If SQL's margin let in more rows than the spare ones, the whole window is read."""
    from commonwatch.geo import selectors

    monkeypatch.setattr(selectors, "EDGE_M", 400.0)  # SQL now keeps rows 400 m outside
    rng = random.Random(4)
    homes = place_homes(
        clustered_points(rng, 600), ages=[rng.uniform(0, 86400) for _ in range(600)]
    )
    for _ in range(5):
        lat, lng = offset(*CENTER, rng.gauss(0, 2000), rng.gauss(0, 2000))
        radius = miles_to_m(0.5)
        inside = [h for h in homes if haversine_m(lat, lng, h.lat, h.lng) <= radius]
        inside.sort(key=lambda h: (h.updated_at, h.pk), reverse=True)
        got = newest_within(
            Home.objects.all(), lat, lng, radius, layer="none", limit=20, time_field="updated_at"
        )
        assert [h.pk for h in got] == [h.pk for h in inside[:20]]


def test_newest_within_keeps_the_querysets_own_filters():
    """The caller's filters (here: one resident's home only) survive the wrapping."""
    rng = random.Random(5)
    homes = place_homes(clustered_points(rng, 200))
    chosen = homes[17]
    got = newest_within(
        Home.objects.filter(user=chosen.user),
        chosen.lat,
        chosen.lng,
        miles_to_m(1),
        layer="none",
        time_field="updated_at",
    )
    assert got == [chosen]


@pytest.mark.parametrize(
    "narrowed",
    [
        lambda homes: homes.select_related("user"),
        lambda homes: homes.only("lat"),
        lambda homes: homes[:5],
        lambda homes: homes.distinct(),
        lambda homes: homes.filter(user__api_tokens__name="script"),
        lambda homes: homes.filter(user__is_active=True),
        lambda homes: homes.extra(tables=["accounts_user"]),
    ],
    ids=[
        "joined",
        "deferred",
        "sliced",
        "distinct",
        "multi-valued join",
        "filtered join",
        "extra table",
    ],
)
def test_newest_within_refuses_a_queryset_it_cannot_wrap(narrowed):
    homes = narrowed(Home.objects.all())
    with pytest.raises(ValueError, match="plain queryset"):
        newest_within(homes, *CENTER, 1000, layer="none", time_field="updated_at")


def test_tally_point_counts_and_widens_the_span():
    now = timezone.now()
    tally_point(layer="t", cell=42, at=now)
    tally_point(layer="t", cell=42, at=now - timedelta(hours=5))
    from commonwatch.geo.models import CellTally

    tally = CellTally.objects.get(layer="t", cell=42)
    assert tally.count == 2
    assert tally.last_at - tally.first_at == timedelta(hours=5)


def test_the_first_window_reaches_back_over_a_neighborhoods_silence():
    """A busy neighborhood with nothing new for three days: its first window is the one it
    would have with a post just now, plus those three days, so it already holds its newest
    posts instead of coming back empty and widening."""
    forget_tallies()
    now = timezone.now()
    cells = cells_covering_circle(*CENTER, miles_to_m(1))
    for layer, silence in (("lively", timedelta(0)), ("quiet", timedelta(days=3))):
        CellTally.objects.bulk_create(
            CellTally(
                layer=layer,
                cell=cell,
                count=500,
                first_at=now - timedelta(days=60),
                last_at=now - silence,
            )
            for cell in cells
        )

    def first_window(layer):
        return next(time_windows(layer, cells, miles_to_m(1), 25, now, "default"))

    assert first_window("lively") < timedelta(days=1)
    assert first_window("quiet") - first_window("lively") == timedelta(days=3)
    forget_tallies()


def test_inside_polygon_matches_shapely_brute_force():
    from shapely.geometry import Point

    rng = random.Random(5)
    homes = place_homes(clustered_points(rng, 800))
    ring = [
        offset(*CENTER, n, e)
        for n, e in [
            (-3000, -2500),
            (-2000, 3500),
            (2500, 3000),
            (500, 0),
            (3000, -3000),
            (-3000, -2500),
        ]
    ]
    polygon = polygon_from_geojson(
        {"type": "Polygon", "coordinates": [[[lng, lat] for lat, lng in ring]]}
    )
    expected = {h.pk for h in homes if polygon.covers(Point(h.lng, h.lat))}
    assert expected
    assert {h.pk for h in inside_polygon(Home.objects.all(), polygon)} == expected


def test_circles_within_a_centimetre_of_the_point_are_decided_by_haversine():
    home_point = offset(*CENTER, 800, 300)
    exact = haversine_m(*CENTER, *home_point)
    radii = [exact, exact + 0.004, exact - 0.004]
    homes = place_homes([home_point] * 3, radii=radii)
    covered = set(circles_covering(Home.objects.all(), *CENTER))
    assert covered == {homes[0].pk, homes[1].pk}


def test_a_filter_through_a_multi_valued_relation_gives_each_row_once_via_pk_in():
    """What the refusal points to: narrowing by related rows through pk__in stays exact."""
    from commonwatch.accounts.services import create_api_token

    rng = random.Random(9)
    homes = place_homes(clustered_points(rng, 30))
    for home in homes[:10]:
        for name in ("a", "b", "c"):
            create_api_token(user=home.user, name=name)
    with_tokens = Home.objects.filter(pk__in=Home.objects.filter(user__api_tokens__isnull=False))

    got = newest_within(with_tokens, *CENTER, 50_000, layer="none", time_field="updated_at")

    assert sorted(home.pk for home in got) == sorted(home.pk for home in homes[:10])


@pytest.mark.parametrize(
    "narrowed",
    [
        lambda homes: homes,
        lambda homes: homes.filter(radius_m__gte=800, user__isnull=False),
        lambda homes: homes.filter(pk__in=Home.objects.filter(user__email__endswith=".org")),
        lambda homes: homes.exclude(radius_class=2).order_by("-radius_m"),
        lambda homes: homes.filter(pk__in=[]),
    ],
    ids=["every row", "filtered", "pk__in subquery", "excluded and ordered", "nothing"],
)
def test_the_search_wraps_the_sql_django_itself_writes(narrowed):
    """WholeRows compiles only the WHERE of each queryset and reuses the rest: the text
    and parameters are what Django's own compiler gives for the whole query."""
    from django.db import connection

    homes = narrowed(Home.objects.all())
    expected = homes.order_by().query.get_compiler(connection=connection, elide_empty=False)
    sql, params = expected.as_sql()
    search = NearbySearch(homes, "updated_at", *CENTER, 1000)
    assert (search.inner_sql, search.inner_params) == (sql, tuple(params))


def test_a_queryset_that_matches_nothing_finds_nothing():
    place_homes(clustered_points(random.Random(3), 20))
    got = newest_within(
        Home.objects.filter(pk__in=[]), *CENTER, 50_000, layer="none", time_field="updated_at"
    )
    assert got == []


def _loaded_as(instance) -> tuple:
    state = instance._state
    return (
        type(instance),
        instance.__dict__.keys() - {"_state"},
        vars(instance) | {"_state": (state.adding, state.db)},
    )


def test_rows_become_the_instances_from_db_makes():
    """The quick way to make instances gives what Django's own loading gives: the same
    values, saved state and database, and the instance saves and reloads as one."""
    from django.db import connection

    home = place_homes(clustered_points(random.Random(5), 1))[0]
    rows = whole_rows(Home, connection)
    values = Home.objects.filter(pk=home.pk).values_list(*rows.field_names).get()
    assert rows.loads_plainly

    made = rows.instances("default", [values])[0]
    expected = Home.from_db("default", rows.field_names, values)

    assert _loaded_as(made) == _loaded_as(expected)
    assert made.user.pk == home.user.pk  # the related object is fetched as usual
    made.radius_m = 900
    made.save(update_fields=["radius_m"])
    assert Home.objects.get(pk=home.pk).radius_m == 900


def test_a_model_whose_loading_is_hooked_is_made_by_from_db():
    """An init signal (or a field that handles its own assignment) must see each row, so
    such a model's rows go through Model.from_db."""
    from django.db import connection
    from django.db.models.signals import post_init

    seen = []

    def count(sender, instance, **kwargs):
        seen.append(instance)

    post_init.connect(count, sender=Home)
    try:
        rows = whole_rows(Home, connection)
        place_homes(clustered_points(random.Random(6), 3))
        seen.clear()
        found = newest_within(
            Home.objects.all(), *CENTER, 50_000, layer="none", time_field="updated_at"
        )
    finally:
        post_init.disconnect(count, sender=Home)
    assert rows.loads_plainly  # but for the signal, asked at each call
    assert len(found) == 3 and sorted(h.pk for h in seen) == sorted(h.pk for h in found)


@pytest.mark.parametrize(
    "hook",
    [
        ("radius_m", property(lambda home: 0, lambda home, value: None)),
        ("__setattr__", lambda home, name, value: object.__setattr__(home, name, value)),
        ("__init__", lambda home, *args, **kwargs: None),
    ],
    ids=["a field that assigns itself", "own __setattr__", "own __init__"],
)
def test_a_model_with_its_own_loading_code_is_not_loaded_plainly(monkeypatch, hook):
    assert _loads_plainly(Home)
    monkeypatch.setattr(Home, *hook)
    assert not _loads_plainly(Home)
