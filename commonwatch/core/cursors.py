"""Positions in a list ordered newest first by a time, then by id: opaque to clients
(base64 of "time|id"), checked when read back, so two rows of the same time are never
lost between two pages as a time alone would lose them."""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime, timedelta

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

# Cursors name a moment the lists can have reached: after Commonwatch existed, not
# later than a little ahead of now (clocks differ), and always with a UTC offset.
EARLIEST_CURSOR = datetime(2000, 1, 1, tzinfo=UTC)
CURSOR_CLOCK_SKEW = timedelta(days=1)


def cursor_at(moment: datetime, row_id: int = 0) -> str:
    """A position: just before row_id at that moment (0: the moment itself)."""
    raw = f"{moment.isoformat()}|{row_id}"
    return base64.urlsafe_b64encode(raw.encode()).decode()


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    """The (moment, id) a page continues from; ValueError if it is not a cursor."""
    try:
        when, pk = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        moment = parse_datetime(when)
        row_id = int(pk)
    except (ValueError, UnicodeDecodeError, binascii.Error) as exc:
        raise ValueError(_("This page link is not valid.")) from exc
    latest = timezone.now() + CURSOR_CLOCK_SKEW
    if moment is None or timezone.is_naive(moment) or not EARLIEST_CURSOR <= moment <= latest:
        raise ValueError(_("This page link is not valid."))
    if not 0 <= row_id < 2**63:
        raise ValueError(_("This page link is not valid."))
    return moment, row_id
