"""plan: actions, changes and the exact API calls, on LivePool values built from the
recorded 2024 describe and 2025 MFA responses (tests/fixtures/real-responses)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from poolsync.kinds.mfa import MFA_DEFAULTS, mfa_payload
from poolsync.kinds.settings import (
    CREATED_BY_RUN,
    PROTECTION_OFF_BY_RUN,
    RUN_ID,
    STANDARD_ATTRIBUTES,
    canonical_live_settings,
    create_payload,
    replacement_payload,
    update_payload,
)
from poolsync.model import (
    MISSING,
    NOT_REPORTED,
    POOL_ID,
    Action,
    ApiCall,
    Config,
    FieldChange,
    PoolConfig,
)
from poolsync.mutability import POOL_CREATE_ONLY
from poolsync.normalize import owned_view
from poolsync.plan import LivePool, plan_config, plan_pool
from tests.conftest import FIXTURES

RESPONSES = FIXTURES / "real-responses"
NAME = "MyUserPool"
REGION = "us-west-2"
POOL = "us-west-2_EXAMPLE"
MFA_OFF = {"MfaConfiguration": "OFF"}
# What DescribeUserPool returns that no request takes (botocore UserPoolType read-only
# members).
READ_ONLY = ("Id", "Name", "Arn", "CreationDate", "LastModifiedDate", "EstimatedNumberOfUsers",
             "SchemaAttributes", "Domain", "CustomDomain", "MfaConfiguration")
LEGACY_TRIO = ("EmailVerificationMessage", "EmailVerificationSubject", "SmsVerificationMessage")
CREATE_ONLY = ("AliasAttributes", "UsernameAttributes", "UsernameConfiguration", "Schema")
BY_LINK = (
    "Please click the link below to verify your email address. <b>{##Verify Your Email##}</b>"
    "\n this is from us-west-2_ywDJHlIfU"
)
# The 2024 pool's schema as a config writes it (the standard attributes left out).
SCHEMA_2024 = [
    {"Name": "email", "AttributeDataType": "String", "Required": True},
    {"Name": "111", "StringAttributeConstraints": {"MinLength": 1, "MaxLength": 256}},
    {"Name": "222", "DeveloperOnlyAttribute": True,
     "StringAttributeConstraints": {"MinLength": 1, "MaxLength": 421}},
    {"Name": "custom:accesstoken"},
    {"Name": "idtoken"},
]
TENANT = {"AttributeDataType": "String", "DeveloperOnlyAttribute": False, "Mutable": True,
          "Required": False, "StringAttributeConstraints": {"MaxLength": "2048"}}


def describe_2024() -> dict[str, Any]:
    text = (RESPONSES / "describe_user_pool.aws-cli-example-2024.json").read_text()
    return dict(json.loads(text)["UserPool"])


def mfa_2025() -> dict[str, Any]:
    text = (RESPONSES / "get_user_pool_mfa_config.aws-cli-example-2025.json").read_text()
    return dict(json.loads(text))


def live(pool: dict[str, Any] | None = None, mfa: dict[str, Any] | None = None) -> LivePool:
    return LivePool(describe_2024() if pool is None else pool,
                    mfa_2025() if mfa is None else mfa)


def config(settings: dict[str, Any], mfa: dict[str, Any] | None = None,
           secrets: frozenset[str] = frozenset()) -> PoolConfig:
    return PoolConfig(NAME, REGION, settings, mfa, secrets=secrets)


def full_payload_2024() -> dict[str, Any]:
    """The 2024 describe as UpdateUserPool must get it back when nothing changes: read-only
    keys, MfaConfiguration, the legacy trio, the echoed UnusedAccountValidityDays and the
    ``{}`` placeholder removed; sets sorted (here already single-valued)."""
    payload = describe_2024()
    for key in (*READ_ONLY, *LEGACY_TRIO):
        payload.pop(key)
    del payload["AdminCreateUserConfig"]["UnusedAccountValidityDays"]
    del payload["UserPoolAddOns"]["AdvancedSecurityAdditionalFlows"]
    return payload


def calls(plan_obj: Any) -> list[str]:
    return [c.operation for c in plan_obj.calls]


# --------------------------------------------------------------------------- no-op


def test_no_op_when_the_file_states_what_the_pool_has() -> None:
    settings = {
        "DeletionProtection": "ACTIVE",
        "AutoVerifiedAttributes": ["email"],
        "Policies": {"PasswordPolicy": {"TemporaryPasswordValidityDays": 1}},
        "UserPoolAddOns": {"AdvancedSecurityMode": "ENFORCED"},
        "DeviceConfiguration": {"ChallengeRequiredOnNewDevice": True},
        "VerificationMessageTemplate": {"DefaultEmailOption": "CONFIRM_WITH_LINK"},
        "Schema": SCHEMA_2024,
    }
    planned = plan_pool(config(settings, mfa=mfa_2025()), live())
    assert (planned.name, planned.region, planned.pool_id) == (NAME, REGION, POOL)
    assert planned.estimated_users == 166
    assert [(o.address, o.kind, o.action) for o in planned.objects] == [
        (NAME, "pool", Action.NOOP), (f"{NAME}/mfa", "mfa", Action.NOOP)]
    assert all(o.changes == () and o.calls == () for o in planned.objects)
    assert planned.action is Action.NOOP


def test_an_empty_file_manages_nothing() -> None:
    planned = plan_pool(config({}), live())
    assert [(o.address, o.action) for o in planned.objects] == [(NAME, Action.NOOP)]


# --------------------------------------------------------------------------- update


def test_update_sends_the_full_payload_with_the_owned_changes() -> None:
    settings = {
        "Policies": {"PasswordPolicy": {"MinimumLength": 12}},
        "VerificationMessageTemplate": {"DefaultEmailOption": "CONFIRM_WITH_LINK",
                                        "EmailSubject": "Verify your account"},
    }
    (pool,) = plan_pool(config(settings), live()).objects
    assert pool.action is Action.UPDATE
    assert pool.reason == "in place with UpdateUserPool"
    expected = full_payload_2024()
    # The owned members as the file says them, defaults filled in.
    expected["Policies"] = {
        "PasswordPolicy": {
            "MinimumLength": 12, "RequireUppercase": True, "RequireLowercase": True,
            "RequireNumbers": True, "RequireSymbols": True, "TemporaryPasswordValidityDays": 7,
            "PasswordHistorySize": 0,
        },
        "SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD"]},
    }
    # EmailMessageByLink/EmailSubjectByLink have no documented default: carried from live.
    expected["VerificationMessageTemplate"] = {
        "DefaultEmailOption": "CONFIRM_WITH_LINK",
        "EmailSubject": "Verify your account",
        "EmailMessage": "Your verification code is {####}. ",
        "SmsMessage": "Your verification code is {####}. ",
        "EmailMessageByLink": BY_LINK,
        "EmailSubjectByLink": "Your verification link",
    }
    assert pool.calls == (ApiCall("UpdateUserPool", {"UserPoolId": POOL, **expected}),)
    params = pool.calls[0].params
    assert not {*CREATE_ONLY, *LEGACY_TRIO, "MfaConfiguration", "UserPoolTier"} & set(params)


def test_update_changes_say_before_after_and_to_default() -> None:
    settings = {"Policies": {"PasswordPolicy": {"MinimumLength": 12}}}
    (pool,) = plan_pool(config(settings), live()).objects
    assert pool.changes == (
        FieldChange(("Policies", "PasswordPolicy", "MinimumLength"), 8, 12),
        FieldChange(("Policies", "PasswordPolicy", "TemporaryPasswordValidityDays"), 1, 7,
                    to_default=True),
    )


def test_update_carries_a_when_present_unknown_field_from_live() -> None:
    """SnsRegion defaults to the pool's region: a file that leaves it out keeps live's."""
    sms = {"SnsCallerArn": "arn:aws:iam::123456789012:role/service-role/new-SMS-Role",
           "ExternalId": "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111"}
    (pool,) = plan_pool(config({"SmsConfiguration": sms}), live()).objects
    assert [c.path for c in pool.changes] == [("SmsConfiguration", "SnsCallerArn")]
    assert pool.calls[0].params["SmsConfiguration"] == {**sms, "SnsRegion": "us-west-2"}


def test_a_written_tier_live_does_not_report_is_a_change_never_equal_to_the_file() -> None:
    """The 2024 response predates feature plans: absent is not "equal to the file"."""
    (pool,) = plan_pool(config({"UserPoolTier": "PLUS", "DeletionProtection": "INACTIVE"}),
                        live()).objects
    assert pool.changes == (
        FieldChange(("DeletionProtection",), "ACTIVE", "INACTIVE"),
        FieldChange(("UserPoolTier",), NOT_REPORTED, "PLUS"),
    )
    assert pool.calls[0].params["UserPoolTier"] == "PLUS"


def test_update_of_an_old_pool_never_sends_create_only_or_echoed_members() -> None:
    """placebo 2017: AliasAttributes, UnusedAccountValidityDays, ``EmailConfiguration: {}``."""
    text = (RESPONSES / "describe_user_pool.cloud-custodian-placebo-2017-08-a.json").read_text()
    old = dict(json.loads(text)["data"]["UserPool"])
    planned = plan_pool(config({"DeletionProtection": "ACTIVE"}), LivePool(old, MFA_OFF))
    (pool,) = planned.objects
    assert planned.estimated_users == 0
    assert pool.calls == (ApiCall("UpdateUserPool", {
        "UserPoolId": "us-east-1_W6ST8sYH6",
        "DeletionProtection": "ACTIVE",
        "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": False},
        "AutoVerifiedAttributes": ["email"],
        "LambdaConfig": {},
        # The 2017 pool kept the temporary-password validity only in the legacy field.
        "Policies": {"PasswordPolicy": {**old["Policies"]["PasswordPolicy"],
                                        "TemporaryPasswordValidityDays": 7}},
        "UserPoolTags": {},
    }),)


def test_update_payload_directly() -> None:
    live_settings = canonical_live_settings(describe_2024())
    desired = {"UserPoolTags": {"team": "identity"}, "UsernameAttributes": ["email"]}
    view = owned_view(desired, live_settings, {"UserPoolTags": {}}, "settings")
    payload = update_payload(live_settings, view, desired)
    assert payload == {**full_payload_2024(), "UserPoolTags": {"team": "identity"}}


# --------------------------------------------------------------------------- schema


def test_a_new_custom_attribute_goes_in_place_with_add_custom_attributes() -> None:
    settings = {"Schema": [*SCHEMA_2024, {"Name": "custom:tenant"}]}
    (pool,) = plan_pool(config(settings), live()).objects
    assert pool.action is Action.UPDATE
    assert pool.reason == "in place with AddCustomAttributes"
    assert pool.changes == (FieldChange(("Schema", "custom:tenant"), MISSING, TENANT),)
    assert pool.calls == (ApiCall("AddCustomAttributes", {
        "UserPoolId": POOL, "CustomAttributes": [{"Name": "tenant", **TENANT}]}),)


def test_more_than_25_new_attributes_take_several_calls() -> None:
    new = [{"Name": f"attr{i:02}"} for i in range(30)]
    (pool,) = plan_pool(config({"Schema": [*SCHEMA_2024, *new]}), live()).objects
    assert calls(pool) == ["AddCustomAttributes", "AddCustomAttributes"]
    assert [len(c.params["CustomAttributes"]) for c in pool.calls] == [25, 5]
    names = [a["Name"] for c in pool.calls for a in c.params["CustomAttributes"]]
    assert sorted(names) == [f"attr{i:02}" for i in range(30)]


def test_a_settings_change_and_a_new_attribute_together() -> None:
    settings = {"DeletionProtection": "INACTIVE", "Schema": [*SCHEMA_2024, {"Name": "tenant"}]}
    (pool,) = plan_pool(config(settings), live()).objects
    assert calls(pool) == ["UpdateUserPool", "AddCustomAttributes"]
    assert pool.reason == "in place with UpdateUserPool, AddCustomAttributes"
    assert "Schema" not in pool.calls[0].params


# --------------------------------------------------------------------------- replacement


def test_replacement_call_sequence() -> None:
    planned = plan_pool(config({"UsernameAttributes": ["email"]}), live())
    pool, mfa = planned.objects
    assert pool.action is Action.REPLACE
    assert planned.action is Action.REPLACE
    rule = next(r for r in POOL_CREATE_ONLY if r.path == ("UsernameAttributes",))
    assert pool.reason == rule.reason
    assert pool.changes == (
        FieldChange(("UsernameAttributes",), [], ["email"], forces_replacement=rule.reason),)
    assert calls(pool) == [
        "UpdateUserPool", "DeleteUserPoolDomain", "DeleteUserPoolDomain", "DeleteUserPool",
        "CreateUserPool",
    ]
    # The new pool's MFA is its own object, with its own call, right after the pool.
    assert (mfa.address, mfa.action, calls(mfa)) == (
        f"{NAME}/mfa", Action.CREATE, ["SetUserPoolMfaConfig"])
    off, prefix, custom, delete, _ = pool.calls
    # DeleteUserPool fails while deletion protection is on; the switch keeps the rest.
    assert off.params == {"UserPoolId": POOL, **full_payload_2024(),
                          "DeletionProtection": "INACTIVE",
                          "UserPoolTags": {PROTECTION_OFF_BY_RUN: RUN_ID}}
    assert prefix.params == {"UserPoolId": POOL, "Domain": "myCustomDomain"}
    assert custom.params == {"UserPoolId": POOL, "Domain": "auth.example.com"}
    assert delete.params == {"UserPoolId": POOL}


def test_replacement_creates_the_new_pool_with_every_unmanaged_setting() -> None:
    pool = plan_pool(config({"UsernameAttributes": ["email"]}), live()).objects[0]
    create = pool.calls[4]
    schema_2024 = canonical_live_settings(describe_2024())["Schema"]
    custom_and_changed = [{"Name": n.rsplit(":", 1)[-1], **a} for n, a in schema_2024.items()
                          if STANDARD_ATTRIBUTES.get(n) != a]
    assert create == ApiCall("CreateUserPool", {
        "PoolName": NAME,
        **full_payload_2024(),  # DeletionProtection ACTIVE too: the new pool keeps it
        "UsernameAttributes": ["email"],
        "Schema": custom_and_changed,
        "MfaConfiguration": "OFF",
        "UserPoolTags": {CREATED_BY_RUN: RUN_ID},
    })
    assert [a["Name"] for a in create.params["Schema"]] == [
        "email", "111", "222", "accesstoken", "idtoken"]


def test_replacement_sets_the_live_mfa_on_the_new_pool_as_a_create() -> None:
    """The file does not manage MFA: the old pool's is carried over, and the plan shows
    it as created on the new pool (it starts with MFA off), never as a no-op."""
    _, mfa = plan_pool(config({"UsernameAttributes": ["email"]}), live()).objects
    assert mfa.calls == (ApiCall("SetUserPoolMfaConfig", {"UserPoolId": POOL_ID,
                                                          **mfa_2025()}),)
    assert mfa.action is Action.CREATE and mfa.changes == ()
    assert mfa.reason.startswith("the old pool's MFA (the file does not manage MFA), "
                                 f"{mfa_2025()['MfaConfiguration']}, set on the new pool")


def test_replacement_notes_state_the_blast_radius() -> None:
    pool = plan_pool(config({"UsernameAttributes": ["email"]}), live()).objects[0]
    assert pool.notes == (
        "Blast radius: the pool is deleted and created again. Cognito estimates 166 user(s) "
        "in it: poolsync refuses to delete a pool with users, even with --allow-replace, so "
        "apply stops before any call until they are gone or moved (a replacement would lose "
        "them and their passwords, which cannot be exported).",
        "The pool id (us-west-2_EXAMPLE) changes, so does the token issuer URL "
        "(https://cognito-idp.us-west-2.amazonaws.com/us-west-2_EXAMPLE), and every app "
        "client id.",
        "Neither the old pool nor the file has an app client, identity provider, group, "
        "resource server or domain: none is lost.",
        "Safer routes: keep UsernameAttributes as the pool has it (no API changes how users "
        "of an existing pool sign in); or create a new pool beside this one with the new "
        "setting, move users to it as they sign in with a user-migration Lambda trigger "
        "(LambdaConfig.UserMigration on the new pool), then point the applications at it; "
        "this pool keeps working meanwhile.",
    )


def test_replacement_of_an_unprotected_pool_without_domains_starts_with_the_delete() -> None:
    pool_2024 = describe_2024()
    pool_2024["DeletionProtection"] = "INACTIVE"
    del pool_2024["Domain"], pool_2024["CustomDomain"]
    (pool,) = plan_pool(config({"UsernameAttributes": ["email"]}), live(pool_2024, MFA_OFF)
                        ).objects
    assert calls(pool) == ["DeleteUserPool", "CreateUserPool"]  # MFA off: nothing to set


def test_changing_required_on_an_existing_attribute_is_a_replacement() -> None:
    schema = [{**SCHEMA_2024[0], "Required": False}, *SCHEMA_2024[1:]]
    pool = plan_pool(config({"Schema": schema}), live()).objects[0]
    assert pool.action is Action.REPLACE
    assert [(c.path, c.before, c.after) for c in pool.changes] == [
        (("Schema", "email", "Required"), True, False)]
    assert "schema attribute 'email' (Required)" in pool.reason
    create = next(c for c in pool.calls if c.operation == "CreateUserPool")
    # The written schema is sent, fully specified.
    assert create.params["Schema"][0] == {"Name": "email", **STANDARD_ATTRIBUTES["email"]}
    assert len(create.params["Schema"]) == 5


def test_a_custom_attribute_missing_from_the_file_is_unmanaged_never_a_replacement() -> None:
    """No API removes a custom attribute (one added in the console, say): it is shown as
    unmanaged, with the hint to add it to the file."""
    pool, attribute = plan_pool(config({"Schema": SCHEMA_2024[:-1]}), live()).objects
    assert (pool.action, pool.changes) == (Action.NOOP, ())
    assert attribute.address == f"{NAME}/schema/custom:idtoken"
    assert (attribute.action, attribute.unmanaged) == (Action.NOOP, True)
    assert "add it to settings.Schema" in attribute.reason


def test_replacement_with_managed_mfa_sets_the_files_mfa() -> None:
    mfa = {"MfaConfiguration": "ON", "SoftwareTokenMfaConfiguration": {"Enabled": True}}
    planned = plan_pool(config({"UsernameAttributes": ["email"]}, mfa), live(mfa=MFA_OFF))
    pool, mfa_plan = planned.objects
    assert "SetUserPoolMfaConfig" not in calls(pool)
    assert mfa_plan.action is Action.CREATE
    assert mfa_plan.reason == (
        "the file's MFA, ON, set on the new pool by SetUserPoolMfaConfig (a pool is created "
        "with MFA off); differs from the old pool's")
    assert mfa_plan.calls == (
        ApiCall("SetUserPoolMfaConfig", {"UserPoolId": POOL_ID, **mfa}),)
    # Compared with the old pool all the same (drift shows what differs).
    assert [c.path for c in mfa_plan.changes] == [
        ("MfaConfiguration",), ("SoftwareTokenMfaConfiguration",)]


def test_replacement_with_the_files_mfa_off_creates_the_pool_with_it() -> None:
    """MFA OFF needs no call: CreateUserPool makes the new pool with MFA off. Same as the
    old pool: nothing to show; the old pool had it on: a create without a call."""
    same = plan_pool(config({"UsernameAttributes": ["email"]}, MFA_OFF), live(mfa=MFA_OFF))
    assert [(o.action, o.calls) for o in same.objects[1:]] == [(Action.NOOP, ())]
    totp = {"MfaConfiguration": "ON", "SoftwareTokenMfaConfiguration": {"Enabled": True}}
    switched = plan_pool(config({"UsernameAttributes": ["email"]}, MFA_OFF), live(mfa=totp))
    mfa_plan = switched.objects[1]
    assert (mfa_plan.action, mfa_plan.calls) == (Action.CREATE, ())
    assert "created with MFA off (CreateUserPool), as the file has it" in mfa_plan.reason


def test_replacement_payload_directly_sends_the_written_schema() -> None:
    live_settings = canonical_live_settings(describe_2024())
    desired = {"Schema": {"custom:tenant": TENANT}, "DeletionProtection": "INACTIVE"}
    view = owned_view(desired, live_settings, {}, "settings")
    payload, later = replacement_payload("renamed", live_settings, view, desired)
    assert later == {}
    assert payload["PoolName"] == "renamed"
    assert payload["Schema"] == [{"Name": "tenant", **TENANT}]
    assert payload["DeletionProtection"] == "INACTIVE"
    assert payload["MfaConfiguration"] == "OFF"
    assert "UserPoolTier" not in payload  # unknown live: not invented


# --------------------------------------------------------------------------- new pools


def test_a_new_pool_is_created_with_mfa_off_then_mfa_is_set() -> None:
    settings = {"AutoVerifiedAttributes": ["phone_number", "email"],
                "Schema": [{"Name": "tenant"}]}
    mfa = {"MfaConfiguration": "OPTIONAL", "SoftwareTokenMfaConfiguration": {"Enabled": True}}
    planned = plan_pool(config(settings, mfa), None)
    assert planned.pool_id is None
    pool, mfa_plan = planned.objects
    assert (pool.action, pool.reason) == (Action.CREATE, f"no pool named {NAME!r} in {REGION}")
    assert pool.calls == (ApiCall("CreateUserPool", {
        "PoolName": NAME,
        "AutoVerifiedAttributes": ["email", "phone_number"],
        "Schema": [{"Name": "tenant", **TENANT}],
        "MfaConfiguration": "OFF",
        "UserPoolTags": {CREATED_BY_RUN: RUN_ID},
    }),)
    assert pool.changes == (
        FieldChange(("AutoVerifiedAttributes",), MISSING, ["email", "phone_number"]),
        FieldChange(("Schema", "custom:tenant"), MISSING, TENANT),
    )
    assert mfa_plan.address == f"{NAME}/mfa"
    assert mfa_plan.action is Action.CREATE
    assert mfa_plan.calls == (ApiCall("SetUserPoolMfaConfig", {"UserPoolId": POOL_ID, **mfa}),)


@pytest.mark.parametrize("mfa", [MFA_OFF, {**MFA_OFF, "SoftwareTokenMfaConfiguration":
                                           {"Enabled": False}}])
def test_a_new_pool_with_mfa_off_needs_no_mfa_call(mfa: dict[str, Any]) -> None:
    _, mfa_plan = plan_pool(config({}, mfa), None).objects
    assert mfa_plan.action is Action.NOOP
    assert mfa_plan.calls == ()


def test_a_new_pool_without_mfa_block_plans_only_the_pool() -> None:
    planned = plan_pool(config({}), None)
    assert [o.kind for o in planned.objects] == ["pool"]
    assert planned.objects[0].calls == (ApiCall("CreateUserPool", {
        "PoolName": NAME, "MfaConfiguration": "OFF", "UserPoolTags": {CREATED_BY_RUN: RUN_ID}}),)


def test_create_payload_never_enables_mfa() -> None:
    payload, later = create_payload("p", {"MfaConfiguration": "ON",
                                          "DeletionProtection": "ACTIVE"})
    assert payload == {"PoolName": "p", "DeletionProtection": "ACTIVE", "MfaConfiguration": "OFF",
                       "UserPoolTags": {CREATED_BY_RUN: RUN_ID}}
    assert later == {}


def test_plan_config_matches_live_pools_by_region_and_name() -> None:
    new = PoolConfig("other", REGION, {})
    existing = config({})
    planned = plan_config(Config((new, existing)), {(REGION, NAME): live(), ("eu-west-1", "other"):
                                                    live()})
    assert [(p.name, p.pool_id) for p in planned.pools] == [("other", None), (NAME, POOL)]


# --------------------------------------------------------------------------- mfa


def test_mfa_off_sends_no_factor_block() -> None:
    """OFF together with any factor block is rejected (go-to-k/cdkd #1923, measured)."""
    _, mfa_plan = plan_pool(config({}, MFA_OFF), live()).objects
    assert mfa_plan.action is Action.UPDATE
    changes = {c.path: c for c in mfa_plan.changes}
    assert changes[("MfaConfiguration",)] == FieldChange(("MfaConfiguration",), "OPTIONAL", "OFF")
    # The factors go too, and the plan says so (SetUserPoolMfaConfig is a full put).
    for factor in ("EmailMfaConfiguration", "SmsMfaConfiguration",
                   "SoftwareTokenMfaConfiguration"):
        assert changes[(factor,)].after is MISSING and changes[(factor,)].to_default
    # Passkey settings have no documented default: carried over from live, not reset.
    assert mfa_plan.calls == (ApiCall("SetUserPoolMfaConfig", {
        "UserPoolId": POOL, **MFA_OFF,
        "WebAuthnConfiguration": mfa_2025()["WebAuthnConfiguration"]}),)


def test_mfa_payload_strips_factor_blocks_when_off() -> None:
    written = {"MfaConfiguration": "OFF",
               "SmsMfaConfiguration": {"SmsAuthenticationMessage": "Code {####}"},
               "EmailMfaConfiguration": {"Message": "{####}", "Subject": "Code"},
               "SoftwareTokenMfaConfiguration": {"Enabled": True},
               "WebAuthnConfiguration": {"RelyingPartyId": "auth.example.com"}}
    view = owned_view(written, {}, MFA_DEFAULTS, "mfa")
    # A written passkey block is owned: its unwritten fields at their defaults.
    assert mfa_payload(view, {}) == {"MfaConfiguration": "OFF", "WebAuthnConfiguration": {
        "RelyingPartyId": "auth.example.com", "UserVerification": "preferred",
        "FactorConfiguration": "SINGLE_FACTOR"}}


def test_mfa_payload_without_a_managed_block_is_live() -> None:
    assert mfa_payload(None, mfa_2025()) == mfa_2025()


def test_mfa_update_carries_the_unknown_sms_message_from_live() -> None:
    live_mfa = mfa_2025()
    written = {**live_mfa, "MfaConfiguration": "ON",
               "SmsMfaConfiguration": {"SmsConfiguration": live_mfa["SmsMfaConfiguration"][
                   "SmsConfiguration"]}}
    _, mfa_plan = plan_pool(config({}, written), live()).objects
    assert mfa_plan.changes == (FieldChange(("MfaConfiguration",), "OPTIONAL", "ON"),)
    # The written passkey block is sent whole, its unwritten factor setting at its default.
    passkeys = {**live_mfa["WebAuthnConfiguration"], "FactorConfiguration": "SINGLE_FACTOR"}
    assert mfa_plan.calls == (ApiCall("SetUserPoolMfaConfig", {
        "UserPoolId": POOL, **live_mfa, "MfaConfiguration": "ON",
        "WebAuthnConfiguration": passkeys}),)


def test_mfa_no_op_when_the_file_states_the_live_mfa() -> None:
    _, mfa_plan = plan_pool(config({}, mfa_2025()), live()).objects
    assert (mfa_plan.action, mfa_plan.calls) == (Action.NOOP, ())


def test_mfa_update_carries_unwritten_webauthn_from_live() -> None:
    written = {"MfaConfiguration": "ON", "SoftwareTokenMfaConfiguration": {"Enabled": True}}
    _, mfa_plan = plan_pool(config({}, written), live()).objects
    (call,) = mfa_plan.calls
    assert call.params["WebAuthnConfiguration"] == mfa_2025()["WebAuthnConfiguration"]


def test_mfa_factor_blocks_the_file_leaves_out_show_as_going_to_default() -> None:
    written = {"MfaConfiguration": "ON", "SoftwareTokenMfaConfiguration": {"Enabled": True}}
    _, mfa_plan = plan_pool(config({}, written), live()).objects
    live_mfa = mfa_2025()
    assert mfa_plan.changes == (
        FieldChange(("EmailMfaConfiguration",), live_mfa["EmailMfaConfiguration"], MISSING,
                    to_default=True),
        FieldChange(("MfaConfiguration",), "OPTIONAL", "ON"),
        FieldChange(("SmsMfaConfiguration",), live_mfa["SmsMfaConfiguration"], MISSING,
                    to_default=True),
    )


def test_a_secret_from_the_environment_makes_the_change_sensitive() -> None:
    secret = "ext-id-from-env"
    sms = {"SnsCallerArn": "arn:aws:iam::123456789012:role/service-role/userpool-SMS-Role",
           "ExternalId": secret}
    (pool,) = plan_pool(config({"SmsConfiguration": sms}, secrets=frozenset({secret})),
                        live()).objects
    (change,) = pool.changes
    assert change.path == ("SmsConfiguration", "ExternalId")
    assert change.sensitive is True
    # The call itself carries the real value: apply needs it.
    assert pool.calls[0].params["SmsConfiguration"]["ExternalId"] == secret


def test_planning_leaves_the_live_values_untouched() -> None:
    current = live()
    before = copy.deepcopy((dict(current.pool), dict(current.mfa)))
    plan_pool(config({"UsernameAttributes": ["email"]}, MFA_OFF), current)
    assert (dict(current.pool), dict(current.mfa)) == before


@pytest.mark.parametrize("written", [
    # terraform-provider-aws #34904: an empty list, live reported as [] or not at all.
    {"UserAttributeUpdateSettings": {"AttributesRequireVerificationBeforeUpdate": []}},
    # Cognito reports an empty AdvancedSecurityAdditionalFlows for none (2024 example).
    {"UserPoolAddOns": {"AdvancedSecurityMode": "ENFORCED",
                        "AdvancedSecurityAdditionalFlows": {}}},
    # The pool's SnsRegion is its own region when the request leaves it out.
    {"SmsConfiguration": {"SnsCallerArn":
                          "arn:aws:iam::123456789012:role/service-role/userpool-SMS-Role",
                          "ExternalId": "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111",
                          "SnsRegion": "us-west-2"}},
])
def test_values_cognito_reports_for_defaults_are_not_differences(written: dict[str, Any]
                                                                  ) -> None:
    pool = describe_2024()
    pool.pop("UserAttributeUpdateSettings")
    pool["SmsConfiguration"].pop("SnsRegion")
    (planned,) = plan_pool(config(written), live(pool)).objects
    assert (planned.action, planned.changes) == (Action.NOOP, ())


PER_CLIENT = {
    "ui_customization": {"web": {"CSS": ".label-customizable {font-weight: 400;}"}},
    "managed_login_branding": {"web": {"UseCognitoProvidedValues": True}},
    "terms": {"web": {"terms-of-use": {"TermsSource": "LINK", "Enforcement": "NONE",
                                        "Links": {"cognito:default": "https://example.com/t"}}}},
    "risk_configuration": {"web": {"RiskExceptionConfiguration": {
        "BlockedIPRangeList": ["192.0.2.0/24"]}}},
}


@pytest.mark.parametrize("key", sorted(PER_CLIENT))
def test_a_kind_for_a_client_this_run_prunes_cannot_be_applied(key: str) -> None:
    """The planner gives each kind the deletions planned before it (a collection's
    removals wait until the kinds that keep them in order are planned): an entry for a
    client that prune deletes in the same run is refused before any write, never a
    no-op that fails to converge."""
    from poolsync.kinds.base import LiveChildren

    pool = {"Id": "eu-west-1_EXAMPLE", "Name": "app", "Arn": "arn:aws:cognito-idp:eu-west-1:"
            "123456789012:userpool/eu-west-1_EXAMPLE", "UserPoolTier": "PLUS",
            "UserPoolAddOns": {"AdvancedSecurityMode": "ENFORCED"},
            "Domain": "app-example"}
    web = {"ClientId": "web1", "ClientName": "web", "UserPoolId": pool["Id"]}
    domain = {"Domain": "app-example", "UserPoolId": pool["Id"], "ManagedLoginVersion": 2}
    children = LiveChildren(clients={"web": web}, domains=(domain,), pool_id=pool["Id"],
                            client_ids={"web": "web1"}, others={key: {}})
    cfg = PoolConfig("app", "eu-west-1", {}, clients={"api": {}}, prune=True,
                     parts={key: PER_CLIENT[key]})
    planned = plan_pool(cfg, LivePool(pool, {}, children))
    by_address = {o.address: o for o in planned.objects}
    assert by_address["app/clients/web"].action is Action.DELETE
    entry = by_address[f"app/{key}/web"]
    assert entry.action is Action.CANNOT_APPLY and not entry.calls
    assert "web" in entry.reason
