"""Who calls the HTTP bench's server: residents with a personal token, one browser session."""

from __future__ import annotations

from django.conf import settings

from commonwatch.accounts.models import ApiToken, TokenScope, User
from commonwatch.accounts.services import TOKEN_LIFETIMES_DAYS, create_api_token

from .feed_live import create_sessions

TOKEN_NAME = "http bench"  # noqa: S105 (a label, not a secret)
TOKEN_HOLDERS = 10


def prepare(feed) -> dict:
    """Read tokens for residents with a 1 mi circle, and a signed-in session for the first.

    Tokens of earlier runs are deleted first; the session replaces the database's sessions
    (every session in a bench database is a bench session).
    """
    holders = [int(i) for i in feed.readers[1][:TOKEN_HOLDERS]]
    ApiToken.objects.filter(name=TOKEN_NAME).delete()
    raw = []
    for user in User.objects.filter(pk__in=holders).order_by("pk"):
        _token, secret = create_api_token(
            user=user, name=TOKEN_NAME, scope=TokenScope.READ, lifetime_days=TOKEN_LIFETIMES_DAYS[0]
        )
        raw.append(secret)
    session = create_sessions(holders[:1])[0]
    return {
        "tokens": raw,
        "session": session,
        "cookie_name": settings.SESSION_COOKIE_NAME,
        "residents": holders,
    }
