"""Pacing by quota category and per pool, on a fake clock."""

from __future__ import annotations

import threading

import pytest

from poolsync.cli import run
from poolsync.pacing import Pacer, TokenBucket


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.lock = threading.Lock()

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self.lock:
            self.now += seconds


def test_a_bucket_spaces_calls_at_its_rate() -> None:
    clock = FakeClock()
    bucket = TokenBucket(5.0, 1.0, clock, clock.sleep)
    for _ in range(11):
        bucket.acquire()
    assert clock.now == pytest.approx(2.0)  # 10 waits of 1/5 s after the first token


def test_the_pacer_uses_a_share_of_each_category_quota() -> None:
    clock = FakeClock()
    pacer = Pacer(share=0.8, clock=clock, sleep=clock.sleep)
    for _ in range(25):
        pacer.acquire("DescribeUserPool", "pool-a")
    # UserPoolRead is 15/s; 80% of it is 12/s: 24 intervals of 1/12 s.
    assert clock.now == pytest.approx(2.0)


def test_categories_do_not_slow_each_other() -> None:
    clock = FakeClock()
    pacer = Pacer(share=1.0, clock=clock, sleep=clock.sleep)
    pacer.acquire("DescribeUserPool")
    pacer.acquire("ListGroups", "p")
    pacer.acquire("ListUserPoolClients", "p")
    assert clock.now == 0.0


def test_client_and_resource_categories_are_capped_per_pool_and_operation() -> None:
    clock = FakeClock()
    pacer = Pacer(share=1.0, clock=clock, sleep=clock.sleep)
    for _ in range(6):
        pacer.acquire("DescribeUserPoolClient", "pool-a")
    # 5/s per operation per pool, although the category allows 15/s.
    assert clock.now == pytest.approx(1.0)
    start = clock.now
    pacer.acquire("DescribeUserPoolClient", "pool-b")  # another pool has its own cap
    assert clock.now - start == pytest.approx(1 / 15, abs=0.07)


def test_stats_flag_reports_calls_per_category(session, write, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write("""
        version: 1
        pools:
          app:
            region: eu-west-1
            groups: {admins: {}}
        """)
    assert run(["--stats", "apply", path, "--yes"], session_factory=lambda p: session) == 0
    err = capsys.readouterr().err
    assert "Cognito calls per quota category" in err
    assert "UserPoolRead" in err and "UserPoolResourceUpdate" in err


# --- A pace that never ends is refused, not slept through -------------------------------


@pytest.mark.parametrize("share", [1e-300, 1e-6, 0.0, -0.5, 1.01, float("nan"),
                                   float("inf")])
def test_a_share_outside_its_range_is_refused(share: float) -> None:
    from poolsync.aws import AwsSession

    with pytest.raises(ValueError, match="rate share"):
        Pacer(share=share)
    with pytest.raises(ValueError, match="rate share"):
        AwsSession(share=share)


def test_the_smallest_share_spaces_the_slowest_bucket_within_the_limit() -> None:
    from poolsync import quotas
    from poolsync.pacing import MAX_SPACING, MIN_SHARE

    clock = FakeClock()
    pacer = Pacer(share=MIN_SHARE, clock=clock, sleep=clock.sleep)
    pacer.acquire("DescribeUserPoolClient", "pool-a")
    pacer.acquire("DescribeUserPoolClient", "pool-a")
    slowest = min([*quotas.RATES.values(), *quotas.PER_POOL_CAP.values()])
    assert clock.now == pytest.approx(1 / (slowest * MIN_SHARE))
    assert clock.now <= MAX_SPACING


@pytest.mark.parametrize("rate", [1e-300, 1e-3, 0.0, -1.0, float("nan"), float("inf")])
def test_a_bucket_too_slow_to_use_is_refused(rate: float) -> None:
    with pytest.raises(ValueError):
        TokenBucket(rate)


def test_waited_seconds_is_the_union_of_the_waits_never_more_than_elapsed() -> None:
    from poolsync.pacing import WaitSpans, waited_seconds

    # Three threads waiting over the same second count one second, not three.
    assert waited_seconds([(0.0, 1.0), (0.0, 1.0), (0.5, 1.0)]) == 1.0
    assert waited_seconds([(2.0, 3.0), (0.0, 1.0), (0.5, 1.5)]) == 2.5
    assert waited_seconds([]) == 0.0
    spans = WaitSpans()
    spans.add(1.0, 1.0)  # no wait at all
    spans.add(1.0, 4.0)
    assert spans.spans() == [(1.0, 4.0)]
