"""Background work of the geo core, carried out from the outbox."""

from __future__ import annotations

from commonwatch.core.outbox import handler

from .services import LABEL_PLACE, label_place


@handler(LABEL_PLACE)
def label_place_now(*, cell: int) -> None:
    label_place(cell=cell)
