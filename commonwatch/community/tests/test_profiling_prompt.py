"""A description by race alone asks its author for details, on the page and the API.

The author keeps their text, adds clothing, a vehicle or what the person did and sends
again; or sends it as written, and it waits for a moderator marked with the check.
"""

from __future__ import annotations

import pytest

from commonwatch.accounts.tests.factories import sign_in
from commonwatch.community.models import Comment, Post, RevisionStatus, Status
from commonwatch.community.tests.factories import CENTER, moderator, published
from commonwatch.media.tests.factories import jpeg_with_gps, upload
from commonwatch.moderation.models import CheckStop

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


# --- Photo descriptions: read with the post, asked about beside their own field ---------

PHOTO_RACE_ALONE = "A black man by the cars"
NO_PERSON = "Cars on Elm were looked over last night."


def _photo_post_form(description: str, body: str = NO_PERSON, **extra) -> dict:
    form = {"category": "suspicious", "title": "On our street", "body": body}
    form |= {"lat": CENTER[0], "lng": CENTER[1], "media": [upload("a.jpg", jpeg_with_gps())]}
    return form | {"descriptions": [description]} | extra


def _stops(rule: str) -> int:
    return sum(CheckStop.objects.filter(rule=rule).values_list("count", flat=True))


def test_the_api_asks_about_a_photo_description_as_it_asks_about_the_text(client, author):
    client.force_login(author)

    in_the_body = client.post("/api/v1/posts", _photo_post_form("", body=PHOTO_RACE_ALONE))
    in_a_photo = client.post("/api/v1/posts", _photo_post_form(PHOTO_RACE_ALONE))

    for asked, field in ((in_the_body, "body"), (in_a_photo, "descriptions")):
        assert asked.status_code == 422
        (error,) = asked.json()["detail"]
        assert error["type"] == "needs_specific_details"
        assert error["loc"] == ["form", field] and PROMPT in error["msg"]
    assert not Post.objects.exists()
    assert _stops("profiling") == 2  # each counted in the public log


def test_a_photo_description_sent_as_written_waits_marked_for_the_moderator(client, author):
    client.force_login(author)

    sent = client.post("/api/v1/posts", _photo_post_form(PHOTO_RACE_ALONE, as_written="true"))

    assert sent.status_code == 201 and sent.json()["status"] == "pending"
    post = Post.objects.get()
    assert post.held_by_check == "profiling"
    assert post.media.get().description == PHOTO_RACE_ALONE


def test_details_anywhere_in_the_post_count_for_its_photo_descriptions(client, author):
    client.force_login(author)
    body = "A man in a red hoodie tried the car door handles on Elm, then ran toward the park."

    sent = client.post("/api/v1/posts", _photo_post_form(PHOTO_RACE_ALONE, body=body))

    assert sent.status_code == 201
    assert Post.objects.get().held_by_check == ""


def test_a_photo_description_with_contact_details_is_refused_and_counted(client, author):
    client.force_login(author)

    refused = client.post("/api/v1/posts", _photo_post_form("Call me at 3 0 3 5 5 5 0 1 9 9"))

    assert refused.status_code == 422
    (error,) = refused.json()["detail"]
    assert error["loc"] == ["form", "descriptions"] and "phone number" in error["msg"]
    assert _stops("private_info") == 1
    assert not Post.objects.exists()


def test_the_post_form_asks_beside_the_photo_description_it_reads(client, author):
    client.force_login(author)
    form = _photo_post_form("", description_0=PHOTO_RACE_ALONE)
    del form["descriptions"]

    asked = client.post("/feed/new/", form)

    page = asked.content.decode()
    assert asked.status_code == 400 and not Post.objects.exists()
    assert (
        page.index('name="description_0"') < page.index(PROMPT) < page.index('name="description_1"')
    )
    assert page.count(AS_WRITTEN) == 1
    sent = client.post(
        "/feed/new/", form | {"as_written": "on", "media": [upload("a.jpg", jpeg_with_gps())]}
    )
    assert sent.status_code == 302
    assert Post.objects.get().held_by_check == "profiling"


def _published_photo_post(author, description: str = "A man by the cars", **fields):
    post = published(
        author, uploads=[upload("a.jpg", jpeg_with_gps())], descriptions=[description], **fields
    )
    return post, post.media.get().media_file_id


