"""Uploads are judged by content, size-limited, and stripped of location metadata."""

from __future__ import annotations

import io

import av
import numpy as np
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from commonwatch.accounts.tests.factories import sign_in
from commonwatch.community import media, services
from commonwatch.community.models import PostMedia
from commonwatch.community.tests.factories import CENTER, resident_at

GPS_IFD = 0x8825


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), "navy")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[GPS_IFD] = {1: "N", 2: (39.0, 44.0, 21.0), 3: "W", 4: (104.0, 59.0, 25.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def short_video(seconds: int = 1, *, title: str = "") -> bytes:
    out = io.BytesIO()
    with av.open(out, mode="w", format="mp4") as container:
        if title:
            container.metadata["title"] = title
            container.metadata["location"] = "+39.7392-104.9903/"
        stream = container.add_stream("libx264", rate=10)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for i in range(seconds * 10):
            frame = av.VideoFrame.from_ndarray(np.full((48, 64, 3), i * 20 % 255, np.uint8))
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return out.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_photo_gps_and_camera_tags_are_removed():
    assert Image.open(io.BytesIO(jpeg_with_gps())).getexif().get(GPS_IFD) is not None
    cleaned = media.clean_upload(upload("IMG_0001.jpg", jpeg_with_gps()))
    stored = Image.open(io.BytesIO(cleaned.content.read()))
    assert cleaned.kind == "photo" and cleaned.content_type == "image/jpeg"
    assert dict(stored.getexif()) == {}
    assert (cleaned.width, cleaned.height) == (64, 48)


def test_a_file_is_judged_by_content_not_extension():
    png = io.BytesIO()
    Image.new("RGB", (10, 10), "red").save(png, format="PNG")
    assert media.clean_upload(upload("holiday.mp4", png.getvalue())).kind == "photo"
    with pytest.raises(ValidationError) as exc:
        media.clean_upload(upload("photo.jpg", b"MZ\x90\x00 this is not an image at all"))
    assert exc.value.code == "media_unreadable"


def test_a_truncated_photo_is_refused():
    with pytest.raises(ValidationError) as exc:
        media.clean_upload(upload("cut.jpg", jpeg_with_gps()[:200]))
    assert exc.value.code == "photo_unreadable"


def test_oversized_files_are_refused(monkeypatch):
    monkeypatch.setattr(media, "MAX_PHOTO_BYTES", 100)
    with pytest.raises(ValidationError) as exc:
        media.clean_upload(upload("big.jpg", jpeg_with_gps()))
    assert exc.value.code == "photo_too_large"


def test_a_short_video_is_kept_without_its_metadata():
    cleaned = media.clean_upload(upload("clip.bin", short_video(title="Front door")))
    assert cleaned.kind == "video" and cleaned.content_type == "video/mp4"
    with av.open(io.BytesIO(cleaned.content.read())) as container:
        assert "location" not in container.metadata and "title" not in container.metadata
        assert container.streams.video[0].frames in (0, 10) or container.duration


def test_a_too_long_video_is_refused(monkeypatch):
    monkeypatch.setattr(media, "MAX_VIDEO_SECONDS", 1)
    with pytest.raises(ValidationError) as exc:
        media.clean_upload(upload("long.mp4", short_video(seconds=3)))
    assert exc.value.code == "video_too_long"


@pytest.mark.django_db
def test_a_post_with_a_bad_file_leaves_nothing_behind(settings):
    author = resident_at(*CENTER)
    with pytest.raises(ValidationError):
        services.submit_post(
            author=author,
            category="crime",
            title="Break-in",
            body="Garage door forced open.",
            lat=CENTER[0],
            lng=CENTER[1],
            uploads=[upload("a.jpg", jpeg_with_gps()), upload("b.jpg", b"junk")],
        )
    assert not author.posts.exists()
    assert not PostMedia.objects.exists()


@pytest.mark.django_db
def test_photos_upload_through_the_api(client):
    author = resident_at(*CENTER)
    client.force_login(author)
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
    stored = PostMedia.objects.get()
    assert stored.kind == "photo"
    assert dict(Image.open(stored.file.path).getexif()) == {}


@pytest.mark.django_db
def test_media_are_served_only_to_people_who_may_see_the_post(client):
    from django.test import TestCase

    from commonwatch.community.tests.factories import moderator, resident_just_outside
    from commonwatch.moderation import services as moderation

    author = resident_at(*CENTER)
    post = services.submit_post(
        author=author,
        category="crime",
        title="Break-in",
        body="Garage door forced open.",
        lat=CENTER[0],
        lng=CENTER[1],
        uploads=[upload("a.jpg", jpeg_with_gps())],
    )
    url = f"/feed/media/{post.media.get().pk}/"
    neighbor = resident_at(CENTER[0] + 0.002, CENTER[1])
    client.force_login(neighbor)
    assert client.get(url).status_code == 404  # still pending
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


@pytest.mark.django_db
def test_the_feed_lists_a_posts_photos_and_skips_the_media_query_without_any():
    from django.db import connection
    from django.test import TestCase
    from django.test.utils import CaptureQueriesContext

    from commonwatch.community.selectors import feed_for
    from commonwatch.community.tests.factories import moderator
    from commonwatch.moderation import services as moderation

    author = resident_at(*CENTER)
    plain, with_photo = (
        services.submit_post(
            author=author,
            category="crime",
            title=title,
            body="Garage door forced open.",
            lat=CENTER[0],
            lng=CENTER[1],
            uploads=uploads,
        )
        for title, uploads in (("Plain", []), ("Photo", [upload("a.jpg", jpeg_with_gps())]))
    )
    for post in (plain, with_photo):
        with TestCase.captureOnCommitCallbacks(execute=True):
            moderation.approve_post(moderator=moderator(), post=post)
    neighbor = resident_at(CENTER[0] + 0.002, CENTER[1])
    cards = {card["title"]: card for card in feed_for(neighbor).posts}
    assert [m["url"] for m in cards["Photo"]["media"]] == [
        f"/feed/media/{with_photo.media.get().pk}/"
    ]
    assert cards["Plain"]["media"] == []
    first_page = feed_for(neighbor, limit=1)
    assert [card["title"] for card in first_page.posts] == ["Photo"]
    with CaptureQueriesContext(connection) as queries:
        page = feed_for(neighbor, cursor=first_page.next_cursor)
    assert [card["title"] for card in page.posts] == ["Plain"]
    assert not [q for q in queries.captured_queries if PostMedia._meta.db_table in q["sql"]]
