"""The stand-in accepts, refuses and reports as AWS does, where poolsync's planner meets it.

Each test calls boto3 against the stand-in (the ``cognito`` fixture: mock_aws with the
stand-in installed) and asserts the response or the error code and message. Sources are
in the stand-in's docstrings (src/poolsync/standin/); behaviours already covered by
test_standin.py and test_standin_resources.py are not repeated here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.conftest import REGION

REAL = Path(__file__).parent / "fixtures" / "real-responses"
CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
NEW_CERTIFICATE = CERTIFICATE.replace("5555", "6666")
SMS_CONFIGURATION = {"SnsCallerArn": "arn:aws:iam::123456789012:role/service-role/sms",
                     "ExternalId": "external", "SnsRegion": "eu-west-1"}
TOTP_ON = {"MfaConfiguration": "ON", "SoftwareTokenMfaConfiguration": {"Enabled": True}}
MULTI_FACTOR = {"FactorConfiguration": "MULTI_FACTOR_WITH_USER_VERIFICATION"}
CERTIFICATE_REFUSAL = ("The specified SSL certificate doesn't exist, isn't in us-east-1 region, "
                       "isn't valid, or doesn't include a valid certificate chain.")


@pytest.fixture
def idp(cognito: None) -> Any:
    return boto3.client("cognito-idp", region_name=REGION)


def load_real(name: str) -> Any:
    return json.loads((REAL / name).read_text())


def create_pool(idp: Any, **request: Any) -> str:
    pool_id: str = idp.create_user_pool(PoolName="pool", **request)["UserPool"]["Id"]
    return pool_id


def describe(idp: Any, pool_id: str) -> dict[str, Any]:
    pool: dict[str, Any] = idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    return pool


def attributes(idp: Any, pool_id: str) -> dict[str, dict[str, Any]]:
    return {a["Name"]: a for a in describe(idp, pool_id)["SchemaAttributes"]}


def mfa_config(idp: Any, pool_id: str) -> dict[str, Any]:
    response = dict(idp.get_user_pool_mfa_config(UserPoolId=pool_id))
    response.pop("ResponseMetadata")
    return response


def refusal(call: Any, **request: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as excinfo:
        call(**request)
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]


def without_metadata(response: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def custom_string(name: str, **extra: Any) -> dict[str, Any]:
    return {"Name": name, "AttributeDataType": "String", "Mutable": True, **extra}


def sign_in(*factors: str) -> dict[str, Any]:
    return {"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", *factors]}}


# --- 1. Domains ---------------------------------------------------------------------


def test_a_custom_domain_with_a_certificate_is_reported_by_domain_and_pool(idp: Any) -> None:
    pool_id = create_pool(idp)

    created = idp.create_user_pool_domain(UserPoolId=pool_id, Domain="auth.example.com",
                                          CustomDomainConfig={"CertificateArn": CERTIFICATE})

    described = idp.describe_user_pool_domain(Domain="auth.example.com")["DomainDescription"]
    assert described["CustomDomainConfig"] == {"CertificateArn": CERTIFICATE}
    assert described["CloudFrontDistribution"] == created["CloudFrontDomain"]
    # Never written, never reported (2025 prefix-domain transcript has no such key).
    assert "ManagedLoginVersion" not in described
    pool = describe(idp, pool_id)
    assert pool["CustomDomain"] == "auth.example.com" and "Domain" not in pool


def test_a_certificate_swap_keeps_the_domain_and_writes_no_managed_login_version(
    idp: Any,
) -> None:
    pool_id = create_pool(idp)
    idp.create_user_pool_domain(UserPoolId=pool_id, Domain="auth.example.com",
                                CustomDomainConfig={"CertificateArn": CERTIFICATE})

    updated = idp.update_user_pool_domain(UserPoolId=pool_id, Domain="auth.example.com",
                                          CustomDomainConfig={"CertificateArn": NEW_CERTIFICATE})

    described = idp.describe_user_pool_domain(Domain="auth.example.com")["DomainDescription"]
    assert described["CustomDomainConfig"] == {"CertificateArn": NEW_CERTIFICATE}
    assert "ManagedLoginVersion" not in described and "ManagedLoginVersion" not in updated
    assert describe(idp, pool_id)["CustomDomain"] == "auth.example.com"


def test_a_custom_domain_updated_without_its_certificate_is_refused(idp: Any) -> None:
    """terraform-provider-aws #43248: changing only ManagedLoginVersion of a custom
    domain fails with "Cannot convert custom domain to prefix domain."."""
    pool_id = create_pool(idp)
    idp.create_user_pool_domain(UserPoolId=pool_id, Domain="auth.example.com",
                                CustomDomainConfig={"CertificateArn": CERTIFICATE})

    assert refusal(idp.update_user_pool_domain, UserPoolId=pool_id, Domain="auth.example.com",
                   ManagedLoginVersion=2) == (
        "InvalidParameterException", "Cannot convert custom domain to prefix domain.")
    idp.update_user_pool_domain(UserPoolId=pool_id, Domain="auth.example.com",
                                ManagedLoginVersion=2,
                                CustomDomainConfig={"CertificateArn": CERTIFICATE})
    described = idp.describe_user_pool_domain(Domain="auth.example.com")["DomainDescription"]
    assert described["ManagedLoginVersion"] == 2


def test_writing_a_prefix_domain_answers_no_cloudfront_domain(idp: Any) -> None:
    pool_id = create_pool(idp)

    created = idp.create_user_pool_domain(UserPoolId=pool_id, Domain="poolsync-test")
    updated = idp.update_user_pool_domain(UserPoolId=pool_id, Domain="poolsync-test",
                                          ManagedLoginVersion=2)

    assert without_metadata(created) == {}
    assert without_metadata(updated) == {"ManagedLoginVersion": 2}



@pytest.mark.parametrize(("prefix", "word"), [
    ("newcognito", "cognito"),  # aws-amplify/amplify-cli #3854
    ("aws-content-analysis-dataplane-1hocmg2w2zumk", "aws"),  # content-analysis-on-aws #8
    ("shop-amazon-login", "amazon"),
])
def test_a_prefix_with_a_reserved_word_is_refused(idp: Any, prefix: str, word: str) -> None:
    pool_id = create_pool(idp)

    assert refusal(idp.create_user_pool_domain, UserPoolId=pool_id, Domain=prefix) == (
        "InvalidParameterException", f"Domain cannot contain reserved word: {word}")
    assert idp.describe_user_pool_domain(Domain=prefix)["DomainDescription"] == {}


def test_a_custom_domain_may_contain_a_reserved_word(idp: Any) -> None:
    """Only prefixes are checked (no source shows a custom domain refused for it)."""
    pool_id = create_pool(idp)

    idp.create_user_pool_domain(UserPoolId=pool_id, Domain="auth.aws-shop.example.com",
                                CustomDomainConfig={"CertificateArn": CERTIFICATE})

    assert describe(idp, pool_id)["CustomDomain"] == "auth.aws-shop.example.com"


@pytest.mark.parametrize("certificate", [
    CERTIFICATE.replace("us-east-1", "eu-west-1"),
    CERTIFICATE.replace(":acm:", ":iam:"),
    CERTIFICATE.replace("us-east-1", ""),
])
def test_a_custom_domain_certificate_outside_us_east_1_acm_is_refused(
    idp: Any, certificate: str,
) -> None:
    """botocore CreateUserPoolDomain: the certificate must be in US East (N. Virginia);
    CloudFront's words as Cognito answers them (aws-amplify/amplify-hosting #2278)."""
    pool_id = create_pool(idp)

    assert refusal(idp.create_user_pool_domain, UserPoolId=pool_id, Domain="auth.example.com",
                   CustomDomainConfig={"CertificateArn": certificate}) == (
        "InvalidParameterException", CERTIFICATE_REFUSAL)
    assert "CustomDomain" not in describe(idp, pool_id)


