"""A user pool's MFA (SetUserPoolMfaConfig, in the UserPoolUpdate quota category; read
with GetUserPoolMfaConfig, in UserPoolRead): Cognito's defaults, the canonical shape of
the live and the written block, the request payload, the export and the offline rules.

SetUserPoolMfaConfig is a full put: the whole ``mfa`` block is owned once written
(``owned_view(..., whole=True)``), and every request is the whole block. A pool is
created with MFA off and gets its MFA from a SetUserPoolMfaConfig after the
CreateUserPool; planning that, and the order of the pool's and MFA's writes, stays in
``poolsync.plan``.

Pure: no AWS. ``poolsync.export`` is imported where it is used: it imports this module.
The rules' helpers come from ``poolsync.rules``, which imports this module only when
it first runs its rules.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from typing import Any

from poolsync.kinds.base import Kind, KindOps, PlanContext
from poolsync.kinds.settings import pool_region, sms_region_defaults_to_the_pool_region
from poolsync.model import (
    MISSING,
    POOL_ID,
    Action,
    ApiCall,
    FieldChange,
    ObjectPlan,
    PoolConfig,
    Problem,
)
from poolsync.normalize import (
    UNKNOWN,
    CarriedUnlessWritten,
    OwnedView,
    WhenPresent,
    carry_over,
    sort_sets,
    strip_carried,
)
from poolsync.rules import _dig, _list, _Pool, _unknown

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


# --------------------------------------------------------------------------- canonical


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


# --------------------------------------------------------------------------- payload


def mfa_payload(view: OwnedView | None, live_mfa: Mapping[str, Any]) -> dict[str, Any]:
    """SetUserPoolMfaConfig is a full put (go-to-k/cdkd): the file's MFA block with defaults filled
    in, plus the live values of fields whose default is unknown."""
    if view is None:
        return dict(live_mfa)
    payload = copy.deepcopy(view.expected)
    carry_over(payload, view, live_mfa, skip=frozenset())
    if payload.get("MfaConfiguration", "OFF") == "OFF":
        # OFF together with any factor block is rejected (go-to-k/cdkd).
        for key in ("SmsMfaConfiguration", "SoftwareTokenMfaConfiguration",
                    "EmailMfaConfiguration"):
            payload.pop(key, None)
    return payload


# --------------------------------------------------------------------------- export


def export_mfa(response: Mapping[str, Any], region: str | None = None
               ) -> dict[str, Any] | None:
    """GetUserPoolMfaConfig as the ``mfa`` block, or None for MFA off with nothing else
    configured. SetUserPoolMfaConfig is a full put: every block live has is written."""
    from poolsync.export import _minimal  # export imports this module: not at load

    live = canonical_live_mfa(response, region)
    if live in ({}, {"MfaConfiguration": "OFF"}):
        return None
    out: dict[str, Any] = {"MfaConfiguration": live.get("MfaConfiguration", "OFF")}
    for member in sorted(live):
        if member == "MfaConfiguration":
            continue
        kept, _ = _minimal(MFA_DEFAULTS.get(member, MISSING), live[member], "mfa", (member,))
        if kept is not MISSING:
            out[member] = kept
    return out


# --------------------------------------------------------------------------- rules
# Offline rules over the pool as written (``rules._Pool``); ``rules._rules()`` and
# ``rules._state_rules()`` list them in the order their problems are reported.

MFA_FACTORS = ("SmsMfaConfiguration", "SoftwareTokenMfaConfiguration", "EmailMfaConfiguration")


def _mfa_mode(mfa: Mapping[str, Any]) -> str | None:
    """The written MfaConfiguration; omitted means OFF (SetUserPoolMfaConfig reads a
    missing mode as OFF, measured by go-to-k/cdkd). None when unknown offline."""
    mode = mfa.get("MfaConfiguration", "OFF")
    return None if _unknown(mode) or not isinstance(mode, str) else mode


def mfa_without_factor(pool: _Pool) -> Iterator[Problem]:
    """MFA ON/OPTIONAL needs SMS, TOTP or email MFA enabled ("SMS MFA, Email MFA, or
    Software Token MFA must be enabled"; WebAuthn alone does not count:
    measured by go-to-k/cdkd; anomalyco/sst #5177)."""
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


def mfa_required_with_passwordless_sign_in(pool: _Pool) -> Iterator[Problem]:
    """With MFA ON, Cognito refuses EMAIL_OTP and SMS_OTP as first sign-in factors ("Only
    PASSWORD and WEB_AUTHN (if configured) can be enabled as an auth factor if MFA is
    enabled"), and WEB_AUTHN needs FactorConfiguration MULTI_FACTOR_WITH_USER_VERIFICATION
    ("Cannot set WebAuthn factor configuration to SINGLE_FACTOR if MFA is required"):
    measured by go-to-k/cdkd (issues #1968, #1979); OPTIONAL is accepted. Offline, an
    unwritten WebAuthnConfiguration is the live one (SetUserPoolMfaConfig carries it):
    undecided."""
    if pool.mfa is None or _mfa_mode(pool.mfa) != "ON":
        return
    factors = _list(_dig(pool.settings, "Policies", "SignInPolicy", "AllowedFirstAuthFactors"))
    where = pool.at("settings", "Policies", "SignInPolicy", "AllowedFirstAuthFactors")
    passwordless = sorted(f for f in factors if f in ("EMAIL_OTP", "SMS_OTP"))
    if passwordless:
        yield Problem(
            f"MfaConfiguration ON does not allow {', '.join(passwordless)} as a first "
            "sign-in factor (only PASSWORD and WEB_AUTHN): use MFA OPTIONAL, or remove "
            "them from AllowedFirstAuthFactors", where)
    if "WebAuthnConfiguration" not in pool.mfa and not pool.merged:
        return
    factor = _dig(pool.mfa, "WebAuthnConfiguration", "FactorConfiguration")
    if "WEB_AUTHN" in factors and factor != "MULTI_FACTOR_WITH_USER_VERIFICATION" and not (
            _unknown(factor)):
        yield Problem(
            "with MfaConfiguration ON, WEB_AUTHN as a first factor needs "
            "WebAuthnConfiguration.FactorConfiguration: MULTI_FACTOR_WITH_USER_VERIFICATION",
            pool.at("mfa", "MfaConfiguration"))


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
    off MFA and configure an MFA together": go-to-k/cdkd; terraform-provider-aws
    user_pool.go)."""
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
    pool (botocore SmsMfaConfigType: "...the SMS configuration..."; AWS developer guide,
    "SMS message settings"). Offline, an unwritten settings.SmsConfiguration is the live
    one: undecided."""
    if pool.mfa is None:
        return
    sms = pool.mfa.get("SmsMfaConfiguration")
    if not isinstance(sms, Mapping):
        return
    if "SmsConfiguration" in sms or pool.settings.get("SmsConfiguration"):
        return
    if not pool.knows("SmsConfiguration"):
        return
    yield Problem(
        "SMS MFA needs an SmsConfiguration: write mfa.SmsMfaConfiguration.SmsConfiguration "
        "or settings.SmsConfiguration",
        pool.at("mfa", "SmsMfaConfiguration"),
    )


