"""``poolsync iam-policy``: the policy grants every Cognito call each use makes, and
nothing it does not make.

The calls are not listed by hand: every plan, apply and drift path (the examples, and
one pool through creation, in-place updates of every kind of object, prune, a domain
replacement, a pool replacement, and creates whose responses are lost) runs through
the CLI on the stand-in, and ``BotoCognito.calls`` records what each use asked AWS.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from poolsync import iam
from poolsync.aws import AwsSession, RetryPolicy
from poolsync.cli import run
from poolsync.kinds import client_secret
from poolsync.standin import client_secrets as standin_secrets
from tests.conftest import EXAMPLES, REGION, LosingFirstResponse
from tests.conftest import boto_cognito as _cognito
from tests.conftest import cli as _cli

APPLE_KEY = "-----BEGIN PRIVATE KEY-----\nMIGTAgEAMBMGByqGSM49-iam\n-----END PRIVATE KEY-----"

V1 = """
    version: 1
    pools:
      app:
        region: eu-west-1
        settings:
          Schema: [{Name: tenant, AttributeDataType: String}]
          UserPoolTags: {team: identity}
          UserPoolTier: PLUS
          UserPoolAddOns: {AdvancedSecurityMode: AUDIT}
        mfa: {MfaConfiguration: OPTIONAL, SoftwareTokenMfaConfiguration: {Enabled: true}}
        domain: {Domain: iam-policy-e2e, ManagedLoginVersion: 1}
        identity_providers:
          Google:
            ProviderType: Google
            ProviderDetails:
              client_id: 123.apps.googleusercontent.com
              client_secret: ${env:GOOGLE_CLIENT_SECRET}
              authorize_scopes: openid email
            AttributeMapping: {email: email}
          SignInWithApple:
            ProviderType: SignInWithApple
            ProviderDetails:
              client_id: com.example.app
              team_id: TEAM123456
              key_id: KEY1234567
              private_key: ${env:APPLE_KEY}
              authorize_scopes: email name
        resource_servers:
          api: {Name: API, Scopes: [{ScopeName: read, ScopeDescription: Read}]}
        clients:
          web:
            SupportedIdentityProviders: [COGNITO, Google]
            CallbackURLs: [https://app.example.com/cb]
            AllowedOAuthFlows: [code]
            AllowedOAuthScopes: [openid, api/read]
            AllowedOAuthFlowsUserPoolClient: true
          backend: {GenerateSecret: true}
          spare: {}
        groups:
          admins: {Description: Admins, Precedence: 1}
          staff: {Description: Staff}
        terms:
          web:
            terms-of-use: {Links: {"cognito:default": "https://app.example.com/terms"}}
            privacy-policy: {Links: {"cognito:default": "https://app.example.com/privacy"}}
        log_delivery:
          userNotification:
            LogLevel: ERROR
            CloudWatchLogsConfiguration:
              LogGroupArn: arn:aws:logs:eu-west-1:123456789012:log-group:/aws/vendedlogs/app
        risk_configuration:
          ALL:
            CompromisedCredentialsRiskConfiguration: {Actions: {EventAction: BLOCK}}
          web:
            RiskExceptionConfiguration: {BlockedIPRangeList: [10.0.0.0/8]}
        ui_customization:
          ALL: {CSS: ".banner-customizable {padding: 10px;}", ImageFile: logo.png}
          web: {CSS: ".label-customizable {font-weight: 400;}"}
        client_secrets:
          backend: {value: given_backend_secret_value_iam1, overlap: 7d}
    """
# The hosted UI logo ui_customization sends (a PNG, by its signature), next to the files.
LOGO = b"\x89PNG\r\n\x1a\n" + b"iam-policy logo" * 8

# Managed login branding needs the domain's ManagedLoginVersion 2, which V2 sets: V2
# creates a style (with an image: TagResource records its digest), V3 updates it in
# place, V3_PRUNED removes a key (delete and create: UpdateManagedLoginBranding keeps
# what it is not sent), V4 creates it again in the new pool.
BRANDING = """\
        managed_login_branding:
          web:
            Settings:
              categories: {global: {colorSchemeMode: DARK}}
              components: {pageHeader: {backgroundColor: 000000ff}}
            Assets: [{Category: FORM_LOGO, ColorMode: LIGHT, Extension: SVG, File: logo.svg}]
"""
LOGO_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>'

# Every kind of object updated in place (the client secret is rotated by the clock:
# ``_clock``).
V2 = (V1.replace("UserPoolTags: {team: identity}", "UserPoolTags: {team: platform}")
      .replace("[{Name: tenant, AttributeDataType: String}]",
               "[{Name: tenant, AttributeDataType: String}, {Name: plan, AttributeDataType: String}]")
      .replace("mfa: {MfaConfiguration: OPTIONAL, SoftwareTokenMfaConfiguration: {Enabled: true}}",
               "mfa: {MfaConfiguration: 'OFF'}")
      .replace("ManagedLoginVersion: 1", "ManagedLoginVersion: 2")
      .replace("AttributeMapping: {email: email}", "AttributeMapping: {email: email, name: name}")
      .replace("ScopeDescription: Read", "ScopeDescription: Read it all")
      .replace("https://app.example.com/cb", "https://app.example.com/callback")
      .replace("Description: Admins", "Description: Administrators")
      .replace("log-group:/aws/vendedlogs/app", "log-group:/aws/vendedlogs/app-v2")
      .replace("BlockedIPRangeList: [10.0.0.0/8]", "BlockedIPRangeList: [10.0.0.0/8, 192.168.0.0/16]")
      .replace("https://app.example.com/terms", "https://app.example.com/terms-v2")
      .replace("        log_delivery:\n", BRANDING + "        log_delivery:\n")
      .replace("ImageFile: logo.png", "ImageFile: null"))  # UntagResource: the logo's tag

# Prune: one of each collection goes (and one terms document), and the domain is
# renamed (delete and create).
V3 = (V2.replace("          SignInWithApple:\n", "          Gone:\n", 1)
      .split("          Gone:\n")[0]
      + V2.split("              authorize_scopes: email name\n")[1])
V3 = (V3.replace("        resource_servers:\n", "        prune: true\n        resource_servers:\n")
      .replace("          spare: {}\n", "")
      .replace("          staff: {Description: Staff}\n", "")
      .replace("          api: {Name: API, Scopes: [{ScopeName: read, ScopeDescription: Read it all}]}\n",
               "          api: {Name: API, Scopes: [{ScopeName: read, ScopeDescription: Read it all}]}\n"
               "          other: {Name: Other}\n")
      .replace("iam-policy-e2e", "iam-policy-e2e-renamed")
      .replace('            privacy-policy: {Links: {"cognito:default": '
               '"https://app.example.com/privacy"}}\n', "")
      .replace("colorSchemeMode: DARK", "colorSchemeMode: LIGHT"))
V3_PRUNED = (V3.replace("          other: {Name: Other}\n", "")
             .replace("              components: {pageHeader: {backgroundColor: 000000ff}}\n",
                      ""))

# A create-only setting: the pool is replaced (after ListUsers finds it empty).
V4 = V3_PRUNED.replace("        settings:\n", "        settings:\n          UsernameAttributes: [email]\n")


class _Recorder:
    """Runs CLI commands and files each Cognito operation under the use that called it."""

    def __init__(self, session: AwsSession) -> None:
        self.session = session
        self.seen: dict[str, set[str]] = {"plan": set(), "apply": set(), "drift": set(),
                                          "export": set()}

    def __call__(self, *args: str, expect: int | tuple[int, ...] = 0) -> None:
        cognito = _cognito(self.session)
        before = len(cognito.calls)
        code = _cli(self.session, *args)
        assert code in (expect if isinstance(expect, tuple) else (expect,)), args
        use = args[0]
        self.seen[use] |= {c.operation for c in cognito.calls[before:]}


@pytest.fixture
def record(session: AwsSession, monkeypatch: pytest.MonkeyPatch) -> Iterator[_Recorder]:
    monkeypatch.setenv("APPLE_KEY", APPLE_KEY)
    _cognito(session).retry = RetryPolicy(sleep=lambda seconds: None)
    yield _Recorder(session)


_REAL_CLOCKS = (client_secret.now, standin_secrets.now)


def _clock(monkeypatch: pytest.MonkeyPatch, days: float) -> None:
    """Move the planner's and the stand-in's clocks (client secrets' ages) ``days`` on."""
    shift = datetime.timedelta(days=days)
    planner, standin = _REAL_CLOCKS
    monkeypatch.setattr(client_secret, "now", lambda: planner() + shift)
    monkeypatch.setattr(standin_secrets, "now", lambda: standin() + shift)


def _console(session: AwsSession, change: Callable[[Any, str], None]) -> None:
    boto: Any = _cognito(session)._boto()
    pool_id = boto.list_user_pools(MaxResults=10)["UserPools"][0]["Id"]
    change(boto, pool_id)


def _delete_pools(session: AwsSession, count: int | None = None) -> None:
    """Delete pools behind poolsync's back (domains first, as Cognito requires)."""
    boto: Any = _cognito(session)._boto()
    for summary in _cognito(session).list_user_pools()[:count]:
        pool = boto.describe_user_pool(UserPoolId=summary["Id"])["UserPool"]
        # UpdateUserPool resets what it is not sent: the auto-verified attributes stay,
        # or Cognito refuses the kept AttributesRequireVerificationBeforeUpdate.
        boto.update_user_pool(UserPoolId=pool["Id"], DeletionProtection="INACTIVE",
                              AutoVerifiedAttributes=pool.get("AutoVerifiedAttributes", []))
        for key in ("Domain", "CustomDomain"):
            if pool.get(key):
                boto.delete_user_pool_domain(UserPoolId=pool["Id"], Domain=pool[key])
        boto.delete_user_pool(UserPoolId=pool["Id"])


@pytest.fixture
def every_path(record: _Recorder, session: AwsSession, write: Callable[..., str],
               monkeypatch: pytest.MonkeyPatch) -> dict[str, set[str]]:
    """Run every plan, apply, drift and export path once; what each use called."""
    examples = str(EXAMPLES)
    record("plan", examples, expect=0)  # nothing exists yet
    record("apply", examples, "--yes")
    record("plan", examples, "--detailed-exitcode")
    record("drift", examples)
    _delete_pools(session, 1)
    record("drift", examples, expect=2)  # a pool missing
    _delete_pools(session)

    v1, v2, v3 = write(V1, "v1.yaml"), write(V2, "v2.yaml"), write(V3, "v3.yaml")
    write(LOGO_SVG, "logo.svg")
    (Path(v1).parent / "logo.png").write_bytes(LOGO)
    record("plan", v1, "--detailed-exitcode", expect=2)
    record("apply", v1, "--yes")  # creates everything (TagResource: Apple's key)
    record("plan", v1, "--detailed-exitcode")
    record("drift", v1)
    _console(session, lambda boto, pool_id: boto.create_group(UserPoolId=pool_id,
                                                              GroupName="console-made"))
    record("drift", v1, "--output", "json", expect=2)
    _clock(monkeypatch, 100)  # the client secret is due: AddUserPoolClientSecret
    record("plan", v2, "--detailed-exitcode", expect=2)
    record("apply", v2, "--yes")  # every kind of in-place update
    # A managed login style (V2's) read by drift; the console's group is unmanaged.
    record("drift", v2, expect=2)
    _clock(monkeypatch, 108)  # past the overlap: DeleteUserPoolClientSecret
    record("plan", v3, "--prune", "--output", "json", "--allow-replace", "app/domain",
           expect=0)
    record("apply", v3, "--yes", "--allow-replace", "app/domain")  # prune, domain replaced
    _clock(monkeypatch, 0)
    record("apply", write(V3_PRUNED, "v3-pruned.yaml"), "--yes",
           "--allow-replace", "app/managed_login_branding/web")
    record("export", "--region", REGION, "--all")
    record("export", "--region", REGION, "--name", "app")
    v4 = write(V4, "v4.yaml")
    record("plan", v4, expect=3)  # a replacement the command line does not allow
    record("apply", v4, "--yes", expect=3)  # refused: replacement not allowed
    record("apply", v4, "--yes", "--allow-replace", "app")  # ListUsers, then replace
    record("plan", v4, "--detailed-exitcode")

    # Creates whose responses are lost: the retries look each object up first.
    _delete_pools(session)
    cognito = _cognito(session)
    cognito._client = LosingFirstResponse(cognito._boto(), "create_", "add_custom_attributes")
    record("apply", v1, "--yes")
    assert len(cognito.list_user_pools()) == 1
    pinned = write(V1.replace("        region: eu-west-1\n", "        region: eu-west-1\n"
                              f"        id: {cognito.list_user_pools()[0]['Id']}\n"), "id.yaml")
    record("plan", pinned, "--detailed-exitcode")
    return record.seen


def _granted(use: str) -> set[str]:
    """The Cognito actions of ``poolsync iam-policy --for USE``, from the command's output."""
    code, document = _policy(use)
    assert code == 0
    actions = {a for s in document["Statement"] for a in s["Action"]}
    assert all(a.startswith("cognito-idp:") for a in actions)
    return {a.removeprefix("cognito-idp:") for a in actions}


def _policy(use: str) -> tuple[int, dict[str, Any]]:
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = run(["iam-policy", "--for", use])
    return code, json.loads(out.getvalue())


def test_the_policy_grants_every_call_and_nothing_more(
        every_path: dict[str, set[str]]) -> None:
    # A guard on the test itself: every write kind, the replacement's users check and
    # the look-ups before a retried create were really exercised.
    assert set(iam.WRITES) <= every_path["apply"]
    assert set(iam.APPLY_READS) <= every_path["apply"]
    for use, called in every_path.items():
        granted = _granted(use)
        assert called - granted == set(), f"iam-policy --for {use} lacks these"
        assert granted - called == set(), f"iam-policy --for {use} grants unused actions"


@pytest.mark.parametrize("use", ["plan", "apply", "drift", "export"])
def test_no_wildcard_action_and_reads_only_for_read_uses(use: str) -> None:
    code, document = _policy(use)
    assert code == 0
    assert document["Version"] == "2012-10-17"
    for statement in document["Statement"]:
        assert statement["Effect"] == "Allow"
        for action in statement["Action"]:
            assert "*" not in action and "?" not in action
        # "*" only for the actions that take no resource (the rest name user pools).
        operations = {a.removeprefix("cognito-idp:") for a in statement["Action"]}
        if statement["Resource"] == "*":
            assert operations <= iam.ACCOUNT_LEVEL
        else:
            assert statement["Resource"] == "arn:aws:cognito-idp:*:*:userpool/*"
            assert not operations & iam.ACCOUNT_LEVEL
    if use != "apply":
        writes = {op for op in _granted(use)
                  if not op.startswith(("List", "Describe", "Get"))}
        assert writes == set()


def test_every_action_is_a_cognito_operation() -> None:
    import botocore.session

    model = botocore.session.get_session().get_service_model("cognito-idp")
    known = set(model.operation_names)
    assert set(iam.operations("apply")) <= known


def test_the_default_is_the_apply_policy(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["iam-policy"]) == 0
    assert json.loads(capsys.readouterr().out) == iam.policy("apply")


def test_an_unknown_use_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["iam-policy", "--for", "destroy"]) == 1
    assert "--for" in capsys.readouterr().err

