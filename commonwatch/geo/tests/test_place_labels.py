"""Place labels name a post's public cell, are filled in the background, and show on cards."""

from __future__ import annotations

import pytest
from django.test import TestCase
from django.utils.html import escape

from commonwatch.accounts.tests.factories import sign_in
from commonwatch.community.selectors import feed_for, post_card
from commonwatch.community.tests.factories import CENTER, published, resident_at, submit
from commonwatch.core.models import OutboxMessage
from commonwatch.demo.geocoder import DemoGeocoder
from commonwatch.geo.cells import cell_center
from commonwatch.geo.models import PlaceLabel
from commonwatch.geo.places import place_cell
from commonwatch.geo.selectors import place_labels
from commonwatch.geo.services import label_place

EXACT = (CENTER[0] + 0.0004, CENTER[1] + 0.0004)


@pytest.fixture
def demo_geocoder(settings):
    settings.GEOCODER, settings.GEOCODER_URL = "demo", ""


@pytest.fixture
def author(db):
    return resident_at(*CENTER)


@pytest.fixture
def neighbor(db):
    return resident_at(CENTER[0] + 0.003, CENTER[1])


def test_publishing_names_the_cell_of_the_public_point_not_the_exact_one(
    demo_geocoder, author, neighbor
):
    post = published(author, lat=EXACT[0], lng=EXACT[1])
    cell = place_cell(post.lat, post.lng)
    expected = DemoGeocoder().reverse(*cell_center(cell))
    assert PlaceLabel.objects.get().cell == cell
    assert place_labels([cell]) == {cell: expected}
    card = feed_for(neighbor).posts[0]
    assert card["place_label"] == expected
    assert post_card(post, author)["place_label"] == expected  # the author too: the cell's


def test_a_post_waiting_for_review_shows_its_author_the_place_name(demo_geocoder, author, client):
    """Its author sees it from the moment it is sent: named, not "near 39.7394, -104.9902"."""
    post = submit(author, lat=EXACT[0], lng=EXACT[1])
    cell = place_cell(post.lat, post.lng)
    expected = DemoGeocoder().reverse(*cell_center(cell))
    sign_in(client, author)
    page = client.get(f"/feed/posts/{post.pk}/").content.decode()
    assert "not published yet" in page
    assert f"near {escape(expected)}" in page
    assert f"near {post.lat:.4f}" not in page


def test_the_feed_post_page_and_api_show_the_label(demo_geocoder, author, neighbor, client):
    post = published(author)
    label = place_labels([place_cell(post.lat, post.lng)])[place_cell(post.lat, post.lng)]
    sign_in(client, neighbor)
    shown = f"near {escape(label)}"
    assert shown in client.get("/feed/").content.decode()
    assert shown in client.get(f"/feed/posts/{post.pk}/").content.decode()
    assert client.get(f"/api/v1/posts/{post.pk}").json()["place_label"] == label
    assert client.get("/api/v1/feed").json()["posts"][0]["place_label"] == label


def test_a_cell_already_named_is_not_asked_again(demo_geocoder, author):
    published(author)
    published(author, title="Second streetlight out")
    assert OutboxMessage.objects.filter(kind="geo.label_place").count() == 1


def test_without_a_geocoder_no_label_is_asked_or_shown(settings, author, neighbor):
    settings.GEOCODER = ""
    published(author)
    assert not OutboxMessage.objects.filter(kind="geo.label_place").exists()
    assert feed_for(neighbor).posts[0]["place_label"] is None


def test_a_point_outside_any_named_place_stores_no_label_and_shows_none(demo_geocoder, db):
    cell = place_cell(CENTER[0] + 2, CENTER[1])
    with TestCase.captureOnCommitCallbacks(execute=True):
        label_place(cell=cell)
    assert PlaceLabel.objects.get(cell=cell).label == ""
    assert place_labels([cell]) == {}


def test_a_page_of_cards_reads_names_once_and_sees_a_new_name_within_seconds(
    demo_geocoder, db, monkeypatch
):
    """The worker names a new post's cell in its own process: an app server that asked
    before shows the name seconds later (it took ten minutes, a tester saw)."""
    from commonwatch.geo import selectors

    clock = [1000.0]
    monkeypatch.setattr(selectors.time, "monotonic", lambda: clock[0])
    cell = place_cell(*CENTER)
    assert place_labels([cell]) == {}  # no name yet, and that is remembered briefly
    PlaceLabel.objects.create(cell=cell, label="Elm St", geocoder="demo")  # the worker
    assert place_labels([cell]) == {}
    clock[0] += selectors.PLACE_UNNAMED_SECONDS
    assert place_labels([cell]) == {cell: "Elm St"}

    PlaceLabel.objects.filter(cell=cell).update(label="Oak St")
    clock[0] += selectors.PLACE_LABEL_SECONDS - 1
    assert place_labels([cell]) == {cell: "Elm St"}  # a name is kept for minutes
    label_place(cell=cell)  # named again in this process: forgotten here at once
    assert place_labels([cell]) == {cell: DemoGeocoder().reverse(*cell_center(cell))}


def test_names_already_read_cost_no_query(demo_geocoder, author, django_assert_num_queries):
    post = published(author)
    cells = [place_cell(post.lat, post.lng), place_cell(*EXACT)]
    place_labels(cells)

    with django_assert_num_queries(0):
        place_labels(cells)
