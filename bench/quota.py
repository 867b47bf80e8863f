"""A proxy that enforces Cognito's request-rate quotas the way Cognito does: a request
over its category's rate (account-wide) or over 5/s per operation per pool (client and
resource categories) is answered ``TooManyRequestsException`` on HTTP 400.

Rates come from poolsync.quotas (the Cognito quotas page), multiplied by ``scale``
so benchmark runs stay short; ``latency`` seconds are added to every request, as a
network round trip to AWS would.
"""

from __future__ import annotations

import json
import threading
import time

from poolsync import quotas
from poolsync.standin.faults import Fault, FaultProxy, Faults

# Cognito's burst allowance is not published: a few requests' worth.
BURST = 5.0


class _Bucket:
    def __init__(self, rate: float) -> None:
        self.rate, self.tokens, self.updated = rate, BURST, time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(BURST, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


class QuotaProxy(FaultProxy):
    def __init__(self, upstream_url: str, scale: float, latency: float) -> None:
        super().__init__(upstream_url, Faults(latency=latency))
        self.scale = scale
        self.throttled = 0
        self.requests = 0
        self._buckets: dict[tuple[str, ...], _Bucket] = {}
        self._quota_lock = threading.Lock()

    def _allowed(self, key: tuple[str, ...], rate: float) -> bool:
        bucket = self._buckets.setdefault(key, _Bucket(rate * self.scale))
        return bucket.take()

    def decide(self, operation: str, body: bytes = b"") -> tuple[Fault | None, float]:
        _, latency = super().decide(operation, body)
        category = quotas.category(operation)
        pool = ""
        if category in quotas.PER_POOL_CAP:
            try:
                pool = str(json.loads(body or b"{}").get("UserPoolId", ""))
            except ValueError:
                pool = ""
        with self._quota_lock:
            self.requests += 1
            ok = self._allowed((category,), quotas.RATES.get(category, 15))
            if ok and pool:
                ok = self._allowed((category, pool, operation), quotas.PER_POOL_CAP[category])
            if not ok:
                self.throttled += 1
        return (None if ok else Fault.THROTTLE), latency
