"""Issue 9, example by example: the CLI against the stand-in, as a user would run it.

"Plan exactly what Cognito will do, for every pool that AWS accepts: no silent skips, no
false replacements, no half-applied runs." One test (or one small parametrized test) per
example and bullet of the issue, grouped by its sections A-E; each docstring quotes the
bullet it proves. Section E talks to the stand-in directly with boto3, the way AWS would
be talked to; every other test goes through ``poolsync`` (``tests.conftest.cli``) and
looks at exit codes, the plan text, the requests made (``boto_cognito(session).calls``)
and what the live pool reports afterwards.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import pytest
from botocore.exceptions import ClientError
from botocore.validate import ParamValidator
from moto.cognitoidp.models import (
    CognitoIdpUserPool,
    CognitoIdpUserPoolAttribute,
    cognitoidp_backends,
)
from moto.core.models import DEFAULT_ACCOUNT_ID

import poolsync.standin.mfa as standin_mfa
from poolsync.aws import AwsSession, CallRecord
from tests.conftest import REGION
from tests.conftest import boto_cognito as _cognito
from tests.conftest import cli as _cli

Write = Callable[..., str]  # the conftest fixture: YAML text -> path

# Every operation that changes a pool or what is in it.
WRITES = frozenset({
    "CreateUserPool", "UpdateUserPool", "DeleteUserPool", "SetUserPoolMfaConfig",
    "AddCustomAttributes", "CreateUserPoolDomain", "UpdateUserPoolDomain",
    "DeleteUserPoolDomain", "CreateIdentityProvider", "UpdateIdentityProvider",
    "DeleteIdentityProvider", "CreateResourceServer", "UpdateResourceServer",
    "DeleteResourceServer", "CreateUserPoolClient", "UpdateUserPoolClient",
    "DeleteUserPoolClient", "CreateGroup", "UpdateGroup", "DeleteGroup", "TagResource",
    "UntagResource",
})

CERTIFICATE_ARN = "arn:aws:acm:us-east-1:111122223333:certificate/0000"
SNS_ROLE = "arn:aws:iam::123456789012:role/cognito-sms"
SES_IDENTITY = "arn:aws:ses:eu-west-1:123456789012:identity/example.com"
FULLWIDTH_WEB = "\uff57\uff45\uff42"  # "web" in fullwidth letters
PASSKEYS = ("WebAuthnConfiguration: {RelyingPartyId: login.example.com, "
            "FactorConfiguration: MULTI_FACTOR_WITH_USER_VERIFICATION}")


# --------------------------------------------------------------------------- helpers


def _pool(body: str, name: str = "app") -> str:
    """A one-pool config in eu-west-1; ``body`` is the pool's members, unindented."""
    return ("version: 1\npools:\n"
            f"  {name}:\n    region: {REGION}\n"
            + textwrap.indent(textwrap.dedent(body).strip("\n"), "    ") + "\n")


def _boto(session: AwsSession) -> Any:
    """A raw boto3 client on the same Cognito: the console, behind poolsync's back."""
    return _cognito(session)._boto()


def _pool_id(session: AwsSession, name: str = "app") -> str:
    pools = _boto(session).list_user_pools(MaxResults=60)["UserPools"]
    (pool_id,) = [p["Id"] for p in pools if p["Name"] == name]
    return str(pool_id)


def _live(session: AwsSession, name: str = "app") -> dict[str, Any]:
    pool: dict[str, Any] = _boto(session).describe_user_pool(
        UserPoolId=_pool_id(session, name))["UserPool"]
    return pool


def _live_mfa(session: AwsSession) -> dict[str, Any]:
    mfa: dict[str, Any] = _boto(session).get_user_pool_mfa_config(UserPoolId=_pool_id(session))
    return mfa


def _schema(session: AwsSession) -> dict[str, dict[str, Any]]:
    return {a["Name"]: a for a in _live(session)["SchemaAttributes"]}


def _mark(session: AwsSession) -> int:
    return len(_cognito(session).calls)


def _calls(session: AwsSession, since: int = 0) -> list[CallRecord]:
    return list(_cognito(session).calls[since:])


def _ops(session: AwsSession, since: int = 0) -> list[str]:
    return [c.operation for c in _calls(session, since)]


def _writes(session: AwsSession, since: int = 0) -> list[str]:
    return [op for op in _ops(session, since) if op in WRITES]


def _requests(session: AwsSession, operation: str, since: int = 0) -> list[Mapping[str, Any]]:
    return [c.params for c in _calls(session, since) if c.operation == operation]


def _output(capsys: pytest.CaptureFixture[str]) -> str:
    captured = capsys.readouterr()
    return captured.out + captured.err


def _assert_requests_fit_botocore(session: AwsSession, since: int = 0) -> None:
    """Every request poolsync sent passes botocore's own input check (types, required
    members, minimums): no internal placeholder object ever reached a request."""
    model = _boto(session).meta.service_model
    for call in _calls(session, since):
        shape = model.operation_model(call.operation).input_shape
        report = ParamValidator().validate(dict(call.params), shape)
        assert not report.has_errors(), (call.operation, report.generate_report())
        for value in _leaves(call.params):
            assert isinstance(value, str | bool | int | float), (call.operation, value)
            assert not (isinstance(value, str) and PLAN_WORDS.search(value)), (
                call.operation, value)


# How a plan renders what it does not know; never a value a request may carry.
PLAN_WORDS = re.compile(r"\((unknown|not set|not reported|sensitive)")


def _leaves(value: object) -> Iterator[object]:
    if isinstance(value, Mapping):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _leaves(item)
    else:
        yield value


@pytest.fixture
def fresh_output(capsys: pytest.CaptureFixture[str]) -> Iterator[pytest.CaptureFixture[str]]:
    capsys.readouterr()
    yield capsys


# =========================================================================== A
# A. Never report convergence that did not happen


MFA_TOTP = _pool("""
    mfa: {MfaConfiguration: "ON", SoftwareTokenMfaConfiguration: {Enabled: true}}
""")
MFA_TOTP_AND_PASSKEYS = _pool(f"""
    mfa: {{MfaConfiguration: "ON", SoftwareTokenMfaConfiguration: {{Enabled: true}},
          {PASSKEYS}}}
""")


def test_a_passkeys_added_to_an_mfa_config_without_them_are_planned_written_and_read_back(
        session: AwsSession, write: Write, capsys: pytest.CaptureFixture[str],
) -> None:
    """A, the example: "a pool whose MFA config has no passkey block; the file adds
    WebAuthnConfiguration ... and `plan` says no-op, `apply` says 'the pools match the
    configuration', and nothing is ever written"."""
    assert _cli(session, "apply", write(MFA_TOTP), "--yes") == 0
    assert "WebAuthnConfiguration" not in _live_mfa(session)
    path = write(MFA_TOTP_AND_PASSKEYS, "passkeys.yaml")
    capsys.readouterr()
    assert _cli(session, "plan", path, "--detailed-exitcode") == 2
    out = capsys.readouterr().out
    assert "~ app/mfa: update" in out
    assert re.search(r'WebAuthnConfiguration\.RelyingPartyId: .* → "login\.example\.com"', out)
    assert re.search(r'WebAuthnConfiguration\.FactorConfiguration: .* → '
                     r'"MULTI_FACTOR_WITH_USER_VERIFICATION"', out)
    since = _mark(session)
    assert _cli(session, "apply", path, "--yes") == 0
    (request,) = _requests(session, "SetUserPoolMfaConfig", since)
    assert request["WebAuthnConfiguration"]["RelyingPartyId"] == "login.example.com"
    assert request["WebAuthnConfiguration"]["FactorConfiguration"] == (
        "MULTI_FACTOR_WITH_USER_VERIFICATION")
    live = _live_mfa(session)["WebAuthnConfiguration"]
    assert live["RelyingPartyId"] == "login.example.com"
    assert live["FactorConfiguration"] == "MULTI_FACTOR_WITH_USER_VERIFICATION"
    assert _cli(session, "plan", path, "--detailed-exitcode") == 0


def _console_domain_and_client(session: AwsSession) -> None:
    """A pool whose domain and client were made in the console, without the fields."""
    boto = _boto(session)
    pool_id = boto.create_user_pool(PoolName="app")["UserPool"]["Id"]
    boto.create_user_pool_domain(UserPoolId=pool_id, Domain="app-issue9")
    boto.create_user_pool_client(UserPoolId=pool_id, ClientName="web")


@pytest.mark.parametrize(("body", "line", "operation", "member"), [
    ("domain: {Domain: app-issue9, ManagedLoginVersion: 2}",
     r"ManagedLoginVersion: .* → 2", "UpdateUserPoolDomain", "ManagedLoginVersion"),
    ("clients:\n  web: {AccessTokenValidity: 30, TokenValidityUnits: {AccessToken: minutes}}",
     r"AccessTokenValidity: .* → ", "UpdateUserPoolClient", "AccessTokenValidity"),
    ("clients:\n  web: {ReadAttributes: [email, name]}",
     r"ReadAttributes: .* → ", "UpdateUserPoolClient", "ReadAttributes"),
    ("clients:\n  web: {RefreshTokenRotation: {Feature: ENABLED, RetryGracePeriodSeconds: 10}}",
     r"RefreshTokenRotation.* → ", "UpdateUserPoolClient", "RefreshTokenRotation"),
], ids=["domain-ManagedLoginVersion", "client-AccessTokenValidity", "client-ReadAttributes",
        "client-RefreshTokenRotation"])
