"""Nothing anyone but its author can observe depends on where exactly a post is.

The attacker is a resident who moves their home and radius as often as they like
(the daily limit is lifted here on purpose) and reads, through the API, all a reader
can: the feed, the map, the post and its comments. Two posts placed far apart inside
one ~100 m cell must look the same from every home and radius. Then no search
strategy, however clever, can place either post more precisely than its cell; the
binary-search trilateration that found exact points to the millimetre is run too,
and finds the cell's centre.
"""

from __future__ import annotations

import json
import math
import re

import pytest
from h3.api import basic_int as h3
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commonwatch.accounts import services as accounts
from commonwatch.accounts.tests.factories import sign_in
from commonwatch.community import live
from commonwatch.community.alerts import POST_ALERTS_KIND
from commonwatch.community.consumers import FeedConsumer
from commonwatch.community.models import Post
from commonwatch.community.tests.factories import (
    CENTER,
    moderator,
    post_alerts,
    published,
    resident_at,
    submit,
)
from commonwatch.geo.approximate import approximate_location
from commonwatch.geo.cells import APPROXIMATE_RESOLUTION, cell_of
from commonwatch.geo.distance import EARTH_RADIUS_M, haversine_m, miles_to_m
from commonwatch.notifications.selectors import visible

pytestmark = pytest.mark.django_db

CELL = cell_of(*CENTER, APPROXIMATE_RESOLUTION)
PUBLIC = approximate_location(*CENTER)


def toward(point, other, share: float) -> tuple[float, float]:
    return tuple(p + share * (o - p) for p, o in zip(point, other, strict=True))


def destination(lat: float, lng: float, metres: float, bearing: float) -> tuple[float, float]:
    """The point `metres` from (lat, lng) in direction `bearing` (radians), on the sphere."""
    angle, p1, l1 = metres / EARTH_RADIUS_M, math.radians(lat), math.radians(lng)
    p2 = math.asin(
        math.sin(p1) * math.cos(angle) + math.cos(p1) * math.sin(angle) * math.cos(bearing)
    )
    l2 = l1 + math.atan2(
        math.sin(bearing) * math.sin(angle) * math.cos(p1),
        math.cos(angle) - math.sin(p1) * math.sin(p2),
    )
    return math.degrees(p2), math.degrees(l2)


@pytest.fixture
def two_posts_in_one_cell(monkeypatch):
    """Post A near one corner of the cell, post B near the opposite one (~120 m apart)."""
    corners = h3.cell_to_boundary(CELL)
    exact_a, exact_b = toward(corners[0], PUBLIC, 0.1), toward(corners[3], PUBLIC, 0.1)
    assert cell_of(*exact_a, APPROXIMATE_RESOLUTION) == cell_of(*exact_b, APPROXIMATE_RESOLUTION)
    assert haversine_m(*exact_a, *exact_b) > 100
    author, mod = resident_at(*CENTER), moderator()
    post_a = published(author, mod, lat=exact_a[0], lng=exact_a[1], title="A")
    post_b = published(author, mod, lat=exact_b[0], lng=exact_b[1], title="B")
    monkeypatch.setattr(accounts, "HOME_CHANGES_PER_DAY", 10**9)  # the attacker moves at will
    return post_a, post_b


