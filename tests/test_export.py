"""``poolsync export``: live pools as YAML with only non-default settings, secrets as
``${env:...}`` placeholders, and an empty plan (README, "More": export)."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from moto import mock_aws

from poolsync import engine, standin
from poolsync.aws import AwsSession, BotoCognito
from poolsync.config import load_config
from poolsync.export import Export, export_pools, render_export
from poolsync.kinds.base import LiveChildren
from poolsync.kinds.client import export_client
from poolsync.kinds.identity_provider import (
    env_name,
    export_provider,
    fingerprint,
    private_key_location,
)
from poolsync.kinds.mfa import export_mfa
from poolsync.kinds.settings import (
    STANDARD_ATTRIBUTES,
    export_schema,
    export_settings,
    schema_from_live,
)
from poolsync.model import MISSING, Action, PoolPlan
from poolsync.plan import LivePool, plan_pool
from poolsync.schema import validate_document
from tests.conftest import EXAMPLE_SECRET, EXAMPLES, FIXTURES, REGION
from tests.conftest import cli as _cli

RESPONSES = FIXTURES / "real-responses"
MFA_OFF_FILE = "get_user_pool_mfa_config.mfa-off.cli-v2-transcript-2025-08"


def _response(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((RESPONSES / f"{name}.json").read_text())
    return data.get("data", data)  # placebo recordings wrap the response


def _user_pool(name: str) -> dict[str, Any]:
    return dict(_response(name)["UserPool"])


def _standard_schema() -> list[dict[str, Any]]:
    return [{"Name": n, **a} for n, a in STANDARD_ATTRIBUTES.items()]


def _load(text: str, tmp_path: Path, environ: Mapping[str, str]) -> Any:
    path = tmp_path / "exported.yaml"
    path.write_text(text)
    return load_config([str(path)], environ=environ)


def _not_noop(planned: PoolPlan) -> list[tuple[str, str, list[Any]]]:
    return [(o.address, o.action.value, [(c.path, c.before, c.after) for c in o.changes])
            for o in planned.objects if o.action is not Action.NOOP]


def _round_trip(exported: Export, lives: Mapping[str, LivePool], tmp_path: Path,
                environ: Mapping[str, str]) -> None:
    """The acceptance test: a valid config whose plan against the same pools is empty."""
    assert validate_document(exported.document) == []
    config = _load(render_export(exported), tmp_path, environ)
    assert sorted(p.name for p in config.pools) == sorted(lives)
    for pool in config.pools:
        planned = plan_pool(pool, lives[pool.name])
        assert _not_noop(planned) == []
        assert not any(o.unmanaged for o in planned.objects)


# --------------------------------------------------------------------------- pure: pieces


def test_env_names_are_upper_snake_case_after_their_place() -> None:
    assert env_name("customers-prod", "Google", "client_secret") == (
        "CUSTOMERS_PROD_GOOGLE_CLIENT_SECRET")
    assert env_name("my.pool 2", "Corp-SSO", "private_key") == "MY_POOL_2_CORP_SSO_PRIVATE_KEY"
    assert env_name("1st", "Google", "client_secret") == "_1ST_GOOGLE_CLIENT_SECRET"


def test_a_pool_at_cognito_defaults_exports_no_settings() -> None:
    pool = {"Id": "eu-west-1_x", "Name": "plain", "SchemaAttributes": _standard_schema(),
            "UserPoolTags": {"aws:cloudformation:stack-name": "s", "poolsync:fp": "x"},
            "LambdaConfig": {}, "EmailConfiguration": {}, "MfaConfiguration": "OFF",
            "EstimatedNumberOfUsers": 3, "AliasAttributes": [],
            "Policies": {"PasswordPolicy": {"MinimumLength": 8, "RequireUppercase": True,
                                            "RequireLowercase": True, "RequireNumbers": True,
                                            "RequireSymbols": True,
                                            "TemporaryPasswordValidityDays": 7}},
            "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": False,
                                      "UnusedAccountValidityDays": 7},
            "EmailVerificationMessage": "Your verification code is {####}. ",
            "UserPoolTier": "ESSENTIALS"}
    assert export_settings(pool) == {}
    assert export_mfa({"MfaConfiguration": "OFF"}) is None
    assert export_mfa({"MfaConfiguration": "OFF",
                       "SoftwareTokenMfaConfiguration": {"Enabled": False}}) is None


def test_only_the_non_default_fields_of_a_member_are_written() -> None:
    pool = {"Policies": {"PasswordPolicy": {"MinimumLength": 12, "RequireUppercase": True,
                                            "RequireLowercase": True, "RequireNumbers": True,
                                            "RequireSymbols": False,
                                            "TemporaryPasswordValidityDays": 7}},
            "UserPoolTags": {"team": "identity", "aws:cloudformation:stack-id": "x"},
            "LambdaConfig": {"PreTokenGeneration": "arn:aws:lambda:eu-west-1:1:function:f"}}
    assert export_settings(pool) == {
        "LambdaConfig": {"PreTokenGenerationConfig": {
            "LambdaArn": "arn:aws:lambda:eu-west-1:1:function:f", "LambdaVersion": "V1_0"}},
        "Policies": {"PasswordPolicy": {"MinimumLength": 12, "RequireSymbols": False}},
        "UserPoolTags": {"team": "identity"},
    }


def test_schema_writes_changed_standard_and_every_custom_attribute_with_its_prefix() -> None:
    live = [*_standard_schema(),
            {"Name": "identities", "AttributeDataType": "String", "Mutable": True,
             "Required": False, "DeveloperOnlyAttribute": False,
             "StringAttributeConstraints": {}},
            {"Name": "custom:tenant", "AttributeDataType": "String", "Mutable": False,
             "Required": False, "DeveloperOnlyAttribute": False,
             "StringAttributeConstraints": {"MinLength": "1", "MaxLength": "64"}},
            {"Name": "custom:plan", "AttributeDataType": "String", "Mutable": True,
             "Required": False, "DeveloperOnlyAttribute": False,
             "StringAttributeConstraints": {"MaxLength": "2048"}},
            {"Name": "dev:custom:score", "AttributeDataType": "Number", "Mutable": True,
             "Required": False, "DeveloperOnlyAttribute": True,
             "NumberAttributeConstraints": {"MaxValue": "99", "MinValue": "1"}}]
    live[10] = {**live[10], "Required": True}  # email
    assert [a["Name"] for a in live[:11]][-1] == "email"
    assert export_schema(schema_from_live(live)) == [
        {"Name": "email", "AttributeDataType": "String", "Required": True},
        {"Name": "custom:tenant", "AttributeDataType": "String", "Mutable": False,
         "StringAttributeConstraints": {"MinLength": 1, "MaxLength": 64}},
        {"Name": "custom:plan", "AttributeDataType": "String", "Mutable": True},
        {"Name": "custom:score", "AttributeDataType": "Number", "DeveloperOnlyAttribute": True,
         "Mutable": True, "NumberAttributeConstraints": {"MinValue": 1, "MaxValue": 99}},
    ]


def test_a_client_never_carries_its_secret_and_states_token_units() -> None:
    client = _response("create_user_pool_client.aws-cli-example-2024")["UserPoolClient"]
    out = export_client(client)
    assert "ClientSecret" not in out and out["GenerateSecret"] is True
    # 60 minutes is the 1-hour default: left out. 10 days is not, and says its unit.
    assert "AccessTokenValidity" not in out and "IdTokenValidity" not in out
    assert out["RefreshTokenValidity"] == 10
    assert out["TokenValidityUnits"] == {"RefreshToken": "days"}
    assert out["AuthSessionValidity"] == 4
    # The service-linked role Cognito fills in next to an ApplicationArn is not written.
    assert "RoleArn" not in out["AnalyticsConfiguration"]
    assert not {"ClientId", "UserPoolId", "ClientName", "CreationDate"} & out.keys()


def test_provider_secrets_become_placeholders_and_added_keys_are_left_out() -> None:
    google = {"ProviderName": "Google", "ProviderType": "Google",
              **_response("describe_identity_provider.google.provider-details-only"
                          ".botocore-1.43.11-model-doc"),
              "AttributeMapping": {"username": "sub", "email": "email"}}
    out = export_provider("customers-prod", "Google", google)
    assert out == {
        "ProviderType": "Google",
        "ProviderDetails": {
            "authorize_scopes": "email openid profile",
            "client_id": "1example23456789.apps.googleusercontent.com",
            "client_secret": "${env:CUSTOMERS_PROD_GOOGLE_CLIENT_SECRET}",
        },
        "AttributeMapping": {"email": "email"},
    }


def test_apple_private_key_is_a_placeholder_although_cognito_never_returns_it() -> None:
    apple = {"ProviderName": "SignInWithApple", "ProviderType": "SignInWithApple",
             **_response("describe_identity_provider.signinwithapple.provider-details-only"
                         ".botocore-1.43.11-model-doc")}
    details = export_provider("p", "SignInWithApple", apple)["ProviderDetails"]
    assert details["private_key"] == "${env:P_SIGNINWITHAPPLE_PRIVATE_KEY}"
    assert "oidc_issuer" not in details and "authorize_url" not in details


def test_saml_flags_are_kept_unless_at_the_value_cognito_fills_in() -> None:
    on = _response("create_identity_provider.saml-metadata-url.aws-cli-example-2024")
    off = _response("get_identity_provider_by_identifier.saml.aws-cli-example-2025")
    on_details = export_provider("p", "MySAML", on["IdentityProvider"])["ProviderDetails"]
    off_details = export_provider("p", "MYSAML", off["IdentityProvider"])["ProviderDetails"]
    assert on_details == {"EncryptedResponses": "true", "IDPInit": "true", "IDPSignout": "true",
                          "MetadataURL": "https://auth.example.com/sso/saml/metadata",
                          "RequestSigningAlgorithm": "rsa-sha256"}
    assert off_details == {"MetadataURL": "https://auth.example.com/saml/metadata/"}


def test_pools_sharing_a_name_are_left_out_with_a_note() -> None:
    pools = [LivePool({"Id": i, "Name": n}, {"MfaConfiguration": "OFF"})
             for i, n in (("r_1", "twin"), ("r_2", "twin"), ("r_3", "solo"))]
    exported = export_pools(pools, "eu-west-1")
    assert list(exported.document["pools"]) == ["solo"]
    assert exported.notes == ("not exported: 2 pools are named 'twin' in eu-west-1 (r_1, r_2); "
                              "poolsync names a pool by region and name, so rename all but "
                              "one first",)


def test_federation_groups_are_not_exported_and_ids_are_pinned_on_request() -> None:
    """Cognito's own group of a provider is not exported; an ordinary group named like
    one, with no such provider, is."""
    groups = {"eu-west-1_x_Google": {"GroupName": "eu-west-1_x_Google"},
              "eu-west-1_x_Okta": {"GroupName": "eu-west-1_x_Okta", "Description": "ops"},
              "admins": {"GroupName": "admins", "Precedence": 1, "UserPoolId": "eu-west-1_x"}}
    google = {"Google": {"ProviderName": "Google", "ProviderType": "Google",
                         "ProviderDetails": {"client_id": "1", "client_secret": "2",
                                             "authorize_scopes": "openid"}}}
    live = LivePool({"Id": "eu-west-1_x", "Name": "p"}, {"MfaConfiguration": "OFF"},
                    LiveChildren(groups=groups, providers=google))
    body = export_pools([live], "eu-west-1", pin_ids=True).document["pools"]["p"]
    assert body["id"] == "eu-west-1_x"
    assert body["groups"] == {"admins": {"Precedence": 1},
                              "eu-west-1_x_Okta": {"Description": "ops"}}


# --------------------------------------------------------------------------- real responses


@pytest.mark.parametrize(
    "name",
    [
        "describe_user_pool.aws-cli-example-2019",
        "describe_user_pool.aws-cli-example-2024",
        "create_user_pool.aws-api-model-example-2023",
        "describe_user_pool.cloud-custodian-placebo-2017-08-a",
        "describe_user_pool.cloud-custodian-placebo-2017-08-b",
        "describe_user_pool.cloud-custodian-placebo-2017-11",
    ],
)
def test_real_describe_responses_export_to_a_config_that_plans_clean(
    name: str, tmp_path: Path
) -> None:
    """Every recorded DescribeUserPool, with the real MFA-off response: export, load the
    YAML, plan against the same response: all no-op.

    The 2023 example carries a transcription slip ("phone_number_verifie", SOURCES.md).
    It round-trips all the same: the unknown name is exported as what Cognito would call
    it, a custom Boolean attribute, and phone_number_verified compares at its default."""
    pool = _user_pool(name)
    live = LivePool(pool, _response(MFA_OFF_FILE))
    exported = export_pools([live], "us-east-1")
    assert "mfa" not in exported.document["pools"][pool["Name"]]
    _round_trip(exported, {pool["Name"]: live}, tmp_path, {})


def test_the_2024_example_writes_what_the_pool_says_and_nothing_at_default() -> None:
    settings = export_settings(_user_pool("describe_user_pool.aws-cli-example-2024"))
    # A pool read without a tier (from before feature plans): none is written.
    assert "UserPoolTier" not in settings
    assert settings["Policies"] == {"PasswordPolicy": {"TemporaryPasswordValidityDays": 1}}
    assert "PreTokenGeneration" not in settings["LambdaConfig"]  # mirrored legacy field
    assert "UserPoolTags" not in settings and "UsernameConfiguration" not in settings
    assert [a["Name"] for a in settings["Schema"]] == [
        "email", "custom:111", "custom:222", "custom:accesstoken", "custom:idtoken"]


def test_a_console_added_custom_locale_is_exported_as_the_custom_attribute() -> None:
    """custom:locale is not the standard locale: export keeps the namespace, and a live
    standard attribute poolsync does not know is Cognito's, not written."""
    live = [*_standard_schema(),
            {"Name": "custom:locale", "AttributeDataType": "String", "Mutable": True,
             "Required": False, "DeveloperOnlyAttribute": False,
             "StringAttributeConstraints": {"MaxLength": "2048"}},
            {"Name": "new_standard", "AttributeDataType": "String", "Mutable": True,
             "Required": False, "DeveloperOnlyAttribute": False}]
    assert export_schema(schema_from_live(live)) == [
        {"Name": "custom:locale", "AttributeDataType": "String", "Mutable": True}]


