"""A post's photos and videos: checked before the post is saved, processed in the
background, shown to its author with their status, and to others only once ready and
only through the post's visibility rules."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection
from django.test import TestCase
from PIL import Image

from commonwatch.accounts.tests.factories import sign_in
from commonwatch.community import services
from commonwatch.community.models import PostMedia
from commonwatch.community.selectors import feed_for, post_card
from commonwatch.community.tests.factories import (
    CENTER,
    moderator,
    published,
    resident_at,
    resident_just_outside,
    submit,
)
from commonwatch.core.errors import Conflict
from commonwatch.media.models import MediaFile, Status
from commonwatch.media.storage import media_storage
from commonwatch.media.tests.factories import jpeg_with_gps, short_video, upload
from commonwatch.moderation import services as moderation

pytestmark = pytest.mark.django_db


def _file_url(post) -> str:
    return f"/media/{post.media.get().media_file_id}/"


def test_a_post_with_a_bad_file_leaves_nothing_behind():
    author = resident_at(*CENTER)
    with pytest.raises(ValidationError):
        submit(author, uploads=[upload("a.jpg", jpeg_with_gps()), upload("b.jpg", b"junk")])
    assert not author.posts.exists()
    assert not PostMedia.objects.exists() and not MediaFile.objects.exists()


def test_photos_are_stored_before_the_transaction_and_deleted_if_it_fails(monkeypatch, settings):
    """An object store slow to take them holds no transaction open; a post that then
    fails to be recorded leaves no stored file behind."""
    author = resident_at(*CENTER)
    real_save = media_storage().save
    around = len(connection.atomic_blocks)  # the test's own
    in_transaction = []

    def save(*args, **kwargs):
        in_transaction.append(len(connection.atomic_blocks) > around)
        return real_save(*args, **kwargs)

    def refuse(**kwargs):
        raise DatabaseError("the database went away")

    monkeypatch.setattr(media_storage(), "save", save)
    monkeypatch.setattr(services.ThreadAlias.objects, "create", refuse)
    with pytest.raises(DatabaseError):
        submit(author, uploads=[upload("a.jpg", jpeg_with_gps()), upload("b.jpg", jpeg_with_gps())])

    assert in_transaction == [False, False]
    assert not author.posts.exists() and not MediaFile.objects.exists()
    media = settings.MEDIA_ROOT
    assert not media.exists() or not [p for p in media.rglob("*") if p.is_file()]


def test_too_many_files_are_refused():
    with pytest.raises(ValidationError):
        submit(resident_at(*CENTER), uploads=[upload("a.jpg", jpeg_with_gps())] * 5)


def test_oversized_photos_are_refused_before_anything_is_stored(settings):
    settings.MEDIA_MAX_PHOTO_BYTES = 100
    author = resident_at(*CENTER)
    with pytest.raises(ValidationError) as refused:
        submit(author, uploads=[upload("big.jpg", jpeg_with_gps())])
    [error] = refused.value.error_dict["media"]  # beside the files, naming the one
    assert error.code == "photo_too_large" and error.message.startswith("big.jpg: Photos may")
    assert not MediaFile.objects.exists()


def test_photos_upload_through_the_api(client):
    author = resident_at(*CENTER)
    client.force_login(author)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            "/api/v1/posts",
            {
                "category": "crime",
                "title": "Break-in",
                "body": "Garage door forced open.",
                "lat": CENTER[0],
                "lng": CENTER[1],
                "media": [upload("a.jpg", jpeg_with_gps())],
            },
        )
    assert response.status_code == 201, response.content
    assert response.json()["media"][0]["status"] == "pending"  # answered before processing
    stored = PostMedia.objects.get().media_file
    assert stored.kind == "photo" and stored.status == Status.READY
    assert dict(Image.open(media_storage().open(stored.name)).getexif()) == {}


def test_the_author_sees_processing_and_nobody_publishes_it_before_it_is_done(client):
    author, neighbor = resident_at(*CENTER), resident_at(CENTER[0] + 0.002, CENTER[1])
    with TestCase.captureOnCommitCallbacks(execute=False) as processing:
        post = services.submit_post(
            author=author,
            category="crime",
            title="Break-in",
            body="Garage door forced open.",
            lat=CENTER[0],
            lng=CENTER[1],
            uploads=[upload("clip.mp4", short_video(seconds=1))],
        )
    client.force_login(author)
    page = client.get(f"/feed/posts/{post.pk}/").content.decode()
    assert "Waiting to be processed" in page
    assert [m["status"] for m in post_card(post, author)["media"]] == ["pending"]
    assert post_card(post, neighbor)["media"] == []
    with pytest.raises(Conflict):
        moderation.approve_post(moderator=moderator(), post=post)

    with TestCase.captureOnCommitCallbacks(execute=True):
        for callback in processing:
            callback()
    published_post = moderation.approve_post(moderator=moderator(), post=post)
    assert [m["status"] for m in post_card(published_post, neighbor)["media"]] == ["ready"]


def test_a_failed_file_is_explained_to_its_author_and_never_shown_to_others(client, settings):
    settings.MEDIA_MAX_VIDEO_SECONDS = 1
    author, neighbor = resident_at(*CENTER), resident_at(*CENTER)
    post = published(author, uploads=[upload("long.mp4", short_video(seconds=3, fps=2))])
    client.force_login(author)
    page = client.get(f"/feed/posts/{post.pk}/").content.decode()
    assert "Could not be used: Videos must be at most 1 seconds long." in page
    assert post_card(post, neighbor)["media"] == []
    client.force_login(neighbor)
    assert client.get(_file_url(post)).status_code == 404


def test_media_are_served_only_to_people_who_may_see_the_post(client):
    author = resident_at(*CENTER)
    post = submit(author, uploads=[upload("a.jpg", jpeg_with_gps())])
    url = _file_url(post)
    neighbor = resident_at(CENTER[0] + 0.002, CENTER[1])
    client.force_login(neighbor)
    assert client.get(url).status_code == 404  # still waiting for moderation
    sign_in(client, moderator())
    assert client.get(url).status_code == 200  # the queue shows it
    with TestCase.captureOnCommitCallbacks(execute=True):
        moderation.approve_post(moderator=moderator(), post=post)
    client.force_login(neighbor)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert dict(Image.open(io.BytesIO(b"".join(response.streaming_content))).getexif()) == {}
    client.force_login(resident_just_outside())
    assert client.get(url).status_code == 404


def test_a_script_with_a_token_reads_the_photos_the_api_points_to(client):
    """The API's cards name addresses that take the token the script already holds;
    the file's readers get it, anyone else the same 404 as for no file."""
    from commonwatch.accounts.services import create_api_token

    author = resident_at(*CENTER)
    post = published(author, uploads=[upload("a.jpg", jpeg_with_gps())])
    neighbor = resident_at(CENTER[0] + 0.002, CENTER[1])
    _token, raw = create_api_token(user=neighbor, name="script")
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    [photo] = client.get(f"/api/v1/posts/{post.pk}", **bearer).json()["media"]
    media_id = post.media.get().media_file_id
    assert photo["url"] == f"/api/v1/media/{media_id}"
    assert photo["thumbnail_url"] == f"/api/v1/media/{media_id}/thumbnail"

    for url in (photo["url"], photo["thumbnail_url"]):
        response = client.get(url, **bearer)
        assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
        assert dict(Image.open(io.BytesIO(b"".join(response.streaming_content))).getexif()) == {}

    _token, outsider = create_api_token(user=resident_just_outside(), name="script")
    refused = client.get(photo["url"], HTTP_AUTHORIZATION=f"Bearer {outsider}")
    assert refused.status_code == 404
    assert refused.json() == client.get("/api/v1/media/999999", **bearer).json()
    assert client.get(photo["url"]).status_code == 401  # no token, no session


