"""Offline rule checks: what Cognito refuses only at apply time, caught before any call.

product.md §2 ("Rules the API enforces only at apply time") lists them; each rule below
is one named function citing where the rule comes from. Rules read a pool as written
(``{"region": ..., "settings": ..., "mfa": ...}``) and return problems with paths inside
the document. They tolerate values of the wrong type (schema validation reports those)
and skip any decision that depends on a ``${env:...}`` value, unknown until plan time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from poolsync import normalize
from poolsync.model import Path, Problem, render_path

CUSTOM_PREFIX = "custom:"
# The 20 standard attributes every pool has (cognito-semantics.md §1.3), plus the
# ``identities`` attribute Cognito adds once an external IdP is attached.
STANDARD_ATTRIBUTES = frozenset(normalize.STANDARD_ATTRIBUTES) | normalize.AUTO_ATTRIBUTES
MAX_CUSTOM_ATTRIBUTES = 50
MAX_CUSTOM_NAME = 20

TIERS = ("LITE", "ESSENTIALS", "PLUS")
# A new pool without UserPoolTier gets ESSENTIALS (BC UserPoolTier doc; TF issue #40467).
DEFAULT_TIER = "ESSENTIALS"
MFA_FACTORS = ("SmsMfaConfiguration", "SoftwareTokenMfaConfiguration", "EmailMfaConfiguration")

LEGACY_MESSAGES = normalize.LEGACY_MESSAGE_FIELDS


@dataclass(frozen=True)
class _Pool:
    """One pool as written, with its parts coerced to mappings for the rules to read."""

    settings: Mapping[str, Any]
    mfa: Mapping[str, Any] | None
    path: Path

    def at(self, *parts: str | int) -> Path:
        return (*self.path, *parts)


_Rule = Callable[[_Pool], Iterator[Problem]]


def check_document(data: Any) -> list[Problem]:
    """Rule problems of every pool of one loaded document (non-mappings are skipped:
    schema validation reports them)."""
    pools = data.get("pools") if isinstance(data, Mapping) else None
    if not isinstance(pools, Mapping):
        return []
    return [
        problem
        for name, pool in pools.items()
        if isinstance(pool, Mapping)
        for problem in check_pool(pool, ("pools", name))
    ]


def check_pool(pool: Mapping[str, Any], path: Path) -> list[Problem]:
    """Rule problems of one pool as written; ``path`` is the pool's path in the document."""
    mfa = pool.get("mfa")
    view = _Pool(
        settings=_mapping(pool.get("settings")),
        mfa=mfa if isinstance(mfa, Mapping) else None,
        path=path,
    )
    return [problem for rule in RULES for problem in rule(view)]


def tier_conflicts(settings: Mapping[str, Any], mfa: Mapping[str, Any] | None) -> list[str]:
    """Tier-gated features in a pool's merged state (live settings the file does not
    manage included), for the planner: Cognito refuses such an update with
    FeatureUnavailableInTierException (cognito-semantics.md §3.10)."""
    return [p.message for p in tier_gated_features(_Pool(settings, mfa, ()))]


# --- Helpers --------------------------------------------------------------------------


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> Sequence[Any]:
    return value if isinstance(value, list) else []


