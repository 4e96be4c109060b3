"""A neighbor's post reaches a resident as a real web push, decrypted at a loopback
push service with the subscription's own keys; what it says, and when it does not go."""

from __future__ import annotations

import datetime as dt
import hashlib
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from py_vapid import Vapid

from commonwatch.accounts import services as accounts
from commonwatch.accounts.tests.factories import sign_in
from commonwatch.community.alerts import POST_ALERT
from commonwatch.community.tests.factories import CENTER, published, resident_at
from commonwatch.core.models import OutboxMessage
from commonwatch.notifications import links, push, selectors, services
from commonwatch.notifications.models import Delivery, Notification, PushSubscription, QuietHours

from .push_service import Browser, PushService

pytestmark = pytest.mark.django_db
NEARBY = (CENTER[0] + 0.001, CENTER[1])


@pytest.fixture
def push_service(settings):
    service = PushService()
    settings.WEB_PUSH_HOSTS = ["127.0.0.1"]
    yield service
    service.close()


def _with_device(client, push_service, name="phone"):
    """A resident near CENTER whose browser subscribed through the API."""
    resident, browser = resident_at(*NEARBY), Browser()
    _token, raw = accounts.create_api_token(user=resident, name="phone", scope="write")
    response = client.post(
        "/api/v1/notifications/push/devices",
        # As a browser's PushSubscription.toJSON() gives it (push.js sends it whole).
        {"endpoint": push_service.endpoint(name), "expirationTime": None, "keys": browser.keys()},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 201, response.content
    return resident, browser


def test_a_neighbors_post_reaches_the_resident_as_a_push(client, push_service, settings):
    resident, browser = _with_device(client, push_service)
    post = published(
        resident_at(*CENTER),
        category="crime",
        title="Car broken into on Elm",
        body="Someone's window was smashed overnight.",
    )

    [push] = push_service.received
    said = browser.decrypt(push.body)
    assert said["title"] == "Crime near your home"
    assert said["body"] == "Car broken into on Elm\nSomeone's window was smashed overnight."
    assert said["url"] == f"/feed/posts/{post.pk}/"
    # No place finer than the feed's: nothing about where it happened at all.
    assert not {"lat", "lng", "exact_lat", "exact_lng", "cell"} & set(said)
    assert str(post.exact_lat)[:7] not in push.body.decode("latin-1")
    # Signed with this install's VAPID key, for this push service, kept while offline.
    vapid = push.headers["authorization"]
    assert vapid.startswith("vapid t=") and f"k={settings.VAPID_PUBLIC_KEY}" in vapid
    assert push.headers["ttl"] == str(settings.WEB_PUSH_TTL_SECONDS)
    assert push.headers["content-encoding"] == "aes128gcm"
    notification = Notification.objects.get(recipient=resident, subject_id=post.pk)
    assert notification.pushed_at is not None
    # The mute buttons work without signing in.
    assert client.post(said["mute_thread"]).status_code == 200
    assert selectors.is_muted(resident, POST_ALERT, post.pk)


def test_the_vapid_key_signs_what_the_browser_was_given(settings):
    vapid = Vapid.from_string(private_key=settings.VAPID_PRIVATE_KEY)
    signed = vapid.sign({"aud": "http://127.0.0.1", "sub": settings.VAPID_SUBJECT})
    assert f"k={settings.VAPID_PUBLIC_KEY}" in signed["Authorization"]


def test_a_subscription_the_push_service_forgot_is_removed(client, push_service):
    _resident, _browser = _with_device(client, push_service)
    push_service.status = 410
    published(resident_at(*CENTER), category="crime")
    assert len(push_service.received) == 1
    assert not PushSubscription.objects.exists()


def test_categories_set_to_anything_but_push_are_not_pushed(client, push_service):
    resident, _browser = _with_device(client, push_service)
    services.choose(user=resident, kind=POST_ALERT, topic="crime", delivery=Delivery.DIGEST)
    published(resident_at(*CENTER), category="crime")
    published(resident_at(*CENTER), category="community")  # off by default
    assert push_service.received == []


def test_a_category_muted_from_its_link_is_not_pushed_again(client, push_service):
    resident, _browser = _with_device(client, push_service)
    token = links.mute_topic_token(resident, POST_ALERT, "crime")
    assert client.get(links.mute_url(token)).status_code == 200  # asks, changes nothing
    assert selectors.delivery_of(resident, POST_ALERT, "crime") == Delivery.PUSH
    assert b"Muted: Crime" in client.post(links.mute_url(token)).content
    published(resident_at(*CENTER), category="crime")
    assert push_service.received == []


def test_a_forged_mute_link_changes_nothing(client, push_service):
    resident, _browser = _with_device(client, push_service)
    token = links.mute_topic_token(resident, POST_ALERT, "crime")
    assert client.post(links.mute_url(token[:-2] + "xx")).status_code == 404
    assert selectors.delivery_of(resident, POST_ALERT, "crime") == Delivery.PUSH


def test_quiet_hours_hold_a_push_until_they_end(client, push_service):
    resident, browser = _with_device(client, push_service)
    zone = ZoneInfo("America/Denver")
    now = timezone.now().astimezone(zone)
    starts = (now - dt.timedelta(hours=1)).time().replace(second=0, microsecond=0)
    ends = (now + dt.timedelta(hours=2)).time().replace(second=0, microsecond=0)
    services.set_quiet_hours(user=resident, starts=starts, ends=ends, time_zone=zone.key)
    post = published(resident_at(*CENTER), category="safety")

    assert push_service.received == []
    waiting = OutboxMessage.objects.get(kind=services.DELIVER, done_at=None)
    assert waiting.available_at > timezone.now() + dt.timedelta(hours=1)
    # The quiet hours end; the worker's sweep finds the push due and sends it.
    QuietHours.objects.all().delete()
    services.deliver(**waiting.payload)
    assert browser.decrypt(push_service.received[0].body)["url"] == f"/feed/posts/{post.pk}/"


@pytest.mark.parametrize(
    ("at", "starts", "ends", "until"),
    [
        ("23:30", "22:00", "07:00", "2026-03-08 07:00"),  # over midnight, into summer time
        ("06:00", "22:00", "07:00", "2026-03-07 07:00"),
        ("12:00", "22:00", "07:00", None),
        ("13:00", "12:00", "14:00", "2026-03-07 14:00"),
        ("14:00", "12:00", "14:00", None),
    ],
)
def test_quiet_hours_end_on_the_local_clock(at, starts, ends, until):
    zone = ZoneInfo("America/Denver")
    local = dt.datetime.fromisoformat(f"2026-03-07 {at}").replace(tzinfo=zone)
    end = selectors.quiet_end(local, dt.time.fromisoformat(starts), dt.time.fromisoformat(ends))
    expected = dt.datetime.fromisoformat(until).replace(tzinfo=zone) if until else None
    assert end == expected


@pytest.mark.parametrize(
    ("endpoint", "keys"),
    [
        ("https://push.example.net/x", None),  # not a known push service
        ("http://fcm.googleapis.com/x", None),  # not https
        # The HTTP client would connect to 127.0.0.1: the host read here must be the one
        # it sends to (a backslash or user-info makes them differ).
        ("https://127.0.0.1\\@fcm.googleapis.com/x", None),
        ("https://127.0.0.1@fcm.googleapis.com/x", None),
        ("https://a:b@fcm.googleapis.com/x", None),
        ("https://fcm.googleapis.com:9443/x", None),
        ("https://fcm.googleapis.com /x", None),
        ("PUSH", {"p256dh": "AAAA", "auth": "AAAA"}),  # keys of the wrong length
    ],
)
def test_a_subscription_this_site_cannot_use_is_a_422(client, push_service, endpoint, keys):
    resident = resident_at(*NEARBY)
    _token, raw = accounts.create_api_token(user=resident, name="phone", scope="write")
    response = client.post(
        "/api/v1/notifications/push/devices",
        {
            "endpoint": push_service.endpoint("x") if endpoint == "PUSH" else endpoint,
            "keys": keys or Browser().keys(),
        },
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "keys" if keys else "endpoint"]
    assert not PushSubscription.objects.exists()


def test_a_device_is_removed_by_its_person_only(client, push_service):
    resident, _browser = _with_device(client, push_service)
    other = resident_at(*NEARBY)
    endpoint = push_service.endpoint("phone")
    assert services.unsubscribe_device(user=other, endpoint=endpoint) == 0
    assert services.unsubscribe_device(user=resident, endpoint=endpoint) == 1


def test_without_a_vapid_key_push_is_off_and_says_so(client, push_service, settings):
    resident, _browser = _with_device(client, push_service)
    settings.VAPID_PRIVATE_KEY = settings.VAPID_PUBLIC_KEY = ""
    published(resident_at(*CENTER), category="crime")
    assert push_service.received == []
    with pytest.raises(ValidationError, match="not set up"):
        services.subscribe_device(
            user=resident, endpoint=push_service.endpoint("tablet"), **Browser().keys()
        )


def test_the_settings_say_how_many_devices_push_reaches(client, push_service):
    bystander = resident_at(*NEARBY)
    sign_in(client, bystander)
    page = client.get("/notifications/settings/").content.decode()
    assert "Push is not on for any device yet." in page and "0 devices" not in page

    resident, _browser = _with_device(client, push_service)
    sign_in(client, resident)
    assert "Push is on for 1 device." in client.get("/notifications/settings/").content.decode()


def test_signing_out_of_a_browser_stops_its_pushes_and_no_others(client, push_service):
    resident, _phone = _with_device(client, push_service, name="phone-app")  # by token
    browser = Browser()
    sign_in(client, resident)
    subscribed = client.post(
        "/api/v1/notifications/push/devices",
        {"endpoint": push_service.endpoint("laptop"), "keys": browser.keys()},
        content_type="application/json",
    )
    assert subscribed.status_code == 201
    page = client.get("/notifications/settings/").content.decode()
    laptop = push_service.endpoint("laptop")
    assert hashlib.sha256(laptop.encode()).hexdigest() in page and laptop not in page

    client.post("/accounts/logout/")

    left = PushSubscription.objects.filter(user=resident).values_list("endpoint", flat=True)
    assert list(left) == [push_service.endpoint("phone-app")]


def test_a_subscription_saved_before_the_check_was_tightened_is_never_posted_to(push_service):
    keys = Browser().keys()
    saved = PushSubscription.objects.create(
        user=resident_at(*NEARBY),
        endpoint="https://127.0.0.1\\@fcm.googleapis.com/x",
        p256dh=keys["p256dh"],
        auth=keys["auth"],
    )

    assert push.send(saved, {"title": "x"}) is False
    assert not PushSubscription.objects.exists()