def _real_children() -> LiveChildren:
    """The recorded sub-resource responses, gathered into one pool."""

    def details(kind: str) -> dict[str, Any]:
        fragment = _response(f"describe_identity_provider.{kind}.provider-details-only"
                             ".botocore-1.43.11-model-doc")
        return dict(fragment["ProviderDetails"])

    providers: dict[str, dict[str, Any]] = {
        "Google": {"ProviderName": "Google", "ProviderType": "Google",
                   "ProviderDetails": details("google"),
                   "AttributeMapping": {"username": "sub", "email": "email"}},
        "Facebook": {"ProviderName": "Facebook", "ProviderType": "Facebook",
                     "ProviderDetails": details("facebook"), "IdpIdentifiers": []},
        "LoginWithAmazon": {"ProviderName": "LoginWithAmazon",
                            "ProviderType": "LoginWithAmazon",
                            "ProviderDetails": details("loginwithamazon")},
        "SignInWithApple": {"ProviderName": "SignInWithApple",
                            "ProviderType": "SignInWithApple",
                            "ProviderDetails": details("signinwithapple")},
        "MyOIDC": {"ProviderName": "MyOIDC", "ProviderType": "OIDC",
                   "ProviderDetails": details("oidc")},
        "SAMLFile": {"ProviderName": "SAMLFile", "ProviderType": "SAML",
                     "ProviderDetails": details("saml")},
    }
    for name in ("create_identity_provider.saml-metadata-url.aws-cli-example-2024",
                 "create_identity_provider.saml-metadata-file.aws-cli-example-2024",
                 "get_identity_provider_by_identifier.saml.aws-cli-example-2025"):
        provider = _response(name)["IdentityProvider"]
        providers[provider["ProviderName"]] = provider
    clients = {}
    for name in ("describe_user_pool_client.aws-cli-example-2019",
                 "describe_user_pool_client.cli-v2-transcript-2025-08",
                 "create_user_pool_client.aws-cli-example-2024"):
        client = _response(name)["UserPoolClient"]
        # Distinct stand-ins for the redacted secrets ("CLIENT_SECRET" in 2019), so the
        # test can look for them in the output.
        client["ClientSecret"] = f"sEcReT-client-{client['ClientName']}"
        clients[client["ClientName"]] = client
    for provider in providers.values():
        if "client_secret" in provider["ProviderDetails"]:
            provider["ProviderDetails"]["client_secret"] = f"sEcReT-idp-{provider['ProviderName']}"
    domain = _response("describe_user_pool_domain.aws-cli-example-2019")["DomainDescription"]
    return LiveChildren(
        clients=clients,
        providers=providers,
        domains=(domain,),
        groups={"admins": {"GroupName": "admins", "Description": "Admins", "Precedence": 1,
                           "UserPoolId": "us-west-2_EXAMPLE"},
                "us-west-2_EXAMPLE_Google": {"GroupName": "us-west-2_EXAMPLE_Google"}},
        resource_servers={"solar-system-data": {
            "UserPoolId": "us-west-2_EXAMPLE", "Identifier": "solar-system-data",
            "Name": "Solar system", "Scopes": [{"ScopeName": "asteroids.add",
                                                "ScopeDescription": "Add asteroids"}]}},
        pool_arn="arn:aws:cognito-idp:us-west-2:123456789012:userpool/us-west-2_EXAMPLE",
    )


