"""The resident's live feed socket (/ws/feed/)."""

from __future__ import annotations

import asyncio

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from commonwatch.accounts.roles import Capability, can
from commonwatch.accounts.selectors import home_of
from commonwatch.geo.distance import haversine_m

from .live import groups_for_circle

REFUSED = 4403


class FeedConsumer(AsyncJsonWebsocketConsumer):
    """Who may connect: residents with a home point (Capability.READ_FEED); others are closed."""

    async def connect(self):
        user = self.scope.get("user")
        self.home = await database_sync_to_async(self._home_of_reader)(user)
        if self.home is None:
            await self.close(code=REFUSED)
            return
        self.user_id = user.pk
        self.groups_joined = groups_for_circle(self.home.lat, self.home.lng, self.home.radius_m)
        await asyncio.gather(
            *(
                self.channel_layer.group_add(group, self.channel_name)
                for group in self.groups_joined
            )
        )
        await self.accept()

    @staticmethod
    def _home_of_reader(user):
        if user is None or not can(user, Capability.READ_FEED):
            return None
        return home_of(user)

    async def disconnect(self, code):
        groups = getattr(self, "groups_joined", [])
        await asyncio.gather(
            *(self.channel_layer.group_discard(group, self.channel_name) for group in groups)
        )

    async def post_published(self, event):
        distance = haversine_m(self.home.lat, self.home.lng, event["post_lat"], event["post_lng"])
        if distance > self.home.radius_m:
            return
        mine = event["author_id"] == self.user_id
        await self.send(text_data=event["author_text"] if mine else event["text"])

    async def post_removed(self, event):
        await self.send_json({"type": "removed", "post_id": event["post_id"]})
