"""Residents who were away find new posts as an unread count, and optionally a daily digest."""

from __future__ import annotations

import pytest

from commonwatch.community import selectors
from commonwatch.community.models import Alert
from commonwatch.community.tasks import queue_alerts, send_daily_digests
from commonwatch.community.tests.factories import (
    CENTER,
    published,
    resident_at,
    resident_just_outside,
)

pytestmark = pytest.mark.django_db


def test_publishing_alerts_every_covering_home_but_the_author_and_outsiders():
    author = resident_at(*CENTER)
    near = resident_at(CENTER[0] + 0.004, CENTER[1])
    wide = resident_at(CENTER[0] + 0.05, CENTER[1], radius_mi=5)
    outsider = resident_just_outside()
    published(author)  # immediate task backend in tests: queue_alerts has run
    alerted = set(Alert.objects.values_list("user_id", flat=True))
    assert alerted == {near.pk, wide.pk}
    assert outsider.pk not in alerted


def test_queueing_alerts_twice_does_not_duplicate():
    author = resident_at(*CENTER)
    resident_at(CENTER[0] + 0.001, CENTER[1])
    post = published(author)
    assert queue_alerts(post_id=post.pk) == 1
    assert Alert.objects.count() == 1


def test_unread_count_shows_until_the_feed_is_opened(client):
    author = resident_at(*CENTER)
    neighbor = resident_at(CENTER[0] + 0.001, CENTER[1])
    published(author)
    published(author, title="Second")
    assert selectors.unread_count(neighbor) == 2
    client.force_login(neighbor)
    assert b'class="unread"' in client.get("/").content
    client.get("/feed/")
    assert selectors.unread_count(neighbor) == 0


def test_daily_digest_goes_only_to_residents_who_asked(
    mailoutbox, django_capture_on_commit_callbacks
):
    author = resident_at(*CENTER)
    wants = resident_at(CENTER[0] + 0.001, CENTER[1], daily_digest=True)
    resident_at(CENTER[0] + 0.001, CENTER[1])
    published(author, title="Lost dog on Elm")
    with django_capture_on_commit_callbacks(execute=True):
        assert send_daily_digests() == 1
    assert [m.to for m in mailoutbox] == [[wants.email]]
    assert "Lost dog on Elm" in mailoutbox[0].body
    assert send_daily_digests() == 0


def test_a_resident_opts_into_the_digest_on_the_home_page(client):
    resident = resident_at(*CENTER)
    client.force_login(resident)
    client.post(
        "/account/home/", {"lat": CENTER[0], "lng": CENTER[1], "radius_mi": 1, "daily_digest": "on"}
    )
    resident.refresh_from_db()
    assert resident.daily_digest is True


def test_the_daily_command_sends_the_digests(mailoutbox, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    author = resident_at(*CENTER)
    resident_at(CENTER[0] + 0.001, CENTER[1], daily_digest=True)
    published(author)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_daily_digests")
    assert len(mailoutbox) == 1


def test_after_a_home_move_the_badge_and_the_digest_forget_the_old_area(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    from commonwatch.accounts.services import set_home

    author = resident_at(*CENTER)
    mover = resident_at(CENTER[0] + 0.001, CENTER[1], daily_digest=True)
    published(author, title="Lost dog on Elm")
    assert selectors.unread_count(mover) == 1

    set_home(user=mover, lat=CENTER[0] + 0.5, lng=CENTER[1], radius_mi=1)

    assert selectors.unread_count(mover) == 0
    client.force_login(mover)
    assert b'class="unread"' not in client.get("/").content
    with django_capture_on_commit_callbacks(execute=True):
        send_daily_digests()
    assert mailoutbox == []


def test_the_digest_marks_sent_only_the_alerts_it_named(django_capture_on_commit_callbacks):
    from commonwatch.community.tasks import DIGEST_SIZE

    author = resident_at(*CENTER)
    reader = resident_at(CENTER[0] + 0.001, CENTER[1], daily_digest=True)
    posts = [published(author, title=f"Post {n}") for n in range(DIGEST_SIZE + 3)]

    with django_capture_on_commit_callbacks(execute=True):
        assert send_daily_digests() == 1

    named = Alert.objects.filter(user=reader, digested=True)
    assert named.count() == DIGEST_SIZE
    left = set(Alert.objects.filter(user=reader, digested=False).values_list("post_id", flat=True))
    assert left == {post.pk for post in posts[:3]}  # the oldest, for the next digest
    with django_capture_on_commit_callbacks(execute=True):
        assert send_daily_digests() == 1
    assert not Alert.objects.filter(user=reader, digested=False).exists()
