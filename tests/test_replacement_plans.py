"""Replacement plans tell one story (issue 11, point 9), through the CLI against the
stand-in: for each kind of replacement, every line of the plan (text and JSON), its
notes, its safer routes and the refusal's hint agree with the calls apply makes.

Kinds: the pool, for each field that forces it (sign-in attributes, user-name case,
custom and standard schema attributes); its MFA, domain and other sub-resources; an app
client (GenerateSecret), an identity provider (ProviderType) and a domain replaced on
their own.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest

from poolsync.aws import AwsSession
from tests.conftest import REGION, boto_cognito, cli

CERTIFICATE_ARN = "arn:aws:acm:us-east-1:111122223333:certificate/0000"
MIGRATION = "user-migration Lambda trigger (LambdaConfig.UserMigration on the new pool)"
CUSTOM_ROUTE = "add a custom attribute with the new definition under another name"

BASE = """\
version: 1
region: eu-west-1
pools:
  app:
    settings:
      UsernameAttributes: [email]
      Schema:
        - {Name: email, AttributeDataType: String, Required: true, Mutable: true}
        - {Name: tenant, AttributeDataType: String, Mutable: true}
    mfa: {MfaConfiguration: OPTIONAL, SoftwareTokenMfaConfiguration: {Enabled: true}}
    domain: {Domain: app-replace-auth}
    identity_providers:
      Corp:
        ProviderType: OIDC
        ProviderDetails: {client_id: abc, client_secret: corp-secret-value-1234,
                          attributes_request_method: GET, oidc_issuer: "https://idp.example.com",
                          authorize_scopes: openid}
    resource_servers:
      api: {Name: API, Scopes: [{ScopeName: read, ScopeDescription: Read}]}
    clients:
      web:
        GenerateSecret: false
        SupportedIdentityProviders: [COGNITO, Corp]
        CallbackURLs: [https://app.example.com/cb]
        AllowedOAuthFlows: [code]
        AllowedOAuthScopes: [openid, api/read]
        AllowedOAuthFlowsUserPoolClient: true
"""
OIDC = """ProviderType: OIDC
        ProviderDetails: {client_id: abc, client_secret: corp-secret-value-1234,
                          attributes_request_method: GET, oidc_issuer: "https://idp.example.com",
                          authorize_scopes: openid}"""
SAML = """ProviderType: SAML
        ProviderDetails: {MetadataURL: https://sso.example.com/saml/metadata}"""

# Each field that forces the pool's replacement: the edit, and the safer route that fits.
POOL_CHANGES = {
    "UsernameAttributes": (("UsernameAttributes: [email]", "UsernameAttributes: [phone_number]"),
                           "keep UsernameAttributes as the pool has it"),
    "AliasAttributes": (("AliasAttributes: [email]",
                         "AliasAttributes: [email, preferred_username]"),
                        "keep AliasAttributes as the pool has it"),
    "UsernameConfiguration": (
        ("UsernameAttributes: [email]",
         "UsernameAttributes: [email]\n      UsernameConfiguration: {CaseSensitive: false}"),
        "keep UsernameConfiguration as the pool has it, and make user names one case"),
    "custom attribute": (("{Name: tenant, AttributeDataType: String, Mutable: true}",
                          "{Name: tenant, AttributeDataType: String, Mutable: false}"),
                         "leave 'custom:tenant' as the pool has it and " + CUSTOM_ROUTE
                         + " (e.g. 'custom:tenant_v2'"),
    "standard attribute": (("Required: true, Mutable: true}", "Required: true, Mutable: false}"),
                           "keep 'email' in settings.Schema as the pool has it, and leave it "
                           "out of the app clients' WriteAttributes"),
}


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _write(path: Path, text: str) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return str(path)


def _edit(text: str, *edits: tuple[str, str]) -> str:
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    return text


def _applied(session: AwsSession, workdir: Path, text: str = BASE) -> None:
    assert cli(session, "apply", _write(workdir / "before.yaml", text), "--yes") == 0


def _plan(session: AwsSession, capsys: pytest.CaptureFixture[str], *args: str
          ) -> tuple[int, str, str]:
    capsys.readouterr()
    code = cli(session, "plan", *args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _json_plan(session: AwsSession, capsys: pytest.CaptureFixture[str], *args: str
               ) -> dict[str, Any]:
    _, out, _ = _plan(session, capsys, *args, "-o", "json")
    objects: dict[str, Any] = {o["address"]: o for o in json.loads(out)["pools"][0]["objects"]}
    return objects


def _hints(err: str) -> list[str]:
    return re.findall(r"To replace it[^:]*: (.*)$", err, re.MULTILINE)


# --------------------------------------------------------------------------- the pool


@pytest.mark.parametrize("kind", sorted(POOL_CHANGES))
def test_a_pool_replacement_tells_one_story(session: AwsSession, workdir: Path,
                                            capsys: pytest.CaptureFixture[str],
                                            kind: str) -> None:
    edit, route = POOL_CHANGES[kind]
    base = BASE
    if kind == "AliasAttributes":  # a pool that signs in with a user name and aliases
        base = _edit(BASE, ("UsernameAttributes: [email]", "AliasAttributes: [email]"))
    _applied(session, workdir, base)
    path = _write(workdir / "envs" / "prod.yaml", _edit(base, edit))
    code, out, err = _plan(session, capsys, path)
    assert code == 3
    assert "-/+ app: replace" in out
    # The safer route fits the change: only a custom attribute is helped by a new one.
    (routes,) = [line for line in out.splitlines() if "! Safer routes:" in line]
    assert route in routes and MIGRATION in routes
    assert (CUSTOM_ROUTE in routes) is (kind == "custom attribute")
    # The MFA is set on the new pool: a create, never a no-op.
    assert re.search(r"^  \+ app/mfa: create \(the file's MFA, OPTIONAL, set on the new pool "
                     r"by SetUserPoolMfaConfig", out, re.MULTILINE)
    # The domain the file lists is created again, and nothing says otherwise.
    assert re.search(r"^  -/\+ app/domain: replace \(deleted before the old pool "
                     r"\(DeleteUserPoolDomain, in the pool's calls\) and created again in the "
                     r"new pool", out, re.MULTILINE)
    assert "not created again" not in out + err
    assert "The hosted UI stays at https://app-replace-auth.auth.eu-west-1.amazoncognito.com" in out
    assert ("Its sub-resources go with it: the 4 the file lists created in the new pool "
            "(app clients with new ids). Each is listed in this plan.") in out
    # The hint is the command to paste: the real name, the path as given, the address.
    assert "..." not in err
    assert _hints(err) == [f"poolsync apply {path} --allow-replace app"]
    assert "apply deletes the pool only while it has no users" in err

    objects = _json_plan(session, capsys, path)
    pool, mfa, domain = objects["app"], objects["app/mfa"], objects["app/domain"]
    assert pool["action"] == "replace"
    assert pool["calls"] == ["DeleteUserPoolDomain", "DeleteUserPool", "CreateUserPool"]
    assert any(route in note for note in pool["notes"])
    assert (mfa["action"], mfa["calls"]) == ("create", ["SetUserPoolMfaConfig"])
    assert (domain["action"], domain["calls"]) == ("replace", ["CreateUserPoolDomain"])
    assert {o["action"] for a, o in objects.items() if a not in ("app", "app/mfa")} == {"replace"}


def test_apply_makes_exactly_the_calls_each_line_of_the_replacement_names(
        session: AwsSession, workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The plan's calls, object by object, are the calls apply makes, in order; the
    domain the file does not list is deleted and not created again, as its line says."""
    _applied(session, workdir)
    path = _write(workdir / "prod.yaml", _edit(
        BASE, POOL_CHANGES["UsernameAttributes"][0],
        ("    domain: {Domain: app-replace-auth}\n", ""),
        ("    mfa: {MfaConfiguration: OPTIONAL, SoftwareTokenMfaConfiguration: {Enabled: true}}\n",
         "")))
    code, out, _ = _plan(session, capsys, path, "--allow-replace", "app")
    assert code == 0
    assert re.search(r"^  - app/domain: delete \(deleted before the old pool "
                     r"\(DeleteUserPoolDomain, in the pool's calls: a pool with a domain cannot "
                     r"be deleted\) and not created again: the file lists no domain\)$", out,
                     re.MULTILINE)
    assert ("! The hosted UI at https://app-replace-auth.auth.eu-west-1.amazoncognito.com "
            "stops working.") in out
    # The file does not manage MFA: the old pool's is carried over, shown as created.
    assert re.search(r"^  \+ app/mfa: create \(the old pool's MFA \(the file does not manage "
                     r"MFA\), OPTIONAL, set on the new pool", out, re.MULTILINE)
    assert "the one it does not list deleted with it and not created again" in out
    planned = [(address, call) for address, o in _json_plan(session, capsys, path).items()
               for call in o["calls"]]

    capsys.readouterr()
    assert cli(session, "apply", path, "--yes", "--allow-replace", "app", "-o", "json") == 0
    report = json.loads(capsys.readouterr().out)
    assert [(r["address"], r["operation"]) for r in report["applied"]] == planned
    pool_id = report["plan"]["pools"][0]["pool_id"]
    new_id = next(p["Id"] for p in boto_cognito(session)._boto().list_user_pools(
        MaxResults=10)["UserPools"] if p["Name"] == "app")
    assert new_id != pool_id
    mfa = boto_cognito(session)._boto().get_user_pool_mfa_config(UserPoolId=new_id)
    assert mfa["MfaConfiguration"] == "OPTIONAL"
    assert cli(session, "plan", path, "--detailed-exitcode") == 0


def test_a_replaced_custom_domain_says_to_check_its_dns(
        session: AwsSession, workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    custom = f'{{Domain: auth.example.com, CustomDomainConfig: {{CertificateArn: "{CERTIFICATE_ARN}"}}}}'
    text = _edit(BASE, ("{Domain: app-replace-auth}", custom))
    _applied(session, workdir, text)
    path = _write(workdir / "prod.yaml", _edit(text, POOL_CHANGES["UsernameAttributes"][0]))
    _, out, _ = _plan(session, capsys, path)
    assert "-/+ app/domain: replace (deleted before the old pool" in out
    assert "The hosted UI stays at https://auth.example.com, now for the new pool" in out
    assert ("A custom domain created anew gets the CloudFront target that CreateUserPoolDomain "
            "returns (CloudFrontDomain): after apply, check that the DNS alias record of "
            "auth.example.com points at it.") in out
    assert "not created again" not in out


def test_a_pool_with_users_gets_no_command_that_apply_would_refuse(
        session: AwsSession, workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _applied(session, workdir)
    boto = boto_cognito(session)._boto()
    pool_id = boto.list_user_pools(MaxResults=10)["UserPools"][0]["Id"]
    boto.admin_create_user(UserPoolId=pool_id, Username="someone@example.com")
    path = _write(workdir / "prod.yaml", _edit(BASE, POOL_CHANGES["UsernameAttributes"][0]))
    for allow in ((), ("--allow-replace", "app")):
        code, out, err = _plan(session, capsys, path, *allow)
        assert code == 3  # apply would refuse, allowed or not
        assert "Cognito estimates 1 user(s) in it: poolsync refuses to delete" in out
        assert _hints(err) == []
        assert "poolsync never deletes a pool with users, even with --allow-replace" in err
    capsys.readouterr()
    assert cli(session, "plan", path, "-o", "markdown") == 3
    markdown = capsys.readouterr().out
    assert "poolsync apply" not in markdown.split("### Needs attention")[1].split("<details>")[0]
    assert "No override: Cognito estimates 1 user(s) in it" in markdown


# --------------------------------------------------------------------------- the hint


def test_the_hint_is_the_command_as_given(session: AwsSession, workdir: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """The options that chose the pools (--region, --prune), paths relative and with
    spaces as given, quoted for a shell; several replacements: one command for all."""
    _applied(session, workdir)
    _write(workdir / "my envs" / "prod.yaml", _edit(BASE, POOL_CHANGES["UsernameAttributes"][0]))
    relative = "my envs/prod.yaml"
    capsys.readouterr()
    assert cli(session, "--region", REGION, "plan", relative, "--prune") == 3
    err = capsys.readouterr().err
    assert _hints(err) == [
        "poolsync apply 'my envs/prod.yaml' --prune --region eu-west-1 --allow-replace app"]
    assert shlex.split(_hints(err)[0])[2] == relative

    _write(workdir / "two.yaml", _edit(BASE, ("GenerateSecret: false", "GenerateSecret: true"),
                                         (OIDC, SAML)))
    two = "two.yaml"
    code, _, err = _plan(session, capsys, two)
    assert code == 3
    assert _hints(err) == [
        "poolsync apply two.yaml --allow-replace app/identity_providers/Corp",
        "poolsync apply two.yaml --allow-replace app/clients/web",
    ]
    assert err.rstrip().endswith(
        "To allow every replacement above: poolsync apply two.yaml --allow-replace "
        "app/identity_providers/Corp --allow-replace app/clients/web")
    # One already allowed: the hint for the other keeps it, so the command works as is.
    code, _, err = _plan(session, capsys, two, "--allow-replace", "app/clients/web")
    assert code == 3
    assert _hints(err) == ["poolsync apply two.yaml --allow-replace app/clients/web "
                           "--allow-replace app/identity_providers/Corp"]
    assert "To allow every replacement above" not in err
    assert cli(session, "apply", "two.yaml", "--yes", "--allow-replace", "app/clients/web",
               "--allow-replace", "app/identity_providers/Corp") == 0
    assert cli(session, "plan", "two.yaml", "--detailed-exitcode") == 0


# --------------------------------------------------------------------------- sub-resources


def test_a_client_replacement_says_its_id_and_secret_change(
        session: AwsSession, workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _applied(session, workdir)
    old_id = boto_cognito(session)._boto().list_user_pool_clients(
        UserPoolId=boto_cognito(session)._boto().list_user_pools(MaxResults=10)[
            "UserPools"][0]["Id"])["UserPoolClients"][0]["ClientId"]
    path = _write(workdir / "prod.yaml", _edit(BASE, ("GenerateSecret: false",
                                                      "GenerateSecret: true")))
    code, out, err = _plan(session, capsys, path)
    assert code == 3
    assert "-/+ app/clients/web: replace (GenerateSecret is fixed" in out
    assert (f"! The client id ({old_id}) changes, and so does its secret (a new one is "
            "generated): every application using this client must be updated.") in out
    # The sign-in URL with today's client id is about to go: not shown.
    assert "Hosted UI sign-in for web" not in out
    assert _hints(err) == [f"poolsync apply {path} --allow-replace app/clients/web"]
    objects = _json_plan(session, capsys, path)
    assert objects["app/clients/web"]["calls"] == ["DeleteUserPoolClient",
                                                   "CreateUserPoolClient"]
    assert {o["action"] for a, o in objects.items() if a != "app/clients/web"} == {"no-op"}


def test_a_provider_replacement_takes_it_out_of_its_clients_and_back(
        session: AwsSession, workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A provider named by a client: the plan updates the client around the delete and
    the create, says so, and apply makes those calls (a provider still named by a client
    is not deleted: the stand-in refuses it)."""
    _applied(session, workdir)
    path = _write(workdir / "prod.yaml", _edit(BASE, (OIDC, SAML)))
    code, out, err = _plan(session, capsys, path)
    assert code == 3
    assert ("! App client(s) web name this provider: each is updated to leave it out before "
            "the delete and to name it again after the create (UpdateUserPoolClient)") in out
    assert _hints(err) == [f"poolsync apply {path} --allow-replace app/identity_providers/Corp"]
    provider = _json_plan(session, capsys, path)["app/identity_providers/Corp"]
    assert provider["calls"] == ["UpdateUserPoolClient", "DeleteIdentityProvider",
                                 "CreateIdentityProvider", "UpdateUserPoolClient"]
    capsys.readouterr()
    assert cli(session, "apply", path, "--yes", "-o", "json",
               "--allow-replace", "app/identity_providers/Corp") == 0
    report = json.loads(capsys.readouterr().out)
    assert [r["operation"] for r in report["applied"]] == provider["calls"]
    assert cli(session, "plan", path, "--detailed-exitcode") == 0


def test_a_provider_replacement_reads_clients_the_file_does_not_manage(
        session: AwsSession, workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _applied(session, workdir)
    without_clients = BASE.split("    clients:\n")[0]
    path = _write(workdir / "prod.yaml", _edit(without_clients, (OIDC, SAML)))
    objects = _json_plan(session, capsys, path, "--allow-replace", "app/identity_providers/Corp")
    assert objects["app/identity_providers/Corp"]["calls"][0] == "UpdateUserPoolClient"
    assert "app/clients/web" not in objects
    assert cli(session, "apply", path, "--yes",
               "--allow-replace", "app/identity_providers/Corp") == 0


def test_a_domain_replacement_says_where_the_hosted_ui_moves(
        session: AwsSession, workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _applied(session, workdir)
    path = _write(workdir / "prod.yaml", _edit(BASE, ("app-replace-auth", "app-moved-auth")))
    code, out, err = _plan(session, capsys, path)
    assert code == 3
    assert ("! The hosted UI moves from https://app-replace-auth.auth.eu-west-1.amazoncognito.com "
            "to https://app-moved-auth.auth.eu-west-1.amazoncognito.com (the old domain is "
            "deleted first") in out
    assert _hints(err) == [f"poolsync apply {path} --allow-replace app/domain"]
    assert _json_plan(session, capsys, path)["app/domain"]["calls"] == [
        "DeleteUserPoolDomain", "CreateUserPoolDomain"]


def test_children_of_a_replaced_pool_need_no_consent_of_their_own(
        session: AwsSession, workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A client whose own change forces its replacement, in a pool that is replaced: the
    pool's --allow-replace covers it, in the refusal and in the PR comment alike; its line
    says it is created in the new pool and why it differs."""
    _applied(session, workdir)
    path = _write(workdir / "prod.yaml", _edit(
        BASE, POOL_CHANGES["UsernameAttributes"][0],
        ("GenerateSecret: false", "GenerateSecret: true")))
    code, out, err = _plan(session, capsys, path)
    assert code == 3
    assert _hints(err) == [f"poolsync apply {path} --allow-replace app"]
    assert ("-/+ app/clients/web: replace (created again in the new pool (the pool is "
            "replaced); differs from the live one (GenerateSecret is fixed") in out
    capsys.readouterr()
    cli(session, "plan", path, "-o", "markdown")
    markdown = capsys.readouterr().out
    attention = markdown.split("### Needs attention")[1].split("<details>")[0]
    assert f"`poolsync apply {path} --allow-replace app`" in attention
    assert "app/clients/web" not in attention
    assert cli(session, "plan", path, "--allow-replace", "app") == 0


def test_drift_of_a_replaced_pool_keeps_its_mfa_in_sync(
        session: AwsSession, workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _applied(session, workdir)
    path = _write(workdir / "prod.yaml", _edit(BASE, POOL_CHANGES["UsernameAttributes"][0]))
    capsys.readouterr()
    assert cli(session, "drift", path) == 2
    out = capsys.readouterr().out
    assert re.search(r"^IN_SYNC\s+app/mfa$", out, re.MULTILINE)
    assert re.search(r"^MODIFIED\s+app$", out, re.MULTILINE)


def test_a_switch_from_username_to_alias_attributes_creates_the_pool_with_aliases_only(
        session: AwsSession, workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The two are mutually exclusive: the new pool gets the file's AliasAttributes, and
    the old pool's UsernameAttributes, which the file no longer writes, is not carried
    over (the stand-in refuses both, as the API does)."""
    base = "version: 1\nregion: eu-west-1\npools:\n  app:\n    settings:\n{}"
    path = _write(workdir / "app.yaml", base.format("      UsernameAttributes: [email]\n"))
    assert cli(session, "apply", path, "--yes") == 0
    _write(workdir / "app.yaml", base.format("      AliasAttributes: [email]\n"))
    capsys.readouterr()
    assert cli(session, "plan", path, "-o", "json", "--allow-replace", "app") == 0
    plan = json.loads(capsys.readouterr().out)
    (pool,) = [o for o in plan["pools"][0]["objects"] if o["address"] == "app"]
    assert "CreateUserPool" in pool["calls"] and pool["action"] == "replace"
    assert cli(session, "apply", path, "--yes", "--allow-replace", "app") == 0
    pool_id = boto_cognito(session)._boto().list_user_pools(MaxResults=10)["UserPools"][0]["Id"]
    described = boto_cognito(session)._boto().describe_user_pool(UserPoolId=pool_id)["UserPool"]
    assert described["AliasAttributes"] == ["email"] and "UsernameAttributes" not in described
    assert cli(session, "plan", path, "--detailed-exitcode") == 0
