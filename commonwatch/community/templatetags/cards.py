"""How a card says when and how far: "2 h", "0.3 mi", short enough for a phone; and how
long in words, for a sentence ("waiting 3 hours, 5 minutes")."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

from commonwatch.geo.distance import METERS_PER_MILE

register = template.Library()

MINUTE, HOUR, DAY = 60, 3600, 86400


@register.filter
def short_age(moment: datetime | None, now: datetime | None = None) -> str:
    """ "now", "5 min", "2 h", "3 d", then the date: the age a glance needs."""
    if moment is None:
        return ""
    seconds = ((now or timezone.now()) - moment).total_seconds()
    if seconds < MINUTE:
        return _("now")
    if seconds < HOUR:
        return _("%(n)d min") % {"n": seconds // MINUTE}
    if seconds < DAY:
        return _("%(n)d h") % {"n": seconds // HOUR}
    if seconds < 30 * DAY:
        return _("%(n)d d") % {"n": seconds // DAY}
    return date_format(timezone.localtime(moment), "M j")


@register.filter
def time_since(moment: datetime | None, now: datetime | None = None) -> str:
    """How long ago in words for a sentence: "less than a minute" where Django's
    timesince would say "0 minutes" (also for a moment a little ahead of this clock),
    else its "3 hours, 5 minutes"."""
    if moment is None:
        return ""
    now = now or timezone.now()
    if (now - moment).total_seconds() < MINUTE:
        return _("less than a minute")
    return timesince(moment, now)


@register.filter
def full_time(moment: datetime | None) -> str:
    """The whole date and time, for the title of a short age."""
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT") if moment else ""


@register.filter
def miles(meters: float | None) -> str:
    """A distance as people here read it: "0.3 mi", "< 0.1 mi", "12 mi"."""
    if meters is None:
        return ""
    value = meters / METERS_PER_MILE
    if value < 0.1:
        return _("< 0.1 mi")
    if value < 10:
        return _("%(n).1f mi") % {"n": value}
    return _("%(n)d mi") % {"n": round(value)}


@register.filter
def first_photo(media: list[dict]) -> dict | None:
    """The card's thumbnail: its first processed photo, if it has one."""
    return next((m for m in media if m["kind"] == "photo" and m["thumbnail_url"]), None)


@register.filter
def is_newer_than(moment: datetime | None, since: datetime | None) -> bool:
    return bool(moment and since and moment > since)


@register.filter
def ready_media(media: list[dict]) -> list[dict]:
    """The files a page can show (processing done): the carousel's slides."""
    return [m for m in media if m["url"]]
