"""/api/v1/ endpoints about the signed-in account."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Router, Schema

from commonwatch.core.errors import NotFound
from commonwatch.core.schemas import (
    Error,
    Input,
    Latitude,
    Longitude,
    TooSoon,
    answers,
    number,
    text,
)
from commonwatch.geo import geocoding
from commonwatch.geo.distance import m_to_miles

from . import services
from .access import api_access, needs
from .models import MAX_ALERT_RADIUS_MI, MIN_ALERT_RADIUS_MI
from .policies import HOME
from .policies import OWN_ACCOUNT as OWN
from .selectors import home_of

router = Router(tags=["accounts"])
OWN_ACCOUNT = api_access(needs(OWN))
RESIDENT = api_access(needs(HOME))


class ProfileOut(Schema):
    email: str
    role: str
    has_home: bool


class HomeIn(Input):
    lat: Latitude
    lng: Longitude
    radius_mi: number(ge=MIN_ALERT_RADIUS_MI, le=MAX_ALERT_RADIUS_MI)  # type: ignore[valid-type]


class HomeOut(Schema):
    lat: float
    lng: float
    radius_mi: float


@router.get("/me", response=answers({200: ProfileOut}), auth=OWN_ACCOUNT)
def my_profile(request):
    user = request.auth
    return {"email": user.email, "role": user.role, "has_home": home_of(user) is not None}


def _home_out(home) -> dict:
    return {"lat": home.lat, "lng": home.lng, "radius_mi": round(m_to_miles(home.radius_m), 4)}


@router.get("/me/home", response=answers({200: HomeOut}), auth=RESIDENT)
def my_home(request):
    """Your home point and alert radius (404 until you set one). Nobody else sees them."""
    home = home_of(request.auth)
    if home is None:
        raise NotFound(_("You have not set a home point yet."))
    return _home_out(home)


@router.put("/me/home", response=answers({200: HomeOut}, extra={429: TooSoon}), auth=RESIDENT)
def set_my_home(request, payload: HomeIn):
    """Set or move your home and radius; at most a few changes a day (429 says when next)."""
    return _home_out(services.set_home(user=request.auth, **payload.dict()))


class PlaceOut(Schema):
    label: str
    lat: float
    lng: float


PlaceQuery = text(min_length=geocoding.MIN_QUERY_CHARS, max_length=geocoding.MAX_QUERY_CHARS)


@router.get(
    "/places",
    url_name="find_places",
    response=answers({200: list[PlaceOut]}, extra={429: TooSoon, 503: Error}),
    auth=RESIDENT,
)
def find_places(request, q: PlaceQuery):  # type: ignore[valid-type]
    """Places matching an address, best first, to set a point by: through the site's own
    geocoder (503 when it is off or down; coordinates typed or picked still work)."""
    return geocoding.search(q, asker_id=request.auth.pk)
