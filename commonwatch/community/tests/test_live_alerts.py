"""Live alerts reach the sockets of residents whose circle covers a post, and nobody else.

Part one drives config.asgi.application (origin check, session auth, routing,
FeedConsumer) in this process on the in-memory channel layer. Part two starts
two real app server processes (uvicorn) on the Redis layer and proves that a post approved
in a third process (this one) reaches a socket held by another process.

"Receives nothing" is proven by ordering, not only by waiting: messages reach a
socket in the order they were sent, so when the first thing the outsider's
socket receives is a later post at its own home, the earlier post did come to
its process's hub (the outsider's circle covers that post's cell) and was dropped
there by the exact distance check.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import random
from dataclasses import dataclass

import pytest
import redis
from channels.db import database_sync_to_async

from commonwatch.accounts import services as accounts
from commonwatch.accounts.models import Home
from commonwatch.accounts.tests.factories import UserFactory, operator
from commonwatch.community import services
from commonwatch.community.live import cell_group, groups_for_circle
from commonwatch.community.models import Post, Status
from commonwatch.community.tests.factories import moderator, post_alerts
from commonwatch.community.tests.live_servers import (
    FeedSocket,
    feed_socket,
    server_env,
    session_cookie,
    start_servers,
    stop_all,
    wait_ready_all,
)
from commonwatch.core.errors import Conflict
from commonwatch.core.models import OutboxMessage
from commonwatch.geo.approximate import approximate_location
from commonwatch.geo.cells import cell_of
from commonwatch.geo.distance import EARTH_RADIUS_M, haversine_m, miles_to_m
from commonwatch.moderation import services as moderation
from config.settings import redis_channel_layer

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

DENVER = (39.7392, -104.9903)
RADIUS_MI = 1.0
MARGIN_M = 30
IN_MEMORY = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
LIVE_REDIS_URL = os.environ.get("TEST_LIVE_REDIS_URL", "redis://127.0.0.1:6379/14")
REDIS_LAYER = {"default": redis_channel_layer(LIVE_REDIS_URL)}  # as the app servers have it


def north_of(lat: float, lng: float, metres: float) -> tuple[float, float]:
    return lat + math.degrees(metres / EARTH_RADIUS_M), lng


@dataclass
class Neighborhood:
    """A post's author, a resident just inside its reach, one just outside, a moderator."""

    place: tuple[float, float]
    author: object
    inside: object
    outside: object
    moderator: object

    def submit(self, title: str = "Streetlight out", at: tuple[float, float] | None = None):
        lat, lng = at or self.place
        return services.submit_post(
            author=self.author,
            category="safety",
            title=title,
            body="The streetlight at the corner has been dark since Monday.",
            lat=lat,
            lng=lng,
        )

    def submit_at_the_outsiders_home(self) -> Post:
        """A later post the outsider does get (and the inside neighbor, 2 r away, does not)."""
        return self.submit("Loose dog", at=(self.outside.home.lat, self.outside.home.lng))

    def approve(self, post: Post) -> Post:
        return moderation.approve_post(moderator=self.moderator, post=post)


def resident_at(lat: float, lng: float):
    user = UserFactory()
    accounts.set_home(user=user, lat=lat, lng=lng, radius_mi=RADIUS_MI)
    return user


def neighborhood_at(place: tuple[float, float]) -> Neighborhood:
    """Homes 30 m inside and outside the reach of a post at `place`: reach measured from
    the centre of its ~100 m cell, the public point every distance test uses."""
    public = approximate_location(*place)
    radius_m = miles_to_m(RADIUS_MI)
    hood = Neighborhood(
        place=place,
        author=resident_at(*place),
        inside=resident_at(*north_of(*public, radius_m - MARGIN_M)),
        outside=resident_at(*north_of(*public, -(radius_m + MARGIN_M))),
        moderator=moderator(),
    )
    inside, outside = hood.inside.home, hood.outside.home
    assert haversine_m(inside.lat, inside.lng, *public) < radius_m
    assert haversine_m(outside.lat, outside.lng, *public) > radius_m
    # The outsider's socket is listed for the post's cell: only the exact distance
    # check (FeedConsumer.text_for) stands between it and the post, which is what is tested.
    post_group = cell_group(cell_of(*place))
    assert post_group in groups_for_circle(outside.lat, outside.lng, outside.radius_m)
    return hood


