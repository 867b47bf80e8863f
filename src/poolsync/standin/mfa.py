"""MFA as real Cognito handles it: one stored mode, SetUserPoolMfaConfig's rules.

The mode lives in ``pool.mfa_config`` and is mirrored into the pool's stored
configuration, so DescribeUserPool and GetUserPoolMfaConfig always agree (moto 5.2.1
keeps two values that drift apart, as probed).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from moto.cognitoidp.exceptions import InvalidParameterException
from moto.cognitoidp.models import CognitoIdpBackend
from moto.cognitoidp.responses import CognitoIdpResponse
from moto.core.responses import ActionResult

from poolsync.standin.patching import Patch
from poolsync.standin.tiers import DEFAULT_TIER, check_tier, mfa_features

MFA_MODES: Final = ("OFF", "ON", "OPTIONAL")
_FACTOR_BLOCKS: Final = (
    "SmsMfaConfiguration",
    "SoftwareTokenMfaConfiguration",
    "EmailMfaConfiguration",
)

# Passwordless first factors that MFA ON excludes, and the passkey factor setting that
# lets WEB_AUTHN stay a first factor under MFA ON (botocore WebAuthnConfigurationType
# FactorConfiguration; go-to-k/cdkd src/provisioning/providers/cognito-provider.ts,
# describeUnsupportedMfaCombination, issues #1975, #2051, #2064: measured us-east-1).
OTP_FIRST_FACTORS: Final = frozenset({"EMAIL_OTP", "SMS_OTP"})
WEB_AUTHN_FIRST_FACTOR: Final = "WEB_AUTHN"
MULTI_FACTOR: Final = "MULTI_FACTOR_WITH_USER_VERIFICATION"
ONLY_PASSWORD_AND_WEB_AUTHN: Final = (
    "Only PASSWORD and WEB_AUTHN (if configured) can be enabled as an auth factor if MFA "
    "is enabled"
)
WEB_AUTHN_SINGLE_FACTOR_UNDER_MFA: Final = (
    "Cannot set WebAuthn factor configuration to SINGLE_FACTOR if MFA is required and "
    "WebAuthn is an allowed first auth factor"
)
WEB_AUTHN_NOT_CONFIGURED_FOR_MFA: Final = (
    "WEB_AUTHN cannot be used as an auth factor when MFA is enabled if not configured "
    "for MFA"
)
# GetUserPoolMfaConfig reports UserVerification once WebAuthnConfiguration is set
# (real-responses get_user_pool_mfa_config.aws-cli-example-2025). "preferred" when the
# request left it out is UNVERIFIED (botocore names no default; Terraform always flattens
# user_verification, so AWS reports some value): the value that asks the least.
DEFAULT_USER_VERIFICATION: Final = "preferred"

_moto_set_response: Final = CognitoIdpResponse.set_user_pool_mfa_config
_moto_get_user_pool_mfa_config: Final = CognitoIdpBackend.get_user_pool_mfa_config


def mfa_enabled(mode: str | None) -> bool:
    return mode in ("ON", "OPTIONAL")


def store_mfa_mode(pool: Any, mode: str) -> None:
    """One value for both reads: botocore ``UserPoolType.MfaConfiguration`` and
    ``GetUserPoolMfaConfigResponse.MfaConfiguration`` report the pool's one MFA mode."""
    pool.mfa_config = mode
    pool.extended_config["MfaConfiguration"] = mode


def clear_mfa_factors(pool: Any) -> None:
    pool.sms_mfa_config = None
    pool.token_mfa_config = None
    pool.standin_email_mfa_config = None


def check_create_mfa(request: Mapping[str, Any]) -> None:
    """CreateUserPool with MFA ON/OPTIONAL needs SMS set up (aws/aws-cdk #11478, #12075;
    aws/aws-cdk #32615). moto 5.2.1 accepts it. Whether AWS also insists on
    ``AutoVerifiedAttributes`` containing ``phone_number``, as its message says, is
    not checked here (UNVERIFIED)."""
    if mfa_enabled(request.get("MfaConfiguration")) and not request.get("SmsConfiguration"):
        raise InvalidParameterException(
            "SMS configuration and Auto verification for phone_number are required "
            "when MFA is required/optional"
        )


