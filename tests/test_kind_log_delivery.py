"""Log delivery (kinds/log_delivery.py, standin/log_delivery.py): apply then a clean
plan, a console change found and reverted, an event source the file does not list kept
(resent whole), export round-trips, the offline rules and the tier refusals."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
import yaml
from botocore.exceptions import ClientError

from poolsync.aws import AwsSession
from poolsync.kinds import log_delivery
from poolsync.kinds.base import PlanContext
from tests.conftest import REGION, boto_cognito
from tests.conftest import boto as _boto
from tests.conftest import cli as _cli
from tests.conftest import export_yaml as _export
from tests.conftest import plan_json as _plan_json
from tests.conftest import plan_object as _object
from tests.conftest import plan_reads as _plan_reads
from tests.conftest import pool_id as _pool_id

GROUP = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/vendedlogs/app"
OTHER_GROUP = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/vendedlogs/other"
BUCKET = "arn:aws:s3:::app-auth-logs"

POOL = """
    version: 1
    region: eu-west-1
    pools:
      app:
        settings: {{UserPoolTier: {tier}}}
        log_delivery:
          userNotification:
            LogLevel: ERROR
            CloudWatchLogsConfiguration: {{LogGroupArn: "{group}"}}
"""


def _live(session: AwsSession) -> list[dict[str, Any]]:
    found = _boto(session).get_log_delivery_configuration(UserPoolId=_pool_id(session))
    return list(found["LogDeliveryConfiguration"]["LogConfigurations"])


def test_apply_then_plan_is_clean(session: AwsSession, write: Callable[..., str]) -> None:
    path = write(POOL.format(tier="ESSENTIALS", group=GROUP))
    assert _cli(session, "apply", path, "--yes") == 0
    assert _live(session) == [{"EventSource": "userNotification", "LogLevel": "ERROR",
                               "CloudWatchLogsConfiguration": {"LogGroupArn": GROUP}}]
    assert _cli(session, "plan", path, "--detailed-exitcode") == 0


def test_a_console_change_is_found_and_reverted(session: AwsSession, write: Callable[..., str],
                                                capsys: pytest.CaptureFixture[str]) -> None:
    path = write(POOL.format(tier="ESSENTIALS", group=GROUP))
    assert _cli(session, "apply", path, "--yes") == 0
    _boto(session).set_log_delivery_configuration(UserPoolId=_pool_id(session), LogConfigurations=[
        {"EventSource": "userNotification", "LogLevel": "ERROR",
         "CloudWatchLogsConfiguration": {"LogGroupArn": OTHER_GROUP}}])
    obj = _object(_plan_json(session, path, capsys), "app/log_delivery")
    assert obj["action"] == "update"
    assert obj["calls"] == ["SetLogDeliveryConfiguration"]
    [change] = obj["fields"]
    assert change["path"] == "userNotification.CloudWatchLogsConfiguration.LogGroupArn"
    assert (change["before"], change["after"]) == (OTHER_GROUP, GROUP)
    assert _cli(session, "drift", path) == 2
    assert _cli(session, "apply", path, "--yes") == 0
    assert _live(session)[0]["CloudWatchLogsConfiguration"]["LogGroupArn"] == GROUP


def test_an_event_source_the_file_does_not_list_is_resent_and_pruned_only_on_request(
        session: AwsSession, write: Callable[..., str], capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(POOL.format(tier="PLUS", group=GROUP))
    assert _cli(session, "apply", path, "--yes") == 0
    auth = {"EventSource": "userAuthEvents", "LogLevel": "INFO",
            "S3Configuration": {"BucketArn": BUCKET}}
    _boto(session).set_log_delivery_configuration(UserPoolId=_pool_id(session), LogConfigurations=[
        {"EventSource": "userNotification", "LogLevel": "ERROR",
         "CloudWatchLogsConfiguration": {"LogGroupArn": OTHER_GROUP}}, auth])
    obj = _object(_plan_json(session, path, capsys), "app/log_delivery")
    assert obj["action"] == "update" and len(obj["fields"]) == 1
    assert any("userAuthEvents is live and not in the file: kept" in n for n in obj["notes"])
    assert _cli(session, "apply", path, "--yes") == 0
    # SetLogDeliveryConfiguration replaces the list: the unlisted source was sent again.
    assert auth in _live(session)
    # Only the unmanaged source is left (exit 2, as for any live item the file does not list).
    assert _cli(session, "plan", path, "--detailed-exitcode") == 2
    pruned = _object(_plan_json(session, path, capsys, "--prune"), "app/log_delivery")
    assert pruned["action"] == "update"
    assert [f["path"] for f in pruned["fields"]] == ["userAuthEvents"]
    assert _cli(session, "apply", path, "--yes", "--prune") == 0
    assert [c["EventSource"] for c in _live(session)] == ["userNotification"]


def test_an_empty_map_with_prune_removes_log_delivery(
        session: AwsSession, write: Callable[..., str], capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(POOL.format(tier="ESSENTIALS", group=GROUP))
    assert _cli(session, "apply", path, "--yes") == 0
    empty = write(POOL.format(tier="ESSENTIALS", group=GROUP).split("        log_delivery:")[0]
                  + "        log_delivery: {}\n", "empty.yaml")
    assert _cli(session, "plan", empty, "--detailed-exitcode") == 2  # kept, unmanaged
    obj = _object(_plan_json(session, empty, capsys, "--prune"), "app/log_delivery")
    assert obj["action"] == "delete"
    assert _cli(session, "apply", empty, "--yes", "--prune") == 0
    assert _live(session) == []


def test_a_pool_that_does_not_write_log_delivery_keeps_it(
        session: AwsSession, write: Callable[..., str]) -> None:
    path = write(POOL.format(tier="ESSENTIALS", group=GROUP))
    assert _cli(session, "apply", path, "--yes") == 0
    without = write(POOL.format(tier="ESSENTIALS", group=GROUP).split("        log_delivery:")[0],
                    "without.yaml")
    cognito = boto_cognito(session)
    before = len(cognito.calls)
    assert _cli(session, "apply", without, "--yes") == 0
    assert "GetLogDeliveryConfiguration" not in {c.operation for c in cognito.calls[before:]}
    assert len(_live(session)) == 1


def test_export_round_trips(session: AwsSession, write: Callable[..., str], tmp_path: Any,
                            capsys: pytest.CaptureFixture[str]) -> None:
    path = write(POOL.format(tier="ESSENTIALS", group=GROUP))
    assert _cli(session, "apply", path, "--yes") == 0
    document = _export(session, capsys)
    assert document["pools"]["app"]["log_delivery"] == {
        "userNotification": {"LogLevel": "ERROR",
                             "CloudWatchLogsConfiguration": {"LogGroupArn": GROUP}}}
    exported = tmp_path / "exported.yaml"
    exported.write_text(yaml.safe_dump(document))
    assert _cli(session, "plan", str(exported), "--detailed-exitcode") == 0
    only = _export(session, capsys, "--only", "log_delivery")
    assert set(only["pools"]["app"]) == {"region", "log_delivery"}


def test_the_minimal_reads(session: AwsSession, write: Callable[..., str]) -> None:
    path = write(POOL.format(tier="ESSENTIALS", group=GROUP))
    assert _cli(session, "apply", path, "--yes") == 0
    calls = _plan_reads(session, path)
    assert calls == Counter({"ListUserPools": 1, "DescribeUserPool": 1,
                             "GetUserPoolMfaConfig": 1, "GetLogDeliveryConfiguration": 1})


# --------------------------------------------------------------------------- refusals


def test_threat_protection_logs_below_plus_are_refused_offline(
        session: AwsSession, write: Callable[..., str], capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(POOL.format(tier="ESSENTIALS", group=GROUP)
                 + "          userAuthEvents:\n            LogLevel: INFO\n"
                   f"            S3Configuration: {{BucketArn: '{BUCKET}'}}\n")
    assert _cli(session, "validate", path) == 1
    err = capsys.readouterr().err
    assert "pools.app.log_delivery: userAuthEvents logs needs UserPoolTier PLUS" in err
    assert "S3Configuration (userAuthEvents) needs UserPoolTier PLUS" in err


def test_threat_protection_logs_are_refused_at_plan_time_against_the_live_tier(
        session: AwsSession, write: Callable[..., str], capsys: pytest.CaptureFixture[str]
) -> None:
    plain = POOL.format(tier="ESSENTIALS", group=GROUP).replace(
        "        settings: {UserPoolTier: ESSENTIALS}\n", "")
    assert _cli(session, "apply", write(plain), "--yes") == 0
    more = write(plain + "          userAuthEvents:\n            LogLevel: INFO\n"
                         f"            CloudWatchLogsConfiguration: {{LogGroupArn: '{GROUP}'}}\n",
                 "more.yaml")
    obj = _object(_plan_json(session, more, capsys), "app/log_delivery")
    assert obj["action"] == "cannot-apply"
    assert "need UserPoolTier PLUS (the pool's is ESSENTIALS)" in obj["reason"]
    cognito = boto_cognito(session)
    before = len(cognito.calls)
    assert _cli(session, "apply", more, "--yes") != 0
    assert not [c for c in cognito.calls[before:] if c.operation.startswith("Set")]


@pytest.mark.parametrize(("config", "message"), [
    ({"LogLevel": "INFO", "CloudWatchLogsConfiguration": {"LogGroupArn": GROUP}},
     "userNotification logs are sent at LogLevel ERROR only"),
    ({"LogLevel": "ERROR", "S3Configuration": {"BucketArn": BUCKET}},
     "userNotification logs go to a CloudWatchLogsConfiguration only"),
    ({"LogLevel": "ERROR"}, "give one destination"),
])
def test_what_set_log_delivery_configuration_refuses_is_found_offline(
        config: dict[str, Any], message: str) -> None:
    from poolsync.rules import check_pool

    problems = check_pool({"log_delivery": {"userNotification": config}}, ("pools", "app"))
    assert any(message in p.message for p in problems), problems


def test_the_schema_refuses_an_unknown_event_source(write: Callable[..., str],
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    from poolsync.cli import run

    path = write(POOL.format(tier="PLUS", group=GROUP).replace("userNotification:",
                                                               "userSignIns:"))
    assert run(["validate", path]) == 1
    assert "userSignIns" in capsys.readouterr().err


# --------------------------------------------------------------------------- stand-in


def test_the_stand_in_refuses_what_aws_refuses(session: AwsSession,
                                               write: Callable[..., str]) -> None:
    assert _cli(session, "apply", write(POOL.format(tier="ESSENTIALS", group=GROUP)),
                "--yes") == 0
    boto, pool_id = _boto(session), _pool_id(session)
    with pytest.raises(ClientError) as tier:
        boto.set_log_delivery_configuration(UserPoolId=pool_id, LogConfigurations=[
            {"EventSource": "userAuthEvents", "LogLevel": "INFO",
             "CloudWatchLogsConfiguration": {"LogGroupArn": GROUP}}])
    assert tier.value.response["Error"]["Code"] == "FeatureUnavailableInTierException"
    with pytest.raises(ClientError) as level:
        boto.set_log_delivery_configuration(UserPoolId=pool_id, LogConfigurations=[
            {"EventSource": "userNotification", "LogLevel": "INFO",
             "CloudWatchLogsConfiguration": {"LogGroupArn": GROUP}}])
    assert level.value.response["Error"]["Code"] == "InvalidParameterException"
    with pytest.raises(ClientError) as missing:
        boto.get_log_delivery_configuration(UserPoolId="eu-west-1_nosuchpool")
    assert missing.value.response["Error"]["Code"] == "ResourceNotFoundException"
    boto.set_log_delivery_configuration(UserPoolId=pool_id, LogConfigurations=[])
    assert _live(session) == []


def test_read_takes_resource_not_found_as_none() -> None:
    class Absent:
        def read(self, operation: str, params: Any, absent: frozenset[str]) -> None:
            assert operation == "GetLogDeliveryConfiguration"
            assert "ResourceNotFoundException" in absent

    assert log_delivery.read(Absent(), {"Id": "eu-west-1_x"}, {}, {}) == {}


def test_a_new_pool_gets_its_log_delivery_after_the_pool() -> None:
    from poolsync.model import POOL_ID

    ctx = PlanContext(pool="app", region=REGION, pool_id=POOL_ID,
                      written={"userNotification": {"LogLevel": "ERROR",
                                                    "CloudWatchLogsConfiguration":
                                                        {"LogGroupArn": GROUP}}},
                      found=None, described={}, settings={}, clients={}, client_actions={})
    [obj] = log_delivery.plan(ctx)
    assert obj.action.value == "create"
    assert obj.calls[0].params == {"UserPoolId": POOL_ID, "LogConfigurations": [
        {"EventSource": "userNotification", "LogLevel": "ERROR",
         "CloudWatchLogsConfiguration": {"LogGroupArn": GROUP}}]}


def test_lowering_the_tier_stops_threat_protection_logs_first(
        session: AwsSession, write: Callable[..., str], capsys: pytest.CaptureFixture[str]
) -> None:
    auth = ("          userAuthEvents:\n            LogLevel: INFO\n"
            f"            S3Configuration: {{BucketArn: '{BUCKET}'}}\n")
    assert _cli(session, "apply", write(POOL.format(tier="PLUS", group=GROUP) + auth),
                "--yes") == 0
    # UpdateUserPool refuses the lower tier while the pool still sends userAuthEvents.
    with pytest.raises(ClientError) as refused:
        _boto(session).update_user_pool(UserPoolId=_pool_id(session), UserPoolTier="ESSENTIALS")
    assert refused.value.response["Error"]["Code"] == "FeatureUnavailableInTierException"
    down = write(POOL.format(tier="ESSENTIALS", group=GROUP), "down.yaml")
    plan = _plan_json(session, down, capsys, "--prune")
    addresses = [o["address"] for o in plan["pools"][0]["objects"] if o["calls"]]
    assert addresses == ["app/log_delivery", "app"]  # the logs stop before the tier drops
    assert _cli(session, "apply", down, "--yes", "--prune") == 0
    assert [c["EventSource"] for c in _live(session)] == ["userNotification"]
    assert _cli(session, "plan", down, "--detailed-exitcode", "--prune") == 0


def test_a_replaced_pool_gets_its_log_delivery_again(
        session: AwsSession, write: Callable[..., str], capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(POOL.format(tier="ESSENTIALS", group=GROUP))
    assert _cli(session, "apply", path, "--yes") == 0
    old = _pool_id(session)
    replaced = write(POOL.format(tier="ESSENTIALS", group=GROUP).replace(
        "settings: {UserPoolTier: ESSENTIALS}",
        "settings: {UserPoolTier: ESSENTIALS, UsernameAttributes: [email]}"), "replaced.yaml")
    obj = _object(_plan_json(session, replaced, capsys, "--allow-replace", "app"),
                  "app/log_delivery")
    assert obj["action"] == "replace"
    assert "created again in the new pool" in obj["reason"]
    assert obj["calls"] == ["SetLogDeliveryConfiguration"]
    assert _cli(session, "apply", replaced, "--yes", "--allow-replace", "app") == 0
    assert _pool_id(session) != old
    assert _live(session)[0]["CloudWatchLogsConfiguration"]["LogGroupArn"] == GROUP
    assert _cli(session, "plan", replaced, "--detailed-exitcode") == 0


def test_lowering_the_tier_beneath_logs_the_file_keeps_cannot_be_applied(
        session: AwsSession, write: Callable[..., str], capsys: pytest.CaptureFixture[str]
) -> None:
    """The file lowers the tier and does not list the live userAuthEvents logs (kept,
    without prune): UpdateUserPool would be refused, so the plan refuses first."""
    auth = ("          userAuthEvents:\n            LogLevel: INFO\n"
            f"            S3Configuration: {{BucketArn: '{BUCKET}'}}\n")
    assert _cli(session, "apply", write(POOL.format(tier="PLUS", group=GROUP) + auth),
                "--yes") == 0
    down = write(POOL.format(tier="ESSENTIALS", group=GROUP), "down.yaml")
    plan = _plan_json(session, down, capsys)
    obj = _object(plan, "app/log_delivery")
    assert obj["action"] == "cannot-apply"
    assert "userAuthEvents logs" in obj["reason"] and "prune" in obj["reason"]
    kept = _object(plan, "app/log_delivery/userAuthEvents")
    assert kept["unmanaged"] and kept["action"] == "no-op"
    cognito = boto_cognito(session)
    before = len(cognito.calls)
    assert _cli(session, "apply", down, "--yes") == 3
    assert not [c for c in cognito.calls[before:] if c.operation.startswith(("Update", "Set"))]


def test_an_unlisted_event_source_shows_as_unmanaged_in_plan_and_drift(
        session: AwsSession, write: Callable[..., str], capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(POOL.format(tier="PLUS", group=GROUP))
    assert _cli(session, "apply", path, "--yes") == 0
    _boto(session).set_log_delivery_configuration(UserPoolId=_pool_id(session), LogConfigurations=[
        {"EventSource": "userNotification", "LogLevel": "ERROR",
         "CloudWatchLogsConfiguration": {"LogGroupArn": GROUP}},
        {"EventSource": "userAuthEvents", "LogLevel": "INFO",
         "S3Configuration": {"BucketArn": BUCKET}}])
    capsys.readouterr()
    assert _cli(session, "plan", path) == 0
    assert "app/log_delivery/userAuthEvents" in capsys.readouterr().out
    assert _cli(session, "drift", path) == 2
    out = capsys.readouterr().out
    assert "UNMANAGED" in out and "app/log_delivery/userAuthEvents" in out and "--prune" in out


def test_a_replaced_pool_lists_what_it_loses(
        session: AwsSession, write: Callable[..., str], capsys: pytest.CaptureFixture[str]
) -> None:
    """A fresh user's break: a replacement silently dropped a live event source the file
    does not list, and kinds the file does not write at all. Both are listed as deleted
    with the old pool, as the sub-resources are."""
    path = write(POOL.format(tier="PLUS", group=GROUP))
    assert _cli(session, "apply", path, "--yes") == 0
    boto, pool_id = _boto(session), _pool_id(session)
    boto.set_log_delivery_configuration(UserPoolId=pool_id, LogConfigurations=[
        {"EventSource": "userNotification", "LogLevel": "ERROR",
         "CloudWatchLogsConfiguration": {"LogGroupArn": GROUP}},
        {"EventSource": "userAuthEvents", "LogLevel": "INFO",
         "S3Configuration": {"BucketArn": BUCKET}}])
    boto.update_user_pool(UserPoolId=pool_id, UserPoolTier="PLUS",
                          UserPoolAddOns={"AdvancedSecurityMode": "AUDIT"})
    boto.set_risk_configuration(UserPoolId=pool_id, CompromisedCredentialsRiskConfiguration={
        "Actions": {"EventAction": "BLOCK"}})
    replaced = write(POOL.format(tier="PLUS", group=GROUP).replace(
        "settings: {UserPoolTier: PLUS}",
        "settings: {UserPoolTier: PLUS, UsernameAttributes: [email]}"), "replaced.yaml")
    plan = _plan_json(session, replaced, capsys, "--allow-replace", "app")
    gone = _object(plan, "app/log_delivery/userAuthEvents")
    assert gone["action"] == "delete" and "deleted with the old pool" in gone["reason"]
    risk = _object(plan, "app/risk_configuration")
    assert risk["action"] == "delete"
    assert "the file does not write risk_configuration" in risk["reason"]
    pool = _object(plan, "app")
    assert any("the 2 it does not list deleted with it" in n for n in pool["notes"]), pool
    assert _cli(session, "apply", replaced, "--yes", "--allow-replace", "app") == 0
    assert [c["EventSource"] for c in _live(session)] == ["userNotification"]
