"""A secret shown once after the POST that made it (a device token, an API token), with
Post/Redirect/Get: the POST keeps it in the session under a name for the page it
redirects to, and that page's first view takes it out, so a reload neither makes
another one nor shows this one again. Only the session row holds it in between (a
moment), never the URL or a cookie; the page that shows it is not cached."""

from __future__ import annotations

from django.utils.cache import add_never_cache_headers

PREFIX = "shown_once:"


def keep_for_one_view(request, name: str, secret: dict) -> None:
    """Keep `secret` (JSON-serialisable) for the next view of the page called `name`."""
    request.session[PREFIX + name] = secret


def take(request, name: str) -> dict | None:
    """The secret kept for this page, now dropped from the session; None if none is."""
    return request.session.pop(PREFIX + name, None)


def not_cached(response):
    """A page that may show a secret: no cache (a shared computer's back button) keeps it."""
    add_never_cache_headers(response)
    return response
