"""The AWS edge: retries classified like Cognito needs, and creates that never happen
twice. A fake boto client stands in for botocore (the seam is BotoCognito._client)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
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


# --- Listings that would never end, answers that are not Cognito's ----------------------


def _pages(*pages: dict[str, Any]) -> list[Any]:
    return [dict(page) for page in pages]


def _pool(n: int) -> dict[str, Any]:
    return {"Id": f"eu-west-1_P{n}", "Name": f"p{n}"}


def test_pages_are_followed_to_the_end() -> None:
    cognito, _ = _cognito({"list_user_pools": _pages(
        {"UserPools": [_pool(1)], "NextToken": "a"}, {"UserPools": [], "NextToken": "b"},
        {"UserPools": [_pool(2)]})})
    assert [p["Name"] for p in cognito.list_user_pools()] == ["p1", "p2"]
    assert [c.params.get("NextToken") for c in cognito.calls] == [None, "a", "b"]


def test_a_repeated_next_token_is_an_error_not_a_loop() -> None:
    from poolsync.errors import PoolsyncError

    cognito, _ = _cognito({"list_user_pools": _pages(
        *[{"UserPools": [_pool(n)], "NextToken": "same"} for n in range(5)])})
    with pytest.raises(PoolsyncError, match="NextToken it had sent before"):
        cognito.list_user_pools()
    assert len(cognito.calls) == 2


def test_the_same_item_under_fresh_tokens_is_a_loop_too() -> None:
    """A listing names each item once: one pool on every page, each with a new
    NextToken, would otherwise be followed for MAX_PAGES pages."""
    from poolsync.errors import PoolsyncError

    cognito, _ = _cognito({"list_user_pools": _pages(
        *[{"UserPools": [_pool(1)], "NextToken": f"t{n}"} for n in range(50)])})
    with pytest.raises(PoolsyncError, match="listed the same item twice"):
        cognito.list_user_pools()
    assert len(cognito.calls) == 2


def test_a_token_that_comes_back_later_is_a_loop_too() -> None:
    from poolsync.errors import PoolsyncError

    cognito, _ = _cognito({"list_user_pools": _pages(
        {"UserPools": [_pool(1)], "NextToken": "a"}, {"UserPools": [_pool(2)], "NextToken": "b"},
        {"UserPools": [_pool(3)], "NextToken": "a"})})
    with pytest.raises(PoolsyncError, match="page 3"):
        cognito.list_user_pools()


def test_empty_pages_without_end_are_an_error() -> None:
    from poolsync.aws import MAX_EMPTY_PAGES
    from poolsync.errors import PoolsyncError

    cognito, _ = _cognito({"list_groups": [{"Groups": [], "NextToken": f"t{n}"}
                                           for n in range(MAX_EMPTY_PAGES + 5)]})
    with pytest.raises(PoolsyncError, match="empty pages in a row"):
        cognito.list_groups("eu-west-1_P")
    assert len(cognito.calls) == MAX_EMPTY_PAGES


def test_pages_without_end_are_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from poolsync import aws
    from poolsync.errors import PoolsyncError

    monkeypatch.setattr(aws, "MAX_PAGES", 7)
    cognito, _ = _cognito({"list_user_pools": [
        {"UserPools": [_pool(n)], "NextToken": f"t{n}"} for n in range(20)]})
    with pytest.raises(PoolsyncError, match="after 7 pages"):
        cognito.list_user_pools()
    assert len(cognito.calls) == 7


def test_a_page_larger_than_asked_for_is_an_error() -> None:
    from poolsync.errors import PoolsyncError

    cognito, _ = _cognito({"list_user_pool_clients": [
        {"UserPoolClients": [{"ClientId": str(n), "ClientName": "c"} for n in range(61)]}]})
    with pytest.raises(PoolsyncError, match="61 items in a page of at most 60"):
        cognito.list_clients("eu-west-1_P")


def _operation(name: str) -> Any:
    import botocore.session

    model = botocore.session.get_session().get_service_model("cognito-idp")
    return model.operation_model(name)


@pytest.mark.parametrize(("operation", "body", "problem"), [
    ("ListUserPools", b"<html>portal</html>", "not JSON"),
    ("ListUserPools", b'{"UserPools": [', "not JSON"),
    ("ListUserPools", b"[]", "the response is a list, not an object"),
    ("ListUserPools", b'{"UserPools": {}}', "UserPools is an object, not a list"),
    ("ListUserPools", b'{"UserPools": [null]}', "UserPools[0] is null"),
    ("ListUserPools", b'{"UserPools": [{"Id": "x"}]}', "UserPools[0] has no Name"),
    ("ListUserPools", b'{"UserPools": [{"Id": "x", "Name": ""}]}', "has no Name"),
    ("ListUserPools", b'{"NextToken": 5}', "NextToken is a number, not a string"),
    ("DescribeUserPool", b"{}", "UserPool is missing"),
    ("DescribeUserPool", b'{"UserPool": {"Id": "x", "Name": "p", "MfaConfiguration": 1}}',
     "UserPool.MfaConfiguration is a number, not a string"),
    ("DescribeUserPool", b'{"UserPool": {"Id": "x", "Name": "p", "DeletionProtection": true}}',
     "UserPool.DeletionProtection is a boolean, not a string"),
    ("DescribeUserPool", b'{"UserPool": {"Id": "x", "Name": "p", "EstimatedNumberOfUsers": 1.5}}',
     "EstimatedNumberOfUsers is a number, not an integer"),
    ("DescribeUserPool", b'{"UserPool": {"Id": "x", "Name": "p", "UserPoolTags": {"a": 1}}}',
     "UserPool.UserPoolTags['a'] is a number, not a string"),
    ("DescribeUserPoolClient", b'{"UserPoolClient": {"ClientId": "c"}}', "has no ClientName"),
    ("ListIdentityProviders", b'{"Providers": [{"ProviderType": "Google"}]}',
     "has no ProviderName"),
])
def test_an_answer_that_is_not_cognitos_is_refused(operation: str, body: bytes,
                                                   problem: str) -> None:
    from poolsync.aws import MalformedResponse, check_response

    with pytest.raises(MalformedResponse, match=re.escape(problem)):
        check_response(_operation(operation), {"status_code": 200, "body": body})


@pytest.mark.parametrize(("operation", "body"), [
    ("ListUserPools", b'{"UserPools": []}'),
    ("ListUserPools", b'{"UserPools": [{"Id": "x", "Name": "p", "LastModifiedDate": 1.5e9,'
                      b' "CreationDate": "2024-01-01T00:00:00Z", "Unknown": [1]}]}'),
    ("DescribeUserPool", b'{"UserPool": {"Id": "x", "Name": "p", "Status": null}}'),
    ("DeleteGroup", b""),
    ("DeleteGroup", b"{}"),
    ("ListUserPools", b"<html>an error page</html>"),  # on a 4xx: botocore's to read
])
def test_an_answer_of_the_right_shape_passes(operation: str, body: bytes) -> None:
    from poolsync.aws import check_response

    status = 400 if body.startswith(b"<html>") else 200
    check_response(_operation(operation), {"status_code": status, "body": body})


def test_an_oversized_answer_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from poolsync import aws

    monkeypatch.setattr(aws, "MAX_RESPONSE_BYTES", 10)
    with pytest.raises(aws.MalformedResponse, match="more than 10"):
        aws.check_response(_operation("ListUserPools"),
                           {"status_code": 200, "body": b'{"UserPools": []}'})


def test_credentials_are_scrubbed_from_messages_in_every_quoted_form() -> None:
    from poolsync.aws import _scrub

    token = "IQoJb3JpZ2luX2VjEXAMPLE\nsecond-half-of-the-token"
    message = f"Invalid header value {token.encode()!r}; or {token!r}; or {token}"
    scrubbed = _scrub(message, [token])
    assert "IQoJb3JpZ2luX2VjEXAMPLE" not in scrubbed
    assert "second-half-of-the-token" not in scrubbed


def test_a_value_botocore_refuses_during_a_call_is_an_error_tried_once() -> None:
    from poolsync.errors import PoolsyncError

    cognito, _ = _cognito({"list_user_pools": [ValueError("invalid literal for int()")] * 3})
    with pytest.raises(PoolsyncError, match="could not be sent: botocore refused"):
        cognito.list_user_pools()
    assert [c.outcome for c in cognito.calls] == ["setup"]


def _as_sent(value: Any) -> Any:
    """A recorded response as it came over the wire: placebo recordings wrap it in
    "data" and write timestamps as objects (Cognito sends epoch seconds)."""
    if isinstance(value, dict):
        if value.get("__class__") == "datetime":
            return 1.5e9
        return {k: _as_sent(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, list):
        return [_as_sent(v) for v in value]
    return value


RECORDED = sorted(
    path for path in (Path(__file__).parent / "fixtures" / "real-responses").glob("*.json")
    # fragments of a response, not a whole one (see SOURCES.md)
    if "provider-details-only" not in path.name and "code-comment" not in path.name)


@pytest.mark.parametrize("path", RECORDED, ids=lambda p: p.name)
def test_every_recorded_real_response_passes_the_check(path: Path) -> None:
    """No false alarm: what AWS really sent is a Cognito response."""
    from poolsync.aws import check_response

    recorded = json.loads(path.read_text())
    body = recorded["data"] if "placebo" in path.name else recorded
    operation = "".join(w.capitalize() for w in path.name.split(".")[0].split("_"))
    check_response(_operation(operation),
                   {"status_code": 200, "body": json.dumps(_as_sent(body)).encode()})
