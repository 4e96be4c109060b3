"""Checking, measuring and stripping one file on local disk: no database, no storage.

Files are judged by their content (Pillow, pillow-heif and FFmpeg decode them), never by
name or declared type. A photo is rebuilt from its pixels alone, so no metadata segment
survives: EXIF (and its GPS block), XMP, IPTC, JPEG comments, PNG text chunks. A video is
decoded frame by frame to measure how long it really is (a container's header can say
anything), and encoded again as H.264 in an MP4 with no container or stream tags.

What a video keeps besides its picture is decided per file (VideoRules, from media.hooks):
by default no sound; a camera's clips keep theirs as AAC when the owner turned audio on,
and have the owner's privacy zones painted black in every frame before it is encoded.
"""

from __future__ import annotations

import io
import tempfile
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pillow_heif
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from PIL import Image, ImageDraw, ImageOps, UnidentifiedImageError

from .models import Kind
from .recording_time import creation_time

pillow_heif.register_heif_opener()

MAX_PHOTO_PIXELS = 40_000_000
THUMBNAIL_BOX = (320, 320)
# Photo formats accepted, and the format each is stored in: iPhone HEIC becomes JPEG.
PHOTO_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WEBP", "HEIF": "JPEG"}
STORED_AS = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "WEBP": ("webp", "image/webp"),
}
VIDEO_CODECS = {"h264", "hevc", "vp8", "vp9", "av1", "mpeg4"}
VIDEO_CONTAINERS = {"mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm"}
# Stored videos fit in this many pixels on their longer side.
MAX_VIDEO_EDGE = 1280
FASTSTART = {"movflags": "+faststart"}
# How much shorter than its header says a video may decode before it counts as cut off.
TRUNCATION_TOLERANCE_S = 0.5
UNREADABLE = _lazy("This file is neither a photo nor a playable video.")
NOT_A_VIDEO = _lazy("This file is not a playable video.")
# Black in the limited-range YUV that H.264 stores: luma 16, neutral chroma.
BLACK_LUMA, NEUTRAL_CHROMA = 16, 128
# A creation time before this, or in the future, is a camera's unset clock, not a time.
HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}


Polygon = tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class VideoRules:
    """How one video is cleaned. Posts take the defaults; an app that attaches videos may
    ask for its own rules per file (media.hooks.video_rules)."""

    max_seconds: float
    max_bytes: int | None = None
    keep_audio: bool = False
    # Areas painted black in every frame: polygons of (x, y) in frame coordinates, 0..1
    # from the top-left corner, whatever size the video is.
    blackout: tuple[Polygon, ...] = ()


@dataclass
class Cleaned:
    """A file fit to publish, written to `path`, with what was measured while cleaning it."""

    path: Path
    extension: str
    content_type: str
    thumbnail: bytes
    width: int
    height: int
    duration_s: float | None = None
    # When the file says it was recorded (its creation_time tag, read before stripping).
    recorded_at: datetime | None = None
    has_audio: bool = False


def kind_of(head: bytes) -> str:
    """Photo or video, from the file's first bytes; ValidationError if it is neither."""
    if head.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")) or head[8:12] == b"WEBP":
        return Kind.PHOTO
    if head[4:8] == b"ftyp":
        return Kind.PHOTO if head[8:12] in HEIF_BRANDS else Kind.VIDEO
    if head.startswith(b"\x1a\x45\xdf\xa3"):  # Matroska / WebM
        return Kind.VIDEO
    raise ValidationError(UNREADABLE, code="media_unreadable")


def clean(kind: str, source: Path, workdir: Path, *, rules: VideoRules) -> Cleaned:
    if kind == Kind.PHOTO:
        return clean_photo(source, workdir)
    return clean_video(source, workdir, rules=rules)


def clean_photo(source: Path, workdir: Path) -> Cleaned:
    try:
        with Image.open(source) as image:
            stored_format = PHOTO_FORMATS.get(image.format or "")
            if stored_format is None:
                raise ValidationError(
                    _("Photos must be JPEG, PNG, WebP or HEIC."), code="photo_format"
                )
            if image.width * image.height > MAX_PHOTO_PIXELS:
                raise ValidationError(_("The photo has too many pixels."), code="photo_pixels")
            image.load()  # decodes every byte: a cut-off file fails here
            bare = _pixels_only(ImageOps.exif_transpose(image), stored_format)
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
    ) as exc:
        raise ValidationError(
            _("This file is not a readable photo."), code="photo_unreadable"
        ) from exc
    extension, content_type = STORED_AS[stored_format]
    target = workdir / f"photo.{extension}"
    bare.save(target, format=stored_format, quality=88)
    return Cleaned(
        path=target,
        extension=extension,
        content_type=content_type,
        thumbnail=_thumbnail(bare),
        width=bare.width,
        height=bare.height,
    )