def email_mfa_without_developer_email(pool: _Pool) -> Iterator[Problem]:
    """Email MFA needs EmailSendingAccount DEVELOPER (Amazon SES); the default is
    COGNITO_DEFAULT ("Cannot set EmailMfaConfiguration when user pool EmailConfiguration
    contains an EmailSendingAccount of COGNITO_DEFAULT", measured by go-to-k/cdkd; botocore
    EmailMfaConfigType). Offline, an unwritten EmailConfiguration is the live one:
    undecided (a live DEVELOPER account carries over)."""
    if pool.mfa is None or "EmailMfaConfiguration" not in pool.mfa:
        return
    if not pool.knows("EmailConfiguration"):
        return
    account = _dig(pool.settings, "EmailConfiguration", "EmailSendingAccount")
    if account == "DEVELOPER" or _unknown(account):
        return
    if isinstance(account, str):
        shown = account
    elif pool.merged and "EmailConfiguration" not in pool.settings:
        shown = "the pool has no EmailConfiguration: COGNITO_DEFAULT"
    else:
        shown = "not written (COGNITO_DEFAULT)"
    yield Problem(
        "email MFA needs settings.EmailConfiguration.EmailSendingAccount: DEVELOPER "
        f"(Amazon SES); Cognito refuses it with COGNITO_DEFAULT (here: {shown})",
        pool.at("mfa", "EmailMfaConfiguration"),
    )


OPS = KindOps(
    reads=("GetUserPoolMfaConfig",),
    writes=("SetUserPoolMfaConfig",),
    category={"GetUserPoolMfaConfig": "UserPoolRead", "SetUserPoolMfaConfig": "UserPoolUpdate"},
)


def export_from(live: Any, collected: Any) -> dict[str, Any] | None:
    """``mfa`` of an export (``live``: a plan.LivePool); None when it is Cognito's
    default."""
    return export_mfa(live.mfa, pool_region(live.pool))


