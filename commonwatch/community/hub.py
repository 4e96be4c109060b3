"""The process's live hub: one channel-layer subscription per group, not one per socket.

Every feed socket of an app process registers here for its groups: the cells its
alert circle covers, and its account (so a home move or a sign-out reaches it). The
hub holds one channel on the channel layer and joins each group once, while at
least one local socket wants it. An event published to a group arrives once per
process; the hub then walks that group's sockets, lets each socket decide what it
may see (FeedConsumer.text_for) and writes the text that live.announce() encoded once.

Handing the event to every socket's consumer instead (a queue, a task wake-up and
a dispatch per socket, each dispatch also hopping to a thread to close stale
database connections) cost ~0.45 ms per socket; this path is a distance check
and a write.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Iterable
from typing import Protocol

from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)

# The in-memory and core Redis layers forget a group member after a day
# (group_expiry); the hub's membership lasts as long as the process.
REJOIN_EVERY_S = 3600
# The hub yields to the event loop between batches of writes: a server that flushes
# on the next loop turn (daphne) starts sending, and other sockets are served.
WRITE_BATCH = 256


class LiveSocket(Protocol):
    def text_for(self, event: dict) -> str | None:
        """The text this socket may receive for a live event, or None (it may also act)."""

    async def send(self, text_data: str) -> None: ...


class FeedHub:
    """Local feed sockets by group, and the one layer channel that feeds them."""

    def __init__(self, layer):
        self.layer = layer
        self.channel: str | None = None
        self.sockets: dict[str, set[LiveSocket]] = {}
        self._joined: set[str] = set()
        self._membership = asyncio.Lock()
        self._tasks: list[asyncio.Task] = []

    async def add(self, socket: LiveSocket, groups: Iterable[str]) -> None:
        """Register socket for groups; returns once the process listens to all of them."""
        groups = tuple(groups)
        for group in groups:
            self.sockets.setdefault(group, set()).add(socket)
        await self._update_membership(groups)

    async def remove(self, socket: LiveSocket, groups: Iterable[str]) -> None:
        groups = tuple(groups)
        for group in groups:
            members = self.sockets.get(group)
            if members is not None:
                members.discard(socket)
                if not members:
                    del self.sockets[group]
        await self._update_membership(groups)

    async def _update_membership(self, groups: tuple[str, ...]) -> None:
        """Make the layer's groups match the registry; one change at a time, so
        concurrent connects and disconnects cannot leave a group joined or left wrongly."""
        async with self._membership:
            if self.sockets and self.channel is None:
                await self._start()
            for group in groups:
                wanted = group in self.sockets
                if wanted and group not in self._joined:
                    await self.layer.group_add(group, self.channel)
                    self._joined.add(group)
                elif not wanted and group in self._joined:
                    await self.layer.group_discard(group, self.channel)
                    self._joined.discard(group)
            if not self.sockets and self.channel is not None:
                await self._stop()

    async def _start(self) -> None:
        self.channel = await self.layer.new_channel("feedhub.")
        self._tasks = [
            asyncio.create_task(self._receive_forever()),
            asyncio.create_task(self._rejoin_forever()),
        ]

    async def _stop(self) -> None:
        """No local sockets left: stop listening (cancelling the receive drops the channel)."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks, self.channel = [], None

    async def _receive_forever(self) -> None:
        while True:
            event = await self.layer.receive(self.channel)
            try:
                await self.deliver(event)
            except Exception:
                logger.exception("Live delivery of %s failed.", event.get("type"))

    async def _rejoin_forever(self) -> None:
        while True:
            await asyncio.sleep(REJOIN_EVERY_S)
            async with self._membership:
                for group in self._joined:
                    await self.layer.group_add(group, self.channel)

    async def deliver(self, event: dict) -> None:
        """Write an event from the layer to those local sockets of its group that may see it."""
        sockets = list(self.sockets.get(event["group"], ()))  # may change while we write
        for count, socket in enumerate(sockets, 1):
            text = socket.text_for(event)
            if text is not None:
                await _send(socket, text)
            if count % WRITE_BATCH == 0:
                await asyncio.sleep(0)


async def _send(socket: LiveSocket, text: str) -> None:
    """One socket's failure must not keep the post from the others. A socket closing
    while we write is normal: ASGI servers raise an OSError for it."""
    try:
        await socket.send(text_data=text)
    except OSError:
        logger.debug("Live write to a closed socket skipped.")
    except Exception:
        logger.exception("Live write to a socket failed.")


_hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, FeedHub] = weakref.WeakKeyDictionary()


def feed_hub() -> FeedHub:
    """The hub of the running event loop (an app process has one), on the default layer."""
    loop = asyncio.get_running_loop()
    layer = get_channel_layer()
    hub = _hubs.get(loop)
    if hub is None or hub.layer is not layer:  # tests swap CHANNEL_LAYERS between runs
        hub = _hubs[loop] = FeedHub(layer)
    return hub