def _pixels_only(image: Image.Image, stored_format: str) -> Image.Image:
    """A new image made of the pixels alone: Pillow writes segments it finds in an image's
    `info` (a JPEG comment, XMP, an ICC profile), and a fresh image has none."""
    keeps_alpha = stored_format != "JPEG" and image.mode in ("RGBA", "LA", "PA")
    mode = "RGBA" if keeps_alpha else ("L" if image.mode in ("L", "1") else "RGB")
    converted = image.convert(mode)
    return Image.frombytes(mode, converted.size, converted.tobytes())


def _thumbnail(image: Image.Image) -> bytes:
    small = image.convert("RGB")
    small.thumbnail(THUMBNAIL_BOX)
    out = io.BytesIO()
    Image.frombytes("RGB", small.size, small.tobytes()).save(out, format="JPEG", quality=80)
    return out.getvalue()


def clean_video(source: Path, workdir: Path, *, rules: VideoRules) -> Cleaned:
    if rules.max_bytes is not None and source.stat().st_size > rules.max_bytes:
        raise ValidationError(
            _("Videos may be at most %(mb)d MB.") % {"mb": rules.max_bytes >> 20},
            code="video_too_large",
        )
    target = workdir / "video.mp4"
    try:
        with av.open(str(source), mode="r") as container:
            video = _video_stream(container)
            declared = _declared_seconds(container, video)
            recorded_at = creation_time((container.metadata, video.metadata))
            result = _transcode(container, video, target, rules)
    except (av.error.FFmpegError, IndexError, ValueError) as exc:
        raise ValidationError(NOT_A_VIDEO, code="media_unreadable") from exc
    if result.seconds + TRUNCATION_TOLERANCE_S < declared:
        raise ValidationError(
            _("This video is incomplete: it stops before its end."), code="video_truncated"
        )
    return Cleaned(
        path=target,
        extension="mp4",
        content_type="video/mp4",
        thumbnail=_thumbnail(result.first_frame),
        width=result.size[0],
        height=result.size[1],
        duration_s=round(result.seconds, 3),
        recorded_at=recorded_at,
        has_audio=result.has_audio,
    )


def _video_stream(container):
    if container.format.name not in VIDEO_CONTAINERS or not container.streams.video:
        raise ValidationError(NOT_A_VIDEO, code="media_unreadable")
    video = container.streams.video[0]
    if video.codec_context.name not in VIDEO_CODECS:
        raise ValidationError(_("This video format is not supported."), code="video_codec")
    return video


def _declared_seconds(container, video) -> float:
    """The longest duration the headers claim: only to notice a file that was cut off."""
    claims = [0.0]
    if container.duration:
        claims.append(float(container.duration / av.time_base))
    if video.duration and video.time_base:
        claims.append(float(video.duration * video.time_base))
    return max(claims)


class _Clock:
    """How long the frames decoded so far play: from the first frame's start to the last
    one's end, in each frame's own timestamps. Refuses as soon as it passes the limit."""

    def __init__(self, video, max_seconds: float):
        self.max_seconds = max_seconds
        self.fallback = Fraction(1, int(video.average_rate or 25))
        self.first_pts: int | None = None
        self.start = self.end = Fraction(0)

    def add(self, frame) -> bool:
        """Count the frame (False for one without a timestamp, which is skipped)."""
        if frame.pts is None or frame.time_base is None:
            return False
        at = Fraction(frame.pts) * frame.time_base
        lasts = Fraction(frame.duration) * frame.time_base if frame.duration else self.fallback
        if self.first_pts is None:
            self.first_pts, self.start, self.end = frame.pts, at, at + lasts
        self.start, self.end = min(self.start, at), max(self.end, at + lasts)
        if self.seconds > self.max_seconds:
            raise ValidationError(
                _("Videos must be at most %(s)d seconds long.") % {"s": self.max_seconds},
                code="video_too_long",
            )
        return True

    @property
    def seconds(self) -> float:
        return float(self.end - self.start)


@dataclass
class _Transcoded:
    seconds: float
    first_frame: Image.Image
    size: tuple[int, int]
    has_audio: bool


