from django.conf import settings

from commonwatch.organizations.memberships import memberships_of

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
        "map_tile_url": settings.MAP_TILE_URL,
        "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }
