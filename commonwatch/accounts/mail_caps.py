"""E-mails anyone may ask for to any address (sign-in codes, password resets): a cap per
recipient, so nobody floods someone's inbox.

Asking is limited per client address only (ACCOUNT_RATE_LIMITS): a limit per e-mail
address let anyone keep the owner from getting a code, and allauth's answer past it (a
429 page) told anyone that somebody had asked for that address a moment ago. So someone
with many client addresses could have e-mails sent to one person without end. Here at
most LOGIN_CODE_EMAILS_PER_HOUR code e-mails and PASSWORD_RESET_EMAILS_PER_HOUR reset
e-mails go to one address in an hour, each counted whether or not an account has that
address (allauth e-mails an unknown address to say so), and every spelling of one inbox
counted as one (`inbox_of`).

Past a cap the asker sees exactly what they see below it (the page that waits for the
code, the page saying a reset e-mail was sent): only the e-mail is withheld, written
and queued as any other and dropped by the worker, so the answer takes as long. A page
saying "capped" would tell anyone who asks a few times whether somebody else asked for
that address this hour, that is, when its owner was signing in. Everyone who asks is
told of the cap instead (`MailCap.notice`), and a code a browser already waits for
still signs it in.

The owner is not left with the password alone while someone keeps a cap full (that
person may be guessing the password too, slowing it for everyone, accounts.throttle):
a client address the account signed in from in the last KNOWN_FOR_S still gets these
e-mails past the cap, held only to the per-address limits. An IPv6 address counts as
its /64 (`throttle.client_network`): a phone changes its privacy address within its
network many times a day.

Counts live in the cache (each process's memory while Redis is down, core.cache),
keyed by hashes: the cache never holds an e-mail address or a client address.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from . import throttle

WINDOW_S = 60 * 60
KNOWN_FOR_S = 30 * 24 * 60 * 60
WITHHELD = "commonwatch_mail_withheld"  # on the request: the template prefixes not sent
UNKNOWN_ACCOUNT = "account/email/unknown_account"  # "no account has this address"


# Providers whose addresses ignore dots in the name (j.doe@ and jdoe@ are one inbox).
DOTS_IGNORED = frozenset({"gmail.com", "googlemail.com"})


def inbox_of(email: str) -> str:
    """The inbox an address reaches, as far as a cap must know: a "+tag" or, where the
    provider ignores them, dots in the name reach the same person, so they count as one
    (else each spelling would get its own cap and the inbox many)."""
    name, at, domain = email.strip().lower().rpartition("@")
    if not at:
        return domain  # no address: as it is
    name = name.split("+", 1)[0]
    if domain in DOTS_IGNORED:
        name, domain = name.replace(".", ""), "gmail.com"
    return f"{name}@{domain}"


def _key(namespace: str, *parts: str) -> str:
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return f"{namespace}:{digest}"


@dataclass(frozen=True)
class MailCap:
    """At most `setting` e-mails of one kind (allauth's `mails`) to one address an hour."""

    namespace: str  # of its counts in the cache
    setting: str
    mails: frozenset[str]
    notice_text: Promise  # with %(n)d, the cap

    @property
    def per_hour(self) -> int:
        return getattr(settings, self.setting)

    def may_email(self, email: str, users: Sequence, address: str) -> bool:
        """Count one e-mail to `email` (for the accounts with that address, `users`: none,
        one, or in a corner of allauth's a few), asked from `address`; whether it may be
        sent."""
        key = _key(self.namespace, "sent", inbox_of(email))
        cache.add(key, 0, WINDOW_S)  # the hour starts with the first e-mail
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, WINDOW_S)
            count = 1
        # Asked below the cap too, and with a key for nobody when no account has the
        # address: the answer takes as long whoever asked before and whoever has it.
        keys = [_known_key(user, address) for user in users] or [_key(self.namespace, "nobody")]
        known = any(value is True for value in cache.get_many(keys).values())
        return count <= self.per_hour or (bool(address) and known)

    def ask(self, request, email: str, users: Sequence) -> None:
        """`request` asks for this e-mail to `email`: counted, and past the cap withheld
        (the flow goes on, unsent: AccountAdapter.send_mail asks `mail_withheld`)."""
        if not self.may_email(email, users, throttle.client_address(request)):
            setattr(request, WITHHELD, getattr(request, WITHHELD, frozenset()) | self.mails)

    def notice(self) -> str:
        """Told to everyone who asks, past the cap or not."""
        return self.notice_text % {"n": self.per_hour}


SIGN_IN_CODES = MailCap(
    namespace="signin-codes",
    setting="LOGIN_CODE_EMAILS_PER_HOUR",
    mails=frozenset({"account/email/login_code", UNKNOWN_ACCOUNT}),
    notice_text=_(
        "No code after a few minutes? One address gets at most %(n)d code e-mails an "
        "hour: use the latest one you got, in the browser that asked for it, or sign in "
        "with your password."
    ),
)
PASSWORD_RESETS = MailCap(
    namespace="password-resets",
    setting="PASSWORD_RESET_EMAILS_PER_HOUR",
    mails=frozenset(
        {
            "account/email/password_reset_key",
            "account/email/password_reset_code",
            "account/email/account_already_exists",  # a sign-up with the address
            UNKNOWN_ACCOUNT,
        }
    ),
    notice_text=_(
        "No e-mail after a few minutes? One address gets at most %(n)d password-reset "
        "e-mails an hour: use the link in the latest one you got, or sign in with a code "
        "sent to your e-mail."
    ),
)


def mail_withheld(request, template_prefix: str) -> bool:
    """Whether this e-mail, asked in this request, is past its cap (the adapter's send_mail)."""
    return template_prefix in getattr(request, WITHHELD, ())


def remember_sign_in(sender, request, user, **kwargs) -> None:
    """django.contrib.auth's user_logged_in: this client's network is the account's own."""
    address = throttle.client_address(request) if request is not None else ""
    if address:
        cache.set(_known_key(user, address), True, KNOWN_FOR_S)


def _known_key(user, address: str) -> str:
    # Under the namespace of the sign-in codes, where it began: the IPv4 addresses
    # remembered before resets were capped are still known.
    return _key("signin-codes", "known", str(user.pk), throttle.client_network(address))