def test_a_other_fields_a_response_leaves_out_are_changes_until_written(
        session: AwsSession, write: Write, capsys: pytest.CaptureFixture[str], body: str,
        line: str, operation: str, member: str,
) -> None:
    """A: "Other fields behave the same; find them." A field the file writes and the
    live response does not carry (never set: DescribeUserPoolDomain reports no
    ManagedLoginVersion, DescribeUserPoolClient no token validity, read attributes or
    rotation) is planned, written and then read back."""
    _console_domain_and_client(session)
    path = write(_pool(body))
    capsys.readouterr()
    assert _cli(session, "plan", path, "--detailed-exitcode") == 2
    assert re.search(line, capsys.readouterr().out)
    since = _mark(session)
    assert _cli(session, "apply", path, "--yes") == 0
    (request,) = _requests(session, operation, since)
    assert member in request
    assert _cli(session, "plan", path, "--detailed-exitcode") == 0


@pytest.fixture
def cognito_without_factor_configuration(session: AwsSession) -> Iterator[None]:
    """Simulates a Cognito whose GetUserPoolMfaConfig leaves FactorConfiguration and
    UserVerification out of WebAuthnConfiguration (the 2025 AWS CLI example reports
    none): the stand-in's view of the passkey block, without those two fields."""
    original = standin_mfa.web_authn_view

    def without(written: Mapping[str, Any] | None) -> dict[str, Any] | None:
        view = original(written)
        if view is None:
            return None
        return {k: v for k, v in view.items()
                if k not in ("FactorConfiguration", "UserVerification")}

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(standin_mfa, "web_authn_view", without)
        yield


def test_a_a_field_absent_from_the_response_compares_with_cognitos_default(
        session: AwsSession, write: Write, capsys: pytest.CaptureFixture[str],
        cognito_without_factor_configuration: None,
) -> None:
    """A: "Absent in a response means one of: Cognito's default (name it, with a source,
    and compare against it) ... It never means 'whatever the file says'." With the
    factor configuration absent from the response, SINGLE_FACTOR (the documented
    default) is in sync and MULTI_FACTOR_WITH_USER_VERIFICATION is not."""
    single = _pool("""
        mfa:
          MfaConfiguration: OPTIONAL
          SoftwareTokenMfaConfiguration: {Enabled: true}
          WebAuthnConfiguration: {RelyingPartyId: login.example.com,
                                  FactorConfiguration: SINGLE_FACTOR, UserVerification: preferred}
    """)
    path = write(single)
    assert _cli(session, "apply", path, "--yes") == 0
    assert "FactorConfiguration" not in _live_mfa(session)["WebAuthnConfiguration"]
    assert _cli(session, "plan", path, "--detailed-exitcode") == 0
    multi = write(single.replace("SINGLE_FACTOR", "MULTI_FACTOR_WITH_USER_VERIFICATION"),
                  "multi.yaml")
    capsys.readouterr()
    assert _cli(session, "plan", multi, "--detailed-exitcode") == 2
    assert re.search(r'WebAuthnConfiguration\.FactorConfiguration: .* → '
                     r'"MULTI_FACTOR_WITH_USER_VERIFICATION"', capsys.readouterr().out)


APPLE = _pool("""
    identity_providers:
      SignInWithApple:
        ProviderType: SignInWithApple
        ProviderDetails:
          client_id: com.example.app
          team_id: TEAM123456
          key_id: KEY1234567
          private_key: ${env:APPLE_KEY}
          authorize_scopes: email name
""")


def test_a_a_write_only_field_compares_by_fingerprint(
        session: AwsSession, write: Write, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A: "... or a write-only field (compare by fingerprint or say plainly that it
    cannot be verified)". Apple's private_key is never returned: an unchanged key is in
    sync, a new one is a change, shown without its value."""
    key = "-----BEGIN PRIVATE KEY-----\nMIGTAgEAMBMGByqGSM49-one\n-----END PRIVATE KEY-----"
    monkeypatch.setenv("APPLE_KEY", key)
    path = write(APPLE)
    assert _cli(session, "apply", path, "--yes") == 0
    assert _cli(session, "plan", path, "--detailed-exitcode") == 0
    monkeypatch.setenv("APPLE_KEY", key.replace("one", "two"))
    capsys.readouterr()
    assert _cli(session, "plan", path, "--detailed-exitcode") == 2
    out = capsys.readouterr().out
    assert "ProviderDetails.private_key: (sensitive, changed)" in out
    assert "MIGTAgEAMBMGByqGSM49" not in out


@pytest.fixture
def cognito_without_relying_party(session: AwsSession) -> Iterator[None]:
    """Simulates a Cognito that drops RelyingPartyId from GetUserPoolMfaConfig's
    WebAuthnConfiguration, whatever was written (its default is not documented)."""
    original = standin_mfa.web_authn_view

    def without(written: Mapping[str, Any] | None) -> dict[str, Any] | None:
        view = original(written)
        return None if view is None else {k: v for k, v in view.items()
                                          if k != "RelyingPartyId"}

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(standin_mfa, "web_authn_view", without)
        yield


def test_a_a_field_the_read_back_does_not_show_did_not_converge(
        session: AwsSession, write: Write, fresh_output: pytest.CaptureFixture[str],
        cognito_without_relying_party: None,
) -> None:
    """A: "After apply, a field the read-back still does not show as written is 'did
    not converge' (non-zero exit), never 'match'." """
    path = write(MFA_TOTP_AND_PASSKEYS)
    assert _cli(session, "apply", path, "--yes") == 1
    out = _output(fresh_output)
    assert "did not converge" in out
    assert "match the configuration" not in out
    assert re.search(r'WebAuthnConfiguration\.RelyingPartyId: \(not reported by Cognito\) → '
                     r'"login\.example\.com"', out)
    assert _cli(session, "plan", path, "--detailed-exitcode") == 2


SIGN_IN_PASSWORD = _pool("""
    settings:
      Policies:
        SignInPolicy: {AllowedFirstAuthFactors: [PASSWORD]}
    mfa: {MfaConfiguration: "ON", SoftwareTokenMfaConfiguration: {Enabled: true}}
""")
SIGN_IN_PASSKEYS = _pool(f"""
    settings:
      Policies:
        SignInPolicy: {{AllowedFirstAuthFactors: [PASSWORD, WEB_AUTHN]}}
    mfa: {{MfaConfiguration: "ON", SoftwareTokenMfaConfiguration: {{Enabled: true}},
          {PASSKEYS}}}
""")


def _pool_writes(session: AwsSession, since: int) -> list[str]:
    return [op for op in _ops(session, since) if op in ("UpdateUserPool", "SetUserPoolMfaConfig")]


def test_a_passkeys_as_mfa_are_set_before_the_sign_in_policy_adds_web_authn(
        session: AwsSession, write: Write,
) -> None:
    """A: "Order the writes the way Cognito needs them, e.g. the MFA config (passkeys as
    a multi-factor method) before an UpdateUserPool whose sign-in policy adds
    `WEB_AUTHN` ..." (the stand-in refuses WEB_AUTHN under MFA ON otherwise)."""
    assert _cli(session, "apply", write(SIGN_IN_PASSWORD), "--yes") == 0
    since = _mark(session)
    path = write(SIGN_IN_PASSKEYS, "passkeys.yaml")
    assert _cli(session, "apply", path, "--yes") == 0
    assert _pool_writes(session, since) == ["SetUserPoolMfaConfig", "UpdateUserPool"]
    assert _live(session)["Policies"]["SignInPolicy"]["AllowedFirstAuthFactors"] == [
        "PASSWORD", "WEB_AUTHN"]
    assert _cli(session, "plan", path, "--detailed-exitcode") == 0


def test_a_web_authn_leaves_the_sign_in_policy_before_passkeys_leave_mfa(
        session: AwsSession, write: Write,
) -> None:
    """A: "... and the reverse when removing." """
    assert _cli(session, "apply", write(SIGN_IN_PASSKEYS), "--yes") == 0
    single = SIGN_IN_PASSKEYS.replace("[PASSWORD, WEB_AUTHN]", "[PASSWORD]").replace(
        "MULTI_FACTOR_WITH_USER_VERIFICATION", "SINGLE_FACTOR")
    since = _mark(session)
    path = write(single, "single.yaml")
    assert _cli(session, "apply", path, "--yes") == 0
    assert _pool_writes(session, since) == ["UpdateUserPool", "SetUserPoolMfaConfig"]
    assert _live_mfa(session)["WebAuthnConfiguration"]["FactorConfiguration"] == "SINGLE_FACTOR"
    assert _cli(session, "plan", path, "--detailed-exitcode") == 0


# =========================================================================== B
# B. Never plan a destructive change that the user did not ask for


EMAIL_SCHEMA = _pool("""
    settings:
      Schema:
        - {Name: email, AttributeDataType: String, Required: true, Mutable: true}
""")


