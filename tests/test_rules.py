"""Offline rule checks: one test per rule, the case it flags and the case it lets pass."""

from __future__ import annotations

from typing import Any

import pytest

from poolsync.model import Path
from poolsync.rules import check_document, check_pool
from poolsync.rules import state_problems as _state_problems

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


def state_problems(settings: dict[str, Any], mfa: dict[str, Any] | None) -> list[str]:
    return [p.message for p in _state_problems(settings, mfa)]


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


def test_fifty_entries_custom_and_standard() -> None:
    schema = [attribute(f"a{i}") for i in range(48)] + [attribute("email"), attribute("name")]
    assert problems({"Schema": schema}) == []


def test_more_than_fifty_schema_entries_with_standard_ones() -> None:
    # The Schema list itself holds at most 50 entries (botocore SchemaAttributesListType),
    # whatever they declare.
    schema = [attribute(f"a{i}") for i in range(50)] + [attribute("email"), attribute("name")]
    assert problems({"Schema": schema}) == [
        (
            (*S, "Schema"),
            "Schema lists at most 50 attributes, standard ones included (got 52)",
        )
    ]


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
        ((*S, "Schema", 1, "Name"),
         'attribute "custom:tenant" is declared twice (first at Schema[0])')
    ]


def test_custom_namespace_beside_a_standard_attribute_is_two_attributes() -> None:
    """custom:sub is the custom attribute sub; sub the standard one (README, "The config
    format")."""
    schema = [attribute("sub"), attribute("custom:sub", Mutable=True),
              attribute("custom:locale"), attribute("locale")]
    assert problems({"Schema": schema}) == []


def test_a_custom_namespaced_standard_name_is_a_custom_attribute() -> None:
    found = problems({"Schema": [attribute("custom:email", Required=True)]})
    assert [m for _, m in found] == ["Required custom attributes are not supported by Cognito"]


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
    sms = {"SmsMfaConfiguration": {}}
    assert problems({"SmsConfiguration": None}, {"MfaConfiguration": "${env:MFA}", **sms}) == [
        (
            (*M, "SmsMfaConfiguration"),
            "SMS MFA needs an SmsConfiguration: write mfa.SmsMfaConfiguration.SmsConfiguration "
            "or settings.SmsConfiguration",
        )
    ]


def test_sms_mfa_without_sms_configuration_is_undecided_offline() -> None:
    """An unwritten settings.SmsConfiguration is the live pool's: the planner decides."""
    assert problems(mfa={"MfaConfiguration": "ON", "SmsMfaConfiguration": {}}) == []


def test_sms_mfa_without_sms_configuration_in_the_state_after_apply() -> None:
    mfa = {"MfaConfiguration": "ON", "SmsMfaConfiguration": {}}
    assert state_problems({}, mfa) == [
        "SMS MFA needs an SmsConfiguration: write mfa.SmsMfaConfiguration.SmsConfiguration "
        "or settings.SmsConfiguration"]
    assert state_problems({"SmsConfiguration": SMS_CONFIG}, mfa) == []


def test_sms_mfa_with_sms_configuration_in_either_place() -> None:
    inside = {"SmsMfaConfiguration": {"SmsConfiguration": SMS_CONFIG}}
    assert problems(mfa={"MfaConfiguration": "ON", **inside}) == []
    on_pool = {"SmsConfiguration": SMS_CONFIG}
    assert problems(on_pool, {"MfaConfiguration": "ON", "SmsMfaConfiguration": {}}) == []


def test_email_mfa_without_email_configuration_is_undecided_offline() -> None:
    """A live DEVELOPER account carries over when the file does not write one."""
    assert problems(mfa={"MfaConfiguration": "ON", "EmailMfaConfiguration": {}}) == []


def test_email_mfa_uses_the_live_email_configuration_after_apply() -> None:
    mfa = {"MfaConfiguration": "ON", "EmailMfaConfiguration": {}}
    assert state_problems({"EmailConfiguration": DEVELOPER_EMAIL}, mfa) == []
    assert state_problems({}, mfa) == [
        "email MFA needs settings.EmailConfiguration.EmailSendingAccount: DEVELOPER "
        "(Amazon SES); Cognito refuses it with COGNITO_DEFAULT (here: the pool has no "
        "EmailConfiguration: COGNITO_DEFAULT)"]


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


