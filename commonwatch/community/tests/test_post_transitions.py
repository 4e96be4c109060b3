"""Post and comment states change in one place, under a row lock, from the state found.

Each test is a way the state used to go wrong: a double click, a second moderator,
an author editing meanwhile, files gone before the commit, counts inflated.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import close_old_connections, transaction

from commonwatch.community import selectors, services, transitions
from commonwatch.community.models import Comment, Post, Status, ThreadAlias
from commonwatch.community.tests.factories import CENTER, moderator, published, resident_at, submit
from commonwatch.core.errors import Conflict, NotFound
from commonwatch.geo.models import CellTally
from commonwatch.media.storage import media_storage
from commonwatch.media.tests.factories import jpeg_with_gps, upload
from commonwatch.moderation import services as moderation
from commonwatch.moderation.models import Action, AppealStatus, Decision
from commonwatch.moderation.tests.factories import established_neighbor

pytestmark = pytest.mark.django_db


def reject(post, mod):
    return moderation.reject_post(moderator=mod, post=post, reason="Not so.", rule="false")


def test_a_rejected_post_cannot_be_requeued_so_its_appeal_stays_grantable():
    author, mod = resident_at(*CENTER), moderator()
    post = reject(submit(author), mod)
    appeal = moderation.appeal(author=author, post=post, statement="It did happen.")

    with pytest.raises(Conflict, match="Only a published post"):
        moderation.requeue_post(moderator=mod, post=post, reason="Second look.")

    moderation.decide_appeal(
        moderator=moderator(), appeal=appeal, grant=True, answer="Right, restored."
    )
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.GRANTED
    assert Post.objects.get(pk=post.pk).status == Status.PUBLISHED


def test_an_edit_keeps_the_comment_count_it_did_not_touch():
    author, neighbor, mod = resident_at(*CENTER), resident_at(*CENTER), moderator()
    post = published(author, mod)
    stale_copy = Post.objects.get(pk=post.pk)
    comment = services.add_comment(author=neighbor, post=post, body="Saw it too.")
    moderation.approve_comment(moderator=mod, comment=comment)

    services.edit_post(
        author=author, post=stale_copy, title="Streetlight out!", body=post.body, category="safety"
    )

    edited = Post.objects.get(pk=post.pk)
    assert (edited.title, edited.comment_count, edited.status) == (
        "Streetlight out!",
        1,
        Status.PUBLISHED,
    )


def test_a_comment_sent_twice_is_kept_once():
    author, neighbor = resident_at(*CENTER), resident_at(*CENTER)
    post = published(author)

    first = services.add_comment(author=neighbor, post=post, body="Same text, two clicks.")
    second = services.add_comment(author=neighbor, post=post, body="Same text, two clicks.")

    assert first.pk == second.pk
    assert Comment.objects.filter(post=post).count() == 1


def test_comments_are_open_only_on_published_posts():
    author, neighbor = resident_at(*CENTER), resident_at(*CENTER)
    post = submit(author)

    with pytest.raises(Conflict):
        services.add_comment(author=neighbor, post=post, body="Too early.")


def test_approving_a_post_again_after_a_second_look_counts_it_once_in_its_cell():
    author, mod = resident_at(*CENTER), moderator()
    post = published(author, mod)
    moderation.requeue_post(moderator=mod, post=post, reason="Checking a report.")
    moderation.approve_post(moderator=mod, post=post)

    counts = dict(CellTally.objects.filter(cell=post.cell).values_list("layer", "count"))
    assert counts == {"post": 1, f"post:{post.category}": 1}


def test_a_deleted_post_keeps_neither_its_text_nor_its_exact_point():
    author = resident_at(*CENTER)
    post = published(author, title="Where I live", lat=CENTER[0] + 0.0004)

    services.delete_post(author=author, post=post)

    gone = Post.objects.get(pk=post.pk)
    assert (gone.status, gone.title, gone.body) == (Status.DELETED, "", "")
    assert (gone.exact_lat, gone.exact_lng) == (None, None)
    assert (gone.lat, gone.lng) == (post.lat, post.lng)  # the public point it always showed


@pytest.mark.django_db(transaction=True)
def test_a_deleted_posts_files_go_only_once_the_delete_is_committed(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    author = resident_at(*CENTER)
    post = submit(author, uploads=[upload("a.jpg", jpeg_with_gps())])
    name = post.media.get().media_file.name

    with pytest.raises(RuntimeError), transaction.atomic():
        services.delete_post(author=author, post=post)
        raise RuntimeError("the request failed after the delete")
    assert media_storage().exists(name), "a rolled-back delete must keep the file"
    assert Post.objects.get(pk=post.pk).status == Status.PENDING

    services.delete_post(author=author, post=post)
    assert not media_storage().exists(name)


def test_a_second_decision_on_a_post_is_a_conflict_not_a_second_penalty():
    author, mod, other = resident_at(*CENTER), moderator(), moderator()
    post = submit(author)
    reject(post, mod)

    with pytest.raises(Conflict):
        reject(post, other)
    with pytest.raises(Conflict):
        moderation.approve_post(moderator=other, post=post)
    assert Decision.objects.filter(post=post).count() == 1


@pytest.mark.django_db(transaction=True)
def test_established_neighbors_flagging_at_once_hide_the_post_exactly_once():
    author, mod = resident_at(*CENTER), moderator()
    post = published(author, mod)
    flaggers = [established_neighbor(mod) for _ in range(6)]
    start, outcomes = threading.Barrier(len(flaggers)), []

    def flag(user):
        start.wait()
        try:
            moderation.flag_post(user=user, post=post, reason="false")
            outcomes.append("flagged")
        except Conflict:
            outcomes.append("already with the moderators")
        finally:
            close_old_connections()

    threads = [threading.Thread(target=flag, args=(user,)) for user in flaggers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert outcomes.count("flagged") == 3
    assert Post.objects.get(pk=post.pk).status == Status.PENDING
    assert Decision.objects.filter(post=post, action=Action.REQUEUE).count() == 1


def test_comment_numbers_have_no_gaps_that_betray_hidden_comments():
    author, mod = resident_at(*CENTER), moderator()
    turned_down, waiting, shown = (resident_at(*CENTER) for _ in range(3))
    post = published(author, mod)
    rejected = services.add_comment(author=turned_down, post=post, body="Rude words.")
    moderation.reject_comment(moderator=mod, comment=rejected, reason="Rude.", rule="harassment")
    services.add_comment(author=waiting, post=post, body="Still waiting.")
    visible = services.add_comment(author=shown, post=post, body="Saw it too.")
    moderation.approve_comment(moderator=mod, comment=visible)

    reader = resident_at(*CENTER)
    assert [c["author"] for c in selectors.comments_for(reader, post)] == ["Neighbor #2"]
    assert set(ThreadAlias.objects.filter(post=post).values_list("number", flat=True)) == {1, 2}


def test_a_stale_state_is_refused_even_when_the_caller_remembers_another():
    author, mod = resident_at(*CENTER), moderator()
    post = submit(author)
    remembered = Post.objects.get(pk=post.pk)
    services.delete_post(author=author, post=post)

    with pytest.raises(NotFound):
        transitions.publish_post(remembered.pk)
    with pytest.raises(NotFound):
        moderation.approve_post(moderator=mod, post=remembered)


@pytest.mark.django_db(transaction=True)
def test_an_edit_and_a_granted_appeal_at_once_wait_for_each_other_instead_of_deadlocking(
    monkeypatch,
):
    """Both lock the post before its appeal. The moderator's grant, arriving while the
    author's edit holds the post, waits, then finds the appeal withdrawn: a conflict."""
    author, mod, second = resident_at(*CENTER), moderator(), moderator()
    post = reject(submit(author), mod)
    appeal = moderation.appeal(author=author, post=post, statement="It did happen.")
    post_held, outcomes = threading.Event(), {}
    resubmit = transitions.resubmit_post

    def resubmit_and_hold(*args, **kwargs):
        edited = resubmit(*args, **kwargs)
        post_held.set()
        time.sleep(0.5)  # the grant starts now, while the edit holds the post
        return edited

    monkeypatch.setattr(transitions, "resubmit_post", resubmit_and_hold)

    def run(name, action):
        try:
            action()
            outcomes[name] = "done"
        except Conflict:
            outcomes[name] = "conflict"
        except Exception as exc:  # a deadlock would land here
            outcomes[name] = repr(exc)
        finally:
            close_old_connections()

    def grant():
        post_held.wait(10)
        moderation.decide_appeal(moderator=second, appeal=appeal, grant=True, answer="Restored.")

    def edit():
        services.edit_post(
            author=author, post=post, title="Fixed", body="Works.", category="safety"
        )

    threads = [
        threading.Thread(target=run, args=("edit", edit)),
        threading.Thread(target=run, args=("grant", grant)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert outcomes == {"edit": "done", "grant": "conflict"}
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.WITHDRAWN
    assert Post.objects.get(pk=post.pk).status == Status.PENDING


def test_a_comment_sent_again_after_its_rejection_is_a_new_comment(client):
    """The repeat guard merges only what still waits or shows; the API answers the new one."""
    author, neighbor, mod = resident_at(*CENTER), resident_at(*CENTER), moderator()
    post = published(author, mod)
    client.force_login(neighbor)
    url = f"/api/v1/posts/{post.pk}/comments"
    first = client.post(url, {"body": "Saw it too, be careful"}, content_type="application/json")
    rejected = Comment.objects.get(pk=first.json()["id"])
    moderation.reject_comment(moderator=mod, comment=rejected, reason="Rude.", rule="harassment")

    again = client.post(url, {"body": "Saw it too, be careful"}, content_type="application/json")

    assert again.status_code == 201
    assert again.json()["id"] != rejected.pk
    assert (again.json()["author"], again.json()["status"]) == ("You", "pending")


def test_deleting_a_post_closes_the_appeals_of_its_comments():
    author, commenter, mod = resident_at(*CENTER), resident_at(*CENTER), moderator()
    post = published(author, mod)
    comment = services.add_comment(author=commenter, post=post, body="Rude words.")
    moderation.reject_comment(moderator=mod, comment=comment, reason="Rude.", rule="harassment")
    appeal = moderation.appeal(author=commenter, comment=comment, statement="Not rude.")

    services.delete_post(author=author, post=post)

    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.WITHDRAWN
    with pytest.raises(Conflict):
        moderation.decide_appeal(
            moderator=moderator(), appeal=appeal, grant=True, answer="Restored."
        )
