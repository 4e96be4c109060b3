"""The navigation bar: each entry shows only to people whose role may open it."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import resolve, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from commonwatch.accounts.access import rule_for


@dataclass(frozen=True)
class NavEntry:
    label: str | Promise
    url_name: str


SIGNED_IN_ENTRIES = (
    NavEntry(_("Near you"), "community:feed"),
    NavEntry(_("Map"), "community:map"),
    NavEntry(_("Post"), "community:new"),
    NavEntry(_("My posts"), "community:mine"),
    NavEntry(_("Moderation"), "moderation:queue"),
    NavEntry(_("My home"), "accounts:home"),
    NavEntry(_("Operate"), "admin:index"),
    NavEntry(_("Account"), "accounts:settings"),
)
# The account page lists these, each shown only to whom its rule admits.
ACCOUNT_ENTRIES = (
    NavEntry(_("E-mail addresses"), "account_email"),
    NavEntry(_("Password"), "account_change_password"),
    NavEntry(_("Two-factor authentication and recovery codes"), "mfa_index"),
    NavEntry(_("Personal API tokens"), "accounts:api_tokens"),
    NavEntry(_("Delete my account"), "accounts:delete"),
)


def entries_for(user, entries=SIGNED_IN_ENTRIES) -> list[dict]:
    """The entries this user may open, as label/url pairs for the template."""
    visible = []
    for entry in entries:
        url = reverse(entry.url_name)
        match = resolve(url)
        rule = rule_for(match.func, match)
        if rule is not None and rule.allows(user) and user.is_authenticated:
            visible.append({"label": entry.label, "url": url, "badge": _badge(entry, user)})
    return visible


def _badge(entry: NavEntry, user) -> int | None:
    """The unread-alert count beside "Near you": what reached the circle while away."""
    if entry.url_name != "community:feed":
        return None
    from commonwatch.community.selectors import unread_count

    return unread_count(user) or None
