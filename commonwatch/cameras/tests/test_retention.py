"""Each owner's clips are kept for their retention (1-180 days, default 30), counted from
when they were recorded; the scheduled purge deletes older ones with their files."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from commonwatch.accounts import services as accounts
from commonwatch.cameras import clips
from commonwatch.cameras.models import Clip, ClipKeeping
from commonwatch.media.models import MediaFile
from commonwatch.media.storage import media_storage
from commonwatch.media.tests.factories import short_video

from .factories import CameraFactory, clip_of

pytestmark = pytest.mark.django_db


def aged(camera, days: float, n: int) -> Clip:
    return clip_of(
        camera, recorded_at=timezone.now() - timedelta(days=days), data=short_video(fps=4 + n)
    )


def test_the_purge_deletes_clips_past_each_owners_retention_with_their_files():
    default_owner = CameraFactory()  # keeps the default 30 days
    week_owner = CameraFactory()
    ClipKeeping.objects.create(owner=week_owner.owner, retention_days=7)
    long_owner = CameraFactory()
    ClipKeeping.objects.create(owner=long_owner.owner, retention_days=180)
    kept = [aged(default_owner, 29, 1), aged(week_owner, 6, 2), aged(long_owner, 179, 3)]
    gone = [aged(default_owner, 31, 4), aged(week_owner, 8, 5), aged(long_owner, 181, 6)]
    files = [name for c in gone for name in (c.media.name, c.media.thumbnail_name)]

    with TestCase.captureOnCommitCallbacks(execute=True):
        assert clips.purge_expired() == 3

    assert set(Clip.objects.all()) == set(kept)
    assert MediaFile.objects.count() == 3
    assert not any(media_storage().exists(name) for name in files)
    assert all(media_storage().exists(c.media.name) for c in kept)


def test_a_shorter_retention_applies_at_the_next_purge():
    camera = CameraFactory()
    clip = aged(camera, 10, 1)
    clips.purge_expired()
    assert Clip.objects.filter(pk=clip.pk).exists()

    ClipKeeping.objects.create(owner=camera.owner, retention_days=9)
    clips.purge_expired()

    assert not Clip.objects.filter(pk=clip.pk).exists()


def test_the_scheduled_command_purges(capsys):
    aged(CameraFactory(), 40, 1)

    call_command("purge_clips")

    assert not Clip.objects.exists()
    assert "1 expired clip(s) deleted" in capsys.readouterr().out


def test_closing_the_account_deletes_every_clip_with_its_files():
    camera = CameraFactory()
    clip, other = aged(camera, 1, 1), aged(CameraFactory(), 1, 2)

    with TestCase.captureOnCommitCallbacks(execute=True):
        accounts.delete_account(user=camera.owner, what_they_wrote="keep")

    assert list(Clip.objects.all()) == [other]
    assert not media_storage().exists(clip.media.name)