class Attacker:
    """A resident probing through the API, as a script with their session would."""

    def __init__(self, client):
        self.user = resident_at(CENTER[0] + 0.05, CENTER[1])
        self.client = client
        client.force_login(self.user)

    def move(self, lat: float, lng: float, radius_mi: float) -> None:
        body = json.dumps({"lat": lat, "lng": lng, "radius_mi": radius_mi})
        moved = self.client.put("/api/v1/me/home", body, content_type="application/json")
        assert moved.status_code == 200, moved.content

    def observe(self, post) -> tuple:
        """Everything a reader can see of one post from where they live now."""
        feed = [p["id"] for p in self.client.get("/api/v1/feed").json()["posts"]]
        points = self.client.get("/api/v1/map").json()["points"]
        on_map = [(p["lat"], p["lng"]) for p in points if p["id"] == post.pk]
        detail = self.client.get(f"/api/v1/posts/{post.pk}")
        comments = self.client.get(f"/api/v1/posts/{post.pk}/comments")
        shown = detail.json() if detail.status_code == 200 else {}
        return (
            feed.index(post.pk) if post.pk in feed else None,
            on_map,
            detail.status_code,
            comments.status_code,
            (shown.get("lat"), shown.get("lng")),
        )


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    radius_mi=st.floats(min_value=0.25, max_value=5.0),
    edge_offset_m=st.floats(min_value=-150, max_value=150),
    bearing=st.floats(min_value=0, max_value=2 * math.pi),
)
def test_every_home_and_radius_sees_two_posts_of_one_cell_alike(
    client, two_posts_in_one_cell, radius_mi, edge_offset_m, bearing
):
    """Homes whose circle's edge passes through the cell: where any exact-point test
    would tell A from B. Each sees both or neither, and sees them the same way."""
    post_a, post_b = two_posts_in_one_cell
    attacker = Attacker(client)
    home = destination(*PUBLIC, miles_to_m(radius_mi) + edge_offset_m, bearing)
    attacker.move(*home, radius_mi)

    seen_a, seen_b = attacker.observe(post_a), attacker.observe(post_b)

    assert seen_a[1:] == seen_b[1:]
    assert (seen_a[0] is None) == (seen_b[0] is None)


def test_binary_search_trilateration_finds_the_cell_centre_not_the_post(
    client, two_posts_in_one_cell
):
    """The published attack: from three homes, binary-search the radius at which the post
    enters the feed, then intersect the three circles. It lands on the public point."""
    post_a, _post_b = two_posts_in_one_cell
    attacker = Attacker(client)
    anchors = [destination(*PUBLIC, miles_to_m(2), bearing) for bearing in (0.3, 2.4, 4.5)]
    distances = []
    for anchor in anchors:
        low, high = 0.25, 5.0
        for _step in range(40):
            middle = (low + high) / 2
            attacker.move(*anchor, middle)
            if attacker.observe(post_a)[0] is None:
                low = middle
            else:
                high = middle
        distances.append(miles_to_m(high))
    estimate = trilaterate(anchors, distances)

    exact = (post_a.exact_lat, post_a.exact_lng)
    assert haversine_m(*estimate, *PUBLIC) < 1.0
    assert haversine_m(*estimate, *exact) > 0.9 * haversine_m(*PUBLIC, *exact) > 40


def trilaterate(anchors, distances) -> tuple[float, float]:
    """Least-squares point at the given distances from the anchors (local plane)."""
    lat0, lng0 = anchors[0]
    scale = math.cos(math.radians(lat0))

    def plane(lat, lng):
        return (
            math.radians(lng - lng0) * scale * EARTH_RADIUS_M,
            math.radians(lat - lat0) * EARTH_RADIUS_M,
        )

    (x1, y1), (x2, y2), (x3, y3) = (plane(*a) for a in anchors)
    r1, r2, r3 = distances
    a, b = 2 * (x2 - x1), 2 * (y2 - y1)
    c = r1**2 - r2**2 - x1**2 + x2**2 - y1**2 + y2**2
    d, e = 2 * (x3 - x1), 2 * (y3 - y1)
    f = r1**2 - r3**2 - x1**2 + x3**2 - y1**2 + y3**2
    x = (c * e - f * b) / (e * a - b * d)
    y = (c * d - a * f) / (b * d - a * e)
    return lat0 + math.degrees(y / EARTH_RADIUS_M), lng0 + math.degrees(x / EARTH_RADIUS_M / scale)


