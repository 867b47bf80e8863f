"""The user pool's own settings (CreateUserPool, UpdateUserPool, DeleteUserPool and
AddCustomAttributes, in the UserPoolUpdate quota category; read with DescribeUserPool,
in UserPoolRead): Cognito's defaults, the canonical shape of the live and the written
settings, the request payloads, the export and the offline rules. Every Cognito quirk
that would otherwise show as a false diff is a small named function here saying which
AWS behaviour it absorbs and its public source.

Canonical form of a pool's settings (``canonical_live_settings`` /
``canonical_desired_settings``):
- only CreateUserPool input members (read-only response keys dropped);
- ``Schema`` is a mapping from the bare attribute name to its fully specified entry,
  constraints as strings, standard attributes at their defaults unless written;
- lists of scalars sorted (they are sets to Cognito), recovery mechanisms by priority;
- legacy and placeholder fields folded away.

poolsync's own tags on a pool (``RUN_ID``, ``CREATED_BY_RUN``, ``PROTECTION_OFF_BY_RUN``)
live here with the payloads that write them. Planning the pool (in place or replaced,
the copies a race left, the order of its writes and MFA's) stays in ``poolsync.plan``;
which member forces a replacement, in ``poolsync.mutability``.

Pure: no AWS. ``poolsync.export`` is imported where it is used: it imports this module.
The rules' helpers come from ``poolsync.rules``, which imports this module only when
it first runs its rules.
"""

from __future__ import annotations

import copy
import json
import unicodedata
from collections.abc import Collection, Iterator, Mapping
from typing import Any

from poolsync.kinds.base import Kind, KindOps, PlanContext
from poolsync.model import MISSING, ApiCall, ObjectPlan, Path, Problem, render_path
from poolsync.normalize import (
    CUSTOM_PREFIX,
    DEVELOPER_PREFIX,
    UNKNOWN,
    OwnedView,
    WhenPresent,
    attribute_key,
    carry_over,
    is_custom_attribute,
    live_attribute_key,
    request_attribute_name,
    sort_sets,
    strip_carried,
)
from poolsync.rules import _dig, _list, _mapping, _Pool, _strings, _unknown

# The 20 standard attributes as Cognito creates them (terraform-provider-aws user_pool.go,
# userPoolSchemaAttributeMatchesStandardAttribute; and the
# 2024 describe_user_pool example). Constraints are strings because the API returns them so.
_STRING = {"AttributeDataType": "String", "DeveloperOnlyAttribute": False, "Mutable": True,
           "Required": False, "StringAttributeConstraints": {"MinLength": "0", "MaxLength": "2048"}}
STANDARD_ATTRIBUTES: dict[str, dict[str, Any]] = {
    "sub": {**_STRING, "Mutable": False, "Required": True,
            "StringAttributeConstraints": {"MinLength": "1", "MaxLength": "2048"}},
    **{name: dict(_STRING) for name in (
        "name", "given_name", "family_name", "middle_name", "nickname", "preferred_username",
        "profile", "picture", "website", "email", "gender", "zoneinfo", "locale",
        "phone_number", "address")},
    "birthdate": {**_STRING, "StringAttributeConstraints": {"MinLength": "10", "MaxLength": "10"}},
    "email_verified": {"AttributeDataType": "Boolean", "DeveloperOnlyAttribute": False,
                       "Mutable": True, "Required": False},
    "phone_number_verified": {"AttributeDataType": "Boolean", "DeveloperOnlyAttribute": False,
                              "Mutable": True, "Required": False},
    "updated_at": {"AttributeDataType": "Number", "DeveloperOnlyAttribute": False,
                   "Mutable": True, "Required": False,
                   "NumberAttributeConstraints": {"MinValue": "0"}},
}

# Cognito adds `identities` once an external IdP is attached (terraform-provider-aws
# user_pool.go).
AUTO_ATTRIBUTES = frozenset({"identities"})

# Defaults of custom attributes as poolsync sends them. Cognito's own default for Mutable is
# undocumented (Terraform sends false, the CDK defaults to immutable), so poolsync always
# sends fully specified entries
# (amplify-backend #3299 shows what partial entries cost) with these values.
CUSTOM_ATTRIBUTE_DEFAULTS: dict[str, Any] = {
    "AttributeDataType": "String", "DeveloperOnlyAttribute": False, "Mutable": True,
    "Required": False,
}
# An unconstrained custom String comes back with MaxLength "2048" (2024 CLI example; TF).
CUSTOM_STRING_CONSTRAINTS: dict[str, Any] = {"MaxLength": "2048"}

_VERIFY_CODE = "Your verification code is {####}. "
_INVITE = "Your username is {username} and temporary password is {####}. "

# Cognito's defaults per CreateUserPool member (botocore member docs; what the AWS CLI's
# describe-user-pool examples report for unset members). A member with
# no entry defaults to "not set".
SETTINGS_DEFAULTS: dict[str, Any] = {
    "Policies": {
        "PasswordPolicy": {
            "MinimumLength": 8, "RequireUppercase": True, "RequireLowercase": True,
            "RequireNumbers": True, "RequireSymbols": True, "TemporaryPasswordValidityDays": 7,
            "PasswordHistorySize": 0,
        },
        # PASSWORD only is the documented behaviour of a pool without passwordless sign-in.
        "SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD"]},
    },
    "DeletionProtection": "INACTIVE",
    "LambdaConfig": {},
    "AutoVerifiedAttributes": [],
    "AliasAttributes": [],
    "UsernameAttributes": [],
    "VerificationMessageTemplate": {
        "DefaultEmailOption": "CONFIRM_WITH_CODE",
        "EmailMessage": _VERIFY_CODE,
        "EmailSubject": "Your verification code",
        "SmsMessage": _VERIFY_CODE,
        # The by-link defaults are not documented: not compared unless written.
        "EmailMessageByLink": UNKNOWN,
        "EmailSubjectByLink": UNKNOWN,
    },
    "SmsAuthenticationMessage": "Your authentication code is {####}. ",
    "UserAttributeUpdateSettings": {"AttributesRequireVerificationBeforeUpdate": []},
    "DeviceConfiguration": WhenPresent(
        {"ChallengeRequiredOnNewDevice": False, "DeviceOnlyRememberedOnUserPrompt": False}
    ),
    "EmailConfiguration": {"EmailSendingAccount": "COGNITO_DEFAULT"},
    # SnsRegion defaults to the pool's region (TF Optional+Computed): not compared unless written.
    "SmsConfiguration": WhenPresent({"SnsRegion": UNKNOWN}),
    "UserPoolTags": {},
    "AdminCreateUserConfig": {
        "AllowAdminCreateUserOnly": False,
        "InviteMessageTemplate": {
            "EmailMessage": _INVITE, "EmailSubject": "Your temporary password",
            "SMSMessage": _INVITE,
        },
    },
    "UserPoolAddOns": {"AdvancedSecurityMode": "OFF"},
    # The model documents CaseSensitive=true as the behaviour when the block is absent.
    "UsernameConfiguration": {"CaseSensitive": True},
    "UserPoolTier": "ESSENTIALS",
    "Schema": STANDARD_ATTRIBUTES,
}