def _secret_values(children: LiveChildren) -> set[str]:
    found = {str(c["ClientSecret"]) for c in (children.clients or {}).values()}
    for provider in (children.providers or {}).values():
        found |= {str(v) for k, v in provider["ProviderDetails"].items()
                  if k in ("client_secret", "private_key")}
    return found


def test_a_real_pool_with_every_kind_of_sub_resource_and_mfa_round_trips(
    tmp_path: Path,
) -> None:
    """The 2024 pool with the real MFA response (SMS, TOTP, email, passkeys) and every
    recorded provider, client and domain response, placeholders set to the values
    Cognito holds: plan of the export manages everything and changes nothing, except
    Apple's write-only key, which a pool adopted from outside poolsync gets once."""
    pool = _user_pool("describe_user_pool.aws-cli-example-2024")
    children = _real_children()
    # The recorded client (another pool's) reads and writes two custom attributes: this
    # pool has them too, or Cognito would refuse the client (and so does the plan).
    pool["SchemaAttributes"] += [
        {"Name": f"custom:CustomAttr{i}", "AttributeDataType": "String",
         "DeveloperOnlyAttribute": False, "Mutable": True, "Required": False,
         "StringAttributeConstraints": {"MaxLength": "2048"}} for i in (1, 2)]
    live = LivePool(pool, _response("get_user_pool_mfa_config.aws-cli-example-2025"), children)
    exported = export_pools([live], "us-west-2")
    body = exported.document["pools"]["MyUserPool"]
    assert set(body) == {"region", "settings", "mfa", "clients", "identity_providers",
                         "domain", "groups", "resource_servers"}
    assert body["mfa"]["MfaConfiguration"] == "OPTIONAL"
    assert body["groups"] == {"admins": {"Description": "Admins", "Precedence": 1}}
    environ = {}
    for variable in exported.variables:
        provider, key = variable.path[3], variable.path[5]
        details = children.providers[provider]["ProviderDetails"]  # type: ignore[index]
        environ[variable.name] = details.get(key, "a-new-apple-key")
    assert sorted(environ) == [
        "MYUSERPOOL_FACEBOOK_CLIENT_SECRET", "MYUSERPOOL_GOOGLE_CLIENT_SECRET",
        "MYUSERPOOL_LOGINWITHAMAZON_CLIENT_SECRET", "MYUSERPOOL_MYOIDC_CLIENT_SECRET",
        "MYUSERPOOL_SIGNINWITHAPPLE_PRIVATE_KEY"]
    text = render_export(exported)
    for secret in _secret_values(children):
        assert secret not in text
    assert exported.withheld == _secret_values(children)
    config = _load(text, tmp_path, environ)
    assert validate_document(exported.document) == []
    planned = plan_pool(config.pools[0], live)
    # Apple's key is write-only: a pool never given one through poolsync has no
    # fingerprint of it, so the first plan sends it once (and records the fingerprint).
    # Nothing else differs.
    assert _not_noop(planned) == [
        ("MyUserPool/identity_providers/SignInWithApple", "update",
         [(("ProviderDetails", "private_key"), MISSING, "(new)")]),
    ]
    assert not any(o.unmanaged for o in planned.objects)
    # Once poolsync has sent the key (and tagged the pool with its fingerprint): empty.
    where = private_key_location("MyUserPool/identity_providers/SignInWithApple")
    tag = {"poolsync:private_key:SignInWithApple": fingerprint("a-new-apple-key", where)}
    sent = replace(live, children=replace(children, fingerprints=tag))
    assert _not_noop(plan_pool(config.pools[0], sent)) == []


