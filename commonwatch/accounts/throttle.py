"""Slowing password guessing down without locking the account's owner out.

Wrong passwords are counted per account *and* client address (an IPv6 one by its /64):
after three, each further attempt from that address for that account must wait twice
as long as the last (1 s, 2 s, 4 s … at most 15 minutes), and is refused unchecked
until then. The
owner, signing in from anywhere else, is never slowed by an attacker's failures.

Guessing spread over many addresses is caught by a count per account: past thirty
wrong passwords in an hour, the password alone waits the same way from every
address, and the owner signs in with a code sent to their e-mail instead (allauth's
login by code, always offered on the sign-in page).

Each attempt reserves its place with an atomic increment *before* the password is
checked, so a burst of simultaneous attempts is counted one by one (Redis INCR at
scale; the process's lock in the embedded mode). A reservation refused for waiting
is given back; a right password gives back its place in both counts.

Counts live in the cache (each process's memory while Redis is down, core.cache),
keyed by hashes: the cache never holds an e-mail address or a client address.
"""

from __future__ import annotations

import contextlib
import hashlib
import ipaddress
import logging
import time
from dataclasses import dataclass

from allauth.account.adapter import get_adapter
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

logger = logging.getLogger(__name__)

FREE_FAILURES = 3  # per account and address, before any wait
ACCOUNT_FREE_FAILURES = 30  # per account from every address, within FORGET_AFTER_S
LONGEST_WAIT_S = 15 * 60
FORGET_AFTER_S = 60 * 60
KEEP_S = FORGET_AFTER_S + LONGEST_WAIT_S


def now() -> float:
    return time.time()


@dataclass(frozen=True)
class Counter:
    """One count of attempts (reserved or failed) and the time of the latest."""

    key: str
    free: int

    def reserve(self) -> int:
        """Count one more attempt, atomically; the new count."""
        cache.add(self.key, 0, KEEP_S)
        try:
            return cache.incr(self.key)
        except ValueError:  # expired between add and incr
            cache.add(self.key, 1, KEEP_S)
            return 1

    def give_back(self) -> None:
        with contextlib.suppress(ValueError):  # expired meanwhile: nothing to give back
            cache.decr(self.key)

    def wait_s(self, count: int, at: float) -> int:
        """Seconds the attempt numbered `count` must still wait (0: go ahead)."""
        if count <= self.free:
            return 0
        delay = min(2 ** (count - 1 - self.free), LONGEST_WAIT_S)
        last = cache.get(f"{self.key}:at") or 0.0
        return max(0, int(last + delay - at + 0.999))

    def stamp(self, at: float) -> None:
        cache.set(f"{self.key}:at", at, KEEP_S)

    def clear(self) -> None:
        cache.delete_many([self.key, f"{self.key}:at"])


def client_address(request) -> str:
    """The client's address, through the trusted proxies settings name (allauth's rule)."""
    try:
        return get_adapter(request).get_client_ip(request)
    except (ImproperlyConfigured, PermissionDenied) as exc:
        logger.warning("Client address unknown (%s); using the connection's.", exc)
        return request.META.get("REMOTE_ADDR", "")


def client_network(address: str) -> str:
    """Where a client address stands for: an IPv4 address itself, an IPv6 address its /64.

    An IPv6 device picks new privacy addresses inside its network's /64 many times a
    day, so its address alone does not say it is the same device; the /64 is one home
    or phone, as one IPv4 address is (allauth's rate limits count IPv6 the same way).
    An IPv6 address that carries an IPv4 client's address (::ffff:a.b.c.d from a
    dual-stack socket, NAT64, 6to4, Teredo) is that IPv4 address: behind a translator
    every IPv4 client shares one /64. Anything that is no address comes back as it is.
    """
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv4Address):
        return str(ip)
    carried = _carried_ipv4(ip)
    if carried is not None:
        return str(carried)
    return str(ipaddress.IPv6Network((ip, 64), strict=False))


NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # RFC 6052's well-known prefix


def _carried_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.teredo is not None:
        return ip.teredo[1]
    return ip.sixtofour


def _key(*parts: str) -> str:
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return f"signin-attempts:{digest}"


def counters(login: str, address: str) -> tuple[Counter, Counter]:
    """This address's count for this login, and the login's count from everywhere. An
    IPv6 address counts as its /64 (client_network): a guesser picking a new address in
    their own network for every try would otherwise never wait."""
    account = login.strip().lower()
    return (
        Counter(_key("from", account, client_network(address)), FREE_FAILURES),
        Counter(_key("account", account), ACCOUNT_FREE_FAILURES),
    )


def reserve_attempt(login: str, address: str) -> tuple[int, bool]:
    """Take a place for one password attempt. Returns (0, _) to go ahead, or the seconds
    to wait and whether it is the whole account's wait (distributed guessing); a refused
    attempt takes no place."""
    at = now()
    here, account = counters(login, address)
    own_count, account_count = here.reserve(), account.reserve()
    own, everyone = here.wait_s(own_count, at), account.wait_s(account_count, at)
    if own or everyone:
        here.give_back()
        account.give_back()
        return max(own, everyone), everyone > own
    here.stamp(at)
    account.stamp(at)
    return 0, False


def give_back(login: str, address: str) -> None:
    """An attempt that was not checked after all leaves no count."""
    for counter in counters(login, address):
        counter.give_back()


def record_success(login: str, address: str) -> None:
    """The right password from here: this address starts afresh, and the account count
    gives back this attempt's place (not more: an attacker who also knew one password
    must not reset it between guesses)."""
    here, account = counters(login, address)
    here.clear()
    account.give_back()


def wait_in_words(seconds: int) -> str:
    """ "45 seconds", or whole minutes from two minutes on."""
    if seconds >= 120:
        minutes = (seconds + 59) // 60
        return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
    return ngettext("%(n)d second", "%(n)d seconds", seconds) % {"n": seconds}


def password_wait(user, address: str) -> int:
    """Before a signed-in person's password is checked again (deleting the account): the
    same places and waits as signing in, so a borrowed session cannot guess it fast.
    Returns the seconds to wait (0: go ahead, the attempt counted)."""
    wait, _whole_account = reserve_attempt(user.email, address)
    return wait


def wait_message_signed_in(seconds: int) -> str:
    """For a password asked again of someone signed in (deleting the account, changing
    the address): sign-in's wait, without the e-mailed code they cannot use there."""
    return _("Too many wrong passwords. Try again in %(wait)s.") % {"wait": wait_in_words(seconds)}
