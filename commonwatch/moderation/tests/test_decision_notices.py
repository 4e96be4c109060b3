"""Every moderation decision about a person's own post, comment or edit reaches them, and
only them: in the inbox and the API at once, pushed or e-mailed as they chose, with no
more than "My posts" shows them, and nothing for a decision that rolled back."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from commonwatch.accounts import services as accounts
from commonwatch.accounts.tests.factories import sign_in
from commonwatch.community import services as community
from commonwatch.community.models import RevisionStatus
from commonwatch.community.tests.factories import CENTER, moderator, published, resident_at, submit
from commonwatch.core.models import OutboxMessage
from commonwatch.moderation import queue, services, trust
from commonwatch.moderation.notices import DECISION
from commonwatch.moderation.tests.factories import established_neighbor
from commonwatch.notifications import selectors as inbox
from commonwatch.notifications import services as notifications
from commonwatch.notifications.models import Delivery, Notification

pytestmark = pytest.mark.django_db
TITLE = "Streetlight out"
MINE = "/moderation/mine/"


def _post_url(post) -> str:
    return reverse("community:post", args=[post.pk])


def _reject(author, mod, title=TITLE, post=None):
    post = post or submit(author, title=title)
    return services.reject_post(
        moderator=mod, post=post, reason="Leave out the house number.", rule="private_info"
    )


def _appealed(author, mod):
    post = _reject(author, mod)
    return post, services.appeal(author=author, post=post, statement="It was my own house.")


def _waiting_edit(author, mod):
    post = published(author, mod, title=TITLE)
    body = "A new story altogether, which a moderator reads before neighbors do."
    community.edit_post(author=author, post=post, title=TITLE, body=body, category=post.category)
    return post, post.revisions.get(status=RevisionStatus.PENDING)


# Each decision: what the author's inbox says, and where it leads.
def approved(author, mod):
    post = published(author, mod, title=TITLE)
    return f"Your post “{TITLE}” was approved and is published.", _post_url(post)


def rejected(author, mod):
    _reject(author, mod)
    return f"Your post “{TITLE}” was not published.", MINE


def taken_back(author, mod):
    post = published(author, mod, title=TITLE)
    services.requeue_post(moderator=mod, post=post, reason="Checking the photo.")
    return f"Your post “{TITLE}” was taken off the feed for review.", MINE


def hidden_by_flags(author, mod):
    post = published(author, mod, title=TITLE)
    for _ in range(trust.ESTABLISHED_FLAGS_TO_HIDE):
        services.flag_post(user=established_neighbor(mod), post=post, reason="false")
    return f"Your post “{TITLE}” was taken off the feed for review.", MINE


def comment_approved(author, mod):
    post = published(resident_at(*CENTER), mod, title=TITLE)
    comment = community.add_comment(author=author, post=post, body="Saw the van at noon.")
    services.approve_comment(moderator=mod, comment=comment)
    return f"Your comment on “{TITLE}” was approved and is published.", _post_url(post)


def comment_rejected(author, mod):
    post = published(resident_at(*CENTER), mod, title=TITLE)
    comment = community.add_comment(author=author, post=post, body="Saw the van at noon.")
    services.reject_comment(moderator=mod, comment=comment, reason="Off topic.", rule="off_topic")
    return f"Your comment on “{TITLE}” was not published.", MINE


def appeal_granted(author, mod):
    post, appeal = _appealed(author, mod)
    services.decide_appeal(moderator=moderator(), appeal=appeal, grant=True, answer="Restored.")
    return f"Your appeal was granted: your post “{TITLE}” is published.", _post_url(post)


def appeal_denied(author, mod):
    _post, appeal = _appealed(author, mod)
    services.decide_appeal(moderator=moderator(), appeal=appeal, grant=False, answer="It stays.")
    return f"Your appeal was denied: your post “{TITLE}” stays down.", MINE


def changes_requested(author, mod):
    _post, appeal = _appealed(author, mod)
    services.decide_appeal(
        moderator=moderator(), appeal=appeal, grant=True, answer="Cut it.", ask_for_edit=True
    )
    return f"Your appeal was granted: edit your post “{TITLE}” and it is reviewed again.", MINE


def edit_applied(author, mod):
    post, revision = _waiting_edit(author, mod)
    services.apply_edit(moderator=mod, revision=revision)
    return f"Your edit of “{TITLE}” was applied: neighbors see it now.", _post_url(post)


def edit_turned_down(author, mod):
    post, revision = _waiting_edit(author, mod)
    services.turn_down_edit(moderator=mod, revision=revision, note="Keep the first version.")
    return f"Your edit of “{TITLE}” was not applied.", _post_url(post)


DECISIONS = [
    approved,
    rejected,
    taken_back,
    hidden_by_flags,
    comment_approved,
    comment_rejected,
    appeal_granted,
    appeal_denied,
    changes_requested,
    edit_applied,
    edit_turned_down,
]


def _api_list(client, user) -> list[dict]:
    _token, raw = accounts.create_api_token(user=user, name="phone", scope="read")
    response = client.get("/api/v1/notifications", HTTP_AUTHORIZATION=f"Bearer {raw}")
    return response.json()["notifications"]


@pytest.mark.parametrize("decide", DECISIONS, ids=lambda decide: decide.__name__)
def test_each_decision_reaches_its_author_in_the_inbox_and_the_api(client, author, mod, decide):
    neighbor = resident_at(*CENTER)
    words, url = decide(author, mod)

    [told] = [n for n in _api_list(client, author) if n["kind"] == DECISION][:1]
    assert (told["title"], told["url"]) == (words, url)
    sign_in(client, author)
    page = client.get("/notifications/").content.decode()
    assert TITLE in page and f'href="{url}"' in page
    assert not Notification.objects.filter(kind=DECISION, recipient__in=[neighbor, mod])
    assert not [n for n in _api_list(client, neighbor) if n["kind"] == DECISION]
    assert not inbox.visible(neighbor, inbox.get(DECISION)).exists()


def test_an_emailed_rejection_gives_the_rule_the_note_the_pause_and_the_appeal(
    author, mod, mailoutbox, django_capture_on_commit_callbacks
):
    notifications.choose(user=author, kind=DECISION, delivery=Delivery.EMAIL)
    _reject(author, mod, title="First")
    with django_capture_on_commit_callbacks(execute=True):
        post = _reject(author, mod)

    [mail] = mailoutbox
    assert mail.to == [author.email]
    assert mail.subject == f"[Commonwatch] Your post “{TITLE}” was not published."
    assert "Rule: Shares private information" in mail.body
    assert "Moderator's note: Leave out the house number." in mail.body
    assert (
        "your posting and commenting are paused." in mail.body
        and "m.." not in mail.body
        and "appeal from “My posts”" in mail.body
    )
    assert MINE in mail.body
    assert mod.email not in mail.body  # never who decided
    assert f"{post.lat:.3f}" not in mail.body and f"{post.exact_lat:.3f}" not in mail.body
    assert "Mute this thread" not in mail.body  # each decision is news of its own
    assert 'Turn "Moderators\' decisions on your posts, comments and edits" off:' in mail.body


def test_flags_hiding_a_post_never_say_who_flagged_or_why_it_was_hidden(
    author, mod, mailoutbox, django_capture_on_commit_callbacks
):
    notifications.choose(user=author, kind=DECISION, delivery=Delivery.EMAIL)
    post = published(author, mod, title=TITLE)
    mailoutbox.clear()
    flaggers = [established_neighbor(mod) for _ in range(trust.ESTABLISHED_FLAGS_TO_HIDE)]
    with django_capture_on_commit_callbacks(execute=True):
        for flagger in flaggers:
            services.flag_post(user=flagger, post=post, reason="false", note="My neighbor lies")

    [mail] = [m for m in mailoutbox if m.to == [author.email]]
    assert "taken off the feed for review" in mail.subject
    for hint in ("flag", "My neighbor lies", *[f.email for f in flaggers]):
        assert hint not in mail.subject + mail.body.split("Read it:")[0]


def test_a_kept_post_tells_its_author_nothing(author, mod):
    post = published(author, mod)
    services.flag_post(user=established_neighbor(mod), post=post, reason="false")
    Notification.objects.filter(kind=DECISION).delete()
    services.keep_post(moderator=moderator(), post=post)
    assert not Notification.objects.filter(kind=DECISION).exists()


def test_decisions_are_not_offered_as_a_daily_digest_which_gathers_post_alerts_only(client, author):
    sign_in(client, author)
    choices = client.get("/notifications/settings/").content.decode()
    offered = re.findall(rf'name="{DECISION.replace(".", "[.]")}[^"]*" value="(\w+)"', choices)
    assert sorted(offered) == ["email", "off", "push"]
    assert 'value="digest"' in choices  # still offered for post alerts

    with pytest.raises(ValidationError, match="Instant push, Instant e-mail, Off"):
        notifications.choose(user=author, kind=DECISION, delivery=Delivery.DIGEST)
    refused = client.put(
        "/api/v1/notifications/settings",
        {"kind": DECISION, "topic": "", "delivery": "digest"},
        content_type="application/json",
    )
    assert refused.status_code == 422


def test_decisions_are_pushed_by_default_and_turning_them_off_stops_the_email(
    client, author, mod, mailoutbox, django_capture_on_commit_callbacks
):
    sign_in(client, author)
    choices = client.get("/notifications/settings/").content.decode()
    assert "decisions on your posts, comments and edits" in choices
    first, second, third = [submit(author, title=t) for t in ("First", "Second", "Third")]
    assert inbox.delivery_of(author, DECISION) == Delivery.PUSH
    with django_capture_on_commit_callbacks(execute=True):
        _reject(author, mod, post=first)
    assert not mailoutbox  # no device to push to, and e-mail never comes unasked

    notifications.choose(user=author, kind=DECISION, delivery=Delivery.EMAIL)
    with django_capture_on_commit_callbacks(execute=True):
        _reject(author, mod, post=second)
    assert len(mailoutbox) == 1

    notifications.choose(user=author, kind=DECISION, delivery=Delivery.OFF)
    with django_capture_on_commit_callbacks(execute=True):
        _reject(author, mod, post=third)
    assert len(mailoutbox) == 1
    assert inbox.visible(author, inbox.get(DECISION)).count() == 3  # the inbox keeps them


def test_a_decision_in_quiet_hours_is_emailed_when_they_end(
    author, mod, mailoutbox, django_capture_on_commit_callbacks
):
    notifications.choose(user=author, kind=DECISION, delivery=Delivery.EMAIL)
    now = timezone.now()
    notifications.set_quiet_hours(
        user=author,
        starts=(now - timedelta(hours=1)).time(),
        ends=(now + timedelta(hours=1)).time(),
        time_zone="UTC",
    )
    with django_capture_on_commit_callbacks(execute=True):
        _reject(author, mod)
    assert not mailoutbox
    waiting = OutboxMessage.objects.get(kind=notifications.DELIVER, done_at=None)
    assert waiting.available_at > now + timedelta(minutes=50)


def test_a_decision_that_rolls_back_tells_nobody(
    author, mod, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    notifications.choose(user=author, kind=DECISION, delivery=Delivery.EMAIL)
    post = submit(author)

    def fails(key):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(queue, "release", fails)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        services.reject_post(moderator=mod, post=post, reason="No.", rule="false")

    assert not Notification.objects.filter(kind=DECISION).exists()
    assert not OutboxMessage.objects.filter(kind=notifications.FAN_OUT).exists()
    assert not mailoutbox


def test_a_deleted_post_takes_its_notices_out_of_the_inbox(author, mod):
    post = _reject(author, mod)
    assert inbox.visible(author, inbox.get(DECISION)).count() == 1
    community.delete_post(author=author, post=post)
    assert not inbox.visible(author, inbox.get(DECISION)).exists()
    assert inbox.unread_count(author) == 0


def test_a_commenter_no_longer_sees_a_post_taken_down_through_their_notice(author, mod):
    """The notice names the post as it is now: once the post is off the feed (and its
    author may rewrite it before a moderator looks again), the commenter's notice goes,
    with the title in it."""
    neighbor_post = published(resident_at(*CENTER), mod, title=TITLE)
    comment = community.add_comment(author=author, post=neighbor_post, body="Saw it too.")
    services.approve_comment(moderator=mod, comment=comment)
    assert inbox.visible(author, inbox.get(DECISION)).count() == 1

    services.requeue_post(moderator=mod, post=neighbor_post, reason="Looks doubtful.")

    assert not inbox.visible(author, inbox.get(DECISION)).exists()


def test_a_pushed_or_emailed_pause_is_dated_in_the_readers_zone(author, mod, mailoutbox):
    """The worker has no browser to ask: it dates a pause by the zone the person set
    their quiet hours in (here hours that are not now), and names the zone."""
    later = timezone.now().astimezone(ZoneInfo("America/Los_Angeles")) + timedelta(hours=2)
    notifications.set_quiet_hours(
        user=author,
        starts=later.time().replace(microsecond=0),
        ends=(later + timedelta(hours=1)).time().replace(microsecond=0),
        time_zone="America/Los_Angeles",
    )
    notifications.choose(user=author, kind=DECISION, delivery=Delivery.EMAIL)
    first, second = submit(author, title="First"), submit(author, title="Second")
    _reject(author, mod, post=first)
    with TestCase.captureOnCommitCallbacks(execute=True):
        _reject(author, mod, post=second)
    [mail] = [m for m in mailoutbox if "Second" in m.subject]
    assert "(America/Los_Angeles), your posting and commenting are paused." in mail.body
