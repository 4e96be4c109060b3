import pytest

from commonwatch.accounts.tests.factories import sign_in
from commonwatch.community.tests.factories import CENTER, moderator, resident_at

pytestmark = pytest.mark.django_db


def test_a_resident_sees_their_radius_in_miles_and_the_way_to_the_feed(client):
    client.force_login(resident_at(*CENTER, radius_mi=1.5))
    page = client.get("/").content.decode()
    assert "within 1.5 miles of your home" in page
    assert 'href="/feed/"' in page


def test_a_moderator_is_pointed_to_the_queue(client):
    sign_in(client, moderator())
    assert "Open the moderation queue" in client.get("/").content.decode()


def test_a_visitor_is_invited_to_join(client):
    assert "Join your neighborhood" in client.get("/").content.decode()
