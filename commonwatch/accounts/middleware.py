"""Request-time enforcement of the account rules: access, second factors, idle sign-out."""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from commonwatch.core.errors import SecondFactorRequired

from . import second_factor
from .access import API_NAMESPACE, rule_for

LAST_SEEN_KEY = "commonwatch_last_seen"


def _is_api(request) -> bool:
    match = request.resolver_match
    return match is not None and API_NAMESPACE in match.namespaces


def _refuse(request, message: str, status: int = 403):
    """The API's error shape, or the site's own page saying why."""
    if _is_api(request):
        return JsonResponse({"detail": message}, status=status)
    return render(request, "403.html", {"message": message}, status=status)


class SignInStrengthMiddleware:
    """Tell every policy which second factors this session passed (request.user's
    ``sign_in_strength``); staff rules refuse a session that passed none."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            user.sign_in_strength = second_factor.passed(request, user)
        return self.get_response(request)


class AccessRuleMiddleware:
    """Deny by default: a page without a declared rule answers 403 to everyone.

    A staff page whose rule admits the person's memberships but not their session (no
    second factor passed) sends them to set one up or confirm it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if _is_api(request):
            return None  # each API operation checks its own rule (api_access)
        rule = rule_for(view_func, request.resolver_match)
        if rule is None:
            return _refuse(request, _("This page declares no access rule."))
        if rule.allows(request.user):
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if (missing := rule.missing(request.user)) is not None:
            return second_factor_prompt(request, missing)
        return _refuse(request, _("Your role does not give access to this page."))

    def process_exception(self, request, exception):
        """A view found the person's session lacks the second factor its object needs."""
        if isinstance(exception, SecondFactorRequired):
            if _is_api(request):
                return _refuse(request, exception.message)
            return second_factor_prompt(request, exception)
        return None


def second_factor_prompt(request, error: SecondFactorRequired):
    """Send a person to the page that gets them the second factor this needs."""
    messages.warning(
        request,
        _("This part of Commonwatch needs a security key or passkey, confirmed now.")
        if error.security_key
        else _("This part of Commonwatch needs a second factor, confirmed now."),
    )
    return redirect(
        second_factor.where_to_pass(
            request.user, security_key=error.security_key, next_path=request.get_full_path()
        )
    )


class IdleSignOutMiddleware:
    """Signs out after STAFF_IDLE_TIMEOUT_SECONDS without a request: always for staff,
    and for residents who asked for it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.signs_out_when_idle:
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN_KEY)
            if last_seen is not None and now - last_seen > settings.STAFF_IDLE_TIMEOUT_SECONDS:
                return _signed_out_for_idling(request)
            request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


def _signed_out_for_idling(request):
    """The sign-in page for a browser; for an API call (its URL is not resolved yet),
    the API's 401 in JSON: a script must not follow a redirect to an HTML page."""
    logout(request)
    minutes = settings.STAFF_IDLE_TIMEOUT_SECONDS // 60
    message = _("You were signed out after %(minutes)s minutes without activity.") % {
        "minutes": minutes
    }
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=401)
    messages.info(request, message)
    query = urlencode({"next": request.get_full_path()})
    return redirect(f"{reverse('account_login')}?{query}")
