"""The map's data: hexagon counts zoomed out, points zoomed in, and nothing finer than
the ~100 m cell, from any home and at any zoom."""

from __future__ import annotations

import gzip
import json
import re

import pytest
from django.urls import reverse
from h3.api import basic_int as h3

from commonwatch.community.selectors import hexagon_resolution
from commonwatch.community.tests.factories import CENTER, moderator, published, resident_at, submit
from commonwatch.community.tests.test_location_privacy import PUBLIC, destination, toward
from commonwatch.geo.approximate import approximate_location
from commonwatch.geo.cells import APPROXIMATE_RESOLUTION, cell_of
from commonwatch.geo.distance import miles_to_m

pytestmark = pytest.mark.django_db

ZOOMS = (9, 11, 12, 13, 14, 15, 17)


def map_data(client, **query) -> dict:
    response = client.get("/api/v1/map", query)
    assert response.status_code == 200, response.content
    return response.json()


def test_zoomed_out_counts_hexagons_and_zoomed_in_shows_points(client):
    author, mod = resident_at(*CENTER), moderator()
    for title in ("Bike stolen", "Car broken into"):
        published(author, mod, title=title, category="crime")
    published(author, mod, title="Grey cat", category="lost_pet")
    submit(author, title="Waiting for review")
    client.force_login(resident_at(*CENTER))

    out = map_data(client, zoom=13, period="week")
    assert out["resolution"] == 8 and out["points"] == []
    [hexagon] = out["hexagons"]
    assert hexagon["count"] == 3
    assert hexagon["cell"] == h3.int_to_str(cell_of(*PUBLIC))
    assert len(hexagon["boundary"]) == 6
    assert map_data(client, zoom=13, category="lost_pet")["hexagons"][0]["count"] == 1

    zoomed_in = map_data(client, zoom=16, period="week")
    assert zoomed_in["resolution"] is None and zoomed_in["hexagons"] == []
    assert [p["title"] for p in zoomed_in["points"]] == [
        "Grey cat",
        "Car broken into",
        "Bike stolen",
    ]
    assert {(p["lat"], p["lng"]) for p in zoomed_in["points"]} == {PUBLIC}


def test_the_map_counts_and_draws_what_the_list_under_it_holds(client):
    """A form's "All categories" and "Any time" send empty values, and the feed's search
    words come along to the map: the map answers for the same posts as the list."""
    author, mod = resident_at(*CENTER), moderator()
    published(author, mod, title="Bike stolen from the rack", category="crime")
    published(author, mod, title="Grey cat", body="Seen near the school.", category="lost_pet")
    client.force_login(resident_at(*CENTER))

    everything = map_data(client, category="", period="", zoom=13)
    searched = map_data(client, category="", period="week", q="bike", zoom=13)
    drawn = map_data(client, q="cat", zoom=16)
    page = client.get(reverse("community:map"), {"category": "", "period": "", "q": "cat"})

    assert [h["count"] for h in everything["hexagons"]] == [2]
    assert [h["count"] for h in searched["hexagons"]] == [1]
    assert [p["title"] for p in drawn["points"]] == ["Grey cat"]
    assert [p["title"] for p in page.context["page"].posts] == ["Grey cat"]
    assert client.get("/api/v1/map", {"q": "x" * 101}).json()["detail"][0]["loc"] == [
        "query",
        "q",
    ]


def test_zoomed_in_the_map_draws_the_newest_points_in_view_and_says_when_there_are_more(
    client, monkeypatch
):
    author, mod = resident_at(*CENTER), moderator()
    north = destination(*CENTER, 800, 0.0)
    for title in ("Oldest north", "Newer north"):
        published(author, mod, title=title, lat=north[0], lng=north[1])
    published(author, mod, title="At the centre")
    client.force_login(resident_at(*CENTER, radius_mi=1))
    north_cell = approximate_location(*north)
    around_north = ",".join(
        str(x)
        for x in (
            north_cell[0] - 1e-3,
            north_cell[1] - 1e-3,
            north_cell[0] + 1e-3,
            north_cell[1] + 1e-3,
        )
    )

    in_view = map_data(client, zoom=16, bbox=around_north)
    monkeypatch.setattr("commonwatch.community.selectors.MAP_LIMIT", 1)
    crowded = map_data(client, zoom=16, bbox=around_north)
    everywhere = map_data(client, zoom=16)
    counted = map_data(client, zoom=13)

    assert [p["title"] for p in in_view["points"]] == ["Newer north", "Oldest north"]
    assert in_view["more"] is False
    assert [p["title"] for p in crowded["points"]] == ["Newer north"] and crowded["more"]
    assert [p["title"] for p in everywhere["points"]] == ["At the centre"] and everywhere["more"]
    assert sum(h["count"] for h in counted["hexagons"]) == 3 and counted["more"] is False


