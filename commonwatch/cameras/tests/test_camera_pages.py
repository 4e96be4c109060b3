"""An owner registers, edits and removes cameras on the site's pages."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.urls import reverse

from commonwatch.accounts.tests.factories import HomeFactory, UserFactory
from commonwatch.cameras import services
from commonwatch.cameras.models import AgencyVisibility, Camera, Clip
from commonwatch.cameras.selectors import camera_for_device_token
from commonwatch.geo.approximate import approximate_location
from commonwatch.media.models import MediaFile
from commonwatch.media.storage import media_storage
from commonwatch.media.tests.factories import short_video

from .factories import CameraFactory, clip_of
from .helpers import PLACE, SQUARE, shown_token

pytestmark = pytest.mark.django_db

NOT_OFFERED = "Choose one of the options offered."
FORM = {
    "name": "Front door",
    "kind": "doorbell",
    "brand": "Ring",
    **PLACE,
    "agency_visibility": "aggregate",
}


def test_registering_a_camera_keeps_its_exact_point_and_shows_its_token_once(client, resident):
    client.force_login(resident)

    response = client.post(reverse("cameras:new"), FORM)

    camera = Camera.objects.get(owner=resident)
    assert response.status_code == 302
    assert response["Location"] == reverse("cameras:token", args=[camera.pk])
    shown = client.get(response["Location"])
    assert "“Front door” is registered." in shown.content.decode()
    raw = shown_token(shown)
    assert (camera.name, camera.kind, camera.brand) == ("Front door", "doorbell", "Ring")
    assert (camera.exact_lat, camera.exact_lng) == (PLACE["lat"], PLACE["lng"])
    assert (camera.lat, camera.lng) == approximate_location(PLACE["lat"], PLACE["lng"])
    assert camera.agency_visibility == AgencyVisibility.AGGREGATE
    assert camera.record_audio is False
    assert camera.token_digest == hashlib.sha256(raw.encode()).hexdigest()
    assert raw.startswith("cwcam_") and camera.token_prefix == raw[:12]
    assert camera_for_device_token(raw) == camera
    again = client.get(reverse("cameras:token", args=[camera.pk]))
    assert raw.encode() not in again.content
    assert camera.token_prefix.encode() in again.content


def test_reloading_after_registering_a_camera_registers_no_other(client, resident):
    client.force_login(resident)

    registered = client.post(reverse("cameras:new"), FORM)
    shown = client.get(registered["Location"])
    reloaded = client.get(registered["Location"])

    raw = shown_token(shown)
    assert Camera.objects.filter(owner=resident).count() == 1
    assert "no-store" in shown["Cache-Control"]
    assert raw.encode() not in reloaded.content
    assert b"is registered" not in reloaded.content
    assert raw not in str(dict(client.session))  # not kept in the session past its view


def test_the_new_camera_form_defaults_to_aggregate_and_audio_off_and_opens_near_home(client):
    home = HomeFactory(lat=40.0, lng=-105.0)
    client.force_login(home.user)

    page = client.get(reverse("cameras:new")).content.decode()

    assert re.search(r'value="aggregate"[^>]* checked>', page)
    assert re.search(r'name="record_audio"[^>]*>', page)
    assert not re.search(r'name="record_audio"[^>]* checked', page)
    assert 'data-center-lat="40.000000"' in page
    assert "removed from every clip" in page


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"name": "  "}, "name", "This field is required."),
        ({"kind": "webcam"}, "kind", NOT_OFFERED),
        ({"lat": "91"}, "lat", "less than or equal to 90"),
        ({"lng": "-181"}, "lng", "greater than or equal to -180"),
        ({"agency_visibility": "public"}, "agency_visibility", NOT_OFFERED),
    ],
)
def test_a_wrong_field_is_named_and_nothing_is_registered(client, resident, change, field, message):
    client.force_login(resident)

    response = client.post(reverse("cameras:new"), {**FORM, **change})

    assert response.status_code == 400
    assert message in str(response.context["form"].errors[field])
    assert not Camera.objects.exists()


def test_a_camera_at_0_0_is_refused_asking_where_it_really_is(client, resident):
    client.force_login(resident)

    response = client.post(reverse("cameras:new"), {**FORM, "lat": "0", "lng": "-0.0"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was saved." in page
    assert "The point 0, 0 is in the sea off West Africa" in page
    assert "Place the camera where it is: search its address" in page
    assert not Camera.objects.exists()


def test_the_owner_edits_name_point_agency_counting_and_audio(client, resident):
    camera = CameraFactory(owner=resident)
    client.force_login(resident)
    page = client.get(reverse("cameras:camera", args=[camera.pk])).content.decode()
    assert f'value="{camera.exact_lat}"' in page  # the owner sees their exact point

    response = client.post(
        reverse("cameras:camera", args=[camera.pk]),
        {
            **FORM,
            "name": "Garage",
            "lat": "39.75",
            "lng": "-105.0",
            "agency_visibility": "hidden",
            "record_audio": "on",
        },
    )

    assert response.status_code == 302
    camera.refresh_from_db()
    assert (camera.name, camera.agency_visibility, camera.record_audio) == (
        "Garage",
        "hidden",
        True,
    )
    assert (camera.exact_lat, camera.exact_lng) == (39.75, -105.0)
    assert (camera.lat, camera.lng) == approximate_location(39.75, -105.0)


def test_a_name_keeps_no_character_that_would_reorder_the_page_around_it(client, resident):
    """An override left open in a name ran on into the brand beside it ("X live")."""
    camera = CameraFactory(owner=resident)
    client.force_login(resident)
    fields = {**FORM, "lat": "39.75", "lng": "-105.0", "agency_visibility": "hidden"}

    client.post(reverse("cameras:camera", args=[camera.pk]), fields | {"name": "\u202eevil\u200b"})

    camera.refresh_from_db()
    assert camera.name == "evil"


def test_my_cameras_lists_mine_and_never_a_neighbors(client, resident):
    mine = CameraFactory(owner=resident, name="Porch")
    CameraFactory(owner=UserFactory(), name="Neighbor's yard")
    client.force_login(resident)

    page = client.get(reverse("cameras:list")).content.decode()

    assert "Porch" in page and reverse("cameras:camera", args=[mine.pk]) in page
    assert "Neighbor&#x27;s yard" not in page and "Neighbor's yard" not in page


def test_my_cameras_say_what_to_do_when_a_camera_has_no_token_or_zone(client, resident):
    bare = CameraFactory(owner=resident, name="Bare")
    ready = CameraFactory(owner=resident, name="Ready", privacy_zones=[SQUARE])
    two = CameraFactory(owner=resident, name="Two zones", privacy_zones=[SQUARE, SQUARE])
    services.rotate_device_token(owner=resident, camera=ready)
    ready.refresh_from_db()
    client.force_login(resident)

    page = client.get(reverse("cameras:list")).content.decode()

    token, zones = (reverse(name, args=[bare.pk]) for name in ("cameras:token", "cameras:zones"))
    assert f'<a href="{token}">not connected — make one</a>' in page
    assert f'<a href="{zones}">none yet — draw one</a>' in page
    assert f"<code>{ready.token_prefix}…</code>" in page
    assert f'<a href="{reverse("cameras:zones", args=[ready.pk])}">1 zone</a>' in page
    assert f'<a href="{reverse("cameras:zones", args=[two.pk])}">2 zones</a>' in page
    assert 'data-label="Privacy zones"' in page and ">none<" not in page
    assert "privacy zones</a>" not in page  # the column says what kind of zone
    assert 'data-label="Agencies">Area total only</td>' in page  # the form says it in full


def test_the_camera_form_tells_the_truth_about_who_sees_its_point(client, resident):
    client.force_login(resident)

    page = client.get(reverse("cameras:new")).content.decode()

    assert "Only you ever see this point" not in page
    assert "Only you see this point, unless you choose “Exact location” for agencies below." in (
        page
    )
    checked = re.search(r'value="aggregate"[^>]* checked>\s*([^<]+)</label>', page)
    assert checked.group(1).strip() == (
        "Counted in an area total only: agencies see how many cameras, not where"
    )
    assert "Hidden: agencies never count it or ask you for its footage" in page
    assert "Exact location: agencies see where this camera is" in page


def test_my_cameras_and_clip_settings_take_a_few_queries_however_many_cameras(
    client, resident, django_assert_max_num_queries
):
    for n, camera in enumerate(CameraFactory.create_batch(8, owner=resident)):
        clip_of(camera, data=short_video(fps=5 + n))  # each clip its own bytes
    client.force_login(resident)

    with django_assert_max_num_queries(8):
        client.get(reverse("cameras:list"))
    with django_assert_max_num_queries(10):
        client.get(reverse("cameras:storage"))


def test_removing_a_camera_without_clips_or_token_says_so_instead_of_counting_zero(
    client, resident
):
    bare = CameraFactory(owner=resident)
    connected = CameraFactory(owner=resident)
    services.rotate_device_token(owner=resident, camera=connected)
    client.force_login(resident)

    bare_question = client.get(reverse("cameras:remove", args=[bare.pk])).content.decode()
    connected_question = client.get(reverse("cameras:remove", args=[connected.pk])).content

    assert "It has no clips." in bare_question and "Its 0 clips" not in bare_question
    assert "device token" not in bare_question
    assert b"Its device token stops working." in connected_question


def test_removing_asks_first_then_deletes_the_camera_its_clips_and_their_files(
    client, resident, django_capture_on_commit_callbacks
):
    camera = CameraFactory(owner=resident)
    clip = clip_of(camera)
    names = [clip.media.name, clip.media.thumbnail_name]
    assert all(media_storage().exists(name) for name in names)
    client.force_login(resident)

    question = client.get(reverse("cameras:remove", args=[camera.pk]))
    assert b"Its 1 clip is deleted with it" in question.content
    assert Camera.objects.filter(pk=camera.pk).exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cameras:remove", args=[camera.pk]))

    assert response.status_code == 302
    assert not Camera.objects.exists()
    assert not Clip.objects.exists()
    assert not MediaFile.objects.exists()
    assert not any(media_storage().exists(name) for name in names)