def assert_is_public_card(message: dict, post: Post) -> None:
    """The card a neighbor sees: approximate place, anonymous author, no exact point."""
    assert message["type"] == "post"
    card = message["post"]
    assert card["id"] == post.pk
    assert card["title"] == post.title
    assert card["status"] == "published"
    assert card["author"] == "Neighbor #1"
    assert card["mine"] is False
    assert (card["lat"], card["lng"]) != (post.exact_lat, post.exact_lng)
    assert [card["lat"], card["lng"]] == list(approximate_location(post.exact_lat, post.exact_lng))
    assert haversine_m(card["lat"], card["lng"], post.exact_lat, post.exact_lng) < 100
    numbers: list[float] = []
    raw = json.dumps(message)
    json.loads(raw, parse_float=lambda text: numbers.append(float(text)))
    assert post.exact_lat not in numbers and post.exact_lng not in numbers  # nowhere
    assert card["moderation_note"] == ""
    assert "post_lat" not in raw and "author_id" not in raw


# Part one: the in-memory layer, one process --------------------------------------------


@pytest.fixture
def in_memory_layer(settings):
    # A fresh layer per test (changing the setting drops the cached one).
    settings.CHANNEL_LAYERS = IN_MEMORY


@pytest.fixture
def hood(in_memory_layer):
    return neighborhood_at(DENVER)


async def test_a_neighbor_inside_gets_the_approved_post_and_one_just_outside_does_not(hood):
    post = await database_sync_to_async(hood.submit)()
    inside = await database_sync_to_async(session_cookie)(hood.inside)
    outside = await database_sync_to_async(session_cookie)(hood.outside)

    async with feed_socket(inside) as b, feed_socket(outside) as c:
        assert b.accepted and c.accepted
        await database_sync_to_async(hood.approve)(post)

        assert_is_public_card(await b.receive_json_from(timeout=5), post)

        later = await database_sync_to_async(hood.submit_at_the_outsiders_home)()
        await database_sync_to_async(hood.approve)(later)
        assert_is_public_card(await c.receive_json_from(timeout=5), later)
        assert await c.receive_nothing(timeout=0.1)
        assert await b.receive_nothing(timeout=0.1)


def delete(hood, post):
    services.delete_post(author=hood.author, post=post)


def reject(hood, post):
    """A published post is rejected from the queue, where neighbors' flags put it."""
    moderation.flag_post(user=hood.inside, post=post, reason="private_info")
    moderation.reject_post(
        moderator=hood.moderator, post=post, reason="Names a neighbor.", rule="private_info"
    )


def requeue(hood, post):
    moderation.requeue_post(moderator=hood.moderator, post=post, reason="Second look.")


@pytest.mark.parametrize("take_down", [delete, reject, requeue])
async def test_taking_a_published_post_down_tells_the_neighbor_to_remove_it(hood, take_down):
    post = await database_sync_to_async(hood.submit)()
    async with feed_socket(await database_sync_to_async(session_cookie)(hood.inside)) as b:
        await database_sync_to_async(hood.approve)(post)
        assert (await b.receive_json_from(timeout=5))["post"]["id"] == post.pk

        await database_sync_to_async(take_down)(hood, post)

        assert await b.receive_json_from(timeout=5) == {"type": "removed", "post_id": post.pk}
        assert await b.receive_nothing(timeout=0.1)


