"""The AWS edge: retries classified like Cognito needs, and creates that never happen
twice. A fake boto client stands in for botocore (the seam is BotoCognito._client)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError, ConnectionClosedError

from poolsync.aws import BotoCognito, RetryPolicy
from poolsync.errors import AwsError
from poolsync.model import ApiCall


def _error(code: str, status: int = 400) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": f"{code} happened"},
                        "ResponseMetadata": {"HTTPStatusCode": status}}, "Op")


class FakeBoto:
    """Each method pops its next scripted outcome: an exception to raise, or a callable
    run before answering (to act like a server that acted and then lost the response)."""

    def __init__(self, script: dict[str, list[Any]]) -> None:
        self.script = script
        self.pools: list[dict[str, Any]] = []

    def __getattr__(self, name: str) -> Callable[..., dict[str, Any]]:
        def method(**params: Any) -> dict[str, Any]:
            steps = self.script.get(name, [])
            outcome = steps.pop(0) if steps else None
            if callable(outcome):
                outcome = outcome(params)
            if isinstance(outcome, Exception):
                raise outcome
            return _DEFAULTS[name](self, params) if outcome is None else outcome
        return method


def _create_pool(fake: FakeBoto, params: dict[str, Any]) -> dict[str, Any]:
    pool = {"Id": f"eu-west-1_{len(fake.pools)}", "Name": params["PoolName"]}
    fake.pools.append(pool)
    return {"UserPool": pool}


_DEFAULTS: dict[str, Callable[[FakeBoto, dict[str, Any]], dict[str, Any]]] = {
    "create_user_pool": _create_pool,
    "list_user_pools": lambda fake, p: {"UserPools": list(fake.pools)},
    "describe_user_pool": lambda fake, p: {"UserPool": next(
        x for x in fake.pools if x["Id"] == p["UserPoolId"])},
    "update_user_pool": lambda fake, p: {},
    "create_group": lambda fake, p: {"Group": {"GroupName": p["GroupName"]}},
    "delete_group": lambda fake, p: {},
}


def _cognito(script: dict[str, list[Any]], attempts: int = 5) -> tuple[BotoCognito, list[float]]:
    sleeps: list[float] = []
    cognito = BotoCognito("eu-west-1", retry=RetryPolicy(attempts=attempts, sleep=sleeps.append))
    cognito._client = FakeBoto(script)
    return cognito, sleeps


def test_throttling_on_http_400_is_retried() -> None:
    cognito, sleeps = _cognito({"update_user_pool": [_error("TooManyRequestsException")] * 2})
    assert cognito.call(ApiCall("UpdateUserPool", {"UserPoolId": "p"})) == {}
    assert [c.outcome for c in cognito.calls] == ["TooManyRequestsException"] * 2 + ["ok"]
    assert len(sleeps) == 2


def test_limit_exceeded_is_never_retried_and_says_why() -> None:
    cognito, sleeps = _cognito({"create_group": [_error("LimitExceededException")]})
    with pytest.raises(AwsError, match="hard Cognito quota") as caught:
        cognito.call(ApiCall("CreateGroup", {"UserPoolId": "p", "GroupName": "g"}))
    assert caught.value.code == "LimitExceededException"
    assert len(cognito.calls) == 1 and sleeps == []


def test_exhausted_throttling_names_the_operation_and_the_quota() -> None:
    cognito, _ = _cognito({"update_user_pool": [_error("TooManyRequestsException")] * 3},
                          attempts=3)
    with pytest.raises(AwsError) as caught:
        cognito.call(ApiCall("UpdateUserPool", {"UserPoolId": "p"}))
    message = str(caught.value)
    assert "UpdateUserPool" in message and "UserPoolUpdate quota" in message
    assert "throttled 3 times" in message and "cannot be raised" in message


def test_concurrent_modification_is_retried_only_for_writes_that_list_it() -> None:
    cognito, _ = _cognito({"update_user_pool": [_error("ConcurrentModificationException")]})
    cognito.call(ApiCall("UpdateUserPool", {"UserPoolId": "p"}))
    cognito, _ = _cognito({"create_group": [_error("ConcurrentModificationException")]})
    with pytest.raises(AwsError):
        cognito.call(ApiCall("CreateGroup", {"UserPoolId": "p", "GroupName": "g"}))


def test_the_concurrent_writes_are_exactly_those_the_model_lists() -> None:
    """Deleting a provider or a client can lose a race too (botocore lists the error)."""
    import botocore.session

    from poolsync.quotas import CONCURRENT_WRITES

    model = botocore.session.get_session().get_service_model("cognito-idp")
    listed = {name for name in model.operation_names
              if any(e.name == "ConcurrentModificationException"
                     for e in model.operation_model(name).error_shapes)}
    assert listed == CONCURRENT_WRITES


def test_server_errors_are_retried_and_client_errors_are_not() -> None:
    cognito, _ = _cognito({"update_user_pool": [_error("InternalErrorException", 500)]})
    cognito.call(ApiCall("UpdateUserPool", {"UserPoolId": "p"}))
    cognito, _ = _cognito({"update_user_pool": [_error("InvalidParameterException")]})
    with pytest.raises(AwsError):
        cognito.call(ApiCall("UpdateUserPool", {"UserPoolId": "p"}))
    assert len(cognito.calls) == 1


def test_a_lost_create_user_pool_response_yields_exactly_one_pool() -> None:
    def acts_then_drops(params: dict[str, Any]) -> Exception:
        _create_pool(fake, params)  # the server made it; the connection dropped after
        return ConnectionClosedError(endpoint_url="https://cognito-idp")

    cognito, _ = _cognito({"create_user_pool": [acts_then_drops]})
    fake = cognito._client
    response = cognito.call(ApiCall("CreateUserPool", {"PoolName": "app"}))
    assert response["UserPool"]["Name"] == "app"
    assert len(fake.pools) == 1
    creates = [c for c in cognito.calls if c.operation == "CreateUserPool"]
    assert [c.outcome for c in creates] == ["connection", "found"]


def test_a_create_that_did_not_happen_is_sent_again() -> None:
    cognito, _ = _cognito({"create_user_pool": [_error("ServiceUnavailable", 503)]})
    cognito.call(ApiCall("CreateUserPool", {"PoolName": "app"}))
    assert len(cognito._client.pools) == 1


def test_a_delete_whose_response_was_lost_is_done() -> None:
    cognito, _ = _cognito({"delete_group": [_error("InternalErrorException", 500),
                                            _error("ResourceNotFoundException")]})
    assert cognito.call(ApiCall("DeleteGroup", {"UserPoolId": "p", "GroupName": "g"})) == {}


def test_a_throttled_create_is_not_looked_up() -> None:
    """Throttling is answered before Cognito acts: the retry needs no lookup call."""
    cognito, _ = _cognito({"create_user_pool": [_error("TooManyRequestsException")]})
    cognito.call(ApiCall("CreateUserPool", {"PoolName": "app"}))
    assert [c.operation for c in cognito.calls] == ["CreateUserPool", "CreateUserPool"]


def test_an_unreachable_endpoint_is_tried_three_times_with_a_hint() -> None:
    from botocore.exceptions import EndpointConnectionError

    from poolsync.errors import PoolsyncError

    cognito, _ = _cognito({"list_user_pools": [EndpointConnectionError(endpoint_url="x")] * 5},
                          attempts=10)
    with pytest.raises(PoolsyncError, match="check the network, the region"):
        cognito.list_user_pools()
    assert len(cognito.calls) == 3


def test_missing_credentials_fail_at_once_with_a_hint() -> None:
    from botocore.exceptions import NoCredentialsError

    from poolsync.errors import PoolsyncError

    cognito, _ = _cognito({"list_user_pools": [NoCredentialsError()]})
    with pytest.raises(PoolsyncError, match="standard AWS credential chain"):
        cognito.list_user_pools()
    assert len(cognito.calls) == 1


def test_an_endpoint_that_never_answers_is_tried_three_times_then_an_error() -> None:
    """A silent endpoint (accepts, never answers) made a PR check hang for minutes: each
    read times out after READ_TIMEOUT seconds, and the third is the last."""
    from botocore.exceptions import ReadTimeoutError

    from poolsync.aws import READ_TIMEOUT
    from poolsync.errors import PoolsyncError

    cognito, _ = _cognito({"list_user_pools": [ReadTimeoutError(endpoint_url="x")] * 5},
                          attempts=10)
    with pytest.raises(PoolsyncError):
        cognito.list_user_pools()
    assert len(cognito.calls) == 3
    real = BotoCognito("eu-west-1")
    assert real._boto().meta.config.read_timeout == READ_TIMEOUT <= 30