def test_a_certificate_swap_to_another_region_is_refused_and_keeps_the_old_one(
    idp: Any,
) -> None:
    pool_id = create_pool(idp)
    idp.create_user_pool_domain(UserPoolId=pool_id, Domain="auth.example.com",
                                CustomDomainConfig={"CertificateArn": CERTIFICATE})
    elsewhere = NEW_CERTIFICATE.replace("us-east-1", "eu-central-1")

    assert refusal(idp.update_user_pool_domain, UserPoolId=pool_id, Domain="auth.example.com",
                   CustomDomainConfig={"CertificateArn": elsewhere}) == (
        "InvalidParameterException", CERTIFICATE_REFUSAL)
    described = idp.describe_user_pool_domain(Domain="auth.example.com")["DomainDescription"]
    assert described["CustomDomainConfig"] == {"CertificateArn": CERTIFICATE}

# --- 2. Schema ----------------------------------------------------------------------

REAL_POOL_2024 = load_real("describe_user_pool.aws-cli-example-2024.json")["UserPool"]
REAL_ATTRIBUTES_2024 = {a["Name"]: a for a in REAL_POOL_2024["SchemaAttributes"]}


def test_a_standard_entry_without_a_type_configures_the_standard_attribute(idp: Any) -> None:
    pool_id = create_pool(idp, Schema=[{"Name": "email", "Required": True, "Mutable": True}])

    reported = attributes(idp, pool_id)

    assert reported["email"] == {**REAL_ATTRIBUTES_2024["email"], "Required": True}
    assert reported["email"]["StringAttributeConstraints"] == {"MinLength": "0",
                                                               "MaxLength": "2048"}
    assert not [name for name in reported if name.startswith(("custom:", "dev:"))]


def test_add_custom_attributes_makes_a_standard_name_custom(idp: Any) -> None:
    pool_id = create_pool(idp)
    standard_sub = attributes(idp, pool_id)["sub"]

    idp.add_custom_attributes(UserPoolId=pool_id, CustomAttributes=[
        {"Name": "sub", "AttributeDataType": "String", "Mutable": True}])

    reported = attributes(idp, pool_id)
    assert reported["sub"] == standard_sub
    assert reported["custom:sub"] == {
        "Name": "custom:sub", "AttributeDataType": "String", "DeveloperOnlyAttribute": False,
        "Mutable": True, "Required": False, "StringAttributeConstraints": {"MaxLength": "2048"},
    }


def test_add_custom_attributes_developer_only_is_named_dev_custom(idp: Any) -> None:
    pool_id = create_pool(idp)

    idp.add_custom_attributes(UserPoolId=pool_id, CustomAttributes=[
        custom_string("secret", DeveloperOnlyAttribute=True)])

    reported = attributes(idp, pool_id)
    assert reported["dev:custom:secret"]["DeveloperOnlyAttribute"] is True
    assert "custom:secret" not in reported and "dev:secret" not in reported


def test_adding_a_custom_name_twice_is_refused(idp: Any) -> None:
    pool_id = create_pool(idp)
    idp.add_custom_attributes(UserPoolId=pool_id, CustomAttributes=[custom_string("sub")])

    assert refusal(idp.add_custom_attributes, UserPoolId=pool_id,
                   CustomAttributes=[custom_string("sub")]) == (
        "InvalidParameterException", "custom:sub: Existing attribute already has name custom:sub."
    )


def test_the_first_identity_provider_adds_identities_after_the_standard_attributes(
    idp: Any,
) -> None:
    pool_id = create_pool(idp, Schema=[custom_string("tenant")])
    assert "identities" not in attributes(idp, pool_id)

    idp.create_identity_provider(UserPoolId=pool_id, ProviderName="Google",
                                 ProviderType="Google", ProviderDetails={"client_id": "x"})

    names = list(attributes(idp, pool_id))
    assert names[20:] == ["identities", "custom:tenant"]
    assert attributes(idp, pool_id)["identities"] == REAL_ATTRIBUTES_2024["identities"]


# --- 3. Legacy message and validity fields ------------------------------------------

