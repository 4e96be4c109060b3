"""Wrong passwords slow the guesser down and never lock the owner out.

Five wrong passwords used to lock any account, staff included, for ten minutes, the
right password then refused, and one address's limit blocked everyone behind a
proxy. Now the wait is per account and client address and grows with each failure;
the owner signs in from elsewhere at once, or from anywhere with an e-mailed code.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client, TestCase
from django.urls import reverse

from commonwatch.accounts import throttle
from commonwatch.accounts.tests.factories import PASSWORD, UserFactory
from commonwatch.core.tests.concurrency import at_once

ATTACKER, OWNER = "203.0.113.66", "198.51.100.7"
TOO_MANY_FROM_HERE = b"Too many wrong passwords from here"
MANY_ON_ACCOUNT = b"This account has had many wrong passwords"
CODE = re.compile(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b")


class Clock:
    def __init__(self, monkeypatch):
        self.at = 1_900_000_000.0
        monkeypatch.setattr(throttle, "now", lambda: self.at)

    def advance(self, seconds: float) -> None:
        self.at += seconds


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


def log_in(client, email, password, **headers):
    return client.post(reverse("account_login"), {"login": email, "password": password}, **headers)


def signed_in(client) -> bool:
    return client.get(reverse("web:home")).wsgi_request.user.is_authenticated


@pytest.mark.parametrize("persona", ["resident", "moderator"])
def test_an_attackers_failures_never_stop_the_owner_from_elsewhere(cast, clock, persona):
    owner = cast[persona]
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for _attempt in range(25):
        log_in(attacker, owner.email, "wrong password")

    response = log_in(Client(REMOTE_ADDR=OWNER), owner.email, PASSWORD)

    assert response.status_code == 302, "the right password from the owner's address works"


def test_after_three_failures_each_attempt_from_there_waits_twice_as_long(resident, clock):
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for _attempt in range(3):
        assert TOO_MANY_FROM_HERE not in log_in(attacker, resident.email, "wrong").content

    log_in(attacker, resident.email, "wrong")  # the 4th is checked, and starts a 1 s wait
    refused = log_in(attacker, resident.email, PASSWORD)
    assert TOO_MANY_FROM_HERE in refused.content
    assert b"Try again in 1 second" in refused.content
    assert not signed_in(attacker), "even the right password waits: it is not checked"

    clock.advance(1)
    log_in(attacker, resident.email, "wrong")  # 5th: a 2 s wait
    clock.advance(1)
    assert b"Try again in 1 second" in log_in(attacker, resident.email, PASSWORD).content
    clock.advance(1)
    assert log_in(attacker, resident.email, PASSWORD).status_code == 302


def test_a_guesser_on_ipv6_waits_across_the_addresses_of_their_64(resident, clock):
    """A new privacy address in the same network for every try is still the same place;
    the next network is somewhere else, as another IPv4 address is."""
    for host in range(1, 5):
        log_in(Client(REMOTE_ADDR=f"2001:db8:66:1::{host}"), resident.email, "wrong")

    same_network = log_in(Client(REMOTE_ADDR="2001:db8:66:1::99"), resident.email, PASSWORD)
    next_network = log_in(Client(REMOTE_ADDR="2001:db8:66:2::1"), resident.email, PASSWORD)

    assert TOO_MANY_FROM_HERE in same_network.content
    assert next_network.status_code == 302


def test_the_wait_is_capped_at_fifteen_minutes(resident, clock):
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for _attempt in range(20):
        log_in(attacker, resident.email, "wrong")
        clock.advance(throttle.LONGEST_WAIT_S)

    log_in(attacker, resident.email, "wrong")
    assert b"Try again in 15 minutes" in log_in(attacker, resident.email, PASSWORD).content


def test_guessing_from_many_addresses_asks_everyone_for_the_emailed_code(
    resident, clock, mailoutbox
):
    for n in range(throttle.ACCOUNT_FREE_FAILURES):
        log_in(Client(REMOTE_ADDR=f"192.0.2.{n + 1}"), resident.email, "wrong")
    owner = Client(REMOTE_ADDR=OWNER)

    refused = log_in(owner, resident.email, PASSWORD)
    assert MANY_ON_ACCOUNT in refused.content
    assert b"sign in now with a code sent to your e-mail" in refused.content

    with TestCase.captureOnCommitCallbacks(execute=True):
        asked = owner.post(reverse("account_request_login_code"), {"email": resident.email})
    assert asked.status_code == 302
    code = CODE.search(mailoutbox[-1].body).group(1)
    confirmed = owner.post(asked["Location"], {"code": code})
    assert confirmed.status_code == 302
    assert signed_in(owner)


def test_codes_asked_for_an_address_elsewhere_do_not_keep_its_owner_from_one(
    settings, resident, mailoutbox
):
    """Up to the cap on code e-mails to one address (test_login_codes: past it, from
    where they signed in before, or with the code or password they have)."""
    for _attempt in range(settings.LOGIN_CODE_EMAILS_PER_HOUR - 1):  # past allauth's 3 a minute
        Client(REMOTE_ADDR=ATTACKER).post(
            reverse("account_request_login_code"), {"email": resident.email}
        )
    owner = Client(REMOTE_ADDR=OWNER)
    sent_before = len(mailoutbox)

    with TestCase.captureOnCommitCallbacks(execute=True):
        asked = owner.post(reverse("account_request_login_code"), {"email": resident.email})

    assert asked.status_code == 302
    assert len(mailoutbox) == sent_before + 1
    code = CODE.search(mailoutbox[-1].body).group(1)
    assert owner.post(asked["Location"], {"code": code}).status_code == 302
    assert signed_in(owner)


def test_the_sign_in_page_always_offers_the_emailed_code(client, db):
    page = client.get(reverse("account_login"))

    assert reverse("account_request_login_code").encode() in page.content


def test_behind_a_trusted_proxy_each_client_is_told_apart(settings, resident, clock):
    """One load balancer's address must not pool every client: with the proxy trusted,
    X-Forwarded-For names the client, and the attacker's wait stays the attacker's."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    for _attempt in range(10):
        log_in(Client(REMOTE_ADDR=proxy), resident.email, "wrong", HTTP_X_FORWARDED_FOR=ATTACKER)

    through_proxy = log_in(
        Client(REMOTE_ADDR=proxy), resident.email, PASSWORD, HTTP_X_FORWARDED_FOR=OWNER
    )
    attacker = log_in(
        Client(REMOTE_ADDR=proxy), resident.email, PASSWORD, HTTP_X_FORWARDED_FOR=ATTACKER
    )

    assert through_proxy.status_code == 302
    assert TOO_MANY_FROM_HERE in attacker.content


