"""Live delivery by area: a post goes to the channel group of its cell.

Each app process's hub (hub.FeedHub) joins the groups of the cells that its
connected residents' alert circles cover, and each socket checks the distance from
its home to the post's public point before a post is written to it
(FeedConsumer.text_for); nobody lists homes to deliver a post, and no exact point
travels over the channel layer. The in-memory layer serves the embedded mode (one
process), Redis the scale mode.
"""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext as _

from commonwatch.core import outbox
from commonwatch.core.live import publish
from commonwatch.geo.cells import cells_covering_circle

from .models import Post, Status
from .selectors import public_card, resolved_message


def cell_group(cell: int) -> str:
    return f"cell.{cell}"


def groups_for_circle(lat: float, lng: float, radius_m: float) -> list[str]:
    return [cell_group(cell) for cell in cells_covering_circle(lat, lng, radius_m)]


ANNOUNCE_POST = "community.announce_post"
ANNOUNCE_REMOVAL = "community.announce_removal"
ANNOUNCE_RESOLVED = "community.announce_resolved"


@outbox.handler(ANNOUNCE_POST)
def announce_by_id(*, post_id: int) -> None:
    """After the commit: push the post if it is still published (it may be gone already)."""
    post = Post.objects.filter(pk=post_id, status=Status.PUBLISHED).first()
    if post is not None:
        announce(post)


def announce(post: Post) -> None:
    """Send a newly published post to everyone whose circle may cover its cell."""
    card = public_card(post)
    # Encoded once here, not once per socket: a busy cell may hold thousands.
    event = {
        "type": "post.published",
        "group": cell_group(post.cell),
        "post_lat": post.lat,  # the public point: what every distance test uses
        "post_lng": post.lng,
        "author_id": post.author_id,
        "text": encode({"type": "post", "post": card}),
        "author_text": encode({"type": "post", "post": card | {"mine": True, "author": _("You")}}),
    }
    publish(event)


def encode(message: dict) -> str:
    return json.dumps(message, cls=DjangoJSONEncoder)


@outbox.handler(ANNOUNCE_REMOVAL)
def announce_removal(*, post_id: int, cell: int, lat: float, lng: float) -> None:
    """Tell the sockets that may show the post (at its public point) to drop it."""
    event = {
        "type": "post.removed",
        "group": cell_group(cell),
        "post_lat": lat,
        "post_lng": lng,
        "text": encode({"type": "removed", "post_id": post_id}),
    }
    publish(event)


@outbox.handler(ANNOUNCE_RESOLVED)
def announce_resolved(*, post_id: int) -> None:
    """After the commit: its author marked the post resolved ("Found") or open again.

    Only a post still published goes out, and only to the sockets whose circle holds its
    public point (FeedConsumer.text_for), as for a new post: whoever receives it could
    open the post and read the same. The state sent is the one at sending time, so two
    quick changes never leave pages showing the first.
    """
    post = Post.objects.filter(pk=post_id, status=Status.PUBLISHED).first()
    if post is None:
        return
    publish(
        {
            "type": "post.resolved",
            "group": cell_group(post.cell),
            "post_lat": post.lat,
            "post_lng": post.lng,
            "text": encode(resolved_message(post)),
        }
    )
