"""An open /ws/feed/ socket follows its account at once, and catches up after a gap.

A home move makes it listen to the new area only; a sign-out, a new password, a role
without the feed or a deleted account closes it. A page that reconnects after a gap
first gets what was published meanwhile. Driven through config.asgi.application on
the in-memory channel layer, as a browser's socket would be.
"""

from __future__ import annotations

from contextlib import asynccontextmanager

import pytest
from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client

from commonwatch.accounts import services as accounts
from commonwatch.accounts.live import account_group
from commonwatch.accounts.models import Role
from commonwatch.accounts.tests.factories import PASSWORD, operator, sign_in
from commonwatch.community import selectors, services
from commonwatch.community.consumers import REFUSED, SIGNED_OUT
from commonwatch.community.hub import feed_hub
from commonwatch.community.selectors import encode_cursor
from commonwatch.community.tests.live_servers import feed_socket
from commonwatch.community.tests.test_live_alerts import (
    DENVER,
    IN_MEMORY,
    neighborhood_at,
    north_of,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]
FAR_AWAY = north_of(*DENVER, 20_000)


@pytest.fixture
def hood(settings):
    settings.CHANNEL_LAYERS = IN_MEMORY
    return neighborhood_at(DENVER)


def signed_in_client(user) -> Client:
    return sign_in(Client(), user)


@asynccontextmanager
async def socket_of(client: Client, query: str = ""):
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    async with feed_socket(cookie, query=query) as communicator:
        assert communicator.accepted
        yield communicator


async def closed_with(socket) -> int:
    message = await socket.receive_output(timeout=5)
    assert message["type"] == "websocket.close", message
    return message["code"]


def publish_at(hood, title: str, place):
    return hood.approve(hood.submit(title, at=place))


async def test_after_a_home_move_the_socket_gets_the_new_area_and_not_the_old(hood):
    client = await database_sync_to_async(signed_in_client)(hood.inside)
    async with socket_of(client) as socket:
        await database_sync_to_async(accounts.set_home)(
            user=hood.inside, lat=FAR_AWAY[0], lng=FAR_AWAY[1], radius_mi=1
        )
        await socket.receive_nothing(timeout=0.3)  # the socket re-listens

        await database_sync_to_async(publish_at)(hood, "Old street", DENVER)
        new = await database_sync_to_async(publish_at)(hood, "New street", FAR_AWAY)

        message = await socket.receive_json_from(timeout=5)
        assert message["post"]["id"] == new.pk  # the old area's post came first, if at all
        assert await socket.receive_nothing(timeout=0.1)


async def test_signing_out_closes_the_socket_of_that_session_only(hood):
    leaving = await database_sync_to_async(signed_in_client)(hood.inside)
    staying = await database_sync_to_async(signed_in_client)(hood.inside)
    async with socket_of(leaving) as closing, socket_of(staying) as open_one:
        await database_sync_to_async(leaving.post)("/accounts/logout/")

        assert await closed_with(closing) == SIGNED_OUT.code
        post = await database_sync_to_async(publish_at)(hood, "Still here", DENVER)
        assert (await open_one.receive_json_from(timeout=5))["post"]["id"] == post.pk


async def test_a_new_password_closes_the_sockets_of_other_sessions(hood):
    other = await database_sync_to_async(signed_in_client)(hood.inside)
    changing = await database_sync_to_async(signed_in_client)(hood.inside)
    async with socket_of(other) as socket:
        changed = await database_sync_to_async(changing.post)(
            "/accounts/password/change/",
            {
                "oldpassword": PASSWORD,
                "password1": "a brand new passphrase 99",
                "password2": "a brand new passphrase 99",
            },
        )
        assert changed.status_code == 302
        assert await closed_with(socket) == SIGNED_OUT.code


async def test_an_operator_giving_a_role_without_the_feed_closes_the_socket(hood):
    client = await database_sync_to_async(signed_in_client)(hood.inside)
    operating = await database_sync_to_async(signed_in_client)(
        await database_sync_to_async(operator)()
    )
    change = f"/admin/accounts/user/{hood.inside.pk}/change/"

    async with socket_of(client) as socket:
        promoted = await database_sync_to_async(operating.post)(
            change, {"role": Role.OPERATOR, "is_active": "on"}
        )
        assert promoted.status_code == 302
        assert await closed_with(socket) == REFUSED


async def test_deleting_the_account_closes_its_sockets(hood):
    client = await database_sync_to_async(signed_in_client)(hood.inside)
    async with socket_of(client) as socket:
        await database_sync_to_async(accounts.delete_account)(user=hood.inside)
        assert await closed_with(socket) == SIGNED_OUT.code


async def test_a_lost_event_is_made_up_by_the_periodic_recheck(hood):
    """The session ends without a live event (a channel layer outage dropped it)."""
    client = await database_sync_to_async(signed_in_client)(hood.inside)
    async with socket_of(client) as socket:
        await database_sync_to_async(Session.objects.all().delete)()
        (consumer,) = feed_hub().sockets[account_group(hood.inside.pk)]

        await consumer.recheck()

        assert await closed_with(socket) == SIGNED_OUT.code


