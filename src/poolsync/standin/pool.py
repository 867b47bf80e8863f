"""User-pool create, update, delete and response shape as real Cognito does them."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any, Final

from moto.cognitoidp.exceptions import InvalidParameterException
from moto.cognitoidp.models import CognitoIdpBackend, CognitoIdpUserPool

from poolsync.standin.log_delivery import check_tier_keeps_logs
from poolsync.standin.mfa import (
    apply_update_mfa,
    check_create_first_factors,
    check_create_mfa,
    check_update_first_factors,
    check_update_mfa,
    enable_sms_mfa_from_create,
    mfa_blocks_kept,
    store_mfa_mode,
)
from poolsync.standin.patching import Patch
from poolsync.standin.schema import check_added_attributes, check_create_schema, complete_schema
from poolsync.standin.tiers import check_pool_tier

# Request members that are not pool configuration (moto stores whatever it is given).
_NOT_CONFIGURATION: Final = ("UserPoolId", "PoolName")

# Members CreateUserPool accepts and UpdateUserPool does not: an update leaves them
# alone (computed from botocore's CreateUserPoolRequest and UpdateUserPoolRequest
# shapes). moto 5.2.1 resets them to its defaults on every update (probed).
_CREATE_ONLY_MEMBERS: Final = ("UsernameConfiguration", "UsernameAttributes", "AliasAttributes")

# Kept when an UpdateUserPool request omits them: UserPoolTier is the documented
# exception to the reset rule (botocore UpdateUserPool doc); MfaConfiguration is
# measured (go-to-k/cdkd PR #1965); UserAttributeUpdateSettings per the comment in
# terraform-provider-aws internal/service/cognitoidp/user_pool.go ("omitting the
# struct leaves it unchanged"). UserPoolTags, AccountRecoverySetting,
# EmailConfiguration and SmsConfiguration were measured unchanged by an UpdateUserPool
# omitting them (go-to-k/cdkd src/provisioning/providers/cognito-provider.ts,
# USER_POOL_KEPT_ON_OMISSION, issue #4066, us-east-1; the same measurement found
# LambdaConfig, UserPoolAddOns, AdminCreateUserConfig, AutoVerifiedAttributes,
# VerificationMessageTemplate, SmsAuthenticationMessage and DeviceConfiguration reset).
# Policies is merged per sub-key, see _merged_policies.
_PRESERVED_WHEN_OMITTED: Final = (
    "UserPoolTier",
    "UserAttributeUpdateSettings",
    "UserPoolTags",
    "AccountRecoverySetting",
    "EmailConfiguration",
    "SmsConfiguration",
)

# VerificationMessageTemplate field, its legacy twin, and the default (botocore
# EmailVerificationMessage: "no longer used"; hashicorp/terraform-provider-aws #2423;
# real-responses describe_user_pool 2024).
_MIRRORED_MESSAGES: Final = (
    ("EmailMessage", "EmailVerificationMessage", "Your verification code is {####}. "),
    ("EmailSubject", "EmailVerificationSubject", "Your verification code"),
    ("SmsMessage", "SmsVerificationMessage", "Your verification code is {####}. "),
)
# botocore PasswordPolicyType.TemporaryPasswordValidityDays: "Defaults to 7".
DEFAULT_TEMPORARY_PASSWORD_VALIDITY_DAYS: Final = 7

_moto_create_user_pool: Final = CognitoIdpBackend.create_user_pool
_moto_update_user_pool: Final = CognitoIdpBackend.update_user_pool
_moto_delete_user_pool: Final = CognitoIdpBackend.delete_user_pool
_moto_add_custom_attributes: Final = CognitoIdpBackend.add_custom_attributes
_moto_update_extended_config: Final = CognitoIdpUserPool.update_extended_config


# --- CreateUserPool -----------------------------------------------------------------


def _create_user_pool(backend: Any, name: str, request: dict[str, Any]) -> Any:
    check_one_sign_in_choice(request)
    check_create_schema(request.get("Schema") or [])
    check_create_mfa(request)
    check_unused_account_validity(request)
    check_verification_before_update(request)
    check_create_first_factors(request)
    # CreateUserPool can set no email or passkey MFA (no such member in its request).
    check_pool_tier(request, kept_mfa={})
    pool = _moto_create_user_pool(backend, name, request)
    complete_schema(pool)
    store_mfa_mode(pool, pool.mfa_config)
    enable_sms_mfa_from_create(pool)
    return pool


# --- UpdateUserPool -----------------------------------------------------------------


def _update_user_pool(backend: Any, user_pool_id: str, request: dict[str, Any]) -> None:
    pool = backend.describe_user_pool(user_pool_id)
    check_update_mfa(pool, request)
    check_unused_account_validity(request)
    merged = merge_update(pool.extended_config, request, current_mfa=pool.mfa_config)
    check_verification_before_update(merged)
    check_update_first_factors(pool, merged)
    check_pool_tier(merged, kept_mfa=mfa_blocks_kept(pool, merged["MfaConfiguration"]))
    check_tier_keeps_logs(pool, merged)
    _moto_update_user_pool(backend, user_pool_id, merged)
    apply_update_mfa(pool, merged["MfaConfiguration"])
    rename(pool, request.get("PoolName"))


def merge_update(
    stored: Mapping[str, Any], request: Mapping[str, Any], current_mfa: str
) -> dict[str, Any]:
    """The configuration an UpdateUserPool request leaves behind, before defaults.

    Omitted members reset to their defaults (botocore UpdateUserPool doc), except the
    create-only and the preserved ones (_PRESERVED_WHEN_OMITTED, with its sources).
    """
    merged = {
        key: value
        for key, value in request.items()
        if key not in _NOT_CONFIGURATION and key not in _CREATE_ONLY_MEMBERS
    }
    for key in _CREATE_ONLY_MEMBERS:
        if key in stored:
            merged[key] = stored[key]
    for key in _PRESERVED_WHEN_OMITTED:
        if key not in merged and key in stored:
            merged[key] = stored[key]
    # Omitted MfaConfiguration is preserved, explicit OFF applies (go-to-k/cdkd PR #1965,
    # measured).
    merged.setdefault("MfaConfiguration", current_mfa)
    policies = _merged_policies(stored.get("Policies"), request.get("Policies"))
    if policies:
        merged["Policies"] = policies
    return merged


def _merged_policies(stored: Any, requested: Any) -> dict[str, Any]:
    """Policies.PasswordPolicy and Policies.SignInPolicy survive an update that omits
    them, whole container or either sub-key (measured: go-to-k/cdkd PR #1982, issues
    #1968, #1979)."""
    return {**(stored or {}), **(requested or {})}


def check_one_sign_in_choice(request: Mapping[str, Any]) -> None:
    """UsernameAttributes and AliasAttributes in one CreateUserPool are refused: a pool
    signs in by username attributes or by aliases, not both (Amazon Cognito Developer
    Guide, "User pool attributes", sign-in options; terraform-provider-aws user_pool.go
    declares alias_attributes ConflictsWith username_attributes). The exact message
    AWS returns is not recorded; the exception class is Cognito's for a bad request.
    moto 5.2.1 accepts both."""
    if request.get("UsernameAttributes") and request.get("AliasAttributes"):
        raise InvalidParameterException(
            "UsernameAttributes and AliasAttributes cannot both be set")


def check_unused_account_validity(request: Mapping[str, Any]) -> None:
    """The legacy ``AdminCreateUserConfig.UnusedAccountValidityDays`` and its successor
    ``PasswordPolicy.TemporaryPasswordValidityDays`` in one request are refused
    (terraform-provider-aws internal/service/cognitoidp/user_pool.go retries UpdateUserPool
    without the legacy member on this message; the workaround for
    hashicorp/terraform-provider-aws #8827 sends 0, which is accepted). Either one alone
    is accepted (botocore PasswordPolicyType.TemporaryPasswordValidityDays). moto 5.2.1
    accepts both."""
    unused = (request.get("AdminCreateUserConfig") or {}).get("UnusedAccountValidityDays")
    password_policy = (request.get("Policies") or {}).get("PasswordPolicy") or {}
    if unused and password_policy.get("TemporaryPasswordValidityDays") is not None:
        raise InvalidParameterException(
            "Please use TemporaryPasswordValidityDays in PasswordPolicy instead of "
            "UnusedAccountValidityDays"
        )


def check_verification_before_update(config: Mapping[str, Any]) -> None:
    """``UserAttributeUpdateSettings.AttributesRequireVerificationBeforeUpdate`` may only
    name attributes in ``AutoVerifiedAttributes`` as they stand after the request: an
    UpdateUserPool that omits AutoVerifiedAttributes (reset to none) while the settings
    are kept is refused too (aws/aws-cli #7151 quotes the message for exactly that
    call; go-to-k/cdkd cognito-provider.ts measured it again, issue #4066). moto 5.2.1
    accepts anything."""
    settings = config.get("UserAttributeUpdateSettings") or {}
    required = settings.get("AttributesRequireVerificationBeforeUpdate") or []
    if set(required) - set(config.get("AutoVerifiedAttributes") or []):
        raise InvalidParameterException(
            "All attributes in AttributesRequireVerificationBeforeUpdate must exist in "
            "AutoVerifiedAttributes"
        )


def rename(pool: Any, new_name: str | None) -> None:
    """UpdateUserPool.PoolName renames the pool (botocore 1.43.11
    UpdateUserPoolRequest.PoolName: "The updated name of your user pool"). moto 5.2.1
    ignores it."""
    if new_name:
        pool.name = new_name


# --- Stored configuration and response shape ----------------------------------------


def _update_extended_config(pool: Any, request: dict[str, Any]) -> None:
    """Runs for CreateUserPool and UpdateUserPool: moto's reset, then AWS's defaults."""
    _moto_update_extended_config(pool, request)
    # Deep copy: moto shallow-copies its module-level defaults into every pool.
    stored = copy.deepcopy(pool.extended_config)
    pool.extended_config = with_aws_defaults(stored, request)


def with_aws_defaults(stored: dict[str, Any], request: Mapping[str, Any]) -> dict[str, Any]:
    """Fill in what AWS reports for members the request did not set."""
    config = {key: value for key, value in stored.items() if key not in _NOT_CONFIGURATION}
    # Always present, {} when untagged (real-responses/SOURCES.md: moto omits it).
    config.setdefault("UserPoolTags", {})
    # New pools are on ESSENTIALS (botocore CreateUserPoolRequest.UserPoolTier:
    # "Defaults to ESSENTIALS"; hashicorp/terraform-provider-aws #40467).
    config.setdefault("UserPoolTier", "ESSENTIALS")
    # Off unless asked for through the API (Cognito Developer Guide, "User pool deletion
    # protection"; botocore CreateUserPoolRequest.DeletionProtection).
    config.setdefault("DeletionProtection", "INACTIVE")
    # Empty placeholder when unset (real-responses describe_user_pool 2024).
    config.setdefault(
        "UserAttributeUpdateSettings", {"AttributesRequireVerificationBeforeUpdate": []}
    )
    # A pool without triggers reports ``LambdaConfig: {}`` (real-responses
    # describe_user_pool 2019 CLI example and the 2017 placebo recordings); moto omits it.
    config.setdefault("LambdaConfig", {})
    _legacy_validity_sets_the_policy(config, request)
    config["AdminCreateUserConfig"] = _mirrored_unused_account_validity(config)
    config.update(mirrored_verification_messages(request))
    return config


def _legacy_validity_sets_the_policy(config: dict[str, Any], request: Mapping[str, Any]) -> None:
    """``UnusedAccountValidityDays`` sent alone sets the temporary-password validity,
    which is then reported in both places (real-responses describe_user_pool 2024 shows
    1/1; botocore calls UnusedAccountValidityDays "legacy"). Sent together they are
    refused (check_unused_account_validity); 0 means "not set". moto 5.2.1 keeps the
    two apart."""
    unused = (request.get("AdminCreateUserConfig") or {}).get("UnusedAccountValidityDays")
    if not unused:
        return
    policies = dict(config.get("Policies") or {})
    policies["PasswordPolicy"] = {
        **(policies.get("PasswordPolicy") or {}),
        "TemporaryPasswordValidityDays": unused,
    }
    config["Policies"] = policies


def _mirrored_unused_account_validity(config: Mapping[str, Any]) -> dict[str, Any]:
    """Legacy ``AdminCreateUserConfig.UnusedAccountValidityDays`` is reported equal to
    ``PasswordPolicy.TemporaryPasswordValidityDays`` (real-responses
    describe_user_pool 2024 shows 1/1); 0 means the default of 7 (botocore).
    moto 5.2.1 drops it when AdminCreateUserConfig is given (SOURCES.md)."""
    password_policy = (config.get("Policies") or {}).get("PasswordPolicy") or {}
    admin_create_user = dict(config.get("AdminCreateUserConfig") or {})
    admin_create_user["UnusedAccountValidityDays"] = (
        password_policy.get("TemporaryPasswordValidityDays")
        or admin_create_user.get("UnusedAccountValidityDays")
        or DEFAULT_TEMPORARY_PASSWORD_VALIDITY_DAYS
    )
    return admin_create_user


def mirrored_verification_messages(request: Mapping[str, Any]) -> dict[str, Any]:
    """``VerificationMessageTemplate`` and the legacy trio mirror each other, with AWS's
    defaults (terraform-provider-aws user_pool.go keeps them in step;
    hashicorp/terraform-provider-aws #2423). The template wins when both are sent with
    different values (inferred: botocore calls the legacy members "no longer used"). moto
    5.2.1 copies only template -> legacy and keeps its own template when only legacy
    members are sent (SOURCES.md)."""
    template = dict(request.get("VerificationMessageTemplate") or {})
    legacy: dict[str, Any] = {}
    for template_key, legacy_key, default in _MIRRORED_MESSAGES:
        value = template.get(template_key) or request.get(legacy_key) or default
        template[template_key] = value
        legacy[legacy_key] = value
    template.setdefault("DefaultEmailOption", "CONFIRM_WITH_CODE")
    return {"VerificationMessageTemplate": template, **legacy}


# --- DeleteUserPool -----------------------------------------------------------------


def _delete_user_pool(backend: Any, user_pool_id: str) -> None:
    check_deletable(backend.describe_user_pool(user_pool_id))
    _moto_delete_user_pool(backend, user_pool_id)


def check_deletable(pool: Any) -> None:
    """Deletion protection and an attached domain block DeleteUserPool (botocore
    CreateUserPoolRequest.DeletionProtection; hashicorp/terraform-provider-aws #16479,
    #14102). Messages as AWS returns them: localstack #11947 quotes
    the deletion-protection one, terraform-provider-aws #16479 the domain one. moto
    5.2.1 deletes anyway."""
    if pool.extended_config.get("DeletionProtection") == "ACTIVE":
        raise InvalidParameterException(
            "The user pool cannot be deleted because deletion protection is activated. "
            "Deletion protection must be inactivated first."
        )
    if pool.domain is not None:
        raise InvalidParameterException(
            "User pool cannot be deleted. It has a domain configured that should be deleted first."
        )


# --- AddCustomAttributes ------------------------------------------------------------


def _add_custom_attributes(
    backend: Any, user_pool_id: str, attributes: list[dict[str, Any]]
) -> None:
    """Every entry becomes ``custom:<Name>`` (``dev:custom:<Name>`` when developer-only),
    even a standard attribute's name; a name already taken is refused with
    "custom:<Name>: Existing attribute already has name custom:<Name>." (moto 5.2.1
    does both as AWS does: schema.py, "How a Schema entry is named")."""
    check_added_attributes(backend.describe_user_pool(user_pool_id), attributes)
    _moto_add_custom_attributes(backend, user_pool_id, attributes)


PATCHES: Final = (
    Patch(CognitoIdpBackend, "create_user_pool", _moto_create_user_pool, _create_user_pool),
    Patch(CognitoIdpBackend, "update_user_pool", _moto_update_user_pool, _update_user_pool),
    Patch(CognitoIdpBackend, "delete_user_pool", _moto_delete_user_pool, _delete_user_pool),
    Patch(
        CognitoIdpBackend,
        "add_custom_attributes",
        _moto_add_custom_attributes,
        _add_custom_attributes,
    ),
    Patch(
        CognitoIdpUserPool,
        "update_extended_config",
        _moto_update_extended_config,
        _update_extended_config,
    ),
)
