"""django-csp's middleware with the settings' policy built once per process, not per answer.

django-csp builds the Content-Security-Policy string for every response (a deep copy of
the settings' directives, then the string), ~10% of a small API answer's framework time.
Commonwatch's policy has no nonce and no per-view changes, so the string depends on the
settings alone: it is built once and rebuilt when a test changes those settings. An answer
that does carry its own policy parts (a nonce was asked for, a view used csp_update,
csp_replace, csp_exempt or @csp) goes through django-csp unchanged.
"""

from __future__ import annotations

from functools import cache

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

# Attributes django-csp's decorators put on a response to change or drop its policy.
_PER_RESPONSE = tuple(
    f"_csp_{kind}{suffix}"
    for kind in ("config", "update", "replace", "exempt")
    for suffix in ("", "_ro")
)
_SETTINGS = {
    HEADER: "CONTENT_SECURITY_POLICY",
    HEADER_REPORT_ONLY: "CONTENT_SECURITY_POLICY_REPORT_ONLY",
}


@cache
def _settings_policy(header: str) -> tuple[str, tuple[str, ...]]:
    """The header's value from the settings alone, and the path prefixes it skips."""
    excluded = (getattr(settings, _SETTINGS[header], None) or {}).get("EXCLUDE_URL_PREFIXES")
    return build_policy(report_only=header == HEADER_REPORT_ONLY), tuple(excluded or ())


@receiver(setting_changed)
def _forget_policy(setting, **kwargs):
    if setting in _SETTINGS.values():
        _settings_policy.cache_clear()


def site_policy_headers() -> list[tuple[bytes, bytes]]:
    """The settings' policy headers, for a page answered before Django runs (an upload
    refused at the ASGI door), so it is held to the same policy as every other page."""
    return [
        (header.lower().encode(), policy.encode())
        for header in _SETTINGS
        for policy, _excluded in [_settings_policy(header)]
        if policy
    ]


class CSPMiddleware(DjangoCSPMiddleware):
    def process_response(self, request, response):
        own_policy = getattr(request, "_csp_nonce", None) is not None or any(
            hasattr(response, name) for name in _PER_RESPONSE
        )
        if own_policy or (response.status_code in (404, 500) and settings.DEBUG):
            return super().process_response(request, response)
        for header in _SETTINGS:
            policy, excluded = _settings_policy(header)
            if policy and header not in response and not request.path_info.startswith(excluded):
                response[header] = policy
        # As django-csp does: a nonce asked for once the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
