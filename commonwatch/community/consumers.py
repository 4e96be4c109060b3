"""The resident's live feed socket (/ws/feed/)."""

from __future__ import annotations

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from commonwatch.accounts.roles import Capability, can
from commonwatch.accounts.selectors import home_of
from commonwatch.geo.cells import cells_covering_circle
from commonwatch.geo.distance import haversine_m

from .hub import feed_hub

REFUSED = 4403


class FeedConsumer(AsyncWebsocketConsumer):
    """Who may connect: residents with a home point (Capability.READ_FEED); others are closed.

    Posts reach the socket through the process's hub (hub.FeedHub), which asks
    text_for() what this resident may see.
    """

    # No channel per socket: the hub holds the process's one channel. An alias
    # with no layer configured gives channel_layer None (channels.layers.get_channel_layer).
    channel_layer_alias = None

    async def connect(self):
        user = self.scope.get("user")
        self.home = await database_sync_to_async(self._home_of_reader)(user)
        if self.home is None:
            await self.close(code=REFUSED)
            return
        self.user_id = user.pk
        self.cells = cells_covering_circle(self.home.lat, self.home.lng, self.home.radius_m)
        self.hub = feed_hub()
        await self.hub.add(self, self.cells)
        await self.accept()

    @staticmethod
    def _home_of_reader(user):
        if user is None or not can(user, Capability.READ_FEED):
            return None
        return home_of(user)

    async def __call__(self, scope, receive, send):
        """Leave the hub however the socket ends: a normal close calls disconnect(), but a
        handshake the server timed out, or a cancelled consumer, ends without it."""
        try:
            await super().__call__(scope, receive, send)
        finally:
            if hasattr(self, "hub"):
                await self.hub.remove(self, self.cells)

    def text_for(self, event: dict) -> str | None:
        """What this resident may see of a live event: nothing of a post outside the
        circle (exact distance, the cells only narrow it down), the author's own variant
        of their post."""
        if event["type"] == "post.removed":
            return event["text"]
        home = self.home
        if haversine_m(home.lat, home.lng, event["post_lat"], event["post_lng"]) > home.radius_m:
            return None
        return event["author_text"] if event["author_id"] == self.user_id else event["text"]
