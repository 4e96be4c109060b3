from django.conf import settings

from commonwatch.geo import geocoding
from commonwatch.organizations.memberships import memberships_of

from . import basemap
from .navigation import entries_for


def navigation(request):
    user = getattr(request, "user", None)
    entries = entries_for(user) if user is not None else []
    return {
        "nav_entries": entries,
        # On the folded menu's button, so a phone shows it without opening the menu: the
        # inbox's count holds the feed's too.
        "nav_unread": max((entry["badge"] or 0 for entry in entries), default=0),
        # What the person is, beside resident or operator: "Officer, Riverside Police".
        "my_memberships": memberships_of(user) if user is not None else [],
        # Every Leaflet map gets its background from web/basemap.js (docs/basemap.md).
        "basemap": basemap.configured(),
        # Whether point pickers offer an address search (a geocoder is configured).
        "address_search": geocoding.is_enabled(),
        # Pages warn, in time to stay, those the idle sign-out applies to (web/idle-warning.js).
        "idle_sign_out_seconds": _idle_sign_out_seconds(user),
    }


def _idle_sign_out_seconds(user) -> int | None:
    if user is None or not user.is_authenticated or not user.signs_out_when_idle:
        return None
    return settings.STAFF_IDLE_TIMEOUT_SECONDS