def test_b_custom_sub_added_to_a_pool_is_added_in_place_beside_the_standard_sub(
        session: AwsSession, write: Write, capsys: pytest.CaptureFixture[str],
) -> None:
    """B: "A file that adds `{Name: "custom:sub", AttributeDataType: String, Mutable:
    true}` to a pool today plans a **replacement of the whole pool**
    (`Schema.sub.Mutable: false → true`)". It is an in-place AddCustomAttributes of
    `sub`, beside the standard `sub`, which stays as it was."""
    assert _cli(session, "apply", write(EMAIL_SCHEMA), "--yes") == 0
    path = write(EMAIL_SCHEMA + '        - {Name: "custom:sub", AttributeDataType: String, '
                 "Mutable: true}\n", "sub.yaml")
    capsys.readouterr()
    assert _cli(session, "plan", path, "--detailed-exitcode") == 2
    out = capsys.readouterr().out
    assert "~ app: update (in place with AddCustomAttributes)" in out
    assert "-/+" not in out and "Schema.sub." not in out
    since = _mark(session)
    assert _cli(session, "apply", path, "--yes") == 0
    assert _writes(session, since) == ["AddCustomAttributes"]
    (request,) = _requests(session, "AddCustomAttributes", since)
    assert [a["Name"] for a in request["CustomAttributes"]] == ["sub"]
    schema = _schema(session)
    assert schema["custom:sub"]["Mutable"] is True
    assert schema["sub"]["Mutable"] is False and schema["sub"]["Required"] is True
    assert _cli(session, "plan", path, "--detailed-exitcode") == 0


def _console_adds_custom_locale(session: AwsSession) -> None:
    _boto(session).add_custom_attributes(UserPoolId=_pool_id(session), CustomAttributes=[
        {"Name": "locale", "AttributeDataType": "String", "Mutable": True}])


def test_b_a_console_added_custom_locale_is_no_replacement(
        session: AwsSession, write: Write, capsys: pytest.CaptureFixture[str],
) -> None:
    """B: "a console-added `custom:locale` makes an unchanged file plan a replacement".
    It is unmanaged drift (exit 2), never a replacement nor a change of `locale`."""
    path = write(EMAIL_SCHEMA)
    assert _cli(session, "apply", path, "--yes") == 0
    _console_adds_custom_locale(session)
    capsys.readouterr()
    assert _cli(session, "plan", path, "--detailed-exitcode") == 2  # unmanaged, not 3
    out = capsys.readouterr().out
    assert "-/+" not in out and "replace" not in out
    assert "? app/schema/custom:locale: unmanaged" in out
    assert "Schema.locale" not in out


def test_b_export_writes_a_custom_locale_back_as_custom_locale(
        session: AwsSession, write: Write, capsys: pytest.CaptureFixture[str],
) -> None:
    """B: "... and export writes it back as the standard `locale`." It exports as
    `custom:locale`, and the export plans clean."""
    assert _cli(session, "apply", write(EMAIL_SCHEMA), "--yes") == 0
    _console_adds_custom_locale(session)
    capsys.readouterr()
    assert _cli(session, "export", "--region", REGION, "--pool-id", _pool_id(session)) == 0
    exported = capsys.readouterr().out
    assert "Name: custom:locale" in exported
    assert not re.search(r"Name: ['\"]?locale\b", exported)
    path = write(exported, "exported.yaml")
    assert _cli(session, "plan", path, "--detailed-exitcode") == 0


def test_b_custom_x_is_the_custom_attribute_even_where_x_is_a_standard_name(
        session: AwsSession, write: Write,
) -> None:
    """B: "A `custom:X` is always the custom attribute X, even where X is also a
    standard name (create it with AddCustomAttributes where CreateUserPool's Schema
    would configure the standard one); an unprefixed name is the standard attribute
    when one exists by that name." """
    path = write(_pool("""
        settings:
          Schema:
            - {Name: "custom:locale", AttributeDataType: String, Mutable: true}
            - {Name: name, AttributeDataType: String, Required: true, Mutable: true}
    """))
    since = _mark(session)
    assert _cli(session, "apply", path, "--yes") == 0
    (create,) = _requests(session, "CreateUserPool", since)
    assert [a["Name"] for a in create["Schema"]] == ["name"]
    (add,) = _requests(session, "AddCustomAttributes", since)
    assert [a["Name"] for a in add["CustomAttributes"]] == ["locale"]
    schema = _schema(session)
    assert "custom:locale" in schema and "custom:name" not in schema
    assert schema["name"]["Required"] is True
    assert schema["locale"]["Required"] is False and schema["locale"]["Mutable"] is True
    assert _cli(session, "plan", path, "--detailed-exitcode") == 0


def _aws_adds_a_standard_attribute(session: AwsSession, name: str) -> None:
    """Simulates AWS adding a standard attribute that poolsync does not know yet (as it
    added ``identities``): an unprefixed, non-custom entry in the pool's schema."""
    pool = cognitoidp_backends[DEFAULT_ACCOUNT_ID][REGION].user_pools[_pool_id(session)]
    attribute = CognitoIdpUserPoolAttribute(
        name, True, {"AttributeDataType": "String", "Mutable": True})
    attribute.name = name
    attribute.custom = False
    pool.schema_attributes[name] = attribute


def test_b_an_unknown_unprefixed_live_attribute_is_a_standard_one(
        session: AwsSession, write: Write, capsys: pytest.CaptureFixture[str],
) -> None:
    """B: "A live schema attribute poolsync does not know, without a
    `custom:`/`dev:custom:` prefix, is a standard attribute (AWS adds them ...); it is
    never 'a custom attribute missing from the file'." """
    path = write(EMAIL_SCHEMA)
    assert _cli(session, "apply", path, "--yes") == 0
    _aws_adds_a_standard_attribute(session, "passkey_hint")
    assert "passkey_hint" in _schema(session)
    capsys.readouterr()
    assert _cli(session, "plan", path, "--detailed-exitcode") == 0
    assert _cli(session, "drift", path) == 0
    out = capsys.readouterr().out
    assert "passkey_hint" not in out and "-/+" not in out


def test_b_a_console_custom_attribute_is_unmanaged_drift_with_the_hint(
        session: AwsSession, write: Write, capsys: pytest.CaptureFixture[str],
) -> None:
    """B: "A custom attribute that exists live and not in the file (added in the
    console) cannot be removed by any API: show it as unmanaged (drift, exit 2 with
    `--detailed-exitcode`) and tell the user to add it to the file. Never plan a
    replacement for it." """
    path = write(EMAIL_SCHEMA)
    assert _cli(session, "apply", path, "--yes") == 0
    _boto(session).add_custom_attributes(UserPoolId=_pool_id(session), CustomAttributes=[
        {"Name": "tenant", "AttributeDataType": "String", "Mutable": True}])
    capsys.readouterr()
    assert _cli(session, "plan", path, "--detailed-exitcode") == 2
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if "app/schema/custom:tenant" in x)
    assert line.strip().startswith("? app/schema/custom:tenant: unmanaged")
    assert "add it to settings.Schema" in line
    assert "-/+" not in out
    assert _cli(session, "drift", path) == 2
    assert re.search(r"UNMANAGED\s+app/schema/custom:tenant", capsys.readouterr().out)
    since = _mark(session)
    assert _cli(session, "apply", path, "--yes") == 0
    assert _writes(session, since) == []
    assert "custom:tenant" in _schema(session)


@pytest.mark.parametrize("body", [
    "clients:\n  web: {RefreshTokenRotation: {Feature: DISABLED}}",
    "clients:\n  web: {TokenValidityUnits: {AccessToken: hours}}",
    "settings:\n  VerificationMessageTemplate: {DefaultEmailOption: CONFIRM_WITH_CODE}",
    "settings:\n  AdminCreateUserConfig: {AllowAdminCreateUserOnly: false}",
    "settings:\n  Policies: {PasswordPolicy: {MinimumLength: 8}}",
    "mfa: {MfaConfiguration: OPTIONAL, SoftwareTokenMfaConfiguration: {Enabled: true},\n"
    "      WebAuthnConfiguration: {RelyingPartyId: login.example.com}}",
], ids=["RefreshTokenRotation-grace-period", "TokenValidityUnits", "VerificationMessageTemplate",
        "AdminCreateUserConfig", "PasswordPolicy", "WebAuthn-UserVerification"])
def test_b_values_cognito_reports_for_defaults_are_no_difference(
        session: AwsSession, write: Write, body: str,
) -> None:
    """B: "Values Cognito reports for a setting the file left at its default are
    defaults, not differences: e.g. a client with `RefreshTokenRotation: {Feature:
    DISABLED}` is reported by AWS with `RetryGracePeriodSeconds: 0`. Find the others of
    this kind." (the rest of the block: the unit defaults, the default messages, the
    unused-account validity, the password rules, passkey UserVerification)."""
    path = write(_pool(body))
    assert _cli(session, "apply", path, "--yes") == 0
    assert _cli(session, "plan", path, "--detailed-exitcode") == 0


FULL = _pool("""
    settings:
      UsernameAttributes: [email]
    domain: {Domain: app-issue9-auth}
    identity_providers:
      Google:
        ProviderType: Google
        ProviderDetails: {client_id: 123.apps.googleusercontent.com,
                          client_secret: "${env:GOOGLE_CLIENT_SECRET}", authorize_scopes: openid email}
    resource_servers:
      api: {Name: API, Scopes: [{ScopeName: read, ScopeDescription: Read}]}
    clients:
      web:
        SupportedIdentityProviders: [COGNITO, Google]
        CallbackURLs: [https://app.example.com/cb]
        AllowedOAuthFlows: [code]
        AllowedOAuthScopes: [openid, api/read]
        AllowedOAuthFlowsUserPoolClient: true
    groups:
      admins: {Description: Admins, Precedence: 1}
""")


