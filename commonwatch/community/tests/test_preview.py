"""After setting a home, the resident sees what their circle holds, by the feed's rules."""

from __future__ import annotations

from django.urls import reverse

from commonwatch.accounts.tests.factories import UserFactory, sign_in
from commonwatch.community.tests.factories import (
    CENTER,
    published,
    resident_at,
    resident_just_outside,
    submit,
)


def test_saving_a_first_home_leads_to_the_preview_then_notification_choices(client, author):
    newcomer = UserFactory()
    sign_in(client, newcomer)
    published(author, title="Bike stolen from the rack", category="crime")
    published(author, title="Grey cat missing", category="lost_pet")
    published(author, title="Another bike gone", category="crime")
    submit(author, title="Still waiting for review")
    published(resident_just_outside(), title="Too far to see", lat=CENTER[0] + 0.03)

    saved = client.post(
        reverse("accounts:home"), {"lat": CENTER[0], "lng": CENTER[1], "radius_mi": 1}
    )
    assert saved["Location"] == reverse("community:preview") + "?welcome=1"

    page = client.get(saved["Location"]).content.decode()
    assert "Step 2 of 3" in page
    assert "3 posts were shared inside your alert circle" in page
    assert "Crime</span> 2" in page and "Lost pet</span> 1" in page
    assert "Another bike gone" in page and "Grey cat missing" in page
    assert "Still waiting for review" not in page and "Too far to see" not in page
    assert "/notifications/settings/?next=/feed/" in page


def test_a_newcomer_who_changes_the_circle_at_step_2_goes_on_to_step_3(client, db):
    """Back from the preview to widen the circle, a newcomer is still walked through."""
    newcomer = UserFactory()
    sign_in(client, newcomer)
    first = client.post(
        reverse("accounts:home"), {"lat": CENTER[0], "lng": CENTER[1], "radius_mi": 1}
    )
    preview = client.get(first["Location"]).content.decode()
    change = reverse("accounts:home") + "?welcome=1"
    assert f'href="{change}"' in preview

    assert "Step 1 of 3" in client.get(change).content.decode()
    again = client.post(change, {"lat": CENTER[0], "lng": CENTER[1], "radius_mi": 2})
    assert again["Location"] == reverse("community:preview") + "?welcome=1"
    assert "Next: choose how you are told" in client.get(again["Location"]).content.decode()


def test_moving_a_home_shows_the_preview_without_the_walk_through(client, author):
    sign_in(client, author)
    moved = client.post(
        reverse("accounts:home"), {"lat": CENTER[0] + 0.001, "lng": CENTER[1], "radius_mi": 1}
    )
    assert moved["Location"] == reverse("community:preview")
    page = client.get(moved["Location"]).content.decode()
    assert "Step 2 of 3" not in page
    assert "Nothing was posted inside your alert circle" in page
    assert 'href="/feed/"' in page


def test_notification_choices_continue_to_the_walk_through_s_next_page_only_on_this_site(
    client, author
):
    sign_in(client, author)
    saved = client.post("/notifications/settings/", {"next": "/feed/", "time_zone": "UTC"})
    assert saved["Location"] == "/feed/"
    elsewhere = client.post(
        "/notifications/settings/", {"next": "https://evil.example/", "time_zone": "UTC"}
    )
    assert elsewhere["Location"] == "/notifications/settings/"


def test_the_preview_never_counts_what_the_resident_cannot_see(client, author):
    neighbor = resident_at(CENTER[0] + 0.003, CENTER[1], radius_mi=0.25)
    published(author, title="Just outside a quarter mile", lat=CENTER[0] - 0.002)
    sign_in(client, neighbor)
    page = client.get(reverse("community:preview")).content.decode()
    assert "Nothing was posted" in page


def test_without_a_home_the_preview_sends_the_resident_to_set_one(client, db):
    """There is no circle to describe: it said "nothing was posted inside your circle"."""
    sign_in(client, UserFactory())

    assert client.get(reverse("community:preview"))["Location"] == reverse("accounts:home")
    welcomed = client.get(reverse("community:preview") + "?welcome=1")
    assert welcomed["Location"] == reverse("accounts:home") + "?welcome=1"