def enable_sms_mfa_from_create(pool: Any) -> None:
    """A pool created with MFA on and SmsConfiguration has SMS MFA as its factor
    (SMS is the only factor CreateUserPool can enable: botocore CreateUserPoolRequest has
    no TOTP, email or passkey member)."""
    if mfa_enabled(pool.mfa_config):
        pool.sms_mfa_config = _resolve_sms_block(pool, {})


def first_auth_factors(config: Mapping[str, Any]) -> frozenset[str]:
    """``Policies.SignInPolicy.AllowedFirstAuthFactors`` of a request or a pool."""
    sign_in = (config.get("Policies") or {}).get("SignInPolicy") or {}
    return frozenset(sign_in.get("AllowedFirstAuthFactors") or ())


def is_multi_factor(web_authn: Mapping[str, Any] | None) -> bool:
    """Passkeys count as MFA only with MULTI_FACTOR_WITH_USER_VERIFICATION; "SINGLE_FACTOR
    or not set" is a single factor (botocore WebAuthnConfigurationType.FactorConfiguration)."""
    return (web_authn or {}).get("FactorConfiguration") == MULTI_FACTOR


def check_no_otp_first_factor(mode: str, factors: frozenset[str]) -> None:
    """MFA ON excludes EMAIL_OTP and SMS_OTP as first factors, from either side:
    SetUserPoolMfaConfig ON on such a pool (both measured) and UpdateUserPool adding one
    to a pool at ON (EMAIL_OTP measured, SMS_OTP inferred) are refused; OPTIONAL is
    accepted (cdkd issues #1975, #2051)."""
    if mode == "ON" and factors & OTP_FIRST_FACTORS:
        raise InvalidParameterException(ONLY_PASSWORD_AND_WEB_AUTHN)


def check_create_first_factors(request: Mapping[str, Any]) -> None:
    """CreateUserPool can only turn MFA ON with SMS (check_create_mfa), and no passkey
    configuration exists yet, so ON with an OTP or WEB_AUTHN first factor is a pool
    SetUserPoolMfaConfig and UpdateUserPool would both refuse. That CreateUserPool
    refuses it too, and with which text, is UNVERIFIED: the UpdateUserPool texts."""
    mode = str(request.get("MfaConfiguration") or "OFF")
    factors = first_auth_factors(request)
    check_no_otp_first_factor(mode, factors)
    if mode == "ON" and WEB_AUTHN_FIRST_FACTOR in factors:
        raise InvalidParameterException(WEB_AUTHN_NOT_CONFIGURED_FOR_MFA)


def check_update_first_factors(pool: Any, merged: Mapping[str, Any]) -> None:
    """UpdateUserPool on a pool at MFA ON refuses, atomically, first factors that MFA ON
    excludes: EMAIL_OTP/SMS_OTP, and WEB_AUTHN while the passkey factor configuration is
    not MULTI_FACTOR_WITH_USER_VERIFICATION ("WEB_AUTHN cannot be used as an auth factor
    when MFA is enabled if not configured for MFA": cdkd issue #2064, measured from a
    pool at ON). ``merged`` is the configuration after the request: an omitted
    SignInPolicy is kept (cdkd #1968, #1979)."""
    mode = str(merged.get("MfaConfiguration") or "OFF")
    factors = first_auth_factors(merged)
    check_no_otp_first_factor(mode, factors)
    web_authn = getattr(pool, "standin_web_authn_config", None)
    if mode == "ON" and WEB_AUTHN_FIRST_FACTOR in factors and not is_multi_factor(web_authn):
        raise InvalidParameterException(WEB_AUTHN_NOT_CONFIGURED_FOR_MFA)


def check_set_first_factors(pool: Any, mode: str, web_authn: Mapping[str, Any] | None) -> None:
    """SetUserPoolMfaConfig ON against the pool's first factors: no EMAIL_OTP/SMS_OTP
    (cdkd #1975), and with WEB_AUTHN the request itself must carry FactorConfiguration
    MULTI_FACTOR_WITH_USER_VERIFICATION. The call is a full replace, so an omitted block
    reads as SINGLE_FACTOR whatever the pool held (cdkd #2064, measured: "no WebAuthn
    block, live value MULTI -> rejected"; OFF with MULTI is accepted)."""
    factors = first_auth_factors(pool.extended_config)
    check_no_otp_first_factor(mode, factors)
    if mode == "ON" and WEB_AUTHN_FIRST_FACTOR in factors and not is_multi_factor(web_authn):
        raise InvalidParameterException(WEB_AUTHN_SINGLE_FACTOR_UNDER_MFA)


