"""The tus 1.0.0 resumable upload protocol (core, creation, termination, expiration) at
/api/v1/clip-uploads/, for cameras' device tokens and signed-in owners alike.

This module speaks the protocol (headers, status codes); cameras.uploads decides. A
device token (``Authorization: Bearer cwcam_...``) sends for its own camera; an owner
signed in (browser session + X-CSRFToken, or a read-and-write personal token) names one
of their cameras in Upload-Metadata ``camera``. An upload of someone else is answered
exactly as one that does not exist (404).

The operations stay out of the OpenAPI document: the tus protocol is their contract
(headers and status codes it does not describe), and tus clients speak it.
"""

from __future__ import annotations

from email.utils import format_datetime
from functools import wraps

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router
from ninja.errors import AuthorizationError

from commonwatch.accounts.access import EVERYONE, ApiAccess, api_access, needs, token_gone
from commonwatch.accounts.browser_only import bearer_credentials
from commonwatch.core.errors import DomainError
from commonwatch.media.asgi import BUSY_RETRY_SECONDS

from . import uploads
from .policies import UPLOAD_CLIPS
from .selectors import DEVICE_TOKEN_PREFIX, camera_for_device_token

TUS_VERSION = "1.0.0"
TUS_EXTENSIONS = "creation,termination,expiration"
OFFSET_CONTENT_TYPE = "application/offset+octet-stream"
TOKEN_USE_RESOLUTION_S = 60
# On the request that finishes an upload whose bytes the owner already kept as a clip.
ALREADY_KEPT_HEADER = "Commonwatch-Clip"

router = Router(tags=["clip uploads"])


class ClipUploadAccess(ApiAccess):
    """ApiAccess (personal token or session + CSRF), and a camera's device token."""

    def __call__(self, request):
        request.device_camera = None
        request.protocol_headers = {"Tus-Resumable": TUS_VERSION}  # on a 401 or 403 too
        raw = bearer_credentials(request.headers.get("Authorization", "")) or ""
        if not raw.startswith(DEVICE_TOKEN_PREFIX):
            return super().__call__(request)
        camera = camera_for_device_token(raw)
        if camera is None:
            raise token_gone()  # unknown, rotated or revoked: 401
        _touch_device_token(camera)
        user = request.user = camera.owner
        user.sign_in_strength = frozenset()
        request.device_camera = camera
        if self.rule.allows(user):
            return user
        raise AuthorizationError(message=_("Your role does not give access to this endpoint."))


def _touch_device_token(camera) -> None:
    """Remember when the token was last used, to the minute (not one write per chunk)."""
    now = timezone.now()
    last = camera.token_last_used_at
    if last is None or (now - last).total_seconds() >= TOKEN_USE_RESOLUTION_S:
        type(camera).objects.filter(pk=camera.pk).update(token_last_used_at=now)


UPLOADERS = ClipUploadAccess(needs(UPLOAD_CLIPS))


def _uploader(request) -> uploads.Uploader:
    return uploads.Uploader(user=request.auth, device_camera=request.device_camera)


def _tus(response: HttpResponse, upload=None) -> HttpResponse:
    response["Tus-Resumable"] = TUS_VERSION
    response["Cache-Control"] = "no-store"
    if upload is not None and upload.finished_at is None:
        response["Upload-Expires"] = format_datetime(upload.expires_at, usegmt=True)
    return response


def _owner_busy() -> HttpResponse:
    """503 with when to try again: the owner's other clips are still arriving."""
    busy = uploads.UploadRefused(
        _(
            "Your cameras are sending %(count)d clips at once already: "
            "send this one again in a few seconds."
        )
        % {"count": settings.CAMERA_UPLOADS_PER_OWNER},
        status=503,
        code="busy",
    )
    response = _refusal(busy)
    response["Retry-After"] = str(BUSY_RETRY_SECONDS)
    return response


def _refusal(error: DomainError) -> HttpResponse:
    return _tus(JsonResponse({"detail": error.message, "code": error.code}, status=error.status))


def _protocol(handler):
    """Check the client's protocol version first; answer every refusal the tus way."""

    @wraps(handler)
    def handle(request, *args, **kwargs):
        if request.headers.get("Tus-Resumable") != TUS_VERSION:
            response = _refusal(
                uploads.UploadRefused(
                    _("This server speaks tus %(version)s: send Tus-Resumable: %(version)s.")
                    % {"version": TUS_VERSION},
                    status=412,
                    code="version",
                )
            )
            response["Tus-Version"] = TUS_VERSION
            return response
        try:
            return handler(request, *args, **kwargs)
        except DomainError as error:
            return _refusal(error)

    return handle


