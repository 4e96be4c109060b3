"""The API answers in JSON even where ninja answers for it."""

from __future__ import annotations

from django.http import JsonResponse
from django.utils.translation import gettext as _


class ApiMethodNotAllowedMiddleware:
    """A method an /api/ address does not take: ninja's plain "Method not allowed" page
    becomes the API's error shape, naming the methods the address does take."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 405 or not request.path.startswith("/api/"):
            return response
        allowed = response.get("Allow", "")
        message = _("This address does not take %(method)s; it takes %(allowed)s.") % {
            "method": request.method,
            "allowed": allowed or _("no method"),
        }
        answer = JsonResponse({"detail": message}, status=405)
        answer["Allow"] = allowed
        return answer