def test_threat_protection_without_a_written_tier_is_undecided_offline() -> None:
    """An existing pool's tier is its own (PLUS, say): only the planner knows it."""
    assert problems({"UserPoolAddOns": {"AdvancedSecurityMode": "ENFORCED"}}) == []


def test_tier_gates_use_the_tier_of_the_state_after_apply() -> None:
    addons = {"UserPoolAddOns": {"AdvancedSecurityMode": "ENFORCED"}}
    assert state_problems({**addons, "UserPoolTier": "PLUS"}, None) == []
    assert state_problems({**addons, "UserPoolTier": "ESSENTIALS"}, None) == [
        "AdvancedSecurityMode ENFORCED (threat protection) needs UserPoolTier PLUS or "
        "higher (the pool's UserPoolTier is ESSENTIALS): set UserPoolTier: PLUS"]
    # A pool from before feature plans reports no tier: nothing is refused.
    assert state_problems(addons, None) == []


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
def test_legacy_verification_messages_are_aliases(legacy: str, member: str) -> None:
    """Many CloudFormation and Serverless templates write them (README, "The config
    format")."""
    assert problems({legacy: "Your code is {####}"}) == []
    same = {legacy: "Your code is {####}",
            "VerificationMessageTemplate": {member: "Your code is {####}"}}
    assert problems(same) == []


@pytest.mark.parametrize(
    ("legacy", "member"),
    [
        ("EmailVerificationMessage", "EmailMessage"),
        ("EmailVerificationSubject", "EmailSubject"),
        ("SmsVerificationMessage", "SmsMessage"),
    ],
)
def test_legacy_twins_with_different_values(legacy: str, member: str) -> None:
    both = {legacy: "Your code is {####}", "VerificationMessageTemplate": {member: "Code {####}"}}
    assert problems(both) == [
        (
            (*S, legacy),
            f"is the legacy twin of settings.VerificationMessageTemplate.{member} and the two "
            "differ: Cognito keeps them equal, so write one of them (or the same value in both)",
        )
    ]


def test_verification_message_template() -> None:
    template = {"EmailMessage": "Your code is {####}", "SmsMessage": "Code {####}"}
    assert problems({"VerificationMessageTemplate": template}) == []


def test_legacy_unused_account_validity_is_an_alias() -> None:
    assert problems({"AdminCreateUserConfig": {"UnusedAccountValidityDays": 7}}) == []
    both = {"AdminCreateUserConfig": {"UnusedAccountValidityDays": 7},
            "Policies": {"PasswordPolicy": {"TemporaryPasswordValidityDays": 3}}}
    assert problems(both) == [
        (
            (*S, "AdminCreateUserConfig", "UnusedAccountValidityDays"),
            "is the legacy twin of settings.Policies.PasswordPolicy.TemporaryPasswordValidityDays"
            " and the two differ: Cognito keeps them equal, so write one of them (or the same "
            "value in both)",
        )
    ]
    assert problems({"AdminCreateUserConfig": {"AllowAdminCreateUserOnly": True}}) == []


# --- Attribute updates ------------------------------------------------------------------


def test_attributes_require_verification_must_be_auto_verified() -> None:
    settings = {"AutoVerifiedAttributes": ["email"], "UserAttributeUpdateSettings": {
        "AttributesRequireVerificationBeforeUpdate": ["email", "phone_number"]}}
    assert problems(settings) == [
        ((*S, "UserAttributeUpdateSettings", "AttributesRequireVerificationBeforeUpdate", 1),
         "phone_number is not in AutoVerifiedAttributes: Cognito keeps the original value "
         "only of an attribute it verifies automatically; add it there")]
    settings["AutoVerifiedAttributes"] = ["email", "phone_number"]
    assert problems(settings) == []


