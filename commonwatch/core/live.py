"""Publishing to live sockets over the channel layer.

Publications are outbox handlers (put ``inline`` after the commit): a layer outage
(Redis down) raises here, so the message waits and a worker publishes it once the
layer is back; the request that caused it never fails. Events name the group they go
to (``event["group"]``).
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer


def publish(event: dict) -> None:
    send = async_to_sync(get_channel_layer().group_send)
    if _in_event_loop_thread():
        # async_to_sync refuses to block a thread that runs an event loop (a browser
        # test's driver calling a service): the send waits in a thread of its own.
        with ThreadPoolExecutor(max_workers=1) as sender:
            sender.submit(send, event["group"], event).result()
    else:
        send(event["group"], event)


def _in_event_loop_thread() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True
