"""A synthetic metro region: clustered homes and posts, generated once (seeded) and cached.

About 3,000 km² (55 × 55 km) around a mid-latitude centre; people live in gaussian
neighbourhood clusters of very different sizes and densities plus a sparse
background. Posts follow the same clusters with their own intensities and have a
created_at spread uniformly over 90 days ending at END. Post ids grow with time,
as they do in a table that is appended to.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from commonwatch.geo.cells import cell_of
from commonwatch.geo.distance import EARTH_RADIUS_M, miles_to_m
from commonwatch.geo.selectors import radius_class_of

CENTER_LAT, CENTER_LNG = 41.85, -87.75
SIDE_KM = 55.0
CLUSTERS = 700
BACKGROUND_SHARE = 0.12
DAYS = 90
END = datetime(2026, 6, 1, tzinfo=UTC)
# Alert radii: mostly 0.5–1 mi, some 0.25 mi, a few up to 5 mi.
RADII_MI = np.array([0.25, 0.5, 0.75, 1.0, 2.0, 3.0, 5.0])
RADII_SHARE = np.array([0.08, 0.36, 0.16, 0.26, 0.07, 0.04, 0.03])


@dataclass
class Dataset:
    point_lat: np.ndarray
    point_lng: np.ndarray
    point_cell: np.ndarray
    point_age_s: np.ndarray  # seconds before END, descending (ids grow with time)
    home_lat: np.ndarray
    home_lng: np.ndarray
    home_cell: np.ndarray
    home_radius_m: np.ndarray
    home_radius_class: np.ndarray

    @property
    def signature(self) -> str:
        return f"p{len(self.point_lat)}-h{len(self.home_lat)}"


def _km_to_latlng(x_km: np.ndarray, y_km: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    km_per_deg = EARTH_RADIUS_M * math.pi / 180 / 1000
    lat = CENTER_LAT + (y_km - SIDE_KM / 2) / km_per_deg
    lng = CENTER_LNG + (x_km - SIDE_KM / 2) / (km_per_deg * math.cos(math.radians(CENTER_LAT)))
    return lat, lng


def _fold(values: np.ndarray) -> np.ndarray:
    """Reflect coordinates that fell outside the square back into it."""
    period = 2 * SIDE_KM
    values = np.mod(values, period)
    return np.where(values > SIDE_KM, period - values, values)


def _scatter(rng, n, centers, sigmas, weights):
    n_background = int(n * BACKGROUND_SHARE)
    n_clustered = n - n_background
    chosen = rng.choice(len(weights), size=n_clustered, p=weights / weights.sum())
    x = np.concatenate(
        [
            centers[chosen, 0] + rng.normal(size=n_clustered) * sigmas[chosen],
            rng.uniform(0, SIDE_KM, n_background),
        ]
    )
    y = np.concatenate(
        [
            centers[chosen, 1] + rng.normal(size=n_clustered) * sigmas[chosen],
            rng.uniform(0, SIDE_KM, n_background),
        ]
    )
    order = rng.permutation(n)
    return _km_to_latlng(_fold(x[order]), _fold(y[order]))


def _cells(lat: np.ndarray, lng: np.ndarray) -> np.ndarray:
    return np.fromiter(
        (cell_of(a, b) for a, b in zip(lat.tolist(), lng.tolist(), strict=True)),
        dtype=np.int64,
        count=len(lat),
    )


def generate(points: int, homes: int, seed: int = 20260601) -> Dataset:
    rng = np.random.default_rng(seed)
    centers = rng.uniform(0, SIDE_KM, size=(CLUSTERS, 2))
    sigmas = np.clip(rng.lognormal(math.log(0.7), 0.6, CLUSTERS), 0.15, 4.0)
    home_weights = rng.lognormal(0.0, 1.0, CLUSTERS) * sigmas**2
    point_weights = home_weights * rng.lognormal(0.0, 0.8, CLUSTERS)

    home_lat, home_lng = _scatter(rng, homes, centers, sigmas, home_weights)
    point_lat, point_lng = _scatter(rng, points, centers, sigmas, point_weights)
    point_age_s = np.sort(rng.uniform(0, DAYS * 86400, points))[::-1].copy()

    radii_m = np.array([miles_to_m(r) for r in RADII_MI])
    radius_index = rng.choice(len(RADII_MI), size=homes, p=RADII_SHARE)
    classes = np.array([radius_class_of(r) for r in radii_m], dtype=np.int16)
    return Dataset(
        point_lat=point_lat,
        point_lng=point_lng,
        point_cell=_cells(point_lat, point_lng),
        point_age_s=point_age_s,
        home_lat=home_lat,
        home_lng=home_lng,
        home_cell=_cells(home_lat, home_lng),
        home_radius_m=radii_m[radius_index],
        home_radius_class=classes[radius_index],
    )


def load_or_generate(points: int, homes: int, cache_dir: Path) -> Dataset:
    path = cache_dir / f"data-p{points}-h{homes}.npz"
    if path.exists():
        with np.load(path) as stored:
            return Dataset(**{name: stored[name] for name in stored.files})
    data = generate(points, homes)
    cache_dir.mkdir(parents=True, exist_ok=True)
    np.savez(path, **data.__dict__)
    return data
