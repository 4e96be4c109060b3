"""The approximate-location rule: one function, used by every page, API and message."""

from __future__ import annotations

from .cells import APPROXIMATE_RESOLUTION, cell_center, cell_of


def approximate_location(lat: float, lng: float) -> tuple[float, float]:
    """Centre of the ~100 m cell holding the point: what people other than its owner see."""
    return cell_center(cell_of(lat, lng, APPROXIMATE_RESOLUTION))


def location_seen_by(viewer, *, owner, lat: float, lng: float) -> tuple[float, float]:
    """The exact point for its owner, the approximate one for everyone else."""
    is_owner = viewer is not None and getattr(viewer, "pk", None) is not None
    if is_owner and owner is not None and viewer.pk == owner.pk:
        return lat, lng
    return approximate_location(lat, lng)
