"""How the API reads what a client sends: a body only as JSON said to be JSON, and a
query parameter only once.

ninja's own parser reads any body as JSON whatever its Content-Type says, and takes the
last of a repeated parameter. A client that sent a form, or `?category=crime&category=pet`,
then got an answer to a request it did not make; here it is told what to change.
"""

from __future__ import annotations

import orjson
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja.parser import Parser


class UnsupportedBody(Exception):
    """A body whose Content-Type is not JSON (answered 415 by the API's handler)."""


class UnreadableJSON(Exception):
    """A body said to be JSON that is not (answered 400, saying where it broke)."""


def is_json(content_type: str) -> bool:
    """application/json, or a JSON-based type such as application/merge-patch+json."""
    kind = content_type.strip().lower()
    return kind == "application/json" or (
        kind.startswith("application/") and kind.endswith("+json")
    )


class StrictParser(Parser):
    def parse_body(self, request):
        if not is_json(request.content_type or ""):
            raise UnsupportedBody(
                _("Send the body as JSON, with the header Content-Type: application/json.")
            )
        try:
            return orjson.loads(request.body)
        except orjson.JSONDecodeError as error:
            raise UnreadableJSON(
                _("The body is not valid JSON: %(error)s") % {"error": error}
            ) from error

    def parse_querydict(self, data, list_fields, request):
        repeated = {
            key: _("Give this parameter once.")
            for key in data
            if key not in list_fields and len(data.getlist(key)) > 1
        }
        if repeated:
            raise ValidationError(repeated)
        return super().parse_querydict(data, list_fields, request)
