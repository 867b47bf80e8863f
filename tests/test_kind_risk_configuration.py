"""Threat protection's risk configuration (kinds/risk_configuration.py,
standin/risk_configuration.py): apply then a clean plan, a console change found and
reverted, a block the file does not write resent (SetRiskConfiguration replaces the
whole configuration), a client's own configuration the file does not list kept and
reset only with prune, export round-trips, the minimal reads, the refusals (offline,
at plan time before any write, and the stand-in's)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
import yaml
from botocore.exceptions import ClientError

from poolsync.aws import AwsSession
from poolsync.kinds import risk_configuration
from poolsync.kinds.base import PlanContext, client_placeholder
from poolsync.model import POOL_ID
from tests.conftest import REGION, boto_cognito
from tests.conftest import boto as _boto
from tests.conftest import cli as _cli
from tests.conftest import client_id as _client_id
from tests.conftest import export_yaml as _export
from tests.conftest import plan_json as _plan_json
from tests.conftest import plan_object as _object
from tests.conftest import plan_reads as _plan_reads
from tests.conftest import pool_id as _pool_id

SETTINGS = """\
        settings:
          UserPoolTier: PLUS
          UserPoolAddOns: {AdvancedSecurityMode: AUDIT}
"""

POOL = """
    version: 1
    region: eu-west-1
    pools:
      app:
SETTINGS        clients:
          web: {}
          mobile: {}
        risk_configuration:
          ALL:
            CompromisedCredentialsRiskConfiguration:
              Actions: {EventAction: BLOCK}
          web:
            AccountTakeoverRiskConfiguration:
              Actions:
                HighAction: {EventAction: BLOCK, Notify: false}
            RiskExceptionConfiguration:
              BlockedIPRangeList: [192.168.0.0/16, 10.0.0.0/8]
