"""The process's live hub: one channel-layer subscription per cell, not one per socket.

Every feed socket of an app process registers here for the cells its alert circle
covers. The hub holds one channel on the channel layer and joins each cell's
group once, while at least one local socket covers the cell. A post published to
a cell arrives once per process; the hub then walks that cell's sockets, lets each
socket decide what it may see (FeedConsumer.text_for: the exact distance rule)
and writes the text that live.announce() encoded once.

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

from .live import cell_group

logger = logging.getLogger(__name__)

# The in-memory and core Redis layers forget a group member after a day
# (group_expiry); the hub's membership lasts as long as the process.
REJOIN_EVERY_S = 3600
# The hub yields to the event loop between batches of writes: a server that flushes
# on the next loop turn (daphne) starts sending, and other sockets are served.
WRITE_BATCH = 256


class LiveSocket(Protocol):
    def text_for(self, event: dict) -> str | None:
        """The text this socket may receive for a live event, or None."""

    async def send(self, text_data: str) -> None: ...


class FeedHub:
    """Local feed sockets by cell, and the one layer channel that feeds them."""

    def __init__(self, layer):
        self.layer = layer
        self.channel: str | None = None
        self.sockets: dict[int, set[LiveSocket]] = {}
        self._joined: set[int] = set()
        self._membership = asyncio.Lock()
        self._tasks: list[asyncio.Task] = []

    async def add(self, socket: LiveSocket, cells: Iterable[int]) -> None:
        """Register socket for cells; returns once the process listens to all of them."""
        cells = tuple(cells)
        for cell in cells:
            self.sockets.setdefault(cell, set()).add(socket)
        await self._update_membership(cells)

    async def remove(self, socket: LiveSocket, cells: Iterable[int]) -> None:
        cells = tuple(cells)
        for cell in cells:
            members = self.sockets.get(cell)
            if members is not None:
                members.discard(socket)
                if not members:
                    del self.sockets[cell]
        await self._update_membership(cells)

    async def _update_membership(self, cells: tuple[int, ...]) -> None:
        """Make the layer's groups match the registry; one change at a time, so
        concurrent connects and disconnects cannot leave a cell joined or left wrongly."""
        async with self._membership:
            if self.sockets and self.channel is None:
                await self._start()
            for cell in cells:
                wanted = cell in self.sockets
                if wanted and cell not in self._joined:
                    await self.layer.group_add(cell_group(cell), self.channel)
                    self._joined.add(cell)
                elif not wanted and cell in self._joined:
                    await self.layer.group_discard(cell_group(cell), self.channel)
                    self._joined.discard(cell)
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
                for cell in self._joined:
                    await self.layer.group_add(cell_group(cell), self.channel)

    async def deliver(self, event: dict) -> None:
        """Write an event from the layer to those local sockets of its cell that may see it."""
        sockets = list(self.sockets.get(event["cell"], ()))  # may change while we write
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