# --------------------------------------------------------------------------- stand-in, CLI


def _client_secrets(session: AwsSession) -> set[str]:
    cognito = session.cognito(REGION)
    secrets = set()
    for summary in cognito.list_user_pools():
        for client in cognito.list_clients(str(summary["Id"])):
            described = cognito.describe_client(str(summary["Id"]), str(client["ClientId"]))
            if described.get("ClientSecret"):
                secrets.add(str(described["ClientSecret"]))
    return secrets


def test_every_example_exports_and_plans_clean_on_the_stand_in(
    session: AwsSession, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for example in sorted(EXAMPLES.glob("*.yaml")):
        assert _cli(session, "apply", str(example), "--yes") == 0
    capsys.readouterr()
    out = tmp_path / "exported.yaml"
    assert _cli(session, "export", "--region", REGION, "--all", "--out", str(out)) == 0
    printed = capsys.readouterr()
    text = out.read_text()
    for secret in {EXAMPLE_SECRET, *_client_secrets(session)}:
        assert secret not in text + printed.out + printed.err
    assert "STOREFRONT_DEMO_GOOGLE_CLIENT_SECRET  (pools.storefront-demo.identity_providers" \
        ".Google.ProviderDetails.client_secret)" in printed.err
    assert "client_secret: ${env:STOREFRONT_DEMO_GOOGLE_CLIENT_SECRET}" in text
    config = load_config([str(out)])  # validate mode: the schema and every rule
    assert sorted(p.name for p in config.pools) == ["customers-demo", "staff-demo",
                                                    "storefront-demo"]
    backend = config.pools[2].clients["backend"]  # type: ignore[index]
    assert backend["GenerateSecret"] is True and "ClientSecret" not in backend
    assert _cli(session, "plan", str(out), "--detailed-exitcode") == 1  # variable not set
    monkeypatch.setenv("STOREFRONT_DEMO_GOOGLE_CLIENT_SECRET", EXAMPLE_SECRET)
    capsys.readouterr()
    assert _cli(session, "plan", str(out), "--detailed-exitcode") == 0, capsys.readouterr().out


APPLE = """
    version: 1
    pools:
      apple-pool:
        region: eu-west-1
        identity_providers:
          SignInWithApple:
            ProviderType: SignInWithApple
            ProviderDetails:
              client_id: com.example.app
              team_id: TEAM123456
              key_id: KEY1234567
              private_key: ${env:APPLE_KEY}
              authorize_scopes: email name
            AttributeMapping: {email: email}
        clients:
          app:
            SupportedIdentityProviders: [SignInWithApple]
            GenerateSecret: true
            RefreshTokenValidity: 90
            AccessTokenValidity: 2
            TokenValidityUnits: {AccessToken: hours}
    """
APPLE_KEY = "-----BEGIN PRIVATE KEY-----\nMIGTAgEAexample\n-----END PRIVATE KEY-----"


def test_one_pool_by_name_to_stdout_with_the_apple_key_as_a_placeholder(
    session: AwsSession, write: Any, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
) -> None:
    monkeypatch.setenv("APPLE_KEY", APPLE_KEY)
    assert _cli(session, "apply", write(APPLE), "--yes") == 0
    capsys.readouterr()
    assert _cli(session, "export", "--region", REGION, "--name", "apple-pool") == 0
    printed = capsys.readouterr()
    assert "private_key: ${env:APPLE_POOL_SIGNINWITHAPPLE_PRIVATE_KEY}" in printed.out
    assert "APPLE_POOL_SIGNINWITHAPPLE_PRIVATE_KEY" in printed.err
    assert "MIGTAgEAexample" not in printed.out + printed.err
    assert "AccessTokenValidity: 2\n" in printed.out
    out = tmp_path / "apple.yaml"
    out.write_text(printed.out)
    monkeypatch.setenv("APPLE_POOL_SIGNINWITHAPPLE_PRIVATE_KEY", APPLE_KEY)
    assert _cli(session, "plan", str(out), "--detailed-exitcode") == 0
    # A different key is a change poolsync can see (the fingerprint it recorded).
    monkeypatch.setenv("APPLE_POOL_SIGNINWITHAPPLE_PRIVATE_KEY", APPLE_KEY + "rotated")
    assert _cli(session, "plan", str(out), "--detailed-exitcode") == 2


def test_export_by_pool_id_and_usage_errors(
    session: AwsSession, write: Any, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert _cli(session, "apply", write(APPLE.replace("${env:APPLE_KEY}", "k")), "--yes") == 0
    (summary,) = session.cognito(REGION).list_user_pools()
    capsys.readouterr()
    assert _cli(session, "export", "--region", REGION, "--pool-id", str(summary["Id"]),
                "--pin-ids") == 0
    assert f"id: {summary['Id']}" in capsys.readouterr().out
    assert _cli(session, "export", "--region", REGION) == 1
    assert "exactly one of --pool-id, --name or --all" in capsys.readouterr().err
    with monkeypatch.context() as env:  # no region from anywhere (conftest sets this one)
        env.delenv("AWS_DEFAULT_REGION")
        assert _cli(session, "export", "--all") == 1
    assert "export needs a region: --region" in capsys.readouterr().err
    assert _cli(session, "export", "--region", REGION, "--name", "nope") == 1
    assert "no pool named 'nope' in eu-west-1" in capsys.readouterr().err
    assert _cli(session, "export", "--region", REGION, "--pool-id", "eu-west-1_nope") == 1
    assert "no pool with id eu-west-1_nope" in capsys.readouterr().err


def test_export_only_reads(session: AwsSession, write: Any) -> None:
    assert _cli(session, "apply", write(APPLE.replace("${env:APPLE_KEY}", "k")), "--yes") == 0
    cognito = session.cognito(REGION)
    assert isinstance(cognito, BotoCognito)
    cognito.calls.clear()
    assert _cli(session, "export", "--region", REGION, "--all") == 0
    assert cognito.calls
    assert all(c.operation.startswith(("List", "Describe", "Get")) for c in cognito.calls)


# --------------------------------------------------------------------------- property


_SETTINGS = st.fixed_dictionaries(
    {},
    optional={
        "Policies": st.fixed_dictionaries({"PasswordPolicy": st.fixed_dictionaries(
            {}, optional={
                "MinimumLength": st.integers(6, 20),
                "RequireSymbols": st.booleans(),
                "RequireNumbers": st.booleans(),
                "TemporaryPasswordValidityDays": st.integers(1, 30),
                "PasswordHistorySize": st.integers(0, 5),
            })}),
        "DeletionProtection": st.sampled_from(["ACTIVE", "INACTIVE"]),
        "AutoVerifiedAttributes": st.lists(st.sampled_from(["email", "phone_number"]),
                                           unique=True, max_size=1),
        "AdminCreateUserConfig": st.fixed_dictionaries(
            {"AllowAdminCreateUserOnly": st.booleans()}),
        "UserPoolTags": st.dictionaries(st.sampled_from(["team", "env", "cost"]),
                                        st.sampled_from(["a", "b-1", "x y"]), max_size=2),
        "UsernameConfiguration": st.fixed_dictionaries({"CaseSensitive": st.booleans()}),
        "Schema": st.lists(st.sampled_from([
            {"Name": "tenant", "AttributeDataType": "String", "Mutable": False,
             "StringAttributeConstraints": {"MinLength": 1, "MaxLength": 64}},
            {"Name": "email", "AttributeDataType": "String", "Required": True,
             "Mutable": True},
            {"Name": "seats", "AttributeDataType": "Number", "Mutable": True},
        ]), unique_by=lambda a: a["Name"], min_size=1, max_size=2),
    },
)
_MFA = st.sampled_from([
    None,
    {"MfaConfiguration": "OFF"},
    {"MfaConfiguration": "OPTIONAL", "SoftwareTokenMfaConfiguration": {"Enabled": True}},
])


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pool_settings=_SETTINGS, mfa=_MFA)
def test_property_apply_then_export_plans_clean(
    pool_settings: dict[str, Any], mfa: dict[str, Any] | None, tmp_path: Path
) -> None:
    from poolsync.yamlio import dump_yaml

    body: dict[str, Any] = {"region": REGION, "settings": pool_settings}
    if mfa is not None:
        body["mfa"] = mfa
    path = tmp_path / "generated.yaml"
    path.write_text(dump_yaml({"version": 1, "pools": {"generated": body}}))
    with standin.installed(), mock_aws():
        session = AwsSession(share=None)  # unpaced, as the conftest session
        assert _cli(session, "apply", str(path), "--yes") == 0
        exported = export_pools(engine.read_for_export(session, REGION), REGION)
        assert validate_document(exported.document) == []
        out = tmp_path / "exported.yaml"
        out.write_text(render_export(exported))
        planned = engine.plan(load_config([str(out)], environ=os.environ), session)
    assert [(o.address, [c.path for c in o.changes]) for o in planned.objects
            if o.action is not Action.NOOP] == []


def test_select_keeps_one_part_and_only_its_variables() -> None:
    from poolsync.export import Export, Variable, select

    document = {"version": 1, "pools": {"app": {
        "region": "eu-west-1", "settings": {"DeletionProtection": "ACTIVE"},
        "identity_providers": {"Google": {"ProviderType": "Google"},
                               "Okta": {"ProviderType": "OIDC"}}}}}
    google = Variable("APP_GOOGLE_CLIENT_SECRET",
                      ("pools", "app", "identity_providers", "Google", "ProviderDetails",
                       "client_secret"))
    okta = Variable("APP_OKTA_CLIENT_SECRET",
                    ("pools", "app", "identity_providers", "Okta", "ProviderDetails",
                     "client_secret"))
    chosen = select(Export(document, (google, okta)), "identity_providers/Google")
    assert chosen.document["pools"] == {"app": {
        "region": "eu-west-1", "identity_providers": {"Google": {"ProviderType": "Google"}}}}
    assert chosen.variables == (google,)
    assert select(Export(document), "settings").document["pools"]["app"] == {
        "region": "eu-west-1", "settings": {"DeletionProtection": "ACTIVE"}}
    with pytest.raises(ValueError):
        select(Export(document), "settings/x")
