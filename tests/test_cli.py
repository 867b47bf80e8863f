"""The CLI as users run it: exit codes are a contract (README "Exit codes")."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from poolsync.aws import AwsSession, BotoCognito
from poolsync.cli import run
from tests.conftest import EXAMPLES, REGION
from tests.conftest import cli as _cli

ROOT = Path(__file__).parent.parent

POOL = """
    version: 1
    pools:
      app:
        region: eu-west-1
        settings:
          UsernameAttributes: [email]
          Policies:
            PasswordPolicy: {MinimumLength: 10}
          Schema:
            - {Name: email, AttributeDataType: String, Required: true, Mutable: true}
    """

WRITES = {
    "CreateUserPool", "UpdateUserPool", "DeleteUserPool", "SetUserPoolMfaConfig",
    "AddCustomAttributes", "DeleteUserPoolDomain",
}


def _operations(session: AwsSession) -> list[str]:
    cognito = session.cognito(REGION)
    assert isinstance(cognito, BotoCognito)
    return [c.operation for c in cognito.calls]


def test_validate_ok_exits_0(write, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    assert run(["validate", write(POOL)]) == 0
    assert "valid" in capsys.readouterr().out


def test_bad_config_exits_1_without_traceback(write, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write("version: 1\npools:\n  app:\n    region: eu-west-1\n    settings:\n      Polices: {}\n")
    assert run(["validate", path]) == 1
    err = capsys.readouterr().err
    assert f"{path}:6:7" in err and "Policies" in err
    assert "Traceback" not in err


def test_usage_error_exits_1_not_2(capsys) -> None:  # type: ignore[no-untyped-def]
    assert run(["plan"]) == 1
    assert run(["no-such-command"]) == 1
    assert run(["plan", "--no-such-option", "x.yaml"]) == 1


def test_plan_exit_codes_follow_detailed_exitcode(session, write) -> None:  # type: ignore[no-untyped-def]
    path = write(POOL)
    assert _cli(session, "plan", path) == 0  # changes, but no --detailed-exitcode
    assert _cli(session, "plan", path, "--detailed-exitcode") == 2
    assert _cli(session, "apply", path, "--yes") == 0
    assert _cli(session, "plan", path, "--detailed-exitcode") == 0


def test_plan_makes_no_write_call(session, write) -> None:  # type: ignore[no-untyped-def]
    _cli(session, "plan", write(POOL))
    assert not WRITES & set(_operations(session))


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_every_example_applies_then_plans_clean(session, example) -> None:  # type: ignore[no-untyped-def]
    assert _cli(session, "apply", str(example), "--yes") == 0
    assert _cli(session, "plan", str(example), "--detailed-exitcode") == 0


def test_out_of_band_change_shows_and_apply_restores(session, write, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write(POOL)
    assert _cli(session, "apply", path, "--yes") == 0
    client = _boto(session)
    pool_id = client.list_user_pools(MaxResults=10)["UserPools"][0]["Id"]
    # A console user lowers the minimum password length.
    live = client.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    client.update_user_pool(UserPoolId=pool_id, Policies={"PasswordPolicy": {
        **live["Policies"]["PasswordPolicy"], "MinimumLength": 6}})
    capsys.readouterr()
    assert _cli(session, "plan", path, "--detailed-exitcode") == 2
    assert "Policies.PasswordPolicy.MinimumLength: 6 → 10" in capsys.readouterr().out
    assert _cli(session, "apply", path, "--yes") == 0
    assert client.describe_user_pool(UserPoolId=pool_id)["UserPool"]["Policies"][
        "PasswordPolicy"]["MinimumLength"] == 10
    assert _cli(session, "plan", path, "--detailed-exitcode") == 0


def test_replacement_refused_with_exit_3_and_no_write(session, write, capsys) -> None:  # type: ignore[no-untyped-def]
    assert _cli(session, "apply", write(POOL), "--yes") == 0
    changed = write(POOL.replace("UsernameAttributes: [email]", "UsernameAttributes: [phone_number]"))
    before = len(_operations(session))
    capsys.readouterr()
    assert _cli(session, "apply", changed, "--yes") == 3
    out = capsys.readouterr()
    assert "replace" in out.out and "UsernameAttributes" in out.out
    assert "--allow-replace app" in out.err and "Blast radius" in out.err
    assert not WRITES & set(_operations(session)[before:])


def test_required_change_of_existing_attribute_is_a_replacement(session, write, capsys) -> None:  # type: ignore[no-untyped-def]
    assert _cli(session, "apply", write(POOL), "--yes") == 0
    changed = write(POOL.replace("Required: true", "Required: false"))
    capsys.readouterr()
    # plan fails the PR check on a replacement the command line does not allow (exit 3),
    # and passes (2: changes) once the PR declares it, as apply would need.
    assert _cli(session, "plan", changed, "--detailed-exitcode") == 3
    captured = capsys.readouterr()
    assert "-/+ app: replace" in captured.out
    assert "Schema.email.Required: true → false  (forces replacement)" in captured.out
    assert "apply would refuse this plan" in captured.err
    assert _cli(session, "plan", changed) == 3
    assert _cli(session, "plan", changed, "--detailed-exitcode", "--allow-replace", "app") == 2
    assert _cli(session, "apply", changed, "--yes") == 3
    # A typo in the address is said, not silently ignored (the replacement stays refused).
    capsys.readouterr()
    assert _cli(session, "plan", changed, "--allow-replace", "ap") == 3
    assert "warning: --allow-replace ap names no replacement in this plan" in (
        capsys.readouterr().err)


def test_allow_replace_recreates_an_empty_pool(session, write) -> None:  # type: ignore[no-untyped-def]
    assert _cli(session, "apply", write(POOL.replace("Policies:", "DeletionProtection: ACTIVE\n          Policies:")), "--yes") == 0
    old_id = _boto(session).list_user_pools(MaxResults=10)["UserPools"][0]["Id"]
    changed = write(POOL.replace("UsernameAttributes: [email]", "UsernameAttributes: [phone_number]"))
    assert _cli(session, "apply", changed, "--yes", "--allow-replace", "app") == 0
    pools = _boto(session).list_user_pools(MaxResults=10)["UserPools"]
    assert len(pools) == 1 and pools[0]["Id"] != old_id
    live = _boto(session).describe_user_pool(UserPoolId=pools[0]["Id"])["UserPool"]
    assert live["UsernameAttributes"] == ["phone_number"]
    assert _cli(session, "plan", changed, "--detailed-exitcode") == 0


def test_allow_replace_still_refuses_a_pool_with_users(session, write, capsys) -> None:  # type: ignore[no-untyped-def]
    assert _cli(session, "apply", write(POOL), "--yes") == 0
    client = _boto(session)
    pool_id = client.list_user_pools(MaxResults=10)["UserPools"][0]["Id"]
    client.admin_create_user(UserPoolId=pool_id, Username="someone@example.com")
    changed = write(POOL.replace("UsernameAttributes: [email]", "UsernameAttributes: [phone_number]"))
    assert _cli(session, "apply", changed, "--yes", "--allow-replace", "app") == 3
    assert "has users" in capsys.readouterr().err
    assert client.describe_user_pool(UserPoolId=pool_id)["UserPool"]["Id"] == pool_id


def test_apply_without_terminal_and_without_yes_refuses(session, write, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert _cli(session, "apply", write(POOL)) == 3
    assert "--yes" in capsys.readouterr().err
    assert "CreateUserPool" not in _operations(session)


def _boto(session: AwsSession):  # type: ignore[no-untyped-def]
    cognito = session.cognito(REGION)
    assert isinstance(cognito, BotoCognito)
    return cognito._boto()


SECRET = "ext-id-0123456789-secret"
WITH_SECRET = """
    version: 1
    pools:
      app:
        region: eu-west-1
        settings:
          SmsConfiguration:
            SnsCallerArn: arn:aws:iam::123456789012:role/sms
            ExternalId: ${env:SMS_EXTERNAL_ID}
    """


def test_a_value_from_the_environment_is_never_printed(session, write, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SMS_EXTERNAL_ID", SECRET)
    path = write(WITH_SECRET)
    assert _cli(session, "validate", path) == 0
    assert _cli(session, "plan", path) == 0
    assert _cli(session, "apply", path, "--yes") == 0
    monkeypatch.setenv("SMS_EXTERNAL_ID", SECRET + "-rotated")
    assert _cli(session, "plan", path, "--detailed-exitcode") == 2
    out = capsys.readouterr()
    assert "SmsConfiguration.ExternalId: (sensitive, changed)" in out.out
    assert SECRET not in out.out + out.err


def test_missing_environment_variable_is_a_located_error(session, write, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write(WITH_SECRET)
    assert _cli(session, "plan", path) == 1
    err = capsys.readouterr().err
    assert f"{path}:9:9: pools.app.settings.SmsConfiguration.ExternalId: environment variable SMS_EXTERNAL_ID is not set" in err
    assert _operations(session) == []


def test_region_option_is_the_default_for_pools_without_one(write, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write(POOL.replace("        region: eu-west-1\n", ""))
    monkeypatch.delenv("AWS_DEFAULT_REGION")  # conftest's; AWS_CONFIG_FILE is /dev/null
    assert run(["validate", path]) == 1
    assert "no region: set pools.app.region" in capsys.readouterr().err
    assert run(["--region", "eu-west-1", "validate", path]) == 0
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")  # the fallback after --region
    assert run(["validate", path]) == 0


def test_schema_command_prints_the_checked_in_schema(capsys) -> None:  # type: ignore[no-untyped-def]
    assert run(["schema"]) == 0
    printed = json.loads(capsys.readouterr().out)
    checked_in = json.loads((ROOT / "schema" / "poolsync.schema.json").read_text())
    assert printed == checked_in


class _IgnoresUpdates:
    """A Cognito that accepts UpdateUserPool and does nothing: apply cannot converge."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def call(self, call: Any) -> dict[str, Any]:
        return {} if call.operation == "UpdateUserPool" else self._inner.call(call)


