"""E-mailed sign-in codes: a cap per recipient, so nobody floods someone's inbox.

Asking for a code is limited per client address only (ACCOUNT_RATE_LIMITS): a limit
per e-mail address let anyone keep the owner from getting one. So someone with many
client addresses could have code e-mails sent to one person without end. Here at most
LOGIN_CODE_EMAILS_PER_HOUR e-mails go to one address in an hour, counted whether or
not an account has that address (allauth e-mails an unknown address to say so), and
the answer past the cap is the same either way: a code went there recently, use it or
the password. No new code is made then, so the one the asker's browser is waiting for
still signs them in.

The owner is not left with the password alone while someone keeps the cap full (that
person may be guessing the password too, slowing it for everyone, accounts.throttle):
a client address the account signed in from in the last KNOWN_FOR_S still gets codes
past the cap, held only to the per-address limits.

Counts live in the cache (each process's memory while Redis is down, core.cache),
keyed by hashes: the cache never holds an e-mail address or a client address.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache

from . import throttle

WINDOW_S = 60 * 60
KNOWN_FOR_S = 30 * 24 * 60 * 60


def _key(*parts: str) -> str:
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return f"signin-codes:{digest}"


def may_email(email: str, user, address: str) -> bool:
    """Count one code e-mail to `email` (for `user`, or None: no account has it), asked
    from `address`; whether it may be sent."""
    key = _key("sent", email.strip().lower())
    cache.add(key, 0, WINDOW_S)  # the hour starts with the first e-mail
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, WINDOW_S)
        count = 1
    if count <= settings.LOGIN_CODE_EMAILS_PER_HOUR:
        return True
    return user is not None and bool(address) and cache.get(_known_key(user, address)) is True


def remember_sign_in(sender, request, user, **kwargs) -> None:
    """django.contrib.auth's user_logged_in: this client address is the account's own."""
    address = throttle.client_address(request) if request is not None else ""
    if address:
        cache.set(_known_key(user, address), True, KNOWN_FOR_S)


def _known_key(user, address: str) -> str:
    return _key("known", str(user.pk), address)
