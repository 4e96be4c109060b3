"""Stored files that no upload names are found and removed, after a grace period."""

from __future__ import annotations

import os
import time

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command

from commonwatch.accounts.tests.factories import UserFactory
from commonwatch.media import sweeping
from commonwatch.media.storage import media_storage
from commonwatch.media.tests.factories import jpeg_with_gps, processed

pytestmark = pytest.mark.django_db

TWO_HOURS = 2 * 3600


def _stored(name: str, *, age_s: int = 0) -> str:
    storage = media_storage()
    saved = storage.save(name, ContentFile(b"left behind"))
    if age_s:
        then = time.time() - age_s
        os.utime(storage.path(saved), (then, then))
    return saved


def test_old_files_no_upload_names_are_deleted_and_the_rest_kept(capsys):
    item = processed(UserFactory(), jpeg_with_gps())
    for name in (item.name, item.thumbnail_name):
        os.utime(media_storage().path(name), (time.time() - TWO_HOURS,) * 2)
    rolled_back = _stored("incoming/rolled-back", age_s=TWO_HOURS)
    half_processed = _stored("media/2026/11/half.jpg", age_s=TWO_HOURS)
    just_uploaded = _stored("incoming/still-committing")

    call_command("sweep_media", "--dry-run")
    assert "2 stored file(s) no upload names would be deleted." in capsys.readouterr().out
    assert media_storage().exists(rolled_back)

    assert sorted(sweeping.sweep()) == sorted([rolled_back, half_processed])
    storage = media_storage()
    assert not storage.exists(rolled_back) and not storage.exists(half_processed)
    assert storage.exists(just_uploaded)
    assert storage.exists(item.name) and storage.exists(item.thumbnail_name)


def test_an_empty_store_has_no_orphans():
    assert sweeping.sweep() == []
