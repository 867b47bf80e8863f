"""``poolsync check --live`` through the CLI, on the stand-in: the live pools the files
name, read as drift reads them, every app client and the risk configurations included,
each finding at the file's place and marked live."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from poolsync.aws import AwsSession
from tests.conftest import boto, cli, pool_id
from tests.test_check_output import _valid_sarif

HARDENED = Path(__file__).parent / "fixtures" / "check" / "hardened.yaml"


@pytest.fixture
def applied(session: AwsSession, tmp_path: Path) -> str:
    path = tmp_path / "hardened.yaml"
    shutil.copy(HARDENED, path)
    assert cli(session, "apply", str(path), "--yes") == 0
    return str(path)


def _live(session: AwsSession, capsys: pytest.CaptureFixture[str], *args: str
          ) -> tuple[int, str]:
    capsys.readouterr()
    code = cli(session, "check", "--live", *args)
    return code, capsys.readouterr().out


def test_a_hardened_live_pool_passes(session, applied, capsys) -> None:  # type: ignore[no-untyped-def]
    assert _live(session, capsys, applied, "--profile-rules", "strict") == (
        0, "No findings in 1 pool (strict rules, live).\n")


def test_a_change_made_outside_poolsync_is_found_live(session, applied, capsys) -> None:  # type: ignore[no-untyped-def]
    client = boto(session)
    client.set_user_pool_mfa_config(UserPoolId=pool_id(session), MfaConfiguration="OFF")
    client.create_user_pool_client(UserPoolId=pool_id(session), ClientName="console")
    code, out = _live(session, capsys, applied, "-o", "json")
    assert code == 1
    found = {(f["rule"], f["path"], f["line"], f["source"])
             for f in json.loads(out)["findings"]}
    assert found == {
        ("PS-COG-006", "pools.hardened.mfa.MfaConfiguration", 20, "live"),
        # a client the file does not list: at the file's clients key
        ("PS-COG-008", "pools.hardened.clients.console.PreventUserExistenceErrors", 22,
         "live"),
    }
    # offline, the file is still clean: the drift is only live
    capsys.readouterr()
    assert cli(session, "check", applied) == 0


def test_live_risk_configuration_is_read(session, applied, capsys) -> None:  # type: ignore[no-untyped-def]
    boto(session).set_risk_configuration(
        UserPoolId=pool_id(session),
        CompromisedCredentialsRiskConfiguration={"Actions": {"EventAction": "NO_ACTION"}})
    code, out = _live(session, capsys, applied)
    assert code == 0  # medium
    assert ("PS-COG-010 pools.hardened.risk_configuration.ALL."
            "CompromisedCredentialsRiskConfiguration.Actions.EventAction (live)") in out


def test_a_pool_that_does_not_exist_fails_the_check(session, applied, write, capsys) -> None:  # type: ignore[no-untyped-def]
    """A nightly check must not pass because a pool is gone or misnamed: exit 1 in every
    format (whatever --fail-on), the pools that exist checked all the same."""
    path = write("version: 1\nregion: eu-west-1\npools:\n  later: {}\n", "later.yaml")
    code, out = _live(session, capsys, applied, path, "--fail-on", "critical")
    assert code == 1
    assert out == ("error: pool later does not exist: not checked (apply creates it, or "
                   "fix its name or id)\n"
                   "No findings in 1 pool (baseline rules, live); 1 pool not found: exit 1.\n")
    code, out = _live(session, capsys, applied, path, "-o", "json")
    document = json.loads(out)
    assert code == 1 and document["summary"]["failed"] is True
    assert (document["pools"], document["not_found"]) == (["hardened"], ["later"])
    code, out = _live(session, capsys, path, "-o", "sarif")
    (invocation,) = _valid_sarif(out)["runs"][0]["invocations"]
    assert code == 1 and invocation["executionSuccessful"] is False
    assert invocation["toolExecutionNotifications"][0]["level"] == "error"
    code, out = _live(session, capsys, path, "-o", "github")
    assert code == 1 and out.startswith("::error title=poolsync check::pool later does not")


def test_live_reads_only(session, applied, capsys) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import boto_cognito

    cognito = boto_cognito(session)
    before = len(cognito.calls)
    _live(session, capsys, applied)
    operations = {c.operation for c in cognito.calls[before:]}
    assert operations and all(op.startswith(("Describe", "Get", "List")) for op in operations)


def test_a_live_client_configuration_replaces_the_pools(session, write, capsys) -> None:  # type: ignore[no-untyped-def]
    """The client's own configuration (only an IP exception list) is read live and has
    neither block: the pool-wide blocks do not apply to it (botocore
    SetRiskConfigurationRequest.ClientId)."""
    from tests.test_check_rules import CLIENT_OWN_RISK

    path = write(CLIENT_OWN_RISK)
    assert cli(session, "apply", path, "--yes", "-q") == 0
    code, out = _live(session, capsys, path, "-o", "json")
    assert code == 0  # medium findings
    found = {(f["rule"], f["path"], f["source"]) for f in json.loads(out)["findings"]}
    assert found == {
        ("PS-COG-010", "pools.r3.risk_configuration.web."
         "CompromisedCredentialsRiskConfiguration", "live"),
        ("PS-COG-011", "pools.r3.risk_configuration.web.AccountTakeoverRiskConfiguration",
         "live"),
    }


def test_live_needs_no_value_it_does_not_read(session, applied, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The live rules read the live pools: a secret the file takes from the environment
    (a provider's client_secret) need not be set, as for validate."""
    text = Path(applied).read_text() + (
        "    identity_providers:\n      Google:\n        ProviderType: Google\n"
        "        ProviderDetails:\n          client_id: abc.apps.googleusercontent.com\n"
        "          client_secret: ${env:GOOGLE_CLIENT_SECRET}\n"
        "          authorize_scopes: openid\n")
    Path(applied).write_text(text)
    monkeypatch.delenv("GOOGLE_CLIENT_SECRET", raising=False)
    assert _live(session, capsys, applied) == (
        0, "No findings in 1 pool (baseline rules, live).\n")


def test_live_resolves_the_region_and_id_it_looks_the_pool_up_by(  # type: ignore[no-untyped-def]
        session, applied, capsys, monkeypatch) -> None:
    text = Path(applied).read_text().replace("region: eu-west-1", "region: ${env:POOLS_REGION}")
    text = text.replace("  hardened:\n", "  hardened:\n    id: ${env:POOL_ID}\n")
    Path(applied).write_text(text)
    monkeypatch.setenv("POOLS_REGION", "eu-west-1")
    monkeypatch.setenv("POOL_ID", pool_id(session))
    assert _live(session, capsys, applied, "--pool", "eu-west-1/hardened")[0] == 0
    monkeypatch.delenv("POOL_ID")
    capsys.readouterr()
    assert cli(session, "check", "--live", applied, "-o", "json") == 1
    out, err = capsys.readouterr()
    assert json.loads(out)["problems"][0]["message"].startswith(
        "environment variable POOL_ID is not set: check --live needs the pool's id")
    assert "environment variable POOL_ID is not set" in err
