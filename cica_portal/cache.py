"""The shared cache (Redis) that fails open: with Redis down or hung, this process's memory.

Nothing the portal caches is needed for correctness (list counts, rendered rows, throttle
counts): a page served from an empty local cache is slower, never wrong. So a Redis error or
timeout costs one short wait (the socket timeouts in settings), is logged once, and for the
next `RETRY_SECONDS` every call goes straight to the local fallback instead of waiting again.
Then Redis is tried again, and used as soon as it answers.

The price, said plainly: while Redis is away each web process counts throttles and keeps
cached values on its own (two nodes let up to twice a limit through), and a value cached
locally during the outage can outlive its invalidation on another node by its timeout.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RETRY_SECONDS = 15.0
FAILURES = (RedisError, OSError)
WRAPPED = (
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


class FailOpenRedisCache(RedisCache):
    """Django's RedisCache, falling back to a local memory cache while Redis fails."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self.fallback = LocMemCache(f"fail-open:{server}", {"TIMEOUT": params.get("TIMEOUT", 300)})
        self._down_until = 0.0
        self._lock = threading.Lock()
        self.last_error = ""

    @property
    def degraded(self) -> bool:
        return time.monotonic() < self._down_until

    def _failed(self, operation: str, error: BaseException) -> None:
        with self._lock:
            first = not self.degraded
            self._down_until = time.monotonic() + RETRY_SECONDS
            self.last_error = f"{type(error).__name__}: {error}"[:200]
        if first:
            logger.warning(
                "Cache: Redis failed on %s (%s); using this process's memory for %.0f s",
                operation,
                self.last_error,
                RETRY_SECONDS,
            )

    def ping(self) -> bool:
        """Ask Redis itself (for the readiness check); never the fallback."""
        try:
            # RedisCache._cache: Django's client wrapper, which the stubs leave out.
            client = self._cache.get_client(write=False)  # type: ignore[attr-defined]
            return bool(client.ping())
        except FAILURES as error:
            self._failed("ping", error)
            return False


def _fail_open(name: str):
    redis_method = getattr(RedisCache, name)

    def method(self: FailOpenRedisCache, *args, **kwargs):
        if not self.degraded:
            try:
                return redis_method(self, *args, **kwargs)
            except FAILURES as error:
                self._failed(name, error)
        return getattr(self.fallback, name)(*args, **kwargs)

    method.__name__ = name
    method.__doc__ = redis_method.__doc__
    return method


for _name in WRAPPED:
    setattr(FailOpenRedisCache, _name, _fail_open(_name))
