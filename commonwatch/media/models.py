"""One row per uploaded photo or video (and, later, camera clip), whatever it is attached to.

The apps that attach files (community's posts, later cameras' clips) keep the link and
decide who may see through it (media.hooks); this app keeps the bytes, their checks and
their processing state.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    PHOTO = "photo", _("Photo")
    VIDEO = "video", _("Video")


class Status(models.TextChoices):
    PENDING = "pending", _("Waiting to be processed")
    PROCESSING = "processing", _("Processing")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Could not be used")


SETTLED = frozenset({Status.READY, Status.FAILED})


class MediaFile(models.Model):
    """An upload kept privately until processing has checked it, measured it and stripped
    every metadata segment; only then (READY) is `name` a file anyone else may receive."""

    # Accounts are closed, never deleted (accounts.closing): PROTECT keeps it that way.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="media_files"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    # Shown to the owner when processing refused the file (FAILED).
    error = models.TextField(blank=True)
    # The upload as received: never served, deleted once processing is over.
    upload_name = models.CharField(max_length=255, blank=True)
    # The cleaned file and its thumbnail, in the media storage (media.storage).
    name = models.CharField(max_length=255, blank=True)
    thumbnail_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=64, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    # Measured by decoding every frame, never read from the container's header.
    duration_s = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["owner", "created_at"], name="media_owner_created")]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk} ({self.status})"

    @property
    def is_ready(self) -> bool:
        return self.status == Status.READY