def test_attributes_require_verification_with_unwritten_auto_verified_is_undecided() -> None:
    settings = {"UserAttributeUpdateSettings": {
        "AttributesRequireVerificationBeforeUpdate": ["email"]}}
    assert problems(settings) == []
    assert state_problems(settings, None) == [
        "email is not in AutoVerifiedAttributes: Cognito keeps the original value only of "
        "an attribute it verifies automatically; add it there"]
    assert state_problems({**settings, "AutoVerifiedAttributes": ["email"]}, None) == []


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


# --- App clients ------------------------------------------------------------------------

C: Path = (*P, "clients", "web")
HOSTED_UI = {
    "AllowedOAuthFlowsUserPoolClient": True,
    "AllowedOAuthFlows": ["code"],
    "AllowedOAuthScopes": ["openid"],
    "CallbackURLs": ["https://app.example.com/callback"],
}


def client_problems(client: dict[str, Any], **pool: Any) -> list[tuple[Path, str]]:
    body: dict[str, Any] = {"region": "eu-west-1", "clients": {"web": client}, **pool}
    return [(p.path, p.message) for p in check_pool(body, P)]


def test_a_hosted_ui_client_passes() -> None:
    client = {
        **HOSTED_UI,
        "DefaultRedirectURI": "https://app.example.com/callback",
        "LogoutURLs": ["https://app.example.com/", "http://localhost:3000/signed-out"],
        "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        "AccessTokenValidity": 60,
        "TokenValidityUnits": {"AccessToken": "minutes"},
    }
    assert client_problems(client) == []
    assert client_problems({"GenerateSecret": False}) == []


def test_default_redirect_not_among_the_callbacks() -> None:
    client = {**HOSTED_UI, "DefaultRedirectURI": "https://app.example.com/other"}
    assert client_problems(client) == [
        ((*C, "DefaultRedirectURI"), "DefaultRedirectURI must be one of the client's CallbackURLs")
    ]


def test_default_redirect_from_the_environment_is_not_judged() -> None:
    assert client_problems({**HOSTED_UI, "DefaultRedirectURI": "${env:REDIRECT}"}) == []
    callbacks = {**HOSTED_UI, "CallbackURLs": ["${env:APP_URL}/callback"]}
    assert client_problems({**callbacks, "DefaultRedirectURI": "https://a.example/cb"}) == []


def test_client_credentials_with_other_flows() -> None:
    client = {
        **HOSTED_UI,
        "GenerateSecret": True,
        "AllowedOAuthFlows": ["client_credentials", "implicit", "code"],
    }
    assert client_problems(client) == [
        (
            (*C, "AllowedOAuthFlows"),
            "client_credentials must be the only OAuth flow of a client (here with code and "
            "implicit): use a separate client for code and implicit",
        )
    ]


def test_client_credentials_without_a_secret() -> None:
    client = {**HOSTED_UI, "AllowedOAuthFlows": ["client_credentials"], "CallbackURLs": []}
    message = "the client_credentials flow needs a client secret: set GenerateSecret: true"
    assert client_problems(client) == [((*C, "AllowedOAuthFlows"), message)]
    assert client_problems({**client, "GenerateSecret": False}) == [
        ((*C, "AllowedOAuthFlows"), message)
    ]
    assert client_problems({**client, "GenerateSecret": True}) == []
    assert client_problems({**client, "ClientSecret": "${env:MACHINE_SECRET}"}) == []


@pytest.mark.parametrize(
    "member", ["AllowedOAuthFlows", "AllowedOAuthScopes", "CallbackURLs", "LogoutURLs"]
)
def test_oauth_settings_without_the_user_pool_client_flag(member: str) -> None:
    value = ["openid"] if member == "AllowedOAuthScopes" else ["https://a.example/cb"]
    if member == "AllowedOAuthFlows":
        value = ["implicit"]
    client: dict[str, Any] = {member: value}
    if member == "AllowedOAuthFlows":
        client["CallbackURLs"] = ["https://a.example/cb"]
    found = client_problems(client)
    first = "AllowedOAuthFlows" if member == "AllowedOAuthFlows" else member
    assert found[0][0] == (*C, first)
    assert found[0][1].endswith("AllowedOAuthFlowsUserPoolClient: true (not written, it is false)")


