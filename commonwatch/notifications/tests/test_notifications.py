"""The inbox, read marks and channel choices, on a kind declared here for the tests."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from commonwatch.accounts import services as accounts
from commonwatch.accounts.tests.factories import UserFactory, sign_in
from commonwatch.notifications import selectors, services
from commonwatch.notifications.kinds import KINDS, InboxEntry, Kind, register
from commonwatch.notifications.models import Delivery, Notification, Preference

pytestmark = pytest.mark.django_db

HIDDEN_SUBJECT = 13


def _describe(notifications, user):
    return {
        n.pk: InboxEntry(f"Thing {n.subject_id}", f"/things/{n.subject_id}") for n in notifications
    }


@pytest.fixture(autouse=True)
def test_kind():
    kind = register(
        Kind(
            code="tests.thing",
            label="Things",
            topics={"big": "Big things", "small": "Small things"},
            defaults={"big": Delivery.EMAIL},
            visible=lambda notifications, user: notifications.exclude(subject_id=HIDDEN_SUBJECT),
            describe=_describe,
        )
    )
    yield kind
    KINDS.pop(kind.code)


def test_notifying_twice_about_one_subject_tells_once():
    reader = UserFactory()
    services.notify(kind="tests.thing", subject_id=1, recipient_ids=[reader.pk])
    services.notify(kind="tests.thing", subject_id=1, recipient_ids=[reader.pk])
    assert Notification.objects.filter(recipient=reader).count() == 1


def test_the_inbox_lists_only_what_the_reader_may_still_see(client):
    reader, other = UserFactory(), UserFactory()
    for subject in (1, 2, HIDDEN_SUBJECT):
        services.notify(kind="tests.thing", subject_id=subject, recipient_ids=[reader.pk])
    services.notify(kind="tests.thing", subject_id=3, recipient_ids=[other.pk])
    sign_in(client, reader)
    page = client.get("/notifications/").content.decode()
    assert "Thing 1" in page and "Thing 2" in page
    assert "Thing 13" not in page and "Thing 3" not in page
    assert selectors.unread_count(reader) == 2


def test_marking_everything_read_clears_the_count_of_that_person_only(client):
    reader, other = UserFactory(), UserFactory()
    services.notify(kind="tests.thing", subject_id=1, recipient_ids=[reader.pk, other.pk])
    sign_in(client, reader)
    response = client.post("/notifications/read/", follow=True)
    assert b"Everything is marked as read." in response.content
    assert selectors.unread_count(reader) == 0
    assert selectors.unread_count(other) == 1


def test_mark_everything_read_is_offered_above_the_list_and_only_while_something_is_new(client):
    reader = UserFactory()
    for subject in (1, 2, 3):
        services.notify(kind="tests.thing", subject_id=subject, recipient_ids=[reader.pk])
    sign_in(client, reader)
    page = client.get("/notifications/").content.decode()
    assert "3 new." in page
    assert page.index("Mark everything as read") < page.index("Thing 1")
    client.post("/notifications/read/")
    page = client.get("/notifications/").content.decode()
    assert "Thing 1" in page and "Mark everything as read" not in page


def test_a_topic_follows_its_default_until_the_person_chooses(client):
    reader = UserFactory()
    assert selectors.delivery_of(reader, "tests.thing", "big") == Delivery.EMAIL
    assert selectors.delivery_of(reader, "tests.thing", "small") == Delivery.OFF
    sign_in(client, reader)
    client.post(
        "/notifications/settings/",
        {"tests.thing:big": "digest", "tests.thing:small": "push", "time_zone": "UTC"},
    )
    assert selectors.delivery_of(reader, "tests.thing", "big") == Delivery.DIGEST
    assert selectors.delivery_of(reader, "tests.thing", "small") == Delivery.PUSH


def test_the_api_lists_and_switches_choices(client):
    reader = UserFactory()
    _token, raw = accounts.create_api_token(user=reader, name="phone", scope="write")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    services.notify(kind="tests.thing", subject_id=1, recipient_ids=[reader.pk])
    inbox = client.get("/api/v1/notifications", **auth).json()
    assert inbox["unread"] == 1
    assert inbox["notifications"][0]["url"] == "/things/1"
    switched = client.put(
        "/api/v1/notifications/settings",
        {"kind": "tests.thing", "topic": "big", "delivery": "off"},
        content_type="application/json",
        **auth,
    )
    assert switched.status_code == 200
    mine = {c["topic"]: c["delivery"] for c in switched.json() if c["kind"] == "tests.thing"}
    assert mine == {"big": "off", "small": "off"}
    assert client.post("/api/v1/notifications/read", **auth).json() == {"marked_read": 1}


@pytest.mark.parametrize(
    ("kind", "topic", "delivery"),
    [
        ("tests.thing", "huge", "push"),
        ("tests.thing", "big", "fax"),
        ("no.such.kind", "big", "email"),
        ("tests.thing", "", "push"),
    ],
)
def test_what_cannot_be_chosen_is_a_422_and_changes_nothing(client, kind, topic, delivery):
    reader = UserFactory()
    _token, raw = accounts.create_api_token(user=reader, name="phone", scope="write")
    response = client.put(
        "/api/v1/notifications/settings",
        {"kind": kind, "topic": topic, "delivery": delivery},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 422
    assert not Preference.objects.exists()
    [error] = response.json()["detail"]
    wrong = "kind" if kind == "no.such.kind" else "delivery" if delivery == "fax" else "topic"
    assert error["loc"][0] == "body" and error["loc"][-1] == wrong
    if wrong == "topic":
        assert error["msg"].startswith("“Things” has no such topic; its topics are: big")


def test_a_read_only_token_cannot_change_choices(client):
    reader = UserFactory()
    _token, raw = accounts.create_api_token(user=reader, name="watch", scope="read")
    response = client.put(
        "/api/v1/notifications/settings",
        {"kind": "tests.thing", "topic": "big", "delivery": "off"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 403
    assert not Preference.objects.exists()


def test_closing_an_account_forgets_its_notifications_and_choices():
    reader, other = UserFactory(), UserFactory()
    services.notify(kind="tests.thing", subject_id=1, recipient_ids=[reader.pk, other.pk])
    services.choose(user=reader, kind="tests.thing", topic="big", delivery=Delivery.OFF)
    accounts.delete_account(user=reader)
    assert not Notification.objects.filter(recipient=reader).exists()
    assert not Preference.objects.filter(user=reader).exists()
    assert Notification.objects.filter(recipient=other).count() == 1


def test_choosing_rejects_an_unknown_kind_with_a_message():
    with pytest.raises(ValidationError, match="no such kind"):
        services.choose(user=UserFactory(), kind="nope", topic="", delivery=Delivery.EMAIL)
