"""Rate limits: a token bucket per client (or one shared bucket), in memory, thread-safe.

``RateLimit(per_min).take(key)`` is ``0.0`` when the request may go on, else the seconds to wait
(for a Retry-After header). Buckets of idle clients are dropped, so memory stays bounded.
"""

from __future__ import annotations

import math
import threading
import time

MAX_CLIENTS = 10000  # buckets kept; beyond this the fullest (idle) ones are forgotten


class RateLimit:
    def __init__(self, per_min: float, *, burst: float | None = None, clock=time.monotonic) -> None:
        self.rate = max(0.0, float(per_min)) / 60.0  # tokens per second
        self.burst = float(burst if burst is not None else max(1.0, per_min))
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # key → (tokens, last update)
        self._lock = threading.Lock()

    def take(self, key: str = "") -> float:
        """Spend one token of ``key``'s bucket: 0.0 if there was one, else the wait in seconds."""
        now = self._clock()
        with self._lock:
            tokens, last = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                wait = 0.0
            else:
                self._buckets[key] = (tokens, now)
                wait = math.inf if self.rate <= 0 else (1.0 - tokens) / self.rate
            if len(self._buckets) > MAX_CLIENTS:
                self._forget_idle(now)
        return wait

    def _forget_idle(self, now: float) -> None:
        full = [k for k, (t, last) in self._buckets.items() if min(self.burst, t + (now - last) * self.rate) >= self.burst]
        for k in full or list(self._buckets)[: len(self._buckets) // 2]:
            del self._buckets[k]


def retry_after(wait_s: float) -> int:
    """Whole seconds for a Retry-After header (at least 1, at most an hour)."""
    return int(min(3600, max(1, math.ceil(wait_s)))) if math.isfinite(wait_s) else 3600
