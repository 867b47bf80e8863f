"""Recorded real Cognito responses (tests/fixtures/real-responses, see SOURCES.md) plan
clean against configs that state the same settings: the normaliser absorbs every quirk
real Cognito shows and moto does not."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from poolsync.config import load_config
from poolsync.model import Action
from poolsync.plan import LivePool, plan_pool
from tests.conftest import FIXTURES

RESPONSES = FIXTURES / "real-responses"
CONFIGS = FIXTURES / "real-configs"
MFA_OFF = {"MfaConfiguration": "OFF"}


def _user_pool(name: str) -> dict[str, Any]:
    data = json.loads((RESPONSES / f"{name}.json").read_text())
    data = data.get("data", data)  # placebo recordings wrap the response
    return dict(data["UserPool"])


def _plan(config: Path, pool: dict[str, Any], mfa: dict[str, Any]) -> Any:
    (cfg,) = load_config([str(config)], environ={}).pools
    return plan_pool(cfg, LivePool(pool, mfa))


@pytest.mark.parametrize(
    "name",
    [
        "describe_user_pool.aws-cli-example-2024",
        "describe_user_pool.aws-cli-example-2019",
        "create_user_pool.aws-api-model-example-2023",
    ],
)
def test_real_describe_plans_clean_against_a_matching_config(name: str) -> None:
    planned = _plan(CONFIGS / f"{name}.yaml", _user_pool(name), MFA_OFF)
    changes = [(o.address, c.path) for o in planned.objects for c in o.changes]
    assert changes == []
    assert all(o.action is Action.NOOP for o in planned.objects)


@pytest.mark.parametrize(
    "name",
    [
        "describe_user_pool.cloud-custodian-placebo-2017-08-a",
        "describe_user_pool.cloud-custodian-placebo-2017-08-b",
        "describe_user_pool.cloud-custodian-placebo-2017-11",
    ],
)
def test_old_pools_without_newer_fields_compare_as_defaults(name: str, tmp_path: Path) -> None:
    """2017 recordings lack DeletionProtection, UsernameConfiguration, UserPoolAddOns,
    AccountRecoverySetting and TemporaryPasswordValidityDays, and return
    ``EmailConfiguration: {}``: each compares as its default."""
    pool = _user_pool(name)
    config = tmp_path / "old.yaml"
    config.write_text(
        "version: 1\npools:\n  old:\n    region: us-east-1\n    settings:\n"
        "      DeletionProtection: INACTIVE\n"
        "      UsernameConfiguration: {CaseSensitive: true}\n"
        "      UserPoolAddOns: {AdvancedSecurityMode: 'OFF'}\n"
        "      EmailConfiguration: {EmailSendingAccount: COGNITO_DEFAULT}\n"
        "      Policies: {PasswordPolicy: {TemporaryPasswordValidityDays: 7,"
        f" MinimumLength: {pool['Policies']['PasswordPolicy']['MinimumLength']},"
        " RequireUppercase: "
        f"{str(pool['Policies']['PasswordPolicy']['RequireUppercase']).lower()},"
        " RequireLowercase: "
        f"{str(pool['Policies']['PasswordPolicy']['RequireLowercase']).lower()},"
        " RequireNumbers: "
        f"{str(pool['Policies']['PasswordPolicy']['RequireNumbers']).lower()},"
        " RequireSymbols: "
        f"{str(pool['Policies']['PasswordPolicy']['RequireSymbols']).lower()}}}}}\n"
    )
    planned = _plan(config, pool, MFA_OFF)
    assert [c.path for o in planned.objects for c in o.changes] == []


def test_real_mfa_response_plans_clean(tmp_path: Path) -> None:
    mfa = json.loads((RESPONSES / "get_user_pool_mfa_config.aws-cli-example-2025.json").read_text())
    config = tmp_path / "mfa.yaml"
    config.write_text(
        """version: 1
pools:
  MyUserPool:
    region: us-west-2
    settings:
      EmailConfiguration: {EmailSendingAccount: DEVELOPER,
                           SourceArn: "arn:aws:ses:us-west-2:123456789012:identity/a@example.com"}
    mfa:
      MfaConfiguration: OPTIONAL
      SoftwareTokenMfaConfiguration: {Enabled: true}
      SmsMfaConfiguration:
        SmsAuthenticationMessage: "Your OTP for MFA or sign-in: use {####}."
        SmsConfiguration:
          SnsCallerArn: arn:aws:iam::123456789012:role/service-role/my-SMS-Role
          ExternalId: a1b2c3d4-5678-90ab-cdef-EXAMPLE11111
          SnsRegion: us-west-2
      EmailMfaConfiguration:
        Message: "Your OTP for MFA or sign-in: use {####}"
        Subject: OTP test
      WebAuthnConfiguration: {RelyingPartyId: auth.example.com, UserVerification: preferred}
"""
    )
    pool = _user_pool("describe_user_pool.aws-cli-example-2024")
    pool["EmailConfiguration"] = {"EmailSendingAccount": "DEVELOPER",
                                  "SourceArn": "arn:aws:ses:us-west-2:123456789012:identity/a@example.com"}
    planned = _plan(config, pool, mfa)
    assert [(o.address, c.path) for o in planned.objects for c in o.changes] == []


def test_a_real_difference_is_still_found() -> None:
    """The clean plans above are not clean because nothing is compared."""
    name = "describe_user_pool.aws-cli-example-2024"
    pool = _user_pool(name)
    pool["Policies"]["PasswordPolicy"]["MinimumLength"] = 6
    pool["LambdaConfig"].pop("PreSignUp")
    pool["UserPoolTags"] = {"aws:cloudformation:stack-name": "ignored", "owner": "someone"}
    planned = _plan(CONFIGS / f"{name}.yaml", pool, MFA_OFF)
    paths = [c.path for o in planned.objects for c in o.changes]
    assert paths == [
        ("LambdaConfig", "PreSignUp"),
        ("Policies", "PasswordPolicy", "MinimumLength"),
        ("UserPoolTags", "owner"),  # and never the aws:* system tag
    ]
