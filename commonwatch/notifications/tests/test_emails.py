"""Every e-mail says how to stop it, or why it cannot be stopped; its plain text is
plain (no HTML entities) and its links lead to SITE_URL."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from commonwatch.accounts.tests.factories import UserFactory
from commonwatch.community.alerts import POST_ALERT
from commonwatch.community.replies import COMMENT
from commonwatch.community.tasks import send_daily_digests
from commonwatch.community.tests.factories import CENTER, published, resident_at, wants_digest
from commonwatch.moderation.notices import DECISION
from commonwatch.notifications import selectors, services
from commonwatch.notifications.models import Delivery
from commonwatch.organizations.tests.steps import invitation_link

pytestmark = pytest.mark.django_db
SITE = "https://watch.example.org"
TITLE = "Bob's bike & <helmet> taken"
ENTITY = re.compile(r"&(#x?[0-9a-fA-F]+|[a-z]+);")


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE


def _unsubscribe_path(message) -> str:
    header = message.extra_headers["List-Unsubscribe"]
    assert header.startswith(f"<{SITE}/notifications/unsubscribe/") and header.endswith(">")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    return header[1:-1].removeprefix(SITE)


def test_an_instant_email_is_plain_links_to_the_site_and_unsubscribes_in_one_click(
    client, mailoutbox
):
    reader = resident_at(CENTER[0] + 0.001, CENTER[1])
    services.choose(user=reader, kind=POST_ALERT, topic="crime", delivery=Delivery.EMAIL)
    post = published(resident_at(*CENTER), category="crime", title=TITLE)

    [mail] = mailoutbox
    assert mail.to == [reader.email] and mail.subject == "[Commonwatch] Crime near your home"
    assert TITLE in mail.body and not ENTITY.search(mail.body)
    assert f"{SITE}/feed/posts/{post.pk}/" in mail.body
    assert f"{SITE}/notifications/mute/" in mail.body
    # RFC 8058: the mail provider POSTs, with no cookie and no CSRF token.
    path = _unsubscribe_path(mail)
    response = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert selectors.delivery_of(reader, POST_ALERT, "crime") == Delivery.OFF
    assert selectors.delivery_of(reader, POST_ALERT, "safety") == Delivery.PUSH  # not e-mail


def test_the_digest_is_plain_and_carries_the_unsubscribe_header(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    reader = resident_at(CENTER[0] + 0.001, CENTER[1])
    wants_digest(reader)
    published(resident_at(*CENTER), title=TITLE)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_daily_digests() == 1

    [digest] = mailoutbox
    assert TITLE in digest.body and not ENTITY.search(digest.body)
    assert f"{SITE}/notifications/settings/" in digest.body
    path = _unsubscribe_path(digest)
    assert path.split("/")[-2] in digest.body  # the same link, written out
    assert client.get(path).status_code == 200  # a mail scanner's visit changes nothing
    assert selectors.topics_delivered(reader, selectors.get(POST_ALERT), Delivery.DIGEST)
    client.post(path)
    assert not selectors.topics_delivered(reader, selectors.get(POST_ALERT), Delivery.DIGEST)


def test_the_unsubscribe_page_says_what_it_stops_as_the_email_does(client, mailoutbox):
    reader = resident_at(CENTER[0] + 0.001, CENTER[1])
    services.choose(user=reader, kind=POST_ALERT, topic="crime", delivery=Delivery.EMAIL)
    services.choose(user=reader, kind=COMMENT, delivery=Delivery.EMAIL)
    services.choose(user=reader, kind=DECISION, delivery=Delivery.EMAIL)
    published(resident_at(*CENTER), category="crime", title=TITLE)
    [mail] = mailoutbox
    assert "Stop every e-mail of alerts and notices (account e-mails still come)" in mail.body
    path = _unsubscribe_path(mail)

    asked = client.get(path).content.decode()
    assert "Stop every e-mail of alerts and notices" in asked
    assert "about posts" not in asked
    assert "password resets" in asked  # account e-mails still come

    done = client.post(path).content.decode()
    assert "You will get no more e-mails of alerts and notices" in done
    assert "about posts" not in done
    assert "password resets" in done
    # What the page says is what happened: comment notices and decisions stop too.
    for kind in (POST_ALERT, COMMENT, DECISION):
        assert not selectors.topics_delivered(reader, selectors.get(kind), Delivery.EMAIL), kind


def test_the_digest_offers_the_same_unsubscribe_as_it_does(
    mailoutbox, django_capture_on_commit_callbacks
):
    reader = resident_at(CENTER[0] + 0.001, CENTER[1])
    wants_digest(reader)
    published(resident_at(*CENTER), title=TITLE)
    with django_capture_on_commit_callbacks(execute=True):
        send_daily_digests()

    [digest] = mailoutbox
    assert "Stop every e-mail of alerts and notices (account e-mails still come)" in digest.body
    assert "about posts:" not in digest.body


def test_a_forged_unsubscribe_link_is_not_valid(client):
    assert client.post("/notifications/unsubscribe/eyJ1IjoxfQ:forged/").status_code == 404


def test_account_emails_say_why_they_cannot_be_unsubscribed_from(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": user.email})

    [mail] = mailoutbox
    assert "cannot be unsubscribed from" in mail.body
    assert f"{SITE}/notifications/settings/" in mail.body
    assert "List-Unsubscribe" not in mail.extra_headers
    assert not ENTITY.search(mail.body)
    assert f"{SITE}/accounts/password/reset/key/" in mail.body


def test_every_email_the_site_sends_names_the_site_before_its_subject(
    settings, agency_admin, mailoutbox, django_capture_on_commit_callbacks
):
    """A sign-in code (allauth's), an alert as it happens, the daily digest and an
    invitation: each subject starts with SITE_NAME in brackets, as the greeting names it."""
    settings.SITE_NAME = "Elm Street Watch"
    instant = resident_at(CENTER[0] + 0.001, CENTER[1])
    services.choose(user=instant, kind=POST_ALERT, topic="crime", delivery=Delivery.EMAIL)
    daily = resident_at(CENTER[0] - 0.001, CENTER[1])
    wants_digest(daily)

    with django_capture_on_commit_callbacks(execute=True):
        Client().post(reverse("account_request_login_code"), {"email": instant.email})
    published(resident_at(*CENTER), category="crime", title="Car window smashed")
    with django_capture_on_commit_callbacks(execute=True):
        send_daily_digests()
    agency = agency_admin.memberships.get().organization
    invitation_link(agency_admin, agency, "officer@example.org", mailoutbox=mailoutbox)

    assert [m.subject for m in mailoutbox] == [
        "[Elm Street Watch] Your sign-in code",
        "[Elm Street Watch] Crime near your home",
        "[Elm Street Watch] Today near your home",
        f"[Elm Street Watch] You are invited to join {agency}",
    ]
