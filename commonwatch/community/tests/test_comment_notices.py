"""A post's author hears of each neighbor's comment once a moderator publishes it, and
nobody else does: in the inbox and the API, pushed or e-mailed as they chose, naming the
commenter only as the thread does, and never for a comment turned down, rolled back or
since removed."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from commonwatch.accounts import services as accounts
from commonwatch.accounts.tests.factories import sign_in
from commonwatch.community import services as community
from commonwatch.community import transitions
from commonwatch.community.models import Comment, Post
from commonwatch.community.replies import COMMENT
from commonwatch.community.tests.factories import CENTER, moderator, published, resident_at
from commonwatch.core.models import OutboxMessage
from commonwatch.moderation import queue
from commonwatch.moderation import services as moderation
from commonwatch.notifications import selectors as inbox
from commonwatch.notifications import services as notifications
from commonwatch.notifications.models import Delivery, MutedThread, Notification

pytestmark = pytest.mark.django_db
TITLE = "Lost cat"
TEXT = "I saw a grey cat under the porch at number 12 this morning, looking hungry."


@pytest.fixture
def mod(db):
    return moderator()


@pytest.fixture
def post(author, mod):
    return published(author, mod, title=TITLE)


def _comment(commenter, post, body=TEXT):
    return community.add_comment(author=commenter, post=post, body=body)


def _approved(commenter, post, mod, body=TEXT):
    return moderation.approve_comment(moderator=mod, comment=_comment(commenter, post, body))


@pytest.fixture
def emailed(author, mailoutbox, django_capture_on_commit_callbacks):
    """The e-mails the author, who chose instant e-mail, gets for what `act` publishes."""
    notifications.choose(user=author, kind=COMMENT, delivery=Delivery.EMAIL)

    def sent(act) -> list:
        mailoutbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            act()
        return list(mailoutbox)

    return sent


def _action_before(page: str, label: str) -> str:
    """The action of the form whose button reads `label`."""
    return page.split(label)[0].rsplit('action="', 1)[1].split('"')[0]


def _told(user) -> list[Notification]:
    return list(inbox.visible(user, inbox.get(COMMENT)))


def _api_list(client, user) -> list[dict]:
    _token, raw = accounts.create_api_token(user=user, name="phone", scope="read")
    response = client.get("/api/v1/notifications", HTTP_AUTHORIZATION=f"Bearer {raw}")
    return [n for n in response.json()["notifications"] if n["kind"] == COMMENT]


def test_the_author_reads_who_commented_in_the_inbox_and_the_api(
    client, author, neighbor, post, mod
):
    _approved(neighbor, post, mod)
    words = f"Neighbor #2 commented on your post “{TITLE}”"  # as the thread names them
    url = reverse("community:post", args=[post.pk]) + "#comments"

    [told] = _api_list(client, author)
    assert (told["title"], told["url"]) == (words, url)
    sign_in(client, author)
    page = client.get("/notifications/").content.decode()
    assert words in page and f'href="{url}"' in page
    assert neighbor.email not in page
    assert 'id="comments"' in client.get(url).content.decode()


def test_nobody_but_the_post_author_is_told(client, author, neighbor, post, mod):
    onlooker = resident_at(CENTER[0] - 0.003, CENTER[1])  # reads the thread too
    _approved(neighbor, post, mod)

    for user in (neighbor, onlooker, mod):
        assert not Notification.objects.filter(kind=COMMENT, recipient=user).exists()
        assert not _api_list(client, user)
    assert Notification.objects.filter(kind=COMMENT).count() == 1


def test_the_author_commenting_on_their_own_post_is_told_nothing(author, post, mod):
    _approved(author, post, mod)
    assert not Notification.objects.filter(kind=COMMENT).exists()


def test_an_author_who_has_left_is_told_nothing(author, neighbor, post, mod):
    Post.objects.filter(pk=post.pk).update(author_left=True)  # closed, posts kept
    post.refresh_from_db()
    _approved(neighbor, post, mod)
    assert not Notification.objects.filter(kind=COMMENT).exists()


def test_a_rejected_comment_tells_the_post_author_nothing(author, neighbor, post, mod):
    comment = _comment(neighbor, post)
    moderation.reject_comment(moderator=mod, comment=comment, reason="Rude.", rule="off_topic")
    assert not Notification.objects.filter(kind=COMMENT).exists()


def test_a_comment_removed_after_approval_leaves_the_inbox(author, neighbor, post, mod):
    comment = _approved(neighbor, post, mod)
    assert len(_told(author)) == 1

    transitions.delete_comment(comment.pk)
    assert not _told(author)
    assert inbox.unread_count(author, COMMENT) == 0


def test_a_deleted_post_takes_its_comment_notices_along(author, neighbor, post, mod):
    _approved(neighbor, post, mod)
    community.delete_post(author=author, post=post)
    assert not _told(author)


def test_choosing_email_sends_the_comment_text(author, neighbor, post, mod, emailed):
    [mail] = emailed(lambda: _approved(neighbor, post, mod))

    assert mail.to == [author.email]
    assert mail.subject == f"[Commonwatch] Neighbor #2 commented on your post “{TITLE}”"
    assert TEXT in mail.body and neighbor.email not in mail.body
    assert f"{post.exact_lat:.4f}" not in mail.body


def test_one_tap_in_the_email_mutes_the_comments_on_that_post_and_no_other(
    client, author, neighbor, post, mod, emailed
):
    other = published(author, mod, title="Keys found")
    [mail] = emailed(lambda: _approved(neighbor, post, mod))
    mute = re.search(r"Mute this thread: https?://[^/]+(\S+)", mail.body).group(1)
    assert client.post(mute).status_code == 200

    def two_more():
        _approved(neighbor, post, mod, body="Still there at noon, by the blue door of number 12.")
        _approved(neighbor, other, mod, body="Are these yours? A ring of three brass keys.")

    assert [m.subject for m in emailed(two_more)] == [
        "[Commonwatch] Neighbor #2 commented on your post “Keys found”"
    ]
    told = Comment.objects.filter(pk__in=[n.subject_id for n in _told(author)])
    assert [c.post_id for c in told] == [other.pk]  # the muted post's first one left too


def test_the_post_page_mutes_its_comments_for_its_author_and_settings_list_them(
    client, author, post
):
    sign_in(client, author)
    url = reverse("community:post", args=[post.pk])
    page = client.get(url).content.decode()
    assert "Mute alerts about this post" not in page  # the author gets no alerts of it
    action = _action_before(page, "Mute comments on this post")
    client.post(action)

    assert inbox.is_muted(author, COMMENT, post.pk)
    assert "You muted comments on this post." in client.get(url).content.decode()
    settings_page = client.get("/notifications/settings/").content.decode()
    assert f"Comments on your post “{TITLE}”" in settings_page


def test_the_inbox_mute_button_mutes_the_whole_post_of_a_comment(
    client, author, neighbor, post, mod
):
    _approved(neighbor, post, mod)
    sign_in(client, author)
    page = client.get("/notifications/").content.decode()
    action = _action_before(page, ">Mute<")
    client.post(action)

    assert inbox.is_muted(author, COMMENT, post.pk)
    _approved(neighbor, post, mod, body="One more thing: the cat has a white patch on its ear.")
    assert not _told(author)


def test_a_long_comment_is_trimmed_in_the_email(author, neighbor, post, mod, emailed):
    [mail] = emailed(lambda: _approved(neighbor, post, mod, body="word " * 190))
    assert "word " * 50 in mail.body and "word " * 100 not in mail.body


def test_by_default_nothing_is_emailed(
    author, neighbor, post, mod, mailoutbox, django_capture_on_commit_callbacks
):
    assert inbox.delivery_of(author, COMMENT) == Delivery.PUSH
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _approved(neighbor, post, mod)
    assert not mailoutbox  # no device turned on for push, and e-mail never comes unasked
    assert len(_told(author)) == 1


def test_an_approval_that_rolls_back_tells_nobody(
    author, neighbor, post, mod, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    notifications.choose(user=author, kind=COMMENT, delivery=Delivery.EMAIL)
    comment = _comment(neighbor, post)
    mailoutbox.clear()

    def fails(key):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(queue, "release", fails)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        moderation.approve_comment(moderator=mod, comment=comment)

    assert not Notification.objects.filter(kind=COMMENT).exists()
    assert not OutboxMessage.objects.filter(kind=notifications.FAN_OUT, payload__code=COMMENT)
    assert not mailoutbox


def test_the_settings_page_offers_push_email_and_off(client, author):
    sign_in(client, author)
    choices = client.get("/notifications/settings/").content.decode()
    assert "Comments on your posts" in choices
    offered = re.findall(rf'name="{COMMENT.replace(".", "[.]")}[^"]*" value="(\w+)"', choices)
    assert sorted(offered) == ["email", "off", "push"]


def test_the_inbox_offers_no_mute_for_a_decision_which_is_told_once(
    client, author, neighbor, post, mod
):
    _approved(neighbor, post, mod)
    sign_in(client, author)
    page = client.get("/notifications/").content.decode()
    decision = page.split("was approved and is published")[1].split("</li>")[0]
    comment = page.split("commented on your post")[1].split("</li>")[0]

    assert ">Mute<" in comment
    assert ">Mute<" not in decision


@pytest.mark.django_db(transaction=True)
def test_mutes_kept_by_comment_become_mutes_of_their_post(author, neighbor, mod, migrate_to):
    """Before comments on a post were one thread, the inbox's Mute kept a comment's id."""
    lost, keys = published(author, mod, title=TITLE), published(author, mod, title="Keys")
    on_lost = [_approved(neighbor, lost, mod, body=f"Seen near number {n}.") for n in (3, 5)]
    on_keys = _approved(neighbor, keys, mod, body="Are these yours? Three brass keys.")
    migrate_to([("community", "0018_posting_when_descriptions_revisions")])
    for subject in [c.pk for c in (*on_lost, on_keys)] + [10**9]:  # the last one is gone
        MutedThread.objects.create(user=author, kind=COMMENT, subject_id=subject)

    migrate_to([("community", "0019_comment_mutes_name_their_post")])

    kept = MutedThread.objects.filter(user=author, kind=COMMENT)
    assert sorted(kept.values_list("subject_id", flat=True)) == sorted([lost.pk, keys.pk])
