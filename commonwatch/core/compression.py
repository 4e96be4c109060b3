"""Compression of pages and API answers, never of files served by byte range."""

from __future__ import annotations

from django.middleware.gzip import GZipMiddleware


class CompressionMiddleware(GZipMiddleware):
    """Django's GZipMiddleware, which leaves answers that offer or hold byte ranges alone.

    Django's compresses a 206 too, keeping its Content-Range, which counts the file's own
    bytes: a player seeking in a clip, or the map reading its tiles, would get compressed
    bytes where it asked for a slice of the file. Such files (video, photos, PMTiles) are
    compressed already anyway.
    """

    def process_response(self, request, response):
        if response.has_header("Accept-Ranges") or response.has_header("Content-Range"):
            return response
        return super().process_response(request, response)
