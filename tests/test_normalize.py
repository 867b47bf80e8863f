"""normalize: one test per Cognito quirk, on slices of recorded real responses where they
show it (tests/fixtures/real-responses, see SOURCES.md there), then ``owned_view``."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from poolsync.kinds.mfa import (
    MFA_DEFAULTS,
    canonical_desired_mfa,
    canonical_live_mfa,
    drop_disabled_totp,
    drop_factor_blocks_when_off,
)
from poolsync.kinds.settings import (
    SETTINGS_DEFAULTS,
    SETTINGS_MEMBERS_ALL,
    STANDARD_ATTRIBUTES,
    canonical_desired_settings,
    canonical_live_settings,
    drop_empty_placeholders,
    drop_read_only_members,
    drop_system_tags,
    drop_unused_account_validity_days,
    fold_legacy_verification_messages,
    mirror_pre_token_generation,
    schema_from_desired,
    schema_from_live,
    tier_not_reported,
)
from poolsync.model import NOT_REPORTED
from poolsync.normalize import UNKNOWN, attribute_key, owned_view, sort_sets
from tests.conftest import FIXTURES

RESPONSES = FIXTURES / "real-responses"
DESCRIBE_2024 = "describe_user_pool.aws-cli-example-2024"
DESCRIBES = [
    DESCRIBE_2024,
    "describe_user_pool.aws-cli-example-2019",
    "create_user_pool.aws-api-model-example-2023",
    "describe_user_pool.cloud-custodian-placebo-2017-08-a",
    "describe_user_pool.cloud-custodian-placebo-2017-08-b",
    "describe_user_pool.cloud-custodian-placebo-2017-11",
]
VERIFY_CODE = "Your verification code is {####}. "
PRE_TOKEN_ARN = "arn:aws:lambda:us-west-2:123456789012:function:MyPreTokenGenerationFunction"


def user_pool(name: str) -> dict[str, Any]:
    data = json.loads((RESPONSES / f"{name}.json").read_text())
    data = data.get("data", data)  # placebo recordings wrap the response
    return dict(data["UserPool"])


def mfa_response(name: str) -> dict[str, Any]:
    return dict(json.loads((RESPONSES / f"get_user_pool_mfa_config.{name}.json").read_text()))


# --------------------------------------------------------------------------- live quirks


def test_drop_read_only_members_keeps_request_members_only() -> None:
    pool = user_pool(DESCRIBE_2024)
    settings_ = drop_read_only_members(pool)
    assert set(settings_) == set(pool) - {
        "Id", "Name", "Arn", "CreationDate", "LastModifiedDate", "EstimatedNumberOfUsers",
        "SchemaAttributes", "Domain", "CustomDomain", "MfaConfiguration",
    }
    assert set(settings_) <= SETTINGS_MEMBERS_ALL


def test_drop_read_only_members_copies_so_the_response_is_untouched() -> None:
    pool = user_pool(DESCRIBE_2024)
    before = copy.deepcopy(pool)
    drop_read_only_members(pool)["LambdaConfig"]["PreSignUp"] = "changed"
    assert pool == before


def test_fold_legacy_trio_alone_becomes_the_template() -> None:
    """A 2016 pool (placebo 2017-08-b) returns only the legacy trio."""
    settings_ = drop_read_only_members(
        user_pool("describe_user_pool.cloud-custodian-placebo-2017-08-b")
    )
    fold_legacy_verification_messages(settings_)
    assert "EmailVerificationMessage" not in settings_
    assert "EmailVerificationSubject" not in settings_
    assert "SmsVerificationMessage" not in settings_
    assert settings_["VerificationMessageTemplate"] == {
        "EmailMessage": "Your verification code is {####}.",
        "EmailSubject": "Your verification code",
        "SmsMessage": "Your verification code is {####}.",
    }


def test_fold_legacy_trio_beside_the_template_keeps_the_template() -> None:
    """The 2024 describe returns both, mirrored."""
    settings_ = drop_read_only_members(user_pool(DESCRIBE_2024))
    template = copy.deepcopy(settings_["VerificationMessageTemplate"])
    fold_legacy_verification_messages(settings_)
    assert settings_["VerificationMessageTemplate"] == template
    assert not {"EmailVerificationMessage", "EmailVerificationSubject",
                "SmsVerificationMessage"} & set(settings_)


def test_fold_legacy_trio_never_overrides_a_template_field() -> None:
    settings_ = {
        "EmailVerificationSubject": "legacy subject",
        "SmsVerificationMessage": None,
        "VerificationMessageTemplate": {"EmailSubject": "template subject"},
    }
    fold_legacy_verification_messages(settings_)
    assert settings_ == {"VerificationMessageTemplate": {"EmailSubject": "template subject"}}


def test_fold_without_legacy_fields_adds_no_template() -> None:
    """placebo 2017-08-a has neither the trio nor a template."""
    settings_ = drop_read_only_members(
        user_pool("describe_user_pool.cloud-custodian-placebo-2017-08-a")
    )
    before = copy.deepcopy(settings_)
    fold_legacy_verification_messages(settings_)
    assert settings_ == before


def test_drop_unused_account_validity_days() -> None:
    settings_ = drop_read_only_members(user_pool(DESCRIBE_2024))
    assert settings_["AdminCreateUserConfig"]["UnusedAccountValidityDays"] == 1
    drop_unused_account_validity_days(settings_)
    assert settings_["AdminCreateUserConfig"] == {
        "AllowAdminCreateUserOnly": False,
        "InviteMessageTemplate": {
            "SMSMessage": "Your username is {username} and temporary password is {####}. ",
            "EmailMessage": "Your username is {username} and temporary password is {####}. ",
            "EmailSubject": "Your temporary password",
        },
    }


def test_drop_unused_account_validity_days_without_admin_config() -> None:
    settings_: dict[str, Any] = {"DeletionProtection": "ACTIVE"}
    drop_unused_account_validity_days(settings_)
    assert settings_ == {"DeletionProtection": "ACTIVE"}


def test_drop_system_tags() -> None:
    settings_ = {"UserPoolTags": {"aws:cloudformation:stack-name": "auth", "team": "identity"}}
    drop_system_tags(settings_)
    assert settings_ == {"UserPoolTags": {"team": "identity"}}


def test_drop_system_tags_keeps_a_tag_that_only_mentions_aws() -> None:
    settings_ = {"UserPoolTags": {"team:aws:owner": "x", "AWS-team": "y"}}
    drop_system_tags(settings_)
    assert settings_ == {"UserPoolTags": {"team:aws:owner": "x", "AWS-team": "y"}}


def test_drop_empty_placeholders_old_pool_email_configuration() -> None:
    """placebo 2017: ``EmailConfiguration: {}``."""
    settings_ = drop_read_only_members(
        user_pool("describe_user_pool.cloud-custodian-placebo-2017-08-a")
    )
    assert settings_["EmailConfiguration"] == {}
    drop_empty_placeholders(settings_)
    assert "EmailConfiguration" not in settings_


def test_drop_empty_placeholders_advanced_security_additional_flows() -> None:
    """2024 describe: ``UserPoolAddOns.AdvancedSecurityAdditionalFlows: {}``."""
    settings_ = drop_read_only_members(user_pool(DESCRIBE_2024))
    drop_empty_placeholders(settings_)
    assert settings_["UserPoolAddOns"] == {"AdvancedSecurityMode": "ENFORCED"}
    assert settings_["EmailConfiguration"] == {
        "SourceArn": "arn:aws:ses:us-west-2:123456789012:identity/admin@example.com",
        "EmailSendingAccount": "DEVELOPER",
    }


def test_drop_empty_placeholders_every_empty_block() -> None:
    settings_: dict[str, Any] = {
        "EmailConfiguration": {},
        "SmsConfiguration": {},
        "DeviceConfiguration": {},
        "UserPoolAddOns": {"AdvancedSecurityAdditionalFlows": {}},
        "LambdaConfig": {},  # a real "no triggers", compared against its default {}
    }
    drop_empty_placeholders(settings_)
    assert settings_ == {"LambdaConfig": {}}


def test_drop_empty_placeholders_keeps_set_blocks() -> None:
    flows = {"CustomAuthMode": "AUDIT"}
    settings_ = {
        "DeviceConfiguration": {"ChallengeRequiredOnNewDevice": False},
        "UserPoolAddOns": {"AdvancedSecurityMode": "OFF", "AdvancedSecurityAdditionalFlows": flows},
    }
    before = copy.deepcopy(settings_)
    drop_empty_placeholders(settings_)
    assert settings_ == before


def test_tier_not_reported() -> None:
    """The 2024 example predates feature plans: no UserPoolTier in it."""
    settings_ = drop_read_only_members(user_pool(DESCRIBE_2024))
    tier_not_reported(settings_)
    assert settings_["UserPoolTier"] is UNKNOWN
    reported = {"UserPoolTier": "LITE"}
    tier_not_reported(reported)
    assert reported == {"UserPoolTier": "LITE"}


@pytest.mark.parametrize(
    ("name", "developer_only", "key"),
    [
        ("custom:tenant", False, "custom:tenant"),
        ("tenant", False, "custom:tenant"),
        ("tenant", True, "dev:custom:tenant"),
        ("custom:tenant", True, "dev:custom:tenant"),
        ("dev:custom:tenant", True, "dev:custom:tenant"),
        ("email", False, "email"),
        # custom: is a namespace: custom:sub is the custom attribute sub, not the standard one
        ("custom:sub", False, "custom:sub"),
        ("sub", False, "sub"),
        ("custom:locale", False, "custom:locale"),
        ("custom:111", False, "custom:111"),
    ],
)
def test_attribute_key_keeps_the_custom_namespace(name: str, developer_only: bool,
                                                  key: str) -> None:
    assert attribute_key(name, developer_only) == key


def test_schema_from_live_drops_identities_and_keeps_prefixes() -> None:
    schema = schema_from_live(user_pool(DESCRIBE_2024)["SchemaAttributes"])
    assert "identities" not in schema
    assert set(schema) == set(STANDARD_ATTRIBUTES) | {
        "custom:111", "dev:custom:222", "custom:accesstoken", "custom:idtoken"}
    assert schema["dev:custom:222"] == {
        "AttributeDataType": "String",
        "DeveloperOnlyAttribute": True,
        "Mutable": True,
        "Required": False,
        "StringAttributeConstraints": {"MinLength": "1", "MaxLength": "421"},
    }
    assert schema["custom:accesstoken"]["StringAttributeConstraints"] == {"MaxLength": "2048"}


def test_standard_attributes_match_a_real_pool() -> None:
    """The standard table is what Cognito returns; the 2024 pool only made email required."""
    schema = schema_from_live(user_pool(DESCRIBE_2024)["SchemaAttributes"])
    differing = {n: a for n, a in schema.items()
                 if n in STANDARD_ATTRIBUTES and a != STANDARD_ATTRIBUTES[n]}
    assert differing == {"email": {**STANDARD_ATTRIBUTES["email"], "Required": True}}


def test_schema_from_live_stringifies_constraints_and_drops_empty_ones() -> None:
    schema = schema_from_live([
        {"Name": "custom:age", "AttributeDataType": "Number",
         "NumberAttributeConstraints": {"MinValue": 0, "MaxValue": 120}},
        {"Name": "custom:note", "AttributeDataType": "String", "StringAttributeConstraints": {}},
    ])
    assert schema == {
        "custom:age": {"AttributeDataType": "Number",
                       "NumberAttributeConstraints": {"MinValue": "0", "MaxValue": "120"}},
        "custom:note": {"AttributeDataType": "String"},
    }


def test_schema_from_desired_starts_standard_attributes_from_their_shape() -> None:
    assert schema_from_desired([{"Name": "email", "Required": True}]) == {
        "email": {**STANDARD_ATTRIBUTES["email"], "Required": True}
    }


def test_schema_from_desired_fully_specifies_custom_attributes() -> None:
    schema = schema_from_desired([
        {"Name": "custom:tenant"},
        {"Name": "age", "AttributeDataType": "Number", "Mutable": False,
         "NumberAttributeConstraints": {"MinValue": 0}},
        {"Name": "code", "StringAttributeConstraints": {"MinLength": 1}},
    ])
    assert schema == {
        "custom:tenant": {"AttributeDataType": "String", "DeveloperOnlyAttribute": False,
                          "Mutable": True, "Required": False,
                          "StringAttributeConstraints": {"MaxLength": "2048"}},
        "custom:age": {"AttributeDataType": "Number", "DeveloperOnlyAttribute": False,
                       "Mutable": False, "Required": False,
                       "NumberAttributeConstraints": {"MinValue": "0"}},
        "custom:code": {"AttributeDataType": "String", "DeveloperOnlyAttribute": False,
                        "Mutable": True, "Required": False,
                        "StringAttributeConstraints": {"MaxLength": "2048", "MinLength": "1"}},
    }


def test_schema_from_desired_custom_is_a_namespace() -> None:
    """custom:sub is the custom attribute sub beside the standard one, never the standard
    attribute with other flags (which would plan a replacement of the pool)."""
    schema = schema_from_desired([
        {"Name": "custom:sub", "AttributeDataType": "String", "Mutable": True},
        {"Name": "sub"},
        {"Name": "email", "Required": True, "Mutable": True},  # no AttributeDataType
    ])
    assert set(schema) == {"custom:sub", "sub", "email"}
    assert schema["sub"] == STANDARD_ATTRIBUTES["sub"]
    assert schema["custom:sub"]["Mutable"] is True
    assert schema["email"] == {**STANDARD_ATTRIBUTES["email"], "Required": True}


def test_schema_as_written_equals_schema_as_read_back() -> None:
    """The entries the 2024 pool was made of, written the ways a config may, read back
    equal to what Cognito returns for them."""
    written = schema_from_desired([
        {"Name": "email", "AttributeDataType": "String", "Required": True, "Mutable": True},
        {"Name": "111", "AttributeDataType": "String", "Mutable": True,
         "StringAttributeConstraints": {"MinLength": 1, "MaxLength": 256}},
        {"Name": "dev:custom:222", "AttributeDataType": "String", "Mutable": True,
         "DeveloperOnlyAttribute": True,
         "StringAttributeConstraints": {"MinLength": "1", "MaxLength": "421"}},
        {"Name": "custom:accesstoken", "AttributeDataType": "String", "Mutable": True},
        {"Name": "idtoken"},
    ])
    live = schema_from_live(user_pool(DESCRIBE_2024)["SchemaAttributes"])
    assert written == {name: live[name] for name in written}


def test_sort_sets_sorts_and_dedupes_scalar_lists() -> None:
    assert sort_sets({"AutoVerifiedAttributes": ["phone_number", "email", "email"]}) == {
        "AutoVerifiedAttributes": ["email", "phone_number"]
    }


def test_sort_sets_orders_recovery_mechanisms_by_priority() -> None:
    value = {"AccountRecoverySetting": {"RecoveryMechanisms": [
        {"Name": "verified_phone_number", "Priority": 2},
        {"Name": "verified_email", "Priority": 1},
    ]}}
    assert sort_sets(value) == {"AccountRecoverySetting": {"RecoveryMechanisms": [
        {"Name": "verified_email", "Priority": 1},
        {"Name": "verified_phone_number", "Priority": 2},
    ]}}


def test_sort_sets_keeps_the_order_of_other_lists_of_mappings() -> None:
    value = {"Other": [{"b": ["y", "x"]}, {"a": 1}]}
    assert sort_sets(value) == {"Other": [{"b": ["x", "y"]}, {"a": 1}]}


_scalar_lists = st.lists(st.text(max_size=5), max_size=6)
_docs = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=5), _scalar_lists),
    lambda inner: st.dictionaries(st.sampled_from(["a", "b", "RecoveryMechanisms"]), inner,
                                  max_size=3),
    max_leaves=12,
)


@given(_docs)
def test_sort_sets_is_idempotent(doc: Any) -> None:
    once = sort_sets(doc)
    assert sort_sets(once) == once


@given(st.lists(st.sampled_from(["email", "phone_number", "preferred_username"]), max_size=6),
       st.randoms())
def test_sort_sets_ignores_list_order(items: list[str], rnd: Any) -> None:
    shuffled = list(items)
    rnd.shuffle(shuffled)
    assert sort_sets({"AliasAttributes": items}) == sort_sets({"AliasAttributes": shuffled})


def test_mirror_pre_token_generation_from_the_config_block() -> None:
    settings_ = {"LambdaConfig": {"PreTokenGenerationConfig": {
        "LambdaArn": PRE_TOKEN_ARN, "LambdaVersion": "V2_0"}}}
    mirror_pre_token_generation(settings_)
    assert settings_["LambdaConfig"]["PreTokenGeneration"] == PRE_TOKEN_ARN


def test_mirror_pre_token_generation_from_the_legacy_field() -> None:
    settings_ = {"LambdaConfig": {"PreTokenGeneration": PRE_TOKEN_ARN}}
    mirror_pre_token_generation(settings_)
    assert settings_ == {"LambdaConfig": {
        "PreTokenGeneration": PRE_TOKEN_ARN,
        "PreTokenGenerationConfig": {"LambdaArn": PRE_TOKEN_ARN, "LambdaVersion": "V1_0"},
    }}


def test_mirror_pre_token_generation_leaves_a_pool_that_has_both() -> None:
    settings_ = drop_read_only_members(user_pool(DESCRIBE_2024))
    before = copy.deepcopy(settings_)
    mirror_pre_token_generation(settings_)
    assert settings_ == before


@pytest.mark.parametrize("settings_", [{}, {"LambdaConfig": {}}])
def test_mirror_pre_token_generation_without_a_trigger(settings_: dict[str, Any]) -> None:
    before = copy.deepcopy(settings_)
    mirror_pre_token_generation(settings_)
    assert settings_ == before


@pytest.mark.parametrize("block", [{"Enabled": False}, {}])
def test_drop_disabled_totp(block: dict[str, Any]) -> None:
    mfa = {"MfaConfiguration": "OFF", "SoftwareTokenMfaConfiguration": block}
    drop_disabled_totp(mfa)
    assert mfa == {"MfaConfiguration": "OFF"}


def test_drop_disabled_totp_keeps_enabled_totp() -> None:
    mfa = {"MfaConfiguration": "ON", "SoftwareTokenMfaConfiguration": {"Enabled": True}}
    drop_disabled_totp(mfa)
    assert mfa == {"MfaConfiguration": "ON", "SoftwareTokenMfaConfiguration": {"Enabled": True}}


@pytest.mark.parametrize("mode", [{"MfaConfiguration": "OFF"}, {}])
def test_drop_factor_blocks_when_off(mode: dict[str, Any]) -> None:
    mfa = {
        **mode,
        "SmsMfaConfiguration": {"SmsAuthenticationMessage": "Code {####}"},
        "SoftwareTokenMfaConfiguration": {"Enabled": False},
        "EmailMfaConfiguration": {"Message": "{####}", "Subject": "Code"},
        "WebAuthnConfiguration": {"RelyingPartyId": "auth.example.com"},
    }
    drop_factor_blocks_when_off(mfa)
    assert mfa == {**mode, "WebAuthnConfiguration": {"RelyingPartyId": "auth.example.com"}}


def test_drop_factor_blocks_kept_when_mfa_is_on() -> None:
    mfa = mfa_response("aws-cli-example-2025")
    before = copy.deepcopy(mfa)
    drop_factor_blocks_when_off(mfa)
    assert mfa == before


# --------------------------------------------------------------------------- canonical


def test_canonical_live_settings_of_the_2024_describe() -> None:
    canonical = canonical_live_settings(user_pool(DESCRIBE_2024))
    assert set(canonical) == {
        "Policies", "DeletionProtection", "LambdaConfig", "AutoVerifiedAttributes",
        "VerificationMessageTemplate", "SmsAuthenticationMessage", "UserAttributeUpdateSettings",
        "DeviceConfiguration", "EmailConfiguration", "SmsConfiguration", "UserPoolTags",
        "AdminCreateUserConfig", "UserPoolAddOns", "AccountRecoverySetting", "UserPoolTier",
        "Schema",
    }
    assert canonical["UserPoolAddOns"] == {"AdvancedSecurityMode": "ENFORCED"}
    assert "UnusedAccountValidityDays" not in canonical["AdminCreateUserConfig"]
    assert canonical["UserPoolTier"] is UNKNOWN
    assert "identities" not in canonical["Schema"]


@pytest.mark.parametrize("name", DESCRIBES)
def test_canonical_live_settings_of_every_recording(name: str) -> None:
    """No read-only key, no legacy field, no empty placeholder, from any era."""
    pool = user_pool(name)
    canonical = canonical_live_settings(pool)
    assert set(canonical) <= SETTINGS_MEMBERS_ALL | {"Schema"}
    assert not {"EmailVerificationMessage", "EmailVerificationSubject",
                "SmsVerificationMessage"} & set(canonical)
    assert canonical.get("EmailConfiguration") != {}
    assert canonical["Schema"] == schema_from_live(pool["SchemaAttributes"])


def test_canonical_live_settings_leaves_the_response_untouched() -> None:
    pool = user_pool(DESCRIBE_2024)
    before = copy.deepcopy(pool)
    canonical_live_settings(pool)
    assert pool == before


def test_canonical_desired_settings() -> None:
    written = {
        "AutoVerifiedAttributes": ["phone_number", "email"],
        "LambdaConfig": {"PreTokenGeneration": PRE_TOKEN_ARN},
        "Schema": [{"Name": "custom:tenant"}],
    }
    before = copy.deepcopy(written)
    assert canonical_desired_settings(written) == {
        "AutoVerifiedAttributes": ["email", "phone_number"],
        "LambdaConfig": {
            "PreTokenGeneration": PRE_TOKEN_ARN,
            "PreTokenGenerationConfig": {"LambdaArn": PRE_TOKEN_ARN, "LambdaVersion": "V1_0"},
        },
        "Schema": {"custom:tenant": {"AttributeDataType": "String",
                                     "DeveloperOnlyAttribute": False,
                              "Mutable": True, "Required": False,
                              "StringAttributeConstraints": {"MaxLength": "2048"}}},
    }
    assert written == before


def test_canonical_live_mfa() -> None:
    assert canonical_live_mfa(mfa_response("aws-cli-example-2025")) == mfa_response(
        "aws-cli-example-2025"
    )
    assert canonical_live_mfa(mfa_response("mfa-off.cli-v2-transcript-2025-08")) == {
        "MfaConfiguration": "OFF"
    }


def test_canonical_live_mfa_drops_nulls_metadata_and_echoed_blocks() -> None:
    response = {
        "MfaConfiguration": "OFF",
        "SmsMfaConfiguration": {"SmsAuthenticationMessage": "Code {####}"},
        "SoftwareTokenMfaConfiguration": {"Enabled": False},
        "EmailMfaConfiguration": None,
        "ResponseMetadata": {"HTTPStatusCode": 200},
    }
    assert canonical_live_mfa(response) == {"MfaConfiguration": "OFF"}


def test_canonical_desired_mfa() -> None:
    written = {"MfaConfiguration": "OPTIONAL", "SoftwareTokenMfaConfiguration": {"Enabled": False},
               "SmsMfaConfiguration": {"SmsAuthenticationMessage": "Code {####}"}}
    assert canonical_desired_mfa(written) == {
        "MfaConfiguration": "OPTIONAL",
        "SmsMfaConfiguration": {"SmsAuthenticationMessage": "Code {####}"},
    }


# --------------------------------------------------------------------------- ownership


def live_2024() -> dict[str, Any]:
    return canonical_live_settings(user_pool(DESCRIBE_2024))


def test_owned_view_leaves_unwritten_members_out() -> None:
    view = owned_view({"DeletionProtection": "INACTIVE"}, live_2024(), SETTINGS_DEFAULTS,
                      "settings")
    assert view.expected == {"DeletionProtection": "INACTIVE"}
    assert view.actual == {"DeletionProtection": "ACTIVE"}
    assert view.carried == ()


def test_owned_view_a_field_left_out_compares_as_its_default() -> None:
    """The 2024 pool has TemporaryPasswordValidityDays 1; the file does not say it."""
    written = canonical_desired_settings({"Policies": {"PasswordPolicy": {"MinimumLength": 8}}})
    view = owned_view(written, live_2024(), SETTINGS_DEFAULTS, "settings")
    defaults = {
        "MinimumLength": 8, "RequireUppercase": True, "RequireLowercase": True,
        "RequireNumbers": True, "RequireSymbols": True, "TemporaryPasswordValidityDays": 7,
        "PasswordHistorySize": 0,
    }
    signin = {"AllowedFirstAuthFactors": ["PASSWORD"]}
    assert view.expected == {"Policies": {"PasswordPolicy": defaults, "SignInPolicy": signin}}
    assert view.actual == {"Policies": {
        "PasswordPolicy": {**defaults, "TemporaryPasswordValidityDays": 1},
        "SignInPolicy": signin,
    }}


def test_owned_view_an_old_pool_without_a_member_compares_as_its_default() -> None:
    """placebo 2017: no DeletionProtection, no UserPoolAddOns, ``EmailConfiguration: {}``."""
    live = canonical_live_settings(user_pool("describe_user_pool.cloud-custodian-placebo-2017-08-a"))
    written = {"DeletionProtection": "INACTIVE", "UserPoolAddOns": {"AdvancedSecurityMode": "OFF"},
               "EmailConfiguration": {"EmailSendingAccount": "COGNITO_DEFAULT"}}
    view = owned_view(written, live, SETTINGS_DEFAULTS, "settings")
    assert view.expected == view.actual == written


def test_owned_view_unknown_defaults_are_carried_not_compared() -> None:
    written = {"VerificationMessageTemplate": {"DefaultEmailOption": "CONFIRM_WITH_CODE"}}
    view = owned_view(written, live_2024(), SETTINGS_DEFAULTS, "settings")
    template = {"DefaultEmailOption": "CONFIRM_WITH_CODE", "EmailMessage": VERIFY_CODE,
                "EmailSubject": "Your verification code", "SmsMessage": VERIFY_CODE}
    assert view.expected == {"VerificationMessageTemplate": template}
    assert view.actual == {"VerificationMessageTemplate": {
        **template, "DefaultEmailOption": "CONFIRM_WITH_LINK"}}
    assert view.carried == (
        ("VerificationMessageTemplate", "EmailMessageByLink"),
        ("VerificationMessageTemplate", "EmailSubjectByLink"),
    )


def test_owned_view_an_unknown_default_written_is_compared() -> None:
    written = {"VerificationMessageTemplate": {"EmailSubjectByLink": "Verify"}}
    view = owned_view(written, live_2024(), SETTINGS_DEFAULTS, "settings")
    assert view.expected["VerificationMessageTemplate"]["EmailSubjectByLink"] == "Verify"
    assert view.actual["VerificationMessageTemplate"]["EmailSubjectByLink"] == (
        "Your verification link"
    )
    assert view.carried == (("VerificationMessageTemplate", "EmailMessageByLink"),)


def test_owned_view_a_tier_live_does_not_report_is_never_equal_to_the_file() -> None:
    view = owned_view({"UserPoolTier": "PLUS"}, live_2024(), SETTINGS_DEFAULTS, "settings")
    assert view.expected == {"UserPoolTier": "PLUS"}
    assert view.actual == {"UserPoolTier": NOT_REPORTED}


def test_owned_view_when_present_block_gets_its_defaults_when_written() -> None:
    written = {"DeviceConfiguration": {"ChallengeRequiredOnNewDevice": True}}
    view = owned_view(written, {}, SETTINGS_DEFAULTS, "settings")
    assert view.expected == {"DeviceConfiguration": {
        "ChallengeRequiredOnNewDevice": True, "DeviceOnlyRememberedOnUserPrompt": False}}
    assert view.actual == {}  # absent live stays absent: no defaults invented


def test_owned_view_when_present_block_with_an_unknown_field() -> None:
    """SnsRegion defaults to the pool's region: carried from live when not written."""
    written = {"SmsConfiguration": {"SnsCallerArn": "arn:aws:iam::123456789012:role/sms"}}
    view = owned_view(written, live_2024(), SETTINGS_DEFAULTS, "settings")
    assert view.expected == written
    assert view.actual == {"SmsConfiguration": {
        "SnsCallerArn": "arn:aws:iam::123456789012:role/service-role/userpool-SMS-Role",
        "ExternalId": "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111",
    }}
    assert view.carried == (("SmsConfiguration", "SnsRegion"),)


