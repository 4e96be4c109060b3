"""Bench-only tables shaped like the project's located models (posts and homes)."""

from __future__ import annotations

from django.db import models

from commonwatch.geo.models import LocatedModel


class BenchPoint(LocatedModel):
    """A post: where and when. Only the (cell, created_at) index, none on created_at alone."""

    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["cell", "created_at"], name="benchpoint_cell_created")]

    def __str__(self) -> str:
        return f"point {self.pk}"


class BenchHome(LocatedModel):
    """A home with its alert circle, bucketed by radius class for circles_covering."""

    radius_m = models.FloatField()
    radius_class = models.SmallIntegerField()

    class Meta:
        # As accounts.Home: every column circles_covering reads is in the index.
        indexes = [
            models.Index(
                fields=["radius_class", "cell", "lat", "lng", "radius_m", "id"],
                name="benchhome_alert_circle",
            )
        ]

    def __str__(self) -> str:
        return f"home {self.pk}"