LEGACY_MESSAGES = {
    "EmailVerificationMessage": "Your code: {####}",
    "EmailVerificationSubject": "Verify your email",
    "SmsVerificationMessage": "SMS code: {####}",
}
MIRRORED_TEMPLATE = {
    "EmailMessage": "Your code: {####}",
    "EmailSubject": "Verify your email",
    "SmsMessage": "SMS code: {####}",
    "DefaultEmailOption": "CONFIRM_WITH_CODE",
}


@pytest.mark.parametrize("operation", ["create", "update"])
def test_legacy_verification_messages_are_mirrored_and_both_reported(
    idp: Any, operation: str
) -> None:
    if operation == "create":
        pool_id = create_pool(idp, **LEGACY_MESSAGES)
    else:
        pool_id = create_pool(idp)
        idp.update_user_pool(UserPoolId=pool_id, **LEGACY_MESSAGES)

    pool = describe(idp, pool_id)

    assert pool["VerificationMessageTemplate"] == MIRRORED_TEMPLATE
    assert {key: pool[key] for key in LEGACY_MESSAGES} == LEGACY_MESSAGES


def validity_days(pool: dict[str, Any]) -> tuple[int, int]:
    return (pool["Policies"]["PasswordPolicy"]["TemporaryPasswordValidityDays"],
            pool["AdminCreateUserConfig"]["UnusedAccountValidityDays"])


@pytest.mark.parametrize("operation", ["create", "update"])
def test_unused_account_validity_alone_sets_the_temporary_password_validity(
    idp: Any, operation: str
) -> None:
    legacy = {"AdminCreateUserConfig": {"UnusedAccountValidityDays": 3}}
    if operation == "create":
        pool_id = create_pool(idp, **legacy)
    else:
        pool_id = create_pool(idp)
        idp.update_user_pool(UserPoolId=pool_id, **legacy)

    assert validity_days(describe(idp, pool_id)) == (3, 3)


BOTH_VALIDITIES = {
    "AdminCreateUserConfig": {"UnusedAccountValidityDays": 3},
    "Policies": {"PasswordPolicy": {"MinimumLength": 8, "TemporaryPasswordValidityDays": 4}},
}
USE_TEMPORARY = (
    "InvalidParameterException",
    "Please use TemporaryPasswordValidityDays in PasswordPolicy instead of "
    "UnusedAccountValidityDays",
)


def test_both_validity_fields_in_one_request_are_refused(idp: Any) -> None:
    assert refusal(idp.create_user_pool, PoolName="pool", **BOTH_VALIDITIES) == USE_TEMPORARY
    assert idp.list_user_pools(MaxResults=10)["UserPools"] == []

    pool_id = create_pool(idp)
    assert refusal(idp.update_user_pool, UserPoolId=pool_id, **BOTH_VALIDITIES) == USE_TEMPORARY
    assert validity_days(describe(idp, pool_id)) == (7, 7)


def test_a_zero_unused_account_validity_beside_the_policy_is_accepted(idp: Any) -> None:
    # terraform-provider-aws #8827's workaround: the legacy member sent as 0.
    pool_id = create_pool(idp, **{**BOTH_VALIDITIES,
                                  "AdminCreateUserConfig": {"UnusedAccountValidityDays": 0}})

    assert validity_days(describe(idp, pool_id)) == (4, 4)


# --- 4. Identity provider attribute mappings ----------------------------------------


def create_google(idp: Any, pool_id: str, mapping: dict[str, str]) -> Any:
    return idp.create_identity_provider(UserPoolId=pool_id, ProviderName="Google",
                                        ProviderType="Google",
                                        ProviderDetails={"client_id": "x"},
                                        AttributeMapping=mapping)


@pytest.mark.parametrize("attribute", ["custom:nope", "dev:custom:nope"])
def test_mapping_to_an_attribute_the_pool_lacks_is_refused(idp: Any, attribute: str) -> None:
    pool_id = create_pool(idp, Schema=[custom_string("tenant")])

    assert refusal(create_google, idp=idp, pool_id=pool_id,
                   mapping={"email": "email", attribute: "groups"}) == (
        "InvalidParameterException", f"AttributeMapping contains invalid mapping: [{attribute}]"
    )
    assert idp.list_identity_providers(UserPoolId=pool_id)["Providers"] == []


def test_mapping_a_bare_name_the_pool_does_not_know_is_accepted(idp: Any) -> None:
    """aws/aws-cdk #26820; CDK's deployed Login with Amazon integration test maps one."""
    pool_id = create_pool(idp)
    created = create_google(idp, pool_id, {"email": "email", "userId": "user_id"})
    assert created["IdentityProvider"]["AttributeMapping"]["userId"] == "user_id"


def test_mapping_to_standard_and_existing_custom_attributes_is_accepted(idp: Any) -> None:
    pool_id = create_pool(idp, Schema=[custom_string("tenant")])
    mapping = {"email": "email", "email_verified": "email_verified",
               "custom:tenant": "hd", "username": "sub"}

    created = create_google(idp, pool_id, mapping)

    assert created["IdentityProvider"]["AttributeMapping"] == mapping


def test_an_update_mapping_to_a_missing_attribute_is_refused(idp: Any) -> None:
    pool_id = create_pool(idp)
    create_google(idp, pool_id, {"email": "email"})

    assert refusal(idp.update_identity_provider, UserPoolId=pool_id, ProviderName="Google",
                   AttributeMapping={"email": "email", "custom:tenant": "hd"}) == (
        "InvalidParameterException", "AttributeMapping contains invalid mapping: [custom:tenant]"
    )
    described = idp.describe_identity_provider(UserPoolId=pool_id, ProviderName="Google")
    assert described["IdentityProvider"]["AttributeMapping"] == {"email": "email",
                                                                 "username": "sub"}


# --- 5. Attributes that require verification before an update -----------------------

VERIFY_EMAIL = {"AttributesRequireVerificationBeforeUpdate": ["email"]}
NOT_AUTO_VERIFIED = (
    "InvalidParameterException",
    "All attributes in AttributesRequireVerificationBeforeUpdate must exist in "
    "AutoVerifiedAttributes",
)