def test_oauth_settings_with_the_flag_false() -> None:
    client = {**HOSTED_UI, "AllowedOAuthFlowsUserPoolClient": False}
    assert client_problems(client) == [
        (
            (*C, "AllowedOAuthFlowsUserPoolClient"),
            "AllowedOAuthFlows, AllowedOAuthScopes and CallbackURLs need "
            "AllowedOAuthFlowsUserPoolClient: true (it is false)",
        )
    ]


def test_empty_oauth_lists_need_no_flag() -> None:
    assert client_problems({"AllowedOAuthFlows": [], "CallbackURLs": []}) == []


@pytest.mark.parametrize("flows", [["code"], ["implicit"], ["code", "implicit"]])
def test_code_and_implicit_flows_need_a_callback(flows: list[str]) -> None:
    client = {**HOSTED_UI, "AllowedOAuthFlows": flows, "CallbackURLs": []}
    names = " and ".join(flows)
    verb = "flows need" if len(flows) > 1 else "flow needs"
    assert client_problems(client) == [
        ((*C, "AllowedOAuthFlows"), f"the {names} {verb} at least one CallbackURLs entry")
    ]


@pytest.mark.parametrize(
    "url",
    [
        "https://app.example.com/callback",
        "http://localhost/callback",
        "http://localhost:3000/callback",
        "http://127.0.0.1:8080/",
        "http://[::1]:3000/cb",
        "myapp://callback",
        "HTTPS://APP.EXAMPLE.COM/",
    ],
)
def test_redirect_urls_cognito_accepts(url: str) -> None:
    client = {**HOSTED_UI, "CallbackURLs": [url], "LogoutURLs": [url]}
    assert client_problems(client) == []


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "http://app.example.com/callback",
            '"http://app.example.com/callback" must use https: plain http is only allowed '
            "for localhost, 127.0.0.1 and [::1]",
        ),
        (
            "http://localhost.example.com/",
            '"http://localhost.example.com/" must use https: plain http is only allowed '
            "for localhost, 127.0.0.1 and [::1]",
        ),
        (
            "https://app.example.com/#/callback",
            '"https://app.example.com/#/callback" has a fragment (#...): a redirect URL '
            "must not have one",
        ),
        (
            "app.example.com/callback",
            '"app.example.com/callback" is not an absolute URL (write its scheme, such as '
            "https://)",
        ),
        ("http://[::1/cb", '"http://[::1/cb" is not a valid URL'),
    ],
)
def test_redirect_urls_cognito_refuses(url: str, message: str) -> None:
    client = {**HOSTED_UI, "CallbackURLs": ["https://ok.example/", url], "LogoutURLs": [url]}
    assert client_problems(client) == [
        ((*C, "CallbackURLs", 1), message),
        ((*C, "LogoutURLs", 0), message),
    ]


def test_redirect_url_from_the_environment_is_not_judged() -> None:
    client = {**HOSTED_UI, "CallbackURLs": ["http://${env:HOST}/cb"]}
    assert client_problems(client) == []