def test_b_drift_compares_sub_resources_of_a_pool_planned_for_replacement(
        session: AwsSession, write: Write, capsys: pytest.CaptureFixture[str],
) -> None:
    """B: "`drift` on a pool whose plan is a replacement lists that pool's existing
    clients, providers, domain, groups and resource servers as MISSING although they
    exist and match. Compare sub-resources against the live pool whatever the pool's
    own plan is." They are in sync; only the pool itself is modified."""
    assert _cli(session, "apply", write(FULL), "--yes") == 0
    path = write(FULL.replace("UsernameAttributes: [email]", "UsernameAttributes: [phone_number]"),
                 "replace.yaml")
    capsys.readouterr()
    assert _cli(session, "drift", path) == 2
    out = capsys.readouterr().out
    assert "MISSING" not in out
    for address in ("app/domain", "app/identity_providers/Google", "app/resource_servers/api",
                    "app/clients/web", "app/groups/admins"):
        assert re.search(rf"IN_SYNC\s+{re.escape(address)}$", out, re.MULTILINE), address
    assert re.search(r"MODIFIED\s+app$", out, re.MULTILINE)


def test_b_a_pool_replacement_lists_every_unlisted_child_as_a_delete(
        session: AwsSession, write: Write, capsys: pytest.CaptureFixture[str],
) -> None:
    """B: "A pool replacement (with `--allow-replace`) deletes everything in the old
    pool. Every client, provider, group, resource server and domain that the file does
    not list must appear in the plan as a delete, so the reviewer sees it." """
    assert _cli(session, "apply", write(FULL), "--yes") == 0
    boto = _boto(session)
    pool_id = _pool_id(session)
    boto.create_group(UserPoolId=pool_id, GroupName="console-made")
    boto.create_user_pool_client(UserPoolId=pool_id, ClientName="console-client")
    path = write(_pool("""
        settings:
          UsernameAttributes: [phone_number]
        clients:
          web: {SupportedIdentityProviders: [COGNITO]}
    """), "replace.yaml")
    capsys.readouterr()
    assert _cli(session, "plan", path, "--allow-replace", "app", "--detailed-exitcode") == 2
    out = capsys.readouterr().out
    assert "-/+ app: replace" in out
    for address in ("app/domain", "app/identity_providers/Google", "app/resource_servers/api",
                    "app/clients/console-client", "app/groups/admins",
                    "app/groups/console-made"):
        assert re.search(rf"^\s*- {re.escape(address)}: delete", out, re.MULTILINE), address
    assert not re.search(r"^\s*- app/clients/web: delete", out, re.MULTILINE)


def test_b_a_group_named_like_a_federation_group_without_its_provider_is_ordinary(
        session: AwsSession, write: Write, capsys: pytest.CaptureFixture[str],
) -> None:
    """B: "Groups Cognito creates for federated users are recognised by more than the
    `<poolId>_<Provider>` name prefix: an ordinary group named like that, with no such
    provider, is an ordinary group." """
    path = write(_pool("""
        groups:
          admins: {Description: Admins}
        prune: true
    """))
    assert _cli(session, "apply", path, "--yes") == 0
    boto = _boto(session)
    pool_id = _pool_id(session)
    boto.create_identity_provider(
        UserPoolId=pool_id, ProviderName="Google", ProviderType="Google",
        ProviderDetails={"client_id": "1", "client_secret": "2", "authorize_scopes": "openid"})
    boto.create_group(UserPoolId=pool_id, GroupName=f"{pool_id}_Google")  # Cognito's own
    boto.create_group(UserPoolId=pool_id, GroupName=f"{pool_id}_Okta")  # no such provider
    capsys.readouterr()
    assert _cli(session, "plan", path, "--detailed-exitcode") == 2
    out = capsys.readouterr().out
    assert f"- app/groups/{pool_id}_Okta: delete" in out
    assert f"{pool_id}_Google" not in out
    since = _mark(session)
    assert _cli(session, "apply", path, "--yes") == 0
    assert _requests(session, "DeleteGroup", since) == [
        {"UserPoolId": pool_id, "GroupName": f"{pool_id}_Okta"}]
    groups = {g["GroupName"] for g in boto.list_groups(UserPoolId=pool_id)["Groups"]}
    assert groups == {"admins", f"{pool_id}_Google"}


# =========================================================================== C
# C. Accept what AWS accepts


CUSTOM_DOMAIN = _pool(f"""
    domain: {{Domain: auth.example.com, CustomDomainConfig: {{CertificateArn: "{CERTIFICATE_ARN}"}}}}
""")


def test_c_a_custom_domain_validates_applies_and_plans_clean(
        session: AwsSession, write: Write,
) -> None:
    """C: "A custom domain: `domain: {Domain: auth.example.com, CustomDomainConfig:
    {CertificateArn: ...}}` fails botocore's prefix pattern. The pattern applies to
    prefix domains only." """
    path = write(CUSTOM_DOMAIN)
    assert _cli(session, "validate", path) == 0
    since = _mark(session)
    assert _cli(session, "apply", path, "--yes") == 0
    (request,) = _requests(session, "CreateUserPoolDomain", since)
    assert request["Domain"] == "auth.example.com"
    assert request["CustomDomainConfig"] == {"CertificateArn": CERTIFICATE_ARN}
    assert _live(session)["CustomDomain"] == "auth.example.com"
    assert _cli(session, "plan", path, "--detailed-exitcode") == 0


def test_c_export_of_a_pool_with_a_custom_domain_validates(
        session: AwsSession, write: Write, capsys: pytest.CaptureFixture[str],
) -> None:
    """C: "Export of such a pool must validate too." """
    assert _cli(session, "apply", write(CUSTOM_DOMAIN), "--yes") == 0
    capsys.readouterr()
    assert _cli(session, "export", "--region", REGION, "--pool-id", _pool_id(session)) == 0
    exported = write(capsys.readouterr().out, "exported.yaml")
    assert _cli(session, "validate", exported) == 0
    assert _cli(session, "plan", exported, "--detailed-exitcode") == 0


def test_c_a_standard_attribute_without_a_data_type(session: AwsSession, write: Write) -> None:
    """C: "A standard attribute without a data type: `Schema: [{Name: email, Required:
    true, Mutable: true}]`." """
    path = write(_pool("""
        settings:
          Schema: [{Name: email, Required: true, Mutable: true}]
    """))
    assert _cli(session, "validate", path) == 0
    since = _mark(session)
    assert _cli(session, "apply", path, "--yes") == 0
    (create,) = _requests(session, "CreateUserPool", since)
    assert [a["Name"] for a in create["Schema"]] == ["email"]
    email = _schema(session)["email"]
    assert email["AttributeDataType"] == "String" and email["Required"] is True
    assert _cli(session, "plan", path, "--detailed-exitcode") == 0


LEGACY = _pool("""
    settings:
      EmailVerificationMessage: "Your code is {####}"
      EmailVerificationSubject: Your code
      SmsVerificationMessage: "Code {####}"
      AdminCreateUserConfig: {AllowAdminCreateUserOnly: true, UnusedAccountValidityDays: 3}
""")


def test_c_legacy_message_and_validity_fields_are_aliases_of_their_twins(
        session: AwsSession, write: Write,
) -> None:
    """C: "The legacy message fields (`EmailVerificationMessage`,
    `EmailVerificationSubject`, `SmsVerificationMessage`) and
    `AdminCreateUserConfig.UnusedAccountValidityDays` ...: accept them as aliases of their
    twins (`VerificationMessageTemplate.*`, `TemporaryPasswordValidityDays`)". The
    request carries the values in the current fields, and the pool reports them."""
    path = write(LEGACY)
    assert _cli(session, "validate", path) == 0
    since = _mark(session)
    assert _cli(session, "apply", path, "--yes") == 0
    (create,) = _requests(session, "CreateUserPool", since)
    template = create.get("VerificationMessageTemplate") or {}
    assert template.get("EmailMessage") == "Your code is {####}"
    assert template.get("EmailSubject") == "Your code"
    assert template.get("SmsMessage") == "Code {####}"
    password = (create.get("Policies") or {}).get("PasswordPolicy") or {}
    assert password.get("TemporaryPasswordValidityDays") == 3
    live = _live(session)
    assert live["VerificationMessageTemplate"]["EmailMessage"] == "Your code is {####}"
    assert live["VerificationMessageTemplate"]["SmsMessage"] == "Code {####}"
    assert live["Policies"]["PasswordPolicy"]["TemporaryPasswordValidityDays"] == 3
    assert _cli(session, "plan", path, "--detailed-exitcode") == 0