@pytest.mark.parametrize(
    "bbox",
    [
        "1,2,3",
        "a,b,c,d",
        "39.8,-105,39.7,-104.9",
        "39.7,-104.9,39.8,-105",
        "91,0,92,1",
        "nan,0,1,1",
    ],
)
def test_a_view_that_is_no_box_is_refused_by_name(client, bbox):
    client.force_login(resident_at(*CENTER))

    refused = client.get("/api/v1/map", {"zoom": 16, "bbox": bbox})

    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"][:2] == ["query", "bbox"]


def test_each_zoom_has_coarser_hexagons_out_and_points_in():
    resolutions = [hexagon_resolution(zoom) for zoom in ZOOMS]
    assert resolutions == [6, 7, 8, 8, 9, None, None]


def test_outside_the_circle_nothing_is_counted(client):
    published(resident_at(*CENTER), moderator())
    far = destination(*PUBLIC, miles_to_m(1) + 200, 0.0)
    client.force_login(resident_at(*far, radius_mi=1))
    assert map_data(client, zoom=12)["hexagons"] == []


def test_map_data_is_gzipped_for_browsers_that_ask(client):
    author, mod = resident_at(*CENTER), moderator()
    for n in range(4):
        published(author, mod, title=f"Post number {n} on the corner")
    client.force_login(resident_at(*CENTER))
    plain = client.get("/api/v1/map", {"zoom": 16})
    assert len(plain.content) > 200 and "Content-Encoding" not in plain.headers
    packed = client.get("/api/v1/map", {"zoom": 16}, HTTP_ACCEPT_ENCODING="gzip")
    assert packed.headers["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(packed.content)) == plain.json()


@pytest.mark.parametrize("radius_mi", [0.25, 1, 3])
@pytest.mark.parametrize("bearing", [0.0, 2.1, 4.2])
def test_a_post_at_either_corner_of_its_cell_gives_the_same_map(client, radius_mi, bearing):
    """An attacker moving their circle's edge across the cell, at every zoom, sees the
    same counts and points whichever corner of the ~100 m cell the post is at."""
    corners = h3.cell_to_boundary(cell_of(*CENTER, APPROXIMATE_RESOLUTION))
    exact_a, exact_b = toward(corners[0], PUBLIC, 0.1), toward(corners[3], PUBLIC, 0.1)
    post = published(resident_at(*CENTER), moderator(), lat=exact_a[0], lng=exact_a[1])
    homes = [destination(*PUBLIC, miles_to_m(radius_mi) + edge, bearing) for edge in (-60, 0, 60)]
    readers = [resident_at(*home, radius_mi=radius_mi) for home in homes]

    def observe():
        seen = []
        for reader in readers:
            client.force_login(reader)
            seen.append([map_data(client, zoom=zoom) for zoom in ZOOMS])
        return seen

    at_a = observe()
    post.place(*exact_b)
    post.save()
    assert observe() == at_a


def test_the_map_page_opens_on_the_last_7_days_with_a_list(client):
    author, mod = resident_at(*CENTER), moderator()
    published(author, mod, title="Grey cat", category="lost_pet")
    client.force_login(resident_at(*CENTER))
    page = client.get(reverse("community:map"))
    assert page.status_code == 200
    html = page.content.decode()
    assert '<option value="week" selected>' in html
    assert "Grey cat" in html and 'id="map-list"' in html
    # The list says a post's age as its card does ("now", "5 min"), the full time on hover.
    assert re.search(r'<time datetime="[^"]+" title="[^"]+">now</time>', html)
    assert client.get(reverse("community:map"), {"period": "year"}).status_code == 400