def test_legacy_and_allow_auth_flows_mixed() -> None:
    client = {"ExplicitAuthFlows": ["USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}
    assert client_problems(client) == [
        (
            (*C, "ExplicitAuthFlows"),
            "legacy values cannot be mixed with ALLOW_* values: write ALLOW_USER_PASSWORD_AUTH "
            "instead of USER_PASSWORD_AUTH",
        )
    ]
    both = {"ExplicitAuthFlows": ["ADMIN_NO_SRP_AUTH", "CUSTOM_AUTH_FLOW_ONLY", "ALLOW_USER_AUTH"]}
    assert client_problems(both) == [
        (
            (*C, "ExplicitAuthFlows"),
            "legacy values cannot be mixed with ALLOW_* values: write "
            "ALLOW_ADMIN_USER_PASSWORD_AUTH instead of ADMIN_NO_SRP_AUTH and ALLOW_CUSTOM_AUTH "
            "instead of CUSTOM_AUTH_FLOW_ONLY",
        )
    ]
    assert client_problems({"ExplicitAuthFlows": ["ADMIN_NO_SRP_AUTH", "USER_PASSWORD_AUTH"]}) == []


def test_user_context_data_needs_a_secret() -> None:
    client = {"EnablePropagateAdditionalUserContextData": True}
    assert client_problems(client) == [
        (
            (*C, "EnablePropagateAdditionalUserContextData"),
            "EnablePropagateAdditionalUserContextData needs a client secret: set "
            "GenerateSecret: true",
        )
    ]
    assert client_problems({**client, "GenerateSecret": True}) == []
    assert client_problems({"EnablePropagateAdditionalUserContextData": False}) == []


def test_generated_and_given_secret_together() -> None:
    client = {"GenerateSecret": True, "ClientSecret": "${env:SECRET}"}
    assert client_problems(client) == [
        (
            (*C, "ClientSecret"),
            "ClientSecret cannot be given with GenerateSecret: true (Cognito generates the "
            "secret): remove one",
        )
    ]


@pytest.mark.parametrize(
    ("client", "where", "message"),
    [
        (
            {"AccessTokenValidity": 25},
            "AccessTokenValidity",
            "25 hours (the default unit; set TokenValidityUnits.AccessToken for another) is "
            "outside the allowed 5 minutes to 1 day",
        ),
        (
            {"IdTokenValidity": 4, "TokenValidityUnits": {"IdToken": "minutes"}},
            "IdTokenValidity",
            "4 minutes (in TokenValidityUnits.IdToken) is outside the allowed 5 minutes to "
            "1 day",
        ),
        (
            {"IdTokenValidity": 0},
            "IdTokenValidity",
            "0 hours (the default unit; set TokenValidityUnits.IdToken for another) is "
            "outside the allowed 5 minutes to 1 day",
        ),
        (
            {"RefreshTokenValidity": 3651},
            "RefreshTokenValidity",
            "3651 days (the default unit; set TokenValidityUnits.RefreshToken for another) "
            "is outside the allowed 60 minutes to 10 years",
        ),
        (
            {"RefreshTokenValidity": 59, "TokenValidityUnits": {"RefreshToken": "minutes"}},
            "RefreshTokenValidity",
            "59 minutes (in TokenValidityUnits.RefreshToken) is outside the allowed 60 "
            "minutes to 10 years",
        ),
    ],
)
def test_token_validity_out_of_range(client: dict[str, Any], where: str, message: str) -> None:
    assert client_problems(client) == [((*C, where), message)]


@pytest.mark.parametrize(
    "client",
    [
        {"AccessTokenValidity": 1, "IdTokenValidity": 24},
        {"AccessTokenValidity": 5, "TokenValidityUnits": {"AccessToken": "minutes"}},
        {"AccessTokenValidity": 86400, "TokenValidityUnits": {"AccessToken": "seconds"}},
        {"IdTokenValidity": 1, "TokenValidityUnits": {"IdToken": "days"}},
        {"RefreshTokenValidity": 0},  # Cognito reads 0 as the default, 30 days
        {"RefreshTokenValidity": 3650},
        {"RefreshTokenValidity": 1, "TokenValidityUnits": {"RefreshToken": "hours"}},
        {"AccessTokenValidity": 99, "TokenValidityUnits": {"AccessToken": "weeks"}},
        {"AccessTokenValidity": True, "IdTokenValidity": "1"},
    ],
)
def test_token_validity_in_range_or_not_judged(client: dict[str, Any]) -> None:
    assert client_problems(client) == []


def test_allow_user_auth_on_lite() -> None:
    client = {"ExplicitAuthFlows": ["ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}
    found = client_problems(client, settings={"UserPoolTier": "LITE"})
    assert found == [
        (
            (*C, "ExplicitAuthFlows"),
            "the ALLOW_USER_AUTH flow needs UserPoolTier ESSENTIALS or higher (the pool's "
            "UserPoolTier is LITE): set UserPoolTier: ESSENTIALS",
        )
    ]
    assert client_problems(client) == []


def test_managed_login_on_lite() -> None:
    domain = {"Domain": "customers", "ManagedLoginVersion": 2}
    found = client_problems({}, settings={"UserPoolTier": "LITE"}, domain=domain)
    assert found == [
        (
            (*P, "domain", "ManagedLoginVersion"),
            "managed login (ManagedLoginVersion 2) needs UserPoolTier ESSENTIALS or higher "
            "(the pool's UserPoolTier is LITE): set UserPoolTier: ESSENTIALS",
        )
    ]
    classic = {**domain, "ManagedLoginVersion": 1}
    assert client_problems({}, settings={"UserPoolTier": "LITE"}, domain=classic) == []


# --- Identity providers -----------------------------------------------------------------


def provider_problems(providers: dict[str, Any]) -> list[tuple[Path, str]]:
    body: dict[str, Any] = {"region": "eu-west-1", "identity_providers": providers}
    return [(p.path, p.message) for p in check_pool(body, P)]


IDP: Path = (*P, "identity_providers")


def test_saml_with_both_or_neither_metadata() -> None:
    both = {"MetadataURL": "https://idp.example/metadata", "MetadataFile": "<xml/>"}
    assert provider_problems({"Corp": {"ProviderType": "SAML", "ProviderDetails": both}}) == [
        (
            (*IDP, "Corp", "ProviderDetails"),
            "a SAML provider takes MetadataURL or MetadataFile, not both",
        )
    ]
    neither = {"IDPSignout": "true"}
    assert provider_problems({"Corp": {"ProviderType": "SAML", "ProviderDetails": neither}}) == [
        (
            (*IDP, "Corp", "ProviderDetails"),
            "a SAML provider needs MetadataURL or MetadataFile in ProviderDetails",
        )
    ]


def test_saml_with_one_metadata_source() -> None:
    for key in ("MetadataURL", "MetadataFile"):
        details = {key: "${env:SAML_METADATA}"}
        assert provider_problems({"Corp": {"ProviderType": "SAML", "ProviderDetails": details}}) == []
    oidc = {"ProviderType": "OIDC", "ProviderDetails": {"client_id": "x"}}
    assert provider_problems({"Corp": oidc}) == []


def test_social_provider_named_otherwise() -> None:
    google = {"ProviderType": "Google", "ProviderDetails": {"client_id": "x"}}
    assert provider_problems({"MyGoogle": google}) == [
        (
            (*IDP, "MyGoogle", "ProviderType"),
            'a Google provider must be named "Google" (Cognito refuses any other name for it)',
        )
    ]


def test_social_name_on_another_type() -> None:
    oidc = {"ProviderType": "OIDC", "ProviderDetails": {"client_id": "x"}}
    assert provider_problems({"Google": oidc}) == [
        (
            (*IDP, "Google", "ProviderType"),
            'the name "Google" is kept for the Google provider type (got OIDC): choose '
            "another name",
        )
    ]


@pytest.mark.parametrize("kind", ["Google", "Facebook", "SignInWithApple", "LoginWithAmazon"])
def test_social_providers_named_after_their_type(kind: str) -> None:
    assert provider_problems({kind: {"ProviderType": kind, "ProviderDetails": {}}}) == []


def test_social_name_with_an_invalid_type_is_left_to_the_schema() -> None:
    assert provider_problems({"Google": {"ProviderType": "Gsuite", "ProviderDetails": {}}}) == []


def test_wrong_types_in_sub_resources_do_not_crash_the_rules() -> None:
    body: dict[str, Any] = {
        "clients": {
            "a": "nope",
            "b": {
                "CallbackURLs": "https://x",
                "AllowedOAuthFlows": [3, None],
                "DefaultRedirectURI": 5,
                "ExplicitAuthFlows": {"ALLOW_USER_AUTH": True},
                "TokenValidityUnits": "hours",
                "AccessTokenValidity": 2,
            },
        },
        "identity_providers": {"x": [], "Google": {"ProviderType": 3}, "S": {"ProviderType": "SAML"}},
        "domain": "example",
    }
    assert check_pool(body, P) == []
    assert check_pool({"clients": [], "identity_providers": "x"}, P) == []


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
            "a": {"settings": {"UsernameAttributes": ["email"], "AliasAttributes": ["email"]}},
            "b": "not a pool",
            "c": {"settings": {"UsernameAttributes": ["email"],
                               "AliasAttributes": ["phone_number"]}},
        },
    }
    assert [p.path for p in check_document(data)] == [
        ("pools", "a", "settings", "AliasAttributes"),
        ("pools", "c", "settings", "AliasAttributes"),
    ]
    assert check_document(None) == []
    assert check_document({"pools": []}) == []


def _on_with_first_factors(factors: list[str], mfa_extra: dict[str, object] | None = None
                           ) -> list[str]:
    pool = {"settings": {"UserPoolTier": "ESSENTIALS",
                         "Policies": {"SignInPolicy": {"AllowedFirstAuthFactors": factors}}},
            "mfa": {"MfaConfiguration": "ON", "SoftwareTokenMfaConfiguration": {"Enabled": True},
                    **(mfa_extra or {})}}
    return [p.message for p in check_pool(pool, ("pools", "p"))
            if "first" in p.message or "WEB_AUTHN" in p.message]


def test_mfa_on_refuses_passwordless_first_factors() -> None:
    (message,) = _on_with_first_factors(["PASSWORD", "EMAIL_OTP"])
    assert "does not allow EMAIL_OTP" in message
    assert _on_with_first_factors(["PASSWORD"]) == []


def test_mfa_on_with_webauthn_first_factor_needs_multi_factor_verification() -> None:
    single = {"WebAuthnConfiguration": {"RelyingPartyId": "auth.example.com"}}
    (message,) = _on_with_first_factors(["PASSWORD", "WEB_AUTHN"], single)
    assert "MULTI_FACTOR_WITH_USER_VERIFICATION" in message
    # Unwritten, the passkey block is the live one (carried over): the planner decides.
    assert _on_with_first_factors(["PASSWORD", "WEB_AUTHN"]) == []
    assert _on_with_first_factors(["PASSWORD", "WEB_AUTHN"], {"WebAuthnConfiguration": {
        "FactorConfiguration": "MULTI_FACTOR_WITH_USER_VERIFICATION"}}) == []


# --- References the file alone proves wrong --------------------------------------------


def _client_pool(client: dict[str, Any], **more: Any) -> list[str]:
    pool = {"settings": {}, "clients": {"web": {"AllowedOAuthFlowsUserPoolClient": True,
                                                "CallbackURLs": ["https://a.example.com/cb"],
                                                "AllowedOAuthFlows": ["code"], **client}},
            **more}
    return [p.message for p in check_pool(pool, P)]


def test_a_scope_the_files_own_resource_server_does_not_define() -> None:
    servers = {"orders": {"Name": "Orders", "Scopes": [
        {"ScopeName": "read", "ScopeDescription": "Read"}]}}
    assert _client_pool({"AllowedOAuthScopes": ["orders/write"]},
                        resource_servers=servers) == [
        'scope "write" is not among the scopes of resource server "orders" in this file']
    assert _client_pool({"AllowedOAuthScopes": ["orders/read", "openid"]},
                        resource_servers=servers) == []
    # A server the file does not write may exist live: the planner checks it.
    assert _client_pool({"AllowedOAuthScopes": ["billing/read"]},
                        resource_servers=servers) == []


def test_a_provider_the_file_prunes_away() -> None:
    google = {"Google": {"ProviderType": "Google", "ProviderDetails": {
        "client_id": "x", "client_secret": "y", "authorize_scopes": "openid"}}}
    client = {"SupportedIdentityProviders": ["COGNITO", "Google", "Okta"]}
    assert _client_pool(client, identity_providers=google, prune=True) == [
        'identity provider "Okta" is not defined in this file, and prune: true removes every '
        "other provider from the pool"]
    # Without prune the pool keeps its other providers: the planner checks them.
    assert _client_pool(client, identity_providers=google) == []


# --- Found by a new user's trial (each half-applied a run before) -----------------------


def test_string_constraints_stay_within_2048_and_in_order() -> None:
    schema = [attribute("custom:a", StringAttributeConstraints={"MaxLength": 5000}),
              attribute("custom:b", StringAttributeConstraints={"MinLength": "9",
                                                                "MaxLength": "3"}),
              {"Name": "custom:n", "AttributeDataType": "Number",
               "NumberAttributeConstraints": {"MinValue": 10, "MaxValue": 1}}]
    assert [m for _, m in problems({"Schema": schema})] == [
        "a string attribute is at most 2048 characters long (got 5000)",
        "MinLength (9) is greater than MaxLength (3)",
        "MinValue (10) is greater than MaxValue (1)"]
    fine = [attribute("custom:a", StringAttributeConstraints={"MinLength": 1,
                                                              "MaxLength": 2048})]
    assert problems({"Schema": fine}) == []


def test_a_dev_custom_name_with_developer_only_false_contradicts_itself() -> None:
    found = problems({"Schema": [attribute("dev:custom:x", DeveloperOnlyAttribute=False)]})
    assert [m for _, m in found] == [
        "a dev:custom: name is a developer-only attribute: remove DeveloperOnlyAttribute: "
        "false, or name it custom:x"]
    assert problems({"Schema": [attribute("dev:custom:x")]}) == []


@pytest.mark.parametrize("key", ["aws:cloudformation:stack-name", "poolsync:private_key:X"])
def test_reserved_tag_keys(key: str) -> None:
    found = problems({"UserPoolTags": {key: "v", "team": "identity"}})
    assert [(p[-1], m.split(" are reserved")[0]) for p, m in found] == [
        (key, f"tag keys starting with {key.split(':')[0]}:")]


def _domain(domain: dict[str, Any]) -> list[str]:
    return [p.message for p in check_pool({"settings": {}, "domain": domain}, P)]


def test_a_prefix_domain_cannot_contain_a_reserved_word() -> None:
    assert _domain({"Domain": "my-cognito-login"}) == [
        "a prefix domain cannot contain the reserved words aws, amazon or cognito "
        "(got cognito)"]
    assert _domain({"Domain": "shop-login"}) == []


def test_a_custom_domain_certificate_is_in_us_east_1() -> None:
    arn = "arn:aws:acm:eu-west-1:111122223333:certificate/0000"
    assert _domain({"Domain": "auth.example.com",
                    "CustomDomainConfig": {"CertificateArn": arn}}) == [
        "a custom domain's certificate must be in us-east-1 (US East, N. Virginia), where "
        "CloudFront takes it (got eu-west-1)"]
    # A custom domain may contain "aws" (only prefixes are restricted).
    assert _domain({"Domain": "aws.example.com", "CustomDomainConfig": {
        "CertificateArn": arn.replace("eu-west-1", "us-east-1")}}) == []


def test_a_scope_that_is_neither_standard_nor_a_servers() -> None:
    assert _client_pool({"AllowedOAuthScopes": ["openid", "Cognito"]}) == [
        'scope "Cognito" is neither a standard scope (aws.cognito.signin.user.admin, email, '
        "openid, phone, profile) nor a resource server's <identifier>/<scope>"]


def test_the_state_after_apply_may_not_sign_in_by_username_and_alias_attributes() -> None:
    """A replacement's CreateUserPool carries live settings the file does not write: the
    planner checks the merged state, so a live UsernameAttributes beside a written
    AliasAttributes is refused before the old pool is deleted (plan._refuse_state)."""
    from poolsync.rules import state_problems

    problems = state_problems({"UsernameAttributes": ["email"],
                               "AliasAttributes": ["email"]}, None)
    assert [p.message for p in problems] == [
        "AliasAttributes and UsernameAttributes are mutually exclusive: write only one"]
    assert state_problems({"AliasAttributes": ["email"]}, None) == []