async def test_pending_and_rejected_posts_are_never_sent(hood):
    async with feed_socket(await database_sync_to_async(session_cookie)(hood.inside)) as b:
        assert b.accepted

        def pending_rejected_then_one_approved():
            hood.submit("Still waiting")
            rejected = hood.submit("Turned down")
            moderation.reject_post(
                moderator=hood.moderator, post=rejected, reason="Rumor.", rule="false"
            )
            with pytest.raises(Conflict):
                hood.approve(rejected)  # a rejected post cannot be approved later either
            return hood.approve(hood.submit("Approved"))

        approved = await database_sync_to_async(pending_rejected_then_one_approved)()

        # The approved post was sent last: anything sent for the others would come first.
        first = await b.receive_json_from(timeout=5)
        assert first["type"] == "post" and first["post"]["id"] == approved.pk
        assert await b.receive_nothing(timeout=0.1)


def operator_with_a_home():
    """An operator who does have a home: refused for the role, not for a missing home."""
    user = operator()
    Home.objects.create(user=user, lat=DENVER[0], lng=DENVER[1], radius_m=miles_to_m(1))
    return user


async def test_visitors_operators_and_residents_without_a_home_are_refused(in_memory_layer):
    refused = [
        await database_sync_to_async(operator_with_a_home)(),
        await database_sync_to_async(UserFactory)(),
    ]
    cookies = [await database_sync_to_async(session_cookie)(user) for user in refused]

    async with feed_socket(None) as socket:  # a visitor: not signed in
        assert (socket.accepted, socket.close_code) == (False, 4401)
    for cookie in cookies:
        async with feed_socket(cookie) as socket:
            assert (socket.accepted, socket.close_code) == (False, 4403), cookie


async def test_a_socket_opened_from_another_site_is_refused(hood):
    cookie = await database_sync_to_async(session_cookie)(hood.inside)
    async with feed_socket(cookie, origin="https://evil.example") as socket:
        assert socket.accepted is False


async def test_a_channel_layer_outage_fails_neither_the_approval_nor_the_offline_alerts(
    settings,
):
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]},  # nothing listens there
        }
    }

    def approve_then_delete():
        hood = neighborhood_at(DENVER)
        post = hood.approve(hood.submit())
        alerted = post_alerts().filter(subject_id=post.pk, recipient=hood.inside).exists()
        services.delete_post(author=hood.author, post=post)
        return Post.objects.get(pk=post.pk).status, alerted

    status, alerted = await database_sync_to_async(approve_then_delete)()

    assert (status, alerted) == (Status.DELETED, True)
    waiting = OutboxMessage.objects.filter(done_at=None, kind__startswith="community.announce")
    kinds = await database_sync_to_async(lambda: sorted(waiting.values_list("kind", flat=True)))()
    assert kinds == ["community.announce_post", "community.announce_removal"], (
        "both announcements wait for a worker once the layer is back"
    )


# Part two: the Redis layer, two real app server processes ------------------------------


@pytest.fixture(scope="module", autouse=True)
def _app_servers_starting(request, tmp_path_factory):
    """Two app server processes on the Redis layer, started while part one runs; always stopped.

    Started only when this module's Redis tests are selected (``-m "not worker"`` skips them).
    """
    if not any(
        item.module is request.module and item.get_closest_marker("worker")
        for item in request.session.items
    ):
        yield []
        return
    request.getfixturevalue("django_db_setup")  # the servers open the test database
    log_dir = tmp_path_factory.mktemp("live-servers")
    env = server_env(redis_url=LIVE_REDIS_URL, data_dir=log_dir)
    servers = start_servers(["server-1", "server-2"], env, log_dir)
    try:
        yield servers
    finally:
        stop_all(servers)
    failed = {server.name: server.tracebacks() for server in servers if server.tracebacks()}
    assert not failed, failed


@pytest.fixture
def app_servers(_app_servers_starting):
    wait_ready_all(_app_servers_starting)
    return _app_servers_starting


