"""Every planned request is checked against botocore's input shape before any write
(shapes.py): real recorded payloads pass; each kind of bad payload is named, at its
member path, without quoting a string."""

from __future__ import annotations

import dataclasses
import datetime
import json
import os
import unicodedata
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from botocore.model import Shape

from poolsync import shapes
from poolsync.config import load_config
from poolsync.model import MISSING, POOL_ARN, POOL_ID
from poolsync.normalize import UNKNOWN
from poolsync.plan import LivePool, plan_config, plan_pool
from tests.conftest import EXAMPLES, FIXTURES

RESPONSES = FIXTURES / "real-responses"
CONFIGS = FIXTURES / "real-configs"
POOL = "us-west-2_EXAMPLE"
CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/a1b2c3d4-5678-90ab-cdef-EXAMPLE33333"
SECRET = "s3cr3t-NEVER-PRINTED"
MODEL = botocore.session.get_session().get_service_model("cognito-idp")


def _response(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((RESPONSES / f"{name}.json").read_text())
    return data.get("data", data)  # placebo recordings wrap the response


def _members(operation: str, source: dict[str, Any]) -> dict[str, Any]:
    """The members of ``source`` that ``operation`` takes (its input shape's)."""
    names = MODEL.operation_model(operation).input_shape.members
    return {k: v for k, v in source.items() if k in names}


def _update_pool(**changes: Any) -> dict[str, Any]:
    """UpdateUserPool made of the 2024 describe example's updatable members."""
    pool = _response("describe_user_pool.aws-cli-example-2024")["UserPool"]
    return {**_members("UpdateUserPool", pool), "UserPoolId": pool["Id"], **changes}


def _problems(operation: str, params: dict[str, Any]) -> list[str]:
    return shapes.request_problems(operation, params)


# --------------------------------------------------------------------------- real payloads


def _real_requests() -> list[tuple[str, str, dict[str, Any]]]:
    out: list[tuple[str, str, dict[str, Any]]] = []
    for name in ("describe_user_pool.aws-cli-example-2024",
                 "describe_user_pool.aws-cli-example-2019",
                 "create_user_pool.aws-api-model-example-2023",
                 "describe_user_pool.cloud-custodian-placebo-2017-08-a",
                 "describe_user_pool.cloud-custodian-placebo-2017-11"):
        pool = _response(name)["UserPool"]
        out.append((name, "UpdateUserPool",
                    {**_members("UpdateUserPool", pool), "UserPoolId": pool["Id"]}))
        out.append((name, "CreateUserPool",
                    {**_members("CreateUserPool", pool), "PoolName": pool["Name"]}))
    for name in ("describe_user_pool_client.aws-cli-example-2019",
                 "describe_user_pool_client.cli-v2-transcript-2025-08",
                 "create_user_pool_client.aws-cli-example-2024"):
        client = _response(name)["UserPoolClient"]
        out.append((name, "UpdateUserPoolClient", _members("UpdateUserPoolClient", client)))
        # The examples redact the secret ("CLIENT_SECRET"): a create sends none.
        create = {k: v for k, v in client.items() if k != "ClientSecret"}
        out.append((name, "CreateUserPoolClient", _members("CreateUserPoolClient", create)))
    for name in ("describe_identity_provider.facebook.aws-cli-example-2019",
                 "create_identity_provider.saml-metadata-url.aws-cli-example-2024",
                 "create_identity_provider.saml-metadata-file.aws-cli-example-2024",
                 "get_identity_provider_by_identifier.saml.aws-cli-example-2025"):
        provider = _response(name)["IdentityProvider"]
        out.append((name, "CreateIdentityProvider",
                    _members("CreateIdentityProvider", provider)))
        out.append((name, "UpdateIdentityProvider",
                    _members("UpdateIdentityProvider", provider)))
    for name in ("get_user_pool_mfa_config.aws-cli-example-2025",
                 "get_user_pool_mfa_config.mfa-off.cli-v2-transcript-2025-08"):
        mfa = _response(name)
        out.append((name, "SetUserPoolMfaConfig",
                    {**_members("SetUserPoolMfaConfig", mfa), "UserPoolId": POOL}))
    for name in ("describe_user_pool_domain.aws-cli-example-2019",
                 "describe_user_pool_domain.prefix-domain.cli-v2-transcript-2025-08"):
        domain = _response(name)["DomainDescription"]
        version = _response("update_user_pool_domain.aws-cli-example-2025")["ManagedLoginVersion"]
        out.append((name, "CreateUserPoolDomain",
                    {"UserPoolId": domain["UserPoolId"], "Domain": domain["Domain"]}))
        out.append((name, "UpdateUserPoolDomain",
                    {"UserPoolId": domain["UserPoolId"], "Domain": domain["Domain"],
                     "ManagedLoginVersion": version}))
        out.append((name, "DeleteUserPoolDomain",
                    {"UserPoolId": domain["UserPoolId"], "Domain": domain["Domain"]}))
    return out


@pytest.mark.parametrize(("fixture", "operation", "params"), _real_requests(),
                         ids=lambda x: x if isinstance(x, str) else "")
def test_requests_made_of_recorded_responses_pass(
        fixture: str, operation: str, params: dict[str, Any]) -> None:
    assert params  # a request was built from the fixture
    assert _problems(operation, params) == []


def test_a_real_update_user_pool_carries_many_members() -> None:
    """The payload the other tests start from is the full one, not a stub."""
    assert len(_update_pool()) >= 15


def _planned_calls(config: Path, live: LivePool | None) -> list[Any]:
    (cfg,) = load_config([str(config)], environ={}).pools
    if live is None and "UserPoolTier" not in cfg.settings:
        # The 2024 pool reports no tier (it predates feature plans) and has threat
        # protection on: a new pool needs PLUS for that, or the plan refuses it.
        cfg = dataclasses.replace(cfg, settings={**cfg.settings, "UserPoolTier": "PLUS"})
    return [call for obj in plan_pool(cfg, live).objects for call in obj.calls]


@pytest.mark.parametrize("name", ["describe_user_pool.aws-cli-example-2024",
                                  "describe_user_pool.aws-cli-example-2019",
                                  "create_user_pool.aws-api-model-example-2023"])
def test_the_calls_the_planner_builds_from_real_responses_pass(name: str) -> None:
    pool = _response(name)["UserPool"]
    pool["Policies"]["PasswordPolicy"]["MinimumLength"] = 12  # a change: an UpdateUserPool
    updates = _planned_calls(CONFIGS / f"{name}.yaml", LivePool(pool, {"MfaConfiguration": "OFF"}))
    creates = _planned_calls(CONFIGS / f"{name}.yaml", None)
    assert "UpdateUserPool" in [c.operation for c in updates]
    assert "CreateUserPool" in [c.operation for c in creates]
    for call in updates + creates:
        assert _problems(call.operation, call.params) == [], call.operation


def test_the_calls_the_planner_builds_for_the_examples_pass() -> None:
    config = load_config(sorted(str(p) for p in EXAMPLES.glob("*.yaml")), environ=os.environ)
    calls = [call for obj in plan_config(config, {}).objects for call in obj.calls]
    assert {"CreateUserPool", "CreateUserPoolClient", "CreateUserPoolDomain"} <= {
        c.operation for c in calls}
    for call in calls:
        assert _problems(call.operation, call.params) == [], call.operation


# --------------------------------------------------------------------------- operations


def test_known_operation() -> None:
    assert shapes.known_operation("UpdateUserPool")
    assert shapes.known_operation("SetUserPoolMfaConfig")
    assert not shapes.known_operation("UpdateUserPools")
    assert not shapes.known_operation("updateUserPool")


def test_an_unknown_operation_is_a_problem() -> None:
    (problem,) = _problems("UpdateUserPools", {})
    assert problem.startswith("UpdateUserPools: not an operation of cognito-idp")


def test_params_that_are_not_a_mapping() -> None:
    assert shapes.request_problems("UpdateUserPool", ["x"]) == [  # type: ignore[arg-type]
        "UpdateUserPool: a list is not a mapping (UpdateUserPoolRequest)"]


# --------------------------------------------------------------------------- structures


def test_an_unknown_member_is_named_at_its_path() -> None:
    params = _update_pool(Colour="blue",
                          Policies={"PasswordPolicy": {"MinimumLength": 8}, "Extra": 1})
    assert _problems("UpdateUserPool", params) == [
        "UpdateUserPool.Policies.Extra: not a member of UserPoolPolicyType",
        "UpdateUserPool.Colour: not a member of UpdateUserPoolRequest",
    ]


def test_a_missing_required_member() -> None:
    params = _update_pool()
    del params["UserPoolId"]
    assert _problems("UpdateUserPool", params) == [
        "UpdateUserPool.UserPoolId: required member is missing"]


def test_a_missing_required_member_inside_a_list_item() -> None:
    params = _update_pool(AccountRecoverySetting={"RecoveryMechanisms": [{"Priority": 1}]})
    assert _problems("UpdateUserPool", params) == [
        "UpdateUserPool.AccountRecoverySetting.RecoveryMechanisms[0].Name: "
        "required member is missing"]


def test_a_structure_that_is_not_a_mapping() -> None:
    assert _problems("UpdateUserPool", _update_pool(Policies=[1])) == [
        "UpdateUserPool.Policies: a list is not a mapping (UserPoolPolicyType)"]


def test_a_member_name_that_is_not_a_string() -> None:
    assert _problems("UpdateUserPool", {**_update_pool(), 7: "x"}) == [  # type: ignore[dict-item]
        "UpdateUserPool: 7 is not a member name"]


# --------------------------------------------------------------------------- integers


def test_a_float_for_an_integer() -> None:
    params = _update_pool(Policies={"PasswordPolicy": {"MinimumLength": 3.0}})
    assert _problems("UpdateUserPool", params) == [
        "UpdateUserPool.Policies.PasswordPolicy.MinimumLength: 3.0 is not an integer"]


def test_a_float_precedence() -> None:
    params = {"UserPoolId": POOL, "GroupName": "admins", "Precedence": 3.0}
    assert _problems("CreateGroup", params) == ["CreateGroup.Precedence: 3.0 is not an integer"]


def test_a_boolean_for_an_integer() -> None:
    """bool is an int in Python (and botocore lets it through); not for Cognito."""
    params = _update_pool(Policies={"PasswordPolicy": {"MinimumLength": True}})
    assert _problems("UpdateUserPool", params) == [
        "UpdateUserPool.Policies.PasswordPolicy.MinimumLength: "
        "the boolean true is not an integer"]


def test_a_5000_digit_integer_is_named_by_its_size() -> None:
    huge = 10**4999 + 7
    (problem,) = _problems("CreateGroup", {"UserPoolId": POOL, "GroupName": "g",
                                           "Precedence": huge})
    assert problem == ("CreateGroup.Precedence: a 5000-digit integer is above the maximum "
                       "2147483647 (the 32-bit limit)")
    (problem,) = _problems("CreateGroup", {"UserPoolId": POOL, "GroupName": "g",
                                           "Precedence": -huge})
    assert problem == "CreateGroup.Precedence: a negative 5000-digit integer is below the minimum 0"


@pytest.mark.parametrize(("value", "shown"), [
    (10**19, "10000000000000000000"),  # 20 characters: shown
    (99999999999999999999, "99999999999999999999"),
    (10**20, "a 21-digit integer"),
    (-(10**19), "a negative 20-digit integer"),  # 21 characters with its sign
    (10**100 - 1, "a 100-digit integer"),
])
def test_numbers_are_shown_in_at_most_20_characters(value: int, shown: str) -> None:
    (problem,) = _problems("CreateGroup", {"UserPoolId": POOL, "GroupName": "g",
                                           "Precedence": value})
    assert problem.startswith(f"CreateGroup.Precedence: {shown} is ")


def test_a_long_float_is_shortened() -> None:
    (problem,) = _problems("CreateGroup", {"UserPoolId": POOL, "GroupName": "g",
                                           "Precedence": -2.2250738585072014e-308})
    assert problem == "CreateGroup.Precedence: -2.22507e-308 is not an integer"


def test_integer_range_from_the_model() -> None:
    assert _problems("UpdateUserPool", _update_pool(
        Policies={"PasswordPolicy": {"MinimumLength": 100}})) == [
        "UpdateUserPool.Policies.PasswordPolicy.MinimumLength: 100 is above the maximum 99"]
    assert _problems("UpdateUserPool", _update_pool(
        Policies={"PasswordPolicy": {"MinimumLength": 5}})) == [
        "UpdateUserPool.Policies.PasswordPolicy.MinimumLength: 5 is below the minimum 6"]


def test_an_integer_without_bounds_in_the_model_is_still_32_bit() -> None:
    """WrappedIntegerType (ManagedLoginVersion) has no min or max in the model."""
    base = {"UserPoolId": POOL, "Domain": "my-prefix"}
    assert _problems("CreateUserPoolDomain", {**base, "ManagedLoginVersion": 2**31 - 1}) == []
    assert _problems("CreateUserPoolDomain", {**base, "ManagedLoginVersion": 2**31}) == [
        "CreateUserPoolDomain.ManagedLoginVersion: 2147483648 is above the maximum "
        "2147483647 (the 32-bit limit)"]
    assert _problems("CreateUserPoolDomain", {**base, "ManagedLoginVersion": -(2**31) - 1}) == [
        "CreateUserPoolDomain.ManagedLoginVersion: -2147483649 is below the minimum "
        "-2147483648 (the 32-bit limit)"]


def test_a_long_is_64_bit() -> None:
    """No cognito-idp input has a long in 1.43.11; the rule is there for when one comes."""
    checker = shapes._scalar(Shape("LongType", {"type": "long"}))
    out: list[str] = []
    checker.check(2**63 - 1, "Op.Count", out)
    checker.check(2**31, "Op.Count", out)
    assert out == []
    checker.check(2**63, "Op.Count", out)
    assert out == ["Op.Count: 9223372036854775808 is above the maximum 9223372036854775807 "
                   "(the 64-bit limit)"]


# --------------------------------------------------------------------------- other scalars


def test_booleans() -> None:
    params = _update_pool(DeviceConfiguration={"ChallengeRequiredOnNewDevice": "true",
                                               "DeviceOnlyRememberedOnUserPrompt": 0})
    assert _problems("UpdateUserPool", params) == [
        "UpdateUserPool.DeviceConfiguration.ChallengeRequiredOnNewDevice: "
        "a string is not a boolean",
        "UpdateUserPool.DeviceConfiguration.DeviceOnlyRememberedOnUserPrompt: "
        "0 is not a boolean",
    ]


def test_a_number_or_null_for_a_string() -> None:
    assert _problems("UpdateUserPool", _update_pool(EmailVerificationSubject=42,
                                                    SmsVerificationMessage=None)) == [
        "UpdateUserPool.SmsVerificationMessage: null is not a string",
        "UpdateUserPool.EmailVerificationSubject: 42 is not a string",
    ]


def test_blobs_take_bytes_or_a_string_within_their_size() -> None:
    base = {"UserPoolId": POOL}
    assert _problems("SetUICustomization", {**base, "ImageFile": b"\x89PNG"}) == []
    assert _problems("SetUICustomization", {**base, "ImageFile": "aGVsbG8="}) == []
    assert _problems("SetUICustomization", {**base, "ImageFile": b"x" * 131073}) == [
        "SetUICustomization.ImageFile: 131073 bytes is longer than the maximum 131072"]
    assert _problems("SetUICustomization", {**base, "ImageFile": 12}) == [
        "SetUICustomization.ImageFile: 12 is not bytes or a string"]


def test_timestamps() -> None:
    """No cognito-idp input has a timestamp in 1.43.11; the rule is there for when one comes."""
    checker = shapes._scalar(Shape("DateType", {"type": "timestamp"}))
    out: list[str] = []
    for value in (datetime.datetime(2024, 1, 1), "2024-01-01T00:00:00Z", 1704067200):
        checker.check(value, "Op.When", out)
    assert out == []
    checker.check(True, "Op.When", out)
    checker.check(1.5, "Op.When", out)
    assert out == [
        "Op.When: the boolean true is not a timestamp (a datetime, a string or an integer)",
        "Op.When: 1.5 is not a timestamp (a datetime, a string or an integer)",
    ]


def test_a_shape_type_without_rules_still_refuses_a_placeholder() -> None:
    checker = shapes._scalar(Shape("NewType", {"type": "bignum"}))
    out: list[str] = []
    checker.check("anything", "Op.New", out)
    assert out == []
    checker.check(MISSING, "Op.New", out)
    assert out == ["Op.New: an internal placeholder (_Missing) reached the request"]


def test_a_document_takes_any_plain_data_but_no_placeholder() -> None:
    credential = {"id": "abc", "response": {"clientDataJSON": "e30", "n": [1, 2.5, None, True]}}
    params = {"AccessToken": "token", "Credential": credential}
    assert _problems("CompleteWebAuthnRegistration", params) == []
    credential["response"]["n"].append(MISSING)  # type: ignore[index]
    assert _problems("CompleteWebAuthnRegistration", params) == [
        "CompleteWebAuthnRegistration.Credential.response.n[4]: "
        "an internal placeholder (_Missing) reached the request"]


# --------------------------------------------------------------------------- strings


def test_a_too_long_string_is_refused_without_its_value() -> None:
    secret = SECRET + "x" * 200
    (problem,) = _problems("UpdateUserPool", _update_pool(EmailVerificationSubject=secret))
    assert problem == ("UpdateUserPool.EmailVerificationSubject: a string of 220 characters "
                       "is longer than the maximum 140")
    assert SECRET not in problem


def test_a_too_short_string() -> None:
    """Every broken constraint is reported, as AWS does ("2 validation errors detected")."""
    assert _problems("UpdateUserPool", _update_pool(EmailVerificationSubject="")) == [
        "UpdateUserPool.EmailVerificationSubject: an empty string is shorter than the minimum 1",
        "UpdateUserPool.EmailVerificationSubject: the string does not match the pattern "
        "[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}\\s]+",
    ]


def test_a_value_outside_the_enum() -> None:
    (problem,) = _problems("UpdateUserPool", _update_pool(DeletionProtection="MAYBE"))
    assert problem == "UpdateUserPool.DeletionProtection: the string is not one of ACTIVE, INACTIVE"
    assert _problems("UpdateUserPool", _update_pool(DeletionProtection="active")) == [problem]


def test_patterns_use_javas_ascii_classes() -> None:
    """PoolName is ``[\\w\\s+=,.@-]+``; Java's \\w is [a-zA-Z_0-9], not Unicode letters."""
    (problem,) = _problems("CreateUserPool", {"PoolName": "пул"})
    assert problem == "CreateUserPool.PoolName: the string does not match the pattern [\\w\\s+=,.@-]+"
    assert "пул" not in problem
    assert _problems("CreateUserPool", {"PoolName": "My pool_2 +=,.@-"}) == []
    assert _problems("CreateUserPool", {"PoolName": "it's"}) == [problem]
    assert _problems("CreateUserPool", {"PoolName": "ab\u00a0cd"}) == [problem]  # not ASCII \s


def test_the_whole_value_must_match() -> None:
    """AWS matches the whole value: a valid start followed by more is refused, and a
    pattern's ``$`` does not let a final newline through (Python's ``$`` alone would)."""
    assert _problems("CreateUserPool", {"PoolName": "my pool!"}) != []
    assert _problems("CreateUserPoolDomain", {"UserPoolId": POOL, "Domain": "ok"}) == []
    assert _problems("CreateUserPoolDomain", {"UserPoolId": POOL, "Domain": "ok\n"}) != []


def test_unicode_category_classes() -> None:
    """EmailVerificationSubject is ``[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}\\s]+``: letters of any
    script and whitespace, no control character and no other separator."""
    def subject(text: str) -> list[str]:
        return _problems("UpdateUserPool", _update_pool(EmailVerificationSubject=text))

    assert subject("Ваш код: ✓ 42") == []
    assert subject("tab\tok") == []
    assert subject("bell\x07") != []
    assert subject("no\u00a0break") != []  # a separator (Zs), not in the class


def test_the_create_time_provider_name_pattern() -> None:
    """ProviderNameTypeV2 is ``[^_\\p{Z}][\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}][^_\\p{Z}]+``."""
    def create(name: str) -> list[str]:
        return _problems("CreateIdentityProvider", {
            "UserPoolId": POOL, "ProviderName": name, "ProviderType": "OIDC",
            "ProviderDetails": {}})

    assert create("CorpSSO") == []
    assert create("日本語") == []  # letters of any script
    assert create("Ab_cd") != []  # "_" from the third character on
    assert create("_Corp") != []
    assert create("Co\u3000rp") != []  # an ideographic space is a separator


def test_java_dot_stops_at_line_terminators_unless_s_flag() -> None:
    """SmsVerificationMessage is ``.*\\{####\\}.*``; SMSMessage is ``(?s).*``."""
    assert _problems("UpdateUserPool", _update_pool(SmsVerificationMessage="Code {####}")) == []
    for terminator in ("\n", "\r", "\x85", "\u2028", "\u2029"):  # Python's "." takes all but \n
        assert _problems("UpdateUserPool", _update_pool(
            SmsVerificationMessage=f"Code{terminator}{{####}}")) != [], repr(terminator)
    invite = {"InviteMessageTemplate": {"SMSMessage": "Hi {username}\nCode {####}"}}
    assert _problems("UpdateUserPool", _update_pool(AdminCreateUserConfig=invite)) == []


def test_every_pattern_of_the_model_is_checked() -> None:
    patterns = {MODEL.shape_for(n).metadata.get("pattern") for n in MODEL.shape_names}
    patterns.discard(None)
    assert len(patterns) > 30
    assert [p for p in patterns if shapes.compile_pattern(p) is None] == []


@pytest.mark.parametrize("pattern", ["\\h+", "[a[b]]+", "[a-z&&[^e]]+", "(?i)abc", "\\Qa\\E"])
def test_a_construct_that_differs_between_java_and_python_is_not_checked(pattern: str) -> None:
    assert shapes.compile_pattern(pattern) is None


def test_the_separator_list_is_unicodes() -> None:
    expected = {chr(c) for c in range(0x110000)
                if unicodedata.category(chr(c)) in ("Zs", "Zl", "Zp")}
    assert set(shapes._SEPARATORS) == expected


# --------------------------------------------------------------------------- lists and maps


def test_list_type_and_size() -> None:
    mechanism = {"Priority": 1, "Name": "verified_email"}
    assert _problems("UpdateUserPool", _update_pool(AutoVerifiedAttributes="email")) == [
        "UpdateUserPool.AutoVerifiedAttributes: a string is not a list"]
    assert _problems("UpdateUserPool", _update_pool(
        AccountRecoverySetting={"RecoveryMechanisms": []})) == [
        "UpdateUserPool.AccountRecoverySetting.RecoveryMechanisms: a list of 0 items is "
        "shorter than the minimum 1"]
    assert _problems("UpdateUserPool", _update_pool(
        AccountRecoverySetting={"RecoveryMechanisms": (mechanism,) * 3})) == [
        "UpdateUserPool.AccountRecoverySetting.RecoveryMechanisms: a list of 3 items is "
        "longer than the maximum 2"]


def test_list_items_are_checked_at_their_index() -> None:
    params = _update_pool(AutoVerifiedAttributes=["email", "fax"])
    assert _problems("UpdateUserPool", params) == [
        "UpdateUserPool.AutoVerifiedAttributes[1]: the string is not one of phone_number, email"]


def test_map_type_keys_values_and_size() -> None:
    assert _problems("UpdateUserPool", _update_pool(UserPoolTags=[])) == [
        "UpdateUserPool.UserPoolTags: a list is not a mapping"]
    assert _problems("UpdateUserPool", _update_pool(UserPoolTags={"team": "x" * 257})) == [
        "UpdateUserPool.UserPoolTags.team: a string of 257 characters is longer than the "
        "maximum 256"]
    assert _problems("UpdateUserPool", _update_pool(UserPoolTags={"a": "1", 5: "x"})) == [
        "UpdateUserPool.UserPoolTags (key #2): 5 is not a string"]
    links = {f"cognito:{lang}": "https://example.com/terms" for lang in (
        "default", "dutch", "english", "french", "spanish", "german", "bahasa-indonesia",
        "italian", "japanese", "korean", "portuguese-brazil", "chinese-simplified",
        "chinese-traditional")}
    terms = {"UserPoolId": POOL, "ClientId": "client1", "TermsName": "terms-of-use",
             "TermsSource": "LINK", "Enforcement": "NONE"}
    assert _problems("CreateTerms", {**terms, "Links": links}) == []
    assert _problems("CreateTerms", {**terms, "Links": {}}) == [
        "CreateTerms.Links: a mapping of 0 entries is shorter than the minimum 1"]
    assert _problems("CreateTerms", {**terms, "Links": {**links, "cognito:x": "y"}}) == [
        "CreateTerms.Links: a mapping of 14 entries is longer than the maximum 13",
        "CreateTerms.Links (key #14): the string does not match the pattern "
        "^cognito:(default|dutch|english|french|spanish|german|bahasa-indonesia|italian|"
        "japanese|korean|portuguese-brazil|chinese-(simplified|traditional))$",
    ]


def test_a_map_value_is_named_by_a_plain_key() -> None:
    mapping = {"email": MISSING}
    assert _problems("CreateIdentityProvider", {
        "UserPoolId": POOL, "ProviderName": "CorpSSO", "ProviderType": "OIDC",
        "ProviderDetails": {}, "AttributeMapping": mapping}) == [
        "CreateIdentityProvider.AttributeMapping.email: an internal placeholder (_Missing) "
        "reached the request"]


def test_a_map_key_that_is_not_a_plain_name_is_shown_by_position() -> None:
    """Keys are user strings too: a long or odd one is not quoted in the path."""
    key = SECRET + " " + "k" * 130
    problems = _problems("UpdateUserPool", _update_pool(UserPoolTags={key: MISSING}))
    assert problems == [
        "UpdateUserPool.UserPoolTags (key #1): a string of 151 characters is longer than "
        "the maximum 128",
        "UpdateUserPool.UserPoolTags (key #1): an internal placeholder (_Missing) reached "
        "the request",
    ]


# --------------------------------------------------------------------------- placeholders


def test_an_internal_placeholder_is_named_at_its_path() -> None:
    params = _update_pool(SmsAuthenticationMessage=MISSING,
                          LambdaConfig={"PreSignUp": UNKNOWN},
                          AutoVerifiedAttributes=["email", object()])
    assert _problems("UpdateUserPool", params) == [
        "UpdateUserPool.LambdaConfig.PreSignUp: an internal placeholder (_Unknown) reached "
        "the request",
        "UpdateUserPool.AutoVerifiedAttributes[1]: an internal placeholder (object) reached "
        "the request",
        "UpdateUserPool.SmsAuthenticationMessage: an internal placeholder (_Missing) reached "
        "the request",
    ]


def test_a_placeholder_where_a_structure_or_number_is_expected() -> None:
    params = _update_pool(Policies=MISSING, DeviceConfiguration={
        "ChallengeRequiredOnNewDevice": UNKNOWN})
    assert _problems("UpdateUserPool", params) == [
        "UpdateUserPool.Policies: an internal placeholder (_Missing) reached the request",
        "UpdateUserPool.DeviceConfiguration.ChallengeRequiredOnNewDevice: an internal "
        "placeholder (_Unknown) reached the request",
    ]


def test_the_new_pool_placeholders_stand_for_an_id_and_an_arn() -> None:
    assert _problems("UpdateUserPool", _update_pool(UserPoolId=POOL_ID)) == []
    assert _problems("SetUserPoolMfaConfig", {"UserPoolId": POOL_ID,
                                              "MfaConfiguration": "OFF"}) == []
    assert _problems("TagResource", {"ResourceArn": POOL_ARN, "Tags": {"a": "b"}}) == []
    assert _problems("CreateUserPoolClient", {"UserPoolId": POOL_ID, "ClientName": "web"}) == []


def test_each_placeholder_only_where_it_belongs() -> None:
    assert _problems("UpdateUserPool", _update_pool(UserPoolId=POOL_ARN)) == [
        "UpdateUserPool.UserPoolId: the string does not match the pattern [\\w-]+_[0-9a-zA-Z]+"]
    assert _problems("TagResource", {"ResourceArn": POOL_ID, "Tags": {}}) != []
    assert _problems("CreateUserPool", {"PoolName": POOL_ID}) != []


# --------------------------------------------------------------------------- domains


def test_a_custom_domain_is_a_fully_qualified_name() -> None:
    custom = {"UserPoolId": POOL, "Domain": "auth.example.com",
              "CustomDomainConfig": {"CertificateArn": CERTIFICATE}}
    assert _problems("CreateUserPoolDomain", custom) == []
    assert _problems("CreateUserPoolDomain", {**custom, "ManagedLoginVersion": 2}) == []
    assert _problems("UpdateUserPoolDomain", custom) == []
    long_name = "login." + "a" * 60 + ".example.com"  # over DomainType's 63
    assert _problems("CreateUserPoolDomain", {**custom, "Domain": long_name}) == []


def test_a_custom_domain_keeps_the_other_checks() -> None:
    custom = {"UserPoolId": POOL, "Domain": "", "CustomDomainConfig": {}}
    assert _problems("CreateUserPoolDomain", {**custom, "CustomDomainConfig": {
        "CertificateArn": CERTIFICATE}}) == [
        "CreateUserPoolDomain.Domain: an empty string is shorter than the minimum 1"]
    problems = _problems("CreateUserPoolDomain", {**custom, "Domain": "auth.example.com"})
    assert "CreateUserPoolDomain.CustomDomainConfig.CertificateArn: required member is " \
           "missing" in problems


def test_a_prefix_domain_keeps_the_prefix_pattern() -> None:
    prefix = {"UserPoolId": POOL, "Domain": "my-prefix"}
    assert _problems("CreateUserPoolDomain", prefix) == []
    pattern = "^[a-z0-9](?:[a-z0-9\\-]{0,61}[a-z0-9])?$"
    assert _problems("CreateUserPoolDomain", {**prefix, "Domain": "My_Prefix"}) == [
        f"CreateUserPoolDomain.Domain: the string does not match the pattern {pattern}"]
    # A create without CustomDomainConfig makes a prefix domain: a dotted name is refused.
    assert _problems("CreateUserPoolDomain", {**prefix, "Domain": "auth.example.com"}) == [
        f"CreateUserPoolDomain.Domain: the string does not match the pattern {pattern}"]


def test_deleting_or_updating_a_custom_domain_by_its_name() -> None:
    """Delete/Update/Describe take the custom domain's FQDN with no CustomDomainConfig."""
    named = {"UserPoolId": POOL, "Domain": "auth.example.com"}
    assert _problems("DeleteUserPoolDomain", named) == []
    assert _problems("UpdateUserPoolDomain", {**named, "ManagedLoginVersion": 2}) == []
    assert _problems("DescribeUserPoolDomain", {"Domain": "auth.example.com"}) == []


# --------------------------------------------------------------------------- secrets


def test_no_message_quotes_a_string() -> None:
    params = {"UserPoolId": POOL, "ProviderName": SECRET + "_x", "ProviderType": SECRET,
              "ProviderDetails": {"client_secret": SECRET * 7000, "client_id": MISSING},
              "AttributeMapping": {"email": SECRET * 7000}, "IdpIdentifiers": [SECRET * 3]}
    problems = _problems("CreateIdentityProvider", params)
    assert len(problems) == 6
    assert not [p for p in problems if SECRET in p]
