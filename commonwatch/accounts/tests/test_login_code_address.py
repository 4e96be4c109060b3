"""Signing in by an e-mailed code after a typo in the address: the code's page says
plainly that a code goes only to an address an account uses (and reads the same for
any address), and leads back to the address form with the address typed, to correct it."""

from __future__ import annotations

import re

import pytest
from django.test import Client, TestCase
from django.urls import reverse

from commonwatch.accounts.tests.mail_askers import page_seen, sent_to

pytestmark = pytest.mark.django_db

CODE = re.compile(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b")
CODE_PAGE = reverse("account_confirm_login_code")
ADDRESS_FORM = reverse("account_request_login_code")
ANOTHER_ADDRESS = reverse("accounts:another_code_address")


def ask(client, email, **query):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(ADDRESS_FORM, {"email": email, **query})


def text_of(response) -> str:
    """The page's words, tags and spacing aside."""
    return " ".join(re.sub(r"<[^>]+>", "", response.content.decode()).split())


def typo_of(email: str) -> str:
    """The address with one letter too many, as a slip of the finger types it."""
    name, domain = email.split("@")
    return f"{name}n@{domain}"


def test_the_code_page_says_a_code_comes_only_if_an_account_uses_the_address(resident):
    client = Client()
    ask(client, resident.email)

    page = text_of(client.get(CODE_PAGE))

    assert (
        f"If an account uses {resident.email}, we sent a sign-in code there. If none does, "
        "the e-mail there says so, and no code comes." in page
    )
    assert "has been sent" not in page
    assert "Not you, or a typo in the address? Use another address" in page


def test_the_code_page_reads_the_same_for_an_address_no_account_uses(resident, mailoutbox):
    with_account, without = Client(), Client()
    ask(with_account, resident.email)
    nobody = typo_of(resident.email)
    ask(without, nobody)

    seen = [
        page_seen(client.get(CODE_PAGE), email)
        for client, email in ((with_account, resident.email), (without, nobody))
    ]

    assert seen[0] == seen[1]
    assert "No account uses this address" in mailoutbox[-1].subject


def test_a_typo_goes_back_to_the_address_form_with_the_address_to_correct(resident, mailoutbox):
    client = Client()
    typo = typo_of(resident.email)
    ask(client, typo)

    back = client.post(ANOTHER_ADDRESS)
    form = client.get(back["Location"])

    assert back["Location"] == ADDRESS_FORM
    assert form.status_code == 200
    assert re.search(rf'name="email" value="{re.escape(typo)}"', form.content.decode())
    assert 'value="' + typo not in client.get(ADDRESS_FORM).content.decode()  # once

    corrected = ask(client, resident.email)
    code = CODE.search(mailoutbox[-1].body).group(1)
    assert corrected["Location"] == CODE_PAGE
    assert client.post(CODE_PAGE, {"code": code}).status_code == 302
    assert client.get(reverse("web:home")).wsgi_request.user == resident


def test_going_back_ends_the_sign_in_that_waited_for_the_first_code(resident, mailoutbox):
    client = Client()
    ask(client, resident.email)
    code = CODE.search(mailoutbox[-1].body).group(1)

    client.post(ANOTHER_ADDRESS)

    assert client.get(CODE_PAGE)["Location"] == ADDRESS_FORM
    client.post(CODE_PAGE, {"code": code})
    assert not client.get(reverse("web:home")).wsgi_request.user.is_authenticated
    assert sent_to(mailoutbox, resident.email) == 1


def test_the_page_asked_for_before_signing_in_is_kept_through_the_correction(resident, mailoutbox):
    client = Client()
    wanted = reverse("notifications:inbox")
    ask(client, typo_of(resident.email), next=wanted)

    back = client.post(ANOTHER_ADDRESS, {"next": wanted})
    ask(client, resident.email, next=wanted)
    code = CODE.search(mailoutbox[-1].body).group(1)
    signed_in = client.post(f"{CODE_PAGE}?next={wanted}", {"code": code, "next": wanted})

    assert back["Location"] == f"{ADDRESS_FORM}?next={wanted.replace('/', '%2F')}"
    assert signed_in["Location"] == wanted