def test_create_refuses_verification_of_an_attribute_not_auto_verified(idp: Any) -> None:
    assert refusal(idp.create_user_pool, PoolName="pool", AutoVerifiedAttributes=["phone_number"],
                   UserAttributeUpdateSettings=VERIFY_EMAIL) == NOT_AUTO_VERIFIED

    pool_id = create_pool(idp, AutoVerifiedAttributes=["email"],
                          UserAttributeUpdateSettings=VERIFY_EMAIL)
    assert describe(idp, pool_id)["UserAttributeUpdateSettings"] == VERIFY_EMAIL


def test_update_judges_the_settings_it_keeps_against_what_it_leaves(idp: Any) -> None:
    pool_id = create_pool(idp, AutoVerifiedAttributes=["email"],
                          UserAttributeUpdateSettings=VERIFY_EMAIL)

    # aws/aws-cli #7151: the omitted AutoVerifiedAttributes resets, the settings stay.
    assert refusal(idp.update_user_pool, UserPoolId=pool_id,
                   DeletionProtection="ACTIVE") == NOT_AUTO_VERIFIED
    assert refusal(idp.update_user_pool, UserPoolId=pool_id,
                   AutoVerifiedAttributes=["phone_number"],
                   UserAttributeUpdateSettings=VERIFY_EMAIL) == NOT_AUTO_VERIFIED
    pool = describe(idp, pool_id)
    assert pool["AutoVerifiedAttributes"] == ["email"]
    assert pool["DeletionProtection"] == "INACTIVE"

    idp.update_user_pool(UserPoolId=pool_id, UserAttributeUpdateSettings={
        "AttributesRequireVerificationBeforeUpdate": []})
    pool = describe(idp, pool_id)
    assert "AutoVerifiedAttributes" not in pool
    assert pool["UserAttributeUpdateSettings"] == {"AttributesRequireVerificationBeforeUpdate": []}


# --- 6. App clients -----------------------------------------------------------------


@pytest.mark.parametrize("member", ["ReadAttributes", "WriteAttributes"])
def test_client_attributes_the_pool_lacks_are_refused(idp: Any, member: str) -> None:
    pool_id = create_pool(idp, Schema=[custom_string("tenant")])
    client_id = idp.create_user_pool_client(UserPoolId=pool_id,
                                            ClientName="web")["UserPoolClient"]["ClientId"]
    noun = member.removesuffix("Attributes").lower()

    created = refusal(idp.create_user_pool_client, UserPoolId=pool_id, ClientName="other",
                      **{member: ["email", "custom:nope"]})
    updated = refusal(idp.update_user_pool_client, UserPoolId=pool_id, ClientId=client_id,
                      ClientName="web", **{member: ["custom:nope"]})

    assert created == ("InvalidParameterException",
                       f"Invalid {noun} attributes specified while creating a client")
    assert updated == ("InvalidParameterException",
                       f"Invalid {noun} attributes specified while updating a client")
    assert len(idp.list_user_pool_clients(UserPoolId=pool_id,
                                          MaxResults=10)["UserPoolClients"]) == 1


def test_client_attributes_the_pool_has_are_accepted(idp: Any) -> None:
    pool_id = create_pool(idp, Schema=[custom_string("tenant")])

    created = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="web",
        ReadAttributes=["email", "email_verified", "custom:tenant"],
        WriteAttributes=["email", "custom:tenant"])["UserPoolClient"]

    assert created["ReadAttributes"] == ["email", "email_verified", "custom:tenant"]
    assert created["WriteAttributes"] == ["email", "custom:tenant"]


def test_refresh_token_rotation_reports_its_grace_period(idp: Any) -> None:
    pool_id = create_pool(idp)
    disabled = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="a",
                                           RefreshTokenRotation={"Feature": "DISABLED"})
    enabled = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="b",
        RefreshTokenRotation={"Feature": "ENABLED", "RetryGracePeriodSeconds": 10})
    plain = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="c")

    def described(created: Any) -> dict[str, Any]:
        client: dict[str, Any] = idp.describe_user_pool_client(
            UserPoolId=pool_id, ClientId=created["UserPoolClient"]["ClientId"])["UserPoolClient"]
        return client

    assert described(disabled)["RefreshTokenRotation"] == {"Feature": "DISABLED",
                                                           "RetryGracePeriodSeconds": 0}
    assert described(enabled)["RefreshTokenRotation"] == {"Feature": "ENABLED",
                                                          "RetryGracePeriodSeconds": 10}
    assert "RefreshTokenRotation" not in described(plain)


# --- 7. MFA and passkeys ------------------------------------------------------------


def test_web_authn_is_reported_with_user_verification_defaulted(idp: Any) -> None:
    pool_id = create_pool(idp)

    answered = idp.set_user_pool_mfa_config(
        UserPoolId=pool_id, WebAuthnConfiguration={"RelyingPartyId": "auth.example.com"})

    expected = {"RelyingPartyId": "auth.example.com", "UserVerification": "preferred"}
    assert answered["WebAuthnConfiguration"] == expected
    assert mfa_config(idp, pool_id) == {"MfaConfiguration": "OFF",
                                        "WebAuthnConfiguration": expected}


def test_web_authn_keeps_what_was_written(idp: Any) -> None:
    pool_id = create_pool(idp)
    written = {"RelyingPartyId": "auth.example.com", "UserVerification": "required",
               **MULTI_FACTOR}

    idp.set_user_pool_mfa_config(UserPoolId=pool_id, WebAuthnConfiguration=written)

    assert mfa_config(idp, pool_id)["WebAuthnConfiguration"] == written


def test_set_mfa_config_without_web_authn_clears_it(idp: Any) -> None:
    pool_id = create_pool(idp)
    idp.set_user_pool_mfa_config(UserPoolId=pool_id, **TOTP_ON,
                                 WebAuthnConfiguration={"RelyingPartyId": "auth.example.com"})

    idp.set_user_pool_mfa_config(UserPoolId=pool_id, **TOTP_ON)

    assert mfa_config(idp, pool_id) == {"MfaConfiguration": "ON",
                                        "SoftwareTokenMfaConfiguration": {"Enabled": True}}