def test_owned_view_tags_compare_whole() -> None:
    live = {"UserPoolTags": {"team": "identity", "owner": "console-user"}}
    view = owned_view({"UserPoolTags": {"team": "identity"}}, live, SETTINGS_DEFAULTS, "settings")
    assert view.expected == {"UserPoolTags": {"team": "identity"}}
    assert view.actual == live


def test_owned_view_ignores_live_keys_the_model_does_not_know() -> None:
    """A newer botocore may return fields this model lacks (AWS adds members over time)."""
    live = {"Policies": {"PasswordPolicy": {"MinimumLength": 8, "FutureField": 3}},
            "UserPoolAddOns": {"AdvancedSecurityMode": "OFF", "FutureMode": "ON"}}
    written = {"Policies": {"PasswordPolicy": {"MinimumLength": 8}},
               "UserPoolAddOns": {"AdvancedSecurityMode": "OFF"}}
    view = owned_view(written, live, SETTINGS_DEFAULTS, "settings")
    assert view.expected == view.actual


def test_owned_view_schema_keeps_every_live_attribute() -> None:
    """Attribute names are user data, not model keys: a live custom attribute the file
    lacks is kept here (plan.split_live_schema shows it as unmanaged)."""
    written = canonical_desired_settings({"Schema": [{"Name": "email", "Required": True}]})
    view = owned_view(written, live_2024(), SETTINGS_DEFAULTS, "settings")
    assert set(view.actual["Schema"]) - set(view.expected["Schema"]) == {
        "custom:111", "dev:custom:222", "custom:accesstoken", "custom:idtoken"}
    assert view.expected["Schema"] == {**STANDARD_ATTRIBUTES,
                                       "email": {**STANDARD_ATTRIBUTES["email"], "Required": True}}


