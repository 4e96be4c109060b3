"""The API's fast JSON says what ninja's own renderer says, value for value, with times
in RFC 3339 to the microsecond."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy
from ninja.renderers import JSONRenderer

from commonwatch.web.api import api
from commonwatch.web.json_renderer import FastJSONRenderer

TIMES = {
    "published_at": datetime(2026, 11, 30, 18, 1, 2, 345678, tzinfo=UTC),
    "on_the_second": datetime(2026, 11, 30, 18, 1, 2, tzinfo=UTC),
    "elsewhere": datetime(2026, 1, 1, 7, 30, tzinfo=timezone(timedelta(hours=-5))),
}


def test_the_api_writes_the_same_document_as_ninjas_renderer():
    data = {
        "day": date(2026, 1, 2),
        "amount": Decimal("1.50"),
        "label": gettext_lazy("Feed"),
        "id": uuid.UUID(int=5),
        1: "a whole-number key",
        "lat": 42.044837195522945,
        "tiny": 1e-7,
        "name": "Café on Élm St",
        "nothing": None,
        "list": [1.0, 2, True],
    }

    fast = FastJSONRenderer().render(None, data, response_status=200)
    ninjas = JSONRenderer().render(None, data, response_status=200)

    assert json.loads(fast) == json.loads(ninjas)
    assert isinstance(api.renderer, FastJSONRenderer)


def test_times_keep_their_microseconds_and_say_z_for_utc():
    fast = json.loads(
        FastJSONRenderer().render(None, TIMES | {"at": time(1, 2, 3, 456789)}, response_status=200)
    )

    assert fast["published_at"] == "2026-11-30T18:01:02.345678Z"
    assert fast["on_the_second"] == "2026-11-30T18:01:02Z"
    assert fast["elsewhere"] == "2026-01-01T07:30:00-05:00"
    assert fast["at"] == "01:02:03.456789"
    assert {name: parse_datetime(fast[name]) for name in TIMES} == TIMES
