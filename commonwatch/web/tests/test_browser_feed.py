"""Acceptance of the neighborhood feed, in real Chromium against a real ASGI server.

Resident A signs in and posts (a description by race alone is refused on the form,
which warned about it beforehand); a moderator approves the post; resident B, about
300 m away, sees it appear on the open feed page without reloading, anonymous and at
its approximate place, and on the map; resident C, whose circle ends 30 m short of the
post, never gets it: not live, not after reloading, not on the map, not from the API.

One app server process (uvicorn) serves the pages and the /ws/feed/ sockets (conftest.asgi_server):
the approval it handles pushes, over its in-memory channel layer, to the sockets it
holds. Every page passes axe-core (no critical or serious violation) and logs no CSP
violation nor JavaScript error.
"""

from __future__ import annotations

import re
import time
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password
from django.urls import reverse
from playwright.sync_api import expect

from commonwatch.accounts.tests.factories import PASSWORD
from commonwatch.community.models import Post, Status
from commonwatch.community.tests.factories import (
    CENTER,
    moderator,
    resident_at,
    resident_just_outside,
)
from commonwatch.geo.approximate import approximate_location
from commonwatch.geo.distance import haversine_m
from commonwatch.web.tests.conftest import POST_PAGE, laid_out_box, path_is

pytestmark = [
    pytest.mark.browser,
    pytest.mark.worker,  # starts an app server process
    pytest.mark.usefixtures("transactional_db"),
]

LIVE_TIMEOUT_MS = 10_000
TITLE = "Streetlight out by the park"
BODY = "The streetlight on the park path has been dark since Monday; bring a torch after 8 pm."
RACE_ONLY_BODY = "A black man walking on our street"


def _shown(value: float) -> str:
    """A coordinate as the post page shows it (floatformat:4 rounds half up)."""
    return str(Decimal(str(value)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))


def _near(lat: float, lng: float) -> str:
    return f"near {_shown(lat)}, {_shown(lng)}"


def _with_a_real_password(user):
    """The server under test knows only the default hashers (tests use fast MD5)."""
    user.password = make_password(PASSWORD, hasher=PBKDF2PasswordHasher())
    user.save(update_fields=["password"])
    return user


