"""Motion zones: the parts of the frame where movement counts.

A zone is a polygon of [x, y] points in frame coordinates from 0 to 1 (top-left origin),
the same shape the server keeps in Camera.motion_zones, so the owner draws them once.
No zone means the whole frame.
"""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np

Polygon = list[list[float]]
# The smallest zone, as a share of the frame: the server's rule (cameras.zones.MIN_AREA,
# which the agent may not import), so a zone the server refuses is refused here too.
MIN_AREA = 1e-4


class ZoneError(ValueError):
    """The zones given cannot be used; the message says which and why."""


def parse_zones(text: str) -> list[Polygon]:
    """Zones from JSON text, or from a file when the text is ``@path``."""
    if text.startswith("@"):
        try:
            text = Path(text[1:]).read_text(encoding="utf-8")
        except OSError as error:
            raise ZoneError(f"cannot read the zones file: {error}") from error
    try:
        zones = json.loads(text)
    except json.JSONDecodeError as error:
        raise ZoneError(f"zones are not valid JSON: {error}") from error
    return validated(zones)


def validated(zones) -> list[Polygon]:
    """The zones as lists of float pairs, or ZoneError naming the first bad one."""
    if not isinstance(zones, list):
        raise ZoneError("zones must be a list of polygons")
    result = []
    for number, polygon in enumerate(zones, start=1):
        if not isinstance(polygon, list) or len(polygon) < 3:
            raise ZoneError(f"zone {number} needs at least 3 points")
        points = []
        for point in polygon:
            if (
                not isinstance(point, list)
                or len(point) != 2
                or not all(isinstance(v, int | float) and 0 <= v <= 1 for v in point)
            ):
                raise ZoneError(f"zone {number}: each point is [x, y] with 0 <= x, y <= 1")
            points.append([float(point[0]), float(point[1])])
        if area(points) < MIN_AREA:
            raise ZoneError(
                f"zone {number} covers no area: its points lie on one line, or too close together"
            )
        result.append(points)
    return result


def area(polygon: Polygon) -> float:
    """The polygon's area as a share of the frame (shoelace formula), 0 on one line."""
    pairs = zip(polygon, polygon[1:] + polygon[:1], strict=True)
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in pairs)) / 2


def zone_mask(zones: list[Polygon], width: int, height: int) -> np.ndarray:
    """A uint8 mask (255 inside a zone) for frames of this size."""
    if not zones:
        return np.full((height, width), 255, np.uint8)
    mask = np.zeros((height, width), np.uint8)
    scale = np.array([width - 1, height - 1], np.float64)
    polygons = [np.round(np.array(zone) * scale).astype(np.int32) for zone in zones]
    cv2.fillPoly(mask, polygons, 255)
    return mask
