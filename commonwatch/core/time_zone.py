"""Times in the reader's own time zone.

The browser reports its zone in the ``tz`` cookie (web/static/web/time-zone.js sets it
on every page), and each request that carries one shows and reads times in that zone:
a camera owner's clip library, a moderator's queue, a date typed in a form. Without it,
or with a name that is no zone, times stay in the site's zone (settings.TIME_ZONE).
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

TIME_ZONE_COOKIE = "tz"


# Names the zone database holds that name no place: the server's own clock (its
# meaning changes with the machine) and the database's placeholder ("-00").
NOT_PLACES = frozenset({"localtime", "Factory"})


@lru_cache(maxsize=1)
def zone_names() -> frozenset[str]:
    """The IANA zones a person may live in."""
    return frozenset(available_timezones()) - NOT_PLACES


@lru_cache(maxsize=64)
def zone_named(name: str) -> ZoneInfo | None:
    """The IANA zone of that name, or None for anything else (only known names open a
    zone file: a cookie is whatever the sender wants it to be)."""
    return ZoneInfo(name) if name in zone_names() else None


# A moment written one way wherever it is listed and shown (a clip on the library's axis
# and on its own page): the day in words, then the time to the second, 24-hour clock.
DAY_FORMAT = "l j F Y"
CLOCK_FORMAT = "H:i:s"
PARTS = {"day": DAY_FORMAT, "clock": CLOCK_FORMAT}


def on_reader_clock(moment, part: str = "") -> str:
    """The moment on the reader's clock (their browser's zone, else the site's): "Friday
    20 November 2026, 06:30:00"; `part` "day" or "clock" is that half alone, for a list
    that names each day once above its times (a date alone is written as its day)."""
    local = timezone.localtime(moment) if isinstance(moment, datetime) else moment
    if part:
        return date_format(local, PARTS[part])
    return _("%(day)s, %(clock)s") % {
        "day": date_format(local, DAY_FORMAT),
        "clock": date_format(local, CLOCK_FORMAT),
    }


def in_reader_zone(moment, format_name: str = "DATETIME_FORMAT") -> str:
    """The moment on the reader's clock (their browser's zone, else the site's), naming
    that zone: a time labelled with another zone than the one it is shown in misleads."""
    return _("%(time)s (%(zone)s)") % {
        "time": date_format(timezone.localtime(moment), format_name),
        "zone": timezone.get_current_timezone_name(),
    }


class BrowserTimeZoneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        zone = zone_named(request.COOKIES.get(TIME_ZONE_COOKIE, ""))
        if zone is None:
            return self.get_response(request)
        timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
