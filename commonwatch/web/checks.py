"""System checks for what the site serves from this machine's own files."""

from __future__ import annotations

import os

from django.core.checks import Error, register

from . import basemap


@register()
def basemap_file_is_readable(app_configs, **kwargs) -> list[Error]:
    """A MAP_TILES path that is not a readable file passed every check, then the map's
    basemap answered 404 to every visitor."""
    path = basemap.local_file()
    if path is None or (path.is_file() and os.access(path, os.R_OK)):
        return []
    return [
        Error(
            f"MAP_TILES names {path}, which is not a file this process can read.",
            hint="Give the path of a PMTiles file, a tile URL, or nothing for the map's "
            "plain background (docs/basemap.md).",
            id="web.E001",
        )
    ]
