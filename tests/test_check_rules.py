"""``poolsync check``'s rules one by one (src/poolsync/check/rules.py): each passes on
tests/fixtures/check/hardened.yaml (every rule passes there, baseline and strict) and
fails on the same pool with one line changed, at the exact file:line:col of the key
that decides it (or, for a key the file leaves out, of the nearest key it writes)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from poolsync.check.model import DEFAULT, WRITTEN, Severity
from poolsync.check.rules import (
    ALL_RULES,
    PROFILES,
    RULES,
    compromised_credentials_blocked,
    redirect_urls_https,
)
from poolsync.check.run import check_files
from poolsync.check.views import PoolView
from poolsync.config import load_config

HARDENED = Path(__file__).parent / "fixtures" / "check" / "hardened.yaml"
TODAY = date(2030, 1, 1)


def _check(text: str, tmp_path: Path, profile: str = "baseline") -> list[tuple[str, str, str]]:
    """(rule id, line:col, source) of every finding for the pool ``text``."""
    path = tmp_path / "pool.yaml"
    path.write_text(text)
    report = check_files(load_config([str(path)]), PROFILES[profile], Severity.HIGH, TODAY)
    return [(f.rule.id, f"{f.location.line}:{f.location.column}" if f.location else "",
             f.source) for f in report.findings]


def _patched(old: str, new: str) -> str:
    text = HARDENED.read_text()
    assert text.count(old) == 1, old
    return text.replace(old, new)


@pytest.mark.parametrize("profile", ["baseline", "strict"])
def test_the_hardened_pool_passes_every_rule(tmp_path: Path, profile: str) -> None:
    assert _check(HARDENED.read_text(), tmp_path, profile) == []


# (rule, profile, the line as in hardened.yaml, the line that breaks the rule,
#  where the finding is, whether the deciding value is written or Cognito's default)
CASES = [
    ("PS-COG-001", "baseline", "AdvancedSecurityMode: ENFORCED",
     "AdvancedSecurityMode: AUDIT", "11:9", WRITTEN),
    ("PS-COG-002", "strict", "        AdvancedSecurityAdditionalFlows: {CustomAuthMode: ENFORCED}\n",
     "", "10:7", DEFAULT),  # not written: at UserPoolAddOns, the nearest key written
    ("PS-COG-002", "baseline", "{CustomAuthMode: ENFORCED}",
     "{CustomAuthMode: AUDIT}\n      LambdaConfig: {DefineAuthChallenge: "
     "'arn:aws:lambda:eu-west-1:123456789012:function:define'}", "12:43", WRITTEN),
    ("PS-COG-003", "baseline", "MinimumLength: 14", "MinimumLength: 7", "15:11", WRITTEN),
    ("PS-COG-003", "strict", "MinimumLength: 14", "MinimumLength: 12", "15:11", WRITTEN),
    ("PS-COG-004", "baseline", "TemporaryPasswordValidityDays: 7",
     "TemporaryPasswordValidityDays: 7\n          RequireUppercase: false", "17:11", WRITTEN),
    ("PS-COG-005", "baseline", "TemporaryPasswordValidityDays: 7",
     "TemporaryPasswordValidityDays: 8", "16:11", WRITTEN),
    ("PS-COG-006", "baseline",
     '"ON"\n      SoftwareTokenMfaConfiguration: {Enabled: true}', "'OFF'", "20:7", WRITTEN),
    ("PS-COG-006", "strict", 'MfaConfiguration: "ON"', "MfaConfiguration: OPTIONAL", "20:7",
     WRITTEN),
    ("PS-COG-006", "baseline",
     '    mfa:\n      MfaConfiguration: "ON"\n      SoftwareTokenMfaConfiguration: '
     '{Enabled: true}\n', "", "6:3", DEFAULT),  # no mfa: OFF, at the pool's line
    ("PS-COG-007", "baseline", "      DeletionProtection: ACTIVE\n", "", "7:5", DEFAULT),
    ("PS-COG-007", "baseline", "DeletionProtection: ACTIVE", "DeletionProtection: INACTIVE",
     "9:7", WRITTEN),
    ("PS-COG-008", "baseline", "        PreventUserExistenceErrors: ENABLED\n", "", "23:7",
     DEFAULT),
    ("PS-COG-009", "baseline", "RefreshTokenValidity: 7",
     "RefreshTokenValidity: 7\n        EnableTokenRevocation: false", "26:9", WRITTEN),
    ("PS-COG-010", "baseline", "Actions: {EventAction: BLOCK}",
     "Actions: {EventAction: NO_ACTION}", "35:21", WRITTEN),
    ("PS-COG-010", "baseline", "Actions: {EventAction: BLOCK}",
     "Actions: {EventAction: BLOCK}\n          EventFilter: [SIGN_UP]", "36:11", WRITTEN),
    ("PS-COG-011", "baseline", "HighAction: {EventAction: BLOCK, Notify: false}",
     "HighAction: {EventAction: MFA_IF_CONFIGURED, Notify: false}", "38:26", WRITTEN),
    ("PS-COG-011", "strict", "MediumAction: {EventAction: BLOCK, Notify: false}",
     "MediumAction: {EventAction: MFA_REQUIRED, Notify: false}", "39:28", WRITTEN),
    ("PS-COG-012", "strict", "{AllowAdminCreateUserOnly: true}",
     "{AllowAdminCreateUserOnly: false}", "17:31", WRITTEN),
    ("PS-COG-012", "baseline", "AdminCreateUserConfig: {AllowAdminCreateUserOnly: true}\n"
     "      AutoVerifiedAttributes: [email]",
     "AutoVerifiedAttributes: [phone_number]\n      SmsConfiguration: {SnsCallerArn: "
     "'arn:aws:iam::123456789012:role/sms'}", "7:5", DEFAULT),
    ("PS-COG-013", "baseline", "RefreshTokenValidity: 7", "RefreshTokenValidity: 31",
     "25:9", WRITTEN),
    ("PS-COG-013", "strict", "RefreshTokenValidity: 7", "RefreshTokenValidity: 8",
     "25:9", WRITTEN),
    ("PS-COG-013", "baseline", "RefreshTokenValidity: 7",
     "RefreshTokenValidity: 7\n        IdTokenValidity: 2", "26:9", WRITTEN),
    ("PS-COG-014", "strict", "- https://app.example.com/callback",
     "- https://app.example.com/callback\n          - http://localhost:8080/callback",
     "31:13", WRITTEN),
    ("PS-COG-015", "baseline", "AllowedOAuthFlows: [code]",
     "AllowedOAuthFlows: [code, implicit]", "27:9", WRITTEN),
    ("PS-COG-016", "baseline", "PreventUserExistenceErrors: ENABLED",
     "PreventUserExistenceErrors: ENABLED\n        GenerateSecret: false\n"
     "        ClientSecret: writtenInTheFileForEveryone1234", "26:9", WRITTEN),
]


@pytest.mark.parametrize(("rule", "profile", "old", "new", "where", "source"), CASES,
                         ids=[f"{c[0]}-{c[1]}-{i}" for i, c in enumerate(CASES)])
def test_each_rule_fails_at_the_key_that_decides_it(
        tmp_path: Path, rule: str, profile: str, old: str, new: str, where: str,
        source: str) -> None:
    found = [f for f in _check(_patched(old, new), tmp_path, profile) if f[0] == rule]
    assert found == [(rule, where, source)]


def test_every_rule_has_a_failing_case() -> None:
    assert {r.id for r in RULES} == {c[0] for c in CASES}


@pytest.mark.parametrize(("rule", "old", "new"), [
    ("PS-COG-006", 'MfaConfiguration: "ON"', "MfaConfiguration: OPTIONAL"),  # Security Hub
    ("PS-COG-003", "MinimumLength: 14", "MinimumLength: 8"),
    ("PS-COG-011", "MediumAction: {EventAction: BLOCK, Notify: false}",
     "MediumAction: {EventAction: NO_ACTION, Notify: false}"),
    ("PS-COG-012", "{AllowAdminCreateUserOnly: true}", "{AllowAdminCreateUserOnly: false}"),
    ("PS-COG-013", "RefreshTokenValidity: 7", "RefreshTokenValidity: 30"),
    ("PS-COG-014", "- https://app.example.com/callback",
     "- https://app.example.com/callback\n          - http://localhost:8080/callback"),
])
def test_what_only_strict_fails_passes_the_baseline(tmp_path: Path, rule: str, old: str,
                                                     new: str) -> None:
    text = _patched(old, new)
    assert rule not in {f[0] for f in _check(text, tmp_path, "baseline")}
    assert rule in {f[0] for f in _check(text, tmp_path, "strict")}


def test_a_secret_from_the_environment_passes(tmp_path: Path) -> None:
    text = _patched("PreventUserExistenceErrors: ENABLED",
                    "PreventUserExistenceErrors: ENABLED\n        GenerateSecret: false\n"
                    "        ClientSecret: ${env:WEB_CLIENT_SECRET}")
    assert _check(text, tmp_path) == []


def test_a_provider_secret_written_in_the_file_is_critical(tmp_path: Path) -> None:
    text = HARDENED.read_text() + (
        "    identity_providers:\n      Google:\n        ProviderType: Google\n"
        "        ProviderDetails:\n          client_id: abc.apps.googleusercontent.com\n"
        "          client_secret: pre${env:PART}\n          authorize_scopes: openid\n")
    path = tmp_path / "pool.yaml"
    path.write_text(text)
    report = check_files(load_config([str(path)]), PROFILES["baseline"], Severity.HIGH,
                         TODAY)
    (finding,) = report.findings
    assert (finding.rule.id, finding.rule.severity, str(finding.location)) == (
        "PS-COG-016", Severity.CRITICAL, f"{path}:46:11")
    assert "pre" not in finding.message  # never the value


def test_mfa_is_not_asked_of_passwordless_sign_in(tmp_path: Path) -> None:
    """Security Hub Cognito.5 evaluates only pools whose sign-in is password-only."""
    text = _patched('MfaConfiguration: "ON"', "MfaConfiguration: 'OFF'").replace(
        "      AdminCreateUserConfig:",
        "      SignInPolicy: {AllowedFirstAuthFactors: [PASSWORD, EMAIL_OTP]}\n"
        "      AdminCreateUserConfig:")
    text = text.replace("    mfa:\n      MfaConfiguration: 'OFF'\n"
                        "      SoftwareTokenMfaConfiguration: {Enabled: true}\n", "")
    text = text.replace("      SignInPolicy:", "        SignInPolicy:")
    assert "PS-COG-006" not in {f[0] for f in _check(text, tmp_path)}


def test_plain_http_to_another_host_fails_in_every_profile() -> None:
    """Cognito refuses such a URL (and validate does), so only a live pool could show
    one: the rule is checked on a view."""
    view = PoolView(name="p", region="eu-west-1", settings={}, mfa={}, risk={},
                    clients={"web": {"CallbackURLs": ["https://ok.example.com",
                                                      "http://app.example.com/cb"],
                                     "LogoutURLs": ["myapp://signed-out"]}})
    for profile in PROFILES.values():
        (failure,) = redirect_urls_https(view, profile)
        assert failure.path == ("clients", "web", "CallbackURLs", 1)
        assert "unencrypted" in failure.message


def test_an_env_reference_is_never_decided_offline(tmp_path: Path) -> None:
    text = _patched("DeletionProtection: ACTIVE", "DeletionProtection: ${env:PROTECTION}")
    assert "PS-COG-007" not in {f[0] for f in _check(text, tmp_path)}


def test_rules_have_unique_ids_origins_fixes_and_a_documented_row() -> None:
    ids = [r.id for r in ALL_RULES]
    assert len(ids) == len(set(ids))
    table = (Path(__file__).parent.parent / "docs" / "check.md").read_text()
    for rule in ALL_RULES:
        assert rule.origins and rule.rationale and rule.fix.endswith("\n")
        assert f"| {rule.id} |" in table, rule.id


# A client's own risk configuration replaces the pool-wide one for that client
# (botocore SetRiskConfigurationRequest.ClientId): the tester's pool, whose client entry
# writes only an IP exception list, has no compromised-credentials or account-takeover
# configuration for that client, whatever ALL says.
CLIENT_OWN_RISK = """\
version: 1
region: eu-west-1
pools:
  r3:
    settings: {UserPoolTier: PLUS, UserPoolAddOns: {AdvancedSecurityMode: ENFORCED}, DeletionProtection: ACTIVE}
    mfa: {MfaConfiguration: "ON", SoftwareTokenMfaConfiguration: {Enabled: true}}
    clients: {web: {PreventUserExistenceErrors: ENABLED}}
    risk_configuration:
      ALL:
        CompromisedCredentialsRiskConfiguration: {EventFilter: [SIGN_IN], Actions: {EventAction: BLOCK}}
        AccountTakeoverRiskConfiguration: {Actions: {HighAction: {Notify: false, EventAction: BLOCK}}}
      web: {RiskExceptionConfiguration: {SkippedIPRangeList: [10.0.0.0/8]}}