def check_update_mfa(pool: Any, request: Mapping[str, Any]) -> None:
    """UpdateUserPool cannot switch MFA on (AWS error quoted by crossplane-contrib/provider-aws
    pkg/controller/cognitoidentityprovider/userpool/setup.go;
    aws-cloudformation/cloudformation-coverage-roadmap #1176); moto 5.2.1 accepts it."""
    if mfa_enabled(request.get("MfaConfiguration")) and not mfa_enabled(pool.mfa_config):
        raise InvalidParameterException(
            "Cannot turn MFA functionality ON, once the user pool has been created"
        )


def mfa_blocks_kept(pool: Any, mode: str) -> dict[str, Any]:
    """The email and passkey MFA blocks a pool keeps when its MFA mode becomes ``mode``
    through UpdateUserPool: MFA off drops the factors (apply_update_mfa), the passkey
    configuration stays (SetUserPoolMfaConfig alone replaces it)."""
    email = getattr(pool, "standin_email_mfa_config", None) if mfa_enabled(mode) else None
    return {"EmailMfaConfiguration": email,
            "WebAuthnConfiguration": getattr(pool, "standin_web_authn_config", None)}


def check_mfa_tier(pool: Any, request: Mapping[str, Any]) -> None:
    """SetUserPoolMfaConfig's email MFA and passkey MFA need the Essentials tier or
    higher (tiers.email_mfa, tiers.passkey_mfa; FeatureUnavailableInTierException is in
    botocore's SetUserPoolMfaConfig error list)."""
    tier = str(pool.extended_config.get("UserPoolTier") or DEFAULT_TIER)
    check_tier(tier, mfa_features(request))


def apply_update_mfa(pool: Any, mode: str) -> None:
    """Turning MFA off drops the factors, so GetUserPoolMfaConfig of an MFA-off pool is
    just ``{"MfaConfiguration": "OFF"}`` (real-responses get_user_pool_mfa_config.mfa-off;
    that UpdateUserPool OFF clears them like SetUserPoolMfaConfig OFF is inferred)."""
    store_mfa_mode(pool, mode)
    if not mfa_enabled(mode):
        clear_mfa_factors(pool)


def set_mfa_config(pool: Any, request: Mapping[str, Any]) -> None:
    """SetUserPoolMfaConfig: a full replace with AWS's checks (measured by go-to-k/cdkd,
    src/provisioning/providers/cognito-provider.ts; issues #1923, #1975)."""
    # An omitted mode reads as OFF: the call is a full replace (go-to-k/cdkd PR #1929).
    mode = request.get("MfaConfiguration") or "OFF"
    if mode not in MFA_MODES:
        raise InvalidParameterException(
            "[MfaConfiguration] must be one of 'ON', 'OFF', or 'OPTIONAL'."
        )
    check_mfa_tier(pool, request)
    factors = {key: request[key] for key in _FACTOR_BLOCKS if request.get(key) is not None}
    if mfa_enabled(mode):
        _check_some_factor_enabled(factors)
    elif factors:
        raise InvalidParameterException(
            "Invalid MFA configuration given, can't turn off MFA and configure an MFA together"
        )
    if "EmailMfaConfiguration" in factors:
        _check_email_mfa_allowed(pool)
    web_authn = request.get("WebAuthnConfiguration")
    check_set_first_factors(pool, mode, web_authn)
    sms = factors.get("SmsMfaConfiguration")
    pool.sms_mfa_config = None if sms is None else _resolve_sms_block(pool, sms)
    pool.token_mfa_config = factors.get("SoftwareTokenMfaConfiguration")
    pool.standin_email_mfa_config = factors.get("EmailMfaConfiguration")
    # Full replace: a call without WebAuthnConfiguration clears it (cdkd #2064 measured
    # an omitted block read as the default, whatever the pool held).
    pool.standin_web_authn_config = None if web_authn is None else dict(web_authn)
    store_mfa_mode(pool, mode)


def _check_some_factor_enabled(factors: Mapping[str, Any]) -> None:
    """ON/OPTIONAL needs SMS, TOTP or email MFA; WebAuthn alone does not count
    (anomalyco/sst #5177; go-to-k/cdkd PR #1929). A present SMS or email block enables
    that factor."""
    totp = factors.get("SoftwareTokenMfaConfiguration") or {}
    if not (
        "SmsMfaConfiguration" in factors
        or "EmailMfaConfiguration" in factors
        or totp.get("Enabled") is True
    ):
        raise InvalidParameterException(
            "Invalid MFA configuration given, can't disable all MFAs with a required or "
            "optional configuration."
        )


