"""Throttling, server errors and dropped connections between poolsync and Cognito
(issue 5): apply still converges, creates nothing twice and loses no setting.

Every test drives the CLI against the local Cognito (moto behind the stand-in, over
HTTP) through ``FaultProxy``. Retries are poolsync's own (aws.RetryPolicy), made fast.
"""

from __future__ import annotations

import http.client
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from poolsync.aws import AwsSession, BotoCognito, RetryPolicy
from poolsync.errors import AwsError
from poolsync.standin import LocalCognito
from poolsync.standin.faults import Fault, FaultProxy, Faults
from tests.conftest import EXAMPLE_SECRET, EXAMPLES, REGION
from tests.conftest import cli as _cli

FAST = RetryPolicy(attempts=12, base=0.01, cap=0.05)
STOREFRONT = EXAMPLES / "storefront.yaml"
EXAMPLE_FILES = tuple(str(p) for p in sorted(EXAMPLES.glob("*.yaml")))
EXAMPLE_POOLS = ("customers-demo", "staff-demo", "storefront-demo")
# The fault rates of issue 5: 30% throttling, 5% server errors (half 500, half 503).
HEAVY = Faults(throttle=0.30, error_500=0.025, error_503=0.025)
# The same, with dropped connections before and after the server acts.
MIXED = Faults(throttle=0.20, error_500=0.025, error_503=0.025,
               reset_before=0.05, reset_after=0.05)
CREATES = {"CreateUserPool": 1, "CreateUserPoolClient": 2, "CreateGroup": 2}  # storefront
THROTTLE_BODY = b'{"__type": "TooManyRequestsException", "message": "Rate exceeded"}'


# --- fixtures and helpers -----------------------------------------------------------


@pytest.fixture(scope="module")
def local() -> Iterator[LocalCognito]:
    with LocalCognito() as cognito:
        yield cognito


def _empty(local: LocalCognito) -> None:
    """Forget every pool: moto's state lives in the process, shared by all tests."""
    local.reset()


@pytest.fixture
def cognito(local: LocalCognito) -> Any:
    """A direct client (no faults) to inspect the local Cognito, emptied first."""
    _empty(local)
    return local.client()


def _session(proxy: FaultProxy, retry: RetryPolicy = FAST) -> AwsSession:
    # No pacing: the faults stand for other tools using the quota; the local server
    # has none to protect.
    return AwsSession(endpoint_url=proxy.endpoint_url, credentials=("x", "x"), share=None,
                      retry=retry)


def _calls(session: AwsSession, operation: str) -> list[tuple[int, str]]:
    boto = session.cognito(REGION)
    assert isinstance(boto, BotoCognito)
    return [(c.attempt, c.outcome) for c in boto.calls if c.operation == operation]


def _close(session: AwsSession) -> None:
    boto = session.cognito(REGION)
    assert isinstance(boto, BotoCognito)
    if boto._client is not None:
        boto._client.close()


def _inventory(client: Any) -> dict[str, Counter[str]]:
    """How many of each object exist, by name: pools, and each pool's children."""
    found: dict[str, Counter[str]] = {"pools": Counter()}
    for pool in client.list_user_pools(MaxResults=60)["UserPools"]:
        name, pool_id = pool["Name"], pool["Id"]
        found["pools"][name] += 1
        found[f"{name}/clients"] = Counter(c["ClientName"] for c in client.list_user_pool_clients(
            UserPoolId=pool_id, MaxResults=60)["UserPoolClients"])
        found[f"{name}/providers"] = Counter(p["ProviderName"] for p in client.list_identity_providers(
            UserPoolId=pool_id, MaxResults=60)["Providers"])
        found[f"{name}/groups"] = Counter(g["GroupName"] for g in client.list_groups(
            UserPoolId=pool_id, Limit=60)["Groups"])
        found[f"{name}/resource_servers"] = Counter(r["Identifier"] for r in client.list_resource_servers(
            UserPoolId=pool_id, MaxResults=50)["ResourceServers"])
    return found


def _assert_nothing_twice(client: Any) -> None:
    twice = {f"{kind}/{name}": n for kind, names in _inventory(client).items()
             for name, n in names.items() if n > 1}
    assert twice == {}


