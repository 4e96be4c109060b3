"""Reads about accounts, always scoped to the person asking."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from importlib import import_module

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, load_backend
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from commonwatch.core.errors import NotFound
from commonwatch.core.prepared import PreparedLookup

from .models import ApiToken, Home, User


def has_second_factor(user: User) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def home_of(user: User) -> Home | None:
    """The signed-in user's own home; nobody can read another person's.

    Requests load it with the user (accounts.backends), so this costs no query there.
    """
    if not user.is_authenticated:
        return None
    try:
        return user.home
    except Home.DoesNotExist:
        return None


def tokens_of(user: User):
    """The user's tokens, each saying whether it has `expired` (listed still, to revoke)."""
    expired = ExpressionWrapper(Q(expires_at__lte=timezone.now()), output_field=BooleanField())
    return ApiToken.objects.filter(user=user).annotate(expired=expired)


def own_token(user: User, token_id: int) -> ApiToken:
    """One of the user's own tokens; anyone else's answers as one that does not exist."""
    token = tokens_of(user).filter(pk=token_id).first()
    if token is None:
        raise NotFound(_("There is no such token among yours."))
    return token


def token_digest(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode()).hexdigest()


# Every token-authenticated API request makes this lookup: compiled once per process
# (core.prepared), it still asks the database each time, so a token revoked, expired
# or whose account was deactivated or closed is refused at once, in every process.
_LIVE_TOKEN = PreparedLookup(
    lambda digest, now: (
        ApiToken.objects.select_related("user", "user__home")
        .filter(digest=digest, user__is_active=True, expires_at__gt=now)
        .order_by()[:1]  # the digest is unique: no ORDER BY to plan
    ),
    digest=("0" * 64, ApiToken._meta.get_field("digest")),
    now=(datetime(2000, 1, 1, tzinfo=UTC), ApiToken._meta.get_field("expires_at")),
)


def token_for(raw_token: str) -> ApiToken | None:
    """The live token with this value (not expired, its account active), with its user
    and their home."""
    return _LIVE_TOKEN.first(digest=token_digest(raw_token), now=timezone.now())


def token_has_expired(raw_token: str) -> bool:
    """Whether this value is an expired token. Only who holds the value can ask, and may
    learn that, and nothing of its account: an expired token of a closed or suspended
    account says "expired" as any other does (revoked and never made answer False alike)."""
    return ApiToken.objects.filter(
        digest=token_digest(raw_token), expires_at__lte=timezone.now()
    ).exists()


def reader_of_session(session_key: str | None) -> User | None:
    """The user a session still signs in, or None: signed out, expired, password changed,
    account deleted or deactivated. Django's get_user, for a socket that holds no request
    (and that, unlike get_user, never flushes the session it looks at)."""
    if not session_key:
        return None
    data = import_module(settings.SESSION_ENGINE).SessionStore(session_key).load()
    backend_path = data.get(BACKEND_SESSION_KEY)
    if SESSION_KEY not in data or backend_path not in settings.AUTHENTICATION_BACKENDS:
        return None
    user_id = User._meta.pk.to_python(data[SESSION_KEY])
    user = load_backend(backend_path).get_user(user_id)
    session_hash = data.get(HASH_SESSION_KEY) or ""
    if user is None or not session_hash:
        return None
    hashes = [user.get_session_auth_hash(), *user.get_session_auth_fallback_hash()]
    if not any(constant_time_compare(session_hash, expected) for expected in hashes):
        return None
    return user