SETTINGS_MEMBERS_ALL = frozenset(
    {
        "Policies", "DeletionProtection", "LambdaConfig", "AutoVerifiedAttributes",
        "AliasAttributes", "UsernameAttributes", "SmsVerificationMessage",
        "EmailVerificationMessage", "EmailVerificationSubject", "VerificationMessageTemplate",
        "SmsAuthenticationMessage", "UserAttributeUpdateSettings", "DeviceConfiguration",
        "EmailConfiguration", "SmsConfiguration", "UserPoolTags", "AdminCreateUserConfig",
        "Schema", "UserPoolAddOns", "UsernameConfiguration", "AccountRecoverySetting",
        "UserPoolTier",
    }
)
# UpdateUserPool accepts every CreateUserPool member except these (botocore: diff of the shapes).
CREATE_ONLY_MEMBERS = frozenset(
    {"AliasAttributes", "UsernameAttributes", "UsernameConfiguration", "Schema"}
)
LEGACY_MESSAGE_FIELDS = {
    "EmailVerificationMessage": "EmailMessage",
    "EmailVerificationSubject": "EmailSubject",
    "SmsVerificationMessage": "SmsMessage",
}


# --------------------------------------------------------------------------- live quirks


def drop_read_only_members(user_pool: Mapping[str, Any]) -> dict[str, Any]:
    """DescribeUserPool returns ids, dates, counts, domains and failure strings that no
    request takes (botocore UserPoolType); keep request members only.
    ``MfaConfiguration`` is read from GetUserPoolMfaConfig instead."""
    return {k: copy.deepcopy(v) for k, v in user_pool.items() if k in SETTINGS_MEMBERS_ALL}


def fold_legacy_verification_messages(settings: dict[str, Any]) -> None:
    """Cognito mirrors EmailVerificationMessage/Subject and SmsVerificationMessage with
    VerificationMessageTemplate and returns both (AWS CLI example;
    terraform-provider-aws #2423); pools from before the template
    existed return only the legacy trio. Keep one canonical place: the template."""
    legacy = {k: settings.pop(k) for k in list(settings) if k in LEGACY_MESSAGE_FIELDS}
    if not legacy:
        return
    template = settings.setdefault("VerificationMessageTemplate", {})
    for old, new in LEGACY_MESSAGE_FIELDS.items():
        if old in legacy and legacy[old] is not None and new not in template:
            template[new] = legacy[old]


def drop_unused_account_validity_days(settings: dict[str, Any]) -> None:
    """AdminCreateUserConfig.UnusedAccountValidityDays is a read-only echo of
    TemporaryPasswordValidityDays, and Cognito refuses it on write once the latter is set
    (terraform-provider-aws user_pool.go
    retries without it). Pools from before the password-policy field (2017
    recordings) carry the value only here: it moves to its current place."""
    admin = settings.get("AdminCreateUserConfig")
    if not isinstance(admin, dict) or "UnusedAccountValidityDays" not in admin:
        return
    days = admin.pop("UnusedAccountValidityDays")
    password = settings.get("Policies", {}).get("PasswordPolicy")
    if isinstance(password, dict):
        password.setdefault("TemporaryPasswordValidityDays", days)


SYSTEM_TAG_PREFIXES = ("aws:", "poolsync:")


def drop_system_tags(settings: dict[str, Any]) -> None:
    """``aws:*`` tags (CloudFormation and friends) appear in reads and cannot be managed
    (go-to-k/cdkd); ``poolsync:*`` tags hold poolsync's fingerprints of write-only secrets.
    Neither is the user's: not compared."""
    tags = settings.get("UserPoolTags")
    if isinstance(tags, dict):
        settings["UserPoolTags"] = {
            k: v for k, v in tags.items() if not k.startswith(SYSTEM_TAG_PREFIXES)
        }


def poolsync_tags(user_pool: Mapping[str, Any]) -> dict[str, str]:
    """poolsync's own tags on a live pool, which every full update must carry over:
    ``poolsync:private_key:<provider>``, the scrypt fingerprint of the Apple key last
    sent (``identity_provider.fingerprint``; a ``sha256:`` value from an older poolsync is kept
    until the next send replaces it)."""
    tags = user_pool.get("UserPoolTags") or {}
    return {k: v for k, v in tags.items() if k.startswith("poolsync:")}


def drop_empty_placeholders(settings: dict[str, Any]) -> None:
    """Cognito returns empty objects for unset blocks, and old pools return
    ``EmailConfiguration: {}`` (AWS CLI example 2024; 2017 placebo recordings). Absent
    and empty mean the same; requests reject some empty blocks (go-to-k/cdkd
    isEmptyObjectPlaceholder)."""
    for member in ("EmailConfiguration", "SmsConfiguration", "DeviceConfiguration"):
        if settings.get(member) == {}:
            del settings[member]
    empty_additional_flows_is_none(settings)
    if settings.get("UserPoolAddOns") == {}:
        del settings["UserPoolAddOns"]