def test_an_edit_of_a_photo_description_is_asked_about_on_the_api(client, author, neighbor):
    post, media_id = _published_photo_post(author)
    client.force_login(author)
    edit = {"category": post.category, "title": post.title, "body": post.body}
    edit["descriptions"] = [{"id": media_id, "description": PHOTO_RACE_ALONE}]

    asked = client.put(f"/api/v1/posts/{post.pk}", edit, content_type="application/json")
    kept = client.put(
        f"/api/v1/posts/{post.pk}", edit | {"as_written": True}, content_type="application/json"
    )

    assert asked.status_code == 422
    (error,) = asked.json()["detail"]
    assert (error["type"], error["loc"]) == ("needs_specific_details", ["body", "descriptions"])
    assert kept.status_code == 200 and kept.json()["pending_edit"]["status"] == "pending"
    client.force_login(neighbor)
    page = client.get(f"/feed/posts/{post.pk}/").content.decode()
    assert 'alt="A man by the cars"' in page and PHOTO_RACE_ALONE not in page


def test_the_edit_form_asks_beside_the_photo_description(client, author):
    post, media_id = _published_photo_post(author)
    client.force_login(author)
    form = {"category": post.category, "title": post.title, "body": post.body}
    field = f"description_{media_id}"

    asked = client.post(f"/feed/posts/{post.pk}/edit/", form | {field: PHOTO_RACE_ALONE})
    refused = client.post(
        f"/feed/posts/{post.pk}/edit/", form | {field: "Mail bob at example dot com"}
    )

    page = asked.content.decode()
    assert asked.status_code == 400
    assert page.index(f'name="{field}"') < page.index(PROMPT)
    assert page.index(f'name="{field}"') < page.index(AS_WRITTEN) and page.count(AS_WRITTEN) == 1
    said = refused.content.decode()
    assert said.index(f'name="{field}"') < said.index("Remove the e-mail address")
    assert Post.objects.get(pk=post.pk).media.get().description == "A man by the cars"
    assert not post.revisions.exists()


# --- A description split across a post's fields is read as one ---------------------------


def _api_post(client, title: str, body: str, **extra):
    form = {"category": "suspicious", "title": title, "body": body}
    return client.post("/api/v1/posts", form | {"lat": CENTER[0], "lng": CENTER[1]} | extra)


def test_race_in_the_title_and_the_rest_in_the_text_asks_for_details(client, author):
    client.force_login(author)

    asked = _api_post(client, "Black man", "walking around looking at houses")
    split = _api_post(client, "Suspicious bl ack", "guy walking around looking at houses")

    for response in (asked, split):
        assert response.status_code == 422
        (error,) = response.json()["detail"]
        assert error["type"] == "needs_specific_details" and error["loc"] == ["form", "body"]
    assert not Post.objects.exists()
    assert _stops("profiling") == 2


def test_race_in_a_photo_description_and_the_rest_in_the_text_asks_beside_the_photo(client, author):
    client.force_login(author)

    asked = client.post(
        "/api/v1/posts", _photo_post_form("Black man", body="Walking around looking at houses.")
    )

    assert asked.status_code == 422
    (error,) = asked.json()["detail"]
    assert (error["type"], error["loc"]) == ("needs_specific_details", ["form", "descriptions"])


@pytest.mark.parametrize(
    ("title", "body"),
    [
        ("Black cat", "walking around looking at houses, very friendly"),
        ("Black SUV", "guy walking around looking at houses"),
        ("Black man", "in a red hoodie tried the car door handles, then ran toward Oak"),
    ],
)
def test_a_title_about_a_thing_or_with_details_in_the_text_passes(client, author, title, body):
    client.force_login(author)

    sent = _api_post(client, title, body)

    assert sent.status_code == 201
    assert Post.objects.get().held_by_check == ""


def test_a_split_word_sent_as_written_is_kept_as_typed(client, author):
    client.force_login(author)

    sent = _api_post(client, "Bl ack man", "walking around on Elm", as_written="true")

    assert sent.status_code == 201
    post = Post.objects.get()
    assert (post.title, post.held_by_check) == ("Bl ack man", "profiling")
