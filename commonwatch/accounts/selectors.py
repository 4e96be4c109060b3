"""Reads about accounts, always scoped to the person asking."""

from __future__ import annotations

import hashlib

from allauth.mfa.models import Authenticator

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


def user_for_token(raw_token: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user", "user__home")
        .filter(digest=token_digest(raw_token), user__is_active=True)
        .first()
    )
    return token.user if token else None