ONLY_PASSWORD_AND_WEB_AUTHN = (
    "InvalidParameterException",
    "Only PASSWORD and WEB_AUTHN (if configured) can be enabled as an auth factor if MFA is "
    "enabled",
)


@pytest.mark.parametrize("factor", ["EMAIL_OTP", "SMS_OTP"])
def test_mfa_on_is_refused_while_an_otp_is_a_first_factor(idp: Any, factor: str) -> None:
    pool_id = create_pool(idp, Policies=sign_in(factor), SmsConfiguration=SMS_CONFIGURATION)

    assert refusal(idp.set_user_pool_mfa_config, UserPoolId=pool_id,
                   **TOTP_ON) == ONLY_PASSWORD_AND_WEB_AUTHN
    assert mfa_config(idp, pool_id) == {"MfaConfiguration": "OFF"}

    idp.set_user_pool_mfa_config(UserPoolId=pool_id, **{**TOTP_ON, "MfaConfiguration": "OPTIONAL"})
    assert mfa_config(idp, pool_id)["MfaConfiguration"] == "OPTIONAL"


@pytest.mark.parametrize("factor", ["EMAIL_OTP", "SMS_OTP"])
def test_update_cannot_add_an_otp_first_factor_while_mfa_is_on(idp: Any, factor: str) -> None:
    pool_id = create_pool(idp, SmsConfiguration=SMS_CONFIGURATION)
    idp.set_user_pool_mfa_config(UserPoolId=pool_id, **TOTP_ON)

    assert refusal(idp.update_user_pool, UserPoolId=pool_id, AutoVerifiedAttributes=["email"],
                   Policies=sign_in(factor)) == ONLY_PASSWORD_AND_WEB_AUTHN
    pool = describe(idp, pool_id)
    assert "AutoVerifiedAttributes" not in pool  # refused whole, as AWS does (cdkd #2051)
    assert "SignInPolicy" not in pool["Policies"]


def test_a_kept_otp_first_factor_still_blocks_mfa_on(idp: Any) -> None:
    # cdkd #2051, measured: an update omitting Policies keeps EMAIL_OTP, then ON fails.
    pool_id = create_pool(idp, Policies=sign_in("EMAIL_OTP"))
    idp.update_user_pool(UserPoolId=pool_id, AutoVerifiedAttributes=["email"])

    assert refusal(idp.set_user_pool_mfa_config, UserPoolId=pool_id,
                   **TOTP_ON) == ONLY_PASSWORD_AND_WEB_AUTHN


SINGLE_FACTOR_UNDER_MFA = (
    "InvalidParameterException",
    "Cannot set WebAuthn factor configuration to SINGLE_FACTOR if MFA is required and "
    "WebAuthn is an allowed first auth factor",
)


@pytest.mark.parametrize("web_authn", [None, {"UserVerification": "required"},
                                       {"FactorConfiguration": "SINGLE_FACTOR"}],
                         ids=["no-block", "no-factor-configuration", "single-factor"])
def test_mfa_on_with_web_authn_first_needs_multi_factor_passkeys(
    idp: Any, web_authn: dict[str, Any] | None
) -> None:
    pool_id = create_pool(idp, Policies=sign_in("WEB_AUTHN"))
    request = dict(TOTP_ON) if web_authn is None else {**TOTP_ON,
                                                        "WebAuthnConfiguration": web_authn}

    assert refusal(idp.set_user_pool_mfa_config, UserPoolId=pool_id,
                   **request) == SINGLE_FACTOR_UNDER_MFA
    assert mfa_config(idp, pool_id) == {"MfaConfiguration": "OFF"}


def test_multi_factor_passkeys_allow_mfa_on_and_must_be_resent(idp: Any) -> None:
    pool_id = create_pool(idp, Policies=sign_in("WEB_AUTHN"))

    idp.set_user_pool_mfa_config(UserPoolId=pool_id, **TOTP_ON,
                                 WebAuthnConfiguration=MULTI_FACTOR)
    assert mfa_config(idp, pool_id)["MfaConfiguration"] == "ON"

    # A full replace: the omitted block reads as SINGLE_FACTOR (cdkd #2064, measured).
    assert refusal(idp.set_user_pool_mfa_config, UserPoolId=pool_id,
                   **TOTP_ON) == SINGLE_FACTOR_UNDER_MFA
    assert mfa_config(idp, pool_id)["WebAuthnConfiguration"]["FactorConfiguration"] == (
        "MULTI_FACTOR_WITH_USER_VERIFICATION"
    )


def test_update_adds_web_authn_under_mfa_on_only_with_multi_factor_passkeys(idp: Any) -> None:
    pool_id = create_pool(idp)
    idp.set_user_pool_mfa_config(UserPoolId=pool_id, **TOTP_ON)

    assert refusal(idp.update_user_pool, UserPoolId=pool_id, Policies=sign_in("WEB_AUTHN")) == (
        "InvalidParameterException",
        "WEB_AUTHN cannot be used as an auth factor when MFA is enabled if not configured for MFA",
    )

    idp.set_user_pool_mfa_config(UserPoolId=pool_id, **TOTP_ON,
                                 WebAuthnConfiguration=MULTI_FACTOR)
    idp.update_user_pool(UserPoolId=pool_id, Policies=sign_in("WEB_AUTHN"))
    assert describe(idp, pool_id)["Policies"]["SignInPolicy"] == {
        "AllowedFirstAuthFactors": ["PASSWORD", "WEB_AUTHN"]}


def test_sms_mfa_without_a_message_uses_the_pools_message(idp: Any) -> None:
    pool_id = create_pool(idp, SmsConfiguration=SMS_CONFIGURATION,
                          SmsAuthenticationMessage="Sign-in code {####}")

    idp.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="ON",
                                 SmsMfaConfiguration={"SmsConfiguration": SMS_CONFIGURATION})

    assert mfa_config(idp, pool_id)["SmsMfaConfiguration"] == {
        "SmsAuthenticationMessage": "Sign-in code {####}",
        "SmsConfiguration": SMS_CONFIGURATION,
    }


