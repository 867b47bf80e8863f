"""One canonical shape for desired and live state, so the differ compares like with like.

Every Cognito quirk that would otherwise show as a false diff is absorbed here by a small
named function saying which AWS behaviour it absorbs and its public source.
Never diff a raw describe response against raw YAML.

Canonical form of a pool's settings (``canonical_live_settings`` /
``canonical_desired_settings``):
- only CreateUserPool input members (read-only response keys dropped);
- ``Schema`` is a mapping from the bare attribute name to its fully specified entry,
  constraints as strings, standard attributes at their defaults unless written;
- lists of scalars sorted (they are sets to Cognito), recovery mechanisms by priority;
- legacy and placeholder fields folded away.

Ownership (README, "What poolsync manages") is applied by ``owned_view``: members the
user did not write
are left out of the comparison; inside a written member every field the user left out
takes Cognito's default (``SETTINGS_DEFAULTS``), except fields whose default is not
documented (``UNKNOWN``): those are not compared and are carried over from live.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from poolsync.model import MISSING, NOT_REPORTED, Path


class _Unknown:
    """Default not documented and not measured: a field the user leaves out is not
    compared, and every write carries the live value over."""

    def __repr__(self) -> str:
        return "(unknown default)"

    def __deepcopy__(self, memo: dict[int, Any]) -> _Unknown:
        return self  # a sentinel: compared by identity


UNKNOWN: Any = _Unknown()


@dataclass(frozen=True)
class WhenPresent:
    """A block that is absent by default; when present, its fields default to ``inner``."""

    inner: Mapping[str, Any]


@dataclass(frozen=True)
class CarriedUnlessWritten:
    """A block of a whole-put request (SetUserPoolMfaConfig) that the file may leave out:
    then it is not compared and every write carries the live block over; once written,
    its fields default to ``inner`` on both sides (a live block Cognito does not report
    is the defaults)."""

    inner: Mapping[str, Any]


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

# SetUserPoolMfaConfig is a full put: the whole `mfa` block is owned once written
# (botocore SetUserPoolMfaConfig; measured by go-to-k/cdkd).
MFA_DEFAULTS: dict[str, Any] = {
    "MfaConfiguration": "OFF",
    "SoftwareTokenMfaConfiguration": WhenPresent({"Enabled": False}),
    "SmsMfaConfiguration": WhenPresent(
        # Cognito fills the message and falls back to the pool's SmsConfiguration; a
        # written SmsConfiguration's SnsRegion defaults to the pool's region (as on the
        # pool: botocore SmsConfigurationType).
        {"SmsAuthenticationMessage": UNKNOWN,
         "SmsConfiguration": CarriedUnlessWritten({"SnsRegion": UNKNOWN})}
    ),
    "EmailMfaConfiguration": WhenPresent({"Message": UNKNOWN, "Subject": UNKNOWN}),
    # Passkeys: GetUserPoolMfaConfig reports RelyingPartyId and UserVerification once set
    # (AWS CLI get-user-pool-mfa-config example, 2025); FactorConfiguration is
    # SINGLE_FACTOR "when set to SINGLE_FACTOR or not set" (botocore WebAuthnConfigurationType
    # doc). The relying party defaults to the pool's domain (same doc): not compared unless
    # written. UserVerification's default is "preferred" (what the 2025 example reports for
    # a pool that did not ask for "required"; UNVERIFIED as a documented default).
    "WebAuthnConfiguration": CarriedUnlessWritten({
        "RelyingPartyId": UNKNOWN,
        "UserVerification": "preferred",
        "FactorConfiguration": "SINGLE_FACTOR",
    }),
}

# Members of the pool's own settings that are maps of user data, not structures.
_OPEN_MAPS: frozenset[Path] = frozenset({("UserPoolTags",)})


# --------------------------------------------------------------------------- schema walk


COLLECTIONS = frozenset({"clients", "identity_providers", "groups", "resource_servers"})


@cache
def _shapes() -> tuple[dict[str, Any], dict[str, Any]]:
    """The JSON Schema node of one pool, and ``$defs``."""
    from poolsync.schema import load_schema

    root = load_schema()
    defs: dict[str, Any] = root.get("$defs", {})
    pools = root["properties"]["pools"]
    pool = pools.get("additionalProperties") or next(iter(pools["patternProperties"].values()))
    return _deref(pool, defs), defs


def _deref(node: Any, defs: Mapping[str, Any]) -> Any:
    while isinstance(node, Mapping) and "$ref" in node:
        node = defs[node["$ref"].rsplit("/", 1)[-1]]
    return node


def known_keys(root: str, path: Path) -> frozenset[str] | None:
    """Keys the input model knows at ``path`` below a pool's ``root`` member (``settings``,
    ``mfa``, ``domain``, or one item of a collection), or None for a map (any key) or a
    path the model does not describe."""
    pool, defs = _shapes()
    node: Any = _deref(pool.get("properties", {}).get(root), defs)
    if root in COLLECTIONS and isinstance(node, Mapping):
        node = node.get("additionalProperties")
    for part in path:
        node = _deref(node, defs)
        if not isinstance(node, Mapping):
            return None
        if isinstance(part, int):
            node = node.get("items")
        elif "properties" in node:
            node = node["properties"].get(part)
        else:
            return None
        if node is None:
            return None
    node = _deref(node, defs)
    if isinstance(node, Mapping) and "properties" in node:
        return frozenset(node["properties"])
    return None


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
    sent (``children.fingerprint``; a ``sha256:`` value from an older poolsync is kept
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


CUSTOM_PREFIX = "custom:"
DEVELOPER_PREFIX = "dev:custom:"


def attribute_key(name: str, developer_only: bool = False) -> str:
    """A written Schema entry's name as Cognito reports it, the key schema attributes are
    compared by. ``custom:`` is a namespace (README, "The config format"): ``custom:X``
    is always the
    custom attribute X, even where X is also a standard attribute's name; a bare name is
    the standard attribute when one exists by that name, else the custom attribute. A
    developer-only custom attribute is reported as ``dev:custom:X`` (botocore
    SchemaAttributeType.DeveloperOnlyAttribute; AWS developer guide, "Custom attributes")."""
    if name.startswith(DEVELOPER_PREFIX):
        return name
    if name.startswith(CUSTOM_PREFIX):
        bare = name[len(CUSTOM_PREFIX):]
    elif name in STANDARD_ATTRIBUTES or name in AUTO_ATTRIBUTES:
        return name
    else:
        bare = name
    return (DEVELOPER_PREFIX if developer_only else CUSTOM_PREFIX) + bare


def live_attribute_key(name: str) -> str:
    """A live SchemaAttributes name as the key: as reported, except that a developer-only
    attribute spelled ``dev:X`` reads as ``dev:custom:X`` (both spellings appear in AWS's
    documentation of developer-only attributes)."""
    if name.startswith("dev:") and not name.startswith(DEVELOPER_PREFIX):
        return DEVELOPER_PREFIX + name[len("dev:"):]
    return name


def is_custom_attribute(key: str) -> bool:
    """Custom attributes carry a prefix; every unprefixed attribute is a standard one,
    known to poolsync or not (AWS adds standard attributes over time)."""
    return key.startswith((CUSTOM_PREFIX, "dev:"))


def request_attribute_name(key: str) -> str:
    """The Name CreateUserPool and AddCustomAttributes take for a custom attribute: the
    bare name (Cognito adds the prefix itself, botocore CustomAttributeNameType)."""
    for prefix in (DEVELOPER_PREFIX, CUSTOM_PREFIX):
        if key.startswith(prefix):
            return key[len(prefix):]
    return key


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


def sort_sets(value: Any, path: Path = ()) -> Any:
    """Lists whose order has no meaning compare as sets (README, ownership): every list of
    scalars in the pool settings is one; recovery mechanisms are keyed by priority."""
    if isinstance(value, dict):
        return {k: sort_sets(v, (*path, k)) for k, v in value.items()}
    if isinstance(value, list):
        if all(not isinstance(v, dict | list) for v in value):
            return sorted(set(value), key=str)
        if path[-1:] == ("RecoveryMechanisms",):
            return sorted(value, key=lambda m: (m.get("Priority", 0), str(m.get("Name"))))
        return [sort_sets(v, path) for v in value]
    return value


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


def strip_carried(value: Any) -> Any:
    """A desired document without its carried markers: what a request to create an object
    sends (an unwritten field then takes Cognito's default)."""
    if isinstance(value, dict):
        return {k: strip_carried(v) for k, v in value.items() if v is not UNKNOWN}
    return value


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


def drop_disabled_totp(mfa: dict[str, Any]) -> None:
    """``SoftwareTokenMfaConfiguration: {Enabled: false}`` and no block mean the same."""
    if mfa.get("SoftwareTokenMfaConfiguration") in ({"Enabled": False}, {}):
        del mfa["SoftwareTokenMfaConfiguration"]


def drop_factor_blocks_when_off(mfa: dict[str, Any]) -> None:
    """With MFA OFF Cognito holds no factor configuration (OFF plus a factor block is
    rejected), but older reads may echo a disabled SMS block."""
    if mfa.get("MfaConfiguration", "OFF") == "OFF":
        for key in ("SmsMfaConfiguration", "SoftwareTokenMfaConfiguration",
                    "EmailMfaConfiguration"):
            mfa.pop(key, None)


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


def canonical_live_mfa(response: Mapping[str, Any], region: str | None = None
                       ) -> dict[str, Any]:
    mfa = {k: copy.deepcopy(v) for k, v in response.items() if k in MFA_DEFAULTS}
    mfa = {k: v for k, v in mfa.items() if v is not None}
    sms = mfa.get("SmsMfaConfiguration")
    if isinstance(sms, dict):
        sms_region_defaults_to_the_pool_region(sms.get("SmsConfiguration"), region)
    drop_disabled_totp(mfa)
    drop_factor_blocks_when_off(mfa)
    result: dict[str, Any] = sort_sets(mfa)
    return result


def canonical_desired_mfa(mfa: Mapping[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(dict(mfa))
    drop_disabled_totp(out)
    result: dict[str, Any] = sort_sets(out)
    return result


# --------------------------------------------------------------------------- ownership


@dataclass(frozen=True)
class OwnedView:
    """What to compare: ``expected`` (the file, defaults filled in) and ``actual`` (live,
    defaults filled in), restricted to owned members. ``carried`` lists paths whose
    default is unknown and which the file does not write: writes copy them from live."""

    expected: dict[str, Any]
    actual: dict[str, Any]
    carried: tuple[Path, ...]


def owned_view(
    written: Mapping[str, Any],
    live: Mapping[str, Any],
    defaults: Mapping[str, Any],
    root: str,
    whole: bool = False,
) -> OwnedView:
    """Compare only what the file writes (README, ownership). Both sides get defaults filled
    in, so a line deleted from the file compares as "→ default", and an old pool that
    lacks a newer field compares as that field's default. ``whole`` owns every member
    of ``defaults`` even when unwritten: the MFA block, which SetUserPoolMfaConfig
    replaces as a whole (botocore SetUserPoolMfaConfig; go-to-k/cdkd)."""
    expected: dict[str, Any] = {}
    actual: dict[str, Any] = {}
    carried: list[Path] = []
    members = list(written) + [m for m in defaults if whole and m not in written]
    for member in members:
        default = defaults.get(member, MISSING)
        if isinstance(default, CarriedUnlessWritten):
            default = dict(default.inner) if member in written else UNKNOWN
        exp = _fill(default, written.get(member, MISSING))
        act = _fill(default, live.get(member, MISSING))
        exp, act = _prune(exp, act, (member,), root, carried)
        if exp is not MISSING:
            expected[member] = exp
        if act is not MISSING:
            actual[member] = act
    return OwnedView(expected, actual, tuple(carried))


def _fill(default: Any, value: Any) -> Any:
    if isinstance(default, CarriedUnlessWritten):  # nested: unwritten means carried
        return UNKNOWN if value is MISSING else _fill(dict(default.inner), value)
    if isinstance(default, WhenPresent):
        # An empty block is no block: Cognito returns none for it (drop_empty_placeholders).
        if value is MISSING or value == {}:
            return MISSING
        return _fill(dict(default.inner), value)
    if value is MISSING:
        if not isinstance(default, Mapping):
            return copy.deepcopy(default)
        value = {}
    if isinstance(default, Mapping) and isinstance(value, Mapping):
        keys = list(value) + [k for k in default if k not in value]
        filled = {k: _fill(default.get(k, MISSING), value.get(k, MISSING)) for k in keys}
        return {k: v for k, v in filled.items() if v is not MISSING}
    return value


def _prune(exp: Any, act: Any, path: Path, root: str, carried: list[Path]) -> tuple[Any, Any]:
    """Drop fields whose default is unknown and that the file does not write, and live
    fields this version of the model does not know (a newer botocore may add them:
    botocore adds members as Cognito grows), so neither shows as a change."""
    if exp is UNKNOWN:
        carried.append(path)
        return MISSING, MISSING
    if act is UNKNOWN:
        # The file writes a field Cognito did not report and whose default poolsync does
        # not know: a change until a read shows the value, never "equal to the file"
        # (README, ownership). After apply it is "did not converge".
        act = MISSING if exp is MISSING else NOT_REPORTED
    if not (isinstance(exp, dict) or isinstance(act, dict)):
        return exp, act
    # One side may be a block the other lacks (a new object, a block absent live): its
    # fields are pruned all the same, so no carried marker is left in a request.
    exp_map = exp if isinstance(exp, dict) else {}
    act_map = act if isinstance(act, dict) else {}
    known = None if path in _OPEN_MAPS or path[:1] == ("Schema",) else known_keys(root, path)
    exp_out: dict[str, Any] = {}
    act_out: dict[str, Any] = {}
    for key in list(exp_map) + [k for k in act_map if k not in exp_map]:
        if key not in exp_map and known is not None and key not in known:
            continue
        e, a = _prune(exp_map.get(key, MISSING), act_map.get(key, MISSING), (*path, key), root,
                      carried)
        if e is not MISSING:
            exp_out[key] = e
        if a is not MISSING:
            act_out[key] = a
    return (exp_out if isinstance(exp, dict) else exp), (
        act_out if isinstance(act, dict) else act)


def get_path(doc: Any, path: Path) -> Any:
    """The value at ``path``, or MISSING where the document has none."""
    node: Any = doc
    for part in path:
        if isinstance(node, Mapping):
            node = node.get(part, MISSING)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            return MISSING
    return node


def set_path(doc: dict[str, Any], path: Path, value: Any) -> None:
    node: Any = doc
    for part in path[:-1]:
        node = node.setdefault(part, {})
    node[path[-1]] = value
