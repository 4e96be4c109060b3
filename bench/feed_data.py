"""The feed benchmark's data: the geo bench's city turned into accounts, homes and posts.

Starts from the geo bench's data set (bench/data.py, same seed and cache): its
1,000,000 points become community.Post rows (status, category, author added) and
its 2,000,000 homes become accounts.Home rows, one user each. Then, seeded:

- readers: 3 × n homes get exactly 0.5, 1 and 3 mi radii (the feed queries);
- a hub: the published post with the most covering homes among candidates in the
  densest cells; 10,000 homes within 1 mi of it get a 1 mi radius (the live
  clients), and homes are moved in or out until exactly 100,000 circles cover it
  (the offline fan-out). Moved homes keep the rest of the city as it was.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np

from commonwatch.geo.distance import EARTH_RADIUS_M, haversine_m_array, miles_to_m
from commonwatch.geo.selectors import radius_class_of

from .data import SIDE_KM, Dataset, _cells, _km_to_latlng

READER_RADII_MI = (0.5, 1.0, 3.0)
CATEGORIES = ("crime", "safety", "suspicious", "unexpected_visitor", "lost_pet", "community")
CATEGORY_SHARE = (0.14, 0.22, 0.20, 0.08, 0.10, 0.26)
STATUSES = ("published", "pending", "rejected", "deleted")
STATUS_SHARE = (0.95, 0.02, 0.02, 0.01)
CLIENT_RADIUS_MI = 1.0
HUB_CANDIDATES = 40
SEED = 20261126


@dataclass
class FeedData:
    home_lat: np.ndarray
    home_lng: np.ndarray
    home_cell: np.ndarray
    home_radius_m: np.ndarray
    home_radius_class: np.ndarray
    post_status: np.ndarray  # index into STATUSES
    post_category: np.ndarray  # index into CATEGORIES
    post_author: np.ndarray  # user id (= home index + 1)
    readers: np.ndarray  # (len(READER_RADII_MI), n) user ids
    clients: np.ndarray  # user ids, homes within 1 mi of the hub, radius 1 mi
    hub: np.ndarray  # [post id, covering homes]

    @property
    def hub_post_id(self) -> int:
        return int(self.hub[0])

    @property
    def hub_covering(self) -> int:
        return int(self.hub[1])


def _offset(lat, lng, distance_m, bearing):
    """Points at distance_m (array) and bearing (array, radians) from (lat, lng); local plane."""
    dlat = np.degrees(distance_m * np.cos(bearing) / EARTH_RADIUS_M)
    dlng = np.degrees(distance_m * np.sin(bearing) / (EARTH_RADIUS_M * math.cos(math.radians(lat))))
    return lat + dlat, lng + dlng


def build(geo: Dataset, readers_per_radius: int, clients: int, covering: int) -> FeedData:
    rng = np.random.default_rng(SEED)
    n_homes, n_posts = len(geo.home_lat), len(geo.point_lat)
    lat, lng = geo.home_lat.copy(), geo.home_lng.copy()
    radius = geo.home_radius_m.copy()
    post_status = rng.choice(len(STATUSES), size=n_posts, p=STATUS_SHARE).astype(np.int8)
    post_category = rng.choice(len(CATEGORIES), size=n_posts, p=CATEGORY_SHARE).astype(np.int8)
    post_author = rng.integers(1, n_homes + 1, size=n_posts)

    reader_idx = rng.choice(n_homes, size=len(READER_RADII_MI) * readers_per_radius, replace=False)
    reader_idx = reader_idx.reshape(len(READER_RADII_MI), readers_per_radius)
    for row, radius_mi in zip(reader_idx, READER_RADII_MI, strict=True):
        radius[row] = miles_to_m(radius_mi)
    protected = np.zeros(n_homes, dtype=bool)
    protected[reader_idx.ravel()] = True

    # The hub: a published post in one of the densest cells, with the most covering homes.
    cells, counts = np.unique(geo.home_cell, return_counts=True)
    dense = cells[np.argsort(counts)[-HUB_CANDIDATES:]]
    in_dense = np.flatnonzero(np.isin(geo.point_cell, dense) & (post_status == 0))
    candidates = rng.choice(in_dense, size=min(HUB_CANDIDATES, len(in_dense)), replace=False)
    reach = [
        int((haversine_m_array(geo.point_lat[i], geo.point_lng[i], lat, lng) <= radius).sum())
        for i in candidates
    ]
    hub = int(candidates[int(np.argmax(reach))])
    hlat, hlng = float(geo.point_lat[hub]), float(geo.point_lng[hub])
    distance = haversine_m_array(hlat, hlng, lat, lng)
    client_m = miles_to_m(CLIENT_RADIUS_MI)

    # The hub's author lives far away (queue_alerts skips the author).
    author = int(rng.choice(np.flatnonzero((distance > miles_to_m(8)) & ~protected)))
    post_author[hub] = author + 1
    protected[author] = True

    def move_in(index: np.ndarray, max_m: np.ndarray) -> None:
        """Homes placed uniformly (by area) within max_m of the hub."""
        r = max_m * np.sqrt(rng.uniform(0, 1, len(index)))
        lat[index], lng[index] = _offset(hlat, hlng, r, rng.uniform(0, 2 * math.pi, len(index)))

    # Live clients: homes within 1 mi of the hub, given a 1 mi radius (more moved in if short).
    near = np.flatnonzero((distance <= 0.98 * client_m) & ~protected)
    if len(near) < clients:
        extra = rng.choice(
            np.flatnonzero((distance > radius) & ~protected), clients - len(near), replace=False
        )
        move_in(extra, np.full(len(extra), 0.98 * client_m))
        near = np.concatenate([near, extra])
    client_idx = rng.choice(near, size=clients, replace=False)
    radius[client_idx] = client_m
    protected[client_idx] = True

    # Exactly `covering` circles cover the hub: move homes in, or far out, as needed.
    distance = haversine_m_array(hlat, hlng, lat, lng)
    covers = distance <= radius
    short = covering - int(covers.sum())
    if short > 0:
        extra = rng.choice(np.flatnonzero(~covers & ~protected), short, replace=False)
        move_in(extra, 0.98 * radius[extra])
    elif short < 0:
        out = rng.choice(np.flatnonzero(covers & ~protected), -short, replace=False)
        far_lat, far_lng = [], []
        while len(far_lat) < len(out):
            x, y = rng.uniform(0, SIDE_KM, 2 * len(out)), rng.uniform(0, SIDE_KM, 2 * len(out))
            flat, flng = _km_to_latlng(x, y)
            keep = haversine_m_array(hlat, hlng, flat, flng) > miles_to_m(8)
            far_lat += flat[keep].tolist()
            far_lng += flng[keep].tolist()
        lat[out], lng[out] = far_lat[: len(out)], far_lng[: len(out)]
    reached = int((haversine_m_array(hlat, hlng, lat, lng) <= radius).sum())
    assert reached == covering, (reached, covering)

    changed = np.flatnonzero((lat != geo.home_lat) | (lng != geo.home_lng))
    cell = geo.home_cell.copy()
    cell[changed] = _cells(lat[changed], lng[changed])
    classes = {float(r): radius_class_of(float(r)) for r in np.unique(radius)}
    return FeedData(
        home_lat=lat,
        home_lng=lng,
        home_cell=cell,
        home_radius_m=radius,
        home_radius_class=np.array([classes[float(r)] for r in radius], dtype=np.int16),
        post_status=post_status,
        post_category=post_category,
        post_author=post_author,
        readers=reader_idx + 1,
        clients=np.sort(client_idx) + 1,
        hub=np.array([hub + 1, reached]),
    )


def load_or_build(geo: Dataset, readers: int, clients: int, covering: int, cache: Path):
    path = cache / f"feed-{geo.signature}-r{readers}-c{clients}-k{covering}.npz"
    if path.exists():
        with np.load(path) as stored:
            return FeedData(**{f.name: stored[f.name] for f in fields(FeedData)})
    data = build(geo, readers, clients, covering)
    np.savez(path, **{f.name: getattr(data, f.name) for f in fields(FeedData)})
    return data
