"""Geo building blocks that other apps' models reuse."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from .approximate import approximate_location
from .cells import cell_of

LAT_RANGE = [MinValueValidator(-90), MaxValueValidator(90)]
LNG_RANGE = [MinValueValidator(-180), MaxValueValidator(180)]


class LocatedModel(models.Model):
    """A model with an exact point and its resolution-8 H3 cell, kept in step by save()."""

    lat = models.FloatField(validators=LAT_RANGE)
    lng = models.FloatField(validators=LNG_RANGE)
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


class PrivatelyLocatedModel(LocatedModel):
    """A point only its owner may know; everyone else gets its ~100 m cell's centre.

    ``lat``/``lng``/``cell`` hold that public point, so every geo query (feed, map,
    live delivery, alerts, counts) decides on it: nothing anyone else can observe
    depends on the exact point, which moving a home could otherwise trilaterate.
    ``exact_lat``/``exact_lng`` are for the owner's eyes, and are erased
    (``forget_exact_point``) when the owner deletes the object.
    """

    exact_lat = models.FloatField(null=True, blank=True, validators=LAT_RANGE)
    exact_lng = models.FloatField(null=True, blank=True, validators=LNG_RANGE)

    class Meta:
        abstract = True

    def place(self, lat: float, lng: float) -> None:
        """Set the exact point and derive the public one from it."""
        self.exact_lat, self.exact_lng = lat, lng
        self.locate()

    def locate(self) -> None:
        """Snap the public point to its cell's centre, always: code that sets lat/lng
        directly (a loader, a fixture) cannot publish an exact point by mistake."""
        if self.exact_lat is not None and self.exact_lng is not None:
            self.lat, self.lng = self.exact_lat, self.exact_lng
        self.lat, self.lng = approximate_location(self.lat, self.lng)
        super().locate()

    def forget_exact_point(self) -> None:
        self.exact_lat = self.exact_lng = None


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


class PlaceLabel(models.Model):
    """The name of the place around a public cell ("Elm St & 41st Ave"), looked up once.

    Keyed by the ~100 m cell whose centre is a post's public point, so a label can
    never say more than the public point does. Filled in the background (geo.tasks),
    never while a page waits on an outside geocoder.
    """

    cell = models.BigIntegerField(primary_key=True)
    label = models.CharField(max_length=200, blank=True)  # blank: the geocoder knows no name
    geocoder = models.CharField(max_length=32)
    labelled_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.cell}: {self.label}"
