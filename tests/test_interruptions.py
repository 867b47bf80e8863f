"""Apply stopped midway, by an error or by Ctrl-C/SIGTERM: exactly what was applied is
reported, nothing is undone, and running apply again converges."""

from __future__ import annotations

import json
import os
import signal
from typing import Any

import pytest

from poolsync.errors import AwsError
from tests.conftest import REGION
from tests.conftest import cli as _cli

# One pool: its calls are made strictly in order (pools run concurrently, so a
# deterministic test of "what was applied" stays inside one pool).
TWO_POOLS = """
    version: 1
    region: eu-west-1
    pools:
      first:
        settings: {DeletionProtection: ACTIVE}
        groups: {admins: {Precedence: 1}, staff: {Precedence: 2}, ops: {Precedence: 3}}
    """


class _Wrapper:
    """Our own seam: a Cognito whose write calls can misbehave on cue."""

    def __init__(self, inner: Any, on_call: Any) -> None:
        self._inner, self._on_call, self.writes = inner, on_call, 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def call(self, call: Any) -> dict[str, Any]:
        self.writes += 1
        self._on_call(self.writes, call)
        return self._inner.call(call)


def test_a_failure_midway_reports_applied_and_not_applied_then_apply_converges(
        session, write, capsys) -> None:  # type: ignore[no-untyped-def]
    def fail_third(n: int, call: Any) -> None:
        if n == 3:
            raise AwsError(call.operation, "InternalErrorException", "boom")

    path = write(TWO_POOLS)
    session._clients[REGION] = _Wrapper(session.cognito(REGION), fail_third)
    assert _cli(session, "apply", path, "--yes", "--output", "json") == 1
    out = capsys.readouterr()
    document = json.loads(out.out)
    assert document["status"] == "failed"
    assert document["applied"] == [{"address": "first", "operation": "CreateUserPool"},
                                   {"address": "first/groups/admins",
                                    "operation": "CreateGroup"}]
    assert document["not_applied"] == [
        {"address": "first/groups/staff", "operation": "CreateGroup"},
        {"address": "first/groups/ops", "operation": "CreateGroup"}]
    assert "done      first/groups/admins: CreateGroup" in out.err
    assert "not done  first/groups/ops: CreateGroup" in out.err
    session._clients[REGION] = session._clients[REGION]._inner
    assert _cli(session, "apply", path, "--yes") == 0
    assert _cli(session, "plan", path, "--detailed-exitcode") == 0
    pools = session.cognito(REGION)._boto().list_user_pools(MaxResults=10)["UserPools"]  # type: ignore[attr-defined]
    assert [p["Name"] for p in pools] == ["first"]  # nothing twice


def test_sigint_during_apply_finishes_the_call_in_flight_and_exits_130(
        session, write, capsys) -> None:  # type: ignore[no-untyped-def]
    def interrupt_during_second(n: int, call: Any) -> None:
        if n == 2:
            os.kill(os.getpid(), signal.SIGINT)  # arrives while the call is in flight

    path = write(TWO_POOLS)
    session._clients[REGION] = _Wrapper(session.cognito(REGION), interrupt_during_second)
    assert _cli(session, "apply", path, "--yes") == 130
    err = capsys.readouterr().err
    assert "apply stopped: interrupted" in err
    assert "done      first/groups/admins: CreateGroup" in err  # the call in flight finished
    assert "not done  first/groups/staff: CreateGroup" in err
    session._clients[REGION] = session._clients[REGION]._inner
    assert _cli(session, "apply", path, "--yes") == 0
    assert _cli(session, "plan", path, "--detailed-exitcode") == 0


@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP"])
def test_sigterm_and_sighup_are_handled_like_ctrl_c(session, write, capsys, name) -> None:  # type: ignore[no-untyped-def]
    """SIGHUP: the terminal closed or the SSH connection dropped."""
    signum = getattr(signal, name)

    def terminate_first(n: int, call: Any) -> None:
        if n == 1:
            os.kill(os.getpid(), signum)

    session._clients[REGION] = _Wrapper(session.cognito(REGION), terminate_first)
    previous = signal.signal(signum, lambda *_: None)  # unhandled, it would end pytest
    try:
        assert _cli(session, "apply", write(TWO_POOLS), "--yes") == 130
    finally:
        signal.signal(signum, previous)
    assert "done      first: CreateUserPool" in capsys.readouterr().err


# --- the report is always printed (issue 10, §5) --------------------------------------

ONE_CALL_PER_POOL = """
    version: 1
    region: eu-west-1
    pools:
      first: {}
      second: {}
    """


class _ReadsFail:
    """Our own seam: every read of a pool fails once the writes began, as when the
    read-back is throttled to exhaustion."""

    def __init__(self, inner: Any) -> None:
        self._inner, self.writes = inner, 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def call(self, call: Any) -> dict[str, Any]:
        self.writes += 1
        return self._inner.call(call)

    def describe_user_pool(self, pool_id: str) -> Any:
        if self.writes:
            raise AwsError("DescribeUserPool", "TooManyRequestsException",
                           "Rate exceeded (throttled 10 times)")
        return self._inner.describe_user_pool(pool_id)


