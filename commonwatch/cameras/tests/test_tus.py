"""The tus 1.0 endpoint, request by request: creation, appending at the right offset,
termination, expiry, limits, and who may touch which upload."""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from commonwatch.accounts import services as accounts
from commonwatch.accounts.models import TokenScope
from commonwatch.accounts.tests.factories import sign_in
from commonwatch.cameras import uploads
from commonwatch.cameras.models import Camera, Clip, ClipKeeping, ClipSource, ClipUpload
from commonwatch.media.storage import media_storage
from commonwatch.media.tests.factories import bright_video, short_video

from .factories import CameraFactory
from .tus_client import (
    OFFSET_TYPE,
    UPLOADS,
    bearer,
    create,
    delete,
    device_token,
    head,
    metadata,
    patch,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def camera():
    return CameraFactory()


@pytest.fixture
def device(camera):
    return bearer(device_token(camera))


def start(client, length: int, headers: dict, **meta):
    response = create(client, length, meta=metadata(**meta) if meta else "", **headers)
    assert response.status_code == 201, response.content
    return response["Location"]


def test_a_device_sends_a_clip_in_two_requests_and_it_becomes_one_clip(client, camera, device):
    data = short_video()
    location = start(
        client, len(data), device, filename="front.mp4", recorded_at="2026-11-29T21:15:00Z"
    )
    half = len(data) // 2

    first = patch(client, location, data[:half], 0, **device)
    state = head(client, location, **device)
    last = patch(client, location, data[half:], half, **device)

    assert first.status_code == 204 and first["Upload-Offset"] == str(half)
    assert first["Tus-Resumable"] == "1.0.0" and "Upload-Expires" in first
    assert (state.status_code, state["Upload-Offset"], state["Upload-Length"]) == (
        200,
        str(half),
        str(len(data)),
    )
    assert last.status_code == 204 and last["Upload-Offset"] == str(len(data))
    clip = Clip.objects.get()
    assert clip.camera == camera and clip.owner == camera.owner
    assert clip.received_sha256 == hashlib.sha256(data).hexdigest()
    assert clip.recorded_at == datetime(2026, 11, 29, 21, 15, tzinfo=UTC)
    assert (clip.source, clip.original_name) == (ClipSource.AGENT, "front.mp4")
    assert ClipUpload.objects.get().clip == clip
    clip.media.refresh_from_db()
    assert clip.media.is_ready


def test_the_options_say_what_the_server_supports(client):
    response = client.options(UPLOADS)

    assert response.status_code == 204
    assert response["Tus-Version"] == "1.0.0"
    assert response["Tus-Extension"] == "creation,termination,expiration"
    assert int(response["Tus-Max-Size"]) > 0


def test_another_protocol_version_is_refused_with_the_one_spoken(client, device):
    response = client.post(UPLOADS, HTTP_TUS_RESUMABLE="0.2.2", HTTP_UPLOAD_LENGTH="10", **device)

    assert response.status_code == 412
    assert response["Tus-Version"] == "1.0.0"
    assert not ClipUpload.objects.exists()


def test_bytes_at_the_wrong_offset_are_refused_and_nothing_is_appended(client, device):
    location = start(client, 100, device)
    patch(client, location, b"a" * 40, 0, **device)

    behind = patch(client, location, b"b" * 10, 30, **device)
    ahead = patch(client, location, b"b" * 10, 50, **device)

    assert (behind.status_code, ahead.status_code) == (409, 409)
    assert b"40" in behind.content
    upload = ClipUpload.objects.get()
    assert upload.offset == 40
    assert uploads.part_path(upload).read_bytes() == b"a" * 40


def test_more_bytes_than_declared_are_refused(client, device):
    location = start(client, 10, device)

    response = patch(client, location, b"x" * 11, 0, **device)

    assert response.status_code == 413
    assert ClipUpload.objects.get().offset == 0


def test_bytes_must_be_sent_as_offset_octet_stream(client, device):
    location = start(client, 10, device)

    response = client.generic(
        "PATCH",
        location,
        b"x" * 10,
        content_type="application/octet-stream",
        HTTP_TUS_RESUMABLE="1.0.0",
        HTTP_UPLOAD_OFFSET="0",
        **device,
    )

    assert response.status_code == 415


def test_a_device_token_sees_only_its_own_cameras_uploads(client, camera, device):
    other_device = bearer(device_token(CameraFactory(owner=camera.owner)))
    location = start(client, 10, device)
    unknown = f"{UPLOADS}00000000-0000-4000-8000-000000000000"

    answers = [
        head(client, location, **other_device),
        patch(client, location, b"x", 0, **other_device),
        delete(client, location, **other_device),
    ]
    unknown_answers = [
        head(client, unknown, **other_device),
        patch(client, unknown, b"x", 0, **other_device),
        delete(client, unknown, **other_device),
    ]

    assert [a.status_code for a in answers] == [404, 404, 404]
    assert [a.content for a in answers] == [a.content for a in unknown_answers]
    assert ClipUpload.objects.get().offset == 0


def test_someone_elses_upload_is_as_unknown_as_one_that_never_was(client, device):
    location = start(client, 10, device)
    unknown = f"{UPLOADS}00000000-0000-4000-8000-000000000000"
    sign_in(client, CameraFactory().owner)

    answers = [head(client, location), patch(client, location, b"x", 0), delete(client, location)]
    unknown_answers = [
        head(client, unknown),
        patch(client, unknown, b"x", 0),
        delete(client, unknown),
    ]

    assert [a.status_code for a in answers] == [404, 404, 404]
    assert [a.content for a in answers] == [a.content for a in unknown_answers]
    assert ClipUpload.objects.get().offset == 0


def test_a_refused_sign_in_still_answers_in_tus(client):
    """tus 1.0: every answer but OPTIONS carries Tus-Resumable, a 401 included; like
    every 401 of the API, it names the token problem (RFC 6750)."""
    response = create(client, 10, HTTP_AUTHORIZATION="Bearer cwcam_not-a-token")

    assert response.status_code == 401
    assert response["Tus-Resumable"] == "1.0.0"
    assert response.json()["detail"] == "This token was revoked or does not exist."
    assert response["WWW-Authenticate"].startswith('Bearer error="invalid_token"')


def test_a_device_may_name_the_bearer_scheme_in_lower_case(client, camera):
    """RFC 9110: the scheme's name is case-insensitive; a device's library may lower it."""
    headers = {"HTTP_AUTHORIZATION": f"bearer {device_token(camera)}"}

    location = start(client, 10, headers)

    assert ClipUpload.objects.get(camera=camera).offset == 0
    assert UPLOADS in location


def test_a_revoked_device_token_is_refused(client, camera, device):
    location = start(client, 10, device)
    Camera.objects.filter(pk=camera.pk).update(token_digest=None)

    assert head(client, location, **device).status_code == 401
    assert create(client, 10, **device).status_code == 401


def test_an_expired_upload_is_gone_and_the_purge_deletes_it_with_its_bytes(client, device):
    location = start(client, 100, device)
    patch(client, location, b"a" * 40, 0, **device)
    upload = ClipUpload.objects.get()
    part = uploads.part_path(upload)
    ClipUpload.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    state = head(client, location, **device)
    more = patch(client, location, b"a" * 10, 40, **device)
    call_command("purge_clip_uploads", stdout=StringIO())

    assert (state.status_code, more.status_code) == (410, 410)
    assert not ClipUpload.objects.exists()
    assert not part.exists()


def test_the_purge_forgets_finished_uploads_but_keeps_their_clips(client, device):
    data = short_video()
    location = start(client, len(data), device)
    patch(client, location, data, 0, **device)
    ClipUpload.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    gone = uploads.purge_expired()

    assert gone == 1 and not ClipUpload.objects.exists()
    clip = Clip.objects.get()
    clip.media.refresh_from_db()
    assert clip.media.is_ready


def test_a_clip_larger_than_the_limit_is_refused_before_any_byte(client, device, settings):
    settings.CAMERA_MAX_CLIP_BYTES = 1000

    response = create(client, 1001, **device)

    assert response.status_code == 413
    assert "at most" in response.json()["detail"]
    assert not ClipUpload.objects.exists()


def test_an_upload_past_the_owners_quota_is_refused_with_what_is_used(client, camera, device):
    ClipKeeping.objects.create(owner=camera.owner, quota_bytes=3 * 2**20)
    start(client, 2 * 2**20, device)  # unfinished uploads count against the quota

    response = create(client, 2 * 2**20, **device)

    assert response.status_code == 413
    detail = response.json()["detail"].replace(
        "\xa0", " "
    )  # filesizeformat keeps "2.0 MB" together
    assert detail.startswith(
        "Not enough room in your storage: this needs 2.0 MB and 1.0 MB is free"
    )
    assert "(2.0 MB of your 3.0 MB is used)" in detail
    assert ClipUpload.objects.count() == 1


def test_termination_forgets_the_upload_and_its_bytes(client, device):
    location = start(client, 100, device)
    patch(client, location, b"a" * 40, 0, **device)
    part = uploads.part_path(ClipUpload.objects.get())

    response = delete(client, location, **device)

    assert response.status_code == 204
    assert head(client, location, **device).status_code == 404
    assert not ClipUpload.objects.exists() and not part.exists()


def test_a_finished_upload_takes_no_more_bytes(client, device):
    location = start(client, 10, device)
    patch(client, location, b"x" * 10, 0, **device)

    # (Django's test client leaves out the type and length of an empty body: set them.)
    empty = patch(client, location, b"", 10, CONTENT_TYPE=OFFSET_TYPE, CONTENT_LENGTH="0", **device)
    more = patch(client, location, b"y", 10, **device)

    assert (empty.status_code, empty["Upload-Offset"]) == (204, "10")
    assert more.status_code == 413
    assert not uploads.part_path(ClipUpload.objects.get()).exists()


def test_personal_tokens_upload_only_with_the_write_scope(client, camera):
    _token, writer = accounts.create_api_token(user=camera.owner, name="w", scope=TokenScope.WRITE)
    _token, reader = accounts.create_api_token(user=camera.owner, name="r")
    meta = metadata(camera=camera.pk)

    refused = create(client, 10, meta=meta, **bearer(reader))
    location = start(client, 10, bearer(writer), camera=camera.pk)

    assert refused.status_code == 403
    assert head(client, location, **bearer(reader)).status_code == 200  # reading is reading
    assert patch(client, location, b"x" * 10, 0, **bearer(writer)).status_code == 204


def test_the_same_clip_sent_in_two_uploads_is_one_clip(client, device):
    data = short_video()
    for _ in range(2):
        location = start(client, len(data), device)
        assert patch(client, location, data, 0, **device).status_code == 204

    assert Clip.objects.count() == 1
    assert ClipUpload.objects.filter(finished_at__isnull=False).count() == 2


def test_the_request_finishing_a_copy_says_the_video_was_kept_before(client, device):
    """So the upload page says 'Already among your clips', not a clip that never comes."""
    data = short_video()
    answers = []
    for _ in range(2):
        location = start(client, len(data), device)
        answers.append(patch(client, location, data, 0, **device))

    assert "Commonwatch-Clip" not in answers[0]
    assert answers[1]["Commonwatch-Clip"] == "already-kept"


def test_a_signed_in_owner_uploads_to_one_of_their_cameras(camera):
    client = Client(enforce_csrf_checks=True)
    sign_in(client, camera.owner)
    client.get(reverse("accounts:home"))  # the page sets the CSRF cookie
    csrf = {"HTTP_X_CSRFTOKEN": client.cookies["csrftoken"].value}
    data = short_video()

    no_csrf = create(client, len(data), meta=metadata(camera=camera.pk))
    someone_elses = create(client, len(data), meta=metadata(camera=CameraFactory().pk), **csrf)
    location = start(client, len(data), csrf, camera=camera.pk, filename="c.mp4")
    done = patch(client, location, data, 0, **csrf)

    assert no_csrf.status_code == 403
    assert someone_elses.status_code == 400
    assert "one of your cameras" in someone_elses.json()["detail"]
    assert done.status_code == 204
    assert Clip.objects.get().source == ClipSource.BROWSER


def _browser_upload(camera, data: bytes) -> Client:
    """Send `data` as the upload page does: signed in, a camera and a filename, no
    recorded_at. The signed-in client, to look at the result."""
    client = Client(enforce_csrf_checks=True)
    sign_in(client, camera.owner)
    client.get(reverse("accounts:home"))  # the page sets the CSRF cookie
    csrf = {"HTTP_X_CSRFTOKEN": client.cookies["csrftoken"].value}
    location = start(client, len(data), csrf, camera=camera.pk, filename="b.mp4")
    assert patch(client, location, data, 0, **csrf).status_code == 204
    return client


def test_a_clip_sent_without_recorded_at_takes_its_files_creation_time(camera):
    client = _browser_upload(camera, bright_video(creation_time="2026-11-25T08:00:00Z"))

    (listed,) = client.get("/api/v1/clips").json()["clips"]
    page = client.get(reverse("clips:clip", args=[listed["id"]]))

    assert datetime.fromisoformat(listed["recorded_at"]) == datetime(2026, 11, 25, 8, tzinfo=UTC)
    assert listed["recorded_at_source"] == "file"
    assert b"(read from the video file)" in page.content


def test_a_clip_sent_without_any_time_stands_at_its_arrival_marked_unknown(camera):
    before = timezone.now()

    client = _browser_upload(camera, bright_video())

    (listed,) = client.get("/api/v1/clips").json()["clips"]
    page = client.get(reverse("clips:library"))
    assert before <= datetime.fromisoformat(listed["recorded_at"]) <= timezone.now()
    assert listed["recorded_at_source"] == "arrival"
    assert b"recorded-at time unknown: the time the clip arrived" in page.content


def test_a_bad_recorded_at_is_refused_at_creation(client, device):
    response = create(client, 10, meta=metadata(recorded_at="yesterday"), **device)

    assert response.status_code == 400
    assert "ISO 8601" in response.json()["detail"]
    assert not ClipUpload.objects.exists()


@pytest.mark.parametrize(
    "moment", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "1970-01-01T00:00:00Z"]
)
def test_a_recorded_at_no_clip_can_have_is_refused_at_creation(client, device, moment):
    """A year-1 time at +14:00 is well-formed but no database stores it: it used to pass
    creation and fail the request that completes the upload, on every retry."""
    response = create(client, 10, meta=metadata(recorded_at=moment), **device)

    assert response.status_code == 400
    assert "camera's clock" in response.json()["detail"]
    assert not ClipUpload.objects.exists()


