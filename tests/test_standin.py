"""The Cognito stand-in: moto 5.2.1 patched to answer like real AWS.

Each behaviour is checked through a boto3 client against ``mock_aws()`` with the
stand-in installed and, where it is cheap, against plain moto to show the patch
matters. Expected shapes come from recorded real responses in fixtures/real-responses/.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.cognitoidp.models import CognitoIdpBackend

from poolsync import standin

FIXTURES = Path(__file__).parent / "fixtures" / "real-responses"
REGION = "eu-west-1"
SMS_CONFIGURATION = {
    "SnsCallerArn": "arn:aws:iam::123456789012:role/service-role/my-SMS-Role",
    "ExternalId": "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111",
    "SnsRegion": "us-west-2",
}
SES_EMAIL_CONFIGURATION = {
    "SourceArn": "arn:aws:ses:eu-west-1:123456789012:identity/admin@example.com",
    "EmailSendingAccount": "DEVELOPER",
}


def load_fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


@pytest.fixture(autouse=True)
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.setenv(key, "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)


@pytest.fixture(autouse=True)
def keep_install_state() -> Iterator[None]:
    """Tests switch the stand-in on and off; leave it as the next test expects."""
    was_active = stand_in_active()
    yield
    if was_active:
        standin.install()
    else:
        standin.uninstall()


@pytest.fixture
def cognito() -> Iterator[Any]:
    with standin.installed(), mock_aws():
        yield boto3.client("cognito-idp", region_name=REGION)


@pytest.fixture
def plain() -> Iterator[Any]:
    standin.uninstall()
    with mock_aws():
        yield boto3.client("cognito-idp", region_name=REGION)


def create_pool(client: Any, **request: Any) -> str:
    pool_id: str = client.create_user_pool(PoolName="pool", **request)["UserPool"]["Id"]
    return pool_id


def describe(client: Any, pool_id: str) -> dict[str, Any]:
    pool: dict[str, Any] = client.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    return pool


def mfa_config(client: Any, pool_id: str) -> dict[str, Any]:
    response = client.get_user_pool_mfa_config(UserPoolId=pool_id)
    response.pop("ResponseMetadata")
    return dict(response)


def error_of(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]


def custom_string(name: str, **extra: Any) -> dict[str, Any]:
    return {"Name": name, "AttributeDataType": "String", "Mutable": True, **extra}


def attributes_by_name(pool: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {attribute["Name"]: attribute for attribute in pool["SchemaAttributes"]}


def stand_in_active() -> bool:
    return bool(CognitoIdpBackend.create_user_pool.__module__.startswith("poolsync.standin"))


# --- 1. Standard schema attributes --------------------------------------------------

REAL_POOL = load_fixture("describe_user_pool.aws-cli-example-2024.json")["UserPool"]
REAL_STANDARD_ATTRIBUTES = REAL_POOL["SchemaAttributes"][:20]
REQUIRED_EMAIL = {"Name": "email", "AttributeDataType": "String", "Required": True}


def test_the_fixture_slice_is_the_twenty_standard_attributes() -> None:
    names = [attribute["Name"] for attribute in REAL_STANDARD_ATTRIBUTES]
    assert names[0] == "sub" and names[-1] == "updated_at" and len(set(names)) == 20


def test_schema_at_create_still_reports_every_standard_attribute_like_aws(cognito: Any) -> None:
    # The recorded pool declared email as required; declare the same to compare exactly.
    pool_id = create_pool(cognito, Schema=[REQUIRED_EMAIL, custom_string("tenant")])

    attributes = describe(cognito, pool_id)["SchemaAttributes"]

    assert attributes[:20] == REAL_STANDARD_ATTRIBUTES
    assert [attribute["Name"] for attribute in attributes[20:]] == ["custom:tenant"]


def test_plain_moto_reports_only_the_declared_attributes(plain: Any) -> None:
    pool_id = create_pool(plain, Schema=[REQUIRED_EMAIL, custom_string("tenant")])

    assert len(describe(plain, pool_id)["SchemaAttributes"]) == 2


def test_pool_without_schema_reports_the_standard_attributes(cognito: Any) -> None:
    pool_id = create_pool(cognito)

    attributes = describe(cognito, pool_id)["SchemaAttributes"]

    assert [a["Name"] for a in attributes] == [a["Name"] for a in REAL_STANDARD_ATTRIBUTES]
    assert attributes_by_name(describe(cognito, pool_id))["email"]["Required"] is False


def test_declared_standard_attribute_overrides_only_what_it_declares(cognito: Any) -> None:
    pool_id = create_pool(cognito, Schema=[{"Name": "given_name", "Required": True}])

    given_name = attributes_by_name(describe(cognito, pool_id))["given_name"]

    assert given_name == {
        "Name": "given_name",
        "AttributeDataType": "String",
        "DeveloperOnlyAttribute": False,
        "Mutable": True,
        "Required": True,
        "StringAttributeConstraints": {"MinLength": "0", "MaxLength": "2048"},
    }


def test_custom_and_developer_only_attribute_names(cognito: Any) -> None:
    pool_id = create_pool(
        cognito,
        Schema=[custom_string("plan"), custom_string("secret", DeveloperOnlyAttribute=True)],
    )

    names = list(attributes_by_name(describe(cognito, pool_id)))

    assert names[-2:] == ["custom:plan", "dev:custom:secret"]


# --- 2. Constraints of custom attributes --------------------------------------------


def test_custom_string_without_constraints_reports_max_length_2048(cognito: Any) -> None:
    pool_id = create_pool(cognito, Schema=[custom_string("plan")])
    cognito.add_custom_attributes(UserPoolId=pool_id, CustomAttributes=[custom_string("later")])

    attributes = attributes_by_name(describe(cognito, pool_id))

    for name in ("custom:plan", "custom:later"):
        assert attributes[name]["StringAttributeConstraints"] == {"MaxLength": "2048"}


def test_plain_moto_reports_empty_constraints_for_a_custom_string(plain: Any) -> None:
    pool_id = create_pool(plain, Schema=[custom_string("plan")])

    attribute = attributes_by_name(describe(plain, pool_id))["custom:plan"]

    assert attribute["StringAttributeConstraints"] == {}


def test_declared_constraints_come_back_as_strings(cognito: Any) -> None:
    schema = [
        custom_string("code", StringAttributeConstraints={"MinLength": "1", "MaxLength": "256"}),
        {
            "Name": "level",
            "AttributeDataType": "Number",
            "NumberAttributeConstraints": {"MinValue": "1", "MaxValue": "10"},
        },
    ]
    pool_id = create_pool(cognito, Schema=schema)

    attributes = attributes_by_name(describe(cognito, pool_id))

    assert attributes["custom:code"]["StringAttributeConstraints"] == {
        "MinLength": "1",
        "MaxLength": "256",
    }
    assert attributes["custom:level"]["NumberAttributeConstraints"] == {
        "MinValue": "1",
        "MaxValue": "10",
    }
    assert "StringAttributeConstraints" not in attributes["custom:level"]


# --- 3. DeleteUserPool guards -------------------------------------------------------


def test_deletion_protection_blocks_delete_until_switched_off(cognito: Any) -> None:
    pool_id = create_pool(cognito, DeletionProtection="ACTIVE")

    with pytest.raises(ClientError) as excinfo:
        cognito.delete_user_pool(UserPoolId=pool_id)
    assert error_of(excinfo) == (
        "InvalidParameterException",
        "The user pool cannot be deleted because deletion protection is activated. "
        "Deletion protection must be inactivated first.",
    )

    cognito.update_user_pool(UserPoolId=pool_id, DeletionProtection="INACTIVE")
    cognito.delete_user_pool(UserPoolId=pool_id)
    assert cognito.list_user_pools(MaxResults=10)["UserPools"] == []


def test_plain_moto_deletes_a_protected_pool(plain: Any) -> None:
    pool_id = create_pool(plain, DeletionProtection="ACTIVE")

    plain.delete_user_pool(UserPoolId=pool_id)

    assert plain.list_user_pools(MaxResults=10)["UserPools"] == []


def test_a_domain_blocks_delete_until_it_is_deleted(cognito: Any) -> None:
    pool_id = create_pool(cognito)
    cognito.create_user_pool_domain(UserPoolId=pool_id, Domain="poolsync-test")

    with pytest.raises(ClientError) as excinfo:
        cognito.delete_user_pool(UserPoolId=pool_id)
    assert error_of(excinfo) == (
        "InvalidParameterException",
        "User pool cannot be deleted. It has a domain configured that should be deleted first.",
    )

    cognito.delete_user_pool_domain(UserPoolId=pool_id, Domain="poolsync-test")
    cognito.delete_user_pool(UserPoolId=pool_id)


# --- 4. MFA at create and update ----------------------------------------------------


@pytest.mark.parametrize("mode", ["ON", "OPTIONAL"])
def test_create_with_mfa_and_no_sms_is_rejected(cognito: Any, mode: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        create_pool(cognito, MfaConfiguration=mode)

    assert error_of(excinfo) == (
        "InvalidParameterException",
        "SMS configuration and Auto verification for phone_number are required when MFA "
        "is required/optional",
    )
    assert cognito.list_user_pools(MaxResults=10)["UserPools"] == []


def test_plain_moto_creates_mfa_on_without_sms(plain: Any) -> None:
    pool_id = create_pool(plain, MfaConfiguration="ON")

    assert describe(plain, pool_id)["MfaConfiguration"] == "ON"


def test_create_with_mfa_and_sms_enables_sms_mfa(cognito: Any) -> None:
    pool_id = create_pool(
        cognito,
        MfaConfiguration="OPTIONAL",
        SmsConfiguration=SMS_CONFIGURATION,
        AutoVerifiedAttributes=["phone_number"],
    )

    assert mfa_config(cognito, pool_id) == {
        "MfaConfiguration": "OPTIONAL",
        "SmsMfaConfiguration": {"SmsConfiguration": SMS_CONFIGURATION},
    }


@pytest.mark.parametrize("mode", ["ON", "OPTIONAL"])
def test_update_cannot_turn_mfa_on(cognito: Any, mode: str) -> None:
    pool_id = create_pool(cognito)

    with pytest.raises(ClientError) as excinfo:
        cognito.update_user_pool(UserPoolId=pool_id, MfaConfiguration=mode)

    assert error_of(excinfo) == (
        "InvalidParameterException",
        "Cannot turn MFA functionality ON, once the user pool has been created",
    )
    assert describe(cognito, pool_id)["MfaConfiguration"] == "OFF"


def test_plain_moto_turns_mfa_on_by_update(plain: Any) -> None:
    pool_id = create_pool(plain)

    plain.update_user_pool(UserPoolId=pool_id, MfaConfiguration="ON")

    assert describe(plain, pool_id)["MfaConfiguration"] == "ON"


def test_update_without_mfa_keeps_it_and_explicit_off_applies(cognito: Any) -> None:
    pool_id = create_pool(cognito)
    cognito.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        MfaConfiguration="ON",
        SoftwareTokenMfaConfiguration={"Enabled": True},
    )

    cognito.update_user_pool(UserPoolId=pool_id, AutoVerifiedAttributes=["email"])
    assert describe(cognito, pool_id)["MfaConfiguration"] == "ON"
    assert mfa_config(cognito, pool_id)["MfaConfiguration"] == "ON"

    cognito.update_user_pool(UserPoolId=pool_id, MfaConfiguration="OFF")
    assert describe(cognito, pool_id)["MfaConfiguration"] == "OFF"
    assert mfa_config(cognito, pool_id) == {"MfaConfiguration": "OFF"}


# --- 5. One stored MFA mode ---------------------------------------------------------


def test_describe_agrees_with_get_mfa_config(cognito: Any) -> None:
    pool_id = create_pool(cognito, MfaConfiguration="OFF")

    cognito.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        MfaConfiguration="OPTIONAL",
        SoftwareTokenMfaConfiguration={"Enabled": True},
    )

    assert describe(cognito, pool_id)["MfaConfiguration"] == "OPTIONAL"
    assert mfa_config(cognito, pool_id)["MfaConfiguration"] == "OPTIONAL"


def test_plain_moto_describe_and_get_mfa_config_disagree(plain: Any) -> None:
    pool_id = create_pool(plain, MfaConfiguration="OFF")

    plain.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        MfaConfiguration="OPTIONAL",
        SoftwareTokenMfaConfiguration={"Enabled": True},
    )

    assert describe(plain, pool_id)["MfaConfiguration"] == "OFF"
    assert mfa_config(plain, pool_id)["MfaConfiguration"] == "OPTIONAL"


# --- 6. SetUserPoolMfaConfig rules --------------------------------------------------

NO_FACTOR = (
    "Invalid MFA configuration given, can't disable all MFAs with a required or optional "
    "configuration."
)
OFF_WITH_FACTOR = (
    "Invalid MFA configuration given, can't turn off MFA and configure an MFA together"
)
EMAIL_NEEDS_SES = (
    "Cannot set EmailMfaConfiguration when user pool EmailConfiguration contains an "
    "EmailSendingAccount of COGNITO_DEFAULT"
)


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        ({"MfaConfiguration": "ON"}, NO_FACTOR),
        ({"MfaConfiguration": "OPTIONAL"}, NO_FACTOR),
        (
            {"MfaConfiguration": "ON", "SoftwareTokenMfaConfiguration": {"Enabled": False}},
            NO_FACTOR,
        ),
        (
            {"MfaConfiguration": "ON", "WebAuthnConfiguration": {"RelyingPartyId": "a.example"}},
            NO_FACTOR,
        ),
        (
            {"MfaConfiguration": "OFF", "SoftwareTokenMfaConfiguration": {"Enabled": False}},
            OFF_WITH_FACTOR,
        ),
        ({"SoftwareTokenMfaConfiguration": {"Enabled": True}}, OFF_WITH_FACTOR),
        (
            {"MfaConfiguration": "ON", "EmailMfaConfiguration": {"Message": "Code {####}"}},
            EMAIL_NEEDS_SES,
        ),
    ],
    ids=[
        "on-no-factor",
        "optional-no-factor",
        "totp-disabled-only",
        "webauthn-is-not-mfa",
        "off-with-factor",
        "omitted-mode-is-off",
        "email-with-cognito-default",
    ],
)
def test_set_mfa_config_rejects(cognito: Any, request_: dict[str, Any], message: str) -> None:
    pool_id = create_pool(cognito)

    with pytest.raises(ClientError) as excinfo:
        cognito.set_user_pool_mfa_config(UserPoolId=pool_id, **request_)

    assert error_of(excinfo) == ("InvalidParameterException", message)
    assert mfa_config(cognito, pool_id) == {"MfaConfiguration": "OFF"}


def test_mfa_off_pool_answers_like_aws(cognito: Any) -> None:
    pool_id = create_pool(cognito)

    assert mfa_config(cognito, pool_id) == load_fixture(
        "get_user_pool_mfa_config.mfa-off.cli-v2-transcript-2025-08.json"
    )


def test_every_factor_comes_back_like_aws(cognito: Any) -> None:
    expected = load_fixture("get_user_pool_mfa_config.aws-cli-example-2025.json")
    pool_id = create_pool(cognito, EmailConfiguration=SES_EMAIL_CONFIGURATION)

    response = cognito.set_user_pool_mfa_config(UserPoolId=pool_id, **expected)
    response.pop("ResponseMetadata")

    assert response == expected
    assert mfa_config(cognito, pool_id) == expected


def test_sms_mfa_falls_back_to_the_pools_sms_configuration(cognito: Any) -> None:
    pool_id = create_pool(cognito, SmsConfiguration=SMS_CONFIGURATION)

    cognito.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        MfaConfiguration="ON",
        SmsMfaConfiguration={"SmsAuthenticationMessage": "Code {####}"},
    )

    assert mfa_config(cognito, pool_id)["SmsMfaConfiguration"] == {
        "SmsAuthenticationMessage": "Code {####}",
        "SmsConfiguration": SMS_CONFIGURATION,
    }


def test_sms_mfa_without_any_sms_configuration_is_rejected(cognito: Any) -> None:
    pool_id = create_pool(cognito)

    with pytest.raises(ClientError) as excinfo:
        cognito.set_user_pool_mfa_config(
            UserPoolId=pool_id,
            MfaConfiguration="ON",
            SmsMfaConfiguration={"SmsAuthenticationMessage": "Code {####}"},
        )

    assert error_of(excinfo)[0] == "InvalidParameterException"


def test_plain_moto_requires_sms_configuration_inside_the_block(plain: Any) -> None:
    pool_id = create_pool(plain, SmsConfiguration=SMS_CONFIGURATION)

    with pytest.raises(ClientError):
        plain.set_user_pool_mfa_config(
            UserPoolId=pool_id,
            MfaConfiguration="ON",
            SmsMfaConfiguration={"SmsAuthenticationMessage": "Code {####}"},
        )


def test_set_mfa_config_replaces_everything(cognito: Any) -> None:
    pool_id = create_pool(cognito)
    cognito.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        MfaConfiguration="ON",
        SoftwareTokenMfaConfiguration={"Enabled": True},
        WebAuthnConfiguration={"RelyingPartyId": "auth.example.com"},
    )

    cognito.set_user_pool_mfa_config(
        UserPoolId=pool_id, WebAuthnConfiguration={"RelyingPartyId": "login.example.com"}
    )

    assert mfa_config(cognito, pool_id) == {
        "MfaConfiguration": "OFF",
        "WebAuthnConfiguration": {
            "RelyingPartyId": "login.example.com",
            "UserVerification": "preferred",
        },
    }
    assert describe(cognito, pool_id)["MfaConfiguration"] == "OFF"


# --- 7. Custom attribute quota and name length --------------------------------------


def numbered_attributes(count: int, prefix: str = "a") -> list[dict[str, Any]]:
    return [custom_string(f"{prefix}{index}") for index in range(count)]


def test_fifty_custom_attributes_are_allowed_at_create(cognito: Any) -> None:
    pool_id = create_pool(cognito, Schema=numbered_attributes(50))

    assert len(describe(cognito, pool_id)["SchemaAttributes"]) == 70


def test_fifty_one_schema_entries_at_create_break_the_models_limit(cognito: Any) -> None:
    """CreateUserPool.Schema holds at most 50 entries (botocore SchemaAttributesListType
    max 50), so a create can never exceed the 50-custom-attribute quota: the model check
    refuses 51 entries first."""
    with pytest.raises(ClientError) as excinfo:
        create_pool(cognito, Schema=numbered_attributes(51))

    assert error_of(excinfo) == (
        "InvalidParameterException",
        "1 validation error detected: Value at 'schema' failed to satisfy constraint: "
        "Member must have length less than or equal to 50",
    )


def test_add_custom_attributes_beyond_fifty_exceeds_the_limit(cognito: Any) -> None:
    pool_id = create_pool(cognito, Schema=numbered_attributes(49))

    with pytest.raises(ClientError) as excinfo:
        cognito.add_custom_attributes(
            UserPoolId=pool_id, CustomAttributes=numbered_attributes(2, prefix="b")
        )

    assert error_of(excinfo)[0] == "LimitExceededException"
    assert len(describe(cognito, pool_id)["SchemaAttributes"]) == 69


def test_plain_moto_accepts_fifty_one_custom_attributes(plain: Any) -> None:
    pool_id = create_pool(plain, Schema=numbered_attributes(51))

    assert len(describe(plain, pool_id)["SchemaAttributes"]) == 51


def test_custom_attribute_names_of_twenty_characters_are_allowed(cognito: Any) -> None:
    pool_id = create_pool(cognito, Schema=[custom_string("x" * 20)])
    cognito.add_custom_attributes(UserPoolId=pool_id, CustomAttributes=[custom_string("y" * 20)])

    names = attributes_by_name(describe(cognito, pool_id))
    assert "custom:" + "x" * 20 in names and "custom:" + "y" * 20 in names


def test_custom_attribute_name_longer_than_twenty_is_rejected_at_create(cognito: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        create_pool(cognito, Schema=[custom_string("x" * 21)])

    code, message = error_of(excinfo)
    assert code == "InvalidParameterException"
    assert "'schema.1.member.name'" in message and "less than or equal to 20" in message


def test_custom_attribute_name_longer_than_twenty_is_rejected_when_added(cognito: Any) -> None:
    pool_id = create_pool(cognito)

    with pytest.raises(ClientError) as excinfo:
        cognito.add_custom_attributes(
            UserPoolId=pool_id, CustomAttributes=[custom_string("ok"), custom_string("y" * 21)]
        )

    code, message = error_of(excinfo)
    assert code == "InvalidParameterException"
    assert "'customAttributes.2.member.name'" in message
    assert "custom:ok" not in attributes_by_name(describe(cognito, pool_id))


def test_plain_moto_accepts_long_custom_attribute_names(plain: Any) -> None:
    pool_id = create_pool(plain, Schema=[custom_string("x" * 21)])

    assert "custom:" + "x" * 21 in attributes_by_name(describe(plain, pool_id))


# --- 8. UpdateUserPool semantics ----------------------------------------------------

CREATE_ONLY = {
    "UsernameAttributes": ["email"],
    "UsernameConfiguration": {"CaseSensitive": False},
}


def test_update_leaves_create_only_members_alone(cognito: Any) -> None:
    pool_id = create_pool(cognito, Schema=[custom_string("plan")], **CREATE_ONLY)

    cognito.update_user_pool(UserPoolId=pool_id, AutoVerifiedAttributes=["email"])

    pool = describe(cognito, pool_id)
    assert pool["UsernameAttributes"] == ["email"]
    assert pool["UsernameConfiguration"] == {"CaseSensitive": False}
    assert "custom:plan" in attributes_by_name(pool)


def test_update_leaves_alias_attributes_alone(cognito: Any) -> None:
    pool_id = create_pool(cognito, AliasAttributes=["preferred_username"])

    cognito.update_user_pool(UserPoolId=pool_id)

    assert describe(cognito, pool_id)["AliasAttributes"] == ["preferred_username"]


def test_plain_moto_update_drops_create_only_members(plain: Any) -> None:
    pool_id = create_pool(plain, **CREATE_ONLY)

    plain.update_user_pool(UserPoolId=pool_id, AutoVerifiedAttributes=["email"])

    assert "UsernameConfiguration" not in describe(plain, pool_id)


def test_update_without_tier_or_policies_keeps_them(cognito: Any) -> None:
    policies = {"PasswordPolicy": {"MinimumLength": 12, "TemporaryPasswordValidityDays": 3}}
    pool_id = create_pool(cognito, UserPoolTier="PLUS", Policies=policies)

    cognito.update_user_pool(UserPoolId=pool_id, AutoVerifiedAttributes=["email"])

    pool = describe(cognito, pool_id)
    assert pool["UserPoolTier"] == "PLUS"
    assert pool["Policies"] == policies


def test_update_keeps_a_policy_sub_key_it_omits(cognito: Any) -> None:
    sign_in = {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP"]}
    pool_id = create_pool(
        cognito,
        Policies={"PasswordPolicy": {"MinimumLength": 12}, "SignInPolicy": sign_in},
    )

    cognito.update_user_pool(UserPoolId=pool_id, Policies={"PasswordPolicy": {"MinimumLength": 10}})

    assert describe(cognito, pool_id)["Policies"] == {
        "PasswordPolicy": {"MinimumLength": 10},
        "SignInPolicy": sign_in,
    }


def test_plain_moto_update_resets_tier_and_policies(plain: Any) -> None:
    pool_id = create_pool(
        plain, UserPoolTier="PLUS", Policies={"PasswordPolicy": {"MinimumLength": 12}}
    )

    plain.update_user_pool(UserPoolId=pool_id, AutoVerifiedAttributes=["email"])

    pool = describe(plain, pool_id)
    assert "UserPoolTier" not in pool
    assert pool["Policies"]["PasswordPolicy"]["MinimumLength"] == 8


def test_update_resets_everything_else_it_omits(cognito: Any) -> None:
    pool_id = create_pool(
        cognito,
        AutoVerifiedAttributes=["email"],
        DeletionProtection="ACTIVE",
        LambdaConfig={"PreSignUp": "arn:aws:lambda:eu-west-1:123456789012:function:f"},
        UserPoolTags={"team": "identity"},
        UserAttributeUpdateSettings={"AttributesRequireVerificationBeforeUpdate": ["email"]},
    )

    # AutoVerifiedAttributes must stay: the kept settings name email (aws/aws-cli #7151).
    cognito.update_user_pool(UserPoolId=pool_id, AutoVerifiedAttributes=["email"])

    pool = describe(cognito, pool_id)
    assert pool["DeletionProtection"] == "INACTIVE"
    assert pool["LambdaConfig"] == {}
    # Preserved when omitted: UserAttributeUpdateSettings (comment in
    # terraform-provider-aws internal/service/cognitoidp/user_pool.go), UserPoolTags
    # (go-to-k/cdkd #4066, measured).
    assert pool["UserPoolTags"] == {"team": "identity"}
    assert pool["UserAttributeUpdateSettings"] == {
        "AttributesRequireVerificationBeforeUpdate": ["email"]
    }


def test_update_pool_name_renames(cognito: Any) -> None:
    pool_id = create_pool(cognito)

    cognito.update_user_pool(UserPoolId=pool_id, PoolName="renamed")

    assert describe(cognito, pool_id)["Name"] == "renamed"
    assert cognito.list_user_pools(MaxResults=10)["UserPools"][0]["Name"] == "renamed"


def test_plain_moto_ignores_pool_name_in_update(plain: Any) -> None:
    pool_id = create_pool(plain)

    plain.update_user_pool(UserPoolId=pool_id, PoolName="renamed")

    assert describe(plain, pool_id)["Name"] == "pool"


# --- 9. Response shape --------------------------------------------------------------


def test_defaults_of_a_new_pool(cognito: Any) -> None:
    pool = describe(cognito, create_pool(cognito))

    assert pool["UserPoolTags"] == {}
    assert pool["UserPoolTier"] == "ESSENTIALS"
    assert pool["DeletionProtection"] == "INACTIVE"
    assert pool["AdminCreateUserConfig"]["UnusedAccountValidityDays"] == 7
    assert pool["UserAttributeUpdateSettings"] == {"AttributesRequireVerificationBeforeUpdate": []}
    assert pool["VerificationMessageTemplate"] == {
        "SmsMessage": "Your verification code is {####}. ",
        "EmailMessage": "Your verification code is {####}. ",
        "EmailSubject": "Your verification code",
        "DefaultEmailOption": "CONFIRM_WITH_CODE",
    }
    assert pool["EmailVerificationMessage"] == "Your verification code is {####}. "
    assert pool["EmailVerificationSubject"] == "Your verification code"
    assert pool["SmsVerificationMessage"] == "Your verification code is {####}. "


def test_plain_moto_omits_tags_tier_and_protection(plain: Any) -> None:
    pool = describe(plain, create_pool(plain))

    assert not {"UserPoolTags", "UserPoolTier", "DeletionProtection"} & set(pool)


def test_unused_account_validity_mirrors_temporary_password_validity(cognito: Any) -> None:
    pool_id = create_pool(
        cognito,
        Policies={"PasswordPolicy": {"MinimumLength": 8, "TemporaryPasswordValidityDays": 1}},
        AdminCreateUserConfig={"AllowAdminCreateUserOnly": True},
    )

    admin_create_user = describe(cognito, pool_id)["AdminCreateUserConfig"]

    assert admin_create_user == {"AllowAdminCreateUserOnly": True, "UnusedAccountValidityDays": 1}


def test_plain_moto_drops_unused_account_validity(plain: Any) -> None:
    pool_id = create_pool(plain, AdminCreateUserConfig={"AllowAdminCreateUserOnly": True})

    assert "UnusedAccountValidityDays" not in describe(plain, pool_id)["AdminCreateUserConfig"]


def test_legacy_messages_fill_the_template(cognito: Any) -> None:
    pool_id = create_pool(
        cognito,
        EmailVerificationMessage="Code: {####}",
        SmsVerificationMessage="SMS code: {####}",
    )

    pool = describe(cognito, pool_id)

    assert pool["VerificationMessageTemplate"] == {
        "EmailMessage": "Code: {####}",
        "EmailSubject": "Your verification code",
        "SmsMessage": "SMS code: {####}",
        "DefaultEmailOption": "CONFIRM_WITH_CODE",
    }
    assert pool["EmailVerificationSubject"] == "Your verification code"


def test_template_fills_the_legacy_messages(cognito: Any) -> None:
    pool_id = create_pool(cognito)

    cognito.update_user_pool(
        UserPoolId=pool_id,
        VerificationMessageTemplate={
            "EmailSubject": "Welcome",
            "DefaultEmailOption": "CONFIRM_WITH_LINK",
        },
    )

    pool = describe(cognito, pool_id)
    assert pool["EmailVerificationSubject"] == "Welcome"
    assert pool["EmailVerificationMessage"] == "Your verification code is {####}. "
    assert pool["VerificationMessageTemplate"]["DefaultEmailOption"] == "CONFIRM_WITH_LINK"
    assert pool["VerificationMessageTemplate"]["SmsMessage"] == "Your verification code is {####}. "


def test_plain_moto_does_not_mirror_legacy_messages_into_the_template(plain: Any) -> None:
    pool_id = create_pool(plain, EmailVerificationMessage="Code: {####}")

    template = describe(plain, pool_id)["VerificationMessageTemplate"]

    assert template["EmailMessage"] != "Code: {####}"


# --- 10. Users ----------------------------------------------------------------------


def test_estimated_number_of_users_counts_users(cognito: Any) -> None:
    pool_id = create_pool(cognito)
    for username in ("alice", "bob"):
        cognito.admin_create_user(UserPoolId=pool_id, Username=username)

    assert describe(cognito, pool_id)["EstimatedNumberOfUsers"] == 2


# --- install / uninstall / installed ------------------------------------------------


def test_install_is_idempotent_and_uninstall_restores_plain_moto() -> None:
    standin.uninstall()
    try:
        standin.install()
        standin.install()
        assert stand_in_active()
    finally:
        standin.uninstall()
    assert not stand_in_active()


def test_installed_restores_the_previous_state() -> None:
    standin.uninstall()
    with standin.installed():
        assert stand_in_active()
    assert not stand_in_active()

    standin.install()
    try:
        with standin.installed():
            assert stand_in_active()
        assert stand_in_active()
    finally:
        standin.uninstall()


def test_install_from_many_threads_at_once() -> None:
    standin.uninstall()
    threads = [threading.Thread(target=standin.install) for _ in range(8)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert stand_in_active()
    finally:
        standin.uninstall()
    assert not stand_in_active()


def test_a_pool_made_by_the_stand_in_still_reads_on_plain_moto() -> None:
    with mock_aws():
        client = boto3.client("cognito-idp", region_name=REGION)
        with standin.installed():
            pool_id = create_pool(client, Schema=[custom_string("plan")])
            client.set_user_pool_mfa_config(
                UserPoolId=pool_id,
                MfaConfiguration="ON",
                SoftwareTokenMfaConfiguration={"Enabled": True},
            )

        assert describe(client, pool_id)["Name"] == "pool"
        assert mfa_config(client, pool_id)["MfaConfiguration"] == "ON"


# --- LocalCognito -------------------------------------------------------------------


def port_is_open(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(1)
        return probe.connect_ex((host, port)) == 0


def test_local_cognito_serves_the_stand_in_and_stops_cleanly() -> None:
    standin.uninstall()
    threads_before = set(threading.enumerate())

    with standin.LocalCognito() as local:
        host, port = local.endpoint_url.removeprefix("http://").split(":")
        client = local.client()
        pool = client.create_user_pool(
            PoolName="over-http", Schema=[{"Name": "plan", "AttributeDataType": "String"}]
        )
        assert local.region == "eu-west-1"
        assert host == "127.0.0.1"
        assert len(pool["UserPool"]["SchemaAttributes"]) == 21
        assert client.meta.endpoint_url == local.endpoint_url
        assert port_is_open(host, int(port))

    assert not port_is_open(host, int(port))
    assert not stand_in_active()
    assert set(threading.enumerate()) <= threads_before


def test_local_cognito_endpoint_needs_a_running_server() -> None:
    with pytest.raises(RuntimeError):
        _ = standin.LocalCognito().endpoint_url


def test_pool_signing_key_is_imported_once_and_shared(monkeypatch: pytest.MonkeyPatch) -> None:
    """Speed, not behaviour (standin/speed.py): every pool gets moto's same key, and the
    RSA import runs once, not once per CreateUserPool."""
    from poolsync.standin import speed

    calls: list[object] = []
    original = speed._ORIGINAL.__func__

    def counting(cls: object, value: object, *args: object, **kwargs: object) -> object:
        calls.append(value)
        return original(cls, value, *args, **kwargs)

    monkeypatch.setattr(speed, "_ORIGINAL", classmethod(counting))
    monkeypatch.setattr(speed, "_CACHE", {})
    with standin.installed(), mock_aws():
        client = boto3.client("cognito-idp", region_name="eu-west-1")
        ids = [client.create_user_pool(PoolName=f"p{n}")["UserPool"]["Id"] for n in range(3)]
    assert len(ids) == 3 and len(calls) == 1


def test_python_m_poolsync_standin_serves_until_terminated() -> None:
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).parent.parent
    env = {**os.environ, "PYTHONPATH": str(root / "src")}
    process = subprocess.Popen([sys.executable, "-m", "poolsync.standin", "--port", "0"],
                               stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        endpoint = first.split(" at ", 1)[1].split(" ", 1)[0]
        client = boto3.client("cognito-idp", region_name="eu-west-1", endpoint_url=endpoint,
                              aws_access_key_id="x", aws_secret_access_key="x")
        pool = client.create_user_pool(PoolName="by-hand")["UserPool"]
        # The stand-in answers, not plain moto: every standard attribute is there.
        assert len(pool["SchemaAttributes"]) >= 20
        client.close()
    finally:
        process.terminate()
        rest = process.communicate(timeout=10)[0]
    assert process.returncode == 0 and "stopped" in rest


# --- A port that is taken, a port that is not one -----------------------------------------


def _busy_port() -> socket.socket:
    holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    return holder


def _standin_process(*args: str) -> Any:
    import os
    import subprocess
    import sys

    root = Path(__file__).parent.parent
    env = {**os.environ, "PYTHONPATH": str(root / "src")}
    # The timeout bounds a regression to a hang (moto's start used to wait forever).
    return subprocess.run([sys.executable, "-m", "poolsync.standin", *args], env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def test_python_m_poolsync_standin_on_a_busy_port_fails_at_once() -> None:
    with _busy_port() as holder:
        port = holder.getsockname()[1]
        result = _standin_process("--port", str(port))
    assert result.returncode == 1
    assert f"error: port {port} is in use" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


@pytest.mark.parametrize("port", ["65536", "-1", "abc", "5000.5", ""])
def test_python_m_poolsync_standin_refuses_a_port_that_is_not_one(port: str) -> None:
    result = _standin_process("--port", port)
    assert result.returncode == 1
    assert "is not a port number" in result.stderr or "expected one argument" in result.stderr
    assert "Traceback" not in result.stderr


def test_local_cognito_on_a_busy_port_raises_and_restores_moto() -> None:
    standin.uninstall()
    with _busy_port() as holder:
        port = holder.getsockname()[1]
        with pytest.raises(standin.server.PortUnavailable, match=f"port {port} is in use"):
            standin.LocalCognito(port=port).__enter__()
    assert not stand_in_active()


def test_a_server_that_cannot_bind_reports_instead_of_waiting_forever() -> None:
    """The race check_port cannot close (the port taken between the check and the
    bind): the server thread's failure ends start()."""
    from poolsync.standin.server import _Server

    with _busy_port() as holder:
        server = _Server(ip_address="127.0.0.1", port=holder.getsockname()[1],
                         verbose=False)
        starter = threading.Thread(target=server.start, daemon=True)
        starter.start()
        starter.join(120)
        assert not starter.is_alive()
    assert server.failure is not None


def test_username_and_alias_attributes_together_are_refused_like_aws(cognito: Any) -> None:
    """A pool signs in by username attributes or by aliases (standin/pool.py
    check_one_sign_in_choice)."""
    with pytest.raises(ClientError) as refused:
        cognito.create_user_pool(**BOTH_SIGN_IN_CHOICES)
    assert refused.value.response["Error"]["Code"] == "InvalidParameterException"


def test_plain_moto_takes_username_and_alias_attributes_together(plain: Any) -> None:
    plain.create_user_pool(**BOTH_SIGN_IN_CHOICES)  # where moto 5.2.1 differs


BOTH_SIGN_IN_CHOICES = {"PoolName": "both", "UsernameAttributes": ["email"],
                        "AliasAttributes": ["email"]}
