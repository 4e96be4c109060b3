"""The JSON API at /api/v1/: one NinjaAPI, one router per app, errors mapped once."""

from __future__ import annotations

import types
import typing

from django.conf import settings
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    RequestDataTooBig,
    TooManyFieldsSent,
    ValidationError,
)
from django.http import Http404, HttpResponseNotAllowed
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.operation import PathView
from pydantic import BaseModel

from commonwatch.accounts.access import ApiAccess, DenyUndeclared, challenge
from commonwatch.accounts.api import router as accounts_router
from commonwatch.cameras.api import router as cameras_router
from commonwatch.cameras.clip_api import router as clips_router
from commonwatch.cameras.tus import router as clip_uploads_router
from commonwatch.community.api import router as community_router
from commonwatch.core.errors import DomainError, RateLimited
from commonwatch.media.api import router as media_router
from commonwatch.moderation.api import router as moderation_router
from commonwatch.notifications.api import router as notifications_router

from .api_parser import StrictParser, UnreadableJSON, UnsupportedBody
from .json_renderer import FastJSONRenderer

# Two ways to sign in, as access.ApiAccess accepts them: either one will do.
SIGN_INS = {
    "token": {"type": "http", "scheme": "bearer", "description": "A personal API token."},
    "session": {
        "type": "apiKey",
        "in": "cookie",
        "name": settings.SESSION_COOKIE_NAME,
        "description": "The browser's session; unsafe methods also send X-CSRFToken.",
    },
}


# Reads take their fields in the query string; every operation with a body is a write;
# a write's fields are in its form or its JSON body, as ninja's 422s locate them.
READS = frozenset({"GET", "HEAD"})
SENT_IN_BODY = frozenset({"body", "form"})
PYDANTIC_VALUE_ERROR = "Value error, "
FORMS = frozenset({"multipart/form-data", "application/x-www-form-urlencoded"})


class ReadableByHead(PathView):
    """One address's operations, where HEAD runs the GET (RFC 9110 §9.3.2): the same
    status and headers, and the server leaves the body out, as it does for the pages.
    An operation declared for HEAD itself (tus) keeps it."""

    @classmethod
    def of(cls, view: PathView) -> ReadableByHead:
        readable = cls()
        readable.__dict__.update(view.__dict__)
        return readable

    def _find_operation(self, request):
        operation = super()._find_operation(request)
        if operation is None and request.method == "HEAD":
            operation = next((op for op in self.operations if "GET" in op.methods), None)
        return operation

    def _not_allowed(self):
        allowed = {method for op in self.operations for method in op.methods}
        if "GET" in allowed:
            allowed.add("HEAD")
        return HttpResponseNotAllowed(sorted(allowed))


# A body of one of several shapes, told apart by a field (a decision's "action"): pydantic
# names the shape it chose in the error's place, or, when the field chose none, says so in
# its own terms ("Input tag … found using …"); the client sent that field and no shape.
UNION_TAG_ERRORS = {"union_tag_invalid": "literal_error", "union_tag_not_found": "missing"}


def _is_schema(annotation) -> bool:
    """A body schema, or a union of them (a body of several shapes)."""
    shapes = typing.get_args(annotation) if isinstance(annotation, types.UnionType) else ()
    return all(isinstance(s, type) and issubclass(s, BaseModel) for s in shapes or [annotation])


def _inside_body(detail: dict, inside: list, discriminator: str | None) -> list:
    """Where in the body a field error is, as the client sent it; an unknown or missing
    discriminator reads as that field's own error."""
    if not discriminator:
        return inside
    if detail["type"] not in UNION_TAG_ERRORS:
        return inside[1:]  # the shape the discriminator chose
    if detail["type"] == "union_tag_invalid":
        expected = detail["ctx"]["expected_tags"].rsplit(", ", 1)
        detail["msg"] = f"Input should be {' or '.join(expected)}"
    else:
        detail["msg"] = "Field required"
    detail["type"] = UNION_TAG_ERRORS[detail["type"]]
    return [discriminator]


