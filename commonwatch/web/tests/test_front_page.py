import pytest

from commonwatch.accounts.tests.factories import sign_in
from commonwatch.community.tests.factories import CENTER, moderator, resident_at

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "radius_mi, said", [(1.5, "1.5 miles"), (1, "1 mile "), (0.25, "0.25 miles")]
)
def test_a_resident_sees_their_radius_in_miles_and_the_way_to_the_feed(client, radius_mi, said):
    client.force_login(resident_at(*CENTER, radius_mi=radius_mi))
    page = client.get("/").content.decode()
    assert f"within {said}" in page
    assert 'href="/feed/"' in page


def test_a_moderator_is_pointed_to_the_queue(client):
    sign_in(client, moderator())
    assert "Open the moderation queue" in client.get("/").content.decode()


def test_a_visitor_is_invited_to_join(client):
    assert "Join your neighborhood" in client.get("/").content.decode()


def test_the_front_page_shows_the_app_with_a_described_picture(client):
    page = client.get("/").content.decode()
    assert 'src="/static/web/landing-feed.webp"' in page
    assert 'alt="A phone showing the Near you feed of the demo city' in page


def test_the_front_page_lists_cameras_and_push_and_promises_agencies_only_as_coming(
    client, settings
):
    settings.GEOCODER = ""
    page = client.get("/").content.decode()
    assert "Your own camera footage, kept for you alone" in page
    assert "a push message on your phone or computer" in page
    assert "Local agencies posting alerts and asking residents for footage" in page
    assert "are being built" in page
    for not_built in ("puts every agency request", "Every agency action is public", "portal"):
        assert not_built not in page
    assert "set it by address" not in page  # no geocoder, no address search promised
    settings.GEOCODER = "demo"
    assert "set it by address" in client.get("/").content.decode()


def test_the_privacy_policy_says_what_cameras_keep_and_that_only_the_owner_sees_clips(client):
    page = client.get("/privacy/").content.decode()
    assert "If you add cameras" in page
    assert "Your cameras and clips: only you" in page
    assert "Cameras, agencies and their requests are not part" not in page


def test_the_menu_marks_the_page_you_are_on(client):
    client.force_login(resident_at(*CENTER))
    page = client.get("/feed/map/").content.decode()
    assert page.count('aria-current="page"') == 1
    assert '<a href="/feed/map/" aria-current="page">' in page
