from django.conf import settings

from commonwatch.organizations.memberships import memberships_of

from .navigation import entries_for


def navigation(request):
    user = getattr(request, "user", None)
    return {
        "nav_entries": entries_for(user) if user is not None else [],
        # What the person is, beside resident or operator: "Officer, Riverside Police".
        "my_memberships": memberships_of(user) if user is not None else [],
        "map_tile_url": settings.MAP_TILE_URL,
        "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }
