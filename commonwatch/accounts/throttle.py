"""Slowing password guessing down without locking the account's owner out.

Wrong passwords are counted per account *and* client address: after three, each
further attempt from that address for that account must wait twice as long as the
last (1 s, 2 s, 4 s … at most 15 minutes), and is refused unchecked until then. The
owner, signing in from anywhere else, is never slowed by an attacker's failures.

Guessing spread over many addresses is caught by a count per account: past thirty
wrong passwords in an hour, the password alone waits the same way from every
address, and the owner signs in with a code sent to their e-mail instead (allauth's
login by code, always offered on the sign-in page).

Counts live in the cache (each process's memory while Redis is down, core.cache),
keyed by hashes: the cache never holds an e-mail address or a client address.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass

from allauth.account.adapter import get_adapter
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, PermissionDenied

logger = logging.getLogger(__name__)

FREE_FAILURES = 3  # per account and address, before any wait
ACCOUNT_FREE_FAILURES = 30  # per account from every address, within FORGET_AFTER_S
LONGEST_WAIT_S = 15 * 60
FORGET_AFTER_S = 60 * 60


def now() -> float:
    return time.time()


@dataclass
class Failures:
    count: int = 0
    last_at: float = 0.0

    def wait_s(self, free: int, at: float) -> int:
        """Seconds still to wait before the next attempt (0: go ahead)."""
        if self.count < free:
            return 0
        delay = min(2 ** (self.count - free), LONGEST_WAIT_S)
        return max(0, int(self.last_at + delay - at + 0.999))


def client_address(request) -> str:
    """The client's address, through the trusted proxies settings name (allauth's rule)."""
    try:
        return get_adapter(request).get_client_ip(request)
    except (ImproperlyConfigured, PermissionDenied) as exc:
        logger.warning("Client address unknown (%s); using the connection's.", exc)
        return request.META.get("REMOTE_ADDR", "")


def _key(*parts: str) -> str:
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return f"signin-failures:{digest}"


def _keys(login: str, address: str) -> tuple[str, str]:
    account = login.strip().lower()
    return _key("from", account, address), _key("account", account)


def _read(key: str) -> Failures:
    stored = cache.get(key)
    return Failures(*stored) if stored else Failures()


def seconds_to_wait(login: str, address: str) -> tuple[int, bool]:
    """How long this address must wait before trying a password for this login, and
    whether it is the whole account's wait (distributed guessing) rather than its own."""
    at = now()
    here, account = _keys(login, address)
    own = _read(here).wait_s(FREE_FAILURES, at)
    everyone = _read(account).wait_s(ACCOUNT_FREE_FAILURES, at)
    return max(own, everyone), everyone > own


def record_failure(login: str, address: str) -> None:
    at = now()
    for key in _keys(login, address):
        failures = _read(key)
        cache.set(key, (failures.count + 1, at), FORGET_AFTER_S + LONGEST_WAIT_S)


def record_success(login: str, address: str) -> None:
    """The right password from here: this address starts afresh (the account count stays,
    or an attacker who also knew one password could reset it between guesses)."""
    cache.delete(_keys(login, address)[0])
