"""Refusing an oversized upload while it streams in, before its bytes are written.

Django parses a multipart body through its upload handlers, chunk by chunk. The first
handler here refuses a body that declares more than settings.MEDIA_MAX_UPLOAD_BYTES at
once, and counts the bytes of the files as they arrive, stopping the upload as soon as
they pass the limit: the handlers after it (memory, temporary file) never see the rest.
UploadLimitMiddleware answers 413 before any view runs to a body declared too large, and
media.asgi does the same at the ASGI door, where Django would otherwise spool the whole
body to a temporary file before any handler sees it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpResponse, JsonResponse, QueryDict
from django.template.defaultfilters import filesizeformat
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

from commonwatch.accounts.access import API_NAMESPACE

UPLOAD_METHODS = frozenset({"POST", "PUT", "PATCH"})


def too_large_message() -> str:
    return _("This upload is too large: at most %(size)s can be sent at once.") % {
        "size": filesizeformat(settings.MEDIA_MAX_UPLOAD_BYTES)
    }


class SizeLimitUploadHandler(FileUploadHandler):
    """First in FILE_UPLOAD_HANDLERS: reads nothing of a body declared too large, and
    stops an upload as soon as the bytes received pass the limit."""

    def __init__(self, request=None):
        super().__init__(request)
        self.received = 0

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        """A body declared too large is answered as parsed, and empty."""
        self.received = 0
        if content_length > settings.MEDIA_MAX_UPLOAD_BYTES:
            return QueryDict(), MultiValueDict()
        return None

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.MEDIA_MAX_UPLOAD_BYTES:
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None


class UploadLimitMiddleware:
    """Answers 413 to a body declared larger than the limit, before anything reads it.

    Placed before CsrfViewMiddleware, whose check would otherwise parse the body first.
    Django never reads past the declared length, so this and the handler's count (for
    code that parses bodies itself) keep every oversized body out of storage.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method in UPLOAD_METHODS and declared_length(request.META) > (
            settings.MEDIA_MAX_UPLOAD_BYTES
        ):
            return refusal(json=API_NAMESPACE in request.resolver_match.namespaces)
        return None


def declared_length(meta) -> int:
    try:
        return int(meta.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def refusal(*, json: bool = False) -> HttpResponse:
    """413 in the API's error shape ({"detail": ...}) or as a sentence for pages."""
    if json:
        return JsonResponse({"detail": too_large_message()}, status=413)
    return HttpResponse(too_large_message(), status=413, content_type="text/plain; charset=utf-8")
