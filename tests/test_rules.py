"""Offline rule checks: one test per rule, the case it flags and the case it lets pass."""

from __future__ import annotations

from typing import Any

import pytest

from poolsync.model import Path
from poolsync.rules import check_document, check_pool

P: Path = ("pools", "p")
S: Path = (*P, "settings")
M: Path = (*P, "mfa")

TOTP = {"MfaConfiguration": "OPTIONAL", "SoftwareTokenMfaConfiguration": {"Enabled": True}}
SMS_CONFIG = {"SnsCallerArn": "arn:aws:iam::123456789012:role/sms"}
DEVELOPER_EMAIL = {
    "EmailSendingAccount": "DEVELOPER",
    "SourceArn": "arn:aws:ses:eu-west-1:123456789012:identity/example.com",
}


def problems(
    settings: dict[str, Any] | None = None, mfa: dict[str, Any] | None = None
) -> list[tuple[Path, str]]:
    pool: dict[str, Any] = {"region": "eu-west-1", "settings": settings or {}}
    if mfa is not None:
        pool["mfa"] = mfa
    return [(p.path, p.message) for p in check_pool(pool, P)]


def attribute(name: str, **more: Any) -> dict[str, Any]:
    return {"Name": name, "AttributeDataType": "String", **more}


def test_a_plain_pool_passes() -> None:
    assert problems({"UsernameAttributes": ["email"]}, TOTP) == []


# --- UsernameAttributes / AliasAttributes -----------------------------------------------


def test_username_and_alias_attributes_together() -> None:
    found = problems({"UsernameAttributes": ["email"], "AliasAttributes": ["preferred_username"]})
    assert found == [
        (
            (*S, "AliasAttributes"),
            "AliasAttributes and UsernameAttributes are mutually exclusive: write only one",
        )
    ]


def test_alias_attributes_alone() -> None:
    assert problems({"AliasAttributes": ["email", "preferred_username"]}) == []


# --- Schema -----------------------------------------------------------------------------


def test_required_custom_attribute() -> None:
    found = problems({"Schema": [attribute("tenant", Required=True)]})
    assert found == [
        ((*S, "Schema", 0, "Required"), "Required custom attributes are not supported by Cognito")
    ]


def test_required_prefixed_custom_attribute() -> None:
    found = problems({"Schema": [attribute("custom:tenant", Required=True)]})
    assert [path for path, _ in found] == [(*S, "Schema", 0, "Required")]


def test_required_standard_attribute() -> None:
    assert problems({"Schema": [attribute("email", Required=True)]}) == []
    assert problems({"Schema": [attribute("tenant", Required=False)]}) == []


def test_more_than_fifty_custom_attributes() -> None:
    found = problems({"Schema": [attribute(f"a{i}") for i in range(51)]})
    assert found == [((*S, "Schema"), "at most 50 custom attributes are allowed (got 51)")]


def test_fifty_custom_attributes_and_standard_ones() -> None:
    schema = [attribute(f"a{i}") for i in range(50)] + [attribute("email"), attribute("name")]
    assert problems({"Schema": schema}) == []


def test_custom_attribute_name_over_twenty_characters() -> None:
    found = problems({"Schema": [attribute("custom:" + "n" * 21)]})
    assert found == [
        (
            (*S, "Schema", 0, "Name"),
            'a custom attribute name has at most 20 characters without the "custom:" prefix '
            "(got 21)",
        )
    ]


def test_custom_attribute_name_of_twenty_characters() -> None:
    # phone_number_verified (21 characters) is standard: the limit is for custom names.
    schema = [attribute("custom:" + "n" * 20), attribute("phone_number_verified")]
    assert problems({"Schema": schema}) == []


def test_same_attribute_twice_with_and_without_prefix() -> None:
    found = problems({"Schema": [attribute("tenant"), attribute("custom:tenant")]})
    assert found == [
        ((*S, "Schema", 1, "Name"), 'attribute "tenant" is declared twice (first at Schema[0])')
    ]


def test_same_standard_attribute_twice() -> None:
    found = problems({"Schema": [attribute("email"), attribute("name"), attribute("email")]})
    assert found == [
        ((*S, "Schema", 2, "Name"), 'attribute "email" is declared twice (first at Schema[0])')
    ]


def test_distinct_attributes() -> None:
    assert problems({"Schema": [attribute("tenant"), attribute("custom:team")]}) == []


