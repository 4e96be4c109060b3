"""Publishing to live sockets works from whatever thread a service runs in."""

from __future__ import annotations

import pytest
from channels.layers import get_channel_layer

from commonwatch.core.live import publish

pytestmark = pytest.mark.asyncio


async def test_a_publication_from_a_thread_running_an_event_loop_is_sent(settings):
    """A browser test's driver runs an event loop in the thread that calls services;
    async_to_sync alone refuses there, and the outbox kept retrying the event."""
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add("account.1", channel)

    publish({"type": "account.changed", "group": "account.1"})  # called as a service would

    assert (await layer.receive(channel))["type"] == "account.changed"
