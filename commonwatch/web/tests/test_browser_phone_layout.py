"""What a phone (390 px) shows, in real Chromium: no room wasted, nothing broken apart.

Findings of a walk through the demo city on a phone: the notification choices took a
row each (the settings page was 3,600 px tall), a card's label that wrapped pushed its
value's second line two lines down, and the facts under a post ("Neighbor #1", "0.4 mi")
broke in the middle at the end of a line.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from commonwatch.accounts.tests.factories import HomeFactory
from commonwatch.community import services as community
from commonwatch.community.tests.factories import CENTER, moderator, published, resident_at
from commonwatch.media.tests.factories import jpeg_with_gps, upload
from commonwatch.moderation import services as moderation
from commonwatch.web.tests.conftest import PHONE, wait_for_picture

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def _top(locator) -> float:
    return locator.bounding_box()["y"]


def test_notification_choices_sit_two_to_a_row_on_a_phone(open_page):
    checked = open_page()
    checked.sign_in_as(HomeFactory().user)
    page = checked.page
    assert page.viewport_size == PHONE
    page.goto(reverse("notifications:settings"))
    page.wait_for_load_state("load")

    crime = page.get_by_role("group", name="Crime", exact=True)
    push, email = crime.get_by_label("Instant push"), crime.get_by_label("Instant e-mail")
    digest, off = crime.get_by_label("Daily digest"), crime.get_by_label("Off")
    assert _top(push) == _top(email) and _top(digest) == _top(off) > _top(push)
    comments = page.get_by_role("group", name="Comments on your posts")
    assert _top(comments.get_by_label("Instant push")) == _top(
        comments.get_by_label("Instant e-mail")
    )
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    checked.check("notification-settings")


# The facts that must stay whole: a distance, an author, a card's or comment's age, a count.
WHOLE = ".meta :is(.distance, .author, .comment-count), :is(.post-card, .comment) .meta time"
BROKEN = f"""() => [...document.querySelectorAll("{WHOLE}")]
    .filter(part => part.getClientRects().length > 1).map(part => part.textContent)"""


def test_the_facts_under_a_post_never_break_in_the_middle(open_page):
    """At every phone width from 320 to 440 px, on the feed and the post page."""
    author, reader = resident_at(*CENTER), resident_at(CENTER[0] + 0.004, CENTER[1])
    post = published(author, title="Gate left open at the community garden")
    commenter = resident_at(CENTER[0] - 0.002, CENTER[1])
    comment = community.add_comment(author=commenter, post=post, body="Closed it on my way.")
    moderation.approve_comment(moderator=moderator(), comment=comment)
    checked = open_page()
    checked.sign_in_as(reader)
    page = checked.page
    for path in (reverse("community:feed"), reverse("community:post", args=[post.pk])):
        page.goto(path)
        page.wait_for_load_state("load")
        expect(page.locator(WHOLE).first).to_be_visible()
        for width in range(320, 441, 2):
            page.set_viewport_size({"width": width, "height": 800})
            assert page.evaluate(BROKEN) == [], f"{path} at {width} px"
    page.set_viewport_size(PHONE)
    checked.check("post-facts")


def test_a_touch_phone_is_not_told_how_to_move_the_pin_with_arrow_keys(open_page):
    checked = open_page()
    checked.sign_in_as(HomeFactory().user)
    page = checked.page
    page.goto(reverse("accounts:home"))
    keys = page.locator("#home-map-keys")
    expect(keys).to_be_visible()  # a mouse, or a keyboard: the instructions are there
    cdp = checked.context.new_cdp_session(page)
    cdp.send("Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 5})
    page.reload()
    assert page.evaluate("matchMedia('(hover: none) and (pointer: coarse)').matches")
    expect(keys).to_be_hidden()
    expect(page.locator("#home-map")).to_have_attribute("aria-describedby", "home-map-keys")
    checked.check()


def test_the_preview_of_a_newcomers_circle_shows_cards_as_the_feed_does(open_page):
    """The preview's cards had none of the feed's card styles (a photo's thumbnail at its
    own size under the text) and its heading sat alone in a box like an empty card."""
    author, newcomer = resident_at(*CENTER), resident_at(CENTER[0] + 0.003, CENTER[1])
    published(author, title="Fallen tree on the path", uploads=[upload("a.jpg", jpeg_with_gps())])
    checked = open_page()
    checked.sign_in_as(newcomer)
    page = checked.page
    thumbs = {}
    for path in (reverse("community:feed"), reverse("community:preview") + "?welcome=1"):
        page.goto(path)
        thumb = page.locator(".post-card img.card-thumb")
        wait_for_picture(thumb)
        thumbs[path] = thumb.bounding_box()["width"]
    assert len(set(thumbs.values())) == 1, thumbs
    heading = page.get_by_role("heading", name="The newest of them")
    assert heading.evaluate("h => getComputedStyle(h).borderTopStyle") == "none"
    checked.check("preview-cards")
