"""Actions on cameras and clips: keyword-only, validated, atomic, and each one only on
the acting owner's own camera (policies.OWN)."""

from __future__ import annotations

from functools import partial

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commonwatch.accounts.services import new_secret_token
from commonwatch.audit.services import record
from commonwatch.core.plain_text import as_stored
from commonwatch.core.policies import require
from commonwatch.geo.points import never_set, require_point
from commonwatch.media import services as media_services
from commonwatch.media.models import Kind

from .models import (
    MAX_RETENTION_DAYS,
    MIN_RETENTION_DAYS,
    AgencyVisibility,
    Camera,
    CameraKind,
    Clip,
    ClipImport,
    ClipImportFile,
    ClipKeeping,
    RecordedAtSource,
)
from .policies import OWN
from .selectors import DEVICE_TOKEN_PREFIX
from .zones import checked_zones

MAX_NAME_CHARS = 80
MAX_BRAND_CHARS = 80
# What an owner may change on a camera, besides its point (lat, lng).
EDITABLE = (
    "name",
    "kind",
    "brand",
    "agency_visibility",
    "record_audio",
    "privacy_zones",
    "motion_zones",
)


def register_camera(
    *,
    owner,
    name: str,
    kind: str,
    lat: float,
    lng: float,
    brand: str = "",
    agency_visibility: str = AgencyVisibility.AGGREGATE,
    record_audio: bool = False,
    privacy_zones: list | None = None,
    motion_zones: list | None = None,
) -> tuple[Camera, str]:
    """A new camera of the owner, with its device token. Returns (camera, raw token):
    the token is shown once, now; only its digest is kept."""
    require(owner, OWN)
    camera = Camera(owner=owner)
    fields = {
        "name": name,
        "kind": kind,
        "brand": brand,
        "agency_visibility": agency_visibility,
        "record_audio": record_audio,
        "privacy_zones": privacy_zones or [],
        "motion_zones": motion_zones or [],
    }
    _apply(camera, fields, lat=lat, lng=lng)
    with transaction.atomic():
        camera.save()
        _record_consent(camera, "cameras.camera.registered")
        raw = _issue_token(camera)
    return camera, raw


def update_camera(*, owner, camera: Camera, lat=None, lng=None, **changes) -> Camera:
    """Change what the owner sent and nothing else; a new point moves the public cell
    centre with it. Unknown fields are refused rather than ignored."""
    require(owner, OWN, camera, hidden=True)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError({field: _("This cannot be changed here.") for field in unknown})
    if (lat is None) != (lng is None):
        missing = "lng" if lng is None else "lat"
        raise ValidationError({missing: _("Send both coordinates to move the camera.")})
    consented = camera.agency_visibility
    _apply(camera, changes, lat=lat, lng=lng)
    with transaction.atomic():
        camera.save()
        if camera.agency_visibility != consented:
            _record_consent(camera, "cameras.camera.consent_changed", before=consented)
    return camera


def _record_consent(camera: Camera, action: str, **data) -> None:
    """The owner's choice of how agencies may count the camera is what a later video
    request relies on: each one joins the audit chain with the change that made it.
    Never the point, which is the owner's alone."""
    record(
        actor=camera.owner,
        action=action,
        target=camera,
        data={"agency_visibility": camera.agency_visibility, **data},
    )


def _apply(camera: Camera, fields: dict, *, lat, lng) -> None:
    """Check every field sent, then set them all: a refused change leaves nothing half-set."""
    errors: dict[str, list[str]] = {}
    checked = {}
    for field, value in fields.items():
        try:
            checked[field] = CHECKS[field](value)
        except ValidationError as exc:
            errors[field] = exc.messages
    if lat is not None or lng is not None:
        try:
            _require_camera_point(lat, lng)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    for field, value in checked.items():
        setattr(camera, field, value)
    if lat is not None:
        camera.place(lat, lng)


def _require_camera_point(lat, lng) -> None:
    """A real point (geo.points), and not 0, 0: a camera there had its location never
    set, and would be left out of every area it stands in while its owner believed it
    placed. Refused, not asked about: no one's camera stands at 0, 0."""
    require_point(lat, lng)
    if never_set(lat, lng):
        raise ValidationError(
            {
                NON_FIELD_ERRORS: _(
                    "The point 0, 0 is in the sea off West Africa, where a location that was "
                    "never set lands. Place the camera where it is: search its address, use "
                    "your location or tap the map."
                )
            }
        )


def _text(limit: int, *, required: str = ""):
    def check(value) -> str:
        if not isinstance(value, str) or "\x00" in value:
            raise ValidationError(_("Give this as text."))
        value = as_stored(value)
        if required and not value:
            raise ValidationError(required)
        if len(value) > limit:
            raise ValidationError(_("At most %(n)d characters.") % {"n": limit})
        return value

    return check


def _choice(choices, message: str):
    def check(value) -> str:
        if value not in choices.values:
            raise ValidationError(message)
        return value

    return check


def _boolean(value) -> bool:
    if not isinstance(value, bool):
        raise ValidationError(_("Give true or false."))
    return value


CHECKS = {
    "name": _text(MAX_NAME_CHARS, required=_("Give the camera a name you will recognize.")),
    "brand": _text(MAX_BRAND_CHARS),
    "kind": _choice(CameraKind, _("Choose doorbell, floodlight, indoor or other.")),
    "agency_visibility": _choice(
        AgencyVisibility, _("Choose hidden, aggregate or exact for how agencies may count it.")
    ),
    "record_audio": _boolean,
    "privacy_zones": checked_zones,
    "motion_zones": checked_zones,
}


