"""/api/v1/cameras: the owner's own cameras, through the same services as the pages.

A read token may list and read; changing needs a read-and-write token (accounts.access).
Someone else's camera answers 404, exactly as one that does not exist.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Router, Schema, Status
from pydantic import Field, StrictBool

from commonwatch.accounts.access import api_access, needs
from commonwatch.core.schemas import Input, Latitude, Longitude, answers, text

from . import selectors, services
from .models import AgencyVisibility
from .policies import OWN
from .services import MAX_BRAND_CHARS, MAX_NAME_CHARS
from .zones import MAX_CORNERS, MAX_ZONES, MIN_CORNERS

router = Router(tags=["cameras"])
OWNER = api_access(needs(OWN))

Name = text(min_length=1, max_length=MAX_NAME_CHARS)
Brand = text(max_length=MAX_BRAND_CHARS)
Kind = Literal["doorbell", "floodlight", "indoor", "other"]
Visibility = Literal["hidden", "aggregate", "exact"]
ZONES_HELP = (
    f"At most {MAX_ZONES} polygons of {MIN_CORNERS} to {MAX_CORNERS} corners [x, y], in frame "
    "coordinates from 0 to 1 (top-left is [0, 0])."
)
Zones = list[Any]


class CameraIn(Input):
    name: Name  # type: ignore[valid-type]
    kind: Kind
    brand: Brand = ""  # type: ignore[valid-type]
    lat: Latitude = Field(
        description="The exact point: only you see it, unless agency_visibility is `exact`. "
        "Exactly 0, 0 (where a location never set lands) is refused."
    )
    lng: Longitude
    agency_visibility: Visibility = AgencyVisibility.AGGREGATE.value
    record_audio: StrictBool = False
    privacy_zones: Zones = Field(default=[], description="Blacked out in every clip. " + ZONES_HELP)
    motion_zones: Zones = Field(default=[], description="Where motion counts. " + ZONES_HELP)


class CameraChange(Input):
    """Only the fields sent change; lat and lng go together."""

    name: Name = None  # type: ignore[valid-type]
    kind: Kind = None  # type: ignore[assignment]
    brand: Brand = None  # type: ignore[valid-type]
    lat: Latitude = None  # type: ignore[valid-type]
    lng: Longitude = None  # type: ignore[valid-type]
    agency_visibility: Visibility = None  # type: ignore[assignment]
    record_audio: StrictBool = None  # type: ignore[assignment]
    privacy_zones: Zones = Field(default=None, description=ZONES_HELP)
    motion_zones: Zones = Field(default=None, description=ZONES_HELP)


class CameraOut(Schema):
    id: int
    name: str
    kind: str
    brand: str
    lat: float = Field(description="The exact point, as you placed it.")
    lng: float
    agency_visibility: str
    record_audio: bool
    privacy_zones: list[list[list[float]]]
    motion_zones: list[list[list[float]]]
    has_device_token: bool
    token_prefix: str = Field(description="The first characters of the device token.")
    token_created_at: datetime | None
    token_last_used_at: datetime | None
    created_at: datetime


class CameraCreated(CameraOut):
    device_token: str = Field(description="Shown this once: only its digest is kept.")


class DeviceTokenOut(Schema):
    device_token: str = Field(description="Shown this once; the previous token no longer works.")
    token_prefix: str
    token_created_at: datetime


def _out(camera) -> dict:
    return {
        "id": camera.pk,
        "name": camera.name,
        "kind": camera.kind,
        "brand": camera.brand,
        "lat": camera.exact_lat,
        "lng": camera.exact_lng,
        "agency_visibility": camera.agency_visibility,
        "record_audio": camera.record_audio,
        "privacy_zones": camera.privacy_zones,
        "motion_zones": camera.motion_zones,
        "has_device_token": camera.token_digest is not None,
        "token_prefix": camera.token_prefix,
        "token_created_at": camera.token_created_at,
        "token_last_used_at": camera.token_last_used_at,
        "created_at": camera.created_at,
    }


@router.get("/cameras", response=answers({200: list[CameraOut]}), auth=OWNER)
def list_cameras(request):
    """Your cameras, by name."""
    return [_out(camera) for camera in selectors.cameras_of(request.auth)]


@router.post("/cameras", response=answers({201: CameraCreated}), auth=OWNER)
def register_camera(request, payload: CameraIn):
    """Register a camera; the answer holds its device token, shown this once."""
    camera, token = services.register_camera(owner=request.auth, **payload.dict())
    return Status(201, {**_out(camera), "device_token": token})


@router.get("/cameras/{camera_id}", response=answers({200: CameraOut}), auth=OWNER)
def get_camera(request, camera_id: int):
    return _out(selectors.camera_for_owner(request.auth, camera_id))


@router.patch("/cameras/{camera_id}", response=answers({200: CameraOut}), auth=OWNER)
def change_camera(request, camera_id: int, payload: CameraChange):
    """Change the fields sent: name, kind, brand, point, agency counting, audio, zones."""
    camera = selectors.camera_for_owner(request.auth, camera_id)
    changes = payload.dict(exclude_unset=True)
    return _out(services.update_camera(owner=request.auth, camera=camera, **changes))


@router.delete("/cameras/{camera_id}", response=answers({204: None}), auth=OWNER)
def remove_camera(request, camera_id: int):
    """Remove the camera with all its clips, at once and for good."""
    camera = selectors.camera_for_owner(request.auth, camera_id)
    services.remove_camera(owner=request.auth, camera=camera)
    return Status(204, None)


@router.post("/cameras/{camera_id}/token", response=answers({200: DeviceTokenOut}), auth=OWNER)
def rotate_device_token(request, camera_id: int):
    """A new device token for uploads; the previous one stops working at once."""
    camera = selectors.camera_for_owner(request.auth, camera_id)
    token = services.rotate_device_token(owner=request.auth, camera=camera)
    return {
        "device_token": token,
        "token_prefix": camera.token_prefix,
        "token_created_at": camera.token_created_at,
    }


@router.delete("/cameras/{camera_id}/token", response=answers({204: None}), auth=OWNER)
def revoke_device_token(request, camera_id: int):
    """The device token stops working; rotate to get a new one."""
    camera = selectors.camera_for_owner(request.auth, camera_id)
    services.revoke_device_token(owner=request.auth, camera=camera)
    return Status(204, None)
