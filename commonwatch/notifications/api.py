"""/api/v1/notifications: the signed-in person's inbox, settings and push devices."""

from __future__ import annotations

from datetime import datetime, time
from typing import Annotated

from django.conf import settings
from ninja import Field, Router, Schema, Status

from commonwatch.accounts.access import SIGNED_IN, api_access
from commonwatch.core.schemas import Input, answers, text

from . import selectors, services
from .models import Delivery, QuietHours

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
    topic: str
    topic_label: str
    delivery: Delivery


class ChoiceIn(Input):
    kind: text(max_length=40)
    topic: text(max_length=40) = ""
    delivery: Delivery


class PushKeysIn(Schema):
    p256dh: text(min_length=1, max_length=200)
    auth: text(min_length=1, max_length=100)


class PushDeviceIn(Input):
    """A browser's PushSubscription, as its toJSON() gives it."""

    endpoint: text(min_length=1, max_length=1000)
    keys: PushKeysIn
    expirationTime: float | None = Field(  # noqa: N815 (the browser's own name)
        None, description="As the browser gives it; the push service says when it ends."
    )


class PushDeviceGone(Input):
    endpoint: text(min_length=1, max_length=1000)


class PushOut(Schema):
    public_key: str
    devices: int


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
    """How each kind's topic (a post category) reaches you beyond the inbox."""
    return [
        {
            "kind": c.kind.code,
            "topic": c.topic,
            "topic_label": c.label,
            "delivery": c.delivery,
        }
        for c in selectors.choices_of(request.auth)
    ]


@router.put("/notifications/settings", response=answers({200: list[ChoiceOut]}), auth=OWN)
def choose(request, payload: ChoiceIn):
    """Choose instant push, instant e-mail, daily digest or off for one topic (decisions
    about your own posts come one at a time: no digest); an unknown kind or topic, or a
    way its kind does not offer, is 422."""
    services.choose(
        user=request.auth, kind=payload.kind, topic=payload.topic, delivery=payload.delivery
    )
    return my_choices(request)


# A wall-clock time as "HH:MM" or "HH:MM:SS": no time zone of its own, and no number
# that a lenient parser would read as seconds.
ClockTime = Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$")]


class QuietHoursIO(Input):
    """Quiet hours in a time zone (IANA name); both times null for none."""

    starts: ClockTime | None = None
    ends: ClockTime | None = None
    time_zone: text(min_length=1, max_length=64)


@router.get("/notifications/quiet-hours", response=answers({200: QuietHoursIO}), auth=OWN)
def quiet_hours(request):
    """Pushes and instant e-mails that fall in these hours wait until they end."""
    quiet = QuietHours.objects.filter(user=request.auth).first()
    if quiet is None:
        return {"starts": None, "ends": None, "time_zone": settings.TIME_ZONE}
    return {
        "starts": quiet.starts.isoformat(timespec="seconds"),  # a fraction saved before
        "ends": quiet.ends.isoformat(timespec="seconds"),  # forms dropped them, too
        "time_zone": quiet.time_zone,
    }


@router.put("/notifications/quiet-hours", response=answers({200: QuietHoursIO}), auth=OWN)
def set_quiet_hours(request, payload: QuietHoursIO):
    """Set or clear your quiet hours; one time without the other, or an unknown time zone,
    is 422."""
    services.set_quiet_hours(
        user=request.auth,
        starts=time.fromisoformat(payload.starts) if payload.starts else None,
        ends=time.fromisoformat(payload.ends) if payload.ends else None,
        time_zone=payload.time_zone,
    )
    return quiet_hours(request)


@router.get("/notifications/push", response=answers({200: PushOut}), auth=OWN)
def push_key(request):
    """The key to subscribe with (applicationServerKey) and how many devices you have."""
    return {
        "public_key": settings.VAPID_PUBLIC_KEY,
        "devices": selectors.devices_of(request.auth).count(),
    }


@router.post("/notifications/push/devices", response=answers({201: PushOut}), auth=OWN)
def add_device(request, payload: PushDeviceIn):
    """Push to this browser from now on; an unknown push service or bad keys are 422."""
    services.subscribe_device(
        user=request.auth,
        endpoint=payload.endpoint,
        p256dh=payload.keys.p256dh,
        auth=payload.keys.auth,
    )
    if getattr(request, "session", None) is not None and request.user.is_authenticated:
        services.remember_session_device(request.session, payload.endpoint)
    return Status(201, push_key(request))


@router.post("/notifications/push/devices/remove", response=answers({200: PushOut}), auth=OWN)
def remove_device(request, payload: PushDeviceGone):
    """Stop pushing to this browser (nothing happens for an endpoint that is not yours)."""
    services.unsubscribe_device(user=request.auth, endpoint=payload.endpoint)
    return push_key(request)
