"""The resident's live feed socket (/ws/feed/)."""

from __future__ import annotations

import asyncio
import contextlib
import random
from typing import NamedTuple
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.utils.translation import gettext as _

from commonwatch.accounts.live import ACCOUNT_CHANGED, account_group
from commonwatch.accounts.selectors import home_of, reader_of_session
from commonwatch.core.errors import DomainError, NotAllowed, socket_close
from commonwatch.core.policies import require
from commonwatch.geo.distance import haversine_m

from . import selectors
from .hub import feed_hub
from .live import encode, groups_for_circle
from .policies import READ


class Closing(NamedTuple):
    """How a socket that may not stay open ends: a close code and a reason."""

    code: int
    reason: str


SIGNED_OUT = Closing(4401, "Signed out.")  # the session ended (sign-out, new password, deletion)
REFUSED = 4403  # not a reader, or no home: the page stops retrying
# A backstop for account changes whose event was lost (a channel layer outage):
# every socket checks its session and home again about this often.
RECHECK_EVERY_S = 300
MAX_ID_DIGITS = 18  # below 2**63: every database takes it as an id


class FeedConsumer(AsyncWebsocketConsumer):
    """Who may connect: residents with a home point (community.read); others are closed.

    Posts reach the socket through the process's hub (hub.FeedHub), which asks
    text_for() what this resident may see. The socket follows its account: after a
    home move it listens to the new area only; after a sign-out, a role change or a
    deletion it closes. ``?after=<feed cursor>`` first sends what was published since,
    and ``&shown=<id>,<id>…`` (the posts the page shows) how each stands now: resolved or
    open, or removed (selectors.shown_states).
    """

    # No channel per socket: the hub holds the process's one channel. An alias
    # with no layer configured gives channel_layer None (channels.layers.get_channel_layer).
    channel_layer_alias = None

    async def connect(self):
        self.session_key = getattr(self.scope.get("session"), "session_key", None)
        self.groups_joined: tuple[str, ...] = ()
        self.closing = False
        self._recheck = asyncio.Lock()
        self._pending: set[asyncio.Task] = set()
        reader = await database_sync_to_async(self._reader)()
        if isinstance(reader, Closing):
            await self.close(*reader)
            return
        user, home = reader
        self.user_id, self.home = user.pk, home
        self.hub = feed_hub()
        await self._listen(self._groups())
        await self.accept()
        self._watch = asyncio.create_task(self._recheck_periodically())
        query = parse_qs(self.scope.get("query_string", b"").decode("utf-8", "replace"))
        cursor = query.get("after", [""])[0]
        if cursor:
            await self._catch_up(user, cursor)
        shown = _post_ids(query.get("shown", [""])[0])
        if shown:
            states = await database_sync_to_async(selectors.shown_states)(user, shown)
            for state in states:
                await self.send(text_data=encode(state))

    def _reader(self):
        """(user, home) of the session if it may read the feed, else (close code, reason):
        4401 signed out, 4403 not a reader or no home (the page stops retrying)."""
        user = reader_of_session(self.session_key)
        if user is None:
            return SIGNED_OUT
        try:
            require(user, READ)
            home = home_of(user)
            if home is None:
                raise NotAllowed(_("Set your home first: the live feed follows it."))
        except DomainError as error:
            return Closing(*socket_close(error))
        return user, home

    def _groups(self) -> tuple[str, ...]:
        circle = groups_for_circle(self.home.lat, self.home.lng, self.home.radius_m)
        return (account_group(self.user_id), *circle)

    async def _listen(self, groups: tuple[str, ...]) -> None:
        """Listen to `groups` instead of the current ones: the new first, so nothing is missed."""
        old = self.groups_joined
        await self.hub.add(self, [group for group in groups if group not in old])
        self.groups_joined = groups
        await self.hub.remove(self, [group for group in old if group not in groups])

    async def _catch_up(self, user, cursor: str) -> None:
        try:
            cards = await database_sync_to_async(selectors.posts_since)(user, cursor)
        except ValueError:
            return  # a cursor from an old page: the page reloads the feed itself
        for card in cards:
            await self.send(text_data=encode({"type": "post", "post": card}))
        if len(cards) >= selectors.CATCH_UP_LIMIT:  # more were missed than are sent
            await self.send(text_data=encode({"type": "gap"}))

    async def __call__(self, scope, receive, send):
        """Leave the hub however the socket ends: a normal close calls disconnect(), but a
        handshake the server timed out, or a cancelled consumer, ends without it."""
        try:
            await super().__call__(scope, receive, send)
        finally:
            if hasattr(self, "_watch"):
                self._watch.cancel()
            for task in list(getattr(self, "_pending", ())):
                task.cancel()  # a recheck after the end must not rejoin the hub
            if hasattr(self, "hub"):
                await self.hub.remove(self, self.groups_joined)

    async def _recheck_periodically(self) -> None:
        while True:
            await asyncio.sleep(RECHECK_EVERY_S * random.uniform(0.8, 1.2))
            await self.recheck()

    async def recheck(self, *, ended_session: str | None = None) -> None:
        """Look at the session and home again: follow a move, or close."""
        async with self._recheck:
            if self.closing:
                return
            ended = ended_session is not None and ended_session == self.session_key
            reader = SIGNED_OUT if ended else await database_sync_to_async(self._reader)()
            if isinstance(reader, Closing):
                self.closing = True
                with contextlib.suppress(OSError):  # the browser may have left first
                    await self.close(*reader)
                return
            _user, self.home = reader
            await self._listen(self._groups())

    def text_for(self, event: dict) -> str | None:
        """What this resident may see of a live event: nothing of a post whose public point
        lies outside the circle (the cells only narrow it down), the author's own variant
        of their post. An account event makes the socket look at its session again."""
        if self.closing:
            return None
        if event["type"] == ACCOUNT_CHANGED:
            task = asyncio.create_task(self.recheck(ended_session=event.get("ended_session")))
            self._pending.add(task)
            task.add_done_callback(self._pending.discard)
            return None
        home = self.home
        if haversine_m(home.lat, home.lng, event["post_lat"], event["post_lng"]) > home.radius_m:
            return None  # not even that a post just outside the circle was removed
        if event["type"] in ("post.removed", "post.resolved"):
            return event["text"]  # the same for everyone, its author included
        return event["author_text"] if event["author_id"] == self.user_id else event["text"]


def _post_ids(text: str) -> list[int]:
    """The post ids of a ``shown`` list; anything else in it (and any number too large
    for a database id) is skipped."""
    parts = text.split(",")[: selectors.SHOWN_LIMIT]
    return [int(part) for part in parts if part.isdecimal() and len(part) <= MAX_ID_DIGITS]