def _header_int(request, name: str) -> int:
    raw = request.headers.get(name, "")
    if not (raw.isascii() and raw.isdigit()):
        raise uploads.UploadRefused(
            _("%(header)s must be a whole number of bytes.") % {"header": name}, status=400
        )
    return int(raw)


@router.api_operation(
    ["OPTIONS"], "/clip-uploads/", auth=api_access(EVERYONE), include_in_schema=False
)
def capabilities(request):
    """What this tus server supports (no sign-in needed: it says nothing about anyone)."""
    response = HttpResponse(status=204)
    response["Tus-Resumable"] = TUS_VERSION
    response["Tus-Version"] = TUS_VERSION
    response["Tus-Extension"] = TUS_EXTENSIONS
    response["Tus-Max-Size"] = str(settings.CAMERA_MAX_CLIP_BYTES)
    return response


@router.post("/clip-uploads/", auth=UPLOADERS, include_in_schema=False)
@_protocol
def create_upload(request):
    """tus creation: Upload-Length (bytes) and Upload-Metadata (camera, filename,
    recorded_at) make an upload; Location names it."""
    if "Upload-Defer-Length" in request.headers:
        raise uploads.UploadRefused(
            _("Send Upload-Length: deferring it is not supported."), status=400
        )
    upload = uploads.start(
        uploader=_uploader(request),
        length=_header_int(request, "Upload-Length"),
        metadata=uploads.parse_metadata(request.headers.get("Upload-Metadata", "")),
    )
    response = _tus(HttpResponse(status=201), upload)
    response["Location"] = request.build_absolute_uri(f"{request.path}{upload.pk}")
    response["Upload-Offset"] = "0"
    return response


@router.api_operation(
    ["HEAD"], "/clip-uploads/{upload_id}", auth=UPLOADERS, include_in_schema=False
)
@_protocol
def upload_state(request, upload_id: str):
    """tus core: how many bytes arrived (Upload-Offset) of how many (Upload-Length)."""
    upload = uploads.find(uploader=_uploader(request), upload_id=upload_id)
    response = _tus(HttpResponse(status=200), upload)
    response["Upload-Offset"] = str(upload.offset)
    response["Upload-Length"] = str(upload.length)
    if upload.metadata:
        response["Upload-Metadata"] = uploads.encode_metadata(upload.metadata)
    return response


@router.patch("/clip-uploads/{upload_id}", auth=UPLOADERS, include_in_schema=False)
@_protocol
def append_to_upload(request, upload_id: str):
    """tus core: the body's bytes, sent as application/offset+octet-stream, go at
    Upload-Offset; the request that completes the upload makes the clip."""
    if request.content_type != OFFSET_CONTENT_TYPE:
        raise uploads.UploadRefused(
            _("Send the bytes as %(type)s.") % {"type": OFFSET_CONTENT_TYPE}, status=415
        )
    offset = _header_int(request, "Upload-Offset")
    declared = request.headers.get("Content-Length", "")
    declared = int(declared) if declared.isascii() and declared.isdigit() else None
    uploader, body, scope = _uploader(request), request, getattr(request, "scope", {})
    if receive_body := scope.get("clip_body"):
        # On the app server the body is still on the wire: read it only if it is wanted.
        length = scope["clip_body_length"]
        uploads.may_append(uploader=uploader, upload_id=upload_id, offset=offset, declared=length)
        if not scope["clip_sender"](uploader.user.pk):
            return _owner_busy()
        body = receive_body()
        if body is None:
            # The sender went away mid-body, or fell silent or too slow: 408, which
            # tells a camera still there to ask where the upload stands and go on.
            return _tus(HttpResponse(status=408))
    upload = uploads.append(
        uploader=uploader, upload_id=upload_id, offset=offset, body=body, declared=declared
    )
    response = _tus(HttpResponse(status=204), upload)
    response["Upload-Offset"] = str(upload.offset)
    if upload.finished_at and upload.clip_id is None:
        # The same bytes were kept before: the upload page says so, where it promised a
        # clip that never appeared in the library.
        response[ALREADY_KEPT_HEADER] = "already-kept"
    return response


@router.delete("/clip-uploads/{upload_id}", auth=UPLOADERS, include_in_schema=False)
@_protocol
def terminate_upload(request, upload_id: str):
    """tus termination: the upload and its bytes are gone."""
    uploads.terminate(uploader=_uploader(request), upload_id=upload_id)
    return _tus(HttpResponse(status=204))
