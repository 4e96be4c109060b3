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
from commonwatch.web.tests.conftest import PHONE

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
