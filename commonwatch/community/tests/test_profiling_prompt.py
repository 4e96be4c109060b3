"""A description by race alone asks its author for details, on the page and the API.

The author keeps their text, adds clothing, a vehicle or what the person did and sends
again; or sends it as written, and it waits for a moderator marked with the check.
"""

from __future__ import annotations

import pytest

from commonwatch.accounts.tests.factories import sign_in
from commonwatch.community.models import Comment, Post, RevisionStatus, Status
from commonwatch.community.tests.factories import CENTER, moderator, published

pytestmark = pytest.mark.django_db

RACE_ALONE = "A black guy walking around looking at houses on Elm."
DETAILED = (
    "A black guy in a red hoodie and white sneakers tried the door handles on Elm, "
    "then walked toward the park."
)
PROMPT = "without details that would tell them apart"
AS_WRITTEN = "send it as written, for a moderator to read"


def _new_post(client, body: str, **extra):
    form = {"category": "suspicious", "title": "On our street", "body": body}
    return client.post("/feed/new/", form | {"lat": CENTER[0], "lng": CENTER[1]} | extra)


def test_the_post_form_asks_for_details_and_keeps_the_text(client, author):
    client.force_login(author)
    response = _new_post(client, RACE_ALONE)

    page = response.content.decode()
    assert response.status_code == 400
    assert PROMPT in page and "clothing" in page and "“black”" in page
    assert RACE_ALONE in page
    assert AS_WRITTEN in page
    assert page.index('name="body"') < page.index(PROMPT), "the question is under the text"
    assert not Post.objects.exists()


def test_added_details_send_the_post_unmarked(client, author):
    client.force_login(author)
    _new_post(client, RACE_ALONE)
    response = _new_post(client, DETAILED)

    post = Post.objects.get()
    assert response.status_code == 302
    assert (post.body, post.status, post.held_by_check) == (DETAILED, Status.PENDING, "")


def test_sent_as_written_it_waits_for_a_moderator_who_is_told_why(client, author):
    client.force_login(author)
    response = _new_post(client, RACE_ALONE, as_written="on")

    post = Post.objects.get()
    assert response.status_code == 302
    assert (post.status, post.held_by_check) == (Status.PENDING, "profiling")
    assert post.published_at is None
    sign_in(client, moderator())
    queue = client.get("/moderation/").content.decode()
    assert "The anti-profiling check asked the author for specific details" in queue


def test_a_post_without_any_person_is_never_asked(client, author):
    client.force_login(author)
    _new_post(client, "Our black lab slipped her leash near the creek.")
    assert Post.objects.get().held_by_check == ""


def test_the_edit_form_asks_too(client, author):
    post = published(author)
    client.force_login(author)
    form = {"category": "suspicious", "title": post.title, "body": RACE_ALONE}

    asked = client.post(f"/feed/posts/{post.pk}/edit/", form)
    sent = client.post(f"/feed/posts/{post.pk}/edit/", form | {"as_written": "on"})

    assert PROMPT in asked.content.decode() and RACE_ALONE in asked.content.decode()
    assert sent.status_code == 302
    post.refresh_from_db()
    # A published post stays up as it was; the edit sent as written waits for a moderator.
    assert post.status == Status.PUBLISHED and post.body != RACE_ALONE
    waiting = post.revisions.get(status=RevisionStatus.PENDING)
    assert waiting.body == RACE_ALONE and any("anti-profiling" in r for r in waiting.reasons)


def test_the_comment_form_comes_back_with_the_question_and_the_text(client, author, neighbor):
    post = published(author)
    client.force_login(neighbor)
    url = f"/feed/posts/{post.pk}/comments/"

    text = "Saw two hispanic teens walking around too"
    asked = client.post(url, {"body": text})
    sent = client.post(url, {"body": text, "as_written": "on"})

    page = asked.content.decode()
    assert asked.status_code == 200
    assert PROMPT in page and text in page
    assert sent.status_code == 302
    assert Comment.objects.get().held_by_check == "profiling"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Call me at 303-555-0199", "Remove the phone number"),
        ("x" * 1001, "at most 1000 characters"),
        ("   ", "This field is required."),
    ],
)
def test_other_comment_refusals_come_back_with_the_text_kept(
    client, author, neighbor, text, reason
):
    """The reason under the box, and what the neighbor typed still in it."""
    post = published(author)
    client.force_login(neighbor)

    response = client.post(f"/feed/posts/{post.pk}/comments/", {"body": text})

    page = response.content.decode()
    assert response.status_code == 400
    assert reason in page
    assert text.strip() in page.split('name="body"', 1)[1].split("</textarea>", 1)[0]
    assert not Comment.objects.exists()
    assert not Comment.objects.exists()


def test_the_api_answers_422_with_a_code_then_accepts_as_written(client, author):
    client.force_login(author)
    form = {"category": "suspicious", "title": "On our street", "body": RACE_ALONE}
    form |= {"lat": CENTER[0], "lng": CENTER[1]}

    asked = client.post("/api/v1/posts", form)
    sent = client.post("/api/v1/posts", form | {"as_written": "true"})

    assert asked.status_code == 422
    (error,) = asked.json()["detail"]
    assert error["type"] == "needs_specific_details"
    assert error["loc"] == ["form", "body"] and PROMPT in error["msg"]
    assert sent.status_code == 201 and sent.json()["status"] == "pending"
    assert Post.objects.get().held_by_check == "profiling"


def test_the_api_asks_about_comments_and_edits(client, author, neighbor):
    post = published(author)
    client.force_login(neighbor)
    comment_url = f"/api/v1/posts/{post.pk}/comments"
    asked = client.post(comment_url, {"body": RACE_ALONE}, content_type="application/json")
    client.force_login(author)
    edit = {"category": "suspicious", "title": post.title, "body": RACE_ALONE}
    edited = client.put(f"/api/v1/posts/{post.pk}", edit, content_type="application/json")
    kept = client.put(
        f"/api/v1/posts/{post.pk}", edit | {"as_written": True}, content_type="application/json"
    )

    for response in (asked, edited):
        assert response.status_code == 422
        assert response.json()["detail"][0]["type"] == "needs_specific_details"
    assert kept.status_code == 200 and kept.json()["pending_edit"]["body"] == RACE_ALONE
    assert kept.json()["body"] != RACE_ALONE  # neighbors keep the published text meanwhile
    assert not Comment.objects.exists()


def test_other_field_errors_keep_their_generic_type(client, author):
    client.force_login(author)
    form = {"category": "safety", "title": "Hi", "body": "Call 303-555-0199"}
    response = client.post("/api/v1/posts", form | {"lat": CENTER[0], "lng": CENTER[1]})
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "value_error"
