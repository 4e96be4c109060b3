"""Every metadata segment goes, HEIC becomes JPEG, and a video's length is what it decodes to."""

from __future__ import annotations

import io
from pathlib import Path

import av
import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from commonwatch.media import cleaning
from commonwatch.media.tests.factories import (
    COMMENT,
    GPS_IFD,
    bright_video,
    forge_duration,
    heic_photo,
    jpeg_segments,
    jpeg_with_every_segment,
    png_chunk_types,
    png_with_text,
    short_video,
)

APP1, APP13, COM = 0xE1, 0xED, 0xFE


def _clean(tmp_path: Path, data: bytes, *, max_seconds: float = 60) -> cleaning.Cleaned:
    source = tmp_path / "upload"
    source.write_bytes(data)
    kind = cleaning.kind_of(data[:16])
    return cleaning.clean(kind, source, tmp_path, rules=cleaning.VideoRules(max_seconds))


def test_a_jpeg_loses_its_exif_gps_xmp_iptc_and_comment(tmp_path):
    original = jpeg_with_every_segment()
    markers = {marker for marker, _payload in jpeg_segments(original)}
    assert {APP1, APP13, COM} <= markers  # the test file really carries them

    cleaned = _clean(tmp_path, original)

    stored = cleaned.path.read_bytes()
    segments = jpeg_segments(stored)
    assert [m for m, _p in segments if m in (APP1, APP13, COM) or 0xE2 <= m <= 0xEF] == []
    assert COMMENT not in stored and b"xmpmeta" not in stored and b"Photoshop" not in stored
    assert b"Exif" not in stored and b"PhoneMaker" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert dict(image.getexif()) == {} and "comment" not in image.info
        assert image.size == (64, 48)
    assert (cleaned.content_type, cleaned.width, cleaned.height) == ("image/jpeg", 64, 48)


def test_a_png_loses_its_text_chunks(tmp_path):
    original = png_with_text()
    assert b"tEXt" in png_chunk_types(original) and b"iTXt" in png_chunk_types(original)

    cleaned = _clean(tmp_path, original)

    chunks = png_chunk_types(cleaned.path.read_bytes())
    assert set(chunks) <= {b"IHDR", b"IDAT", b"IEND"}
    assert cleaned.content_type == "image/png"


def test_an_iphone_heic_photo_is_stored_as_jpeg_without_its_gps(tmp_path):
    original = heic_photo()
    assert cleaning.kind_of(original[:16]) == "photo"

    cleaned = _clean(tmp_path, original)

    stored = cleaned.path.read_bytes()
    assert stored[:3] == b"\xff\xd8\xff" and cleaned.content_type == "image/jpeg"
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG" and image.size == (64, 48)
        assert image.getexif().get(GPS_IFD) is None
    assert cleaned.path.name.endswith(".jpg")


def test_every_photo_gets_a_thumbnail_without_metadata(tmp_path):
    cleaned = _clean(tmp_path, jpeg_with_every_segment())
    assert [m for m, _p in jpeg_segments(cleaned.thumbnail) if m in (APP1, APP13, COM)] == []


def test_a_cut_off_photo_is_refused(tmp_path):
    with pytest.raises(ValidationError) as refused:
        _clean(tmp_path, jpeg_with_every_segment()[:400])
    assert refused.value.code == "photo_unreadable"


def test_a_file_that_is_neither_is_refused_by_its_content():
    with pytest.raises(ValidationError) as refused:
        cleaning.kind_of(b"MZ\x90\x00 this is not an image at all")
    assert refused.value.code == "media_unreadable"