def test_a_forged_forwarded_for_is_ignored_without_a_trusted_proxy(resident, clock):
    for n in range(5):
        log_in(
            Client(REMOTE_ADDR=ATTACKER),
            resident.email,
            "wrong",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )

    again = log_in(Client(REMOTE_ADDR=ATTACKER), resident.email, PASSWORD)
    assert TOO_MANY_FROM_HERE in again.content


def test_unknown_accounts_are_slowed_alike_so_the_answer_reveals_nothing(db, clock):
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for _attempt in range(5):
        log_in(attacker, "nobody@example.org", "wrong")

    assert TOO_MANY_FROM_HERE in log_in(attacker, "nobody@example.org", "wrong").content


def test_an_emailed_code_does_not_skip_a_second_factor(cast, mailoutbox):
    officer = cast["moderator"]
    client = Client(REMOTE_ADDR=OWNER)

    with TestCase.captureOnCommitCallbacks(execute=True):
        asked = client.post(reverse("account_request_login_code"), {"email": officer.email})
    code = CODE.search(mailoutbox[-1].body).group(1)
    confirmed = client.post(asked["Location"], {"code": code})

    assert confirmed["Location"] == "/accounts/2fa/authenticate/"
    assert not signed_in(client)


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_simultaneous_guesses_is_counted_one_by_one(settings, clock):
    """Each attempt takes its place before its password is checked: 24 guesses sent at
    once from one address get 3 passwords checked, not 24. (The clock stands still: on a
    slow machine the burst would otherwise outlast the first wait.)"""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    owner = UserFactory()
    checked = []

    def guess(n: int) -> None:
        answer = log_in(Client(REMOTE_ADDR=ATTACKER), owner.email, f"wrong {n}")
        # allauth's own per-address limit on the sign-in page may answer 429 before
        # anything is checked, as a busy machine spreads the burst out in time.
        checked.append(answer.status_code == 200 and TOO_MANY_FROM_HERE not in answer.content)

    at_once(guess, 24)

    assert len(checked) == 24
    assert checked.count(True) == throttle.FREE_FAILURES