# --- 8. What the pool reports, and what an update keeps -----------------------------


def test_a_pool_without_triggers_reports_an_empty_lambda_config(idp: Any) -> None:
    real = load_real("describe_user_pool.aws-cli-example-2019.json")["UserPool"]
    pool_id = create_pool(idp)

    assert describe(idp, pool_id)["LambdaConfig"] == real["LambdaConfig"] == {}


KEPT_WHEN_OMITTED = {
    "AccountRecoverySetting": {"RecoveryMechanisms": [{"Priority": 1, "Name": "admin_only"}]},
    "EmailConfiguration": {"EmailSendingAccount": "DEVELOPER",
                           "SourceArn": "arn:aws:ses:eu-west-1:123456789012:identity/a@b.c"},
    "SmsConfiguration": SMS_CONFIGURATION,
    "UserPoolTags": {"team": "identity"},
}
RESET_WHEN_OMITTED = {
    "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": True},
    "DeviceConfiguration": {"ChallengeRequiredOnNewDevice": True},
    "UserPoolAddOns": {"AdvancedSecurityMode": "AUDIT"},
    "VerificationMessageTemplate": {"DefaultEmailOption": "CONFIRM_WITH_LINK"},
}


def test_update_keeps_and_resets_what_it_omits_as_measured(idp: Any) -> None:
    """go-to-k/cdkd #4066 (us-east-1): the first group survives an omitting update,
    the second resets."""
    pool_id = create_pool(idp, UserPoolTier="PLUS", **KEPT_WHEN_OMITTED, **RESET_WHEN_OMITTED)

    idp.update_user_pool(UserPoolId=pool_id, DeletionProtection="ACTIVE")

    pool = describe(idp, pool_id)
    assert {key: pool[key] for key in KEPT_WHEN_OMITTED} == KEPT_WHEN_OMITTED
    assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is False
    assert pool["VerificationMessageTemplate"]["DefaultEmailOption"] == "CONFIRM_WITH_CODE"
    assert "DeviceConfiguration" not in pool and "UserPoolAddOns" not in pool


# --- 9. The model's constraints -----------------------------------------------------

def validation_error(*errors: str) -> tuple[str, str]:
    count = f"{len(errors)} validation error{'s' if len(errors) > 1 else ''}"
    return "InvalidParameterException", f"{count} detected: {'; '.join(errors)}"


@pytest.mark.parametrize(("request_", "error"), [
    ({"Description": "x" * 2049},
     "Value at 'description' failed to satisfy constraint: "
     "Member must have length less than or equal to 2048"),
    ({"Precedence": 2**31},
     "Value at 'precedence' failed to satisfy constraint: "
     "Member must have value less than or equal to 2147483647"),
    ({"RoleArn": "arn:aws:iam::123456789012:role/a role"},
     "Value at 'roleArn' failed to satisfy constraint: Member must satisfy regular "
     "expression pattern: arn:[\\w+=/,.@-]+:[\\w+=/,.@-]+:([\\w+=/,.@-]*)?:[0-9]+:"
     "[\\w+=/,.@-]+(:[\\w+=/,.@-]+)?(:[\\w+=/,.@-]+)?"),
], ids=["length", "32-bit-range", "pattern"])
def test_a_value_outside_the_model_is_refused_in_aws_words(
        idp: Any, request_: dict[str, Any], error: str) -> None:
    pool_id = create_pool(idp)

    assert refusal(idp.create_group, UserPoolId=pool_id, GroupName="g",
                   **request_) == validation_error(error)
    assert idp.list_groups(UserPoolId=pool_id)["Groups"] == []


@pytest.mark.parametrize("name", ["клиент", "\uff57\uff45\uff42", "tab\u00a0space"],
                         ids=["cyrillic", "fullwidth", "no-break-space"])
def test_java_patterns_read_w_and_s_as_ascii(idp: Any, name: str) -> None:
    """ClientNameType ``[\\w\\s+=,.@-]+`` in Java: ``\\w`` and ``\\s`` are ASCII."""
    assert refusal(idp.create_user_pool_client, UserPoolId=create_pool(idp),
                   ClientName=name) == validation_error(
        "Value at 'clientName' failed to satisfy constraint: Member must satisfy regular "
        "expression pattern: [\\w\\s+=,.@-]+")


def test_values_at_the_models_limits_are_accepted(idp: Any) -> None:
    pool_id = create_pool(idp)

    idp.create_group(UserPoolId=pool_id, GroupName="g", Description="x" * 2048,
                     Precedence=2**31 - 1)
    idp.create_user_pool_client(UserPoolId=pool_id, ClientName="web app+1=2,3.4@5-6_7\t")

    assert idp.get_group(UserPoolId=pool_id, GroupName="g")["Group"]["Precedence"] == 2**31 - 1


def test_every_broken_constraint_is_counted_and_named(idp: Any) -> None:
    """One error per broken constraint, in AWS's path form: nested members in
    lowerCamelCase, a structure in a list counted from 1 (amazon-cognito-identity-js
    #388; aws/aws-cdk PR #14699)."""
    assert refusal(
        idp.create_user_pool, PoolName="p" * 129,
        Policies={"PasswordPolicy": {"MinimumLength": 100}},
        Schema=[custom_string("ok"), custom_string("x" * 21)],
    ) == validation_error(
        "Value at 'poolName' failed to satisfy constraint: Member must have length less "
        "than or equal to 128",
        "Value at 'policies.passwordPolicy.minimumLength' failed to satisfy constraint: "
        "Member must have value less than or equal to 99",
        "Value at 'schema.2.member.name' failed to satisfy constraint: Member must have "
        "length less than or equal to 20",
    )
    assert idp.list_user_pools(MaxResults=60)["UserPools"] == []


