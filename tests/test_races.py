"""One pool per name, even when applies race or one is killed during CreateUserPool
(issue 10, §3).

Cognito does not keep pool names unique and CreateUserPool has no idempotency token, so
two applies that both plan "create", or a re-apply after a run killed while its
CreateUserPool was on the way, used to leave two pools of one name, after which every
command failed. Every CreateUserPool is now tagged with its run's id; a run looks at the
name again right after its create and after its last call (the oldest copy is kept, a
newer copy poolsync made and nobody uses is removed), and plan removes such a copy it
finds (engine._PoolApply, engine._find_by_name, plan.stray_removal).

The races run through the fault proxy (poolsync.standin.faults): ``FaultProxy.hold``
parks chosen requests so that they reach Cognito in the order a test needs, and forwards
a parked request after its sender was killed. Applies run as subprocesses (the concurrent
ones, and the one killed with SIGKILL) or in threads (to be released step by step). Every
wait is bounded; no test asserts a duration.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from poolsync.aws import AwsSession, RetryPolicy
from poolsync.kinds.settings import CREATED_BY_RUN
from poolsync.standin import LocalCognito
from poolsync.standin.faults import Fault, FaultProxy, Faults, Gate, HeldRequest
from tests.conftest import REGION
from tests.conftest import cli as _cli

WAIT = 180.0  # seconds: the bound of every wait (never asserted)
FAST = RetryPolicy(attempts=8, base=0.01, cap=0.05)

ONE_POOL = """
    version: 1
    region: eu-west-1
    pools:
      orders:
        settings: {DeletionProtection: ACTIVE}
        mfa: {MfaConfiguration: OPTIONAL, SoftwareTokenMfaConfiguration: {Enabled: true}}
        groups: {admins: {Precedence: 1}, staff: {Precedence: 2}}
    """
TWO_POOLS = ONE_POOL.rstrip(" ") + """\
      billing:
        clients: {web: {}}
        groups: {ops: {Precedence: 1}}
    """


# --- fixtures and helpers -----------------------------------------------------------


@pytest.fixture(scope="module")
def local() -> Iterator[LocalCognito]:
    with LocalCognito() as cognito:
        yield cognito


@pytest.fixture
def cognito(local: LocalCognito) -> Any:
    """A direct client (no proxy) to inspect the local Cognito, emptied first."""
    local.reset()
    return local.client()


@pytest.fixture
def config_file(tmp_path: Path):  # type: ignore[no-untyped-def]
    def _write(text: str) -> str:
        path = tmp_path / "pools.yaml"
        path.write_text(textwrap.dedent(text))
        return str(path)

    return _write


def _session(proxy: FaultProxy) -> AwsSession:
    return AwsSession(endpoint_url=proxy.endpoint_url, credentials=("x", "x"), share=None,
                      retry=FAST)


def _spawn(proxy: FaultProxy, *args: str) -> subprocess.Popen[str]:
    """``poolsync ARGS`` in its own process, talking to Cognito through the proxy."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ENDPOINT_URL=proxy.endpoint_url, AWS_ACCESS_KEY_ID="x",
               AWS_SECRET_ACCESS_KEY="x", AWS_DEFAULT_REGION=REGION,
               AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null",
               NO_COLOR="1")
    return subprocess.Popen([sys.executable, "-m", "poolsync", *args], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _wait_held(gate: Gate, n: int, runs: list[subprocess.Popen[str]]) -> list[HeldRequest]:
    """``gate.wait_held``, failing at once (with its error) if a run ends first."""
    deadline = time.monotonic() + WAIT
    while True:
        try:
            return gate.wait_held(n, 0.5)
        except TimeoutError:
            ended = [run for run in runs if run.poll() is not None]
            if ended or time.monotonic() > deadline:
                details = [_finish(run) for run in ended]
                raise AssertionError(f"the runs did not all reach CreateUserPool: {details}"
                                     ) from None


def _applies_at_once(proxy: FaultProxy, path: str, runs: int, operation: str, held: int,
                     order: str) -> list[tuple[int, str]]:
    """``runs`` applies of ``path`` in their own processes, their ``held`` requests of
    ``operation`` parked until all are sent, then released in arrival order or reversed;
    each run's (exit code, stderr)."""
    gate = proxy.hold(operation, count=held)
    started = [_spawn(proxy, "apply", path, "--yes") for _ in range(runs)]
    try:
        parked = _wait_held(gate, held, started)
        for request in (parked if order == "arrival" else reversed(parked)):
            request.release()
        return [_finish(run) for run in started]
    finally:
        for run in started:
            if run.poll() is None:
                run.kill()
                run.communicate()


def _finish(process: subprocess.Popen[str]) -> tuple[int, str]:
    try:
        _, err = process.communicate(timeout=WAIT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise
    return process.returncode, err


class _InThread:
    """``poolsync ARGS`` in this process, on a thread, so a test can release its parked
    requests one by one (signals are not handled off the main thread: not needed here)."""

    def __init__(self, session: AwsSession, *args: str) -> None:
        self.code: int | None = None
        self._thread = threading.Thread(target=self._run, args=(session, args))
        self._thread.start()

    def _run(self, session: AwsSession, args: tuple[str, ...]) -> None:
        self.code = _cli(session, *args)

    def join(self) -> int:
        self._thread.join(WAIT)
        assert not self._thread.is_alive(), "the apply did not end"
        assert self.code is not None
        return self.code


def _pools(client: Any) -> Counter[str]:
    return Counter(p["Name"] for p in client.list_user_pools(MaxResults=60)["UserPools"])


def _described(client: Any, name: str) -> list[dict[str, Any]]:
    return [client.describe_user_pool(UserPoolId=p["Id"])["UserPool"]
            for p in client.list_user_pools(MaxResults=60)["UserPools"] if p["Name"] == name]


def _assert_nothing_twice(client: Any) -> None:
    """One pool per name, and in each pool one group and one client per name."""
    assert all(n == 1 for n in _pools(client).values()), _pools(client)
    for pool in client.list_user_pools(MaxResults=60)["UserPools"]:
        groups = Counter(g["GroupName"] for g in client.list_groups(
            UserPoolId=pool["Id"], Limit=60)["Groups"])
        clients = Counter(c["ClientName"] for c in client.list_user_pool_clients(
            UserPoolId=pool["Id"], MaxResults=60)["UserPoolClients"])
        assert all(n == 1 for n in (groups + clients).values()), (pool["Name"], groups, clients)


def _clean(proxy: FaultProxy, path: str) -> None:
    """A plan of the file after the race has nothing left to do."""
    assert _cli(_session(proxy), "plan", path, "--detailed-exitcode") == 0


# --- N applies at once ----------------------------------------------------------------


@pytest.mark.parametrize("order", ["arrival", "reversed"])
def test_four_applies_at_once_leave_one_pool_per_name(
        local: LocalCognito, cognito: Any, config_file: Any, order: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    path = config_file(TWO_POOLS)
    with FaultProxy(local.endpoint_url, Faults(), seed=0) as proxy:
        # Every run plans "create" for both pools: all eight creates are parked until the
        # last run has sent its own, then they reach Cognito together.
        outcomes = _applies_at_once(proxy, path, 4, "CreateUserPool", 8, order)
        assert proxy.injected.forwarded["CreateUserPool"] == 8  # eight pools were made
        assert proxy.injected.forwarded["DeleteUserPool"] >= 6  # six of them deleted
        _clean(proxy, path)
    assert _pools(cognito) == {"orders": 1, "billing": 1}
    _assert_nothing_twice(cognito)
    # At least two runs keep no pool (four runs, two names), and say so.
    assert sum(code == 1 for code, _ in outcomes) >= 2
    for code, err in outcomes:
        assert code in (0, 1), err
        assert "Traceback" not in err and "internal error" not in err, err
        if code == 1:  # a run that lost a create says so, and nothing else went wrong
            assert "at the same time" in err, err
            assert "run plan, then apply again" in err
    # Each pool kept is one of the runs' own, and carries the mark of its run.
    for name in ("orders", "billing"):
        (pool,) = _described(cognito, name)
        assert pool["UserPoolTags"].get(CREATED_BY_RUN)
    orders = _described(cognito, "orders")[0]
    assert orders["DeletionProtection"] == "ACTIVE"


# --- a run killed during CreateUserPool -------------------------------------------------


def _killed_during_create(proxy: FaultProxy, path: str) -> Any:
    """Start an apply in its own process, park its CreateUserPool in the proxy and kill
    the process (SIGKILL): the request is still on its way to Cognito."""
    gate = proxy.hold("CreateUserPool")
    victim = _spawn(proxy, "apply", path, "--yes")
    try:
        (lost,) = _wait_held(gate, 1, [victim])
    finally:
        victim.kill()
        victim.communicate(timeout=WAIT)
    assert victim.returncode == -9
    return lost


def test_killed_create_reaching_cognito_before_the_reapply_is_adopted(
        local: LocalCognito, cognito: Any, config_file: Any) -> None:
    path = config_file(ONE_POOL)
    with FaultProxy(local.endpoint_url, Faults(), seed=0) as proxy:
        lost = _killed_during_create(proxy, path)
        lost.release()
        lost.wait_forwarded(WAIT)  # the dead run's pool exists, empty
        assert _cli(_session(proxy), "apply", path, "--yes") == 0
        _clean(proxy, path)
        assert proxy.injected.forwarded["CreateUserPool"] == 1  # the re-apply made none
    assert _pools(cognito) == {"orders": 1}
    _assert_nothing_twice(cognito)


def test_killed_create_reaching_cognito_first_while_the_reapply_creates(
        local: LocalCognito, cognito: Any, config_file: Any,
        capsys: pytest.CaptureFixture[str]) -> None:
    """The dead run's copy is the older one: the re-apply deletes its own copy, says so,
    and the apply after it finishes the dead run's pool."""
    path = config_file(ONE_POOL)
    with FaultProxy(local.endpoint_url, Faults(), seed=0) as proxy:
        lost = _killed_during_create(proxy, path)
        second = proxy.hold("CreateUserPool")
        reapply = _InThread(_session(proxy), "apply", path, "--yes")
        (mine,) = second.wait_held(1, WAIT)
        lost.release()
        lost.wait_forwarded(WAIT)
        mine.release()
        assert reapply.join() == 1
        err = capsys.readouterr().err
        assert "another run created a pool named 'orders' at the same time" in err
        assert "this run deleted its own copy" in err
        assert _pools(cognito) == {"orders": 1}
        assert _cli(_session(proxy), "apply", path, "--yes") == 0
        _clean(proxy, path)
    assert _pools(cognito) == {"orders": 1}
    _assert_nothing_twice(cognito)


def test_killed_create_reaching_cognito_after_the_reapply_created_is_removed_by_it(
        local: LocalCognito, cognito: Any, config_file: Any,
        capsys: pytest.CaptureFixture[str]) -> None:
    """The dead run's copy is the newer one and appears while the re-apply looks at the
    name after its create: the re-apply removes it (protection switched off first: the
    file asks for ACTIVE) and converges in one run."""
    path = config_file(ONE_POOL)
    with FaultProxy(local.endpoint_url, Faults(), seed=0) as proxy:
        lost = _killed_during_create(proxy, path)
        second = proxy.hold("CreateUserPool")
        look = proxy.hold("ListUserPools", after=1)  # the plan's passes; the next is parked
        reapply = _InThread(_session(proxy), "apply", path, "--yes")
        (mine,) = second.wait_held(1, WAIT)
        mine.release()
        mine.wait_forwarded(WAIT)
        (listing,) = look.wait_held(1, WAIT)
        lost.release()
        lost.wait_forwarded(WAIT)
        listing.release()
        assert reapply.join() == 0
        assert "removed a newer pool named 'orders' that poolsync created" in (
            capsys.readouterr().err)
        _clean(proxy, path)
    assert _pools(cognito) == {"orders": 1}
    _assert_nothing_twice(cognito)


def test_killed_create_reaching_cognito_after_the_reapply_ended_is_planned_away(
        local: LocalCognito, cognito: Any, config_file: Any,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Too late for the re-apply to see: the next plan shows the copy's removal instead
    of failing on two pools of one name, and apply removes it."""
    path = config_file(ONE_POOL)
    with FaultProxy(local.endpoint_url, Faults(), seed=0) as proxy:
        lost = _killed_during_create(proxy, path)
        assert _cli(_session(proxy), "apply", path, "--yes") == 0
        kept = _described(cognito, "orders")[0]["Id"]
        lost.release()
        lost.wait_forwarded(WAIT)
        (stray,) = [p["Id"] for p in _described(cognito, "orders") if p["Id"] != kept]
        capsys.readouterr()
        assert _cli(_session(proxy), "plan", path, "--detailed-exitcode") == 2
        out = capsys.readouterr().out
        assert f"- orders/copies/{stray}: delete (a second pool named 'orders'" in out
        assert f"the oldest pool ({kept}) is the one managed" in out
        assert _cli(_session(proxy), "drift", path, "-o", "json") == 2
        (copy,) = [o for o in json.loads(capsys.readouterr().out)["objects"]
                   if o["address"] == f"orders/copies/{stray}"]
        assert "nothing to accept; apply deletes it" in copy["accept"]  # no export of it
        assert _cli(_session(proxy), "apply", path, "--yes") == 0
        _clean(proxy, path)
    assert [p["Id"] for p in _described(cognito, "orders")] == [kept]


@pytest.mark.parametrize("order", ["arrival", "reversed"])
def test_applies_adding_one_client_to_an_existing_pool_at_once_leave_one(
        local: LocalCognito, cognito: Any, config_file: Any, order: str) -> None:
    """Client names are not unique in Cognito: three applies that add the same client
    to a pool that exists all create it. Each checks after its pool's last call; the
    oldest client is kept, the others deleted by the runs that made them (exit 1) and
    by the run that keeps the oldest."""
    path = config_file(ONE_POOL)
    with FaultProxy(local.endpoint_url, Faults(), seed=0) as proxy:
        assert _cli(_session(proxy), "apply", path, "--yes") == 0
        path = config_file(ONE_POOL.rstrip(" ") + "        clients: {web: {}}\n")
        outcomes = _applies_at_once(proxy, path, 3, "CreateUserPoolClient", 3, order)
        _assert_nothing_twice(cognito)  # never two, whatever the order
        codes = sorted(code for code, _ in outcomes)
        # One run keeps its client; or, when creation times tie and the runs see each
        # other, none does, and the next apply creates it once.
        assert codes in ([0, 1, 1], [1, 1, 1]), outcomes
        if codes == [1, 1, 1]:
            assert _cli(_session(proxy), "apply", path, "--yes") == 0
        _clean(proxy, path)
    _assert_nothing_twice(cognito)
    for code, err in outcomes:
        if code == 1:
            assert "another run created an app client named 'web' at the same time" in err


# --- a lost response with another run's pool of the same name ---------------------------


def test_a_retry_after_a_lost_create_finds_its_own_pool_not_another_runs(
        local: LocalCognito, cognito: Any, config_file: Any,
        capsys: pytest.CaptureFixture[str]) -> None:
    """The response of this run's CreateUserPool is lost, and meanwhile another run made a
    pool of the same name: the look-up before a retry must find this run's pool (by its
    run tag), not adopt the other run's and leave its own behind."""
    path = config_file(ONE_POOL)
    faults = Faults(reset_after=1.0, operations=frozenset({"CreateUserPool"}), first=1)
    with FaultProxy(local.endpoint_url, faults, seed=0) as proxy:
        gate = proxy.hold("CreateUserPool")
        run = _InThread(_session(proxy), "apply", path, "--yes")
        (mine,) = gate.wait_held(1, WAIT)
        other = cognito.create_user_pool(PoolName="orders",
                                          UserPoolTags={CREATED_BY_RUN: "another-run"})
        mine.release()
        assert run.join() == 1
        assert proxy.injected.count(Fault.RESET_AFTER, "CreateUserPool") == 1
        err = capsys.readouterr().err
        assert f"({other['UserPool']['Id']}, the oldest, is kept)" in err
    assert [p["Id"] for p in _described(cognito, "orders")] == [other["UserPool"]["Id"]]


# --- what plan removes by itself, and what it does not --------------------------------


def _two_copies(client: Any, newer_tags: dict[str, str]) -> tuple[str, str]:
    older = client.create_user_pool(PoolName="orders")["UserPool"]["Id"]
    newer = client.create_user_pool(PoolName="orders", UserPoolTags=newer_tags)["UserPool"]["Id"]
    return older, newer


def test_a_newer_copy_that_poolsync_did_not_create_is_still_an_error(
        local: LocalCognito, cognito: Any, config_file: Any,
        capsys: pytest.CaptureFixture[str]) -> None:
    path = config_file(ONE_POOL)
    _two_copies(cognito, {"team": "console"})
    with FaultProxy(local.endpoint_url, Faults(), seed=0) as proxy:
        assert _cli(_session(proxy), "plan", path) == 1
    err = capsys.readouterr().err
    assert "2 pools are named 'orders'" in err and "pin the one to manage" in err
    assert _pools(cognito) == {"orders": 2}


def test_a_newer_copy_with_users_is_never_removed(
        local: LocalCognito, cognito: Any, config_file: Any,
        capsys: pytest.CaptureFixture[str]) -> None:
    path = config_file(ONE_POOL)
    _, newer = _two_copies(cognito, {CREATED_BY_RUN: "some-run"})
    cognito.admin_create_user(UserPoolId=newer, Username="someone")
    with FaultProxy(local.endpoint_url, Faults(), seed=0) as proxy:
        assert _cli(_session(proxy), "apply", path, "--yes") == 1
    assert "2 pools are named 'orders'" in capsys.readouterr().err
    assert _pools(cognito) == {"orders": 2}


def test_a_copy_that_gets_a_user_after_the_plan_is_not_deleted(
        local: LocalCognito, cognito: Any, config_file: Any,
        capsys: pytest.CaptureFixture[str]) -> None:
    """The plan removes an empty copy; a user signs up before apply reaches it: apply
    asks right before DeleteUserPool and refuses (exit 3)."""
    path = config_file(ONE_POOL)
    _, newer = _two_copies(cognito, {CREATED_BY_RUN: "some-run"})
    with FaultProxy(local.endpoint_url, Faults(), seed=0) as proxy:
        gate = proxy.hold("ListUsers")  # apply's look for a user, right before the delete
        run = _InThread(_session(proxy), "apply", path, "--yes")
        (ask,) = gate.wait_held(1, WAIT)
        cognito.admin_create_user(UserPoolId=newer, Username="someone")
        ask.release()
        assert run.join() == 3
    err = capsys.readouterr().err
    assert f"orders/copies/{newer}: the pool {newer} has users now" in err
    assert "not done  orders/copies/" in err
    assert _pools(cognito) == {"orders": 2}


def test_a_copy_holding_the_domain_is_removed_before_the_domain_is_created(
        local: LocalCognito, cognito: Any, config_file: Any) -> None:
    path = config_file(ONE_POOL.rstrip(" ") + "        domain: {Domain: orders-races-test}\n")
    _, newer = _two_copies(cognito, {CREATED_BY_RUN: "some-run"})
    cognito.create_user_pool_domain(UserPoolId=newer, Domain="orders-races-test")
    with FaultProxy(local.endpoint_url, Faults(), seed=0) as proxy:
        assert _cli(_session(proxy), "apply", path, "--yes") == 0
        _clean(proxy, path)
    (pool,) = _described(cognito, "orders")
    assert pool["Domain"] == "orders-races-test"


def test_the_run_tag_survives_updates_and_is_never_a_change(
        local: LocalCognito, cognito: Any, config_file: Any) -> None:
    path = config_file(ONE_POOL)
    with FaultProxy(local.endpoint_url, Faults(), seed=0) as proxy:
        assert _cli(_session(proxy), "apply", path, "--yes") == 0
        (before,) = _described(cognito, "orders")
        changed = config_file(ONE_POOL.replace(
            "settings: {DeletionProtection: ACTIVE}",
            "settings: {DeletionProtection: ACTIVE, UserPoolTags: {team: shop}}"))
        assert _cli(_session(proxy), "apply", changed, "--yes") == 0
        _clean(proxy, changed)
    (after,) = _described(cognito, "orders")
    assert after["UserPoolTags"] == {"team": "shop",
                                     CREATED_BY_RUN: before["UserPoolTags"][CREATED_BY_RUN]}


# --- a replacement killed between protection off and the delete -----------------------


def test_a_run_killed_after_switching_protection_off_leaves_a_plan_that_restores_it(
        local: LocalCognito, cognito: Any, config_file: Any,
        capsys: pytest.CaptureFixture[str]) -> None:
    """The file does not write DeletionProtection (the pool's ACTIVE was set before and
    is carried). A replacement switches it off and is killed before DeleteUserPool
    reaches Cognito: nothing can restore it in that run, so the next plan does."""
    protected = config_file(ONE_POOL)
    unwritten = ONE_POOL.replace("settings: {DeletionProtection: ACTIVE}",
                                 "settings: {Policies: {PasswordPolicy: {MinimumLength: 10}}}")
    replaced = unwritten.replace("settings: {", "settings: {UsernameAttributes: [email], ")
    with FaultProxy(local.endpoint_url, Faults(), seed=0) as proxy:
        assert _cli(_session(proxy), "apply", protected, "--yes") == 0
        path = config_file(unwritten)
        assert _cli(_session(proxy), "apply", path, "--yes") == 0
        (pool,) = _described(cognito, "orders")
        assert pool["DeletionProtection"] == "ACTIVE"
        gate = proxy.hold("DeleteUserPool")
        path = config_file(replaced)
        victim = _spawn(proxy, "apply", path, "--yes", "--allow-replace", "orders")
        try:
            _wait_held(gate, 1, [victim])
        finally:
            victim.kill()
            victim.communicate(timeout=WAIT)
        gate.drop_all()  # the delete never reaches Cognito
        assert _described(cognito, "orders")[0]["DeletionProtection"] == "INACTIVE"
        path = config_file(unwritten)
        capsys.readouterr()
        assert _cli(_session(proxy), "plan", path, "--detailed-exitcode") == 2
        out = capsys.readouterr().out
        assert 'DeletionProtection: "INACTIVE" → "ACTIVE"' in out
        assert "Deletion protection was switched off by poolsync (run " in out
        assert _cli(_session(proxy), "apply", path, "--yes") == 0
        _clean(proxy, path)
    (after,) = _described(cognito, "orders")
    assert after["Id"] == pool["Id"] and after["DeletionProtection"] == "ACTIVE"
    assert set(after["UserPoolTags"]) == {CREATED_BY_RUN}