class CommonwatchAPI(NinjaAPI):
    def _get_bound_routers(self):
        """Every address the API serves, each answering HEAD where it takes GET."""
        routers = super()._get_bound_routers()
        for router in routers:
            for path, view in router.path_operations.items():
                if not isinstance(view, ReadableByHead):
                    router.path_operations[path] = ReadableByHead.of(view)
        return routers

    def validation_error_from_error_contexts(self, error_contexts):
        """Field errors said one way, as the services' own say them: where the field was
        sent and its name (ninja adds the parameter a body's schema came in by,
        `["body", "payload", "lat"]`, which a client never sent), and the message a
        validator wrote without pydantic's "Value error, " before it."""
        error = super().validation_error_from_error_contexts(error_contexts)
        wrappers = {
            name: field.discriminator
            for context in error_contexts
            for name, field in context.model.model_fields.items()
            if _is_schema(field.annotation)
        }
        for detail in error.errors:
            where, *inside = detail["loc"]
            if where in SENT_IN_BODY and inside and inside[0] in wrappers:
                detail["loc"] = (where, *_inside_body(detail, inside[1:], wrappers[inside[0]]))
            if detail["msg"].startswith(PYDANTIC_VALUE_ERROR):
                said = detail["msg"].removeprefix(PYDANTIC_VALUE_ERROR)
                detail["msg"] = said[:1].upper() + said[1:]
            detail.pop("ctx", None)
        return error

    def get_openapi_schema(self, *args, **kwargs):
        """ninja names one scheme per auth class; ours takes a token or a session."""
        schema = super().get_openapi_schema(*args, **kwargs)
        components = schema.setdefault("components", {})
        schemes = components.setdefault("securitySchemes", {})
        schemes.pop(ApiAccess.__name__, None)
        schemes.update(SIGN_INS)
        for operations in schema["paths"].values():
            for operation in operations.values():
                if operation.get("security"):
                    operation["security"] = [{name: []} for name in SIGN_INS]
        return schema


api = CommonwatchAPI(
    title="Commonwatch API",
    version="1",
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url=None,
    auth=DenyUndeclared(),
    renderer=FastJSONRenderer(),
    parser=StrictParser(),
)
api.add_router("/", accounts_router)
api.add_router("/", cameras_router)
api.add_router("/", community_router)
api.add_router("/", media_router)
api.add_router("/", moderation_router)
api.add_router("/", notifications_router)
api.add_router("/", clips_router)
api.add_router("/", clip_uploads_router)


@api.exception_handler(ValidationError)
def field_errors(request, exc: ValidationError):
    """A service's ValidationError becomes a 422 with one message per field, located
    where it was sent as ninja's own 422 says (a read's query, a form, or the body); `type` is
    the error's code where the service gave one (needs_specific_details). A refusal of
    the request as a whole is located at the request's part alone (`["body"]`), not at
    Django's name for no field (`__all__`)."""
    errors = exc.error_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.error_list}
    if request.method in READS:
        where = "query"
    else:
        where = "form" if request.content_type in FORMS else "body"
    detail = [
        {
            "loc": [where] if field == NON_FIELD_ERRORS else [where, field],
            "msg": message,
            "type": error.code or "value_error",
        }
        for field, field_errors in errors.items()
        for error in field_errors
        for message in error
    ]
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    """Not found 404, not allowed 403, conflict 409, too often 429 (with when to retry)."""
    body = {"detail": exc.message}
    if isinstance(exc, RateLimited):
        body["retry_at"] = exc.retry_at.isoformat()
    response = api.create_response(request, body, status=exc.status)
    if isinstance(exc, RateLimited):
        response["Retry-After"] = exc.retry_after_seconds()
    return response


# One sentence for every 404: whether a thing exists but is not yours must not show.
NOT_FOUND = _lazy("There is nothing at this address, or it is not yours to see.")


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": str(NOT_FOUND)}, status=404)


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    """ninja's own answers (401, 403 from the sign-in check), with the headers the
    protocol an endpoint speaks puts on every answer (tus: Tus-Resumable); a 401 says
    how to authenticate, and what was wrong with a token sent (WWW-Authenticate)."""
    status, detail = exc.status_code, str(exc)
    if isinstance(exc.__cause__, UnsupportedBody | UnreadableJSON):
        # ninja answers 400 to any body its parser refused; say why, and a body that is
        # not JSON at all is the wrong media type (415, RFC 9110 §15.5.16).
        status = 415 if isinstance(exc.__cause__, UnsupportedBody) else 400
        detail = str(exc.__cause__)
    response = api.create_response(request, {"detail": detail}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = challenge(exc)
    if status == 415:
        response["Accept"] = "application/json"
    for name, value in getattr(request, "protocol_headers", {}).items():
        response[name] = value
    return response


@api.exception_handler(RequestDataTooBig)
def body_too_large(request, exc):
    message = _("The request body is too large.")
    return api.create_response(request, {"detail": message}, status=413)


@api.exception_handler(MultiPartParserError)
@api.exception_handler(TooManyFieldsSent)
def unreadable_form(request, exc):
    message = _("The form data could not be read: %(error)s") % {"error": exc}
    return api.create_response(request, {"detail": message}, status=400)
