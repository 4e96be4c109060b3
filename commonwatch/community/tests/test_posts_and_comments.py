"""Posting, editing, deleting and commenting, as residents experience it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from commonwatch.accounts.tests.factories import operator
from commonwatch.community import selectors, services
from commonwatch.community.models import Post, Status
from commonwatch.community.tests.factories import (
    CENTER,
    moderator,
    published,
    resident_at,
    submit,
)
from commonwatch.core.errors import NotAllowed
from commonwatch.moderation import services as moderation

pytestmark = pytest.mark.django_db


def test_a_new_post_waits_for_moderation(author):
    post = submit(author)
    assert post.status == Status.PENDING
    assert post.published_at is None


def test_a_post_describing_a_person_by_race_alone_is_not_saved_unasked(author):
    with pytest.raises(ValidationError) as exc:
        submit(author, category="suspicious", body="A black man walked past twice.")
    assert "clothing" in str(exc.value)
    assert Post.objects.count() == 0


def test_an_operator_cannot_post():
    with pytest.raises(NotAllowed):
        submit(operator())


def test_an_officer_posts_as_a_resident_of_their_street(cast):
    officer = cast["officer_a"]
    officer.sign_in_strength = frozenset()  # a resident's session: no second factor

    assert submit(officer).status == Status.PENDING


def test_post_page_asks_about_a_profiling_post_and_keeps_the_form(client, author):
    client.force_login(author)
    response = client.post(
        "/feed/new/",
        {
            "category": "suspicious",
            "title": "Suspicious",
            "body": "Hispanic guy on our street",
            "lat": CENTER[0],
            "lng": CENTER[1],
        },
    )
    assert response.status_code == 400
    assert b"without details that would tell them apart" in response.content
    assert b"Hispanic guy on our street" in response.content
    assert Post.objects.count() == 0


def test_post_page_creates_a_pending_post(client, author):
    client.force_login(author)
    response = client.post(
        "/feed/new/",
        {
            "category": "lost_pet",
            "title": "Lost cat",
            "body": "Grey cat, answers to Miso.",
            "lat": CENTER[0],
            "lng": CENTER[1],
        },
    )
    post = Post.objects.get()
    assert response.status_code == 302
    assert post.status == Status.PENDING
    assert client.get(response["Location"]).status_code == 200


def test_commenters_are_numbered_per_thread_and_never_named(author, neighbor):
    third = resident_at(CENTER[0], CENTER[1] + 0.002)
    mod = moderator()
    first_post = published(author, mod)
    second_post = published(third, mod, title="Another")
    services.add_comment(author=neighbor, post=first_post, body="I saw it too.")
    services.add_comment(author=third, post=first_post, body="Same here.")
    services.add_comment(author=neighbor, post=first_post, body="Still dark tonight.")
    services.add_comment(author=neighbor, post=second_post, body="Thanks for the heads-up.")
    for comment in first_post.comments.all():
        with transaction.atomic():
            moderation.approve_comment(moderator=mod, comment=comment)
    seen_by_author = selectors.comments_for(author, first_post)
    assert [c["author"] for c in seen_by_author] == ["Neighbor #2", "Neighbor #3", "Neighbor #2"]
    assert [c["author"] for c in selectors.comments_for(neighbor, first_post)][0] == "You"
    assert neighbor.email not in str(seen_by_author)


def test_a_pending_comment_is_shown_only_to_its_author(author, neighbor):
    post = published(author)
    services.add_comment(author=neighbor, post=post, body="Waiting for a moderator.")
    assert selectors.comments_for(author, post) == []
    assert selectors.comments_for(neighbor, post)[0]["status"] == Status.PENDING


def test_a_rewrite_waits_for_moderation_while_neighbors_keep_the_published_post(author, neighbor):
    post = published(author)
    post = services.edit_post(
        author=author, post=post, title="Fixed", body="It works again.", category="community"
    )
    assert post.status == Status.PUBLISHED
    assert [card["title"] for card in selectors.feed_for(neighbor).posts] == ["Streetlight out"]


def test_only_the_author_can_edit_or_delete(client, author, neighbor):
    post = published(author)
    client.force_login(neighbor)
    assert client.post(f"/feed/posts/{post.pk}/delete/").status_code == 404
    assert client.get(f"/feed/posts/{post.pk}/edit/").status_code == 404
    assert client.delete(f"/api/v1/posts/{post.pk}").status_code == 404
    post.refresh_from_db()
    assert post.status == Status.PUBLISHED


def test_a_deleted_post_disappears_everywhere(client, author, neighbor):
    post = published(author, title="Soon gone")
    client.force_login(author)
    assert client.delete(f"/api/v1/posts/{post.pk}").status_code == 204
    client.force_login(neighbor)
    assert b"Soon gone" not in client.get("/feed/").content
    assert client.get("/api/v1/feed").json()["posts"] == []
    assert client.get("/api/v1/map").json()["points"] == []
    assert client.get(f"/feed/posts/{post.pk}/").status_code == 404


def test_api_creates_a_post_with_field_level_errors(client, author):
    client.force_login(author)
    bad = client.post(
        "/api/v1/posts",
        {"category": "crime", "title": "x", "body": "", "lat": CENTER[0], "lng": CENTER[1]},
    )
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"][-1] == "body"
    good = client.post(
        "/api/v1/posts",
        {
            "category": "crime",
            "title": "Bike stolen",
            "body": "Blue bike taken from the rack.",
            "lat": CENTER[0],
            "lng": CENTER[1],
        },
    )
    assert good.status_code == 201
    assert good.json()["status"] == "pending"


def test_comment_and_flag_pages_tell_the_resident_what_happened(client, author, neighbor):
    post = published(author)
    client.force_login(neighbor)
    url = f"/feed/posts/{post.pk}/"
    page = client.post(f"{url}comments/", {"body": "Saw it too."}, follow=True)
    assert b"once a moderator approves it" in page.content
    page = client.post(f"{url}comments/", {"body": "Call 303-555-0199"}, follow=True)
    assert b"Remove the phone number" in page.content
    flag = f"/moderation/posts/{post.pk}/flags/"
    assert b"Flag this post" in client.get(url).content  # moderation's panel on the page
    assert client.post(flag, {"reason": "false"}, follow=True).status_code == 200
    again = client.post(flag, {"reason": "false"}, follow=True)
    assert b"already flagged" in again.content


def test_a_comment_sent_leads_back_to_it_not_to_the_top_of_the_page(client, author, neighbor):
    post = published(author)
    client.force_login(neighbor)
    sent = client.post(f"/feed/posts/{post.pk}/comments/", {"body": "Saw it too."})
    comment = post.comments.get()
    assert sent.status_code == 302
    assert sent["Location"] == f"/feed/posts/{post.pk}/#comment-{comment.pk}"
    page = client.get(sent["Location"]).content.decode()
    assert f'<div class="comment" id="comment-{comment.pk}">' in page


def test_a_post_neighbors_do_not_see_shows_no_empty_comments(client, author, neighbor):
    mod = moderator()
    rejected = moderation.reject_post(
        moderator=mod, post=submit(author), reason="Not what happened.", rule="false"
    )
    waiting = submit(author)
    client.force_login(author)

    for post in (rejected, waiting):
        page = client.get(f"/feed/posts/{post.pk}/").content.decode()
        assert 'id="comments"' not in page, post.status
        assert "No comments yet." not in page
        assert f'action="/feed/posts/{post.pk}/comments/"' not in page

    # Published, the thread is open: empty, it says so and offers the form.
    open_post = published(author, mod)
    page = client.get(f"/feed/posts/{open_post.pk}/").content.decode()
    assert "No comments yet." in page and f'action="/feed/posts/{open_post.pk}/comments/"' in page

    # Taken back into review, the comments it had stay readable, closed to new ones.
    comment = services.add_comment(author=neighbor, post=open_post, body="Saw it too.")
    moderation.approve_comment(moderator=mod, comment=comment)
    moderation.requeue_post(moderator=mod, post=open_post, reason="Checking the place.")
    page = client.get(f"/feed/posts/{open_post.pk}/").content.decode()
    assert "Saw it too." in page
    assert "Comments are closed while neighbors do not see this post." in page
    assert f'action="/feed/posts/{open_post.pk}/comments/"' not in page
