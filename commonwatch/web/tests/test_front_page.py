import pytest

from commonwatch.accounts.roles import Role
from commonwatch.accounts.tests.factories import staff_with_mfa
from commonwatch.community.tests.factories import CENTER, resident_at

pytestmark = pytest.mark.django_db


def test_a_resident_sees_their_radius_in_miles_and_the_way_to_the_feed(client):
    client.force_login(resident_at(*CENTER, radius_mi=1.5))
    page = client.get("/").content.decode()
    assert "within 1.5 miles of your home" in page
    assert 'href="/feed/"' in page


def test_a_moderator_is_pointed_to_the_queue(client):
    client.force_login(staff_with_mfa(Role.MODERATOR))
    assert "Open the moderation queue" in client.get("/").content.decode()


def test_a_visitor_is_invited_to_join(client):
    assert "Join your neighborhood" in client.get("/").content.decode()