@pytest.mark.parametrize(
    "meta", [metadata(filename="front\x00.mp4"), metadata(recorded_at="2026-11-29T21:15:00\x00")]
)
def test_metadata_holding_a_nul_character_is_refused_at_creation(client, device, meta):
    """PostgreSQL cannot store a NUL in the upload's metadata: it was a server error there."""
    response = create(client, 10, meta=meta, **device)

    assert response.status_code == 400
    assert "NUL character" in response.json()["detail"]
    assert not ClipUpload.objects.exists()


@pytest.mark.parametrize("header", ["HTTP_UPLOAD_LENGTH", "HTTP_UPLOAD_OFFSET"])
def test_a_number_header_in_other_digits_is_a_400(client, device, header):
    location = start(client, 10, device)
    url = location if header == "HTTP_UPLOAD_OFFSET" else UPLOADS
    send = client.patch if header == "HTTP_UPLOAD_OFFSET" else client.post
    response = send(
        url,
        b"x" * 10,
        content_type=OFFSET_TYPE,
        HTTP_TUS_RESUMABLE="1.0.0",
        **{"HTTP_UPLOAD_LENGTH": "10", "HTTP_UPLOAD_OFFSET": "0", header: "\u00b2"},
        **device,
    )

    assert response.status_code == 400
    assert "whole number of bytes" in response.json()["detail"]
    assert ClipUpload.objects.get().offset == 0


def test_a_finished_clip_is_on_disk_before_its_camera_is_told(client, device, monkeypatch):
    """The camera deletes its copy on the last answer: by then the clip's bytes and its
    name in the incoming folder have been flushed (fsync), not left in the page cache."""
    synced = []
    real_fsync = uploads.os.fsync

    def recording_fsync(fd):
        synced.append(Path(os.readlink(f"/proc/self/fd/{fd}")))
        real_fsync(fd)

    monkeypatch.setattr(uploads.os, "fsync", recording_fsync)
    data = short_video()
    location = start(client, len(data), device)
    half = len(data) // 2

    patch(client, location, data[:half], 0, **device)
    assert synced == [], "a part on its way needs no flush: its offset is what is on disk"
    assert patch(client, location, data[half:], half, **device).status_code == 204

    part = uploads.part_path(ClipUpload.objects.get())
    assert synced == [part, Path(media_storage().path("incoming"))]
    assert Clip.objects.get().received_sha256 == hashlib.sha256(data).hexdigest()