def test_alerts_and_live_delivery_treat_two_posts_of_one_cell_alike(monkeypatch):
    """Homes all around the cell's edge get an alert for A exactly when they get one for
    B, and a live socket at each home lets A through exactly when it lets B through."""
    corners = h3.cell_to_boundary(CELL)
    exact_a, exact_b = toward(corners[0], PUBLIC, 0.1), toward(corners[3], PUBLIC, 0.1)
    homes = [
        resident_at(*destination(*PUBLIC, miles_to_m(1) + offset, bearing), radius_mi=1)
        for offset in (-60, -30, -5, 5, 30, 60)
        for bearing in (i * math.pi / 6 for i in range(12))
    ]
    events = []
    monkeypatch.setattr(live, "publish", events.append)
    author, mod = resident_at(*CENTER), moderator()
    post_a = published(author, mod, lat=exact_a[0], lng=exact_a[1], title="A")
    post_b = published(author, mod, lat=exact_b[0], lng=exact_b[1], title="B")

    def alerted(post):
        return set(post_alerts().filter(subject_id=post.pk).values_list("recipient_id", flat=True))

    assert alerted(post_a) == alerted(post_b)
    assert 0 < len(alerted(post_a)) < len(homes)
    event_a, event_b = (e for e in events if e["type"] == "post.published")
    for home_owner in homes:
        socket = FeedConsumer()
        socket.closing, socket.user_id, socket.home = False, home_owner.pk, home_owner.home
        assert (socket.text_for(event_a) is None) == (socket.text_for(event_b) is None)
    for event, post in ((event_a, post_a), (event_b, post_b)):
        assert (event["post_lat"], event["post_lng"]) == PUBLIC
        assert str(post.exact_lat) not in json.dumps(event)
    # After moves across the cell's edge, each inbox keeps both alerts or neither.
    monkeypatch.setattr(accounts, "HOME_CHANGES_PER_DAY", 10**9)
    kept = 0
    for n, home_owner in enumerate(homes):
        moved = destination(home_owner.home.lat, home_owner.home.lng, 45, n * 0.7)
        accounts.set_home(user=home_owner, lat=moved[0], lng=moved[1], radius_mi=1)
        inbox = {n.subject_id for n in visible(home_owner, POST_ALERTS_KIND)}
        assert (post_a.pk in inbox) == (post_b.pk in inbox)
        kept += post_a.pk in inbox
    assert 0 < kept < len(alerted(post_a)), "some moves leave the circle, some do not"


def test_a_moderator_never_sees_the_exact_point(client):
    """Moderators read posts in the queue (page with its small area map, and API): what
    they get is the same wherever the exact point lies inside its ~100 m cell."""
    author, mod = resident_at(*CENTER), moderator()
    exact = destination(*CENTER, 40, 1.0)
    post = submit(author, lat=exact[0], lng=exact[1], title="Waiting here")
    sign_in(client, mod)

    def seen() -> tuple[str, dict]:
        page = client.get("/moderation/").content.decode()
        page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
        return page, client.get("/api/v1/moderation/queue").json()

    before = seen()
    elsewhere = _another_point_in_the_cell(exact)
    Post.objects.filter(pk=post.pk).update(exact_lat=elsewhere[0], exact_lng=elsewhere[1])
    after = seen()

    assert "Waiting here" in before[0]
    assert before[1]["items"][0]["title"] == "Waiting here"
    assert after == before
    assert f"{exact[0]:.6f}" not in before[0] and f"{exact[1]:.6f}" not in before[0]


def _another_point_in_the_cell(point) -> tuple[float, float]:
    """A point some metres away in the same public cell."""
    cell = cell_of(*point, APPROXIMATE_RESOLUTION)
    for bearing in range(12):
        moved = destination(*point, 15, bearing * math.pi / 6)
        if cell_of(*moved, APPROXIMATE_RESOLUTION) == cell:
            return moved
    raise AssertionError("no other point found in the cell")


def test_an_unnamed_place_reads_near_the_public_point_for_its_author_too(client):
    """The "near …" line names the place everyone sees, as a label would, not the exact
    point the author placed (their map still shows it to them)."""
    author = resident_at(*CENTER)
    exact = destination(*CENTER, 40, 1.0)
    post = submit(author, lat=exact[0], lng=exact[1], title="Waiting here")
    sign_in(client, author)

    page = client.get(f"/feed/posts/{post.pk}/").content.decode()

    near = re.search(r'<span class="place">near ([-\d.]+), ([-\d.]+)</span>', page)
    assert near and (float(near[1]), float(near[2])) == (round(post.lat, 4), round(post.lng, 4))
    assert f"{exact[0]:.4f}" not in near[0]
