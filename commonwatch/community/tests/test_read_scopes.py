"""Which posts and comments each person may read at all, before their circle narrows it:
the scopes every community selector reads through (core.policies.restrict)."""

from __future__ import annotations

import pytest

from commonwatch.accounts.tests.factories import operator
from commonwatch.community import services
from commonwatch.community.models import Comment, Post, Status
from commonwatch.community.policies import READ, REVIEW, WRITE
from commonwatch.community.tests.factories import CENTER, moderator, published, resident_at, submit
from commonwatch.core.policies import restrict
from commonwatch.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def street():
    author = resident_at(*CENTER)
    neighbor = resident_at(CENTER[0] + 0.001, CENTER[1])
    public = published(author, title="Public")
    waiting = submit(author, title="Waiting")
    gone = published(author, title="Gone")
    services.delete_post(author=author, post=gone)
    return author, neighbor, public, waiting


def _titles(queryset) -> set[str]:
    return set(queryset.values_list("title", flat=True))


def test_residents_read_published_posts_and_write_only_their_own(street):
    author, neighbor, _public, _waiting = street
    assert _titles(restrict(Post.objects.all(), neighbor, READ)) == {"Public"}
    assert _titles(restrict(Post.objects.all(), neighbor, WRITE)) == set()
    assert _titles(restrict(Post.objects.all(), author, WRITE)) == {"Public", "Waiting"}


def test_moderators_review_every_post_but_the_deleted(street):
    assert _titles(restrict(Post.objects.all(), moderator(), REVIEW)) == {"Public", "Waiting"}


def test_residents_do_not_review_and_operators_read_nothing(street):
    author, *_ = street
    assert not restrict(Post.objects.all(), author, REVIEW).exists()
    assert not restrict(Post.objects.all(), operator(), READ).exists()


def test_a_waiting_comment_is_read_by_its_author_only(street):
    author, neighbor, public, _waiting = street
    services.add_comment(author=neighbor, post=public, body="Saw it too, around 9pm.")
    assert restrict(Comment.objects.all(), neighbor, READ).count() == 1
    assert not restrict(Comment.objects.all(), author, READ).exists()


def test_a_scope_refuses_what_it_does_not_know():
    with pytest.raises(TypeError):
        restrict(Notification.objects.all(), resident_at(*CENTER), READ)


def test_a_deleted_post_is_not_found_even_by_its_author(client, street):
    author, *_ = street
    gone = Post.objects.get(status=Status.DELETED)
    client.force_login(author)
    assert client.get(f"/feed/posts/{gone.pk}/").status_code == 404