# --- MFA --------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["ON", "OPTIONAL"])
def test_mfa_on_without_a_factor(mode: str) -> None:
    found = problems(
        mfa={
            "MfaConfiguration": mode,
            "SoftwareTokenMfaConfiguration": {"Enabled": False},
            "WebAuthnConfiguration": {"RelyingPartyId": "example.com"},
        }
    )
    assert found == [
        (
            (*M, "MfaConfiguration"),
            f"MfaConfiguration {mode} needs a factor: SmsMfaConfiguration, "
            "SoftwareTokenMfaConfiguration with Enabled: true, or EmailMfaConfiguration "
            "(WebAuthn alone does not count)",
        )
    ]


@pytest.mark.parametrize(
    ("settings", "factors"),
    [
        ({}, {"SoftwareTokenMfaConfiguration": {"Enabled": True}}),
        ({"SmsConfiguration": SMS_CONFIG}, {"SmsMfaConfiguration": {}}),
        (
            {"EmailConfiguration": DEVELOPER_EMAIL},
            {"EmailMfaConfiguration": {"Message": "Code {####}"}},
        ),
    ],
)
def test_mfa_on_with_a_factor(settings: dict[str, Any], factors: dict[str, Any]) -> None:
    assert problems(settings, {"MfaConfiguration": "ON", **factors}) == []


def test_mfa_off_with_a_factor_block() -> None:
    found = problems(
        mfa={"MfaConfiguration": "OFF", "SoftwareTokenMfaConfiguration": {"Enabled": False}}
    )
    assert found == [
        (
            (*M, "SoftwareTokenMfaConfiguration"),
            "MfaConfiguration is OFF, and Cognito refuses a factor block with MFA off: remove "
            "SoftwareTokenMfaConfiguration or set MfaConfiguration to ON or OPTIONAL",
        )
    ]


def test_mfa_omitted_means_off() -> None:
    found = problems(mfa={"SoftwareTokenMfaConfiguration": {"Enabled": True}})
    assert found == [
        (
            (*M, "SoftwareTokenMfaConfiguration"),
            "MfaConfiguration is not written (OFF), and Cognito refuses a factor block with "
            "MFA off: remove SoftwareTokenMfaConfiguration or set MfaConfiguration to ON or "
            "OPTIONAL",
        )
    ]


def test_mfa_off_alone_and_with_webauthn() -> None:
    assert problems(mfa={"MfaConfiguration": "OFF"}) == []
    webauthn = {"WebAuthnConfiguration": {"RelyingPartyId": "example.com"}}
    assert problems(mfa={"MfaConfiguration": "OFF", **webauthn}) == []


def test_mfa_mode_from_the_environment_is_not_judged() -> None:
    assert problems(mfa={"MfaConfiguration": "${env:MFA}"}) == []
    assert problems(mfa={"MfaConfiguration": "${env:MFA}", **{"SmsMfaConfiguration": {}}}) == [
        (
            (*M, "SmsMfaConfiguration"),
            "SMS MFA needs an SmsConfiguration: write mfa.SmsMfaConfiguration.SmsConfiguration "
            "or settings.SmsConfiguration",
        )
    ]


def test_sms_mfa_without_sms_configuration() -> None:
    found = problems(mfa={"MfaConfiguration": "ON", "SmsMfaConfiguration": {}})
    assert found == [
        (
            (*M, "SmsMfaConfiguration"),
            "SMS MFA needs an SmsConfiguration: write mfa.SmsMfaConfiguration.SmsConfiguration "
            "or settings.SmsConfiguration",
        )
    ]


def test_sms_mfa_with_sms_configuration_in_either_place() -> None:
    inside = {"SmsMfaConfiguration": {"SmsConfiguration": SMS_CONFIG}}
    assert problems(mfa={"MfaConfiguration": "ON", **inside}) == []
    on_pool = {"SmsConfiguration": SMS_CONFIG}
    assert problems(on_pool, {"MfaConfiguration": "ON", "SmsMfaConfiguration": {}}) == []


def test_email_mfa_with_default_email_account() -> None:
    found = problems(mfa={"MfaConfiguration": "ON", "EmailMfaConfiguration": {}})
    assert found == [
        (
            (*M, "EmailMfaConfiguration"),
            "email MFA needs settings.EmailConfiguration.EmailSendingAccount: DEVELOPER "
            "(Amazon SES); Cognito refuses it with COGNITO_DEFAULT (here: not written "
            "(COGNITO_DEFAULT))",
        )
    ]


