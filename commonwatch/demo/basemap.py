"""The demo city's basemap: its streets, creek and neighborhood names as vector tiles
in one PMTiles file, so the demo's maps show a town without downloading anything.

Layers and kinds follow the Protomaps basemap schema (earth, water, roads, places),
so the same style in web/basemap.js draws the demo and a real Protomaps extract.
Zoom 15 is the deepest level, as in Protomaps builds: the browser overzooms beyond it.
"""

from __future__ import annotations

import gzip
import math
import random
from collections.abc import Iterator
from pathlib import Path

import mapbox_vector_tile
import shapely
from pmtiles.tile import Compression, TileType, zxy_to_tileid
from pmtiles.writer import Writer
from shapely import affinity
from shapely.geometry import LineString, Point, box

from commonwatch.demo.city import neighborhoods
from commonwatch.demo.streets import creek, streets

EXTENT = 4096
BUFFER = 64  # tile units beyond the edge, so lines and labels join across tiles
# From the whole world down: a map zoomed out past the city still shows land around it.
MIN_ZOOM = 0
MAX_ZOOM = 15
MARGIN_M = 1500  # beyond the outermost streets: the tiles made
# Land under every tile, to its edges: the styles paint grey where a tile has no earth,
# and a zoomed-out tile reaches well past the city (a grey band at its south edge).
WORLD = box(0, 0, 1, 1)
CREEK_WIDTH_M = 14
EARTH_M = 40_075_016.686
# Every fifth line of the grid is a wider road, named from zoom 12; the rest from 16.
MAJOR_EVERY = 5


def _mercator(lat: float, lng: float) -> tuple[float, float]:
    """Web Mercator in [0, 1) × [0, 1), y down, as tile numbers divided by 2**zoom."""
    x = (lng + 180) / 360
    sin = math.sin(math.radians(lat))
    y = 0.5 - math.log((1 + sin) / (1 - sin)) / (4 * math.pi)
    return x, y


def _line(coords) -> LineString:
    return LineString([_mercator(lat, lng) for lat, lng in coords])


def _features(centre: tuple[float, float]) -> tuple[dict[str, list[tuple[object, dict]]], tuple]:
    """Every layer's (geometry in Mercator units, properties), and the bounds of the
    tiles to make: the city's streets and a margin."""
    metres_per_unit = EARTH_M * math.cos(math.radians(centre[0]))
    roads = [
        (
            _line(street.coords),
            {
                "kind": "major_road" if street.index % MAJOR_EVERY == 0 else "minor_road",
                "name": street.name,
            },
        )
        for street in streets(centre)
    ]
    water = creek(centre)
    creek_area = _line(water.coords).buffer(CREEK_WIDTH_M / 2 / metres_per_unit)
    places = [
        (Point(_mercator(hood.lat, hood.lng)), {"kind": "locality", "name": hood.name})
        for hood in neighborhoods(centre, random.Random(2026))
    ]
    lines = shapely.unary_union([geometry for geometry, _props in roads])
    minx, miny, maxx, maxy = lines.bounds
    margin = MARGIN_M / metres_per_unit
    layers = {
        "earth": [(WORLD, {"kind": "earth"})],
        "water": [(creek_area, {"kind": "water", "name": water.name})],
        "roads": roads,
        "places": places,
    }
    return layers, (minx - margin, miny - margin, maxx + margin, maxy + margin)


def _tiles_covering(bounds, zoom: int) -> Iterator[tuple[int, int]]:
    minx, miny, maxx, maxy = bounds
    scale = 2**zoom
    for x in range(int(minx * scale), int(maxx * scale) + 1):
        for y in range(int(miny * scale), int(maxy * scale) + 1):
            yield x, y


def _tile(features, zoom: int, x: int, y: int) -> bytes | None:
    """One gzipped vector tile, or None where the city has nothing."""
    scale = 2**zoom * EXTENT
    pad = BUFFER / scale
    area = (x / 2**zoom - pad, y / 2**zoom - pad, (x + 1) / 2**zoom + pad, (y + 1) / 2**zoom + pad)
    layers = []
    for name, items in features.items():
        found = []
        for geometry, props in items:
            clipped = shapely.clip_by_rect(geometry, *area)
            if clipped.is_empty or (name == "places" and not box(*area).contains(geometry)):
                continue
            local = affinity.affine_transform(
                clipped, [scale, 0, 0, scale, -x * EXTENT, -y * EXTENT]
            )
            found.append({"geometry": local, "properties": props})
        if found:
            layers.append({"name": name, "features": found})
    if not layers:
        return None
    encoded = mapbox_vector_tile.encode(
        layers, default_options={"extents": EXTENT, "y_coord_down": True}
    )
    return gzip.compress(encoded, mtime=0)


def build_basemap(path: Path, centre: tuple[float, float], *, max_zoom: int = MAX_ZOOM) -> int:
    """Write the city's basemap to path (through a temporary file); the tile count."""
    features, bounds = _features(centre)
    tiles = {}
    for zoom in range(MIN_ZOOM, max_zoom + 1):
        for x, y in _tiles_covering(bounds, zoom):
            data = _tile(features, zoom, x, y)
            if data is not None:
                tiles[zxy_to_tileid(zoom, x, y)] = data
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    with partial.open("wb") as out:
        writer = Writer(out)
        for tile_id in sorted(tiles):
            writer.write_tile(tile_id, tiles[tile_id])
        writer.finalize(_header(bounds, centre, max_zoom), _metadata())
    partial.replace(path)
    return len(tiles)


def _lnglat_e7(x: float, y: float) -> tuple[int, int]:
    lng = x * 360 - 180
    lat = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y))))
    return round(lng * 1e7), round(lat * 1e7)


def _header(bounds, centre, max_zoom: int) -> dict:
    min_lon, max_lat = _lnglat_e7(bounds[0], bounds[1])
    max_lon, min_lat = _lnglat_e7(bounds[2], bounds[3])
    return {
        "tile_type": TileType.MVT,
        "tile_compression": Compression.GZIP,
        "min_zoom": MIN_ZOOM,
        "max_zoom": max_zoom,
        "min_lon_e7": min_lon,
        "min_lat_e7": min_lat,
        "max_lon_e7": max_lon,
        "max_lat_e7": max_lat,
        "center_zoom": 13,
        "center_lon_e7": round(centre[1] * 1e7),
        "center_lat_e7": round(centre[0] * 1e7),
    }


def _metadata() -> dict:
    return {
        "name": "Commonwatch demo city",
        "attribution": "Demo streets, generated",
        "vector_layers": [
            {"id": name, "fields": {"kind": "String", "name": "String"}}
            for name in ("earth", "water", "roads", "places")
        ],
    }
