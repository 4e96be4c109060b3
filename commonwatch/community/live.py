"""Live delivery by area: a post goes to the channel group of its cell.

Each app process's hub (hub.FeedHub) joins the groups of the cells that its
connected residents' alert circles cover, and each socket checks the exact
distance before a post is written to it (FeedConsumer.text_for); nobody lists
homes to deliver a post. The in-memory layer serves the embedded mode (one
process), Redis the scale mode.
"""

from __future__ import annotations

import json
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.serializers.json import DjangoJSONEncoder

from commonwatch.geo.cells import cells_covering_circle

logger = logging.getLogger(__name__)


def cell_group(cell: int) -> str:
    return f"cell.{cell}"


def groups_for_circle(lat: float, lng: float, radius_m: float) -> list[str]:
    return [cell_group(cell) for cell in cells_covering_circle(lat, lng, radius_m)]


def announce(post) -> None:
    """Send a newly published post to everyone whose circle may cover its cell."""
    from .selectors import public_card

    card = public_card(post)
    # Encoded once here, not once per socket: a busy cell may hold thousands.
    event = {
        "type": "post.published",
        "cell": post.cell,
        "post_lat": post.lat,
        "post_lng": post.lng,
        "author_id": post.author_id,
        "text": _encode({"type": "post", "post": card | {"mine": False}}),
        "author_text": _encode({"type": "post", "post": card | {"mine": True}}),
    }
    _group_send(cell_group(post.cell), event)


def _encode(message: dict) -> str:
    return json.dumps(message, cls=DjangoJSONEncoder)


def announce_removal(post) -> None:
    event = {
        "type": "post.removed",
        "cell": post.cell,
        "text": _encode({"type": "removed", "post_id": post.pk}),
    }
    _group_send(cell_group(post.cell), event)


def _group_send(group: str, event: dict) -> None:
    """Best effort: runs after the commit, so a channel layer outage (Redis down) must
    neither fail the moderator's or author's request nor skip the offline alerts queued
    next; the feed and the alerts are the record, the push only speeds them up."""
    try:
        async_to_sync(get_channel_layer().group_send)(group, event)
    except Exception:
        logger.exception("Live delivery of %s to %s failed.", event["type"], group)
