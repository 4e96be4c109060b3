"""A Redis cache that degrades to the process's own memory while Redis is down.

Sign-in throttles, allauth's rate limits and cached pages all read the cache; a
Redis outage must slow none of them into errors. While Redis is unreachable each
process keeps its own counts (an attacker gains at most one budget per process),
retries Redis every RETRY_SECONDS, and logs the outage once per retry window.
"""

from __future__ import annotations

import logging
import time
from functools import partialmethod

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
RETRY_SECONDS = 10
FALLBACK_MAX_ENTRIES = 10_000
_OPERATIONS = (
    "add",
    "get",
    "set",
    "touch",
    "delete",
    "get_many",
    "has_key",
    "incr",
    "set_many",
    "delete_many",
    "clear",
)


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        fallback_params = {**params, "OPTIONS": {"MAX_ENTRIES": FALLBACK_MAX_ENTRIES}}
        self._fallback = LocMemCache(f"redis-fallback-{id(self)}", fallback_params)
        self._redis_down_until = 0.0

    def _call(self, operation: str, *args, **kwargs):
        if time.monotonic() >= self._redis_down_until:
            try:
                return getattr(super(), operation)(*args, **kwargs)
            except RedisError as exc:
                self._redis_down_until = time.monotonic() + RETRY_SECONDS
                logger.warning("Cache: Redis unreachable (%s); using process memory.", exc)
        return getattr(self._fallback, operation)(*args, **kwargs)

    @property
    def redis_reachable(self) -> bool:
        return time.monotonic() >= self._redis_down_until


for _operation in _OPERATIONS:
    setattr(ResilientRedisCache, _operation, partialmethod(ResilientRedisCache._call, _operation))
