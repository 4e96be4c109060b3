"""The demo city's own geocoder finds its streets the ways people type them, offline."""

from __future__ import annotations

import pytest
from django.conf import settings

from commonwatch.demo.geocoder import DemoGeocoder
from commonwatch.demo.streets import grid_point, grid_position
from commonwatch.geo import geocoding

CENTRE = settings.DEMO_CITY_CENTER


def found(query: str) -> list[str]:
    return [place.label for place in DemoGeocoder().search(query, 5)]


@pytest.mark.parametrize(
    "query", ["Elm St & 41st Ave", "elm and 41st", "41st Ave / Elm", "ELM ST at 41st avenue"]
)
def test_a_corner_is_found_however_it_is_typed(query):
    place = DemoGeocoder().search(query, 5)[0]
    assert place.label == "Elm St & 41st Ave"
    east, north = grid_position(CENTRE, place.lat, place.lng)
    assert (round(east, 6), round(north, 6)) == (40, 7)  # 41st Ave is the 41st line, Elm the 8th


def test_a_house_number_lies_along_its_street_100_to_a_block():
    place = DemoGeocoder().search("4150 Elm St", 5)[0]
    assert place.label == "4150 Elm St"
    east, north = grid_position(CENTRE, place.lat, place.lng)
    assert (round(east, 6), round(north, 6)) == (41.5, 7)


def test_part_of_a_name_lists_the_streets_it_starts():
    assert found("ma") == ["Magnolia St", "Maple St", "Marigold St"]
    assert found("elm") == ["Elm St"]
    assert found("41st") == ["41st Ave"]


def test_what_is_not_in_the_city_finds_nothing():
    assert found("Baker Street") == []
    assert found("99999 Elm St") == []
    assert found("Elm St & Oak St") == []  # parallel streets never meet


def test_reverse_names_the_nearest_corner_and_nothing_outside_the_city():
    lat, lng = grid_point(CENTRE, 4.2, 7.4)
    assert DemoGeocoder().reverse(lat, lng) == "Elm St & 5th Ave"
    assert DemoGeocoder().reverse(CENTRE[0] + 1, CENTRE[1]) is None


def test_geocoder_demo_setting_searches_the_demo_streets(settings):
    settings.GEOCODER, settings.GEOCODER_URL = "demo", ""
    assert geocoding.search("elm and 41st", asker_id=1)[0].label == "Elm St & 41st Ave"