def test_c_a_legacy_alias_on_an_existing_pool_plans_its_twin(
        session: AwsSession, write: Write, capsys: pytest.CaptureFixture[str],
) -> None:
    """C: the aliases on a pool that exists: a legacy value that differs from the live
    one is a change of its twin, written with UpdateUserPool (never "no-op")."""
    _boto(session).create_user_pool(PoolName="app")
    path = write(LEGACY)
    capsys.readouterr()
    assert _cli(session, "plan", path, "--detailed-exitcode") == 2
    out = capsys.readouterr().out
    assert re.search(r'VerificationMessageTemplate\.EmailMessage: .* → "Your code is \{####\}"',
                     out)
    assert re.search(r"Policies\.PasswordPolicy\.TemporaryPasswordValidityDays: 7 → 3", out)
    assert _cli(session, "apply", path, "--yes") == 0
    assert _live(session)["VerificationMessageTemplate"]["EmailSubject"] == "Your code"
    assert _cli(session, "plan", path, "--detailed-exitcode") == 0


@pytest.mark.parametrize(("extra", "valid"), [
    ("VerificationMessageTemplate: {EmailMessage: \"Your code is {####}\"}\n"
     "Policies: {PasswordPolicy: {TemporaryPasswordValidityDays: 3}}", True),
    ("VerificationMessageTemplate: {EmailMessage: \"Other {####}\"}", False),
    ("Policies: {PasswordPolicy: {TemporaryPasswordValidityDays: 4}}", False),
], ids=["same-values", "messages-differ", "validity-differs"])
def test_c_both_twins_are_refused_only_with_different_values(
        write: Write, capsys: pytest.CaptureFixture[str], extra: str, valid: bool,
) -> None:
    """C: "... refuse only when both twins are written with different values." """
    path = write(LEGACY + textwrap.indent(extra, "      ") + "\n")
    capsys.readouterr()
    assert _cli(AwsSession(share=None), "validate", path) == (0 if valid else 1)
    if not valid:
        assert "legacy twin" in capsys.readouterr().err


def test_c_email_mfa_with_an_unmanaged_developer_email_configuration(
        session: AwsSession, write: Write,
) -> None:
    """C: "Email MFA when the file does not manage `EmailConfiguration` and the live
    pool already sends with `DEVELOPER`: an unwritten member is carried over, so the
    rule must look at the merged result, not at the file alone." """
    boto = _boto(session)
    pool_id = boto.create_user_pool(PoolName="app", EmailConfiguration={
        "EmailSendingAccount": "DEVELOPER", "SourceArn": SES_IDENTITY,
        "From": "no-reply@example.com"})["UserPool"]["Id"]
    path = write(_pool("""
        mfa:
          MfaConfiguration: OPTIONAL
          EmailMfaConfiguration: {Message: "Your code is {####}", Subject: Sign-in code}
    """))
    assert _cli(session, "validate", path) == 0
    assert _cli(session, "plan", path, "--detailed-exitcode") == 2
    assert _cli(session, "apply", path, "--yes") == 0
    mfa = boto.get_user_pool_mfa_config(UserPoolId=pool_id)
    assert mfa["EmailMfaConfiguration"]["Subject"] == "Sign-in code"
    assert boto.describe_user_pool(UserPoolId=pool_id)["UserPool"]["EmailConfiguration"][
        "EmailSendingAccount"] == "DEVELOPER"


THREAT_PROTECTION = _pool("""
    settings:
      UserPoolAddOns: {AdvancedSecurityMode: AUDIT}
""")
PASSWORDLESS = _pool("""
    settings:
      Policies:
        SignInPolicy: {AllowedFirstAuthFactors: [PASSWORD, EMAIL_OTP]}
""")


@pytest.mark.parametrize(("tier", "body", "exit_code"), [
    ("PLUS", THREAT_PROTECTION, 2),   # a new pool (ESSENTIALS) could not have it
    ("LITE", PASSWORDLESS, 3),        # a new pool (ESSENTIALS) could have it
], ids=["plus-pool-allows-threat-protection", "lite-pool-refuses-passwordless"])
def test_c_tier_gates_on_an_existing_pool_use_its_live_tier(
        session: AwsSession, write: Write, tier: str, body: str, exit_code: int,
) -> None:
    """C: "Tier-gated rules on an existing pool use the live pool's tier ..., not the
    tier a new pool would get." The file does not write UserPoolTier."""
    _boto(session).create_user_pool(PoolName="app", UserPoolTier=tier)
    path = write(body)
    since = _mark(session)
    assert _cli(session, "plan", path, "--detailed-exitcode") == exit_code
    assert _cli(session, "apply", path, "--yes") == (0 if exit_code == 2 else 3)
    assert bool(_writes(session, since)) is (exit_code == 2)
    if exit_code == 2:
        assert _live(session)["UserPoolAddOns"]["AdvancedSecurityMode"] == "AUDIT"


def test_c_no_tier_gate_when_the_response_reports_no_tier(
        session: AwsSession, write: Write,
) -> None:
    """C: "... (and do not refuse when the response does not report one)". Simulates a
    pool from before feature plans: DescribeUserPool without UserPoolTier (the stand-in's
    response with the member dropped)."""
    _boto(session).create_user_pool(PoolName="app", UserPoolTier="PLUS")
    original = CognitoIdpUserPool.to_json

    def without_tier(pool: Any, extended: bool = False) -> dict[str, Any]:
        shape: dict[str, Any] = original(pool, extended)
        shape.pop("UserPoolTier", None)
        return shape

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(CognitoIdpUserPool, "to_json", without_tier)
        assert "UserPoolTier" not in _live(session)
        path = write(THREAT_PROTECTION)
        assert _cli(session, "plan", path, "--detailed-exitcode") == 2
        assert _cli(session, "apply", path, "--yes") == 0
        assert _live(session)["UserPoolAddOns"]["AdvancedSecurityMode"] == "AUDIT"


# =========================================================================== D
# D. Refuse what AWS refuses, before the first write


def test_d_sms_mfa_without_an_authentication_message_plans_and_applies_real_requests(
        session: AwsSession, write: Write, fresh_output: pytest.CaptureFixture[str],
) -> None:
    """D: "SMS MFA without `SmsAuthenticationMessage` plans `SmsAuthenticationMessage:
    (not set) → "(unknown default)"` and apply creates the pool, then fails with
    `Invalid type for parameter SmsMfaConfiguration.SmsAuthenticationMessage`, leaving a
    half-made pool. No internal placeholder may ever reach a request". The plan shows
    no placeholder, and every request is one botocore accepts."""
    path = write(_pool(f"""
        settings:
          AutoVerifiedAttributes: [phone_number]
          SmsConfiguration: {{SnsCallerArn: "{SNS_ROLE}", ExternalId: app-external}}
        mfa:
          MfaConfiguration: OPTIONAL
          SmsMfaConfiguration:
            SmsConfiguration: {{SnsCallerArn: "{SNS_ROLE}", ExternalId: app-external}}
    """))
    assert _cli(session, "plan", path) == 0
    assert "unknown" not in _output(fresh_output)
    assert _cli(session, "apply", path, "--yes") == 0
    assert "unknown" not in _output(fresh_output)
    _assert_requests_fit_botocore(session)
    assert _writes(session) == ["CreateUserPool", "SetUserPoolMfaConfig"]
    (request,) = _requests(session, "SetUserPoolMfaConfig")
    assert isinstance(request["SmsMfaConfiguration"].get("SmsAuthenticationMessage", ""), str)
    assert _live_mfa(session)["SmsMfaConfiguration"]["SmsConfiguration"]["SnsCallerArn"] == (
        SNS_ROLE)
    assert _cli(session, "plan", path, "--detailed-exitcode") == 0


def test_d_a_request_botocore_would_refuse_is_a_plan_error_before_any_write(
        session: AwsSession, write: Write, fresh_output: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
) -> None:
    """D: "validate every planned request against botocore's input shape (types,
    required members, ranges, lengths, enums) during `plan`, so a bad payload is a plan
    error, never a mid-apply failure." The value comes from the environment, so only
    plan can see that it is longer than botocore's DescriptionType allows (2048)."""
    monkeypatch.setenv("GROUP_DESCRIPTION", "x" * 2049)
    path = write(_pool("""
        groups:
          admins: {Description: "${env:GROUP_DESCRIPTION}"}
    """))
    assert _cli(session, "validate", path) == 0  # the file alone is fine
    assert _cli(session, "plan", path) in (1, 3)
    assert "Description" in _output(fresh_output)
    assert _cli(session, "apply", path, "--yes") in (1, 3)
    assert _writes(session) == []


@pytest.mark.parametrize("precedence", ["3.0", "1" + "0" * 4999],
                         ids=["float-3.0", "5000-digit-integer"])
def test_d_precedence_values_aws_refuses_never_reach_a_request(
        session: AwsSession, write: Write, fresh_output: pytest.CaptureFixture[str],
        precedence: str,
) -> None:
    """D: "`Precedence: 3.0`, a 5,000-digit integer and similar values belong to the
    same class." """
    path = write(_pool(f"""
        groups:
          admins: {{Description: Admins, Precedence: {precedence}}}
    """))
    assert _cli(session, "validate", path) == 1
    assert "Precedence" in _output(fresh_output)
    assert _cli(session, "plan", path) in (1, 3)
    assert _cli(session, "apply", path, "--yes") in (1, 3)
    assert _writes(session) == []


GOOGLE_MAPPING_TENANT = _pool("""
    identity_providers:
      Google:
        ProviderType: Google
        ProviderDetails: {client_id: 123.apps.googleusercontent.com,
                          client_secret: "${env:GOOGLE_CLIENT_SECRET}", authorize_scopes: openid email}
        AttributeMapping: {email: email, "custom:tenant": hd}
""")