"""


def test_a_client_configuration_without_the_blocks_does_not_inherit_them(
        tmp_path: Path) -> None:
    path = tmp_path / "pool.yaml"
    path.write_text(CLIENT_OWN_RISK)
    report = check_files(load_config([str(path)]), PROFILES["baseline"], Severity.HIGH,
                         TODAY)
    found = {(f.rule.id, f.key, str(f.location)) for f in report.findings}
    assert found == {
        ("PS-COG-010", "pools.r3.risk_configuration.web."
         "CompromisedCredentialsRiskConfiguration", f"{path}:12:7"),
        ("PS-COG-011", "pools.r3.risk_configuration.web.AccountTakeoverRiskConfiguration",
         f"{path}:12:7"),
    }
    assert all("replaces the pool-wide one" in f.message for f in report.findings)


def test_a_client_configuration_is_checked_whole_and_an_empty_entry_inherits(
        tmp_path: Path) -> None:
    """A client configuration that blocks passes; one with only a block of its own
    lacks the other; an entry without a block is the pool's (the ids-only request)."""
    text = _patched(
        "            LowAction: {EventAction: BLOCK, Notify: false}\n",
        "            LowAction: {EventAction: BLOCK, Notify: false}\n"
        "      web:\n"
        "        CompromisedCredentialsRiskConfiguration:\n"
        "          Actions: {EventAction: BLOCK}\n")
    assert _check(text, tmp_path) == [("PS-COG-011", "41:7", DEFAULT)]
    view = PoolView(name="p", region="eu-west-1", settings={
        "UserPoolAddOns": {"AdvancedSecurityMode": "ENFORCED"}}, mfa={}, clients={},
        risk={"ALL": {"CompromisedCredentialsRiskConfiguration": {
            "EventFilter": ["SIGN_IN"], "Actions": {"EventAction": "BLOCK"}}},
              "web": {}})
    assert list(compromised_credentials_blocked(view, PROFILES["baseline"])) == []
