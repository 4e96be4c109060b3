"""A method an address does not take gets an answer its asker can read."""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


class MethodNotAllowedMiddleware:
    """Django's and ninja's empty 405: the API's error shape under /api/, naming the
    methods the address does take; elsewhere the site's own page. A browser meets one
    when it opens (or reloads, or shares) the address a form was sent to."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 405:
            return response
        allowed = response.get("Allow", "")
        if request.path.startswith("/api/"):
            message = _("This address does not take %(method)s; it takes %(allowed)s.") % {
                "method": request.method,
                "allowed": allowed or _("no method"),
            }
            answer = JsonResponse({"detail": message}, status=405)
        else:
            answer = render(request, "405.html", status=405)
        answer["Allow"] = allowed
        return answer
