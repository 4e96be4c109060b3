"""Dark mode and keyboard focus, in a real browser under the app's strict CSP.

With the system set to dark, the front page and the public pages pass axe-core's
contrast checks, and the link a keyboard user tabs to shows an outline.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from commonwatch.accounts.tests.factories import UserFactory
from commonwatch.community.tests.factories import CENTER, published, resident_at
from commonwatch.web.tests.conftest import submit_form

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

FOCUSED_OUTLINE = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return {tag: el.tagName, style: style.outlineStyle, width: parseFloat(style.outlineWidth)};
}"""


def _assert_focus_is_visible(page) -> None:
    focused = page.evaluate(FOCUSED_OUTLINE)
    assert focused["tag"] == "A", focused
    assert focused["style"] not in ("none", "auto") and focused["width"] >= 2, focused


def test_dark_mode_passes_axe_and_keyboard_focus_shows(open_page):
    visitor = open_page()
    page = visitor.page
    page.emulate_media(color_scheme="dark")
    page.goto("/")
    assert page.evaluate("() => matchMedia('(prefers-color-scheme: dark)').matches")
    background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    assert background != "rgb(246, 247, 245)", "the dark palette did not apply"
    visitor.check(screenshot="dark-front-page")

    page.keyboard.press("Tab")  # the skip link
    _assert_focus_is_visible(page)
    page.keyboard.press("Tab")  # the brand, in the header
    _assert_focus_is_visible(page)

    page.get_by_role("navigation", name="Site").get_by_role(
        "link", name="Community guidelines"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Community guidelines")
    visitor.check(screenshot="guidelines")
    page.get_by_role("link", name="Read the moderation log").focus()
    _assert_focus_is_visible(page)

    for name in ("web:privacy", "web:terms", "moderation:log", "account_login", "account_signup"):
        page.goto(reverse(name))
        visitor.check()


def test_the_public_pages_pass_axe_in_light_mode(open_page):
    visitor = open_page()
    page = visitor.page
    page.emulate_media(color_scheme="light")
    for name, shot in (
        ("web:guidelines", "guidelines-light"),
        ("web:privacy", "privacy"),
        ("web:terms", "terms"),
    ):
        page.goto(reverse(name))
        visitor.check(screenshot=shot)


def test_a_residents_pages_pass_axe_in_dark_mode(open_page):
    author = resident_at(*CENTER)
    published(author)
    reader = open_page()
    reader.sign_in_as(resident_at(*CENTER))
    reader.page.emulate_media(color_scheme="dark")
    for name, shot in (("community:feed", "dark-feed"), ("community:new", None)):
        reader.page.goto(reverse(name))
        reader.check(screenshot=shot)


@pytest.mark.parametrize("how", ["tap", "key"])
def test_a_page_left_at_once_still_tells_the_next_one_this_devices_time_zone(open_page, how):
    """The zone is read late, to keep a slow phone's first page quick, but never after
    the person's first tap or key: the page they open next already has it."""
    checked = open_page(time_zone="America/Denver")
    page = checked.page
    page.goto(reverse("web:home"))
    assert "tz" not in {c["name"] for c in checked.context.cookies()}  # not read yet

    guidelines = page.get_by_role("link", name="Community guidelines")
    with page.expect_request(lambda request: request.url.endswith("/guidelines/")) as asked:
        if how == "tap":
            guidelines.click()
        else:
            guidelines.focus()
            page.keyboard.press("Enter")

    assert "tz=America/Denver" in asked.value.all_headers().get("cookie", "")


def test_a_long_e_mail_address_wraps_on_a_320_px_screen(open_page):
    """WCAG reflow: "Signed in as alexandra.konstantinopoulou@…" has nowhere to break,
    and the account page scrolled sideways on a 320 px phone."""
    person = UserFactory(email="alexandra.konstantinopoulou@riversideneighbors.example.org")
    checked = open_page()
    checked.sign_in_as(person)
    page = checked.page
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(reverse("accounts:settings"))
    page.wait_for_load_state("load")

    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_a_mistyped_address_is_corrected_from_the_code_page(open_page):
    """Signing in by code: the code's page leads back to the address form with the
    address typed in it, where allauth's offered only Cancel (which forgot it)."""
    person = UserFactory(email="jordan.lee@example.org")
    checked = open_page()
    page = checked.page
    page.goto(reverse("account_request_login_code"))
    page.get_by_label("Email").fill("jordan.leee@example.org")
    submit_form(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter sign-in code")
    expect(page.get_by_text("If an account uses jordan.leee@example.org")).to_be_visible()
    checked.check(screenshot="sign-in-code")

    page.get_by_role("button", name="Use another address").click()

    address = page.get_by_label("Email")
    expect(address).to_have_value("jordan.leee@example.org")
    checked.check()
    address.fill(person.email)
    submit_form(page)
    expect(page.get_by_text(f"If an account uses {person.email}")).to_be_visible()
