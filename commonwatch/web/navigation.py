"""The navigation bar: each entry shows only to people whose role may open it."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from commonwatch.accounts.access import NavEntry, visible_entries
from commonwatch.community.alerts import POST_ALERT
from commonwatch.notifications.selectors import unread_count

SIGNED_IN_ENTRIES = (
    NavEntry(_("Near you"), "community:feed"),
    NavEntry(_("Map"), "community:map"),
    NavEntry(_("Post"), "community:new"),
    NavEntry(_("My posts"), "moderation:mine"),
    NavEntry(_("Moderation"), "moderation:queue"),
    NavEntry(_("Cameras"), "cameras:list"),
    NavEntry(_("Clips"), "clips:library"),
    NavEntry(_("Organizations"), "organizations:mine"),
    NavEntry(_("Notifications"), "notifications:inbox"),
    NavEntry(_("My home"), "accounts:home"),
    NavEntry(_("Operate"), "admin:index"),
    NavEntry(_("Account"), "accounts:settings"),
)


def entries_for(user) -> list[dict]:
    """The bar's entries this user may open, "Near you" with its unread-alert count."""
    entries = visible_entries(user, SIGNED_IN_ENTRIES)
    for entry in entries:
        entry["badge"] = (
            (unread_count(user, POST_ALERT) or None)
            if entry["url_name"] == "community:feed"
            else (unread_count(user) or None)
            if entry["url_name"] == "notifications:inbox"
            else None
        )
    return entries
