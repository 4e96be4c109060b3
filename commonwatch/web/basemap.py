"""The map's basemap: what MAP_TILES names, and the PMTiles file the app serves itself.

A PMTiles file is one archive that the browser reads by byte ranges (a directory,
then each tile), so serving it needs nothing but ranges of a file: no tile server.
The path comes from settings only, never from the request, so nothing a visitor
sends can name another file.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from commonwatch.accounts.access import EVERYONE, access
from commonwatch.core.streaming import BLOCK, RangeSent

VECTOR_SUFFIXES = (".pmtiles", ".mvt", ".pbf")
# Tile and directory reads are a few KB: answered from one read. Longer ranges stream.
SMALL_BODY = BLOCK
# Clients revalidate with the ETag after this; a rebuilt file gets a new one.
MAX_AGE_S = 3600
SINGLE_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


@dataclass(frozen=True)
class Basemap:
    kind: str  # "" (the map's own background), "raster" or "vector"
    url: str
    attribution: str
    remote: bool  # tiles come from another server, which sees who looks where


def configured() -> Basemap:
    """The basemap MAP_TILES names, as the browser loads it."""
    tiles = settings.MAP_TILES
    if not tiles:
        return Basemap("", "", "", remote=False)
    remote = tiles.startswith(("https://", "http://"))
    if not remote:
        return Basemap("vector", reverse("web:basemap"), settings.MAP_ATTRIBUTION, remote=False)
    vector = tiles.split("?")[0].endswith(VECTOR_SUFFIXES)
    return Basemap("vector" if vector else "raster", tiles, settings.MAP_ATTRIBUTION, remote=True)


def local_file() -> Path | None:
    """The PMTiles file to serve, when MAP_TILES names one on this machine."""
    tiles = settings.MAP_TILES
    if not tiles or tiles.startswith(("https://", "http://")):
        return None
    return Path(tiles)


def requested_range(header: str, size: int) -> tuple[int, int] | None:
    """(first, last) byte of a single satisfiable range; None to send the whole file.

    ValueError when the range is well formed but lies outside the file (416). Several
    ranges or a malformed header are ignored, as RFC 9110 allows: the whole file is sent.
    """
    match = SINGLE_RANGE.match(header.replace(" ", ""))
    if not match or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if first == "":
        length = int(last)
        if length == 0 or size == 0:
            raise ValueError("empty suffix range")
        return max(size - length, 0), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if last and int(last) < start:
        return None
    if start >= size:
        raise ValueError("range starts after the end of the file")
    return start, end


def _body(path: Path, start: int, end: int, status: int):
    length = end - start + 1
    if length <= SMALL_BODY:
        fd = os.open(path, os.O_RDONLY)
        try:
            data = os.pread(fd, length, start)
        finally:
            os.close(fd)
        response = HttpResponse(data, status=status)
        response["Content-Length"] = str(length)
        return response
    return RangeSent(path.open("rb"), start, length, status=status)


@access(EVERYONE)
@require_safe
def basemap_file(request):
    """The PMTiles basemap, public like the static files, by byte ranges (206/416)."""
    path = local_file()
    try:
        stat = path.stat() if path else None
    except OSError:
        stat = None
    if stat is None or not path.is_file():
        raise Http404
    etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponse(status=304)
    else:
        response = _ranged(request, path, stat.st_size, etag)
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={MAX_AGE_S}"
    response["Accept-Ranges"] = "bytes"
    return response


def _ranged(request, path: Path, size: int, etag: str):
    header = request.headers.get("Range", "")
    if_range = request.headers.get("If-Range")
    if if_range is not None and if_range != etag:
        header = ""
    try:
        wanted = requested_range(header, size)
    except ValueError:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    if wanted is None:
        response = _body(path, 0, size - 1, 200) if size else HttpResponse(b"")
    else:
        response = _body(path, *wanted, 206)
        response["Content-Range"] = f"bytes {wanted[0]}-{wanted[1]}/{size}"
    response["Content-Type"] = "application/vnd.pmtiles"
    return response
