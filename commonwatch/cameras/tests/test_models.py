import pytest

from commonwatch.cameras.models import AgencyVisibility
from commonwatch.geo.approximate import approximate_location

from .factories import CameraFactory

pytestmark = pytest.mark.django_db


def test_a_camera_keeps_its_exact_point_apart_from_the_public_cell_centre():
    camera = CameraFactory(exact_lat=39.74001, exact_lng=-104.99102)

    assert (camera.exact_lat, camera.exact_lng) == (39.74001, -104.99102)
    assert (camera.lat, camera.lng) == approximate_location(39.74001, -104.99102)
    assert (camera.lat, camera.lng) != (39.74001, -104.99102)


def test_agencies_count_a_new_camera_only_in_an_aggregate_and_audio_is_off():
    camera = CameraFactory()

    assert camera.agency_visibility == AgencyVisibility.AGGREGATE
    assert camera.record_audio is False
