"""Forgotten password: a reset e-mail, a link, a new password that works; and no more
than a few reset e-mails to one address an hour, whoever asks."""

from __future__ import annotations

import re

import pytest
from django.test import Client, TestCase
from django.urls import reverse

from commonwatch.accounts.tests.factories import PASSWORD, UserFactory
from commonwatch.accounts.tests.mail_askers import from_many_addresses, page_seen, sent_to

NEW_PASSWORD = "another long passphrase 7 rivers"
RESET_LINK = re.compile(r"https?://[^/\s]+(/accounts/password/reset/key/[^/\s]+/)")


def _log_in(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_a_password_reset_email_lets_the_owner_choose_a_new_password(
    client, resident, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": resident.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [resident.email]
    reset_path = RESET_LINK.search(mailoutbox[0].body).group(1)

    form_page = client.get(reset_path, follow=True)
    assert form_page.status_code == 200
    set_path = form_page.redirect_chain[-1][0] if form_page.redirect_chain else reset_path
    done = client.post(set_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302

    client.logout()
    assert _log_in(client, resident.email, PASSWORD).status_code == 200, "old password refused"
    assert _log_in(client, resident.email, NEW_PASSWORD)["Location"] == reverse(
        "accounts:home"
    )  # no home yet: setting it comes first


def test_a_password_reset_for_an_unknown_address_reveals_nothing(
    db, client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})

    assert response.status_code == 302
    assert all("reset/key" not in message.body for message in mailoutbox)


# Reset e-mails are capped per recipient as sign-in codes are (accounts.mail_caps): the
# answer past the cap is the answer below it, with or without an account, and tells
# nobody whether anyone else asked; the owner still gets one where they signed in before.

NOTICE = "One address gets at most 3 password-reset e-mails an hour"
OWNER = "198.51.100.7"
NOBODY = "nobody-here@example.org"


@pytest.fixture
def cap(settings):
    settings.PASSWORD_RESET_EMAILS_PER_HOUR = 3
    return 3


def ask(client, email):
    """The page a reset asked for `email` ends on (allauth redirects to "sent")."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("account_reset_password"), {"email": email}, follow=True)


def ask_from_elsewhere(email, times):
    return from_many_addresses(ask, email, times)


def seen(response, email) -> tuple:
    """What the asker sees, without what differs for every response or is theirs."""
    body = page_seen(response, email)
    return (
        response.status_code,
        response.redirect_chain,
        [template.name for template in response.templates],
        [str(message) for message in response.context["messages"]],
        body,
    )


def sign_in_and_out(client, user):
    login = {"login": user.email, "password": PASSWORD}
    assert client.post(reverse("account_login"), login).status_code == 302
    client.post(reverse("account_logout"))


@pytest.mark.parametrize("account", [True, False], ids=["account", "no account"])
def test_past_the_cap_no_more_reset_emails_go_to_one_address(cap, account, db, mailoutbox):
    email = UserFactory().email if account else NOBODY  # allauth tells NOBODY it has none

    answers = ask_from_elsewhere(email, cap + 2)

    assert sent_to(mailoutbox, email) == cap
    assert [a.status_code for a in answers] == [200] * (cap + 2)


def test_the_answer_past_the_cap_is_the_one_below_it_with_or_without_an_account(
    cap, resident, mailoutbox
):
    below = {email: ask_from_elsewhere(email, cap) for email in (resident.email, NOBODY)}
    past = {email: ask(Client(REMOTE_ADDR="203.0.113.1"), email) for email in below}

    first = seen(below[resident.email][0], resident.email)
    assert first[2][0] == "account/password_reset_done.html"
    assert [NOTICE in message for message in first[3]] == [True]
    for email in (resident.email, NOBODY):
        assert [seen(a, email) for a in below[email]] == [first] * cap
        assert seen(past[email], email) == first
        assert sent_to(mailoutbox, email) == cap


def test_allauths_limit_per_address_never_answers(cap, resident, mailoutbox):
    """allauth's default, five a minute per address, answered 429: somebody had just
    asked for that address."""
    answers = ask_from_elsewhere(resident.email, 8)

    assert {a.status_code for a in answers} == {200}
    assert {a.templates[0].name for a in answers} == {"account/password_reset_done.html"}


def test_where_the_owner_signed_in_before_still_gets_reset_emails_past_the_cap(
    cap, resident, mailoutbox
):
    owner = Client(REMOTE_ADDR=OWNER)
    sign_in_and_out(owner, resident)
    other = UserFactory()
    for email in (resident.email, other.email):
        ask_from_elsewhere(email, cap)

    ask(owner, resident.email)

    assert sent_to(mailoutbox, resident.email) == cap + 1
    link = RESET_LINK.search(mailoutbox[-1].body).group(1)
    assert owner.get(link, follow=True).status_code == 200
    # Their address is theirs, not a way past anybody's cap.
    ask(owner, other.email)
    assert sent_to(mailoutbox, other.email) == cap


def test_a_phone_on_ipv6_is_known_across_its_privacy_addresses(cap, resident, mailoutbox):
    sign_in_and_out(Client(REMOTE_ADDR="2001:db8:1:2:a1b2:c3d4:e5f6:1"), resident)
    ask_from_elsewhere(resident.email, cap)

    ask(Client(REMOTE_ADDR="2001:db8:1:2:9e8d:7c6b:5a49:2"), resident.email)  # the same /64
    assert sent_to(mailoutbox, resident.email) == cap + 1
    ask(Client(REMOTE_ADDR="2001:db8:1:3:a1b2:c3d4:e5f6:1"), resident.email)  # the next one
    assert sent_to(mailoutbox, resident.email) == cap + 1


def test_sign_ups_with_someones_address_count_as_reset_emails(cap, resident, mailoutbox, settings):
    """Signing up with an address that has an account e-mails its owner a reset link
    (allauth, at most one per 3 minutes): anyone could repeat it to flood that inbox,
    so it counts against the same cap, and the sign-up's answer past it is the one
    below it."""
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "confirm_email": False}

    def sign_up(client):
        form = {"email": resident.email, "password1": "x" + PASSWORD, "password2": "x" + PASSWORD}
        with TestCase.captureOnCommitCallbacks(execute=True):
            return client.post(reverse("account_signup"), form)

    below = [sign_up(Client(REMOTE_ADDR=f"192.0.2.{n + 1}")) for n in range(cap)]
    past = sign_up(Client(REMOTE_ADDR="203.0.113.1"))
    reset_past_it = ask(Client(REMOTE_ADDR="203.0.113.2"), resident.email)

    assert sent_to(mailoutbox, resident.email) == cap
    assert (past.status_code, past["Location"]) == (below[0].status_code, below[0]["Location"])
    assert reset_past_it.status_code == 200
