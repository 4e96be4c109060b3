"""Request-time enforcement of the account rules: access, MFA and idle sign-out."""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .access import API_NAMESPACE, rule_for
from .roles import IDLE_TIMEOUT_ROLES, MFA_REQUIRED_ROLES
from .selectors import has_second_factor

# What a staff member without MFA may still reach: setting it up, or leaving.
MFA_SETUP_URL_NAMES = frozenset(
    {
        "mfa_activate_totp",
        "mfa_index",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_download_recovery_codes",
        "account_logout",
        "account_reauthenticate",
        "mfa_reauthenticate",
    }
)
LAST_SEEN_KEY = "commonwatch_last_seen"


def _is_api(request) -> bool:
    match = request.resolver_match
    return match is not None and API_NAMESPACE in match.namespaces


def _refuse(request, message: str, status: int = 403):
    if _is_api(request):
        return JsonResponse({"detail": message}, status=status)
    return HttpResponseForbidden(message)


class AccessRuleMiddleware:
    """Deny by default: a page without a declared rule answers 403 to everyone."""

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
        return _refuse(request, _("Your role does not give access to this page."))


class MfaRequiredMiddleware:
    """Staff roles reach nothing of their role until a second factor is set up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.role not in MFA_REQUIRED_ROLES:
            return None
        match = request.resolver_match
        if match is not None and match.url_name in MFA_SETUP_URL_NAMES:
            return None
        if has_second_factor(user):
            return None
        message = _("Your role requires two-factor authentication. Set it up to continue.")
        if _is_api(request):
            return _refuse(request, message)
        messages.warning(request, message)
        return redirect(reverse("mfa_activate_totp"))


class IdleSignOutMiddleware:
    """Signs staff out after STAFF_IDLE_TIMEOUT_SECONDS without a request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.role in IDLE_TIMEOUT_ROLES:
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN_KEY)
            if last_seen is not None and now - last_seen > settings.STAFF_IDLE_TIMEOUT_SECONDS:
                logout(request)
                minutes = settings.STAFF_IDLE_TIMEOUT_SECONDS // 60
                messages.info(
                    request,
                    _("You were signed out after %(minutes)s minutes without activity.")
                    % {"minutes": minutes},
                )
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse('account_login')}?{query}")
            request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)
