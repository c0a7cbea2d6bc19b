"""Fixed-window counters in the cache, for doors that answer the same whatever they do.

With Redis (REDIS_URL) the count is shared by every process; without it each process counts
for itself, as DRF's throttles do. Identities are hashed before they become cache keys.
"""

import hashlib

from django.core.cache import cache


def allow(scope: str, identity: str, *, limit: int, window_seconds: int) -> bool:
    """Count one hit for the identity; True while the window holds at most `limit` hits."""
    key = f"ratelimit:{scope}:{hashlib.sha256(identity.encode()).hexdigest()}"
    cache.add(key, 0, timeout=window_seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window_seconds)
        count = 1
    return count <= limit
