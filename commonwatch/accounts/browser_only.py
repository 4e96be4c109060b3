"""Middleware only a browser's requests need, skipped for API calls with a personal token.

A script's call to /api/ with ``Authorization: Bearer …`` is authenticated by its token
alone (access.ApiAccess): it has no session to load, no user to load from one, no
messages to show. The classes below are Django's, subclassed so that settings and
system checks still see them, which step aside for such calls only. (CSRF's middleware
stays as it is: the API's views are exempt and check CSRF themselves for sessions only,
so it costs a token call next to nothing, and the deploy check wants Django's own.)

A token call reaches the view as nobody (AnonymousUser) until its token is checked: even
if the same request carried a session cookie, that session is never read. Everything
else (security headers, compression, language, CSP, the access rules) runs as for pages.
"""

from __future__ import annotations

from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthentication
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.middleware import MessageMiddleware as DjangoMessages
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessions

API_PATH_PREFIX = "/api/"


def bearer_credentials(header: str) -> str | None:
    """The credentials of an ``Authorization: Bearer …`` header, None for any other scheme.

    The scheme's name is case-insensitive (RFC 9110 §11.1): ``bearer x`` names a token too.
    """
    scheme, _, credentials = header.partition(" ")
    return credentials.strip() if scheme.lower() == "bearer" else None


def is_token_call(request) -> bool:
    """An API call that names a personal token: its token, not a session, decides."""
    return request.path_info.startswith(API_PATH_PREFIX) and (
        bearer_credentials(request.META.get("HTTP_AUTHORIZATION", "")) is not None
    )


class _BrowserOnly:
    """Mixed in before a Django middleware: token calls go straight past it."""

    def __call__(self, request):
        if is_token_call(request):
            return self.get_response(request)
        return super().__call__(request)


class SessionMiddleware(_BrowserOnly, DjangoSessions):
    pass


class AuthenticationMiddleware(_BrowserOnly, DjangoAuthentication):
    def __call__(self, request):
        if is_token_call(request):
            request.user = AnonymousUser()  # until access.ApiAccess checks the token
        return super().__call__(request)


class MessageMiddleware(_BrowserOnly, DjangoMessages):
    pass
