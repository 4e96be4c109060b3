"""The process's live hub (hub.FeedHub): one layer channel for all feed sockets.

Driven through config.asgi.application on the in-memory layer, as a browser's
socket would be; the hub is inspected only to prove what it holds (which sockets
by cell, which groups it joined), never to deliver.
"""

from __future__ import annotations

import asyncio
import contextlib
from contextlib import asynccontextmanager

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator

from commonwatch.accounts.live import account_group
from commonwatch.community import live, services
from commonwatch.community.hub import feed_hub
from commonwatch.community.live import cell_group
from commonwatch.community.tests.live_servers import ORIGIN, session_cookie
from commonwatch.community.tests.live_servers import feed_socket as asgi_feed_socket
from commonwatch.community.tests.test_live_alerts import DENVER, IN_MEMORY, neighborhood_at
from config.asgi import application

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@pytest.fixture
def hood(settings):
    settings.CHANNEL_LAYERS = IN_MEMORY
    return neighborhood_at(DENVER)


@asynccontextmanager
async def feed_socket(user):
    cookie = await database_sync_to_async(session_cookie)(user)
    async with asgi_feed_socket(cookie) as communicator:
        assert communicator.accepted
        yield communicator


def publish(hood, title="Streetlight out", at=None):
    post = hood.submit(title, at=at)
    return hood.approve(post)


def joined_groups(hub) -> set[str]:
    layer = get_channel_layer()
    return {group for group, members in layer.groups.items() if hub.channel in members}


async def test_the_author_gets_the_author_variant_and_a_neighbor_the_public_card(hood):
    async with feed_socket(hood.author) as a, feed_socket(hood.inside) as b:
        post = await database_sync_to_async(publish)(hood)

        mine, theirs = await a.receive_json_from(timeout=5), await b.receive_json_from(timeout=5)
        assert (mine["post"]["id"], mine["post"]["mine"]) == (post.pk, True)
        assert (theirs["post"]["id"], theirs["post"]["mine"]) == (post.pk, False)


async def test_a_socket_outside_the_radius_never_gets_the_post_though_its_cell_is_covered(hood):
    async with feed_socket(hood.outside) as c:
        hub = feed_hub()
        post = await database_sync_to_async(hood.submit)()
        assert cell_group(post.cell) in hub.sockets  # the outsider listens to the post's cell
        await database_sync_to_async(hood.approve)(post)
        later = await database_sync_to_async(hood.submit_at_the_outsiders_home)()
        await database_sync_to_async(hood.approve)(later)

        assert (await c.receive_json_from(timeout=5))["post"]["id"] == later.pk
        assert await c.receive_nothing(timeout=0.1)

        # Nor that it was removed: a removal is measured like a publication.
        await database_sync_to_async(services.delete_post)(author=hood.author, post=post)
        last = await database_sync_to_async(hood.submit_at_the_outsiders_home)()
        await database_sync_to_async(hood.approve)(last)
        assert (await c.receive_json_from(timeout=5))["post"]["id"] == last.pk


async def test_sockets_share_one_layer_channel_per_process_and_leave_it_on_disconnect(hood):
    hub = feed_hub()
    async with feed_socket(hood.inside), feed_socket(hood.author):
        groups = set(hub.sockets)
        assert len({id(s) for members in hub.sockets.values() for s in members}) == 2
        assert {account_group(hood.inside.pk), account_group(hood.author.pk)} <= groups
        assert joined_groups(hub) == groups
        async with feed_socket(hood.outside):
            assert len(joined_groups(hub)) > len(groups)  # the outsider's circle reaches further
        assert set(hub.sockets) == groups  # its own groups were left
        assert joined_groups(hub) == groups
    assert hub.sockets == {}
    assert hub.channel is None  # no socket left: the hub stopped listening
    assert not any(get_channel_layer().groups.values())


async def test_a_socket_whose_consumer_ends_without_a_disconnect_still_leaves_the_hub(hood):
    hub = feed_hub()
    cookie = await database_sync_to_async(session_cookie)(hood.inside)
    headers = [(b"origin", ORIGIN.encode()), (b"cookie", f"sessionid={cookie}".encode())]
    communicator = WebsocketCommunicator(application, "/ws/feed/", headers=headers)
    assert (await communicator.connect(timeout=5))[0]
    assert hub.sockets

    communicator.future.cancel()  # as a server kills an application instance
    with contextlib.suppress(asyncio.CancelledError):
        await communicator.future

    assert hub.sockets == {}
    assert hub.channel is None


async def test_a_removal_reaches_every_local_socket_of_the_cell(hood):
    async with feed_socket(hood.inside) as b, feed_socket(hood.author) as a:
        post = await database_sync_to_async(publish)(hood)
        assert (await a.receive_json_from(timeout=5))["post"]["id"] == post.pk
        assert (await b.receive_json_from(timeout=5))["post"]["id"] == post.pk

        await database_sync_to_async(live.announce_removal)(
            post_id=post.pk, cell=post.cell, lat=post.lat, lng=post.lng
        )

        removed = {"type": "removed", "post_id": post.pk}
        assert await a.receive_json_from(timeout=5) == removed
        assert await b.receive_json_from(timeout=5) == removed