def test_the_feed_lists_a_posts_photos_and_skips_the_media_query_without_any():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    author = resident_at(*CENTER)
    with_photo = published(author, title="Photo", uploads=[upload("a.jpg", jpeg_with_gps())])
    published(author, title="Plain")
    neighbor = resident_at(CENTER[0] + 0.002, CENTER[1])
    cards = {card["title"]: card for card in feed_for(neighbor).posts}
    assert [m["url"] for m in cards["Photo"]["media"]] == [_file_url(with_photo)]
    assert cards["Plain"]["media"] == []
    first_page = feed_for(neighbor, limit=1)
    assert [card["title"] for card in first_page.posts] == ["Plain"]
    with CaptureQueriesContext(connection) as queries:
        page = feed_for(neighbor, cursor=first_page.next_cursor)
    assert [card["title"] for card in page.posts] == ["Photo"]
    assert len([q for q in queries.captured_queries if PostMedia._meta.db_table in q["sql"]]) == 1
    with CaptureQueriesContext(connection) as queries:
        feed_for(neighbor, limit=1)
    assert not [q for q in queries.captured_queries if PostMedia._meta.db_table in q["sql"]]


def test_a_deleted_posts_files_are_gone_after_the_commit():
    author = resident_at(*CENTER)
    post = submit(author, uploads=[upload("a.jpg", jpeg_with_gps())])
    item = post.media.get().media_file
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.delete_post(author=author, post=post)
    assert not media_storage().exists(item.name)
    assert not MediaFile.objects.filter(pk=item.pk).exists()
