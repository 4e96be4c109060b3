"""Asking for capped e-mails (sign-in codes, password resets) as many people would, and
what each asker sees: shared by the tests of both caps (accounts.mail_caps)."""

from __future__ import annotations

import re

from django.test import Client


def from_many_addresses(ask, email: str, times: int) -> list:
    """`ask(client, email)` from `times` client addresses, one each (past any limit per
    client address)."""
    return [ask(Client(REMOTE_ADDR=f"192.0.2.{n + 1}"), email) for n in range(times)]


def sent_to(mailoutbox, email: str) -> int:
    return sum(email in message.to for message in mailoutbox)


def page_seen(response, email: str) -> str:
    """The page, without what differs for every response or is the asker's own."""
    body = response.content.decode().replace(email, "EMAIL")
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "CSRF", body)
    return re.sub(r'nonce="[^"]*"', "NONCE", body)
