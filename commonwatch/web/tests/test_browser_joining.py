"""Acceptance, in a real browser: a newcomer joins and finds their home the ways people expect.

They sign up, confirm from the e-mail (which signs them in), find a demo address by
search, nudge the pin with the keyboard, widen the radius, save, and see what their
circle holds, turn push on, choose how they are told and reach the feed. "Use my
location" places the pin from the browser's geolocation, and says so when refused.
Every page passes axe-core and logs no CSP violation, at phone and desktop sizes.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from commonwatch.accounts.models import Home
from commonwatch.accounts.tests.factories import UserFactory
from commonwatch.community.tests.factories import published, resident_at
from commonwatch.demo.geocoder import DemoGeocoder
from commonwatch.web.tests.conftest import path_is, submit_form

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

CONFIRM_LINK = re.compile(r"https?://\S+/accounts/confirm-email/\S+/")
COORDINATE = re.compile(r"^-?\d+\.\d{6}$")


@pytest.fixture
def demo_city(settings, live_server):
    """The demo's own geocoder, and two posts near Elm St & 41st Ave."""
    settings.GEOCODER, settings.GEOCODER_URL = "demo", ""
    settings.SITE_URL = live_server.url
    corner = DemoGeocoder().search("Elm St & 41st Ave", 1)[0]
    author = resident_at(corner.lat, corner.lng)
    published(author, title="Bike taken from a porch", category="crime", lat=corner.lat,
              lng=corner.lng + 0.002)  # fmt: skip
    published(author, title="Small grey cat missing", category="lost_pet", lat=corner.lat,
              lng=corner.lng - 0.002)  # fmt: skip
    return corner


def _circle_inside_map(home_map) -> bool:
    circle = home_map.locator(".leaflet-overlay-pane path").bounding_box()
    frame = home_map.bounding_box()
    return (
        circle["x"] >= frame["x"] - 1
        and circle["y"] >= frame["y"] - 1
        and circle["x"] + circle["width"] <= frame["x"] + frame["width"] + 1
        and circle["y"] + circle["height"] <= frame["y"] + frame["height"] + 1
    )


def _circle_centred(home_map) -> bool:
    """fitBounds puts the circle in the middle of the map."""
    circle, frame = (
        home_map.locator(".leaflet-overlay-pane path").bounding_box(),
        home_map.bounding_box(),
    )
    middle = (frame["x"] + frame["width"] / 2, frame["y"] + frame["height"] / 2)
    centre = (circle["x"] + circle["width"] / 2, circle["y"] + circle["height"] / 2)
    return abs(centre[0] - middle[0]) < 10 and abs(centre[1] - middle[1]) < 10


