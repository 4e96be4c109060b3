"""Domain errors a page view lets through become the matching HTTP answer."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.utils.http import http_date

from .errors import DomainError, NotFound, RateLimited, SecondFactorRequired


class DomainErrorMiddleware:
    """Pages: NotFound is a 404, the others answer their status with the message.

    Views that can say it better (a form error, a message on the next page) catch the
    error themselves; the API maps the same errors in commonwatch/web/api.py.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DomainError) or isinstance(exception, SecondFactorRequired):
            return None  # a missing second factor: accounts' middleware sends them to get it
        if isinstance(exception, NotFound):
            raise Http404(exception.message)
        response = HttpResponse(
            exception.message, status=exception.status, content_type="text/plain; charset=utf-8"
        )
        if isinstance(exception, RateLimited):
            response["Retry-After"] = exception.retry_after_seconds()
        return response


NEVER_CACHE_PRIVATE = "max-age=0, no-cache, no-store, must-revalidate, private"


class PrivateResponsesMiddleware:
    """Nothing answered to a signed-in person (session or token) is stored by a cache.

    Their pages carry a home point, an exact post location or other private data; a
    shared proxy or the next user of the browser must not get them back. Responses
    that set their own Cache-Control (media, static files) keep it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if getattr(user, "is_authenticated", False) and not response.has_header("Cache-Control"):
            # What add_never_cache_headers then patch_cache_control(private=True) write on
            # an answer without Cache-Control, without parsing and rebuilding it three times.
            response.headers["Cache-Control"] = NEVER_CACHE_PRIVATE
            if not response.has_header("Expires"):
                response.headers["Expires"] = http_date()
        return response
