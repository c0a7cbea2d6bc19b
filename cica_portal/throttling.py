"""DRF throttles on an atomic counter, so a limit holds under concurrency and across nodes.

DRF's own throttles read the list of recent requests from the cache, append, and write it
back: two requests at once both read the same list, and both get through (24 concurrent token
requests let 12 through a limit of 10). Here each request adds one to a counter for the
current window with the cache's `incr` (Redis INCR, atomic across every node; a lock in the
local memory cache) and is let through only if its own number is within the limit.

A fixed window, so a client may spend its limit at the end of one window and again at the
start of the next: at most twice the rate over one window's length, never more.
With Redis away the counters fall back to each process's memory (cica_portal.cache).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from rest_framework import throttling

if TYPE_CHECKING:
    # The mixin reads SimpleRateThrottle's attributes; the type checker is told where from.
    _Throttle = throttling.SimpleRateThrottle
else:
    _Throttle = object


class AtomicCounterMixin(_Throttle):
    """`allow_request` for SimpleRateThrottle subclasses, on a per-window counter."""

    # Set by SimpleRateThrottle.__init__ from the rate (declared here for the type checker).
    duration: int
    num_requests: int

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        now = time.time()
        window = int(now // self.duration)
        self.window_ends = (window + 1) * self.duration
        key = f"{self.key}:w{window}"
        # add() sets the counter only if it is missing; incr() is then atomic for everyone.
        self.cache.add(key, 0, timeout=int(self.duration) + 1)
        try:
            count = self.cache.incr(key)
        except ValueError:  # the counter expired between add and incr: this one is the first
            self.cache.add(key, 1, timeout=int(self.duration) + 1)
            count = 1
        self.now = now
        return count <= self.num_requests

    def wait(self) -> float | None:
        return max(self.window_ends - self.now, 0) if hasattr(self, "window_ends") else None


class AnonRateThrottle(AtomicCounterMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(AtomicCounterMixin, throttling.UserRateThrottle):
    pass


class ScopedRateThrottle(AtomicCounterMixin, throttling.ScopedRateThrottle):
    def allow_request(self, request, view) -> bool:
        # What DRF's ScopedRateThrottle does first: the view's scope names the rate.
        self.scope = getattr(view, self.scope_attr, None)
        if not self.scope:
            return True
        self.rate = self.get_rate()
        # A rate was found (get_rate raises otherwise), so both parts are numbers.
        self.num_requests, self.duration = self.parse_rate(self.rate)  # type: ignore[assignment]
        return super().allow_request(request, view)
