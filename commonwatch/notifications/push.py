"""Web push (RFC 8030/8291/8292) through pywebpush: encrypted for the browser's keys,
signed with this install's VAPID key, posted to the browser's push service.

Only hosts of known push services (WEB_PUSH_HOSTS) are accepted as endpoints, so a
subscription can never make this server post to an address of someone's choosing.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
from fnmatch import fnmatch
from urllib.parse import urlsplit

from django.conf import settings
from pywebpush import WebPushException, webpush

from .models import PushSubscription

logger = logging.getLogger(__name__)
GONE = frozenset({404, 410})  # the push service forgot the subscription: drop it
TIMEOUT_SECONDS = 10
LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


def endpoint_allowed(endpoint: str) -> bool:
    """An https URL on a known push service; plain http only on a loopback host an
    operator listed (the tests' push service).

    Only a plain address passes: with a backslash or user-info ("a\\@fcm…", "a@fcm…")
    this parser and the HTTP client that sends the push read different hosts, and the
    push would go to the one this check never saw."""
    if "\\" in endpoint or any(c.isspace() or not c.isprintable() for c in endpoint):
        return False
    parts = urlsplit(endpoint)
    try:
        port = parts.port
    except ValueError:
        return False
    if "@" in parts.netloc or (port is not None and parts.scheme == "https"):
        return False
    host = (parts.hostname or "").lower()
    if not host or not any(fnmatch(host, pattern.lower()) for pattern in settings.WEB_PUSH_HOSTS):
        return False
    return parts.scheme == "https" or (parts.scheme == "http" and host in LOOPBACK)


def key_valid(value: str, length: int) -> bool:
    """A base64url key of the length the Push API gives (p256dh 65 bytes, auth 16)."""
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        return False
    return len(raw) == length


def send(subscription: PushSubscription, payload: dict) -> bool:
    """Push one message to one device; False (and the subscription deleted) when the
    push service says it is gone, or its address is not one this site may post to (a
    subscription saved before a check was tightened). Any other refusal raises, for the
    outbox to retry."""
    if not endpoint_allowed(subscription.endpoint):
        logger.warning("Push: a subscription to a host not allowed was removed unsent.")
        subscription.delete()
        return False
    try:
        webpush(
            subscription_info={
                "endpoint": subscription.endpoint,
                "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
            },
            data=json.dumps(payload),
            vapid_private_key=settings.VAPID_PRIVATE_KEY,
            vapid_claims={"sub": settings.VAPID_SUBJECT},
            ttl=settings.WEB_PUSH_TTL_SECONDS,
            timeout=TIMEOUT_SECONDS,
        )
    except WebPushException as exc:
        if exc.response is not None and exc.response.status_code in GONE:
            subscription.delete()
            return False
        raise
    return True
