"""Cameras, the clips they record, and the resumable uploads that bring clips in.

Everything here is its owner's alone: a camera's exact point, its clips and their
files. Sharing with agencies (a later capability) will add entries to a clip's access
history (ClipAccess), never new ways around the owner.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commonwatch.geo.models import PrivatelyLocatedModel
from commonwatch.media.models import MediaFile

MIN_RETENTION_DAYS = 1
MAX_RETENTION_DAYS = 180
DEFAULT_RETENTION_DAYS = 30


class CameraKind(models.TextChoices):
    DOORBELL = "doorbell", _("Doorbell")
    FLOODLIGHT = "floodlight", _("Floodlight")
    INDOOR = "indoor", _("Indoor")
    OTHER = "other", _("Other")


class AgencyVisibility(models.TextChoices):
    """How agencies may count this camera when they ask an area for footage."""

    HIDDEN = "hidden", _("Hidden: agencies never count it or ask you for its footage")
    AGGREGATE = (
        "aggregate",
        _("Counted in an area total only: agencies see how many cameras, not where"),
    )
    EXACT = "exact", _("Exact location: agencies see where this camera is")


# The same choices in a word or two, for a table cell (My cameras); the form says it all.
AGENCY_VISIBILITY_SHORT = {
    AgencyVisibility.HIDDEN: _("Hidden"),
    AgencyVisibility.AGGREGATE: _("Area total only"),
    AgencyVisibility.EXACT: _("Exact location"),
}


class Camera(PrivatelyLocatedModel):
    """One camera of one owner. lat/lng/cell hold the public cell centre (geo.models);
    the exact point is for the owner's eyes only."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cameras"
    )
    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=12, choices=CameraKind.choices)
    brand = models.CharField(_("brand"), max_length=80, blank=True)
    agency_visibility = models.CharField(
        _("how agencies may count it"),
        max_length=12,
        choices=AgencyVisibility.choices,
        default=AgencyVisibility.AGGREGATE,
    )
    record_audio = models.BooleanField(_("keep audio"), default=False)
    # Polygons in frame coordinates (0..1 from the top-left corner), [[x, y], ...] each:
    # privacy zones are blacked out in every clip before it is stored; motion zones tell
    # the camera agent where motion counts.
    privacy_zones = models.JSONField(default=list, blank=True)
    motion_zones = models.JSONField(default=list, blank=True)
    # The device token's SHA-256 digest and first characters (to recognize it); the token
    # itself is shown once, when made.
    token_digest = models.CharField(max_length=64, unique=True, null=True, editable=False)
    token_prefix = models.CharField(max_length=12, blank=True, editable=False)
    token_created_at = models.DateTimeField(null=True, blank=True, editable=False)
    token_last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["owner", "name"], name="camera_owner_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def agency_visibility_short(self) -> str:
        return AGENCY_VISIBILITY_SHORT[self.agency_visibility]


class ClipSource(models.TextChoices):
    BROWSER = "browser", _("Uploaded from the browser")
    AGENT = "agent", _("Sent by the camera agent or device")
    IMPORT = "import", _("Imported from another app")


class RecordedAtSource(models.TextChoices):
    """Where a clip's recorded-at time comes from, from the most to the least trusted."""

    UPLOAD = "upload", _("Given when it was sent")
    FILE = "file", _("Read from the video file")
    NAME = "name", _("Read from the file's name")
    ARRIVAL = "arrival", _("Unknown: when it arrived")


class Clip(models.Model):
    """A recorded video of one camera. Its bytes, checks and processing state live in
    its MediaFile (media app); this row says whose camera recorded it and when."""

    camera = models.ForeignKey(Camera, on_delete=models.CASCADE, related_name="clips")
    # The camera's owner, kept on the clip so every owner-only query is one index seek.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="clips"
    )
    media = models.OneToOneField(MediaFile, on_delete=models.PROTECT, related_name="clip")
    recorded_at = models.DateTimeField(_("recorded at"))
    # ARRIVAL until processing reads a creation time from the file (cameras.clips).
    recorded_at_source = models.CharField(
        max_length=8, choices=RecordedAtSource.choices, default=RecordedAtSource.UPLOAD
    )
    source = models.CharField(max_length=8, choices=ClipSource.choices)
    # SHA-256 of the bytes as received: the same file sent twice is one clip.
    received_sha256 = models.CharField(max_length=64)
    original_name = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "received_sha256"], name="clip_once_per_owner")
        ]
        indexes = [
            models.Index(fields=["camera", "recorded_at"], name="clip_camera_recorded"),
            models.Index(fields=["owner", "recorded_at"], name="clip_owner_recorded"),
        ]

    def __str__(self) -> str:
        return f"clip {self.pk} of camera {self.camera_id}"


