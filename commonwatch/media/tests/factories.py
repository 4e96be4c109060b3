"""Photos and videos made at test time (Pillow, pillow-heif, PyAV), and uploads of them."""

from __future__ import annotations

import io
import struct
import tempfile
from pathlib import Path

import av
import numpy as np
import pillow_heif
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from PIL import Image

from commonwatch.media import services
from commonwatch.media.models import MediaFile

GPS_IFD = 0x8825
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
    b'22-rdf-syntax-ns#"><rdf:Description exif:GPSLatitude="39,44.35N"/></rdf:RDF></x:xmpmeta>'
)
XMP_APP1 = b"http://ns.adobe.com/xap/1.0/\x00" + XMP
IPTC_APP13 = b"Photoshop 3.0\x008BIM\x04\x04\x00\x00\x00\x00\x00\x0c\x1c\x02\x5a\x00\x06Denver"
COMMENT = b"Taken at 1234 Elm Street by Jane Doe"


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), "navy")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[GPS_IFD] = {1: "N", 2: (39.0, 44.0, 21.0), 3: "W", 4: (104.0, 59.0, 25.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def jpeg_with_every_segment() -> bytes:
    """EXIF with GPS (APP1), XMP (APP1), IPTC (APP13) and a comment (COM)."""
    plain = jpeg_with_gps()
    extra = segment(0xE1, XMP_APP1) + segment(0xED, IPTC_APP13) + segment(0xFE, COMMENT)
    return plain[:2] + extra + plain[2:]


def segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def jpeg_segments(data: bytes) -> list[tuple[int, bytes]]:
    """(marker, payload) of every segment before the image data."""
    assert data[:2] == b"\xff\xd8"
    found, at = [], 2
    while at < len(data):
        marker = data[at + 1]
        if marker == 0xDA:  # start of scan: the pixels follow
            break
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        found.append((marker, data[at + 4 : at + 2 + length]))
        at += 2 + length
    return found


def png_with_text() -> bytes:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "1234 Elm Street")
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    out = io.BytesIO()
    Image.new("RGBA", (32, 32), (200, 10, 10, 128)).save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def png_chunk_types(data: bytes) -> list[bytes]:
    types, at = [], 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        types.append(data[at + 4 : at + 8])
        at += 12 + length
    return types


def heic_photo() -> bytes:
    """What an iPhone sends: HEIC, here with EXIF GPS in it."""
    image = Image.new("RGB", (64, 48), "teal")
    exif = Image.Exif()
    exif[GPS_IFD] = {1: "N", 2: (39.0, 44.0, 21.0)}
    heif = pillow_heif.from_pillow(image)
    out = io.BytesIO()
    heif.save(out, quality=80, exif=exif.tobytes())
    return out.getvalue()


def short_video(
    seconds: float = 1,
    *,
    fps: int = 10,
    title: str = "",
    faststart=False,
    codec: str = "libx264",
    size: tuple[int, int] = (64, 48),
) -> bytes:
    """An MP4 (H.264 unless `codec` says otherwise); `faststart` puts its index first
    (moving it needs a real file)."""
    options = {"movflags": "+faststart"} if faststart else {}
    with tempfile.TemporaryDirectory() as workdir:
        path = Path(workdir) / "video.mp4"
        _write_video(path, seconds, fps, title, options, codec, size)
        return path.read_bytes()


def _write_video(path: Path, seconds, fps, title, options, codec, size) -> None:
    width, height = size
    with av.open(str(path), mode="w", format="mp4", options=options) as container:
        if title:
            container.metadata["title"] = title
            container.metadata["location"] = "+39.7392-104.9903/"
            container.metadata["make"] = "PhoneMaker"
        stream = container.add_stream(codec, rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        if codec == "libx265":
            stream.options = {"x265-params": "log-level=error"}
        if title:
            stream.metadata["title"] = title
        for i in range(int(seconds * fps)):
            pixels = np.full((height, width, 3), i * 20 % 255, np.uint8)
            frame = av.VideoFrame.from_ndarray(pixels, format="rgb24")
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)


# Where each header box keeps its duration: (offset in the box's body, version 0 / 1).
DURATION_AT = {b"mvhd": (16, 24), b"tkhd": (20, 28), b"mdhd": (16, 24)}
DURATION_TIMESCALE_AT = {b"mvhd": (12, 20), b"mdhd": (12, 20)}
CONTAINER_BOXES = {b"moov", b"trak", b"mdia"}


def forge_duration(data: bytes, seconds: float) -> bytes:
    """The same MP4 with its movie, track and media headers claiming `seconds`."""
    forged = bytearray(data)
    _forge_boxes(forged, 0, len(forged), seconds, timescale=None)
    return bytes(forged)


def _forge_boxes(data: bytearray, start: int, end: int, seconds: float, timescale):
    at = start
    while at + 8 <= end:
        size, kind = struct.unpack(">I4s", data[at : at + 8])
        body = at + 8
        if kind in CONTAINER_BOXES:
            _forge_boxes(data, body, at + size, seconds, timescale)
        elif kind in DURATION_AT:
            version = data[body]
            width = 8 if version == 1 else 4
            if kind in DURATION_TIMESCALE_AT:
                offset = DURATION_TIMESCALE_AT[kind][version]
                (timescale,) = struct.unpack(">I", data[body + offset : body + offset + 4])
            scale = timescale or 1000
            offset = DURATION_AT[kind][version]
            fmt = ">Q" if width == 8 else ">I"
            data[body + offset : body + offset + width] = struct.pack(fmt, int(seconds * scale))
        at += size


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def processed(owner, data: bytes, name: str = "upload.bin") -> MediaFile:
    """An upload accepted and processed as after a real commit (tasks run inline)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        item = services.accept_upload(owner=owner, upload=upload(name, data))
    item.refresh_from_db()
    return item


def bright_video(
    seconds: float = 1,
    *,
    fps: int = 10,
    size: tuple[int, int] = (160, 120),
    sound: bool = False,
    creation_time: str = "",
) -> bytes:
    """A bright, nearly white H.264 MP4 (anything painted black stands out), with a tone
    in AAC if `sound`, and a creation_time tag if given."""
    width, height = size
    with tempfile.TemporaryDirectory() as workdir:
        path = Path(workdir) / "video.mp4"
        with av.open(str(path), mode="w", format="mp4") as container:
            if creation_time:
                container.metadata["creation_time"] = creation_time
            stream = container.add_stream("libx264", rate=fps)
            stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
            tone = container.add_stream("aac", rate=44100) if sound else None
            for i in range(int(seconds * fps)):
                pixels = np.full((height, width, 3), 230 + i % 20, np.uint8)
                frame = av.VideoFrame.from_ndarray(pixels, format="rgb24")
                for packet in stream.encode(frame):
                    container.mux(packet)
            for packet in stream.encode():
                container.mux(packet)
            if tone is not None:
                _write_tone(container, tone, seconds)
        return path.read_bytes()


def _write_tone(container, stream, seconds: float) -> None:
    rate, samples = 44100, 1024
    for start in range(0, int(seconds * rate), samples):
        t = (np.arange(start, start + samples) / rate).astype(np.float32)
        wave = (0.2 * np.sin(2 * np.pi * 440 * t)).reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(wave, format="fltp", layout="mono")
        frame.sample_rate, frame.pts = rate, start
        for packet in stream.encode(frame):
            container.mux(packet)
    for packet in stream.encode():
        container.mux(packet)
