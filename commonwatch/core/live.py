"""Publishing to live sockets over the channel layer.

Publications are outbox handlers (put ``inline`` after the commit): a layer outage
(Redis down) raises here, so the message waits and a worker publishes it once the
layer is back; the request that caused it never fails. Events name the group they go
to (``event["group"]``).
"""

from __future__ import annotations

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer


def publish(event: dict) -> None:
    async_to_sync(get_channel_layer().group_send)(event["group"], event)
