"""A lost cat found: its author marks the post "Found" and neighbors' open pages show it
at once, on the feed card and on the post's page, over the live socket; opened again,
the mark goes away. Real ASGI server, real Chromium, axe-core on every page."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from commonwatch.community.tests.factories import CENTER, moderator, published, resident_at

pytestmark = [
    pytest.mark.browser,
    pytest.mark.worker,  # starts an app server process
    pytest.mark.usefixtures("transactional_db"),
]

LIVE_TIMEOUT_MS = 10_000
RESOLVED = re.compile(r"\bis-resolved\b")


def test_found_shows_live_on_neighbors_feed_and_post_page(open_asgi_page):
    author = resident_at(*CENTER)
    post = published(
        author, moderator(), category="lost_pet", title="Grey cat missing", body="Answers to Misty."
    )
    feed = open_asgi_page(resident_at(CENTER[0] + 0.003, CENTER[1]))
    page = open_asgi_page(resident_at(CENTER[0] - 0.003, CENTER[1]))
    feed.page.goto(reverse("community:feed"))
    page.page.goto(reverse("community:post", args=[post.pk]))
    expect(feed.page.locator("#live-status")).to_have_attribute("data-connected", "true")
    expect(page.page.locator("#post-live")).to_have_attribute("data-connected", "true")
    card = feed.page.locator(f'#feed [data-post-id="{post.pk}"]')
    article = page.page.locator("#post-full")
    expect(card.locator(".badge.resolved")).to_have_count(0)

    owner = open_asgi_page(author)
    owner.page.goto(reverse("community:post", args=[post.pk]))
    owner.page.get_by_role("button", name="Mark as found").click()
    expect(owner.page.locator("#resolved-badge")).to_have_text("Found")

    expect(card.locator(".badge.resolved")).to_have_text("Found", timeout=LIVE_TIMEOUT_MS)
    expect(card).to_have_class(RESOLVED)
    expect(article.locator(".badge.resolved")).to_have_text("Found", timeout=LIVE_TIMEOUT_MS)
    expect(page.page.locator("#post-live")).to_have_text("Its author marked it Found.")
    feed.check(screenshot="live-found-feed")
    page.check(screenshot="live-found-post")

    owner.page.get_by_role("button", name="Open again").click()
    expect(card.locator(".badge.resolved")).to_have_count(0, timeout=LIVE_TIMEOUT_MS)
    expect(article.locator(".badge.resolved")).to_have_count(0, timeout=LIVE_TIMEOUT_MS)
    expect(page.page.locator("#post-live")).to_have_text("Its author opened it again.")
    expect(card).not_to_have_class(RESOLVED)
    expect(article).not_to_have_class(RESOLVED)
