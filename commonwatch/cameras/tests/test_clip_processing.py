"""A clip goes through the media pipeline by its camera's rules: privacy zones black in
every stored frame and the thumbnail, sound only if the owner keeps it, the clip limits,
the recorded-at time from the file when none was sent; a file that is not a playable
video leaves nothing behind but a notice to its owner."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import av
import numpy as np
import pytest
from django.utils import timezone
from PIL import Image

from commonwatch.cameras.models import Clip, ClipRefusal, ClipUpload, RecordedAtSource
from commonwatch.media import sweeping
from commonwatch.media.models import MediaFile, Status
from commonwatch.media.services import incoming_name
from commonwatch.media.storage import media_storage
from commonwatch.media.tests.factories import bright_video, jpeg_with_gps, short_video

from .factories import CameraFactory, clip_arrived

pytestmark = pytest.mark.django_db

# The top-left quarter of the frame, and a triangle at the bottom right.
ZONES = [[[0, 0], [0.5, 0], [0.5, 0.5], [0, 0.5]], [[1, 0.6], [1, 1], [0.6, 1]]]


def stored_video(clip: Clip):
    return av.open(io.BytesIO(media_storage().open(clip.media.name, "rb").read()))


def stored_frames(clip: Clip) -> list[np.ndarray]:
    with stored_video(clip) as container:
        return [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]


def stream_kinds(clip: Clip) -> list[tuple[str, str]]:
    with stored_video(clip) as container:
        return [(s.type, s.codec_context.name) for s in container.streams]


def everything_stored() -> list[str]:
    root = Path(media_storage().location)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_privacy_zones_are_black_in_every_stored_frame_and_the_rest_is_not():
    camera = CameraFactory(privacy_zones=ZONES)

    clip = clip_arrived(camera, bright_video(seconds=2, fps=10, size=(320, 240)))

    frames = stored_frames(clip)
    assert clip.media.status == Status.READY and len(frames) == 20
    for frame in frames:
        assert frame.shape == (240, 320, 3)
        # Inside the zones (a few pixels in from their edges): black.
        assert frame[4:116, 4:156].max() <= 24
        assert frame[232:236, 308:316].max() <= 24
        # Outside them: the bright picture, untouched.
        assert frame[130:230, 10:150].min() >= 200
        assert frame[10:110, 170:310].min() >= 200


def test_the_thumbnail_has_the_privacy_zones_blacked_out_too():
    camera = CameraFactory(privacy_zones=ZONES[:1])

    clip = clip_arrived(camera, bright_video(size=(320, 240)))

    with media_storage().open(clip.media.thumbnail_name, "rb") as data:
        thumb = np.asarray(Image.open(io.BytesIO(data.read())).convert("RGB"))
    height, width, _ = thumb.shape
    assert thumb[3 : height // 2 - 3, 3 : width // 2 - 3].max() <= 24
    assert thumb[height // 2 + 3 :, width // 2 + 3 :].min() >= 200


def test_a_zone_saved_with_crossing_edges_is_black_all_over_as_its_page_shows_it():
    star = [[0.5, 0.1], [0.735, 0.824], [0.12, 0.376], [0.88, 0.376], [0.265, 0.824]]
    camera = CameraFactory(privacy_zones=[star])

    clip = clip_arrived(camera, bright_video(seconds=1, fps=10, size=(320, 240)))

    for frame in stored_frames(clip):
        # The star's middle, where its edges overlap, and one of its points.
        assert frame[110:130, 150:170].max() <= 24
        assert frame[40:60, 155:165].max() <= 24
        assert frame[10:20, 10:310].min() >= 200


def test_a_camera_without_privacy_zones_keeps_the_whole_picture():
    clip = clip_arrived(CameraFactory(), bright_video(size=(320, 240)))
    assert all(frame.min() >= 200 for frame in stored_frames(clip))


def test_sound_is_dropped_unless_the_owner_keeps_it():
    data = bright_video(seconds=1, sound=True)

    silent = clip_arrived(CameraFactory(), data)
    with_sound = clip_arrived(CameraFactory(record_audio=True), data)

    assert stream_kinds(silent) == [("video", "h264")]
    assert stream_kinds(with_sound) == [("video", "h264"), ("audio", "aac")]


def test_a_clip_without_a_time_takes_the_one_its_file_was_recorded_at():
    data = bright_video(creation_time="2026-11-20T08:15:00.000000Z")

    clip = clip_arrived(CameraFactory(), data)

    assert clip.recorded_at == datetime(2026, 11, 20, 8, 15, tzinfo=UTC)
    assert clip.recorded_at_source == RecordedAtSource.FILE
    with media_storage().open(clip.media.name, "rb") as stored:
        assert b"creation_time" not in stored.read()  # stripped from the stored file


def test_a_time_sent_with_the_clip_wins_over_the_files():
    sent = timezone.now().replace(microsecond=0)

    clip = clip_arrived(
        CameraFactory(), bright_video(creation_time="2026-11-20T08:15:00Z"), recorded_at=sent
    )

    assert (clip.recorded_at, clip.recorded_at_source) == (sent, RecordedAtSource.UPLOAD)


@pytest.mark.parametrize("tag", ["", "1970-01-01T00:00:00.000000Z", "2099-01-01T00:00:00Z"])
def test_without_a_plausible_time_a_clip_stands_at_its_arrival(tag):
    before = timezone.now()

    clip = clip_arrived(CameraFactory(), bright_video(creation_time=tag))

    assert clip.recorded_at_source == RecordedAtSource.ARRIVAL
    assert before <= clip.recorded_at <= timezone.now()


def test_clips_have_their_own_length_limit(settings):
    settings.MEDIA_MAX_VIDEO_SECONDS = 1  # a post's limit does not apply to clips
    settings.CAMERA_MAX_CLIP_SECONDS = 4

    kept = clip_arrived(CameraFactory(), short_video(seconds=3, fps=5))
    refused = clip_arrived(CameraFactory(), short_video(seconds=6, fps=5))

    assert kept.media.status == Status.READY
    assert refused is None
    assert ClipRefusal.objects.get().reason == "Videos must be at most 4 seconds long."


def test_clips_have_their_own_size_limit(settings):
    data = short_video()
    settings.CAMERA_MAX_CLIP_BYTES = len(data) - 1

    assert clip_arrived(CameraFactory(), data) is None
    assert "may be at most" in ClipRefusal.objects.get().reason


def _cut_off(data: bytes) -> bytes:
    return data[: len(data) // 2]


NOT_VIDEOS = {
    "a cut-off video": lambda: _cut_off(short_video(seconds=2, faststart=True)),
    "garbage with a video's first bytes": lambda: short_video()[:32] + bytes(4000),
    "a JPEG named .mp4": jpeg_with_gps,
    "a text file named .mp4": lambda: b"These are not the frames you are looking for.\n" * 50,
    "an empty file": lambda: b"",
}


@pytest.mark.parametrize("what", sorted(NOT_VIDEOS))
def test_a_file_that_is_not_a_playable_video_leaves_nothing_but_a_notice(what):
    camera = CameraFactory()
    before = everything_stored()

    clip = clip_arrived(camera, NOT_VIDEOS[what](), original_name="front-door.mp4")

    assert clip is None
    assert not Clip.objects.exists() and not MediaFile.objects.exists()
    assert everything_stored() == before == []
    refusal = ClipRefusal.objects.get()
    assert (refusal.owner, refusal.camera, refusal.original_name) == (
        camera.owner,
        camera,
        "front-door.mp4",
    )
    assert refusal.reason in (
        "This file is not a playable video.",
        "This video is incomplete: it stops before its end.",
    )


def test_a_refused_file_sent_again_is_refused_again_not_taken_for_a_duplicate():
    camera = CameraFactory()

    clip_arrived(camera, jpeg_with_gps())
    clip_arrived(camera, jpeg_with_gps())

    assert ClipRefusal.objects.count() == 2 and not Clip.objects.exists()


def test_the_media_sweep_keeps_the_part_of_an_upload_still_under_way():
    camera = CameraFactory()
    part = media_storage().save(incoming_name(), io.BytesIO(b"half a clip"))
    ClipUpload.objects.create(
        owner=camera.owner,
        camera=camera,
        length=100,
        offset=11,
        source="agent",
        part_name=part,
        expires_at=timezone.now(),
    )

    assert sweeping.orphans(older_than=timedelta(0)) == []
