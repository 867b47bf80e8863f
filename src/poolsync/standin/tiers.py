"""Feature plans: features above a pool's UserPoolTier are refused, as Cognito does.

A user pool is on the LITE, ESSENTIALS or PLUS feature plan (botocore UserPoolTierType;
"User pool feature plans",
https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-sign-in-feature-plans.html).
A feature its plan does not include is refused with FeatureUnavailableInTierException
(botocore lists it for CreateUserPool, UpdateUserPool and SetUserPoolMfaConfig, among
others), whether the request turns the feature on or lowers the tier beneath a feature
that stays on. terraform-provider-aws PR #40734 quotes the message for lowering a pool
with threat protection: "The following features need to be disabled for the
ESSENTIALS pricing tier configured: Threat Protection". moto 5.2.1 knows no tiers.

Each rule below is one named function; the names in the message other than "Threat
Protection" are the stand-in's own (UNVERIFIED: no public source quotes them).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final

from moto.core.exceptions import JsonRESTError

# Lowest first (botocore UserPoolTierType enum: LITE, ESSENTIALS, PLUS).
TIERS: Final = ("LITE", "ESSENTIALS", "PLUS")
# botocore CreateUserPoolRequest.UserPoolTier: "Defaults to ESSENTIALS".
DEFAULT_TIER: Final = "ESSENTIALS"


class FeatureUnavailableInTierException(JsonRESTError):
    """botocore: "This exception is thrown when a feature you attempted to configure
    isn't available in your current feature plan." HTTP 400 (moto's RESTError default),
    as every Cognito client error."""

    def __init__(self, message: str) -> None:
        super().__init__("FeatureUnavailableInTierException", message)


@dataclass(frozen=True)
class GatedFeature:
    """A feature and the lowest tier that includes it."""

    name: str
    needs: str


THREAT_PROTECTION: Final = GatedFeature("Threat Protection", "PLUS")
PASSWORDLESS_SIGN_IN: Final = GatedFeature("Passwordless Sign-In", "ESSENTIALS")
ACCESS_TOKEN_CUSTOMIZATION: Final = GatedFeature("Access Token Customization", "ESSENTIALS")
EMAIL_MFA: Final = GatedFeature("Email MFA", "ESSENTIALS")
PASSKEY_MFA: Final = GatedFeature("Passkey MFA", "ESSENTIALS")


def _dig(config: Mapping[str, Any] | None, *keys: str) -> Any:
    value: Any = config
    for key in keys:
        value = value.get(key) if isinstance(value, Mapping) else None
    return value


# --- The rules ----------------------------------------------------------------------


def threat_protection(config: Mapping[str, Any]) -> Iterator[GatedFeature]:
    """``UserPoolAddOns.AdvancedSecurityMode`` AUDIT or ENFORCED needs PLUS (botocore
    UserPoolAddOnsType: "To activate this setting, your user pool must be on the Plus
    tier"; terraform-provider-aws PR #40734 quotes the refusal). OFF is on every tier."""
    if _dig(config, "UserPoolAddOns", "AdvancedSecurityMode") in ("AUDIT", "ENFORCED"):
        yield THREAT_PROTECTION


def passwordless_sign_in(config: Mapping[str, Any]) -> Iterator[GatedFeature]:
    """A first factor other than PASSWORD in ``Policies.SignInPolicy
    .AllowedFirstAuthFactors`` needs ESSENTIALS or higher (botocore SignInPolicyType: "To
    activate this setting, your user pool must be in the Essentials tier or higher").
    PASSWORD alone is what every pool has, LITE included (the AWS CDK's FeaturePlan
    example builds a LITE pool with ``allowedFirstAuthFactors: { password: true }``)."""
    factors = _dig(config, "Policies", "SignInPolicy", "AllowedFirstAuthFactors") or ()
    if any(factor != "PASSWORD" for factor in factors):
        yield PASSWORDLESS_SIGN_IN


def access_token_customization(config: Mapping[str, Any]) -> Iterator[GatedFeature]:
    """``LambdaConfig.PreTokenGenerationConfig.LambdaVersion`` V2_0 or V3_0 (the trigger
    events that customise access tokens) needs ESSENTIALS or higher (botocore
    UserPoolTier: the tier "determines the eligibility of the user pool for features
    like managed login, access-token customization, and threat protection"; "In user
    pools with the Essentials or Plus feature plan, you can generate the version two or
    V2_0 trigger event", Pre token generation Lambda trigger,
    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html).
    V1_0 is on every tier."""
    version = _dig(config, "LambdaConfig", "PreTokenGenerationConfig", "LambdaVersion")
    if version in ("V2_0", "V3_0"):
        yield ACCESS_TOKEN_CUSTOMIZATION


def email_mfa(mfa: Mapping[str, Any]) -> Iterator[GatedFeature]:
    """An ``EmailMfaConfiguration`` needs ESSENTIALS or higher (botocore
    SetUserPoolMfaConfigRequest.EmailMfaConfiguration and EmailMfaConfigType: "To
    activate this setting, your user pool must be in the Essentials tier or higher")."""
    if mfa.get("EmailMfaConfiguration") is not None:
        yield EMAIL_MFA


def passkey_mfa(mfa: Mapping[str, Any]) -> Iterator[GatedFeature]:
    """``WebAuthnConfiguration.FactorConfiguration`` MULTI_FACTOR_WITH_USER_VERIFICATION
    (passkeys that satisfy MFA) needs ESSENTIALS or higher (botocore
    WebAuthnConfigurationType.FactorConfiguration: "To activate this setting, your user
    pool must be in the Essentials tier or higher"). SINGLE_FACTOR or none is the
    default and is not gated."""
    factor = _dig(mfa, "WebAuthnConfiguration", "FactorConfiguration")
    if factor == "MULTI_FACTOR_WITH_USER_VERIFICATION":
        yield PASSKEY_MFA


def pool_features(config: Mapping[str, Any]) -> list[GatedFeature]:
    """The gated features of a CreateUserPool/UpdateUserPool configuration."""
    return [*threat_protection(config), *passwordless_sign_in(config),
            *access_token_customization(config)]


def mfa_features(mfa: Mapping[str, Any]) -> list[GatedFeature]:
    """The gated features of an MFA configuration (SetUserPoolMfaConfig's blocks)."""
    return [*email_mfa(mfa), *passkey_mfa(mfa)]


# --- The checks ---------------------------------------------------------------------


def _includes(tier: str, feature: GatedFeature) -> bool:
    return tier not in TIERS or TIERS.index(tier) >= TIERS.index(feature.needs)


def check_tier(tier: str, features: list[GatedFeature]) -> None:
    """Refuse ``features`` the ``tier`` does not include, all named in one message
    (terraform-provider-aws PR #40734: "The following features need to be disabled for
    the ESSENTIALS pricing tier configured: Threat Protection"). A request that turns a
    feature on above its tier gets the same text (UNVERIFIED: only the lowering case is
    quoted). An unknown tier is left to the model check (validation.py)."""
    missing = [feature.name for feature in features if not _includes(tier, feature)]
    if missing:
        raise FeatureUnavailableInTierException(
            f"The following features need to be disabled for the {tier} pricing tier "
            f"configured: {', '.join(dict.fromkeys(missing))}"
        )


def check_pool_tier(config: Mapping[str, Any], kept_mfa: Mapping[str, Any]) -> None:
    """CreateUserPool and UpdateUserPool: ``config`` is the pool's configuration after the
    request, whose UserPoolTier is the request's or, when it leaves it out, the stored
    one (an update keeps it: botocore UpdateUserPool "With the exception of
    UserPoolTier") or ESSENTIALS for a new pool. ``kept_mfa`` holds the MFA blocks the
    pool keeps through the request: lowering the tier beneath them is refused too."""
    tier = str(config.get("UserPoolTier") or DEFAULT_TIER)
    check_tier(tier, [*pool_features(config), *mfa_features(kept_mfa)])