""".replace("SETTINGS", SETTINGS)

WEB_TAKEOVER = {"Actions": {"HighAction": {"EventAction": "BLOCK", "Notify": False}}}
EXCEPTIONS = {"SkippedIPRangeList": ["203.0.113.0/24"]}


def _live(session: AwsSession, client: str | None = None) -> dict[str, Any]:
    params = {"UserPoolId": _pool_id(session)}
    if client is not None:
        params["ClientId"] = _client_id(session, client)
    found = _boto(session).describe_risk_configuration(**params)["RiskConfiguration"]
    found.pop("LastModifiedDate", None)
    found.pop("UserPoolId")
    return dict(found)


def _objects(plan: dict[str, Any]) -> list[dict[str, Any]]:
    return [o for p in plan["pools"] for o in p["objects"]]


def _sets(session: AwsSession, before: int) -> list[Any]:
    return [c for c in boto_cognito(session).calls[before:]
            if c.operation == "SetRiskConfiguration"]


def test_apply_then_plan_is_clean(session: AwsSession, write: Callable[..., str]) -> None:
    path = write(POOL)
    # A new pool: the pool (with threat protection on) and its clients first, then the
    # risk configurations, the clients' ids filled in by apply.
    assert _cli(session, "apply", path, "--yes") == 0
    assert _live(session) == {"CompromisedCredentialsRiskConfiguration": {
        "EventFilter": ["SIGN_IN", "PASSWORD_CHANGE", "SIGN_UP"],
        "Actions": {"EventAction": "BLOCK"}}}
    web = _live(session, "web")
    assert web.pop("ClientId") == _client_id(session, "web")
    assert web == {"AccountTakeoverRiskConfiguration": WEB_TAKEOVER,
                   "RiskExceptionConfiguration": {
                       "BlockedIPRangeList": ["192.168.0.0/16", "10.0.0.0/8"]}}
    # mobile has none of its own: Describe answers the pool's, without its ClientId.
    assert "ClientId" not in _live(session, "mobile")
    assert _cli(session, "plan", path, "--detailed-exitcode") == 0


def test_the_pool_is_updated_before_its_risk_configuration(
        session: AwsSession, write: Callable[..., str], capsys: pytest.CaptureFixture[str]
) -> None:
    off = POOL.replace(SETTINGS, "").split("        risk_configuration:")[0]
    assert _cli(session, "apply", write(off, "off.yaml"), "--yes") == 0
    path = write(POOL)
    plan = _plan_json(session, path, capsys)
    kinds = [o["kind"] for o in _objects(plan) if o["action"] != "no-op"]
    assert kinds == ["pool", "risk_configuration", "risk_configuration"]
    assert _cli(session, "apply", path, "--yes") == 0
    assert _cli(session, "plan", path, "--detailed-exitcode") == 0


def test_a_console_change_is_found_and_reverted(session: AwsSession, write: Callable[..., str],
                                                capsys: pytest.CaptureFixture[str]) -> None:
    path = write(POOL)
    assert _cli(session, "apply", path, "--yes") == 0
    _boto(session).set_risk_configuration(
        UserPoolId=_pool_id(session), ClientId=_client_id(session, "web"),
        AccountTakeoverRiskConfiguration=WEB_TAKEOVER,
        RiskExceptionConfiguration={"BlockedIPRangeList": ["10.0.0.0/8"]})
    obj = _object(_plan_json(session, path, capsys), "app/risk_configuration/web")
    assert obj["action"] == "update"
    assert obj["calls"] == ["SetRiskConfiguration"]
    [change] = obj["fields"]
    assert change["path"] == "RiskExceptionConfiguration.BlockedIPRangeList"
    assert (change["before"], change["after"]) == (["10.0.0.0/8"],
                                                   ["10.0.0.0/8", "192.168.0.0/16"])
    assert _cli(session, "drift", path) == 2
    assert _cli(session, "apply", path, "--yes") == 0
    assert sorted(_live(session, "web")["RiskExceptionConfiguration"]["BlockedIPRangeList"]) \
        == ["10.0.0.0/8", "192.168.0.0/16"]
    assert _cli(session, "plan", path, "--detailed-exitcode") == 0


def test_a_block_the_file_does_not_write_is_resent(
        session: AwsSession, write: Callable[..., str], capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(POOL)
    assert _cli(session, "apply", path, "--yes") == 0
    _boto(session).set_risk_configuration(
        UserPoolId=_pool_id(session), RiskExceptionConfiguration=EXCEPTIONS,
        CompromisedCredentialsRiskConfiguration={"Actions": {"EventAction": "BLOCK"}})
    # Kept: not in the file, and nothing else changed.
    obj = _object(_plan_json(session, path, capsys), "app/risk_configuration/ALL")
    assert obj["action"] == "no-op"
    assert any("RiskExceptionConfiguration is live and not in the file: kept" in n
               for n in obj["notes"])
    changed = write(POOL.replace("Actions: {EventAction: BLOCK}",
                                 "Actions: {EventAction: NO_ACTION}"), "changed.yaml")
    obj = _object(_plan_json(session, changed, capsys), "app/risk_configuration/ALL")
    assert obj["action"] == "update"
    assert [f["path"] for f in obj["fields"]] == [
        "CompromisedCredentialsRiskConfiguration.Actions.EventAction"]
    cognito = boto_cognito(session)
    before = len(cognito.calls)
    assert _cli(session, "apply", changed, "--yes") == 0
    [call] = _sets(session, before)
    assert call.params["RiskExceptionConfiguration"] == EXCEPTIONS  # resent whole
    assert _live(session)["RiskExceptionConfiguration"] == EXCEPTIONS
    assert _cli(session, "plan", changed, "--detailed-exitcode") == 0


def test_an_unwritten_event_filter_is_all_events(
        session: AwsSession, write: Callable[..., str], capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(POOL)
    assert _cli(session, "apply", path, "--yes") == 0
    _boto(session).set_risk_configuration(
        UserPoolId=_pool_id(session), CompromisedCredentialsRiskConfiguration={
            "EventFilter": ["SIGN_IN"], "Actions": {"EventAction": "BLOCK"}})
    obj = _object(_plan_json(session, path, capsys), "app/risk_configuration/ALL")
    [change] = obj["fields"]
    assert change["path"] == "CompromisedCredentialsRiskConfiguration.EventFilter"
    assert change["after"] == ["SIGN_IN", "PASSWORD_CHANGE", "SIGN_UP"]
    assert change["to_default"] is True


def test_a_client_configuration_the_file_does_not_list_is_kept_until_pruned(
        session: AwsSession, write: Callable[..., str], capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(POOL)
    assert _cli(session, "apply", path, "--yes") == 0
    _boto(session).set_risk_configuration(
        UserPoolId=_pool_id(session), ClientId=_client_id(session, "mobile"),
        RiskExceptionConfiguration=EXCEPTIONS)
    obj = _object(_plan_json(session, path, capsys), "app/risk_configuration/mobile")
    assert (obj["action"], obj["unmanaged"]) == ("no-op", True)
    assert "prune" in obj["reason"]
    assert _cli(session, "drift", path) == 2  # unmanaged
    pruned = _object(_plan_json(session, path, capsys, "--prune"),
                     "app/risk_configuration/mobile")
    assert pruned["action"] == "delete"
    cognito = boto_cognito(session)
    before = len(cognito.calls)
    assert _cli(session, "apply", path, "--yes", "--prune") == 0
    [call] = _sets(session, before)
    assert call.params == {"UserPoolId": _pool_id(session),
                           "ClientId": _client_id(session, "mobile")}  # ids only: inherit
    assert "ClientId" not in _live(session, "mobile")
    assert _cli(session, "plan", path, "--detailed-exitcode", "--prune") == 0


def test_export_round_trips(session: AwsSession, write: Callable[..., str], tmp_path: Any,
                            capsys: pytest.CaptureFixture[str]) -> None:
    assert _cli(session, "apply", write(POOL), "--yes") == 0
    document = _export(session, capsys)
    exported = document["pools"]["app"]["risk_configuration"]
    assert list(exported) == ["ALL", "web"]  # mobile inherits: nothing of its own
    assert exported["web"]["AccountTakeoverRiskConfiguration"] == WEB_TAKEOVER
    path = tmp_path / "exported.yaml"
    path.write_text(yaml.safe_dump(document))
    assert _cli(session, "plan", str(path), "--detailed-exitcode") == 0
    only = _export(session, capsys, "--only", "risk_configuration/web")
    assert set(only["pools"]["app"]) == {"region", "risk_configuration"}
    assert list(only["pools"]["app"]["risk_configuration"]) == ["web"]


def test_the_minimal_reads(session: AwsSession, write: Callable[..., str]) -> None:
    path = write(POOL)
    assert _cli(session, "apply", path, "--yes") == 0
    calls = _plan_reads(session, path)
    # The pool-wide configuration and one per live client (a client's own is seen only
    # through its own request).
    assert calls == Counter({"ListUserPools": 1, "DescribeUserPool": 1,
                             "GetUserPoolMfaConfig": 1, "ListUserPoolClients": 1,
                             "DescribeUserPoolClient": 2, "DescribeRiskConfiguration": 3})
    without = write(POOL.split("        risk_configuration:")[0], "without.yaml")
    cognito = boto_cognito(session)
    before = len(cognito.calls)
    assert _cli(session, "plan", without, "--detailed-exitcode") == 0
    assert "DescribeRiskConfiguration" not in {c.operation for c in cognito.calls[before:]}


def test_a_pool_with_threat_protection_off_is_not_read(
        session: AwsSession, write: Callable[..., str], capsys: pytest.CaptureFixture[str]
) -> None:
    plain = POOL.replace(SETTINGS, "")
    assert _cli(session, "apply", write(plain.split("        risk_configuration:")[0]),
                "--yes") == 0
    cognito = boto_cognito(session)
    before = len(cognito.calls)
    plan = _plan_json(session, write(plain, "risk.yaml"), capsys)
    assert "DescribeRiskConfiguration" not in {c.operation for c in cognito.calls[before:]}
    obj = _object(plan, "app/risk_configuration/ALL")
    assert obj["action"] == "cannot-apply"
    assert "threat protection is off (AdvancedSecurityMode OFF)" in obj["reason"]
    assert "needs UserPoolTier PLUS (the pool's is ESSENTIALS)" in obj["reason"]
    assert "UserPoolAddOnNotEnabledException" in obj["reason"]
    before = len(cognito.calls)
    assert _cli(session, "apply", write(plain, "risk.yaml"), "--yes") != 0
    assert not [c for c in cognito.calls[before:]
                if c.operation.startswith(("Set", "Update", "Create"))]


# --------------------------------------------------------------------------- refusals


def test_threat_protection_off_or_below_plus_is_refused_offline(
        write: Callable[..., str], capsys: pytest.CaptureFixture[str]) -> None:
    from poolsync.cli import run

    path = write(POOL.replace("UserPoolTier: PLUS", "UserPoolTier: ESSENTIALS")
                 .replace("AdvancedSecurityMode: AUDIT", "AdvancedSecurityMode: 'OFF'"))
    assert run(["validate", path]) == 1
    err = capsys.readouterr().err
    at = f"{path}:12:5: pools.app.risk_configuration: "
    assert at + "a risk configuration needs threat protection on (the file sets " \
        "AdvancedSecurityMode OFF)" in err
    assert at + "a risk configuration needs UserPoolTier PLUS (the file sets ESSENTIALS)" in err


def test_a_client_the_file_does_not_define_is_refused(
        session: AwsSession, write: Callable[..., str], capsys: pytest.CaptureFixture[str]
) -> None:
    from poolsync.cli import run

    unknown = POOL.replace("          web:\n            Account", "          ios:\n            Account")
    pruning = write(unknown.replace("        clients:", "        prune: true\n        clients:"),
                    "pruning.yaml")
    assert run(["validate", pruning]) == 1
    assert "pools.app.risk_configuration.ios: names app client 'ios', which is not defined " \
        "in this file" in capsys.readouterr().err
    path = write(unknown)
    assert run(["validate", path]) == 0  # ios may be live: decided at plan time
    obj = _object(_plan_json(session, path, capsys), "app/risk_configuration/ios")
    assert obj["action"] == "cannot-apply"
    assert "names app client 'ios', which neither the file defines nor the pool has" \
        in obj["reason"]


def test_notify_configuration_needs_its_source_arn(
        write: Callable[..., str], capsys: pytest.CaptureFixture[str]) -> None:
    from poolsync.cli import run

    path = write(POOL + "          mobile:\n"
                        "            AccountTakeoverRiskConfiguration:\n"
                        "              NotifyConfiguration: {From: security@example.com}\n"
                        "              Actions: {LowAction: {EventAction: NO_ACTION, Notify: true}}\n")
    assert run(["validate", path]) == 1
    assert "SourceArn" in capsys.readouterr().err


# --------------------------------------------------------------------------- stand-in


def test_the_stand_in_refuses_what_aws_refuses(session: AwsSession,
                                               write: Callable[..., str]) -> None:
    assert _cli(session, "apply", write(POOL), "--yes") == 0
    boto, pool_id = _boto(session), _pool_id(session)
    with pytest.raises(ClientError) as client:
        boto.describe_risk_configuration(UserPoolId=pool_id, ClientId="nosuchclient")
    assert client.value.response["Error"]["Code"] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as pool:
        boto.set_risk_configuration(UserPoolId="eu-west-1_nosuchpool")
    assert pool.value.response["Error"]["Code"] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as action:
        boto.set_risk_configuration(UserPoolId=pool_id, CompromisedCredentialsRiskConfiguration={
            "Actions": {"EventAction": "MFA_REQUIRED"}})
    assert action.value.response["Error"]["Code"] == "InvalidParameterException"
    # The ids-only request resets a client to inherit the pool's configuration.
    web = _client_id(session, "web")
    boto.set_risk_configuration(UserPoolId=pool_id, ClientId=web)
    assert "ClientId" not in boto.describe_risk_configuration(
        UserPoolId=pool_id, ClientId=web)["RiskConfiguration"]
    # Threat protection off: both operations are refused.
    boto.update_user_pool(UserPoolId=pool_id, UserPoolAddOns={"AdvancedSecurityMode": "OFF"})
    for call in (lambda: boto.describe_risk_configuration(UserPoolId=pool_id),
                 lambda: boto.set_risk_configuration(UserPoolId=pool_id)):
        with pytest.raises(ClientError) as off:
            call()
        assert off.value.response["Error"]["Code"] == "UserPoolAddOnNotEnabledException"


# --------------------------------------------------------------------------- units


class _Answers:
    """A Cognito whose DescribeRiskConfiguration answers from a table (None: the add-on
    is off, as ``absent`` reads it)."""

    def __init__(self, answers: dict[str | None, dict[str, Any] | None]) -> None:
        self.answers = answers
        self.asked: list[str | None] = []

    def read(self, operation: str, params: Any, absent: frozenset[str]) -> Any:
        assert operation == "DescribeRiskConfiguration"
        assert "UserPoolAddOnNotEnabledException" in absent
        self.asked.append(params.get("ClientId"))
        answer = self.answers.get(params.get("ClientId"))
        return None if answer is None else {"RiskConfiguration": answer}


ON = {"Id": "eu-west-1_x", "UserPoolAddOns": {"AdvancedSecurityMode": "ENFORCED"}}
BLOCK = {"CompromisedCredentialsRiskConfiguration": {"Actions": {"EventAction": "BLOCK"}}}


def test_read_tells_a_clients_own_configuration_from_the_pools() -> None:
    cognito = _Answers({None: {"UserPoolId": "eu-west-1_x", **BLOCK},
                        "own": {"UserPoolId": "eu-west-1_x", "ClientId": "own", **BLOCK},
                        "inherits": {"UserPoolId": "eu-west-1_x", **BLOCK},
                        "says-all": {"UserPoolId": "eu-west-1_x", "ClientId": "ALL", **BLOCK}})
    found = risk_configuration.read(cognito, ON, {}, {"a": "own", "b": "inherits",
                                                      "c": "says-all"})
    assert found == {"ALL": BLOCK, "own": BLOCK}


def test_read_takes_the_add_on_off_as_none_and_skips_a_pool_with_it_off() -> None:
    cognito = _Answers({})
    assert risk_configuration.read(cognito, ON, {}, {"web": "id1"}) == {}
    assert cognito.asked == [None, "id1"]
    cognito = _Answers({})
    off = {"Id": "eu-west-1_x", "UserPoolAddOns": {"AdvancedSecurityMode": "OFF"}}
    assert risk_configuration.read(cognito, off, {}, {"web": "id1"}) == {}
    assert risk_configuration.read(cognito, {"Id": "eu-west-1_x"}, {}, {}) == {}
    assert cognito.asked == []


def _new_pool(written: dict[str, Any], settings: dict[str, Any]) -> PlanContext:
    return PlanContext(pool="app", region=REGION, pool_id=POOL_ID, written=written,
                       found=None, described={}, settings=settings,
                       clients={"web": client_placeholder("web")}, client_actions={})


def test_a_new_pool_and_client_get_their_configuration_after_them() -> None:
    ctx = _new_pool({"web": BLOCK}, {"UserPoolTier": "PLUS",
                                     "UserPoolAddOns": {"AdvancedSecurityMode": "AUDIT"}})
    [obj] = risk_configuration.plan(ctx)
    assert obj.action.value == "create"
    assert obj.calls[0].params == {
        "UserPoolId": POOL_ID, "ClientId": client_placeholder("web"),
        **BLOCK}  # as written: Cognito fills in the default EventFilter


def test_a_new_pool_defaults_to_threat_protection_off_on_essentials() -> None:
    [obj] = risk_configuration.plan(_new_pool({"ALL": BLOCK}, {}))
    assert obj.action.value == "cannot-apply"
    assert "AdvancedSecurityMode OFF" in obj.reason and "the pool's is ESSENTIALS" in obj.reason
    assert obj.where == ("risk_configuration", "ALL")


def test_a_replaced_pool_lists_a_clients_own_configuration_it_loses(
        session: AwsSession, write: Callable[..., str], capsys: pytest.CaptureFixture[str]
) -> None:
    """A fresh user's break: the mobile client's own configuration, which the file does
    not list, vanished from a replacement's plan. It is listed as deleted with the old
    pool (its clients are compared by their live ids)."""
    path = write(POOL)
    assert _cli(session, "apply", path, "--yes") == 0
    _boto(session).set_risk_configuration(
        UserPoolId=_pool_id(session), ClientId=_client_id(session, "mobile"),
        RiskExceptionConfiguration={"BlockedIPRangeList": ["198.51.100.0/24"]})
    replaced = write(POOL.replace("UserPoolTier: PLUS",
                                  "UserPoolTier: PLUS\n          UsernameAttributes: [email]"),
                     "replaced.yaml")
    plan = _plan_json(session, replaced, capsys, "--allow-replace", "app")
    gone = _object(plan, "app/risk_configuration/mobile")
    assert gone["action"] == "delete" and "deleted with the old pool" in gone["reason"]
    assert _object(plan, "app/risk_configuration/web")["action"] == "replace"
