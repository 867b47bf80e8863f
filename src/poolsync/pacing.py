"""Pacing: keep poolsync under Cognito's request-rate quotas instead of hitting them.

One token bucket per quota category (account-wide per region: UserPoolRead 15/s,
...), refilled at a share of the published rate (default 80%: other tools use the same
quota), plus one bucket per (pool, operation) for the categories Cognito also caps at
5 requests/s per operation per pool (Cognito quotas page, quotas.py). Threads that call
Cognito take a token from each bucket that applies before every attempt, so a run
stays near the "quota floor" (the busiest category's calls divided by its rate)
without causing throttling itself.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from poolsync import quotas

DEFAULT_SHARE = 0.8
# The smallest ``--rate-share``. At 1% the slowest bucket (5 requests/s per operation
# and pool) allows one call every 20 s; below that one call waits minutes, and a share
# such as 1e-6 (or 1e-300, which overflowed time.sleep) would wait forever.
MIN_SHARE = 0.01
# The longest spacing a bucket may impose between two calls, in seconds: a rate that
# slow is a mistake, refused when the bucket is made rather than slept through.
MAX_SPACING = 60.0


def check_share(share: float) -> None:
    """Raise ValueError unless ``share`` is a finite number in [MIN_SHARE, 1]."""
    if not (isinstance(share, int | float) and math.isfinite(share)
            and MIN_SHARE <= share <= 1):
        raise ValueError(f"the rate share must be a number from {MIN_SHARE} to 1, "
                         f"not {share!r}")


class TokenBucket:
    """``rate`` tokens per second, at most ``burst`` saved up; ``acquire`` waits.

    ValueError when ``rate`` is not finite or is so slow that calls would be more than
    ``MAX_SPACING`` seconds apart, or ``burst`` is below one token."""

    def __init__(self, rate: float, burst: float = 1.0,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if not (math.isfinite(rate) and rate * MAX_SPACING >= 1):
            raise ValueError(f"a pacing rate of {rate!r} requests/s would space calls more "
                             f"than {MAX_SPACING:g} s apart")
        if not (math.isfinite(burst) and burst >= 1):
            raise ValueError(f"a bucket holds at least one token, not {burst!r}")
        self.rate, self.burst = rate, burst
        self._clock, self._sleep = clock, sleep
        self._tokens = burst
        self._updated = clock()
        self._lock = threading.Lock()

    def _reserve(self) -> float:
        """Take a token (possibly in advance); return how long to wait for it."""
        with self._lock:
            now = self._clock()
            self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate)
            self._updated = now
            self._tokens -= 1
            return 0.0 if self._tokens >= 0 else -self._tokens / self.rate

    def acquire(self) -> float:
        wait = self._reserve()
        if wait > 0:
            self._sleep(wait)
        return wait


@dataclass
class Pacer:
    """The buckets of one account and region."""

    rates: Mapping[str, float] = field(default_factory=lambda: dict(quotas.RATES))
    per_pool: Mapping[str, float] = field(default_factory=lambda: dict(quotas.PER_POOL_CAP))
    share: float = DEFAULT_SHARE
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    waits: WaitSpans = field(default_factory=lambda: WaitSpans())
    _buckets: dict[tuple[str, ...], TokenBucket] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        check_share(self.share)

    def _bucket(self, key: tuple[str, ...], rate: float) -> TokenBucket:
        with self._lock:
            if key not in self._buckets:
                self._buckets[key] = TokenBucket(rate * self.share, 1.0, self.clock, self.sleep)
            return self._buckets[key]

    def acquire(self, operation: str, pool_id: str | None = None) -> None:
        category = quotas.category(operation)
        waited = self._bucket((category,), self.rates.get(category, 15)).acquire()
        cap = self.per_pool.get(category)
        if cap and pool_id:
            waited += self._bucket((category, pool_id, operation), cap).acquire()
        if waited:
            now = self.clock()
            self.waits.add(now - waited, now)


class Unpaced(Pacer):
    """No pacing at all (the benchmark's "unpaced" comparison, and unit tests)."""

    def acquire(self, operation: str, pool_id: str | None = None) -> None:
        return None


class WaitSpans:
    """When requests waited, on the pacer or between attempts: ``(start, end)`` spans of
    the monotonic clock, from every thread. Their union (``waited_seconds``) is the time
    the run was held back, which never exceeds the time elapsed however many threads
    wait at once (the progress line's "quota waits")."""

    def __init__(self) -> None:
        self._spans: list[tuple[float, float]] = []
        self._lock = threading.Lock()

    def add(self, start: float, end: float) -> None:
        if end > start:
            with self._lock:
                self._spans.append((start, end))

    def spans(self) -> list[tuple[float, float]]:
        with self._lock:
            return list(self._spans)


def waited_seconds(spans: Iterable[tuple[float, float]]) -> float:
    """Seconds covered by at least one span (the length of their union)."""
    total, reached = 0.0, float("-inf")
    for start, end in sorted(spans):
        if end > reached:
            total += end - max(start, reached)
            reached = end
    return total