def _check_email_mfa_allowed(pool: Any) -> None:
    """Email MFA needs SES (``EmailSendingAccount=DEVELOPER``); an absent
    EmailConfiguration means COGNITO_DEFAULT (message measured by go-to-k/cdkd,
    cognito-provider.ts; the default: "Email settings for Amazon Cognito user pools",
    https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-email.html)."""
    email_configuration = pool.extended_config.get("EmailConfiguration") or {}
    if email_configuration.get("EmailSendingAccount", "COGNITO_DEFAULT") != "DEVELOPER":
        raise InvalidParameterException(
            "Cannot set EmailMfaConfiguration when user pool EmailConfiguration contains "
            "an EmailSendingAccount of COGNITO_DEFAULT"
        )


def _resolve_sms_block(pool: Any, block: Mapping[str, Any]) -> dict[str, Any]:
    """SMS MFA uses the pool's SmsConfiguration and SmsAuthenticationMessage when the
    block leaves them out (botocore ``SmsMfaConfigType``: both members optional, "If this
    parameter isn't provided, your user pool sends a default message"; "You can set
    SmsConfiguration in CreateUserPool and UpdateUserPool, or in SetUserPoolMfaConfig";
    both are CreateUserPoolRequest members). moto 5.2.1 insists on
    SmsConfiguration inside the block."""
    resolved = {
        "SmsAuthenticationMessage": block.get("SmsAuthenticationMessage")
        or pool.extended_config.get("SmsAuthenticationMessage"),
        "SmsConfiguration": block.get("SmsConfiguration")
        or pool.extended_config.get("SmsConfiguration"),
    }
    if not resolved["SmsConfiguration"]:
        # What AWS answers here is UNVERIFIED; SMS MFA cannot work without SNS (botocore
        # SmsMfaConfigType.SmsConfiguration).
        raise InvalidParameterException(
            "SMS configuration is required to enable SMS MFA: set SmsConfiguration in "
            "SmsMfaConfiguration or on the user pool."
        )
    return {key: value for key, value in resolved.items() if value}


def mfa_config_view(pool: Any) -> dict[str, Any]:
    """GetUserPoolMfaConfig: only the blocks that are set (real-responses
    get_user_pool_mfa_config.*: an MFA-off pool answers just ``MfaConfiguration``)."""
    blocks = {
        "SmsMfaConfiguration": pool.sms_mfa_config,
        "SoftwareTokenMfaConfiguration": pool.token_mfa_config,
        "EmailMfaConfiguration": getattr(pool, "standin_email_mfa_config", None),
        "WebAuthnConfiguration": web_authn_view(getattr(pool, "standin_web_authn_config", None)),
    }
    view = {key: value for key, value in blocks.items() if value is not None}
    view["MfaConfiguration"] = pool.mfa_config
    return view


def web_authn_view(written: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """WebAuthnConfiguration as GetUserPoolMfaConfig reports it once set: what was
    written, with UserVerification defaulted (DEFAULT_USER_VERIFICATION). Nothing is
    invented for RelyingPartyId (botocore: the pool's domain, UNVERIFIED how it is reported)
    nor for FactorConfiguration (the 2025 CLI example reports none)."""
    if written is None:
        return None
    return {"UserVerification": DEFAULT_USER_VERIFICATION, **written}


def _get_user_pool_mfa_config(backend: Any, user_pool_id: str) -> dict[str, Any]:
    return mfa_config_view(backend.describe_user_pool(user_pool_id))


def _set_user_pool_mfa_config_response(response: Any) -> ActionResult:
    """Replaces moto's handler: its checks live there, and it drops email and WebAuthn."""
    request = response.parameters
    pool = response.backend.describe_user_pool(request.get("UserPoolId"))
    set_mfa_config(pool, request)
    return ActionResult(mfa_config_view(pool))


PATCHES: Final = (
    Patch(
        CognitoIdpResponse,
        "set_user_pool_mfa_config",
        _moto_set_response,
        _set_user_pool_mfa_config_response,
    ),
    Patch(
        CognitoIdpBackend,
        "get_user_pool_mfa_config",
        _moto_get_user_pool_mfa_config,
        _get_user_pool_mfa_config,
    ),
)