# Values that differ between two runs of the same apply, whatever happened on the way
# (a domain's Version is the time it was created).
_VOLATILE = frozenset({"Id", "Arn", "UserPoolId", "ClientId", "ClientSecret", "CreationDate",
                       "LastModifiedDate", "EstimatedNumberOfUsers", "ResponseMetadata",
                       "Version", "poolsync:created-by-run"})  # the tag: the run's id


def _scrub(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _scrub(v) for k, v in value.items() if k not in _VOLATILE}
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    return value


def _snapshot(client: Any) -> dict[str, Any]:
    """Every setting of every pool and child object, as Cognito describes it."""
    pools: dict[str, Any] = {}
    for summary in client.list_user_pools(MaxResults=60)["UserPools"]:
        pool_id = summary["Id"]
        pool = client.describe_user_pool(UserPoolId=pool_id)["UserPool"]
        clients = client.list_user_pool_clients(UserPoolId=pool_id, MaxResults=60)
        providers = client.list_identity_providers(UserPoolId=pool_id, MaxResults=60)
        pools[summary["Name"]] = _scrub({
            "pool": pool,
            "mfa": client.get_user_pool_mfa_config(UserPoolId=pool_id),
            "clients": sorted((client.describe_user_pool_client(
                UserPoolId=pool_id, ClientId=c["ClientId"])["UserPoolClient"]
                for c in clients["UserPoolClients"]), key=lambda c: c["ClientName"]),
            "providers": sorted((client.describe_identity_provider(
                UserPoolId=pool_id, ProviderName=p["ProviderName"])["IdentityProvider"]
                for p in providers["Providers"]), key=lambda p: p["ProviderName"]),
            "groups": sorted(client.list_groups(UserPoolId=pool_id, Limit=60)["Groups"],
                             key=lambda g: g["GroupName"]),
            "resource_servers": client.list_resource_servers(
                UserPoolId=pool_id, MaxResults=50)["ResourceServers"],
            "domain": client.describe_user_pool_domain(
                Domain=pool["Domain"])["DomainDescription"] if pool.get("Domain") else None,
        })
    return pools


@pytest.fixture(scope="module")
def reference(local: LocalCognito) -> dict[str, Any]:
    """The examples applied without any fault: what every faulty run must end with."""
    client = local.client()
    _empty(local)
    with (pytest.MonkeyPatch.context() as env,  # before the autouse aws_environment
          FaultProxy(local.endpoint_url, Faults(), seed=0) as proxy):
        env.setenv("GOOGLE_CLIENT_SECRET", EXAMPLE_SECRET)
        session = _session(proxy)
        assert _cli(session, "apply", *EXAMPLE_FILES, "--yes") == 0
        _close(session)
    snapshot = _snapshot(client)
    _empty(local)
    assert sorted(snapshot) == sorted(EXAMPLE_POOLS)
    return snapshot


# --- the examples under heavy faults --------------------------------------------------


def _converges(local: LocalCognito, cognito: Any, faults: Faults, seed: int,
               reference: dict[str, Any]) -> FaultProxy:
    with FaultProxy(local.endpoint_url, faults, seed=seed) as proxy:
        session = _session(proxy)
        assert _cli(session, "plan", *EXAMPLE_FILES) == 0
        assert _cli(session, "apply", *EXAMPLE_FILES, "--yes") == 0
        assert _cli(session, "plan", *EXAMPLE_FILES, "--detailed-exitcode") == 0
        _close(session)
    _assert_nothing_twice(cognito)
    assert _snapshot(cognito) == reference  # no setting lost, none added
    return proxy


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_examples_converge_at_30_percent_throttling_and_5_percent_server_errors(
        local: LocalCognito, cognito: Any, reference: dict[str, Any], seed: int,
        capsys: pytest.CaptureFixture[str]) -> None:
    proxy = _converges(local, cognito, HEAVY, seed, reference)
    injected = proxy.injected  # a seed draws the same faults in every run
    assert injected.count(Fault.THROTTLE) > 0
    assert injected.count(Fault.ERROR_500) + injected.count(Fault.ERROR_503) > 0
    assert "error" not in capsys.readouterr().err


