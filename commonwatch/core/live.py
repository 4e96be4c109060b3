"""Publishing to live sockets over the channel layer, best effort.

Every publication runs after a commit; the database is the record and the push only
speeds it up, so a layer outage (Redis down) is logged and never fails the request.
Events name the group they go to (``event["group"]``).
"""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)


def publish(event: dict) -> bool:
    try:
        async_to_sync(get_channel_layer().group_send)(event["group"], event)
    except Exception:
        logger.exception("Live delivery of %s to %s failed.", event["type"], event["group"])
        return False
    return True