async def test_a_recheck_closing_a_socket_its_browser_already_left_ends_quietly(hood):
    """ASGI servers raise an OSError for a write to a socket whose browser went away;
    a recheck that closes such a socket is done, not a failed task in the server log."""
    client = await database_sync_to_async(signed_in_client)(hood.inside)
    async with socket_of(client):
        (consumer,) = feed_hub().sockets[account_group(hood.inside.pk)]
        await database_sync_to_async(Session.objects.all().delete)()

        async def gone(message):
            raise ConnectionResetError("the browser left")

        consumer.base_send = gone
        await consumer.recheck()

        assert consumer.closing


async def test_a_reconnecting_socket_first_gets_what_was_published_in_the_gap(hood):
    seen = await database_sync_to_async(publish_at)(hood, "Seen before the gap", DENVER)
    missed = [await database_sync_to_async(publish_at)(hood, f"Missed {n}", DENVER) for n in (1, 2)]
    client = await database_sync_to_async(signed_in_client)(hood.inside)
    cursor = await database_sync_to_async(encode_cursor)(seen)

    async with socket_of(client, f"?after={cursor}") as socket:
        ids = [(await socket.receive_json_from(timeout=5))["post"]["id"] for _ in range(3)]
        assert await socket.receive_nothing(timeout=0.1)

    # Oldest first; the last post seen comes again (commits and clocks are not in step)
    # and the page drops what it already shows.
    assert ids == [seen.pk, *[post.pk for post in missed]]


async def test_a_reconnecting_socket_with_a_broken_cursor_just_goes_live(hood):
    client = await database_sync_to_async(signed_in_client)(hood.inside)
    async with socket_of(client, "?after=not-a-cursor") as socket:
        assert await socket.receive_nothing(timeout=0.2)
        post = await database_sync_to_async(publish_at)(hood, "Live", DENVER)
        assert (await socket.receive_json_from(timeout=5))["post"]["id"] == post.pk


async def test_a_socket_away_too_long_is_told_to_reload_the_feed(hood, monkeypatch):
    monkeypatch.setattr(selectors, "CATCH_UP_LIMIT", 2)
    seen = await database_sync_to_async(publish_at)(hood, "Seen", DENVER)
    for n in range(3):
        await database_sync_to_async(publish_at)(hood, f"Missed {n}", DENVER)
    client = await database_sync_to_async(signed_in_client)(hood.inside)
    cursor = await database_sync_to_async(encode_cursor)(seen)

    async with socket_of(client, f"?after={cursor}") as socket:
        first = await socket.receive_json_from(timeout=5)
        second = await socket.receive_json_from(timeout=5)
        assert (first["type"], second["type"]) == ("post", "post")
        assert await socket.receive_json_from(timeout=5) == {"type": "gap"}


async def test_a_reconnecting_socket_hears_how_the_posts_it_shows_stand_now(hood):
    found = await database_sync_to_async(publish_at)(hood, "Lost cat", DENVER)
    deleted = await database_sync_to_async(publish_at)(hood, "Mistake", DENVER)
    unchanged = await database_sync_to_async(publish_at)(hood, "Still open", DENVER)
    away = await database_sync_to_async(publish_at)(hood, "Far away", FAR_AWAY)
    # While the page was away: one post solved, one deleted by its author.
    await database_sync_to_async(services.set_resolved)(
        author=hood.author, post=found, resolved=True
    )
    await database_sync_to_async(services.delete_post)(author=hood.author, post=deleted)
    client = await database_sync_to_async(signed_in_client)(hood.inside)
    shown = [found.pk, deleted.pk, unchanged.pk, away.pk, 10**12, found.pk]

    query = "?shown=" + ",".join(map(str, shown)) + ",x,-3," + "9" * 30
    async with socket_of(client, query) as socket:
        said = [await socket.receive_json_from(timeout=5) for _ in range(5)]
        assert await socket.receive_nothing(timeout=0.1)

    assert said[0] == {
        "type": "resolved",
        "post_id": found.pk,
        "resolved": True,
        "resolved_label": found.resolved_label,
    }
    assert said[1] == {"type": "removed", "post_id": deleted.pk}
    assert said[2]["post_id"] == unchanged.pk and said[2]["resolved"] is False
    # Outside the circle and never there read the same as deleted: nothing to learn.
    assert said[3:] == [
        {"type": "removed", "post_id": away.pk},
        {"type": "removed", "post_id": 10**12},
    ]


async def test_a_socket_reads_at_most_a_hundred_shown_posts(hood):
    post = await database_sync_to_async(publish_at)(hood, "Shown", DENVER)
    client = await database_sync_to_async(signed_in_client)(hood.inside)
    query = "?shown=" + ",".join(["0"] * selectors.SHOWN_LIMIT + [str(post.pk)])

    async with socket_of(client, query) as socket:
        assert await socket.receive_json_from(timeout=5) == {"type": "removed", "post_id": 0}
        assert await socket.receive_nothing(timeout=0.2)  # the rest were repeats or past 100