def plan(ctx: PlanContext) -> list[ObjectPlan]:
    """MFA's object: set on a new pool after it is created (with MFA off), compared and
    updated in place, or set again on a replaced pool's new copy, the file's MFA or the
    old pool's. Refused, like the pool's own object, when the state apply leaves is one
    Cognito refuses (``pool.refuse_state``; both are judged on ``pool.pool_state``)."""
    from poolsync.kinds.pool import pool_state, refuse_state

    cfg, live = ctx.cfg, ctx.live
    state = pool_state(cfg, live)
    obj: ObjectPlan | None = None
    if live is None:
        obj = _new_mfa(cfg, state.mfa_view) if state.mfa_view is not None else None
    elif state.replaced:
        obj = _replaced_mfa(cfg, state.mfa_view, state.mfa_after)
    elif state.mfa_view is not None:
        obj = _mfa_update(cfg, str(live.id), state.live_mfa, state.mfa_view)
    return [] if obj is None else [refuse_state(obj, state, cfg)]


def _new_mfa(cfg: PoolConfig, view: OwnedView) -> ObjectPlan:
    from poolsync.diff import creation_changes

    assert cfg.mfa is not None
    address = f"{cfg.address}/mfa"
    if view.expected == {"MfaConfiguration": "OFF"}:
        return ObjectPlan(address, "mfa", Action.NOOP, "new pools are created with MFA off")
    # What the file writes (the request also states the defaults of a written block).
    changes = creation_changes(strip_carried(canonical_desired_mfa(cfg.mfa)), cfg.secrets)
    return ObjectPlan(
        address, "mfa", Action.CREATE,
        "the pool is created with MFA off; SetUserPoolMfaConfig then sets MFA (a pool "
        "created with MFA on needs SMS: aws/aws-cdk #11478)",
        changes,
        (ApiCall("SetUserPoolMfaConfig", {"UserPoolId": POOL_ID, **mfa_payload(view, {})}),),
    )


def _mfa_update(cfg: PoolConfig, pool_id: str, live_mfa: Mapping[str, Any], view: OwnedView
                ) -> ObjectPlan:
    from poolsync.diff import field_changes

    assert cfg.mfa is not None
    address = f"{cfg.address}/mfa"
    changes = field_changes(view.actual, view.expected, canonical_desired_mfa(cfg.mfa),
                            cfg.secrets)
    if not changes:
        return ObjectPlan(address, "mfa", Action.NOOP)
    payload = mfa_payload(view, live_mfa)
    return ObjectPlan(
        address, "mfa", Action.UPDATE,
        "in place with SetUserPoolMfaConfig (the only API that changes MFA)",
        changes,
        (ApiCall("SetUserPoolMfaConfig", {"UserPoolId": pool_id, **payload}),),
    )


def _replaced_mfa(cfg: PoolConfig, view: OwnedView | None, mfa: Mapping[str, Any]
                  ) -> ObjectPlan | None:
    """The MFA of a replaced pool: created on the new pool (which starts with MFA off)
    by SetUserPoolMfaConfig, the file's or, when the file does not manage MFA, the old
    pool's. Its changes compare the file with the old pool (drift shows them). None when
    the file does not manage MFA and the old pool's is off: nothing to say or do."""
    from poolsync.diff import field_changes

    address = f"{cfg.address}/mfa"
    changes: tuple[FieldChange, ...] = ()
    if view is not None:
        assert cfg.mfa is not None
        changes = field_changes(view.actual, view.expected, canonical_desired_mfa(cfg.mfa),
                                cfg.secrets)
    differs = "; differs from the old pool's" if changes else ""
    if not mfa or mfa == {"MfaConfiguration": "OFF"}:
        if view is None:
            return None
        # CreateUserPool's MfaConfiguration OFF makes it: no call of its own.
        return ObjectPlan(address, "mfa", Action.CREATE if changes else Action.NOOP,
                          "the new pool is created with MFA off (CreateUserPool), as the file "
                          "has it" + differs, changes)
    whose = "the file's MFA" if view is not None else (
        "the old pool's MFA (the file does not manage MFA)")
    return ObjectPlan(
        address, "mfa", Action.CREATE,
        f"{whose}, {mfa.get('MfaConfiguration', 'OFF')}, set on the new pool by "
        "SetUserPoolMfaConfig (a pool is created with MFA off)" + differs,
        changes,
        (ApiCall("SetUserPoolMfaConfig", {"UserPoolId": POOL_ID, **mfa}),),
    )


# In the order their problems are reported; each also judges the state after apply.
_RULES = (mfa_without_factor, factor_with_mfa_off, mfa_required_with_passwordless_sign_in,
          sms_mfa_without_sms_configuration, email_mfa_without_developer_email)

KIND = Kind("mfa", "mfa", plan, OPS.reads, OPS.writes, OPS.category,
            apply_reads=OPS.apply_reads,
            always=True,
            rules=_RULES, state_rules=_RULES)
