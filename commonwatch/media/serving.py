"""Answering with a file's bytes once the view has checked who asks.

Three ways, one per deployment: nginx sends the file itself (X-Accel-Redirect to an
internal location, settings.MEDIA_ACCEL_REDIRECT); object storage gets a signed URL that
expires in minutes (settings.MEDIA_STORAGE = "s3"); the embedded mode streams it from
disk, with byte ranges so videos can seek. No path is ever public.
"""

from __future__ import annotations

import hashlib
import re

from django.conf import settings
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseNotModified,
    HttpResponseRedirect,
)

from commonwatch.core.streaming import BLOCK, FileSent, RangeSent

from .models import MediaFile
from .storage import media_storage

THUMBNAIL = "thumbnail"
RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def respond(request, item: MediaFile, variant: str = "") -> HttpResponse:
    name = item.thumbnail_name if variant == THUMBNAIL else item.name
    if not name:
        raise Http404
    content_type = "image/jpeg" if variant == THUMBNAIL else item.content_type
    # Browsers keep the bytes but ask again each time (no-cache), so a file deleted or
    # taken down is not shown from the cache; the check answers 304 while it stands.
    etag = f'"{hashlib.sha256(name.encode()).hexdigest()[:32]}"'
    if settings.MEDIA_STORAGE != "s3" and request.headers.get("If-None-Match") == etag:
        response = HttpResponseNotModified()
    elif settings.MEDIA_ACCEL_REDIRECT:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.MEDIA_ACCEL_REDIRECT.rstrip("/") + "/" + name
    elif settings.MEDIA_STORAGE == "s3":
        response = HttpResponseRedirect(_signed_url(name))
    else:
        response = _from_disk(request, name, content_type)
    if settings.MEDIA_STORAGE == "s3":
        response["Cache-Control"] = "private, no-store"
    else:
        response["Cache-Control"] = "private, no-cache"
        response["ETag"] = etag
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _signed_url(name: str) -> str:
    return media_storage().url(name, expire=settings.MEDIA_SIGNED_URL_SECONDS)


def _from_disk(request, name: str, content_type: str) -> HttpResponse:
    storage = media_storage()
    size = storage.size(name)
    wanted = _byte_range(request.headers.get("Range", ""), size)
    if wanted is None:
        response = FileSent(storage.open(name, "rb"), content_type=content_type)
        response["Accept-Ranges"] = "bytes"
        return response
    start, end = wanted
    if start >= size:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    length = end - start + 1
    if length <= BLOCK:  # one block: no stream to set up
        with storage.open(name, "rb") as data:
            data.seek(start)
            response = HttpResponse(data.read(length), status=206, content_type=content_type)
    else:
        data = storage.open(name, "rb")
        response = RangeSent(data, start, length, status=206, content_type=content_type)
    response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Accept-Ranges"] = "bytes"
    return response


def _byte_range(header: str, size: int) -> tuple[int, int] | None:
    """One `bytes=start-end` range (what browsers send to seek a video), or None for the
    whole file; several ranges are answered with the whole file, as HTTP allows."""
    found = RANGE.match(header.strip())
    if not found or found.groups() == ("", ""):
        return None
    first, last = found.groups()
    if first == "":  # the last N bytes
        return max(size - int(last), 0), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if end < start and start < size:
        return None
    return start, end
