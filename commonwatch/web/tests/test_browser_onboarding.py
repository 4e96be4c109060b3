"""Acceptance, in a real browser under the app's strict CSP.

A visitor joins, verifies the e-mail (which signs them in), places a home on the
map and changes the alert radius (an officer's first steps are in
test_browser_agency.py); a sign-up with every mistake shows each error beside its
own field. Each visited page passes axe-core (no critical or serious violation) and
logs no CSP violation.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from commonwatch.accounts.models import Home
from commonwatch.geo.distance import miles_to_m
from commonwatch.web.tests.conftest import DESKTOP, PHONE, laid_out_box, path_is, submit_form

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

METERS_PER_MILE = 1609.344
CONFIRM_LINK = re.compile(r"https?://\S+/accounts/confirm-email/\S+/")


def test_a_visitor_joins_verifies_and_sets_home_and_radius(
    open_page, live_server, settings, mailoutbox
):
    settings.SITE_URL = live_server.url  # e-mails link to SITE_URL, here the test server
    # 1. A visitor joins from the front page and verifies the e-mail address.
    visitor = open_page()
    page = visitor.page
    response = page.goto("/")
    csp = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp, csp
    expect(page.get_by_role("heading", level=1)).to_have_text("Your street, your say")
    visitor.check(screenshot="front-page")
    # The header menu is folded behind "Menu" on a phone and laid out open on a desktop.
    main_nav = page.get_by_role("navigation", name="Main")
    expect(main_nav.get_by_role("link", name="Join")).to_be_hidden()
    page.set_viewport_size(DESKTOP)
    expect(main_nav.get_by_role("link", name="Join")).to_be_visible()
    expect(page.get_by_text("Menu", exact=True)).to_be_hidden()
    page.set_viewport_size(PHONE)
    expect(main_nav.get_by_role("link", name="Join")).to_be_hidden()

    page.get_by_role("link", name="Join your neighborhood").click()
    expect(page).to_have_url(path_is(reverse("account_signup")))
    visitor.check(screenshot="sign-up")
    email = "new.neighbor@example.org"
    password = "a long walk by the river 42"
    page.locator("#id_email").fill(email)
    page.locator("#id_password1").fill(password)
    page.locator("#id_password2").fill(password)
    submit_form(page)
    expect(page).to_have_url(path_is(reverse("account_email_verification_sent")))
    visitor.check()

    assert len(mailoutbox) == 1, [m.subject for m in mailoutbox]
    message = mailoutbox[0]
    assert message.to == [email]
    link = CONFIRM_LINK.search(message.body)
    assert link, f"no confirmation link in the e-mail:\n{message.body}"
    assert link.group(0).startswith(live_server.url + "/"), link.group(0)
    page.goto(link.group(0))
    visitor.check()
    # Confirming in the browser that signed up signs in and opens "My home".
    submit_form(page)
    expect(page).to_have_url(path_is(reverse("accounts:home")))
    expect(page.locator("footer")).to_contain_text(f"Signed in as {email}")
    visitor.check()

    # 2. "My home": click the map, pick a radius, save; then change the radius.
    page.goto("/")
    menu = page.get_by_text("Menu", exact=True)
    my_home = main_nav.get_by_role("link", name="My home")
    menu.click()
    expect(my_home).to_be_visible()
    visitor.check(screenshot="menu-open")
    # Crossing the desktop breakpoint (for the screenshots) folds the phone menu again.
    expect(my_home).to_be_hidden()
    menu.click()
    my_home.click()
    expect(page).to_have_url(path_is(reverse("accounts:home")))
    home_map = page.locator("#home-map")
    expect(home_map.locator(".leaflet-map-pane")).to_be_attached()
    box = home_map.bounding_box()
    assert box and box["height"] >= 200 and box["width"] >= 300, f"map is too small: {box}"
    visitor.check()

    lat_input, lng_input = page.locator("#id_lat"), page.locator("#id_lng")
    radius_input = page.locator("#id_radius_mi")
    expect(lat_input).to_have_value("")
    home_map.click(position={"x": box["width"] * 0.6, "y": box["height"] * 0.45})
    expect(lat_input).to_have_value(re.compile(r"^-?\d+\.\d{6}$"))
    expect(lng_input).to_have_value(re.compile(r"^-?\d+\.\d{6}$"))
    # The home pin and the alert circle are drawn where the map was clicked.
    expect(home_map.locator(".picker-pin")).to_have_count(1)
    expect(home_map.locator(".leaflet-overlay-pane path")).to_have_count(1)
    lat, lng = float(lat_input.input_value()), float(lng_input.input_value())
    radius_input.fill("1.5")
    page.get_by_role("button", name="Save my home").click()
    saved = page.locator(".messages")
    expect(saved).to_contain_text("Your home and alert radius are saved.")
    # A newcomer sees what their circle holds next (test_browser_joining.py follows it).
    expect(page).to_have_url(re.compile(r"/feed/preview/\?welcome=1$"))
    page.get_by_role("link", name="Change my home or radius").click()
    expect(radius_input).to_have_value("1.5")
    expect(home_map.locator(".picker-pin")).to_have_count(1)
    expect(home_map.locator(".leaflet-overlay-pane path")).to_have_count(1)
    visitor.check(screenshot="my-home-map")
    home = Home.objects.get(user__email=email)
    assert home.radius_m == pytest.approx(1.5 * METERS_PER_MILE)

    radius_input.fill("3")
    page.get_by_role("button", name="Save my home").click()
    expect(saved).to_contain_text("Your home and alert radius are saved.")
    expect(page).to_have_url(path_is(reverse("community:preview")))
    page.get_by_role("link", name="Change my home or radius").click()
    expect(radius_input).to_have_value("3.0")
    visitor.check()
    home.refresh_from_db()
    assert home.lat == pytest.approx(lat, abs=1e-6)
    assert home.lng == pytest.approx(lng, abs=1e-6)
    assert home.radius_m == pytest.approx(3 * METERS_PER_MILE)
    assert home.radius_m == pytest.approx(miles_to_m(3))
    assert Home.objects.filter(user__email=email).count() == 1


def test_every_sign_up_mistake_shows_beside_its_own_field(open_page, mailoutbox):
    visitor = open_page()
    page = visitor.page
    page.goto(reverse("account_signup"))
    page.locator("#id_email").fill("neighbor@example")
    page.locator("#id_password1").fill("short")
    page.locator("#id_password2").fill("shorter")
    # The browser's own e-mail check would stop the form; the server's answer is tested.
    page.locator("main form").evaluate("form => form.setAttribute('novalidate', '')")
    submit_form(page)

    expect(page).to_have_url(path_is(reverse("account_signup")))
    # A screen reader starts at the first mistake, its label and error read with it.
    expect(page.locator("#id_email")).to_be_focused()
    expected = {
        "email": "Enter a valid email address.",
        "password1": "This password is too short.",
        "password2": "You must type the same password each time.",
    }
    for field, text in expected.items():
        field_input = page.locator(f"#id_{field}")
        error = page.locator(f"#id_{field}_error")
        expect(error).to_be_visible()
        expect(error).to_contain_text(text)
        expect(field_input).to_have_attribute("aria-invalid", "true")
        expect(field_input).to_have_attribute(
            "aria-describedby", re.compile(rf"\bid_{field}_error\b")
        )
        assert _between(error, page.locator(f"label[for=id_{field}]"), field_input), field
    expect(page.locator("main .errorlist")).to_have_count(3)
    # The rules are a list: inside a <span> in a <p> (as_p) they fell outside what
    # aria-describedby names, unheard by screen readers.
    rules = page.locator("#id_password1").get_attribute("aria-describedby").split()[0]
    expect(page.locator(f"#{rules}")).to_contain_text("at least 8 characters")
    expect(page.locator("#id_email")).to_have_value("neighbor@example")
    visitor.check(screenshot="sign-up-errors")
    assert not mailoutbox


def _between(error, label, field_input) -> bool:
    """The error list sits under its own field's label and above its box: above the
    label, it read as the previous field's (a tester saw the password's under the e-mail)."""
    label_box, error_box, input_box = (laid_out_box(x) for x in (label, error, field_input))
    return label_box["y"] + label_box["height"] <= error_box["y"] < input_box["y"]
