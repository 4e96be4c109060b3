"""Residents who were away find new posts as an unread count (post-alert notifications),
and, if they turned it on, a daily e-mail digest."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from commonwatch.accounts.services import set_home
from commonwatch.accounts.tests.factories import sign_in
from commonwatch.community.alerts import POST_ALERT
from commonwatch.community.models import Category
from commonwatch.community.services import delete_post
from commonwatch.community.tasks import DIGEST_SIZE, queue_alerts, send_daily_digests
from commonwatch.community.tests.factories import (
    CENTER,
    post_alerts,
    published,
    resident_at,
    resident_just_outside,
    wants_digest,
)
from commonwatch.notifications.selectors import unread_count as unread


def unread_count(user) -> int:
    return unread(user, POST_ALERT)


def digest_reader(lat, lng):
    reader = resident_at(lat, lng)
    wants_digest(reader)
    return reader


pytestmark = pytest.mark.django_db


def test_publishing_alerts_every_covering_home_but_the_author_and_outsiders():
    author = resident_at(*CENTER)
    near = resident_at(CENTER[0] + 0.004, CENTER[1])
    wide = resident_at(CENTER[0] + 0.05, CENTER[1], radius_mi=5)
    outsider = resident_just_outside()
    published(author)  # immediate task backend in tests: queue_alerts has run
    alerted = set(post_alerts().values_list("recipient_id", flat=True))
    assert alerted == {near.pk, wide.pk}
    assert outsider.pk not in alerted


def test_queueing_alerts_twice_does_not_duplicate():
    author = resident_at(*CENTER)
    resident_at(CENTER[0] + 0.001, CENTER[1])
    post = published(author)
    assert queue_alerts(post_id=post.pk) == 1
    assert post_alerts().count() == 1


def test_unread_count_shows_until_the_feed_is_opened(client):
    author = resident_at(*CENTER)
    neighbor = resident_at(CENTER[0] + 0.001, CENTER[1])
    published(author)
    published(author, title="Second")
    assert unread_count(neighbor) == 2
    client.force_login(neighbor)
    assert b'class="unread"' in client.get("/").content
    client.get("/feed/")
    assert unread_count(neighbor) == 0


def test_daily_digest_goes_only_to_residents_who_asked(
    mailoutbox, django_capture_on_commit_callbacks
):
    author = resident_at(*CENTER)
    wants = digest_reader(CENTER[0] + 0.001, CENTER[1])
    resident_at(CENTER[0] + 0.001, CENTER[1])
    published(author, title="Lost dog on Elm")
    with django_capture_on_commit_callbacks(execute=True):
        assert send_daily_digests() == 1
    assert [m.to for m in mailoutbox] == [[wants.email]]
    assert "Lost dog on Elm" in mailoutbox[0].body
    assert send_daily_digests() == 0


def test_a_resident_turns_the_digest_on_in_the_notification_settings(client, mailoutbox):
    resident = resident_at(*CENTER)
    client.force_login(resident)
    assert b"notification settings" in client.get("/account/home/").content

    choices = {f"{POST_ALERT}:{c}": "digest" for c in Category.values}
    client.post("/notifications/settings/", {**choices, "time_zone": "UTC"})

    published(resident_at(CENTER[0] + 0.001, CENTER[1]))
    assert send_daily_digests() == 1


def test_the_daily_command_sends_the_digests(mailoutbox, django_capture_on_commit_callbacks):
    author = resident_at(*CENTER)
    digest_reader(CENTER[0] + 0.001, CENTER[1])
    published(author)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_daily_digests")
    assert len(mailoutbox) == 1


def test_after_a_home_move_the_badge_and_the_digest_forget_the_old_area(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    author = resident_at(*CENTER)
    mover = digest_reader(CENTER[0] + 0.001, CENTER[1])
    published(author, title="Lost dog on Elm")
    assert unread_count(mover) == 1

    set_home(user=mover, lat=CENTER[0] + 0.5, lng=CENTER[1], radius_mi=1)

    assert unread_count(mover) == 0
    client.force_login(mover)
    assert b'class="unread"' not in client.get("/").content
    with django_capture_on_commit_callbacks(execute=True):
        send_daily_digests()
    assert mailoutbox == []


def test_the_digest_marks_sent_only_the_alerts_it_named(django_capture_on_commit_callbacks):
    author = resident_at(*CENTER)
    reader = digest_reader(CENTER[0] + 0.001, CENTER[1])
    posts = [published(author, title=f"Post {n}") for n in range(DIGEST_SIZE + 3)]

    with django_capture_on_commit_callbacks(execute=True):
        assert send_daily_digests() == 1

    mine = post_alerts().filter(recipient=reader)
    assert mine.exclude(emailed_at=None).count() == DIGEST_SIZE
    left = set(mine.filter(emailed_at=None).values_list("subject_id", flat=True))
    assert left == {post.pk for post in posts[:3]}  # the oldest, for the next digest
    with django_capture_on_commit_callbacks(execute=True):
        assert send_daily_digests() == 1
    assert not mine.filter(emailed_at=None).exists()


def test_the_inbox_names_published_posts_near_home_and_drops_removed_ones(client):
    author = resident_at(*CENTER)
    neighbor = resident_at(CENTER[0] + 0.001, CENTER[1])
    kept = published(author, title="Lost cat on Elm")
    removed = published(author, title="Bike taken from porch")
    delete_post(author=author, post=removed)
    sign_in(client, neighbor)
    page = client.get("/notifications/").content.decode()
    assert "Near your home: Lost cat on Elm" in page
    assert f'href="/feed/posts/{kept.pk}/"' in page
    assert "Bike taken" not in page
    assert unread_count(neighbor) == 1
