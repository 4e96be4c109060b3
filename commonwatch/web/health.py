"""Health answers for load balancers and orchestrators: up or down, nothing else.

/healthz (liveness) touches nothing: the process answers, so it need not be restarted.
/readyz (readiness) asks the database and, in the scale mode, Redis one trivial
question each: a process that cannot reach them should get no traffic, but is not
broken itself. Neither says more than what is down, so both are open to everyone;
neither is cached, since a stored answer would hide the change.
"""

from __future__ import annotations

from functools import cache

import redis
from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from commonwatch.accounts.access import EVERYONE, access

# A probe that waits longer than its own timeout counts as down anyway.
REDIS_TIMEOUT_SECONDS = 1


@access(EVERYONE)
@never_cache
@require_safe
def healthz(request):
    return JsonResponse({"status": "ok"})


@access(EVERYONE)
@never_cache
@require_safe
def readyz(request):
    down = [name for name, answers in _dependencies() if not answers()]
    if down:
        return JsonResponse({"status": "unavailable", "down": down}, status=503)
    return JsonResponse({"status": "ok"})


def _dependencies():
    yield "database", _database_answers
    if settings.REDIS_URL:
        yield "redis", _redis_answers


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return False
    return True


@cache
def _redis(url: str) -> redis.Redis:
    """One client (and connection pool) per process, not a new connection per probe."""
    return redis.Redis.from_url(
        url, socket_connect_timeout=REDIS_TIMEOUT_SECONDS, socket_timeout=REDIS_TIMEOUT_SECONDS
    )


def _redis_answers() -> bool:
    try:
        return bool(_redis(settings.REDIS_URL).ping())
    except redis.RedisError:
        return False
