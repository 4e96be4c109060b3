"""Geo building blocks that other apps' models reuse."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from .cells import cell_of


class LocatedModel(models.Model):
    """A model with an exact point and its resolution-8 H3 cell, kept in step by save()."""

    lat = models.FloatField(validators=[MinValueValidator(-90), MaxValueValidator(90)])
    lng = models.FloatField(validators=[MinValueValidator(-180), MaxValueValidator(180)])
    # No index of its own: each model indexes cell together with what it filters or
    # sorts by, e.g. (cell, published_at), so the planner cannot pick a worse one.
    cell = models.BigIntegerField(editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.locate()
        super().save(*args, **kwargs)

    def locate(self) -> None:
        """Derive the indexed fields from the point; bulk loaders call it before bulk_create."""
        self.cell = cell_of(self.lat, self.lng)


class CellTally(models.Model):
    """How many points of a layer fell in a cell and over what time.

    The newest-N query uses these rates to pick a time window that holds about
    twice the rows it needs, instead of sorting every point in the circle.
    """

    layer = models.CharField(max_length=32)
    cell = models.BigIntegerField()
    count = models.PositiveIntegerField(default=0)
    first_at = models.DateTimeField()
    last_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["layer", "cell"], name="geo_celltally_layer_cell")
        ]

    def __str__(self) -> str:
        return f"{self.layer}:{self.cell}={self.count}"
