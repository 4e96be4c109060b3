"""Live cards respect the feed's filters and carry their time and comment count.

Two residents have the feed open on a real ASGI server: one filtered to lost pets with
the word "cat", one unfiltered. A moderator approves a lost cat and a cat seen on a
fence (another category): the filtered feed gets only the lost cat, the other both,
each marked new (visibly and for screen readers), with "now" and "0 comments".
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from commonwatch.community.tests.factories import CENTER, moderator, resident_at, submit
from commonwatch.geo.models import PlaceLabel
from commonwatch.geo.places import place_cell

pytestmark = [
    pytest.mark.browser,
    pytest.mark.worker,  # starts an app server process
    pytest.mark.usefixtures("transactional_db"),
]

LIVE_TIMEOUT_MS = 10_000


def test_live_cards_follow_the_filters_and_show_time_and_comments(open_asgi_page):
    author = resident_at(*CENTER)
    lost = submit(author, category="lost_pet", title="Grey cat missing", body="Answers to Misty.")
    other = submit(author, category="community", title="Cat on a fence", body="Sunning itself.")
    PlaceLabel.objects.create(
        cell=place_cell(lost.lat, lost.lng), label="Elm St & 41st Ave", geocoder="demo"
    )
    filtered = open_asgi_page(resident_at(CENTER[0] + 0.003, CENTER[1]))
    everything = open_asgi_page(resident_at(CENTER[0] - 0.003, CENTER[1]))
    filtered.page.goto(reverse("community:feed") + "?category=lost_pet&q=cat")
    everything.page.goto(reverse("community:feed"))
    for reader in (filtered, everything):
        expect(reader.page.locator("#live-status")).to_have_attribute("data-connected", "true")

    m = open_asgi_page(moderator())
    m.page.goto(reverse("moderation:queue"))
    for post in (other, lost):  # the other one first: it must not show in the filtered feed
        m.page.locator(f'.queue-item[data-post-id="{post.pk}"]').get_by_role(
            "button", name="Approve"
        ).click()
        expect(m.page.locator(f'.queue-item[data-post-id="{post.pk}"]')).to_have_count(0)

    both = everything.page.locator("#feed > article")
    expect(both).to_have_count(2, timeout=LIVE_TIMEOUT_MS)
    card = everything.page.locator(f'#feed > article[data-post-id="{lost.pk}"]')
    expect(card.locator(".badge.new")).to_have_text("New")
    expect(card.get_by_role("heading")).to_have_text("New: Grey cat missing")
    expect(card.get_by_role("link")).to_have_text("Grey cat missing")
    expect(card.locator("time")).to_have_text("now")
    expect(card.locator("time")).to_have_attribute("datetime", re.compile(r"^\d{4}-\d\d-\d\dT"))
    expect(card.locator(".comment-count")).to_have_text("0 comments")
    expect(card.locator(".distance")).to_have_text("0.2 mi")
    expect(card.locator(".place")).to_have_text("near Elm St & 41st Ave")
    everything.check(screenshot="reading-live-cards")

    only = filtered.page.locator("#feed > article")
    expect(only).to_have_count(1, timeout=LIVE_TIMEOUT_MS)
    expect(only).to_have_attribute("data-post-id", str(lost.pk))
    filtered.page.wait_for_timeout(500)
    expect(filtered.page.locator(f'[data-post-id="{other.pk}"]')).to_have_count(0)
    filtered.check()