def test_owned_view_mfa_unknown_fields_are_carried() -> None:
    written = {"MfaConfiguration": "OPTIONAL",
               "SmsMfaConfiguration": {"SmsConfiguration": {"SnsCallerArn": "arn:role"}}}
    live = canonical_live_mfa(mfa_response("aws-cli-example-2025"))
    view = owned_view(written, live, MFA_DEFAULTS, "mfa")
    assert view.expected == written
    # The written SmsConfiguration's SnsRegion defaults to the pool's region: carried.
    assert set(view.carried) == {("SmsMfaConfiguration", "SmsAuthenticationMessage"),
                                 ("SmsMfaConfiguration", "SmsConfiguration", "SnsRegion")}


@pytest.mark.parametrize("name", DESCRIBES)
def test_owned_view_of_a_pool_against_itself_has_no_difference(name: str) -> None:
    canonical = canonical_live_settings(user_pool(name))
    view = owned_view(canonical, canonical, SETTINGS_DEFAULTS, "settings")
    assert view.expected == view.actual


_MEMBERS_2024 = sorted(live_2024())


@settings(max_examples=40, deadline=None)
@given(st.sets(st.sampled_from(_MEMBERS_2024)))
def test_owned_view_any_subset_written_as_live_has_no_difference(members: set[str]) -> None:
    live = live_2024()
    written = {m: live[m] for m in members}
    view = owned_view(written, live, SETTINGS_DEFAULTS, "settings")
    assert view.expected == view.actual
    assert set(view.expected) <= members


