"""Writing a post as residents expect: a category they pick, when it happened, photos
described for people who cannot see them, a delete that asks first, and typo fixes
that do not take a published post away from neighbors."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.utils import timezone

from commonwatch.accounts.tests.factories import sign_in
from commonwatch.audit.models import AuditEntry
from commonwatch.community import revisions, selectors, services
from commonwatch.community.models import Post, PostMedia, PostRevision, RevisionStatus, Status
from commonwatch.community.tests.factories import CENTER, moderator, published, submit
from commonwatch.core.errors import Conflict, NotAllowed
from commonwatch.media.tests.factories import jpeg_with_gps, upload
from commonwatch.moderation import services as moderation

pytestmark = pytest.mark.django_db

FORM = {
    "title": "Streetlight out",
    "body": "The streetlight at the corner has been dark since Monday.",
    "lat": CENTER[0],
    "lng": CENTER[1],
}


def _actions(post) -> list[str]:
    entries = AuditEntry.objects.filter(target_type="community.post", target_id=str(post.pk))
    return list(entries.order_by("sequence").values_list("action", flat=True))


# --- No category is picked for the author -------------------------------------------


def test_the_new_post_form_starts_with_no_category_picked(client, author):
    client.force_login(author)
    page = client.get("/feed/new/").content.decode()
    assert '<option value="" selected>Choose a category</option>' in page


def test_a_post_without_a_category_is_refused_with_a_clear_reason(client, author):
    client.force_login(author)
    response = client.post("/feed/new/", FORM)
    assert response.status_code == 400
    assert "Choose a category: none is picked for you." in response.content.decode()
    assert not Post.objects.exists()


def test_a_form_sent_back_says_its_photos_must_be_chosen_again(client, author):
    """A page cannot give files back: without a word, the author resent it photo-less."""
    client.force_login(author)
    photos = [upload("a.jpg", jpeg_with_gps()), upload("b.jpg", jpeg_with_gps())]
    sent = {**FORM, "media": photos, "description_0": "The dark corner", "description_1": ""}

    page = client.post("/feed/new/", sent).content.decode()

    assert "The 2 photos you chose were not kept: choose them again before sending" in page
    assert "The dark corner" in page
    assert "were not kept" not in client.post("/feed/new/", FORM).content.decode()


def test_the_api_refuses_a_post_without_a_category(client, author):
    client.force_login(author)
    response = client.post("/api/v1/posts", FORM)
    assert response.status_code == 422
    assert ["form", "category"] in [e["loc"] for e in response.json()["detail"]]
    assert not Post.objects.exists()


def test_the_service_refuses_an_empty_category(author):
    with pytest.raises(ValidationError) as refused:
        submit(author, category="")
    assert "Choose a category" in str(refused.value.message_dict["category"])


# --- When did it happen ----------------------------------------------------------------


def test_an_empty_time_means_the_moment_of_posting(author):
    before = timezone.now()
    post = submit(author)
    assert before <= post.occurred_at <= timezone.now()
    assert post.occurred_at == post.created_at


def test_the_time_the_author_gives_is_kept_and_shown(client, author, neighbor):
    when = timezone.now() - timedelta(hours=3)
    post = published(author, occurred_at=when)
    assert selectors.post_card(post, neighbor)["occurred_at"] == when
    client.force_login(neighbor)
    api = client.get(f"/api/v1/posts/{post.pk}").json()
    assert api["occurred_at"].startswith(when.strftime("%Y-%m-%dT%H:%M:%S"))
    page = client.get(f"/feed/posts/{post.pk}/").content.decode()
    assert f'datetime="{when.isoformat()}"' in page
    assert "Happened" in page


@pytest.mark.parametrize(
    ("shift", "reason"),
    [(timedelta(hours=1), "in the future"), (timedelta(days=-31), "last 30 days")],
)
def test_a_time_in_the_future_or_long_ago_is_refused(author, shift, reason):
    with pytest.raises(ValidationError) as refused:
        submit(author, occurred_at=timezone.now() + shift)
    assert reason in str(refused.value.message_dict["occurred_at"])
    assert not Post.objects.exists()


def test_a_phone_clock_a_little_ahead_is_not_the_future(author):
    post = submit(author, occurred_at=timezone.now() + timedelta(minutes=2))
    assert post.status == Status.PENDING


def test_the_form_reads_the_time_in_the_authors_zone(client, author):
    """Typed as 09:30 on a phone at UTC-5: 14:30 UTC."""
    client.force_login(author)
    local = timezone.now() - timedelta(hours=6)
    wall = local - timedelta(hours=5)
    client.post(
        "/feed/new/",
        {
            **FORM,
            "category": "safety",
            "occurred_at": wall.strftime("%Y-%m-%dT%H:%M"),
            "utc_offset": "-300",
        },
    )
    post = Post.objects.get()
    assert abs(post.occurred_at - local) < timedelta(minutes=1)


@pytest.mark.parametrize("offset", ["abc", "99999"])
def test_a_zone_the_page_could_not_tell_is_said_beside_the_time(client, author, offset):
    client.force_login(author)

    answer = client.post("/feed/new/", {**FORM, "category": "safety", "utc_offset": offset})

    page = answer.content.decode()
    said = "This page could not tell your device&#x27;s time zone: reload it, then send again."
    assert answer.status_code == 400 and not Post.objects.exists()
    assert page.index(said) > page.index('name="occurred_at"')


def test_a_file_that_is_not_a_photo_is_named_beside_the_files_field(client, author):
    client.force_login(author)
    files = [upload("cat.jpg", jpeg_with_gps()), upload("notes.jpg", b"just some text")]
    response = client.post("/feed/new/", {**FORM, "category": "safety", "media": files})

    assert response.status_code == 400 and not Post.objects.exists()
    page = response.content.decode()
    said = "notes.jpg: This file is neither a photo nor a playable video."
    field = page.index('name="media"')
    assert page.index(said) > field  # under the field, not above the form
    assert "cat.jpg:" not in page


def test_the_api_refuses_a_future_time(client, author):
    client.force_login(author)
    future = (timezone.now() + timedelta(days=1)).isoformat()
    response = client.post("/api/v1/posts", {**FORM, "category": "safety", "occurred_at": future})
    assert response.status_code == 422
    assert "in the future" in response.content.decode()


@pytest.mark.parametrize(
    ("occurred_at", "said"),
    [
        ("yesterday", "Give a date and time in ISO 8601"),
        ("2026-12-01T10:00:00", "Give the date and time with its time zone"),
    ],
)
def test_the_api_names_one_rule_for_when_it_happened_under_the_form_field(
    client, author, occurred_at, said
):
    client.force_login(author)

    refused = client.post(
        "/api/v1/posts", {**FORM, "category": "safety", "occurred_at": occurred_at}
    )
    left_out = client.post("/api/v1/posts", {**FORM, "category": "safety", "occurred_at": ""})

    [error] = refused.json()["detail"]
    assert (refused.status_code, error["loc"]) == (422, ["form", "occurred_at"])
    assert said in error["msg"] and "leave it out" in error["msg"]
    assert left_out.status_code == 201  # an empty field is one left out: now


# --- Photo descriptions (alt text) --------------------------------------------------------


def _photo_post(author, description="A red bicycle leaning on the fence"):
    return submit(author, uploads=[upload("a.jpg", jpeg_with_gps())], descriptions=[description])


def test_a_photo_description_is_its_alt_text_on_the_page_and_in_the_api(client, author, neighbor):
    post = _photo_post(author)
    moderation.approve_post(moderator=moderator(), post=post)
    client.force_login(neighbor)
    page = client.get(f"/feed/posts/{post.pk}/").content.decode()
    assert 'alt="A red bicycle leaning on the fence"' in page
    media = client.get(f"/api/v1/posts/{post.pk}").json()["media"]
    assert [m["description"] for m in media] == ["A red bicycle leaning on the fence"]


def test_the_form_stores_each_files_description(client, author):
    client.force_login(author)
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(
            "/feed/new/",
            {
                **FORM,
                "category": "safety",
                "media": [upload("a.jpg", jpeg_with_gps())],
                "description_0": "The dark lamp post",
            },
        )
    assert PostMedia.objects.get().description == "The dark lamp post"


def test_the_api_stores_descriptions_in_the_order_of_the_files(client, author):
    client.force_login(author)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            "/api/v1/posts",
            {
                **FORM,
                "category": "safety",
                "media": [upload("a.jpg", jpeg_with_gps()), upload("b.jpg", jpeg_with_gps())],
                "descriptions": ["First", "Second"],
            },
        )
    assert response.status_code == 201, response.content
    assert [m["description"] for m in response.json()["media"]] == ["First", "Second"]


def test_a_description_over_its_limit_or_without_a_photo_is_refused(author):
    with pytest.raises(ValidationError):
        _photo_post(author, description="x" * 251)
    with pytest.raises(ValidationError):
        submit(author, descriptions=["No photo here"])
    assert not Post.objects.exists()


def test_a_description_passes_the_same_checks_as_the_text(author):
    with pytest.raises(ValidationError) as refused:
        _photo_post(author, description="Call me at 303-555-0199")
    assert "phone number" in str(refused.value)


def test_the_author_corrects_a_description_and_neighbors_see_it(client, author, neighbor):
    post = _photo_post(author, description="A red bicycle leaning on the fence")
    moderation.approve_post(moderator=moderator(), post=post)
    media_id = post.media.get().media_file_id
    client.force_login(author)
    response = client.put(
        f"/api/v1/posts/{post.pk}",
        {
            "category": "safety",
            "title": post.title,
            "body": post.body,
            "descriptions": [{"id": media_id, "description": "A red bicycle leaning on a fence"}],
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    client.force_login(neighbor)
    assert (
        'alt="A red bicycle leaning on a fence"'
        in client.get(f"/feed/posts/{post.pk}/").content.decode()
    )


def test_an_edit_describing_one_photo_twice_is_refused_and_changes_nothing(client, author):
    post = _photo_post(author, description="A red bicycle")
    media_id = post.media.get().media_file_id
    client.force_login(author)
    twice = [{"id": media_id, "description": "Blue"}, {"id": media_id, "description": "Green"}]

    response = client.put(
        f"/api/v1/posts/{post.pk}",
        {"category": "safety", "title": "Changed", "body": post.body, "descriptions": twice},
        content_type="application/json",
    )

    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "descriptions"]
    assert f"{media_id} given twice" in error["msg"]
    post.refresh_from_db()
    assert post.title != "Changed" and post.media.get().description == "A red bicycle"


def test_the_file_input_accepts_heic_and_knows_the_size_limits(client, author, settings):
    client.force_login(author)
    page = client.get("/feed/new/").content.decode()
    assert ".heic" in page and "image/*" in page
    assert f'data-max-photo-bytes="{settings.MEDIA_MAX_PHOTO_BYTES}"' in page


# --- Deleting asks first ---------------------------------------------------------------------


def test_delete_asks_for_confirmation_before_anything_happens(client, author):
    post = published(author)
    client.force_login(author)
    page = client.get(f"/feed/posts/{post.pk}/delete/")
    assert page.status_code == 200
    assert "Delete this post?" in page.content.decode()
    post.refresh_from_db()
    assert post.status == Status.PUBLISHED

    client.post(f"/feed/posts/{post.pk}/delete/")
    post.refresh_from_db()
    assert post.status == Status.DELETED
    assert "community.post.deleted" in _actions(post)


def test_the_post_page_links_to_the_confirmation_not_a_one_click_delete(client, author):
    post = published(author)
    client.force_login(author)
    page = client.get(f"/feed/posts/{post.pk}/").content.decode()
    assert f'href="/feed/posts/{post.pk}/delete/"' in page
    assert f'action="/feed/posts/{post.pk}/delete/"' not in page


def test_nobody_but_the_author_sees_the_confirmation(client, author, neighbor):
    post = published(author)
    client.force_login(neighbor)
    assert client.get(f"/feed/posts/{post.pk}/delete/").status_code == 404


# --- Editing a published post ---------------------------------------------------------------


def _edit(post, author, **changes):
    fields = {"title": post.title, "body": post.body, "category": post.category, **changes}
    return services.edit_post(author=author, post=post, **fields)


def test_a_typo_fix_is_applied_at_once_and_the_post_stays_visible(author, neighbor):
    post = published(author, body="The streetlight at the croner has been dark since Monday.")
    edited = _edit(post, author, body="The streetlight at the corner has been dark since Monday.")
    assert edited.status == Status.PUBLISHED
    [card] = selectors.feed_for(neighbor).posts
    assert card["body"] == "The streetlight at the corner has been dark since Monday."
    assert _actions(post)[-1] == "community.post.edited"
    assert selectors.pending_edit(edited, author) is None  # nothing waits


def test_small_fixes_in_a_row_cannot_rewrite_a_post_without_a_moderator(author, neighbor):
    post = published(author, title="Streetlight out")
    for title in ("Streetlight out!", "Streetlight out!!", "Streetlight out!!!"):
        _edit(Post.objects.get(pk=post.pk), author, title=title)
    _edit(Post.objects.get(pk=post.pk), author, title="Streetlight out!!!!")
    assert Post.objects.get(pk=post.pk).title == "Streetlight out!!!"
    waiting = PostRevision.objects.get(status=RevisionStatus.PENDING)
    assert "several times" in waiting.reasons[0]

    services.approve_edit(moderator=moderator(), revision=waiting)  # a moderator saw it
    _edit(Post.objects.get(pk=post.pk), author, title="Streetlight out.")
    assert Post.objects.get(pk=post.pk).title == "Streetlight out."


def _long_story() -> str:
    """A post near the 4,000-character limit (~3,900 characters)."""
    sentence = "The streetlight at the corner of Elm and 41st has been dark since Monday. "
    return (sentence * 53).strip()


def test_a_fix_is_a_few_characters_however_long_the_post(author, neighbor):
    """Ten per cent of a long post let 287 new characters go live at once."""
    post = published(author, body=_long_story())
    added = " The man who lives at the blue house took it, everyone knows he is a thief."

    _edit(post, author, body=post.body + added)

    [card] = selectors.feed_for(neighbor).posts
    assert card["body"] == post.body
    waiting = PostRevision.objects.get(status=RevisionStatus.PENDING)
    assert "More than a small fix" in waiting.reasons[0]


def test_a_fix_of_the_largest_size_still_shows_at_once(author, neighbor):
    post = published(author, body=_long_story())
    fixed = post.body.replace("Monday", "Tuesday morning", 1)  # 15 characters changed
    assert revisions.changed_chars(post.body, fixed) <= revisions.TYPO_CHARS

    _edit(post, author, body=fixed)

    [card] = selectors.feed_for(neighbor).posts
    assert card["body"] == fixed


DETAILED = "A man in a red hoodie tried the car door handles on Elm, then ran toward the park."


@pytest.mark.parametrize(
    "described",
    [
        "A black man in a red hoodie",
        "A bl\u0430ck man in a red hoodie",  # a Cyrillic а
        "A b-l-a-c-k man in a red hoodie",
        "A bl ack man in a red hoodie",  # a word split by one space
    ],
)
def test_a_fix_that_describes_someone_by_race_waits_for_a_moderator(author, neighbor, described):
    """The details elsewhere in the post let the check pass: a moderator still reads it."""
    post = published(author, body=DETAILED)

    _edit(post, author, body=DETAILED.replace("A man in a red hoodie", described))

    [card] = selectors.feed_for(neighbor).posts
    assert card["body"] == DETAILED
    waiting = PostRevision.objects.get(status=RevisionStatus.PENDING)
    assert "described by race or origin" in " ".join(waiting.reasons)


def test_a_fix_that_keeps_the_same_description_shows_at_once(author, neighbor):
    body = "A black man in a red hoodie tried the car door handles on Elm, then ran off."
    post = published(author, body=body)

    _edit(post, author, body=body.replace("ran off", "ran away"))

    [card] = selectors.feed_for(neighbor).posts
    assert card["body"].endswith("ran away.")


@pytest.mark.parametrize(
    "added",
    [" Call 3 0 3 5 5 5 0 1 9 9.", " Mail bob at example dot com.", " Call З03-555-0199."],
)
def test_a_fix_with_contact_details_in_disguise_is_refused(author, added):
    post = published(author)
    with pytest.raises(ValidationError) as refused:
        _edit(post, author, body=post.body + added)
    assert "Remove the" in str(refused.value)
    assert Post.objects.get(pk=post.pk).body == post.body
    assert not PostRevision.objects.exists()


def test_a_fix_of_a_photo_description_that_describes_someone_by_race_waits(author, neighbor):
    photo = [upload("a.jpg", jpeg_with_gps())]
    post = published(author, body=DETAILED, uploads=photo, descriptions=["A man by the cars"])
    media_id = post.media.get().media_file_id

    _edit(post, author, descriptions={media_id: "A black man by the cars"})

    waiting = PostRevision.objects.get(status=RevisionStatus.PENDING)
    assert waiting.reasons == [
        "A person described by race or origin is checked by a moderator first."
    ]
    assert waiting.descriptions == {str(media_id): "A black man by the cars"}
    assert post.media.get().description == "A man by the cars"


def test_a_rewrite_waits_for_a_moderator_and_neighbors_keep_the_published_text(
    client, author, neighbor
):
    post = published(author)
    _edit(post, author, body="Actually it was a completely different story about a stolen bike.")
    [card] = selectors.feed_for(neighbor).posts
    assert card["body"] == post.body
    client.force_login(neighbor)
    assert "stolen bike" not in client.get(f"/feed/posts/{post.pk}/").content.decode()
    assert client.get(f"/api/v1/posts/{post.pk}").json()["pending_edit"] is None

    client.force_login(author)
    page = client.get(f"/feed/posts/{post.pk}/").content.decode()
    assert "Your edit is waiting for a moderator." in page and "stolen bike" in page
    waiting = client.get(f"/api/v1/posts/{post.pk}").json()["pending_edit"]
    assert waiting["status"] == "pending" and "stolen bike" in waiting["body"]
    assert _actions(post)[-1] == "community.post.edit_submitted"


def test_a_new_category_waits_for_a_moderator(author, neighbor):
    post = published(author)
    edited = _edit(post, author, category="crime")
    assert edited.category == "safety" and edited.status == Status.PUBLISHED
    assert PostRevision.objects.get().reasons == ["A new category is checked by a moderator first."]


def test_an_edit_of_a_flagged_post_waits_for_a_moderator(author, neighbor):
    post = published(author)
    moderation.flag_post(user=neighbor, post=post, reason="false")
    _edit(post, author, title="Streetlight out!")
    assert Post.objects.get(pk=post.pk).title == "Streetlight out"
    assert "flagged" in PostRevision.objects.get().reasons[0]


def test_an_edit_the_checks_refuse_changes_nothing(author):
    post = published(author)
    with pytest.raises(ValidationError):
        _edit(post, author, body=post.body + " Call 303-555-0199.")
    assert Post.objects.get(pk=post.pk).body == post.body
    assert not PostRevision.objects.exists()


def test_the_moderator_sees_the_waiting_edit_with_its_diff_and_applies_it(client, author, neighbor):
    post = published(author)
    _edit(post, author, body="Fixed on Friday after three calls to the city, finally working.")
    sign_in(client, moderator())
    queue = client.get("/moderation/").content.decode()
    assert "Edits of published posts" in queue
    assert "<ins>Fixed on Friday" in queue and "<del>The streetlight" in queue

    revision = PostRevision.objects.get()
    response = client.post(f"/moderation/edits/{revision.pk}/decision/", {"action": "approve"})
    assert response.status_code == 302
    [card] = selectors.feed_for(neighbor).posts
    assert card["body"].startswith("Fixed on Friday")
    assert PostRevision.objects.get().status == RevisionStatus.APPLIED
    assert _actions(post)[-1] == "community.post.edit_approved"


def test_a_moderator_turns_an_edit_down_with_a_note_the_author_reads(client, author, neighbor):
    post = published(author)
    _edit(post, author, body="Something else entirely, unrelated to the streetlight at all now.")
    revision = PostRevision.objects.get()
    with pytest.raises(ValidationError):
        services.reject_edit(moderator=moderator(), revision=revision, note="")
    services.reject_edit(moderator=moderator(), revision=revision, note="Keep it on topic.")
    assert Post.objects.get(pk=post.pk).body == post.body
    client.force_login(author)
    page = client.get(f"/feed/posts/{post.pk}/").content.decode()
    assert "Your edit was not applied" in page and "Keep it on topic." in page
    assert _actions(post)[-1] == "community.post.edit_rejected"


def test_a_newer_edit_replaces_the_one_waiting(author):
    post = published(author)
    _edit(post, author, category="crime")
    _edit(post, author, category="suspicious")
    statuses = dict(PostRevision.objects.values_list("category", "status"))
    assert statuses == {"crime": RevisionStatus.WITHDRAWN, "suspicious": RevisionStatus.PENDING}
    with pytest.raises(Conflict):
        services.approve_edit(
            moderator=moderator(), revision=PostRevision.objects.get(category="crime")
        )


def test_only_moderators_decide_edits(client, author, neighbor):
    post = published(author)
    _edit(post, author, category="crime")
    revision = PostRevision.objects.get()
    with pytest.raises(NotAllowed):
        services.approve_edit(moderator=neighbor, revision=revision)
    client.force_login(author)
    assert client.post(
        f"/moderation/edits/{revision.pk}/decision/", {"action": "approve"}
    ).status_code in (
        403,
        404,
    )
    assert Post.objects.get(pk=post.pk).category == "safety"


def test_deleting_a_post_erases_its_waiting_edit(author):
    post = published(author)
    _edit(post, author, body="A longer story that a moderator should read before it shows.")
    services.delete_post(author=author, post=post)
    assert not PostRevision.objects.exists()


def test_an_edit_of_a_post_not_yet_published_simply_replaces_it(author):
    post = submit(author)
    edited = _edit(post, author, category="crime", body="Completely new words for the review.")
    assert (edited.status, edited.category) == (Status.PENDING, "crime")
    assert not PostRevision.objects.exists()


def test_the_edit_form_goes_on_from_the_edit_waiting(client, author):
    post = published(author)
    _edit(post, author, category="crime")
    client.force_login(author)
    page = client.get(f"/feed/posts/{post.pk}/edit/").content.decode()
    assert '<option value="crime" selected>' in page
    assert "still waiting for a moderator" in page


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        # Shown right to left, this read "1234 Elm Street": kept, it reads as typed.
        ("Lives at \u202eteertS mlE 4321\u202c now", "Lives at teertS mlE 4321 now"),
        ("Gate code \u202e4321\u202c, ring twice", "Gate code 4321, ring twice"),
        ("An override left open \u202eruns on", "An override left open runs on"),
    ],
)
def test_characters_that_reorder_what_readers_see_are_not_kept(author, sent, kept):
    post = submit(author, title="\u2067Heads up\u2069", body=sent)

    assert (post.title, post.body) == ("Heads up", kept)


def test_a_title_or_text_of_invisible_characters_is_refused_by_field(client, author):
    client.force_login(author)
    form = {"category": "safety", "lat": CENTER[0], "lng": CENTER[1]}

    response = client.post("/api/v1/posts", form | {"title": "\u200b\u200b", "body": "\u200b"})

    assert response.status_code == 422
    assert {error["loc"][-1] for error in response.json()["detail"]} >= {"title"}
    assert not Post.objects.exists()


TOWER = "Z" + "\u0301" * 100 + "oe"  # 100 accents on one letter: drawn over other cards
HIDDEN = "".join(chr(0xE0000 + ord(c)) for c in "Call 3035550199")  # invisible tags


def test_a_title_is_one_line_without_hidden_tags_or_towers_of_accents(client, author):
    client.force_login(author)
    form = {"category": "safety", "lat": CENTER[0], "lng": CENTER[1], "body": FORM["body"]}

    response = client.post("/api/v1/posts", form | {"title": f"line1\nline2 {TOWER}{HIDDEN}"})

    assert response.status_code == 201, response.content
    expected = "line1 line2 Z\u0301\u0301\u0301oe"
    assert response.json()["title"] == expected and Post.objects.get().title == expected


def test_an_edited_title_is_one_line_too(author):
    post = published(author)
    _edit(post, author, title="Streetlight\r\nout")
    assert Post.objects.get(pk=post.pk).title == "Streetlight out"


def test_text_comments_and_descriptions_keep_at_most_three_accents_on_a_letter(author, neighbor):
    post = submit(
        author,
        body=f"{TOWER} saw it{HIDDEN}",
        uploads=[upload("a.jpg", jpeg_with_gps())],
        descriptions=[f"The lamp {TOWER}"],
    )
    moderation.approve_post(moderator=moderator(), post=post)
    comment = services.add_comment(author=neighbor, post=post, body=f"Me too {TOWER}")

    post.refresh_from_db()
    assert post.body == "Z\u0301\u0301\u0301oe saw it"
    assert post.media.get().description == "The lamp Z\u0301\u0301\u0301oe"
    assert comment.body == "Me too Z\u0301\u0301\u0301oe"


def test_an_empty_comment_is_asked_for_in_a_comments_words(client, author, neighbor):
    post = published(author)
    client.force_login(neighbor)

    response = client.post(
        f"/api/v1/posts/{post.pk}/comments", {"body": "  \u200b "}, content_type="application/json"
    )

    assert response.status_code == 422
    assert [e["msg"] for e in response.json()["detail"]] == ["Write your comment: it is empty."]
