"""E-mailed sign-in codes: a cap per recipient, so nobody floods someone's inbox.

Asking for a code is limited per client address only (ACCOUNT_RATE_LIMITS): a limit
per e-mail address let anyone keep the owner from getting one. So someone with many
client addresses could have code e-mails sent to one person without end. Here at most
LOGIN_CODE_EMAILS_PER_HOUR e-mails go to one address in an hour, counted whether or
not an account has that address (allauth e-mails an unknown address to say so).

Past the cap the asker sees exactly what they see below it (the page that waits for
the code): only the e-mail is withheld. A page saying "capped" would tell anyone who
asks a few times whether somebody else asked for codes to that address this hour, that
is, when its owner was signing in. Everyone who asks is told of the cap instead
(AccountAdapter.add_message), and a code a browser already waits for still signs it in.

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
from django.utils.translation import gettext as _

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


def code_cap_notice() -> str:
    """Told to everyone who asks for a code, past the cap or not."""
    return _(
        "No code after a few minutes? One address gets at most %(n)d code e-mails an "
        "hour: use the latest one you got, in the browser that asked for it, or sign in "
        "with your password."
    ) % {"n": settings.LOGIN_CODE_EMAILS_PER_HOUR}


WITHHELD = "commonwatch_code_mail_withheld"
# What allauth sends for a code asked: the code, or "no account has this address".
CODE_MAILS = ("account/email/login_code", "account/email/unknown_account")


def withhold_mail(request) -> None:
    """This request's code e-mail is past the cap: the flow goes on, unsent."""
    setattr(request, WITHHELD, True)


def mail_withheld(request, template_prefix: str) -> bool:
    return template_prefix in CODE_MAILS and getattr(request, WITHHELD, False)


def _known_key(user, address: str) -> str:
    return _key("known", str(user.pk), address)
