"""Build the demo city's basemap (a PMTiles file) from its generated streets."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from commonwatch.demo.basemap import MAX_ZOOM, build_basemap


class Command(BaseCommand):
    help = "Write the demo city's streets as a PMTiles basemap; point MAP_TILES at it."
    # It makes the file MAP_TILES names: the check that the file exists must not stop it.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", type=Path, default=Path(settings.DATA_DIR) / "demo-basemap.pmtiles"
        )
        parser.add_argument("--max-zoom", type=int, default=MAX_ZOOM, choices=range(11, 16))

    def handle(self, *args, output: Path, max_zoom: int, **options):
        count = build_basemap(output, settings.DEMO_CITY_CENTER, max_zoom=max_zoom)
        size_kb = output.stat().st_size / 1024
        self.stdout.write(f"{output}: {count} tiles, {size_kb:.0f} KB")
