"""What a resident reads, in real Chromium at phone and desktop sizes under the strict CSP:
feed cards (distance, photo, age), search and an empty filtered feed, back after
"Older posts", and the post page (map of the area, carousel and lightbox by keyboard,
share link, "Found" set by its author only). Every page passes axe-core."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from commonwatch.community.models import Post
from commonwatch.community.tasks import queue_alerts
from commonwatch.community.tests.factories import CENTER, moderator, published, resident_at
from commonwatch.media.tests.factories import jpeg_with_gps, upload
from commonwatch.web.tests.conftest import DESKTOP, PHONE, wait_for_picture

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def _neighborhood(count: int):
    """An author at the centre with `count` posts a minute apart (newest: "Post 0",
    with a photo), and a reader ~330 m north."""
    author = resident_at(*CENTER)
    mod = moderator()
    now = timezone.now()
    for i in range(count):
        extra = {"uploads": [upload("a.jpg", jpeg_with_gps())]} if i == 0 else {}
        title = "Bicycle taken from the rack" if i == 3 else f"Post {i}"
        post = published(author, mod, title=title, body=f"Something happened, number {i}.", **extra)
        Post.objects.filter(pk=post.pk).update(published_at=now - timedelta(minutes=5 + i))
    return author, resident_at(CENTER[0] + 0.003, CENTER[1])


def test_feed_cards_search_empty_filters_and_back_after_older_posts(open_page):
    _author, reader = _neighborhood(23)
    visitor = open_page()
    visitor.sign_in_as(reader)
    page = visitor.page
    page.goto(reverse("community:feed"))

    newest = page.locator(".post-card").first
    expect(newest.locator(".distance")).to_have_text(re.compile(r"^0\.\d mi$"))
    expect(newest.locator(".author")).to_have_count(0)  # a neighbor's card names no author
    expect(newest.locator("time")).to_have_text("5 min")
    expect(newest.locator("time")).to_have_attribute("datetime", re.compile(r"^\d{4}-"))
    expect(newest.locator("time")).to_have_attribute("title", re.compile(r"\d"))
    thumb = newest.locator("img.card-thumb")
    expect(thumb).to_have_attribute("alt", "Photo attached to the post")
    wait_for_picture(thumb)
    expect(page.locator(".post-card")).to_have_count(20)
    visitor.check(screenshot="reading-feed")

    # Search by a word: the one post that holds it.
    page.get_by_label("Search posts").fill("bicycle")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".post-card")).to_have_count(1)
    expect(page.locator(".post-card h3")).to_have_text("Bicycle taken from the rack")
    visitor.check(screenshot="reading-search")

    # Nothing matches: the feed says so and offers to clear the filters.
    page.get_by_label("Search posts").fill("zeppelin")
    page.get_by_label("Category").select_option("crime")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("No post matches these filters.")).to_be_visible()
    visitor.check(screenshot="reading-empty-filter")
    page.get_by_role("link", name="Clear the filters").click()
    expect(page.locator(".post-card")).to_have_count(20)

    # Older posts, then a post, then back: the same place, the opened post in view.
    page.get_by_role("link", name="Older posts").click()
    expect(page.locator(".post-card")).to_have_count(23)
    expect(page).to_have_url(re.compile(r"cursor="))
    older_url = page.url
    page.locator(".post-card", has_text="Post 21").get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Post 21")
    page.go_back()
    expect(page).to_have_url(older_url)
    card = page.locator(".post-card", has_text="Post 21")
    expect(card).to_be_in_viewport()
    expect(card.get_by_role("link")).to_be_focused()
    expect(page.get_by_role("link", name="Newest posts")).to_be_visible()
    visitor.check(screenshot="reading-back-after-older")
    page.go_back()  # to the first page, as it was
    expect(page).to_have_url(re.compile(r"/feed/$"))


def test_the_unread_count_shows_on_the_phones_menu_button(open_page):
    _author, reader = _neighborhood(1)
    queue_alerts(post_id=Post.objects.get().pk)  # the reader moved in after it was posted
    visitor = open_page()
    visitor.sign_in_as(reader)
    page = visitor.page
    page.set_viewport_size(PHONE)
    page.goto(reverse("community:map"))
    badge = page.locator("summary #menu-unread")
    expect(badge).to_be_visible()
    expect(badge).to_have_text("1 unread")
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()  # menu still folded
    visitor.check(screenshot="reading-menu-unread")


def test_post_page_map_carousel_lightbox_share_and_found(open_page):
    author = resident_at(*CENTER)
    post = published(
        author,
        title="Grey cat missing",
        category="lost_pet",
        body="Answers to Misty.",
        uploads=[upload("a.jpg", jpeg_with_gps()), upload("b.jpg", jpeg_with_gps())],
    )
    reader = resident_at(CENTER[0] + 0.003, CENTER[1])

    neighbor = open_page()
    neighbor.context.grant_permissions(["clipboard-read", "clipboard-write"])
    neighbor.sign_in_as(reader)
    page = neighbor.page
    page.goto(reverse("community:post", args=[post.pk]))
    area = page.locator("#post-map")
    expect(area).to_have_attribute("data-ready", "true")
    expect(area.locator(".leaflet-overlay-pane path")).to_have_count(1)  # the hexagon
    expect(area.locator(".leaflet-marker-icon")).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("Mark as"))).to_have_count(0)

    carousel = page.locator("#post-carousel")
    expect(carousel.locator(".carousel-counter")).to_have_text("1 of 2")
    carousel.get_by_role("button", name="Next photo").click()
    expect(carousel.locator(".carousel-counter")).to_have_text("2 of 2")
    page.keyboard.press("ArrowLeft")
    expect(carousel.locator(".carousel-counter")).to_have_text("1 of 2")
    neighbor.check(screenshot="reading-post")

    # The lightbox by keyboard: Enter opens, arrows move, Escape closes and gives focus back.
    opener = carousel.locator(".lightbox-open").first
    opener.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator("figcaption")).to_have_text("Photo attached to the post (1 of 2)")
    expect(dialog.locator("img")).to_have_attribute("alt", "Photo attached to the post")
    page.keyboard.press("ArrowRight")
    expect(dialog.locator("figcaption")).to_contain_text("(2 of 2)")
    neighbor.check(screenshot="reading-lightbox")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(opener).to_be_focused()

    # Share: the link is copied where the device has no share sheet.
    page.get_by_role("button", name="Share link").click()
    expect(page.locator("#share-status")).to_have_text("Link copied.")
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied.endswith(reverse("community:post", args=[post.pk]))

    # The author marks the cat found; the neighbor sees it on the post and the card.
    owner = open_page()
    owner.sign_in_as(author)
    owner.page.set_viewport_size(DESKTOP)
    owner.page.goto(reverse("community:post", args=[post.pk]))
    owner.page.get_by_role("button", name="Mark as found").click()
    expect(owner.page.locator("#resolved-badge")).to_have_text("Found")
    expect(owner.page.get_by_role("button", name="Open again")).to_be_visible()
    owner.check(screenshot="reading-post-found")
    page.goto(reverse("community:feed"))
    expect(page.locator(".post-card .badge.resolved")).to_have_text("Found")
    neighbor.check()
