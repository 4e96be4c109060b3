"""The approximate-location rule: one function, used by every page, API and message."""

from __future__ import annotations

from h3.api import basic_int as h3

from .cells import APPROXIMATE_RESOLUTION, cell_center, cell_of


def approximate_location(lat: float, lng: float) -> tuple[float, float]:
    """Centre of the ~100 m cell holding the point: what people other than its owner see."""
    return cell_center(cell_of(lat, lng, APPROXIMATE_RESOLUTION))


def location_seen_by(viewer, located, *, owner_id: int | None) -> tuple[float, float]:
    """The exact point of a PrivatelyLocatedModel for its owner, the public one for anyone."""
    viewer_id = getattr(viewer, "pk", None)
    is_owner = viewer_id is not None and viewer_id == owner_id
    if is_owner and located.exact_lat is not None and located.exact_lng is not None:
        return located.exact_lat, located.exact_lng
    return located.lat, located.lng


def approximate_area(lat: float, lng: float) -> list[tuple[float, float]]:
    """The corners of the ~100 m hexagon holding a public point: what a map may draw of
    a place without pointing at it."""
    return list(h3.cell_to_boundary(cell_of(lat, lng, APPROXIMATE_RESOLUTION)))
