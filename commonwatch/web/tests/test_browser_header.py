"""The site header at every width, for everyone who signs in, in real Chromium.

From a 320 px phone to a 1440 px desktop (an iPad upright is 768 to 820 px) the page
never scrolls sideways because of the header, however many menu links the person has: a
resident with unread alerts, an agency admin, a moderator (a dozen links), an operator.
Every link is reachable: on the screen, or behind the "Menu" button that opens it. On a
phone the unread count stays on that button. On a tablet the links wrap onto a second row
beside the name instead of running off the screen, the keyboard reaches each of them with
its focus ring showing, and the page passes axe-core.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from commonwatch.accounts.tests.factories import operator
from commonwatch.community.tasks import queue_alerts
from commonwatch.community.tests.factories import CENTER, moderator, published, resident_at
from commonwatch.organizations.models import Kind, Role
from commonwatch.organizations.tests.factories import member_of, organization
from commonwatch.web.tests.conftest import SCREENSHOT_DIR

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

WIDTHS = (320, 390, 768, 820, 1024, 1280, 1440)
HEIGHT = 900
TABLET = 820  # an iPad Air upright: the screenshots' width


def a_resident_with_unread_alerts():
    """A resident near a new post: "Near you" and "Notifications" carry its count."""
    author = resident_at(*CENTER)
    post = published(author, title="Gate left open", body="The side gate was open all night.")
    reader = resident_at(CENTER[0] + 0.003, CENTER[1])
    queue_alerts(post_id=post.pk)  # the reader moved in after it was posted
    return reader, reverse("community:map")  # the feed would mark the alerts read


def an_agency_admin():
    agency = organization(Kind.AGENCY, name="Riverside Police Department")
    return member_of(agency, Role.ADMIN), reverse("organizations:organization", args=[agency.slug])


def a_moderator():
    return moderator(), reverse("moderation:queue")


def an_operator():
    return operator(), reverse("web:home")


PEOPLE = {
    "resident": a_resident_with_unread_alerts,
    "agency-admin": an_agency_admin,
    "moderator": a_moderator,
    "operator": an_operator,
}


def resize(page, width: int) -> None:
    """The new width, once nav.js has opened or folded the menu for it (on the media
    query's change event, which comes with the next frame, not with the resize)."""
    page.set_viewport_size({"width": width, "height": HEIGHT})
    page.wait_for_function(
        """w => window.innerWidth === w && document.querySelector(".nav-menu").open
               === matchMedia("(min-width: 48rem)").matches""",
        arg=width,
    )


def header_links(page):
    return page.locator(".site-header nav").get_by_role("link", include_hidden=True)


def inside_the_screen(page, locator) -> bool:
    box = locator.bounding_box()
    width = page.viewport_size["width"]
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width


def assert_every_link_is_reachable(page, width: int) -> None:
    links = header_links(page)
    labels = links.evaluate_all("ls => ls.map(l => l.textContent.trim())")
    menu_button = page.locator(".nav-menu > summary")
    folded = not links.first.is_visible()
    if folded:
        expect(menu_button, f"at {width} px the links are hidden and so is Menu").to_be_visible()
        menu_button.click()
    for index in range(links.count()):
        link = links.nth(index)
        expect(link).to_be_visible()
        assert inside_the_screen(page, link), f"at {width} px {labels[index]!r} is off the screen"
    assert fits_the_screen(page), f"at {width} px the open menu scrolls sideways"
    if folded:
        menu_button.click()
        expect(links.first).to_be_hidden()


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("who", PEOPLE)
def test_the_header_fits_every_width_and_every_link_is_reachable(open_page, who):
    person, path = PEOPLE[who]()
    checked = open_page()
    checked.sign_in_as(person)
    page = checked.page
    page.goto(path)
    page.wait_for_load_state("load")
    expect(header_links(page)).not_to_have_count(0)

    too_wide = []
    for width in WIDTHS:
        resize(page, width)
        if not fits_the_screen(page):
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            too_wide.append(f"{width} px (the page is {scroll_width} px wide)")
            continue
        assert_every_link_is_reachable(page, width)
    assert not too_wide, f"as {who}, the page scrolls sideways at " + ", ".join(too_wide)

    # A phone keeps the unread count on the folded menu's button.
    if who == "resident":
        resize(page, 390)
        expect(page.locator(".nav-menu > summary #menu-unread")).to_be_visible()
        # Opened from the keyboard, Escape folds it again with the focus on its button.
        menu_button = page.locator(".nav-menu > summary")
        menu_button.focus()
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        expect(header_links(page).first).to_be_focused()
        page.keyboard.press("Escape")
        expect(header_links(page).first).to_be_hidden()
        expect(menu_button).to_be_focused()

    # An upright iPad: the links are on the screen, each reached by Tab with its focus
    # ring showing; the page passes axe-core.
    resize(page, TABLET)
    links = header_links(page)
    expect(page.locator(".nav-menu > summary")).to_be_hidden()
    page.locator(".site-header .brand").focus()
    for index in range(links.count()):
        page.keyboard.press("Tab")
        link = links.nth(index)
        expect(link).to_be_focused()
        assert link.evaluate("a => getComputedStyle(a).outlineStyle") == "solid"
    page.evaluate("document.activeElement.blur()")
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / f"header-{who}-{TABLET}.png"))
    checked.check()