def test_d_a_mapping_to_an_undefined_custom_attribute_is_refused_before_the_pool_exists(
        session: AwsSession, write: Write, fresh_output: pytest.CaptureFixture[str],
) -> None:
    """D: "An identity provider whose `AttributeMapping` targets a `custom:` attribute
    that neither the file nor the live pool defines (AWS: 'AttributeMapping contains
    invalid mapping', after the pool was already created)." plan and apply refuse
    (exit 3) and nothing, not even the pool, is created."""
    path = write(GOOGLE_MAPPING_TENANT)
    assert _cli(session, "plan", path) == 3
    assert _cli(session, "plan", path, "--detailed-exitcode") == 3
    out = _output(fresh_output)
    assert "! app/identity_providers/Google: cannot-apply" in out and "custom:tenant" in out
    assert _cli(session, "apply", path, "--yes") == 3
    assert _writes(session) == []
    assert _boto(session).list_user_pools(MaxResults=60)["UserPools"] == []


def test_d_a_mapping_to_a_custom_attribute_the_live_pool_has_is_fine(
        session: AwsSession, write: Write,
) -> None:
    """D: the same mapping, where the live pool defines `custom:tenant` (added in the
    console): nothing to refuse."""
    boto = _boto(session)
    boto.create_user_pool(PoolName="app", Schema=[
        {"Name": "tenant", "AttributeDataType": "String", "Mutable": True}])
    path = write(GOOGLE_MAPPING_TENANT)
    assert _cli(session, "plan", path, "--detailed-exitcode") == 2
    assert _cli(session, "apply", path, "--yes") == 0
    provider = boto.describe_identity_provider(UserPoolId=_pool_id(session),
                                               ProviderName="Google")["IdentityProvider"]
    assert provider["AttributeMapping"]["custom:tenant"] == "hd"


def test_d_a_mapping_to_a_custom_attribute_the_file_defines_is_fine(
        session: AwsSession, write: Write,
) -> None:
    """D: the same mapping, where the file defines `custom:tenant` for a new pool: the
    attribute exists before the provider is created."""
    path = write(GOOGLE_MAPPING_TENANT.replace("    identity_providers:", (
        "    settings:\n"
        "      Schema: [{Name: tenant, AttributeDataType: String, Mutable: true}]\n"
        "    identity_providers:")))
    assert _cli(session, "plan", path, "--detailed-exitcode") == 2
    assert _cli(session, "apply", path, "--yes") == 0
    assert _writes(session) == ["CreateUserPool", "CreateIdentityProvider"]
    assert "custom:tenant" in _schema(session)
    assert _cli(session, "plan", path, "--detailed-exitcode") == 0


def test_d_verification_before_update_must_name_an_auto_verified_attribute(
        session: AwsSession, write: Write, fresh_output: pytest.CaptureFixture[str],
) -> None:
    """D: "`AttributesRequireVerificationBeforeUpdate` naming an attribute that is not in
    `AutoVerifiedAttributes`." """
    path = write(_pool("""
        settings:
          AutoVerifiedAttributes: [email]
          UserAttributeUpdateSettings: {AttributesRequireVerificationBeforeUpdate: [phone_number]}
    """))
    assert _cli(session, "validate", path) == 1
    assert "AutoVerifiedAttributes" in _output(fresh_output)
    assert _cli(session, "apply", path, "--yes") in (1, 3)
    assert _writes(session) == []


def test_d_verification_before_update_counts_the_live_auto_verified_attributes(
        session: AwsSession, write: Write,
) -> None:
    """D: the same rule on the merged result: AutoVerifiedAttributes is not in the file
    and is carried over from the live pool (email), so requiring verification of email
    is fine, and of phone_number is refused at plan time."""
    _boto(session).create_user_pool(PoolName="app", AutoVerifiedAttributes=["email"])
    fine = write(_pool("""
        settings:
          UserAttributeUpdateSettings: {AttributesRequireVerificationBeforeUpdate: [email]}
    """))
    refused = write(_pool("""
        settings:
          UserAttributeUpdateSettings: {AttributesRequireVerificationBeforeUpdate: [phone_number]}
    """), "refused.yaml")
    since = _mark(session)
    assert _cli(session, "plan", refused, "--detailed-exitcode") == 3
    assert _cli(session, "apply", refused, "--yes") == 3
    assert _writes(session, since) == []
    assert _cli(session, "plan", fine, "--detailed-exitcode") == 2
    assert _cli(session, "apply", fine, "--yes") == 0
    assert _live(session)["UserAttributeUpdateSettings"][
        "AttributesRequireVerificationBeforeUpdate"] == ["email"]


@pytest.mark.parametrize("body", [
    "clients:\n  клиент: {}",
    "clients:\n  " + FULLWIDTH_WEB + ": {}",
    "resource_servers:\n  api: {Name: Апи}",
], ids=["cyrillic-client-name", "fullwidth-client-name", "cyrillic-resource-server-name"])
def test_d_names_follow_aws_ascii_patterns(
        write: Write, capsys: pytest.CaptureFixture[str], body: str,
) -> None:
    """D: "Names and identifiers checked with Unicode-aware regular expressions: AWS's
    patterns are ASCII (`\\w` in Python matches Cyrillic and fullwidth letters); compile
    them ASCII-only." (ClientNameType and ResourceServerNameType: `[\\w\\s+=,.@-]+`.)"""
    capsys.readouterr()
    assert _cli(AwsSession(share=None), "validate", write(_pool(body))) == 1
    assert "pattern" in capsys.readouterr().err


def test_d_a_cyrillic_pool_name_is_refused(
        write: Write, capsys: pytest.CaptureFixture[str],
) -> None:
    """D: the same for the pool's own name (UserPoolNameType `[\\w\\s+=,.@-]+`)."""
    capsys.readouterr()
    assert _cli(AwsSession(share=None), "validate", write(_pool("settings: {DeletionProtection: INACTIVE}", name="пул"))) == 1
    assert "пул" in capsys.readouterr().err


def test_d_plan_exits_3_when_an_object_cannot_be_applied(session: AwsSession, write: Write) -> None:
    """D: "`plan` must not pass a PR check for a plan that apply will refuse: when any
    object is cannot-apply ... `plan` exits 3 (with and without
    `--detailed-exitcode`)" (here: threat protection on a new, ESSENTIALS pool)."""
    path = write(THREAT_PROTECTION)
    assert _cli(session, "plan", path) == 3
    assert _cli(session, "plan", path, "--detailed-exitcode") == 3
    assert _cli(session, "apply", path, "--yes") == 3
    assert _writes(session) == []


def test_d_plan_exits_3_on_a_replacement_unless_allow_replace_declares_it(
        session: AwsSession, write: Write, capsys: pytest.CaptureFixture[str],
) -> None:
    """D: "... or a replacement is planned that the command line does not allow, `plan`
    exits 3 (with and without `--detailed-exitcode`), and `plan` accepts
    `--allow-replace` like apply so a PR can declare an intended replacement." """
    assert _cli(session, "apply", write(EMAIL_SCHEMA), "--yes") == 0
    path = write(EMAIL_SCHEMA.replace("Required: true", "Required: false"), "replace.yaml")
    since = _mark(session)
    assert _cli(session, "plan", path) == 3
    assert _cli(session, "plan", path, "--detailed-exitcode") == 3
    assert _cli(session, "plan", path, "--allow-replace", "app/clients/web") == 3
    assert _cli(session, "plan", path, "--allow-replace", "app") == 0
    capsys.readouterr()
    assert _cli(session, "plan", path, "--allow-replace", "app", "--detailed-exitcode") == 2
    assert "-/+ app: replace" in capsys.readouterr().out
    assert _writes(session, since) == []


def test_d_validate_reports_a_scope_the_files_own_resource_server_does_not_define(
        write: Write, capsys: pytest.CaptureFixture[str],
) -> None:
    """D: "Where the file alone proves a reference wrong (a client names a scope that the
    file's own resource server does not define), `validate` reports it." """
    path = write(_pool("""
        resource_servers:
          api: {Name: API, Scopes: [{ScopeName: read, ScopeDescription: Read}]}
        clients:
          web:
            AllowedOAuthFlowsUserPoolClient: true
            AllowedOAuthFlows: [code]
            AllowedOAuthScopes: [openid, api/write]
            CallbackURLs: [https://app.example.com/cb]
    """))
    capsys.readouterr()
    assert _cli(AwsSession(share=None), "validate", path) == 1
    err = capsys.readouterr().err
    assert "AllowedOAuthScopes" in err and "write" in err


# =========================================================================== E
# E. The stand-in agrees with AWS on all of the above (boto3 straight at it)


@pytest.fixture
def aws(session: AwsSession) -> Any:
    return _boto(session)


def _new_pool(aws: Any, **members: Any) -> str:
    return str(aws.create_user_pool(PoolName="app", **members)["UserPool"]["Id"])


