import os
import subprocess
import sys

from django.conf import settings

from commonwatch.demo.streets import (
    creek,
    grid_point,
    grid_position,
    lines_per_direction,
    ordinal,
    streets,
)

CENTRE = (39.7392, -104.9903)


def test_every_street_has_its_own_name():
    names = [street.name for street in streets(CENTRE)]
    assert len(names) == 2 * lines_per_direction() == len(set(names))
    assert {"1st Ave", "2nd Ave", "3rd Ave", "11th Ave", "Elm St"} <= set(names)


def test_grid_position_finds_the_block_a_point_is_in():
    east, north = grid_position(CENTRE, *grid_point(CENTRE, 40.5, 12.25))
    assert round(east, 6) == 40.5 and round(north, 6) == 12.25


def test_ordinals_read_like_addresses():
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 112)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "112th",
    ]  # fmt: skip


def test_the_creek_runs_across_the_city():
    coords = creek(CENTRE).coords
    assert coords[0][1] < CENTRE[1] < coords[-1][1]


def test_the_demo_builds_the_basemap_that_map_tiles_already_names(tmp_path):
    """scripts/demo.sh names the file in MAP_TILES before its first build: the check that
    the file exists must not stop the command that makes it."""
    output = tmp_path / "demo-basemap.pmtiles"
    env = {**os.environ, "DEBUG": "true", "DATA_DIR": str(tmp_path), "MAP_TILES": str(output)}
    env.pop("DATABASE_URL", None)

    built = subprocess.run(
        [sys.executable, "manage.py", "build_demo_basemap", "--output", str(output)],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert built.returncode == 0, built.stderr
    assert output.is_file()


def test_every_home_of_the_demo_city_and_its_posts_lie_on_the_streets():
    """Seeded posts fall up to 400 m from their author's home: every one must get a
    place label and a basemap under it, the Lakeshore homes by the south edge too."""
    from commonwatch.demo.city import home_points

    margin = 400 / 250  # blocks
    last = lines_per_direction() - 1
    for lat, lng, _radius in home_points(CENTRE, 2000):
        east, north = grid_position(CENTRE, lat, lng)
        assert margin <= east <= last - margin and margin <= north <= last - margin


def test_every_basemap_tile_is_land_to_its_edges(tmp_path):
    """The map styles paint grey where a tile has no earth: a zoomed-out tile reaching
    past the city showed a grey band along its edge."""
    import gzip

    import mapbox_vector_tile
    from pmtiles.reader import MmapSource, all_tiles

    from commonwatch.demo.basemap import EXTENT, build_basemap

    path = tmp_path / "basemap.pmtiles"
    build_basemap(path, CENTRE, max_zoom=11)
    with path.open("rb") as f:
        tiles = list(all_tiles(MmapSource(f)))
    assert tiles
    for (zoom, x, y), data in tiles:
        layers = mapbox_vector_tile.decode(gzip.decompress(data))
        (earth,) = layers["earth"]["features"]
        xs, ys = zip(*earth["geometry"]["coordinates"][0], strict=True)
        covered = min(xs) <= 0 and min(ys) <= 0 and min(max(xs), max(ys)) >= EXTENT
        assert covered, (zoom, x, y)
