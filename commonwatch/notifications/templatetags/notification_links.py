"""Mute links for other apps' pages (a post's page mutes its thread in one tap)."""

from __future__ import annotations

from django import template

from commonwatch.notifications import links, selectors

register = template.Library()


@register.inclusion_tag("notifications/_mute_thread.html", takes_context=True)
def mute_thread(context, kind: str, subject_id: int) -> dict:
    user = context["request"].user
    if not user.is_authenticated:
        return {"shown": False}
    return {
        "shown": True,
        "muted": selectors.is_muted(user, kind, subject_id),
        "url": links.mute_url(links.mute_thread_token(user, kind, subject_id)),
    }