def test_e_a_pool_without_passkeys_reports_no_web_authn_block(aws: Any) -> None:
    """E (shape in A): GetUserPoolMfaConfig of a pool whose MFA config has no passkey
    block has no WebAuthnConfiguration; once written, it is reported."""
    pool_id = _new_pool(aws)
    aws.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="ON",
                                 SoftwareTokenMfaConfiguration={"Enabled": True})
    assert "WebAuthnConfiguration" not in aws.get_user_pool_mfa_config(UserPoolId=pool_id)
    aws.set_user_pool_mfa_config(
        UserPoolId=pool_id, MfaConfiguration="ON", SoftwareTokenMfaConfiguration={"Enabled": True},
        WebAuthnConfiguration={"RelyingPartyId": "login.example.com",
                               "FactorConfiguration": "MULTI_FACTOR_WITH_USER_VERIFICATION"})
    reported = aws.get_user_pool_mfa_config(UserPoolId=pool_id)["WebAuthnConfiguration"]
    assert reported["RelyingPartyId"] == "login.example.com"


def test_e_web_authn_under_mfa_on_needs_passkeys_as_a_multi_factor_method(aws: Any) -> None:
    """E (rule in A's ordering): under MFA ON, UpdateUserPool refuses WEB_AUTHN as a
    first factor until the MFA config has passkeys as MULTI_FACTOR_WITH_USER_VERIFICATION,
    and SetUserPoolMfaConfig refuses SINGLE_FACTOR while WEB_AUTHN is a first factor."""
    pool_id = _new_pool(aws, Policies={"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD"]}})
    aws.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="ON",
                                 SoftwareTokenMfaConfiguration={"Enabled": True})
    passkeys = {"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "WEB_AUTHN"]}}
    with pytest.raises(ClientError, match="WEB_AUTHN"):
        aws.update_user_pool(UserPoolId=pool_id, Policies=passkeys)
    aws.set_user_pool_mfa_config(
        UserPoolId=pool_id, MfaConfiguration="ON", SoftwareTokenMfaConfiguration={"Enabled": True},
        WebAuthnConfiguration={"FactorConfiguration": "MULTI_FACTOR_WITH_USER_VERIFICATION"})
    aws.update_user_pool(UserPoolId=pool_id, Policies=passkeys)
    with pytest.raises(ClientError, match="SINGLE_FACTOR"):
        aws.set_user_pool_mfa_config(
            UserPoolId=pool_id, MfaConfiguration="ON",
            SoftwareTokenMfaConfiguration={"Enabled": True},
            WebAuthnConfiguration={"FactorConfiguration": "SINGLE_FACTOR"})


def test_e_custom_sub_is_added_beside_the_standard_sub(aws: Any) -> None:
    """E (shape in B): AddCustomAttributes `sub` creates `custom:sub` and leaves the
    standard `sub` alone; CreateUserPool's Schema `locale` configures the standard one."""
    pool_id = _new_pool(aws, Schema=[{"Name": "locale", "Mutable": False}])
    aws.add_custom_attributes(UserPoolId=pool_id, CustomAttributes=[
        {"Name": "sub", "AttributeDataType": "String", "Mutable": True}])
    schema = {a["Name"]: a for a in aws.describe_user_pool(UserPoolId=pool_id)["UserPool"][
        "SchemaAttributes"]}
    assert schema["custom:sub"]["Mutable"] is True
    assert schema["sub"]["Mutable"] is False and schema["sub"]["Required"] is True
    assert schema["locale"]["Mutable"] is False and "custom:locale" not in schema


def test_e_refresh_token_rotation_disabled_is_reported_with_grace_period_0(aws: Any) -> None:
    """E (shape in B): "a client with `RefreshTokenRotation: {Feature: DISABLED}` is
    reported by AWS with `RetryGracePeriodSeconds: 0`"."""
    pool_id = _new_pool(aws)
    client = aws.create_user_pool_client(UserPoolId=pool_id, ClientName="web",
                                         RefreshTokenRotation={"Feature": "DISABLED"})
    client_id = client["UserPoolClient"]["ClientId"]
    described = aws.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)
    assert described["UserPoolClient"]["RefreshTokenRotation"] == {
        "Feature": "DISABLED", "RetryGracePeriodSeconds": 0}


def test_e_a_custom_domain_is_accepted_and_reported_as_custom_domain(aws: Any) -> None:
    """E (rule in C): CreateUserPoolDomain takes a fully qualified name with an ACM
    certificate; DescribeUserPool names it in CustomDomain."""
    pool_id = _new_pool(aws)
    aws.create_user_pool_domain(UserPoolId=pool_id, Domain="auth.example.com",
                                CustomDomainConfig={"CertificateArn": CERTIFICATE_ARN})
    assert aws.describe_user_pool(UserPoolId=pool_id)["UserPool"]["CustomDomain"] == (
        "auth.example.com")
    described = aws.describe_user_pool_domain(Domain="auth.example.com")["DomainDescription"]
    assert described["CustomDomainConfig"] == {"CertificateArn": CERTIFICATE_ARN}


def test_e_a_standard_attribute_without_a_data_type_is_accepted(aws: Any) -> None:
    """E (rule in C): CreateUserPool `Schema: [{Name: email, Required: true, Mutable:
    true}]` configures the standard String attribute."""
    pool_id = _new_pool(aws, Schema=[{"Name": "email", "Required": True, "Mutable": True}])
    schema = {a["Name"]: a for a in aws.describe_user_pool(UserPoolId=pool_id)["UserPool"][
        "SchemaAttributes"]}
    assert schema["email"]["AttributeDataType"] == "String"
    assert schema["email"]["Required"] is True


def test_e_legacy_fields_are_mirrored_into_their_twins(aws: Any) -> None:
    """E (rule in C): the legacy message fields and UnusedAccountValidityDays, sent
    alone, set and are reported with their current twins."""
    pool_id = _new_pool(aws, EmailVerificationMessage="Your code is {####}",
                        EmailVerificationSubject="Your code", SmsVerificationMessage="Code {####}",
                        AdminCreateUserConfig={"UnusedAccountValidityDays": 3})
    pool = aws.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    assert pool["VerificationMessageTemplate"]["EmailMessage"] == "Your code is {####}"
    assert pool["VerificationMessageTemplate"]["EmailSubject"] == "Your code"
    assert pool["VerificationMessageTemplate"]["SmsMessage"] == "Code {####}"
    assert pool["Policies"]["PasswordPolicy"]["TemporaryPasswordValidityDays"] == 3
    assert pool["AdminCreateUserConfig"]["UnusedAccountValidityDays"] == 3


def test_e_email_mfa_needs_a_developer_sending_account(aws: Any) -> None:
    """E (rule in C): SetUserPoolMfaConfig with email MFA is refused on COGNITO_DEFAULT
    and accepted once the pool sends with DEVELOPER."""
    pool_id = _new_pool(aws)
    email_mfa = {"Message": "Your code is {####}", "Subject": "Sign-in code"}
    with pytest.raises(ClientError, match="COGNITO_DEFAULT"):
        aws.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="OPTIONAL",
                                     EmailMfaConfiguration=email_mfa)
    aws.update_user_pool(UserPoolId=pool_id, EmailConfiguration={
        "EmailSendingAccount": "DEVELOPER", "SourceArn": SES_IDENTITY})
    aws.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="OPTIONAL",
                                 EmailMfaConfiguration=email_mfa)
    assert aws.get_user_pool_mfa_config(UserPoolId=pool_id)["EmailMfaConfiguration"] == email_mfa


def test_e_tier_gated_features_are_refused_above_the_pools_tier(aws: Any) -> None:
    """E (rule in C): threat protection needs the PLUS tier; AWS refuses it on an
    ESSENTIALS pool with FeatureUnavailableInTierException (botocore UpdateUserPool and
    CreateUserPool error lists; UserPoolAddOns doc) and accepts it on PLUS."""
    essentials = _new_pool(aws, UserPoolTier="ESSENTIALS")
    with pytest.raises(ClientError) as refused:
        aws.update_user_pool(UserPoolId=essentials,
                             UserPoolAddOns={"AdvancedSecurityMode": "AUDIT"})
    assert refused.value.response["Error"]["Code"] == "FeatureUnavailableInTierException"
    plus = str(aws.create_user_pool(PoolName="plus", UserPoolTier="PLUS")["UserPool"]["Id"])
    aws.update_user_pool(UserPoolId=plus, UserPoolAddOns={"AdvancedSecurityMode": "AUDIT"})


def test_e_sms_mfa_without_an_authentication_message_is_accepted(aws: Any) -> None:
    """E (rule in D): SmsMfaConfiguration's SmsAuthenticationMessage is optional (botocore
    SmsMfaConfigType: "If this parameter isn't provided, your user pool sends a default
    message")."""
    sms = {"SnsCallerArn": SNS_ROLE, "ExternalId": "app-external"}
    pool_id = _new_pool(aws, SmsConfiguration=sms, AutoVerifiedAttributes=["phone_number"])
    aws.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="OPTIONAL",
                                 SmsMfaConfiguration={"SmsConfiguration": sms})
    assert aws.get_user_pool_mfa_config(UserPoolId=pool_id)["MfaConfiguration"] == "OPTIONAL"


@pytest.mark.parametrize(("member", "value"), [
    ("Description", "x" * 2049),   # DescriptionType max 2048
    ("Precedence", 2 ** 31),       # PrecedenceType: a 32-bit integer
], ids=["description-too-long", "precedence-beyond-32-bits"])
def test_e_values_outside_the_models_ranges_are_refused(
        aws: Any, member: str, value: object,
) -> None:
    """E (rule in D): AWS checks lengths and ranges of its model server-side ("1
    validation error detected: Value ... failed to satisfy constraint"), which botocore
    does not check client-side."""
    pool_id = _new_pool(aws)
    with pytest.raises(ClientError):
        aws.create_group(UserPoolId=pool_id, GroupName="admins", **{member: value})


