"""Quiet hours, muted threads and the old digest switch, as a resident meets them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import signing

from commonwatch.accounts import services as accounts
from commonwatch.accounts.tests.factories import UserFactory, sign_in
from commonwatch.community.alerts import POST_ALERT
from commonwatch.community.models import Category
from commonwatch.community.tests.factories import CENTER, published, resident_at
from commonwatch.notifications import links, selectors
from commonwatch.notifications.models import MutedThread, QuietHours

pytestmark = pytest.mark.django_db


def test_quiet_hours_are_saved_with_both_times_or_refused_with_one(client):
    resident = UserFactory()
    sign_in(client, resident)
    page = client.post("/notifications/settings/", {"quiet_starts": "22:00", "time_zone": "UTC"})
    assert page.status_code == 400 and b"Give both times" in page.content
    assert not QuietHours.objects.exists()

    client.post(
        "/notifications/settings/",
        {"quiet_starts": "22:00", "quiet_ends": "07:00", "time_zone": "Europe/Berlin"},
    )
    quiet = QuietHours.objects.get(user=resident)
    assert (quiet.starts, quiet.ends, quiet.time_zone) == (
        dt.time(22),
        dt.time(7),
        "Europe/Berlin",
    )
    client.post("/notifications/settings/", {"time_zone": "UTC"})  # both emptied: none
    assert not QuietHours.objects.exists()


def test_quiet_hours_typed_to_a_fraction_of_a_second_still_read_in_the_api(client):
    """The page's field took "22:00:00.5", and the API's HH:MM:SS then answered 500."""
    resident = UserFactory()
    sign_in(client, resident)

    client.post(
        "/notifications/settings/",
        {"quiet_starts": "22:00:00.5", "quiet_ends": "07:00", "time_zone": "UTC"},
    )
    answer = client.get("/api/v1/notifications/quiet-hours")

    assert answer.status_code == 200
    assert (answer.json()["starts"], answer.json()["ends"]) == ("22:00:00", "07:00:00")


def test_a_thread_muted_from_the_inbox_leaves_it_and_is_unmuted_from_settings(client):
    resident = resident_at(CENTER[0] + 0.001, CENTER[1])
    post = published(resident_at(*CENTER), title="Loose dog on Pine")
    sign_in(client, resident)
    assert b"Loose dog on Pine" in client.get("/notifications/").content

    client.post(links.mute_url(links.mute_thread_token(resident, POST_ALERT, post.pk)))
    assert b"Loose dog on Pine" not in client.get("/notifications/").content
    assert selectors.unread_count(resident) == 0
    settings_page = client.get("/notifications/settings/").content
    assert b"Loose dog on Pine" in settings_page and b"Unmute" in settings_page

    thread = MutedThread.objects.get(user=resident)
    client.post(f"/notifications/muted/{thread.pk}/unmute/")
    assert b"Loose dog on Pine" in client.get("/notifications/").content


def test_nobody_unmutes_someone_elses_thread(client):
    owner, other = UserFactory(), UserFactory()
    thread = MutedThread.objects.create(user=owner, kind=POST_ALERT, subject_id=1)
    sign_in(client, other)
    assert client.post(f"/notifications/muted/{thread.pk}/unmute/").status_code == 404
    assert MutedThread.objects.filter(pk=thread.pk).exists()


def test_the_service_worker_is_served_from_the_root_for_the_whole_site(client):
    response = client.get("/service-worker.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert b"showNotification" in response.content


@pytest.mark.django_db(transaction=True)
def test_an_old_digest_switch_becomes_a_digest_of_every_category(migrate_to):
    digest_reader, declined = UserFactory(), UserFactory()
    old = migrate_to([("notifications", "0001_initial")])
    Preference = old.get_model("notifications", "Preference")
    Preference.objects.create(
        user_id=digest_reader.pk, kind=POST_ALERT, channel="email", enabled=True
    )
    Preference.objects.create(user_id=declined.pk, kind=POST_ALERT, channel="email", enabled=False)

    new = migrate_to([("notifications", "0002_deliveries_per_topic")])

    chosen = new.get_model("notifications", "Preference").objects.values_list(
        "user_id", "topic", "delivery"
    )
    assert sorted(chosen) == sorted(
        (digest_reader.pk, topic, "digest") for topic in Category.values
    )


def test_a_post_page_mutes_its_thread_in_one_tap(client):
    resident = resident_at(CENTER[0] + 0.001, CENTER[1])
    post = published(resident_at(*CENTER))
    sign_in(client, resident)
    page = client.get(f"/feed/posts/{post.pk}/").content.decode()
    assert "Mute alerts about this post" in page
    action = page.split("Mute alerts about this post")[0].rsplit('action="', 1)[1].split('"')[0]
    client.post(action)
    assert selectors.is_muted(resident, POST_ALERT, post.pk)
    assert (
        "You muted alerts about this post" in client.get(f"/feed/posts/{post.pk}/").content.decode()
    )


def test_the_api_sets_and_clears_quiet_hours(client):
    resident = UserFactory()
    _token, raw = accounts.create_api_token(user=resident, name="phone", scope="write")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}", "content_type": "application/json"}
    wanted = {"starts": "22:30:00", "ends": "06:00:00", "time_zone": "America/Denver"}
    assert client.put("/api/v1/notifications/quiet-hours", wanted, **auth).json() == wanted
    wrongs = [{"starts": "22:30:00", "time_zone": "UTC"}]
    # No place, the server's own clock, the zone database's placeholder: none is a home's.
    wrongs += [{**wanted, "time_zone": zone} for zone in ("Mars", "localtime", "Factory")]
    for wrong in wrongs:
        assert client.put("/api/v1/notifications/quiet-hours", wrong, **auth).status_code == 422
    assert QuietHours.objects.get().time_zone == "America/Denver"
    cleared = client.put("/api/v1/notifications/quiet-hours", {"time_zone": "UTC"}, **auth)
    assert cleared.json()["starts"] is None and not QuietHours.objects.exists()


def _old_thread_link(user, kind: str, subject_id: int) -> str:
    """A mute link as made before threads had ids of their own: it named a subject."""
    token = signing.dumps({"u": user.pk, "k": kind, "s": subject_id}, salt=links.MUTE_SALT)
    return links.mute_url(token)


def test_an_old_post_alert_link_still_mutes_its_post_but_one_naming_a_comment_does_not(client):
    resident = resident_at(CENTER[0] + 0.001, CENTER[1])
    post = published(resident_at(*CENTER))

    assert client.post(_old_thread_link(resident, POST_ALERT, post.pk)).status_code == 200
    assert selectors.is_muted(resident, POST_ALERT, post.pk)

    # A comment's id is no post's: such a link would mute the wrong post's comments.
    refused = client.post(_old_thread_link(resident, "community.comment", post.pk))
    assert refused.status_code == 404
    assert not MutedThread.objects.filter(kind="community.comment").exists()


def test_a_decision_told_once_has_no_thread_to_mute(client):
    resident = UserFactory()
    link = links.mute_url(links.mute_thread_token(resident, "moderation.decision", 7))

    assert client.post(link).status_code == 404
    assert not MutedThread.objects.exists()


def test_without_a_push_device_the_page_says_push_reaches_only_the_inbox(client):
    """A newcomer's choices start on instant push: saved as they were, alerts reached
    them nowhere but the inbox, and nothing said so (a tester)."""
    resident = UserFactory()
    sign_in(client, resident)

    page = client.get("/notifications/settings/?next=/feed/").content.decode()

    assert "Push is not on for any of your devices yet" in page and 'href="#push"' in page