def tier_not_reported(settings: dict[str, Any]) -> None:
    """Responses from before feature plans (Nov 2024) carry no UserPoolTier (2024 CLI
    example), and such a pool's plan is not ESSENTIALS by default: its tier is unknown,
    so a written tier cannot be compared (it is still sent on every update)."""
    settings.setdefault("UserPoolTier", UNKNOWN)


def _stringify_constraints(entry: dict[str, Any]) -> None:
    """Schema constraints are numeric strings in the API ("2048"); YAML may give ints."""
    for key in ("StringAttributeConstraints", "NumberAttributeConstraints"):
        block = entry.get(key)
        if isinstance(block, dict):
            entry[key] = {k: str(v) for k, v in block.items() if v is not None}
            if not entry[key]:
                del entry[key]


def schema_from_live(attributes: list[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """SchemaAttributes as a mapping by key (``attribute_key``). Cognito adds
    ``identities`` once an IdP exists (terraform-provider-aws user_pool.go), and no
    request can write it: dropped."""
    out: dict[str, dict[str, Any]] = {}
    for attribute in attributes:
        if attribute["Name"] in AUTO_ATTRIBUTES:
            continue
        entry = {k: copy.deepcopy(v) for k, v in attribute.items() if k != "Name"}
        _stringify_constraints(entry)
        out[live_attribute_key(str(attribute["Name"]))] = entry
    return out


def schema_from_desired(entries: list[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """The written Schema as fully specified entries by key: a standard attribute starts
    from its standard shape (its AttributeDataType may be left out), a custom one from
    poolsync's custom defaults."""
    out: dict[str, dict[str, Any]] = {}
    for written in entries:
        key = attribute_key(str(written["Name"]), written.get("DeveloperOnlyAttribute") is True)
        entry = {k: copy.deepcopy(v) for k, v in written.items() if k != "Name"}
        _stringify_constraints(entry)
        if key.startswith(DEVELOPER_PREFIX):
            # The name says developer-only: the request must too, or Cognito creates the
            # custom:X attribute instead (and no API removes it).
            entry["DeveloperOnlyAttribute"] = True
        custom = is_custom_attribute(key)
        base = dict(CUSTOM_ATTRIBUTE_DEFAULTS) if custom else copy.deepcopy(
            STANDARD_ATTRIBUTES.get(key, {}))
        base.update(entry)
        if custom and base["AttributeDataType"] == "String":
            base["StringAttributeConstraints"] = {
                **CUSTOM_STRING_CONSTRAINTS, **base.get("StringAttributeConstraints", {})
            }
        out[key] = base
    return out


def sms_region_defaults_to_the_pool_region(sms: Any, region: str | None) -> None:
    """SmsConfiguration.SnsRegion defaults to the pool's own region (botocore
    SmsConfigurationType.SnsRegion doc; Terraform marks sns_region Optional+Computed): a
    response without it means that region, so a file that writes it compares with it."""
    if isinstance(sms, dict) and region and "SnsCallerArn" in sms:
        sms.setdefault("SnsRegion", region)


def pool_region(user_pool: Mapping[str, Any]) -> str | None:
    """A pool id is ``<region>_<suffix>`` (botocore UserPoolIdType pattern)."""
    pool_id = str(user_pool.get("Id") or "")
    return pool_id.split("_", 1)[0] if "_" in pool_id else None


def fold_legacy_aliases(settings: dict[str, Any]) -> None:
    """The legacy CreateUserPool members a file may write (README, "The config format":
    CloudFormation and Serverless templates use them) become their current twins:
    EmailVerificationMessage/Subject and SmsVerificationMessage the
    VerificationMessageTemplate fields Cognito mirrors them with (botocore: "no longer
    used"; Terraform copies one into the other), and AdminCreateUserConfig.
    UnusedAccountValidityDays the PasswordPolicy's TemporaryPasswordValidityDays (which
    Cognito reports it equal to, and refuses it beside: terraform-provider-aws
    user_pool.go). The rules refuse both twins written with different values. Writing an
    alias owns only its twin: where the twin's block is not written, the block's other
    fields are carried over from the live pool, never reset."""
    legacy = {k: settings.pop(k) for k in list(settings) if k in LEGACY_MESSAGE_FIELDS}
    if legacy:
        template = _alias_block(settings, ("VerificationMessageTemplate",))
        for old, new in LEGACY_MESSAGE_FIELDS.items():
            if old in legacy and template.get(new, UNKNOWN) is UNKNOWN:
                template[new] = legacy[old]
    admin = settings.get("AdminCreateUserConfig")
    if isinstance(admin, dict) and "UnusedAccountValidityDays" in admin:
        days = admin.pop("UnusedAccountValidityDays")
        password = _alias_block(settings, ("Policies", "PasswordPolicy"))
        if password.get("TemporaryPasswordValidityDays", UNKNOWN) is UNKNOWN:
            password["TemporaryPasswordValidityDays"] = days


def _alias_block(settings: dict[str, Any], path: Path) -> dict[str, Any]:
    """The block at ``path``, created when the file does not write it, with every other
    field Cognito has there marked carried (``UNKNOWN``: not compared, copied from live)."""
    node: Any = settings
    defaults: Any = SETTINGS_DEFAULTS
    for part in path:
        defaults = defaults.get(part, {}) if isinstance(defaults, Mapping) else {}
        if not isinstance(node.get(part), dict):
            node[part] = {k: UNKNOWN for k in defaults} if isinstance(defaults, Mapping) else {}
        node = node[part]
    result: dict[str, Any] = node
    return result


def mirror_pre_token_generation(settings: dict[str, Any]) -> None:
    """Cognito keeps LambdaConfig.PreTokenGeneration and PreTokenGenerationConfig.LambdaArn
    identical (botocore; TF #45529): a file that writes one of them expects both."""
    lambdas = settings.get("LambdaConfig")
    if not isinstance(lambdas, dict):
        return
    config = lambdas.get("PreTokenGenerationConfig")
    if isinstance(config, dict) and "LambdaArn" in config:
        lambdas.setdefault("PreTokenGeneration", config["LambdaArn"])
    elif "PreTokenGeneration" in lambdas and config is None:
        lambdas["PreTokenGenerationConfig"] = {
            "LambdaArn": lambdas["PreTokenGeneration"], "LambdaVersion": "V1_0"
        }


# --------------------------------------------------------------------------- canonical


def canonical_live_settings(user_pool: Mapping[str, Any]) -> dict[str, Any]:
    settings = drop_read_only_members(user_pool)
    fold_legacy_verification_messages(settings)
    drop_unused_account_validity_days(settings)
    drop_system_tags(settings)
    drop_empty_placeholders(settings)
    mirror_pre_token_generation(settings)
    tier_not_reported(settings)
    sms_region_defaults_to_the_pool_region(settings.get("SmsConfiguration"),
                                           pool_region(user_pool))
    schema = user_pool.get("SchemaAttributes")
    if isinstance(schema, list):
        settings["Schema"] = schema_from_live(schema)
    result: dict[str, Any] = sort_sets(settings)
    return result


def empty_additional_flows_is_none(settings: dict[str, Any]) -> None:
    """``UserPoolAddOns.AdvancedSecurityAdditionalFlows: {}`` is what Cognito reports for
    no additional flows (AWS CLI describe-user-pool example, 2024), and what CDK and
    CloudFormation templates write: the same as none (``drop_empty_placeholders``)."""
    addons = settings.get("UserPoolAddOns")
    if isinstance(addons, dict) and addons.get("AdvancedSecurityAdditionalFlows") == {}:
        del addons["AdvancedSecurityAdditionalFlows"]


def canonical_desired_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(dict(settings))
    empty_additional_flows_is_none(out)
    fold_legacy_aliases(out)
    mirror_pre_token_generation(out)
    if isinstance(out.get("Schema"), list):
        out["Schema"] = schema_from_desired(out["Schema"])
    result: dict[str, Any] = sort_sets(out)
    return result


# --------------------------------------------------------------------------- payloads


# poolsync's own records on the pools it writes (``poolsync:`` tags are reserved:
# ``reserved_tag_keys``; never compared: ``drop_system_tags``; kept by every full update:
# ``poolsync_tags``). RUN_ID stands for the id of the apply run that
# sends the call; apply puts it in, as it does model.POOL_ID (engine._resolve). A
# placeholder is the same in every plan, so the plan's value and checksum do not change
# from run to run.
RUN_ID = "${poolsync:run-id}"


# On every pool poolsync creates (a new pool, or the new pool of a replacement): which
# run made it. A name found twice where the newer copies carry it and have no users is
# the trace of two applies that raced, or of one killed during CreateUserPool
# (``plan.stray_removal``).
CREATED_BY_RUN = "poolsync:created-by-run"


# Set by the UpdateUserPool that switches deletion protection off before a pool is
# deleted (``plan._plan_replacement``, ``plan.removal_calls``); gone with the pool, or removed by
# the update that switches protection on again. Found on a pool that still exists and
# is unprotected, it means a run stopped between the two: the plan puts protection back
# (``plan._protection_left_off``).
PROTECTION_OFF_BY_RUN = "poolsync:deletion-protection-off-by-run"


def create_payload(name: str, desired: Mapping[str, Any]
                   ) -> tuple[dict[str, Any], dict[str, Any]]:
    """CreateUserPool for a new pool: what the file writes, MFA off (a pool created with
    MFA ON/OPTIONAL needs SMS, and TOTP/email cannot be enabled there: aws/aws-cdk
    #11478), and the custom attributes CreateUserPool cannot create (``schema_entries``),
    which AddCustomAttributes adds right after."""
    payload = {k: copy.deepcopy(v) for k, v in desired.items()}
    later: dict[str, Any] = {}
    if "Schema" in payload:
        payload["Schema"], later = schema_entries(payload["Schema"])
        if not payload["Schema"]:  # CreateUserPool refuses an empty Schema (min length 1)
            del payload["Schema"]
    return _created_by_poolsync({"PoolName": name, **payload, "MfaConfiguration": "OFF"}), later


def _created_by_poolsync(payload: dict[str, Any]) -> dict[str, Any]:
    """A CreateUserPool request tagged ``CREATED_BY_RUN`` (the run's id, put in by apply):
    the mark that tells a copy left by a race or a killed run (``plan.stray_removal``), and
    that lets a retry after a lost response find the pool this run created, not another
    run's (aws.BotoCognito._already_created)."""
    tags = {**(payload.get("UserPoolTags") or {}), CREATED_BY_RUN: RUN_ID}
    return {**payload, "UserPoolTags": tags}


def _add_attributes(pool_id: str, attributes: Mapping[str, Mapping[str, Any]]
                    ) -> list[ApiCall]:
    """AddCustomAttributes for new custom attributes (by key), 1-25 per call (botocore
    CustomAttributesListType), each by its bare name: Cognito adds the prefix."""
    entries = [{"Name": request_attribute_name(key), **copy.deepcopy(dict(attribute))}
               for key, attribute in attributes.items()]
    return [ApiCall("AddCustomAttributes",
                    {"UserPoolId": pool_id, "CustomAttributes": entries[start:start + 25]})
            for start in range(0, len(entries), 25)]


def update_payload(
    live_settings: Mapping[str, Any],
    view: OwnedView,
    desired: Mapping[str, Any],
    keep_tags: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """UpdateUserPool resets every member it is not sent (botocore), so send all of them: live
    for members the file does not write, the file (defaults filled) for those it does.
    Create-only members are not accepted; MfaConfiguration is left out, which preserves
    it (measured by go-to-k/cdkd), because only SetUserPoolMfaConfig may change it."""
    payload = {k: copy.deepcopy(v) for k, v in live_settings.items()
               if k not in CREATE_ONLY_MEMBERS and v is not UNKNOWN}
    for member in desired:
        if member in CREATE_ONLY_MEMBERS:
            continue
        if member in view.expected:
            payload[member] = copy.deepcopy(view.expected[member])
        else:
            payload.pop(member, None)
    carry_over(payload, view, live_settings, skip=CREATE_ONLY_MEMBERS)
    if keep_tags:
        payload["UserPoolTags"] = {**payload.get("UserPoolTags", {}), **keep_tags}
    return payload


def replacement_payload(
    name: str, live_settings: Mapping[str, Any], view: OwnedView, desired: Mapping[str, Any],
    unmanaged: Collection[str] = (),
) -> tuple[dict[str, Any], dict[str, Any]]:
    """CreateUserPool for the new pool of a replacement: every setting the file does not
    manage is carried over from the old pool, so a replacement loses nothing it need not;
    so are the live custom attributes the file does not list. Returns the payload and the
    custom attributes AddCustomAttributes adds after it (``schema_entries``)."""
    payload = {k: copy.deepcopy(v) for k, v in live_settings.items() if v is not UNKNOWN}
    for member in desired:
        if member in view.expected:
            payload[member] = copy.deepcopy(view.expected[member])
        else:
            payload.pop(member, None)
    carry_over(payload, view, live_settings, skip=frozenset())
    _one_sign_in_choice(payload, desired)
    payload = strip_carried(payload)
    later: dict[str, Any] = {}
    if "Schema" in payload:
        schema = dict(strip_carried(desired["Schema"])) if "Schema" in desired else (
            _non_default_attributes(payload["Schema"]))
        live_schema = live_settings.get("Schema") or {}
        schema.update({k: live_schema[k] for k in unmanaged if k in live_schema})
        payload["Schema"], later = schema_entries(schema)
        if not payload["Schema"]:  # CreateUserPool refuses an empty Schema (min length 1)
            del payload["Schema"]
    return _created_by_poolsync({"PoolName": name, **payload, "MfaConfiguration": "OFF"}), later


def _one_sign_in_choice(payload: dict[str, Any], desired: Mapping[str, Any]) -> None:
    """UsernameAttributes and AliasAttributes are mutually exclusive (botocore
    CreateUserPool; terraform-provider-aws user_pool.go ConflictsWith;
    ``username_and_alias_attributes``): a replacement that switches from one to the
    other creates the pool with the one the file writes, not also the old pool's."""
    for written, other in (("UsernameAttributes", "AliasAttributes"),
                           ("AliasAttributes", "UsernameAttributes")):
        if desired.get(written):
            payload.pop(other, None)


def schema_entries(schema: Mapping[str, Mapping[str, Any]]
                   ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Canonical schema (by key) back to CreateUserPool's list of fully specified
    entries, custom attributes by their bare names. A custom attribute whose bare name is
    a standard attribute's (``custom:sub``) cannot be created there, where that name
    configures the standard attribute: it is returned apart, for AddCustomAttributes,
    which only ever creates custom attributes (botocore AddCustomAttributes)."""
    entries: list[dict[str, Any]] = []
    later: dict[str, Any] = {}
    for key, entry in schema.items():
        bare = request_attribute_name(key)
        if is_custom_attribute(key) and bare in STANDARD_ATTRIBUTES:
            later[key] = copy.deepcopy(dict(entry))
        else:
            entries.append({"Name": bare, **copy.deepcopy(dict(entry))})
    return entries, later


def _non_default_attributes(schema: Mapping[str, Any]) -> dict[str, Any]:
    """Standard attributes at their defaults need not (and, with 50 entries max, should
    not) be sent again; custom ones and changed standard ones must."""
    return {n: a for n, a in schema.items() if STANDARD_ATTRIBUTES.get(n) != a}


def _kept_tags(user_pool: Mapping[str, Any]) -> dict[str, str]:
    """poolsync's tags a full UpdateUserPool sends back: all of them but the mark of
    protection switched off, which an update leaves behind (the update either switches
    protection on, or the file decides it)."""
    return {k: v for k, v in poolsync_tags(user_pool).items() if k != PROTECTION_OFF_BY_RUN}


# --------------------------------------------------------------------------- export


def export_settings(user_pool: Mapping[str, Any]) -> dict[str, Any]:
    """DescribeUserPool's ``UserPool`` as the non-default CreateUserPool members."""
    from poolsync.export import _member  # export imports this module: not at load

    live = canonical_live_settings(user_pool)
    schema = live.pop("Schema", None)
    tier = live.pop("UserPoolTier", UNKNOWN)
    out: dict[str, Any] = {}
    for member in sorted(live):
        kept = _member(SETTINGS_DEFAULTS.get(member, MISSING), live[member], "settings", member)
        if kept is not MISSING:
            out[member] = kept
    _drop_mirrored_pre_token_generation(out)
    # A pool from before feature plans reports no tier: none is written (plan compares
    # a written tier with what the pool reports, and gates no feature on an unknown one).
    if tier is not UNKNOWN and tier != SETTINGS_DEFAULTS["UserPoolTier"]:
        out["UserPoolTier"] = tier
    entries = export_schema(schema or {})
    if entries:
        out["Schema"] = entries
    return dict(sorted(out.items()))


def _drop_mirrored_pre_token_generation(settings: dict[str, Any]) -> None:
    """Cognito mirrors LambdaConfig.PreTokenGeneration into PreTokenGenerationConfig
    (``mirror_pre_token_generation``): write the current field only."""
    lambdas = settings.get("LambdaConfig")
    if not isinstance(lambdas, dict):
        return
    config = lambdas.get("PreTokenGenerationConfig")
    if isinstance(config, dict) and config.get("LambdaArn") == lambdas.get("PreTokenGeneration"):
        del lambdas["PreTokenGeneration"]


def export_schema(schema: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Canonical schema (by key) as the entries to write: standard attributes only where
    they differ from their standard shape, custom attributes always, with their
    ``custom:`` prefix (``custom:locale`` is not the standard ``locale``; a developer-only
    one as ``custom:X`` with DeveloperOnlyAttribute), with numbers for constraints.
    Standard attributes poolsync does not know are Cognito's: not written. Entries are
    compared as a whole block per field (schema_from_desired replaces a written
    constraints block whole)."""
    entries = []
    for key, entry in schema.items():
        custom = is_custom_attribute(key)
        if not custom and key not in STANDARD_ATTRIBUTES:
            continue
        name = CUSTOM_PREFIX + request_attribute_name(key) if custom else key
        standard = None if custom else STANDARD_ATTRIBUTES[key]
        if standard is not None and dict(entry) == standard:
            continue
        base: dict[str, Any] = dict(standard) if standard is not None else {
            **CUSTOM_ATTRIBUTE_DEFAULTS,
            **({"StringAttributeConstraints": CUSTOM_STRING_CONSTRAINTS}
               if entry.get("AttributeDataType") == "String" else {}),
        }
        out: dict[str, Any] = {"Name": name}
        for key in sorted(set(entry) & set(_ATTRIBUTE_ORDER), key=_ATTRIBUTE_ORDER.index):
            # Custom attributes are fixed at creation: always say whether users can change
            # them; the data type always reads best.
            keep = key == "AttributeDataType" or (key == "Mutable" and standard is None)
            if keep or entry[key] != base.get(key, MISSING):
                out[key] = _numbers(entry[key]) if key.endswith("Constraints") else entry[key]
        entries.append(out)
    return entries


_ATTRIBUTE_ORDER = ("AttributeDataType", "DeveloperOnlyAttribute", "Mutable", "Required",
                    "StringAttributeConstraints", "NumberAttributeConstraints")


def _numbers(constraints: Mapping[str, Any]) -> dict[str, Any]:
    """Schema constraints are numeric strings in the API; the config takes numbers."""
    out: dict[str, Any] = {}
    for key, value in sorted(constraints.items(), key=lambda kv: (kv[0][:3] != "Min", kv[0])):
        try:
            out[key] = int(value)
        except (TypeError, ValueError):
            out[key] = value
    return out


# --------------------------------------------------------------------------- rules
# Offline rules over the pool as written (``rules._Pool``); ``rules._rules()`` and
# ``rules._state_rules()`` list them in the order their problems are reported.

MAX_CUSTOM_ATTRIBUTES = 50
MAX_CUSTOM_NAME = 20
# A Schema list holds at most 50 entries, standard ones included (botocore
# SchemaAttributesListType).
MAX_SCHEMA_ENTRIES = 50


def _schema_names(pool: _Pool) -> Iterator[tuple[int, str]]:
    """(index, name) of each Schema entry that has a string name."""
    for index, entry in enumerate(_list(pool.settings.get("Schema"))):
        name = _dig(entry, "Name")
        if isinstance(name, str):
            yield index, name


def _custom_attributes(pool: _Pool) -> Iterator[tuple[int, str]]:
    """Schema entries that declare a custom attribute: a ``custom:`` name, or a bare name
    that is not a standard attribute's (``custom:sub`` is custom, ``sub`` standard)."""
    for index, name in _schema_names(pool):
        if is_custom_attribute(attribute_key(name)) and not _unknown(name):
            yield index, name


def username_and_alias_attributes(pool: _Pool) -> Iterator[Problem]:
    """UsernameAttributes and AliasAttributes are mutually exclusive (botocore CreateUserPool
    docs; terraform-provider-aws user_pool.go ConflictsWith)."""
    if _list(pool.settings.get("UsernameAttributes")) and _list(
        pool.settings.get("AliasAttributes")
    ):
        yield Problem(
            "AliasAttributes and UsernameAttributes are mutually exclusive: write only one",
            pool.at("settings", "AliasAttributes"),
        )


def required_custom_attribute(pool: _Pool) -> Iterator[Problem]:
    """Cognito refuses ``Required: true`` on a custom attribute ("Required custom
    attributes are not supported currently": terraform-provider-aws #18430)."""
    schema = _list(pool.settings.get("Schema"))
    for index, _name in _custom_attributes(pool):
        if _dig(schema[index], "Required") is True:
            yield Problem(
                "Required custom attributes are not supported by Cognito",
                pool.at("settings", "Schema", index, "Required"),
            )


def too_many_custom_attributes(pool: _Pool) -> Iterator[Problem]:
    """A pool holds at most 50 custom attributes (AWS developer guide, "Quotas in Amazon
    Cognito"), and the Schema list at most 50 entries, standard ones included (botocore
    SchemaAttributesListType). The schema leaves this limit to this rule (schema.py)."""
    count = sum(1 for _ in _custom_attributes(pool))
    entries = len(_list(pool.settings.get("Schema")))
    if count > MAX_CUSTOM_ATTRIBUTES:
        message = f"at most {MAX_CUSTOM_ATTRIBUTES} custom attributes are allowed (got {count})"
    elif entries > MAX_SCHEMA_ENTRIES:
        message = (
            f"Schema lists at most {MAX_SCHEMA_ENTRIES} attributes, standard ones included "
            f"(got {entries})"
        )
    else:
        return
    yield Problem(message, pool.at("settings", "Schema"))


def custom_attribute_name_length(pool: _Pool) -> Iterator[Problem]:
    """A custom attribute name is 1-20 characters without its ``custom:`` prefix (botocore
    CustomAttributeNameType; the schema allows the prefix on top)."""
    for index, name in _custom_attributes(pool):
        bare = request_attribute_name(attribute_key(name))
        if len(bare) > MAX_CUSTOM_NAME:
            yield Problem(
                f"a custom attribute name has at most {MAX_CUSTOM_NAME} characters without "
                f'the "custom:" prefix (got {len(bare)})',
                pool.at("settings", "Schema", index, "Name"),
            )


def duplicate_attribute(pool: _Pool) -> Iterator[Problem]:
    """An attribute declared twice ("tenant" and "custom:tenant" are one attribute;
    "sub" and "custom:sub" are two): Cognito refuses it ("Existing attribute already has
    name custom:t.", the AddCustomAttributes error)."""
    first: dict[str, int] = {}
    for index, name in _schema_names(pool):
        bare = attribute_key(name)
        if bare in first:
            where = render_path(("Schema", first[bare]))
            yield Problem(
                f'attribute "{bare}" is declared twice (first at {where})',
                pool.at("settings", "Schema", index, "Name"),
            )
        else:
            first[bare] = index


MAX_STRING_ATTRIBUTE_LENGTH = 2048


def _digits(value: Any) -> int | None:
    """A schema constraint written as a number or a numeric string; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.lstrip("-").isdigit() and len(value) < 20:
        return int(value)
    return None


def attribute_constraints(pool: _Pool) -> Iterator[Problem]:
    """String constraints stay within 2048 characters and a minimum is not above its
    maximum, for strings and numbers: Cognito refuses others ("user.X: String attributes
    cannot have a length of more than 2048", as moto reproduces it in its CreateUserPool
    and AddCustomAttributes emulation, with a "Max length cannot ..." twin for the order)."""
    for index, entry in enumerate(_list(pool.settings.get("Schema"))):
        for key, low, high, limit in (
                ("StringAttributeConstraints", "MinLength", "MaxLength",
                 MAX_STRING_ATTRIBUTE_LENGTH),
                ("NumberAttributeConstraints", "MinValue", "MaxValue", None)):
            block = _mapping(_dig(entry, key))
            where = pool.at("settings", "Schema", index, key)
            lower, upper = _digits(block.get(low)), _digits(block.get(high))
            for name, value in ((low, lower), (high, upper)):
                if limit is not None and value is not None and value > limit:
                    yield Problem(f"a string attribute is at most {limit} characters long "
                                  f"(got {value})", (*where, name))
            if lower is not None and upper is not None and lower > upper:
                yield Problem(f"{low} ({lower}) is greater than {high} ({upper})",
                              (*where, low))


def developer_only_name(pool: _Pool) -> Iterator[Problem]:
    """``dev:custom:X`` names a developer-only attribute; DeveloperOnlyAttribute false
    beside it asks for the other one (``custom:X``). Written both ways, the file
    contradicts itself (botocore SchemaAttributeType.DeveloperOnlyAttribute)."""
    for index, entry in enumerate(_list(pool.settings.get("Schema"))):
        name = _dig(entry, "Name")
        if (isinstance(name, str) and name.startswith(DEVELOPER_PREFIX)
                and _dig(entry, "DeveloperOnlyAttribute") is False):
            yield Problem(
                "a dev:custom: name is a developer-only attribute: remove "
                "DeveloperOnlyAttribute: false, or name it custom:"
                + name[len(DEVELOPER_PREFIX):],
                pool.at("settings", "Schema", index, "DeveloperOnlyAttribute"))


RESERVED_TAG_PREFIXES = ("aws:", "poolsync:")


def reserved_tag_keys(pool: _Pool) -> Iterator[Problem]:
    """Tag keys starting with ``aws:`` are reserved for AWS (AWS tagging guide, "Tag
    naming limits and requirements"); ``poolsync:`` keys are poolsync's own records (of
    write-only secrets). Neither can be managed from the file."""
    tags = _mapping(pool.settings.get("UserPoolTags"))
    for key in tags:
        if isinstance(key, str) and key.lower().startswith(RESERVED_TAG_PREFIXES):
            yield Problem(
                f"tag keys starting with {key.split(':', 1)[0]}: are reserved "
                "(aws: for AWS, poolsync: for poolsync's own records)",
                pool.at("settings", "UserPoolTags", key))


# Characters a tag key may hold besides letters, numbers and separators (spaces).
TAG_KEY_PUNCTUATION = frozenset("_.:/=+-@")
_TAG_KEY_CATEGORIES = ("L", "N", "Z")  # Unicode's letters, numbers, separators


def tag_key_characters(pool: _Pool) -> Iterator[Problem]:
    """A tag key holds only letters, numbers, spaces (Unicode separators) and
    ``_ . : / = + - @``: the pattern ``^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$`` AWS's API
    references give TagKey (AWS Tag Editor guide, "Tag naming limits and requirements":
    https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html). botocore's
    TagKeysType for Cognito gives only the length (1-128, which the schema checks), and
    Python's ``re`` (the schema's) cannot spell ``\\p{L}``: the categories are checked
    here. A key holding ``${env:...}`` is the schema's to report."""
    for key in _mapping(pool.settings.get("UserPoolTags")):
        if not isinstance(key, str) or _unknown(key):
            continue
        bad = [c for c in dict.fromkeys(key) if not tag_key_character(c)]
        if bad:
            shown = ", ".join(json.dumps(c) for c in bad[:5])
            yield Problem(
                f"a tag key holds only letters, numbers, spaces and _ . : / = + - @"
                f" (got {shown})",
                pool.at("settings", "UserPoolTags", key))


def tag_key_character(char: str) -> bool:
    """One character ``tag_key_characters`` allows (also what a ``poolsync:`` record's
    key may hold: kinds.common.record_tag_key)."""
    return char in TAG_KEY_PUNCTUATION or unicodedata.category(char)[0] in _TAG_KEY_CATEGORIES


def legacy_alias_conflict(pool: _Pool) -> Iterator[Problem]:
    """The legacy CreateUserPool members are accepted as aliases of their current twins
    (README, "The config format"): Cognito mirrors EmailVerificationMessage/Subject and
    SmsVerificationMessage with VerificationMessageTemplate (botocore: "no longer used"),
    and UnusedAccountValidityDays with TemporaryPasswordValidityDays (which it refuses
    beside: terraform-provider-aws user_pool.go). Both twins with different values
    cannot both hold: refused (Terraform declares them ConflictsWith)."""
    template = _mapping(pool.settings.get("VerificationMessageTemplate"))
    for legacy, member in LEGACY_MESSAGE_FIELDS.items():
        if legacy in pool.settings and member in template:
            yield from _twins_differ(
                pool, ("settings", legacy), pool.settings[legacy],
                ("settings", "VerificationMessageTemplate", member), template[member])
    admin = _mapping(pool.settings.get("AdminCreateUserConfig"))
    password = _mapping(_dig(pool.settings, "Policies", "PasswordPolicy"))
    if "UnusedAccountValidityDays" in admin and "TemporaryPasswordValidityDays" in password:
        yield from _twins_differ(
            pool, ("settings", "AdminCreateUserConfig", "UnusedAccountValidityDays"),
            admin["UnusedAccountValidityDays"],
            ("settings", "Policies", "PasswordPolicy", "TemporaryPasswordValidityDays"),
            password["TemporaryPasswordValidityDays"])


def _twins_differ(pool: _Pool, legacy: Path, old: Any, current: Path, new: Any
                  ) -> Iterator[Problem]:
    if old == new or _unknown(old) or _unknown(new):
        return
    yield Problem(
        f"is the legacy twin of {render_path(current)} and the two differ: Cognito keeps "
        "them equal, so write one of them (or the same value in both)",
        pool.at(*legacy),
    )


def attributes_require_verification_are_auto_verified(pool: _Pool) -> Iterator[Problem]:
    """UserAttributeUpdateSettings.AttributesRequireVerificationBeforeUpdate may name only
    attributes that Cognito verifies automatically, or CreateUserPool/UpdateUserPool fail
    with InvalidParameterException (AWS developer guide, "Verifying updates to email
    addresses and phone numbers", which botocore's UserAttributeUpdateSettingsType links).
    Offline, an unwritten AutoVerifiedAttributes is the live one: undecided."""
    names = _list(_dig(pool.settings, "UserAttributeUpdateSettings",
                       "AttributesRequireVerificationBeforeUpdate"))
    if not names or not pool.knows("AutoVerifiedAttributes"):
        return
    verified = set(_strings(pool.settings.get("AutoVerifiedAttributes")))
    for index, name in enumerate(names):
        if isinstance(name, str) and not _unknown(name) and name not in verified:
            yield Problem(
                f"{name} is not in AutoVerifiedAttributes: Cognito keeps the original "
                "value only of an attribute it verifies automatically; add it there",
                pool.at("settings", "UserAttributeUpdateSettings",
                        "AttributesRequireVerificationBeforeUpdate", index),
            )


def pre_token_generation_mismatch(pool: _Pool) -> Iterator[Problem]:
    """PreTokenGeneration and PreTokenGenerationConfig.LambdaArn must be the same
    function when both are set (botocore LambdaConfigType)."""
    lambdas = _mapping(pool.settings.get("LambdaConfig"))
    legacy = lambdas.get("PreTokenGeneration")
    current = _dig(lambdas, "PreTokenGenerationConfig", "LambdaArn")
    if not (isinstance(legacy, str) and isinstance(current, str)) or legacy == current:
        return
    if _unknown(legacy) or _unknown(current):
        return
    yield Problem(
        "must equal LambdaConfig.PreTokenGeneration when both are set (Cognito requires "
        "the same function in both)",
        pool.at("settings", "LambdaConfig", "PreTokenGenerationConfig", "LambdaArn"),
    )


# The pool itself: found by name (ListUserPools, one pass per region), read, created,
# updated and deleted; ListUsers asks for one user before a pool is deleted (a
# replacement: engine.check_apply never deletes a pool with users). Its tags are
# written by the kinds that record fingerprints in ``poolsync:`` tags (TagResource,
# UntagResource: categories here, the calls in those kinds' ops).
OPS = KindOps(
    reads=("ListUserPools", "DescribeUserPool"),
    apply_reads=("ListUsers",),
    writes=("CreateUserPool", "UpdateUserPool", "DeleteUserPool", "AddCustomAttributes"),
    category={**dict.fromkeys(("ListUserPools", "DescribeUserPool"), "UserPoolRead"),
              **dict.fromkeys(("CreateUserPool", "UpdateUserPool", "DeleteUserPool",
                               "AddCustomAttributes"), "UserPoolUpdate"),
              "ListUsers": "UserList",
              "ListTagsForResource": "UserPoolResourceRead",
              **dict.fromkeys(("TagResource", "UntagResource"), "UserPoolResourceUpdate")},
)


def export_from(live: Any, collected: Any) -> dict[str, Any]:
    """``settings`` of an export (``live``: a plan.LivePool)."""
    return export_settings(live.pool)


def _plan(ctx: PlanContext) -> list[ObjectPlan]:
    from poolsync.kinds import pool

    return pool.plan(ctx)


def _review(ctx: PlanContext, objects: list[ObjectPlan]) -> list[ObjectPlan]:
    from poolsync.kinds import pool

    return pool.review(ctx, objects)


# The pool itself (kinds.pool), planned always: a pool the file names is created or
# compared, whatever the file writes of it.
KIND = Kind("settings", "pool", _plan, OPS.reads, OPS.writes, OPS.category,
            apply_reads=OPS.apply_reads,
            review=_review, always=True,
            rules=(required_custom_attribute, too_many_custom_attributes,
                   custom_attribute_name_length, duplicate_attribute, attribute_constraints,
                   developer_only_name, reserved_tag_keys, tag_key_characters,
                   username_and_alias_attributes, attributes_require_verification_are_auto_verified,
                   legacy_alias_conflict, pre_token_generation_mismatch),
            state_rules=(username_and_alias_attributes,
                         attributes_require_verification_are_auto_verified))
