"""/api/v1/notifications: the signed-in person's inbox and notification settings."""

from __future__ import annotations

from datetime import datetime

from ninja import Router, Schema

from commonwatch.accounts.access import SIGNED_IN, api_access
from commonwatch.core.schemas import answers

from . import selectors, services

router = Router(tags=["notifications"])
OWN = api_access(SIGNED_IN)


class NotificationOut(Schema):
    kind: str
    kind_label: str
    title: str
    url: str
    created_at: datetime
    unread: bool


class InboxOut(Schema):
    unread: int
    notifications: list[NotificationOut]


class MarkedOut(Schema):
    marked_read: int


class ChoiceOut(Schema):
    kind: str
    channel: str
    enabled: bool


class ChoiceIn(Schema):
    kind: str
    channel: str
    enabled: bool


@router.get("/notifications", response=answers({200: InboxOut}), auth=OWN)
def inbox(request):
    """Your newest notifications, newest first (the ones about things you may still see)."""
    items = selectors.inbox(request.auth)
    return {
        "unread": selectors.unread_count(request.auth),
        "notifications": [
            {
                "kind": item.notification.kind,
                "kind_label": item.kind_label,
                "title": item.entry.title,
                "url": item.entry.url,
                "created_at": item.notification.created_at,
                "unread": item.unread,
            }
            for item in items
        ],
    }


@router.post("/notifications/read", response=answers({200: MarkedOut}), auth=OWN)
def mark_all_read(request):
    return {"marked_read": services.mark_read(user=request.auth)}


@router.get("/notifications/settings", response=answers({200: list[ChoiceOut]}), auth=OWN)
def my_choices(request):
    """Each kind and channel you may switch (the inbox always keeps everything)."""
    return [
        {"kind": c.kind.code, "channel": c.channel, "enabled": c.enabled}
        for c in selectors.choices_of(request.auth)
    ]


@router.put("/notifications/settings", response=answers({200: list[ChoiceOut]}), auth=OWN)
def choose(request, payload: ChoiceIn):
    """Turn one kind's channel on or off; a kind or channel that cannot be switched is 422."""
    services.choose(
        user=request.auth, kind=payload.kind, channel=payload.channel, enabled=payload.enabled
    )
    return my_choices(request)