def remove_camera(*, owner, camera: Camera) -> None:
    """Remove the camera with everything it recorded: its clips and their files, and
    uploads still under way. Files go once the removal is committed."""
    require(owner, OWN, camera, hidden=True)
    _remove(camera)


def close_camera_owner(user, what_they_wrote: str) -> None:
    """Closing an account removes its cameras as remove_camera does: exact points, clips
    and files go; nobody else could see them, so nothing is kept for anyone."""
    for camera in Camera.objects.filter(owner=user):
        _remove(camera)


def _remove(camera: Camera) -> None:
    with transaction.atomic():
        record(actor=camera.owner, action="cameras.camera.removed", target=camera)
        waiting = _waiting_import_bytes(camera)
        media_ids = list(Clip.objects.filter(camera=camera).values_list("media_id", flat=True))
        parts = list(camera.uploads.values_list("part_name", flat=True))
        camera.delete()  # its imports and their files with it
        media_services.discard(media_ids)
        transaction.on_commit(
            partial(media_services.delete_stored, [*parts, *waiting]), robust=True
        )


def _waiting_import_bytes(camera: Camera) -> list[str]:
    """The camera's zips not yet opened and imported files not yet made clips. Its
    imports are locked first, so a worker recording one finishes before they are listed;
    one still keeping bytes (in no transaction) finds the import gone when it comes to
    record them, and deletes them (imports.services)."""
    archives = ClipImport.objects.select_for_update().filter(camera=camera)
    files = ClipImportFile.objects.filter(clip_import__camera=camera).exclude(upload_name="")
    return [
        *(name for name in archives.values_list("archive_name", flat=True) if name),
        *files.values_list("upload_name", flat=True),
    ]


def rotate_device_token(*, owner, camera: Camera) -> str:
    """A new device token for the camera; the previous one stops working at once."""
    require(owner, OWN, camera, hidden=True)
    with transaction.atomic():
        return _issue_token(camera)


def _issue_token(camera: Camera) -> str:
    raw, digest = new_secret_token(DEVICE_TOKEN_PREFIX)
    replaced = camera.token_digest is not None
    camera.token_digest, camera.token_prefix = digest, raw[:12]
    camera.token_created_at, camera.token_last_used_at = timezone.now(), None
    camera.save(
        update_fields=["token_digest", "token_prefix", "token_created_at", "token_last_used_at"]
    )
    record(
        actor=camera.owner,
        action="cameras.token.rotated" if replaced else "cameras.token.created",
        target=camera,
    )
    return raw


def revoke_device_token(*, owner, camera: Camera) -> None:
    """The camera's device token stops working; uploads need a new one (rotate)."""
    require(owner, OWN, camera, hidden=True)
    with transaction.atomic():
        camera.token_digest, camera.token_prefix = None, ""
        camera.token_created_at = camera.token_last_used_at = None
        camera.save(
            update_fields=["token_digest", "token_prefix", "token_created_at", "token_last_used_at"]
        )
        record(actor=owner, action="cameras.token.revoked", target=camera)


def keep_clips_for(*, owner, retention_days) -> ClipKeeping:
    """How many days the owner's clips are kept (MIN_RETENTION_DAYS..MAX_RETENTION_DAYS)."""
    require(owner, OWN)
    if (
        isinstance(retention_days, bool)
        or not isinstance(retention_days, int)
        or not MIN_RETENTION_DAYS <= retention_days <= MAX_RETENTION_DAYS
    ):
        raise ValidationError(
            {
                "retention_days": _("Keep clips for %(min)d to %(max)d days.")
                % {"min": MIN_RETENTION_DAYS, "max": MAX_RETENTION_DAYS}
            }
        )
    keeping, _created = ClipKeeping.objects.update_or_create(
        owner=owner, defaults={"retention_days": retention_days}
    )
    return keeping


def add_clip(
    *,
    camera: Camera,
    upload_name: str,
    size: int,
    received_sha256: str,
    recorded_at=None,
    recorded_at_from: str = RecordedAtSource.UPLOAD,
    source: str,
    original_name: str = "",
) -> tuple[Clip, bool]:
    """Make a clip of a video already stored in the private incoming area, and queue its
    processing (media pipeline). Returns (clip, created): the same bytes sent again by
    the same owner give the clip made the first time, and the new copy is deleted.
    `recorded_at` None means unknown: processing reads it from the file if it can, and
    until then (or else) the clip stands at the time it arrived (RecordedAtSource);
    `recorded_at_from` says where a known one was read."""
    known = recorded_at is not None
    try:
        with transaction.atomic():
            media = media_services.accept_stored(
                owner=camera.owner, kind=Kind.VIDEO, upload_name=upload_name, size=size
            )
            clip = Clip.objects.create(
                camera=camera,
                owner=camera.owner,
                media=media,
                recorded_at=recorded_at if known else timezone.now(),
                recorded_at_source=recorded_at_from if known else RecordedAtSource.ARRIVAL,
                source=source,
                received_sha256=received_sha256,
                original_name=original_name[:255],
            )
    except IntegrityError:
        existing = Clip.objects.filter(owner=camera.owner, received_sha256=received_sha256).first()
        if existing is None:
            raise
        # Once the caller's transaction (if any) commits: a rollback leaves the bytes to
        # whatever still names them (an import's waiting file).
        transaction.on_commit(partial(media_services.delete_stored, [upload_name]), robust=True)
        return existing, False
    return clip, True
