"""Registering a camera on the map and drawing a privacy zone, in real Chromium.

An owner places a new camera with the point picker, gets its device token once, then
drags a rectangle over the frame (the neutral grid on a phone, where the camera has no
clip yet; its first clip's thumbnail on the desktop), types a second zone's corners,
taps a third as a polygon, undoes the last two and saves. Every page passes axe-core
and logs no CSP violation, at phone and desktop sizes.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from django.urls import reverse
from playwright.sync_api import expect

from commonwatch.accounts.tests.factories import HomeFactory
from commonwatch.cameras.models import Camera
from commonwatch.cameras.selectors import camera_for_device_token
from commonwatch.cameras.tests.factories import CameraFactory, clip_of
from commonwatch.demo.videos import mp4_of
from commonwatch.web.tests.conftest import (
    DESKTOP,
    PHONE,
    laid_out_box,
    path_is,
    wait_for_picture,
)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def street_video() -> bytes:
    """A second of a doorbell's view (sky, a neighbor's house with a lit window, the
    street), so the thumbnail drawn on shows what a privacy zone is for."""
    height, width = 90, 160
    scene = np.zeros((height, width, 3), np.uint8)
    scene[:45] = (135, 190, 235)  # sky
    scene[45:] = (110, 110, 110)  # street
    scene[15:60, 96:150] = (150, 90, 60)  # the neighbor's house
    scene[22:40, 108:132] = (250, 220, 90)  # its window
    return mp4_of([scene] * 10, fps=10)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_an_owner_registers_a_camera_on_the_map_and_draws_a_privacy_zone(open_page, viewport):
    owner = HomeFactory().user
    a = open_page()
    a.page.set_viewport_size(viewport)
    a.sign_in_as(owner)
    page = a.page
    size = "phone" if viewport == PHONE else "desktop"

    page.goto(reverse("cameras:list"))
    page.get_by_role("link", name="Register a camera").click()
    expect(page).to_have_url(path_is(reverse("cameras:new")))
    expect(page.get_by_label("Counted in an area total only")).to_be_checked()
    expect(page.get_by_text("Only you see this point, unless you choose")).to_be_visible()
    expect(page.get_by_label("Keep the sound of its clips")).not_to_be_checked()
    a.check(f"cameras-new-{size}")

    page.get_by_label("Name").fill("Front door")
    page.get_by_label("Kind").select_option("doorbell")
    page.get_by_label("Brand").fill("Ring")
    camera_map = page.locator("#camera-map")
    expect(camera_map.locator(".leaflet-map-pane")).to_be_attached()
    box = camera_map.bounding_box()
    camera_map.click(position={"x": box["width"] * 0.4, "y": box["height"] * 0.6})
    expect(page.locator("#id_lat")).to_have_value(re.compile(r"^-?\d+\.\d{6}$"))
    lat = float(page.locator("#id_lat").input_value())
    page.get_by_role("button", name="Register the camera").click()

    token = page.locator("#new-token")
    expect(token).to_contain_text("cwcam_")
    camera = Camera.objects.get(owner=owner)
    assert camera.exact_lat == lat
    raw = token.inner_text()
    assert camera_for_device_token(raw) == camera
    # The header to set on the camera, token included; one click copies the token.
    expect(page.locator("#token-use code")).to_have_text(f"Authorization: Bearer {raw}")
    a.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=a.base_url)
    copy = page.get_by_role("button", name="Copy token")
    assert copy.evaluate("b => getComputedStyle(b).backgroundColor") != (
        page.get_by_role("button", name="Make a new token").evaluate(
            "b => getComputedStyle(b).backgroundColor"
        )
    )  # the filled button is Copy token; making another token is the outline one
    copy.click()
    expect(page.get_by_role("status").filter(has_text="Copied.")).to_be_visible()
    assert page.evaluate("() => navigator.clipboard.readText()") == raw
    a.check(f"cameras-token-{size}")

    if viewport == DESKTOP:  # a first clip: its thumbnail becomes the frame to draw on
        clip_of(camera, data=street_video())
    page.get_by_role("link", name="Back to the camera").click()
    page.get_by_role("link", name="Privacy and motion zones").click()
    expect(page).to_have_url(path_is(reverse("cameras:zones", args=[camera.pk])))
    if viewport == DESKTOP:
        wait_for_picture(page.locator("#zone-thumbnail"))
    else:
        expect(page.get_by_text("No clip yet: draw on a neutral frame")).to_be_visible()
    canvas = page.locator("#zone-canvas")
    frame = laid_out_box(canvas)
    assert frame["width"] > 300 and abs(frame["width"] / frame["height"] - 16 / 9) < 0.02

    # A neighbor's window, top right of the frame: dragged with the mouse.
    left, top = frame["x"] + frame["width"] * 0.6, frame["y"] + frame["height"] * 0.1
    page.mouse.move(left, top)
    page.mouse.down()
    page.mouse.move(left + frame["width"] * 0.15, top + frame["height"] * 0.2, steps=5)
    page.mouse.move(left + frame["width"] * 0.3, top + frame["height"] * 0.4, steps=5)
    page.mouse.up()
    zones = page.locator("#zone-list li")
    expect(zones).to_have_count(1)
    expect(zones.first).to_contain_text("Zone 1 (4 corners): 60 10")
    expect(page.locator("#zone-announce")).to_have_text("Zone 1 added.")

    # The keyboard way: typed corners in percent; then undone.
    page.get_by_label("Or type the corners").fill("10 60, 40 60, 25 95")
    page.get_by_label("Or type the corners").press("Enter")
    expect(zones).to_have_count(2)
    expect(zones.nth(1)).to_contain_text("Zone 2 (3 corners): 10 60, 40 60, 25 95")
    page.get_by_label("Or type the corners").fill("10 60, 400 60")
    page.get_by_role("button", name="Add zone").click()
    expect(page.locator("#zone-corners-error")).to_contain_text("Give 3 to 32 corners")
    expect(zones).to_have_count(2)

    # A polygon: the street corner, tapped corner by corner, then finished.
    page.get_by_label("Polygon: tap each corner, then Finish").check()
    for x, y in ((0.02, 0.98), (0.3, 0.98), (0.02, 0.75)):
        canvas.click(position={"x": frame["width"] * x, "y": frame["height"] * y})
    expect(page.locator("#zone-announce")).to_have_text("Corner 3 placed.")
    page.get_by_role("button", name="Finish shape").click()
    expect(zones).to_have_count(3)
    expect(zones.nth(2)).to_contain_text("Zone 3 (3 corners): 2 98, 30 98, 2 75")
    a.check(f"cameras-zones-{size}")

    # Undo takes back whole zones, the polygon first, then the typed one.
    page.get_by_role("button", name="Undo").click()
    expect(zones).to_have_count(2)
    page.get_by_role("button", name="Undo").click()
    expect(zones).to_have_count(1)

    page.get_by_role("button", name="Save the zones").click()
    expect(page.locator(".messages")).to_contain_text("The zones of “Front door” are saved.")
    camera.refresh_from_db()
    assert len(camera.privacy_zones) == 1 and camera.motion_zones == []
    (x1, y1), _, (x2, y2), _ = camera.privacy_zones[0]
    assert (x1, y1) == pytest.approx((0.6, 0.1), abs=0.01)
    assert (x2, y2) == pytest.approx((0.9, 0.5), abs=0.01)
    expect(zones).to_have_count(1)  # drawn again from what was saved


def test_without_a_clipboard_the_token_is_selected_and_revoking_asks_first(open_page):
    """The copy button's fallback (an http:// address has no navigator.clipboard): the
    token is selected for the owner to copy. Then the token is revoked, after a question."""
    owner = HomeFactory().user
    camera = CameraFactory(owner=owner, name="Porch")
    a = open_page()
    a.context.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined})")
    a.sign_in_as(owner)
    page = a.page

    page.goto(reverse("cameras:token", args=[camera.pk]))
    page.get_by_role("button", name="Make a token").click()
    raw = page.locator("#new-token").inner_text()
    page.get_by_role("button", name="Copy token").click()
    expect(page.locator("#copy-token-status")).not_to_be_empty()
    assert page.evaluate("() => window.getSelection().toString()").strip() == raw

    page.get_by_role("link", name="Revoke the token").click()
    expect(page.get_by_role("heading", name="Revoke this device token?")).to_be_visible()
    a.check("cameras-token-revoke")
    assert camera_for_device_token(raw) == camera
    page.get_by_role("button", name="Yes, revoke it").click()
    expect(page.locator(".messages")).to_contain_text("uploads with it now fail")
    assert camera_for_device_token(raw) is None

    page.goto(reverse("cameras:list"))
    row = page.get_by_role("row", name="Porch")
    expect(row.get_by_role("link", name="not connected — make one")).to_be_visible()
    expect(row.get_by_role("link", name="none yet — draw one")).to_be_visible()


def test_a_refused_coordinate_is_marked_under_its_own_field(open_page):
    """The latitude and longitude sit side by side; each one's error stays in its column,
    under its field (an error list ended their paragraphs and became a column itself)."""
    owner = HomeFactory().user
    a = open_page()
    a.page.set_viewport_size(DESKTOP)
    a.sign_in_as(owner)
    page = a.page
    page.goto(reverse("cameras:new"))
    page.get_by_label("Name").fill("Porch")
    page.get_by_label("Kind").select_option("doorbell")
    # As a browser that checks nothing sends it: the server's refusal is what shows.
    page.locator("#camera-form").evaluate("form => { form.noValidate = true; }")
    page.get_by_role("button", name="Register the camera").click()

    for n, field in enumerate(("lat", "lng")):
        entry = laid_out_box(page.locator(f"#id_{field}"))
        error = page.locator("#camera-form .errorlist").nth(n)
        expect(error).to_have_text("This field is required.")
        marked = error.bounding_box()
        assert marked["y"] >= entry["y"] + entry["height"], field
        assert entry["x"] <= marked["x"] < entry["x"] + entry["width"], field


def test_leaving_the_zones_page_with_zones_not_saved_asks_first(open_page):
    """A privacy zone drawn and never saved would be lost without a word, and the next
    clips stored unmasked: the browser asks before the page is left, not after a save."""
    camera = CameraFactory(owner=HomeFactory().user, name="Porch")
    a = open_page()
    a.sign_in_as(camera.owner)
    page = a.page
    asked = []

    def stay(dialog):
        asked.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", stay)
    page.goto(reverse("cameras:zones", args=[camera.pk]))
    page.get_by_label("Or type the corners").fill("10 10, 40 10, 40 30, 10 30")
    page.get_by_role("button", name="Add zone").click()

    page.get_by_role("link", name="Back to the camera").click()
    expect(page.locator("#zone-list li")).to_have_count(1)
    assert asked == ["beforeunload"]
    expect(page).to_have_url(path_is(reverse("cameras:zones", args=[camera.pk])))

    page.get_by_role("button", name="Save the zones").click()
    expect(page.get_by_text("The zones of “Porch” are saved.")).to_be_visible()
    page.get_by_role("link", name="Back to the camera").click()
    expect(page).to_have_url(path_is(reverse("cameras:camera", args=[camera.pk])))
    assert asked == ["beforeunload"]
    camera.refresh_from_db()
    assert len(camera.privacy_zones) == 1


def test_a_zone_whose_edges_cross_is_refused_before_saving(open_page):
    """A rectangle's corners tapped corner to corner ("Z" order) cross: the editor says so
    at once and keeps the corners to fix, rather than leaving the server to refuse the save."""
    camera = CameraFactory(owner=HomeFactory().user, name="Porch")
    a = open_page()
    a.page.set_viewport_size(DESKTOP)
    a.sign_in_as(camera.owner)
    page = a.page
    page.goto(reverse("cameras:zones", args=[camera.pk]))
    refusal = page.locator("#zone-error")
    zones = page.locator("#zone-list li")
    crossing = "The edges of this zone cross: draw its corners in order around it"

    page.get_by_label("Or type the corners").fill("10 10, 40 10, 10 30, 40 30")
    page.get_by_role("button", name="Add zone").click()
    expect(refusal).to_contain_text(crossing)
    expect(zones).to_have_text(["No zones of this kind yet."])

    page.get_by_label("Polygon: tap each corner, then Finish").check()
    canvas = page.locator("#zone-canvas")
    frame = laid_out_box(canvas)
    for x, y in ((0.5, 0.1), (0.9, 0.1), (0.5, 0.5), (0.9, 0.5)):
        canvas.click(position={"x": frame["width"] * x, "y": frame["height"] * y})
    page.get_by_role("button", name="Finish shape").click()
    expect(refusal).to_contain_text(crossing)
    expect(page.locator("#zone-announce")).to_contain_text(crossing)
    expect(zones).to_have_text(["No zones of this kind yet."])
    a.check("cameras-zones-crossing")

    # The corners stay drawn: the last two taken back and tapped in order, it is a zone.
    page.get_by_role("button", name="Undo").click()
    page.get_by_role("button", name="Undo").click()
    for x, y in ((0.9, 0.5), (0.5, 0.5)):
        canvas.click(position={"x": frame["width"] * x, "y": frame["height"] * y})
    page.get_by_role("button", name="Finish shape").click()
    expect(zones).to_have_count(1)
    expect(zones.first).to_contain_text("Zone 1 (4 corners): 50 10, 90 10, 90 50, 50 50")
    expect(refusal).to_be_hidden()