@pytest.mark.parametrize("seed", [1, 2])
def test_examples_converge_when_connections_also_drop(
        local: LocalCognito, cognito: Any, reference: dict[str, Any], seed: int) -> None:
    proxy = _converges(local, cognito, MIXED, seed, reference)
    assert proxy.injected.count(Fault.RESET_AFTER) > 0
    assert proxy.injected.count(Fault.RESET_BEFORE) > 0


def test_examples_converge_when_every_create_response_is_lost(
        local: LocalCognito, cognito: Any, reference: dict[str, Any]) -> None:
    creates = frozenset({"CreateUserPool", "CreateUserPoolClient", "CreateIdentityProvider",
                         "CreateGroup", "CreateResourceServer", "CreateUserPoolDomain"})
    proxy = _converges(local, cognito, Faults(reset_after=1.0, operations=creates), 1,
                       reference)
    objects = {  # in the fault-free run
        "CreateUserPool": len(reference),
        "CreateUserPoolDomain": sum(p["domain"] is not None for p in reference.values()),
        **{op: sum(len(p[key]) for p in reference.values()) for op, key in (
            ("CreateUserPoolClient", "clients"), ("CreateIdentityProvider", "providers"),
            ("CreateGroup", "groups"), ("CreateResourceServer", "resource_servers"))},
    }
    # Each object was sent to the server once, its answer lost, and the retry found it
    # instead of sending the create again.
    assert {op: proxy.injected.forwarded[op] for op in creates} == objects
    assert {op: proxy.injected.count(Fault.RESET_AFTER, op) for op in creates} == objects


# --- one lost response, one dropped request -------------------------------------------


@pytest.mark.parametrize("operation", sorted(CREATES))
def test_a_lost_create_response_creates_the_object_once(
        local: LocalCognito, cognito: Any, operation: str) -> None:
    faults = Faults(reset_after=1.0, operations=frozenset({operation}), first=1)
    with FaultProxy(local.endpoint_url, faults, seed=0) as proxy:
        session = _session(proxy)
        assert _cli(session, "apply", str(STOREFRONT), "--yes") == 0
        assert _cli(session, "plan", str(STOREFRONT), "--detailed-exitcode") == 0
        _close(session)
    assert proxy.injected.count(Fault.RESET_AFTER, operation) == 1
    # The server acted on the lost request; the retry found the object instead of
    # sending the create again.
    assert proxy.injected.forwarded[operation] == CREATES[operation]
    assert (2, "found") in _calls(session, operation)
    _assert_nothing_twice(cognito)
    inventory = _inventory(cognito)
    assert inventory["pools"] == {"storefront-demo": 1}
    assert inventory["storefront-demo/clients"] == {"web": 1, "backend": 1}
    assert inventory["storefront-demo/groups"] == {"admins": 1, "support": 1}


@pytest.mark.parametrize("operation", sorted(CREATES))
def test_a_request_dropped_before_the_server_is_retried_and_creates_once(
        local: LocalCognito, cognito: Any, operation: str) -> None:
    faults = Faults(reset_before=1.0, operations=frozenset({operation}), first=1)
    with FaultProxy(local.endpoint_url, faults, seed=0) as proxy:
        session = _session(proxy)
        assert _cli(session, "apply", str(STOREFRONT), "--yes") == 0
        _close(session)
    assert proxy.injected.count(Fault.RESET_BEFORE, operation) == 1
    assert proxy.injected.received[operation] == CREATES[operation] + 1
    assert proxy.injected.forwarded[operation] == CREATES[operation]
    assert _calls(session, operation)[:2] == [(1, "connection"), (2, "ok")]
    _assert_nothing_twice(cognito)
    assert _inventory(cognito)["pools"] == {"storefront-demo": 1}


# --- what is not retried, and what runs out -------------------------------------------


