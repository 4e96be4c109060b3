"""Files are handed over only after the access check: streamed in the embedded mode (with
byte ranges), by nginx behind X-Accel-Redirect, never from a public path."""

from __future__ import annotations

import pytest
from django.urls import reverse

from commonwatch.accounts.tests.factories import UserFactory
from commonwatch.media import serving
from commonwatch.media.storage import media_storage
from commonwatch.media.tests.factories import jpeg_with_gps, processed, short_video

pytestmark = pytest.mark.django_db


def _url(item, name="media:file"):
    return reverse(name, kwargs={"media_id": item.pk})


def test_its_owner_receives_the_cleaned_file_and_its_thumbnail(client):
    owner = UserFactory()
    item = processed(owner, jpeg_with_gps())
    client.force_login(owner)

    response = client.get(_url(item))
    thumbnail = client.get(_url(item, "media:thumbnail"))

    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content) == media_storage().open(item.name).read()
    assert response["Cache-Control"] == "private, no-cache"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert thumbnail.status_code == 200 and thumbnail["Content-Type"] == "image/jpeg"


def test_a_browser_asks_again_each_time_and_a_deleted_file_is_not_served_from_its_cache(
    client,
):
    """no-cache: the kept copy is used only after the access check answers 304; once the
    file is gone the check answers 404, and the browser drops its copy."""
    owner = UserFactory()
    item = processed(owner, jpeg_with_gps())
    client.force_login(owner)
    url = _url(item)
    first = client.get(url)

    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    item.delete()
    gone = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304 and again["Cache-Control"] == "private, no-cache"
    assert gone.status_code == 404


def test_anyone_else_is_told_it_does_not_exist(client):
    item = processed(UserFactory(), jpeg_with_gps())
    client.force_login(UserFactory())
    assert client.get(_url(item)).status_code == 404
    assert client.get(_url(item, "media:thumbnail")).status_code == 404
    assert client.get(reverse("media:file", kwargs={"media_id": 999999})).status_code == 404


def test_a_visitor_is_sent_to_sign_in(client):
    item = processed(UserFactory(), jpeg_with_gps())
    response = client.get(_url(item))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_video_can_be_read_by_byte_ranges(client):
    owner = UserFactory()
    item = processed(owner, short_video(seconds=1))
    whole = media_storage().open(item.name).read()
    client.force_login(owner)

    first = client.get(_url(item), headers={"Range": "bytes=0-99"})
    tail = client.get(_url(item), headers={"Range": "bytes=-10"})
    beyond = client.get(_url(item), headers={"Range": f"bytes={len(whole)}-"})

    assert first.status_code == 206 and first.content == whole[:100]
    assert first["Content-Range"] == f"bytes 0-99/{len(whole)}"
    assert tail.status_code == 206 and tail.content == whole[-10:]
    assert beyond.status_code == 416


def test_a_long_range_is_streamed_block_by_block(client, monkeypatch):
    """A range longer than a block is read as it is sent (core.streaming), not whole."""
    monkeypatch.setattr(serving, "BLOCK", 10)
    owner = UserFactory()
    item = processed(owner, short_video(seconds=1))
    whole = media_storage().open(item.name).read()
    client.force_login(owner)

    middle = client.get(_url(item), headers={"Range": "bytes=50-149"})

    assert middle.status_code == 206 and middle.streaming
    assert b"".join(middle.streaming_content) == whole[50:150]
    assert middle["Content-Length"] == "100"
    assert middle["Content-Range"] == f"bytes 50-149/{len(whole)}"


def test_behind_nginx_the_file_is_sent_by_an_internal_redirect(client, settings):
    settings.MEDIA_ACCEL_REDIRECT = "/protected-media/"
    owner = UserFactory()
    item = processed(owner, jpeg_with_gps())
    client.force_login(owner)

    response = client.get(_url(item))

    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == f"/protected-media/{item.name}"
    assert response["Content-Type"] == "image/jpeg"


def test_a_file_still_processing_has_nothing_to_hand_over(client):
    from django.test import TestCase

    from commonwatch.media import services
    from commonwatch.media.tests.factories import upload

    owner = UserFactory()
    with TestCase.captureOnCommitCallbacks(execute=False):
        item = services.accept_upload(owner=owner, upload=upload("a.jpg", jpeg_with_gps()))
    client.force_login(owner)
    assert client.get(_url(item)).status_code == 404