def test_a_string_in_a_list_is_reported_at_the_list_with_its_constraints(idp: Any) -> None:
    """aws/aws-cli #2941: "Member must satisfy constraint: [Member must have length less
    than or equal to 1024, ...]" for CallbackURLs."""
    pool_id = create_pool(idp)

    assert refusal(idp.create_user_pool_client, UserPoolId=pool_id, ClientName="web",
                   CallbackURLs=["https://ok.example.com", "https://" + "a" * 1020]
                   ) == validation_error(
        "Value at 'callbackURLs' failed to satisfy constraint: Member must satisfy "
        "constraint: [Member must have length less than or equal to 1024, Member must "
        "have length greater than or equal to 1, Member must satisfy regular expression "
        "pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+]")


@pytest.mark.parametrize(("tags", "part", "constraints"), [
    ({"k" * 129: "v"}, "Map keys",
     "Member must have length less than or equal to 128, Member must have length greater "
     "than or equal to 1"),
    ({"team": "v" * 257}, "Map value",
     "Member must have length less than or equal to 256, Member must have length greater "
     "than or equal to 0"),
    ({"équipe": "v" * 257}, "Map value",
     "Member must have length less than or equal to 256, Member must have length greater "
     "than or equal to 0"),
], ids=["key", "value", "value-under-a-key-shown-by-position"])
def test_a_map_entry_is_reported_at_the_map(
        idp: Any, tags: dict[str, str], part: str, constraints: str) -> None:
    """aws/aws-cdk #31795: "Map value must satisfy constraint: [...]"."""
    assert refusal(idp.create_user_pool, PoolName="p", UserPoolTags=tags) == validation_error(
        f"Value at 'userPoolTags' failed to satisfy constraint: {part} must satisfy "
        f"constraint: [{constraints}]")


def test_a_prefix_domain_keeps_its_pattern_and_a_custom_domain_is_a_name(idp: Any) -> None:
    """DomainType is a prefix's pattern; a custom domain is a fully-qualified name
    (botocore CreateUserPoolDomain.Domain)."""
    pool_id = create_pool(idp)

    assert refusal(idp.create_user_pool_domain, UserPoolId=pool_id,
                   Domain="Not_A_Prefix") == validation_error(
        "Value at 'domain' failed to satisfy constraint: Member must satisfy regular "
        "expression pattern: ^[a-z0-9](?:[a-z0-9\\-]{0,61}[a-z0-9])?$")
    idp.create_user_pool_domain(UserPoolId=pool_id, Domain="auth.example.com",
                                CustomDomainConfig={"CertificateArn": CERTIFICATE})


def test_the_local_endpoint_refuses_as_the_in_process_one() -> None:
    """The check sits in moto's dispatch, which mock_aws() and the threaded server
    share: the HTTP answer is the same InvalidParameterException."""
    from poolsync.standin import LocalCognito

    with LocalCognito() as local:
        client = local.client()
        pool_id = client.create_user_pool(PoolName="local")["UserPool"]["Id"]
        try:
            assert refusal(client.create_group, UserPoolId=pool_id, GroupName="g",
                           Description="x" * 2049) == validation_error(
                "Value at 'description' failed to satisfy constraint: Member must have "
                "length less than or equal to 2048")
        finally:
            client.delete_user_pool(UserPoolId=pool_id)


def test_plain_moto_has_no_model_check(plain_moto: None) -> None:
    from moto.cognitoidp.responses import CognitoIdpResponse

    idp = boto3.client("cognito-idp", region_name=REGION)
    pool_id = idp.create_user_pool(PoolName="p")["UserPool"]["Id"]

    idp.create_group(UserPoolId=pool_id, GroupName="g", Description="x" * 2049)
    assert "call_action" not in vars(CognitoIdpResponse)


# --- 10. Feature plans (UserPoolTier) -----------------------------------------------

PRE_TOKEN = "arn:aws:lambda:eu-west-1:123456789012:function:pre-token"
SES_EMAIL = {"EmailSendingAccount": "DEVELOPER",
             "SourceArn": "arn:aws:ses:eu-west-1:123456789012:identity/example.com"}
EMAIL_MFA_OPTIONAL = {"MfaConfiguration": "OPTIONAL",
                      "EmailMfaConfiguration": {"Message": "Code {####}", "Subject": "Code"}}


def tier_refusal(tier: str, *features: str) -> tuple[str, str]:
    """terraform-provider-aws PR #40734 quotes the message for Threat Protection."""
    return ("FeatureUnavailableInTierException",
            f"The following features need to be disabled for the {tier} pricing tier "
            f"configured: {', '.join(features)}")


def pre_token(version: str) -> dict[str, Any]:
    return {"PreTokenGenerationConfig": {"LambdaArn": PRE_TOKEN, "LambdaVersion": version}}


@pytest.mark.parametrize(("tier", "request_", "feature"), [
    ("ESSENTIALS", {"UserPoolAddOns": {"AdvancedSecurityMode": "AUDIT"}}, "Threat Protection"),
    ("ESSENTIALS", {"UserPoolAddOns": {"AdvancedSecurityMode": "ENFORCED"}},
     "Threat Protection"),
    ("LITE", {"Policies": sign_in("EMAIL_OTP")}, "Passwordless Sign-In"),
    ("LITE", {"LambdaConfig": pre_token("V2_0")}, "Access Token Customization"),
    ("LITE", {"LambdaConfig": pre_token("V3_0")}, "Access Token Customization"),
], ids=["audit", "enforced", "passwordless", "pre-token-v2", "pre-token-v3"])
def test_create_refuses_a_feature_above_the_tier(
        idp: Any, tier: str, request_: dict[str, Any], feature: str) -> None:
    assert refusal(idp.create_user_pool, PoolName="p", UserPoolTier=tier,
                   **request_) == tier_refusal(tier, feature)
    assert idp.list_user_pools(MaxResults=60)["UserPools"] == []


