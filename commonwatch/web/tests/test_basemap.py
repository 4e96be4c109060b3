"""The basemap: MAP_TILES read three ways, and a PMTiles file served by byte ranges."""

from __future__ import annotations

import gzip

import mapbox_vector_tile
import pytest
from django.core.management import call_command
from django.urls import reverse
from pmtiles.reader import MmapSource, Reader

from commonwatch.demo.basemap import _mercator
from commonwatch.web import basemap

DATA = bytes(range(256)) * 40  # 10,240 bytes


@pytest.fixture
def tiles_file(tmp_path, settings):
    path = tmp_path / "region.pmtiles"
    path.write_bytes(DATA)
    settings.MAP_TILES = str(path)
    return path


def test_a_range_is_answered_206_with_its_bytes(client, tiles_file):
    response = client.get(
        reverse("web:basemap"), HTTP_RANGE="bytes=100-499", HTTP_ACCEPT_ENCODING="gzip"
    )
    assert response.status_code == 206
    assert not response.has_header("Content-Encoding")
    assert response.content == DATA[100:500]
    assert response["Content-Range"] == f"bytes 100-499/{len(DATA)}"
    assert response["Content-Length"] == "400"
    assert response["Accept-Ranges"] == "bytes"
    assert response["Cache-Control"].startswith("public")


def test_open_and_suffix_ranges(client, tiles_file):
    url = reverse("web:basemap")
    assert client.get(url, HTTP_RANGE="bytes=10200-").content == DATA[10200:]
    assert client.get(url, HTTP_RANGE="bytes=-16").content == DATA[-16:]
    assert client.get(url, HTTP_RANGE="bytes=10000-99999").content == DATA[10000:]


def test_a_range_past_the_end_is_416(client, tiles_file):
    response = client.get(reverse("web:basemap"), HTTP_RANGE=f"bytes={len(DATA)}-")
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(DATA)}"


@pytest.mark.parametrize("header", ["", "bytes=0-1,5-9", "lines=1-2", "bytes=9-3"])
def test_no_usable_range_sends_the_whole_file(client, tiles_file, header):
    response = client.get(reverse("web:basemap"), HTTP_RANGE=header)
    assert response.status_code == 200
    assert (
        b"".join(response.streaming_content if response.streaming else [response.content]) == DATA
    )


def test_an_unchanged_file_is_not_sent_again(client, tiles_file):
    etag = client.get(reverse("web:basemap"))["ETag"]
    assert client.get(reverse("web:basemap"), HTTP_IF_NONE_MATCH=etag).status_code == 304
    changed = client.get(reverse("web:basemap"), HTTP_RANGE="bytes=0-1", HTTP_IF_RANGE='"old"')
    assert changed.status_code == 200


def test_a_large_range_streams(client, tiles_file, monkeypatch):
    monkeypatch.setattr(basemap, "SMALL_BODY", 100)
    response = client.get(reverse("web:basemap"), HTTP_RANGE="bytes=50-5049")
    assert response.status_code == 206 and response.streaming
    assert b"".join(response) == DATA[50:5050]


def test_no_local_file_is_404_and_writes_refused(client, settings, tiles_file):
    assert client.post(reverse("web:basemap")).status_code == 405
    settings.MAP_TILES = "https://tiles.example.org/{z}/{x}/{y}.png"
    assert client.get(reverse("web:basemap")).status_code == 404
    settings.MAP_TILES = str(tiles_file.parent / "missing.pmtiles")
    assert client.get(reverse("web:basemap")).status_code == 404


@pytest.mark.parametrize(
    ("tiles", "kind", "remote"),
    [
        ("", "", False),
        ("https://tiles.example.org/{z}/{x}/{y}.png", "raster", True),
        ("https://cdn.example.org/region.pmtiles", "vector", True),
        ("/srv/region.pmtiles", "vector", False),
    ],
)
def test_map_tiles_names_raster_or_vector(settings, tiles, kind, remote):
    settings.MAP_TILES = tiles
    configured = basemap.configured()
    assert (configured.kind, configured.remote) == (kind, remote)
    if tiles.startswith("/"):
        assert configured.url == reverse("web:basemap")


def test_the_demo_basemap_holds_named_streets(tmp_path, settings):
    out = tmp_path / "demo.pmtiles"
    call_command("build_demo_basemap", "--output", str(out), "--max-zoom", "12")
    with out.open("rb") as f:
        reader = Reader(MmapSource(f))
        assert (reader.header()["min_zoom"], reader.header()["max_zoom"]) == (0, 12)
        x, y = _mercator(*settings.DEMO_CITY_CENTER)
        tile = reader.get(12, int(x * 2**12), int(y * 2**12))
    layers = mapbox_vector_tile.decode(gzip.decompress(tile))
    assert {"earth", "roads"} <= set(layers)
    names = {feature["properties"]["name"] for feature in layers["roads"]["features"]}
    assert "41st Ave" in names


def test_a_map_tiles_path_that_is_no_file_stops_the_checks_naming_it(settings, tmp_path):
    from commonwatch.web.checks import basemap_file_is_readable as check

    settings.MAP_TILES = str(tmp_path / "missing.pmtiles")
    [error] = check(None)
    assert error.id == "web.E001"
    assert "MAP_TILES" in error.msg and "missing.pmtiles" in error.msg

    (tmp_path / "missing.pmtiles").write_bytes(b"PMTiles")
    assert check(None) == []
    settings.MAP_TILES = "https://tiles.example.org/{z}/{x}/{y}.png"
    assert check(None) == []
