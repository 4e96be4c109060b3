"""Place labels: "near Elm St & 41st Ave" for a post, from its public cell only.

A label is looked up once per ~100 m cell (the cell whose centre is the public
point), by reverse geocoding that centre in the background; pages read the stored
labels (selectors.place_labels) and never wait on a geocoder.
"""

from __future__ import annotations

from .cells import APPROXIMATE_RESOLUTION, cell_of


def place_cell(lat: float, lng: float) -> int:
    """The cell a public point names its place by (its own ~100 m cell)."""
    return cell_of(lat, lng, APPROXIMATE_RESOLUTION)