def _dig(value: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def _unknown(value: Any) -> bool:
    """True for a string holding a ``${env:...}`` reference: its value is unknown offline."""
    return isinstance(value, str) and "${" in value


def _bare_name(name: str) -> str:
    return name.removeprefix(CUSTOM_PREFIX)


def _schema_names(pool: _Pool) -> Iterator[tuple[int, str]]:
    """(index, name) of each Schema entry that has a string name."""
    for index, entry in enumerate(_list(pool.settings.get("Schema"))):
        name = _dig(entry, "Name")
        if isinstance(name, str):
            yield index, name


def _custom_attributes(pool: _Pool) -> Iterator[tuple[int, str]]:
    """Schema entries that declare a custom attribute: every name that is not standard."""
    for index, name in _schema_names(pool):
        if _bare_name(name) not in STANDARD_ATTRIBUTES and not _unknown(name):
            yield index, name


def _mfa_mode(mfa: Mapping[str, Any]) -> str | None:
    """The written MfaConfiguration; omitted means OFF (SetUserPoolMfaConfig reads a
    missing mode as OFF: cognito-semantics.md §3.1). None when unknown offline."""
    mode = mfa.get("MfaConfiguration", "OFF")
    return None if _unknown(mode) or not isinstance(mode, str) else mode


def _tier(pool: _Pool) -> tuple[str, bool] | None:
    """(tier, written?) of the pool; None when the tier is unknown or invalid."""
    tier = pool.settings.get("UserPoolTier")
    if tier is None:
        return DEFAULT_TIER, False
    if tier in TIERS:
        return tier, True
    return None


# --- Rules ----------------------------------------------------------------------------


def username_and_alias_attributes(pool: _Pool) -> Iterator[Problem]:
    """UsernameAttributes and AliasAttributes are mutually exclusive (BC CreateUserPool
    docs; TF-UP ConflictsWith; cognito-semantics.md §1.1)."""
    if _list(pool.settings.get("UsernameAttributes")) and _list(
        pool.settings.get("AliasAttributes")
    ):
        yield Problem(
            "AliasAttributes and UsernameAttributes are mutually exclusive: write only one",
            pool.at("settings", "AliasAttributes"),
        )


def required_custom_attribute(pool: _Pool) -> Iterator[Problem]:
    """Cognito refuses ``Required: true`` on a custom attribute ("Required custom
    attributes are not supported currently": TF issue #18430; cognito-semantics.md §3.4)."""
    schema = _list(pool.settings.get("Schema"))
    for index, _name in _custom_attributes(pool):
        if _dig(schema[index], "Required") is True:
            yield Problem(
                "Required custom attributes are not supported by Cognito",
                pool.at("settings", "Schema", index, "Required"),
            )


def too_many_custom_attributes(pool: _Pool) -> Iterator[Problem]:
    """A pool holds at most 50 custom attributes (BC Schema list max 50; Cognito quotas;
    cognito-semantics.md §3.4)."""
    count = sum(1 for _ in _custom_attributes(pool))
    if count > MAX_CUSTOM_ATTRIBUTES:
        yield Problem(
            f"at most {MAX_CUSTOM_ATTRIBUTES} custom attributes are allowed (got {count})",
            pool.at("settings", "Schema"),
        )


def custom_attribute_name_length(pool: _Pool) -> Iterator[Problem]:
    """A custom attribute name is 1-20 characters without its ``custom:`` prefix (BC
    CustomAttributeNameType; the schema allows the prefix on top, product.md §2)."""
    for index, name in _custom_attributes(pool):
        bare = _bare_name(name)
        if len(bare) > MAX_CUSTOM_NAME:
            yield Problem(
                f"a custom attribute name has at most {MAX_CUSTOM_NAME} characters without "
                f'the "custom:" prefix (got {len(bare)})',
                pool.at("settings", "Schema", index, "Name"),
            )


def duplicate_attribute(pool: _Pool) -> Iterator[Problem]:
    """An attribute declared twice ("tenant" and "custom:tenant" are one attribute):
    Cognito refuses it ("Existing attribute already has name custom:t.", MOTO / AWS)."""
    first: dict[str, int] = {}
    for index, name in _schema_names(pool):
        bare = _bare_name(name)
        if bare in first:
            where = render_path(("Schema", first[bare]))
            yield Problem(
                f'attribute "{bare}" is declared twice (first at {where})',
                pool.at("settings", "Schema", index, "Name"),
            )
        else:
            first[bare] = index


def mfa_without_factor(pool: _Pool) -> Iterator[Problem]:
    """MFA ON/OPTIONAL needs SMS, TOTP or email MFA enabled ("SMS MFA, Email MFA, or
    Software Token MFA must be enabled"; WebAuthn alone does not count:
    cognito-semantics.md §3.3)."""
    if pool.mfa is None:
        return
    mode = _mfa_mode(pool.mfa)
    if mode not in ("ON", "OPTIONAL"):
        return
    if _factor_enabled(pool.mfa):
        return
    yield Problem(
        f"MfaConfiguration {mode} needs a factor: SmsMfaConfiguration, "
        "SoftwareTokenMfaConfiguration with Enabled: true, or EmailMfaConfiguration "
        "(WebAuthn alone does not count)",
        pool.at("mfa", "MfaConfiguration"),
    )


def _factor_enabled(mfa: Mapping[str, Any]) -> bool:
    """SMS and email MFA are on when their block is sent; TOTP needs Enabled: true."""
    totp = _dig(mfa, "SoftwareTokenMfaConfiguration", "Enabled")
    if totp is True or _unknown(totp):
        return True
    return isinstance(mfa.get("SmsMfaConfiguration"), Mapping) or isinstance(
        mfa.get("EmailMfaConfiguration"), Mapping
    )


def factor_with_mfa_off(pool: _Pool) -> Iterator[Problem]:
    """MFA OFF with any factor block, even ``Enabled: false``, is refused ("can't turn
    off MFA and configure an MFA together": cognito-semantics.md §3.3, TF-UP)."""
    if pool.mfa is None or _mfa_mode(pool.mfa) != "OFF":
        return
    written = "OFF" if "MfaConfiguration" in pool.mfa else "not written (OFF)"
    for factor in MFA_FACTORS:
        if factor in pool.mfa:
            yield Problem(
                f"MfaConfiguration is {written}, and Cognito refuses a factor block with "
                f"MFA off: remove {factor} or set MfaConfiguration to ON or OPTIONAL",
                pool.at("mfa", factor),
            )


def sms_mfa_without_sms_configuration(pool: _Pool) -> Iterator[Problem]:
    """SMS MFA needs an SmsConfiguration (SNS caller role), in the MFA block or on the
    pool (BC SmsMfaConfigType; cognito-semantics.md §3.3)."""
    if pool.mfa is None:
        return
    sms = pool.mfa.get("SmsMfaConfiguration")
    if not isinstance(sms, Mapping):
        return
    if "SmsConfiguration" in sms or "SmsConfiguration" in pool.settings:
        return
    yield Problem(
        "SMS MFA needs an SmsConfiguration: write mfa.SmsMfaConfiguration.SmsConfiguration "
        "or settings.SmsConfiguration",
        pool.at("mfa", "SmsMfaConfiguration"),
    )


def email_mfa_without_developer_email(pool: _Pool) -> Iterator[Problem]:
    """Email MFA needs EmailSendingAccount DEVELOPER (Amazon SES); the default is
    COGNITO_DEFAULT ("Cannot set EmailMfaConfiguration when user pool EmailConfiguration
    contains an EmailSendingAccount of COGNITO_DEFAULT": cognito-semantics.md §3.3)."""
    if pool.mfa is None or "EmailMfaConfiguration" not in pool.mfa:
        return
    account = _dig(pool.settings, "EmailConfiguration", "EmailSendingAccount")
    if account == "DEVELOPER" or _unknown(account):
        return
    shown = account if isinstance(account, str) else "not written (COGNITO_DEFAULT)"
    yield Problem(
        "email MFA needs settings.EmailConfiguration.EmailSendingAccount: DEVELOPER "
        f"(Amazon SES); Cognito refuses it with COGNITO_DEFAULT (here: {shown})",
        pool.at("mfa", "EmailMfaConfiguration"),
    )


@dataclass(frozen=True)
class _TierFeature:
    what: str
    needs: str
    path: Path


def tier_gated_features(pool: _Pool) -> Iterator[Problem]:
    """Features above the pool's UserPoolTier (cognito-semantics.md §3.10, BC field docs;
    FeatureUnavailableInTierException). Unwritten, the tier of a new pool is ESSENTIALS."""
    tier = _tier(pool)
    if tier is None:
        return
    current, written = tier
    for feature in _tier_features(pool):
        if TIERS.index(current) >= TIERS.index(feature.needs):
            continue
        if written:
            why = f"the pool's UserPoolTier is {current}"
        else:
            why = f"UserPoolTier is not written, so a new pool gets {current}"
        yield Problem(
            f"{feature.what} needs UserPoolTier {feature.needs} or higher ({why}): "
            f"set UserPoolTier: {feature.needs}",
            feature.path,
        )


def _tier_features(pool: _Pool) -> Iterator[_TierFeature]:
    mode = _dig(pool.settings, "UserPoolAddOns", "AdvancedSecurityMode")
    if mode in ("AUDIT", "ENFORCED"):
        where = pool.at("settings", "UserPoolAddOns", "AdvancedSecurityMode")
        yield _TierFeature(f"AdvancedSecurityMode {mode} (threat protection)", "PLUS", where)
    factors = _list(_dig(pool.settings, "Policies", "SignInPolicy", "AllowedFirstAuthFactors"))
    if any(f != "PASSWORD" and not _unknown(f) for f in factors):
        where = pool.at("settings", "Policies", "SignInPolicy", "AllowedFirstAuthFactors")
        yield _TierFeature("a SignInPolicy with passwordless factors", "ESSENTIALS", where)
    version = _dig(pool.settings, "LambdaConfig", "PreTokenGenerationConfig", "LambdaVersion")
    if version in ("V2_0", "V3_0"):
        where = pool.at("settings", "LambdaConfig", "PreTokenGenerationConfig", "LambdaVersion")
        yield _TierFeature(f"pre-token-generation {version}", "ESSENTIALS", where)
    if pool.mfa is None:
        return
    if "EmailMfaConfiguration" in pool.mfa:
        yield _TierFeature("email MFA", "ESSENTIALS", pool.at("mfa", "EmailMfaConfiguration"))
    factor = _dig(pool.mfa, "WebAuthnConfiguration", "FactorConfiguration")
    if factor == "MULTI_FACTOR_WITH_USER_VERIFICATION":
        where = pool.at("mfa", "WebAuthnConfiguration", "FactorConfiguration")
        yield _TierFeature(f"WebAuthn FactorConfiguration {factor}", "ESSENTIALS", where)


def legacy_verification_messages(pool: _Pool) -> Iterator[Problem]:
    """The legacy message members are mirrored by Cognito with VerificationMessageTemplate;
    writing them leads to fights between the two (cognito-semantics.md §3.2; TF issue
    #2423, provider-upjet-aws #716). Only the template is accepted."""
    for legacy, member in LEGACY_MESSAGES.items():
        if legacy in pool.settings:
            yield Problem(
                f"write VerificationMessageTemplate.{member} instead (Cognito keeps the "
                "legacy field in sync)",
                pool.at("settings", legacy),
            )


def legacy_unused_account_validity(pool: _Pool) -> Iterator[Problem]:
    """UnusedAccountValidityDays is refused once TemporaryPasswordValidityDays is set
    ("Please use TemporaryPasswordValidityDays in PasswordPolicy instead of
    UnusedAccountValidityDays": TF-UP; cognito-semantics.md §1.1)."""
    if "UnusedAccountValidityDays" in _mapping(pool.settings.get("AdminCreateUserConfig")):
        yield Problem(
            "use Policies.PasswordPolicy.TemporaryPasswordValidityDays (Cognito refuses the "
            "legacy field once that is set)",
            pool.at("settings", "AdminCreateUserConfig", "UnusedAccountValidityDays"),
        )


def pre_token_generation_mismatch(pool: _Pool) -> Iterator[Problem]:
    """PreTokenGeneration and PreTokenGenerationConfig.LambdaArn must be the same
    function when both are set (BC LambdaConfigType; cognito-semantics.md §3.11)."""
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


RULES: tuple[_Rule, ...] = (
    username_and_alias_attributes,
    required_custom_attribute,
    too_many_custom_attributes,
    custom_attribute_name_length,
    duplicate_attribute,
    mfa_without_factor,
    factor_with_mfa_off,
    sms_mfa_without_sms_configuration,
    email_mfa_without_developer_email,
    tier_gated_features,
    legacy_verification_messages,
    legacy_unused_account_validity,
    pre_token_generation_mismatch,
)