def test_a_new_pool_is_on_essentials_unless_told(idp: Any) -> None:
    """botocore CreateUserPoolRequest.UserPoolTier: "Defaults to ESSENTIALS"."""
    threat = {"UserPoolAddOns": {"AdvancedSecurityMode": "AUDIT"}}

    assert refusal(idp.create_user_pool, PoolName="p", **threat) == tier_refusal(
        "ESSENTIALS", "Threat Protection")
    create_pool(idp, Policies=sign_in("EMAIL_OTP", "WEB_AUTHN"), LambdaConfig=pre_token("V2_0"))


@pytest.mark.parametrize(("tier", "request_"), [
    ("PLUS", {"UserPoolAddOns": {"AdvancedSecurityMode": "ENFORCED"}}),
    ("LITE", {"UserPoolAddOns": {"AdvancedSecurityMode": "OFF"}}),
    ("LITE", {"Policies": sign_in()}),
    ("LITE", {"LambdaConfig": pre_token("V1_0")}),
    ("ESSENTIALS", {"Policies": sign_in("SMS_OTP"), "LambdaConfig": pre_token("V3_0")}),
], ids=["plus-threat-protection", "lite-off", "lite-password", "lite-v1", "essentials"])
def test_create_accepts_what_the_tier_includes(
        idp: Any, tier: str, request_: dict[str, Any]) -> None:
    assert describe(idp, create_pool(idp, UserPoolTier=tier, **request_))["UserPoolTier"] == tier


def test_every_missing_feature_is_named_once(idp: Any) -> None:
    assert refusal(idp.create_user_pool, PoolName="p", UserPoolTier="LITE",
                   UserPoolAddOns={"AdvancedSecurityMode": "AUDIT"},
                   Policies=sign_in("EMAIL_OTP"), LambdaConfig=pre_token("V2_0")
                   ) == tier_refusal("LITE", "Threat Protection", "Passwordless Sign-In",
                                     "Access Token Customization")


def test_update_judges_features_by_the_tier_it_leaves(idp: Any) -> None:
    """The request's UserPoolTier, or the stored one when it leaves it out (botocore
    UpdateUserPool: "With the exception of UserPoolTier")."""
    pool_id = create_pool(idp, UserPoolTier="LITE")

    assert refusal(idp.update_user_pool, UserPoolId=pool_id,
                   LambdaConfig=pre_token("V2_0")) == tier_refusal(
        "LITE", "Access Token Customization")
    idp.update_user_pool(UserPoolId=pool_id, UserPoolTier="ESSENTIALS",
                         LambdaConfig=pre_token("V2_0"))

    pool = describe(idp, pool_id)
    assert pool["UserPoolTier"] == "ESSENTIALS"
    assert pool["LambdaConfig"]["PreTokenGenerationConfig"]["LambdaVersion"] == "V2_0"


def test_lowering_the_tier_under_threat_protection_is_refused(idp: Any) -> None:
    """terraform-provider-aws PR #40734: disable threat protection before leaving PLUS."""
    threat = {"UserPoolAddOns": {"AdvancedSecurityMode": "AUDIT"}}
    pool_id = create_pool(idp, UserPoolTier="PLUS", **threat)

    assert refusal(idp.update_user_pool, UserPoolId=pool_id, UserPoolTier="ESSENTIALS",
                   **threat) == tier_refusal("ESSENTIALS", "Threat Protection")
    assert describe(idp, pool_id)["UserPoolTier"] == "PLUS"

    idp.update_user_pool(UserPoolId=pool_id, UserPoolTier="ESSENTIALS",
                         UserPoolAddOns={"AdvancedSecurityMode": "OFF"})
    assert describe(idp, pool_id)["UserPoolTier"] == "ESSENTIALS"


def test_lowering_the_tier_under_a_kept_sign_in_policy_is_refused(idp: Any) -> None:
    """An update that omits Policies keeps the SignInPolicy (go-to-k/cdkd #1968), so
    the passwordless factor still counts against the new tier."""
    pool_id = create_pool(idp, Policies=sign_in("EMAIL_OTP"))

    assert refusal(idp.update_user_pool, UserPoolId=pool_id,
                   UserPoolTier="LITE") == tier_refusal("LITE", "Passwordless Sign-In")
    idp.update_user_pool(UserPoolId=pool_id, UserPoolTier="LITE", Policies=sign_in())
    assert describe(idp, pool_id)["UserPoolTier"] == "LITE"


def test_set_mfa_config_refuses_email_and_passkey_mfa_on_lite(idp: Any) -> None:
    pool_id = create_pool(idp, UserPoolTier="LITE", EmailConfiguration=SES_EMAIL)
    passkeys = {"RelyingPartyId": "auth.example.com", **MULTI_FACTOR}

    assert refusal(idp.set_user_pool_mfa_config, UserPoolId=pool_id,
                   **EMAIL_MFA_OPTIONAL) == tier_refusal("LITE", "Email MFA")
    assert refusal(idp.set_user_pool_mfa_config, UserPoolId=pool_id, **TOTP_ON,
                   WebAuthnConfiguration=passkeys) == tier_refusal("LITE", "Passkey MFA")
    assert mfa_config(idp, pool_id) == {"MfaConfiguration": "OFF"}

    single = {"RelyingPartyId": "auth.example.com", "FactorConfiguration": "SINGLE_FACTOR"}
    idp.set_user_pool_mfa_config(UserPoolId=pool_id, **TOTP_ON, WebAuthnConfiguration=single)
    assert mfa_config(idp, pool_id)["WebAuthnConfiguration"]["FactorConfiguration"] == (
        "SINGLE_FACTOR")


def test_lowering_the_tier_under_email_or_passkey_mfa_is_refused(idp: Any) -> None:
    pool_id = create_pool(idp, EmailConfiguration=SES_EMAIL)
    idp.set_user_pool_mfa_config(
        UserPoolId=pool_id, **EMAIL_MFA_OPTIONAL,
        WebAuthnConfiguration={"RelyingPartyId": "auth.example.com", **MULTI_FACTOR})

    assert refusal(idp.update_user_pool, UserPoolId=pool_id,
                   UserPoolTier="LITE") == tier_refusal("LITE", "Email MFA", "Passkey MFA")
    assert describe(idp, pool_id)["UserPoolTier"] == "ESSENTIALS"