@pytest.fixture
def redis_hood(settings):
    """A neighborhood at a random place, so that runs sharing Redis never share a cell."""
    settings.CHANNEL_LAYERS = REDIS_LAYER
    rng = random.Random()
    place = (rng.uniform(-50, 50), rng.uniform(-170, 170))
    hood = neighborhood_at(place)
    yield hood
    # Stopped servers leave group memberships behind: drop the groups any home of this
    # test can have joined (homes lie within r + 30 m of the place, so within 2 r + 30 m
    # of it is all their circles reach); the 30 s expiry clears the channels. Other
    # runs' keys in the same Redis database are left alone: no FLUSHDB.
    reach = 2 * miles_to_m(RADIUS_MI) + 100
    client = redis.Redis.from_url(LIVE_REDIS_URL)
    client.delete(*(f"asgi:group:{group}" for group in groups_for_circle(*place, reach)))
    client.close()


@pytest.mark.worker
async def test_a_post_approved_in_one_process_reaches_sockets_on_two_other_servers(
    app_servers, redis_hood
):
    hood = redis_hood
    server_1, server_2 = app_servers
    also_inside = await database_sync_to_async(resident_at)(*north_of(*hood.place, 200))
    post = await database_sync_to_async(hood.submit)()
    cookies = [
        await database_sync_to_async(session_cookie)(user)
        for user in (hood.inside, also_inside, hood.outside)
    ]

    b = await FeedSocket.open(server_1.port, cookie=cookies[0])
    d = await FeedSocket.open(server_2.port, cookie=cookies[1])
    c = await FeedSocket.open(server_2.port, cookie=cookies[2])
    try:
        assert [s.accepted for s in (b, d, c)] == [True, True, True], server_1.log()

        await database_sync_to_async(hood.approve)(post)  # group_send from this process

        assert_is_public_card(await b.receive(timeout=10), post)  # server 1
        assert_is_public_card(await d.receive(timeout=10), post)  # server 2

        later = await database_sync_to_async(hood.submit_at_the_outsiders_home)()
        await database_sync_to_async(hood.approve)(later)
        assert_is_public_card(await c.receive(timeout=10), later)  # the first post never came

        await database_sync_to_async(services.delete_post)(author=hood.author, post=post)
        removed = {"type": "removed", "post_id": post.pk}
        assert await b.receive(timeout=10) == removed
        assert await d.receive(timeout=10) == removed
    finally:
        for socket in (b, d, c):
            await socket.close()


@pytest.mark.worker
async def test_a_real_server_refuses_a_visitor_and_a_foreign_origin(app_servers, redis_hood):
    server = app_servers[0]
    cookie = await database_sync_to_async(session_cookie)(redis_hood.inside)

    visitor = await FeedSocket.open(server.port)
    foreign = await FeedSocket.open(server.port, cookie=cookie, origin="https://evil.example")
    resident = await FeedSocket.open(server.port, cookie=cookie)
    try:
        assert (visitor.accepted, visitor.status) == (False, 403)
        assert (foreign.accepted, foreign.status) == (False, 403)
        assert (resident.accepted, resident.status) == (True, 101)
    finally:
        for socket in (visitor, foreign, resident):
            await socket.close()


@pytest.mark.worker
async def test_a_socket_left_idle_on_the_redis_layer_still_gets_the_next_post(
    app_servers, redis_hood
):
    """Regression: redis-py's read timeout once beat channels_redis's 5 s blocking read
    and closed idle sockets; an idle feed must stay open and live."""
    hood = redis_hood
    post = await database_sync_to_async(hood.submit)()
    cookie = await database_sync_to_async(session_cookie)(hood.inside)
    socket = await FeedSocket.open(app_servers[0].port, cookie=cookie)
    try:
        assert socket.accepted
        await asyncio.sleep(12)
        await database_sync_to_async(hood.approve)(post)
        assert_is_public_card(await socket.receive(timeout=10), post)
    finally:
        await socket.close()
    assert "Timeout reading" not in app_servers[0].log()