def test_limit_exceeded_is_not_retried_and_exits_1(
        local: LocalCognito, cognito: Any, capsys: pytest.CaptureFixture[str]) -> None:
    faults = Faults(limit_exceeded=1.0, operations=frozenset({"CreateUserPoolClient"}))
    with FaultProxy(local.endpoint_url, faults, seed=0) as proxy:
        session = _session(proxy)
        assert _cli(session, "apply", str(STOREFRONT), "--yes") == 1
        _close(session)
    assert proxy.injected.received["CreateUserPoolClient"] == 1
    assert _calls(session, "CreateUserPoolClient") == [(1, "LimitExceededException")]
    err = capsys.readouterr().err
    assert "hard Cognito quota" in err
    assert "not done  storefront-demo/clients/" in err


def test_throttling_that_never_ends_names_the_operation_and_its_quota(
        local: LocalCognito, cognito: Any, capsys: pytest.CaptureFixture[str]) -> None:
    with FaultProxy(local.endpoint_url, Faults(throttle=1.0), seed=0) as proxy:
        session = _session(proxy, RetryPolicy(attempts=3, base=0.01, cap=0.01))
        assert _cli(session, "plan", str(STOREFRONT)) == 1
        _close(session)
    assert proxy.injected.count(Fault.THROTTLE, "ListUserPools") == 3
    err = capsys.readouterr().err
    assert "ListUserPools" in err and "UserPoolRead" in err and "throttled 3 times" in err


# --- the proxy itself -----------------------------------------------------------------

UNUSED_UPSTREAM = "http://127.0.0.1:9"  # never contacted: every request gets a fault


def _post(endpoint_url: str, operation: str, body: bytes = b"{}") -> http.client.HTTPResponse:
    host, port = endpoint_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=5)
    connection.request("POST", "/", body=body, headers={
        "X-Amz-Target": f"AWSCognitoIdentityProviderService.{operation}",
        "Content-Type": "application/x-amz-json-1.1"})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def test_a_throttled_request_is_a_400_shaped_like_cognitos() -> None:
    with FaultProxy(UNUSED_UPSTREAM, Faults(throttle=1.0), seed=0) as proxy:
        host, port = proxy.endpoint_url.removeprefix("http://").split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=5)
        connection.request("POST", "/", body=b"{}", headers={
            "X-Amz-Target": "AWSCognitoIdentityProviderService.ListUserPools"})
        response = connection.getresponse()
        assert response.status == 400
        assert response.read() == THROTTLE_BODY
        assert response.getheader("x-amzn-ErrorType") == "TooManyRequestsException"
        assert response.getheader("Content-Type") == "application/x-amz-json-1.1"
        connection.close()
    assert proxy.injected.count(Fault.THROTTLE, "ListUserPools") == 1
    assert proxy.injected.forwarded.total() == 0


def test_counters_count_per_kind_and_operation(local: LocalCognito, cognito: Any) -> None:
    faults = Faults(throttle=0.5, operations=frozenset({"ListUserPools"}))
    with FaultProxy(local.endpoint_url, faults, seed=7) as proxy:
        boto = BotoCognito(REGION, endpoint_url=proxy.endpoint_url, credentials=("x", "x"),
                           retry=RetryPolicy(attempts=1))
        outcomes = Counter()
        for _ in range(20):
            try:
                boto.list_user_pools()
                outcomes["ok"] += 1
            except AwsError as exc:
                outcomes[exc.code] += 1
        boto.describe_user_pool("eu-west-1_nothere")  # not targeted: forwarded as is
        boto._boto().close()
    injected = proxy.injected
    assert 0 < outcomes["TooManyRequestsException"] < 20
    assert injected.count(Fault.THROTTLE) == outcomes["TooManyRequestsException"]
    assert injected.count(operation="ListUserPools") == outcomes["TooManyRequestsException"]
    assert injected.by_kind() == {"throttle": outcomes["TooManyRequestsException"]}
    assert injected.received == {"ListUserPools": 20, "DescribeUserPool": 1}
    assert injected.forwarded == {"ListUserPools": outcomes["ok"], "DescribeUserPool": 1}


def test_the_same_seed_injects_the_same_faults() -> None:
    def sequence(seed: int) -> list[int]:
        with FaultProxy(UNUSED_UPSTREAM, Faults(throttle=0.5, error_500=0.5), seed=seed) as proxy:
            return [_post(proxy.endpoint_url, "ListGroups").status for _ in range(16)]

    assert sequence(3) == sequence(3)
    assert sequence(3) != sequence(4)


