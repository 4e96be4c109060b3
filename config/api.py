"""The JSON API at /api/v1/: one NinjaAPI, one router per app."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from ninja import NinjaAPI

from commonwatch.accounts.access import DenyUndeclared
from commonwatch.accounts.api import router as accounts_router
from commonwatch.community.api import router as community_router
from commonwatch.moderation.api import router as moderation_router

api = NinjaAPI(
    title="Commonwatch API",
    version="1",
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url=None,
    auth=DenyUndeclared(),
)
api.add_router("/", accounts_router)
api.add_router("/", community_router)
api.add_router("/", moderation_router)


@api.exception_handler(ValidationError)
def field_errors(request, exc: ValidationError):
    """A service's ValidationError becomes a 422 with one message per field."""
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    detail = [
        {"loc": ["body", field], "msg": message, "type": "value_error"}
        for field, messages in errors.items()
        for message in messages
    ]
    return api.create_response(request, {"detail": detail}, status=422)
