"""Counts anyone may read: one of 1 or 2 is never shown (DESIGN, "Privacy rules that hold
everywhere"), since next to what neighbors saw happen it can point at a person. Zero
points at nobody and is shown."""

from __future__ import annotations

SMALLEST_SHOWN = 3


def shown(count: int) -> int | None:
    """The count as the public reads it: None stands for "fewer than SMALLEST_SHOWN"."""
    return None if 0 < count < SMALLEST_SHOWN else count