@settings(deadline=None)
@given(st.fixed_dictionaries({}, optional={
    "MinimumLength": st.integers(6, 99), "RequireUppercase": st.booleans(),
    "RequireSymbols": st.booleans(), "TemporaryPasswordValidityDays": st.integers(0, 365),
}))
def test_owned_view_written_password_policy_compares_equal_to_the_same_live(
    policy: dict[str, Any],
) -> None:
    """Written fields equal to live never differ, whatever subset is written: the
    defaults filled in on both sides agree."""
    written = {"Policies": {"PasswordPolicy": policy}}
    view = owned_view(written, copy.deepcopy(written), SETTINGS_DEFAULTS, "settings")
    assert view.expected == view.actual


def test_a_legacy_alias_owns_its_twin_and_carries_the_rest_of_its_block() -> None:
    """EmailVerificationMessage is VerificationMessageTemplate.EmailMessage; the other
    template fields are not written, so they keep their live values (carried)."""
    desired = canonical_desired_settings({
        "EmailVerificationMessage": "Hello {####}",
        "AdminCreateUserConfig": {"UnusedAccountValidityDays": 3},
    })
    template = desired["VerificationMessageTemplate"]
    assert template["EmailMessage"] == "Hello {####}"
    assert {k for k, v in template.items() if v is UNKNOWN} == {
        "DefaultEmailOption", "EmailSubject", "SmsMessage", "EmailMessageByLink",
        "EmailSubjectByLink"}
    password = desired["Policies"]["PasswordPolicy"]
    assert password["TemporaryPasswordValidityDays"] == 3
    assert desired["Policies"]["SignInPolicy"] is UNKNOWN
    assert "UnusedAccountValidityDays" not in desired["AdminCreateUserConfig"]


def test_a_written_twin_wins_over_nothing_and_equal_twins_fold_to_one() -> None:
    desired = canonical_desired_settings({
        "EmailVerificationSubject": "Code",
        "VerificationMessageTemplate": {"EmailSubject": "Code"},
        "Policies": {"PasswordPolicy": {"MinimumLength": 10}},
        "AdminCreateUserConfig": {"UnusedAccountValidityDays": 2},
    })
    assert desired["VerificationMessageTemplate"] == {"EmailSubject": "Code"}
    assert desired["Policies"]["PasswordPolicy"] == {
        "MinimumLength": 10, "TemporaryPasswordValidityDays": 2}
