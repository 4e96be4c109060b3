"""At scale the same pipeline runs on S3-compatible object storage: here a moto server on
loopback. Readers are redirected to a signed URL that works, and stops working."""

from __future__ import annotations

import io
import urllib.error
import urllib.request
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from django.urls import reverse
from moto.server import ThreadedMotoServer
from PIL import Image

from commonwatch.accounts.tests.factories import UserFactory
from commonwatch.media.models import Status
from commonwatch.media.storage import media_storage
from commonwatch.media.tests.factories import jpeg_with_gps, processed, short_video

BUCKET = "commonwatch-media"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch):
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/dev/null")
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    settings.MEDIA_STORAGE = "s3"
    settings.STORAGES = {
        **settings.STORAGES,
        "media": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "region_name": "us-east-1",
                "addressing_style": "path",
                "default_acl": None,
                "querystring_auth": True,
                "file_overwrite": False,
                "signature_version": "s3v4",
            },
        },
    }
    yield client
    for listed in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=listed["Key"])
    client.delete_bucket(Bucket=BUCKET)


def _keys(client) -> set[str]:
    return {listed["Key"] for listed in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


def _fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310 - loopback moto
            return answer.status, answer.read()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read()


def test_uploads_are_processed_in_the_bucket(bucket):
    item = processed(UserFactory(), jpeg_with_gps())

    assert item.status == Status.READY
    assert _keys(bucket) == {item.name, item.thumbnail_name}  # the upload as received is gone
    stored = bucket.get_object(Bucket=BUCKET, Key=item.name)["Body"].read()
    assert dict(Image.open(io.BytesIO(stored)).getexif()) == {}


def test_a_video_is_measured_from_the_bucket_too(bucket):
    item = processed(UserFactory(), short_video(seconds=1))
    assert item.status == Status.READY and item.duration_s == pytest.approx(1, abs=0.11)


def test_readers_are_redirected_to_a_signed_url_that_works(bucket, client):
    owner = UserFactory()
    item = processed(owner, jpeg_with_gps())
    client.force_login(owner)

    response = client.get(reverse("media:file", kwargs={"media_id": item.pk}))

    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"
    location = response["Location"]
    assert "X-Amz-Signature=" in location and "X-Amz-Expires=300" in location
    status, body = _fetch(location)
    assert status == 200 and body == media_storage().open(item.name).read()
    unsigned = location.split("?")[0]
    assert _fetch(unsigned)[0] == 403, "the object itself is private"


def test_the_signed_url_expires_after_the_configured_seconds(bucket, client, settings):
    """moto checks signatures' shape but not their age, so the test reads the expiry the
    URL is signed with (S3 itself refuses it after that: 403 "Request has expired")."""
    settings.MEDIA_SIGNED_URL_SECONDS = 60
    owner = UserFactory()
    item = processed(owner, jpeg_with_gps())
    client.force_login(owner)

    location = client.get(reverse("media:file", kwargs={"media_id": item.pk}))["Location"]

    query = parse_qs(urlsplit(location).query)
    signed_at = datetime.strptime(query["X-Amz-Date"][0], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    assert query["X-Amz-Expires"] == ["60"]
    assert abs((signed_at - datetime.now(UTC)).total_seconds()) < 30


def test_someone_else_gets_no_url_at_all(bucket, client):
    item = processed(UserFactory(), jpeg_with_gps())
    client.force_login(UserFactory())
    assert client.get(reverse("media:file", kwargs={"media_id": item.pk})).status_code == 404


def test_s3_storage_needs_a_bucket_and_is_built_from_the_environment(tmp_path):
    from commonwatch.core.tests.test_settings import load_settings

    unnamed = load_settings(tmp_path, DEBUG="true", MEDIA_STORAGE="s3")
    assert unnamed.returncode != 0 and "MEDIA_S3_BUCKET must be set" in unnamed.stderr

    started = load_settings(
        tmp_path,
        DEBUG="true",
        MEDIA_STORAGE="s3",
        MEDIA_S3_BUCKET=BUCKET,
        MEDIA_S3_ENDPOINT_URL="http://127.0.0.1:9000",
    )
    assert started.returncode == 0, started.stderr