def _transcode(container, video, target: Path, rules: VideoRules) -> _Transcoded:
    """Decode every frame (measuring as it goes) and encode it again as H.264 in a new MP4.

    Re-encoding, not copying packets: what a camera hides in the bitstream itself (GPS in
    H.264 SEI messages, as dashcams write) does not survive, iPhone HEVC becomes a video
    every browser plays, and the new file carries no container or stream tags. Its index
    comes first (faststart), so playback starts before the download ends. Privacy zones
    are painted on the decoded frames, so no encoded frame ever holds what they hide; the
    thumbnail is taken from a painted frame too.
    """
    width, height = _fitted(video.codec_context.width, video.codec_context.height)
    clock = _Clock(video, rules.max_seconds)
    blackout = _blackout_masks(rules.blackout, width, height)
    sound = container.streams.audio[0] if rules.keep_audio and container.streams.audio else None
    first_frame = None
    with av.open(str(target), mode="w", format="mp4", options=FASTSTART) as out:
        stream = _h264_stream(out, video, width, height)
        aac = out.add_stream("aac", rate=sound.codec_context.sample_rate) if sound else None
        for packet in container.demux(*(s for s in (video, sound) if s is not None)):
            for frame in packet.decode():
                if packet.stream is sound:
                    _encode(out, aac, frame)
                    continue
                if not clock.add(frame):
                    continue
                scaled = frame.reformat(width=width, height=height, format="yuv420p")
                _paint_black(scaled, blackout)
                first_frame = first_frame or scaled.to_image()
                scaled.pts, scaled.time_base = frame.pts - clock.first_pts, video.time_base
                _encode(out, stream, scaled)
        for encoder in (stream, aac):
            if encoder is not None:
                _encode(out, encoder, None)
    if first_frame is None:
        raise ValidationError(NOT_A_VIDEO, code="media_unreadable")
    return _Transcoded(clock.seconds, first_frame, (width, height), aac is not None)


def _encode(out, stream, frame) -> None:
    """Encode one frame (None: flush what the encoder holds) and write its packets."""
    for packet in stream.encode(frame):
        out.mux(packet)


def _blackout_masks(polygons, width: int, height: int):
    """Which pixels each privacy zone covers, in the stored size: a luma mask, and a
    chroma mask (half size) that covers a sample if any of its four pixels is covered.

    A zone covers what the zones page shows covered: its outline and every point the
    polygon winds around (the nonzero rule of the page's canvas). Pillow alone fills by
    the even-odd rule, which leaves the overlap of a zone whose edges cross (a star's
    middle) visible; zones are refused such edges now, but older ones may have them.
    Not the convex hull: that would also hide the bays of a concave zone the owner left
    visible on purpose."""
    if not polygons:
        return None
    canvas = Image.new("1", (width, height), 0)
    draw = ImageDraw.Draw(canvas)
    luma = np.zeros((height, width), dtype=bool)
    for polygon in polygons:
        points = [(x * width, y * height) for x, y in polygon]
        if len(points) >= 3:
            draw.polygon(points, fill=1, outline=1)
            luma |= _wound_around(points, width, height)
    luma |= np.array(canvas, dtype=bool)
    chroma = luma.reshape(height // 2, 2, width // 2, 2).any(axis=(1, 3))
    return luma, chroma


def _wound_around(points, width: int, height: int) -> np.ndarray:
    """Pixels whose centre the polygon winds around at least once (its winding number is
    not 0), counted only within the polygon's bounding box."""
    mask = np.zeros((height, width), dtype=bool)
    left, top = (max(0, int(min(p[i] for p in points))) for i in (0, 1))
    right, bottom = (int(max(p[i] for p in points)) + 1 for i in (0, 1))
    xs = np.arange(left, min(right, width)) + 0.5
    ys = (np.arange(top, min(bottom, height)) + 0.5)[:, None]
    winding = np.zeros((len(ys), len(xs)), dtype=np.int16)
    for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=True):
        side = (x2 - x1) * (ys - y1) - (xs - x1) * (y2 - y1)
        winding += (y1 <= ys) & (ys < y2) & (side > 0)
        winding -= (y2 <= ys) & (ys < y1) & (side < 0)
    mask[top : top + len(ys), left : left + len(xs)] = winding != 0
    return mask


def _paint_black(frame, masks) -> None:
    """Paint the masked pixels of a yuv420p frame black, in place."""
    if masks is None:
        return
    luma, chroma = masks
    painted = ((luma, BLACK_LUMA), (chroma, NEUTRAL_CHROMA), (chroma, NEUTRAL_CHROMA))
    for plane, (mask, value) in zip(frame.planes, painted, strict=True):
        rows = np.frombuffer(plane, dtype=np.uint8).reshape(plane.height, plane.line_size)
        rows[:, : plane.width][mask] = value


def _fitted(width: int, height: int) -> tuple[int, int]:
    """The size the stored video gets: within MAX_VIDEO_EDGE, even sides (H.264 4:2:0)."""
    scale = min(1.0, MAX_VIDEO_EDGE / max(width, height))
    return max(2, int(width * scale) // 2 * 2), max(2, int(height * scale) // 2 * 2)


def _h264_stream(out, video, width: int, height: int):
    stream = out.add_stream("libx264", rate=video.average_rate or 30)
    stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
    stream.codec_context.time_base = video.time_base  # keeps each frame's own timing
    stream.options = {"preset": "veryfast", "crf": "23"}
    return stream


def temporary_workdir() -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix="commonwatch-media-")