def test_email_mfa_with_cognito_default_written() -> None:
    settings = {"EmailConfiguration": {"EmailSendingAccount": "COGNITO_DEFAULT"}}
    found = problems(settings, {"MfaConfiguration": "ON", "EmailMfaConfiguration": {}})
    assert [message for _, message in found] == [
        "email MFA needs settings.EmailConfiguration.EmailSendingAccount: DEVELOPER "
        "(Amazon SES); Cognito refuses it with COGNITO_DEFAULT (here: COGNITO_DEFAULT)"
    ]


def test_email_mfa_with_developer_email_account() -> None:
    settings = {"EmailConfiguration": DEVELOPER_EMAIL}
    assert problems(settings, {"MfaConfiguration": "ON", "EmailMfaConfiguration": {}}) == []


# --- Tiers ------------------------------------------------------------------------------


def test_threat_protection_without_a_tier_hints_plus() -> None:
    found = problems({"UserPoolAddOns": {"AdvancedSecurityMode": "ENFORCED"}})
    assert found == [
        (
            (*S, "UserPoolAddOns", "AdvancedSecurityMode"),
            "AdvancedSecurityMode ENFORCED (threat protection) needs UserPoolTier PLUS or "
            "higher (UserPoolTier is not written, so a new pool gets ESSENTIALS): set "
            "UserPoolTier: PLUS",
        )
    ]


def test_threat_protection_on_essentials() -> None:
    settings = {"UserPoolTier": "ESSENTIALS", "UserPoolAddOns": {"AdvancedSecurityMode": "AUDIT"}}
    assert [m for _, m in problems(settings)] == [
        "AdvancedSecurityMode AUDIT (threat protection) needs UserPoolTier PLUS or higher "
        "(the pool's UserPoolTier is ESSENTIALS): set UserPoolTier: PLUS"
    ]


def test_threat_protection_on_plus_and_off_anywhere() -> None:
    on = {"UserPoolTier": "PLUS", "UserPoolAddOns": {"AdvancedSecurityMode": "ENFORCED"}}
    assert problems(on) == []
    off = {"UserPoolTier": "LITE", "UserPoolAddOns": {"AdvancedSecurityMode": "OFF"}}
    assert problems(off) == []


def test_passwordless_sign_in_on_lite() -> None:
    policy = {"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP"]}}
    found = problems({"UserPoolTier": "LITE", "Policies": policy})
    assert found == [
        (
            (*S, "Policies", "SignInPolicy", "AllowedFirstAuthFactors"),
            "a SignInPolicy with passwordless factors needs UserPoolTier ESSENTIALS or higher "
            "(the pool's UserPoolTier is LITE): set UserPoolTier: ESSENTIALS",
        )
    ]


def test_password_only_sign_in_on_lite_and_passwordless_by_default() -> None:
    password = {"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD"]}}
    assert problems({"UserPoolTier": "LITE", "Policies": password}) == []
    passkeys = {"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "WEB_AUTHN"]}}
    assert problems({"Policies": passkeys}) == []


def test_email_mfa_on_lite() -> None:
    settings = {"UserPoolTier": "LITE", "EmailConfiguration": DEVELOPER_EMAIL}
    found = problems(settings, {"MfaConfiguration": "ON", "EmailMfaConfiguration": {}})
    assert found == [
        (
            (*M, "EmailMfaConfiguration"),
            "email MFA needs UserPoolTier ESSENTIALS or higher (the pool's UserPoolTier is "
            "LITE): set UserPoolTier: ESSENTIALS",
        )
    ]


def test_webauthn_multi_factor_on_lite() -> None:
    webauthn = {"FactorConfiguration": "MULTI_FACTOR_WITH_USER_VERIFICATION"}
    mfa = {**TOTP, "WebAuthnConfiguration": webauthn}
    found = problems({"UserPoolTier": "LITE"}, mfa)
    assert [path for path, _ in found] == [(*M, "WebAuthnConfiguration", "FactorConfiguration")]
    single = {**TOTP, "WebAuthnConfiguration": {"FactorConfiguration": "SINGLE_FACTOR"}}
    assert problems({"UserPoolTier": "LITE"}, single) == []


@pytest.mark.parametrize("version", ["V2_0", "V3_0"])
def test_access_token_customization_on_lite(version: str) -> None:
    arn = "arn:aws:lambda:eu-west-1:123456789012:function:pre-token"
    config = {"PreTokenGenerationConfig": {"LambdaVersion": version, "LambdaArn": arn}}
    found = problems({"UserPoolTier": "LITE", "LambdaConfig": config})
    assert found == [
        (
            (*S, "LambdaConfig", "PreTokenGenerationConfig", "LambdaVersion"),
            f"pre-token-generation {version} needs UserPoolTier ESSENTIALS or higher (the "
            "pool's UserPoolTier is LITE): set UserPoolTier: ESSENTIALS",
        )
    ]
    config["PreTokenGenerationConfig"]["LambdaVersion"] = "V1_0"
    assert problems({"UserPoolTier": "LITE", "LambdaConfig": config}) == []


# --- Legacy members ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("legacy", "member"),
    [
        ("EmailVerificationMessage", "EmailMessage"),
        ("EmailVerificationSubject", "EmailSubject"),
        ("SmsVerificationMessage", "SmsMessage"),
    ],
)
def test_legacy_verification_messages(legacy: str, member: str) -> None:
    assert problems({legacy: "Your code is {####}"}) == [
        (
            (*S, legacy),
            f"write VerificationMessageTemplate.{member} instead (Cognito keeps the legacy "
            "field in sync)",
        )
    ]