def test_first_limits_the_faults_to_the_first_targeted_requests() -> None:
    faults = Faults(error_503=1.0, operations=frozenset({"CreateGroup"}), first=2)
    with FaultProxy(UNUSED_UPSTREAM, faults, seed=0) as proxy:
        assert _post(proxy.endpoint_url, "ListGroups").status == 502  # forwarded: no upstream
        assert [_post(proxy.endpoint_url, "CreateGroup").status for _ in range(2)] == [503, 503]
        assert _post(proxy.endpoint_url, "CreateGroup").status == 502
    assert proxy.injected.faults == {(Fault.ERROR_503, "CreateGroup"): 2}


def test_latency_is_added_before_forwarding() -> None:
    with FaultProxy(UNUSED_UPSTREAM, Faults(throttle=1.0, latency=0.2), seed=0) as proxy:
        started = time.monotonic()
        assert _post(proxy.endpoint_url, "ListUserPools").status == 400
        assert time.monotonic() - started >= 0.2
    assert proxy.injected.count(Fault.LATENCY) == 1


@pytest.mark.parametrize("kind", ["reset_before", "reset_after"])
def test_a_reset_is_a_dropped_connection_to_the_client(local: LocalCognito, cognito: Any,
                                                       kind: str) -> None:
    from botocore.exceptions import ConnectionClosedError

    with FaultProxy(local.endpoint_url, Faults(**{kind: 1.0}), seed=0) as proxy:
        boto = BotoCognito(REGION, endpoint_url=proxy.endpoint_url, credentials=("x", "x"))
        with pytest.raises(ConnectionClosedError):
            boto._boto().create_user_pool(PoolName="dropped")
        boto._boto().close()
    created = [p["Name"] for p in cognito.list_user_pools(MaxResults=60)["UserPools"]]
    assert created == ([] if kind == "reset_before" else ["dropped"])


def test_faults_refuse_rates_outside_0_to_1() -> None:
    with pytest.raises(ValueError, match="throttle"):
        Faults(throttle=1.5)
    with pytest.raises(ValueError, match="more than 1"):
        Faults(throttle=0.6, reset_after=0.6)
    with pytest.raises(TypeError):
        Faults(operations="CreateGroup")  # type: ignore[arg-type]
    assert Faults(operations=frozenset({"AWSCognitoIdentityProviderService.CreateGroup"})
                  ).operations == {"CreateGroup"}


def test_the_proxy_stops_cleanly(local: LocalCognito, cognito: Any) -> None:
    threads_before = set(threading.enumerate())
    with FaultProxy(local.endpoint_url, Faults(), seed=0) as proxy:
        host, port = proxy.endpoint_url.removeprefix("http://").split(":")
        boto = BotoCognito(REGION, endpoint_url=proxy.endpoint_url, credentials=("x", "x"))
        assert boto.list_user_pools() == []  # leaves a keep-alive connection open
        assert any(t.name == "FaultProxy" for t in threading.enumerate())
    # The proxy's own threads are gone on exit (server_close joins its request threads).
    assert not any(t.name == "FaultProxy" for t in threading.enumerate())
    with socket.socket() as probe:
        assert probe.connect_ex((host, int(port))) != 0
    for thread in set(threading.enumerate()) - threads_before:
        thread.join(2)  # moto's side of the last forwarded request may still be closing
    assert set(threading.enumerate()) <= threads_before
    boto._boto().close()
    with pytest.raises(RuntimeError):
        _ = proxy.endpoint_url


def test_the_proxy_module_uses_the_standard_library_only() -> None:
    import ast
    import sys

    source = Path(__file__).parent.parent / "src" / "poolsync" / "standin" / "faults.py"
    imported = {alias.name.split(".")[0] for node in ast.walk(ast.parse(source.read_text()))
                if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(ast.parse(source.read_text()))
                 if isinstance(node, ast.ImportFrom) and node.module and node.level == 0}
    assert imported - {"__future__"} <= sys.stdlib_module_names
