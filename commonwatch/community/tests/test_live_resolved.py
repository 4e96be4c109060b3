"""A post its author marks resolved ("Found") or opens again changes on neighbors' open
pages at once, over the feed's socket: for those who may see the post, and nobody else.

"Receives nothing" is proven by ordering, as in test_live_alerts: a later message the
socket does get would come after anything sent before it.
"""

from __future__ import annotations

import json

import pytest
from channels.db import database_sync_to_async
from django.utils import timezone

from commonwatch.community import services
from commonwatch.community.models import Post
from commonwatch.community.tests.live_servers import feed_socket, session_cookie
from commonwatch.community.tests.test_live_alerts import DENVER, IN_MEMORY, neighborhood_at
from commonwatch.core.errors import Conflict
from commonwatch.moderation import services as moderation
from commonwatch.moderation.tests.factories import established_neighbor

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@pytest.fixture
def hood(settings):
    settings.CHANNEL_LAYERS = IN_MEMORY  # a fresh in-memory layer per test
    return neighborhood_at(DENVER)


def lost_cat(hood):
    post = services.submit_post(
        author=hood.author,
        category="lost_pet",
        title="Grey cat missing",
        body="Our grey cat slipped out on Sunday evening near the creek.",
        lat=hood.place[0],
        lng=hood.place[1],
    )
    return hood.approve(post)


def resolve(hood, post, resolved=True):
    services.set_resolved(author=hood.author, post=post, resolved=resolved)


async def test_neighbors_who_see_the_post_and_its_author_learn_it_was_found(hood):
    post = await database_sync_to_async(lost_cat)(hood)
    inside, outside, author = [
        await database_sync_to_async(session_cookie)(user)
        for user in (hood.inside, hood.outside, hood.author)
    ]
    async with feed_socket(inside) as b, feed_socket(outside) as c, feed_socket(author) as a:
        await database_sync_to_async(resolve)(hood, post)
        await database_sync_to_async(resolve)(hood, post)  # twice: one message
        found = {"type": "resolved", "post_id": post.pk, "resolved": True}
        found["resolved_label"] = "Found"

        assert await b.receive_json_from(timeout=5) == found
        assert await a.receive_json_from(timeout=5) == found

        await database_sync_to_async(resolve)(hood, post, resolved=False)
        assert (await b.receive_json_from(timeout=5))["resolved"] is False

        # The outsider's socket listens to the post's cell; the distance check drops it.
        later = await database_sync_to_async(hood.submit_at_the_outsiders_home)()
        await database_sync_to_async(hood.approve)(later)
        first = await c.receive_json_from(timeout=5)
        assert (first["type"], first["post"]["id"]) == ("post", later.pk)
        assert await b.receive_nothing(timeout=0.1)


async def test_the_message_says_no_more_than_the_post_page(hood):
    post = await database_sync_to_async(lost_cat)(hood)
    async with feed_socket(await database_sync_to_async(session_cookie)(hood.inside)) as b:
        await database_sync_to_async(resolve)(hood, post)
        raw = await b.receive_from(timeout=5)

    assert set(json.loads(raw)) == {"type", "post_id", "resolved", "resolved_label"}
    assert str(post.exact_lat) not in raw and hood.author.email not in raw


def resolve_a_post_nobody_sees_then_publish_another(hood):
    waiting = services.submit_post(
        author=hood.author,
        category="lost_pet",
        title="Still waiting for review",
        body="A small brown dog without a collar, seen near the school.",
        lat=hood.place[0],
        lng=hood.place[1],
    )
    with pytest.raises(Conflict):  # only a published post is marked resolved
        resolve(hood, waiting)
    hidden = lost_cat(hood)
    Post.objects.filter(pk=hidden.pk).update(resolved_at=timezone.now())  # found, unsaid
    for _n in range(3):  # established neighbors' flags hide it until a moderator decides
        moderation.flag_post(user=established_neighbor(hood.moderator), post=hidden, reason="false")
    hidden.refresh_from_db()
    assert hidden.status != "published"
    resolve(hood, hidden, resolved=False)  # opened again while hidden: still unsaid
    return hood.approve(hood.submit("Approved later"))


async def test_nothing_is_said_of_a_post_neighbors_cannot_see(hood):
    async with feed_socket(await database_sync_to_async(session_cookie)(hood.inside)) as b:
        approved = await database_sync_to_async(resolve_a_post_nobody_sees_then_publish_another)(
            hood
        )
        messages = []
        while not await b.receive_nothing(timeout=0.3):
            messages.append(await b.receive_json_from(timeout=1))

    assert all(m["type"] != "resolved" for m in messages), messages
    assert messages[-1]["post"]["id"] == approved.pk