def test_a_post_reaches_the_neighbor_inside_live_and_never_the_one_outside(open_asgi_page):
    author = _with_a_real_password(resident_at(*CENTER))
    inside = resident_at(CENTER[0] + 0.003, CENTER[1])  # ~330 m north of A's home
    moderator_user = moderator()

    # 1. Resident A signs in with the form and opens "Post" from the feed.
    a = open_asgi_page()
    page = a.page
    page.goto(reverse("account_login"))
    page.locator("#id_login").fill(author.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator("footer")).to_contain_text(f"Signed in as {author.email}")
    page.goto(reverse("community:feed"))
    expect(page.locator("#live-status")).to_have_attribute("data-connected", "true")
    a.check()
    page.locator(".feed-head").get_by_role("link", name="Post").click()
    expect(page).to_have_url(path_is(reverse("community:new")))
    a.check()

    # 2. The form warns before posting that race alone is no description ...
    hint = page.locator("#post-form").get_by_text("A description by race or ethnicity alone")
    expect(hint).to_be_visible()
    expect(hint).to_contain_text("clothing")
    body = page.get_by_label("What happened")
    expect(body).to_have_attribute("aria-describedby", re.compile(r"\S"))
    described_by = body.get_attribute("aria-describedby").split()
    assert any(page.locator(f"#{i}").inner_text() == hint.inner_text() for i in described_by)

    # The author places the post: nothing is preset, and the map opens on the ~100 m
    # cell of A's home, never on the home itself.
    lat_input, lng_input = page.locator("#id_lat"), page.locator("#id_lng")
    expect(lat_input).to_have_value("")
    place_map = page.locator("#place-map")
    expect(place_map.locator(".leaflet-map-pane")).to_be_attached()
    home_cell = approximate_location(*CENTER)
    assert place_map.get_attribute("data-center-lat") == f"{home_cell[0]:f}"
    box = place_map.bounding_box()
    assert box and box["height"] >= 200, f"the map is too small to click: {box}"
    place_map.click(position={"x": box["width"] * 0.6, "y": box["height"] * 0.45})
    expect(lat_input).to_have_value(re.compile(r"^-?\d+\.\d{6}$"))
    placed = lat_input.input_value()
    picked = float(placed), float(lng_input.input_value())

    # ... and refuses such a post with the explanation on the form; nothing is saved.
    page.get_by_label("Category").select_option("suspicious")
    page.get_by_label("Title").fill("Someone on our street")
    body.fill(RACE_ONLY_BODY)
    page.get_by_role("button", name="Send for review").click()
    expect(page.get_by_role("alert")).to_contain_text("Your post was not sent.")
    refusal = page.locator("#post-form .errorlist")
    expect(refusal).to_contain_text("without details that would tell them apart")
    expect(refusal).to_contain_text("clothing")
    expect(page.get_by_label("What happened")).to_have_value(RACE_ONLY_BODY)
    expect(lat_input).to_have_value(placed)
    assert not Post.objects.exists()
    a.check(screenshot="feed-new-post-race-refused")

    # 1 (continued). A fair post, at the point placed on the map, goes to the moderators.
    page.get_by_label("Category").select_option("safety")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("What happened").fill(BODY)
    page.get_by_role("button", name="Send for review").click()
    expect(page).to_have_url(POST_PAGE)
    post = Post.objects.get()
    expect(page).to_have_url(path_is(reverse("community:post", args=[post.pk])))
    expect(page.locator(".messages")).to_contain_text("A moderator will review your post")
    expect(page.locator(".post-full .badge.status")).to_have_text("Waiting for moderation")
    expect(page.locator(".post-full .meta")).to_contain_text("not published yet")
    edit = page.get_by_role("link", name="Edit")
    delete = page.get_by_role("link", name="Delete")
    expect(delete).to_be_visible()
    assert laid_out_box(edit)["y"] == laid_out_box(delete)["y"], "Edit and Delete on one row"
    a.check(screenshot="feed-post-waiting")
    assert (post.status, post.title, post.category) == (Status.PENDING, TITLE, "safety")
    assert (post.exact_lat, post.exact_lng) == picked
    exact = picked
    approximate = approximate_location(*exact)
    assert (post.lat, post.lng) == approximate
    assert _near(*approximate) != _near(*exact), "pick a point that rounds apart from its cell"

    # 3. B (inside) and C (30 m beyond 1 mi from the post's public point) have the feed
    # open, live. Who gets a post is decided on that point, never on the exact one.
    outside = resident_just_outside(of=approximate)
    radius_m = inside.home.radius_m
    assert haversine_m(inside.home.lat, inside.home.lng, *approximate) < radius_m - 100
    assert radius_m < haversine_m(outside.home.lat, outside.home.lng, *approximate) < radius_m + 31
    b, c = open_asgi_page(inside), open_asgi_page(outside)
    for resident in (b, c):
        resident.page.goto(reverse("community:feed"))
        expect(resident.page.locator("#live-status")).to_have_attribute("data-connected", "true")
        expect(resident.page.locator(f'[data-post-id="{post.pk}"]')).to_have_count(0)
        resident.check()
        # Survives only if the page is never reloaded.
        resident.page.evaluate("() => { window.feedOpenedBeforeApproval = true; }")

    # 4. A moderator opens the queue, sees A's post and approves it.
    m = open_asgi_page(moderator_user)
    m.page.goto(reverse("moderation:queue"))
    queued = m.page.locator(f'.queue-item[data-post-id="{post.pk}"]')
    expect(queued).to_contain_text(TITLE)
    expect(queued).to_contain_text(BODY)
    m.check(screenshot="feed-moderation-queue")
    queued.get_by_role("button", name="Approve").click()
    expect(m.page.locator(".messages")).to_contain_text("Approved and published.")
    expect(m.page.locator(f'.queue-item[data-post-id="{post.pk}"]')).to_have_count(0)
    m.check()

    # 5. B's open feed shows the post on top, without a reload, anonymous.
    card = b.page.locator(f'#feed > article[data-post-id="{post.pk}"]')
    expect(card).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    arrived = time.monotonic()
    expect(b.page.locator("#feed > article").first).to_have_attribute("data-post-id", str(post.pk))
    expect(card).to_contain_text(TITLE)
    expect(card.locator(".badge.category-safety")).to_have_text("Safety")
    expect(card.locator(".author")).to_have_count(0)  # as the page's own cards
    # Said aloud with what it is, not only that something arrived.
    expect(b.page.locator("#live-status")).to_have_text(
        f"1 new post just now. Latest: Safety, “{TITLE}”."
    )
    assert b.page.evaluate("() => window.feedOpenedBeforeApproval === true"), "B's feed reloaded"
    b.check(screenshot="feed-live-post")

    # 6. C's open feed never shows it: not by the time B has had it for a second ...
    c.page.wait_for_timeout(max(0, 1000 - (time.monotonic() - arrived) * 1000))
    expect(c.page.locator("#live-status")).to_have_attribute("data-connected", "true")
    expect(c.page.locator(f'[data-post-id="{post.pk}"]')).to_have_count(0)
    assert c.page.evaluate("() => window.feedOpenedBeforeApproval === true")
    # ... nor after a reload, nor on the map, nor from the API with C's session.
    c.page.reload()
    expect(c.page.locator("#feed")).to_be_visible()
    expect(c.page.locator(f'[data-post-id="{post.pk}"]')).to_have_count(0)
    expect(c.page.locator("#feed")).not_to_contain_text(TITLE)
    c.check()
    c.page.goto(reverse("community:map"))
    expect(c.page.locator("#incident-map")).to_have_attribute("data-loaded", "0")
    c.check()
    api = c.context.request
    feed = api.get(f"{c.base_url}/api/v1/feed")
    assert feed.status == 200, feed.text()
    assert post.pk not in [p["id"] for p in feed.json()["posts"]]
    map_points = api.get(f"{c.base_url}/api/v1/map")
    assert map_points.status == 200 and map_points.json()["points"] == [], map_points.text()
    assert api.get(f"{c.base_url}/api/v1/posts/{post.pk}").status == 404
    assert api.get(f"{c.base_url}{reverse('community:post', args=[post.pk])}").status == 404

    # 5 (continued). B opens the post: approximate place only, never the exact point.
    card.get_by_role("link", name=TITLE).click()
    expect(b.page).to_have_url(path_is(reverse("community:post", args=[post.pk])))
    meta = b.page.locator(".post-full .meta")
    expect(meta).to_contain_text("Neighbor #1")
    expect(meta).to_contain_text(_near(*approximate))
    expect(meta).not_to_contain_text(_near(*exact))
    html = b.page.content()
    assert f"{exact[0]:.6f}" not in html and f"{exact[1]:.6f}" not in html
    b.check(screenshot="feed-post-seen-by-neighbor")
    detail = b.context.request.get(f"{b.base_url}/api/v1/posts/{post.pk}")
    assert detail.status == 200, detail.text()
    assert (detail.json()["lat"], detail.json()["lng"]) == approximate
    assert detail.json()["author"] == "Neighbor #1"

    # 7. B's map shows the post's point and the alert circle, with no tile server.
    b.page.goto(reverse("community:map"))
    incident_map = b.page.locator("#incident-map")
    expect(incident_map).to_have_attribute("data-loaded", "1")
    box = incident_map.bounding_box()
    assert box and box["height"] >= 300 and box["width"] >= 300, f"map is too small: {box}"
    # The radius circle and the post's marker are drawn; no tile was requested.
    expect(incident_map.locator("path.leaflet-interactive")).to_have_count(2)
    expect(incident_map.locator(".leaflet-tile")).to_have_count(0)
    points = b.context.request.get(f"{b.base_url}/api/v1/map").json()["points"]
    assert [(p["id"], p["lat"], p["lng"]) for p in points] == [(post.pk, *approximate)]
    b.check(screenshot="feed-map")

    # 8. B's notifications list the post; C's never name it.
    b.page.goto(reverse("notifications:inbox"))
    entry = b.page.get_by_role("link", name=f"Near your home: {TITLE}")
    expect(entry).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    b.check(screenshot="notifications-inbox")
    c.page.goto(reverse("notifications:inbox"))
    expect(c.page.locator("main")).not_to_contain_text(TITLE)
    c.page.goto(reverse("notifications:settings"))
    c.check(screenshot="notifications-settings")