def test_a_video_loses_its_container_and_stream_tags(tmp_path):
    original = short_video(title="Front door")
    with av.open(io.BytesIO(original)) as container:
        assert container.metadata.get("location") and container.metadata.get("title")

    cleaned = _clean(tmp_path, original)

    stored = cleaned.path.read_bytes()
    with av.open(io.BytesIO(stored)) as container:
        tags = {k.lower() for k in container.metadata}
        assert not tags & {"title", "location", "make", "comment", "artist"}
        assert "title" not in container.streams.video[0].metadata
    assert b"Front door" not in stored and b"+39.7392" not in stored
    assert cleaned.content_type == "video/mp4" and (cleaned.width, cleaned.height) == (64, 48)
    assert cleaned.duration_s == pytest.approx(1.0, abs=0.11)
    assert cleaned.thumbnail[:3] == b"\xff\xd8\xff"


def test_a_forged_short_header_does_not_let_a_long_video_through(tmp_path):
    long_video = short_video(seconds=120, fps=2)
    forged = forge_duration(long_video, 30)
    with av.open(io.BytesIO(forged)) as container:
        declared = container.duration / av.time_base
        assert declared == pytest.approx(30, abs=1)  # what the header says

    with pytest.raises(ValidationError) as refused:
        _clean(tmp_path, forged, max_seconds=60)

    assert refused.value.code == "video_too_long"


def test_a_forged_header_cannot_shorten_an_acceptable_video_either(tmp_path):
    forged = forge_duration(short_video(seconds=4, fps=2), 1)
    assert _clean(tmp_path, forged).duration_s == pytest.approx(4, abs=0.6)


def test_a_video_too_long_is_refused(tmp_path):
    with pytest.raises(ValidationError) as refused:
        _clean(tmp_path, short_video(seconds=3, fps=2), max_seconds=2)
    assert refused.value.code == "video_too_long"


@pytest.mark.parametrize("faststart", [False, True], ids=["index-last", "index-first"])
def test_a_truncated_mp4_is_refused(tmp_path, faststart):
    whole = short_video(seconds=6, fps=5, faststart=faststart)
    with pytest.raises(ValidationError) as refused:
        _clean(tmp_path, whole[: len(whole) * 6 // 10])
    assert refused.value.code in ("video_truncated", "media_unreadable")


def test_a_video_that_decodes_shorter_than_its_header_is_refused_as_incomplete(tmp_path):
    whole = short_video(seconds=6, fps=5, faststart=True)  # index first: still opens when cut
    with pytest.raises(ValidationError) as refused:
        _clean(tmp_path, whole[: len(whole) * 9 // 10])
    assert refused.value.code == "video_truncated"


@pytest.mark.parametrize("codec", ["libx265", "mpeg4"])
def test_every_video_is_stored_as_h264_that_browsers_play(tmp_path, codec):
    cleaned = _clean(tmp_path, short_video(seconds=1, fps=5, codec=codec))
    with av.open(str(cleaned.path)) as container:
        assert container.streams.video[0].codec_context.name == "h264"
        assert container.streams.audio == ()
    assert cleaned.duration_s == pytest.approx(1, abs=0.21)


def test_a_large_video_is_scaled_down_to_fit(tmp_path):
    cleaned = _clean(tmp_path, short_video(seconds=0.4, fps=5, size=(1600, 900)))
    assert (cleaned.width, cleaned.height) == (1280, 720)


def test_a_video_loses_its_sound_unless_its_rules_keep_it(tmp_path):
    source = tmp_path / "upload"
    source.write_bytes(bright_video(sound=True))

    silent = cleaning.clean_video(source, tmp_path, rules=cleaning.VideoRules(60))
    with av.open(str(silent.path)) as container:
        assert [s.type for s in container.streams] == ["video"] and not silent.has_audio
    kept = cleaning.clean_video(source, tmp_path, rules=cleaning.VideoRules(60, keep_audio=True))
    with av.open(str(kept.path)) as container:
        assert [s.codec_context.name for s in container.streams] == ["h264", "aac"]


def test_a_videos_creation_time_is_read_before_it_is_stripped(tmp_path):
    cleaned = _clean(tmp_path, bright_video(creation_time="2026-11-20T08:15:00.000000Z"))

    assert cleaned.recorded_at.isoformat() == "2026-11-20T08:15:00+00:00"
    with av.open(str(cleaned.path)) as container:
        assert "creation_time" not in container.metadata
