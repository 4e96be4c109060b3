from commonwatch.organizations.memberships import memberships_of

from . import basemap
from .navigation import entries_for


def navigation(request):
    user = getattr(request, "user", None)
    return {
        "nav_entries": entries_for(user) if user is not None else [],
        # What the person is, beside resident or operator: "Officer, Riverside Police".
        "my_memberships": memberships_of(user) if user is not None else [],
        # Every Leaflet map gets its background from web/basemap.js (docs/basemap.md).
        "basemap": basemap.configured(),
    }