def test_apply_that_does_not_converge_exits_1_naming_the_field(session, write, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write(POOL)
    assert _cli(session, "apply", path, "--yes") == 0
    changed = write(POOL.replace("MinimumLength: 10", "MinimumLength: 11"), "b.yaml")
    session._clients[REGION] = _IgnoresUpdates(session.cognito(REGION))
    capsys.readouterr()
    assert _cli(session, "apply", changed, "--yes") == 1
    err = capsys.readouterr().err
    assert "did not converge" in err
    assert "Policies.PasswordPolicy.MinimumLength: 10 → 11" in err


SMOKE_SMS_ONLY = """
    version: 1
    region: eu-west-1
    pools:
      texts:
        settings:
          SmsConfiguration: {SnsCallerArn: "arn:aws:iam::123456789012:role/sms", ExternalId: x}
        mfa:
          MfaConfiguration: "ON"
          SmsMfaConfiguration:
            SmsConfiguration: {SnsCallerArn: "arn:aws:iam::123456789012:role/sms", ExternalId: x}
        clients:
          web: {ExplicitAuthFlows: [ALLOW_USER_SRP_AUTH]}
    """


SMOKE_BROKEN_CLIENT = """
    version: 1
    region: eu-west-1
    pools:
      broken:
        clients:
          machine: {ExplicitAuthFlows: [ALLOW_CUSTOM_AUTH]}
    """


def test_smoke_exit_codes_1_for_a_failed_step_and_3_for_a_refused_pool(session, write, capsys) -> None:  # type: ignore[no-untyped-def]
    """smoke: 0 every step passed and 130 interrupted are tested against the stand-in
    over HTTP (tests/test_smoke.py), where the JWKS can be fetched."""
    broken = write(SMOKE_BROKEN_CLIENT, "broken.yaml")
    assert _cli(session, "apply", broken, "--yes", "-q") == 0
    assert _cli(session, "smoke", broken) == 1  # no client allows a sign-in
    refused = write(SMOKE_SMS_ONLY, "refused.yaml")
    assert _cli(session, "apply", refused, "--yes", "-q") == 0
    capsys.readouterr()
    assert _cli(session, "smoke", refused) == 3
    assert "smoke refused, no user was created" in capsys.readouterr().err
