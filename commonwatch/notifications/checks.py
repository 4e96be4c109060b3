"""Deploy check: an install without a VAPID key cannot push (the rest works)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def vapid_key_is_set(app_configs, **kwargs):
    if settings.VAPID_PRIVATE_KEY:
        return []
    return [
        Warning(
            "VAPID_PRIVATE_KEY is not set: web push is off.",
            hint="Set it to turn push on (docs/configuration.md says how to make one).",
            id="notifications.W001",
        )
    ]