def test_e_a_mapping_to_an_undefined_custom_attribute_is_refused(aws: Any) -> None:
    """E (rule in D): "AttributeMapping contains invalid mapping" (aws/aws-cli #9729)."""
    pool_id = _new_pool(aws)
    with pytest.raises(ClientError, match="AttributeMapping contains invalid mapping"):
        aws.create_identity_provider(
            UserPoolId=pool_id, ProviderName="Google", ProviderType="Google",
            ProviderDetails={"client_id": "1", "client_secret": "2", "authorize_scopes": "openid"},
            AttributeMapping={"custom:tenant": "hd"})


def test_e_verification_before_update_must_be_auto_verified(aws: Any) -> None:
    """E (rule in D): AttributesRequireVerificationBeforeUpdate outside
    AutoVerifiedAttributes is refused (aws/aws-cli #7151)."""
    with pytest.raises(ClientError, match="AutoVerifiedAttributes"):
        _new_pool(aws, AutoVerifiedAttributes=["email"], UserAttributeUpdateSettings={
            "AttributesRequireVerificationBeforeUpdate": ["phone_number"]})


@pytest.mark.parametrize("name", ["клиент", FULLWIDTH_WEB], ids=["cyrillic", "fullwidth"])
def test_e_names_outside_the_ascii_pattern_are_refused(aws: Any, name: str) -> None:
    """E (rule in D): ClientNameType is `[\\w\\s+=,.@-]+`, an ASCII `\\w` on AWS's side
    (Java regular expressions): a Cyrillic or fullwidth client name fails the pattern."""
    pool_id = _new_pool(aws)
    with pytest.raises(ClientError):
        aws.create_user_pool_client(UserPoolId=pool_id, ClientName=name)


def test_e_a_scope_no_resource_server_defines_is_refused(aws: Any) -> None:
    """E (rule in D): ScopeDoesNotExistException for a scope the resource server lacks."""
    pool_id = _new_pool(aws)
    aws.create_resource_server(UserPoolId=pool_id, Identifier="api", Name="API",
                               Scopes=[{"ScopeName": "read", "ScopeDescription": "Read"}])
    with pytest.raises(ClientError) as refused:
        aws.create_user_pool_client(
            UserPoolId=pool_id, ClientName="web", AllowedOAuthFlowsUserPoolClient=True,
            AllowedOAuthFlows=["code"], AllowedOAuthScopes=["api/write"],
            CallbackURLs=["https://app.example.com/cb"])
    assert refused.value.response["Error"]["Code"] == "ScopeDoesNotExistException"


# Files that do not ship with poolsync: a user-facing message must never cite them.
NOT_SHIPPED = re.compile(r"cognito-semantics|security-and-limits|product\.md|SOURCES\.md"
                         r"|style\.md|§")


@pytest.mark.parametrize("args", [
    ("plan", THREAT_PROTECTION),
    ("plan", GOOGLE_MAPPING_TENANT),
    ("plan", MFA_TOTP_AND_PASSKEYS),
    ("validate", LEGACY + "      VerificationMessageTemplate: {EmailMessage: \"Other {####}\"}\n"),
    ("validate", _pool("clients:\n  клиент: {}")),
    ("apply", _pool("settings:\n  UserAttributeUpdateSettings: "
                    "{AttributesRequireVerificationBeforeUpdate: [phone_number]}")),
], ids=["tier", "attribute-mapping", "mfa-create", "legacy-twins", "ascii-pattern",
        "verification-before-update"])
def test_e_messages_cite_public_sources_only(
        session: AwsSession, write: Write, capsys: pytest.CaptureFixture[str],
        args: tuple[str, str],
) -> None:
    """E: "User-facing messages cite public sources (AWS documentation, API reference)
    or nothing: never a file that does not ship with poolsync." """
    command, text = args
    capsys.readouterr()
    _cli(session, command, write(text), *(("--yes",) if command == "apply" else ()))
    out = _output(capsys)
    assert out.strip()
    assert not NOT_SHIPPED.search(out), NOT_SHIPPED.search(out)


def test_c_managed_login_version_of_a_custom_domain_changes_in_place(
    session: AwsSession, write: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """The domain update always sends the certificate of a custom domain: Cognito
    refuses an UpdateUserPoolDomain without it ("Cannot convert custom domain to prefix
    domain.", terraform-provider-aws #43248)."""
    body = """
        version: 1
        pools:
          mlv:
            region: eu-west-1
            domain: {Domain: auth.example.com, ManagedLoginVersion: VERSION,
                     CustomDomainConfig: {CertificateArn: CERT}}
    """.replace("CERT", "arn:aws:acm:us-east-1:111122223333:certificate/0000")
    assert _cli(session, "apply", write(body.replace("VERSION", "1")), "--yes") == 0
    path = write(body.replace("VERSION", "2"), "two.yaml")
    assert _cli(session, "apply", path, "--yes") == 0
    capsys.readouterr()
    assert _cli(session, "plan", path, "--detailed-exitcode") == 0


# --------------------------------------------------------------------------- new-user trial
# Cases a fresh trial found: each half-applied a run before it was caught at plan time.


def test_d_a_prefix_domain_another_pool_holds_is_refused_before_any_write(
    session: AwsSession, write: Write, capsys: pytest.CaptureFixture[str]
) -> None:
    """"Domain already associated with another user pool" came after CreateUserPool."""
    assert _cli(session, "apply", write(_pool("domain: {Domain: shared-login}", "first")),
                "--yes") == 0
    second = write(_pool("domain: {Domain: shared-login}", "second"), "second.yaml")
    before = _mark(session)
    assert _cli(session, "plan", second) == 3
    assert "already belongs to another user pool" in _output(capsys)
    assert _cli(session, "apply", second, "--yes") == 3
    assert _writes(session, before) == []


def test_d_a_client_attribute_the_pool_lacks_is_refused_before_any_write(
    session: AwsSession, write: Write, capsys: pytest.CaptureFixture[str]
) -> None:
    """"Invalid write attributes specified while creating a client" came after the pool
    was created; a bare name counts as much as a custom: one."""
    path = write(_pool("clients: {web: {WriteAttributes: [email, bogus2]}}"))
    before = _mark(session)
    assert _cli(session, "apply", path, "--yes") == 3
    assert "WriteAttributes names 'bogus2'" in _output(capsys)
    assert _writes(session, before) == []


def test_d_a_carried_scope_a_resource_server_loses_is_refused_before_any_write(
    session: AwsSession, write: Write, capsys: pytest.CaptureFixture[str]
) -> None:
    """The file stops listing scope write; client m2m does not write its scopes, so its
    live api/write is carried over: UpdateUserPoolClient would fail after
    UpdateResourceServer (ScopeDoesNotExistException), every run."""
    first = """
        resource_servers: {api: {Name: API, Scopes: [{ScopeName: read, ScopeDescription: r},
                                                     {ScopeName: write, ScopeDescription: w}]}}
        clients:
          m2m: {GenerateSecret: true, AllowedOAuthFlows: [client_credentials],
                AllowedOAuthScopes: [api/read, api/write], AllowedOAuthFlowsUserPoolClient: true}
    """
    assert _cli(session, "apply", write(_pool(first)), "--yes") == 0
    second = """
        resource_servers: {api: {Name: API, Scopes: [{ScopeName: read, ScopeDescription: r}]}}
        clients: {m2m: {GenerateSecret: true}}
    """
    path = write(_pool(second), "second.yaml")
    before = _mark(session)
    capsys.readouterr()
    assert _cli(session, "apply", path, "--yes") == 3
    assert "names OAuth scope 'api/write'" in _output(capsys)
    assert _writes(session, before) == []


def test_b_a_dev_custom_name_creates_the_developer_only_attribute(
    session: AwsSession, write: Write
) -> None:
    """dev:custom:X without DeveloperOnlyAttribute created custom:X, which no API
    removes, and every later apply failed."""
    path = write(_pool("settings: {Schema: [{Name: 'dev:custom:locale', "
                       "AttributeDataType: String}]}"))
    assert _cli(session, "apply", path, "--yes") == 0
    assert "dev:custom:locale" in _schema(session)
    assert "custom:locale" not in _schema(session)
    assert _cli(session, "plan", path, "--detailed-exitcode") == 0


def test_c_a_tier_lowered_below_a_live_managed_login_domain_is_refused(
    session: AwsSession, write: Write, capsys: pytest.CaptureFixture[str]
) -> None:
    """The file manages only the tier; the live domain serves managed login (version 2,
    ESSENTIALS or higher): lowering the tier to LITE cannot be applied."""
    assert _cli(session, "apply", write(_pool("""
        settings: {UserPoolTier: ESSENTIALS}
        domain: {Domain: tier-login, ManagedLoginVersion: 2}
    """)), "--yes") == 0
    path = write(_pool("settings: {UserPoolTier: LITE}"), "lite.yaml")
    before = _mark(session)
    capsys.readouterr()
    assert _cli(session, "plan", path) == 3
    assert "managed login (ManagedLoginVersion 2) needs UserPoolTier ESSENTIALS" in (
        _output(capsys))
    assert _writes(session, before) == []
