"""Checking and cleaning uploaded photos and videos before anyone else can see them.

Files are judged by their content (Pillow and FFmpeg open them), never by name
or declared type. Photos are re-encoded, which drops EXIF and GPS tags; videos
are remuxed into MP4 with container metadata (including location atoms) cleared.
"""

from __future__ import annotations

import io
import tempfile
from dataclasses import dataclass

import av
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTO_PIXELS = 40_000_000
MAX_VIDEO_BYTES = 50 * 1024 * 1024
MAX_VIDEO_SECONDS = 60
MAX_MEDIA_PER_POST = 4
PHOTO_FORMATS = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "WEBP": ("webp", "image/webp"),
}
VIDEO_CODECS = {"h264", "hevc", "vp8", "vp9", "av1", "mpeg4"}
VIDEO_CONTAINERS = {"mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm"}
UNREADABLE = _lazy("This file is neither a photo nor a playable video.")


@dataclass
class CleanMedia:
    kind: str
    content: ContentFile
    content_type: str
    width: int | None = None
    height: int | None = None
    duration_s: float | None = None


def clean_upload(upload) -> CleanMedia:
    """A photo or video made safe to publish, or a ValidationError saying what is wrong."""
    head = upload.read(16)
    upload.seek(0)
    if _looks_like_image(head):
        return clean_photo(upload)
    return clean_video(upload)


def _looks_like_image(head: bytes) -> bool:
    return head.startswith((b"\xff\xd8\xff", b"\x89PNG")) or head[8:12] == b"WEBP"


def clean_photo(upload) -> CleanMedia:
    if upload.size > MAX_PHOTO_BYTES:
        raise ValidationError(_("Photos may be at most 10 MB."), code="photo_too_large")
    try:
        with Image.open(upload) as probe:
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            if image.format not in PHOTO_FORMATS:
                raise ValidationError(_("Photos must be JPEG, PNG or WebP."), code="photo_format")
            if image.width * image.height > MAX_PHOTO_PIXELS:
                raise ValidationError(_("The photo has too many pixels."), code="photo_pixels")
            extension, content_type = PHOTO_FORMATS[image.format]
            upright = ImageOps.exif_transpose(image)
            out = io.BytesIO()
            # Saving without exif= writes a fresh file with no EXIF, GPS or XMP block.
            upright.save(out, format=image.format, quality=88)
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ValidationError(
            _("This file is not a readable photo."), code="photo_unreadable"
        ) from exc
    return CleanMedia(
        kind="photo",
        content=ContentFile(out.getvalue(), name=f"photo.{extension}"),
        content_type=content_type,
        width=upright.width,
        height=upright.height,
    )


def clean_video(upload) -> CleanMedia:
    if upload.size > MAX_VIDEO_BYTES:
        raise ValidationError(_("Videos may be at most 50 MB."), code="video_too_large")
    with tempfile.NamedTemporaryFile(suffix=".mp4") as target:
        try:
            width, height, duration = _remux_without_metadata(upload, target.name)
        except (av.error.FFmpegError, ValueError, IndexError) as exc:
            raise ValidationError(UNREADABLE, code="media_unreadable") from exc
        target.seek(0)
        data = target.read()
    return CleanMedia(
        kind="video",
        content=ContentFile(data, name="video.mp4"),
        content_type="video/mp4",
        width=width,
        height=height,
        duration_s=duration,
    )


def _remux_without_metadata(upload, target_path: str) -> tuple[int, int, float]:
    upload.seek(0)
    with av.open(upload, mode="r") as source:
        if source.format.name not in VIDEO_CONTAINERS or not source.streams.video:
            raise ValidationError(UNREADABLE, code="media_unreadable")
        video = source.streams.video[0]
        if video.codec_context.name not in VIDEO_CODECS:
            raise ValidationError(_("This video format is not supported."), code="video_codec")
        duration = float(source.duration / av.time_base) if source.duration else 0.0
        if duration <= 0 or duration > MAX_VIDEO_SECONDS:
            raise ValidationError(
                _("Videos must be at most %(s)d seconds long.") % {"s": MAX_VIDEO_SECONDS},
                code="video_too_long",
            )
        with av.open(target_path, mode="w", format="mp4") as target:
            out_stream = target.add_stream_from_template(video)
            for packet in source.demux(video):
                if packet.dts is None:
                    continue
                packet.stream = out_stream
                target.mux(packet)
        return video.codec_context.width, video.codec_context.height, duration