def test_verification_message_template() -> None:
    template = {"EmailMessage": "Your code is {####}", "SmsMessage": "Code {####}"}
    assert problems({"VerificationMessageTemplate": template}) == []


def test_legacy_unused_account_validity() -> None:
    found = problems({"AdminCreateUserConfig": {"UnusedAccountValidityDays": 7}})
    assert found == [
        (
            (*S, "AdminCreateUserConfig", "UnusedAccountValidityDays"),
            "use Policies.PasswordPolicy.TemporaryPasswordValidityDays (Cognito refuses the "
            "legacy field once that is set)",
        )
    ]
    assert problems({"AdminCreateUserConfig": {"AllowAdminCreateUserOnly": True}}) == []


# --- Pre token generation ---------------------------------------------------------------

ARN_A = "arn:aws:lambda:eu-west-1:123456789012:function:a"
ARN_B = "arn:aws:lambda:eu-west-1:123456789012:function:b"


def test_pre_token_generation_arns_differ() -> None:
    config = {
        "PreTokenGeneration": ARN_A,
        "PreTokenGenerationConfig": {"LambdaVersion": "V1_0", "LambdaArn": ARN_B},
    }
    assert problems({"LambdaConfig": config}) == [
        (
            (*S, "LambdaConfig", "PreTokenGenerationConfig", "LambdaArn"),
            "must equal LambdaConfig.PreTokenGeneration when both are set (Cognito requires "
            "the same function in both)",
        )
    ]


def test_pre_token_generation_arns_agree_or_one_is_set() -> None:
    same = {
        "PreTokenGeneration": ARN_A,
        "PreTokenGenerationConfig": {"LambdaVersion": "V1_0", "LambdaArn": ARN_A},
    }
    assert problems({"LambdaConfig": same}) == []
    assert problems({"LambdaConfig": {"PreTokenGeneration": ARN_A}}) == []
    from_env = {**same, "PreTokenGeneration": "${env:PRE_TOKEN_ARN}"}
    assert problems({"LambdaConfig": from_env}) == []


# --- Robustness and documents -------------------------------------------------------------


def test_wrong_types_do_not_crash_the_rules() -> None:
    pool: dict[str, Any] = {
        "settings": {
            "Schema": ["email", {"Name": 3}, None],
            "UserPoolAddOns": "ENFORCED",
            "LambdaConfig": [],
            "Policies": {"SignInPolicy": {"AllowedFirstAuthFactors": "EMAIL_OTP"}},
            "UserPoolTier": 3,
        },
        "mfa": {"MfaConfiguration": None, "SoftwareTokenMfaConfiguration": "yes"},
    }
    assert check_pool(pool, P) == []
    assert check_pool({"settings": "nope", "mfa": []}, P) == []


def test_check_document_runs_every_pool_and_skips_non_mappings() -> None:
    data = {
        "version": 1,
        "pools": {
            "a": {"settings": {"EmailVerificationSubject": "Hello"}},
            "b": "not a pool",
            "c": {"settings": {"SmsVerificationMessage": "Code {####}"}},
        },
    }
    assert [p.path for p in check_document(data)] == [
        ("pools", "a", "settings", "EmailVerificationSubject"),
        ("pools", "c", "settings", "SmsVerificationMessage"),
    ]
    assert check_document(None) == []
    assert check_document({"pools": []}) == []
