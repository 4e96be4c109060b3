"""/api/v1/ endpoints about the signed-in account."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from commonwatch.core.schemas import Latitude, Longitude, Number
from commonwatch.geo.distance import m_to_miles

from . import services
from .access import api_access, needs
from .models import MAX_ALERT_RADIUS_MI, MIN_ALERT_RADIUS_MI
from .roles import Capability
from .selectors import home_of

router = Router(tags=["accounts"])


class ProfileOut(Schema):
    email: str
    role: str
    has_home: bool


class HomeIn(Schema):
    lat: Latitude
    lng: Longitude
    radius_mi: Number = Field(ge=MIN_ALERT_RADIUS_MI, le=MAX_ALERT_RADIUS_MI)


class HomeOut(Schema):
    lat: float
    lng: float
    radius_mi: float


class ErrorOut(Schema):
    detail: str


@router.get("/me", response=ProfileOut, auth=api_access(needs(Capability.MANAGE_OWN_ACCOUNT)))
def my_profile(request):
    user = request.auth
    return {"email": user.email, "role": user.role, "has_home": home_of(user) is not None}


def _home_out(home) -> dict:
    return {"lat": home.lat, "lng": home.lng, "radius_mi": round(m_to_miles(home.radius_m), 4)}


@router.get(
    "/me/home",
    response={200: HomeOut, 404: ErrorOut},
    auth=api_access(needs(Capability.SET_HOME)),
)
def my_home(request):
    home = home_of(request.auth)
    if home is None:
        return Status(404, {"detail": _("You have not set a home point yet.")})
    return _home_out(home)


@router.put("/me/home", response=HomeOut, auth=api_access(needs(Capability.SET_HOME)))
def set_my_home(request, payload: HomeIn):
    return _home_out(services.set_home(user=request.auth, **payload.dict()))