class ClipRefusal(models.Model):
    """A file sent as a clip that processing refused (not a playable video, too long):
    nothing of it is kept, only this notice for its owner, until they dismiss it."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clip_refusals"
    )
    camera = models.ForeignKey(Camera, on_delete=models.CASCADE, related_name="refusals")
    original_name = models.CharField(max_length=255, blank=True)
    reason = models.TextField()
    received_at = models.DateTimeField()
    refused_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-refused_at", "-pk"]
        indexes = [models.Index(fields=["owner", "refused_at"], name="clip_refusal_owner")]

    def __str__(self) -> str:
        return f"refusal {self.pk} of camera {self.camera_id}"


class ClipAccessAction(models.TextChoices):
    VIEWED = "viewed", _("Watched")
    DOWNLOADED = "downloaded", _("Downloaded")


class ClipAccess(models.Model):
    """Who watched or downloaded a clip, and when: the owner's history of each clip."""

    clip = models.ForeignKey(Clip, on_delete=models.CASCADE, related_name="accesses")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="clip_accesses"
    )
    action = models.CharField(max_length=12, choices=ClipAccessAction.choices)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["clip", "at"], name="clip_access_clip_at")]

    def __str__(self) -> str:
        return f"{self.action} clip {self.clip_id} at {self.at:%Y-%m-%d %H:%M}"


class ClipKeeping(models.Model):
    """An owner's rules for their clips: how long they are kept, and their storage quota
    (empty: settings.CAMERA_QUOTA_BYTES). Owners without a row keep the defaults."""

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clip_keeping"
    )
    retention_days = models.PositiveSmallIntegerField(
        _("keep clips for (days)"),
        default=DEFAULT_RETENTION_DAYS,
        validators=[
            MinValueValidator(MIN_RETENTION_DAYS),
            MaxValueValidator(MAX_RETENTION_DAYS),
        ],
    )
    quota_bytes = models.PositiveBigIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"clip keeping of {self.owner_id}"


class ClipUpload(models.Model):
    """One resumable (tus 1.0) upload of a clip: its declared length, the bytes received
    so far in a private file, and when it expires if left unfinished."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clip_uploads"
    )
    camera = models.ForeignKey(Camera, on_delete=models.CASCADE, related_name="uploads")
    length = models.PositiveBigIntegerField()
    offset = models.PositiveBigIntegerField(default=0)
    # Upload-Metadata as decoded pairs (filename, recorded_at, ...).
    metadata = models.JSONField(default=dict, blank=True)
    source = models.CharField(max_length=8, choices=ClipSource.choices)
    # The partial file, in the media storage's private "incoming" area.
    part_name = models.CharField(max_length=255)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    clip = models.OneToOneField(
        Clip, on_delete=models.SET_NULL, null=True, blank=True, related_name="upload"
    )

    class Meta:
        indexes = [models.Index(fields=["expires_at"], name="clip_upload_expires")]

    def __str__(self) -> str:
        return f"upload {self.id} ({self.offset}/{self.length})"


class ImportState(models.TextChoices):
    RECEIVING = "receiving", _("Receiving files")
    OPENING = "opening", _("Opening the archive")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Done")
    REFUSED = "refused", _("Refused")


class ImportOutcome(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    IMPORTED = "imported", _("Imported")
    ALREADY = "already", _("Already imported")
    SKIPPED = "skipped", _("Skipped")
    FAILED = "failed", _("Failed")


class ClipImport(models.Model):
    """One bulk import of clips exported from another camera app (a folder or a zip)
    into one camera of its owner; its files say, one by one, what became of them."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clip_imports"
    )
    camera = models.ForeignKey(Camera, on_delete=models.CASCADE, related_name="imports")
    # What the owner sent: the zip's or the folder's name.
    name = models.CharField(max_length=255, blank=True)
    state = models.CharField(max_length=12, choices=ImportState.choices)
    # Why the whole import was refused (an unsafe or unreadable zip), or why it ended
    # short (its page stopped sending parts: imports.services.close_abandoned).
    reason = models.TextField(blank=True)
    # A zip waiting to be opened, in the media storage's private incoming area.
    archive_name = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # When its latest part came (a folder sent in parts), none yet: how long its page has
    # been silent is counted from here (imports.services.close_abandoned).
    last_part_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["owner", "created_at"], name="clip_import_owner")]

    def __str__(self) -> str:
        return f"import {self.pk} ({self.state})"


class ClipImportFile(models.Model):
    """One file of an import: waiting (stored privately until its turn), or what became
    of it and why."""

    clip_import = models.ForeignKey(ClipImport, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    # The stored bytes while waiting; emptied once the file is imported or dropped.
    upload_name = models.CharField(max_length=255, blank=True)
    outcome = models.CharField(
        max_length=8, choices=ImportOutcome.choices, default=ImportOutcome.WAITING
    )
    reason = models.CharField(max_length=300, blank=True)
    clip = models.ForeignKey(
        Clip, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["clip_import", "outcome"], name="clip_import_file_outcome")]

    def __str__(self) -> str:
        return f"{self.name} ({self.outcome})"
