"""E-mailed sign-in codes are capped per recipient: someone with many client addresses
cannot flood one inbox; the answer past the cap is the answer below it, so it tells
nobody whether an account has the address or whether anyone else asked; and the owner
still signs in."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commonwatch.accounts import mail_caps, throttle
from commonwatch.accounts.tests.factories import PASSWORD, UserFactory
from commonwatch.accounts.tests.mail_askers import from_many_addresses, page_seen, sent_to

CODE = re.compile(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b")
NOTICE = "One address gets at most 3 code e-mails an hour"
OWNER = "198.51.100.7"
NOBODY = "nobody-here@example.org"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def cap(settings):
    settings.LOGIN_CODE_EMAILS_PER_HOUR = 3
    return 3


def ask(client, email):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("account_request_login_code"), {"email": email})


def ask_from_elsewhere(email, times):
    return from_many_addresses(ask, email, times)


def seen(response, email) -> tuple:
    """What the asker sees, without what differs for every response or is theirs."""
    body = page_seen(response, email)
    return response.status_code, response.get("Location"), body


def test_past_the_cap_no_more_code_emails_go_to_one_address(cap, resident, mailoutbox):
    answers = ask_from_elsewhere(resident.email, cap + 1)

    assert sent_to(mailoutbox, resident.email) == cap
    assert [a.status_code for a in answers] == [302] * (cap + 1)


def test_everyone_who_asks_is_told_of_the_cap(cap, resident, mailoutbox):
    below, past = Client(REMOTE_ADDR="203.0.113.1"), Client(REMOTE_ADDR="203.0.113.2")
    waiting_below = below.get(ask(below, resident.email)["Location"]).content.decode()
    ask_from_elsewhere(resident.email, cap)
    waiting_past = past.get(ask(past, resident.email)["Location"]).content.decode()

    assert NOTICE in waiting_below
    assert NOTICE in waiting_past
    assert "sign in with your password" in waiting_past


def test_the_answer_is_the_same_whether_or_not_an_account_has_the_address_or_others_asked(
    cap, resident, mailoutbox
):
    below = [ask_from_elsewhere(email, cap) for email in (resident.email, NOBODY)]
    assert [seen(a, resident.email) for a in below[0]] == [seen(a, NOBODY) for a in below[1]]
    assert sent_to(mailoutbox, resident.email) == sent_to(mailoutbox, NOBODY) == cap

    for_account = ask(Client(REMOTE_ADDR="203.0.113.1"), resident.email)
    for_nobody = ask(Client(REMOTE_ADDR="203.0.113.2"), NOBODY)

    assert seen(for_account, resident.email) == seen(below[0][0], resident.email)
    assert seen(for_account, resident.email) == seen(for_nobody, NOBODY)
    assert sent_to(mailoutbox, resident.email) == sent_to(mailoutbox, NOBODY) == cap


def test_past_the_cap_the_request_does_the_same_work(cap, resident, mailoutbox):
    """The withheld e-mail is written and queued as any other, then dropped by the worker:
    an answer that skipped that work would come sooner, telling the asker by its timing
    that somebody else had asked for codes to that address this hour."""

    def work(client) -> list[str]:
        with CaptureQueriesContext(connection) as done:
            ask(client, resident.email)
        # Values and savepoint names aside: what is read and written, in order.
        return [re.sub(r"'[^']*'|\w*\d\w*", "?", query["sql"]) for query in done]

    ask_from_elsewhere(resident.email, cap - 1)
    below = work(Client(REMOTE_ADDR="203.0.113.1"))
    past = work(Client(REMOTE_ADDR="203.0.113.2"))

    assert any("INSERT" in sql and "outbox" in sql for sql in past)
    assert past == below
    assert sent_to(mailoutbox, resident.email) == cap


def test_the_owner_signs_in_with_the_last_code_they_got_or_their_password(
    cap, resident, mailoutbox
):
    owner = Client(REMOTE_ADDR=OWNER)
    asked = ask(owner, resident.email)
    code = CODE.search(mailoutbox[-1].body).group(1)
    ask_from_elsewhere(resident.email, cap)  # the cap is full

    again = ask(owner, resident.email)  # allauth: back to the code it waits for

    assert again["Location"] == asked["Location"]
    assert ask(Client(REMOTE_ADDR=OWNER), resident.email).status_code == 302  # nothing sent
    assert sent_to(mailoutbox, resident.email) == cap
    assert owner.post(asked["Location"], {"code": code}).status_code == 302
    assert owner.get(reverse("web:home")).wsgi_request.user == resident

    elsewhere = Client(REMOTE_ADDR="203.0.113.9")
    login = {"login": resident.email, "password": PASSWORD}
    assert elsewhere.post(reverse("account_login"), login).status_code == 302


def test_where_the_owner_signed_in_before_still_gets_codes_past_the_cap(cap, resident, mailoutbox):
    owner = Client(REMOTE_ADDR=OWNER)
    login = {"login": resident.email, "password": PASSWORD}
    assert owner.post(reverse("account_login"), login).status_code == 302
    owner.post(reverse("account_logout"))
    ask_from_elsewhere(resident.email, cap)
    other = UserFactory()
    ask_from_elsewhere(other.email, cap)

    asked = ask(owner, resident.email)

    assert asked.status_code == 302
    assert sent_to(mailoutbox, resident.email) == cap + 1
    code = CODE.search(mailoutbox[-1].body).group(1)
    assert owner.post(asked["Location"], {"code": code}).status_code == 302
    owner.post(reverse("account_logout"))
    # Their address is theirs, not a way past anybody's cap.
    ask(owner, other.email)
    assert sent_to(mailoutbox, other.email) == cap


def test_a_phone_on_ipv6_is_known_across_its_privacy_addresses(cap, resident, mailoutbox):
    login = {"login": resident.email, "password": PASSWORD}
    phone = Client(REMOTE_ADDR="2001:db8:1:2:a1b2:c3d4:e5f6:1")
    assert phone.post(reverse("account_login"), login).status_code == 302
    phone.post(reverse("account_logout"))
    ask_from_elsewhere(resident.email, cap)

    ask(Client(REMOTE_ADDR="2001:db8:1:2:9e8d:7c6b:5a49:2"), resident.email)  # later that day
    assert sent_to(mailoutbox, resident.email) == cap + 1
    ask(Client(REMOTE_ADDR="2001:db8:1:3:a1b2:c3d4:e5f6:1"), resident.email)  # another /64
    assert sent_to(mailoutbox, resident.email) == cap + 1


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("198.51.100.7", "198.51.100.7"),
        ("2001:db8:1:2:a1b2:c3d4:e5f6:1", "2001:db8:1:2::/64"),
        ("2001:DB8:1:2::9", "2001:db8:1:2::/64"),
        ("::ffff:198.51.100.7", "198.51.100.7"),  # IPv4 on a dual-stack socket
        # IPv4 clients behind a translator: each its own, not one /64 for all of them
        ("64:ff9b::c633:6407", "198.51.100.7"),  # NAT64
        ("2002:c633:6407::1", "198.51.100.7"),  # 6to4
        ("2001:0:4136:e378:8000:63bf:39cc:9bf8", "198.51.100.7"),  # Teredo
        ("", ""),
    ],
)
def test_a_client_is_known_by_its_ipv4_address_or_its_ipv6_64(address, network):
    assert throttle.client_network(address) == network


@pytest.mark.parametrize(
    ("address", "inbox"),
    [
        ("Jane.Doe@Example.org", "jane.doe@example.org"),
        ("jane.doe+alerts@example.org", "jane.doe@example.org"),
        ("j.a.n.e.doe+1@googlemail.com", "janedoe@gmail.com"),
        ("nobody", "nobody"),
    ],
)
def test_an_address_is_capped_by_the_inbox_it_reaches(address, inbox):
    assert mail_caps.inbox_of(address) == inbox


def test_spellings_of_one_inbox_share_its_cap(cap, mailoutbox):
    spellings = [f"someone+{n}@example.org" for n in range(cap + 2)]
    for n, spelling in enumerate(spellings):
        ask(Client(REMOTE_ADDR=f"192.0.2.{n + 1}"), spelling)

    assert sum(len(message.to) for message in mailoutbox) == cap
