"""Deploy checks (manage.py check --deploy) for what only an operator can set right."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def client_addresses_behind_a_load_balancer(app_configs, **kwargs) -> list[Warning]:
    """The scale mode runs behind a load balancer: without the trusted-proxy settings every
    client shares its address, and one guesser's wait falls on everyone's password sign-in."""
    scale = bool(getattr(settings, "REDIS_URL", ""))
    told = settings.ALLAUTH_TRUSTED_PROXY_COUNT or settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER
    if scale and not told:
        return [
            Warning(
                "Clients cannot be told apart behind a load balancer.",
                hint="Set TRUSTED_PROXY_COUNT (proxies appending X-Forwarded-For) or "
                "TRUSTED_CLIENT_IP_HEADER; see docs/scale.md.",
                id="commonwatch.W001",
            )
        ]
    return []
