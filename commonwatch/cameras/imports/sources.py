"""The files an import reads, whatever brought them: uploads, a folder, or a zip.

Each is an Entry (a name, a size, a way to open its bytes), or an Entry already refused
with its reason. A zip is checked as a whole before any member is read: a name that
climbs out of the archive (path traversal) refuses all of it, as do too many members or
more unpacked bytes than IMPORT_MAX_UNPACKED_BYTES; members that are links, encrypted,
or compressed far beyond what a video allows (a zip bomb) are skipped one by one.
Nothing is ever written to disk under a member's name.
"""

from __future__ import annotations

import contextlib
import json
import stat
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from commonwatch.core.schemas import MAX_ID

MAX_ARCHIVE_MEMBERS = 5000
# Video is compressed already: a member that unpacks to over this many times its packed
# size is not a video, and is how a zip bomb fills a disk.
MAX_COMPRESSION_RATIO = 20
RATIO_CHECKED_ABOVE = 1 << 20  # tiny members may compress well (and cannot hurt)
ARCHIVE_SUFFIXES = frozenset({".zip", ".7z", ".rar", ".tar", ".gz", ".tgz", ".bz2", ".xz"})
# A zip starts with its first member, or, holding none, with its end record.
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


class ArchiveRefused(Exception):
    """The whole archive is refused; the message says why, for its owner."""


@dataclass(frozen=True)
class Entry:
    name: str
    size: int
    open: Callable[[], contextlib.AbstractContextManager[BinaryIO]] | None = None
    refusal: str = ""


# What the import page reports of the files it could not send (at most this many a part).
MAX_LEFT_OUT = 1000


def left_out_entries(reported: str) -> list[Entry]:
    """The files a browser left out of a folder or of a zip it unpacked, as it reports
    them (JSON: [[name, size, "size" | "unpack"], ...]), so the owner reads why each is
    missing. Only names and sizes come from the page; the reasons are the server's.
    ValidationError for a report that is not that (before anything is kept)."""
    try:
        rows = json.loads(reported or "[]")
    except (ValueError, RecursionError):  # not JSON, or nested past the parser's depth
        rows = None
    if not isinstance(rows, list) or len(rows) > MAX_LEFT_OUT or not all(map(_is_left_out, rows)):
        raise ValidationError(
            _(
                "left_out must be a list of at most %(n)d [name, size in bytes, "
                '"size" or "unpack"] entries.'
            )
            % {"n": MAX_LEFT_OUT},
            code="left_out",
        )
    return [
        Entry(name.strip()[:255], size, refusal=_left_out_because(why, size))
        for name, size, why in rows
    ]


def _is_left_out(row) -> bool:
    return (
        isinstance(row, list)
        and len(row) == 3
        and isinstance(row[0], str)
        and bool(row[0].strip())
        and type(row[1]) is int
        and 0 <= row[1] <= MAX_ID
        and row[2] in ("size", "unpack")
    )


def _left_out_because(why: str, size: int) -> str:
    if why == "unpack":
        return _(
            "Your browser could not unpack it from the zip (encrypted, or packed in a way it "
            "does not read). Unpack the zip yourself and send the folder."
        )
    return refusal_by_size(size) or _(
        "Too large to send from a browser here. The site's operator can import it."
    )


def refusal_by_size(size: int) -> str:
    """Why a file of this size cannot be a clip, or "" when it may."""
    if size > settings.MEDIA_MAX_VIDEO_BYTES:
        return _("Larger than the %(limit)s a clip may be.") % {
            "limit": filesizeformat(settings.MEDIA_MAX_VIDEO_BYTES)
        }
    return ""


def upload_entries(uploads) -> list[Entry]:
    """Files received by a page (Django UploadedFile), in the order sent."""
    return [Entry(u.name, u.size, _rewound(u)) for u in uploads]


def _rewound(upload):
    def open_upload():
        upload.seek(0)
        return contextlib.nullcontext(upload)

    return open_upload


def folder_entries(folder: Path) -> Iterator[Entry]:
    """Every file under `folder`, by name; links are not followed (they could lead out)."""
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.is_symlink():
            yield Entry(name, 0, refusal=_("A link, not a file: not followed."))
        elif path.is_file():
            yield Entry(name, path.stat().st_size, partial(path.open, "rb"))


def zip_entries(archive: zipfile.ZipFile) -> list[Entry]:
    """The archive's members, once the archive as a whole is safe to read."""
    members = [info for info in archive.infolist() if not info.is_dir()]
    _check_archive(members)
    return [_member(archive, info) for info in members]


def _check_archive(members: list[zipfile.ZipInfo]) -> None:
    if not members:
        raise ArchiveRefused(_("This zip holds no files."))
    if len(members) > MAX_ARCHIVE_MEMBERS:
        raise ArchiveRefused(
            _("This zip holds more than %(n)d files: import it in parts.")
            % {"n": MAX_ARCHIVE_MEMBERS}
        )
    unsafe = next((m.filename for m in members if not is_safe_name(m.filename)), None)
    if unsafe is not None:
        raise ArchiveRefused(
            _("This zip names a file outside itself (%(name)s): nothing was imported from it.")
            % {"name": unsafe[:100]}
        )
    unpacked = sum(m.file_size for m in members)
    if unpacked > settings.IMPORT_MAX_UNPACKED_BYTES:
        raise ArchiveRefused(
            _("This zip unpacks to %(size)s, more than the %(limit)s an import may hold.")
            % {
                "size": filesizeformat(unpacked),
                "limit": filesizeformat(settings.IMPORT_MAX_UNPACKED_BYTES),
            }
        )


def is_safe_name(name: str) -> bool:
    """A relative name that stays inside the archive, on any system."""
    path = PurePosixPath(name.replace("\\", "/"))
    drive = len(name) > 1 and name[1] == ":"
    return bool(name) and not path.is_absolute() and not drive and ".." not in path.parts


def _member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Entry:
    refusal = ""
    if stat.S_ISLNK(info.external_attr >> 16):
        refusal = _("A link, not a file: not followed.")
    elif info.flag_bits & 0x1:
        refusal = _("Encrypted in the zip: it cannot be read.")
    elif info.file_size > RATIO_CHECKED_ABOVE and (
        info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1)
    ):
        refusal = _("Compressed far more than a video can be: not unpacked.")
    return Entry(info.filename, info.file_size, lambda: archive.open(info), refusal)


def is_archive(name: str, head: bytes) -> bool:
    return PurePosixPath(name).suffix.lower() in ARCHIVE_SUFFIXES or head.startswith(ZIP_MAGIC)