def test_a_newcomer_signs_up_confirms_finds_a_demo_address_and_sees_the_preview(
    open_page, mailoutbox, demo_city
):
    visitor = open_page()
    page = visitor.page
    # 1. Sign up, then confirm from the e-mail, which signs in and opens "My home".
    page.goto(reverse("account_signup"))
    email = "newcomer@example.org"
    page.locator("#id_email").fill(email)
    page.locator("#id_password1").fill("a long walk by the creek 42")
    page.locator("#id_password2").fill("a long walk by the creek 42")
    submit_form(page)
    expect(page).to_have_url(path_is(reverse("account_email_verification_sent")))
    link = CONFIRM_LINK.search(mailoutbox[-1].body)
    assert link, mailoutbox[-1].body
    page.goto(link.group(0))
    submit_form(page)
    expect(page).to_have_url(path_is(reverse("accounts:home")))
    expect(page.locator(".steps")).to_have_text("Step 1 of 3: your home")
    page.wait_for_load_state("load")  # the search box's script runs before "load"

    # 2. Find the address by search and pick the result: the pin goes there.
    search = page.get_by_label("Search your address")
    search.fill("elm and 41st")
    search.press("Enter")
    result = page.get_by_role("button", name="Elm St & 41st Ave")
    expect(result).to_be_visible()
    visitor.check(screenshot="joining-search-results")
    result.click()
    lat_input, lng_input = page.locator("#id_lat"), page.locator("#id_lng")
    expect(lat_input).to_have_value(f"{demo_city.lat:.6f}")
    expect(lng_input).to_have_value(f"{demo_city.lng:.6f}")
    expect(page.locator("[data-place-status]")).to_contain_text("Pin placed at Elm St & 41st Ave")
    home_map = page.locator("#home-map")
    expect(home_map.locator(".picker-pin")).to_have_count(1)
    expect(home_map.locator(".leaflet-overlay-pane path")).to_have_count(1)  # the alert circle

    # 3. The keyboard moves the pin (10 m a press) and a live region says where it is.
    home_map.focus()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    moved = float(lat_input.input_value())
    assert moved == pytest.approx(demo_city.lat + 20 / 111320, abs=2e-6)
    expect(page.locator("#home-map-announce")).to_contain_text(f"latitude {moved:.5f}")

    # 4. A wider radius refits the map to the whole circle.
    page.locator("#id_radius_mi").fill("3")
    page.wait_for_timeout(400)  # Leaflet's zoom animation
    assert _circle_inside_map(home_map)
    visitor.check(screenshot="joining-home-found")

    # 5. Saving shows what the circle holds, with place labels, never an exact point.
    page.get_by_role("button", name="Save my home").click()
    expect(page).to_have_url(re.compile(r"/feed/preview/\?welcome=1$"))
    expect(page.locator(".steps")).to_have_text("Step 2 of 3: what you will see")
    preview = page.locator("main")
    expect(preview).to_contain_text("2 posts were shared inside your alert circle")
    expect(page.locator(".preview-counts li")).to_have_count(2)
    expect(page.locator(".post-card")).to_have_count(2)
    expect(page.locator(".post-card .place").first).to_contain_text("near ")
    visitor.check(screenshot="joining-preview")
    home = Home.objects.get(user__email=email)
    assert home.lat == pytest.approx(moved, abs=1e-6)

    # 6. Then how they are told, and on to the feed.
    page.get_by_role("link", name="Next: choose how you are told").click()
    expect(page).to_have_url(path_is(reverse("notifications:settings")))
    expect(page.locator(".steps")).to_have_text("Step 3 of 3: how you are told")
    # Subscribing to push: the permission is granted, the site's worker registers; the
    # subscription itself needs Google's push service, offline here, and the page says so
    # (test_browser_push.py delivers a real push to that worker).
    visitor.context.grant_permissions(["notifications"], origin=visitor.base_url)
    page.get_by_role("button", name="Turn on push on this device").click()
    expect(page.locator("#push[data-worker=ready]")).to_be_attached()
    expect(page.locator("#push .push-status")).to_contain_text(
        "could not reach its push service", timeout=20_000
    )
    visitor.check(screenshot="joining-push")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(path_is(reverse("community:feed")))
    expect(page.locator(".post-card")).to_have_count(2)
    visitor.check()


def test_use_my_location_places_the_pin_and_a_refusal_is_explained(open_page, db, settings):
    settings.GEOCODER = ""
    person = UserFactory()
    allowed = open_page()
    allowed.sign_in_as(person)
    allowed.context.grant_permissions(["geolocation"])
    allowed.context.set_geolocation({"latitude": 39.7401, "longitude": -104.9911})
    allowed.page.goto(reverse("accounts:home"))
    expect(allowed.page.get_by_label("Search your address")).to_have_count(0)
    allowed.page.get_by_role("button", name="Use my location").click()
    expect(allowed.page.locator("#id_lat")).to_have_value("39.740100")
    expect(allowed.page.locator("#id_lng")).to_have_value("-104.991100")
    expect(allowed.page.locator("[data-place-status]")).to_contain_text("your location")
    allowed.check(screenshot="joining-location")

    refused = open_page()
    refused.sign_in_as(person)
    refused.page.goto(reverse("accounts:home"))
    refused.page.get_by_role("button", name="Use my location").click()
    expect(refused.page.locator("[data-place-status]")).to_contain_text("was not allowed")
    expect(refused.page.locator("#id_lat")).to_have_value("")
    # Typed coordinates still do it, and once typed the map shows the whole circle.
    refused.page.locator("#id_lat").fill("39.6700")
    refused.page.locator("#id_lng").fill("-104.9850")
    refused.page.locator("#id_lng").press("Tab")
    home_map = refused.page.locator("#home-map")
    expect(home_map.locator(".leaflet-overlay-pane path")).to_have_count(1)
    refused.page.wait_for_timeout(400)  # Leaflet's zoom animation
    assert _circle_inside_map(home_map) and _circle_centred(home_map)
    refused.page.get_by_role("button", name="Save my home").click()
    expect(refused.page).to_have_url(re.compile(r"/feed/preview/"))
    refused.check()
