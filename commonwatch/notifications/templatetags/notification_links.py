"""Mute links for other apps' pages (a post's page mutes its thread in one tap)."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from commonwatch.notifications import links, selectors

register = template.Library()


@register.inclusion_tag("notifications/_mute_thread.html", takes_context=True)
def mute_thread(context, kind: str, thread_id: int, mute: str = "", muted: str = "") -> dict:
    """One tap mutes the thread; `mute` and `muted` word the button and the state."""
    user = context["request"].user
    if not user.is_authenticated:
        return {"shown": False}
    return {
        "shown": True,
        "muted": selectors.is_muted(user, kind, thread_id),
        "url": links.mute_url(links.mute_thread_token(user, kind, thread_id)),
        "mute_label": mute or _("Mute alerts about this post"),
        "muted_label": muted or _("You muted alerts about this post."),
    }
