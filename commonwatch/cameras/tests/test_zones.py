"""Privacy and motion zones: drawn on the zones page, checked the same everywhere."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from commonwatch.cameras.zones import MAX_ZONES, checked_zones, read_zones

from .factories import CameraFactory, clip_of
from .helpers import SQUARE

TRIANGLE = [[0.5, 0.0], [1.0, 1.0], [0.0, 1.0]]
# Five corners tapped in star order, and a rectangle's corners tapped in "Z" order.
STAR = [[0.5, 0.1], [0.735, 0.824], [0.12, 0.376], [0.88, 0.376], [0.265, 0.824]]
BOWTIE = [[0.1, 0.1], [0.4, 0.1], [0.1, 0.3], [0.4, 0.3]]
CROSSING = "The edges of zone 2 cross: draw its corners in order around it."


def test_zones_within_the_limits_are_kept_as_floats():
    assert checked_zones([SQUARE, [[1, 0], [1, 1], [0, 1]]]) == [
        SQUARE,
        [[1.0, 0.0], [1.0, 1.0], [0.0, 1.0]],
    ]
    assert checked_zones([TRIANGLE] * MAX_ZONES) == [TRIANGLE] * MAX_ZONES


@pytest.mark.parametrize(
    ("zones", "message"),
    [
        ({"x": 1}, "Zones must be a list of polygons."),
        ([TRIANGLE] * (MAX_ZONES + 1), "At most 16 zones per camera; this has 17."),
        ([SQUARE, [[0, 0], [1, 1]]], "Zone 2 must be a list of 3 to 32 corners."),
        ([[[0, 0], [0.5, 0]] * 17], "Zone 1 must be a list of 3 to 32 corners."),
        ([[[0, 0], [1, 0], [1, -0.1]]], "Zone 1 has a corner outside the frame"),
        ([[[0, 0], [1, 0], [1, float("nan")]]], "Each corner of zone 1 must be a pair"),
        ([[[0, 0], [1, 0], [1, 1, 1]]], "Each corner of zone 1 must be a pair"),
        ([[[0, 0], [1, 0], ["1", 1]]], "Each corner of zone 1 must be a pair"),
        ([[[0, 0], [0.5, 0.5], [1, 1]]], "Zone 1 covers no area"),
        ([[[0, 0], [1, 0], [1, 1e-300]]], "Zone 1 covers no area"),
        ([[[0, 0], [1e-9, 0], [0, 1e-9]]], "Zone 1 covers no area"),
        ([SQUARE, STAR], CROSSING),
        ([SQUARE, BOWTIE], CROSSING),
        ([SQUARE, [[0.1, 0.1], [0.4, 0.1], [0.4, 0.3], [0.25, 0.1], [0.1, 0.3]]], CROSSING),
    ],
)
def test_wrong_zones_are_refused_saying_which_and_why(zones, message):
    with pytest.raises(ValidationError) as refused:
        checked_zones(zones)

    assert message in refused.value.messages[0]


@pytest.mark.django_db
def test_the_longest_zones_allowed_can_be_sent_as_text():
    corner = [0.123456789012345678, 0.987654321098765432]
    most = [[corner, [1 - 1e-17, 1e-17], [1e-17, 1 - 1e-17]] + [corner] * 29] * MAX_ZONES

    assert read_zones(json.dumps(most)) == most


def test_a_corner_tapped_twice_is_no_crossing():
    doubled = [SQUARE[0], SQUARE[1], SQUARE[1], SQUARE[2], SQUARE[3], SQUARE[3]]
    assert checked_zones([doubled]) == [doubled]


@pytest.mark.django_db
def test_the_zones_page_draws_on_a_neutral_frame_until_a_clip_exists(client, resident):
    camera = CameraFactory(owner=resident)
    client.force_login(resident)

    before = client.get(reverse("cameras:zones", args=[camera.pk])).content.decode()
    clip = clip_of(camera)
    after = client.get(reverse("cameras:zones", args=[camera.pk])).content.decode()

    assert "neutral frame with a grid" in before and "zone-thumbnail" not in before
    assert reverse("clips:thumbnail", args=[clip.pk]) in after
    # Saving does not rework the clips kept so far: the page says so before anyone saves.
    assert "apply to clips stored from then on" in after


@pytest.mark.django_db
def test_saving_the_zones_page_keeps_both_kinds(client, resident):
    camera = CameraFactory(owner=resident)
    client.force_login(resident)

    response = client.post(
        reverse("cameras:zones", args=[camera.pk]),
        {"privacy_zones": json.dumps([SQUARE]), "motion_zones": json.dumps([TRIANGLE])},
    )

    assert response.status_code == 302
    camera.refresh_from_db()
    assert (camera.privacy_zones, camera.motion_zones) == ([SQUARE], [TRIANGLE])
    page = client.get(reverse("cameras:zones", args=[camera.pk])).content.decode()
    assert json.dumps([SQUARE]).replace('"', "&quot;") in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("sent", "message"),
    [
        ("[[[0, 0], [2, 0], [1, 1]]]", "outside the frame"),
        ("[[[0,0]", "could not be read"),
        (json.dumps([STAR]), "The edges of zone 1 cross: draw its corners in order around it."),
        ("[" * 3000, "could not be read"),
        ("[" * 100_000, "could not be read: they are too long"),
    ],
)
def test_wrong_zones_on_the_page_are_refused_and_the_saved_ones_stay(
    client, resident, sent, message
):
    camera = CameraFactory(owner=resident, privacy_zones=[SQUARE])
    client.force_login(resident)

    response = client.post(reverse("cameras:zones", args=[camera.pk]), {"privacy_zones": sent})

    assert response.status_code == 400
    assert message in response.content.decode()
    camera.refresh_from_db()
    assert camera.privacy_zones == [SQUARE]


@pytest.mark.django_db
def test_sending_one_kind_of_zones_keeps_the_other(client, resident):
    camera = CameraFactory(owner=resident, motion_zones=[TRIANGLE])
    client.force_login(resident)

    client.post(reverse("cameras:zones", args=[camera.pk]), {"privacy_zones": json.dumps([SQUARE])})

    camera.refresh_from_db()
    assert (camera.privacy_zones, camera.motion_zones) == ([SQUARE], [TRIANGLE])
