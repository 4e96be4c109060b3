"""The approximate-location rule: one function, used by every page, API and message."""

from __future__ import annotations

from .cells import APPROXIMATE_RESOLUTION, cell_center, cell_of


def approximate_location(lat: float, lng: float) -> tuple[float, float]:
    """Centre of the ~100 m cell holding the point: what people other than its owner see."""
    return cell_center(cell_of(lat, lng, APPROXIMATE_RESOLUTION))


def location_seen_by(
    viewer, *, owner_id: int | None, lat: float, lng: float
) -> tuple[float, float]:
    """The exact point for its owner, the approximate one for everyone else."""
    viewer_id = getattr(viewer, "pk", None)
    if viewer_id is not None and owner_id is not None and viewer_id == owner_id:
        return lat, lng
    return approximate_location(lat, lng)