def test_a_read_back_that_fails_after_every_write_still_prints_the_report(
        session, write, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write(TWO_POOLS)
    session._clients[REGION] = _ReadsFail(session.cognito(REGION))
    assert _cli(session, "apply", path, "--yes") == 1
    err = capsys.readouterr().err
    assert "apply not verified: every planned call was made, but reading the pools back " \
           "failed: AWS DescribeUserPool failed: TooManyRequestsException" in err
    assert "done      first: CreateUserPool" in err
    assert "done      first/groups/ops: CreateGroup" in err
    assert "Not applied:\n  (none)" in err
    session._clients[REGION] = session._clients[REGION]._inner
    assert _cli(session, "plan", path, "--detailed-exitcode") == 0


def test_a_read_back_that_fails_prints_the_json_report(session, write, capsys) -> None:  # type: ignore[no-untyped-def]
    session._clients[REGION] = _ReadsFail(session.cognito(REGION))
    assert _cli(session, "apply", write(TWO_POOLS), "--yes", "--output", "json") == 1
    document = json.loads(capsys.readouterr().out)
    assert document["status"] == "not verified"
    assert [r["operation"] for r in document["applied"]] == [
        "CreateUserPool", "CreateGroup", "CreateGroup", "CreateGroup"]
    assert document["not_applied"] == []


def test_a_second_ctrl_c_stops_at_once_and_still_prints_the_report(
        session, write, capsys) -> None:  # type: ignore[no-untyped-def]
    def interrupt_twice_during_second(n: int, call: Any) -> None:
        if n == 2:
            os.kill(os.getpid(), signal.SIGINT)
            os.kill(os.getpid(), signal.SIGINT)  # the second: stop without waiting

    session._clients[REGION] = _Wrapper(session.cognito(REGION), interrupt_twice_during_second)
    assert _cli(session, "apply", write(TWO_POOLS), "--yes", "--output", "json") == 130
    out = capsys.readouterr()
    document = json.loads(out.out)
    assert document["status"] == "interrupted"
    assert document["applied"] == [{"address": "first", "operation": "CreateUserPool"}]
    assert document["in_flight"] == [{"address": "first/groups/admins",
                                      "operation": "CreateGroup"}]
    assert {"address": "first/groups/ops", "operation": "CreateGroup"} in (
        document["not_applied"])
    assert "interrupted again: stopped without waiting" in out.err
    assert "in flight first/groups/admins: CreateGroup" in out.err


def test_a_second_ctrl_c_while_pools_run_concurrently_prints_the_report(
        session, write, capsys) -> None:  # type: ignore[no-untyped-def]
    def interrupt_twice(n: int, call: Any) -> None:
        if n == 1:  # on a worker thread: the signals reach the main thread, waiting
            os.kill(os.getpid(), signal.SIGINT)
            os.kill(os.getpid(), signal.SIGINT)

    path = write(ONE_CALL_PER_POOL.replace("second: {}", "second: {groups: {a: {}}}"))
    session._clients[REGION] = _Wrapper(session.cognito(REGION), interrupt_twice)
    assert _cli(session, "apply", path, "--yes") == 130
    err = capsys.readouterr().err
    assert "apply stopped: interrupted" in err
    assert "Applied:" in err and "Not applied:" in err


def test_ctrl_c_during_the_last_call_is_not_ignored(session, write, capsys) -> None:  # type: ignore[no-untyped-def]
    """A one-call-per-pool apply: the Ctrl-C arrives while the only call is in flight.
    The call finishes; the run says it was interrupted (130) and what was applied."""
    def interrupt_first(n: int, call: Any) -> None:
        if n == 1:
            os.kill(os.getpid(), signal.SIGINT)

    path = write(ONE_CALL_PER_POOL.replace("      second: {}\n", ""))
    session._clients[REGION] = _Wrapper(session.cognito(REGION), interrupt_first)
    assert _cli(session, "apply", path, "--yes", "--output", "json") == 130
    out = capsys.readouterr()
    document = json.loads(out.out)
    assert document["status"] == "interrupted"
    assert document["applied"] == [{"address": "first", "operation": "CreateUserPool"}]
    assert document["not_applied"] == []
    assert "apply stopped: interrupted (every planned call had been made)" in out.err


def test_ctrl_c_during_concurrent_single_calls_is_not_ignored(session, write, capsys) -> None:  # type: ignore[no-untyped-def]
    def interrupt_first(n: int, call: Any) -> None:
        if n == 1:
            os.kill(os.getpid(), signal.SIGINT)

    session._clients[REGION] = _Wrapper(session.cognito(REGION), interrupt_first)
    assert _cli(session, "apply", write(ONE_CALL_PER_POOL), "--yes") == 130
    assert "apply stopped: interrupted" in capsys.readouterr().err


def test_ctrl_c_between_the_plan_and_the_first_call_prints_the_report(
        session, write, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The plan is printed, the signal handler is not installed yet: the Ctrl-C lands
    as a KeyboardInterrupt. The report still says nothing was applied (130)."""
    from poolsync import engine

    def interrupted(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(engine, "check_apply", interrupted)
    path = write(ONE_CALL_PER_POOL.replace("      second: {}\n", ""))
    assert _cli(session, "apply", path, "--yes", "--output", "json") == 130
    out = capsys.readouterr()
    document = json.loads(out.out)
    assert document["status"] == "interrupted"
    assert document["applied"] == []
    assert document["not_applied"] == [{"address": "first", "operation": "CreateUserPool"}]
    assert "interrupted before any call was made" in out.err and "Not applied:" in out.err
