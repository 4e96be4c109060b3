"""Reads about accounts, always scoped to the person asking."""

from __future__ import annotations

import hashlib
from importlib import import_module

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, load_backend
from django.utils import timezone
from django.utils.crypto import constant_time_compare

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
    return ApiToken.objects.filter(user=user)


def token_digest(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode()).hexdigest()


def token_for(raw_token: str) -> ApiToken | None:
    """The live token with this value (not expired, its account active), with its user."""
    found = (
        ApiToken.objects.select_related("user", "user__home")
        .filter(digest=token_digest(raw_token), user__is_active=True, expires_at__gt=timezone.now())
        .order_by()[:1]  # the digest is unique: no ORDER BY to compile and plan per request
    )
    return next(iter(found), None)


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
