"""The API's fast JSON says exactly what ninja's own renderer says, value for value."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, time
from decimal import Decimal

from django.utils.translation import gettext_lazy
from ninja.renderers import JSONRenderer

from commonwatch.web.api import api
from commonwatch.web.json_renderer import FastJSONRenderer


def test_the_api_writes_the_same_document_as_ninjas_renderer():
    data = {
        "published_at": datetime(2026, 11, 30, 18, 1, 2, 345678, tzinfo=UTC),
        "day": date(2026, 1, 2),
        "at": time(1, 2, 3, 456789),
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
    assert b'"published_at":"2026-11-30T18:01:02.345Z"' in fast  # Django's times, as before
    assert isinstance(api.renderer, FastJSONRenderer)
