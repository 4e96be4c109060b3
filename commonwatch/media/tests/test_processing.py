"""Uploads are kept privately, processed in the background through the outbox, and settle
READY or FAILED with a reason; a dead worker delays processing, never loses it."""

from __future__ import annotations

import hashlib

import pytest
from django.test import TestCase

from commonwatch.accounts.tests.factories import UserFactory
from commonwatch.core import outbox
from commonwatch.core.models import OutboxMessage
from commonwatch.media import cleaning, services
from commonwatch.media.models import MediaFile, Status
from commonwatch.media.storage import media_storage
from commonwatch.media.tests.factories import jpeg_with_gps, processed, short_video, upload

pytestmark = pytest.mark.django_db


def test_an_upload_waits_privately_with_its_processing_queued_in_the_same_transaction():
    owner = UserFactory()
    with TestCase.captureOnCommitCallbacks(execute=False) as after_commit:
        item = services.accept_upload(owner=owner, upload=upload("a.jpg", jpeg_with_gps()))

    assert (item.status, item.kind, item.name) == (Status.PENDING, "photo", "")
    assert item.upload_name.startswith("incoming/")
    assert media_storage().open(item.upload_name).read() == jpeg_with_gps()
    message = OutboxMessage.objects.get(kind=services.PROCESS)
    assert message.payload == {"media_id": item.pk} and message.done_at is None
    assert after_commit, "processing is handed over only once the upload is committed"


def test_processing_makes_the_file_ready_and_forgets_the_upload():
    item = processed(UserFactory(), jpeg_with_gps())

    storage = media_storage()
    stored = storage.open(item.name).read()
    assert item.status == Status.READY and item.processed_at is not None
    assert item.sha256 == hashlib.sha256(stored).hexdigest() and item.size == len(stored)
    assert (item.content_type, item.width, item.height) == ("image/jpeg", 64, 48)
    assert storage.exists(item.thumbnail_name)
    assert item.upload_name == "" and not storage.exists(f"incoming/{item.pk}")
    assert OutboxMessage.objects.get(kind=services.PROCESS).done_at is not None


def test_a_video_is_measured_by_decoding():
    item = processed(UserFactory(), short_video(seconds=2, fps=5))
    assert item.status == Status.READY and item.content_type == "video/mp4"
    assert item.duration_s == pytest.approx(2, abs=0.21)


def test_a_refused_file_fails_with_the_reason_its_owner_sees(settings):
    settings.MEDIA_MAX_VIDEO_SECONDS = 1
    item = processed(UserFactory(), short_video(seconds=3, fps=2))
    assert item.status == Status.FAILED and item.name == ""
    assert item.error == "Videos must be at most 1 seconds long."
    assert item.upload_name == ""


def test_a_worker_that_dies_mid_way_leaves_the_work_to_the_next_one(monkeypatch):
    owner = UserFactory()
    real_clean = cleaning.clean

    def dies(*args, **kwargs):
        raise MemoryError("the worker was killed")

    monkeypatch.setattr(cleaning, "clean", dies)
    item = processed(owner, jpeg_with_gps())
    assert item.status == Status.PROCESSING  # claimed, then the worker went away
    message = OutboxMessage.objects.get(kind=services.PROCESS)
    assert message.done_at is None and "killed" in message.last_error

    monkeypatch.setattr(cleaning, "clean", real_clean)
    OutboxMessage.objects.filter(pk=message.pk).update(available_at=message.created_at)
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert outbox.carry_out.call(message_id=message.pk)
    item.refresh_from_db()
    assert item.status == Status.READY


def test_processing_a_settled_file_again_changes_nothing():
    item = processed(UserFactory(), jpeg_with_gps())
    assert services.process(media_id=item.pk) == "settled"
    assert MediaFile.objects.get(pk=item.pk).name == item.name


def test_discarded_files_go_only_once_the_discard_is_committed():
    item = processed(UserFactory(), jpeg_with_gps())
    storage = media_storage()
    with TestCase.captureOnCommitCallbacks(execute=False) as after_commit:
        services.discard([item.pk])
    assert storage.exists(item.name), "nothing is deleted before the commit"
    for callback in after_commit:
        callback()
    assert not storage.exists(item.name) and not storage.exists(item.thumbnail_name)
    assert not MediaFile.objects.filter(pk=item.pk).exists()


def test_a_file_discarded_while_processing_leaves_no_bytes_behind(monkeypatch):
    owner = UserFactory()
    with TestCase.captureOnCommitCallbacks(execute=False) as after_commit:
        item = services.accept_upload(owner=owner, upload=upload("a.jpg", jpeg_with_gps()))
    real_store = services._store

    def discarded_meanwhile(cleaned):
        stored = real_store(cleaned)
        MediaFile.objects.filter(pk=item.pk).delete()
        discarded_meanwhile.names = [stored["name"], stored["thumbnail_name"]]
        return stored

    monkeypatch.setattr(services, "_store", discarded_meanwhile)
    with TestCase.captureOnCommitCallbacks(execute=True):
        for callback in after_commit:
            callback()
    assert not any(media_storage().exists(name) for name in discarded_meanwhile.names)
