"""Build the plan for each pool: actions, field changes and the exact API calls.

Pure: takes the config and what was read from Cognito, returns values. Apply executes
the ``ApiCall``s in order; nothing here talks to AWS.

Rules followed (product.md §4, cognito-semantics.md §3):
- a new pool is created with MFA off, then SetUserPoolMfaConfig sets MFA;
- UpdateUserPool and SetUserPoolMfaConfig always get the full payload: live merged with
  the owned changes, never a patch (both reset what they are not sent);
- new custom attributes go in place through AddCustomAttributes;
- a change to a create-only field is a replacement, which carries every setting the
  file does not manage over to the new pool.
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from poolsync.diff import creation_changes, field_changes
from poolsync.model import (
    MISSING,
    POOL_ID,
    Action,
    ApiCall,
    Config,
    FieldChange,
    ObjectPlan,
    Plan,
    PoolConfig,
    PoolPlan,
)
from poolsync.mutability import replacement_reason
from poolsync.normalize import (
    CREATE_ONLY_MEMBERS,
    MFA_DEFAULTS,
    SETTINGS_DEFAULTS,
    STANDARD_ATTRIBUTES,
    UNKNOWN,
    OwnedView,
    canonical_desired_mfa,
    canonical_desired_settings,
    canonical_live_mfa,
    canonical_live_settings,
    get_path,
    owned_view,
    poolsync_tags,
    set_path,
)
from poolsync.plan_children import LiveChildren, plan_children
from poolsync.rules import tier_conflicts


@dataclass(frozen=True)
class LivePool:
    """What Cognito returned for one pool: DescribeUserPool's ``UserPool``, the
    GetUserPoolMfaConfig response, and the sub-resources that were read."""

    pool: Mapping[str, Any]
    mfa: Mapping[str, Any]
    children: LiveChildren = field(default_factory=LiveChildren)

    @property
    def id(self) -> str:
        return str(self.pool["Id"])


def plan_config(config: Config, live: Mapping[tuple[str, str], LivePool | None]) -> Plan:
    """``live`` maps (region, name) to the pool found, or None when there is none."""
    return Plan(tuple(plan_pool(p, live.get((p.region, p.name))) for p in config.pools))


def plan_pool(cfg: PoolConfig, live: LivePool | None) -> PoolPlan:
    own = _plan_new_pool(cfg) if live is None else _plan_existing_pool(cfg, live)
    if live is None or own.objects[0].action is Action.REPLACE:
        # A new pool holds nothing yet: every sub-resource is created in it.
        children = plan_children(cfg, POOL_ID, LiveChildren())
    else:
        children = plan_children(cfg, live.id, live.children)
    return replace(own, objects=own.objects + tuple(children.objects),
                   sign_in_urls=tuple(children.sign_in_urls))


# --------------------------------------------------------------------------- new pools


def _plan_new_pool(cfg: PoolConfig) -> PoolPlan:
    desired = canonical_desired_settings(cfg.settings)
    changes = creation_changes(desired, cfg.secrets)
    pool = ObjectPlan(
        address=cfg.address,
        kind="pool",
        action=Action.CREATE,
        reason=f"no pool named {cfg.name!r} in {cfg.region}",
        changes=changes,
        calls=(ApiCall("CreateUserPool", create_payload(cfg.name, desired)),),
    )
    objects = [pool]
    if cfg.mfa is not None:
        objects.append(_plan_new_mfa(cfg))
    return PoolPlan(cfg.name, cfg.region, None, tuple(objects))


def _plan_new_mfa(cfg: PoolConfig) -> ObjectPlan:
    assert cfg.mfa is not None
    view = owned_view(canonical_desired_mfa(cfg.mfa), {}, MFA_DEFAULTS, "mfa", whole=True)
    address = f"{cfg.address}/mfa"
    if view.expected == {"MfaConfiguration": "OFF"}:
        return ObjectPlan(address, "mfa", Action.NOOP, "new pools are created with MFA off")
    changes = creation_changes(view.expected, cfg.secrets)
    payload = mfa_payload(view, {})
    return ObjectPlan(
        address,
        "mfa",
        Action.CREATE,
        "the pool is created with MFA off; SetUserPoolMfaConfig then sets MFA "
        "(cognito-semantics.md §3.3)",
        changes,
        (ApiCall("SetUserPoolMfaConfig", {"UserPoolId": POOL_ID, **payload}),),
    )


# --------------------------------------------------------------------------- existing


def _plan_existing_pool(cfg: PoolConfig, live: LivePool) -> PoolPlan:
    desired = canonical_desired_settings(cfg.settings)
    live_settings = canonical_live_settings(live.pool)
    view = owned_view(desired, live_settings, SETTINGS_DEFAULTS, "settings")
    changes = tuple(
        replace(c, forces_replacement=replacement_reason(c))
        for c in field_changes(view.actual, view.expected, desired, cfg.secrets)
    )
    live_mfa = canonical_live_mfa(live.mfa)
    mfa_view = (
        owned_view(canonical_desired_mfa(cfg.mfa), live_mfa, MFA_DEFAULTS, "mfa", whole=True)
        if cfg.mfa is not None
        else None
    )
    users = live.pool.get("EstimatedNumberOfUsers")
    estimated_users = int(users) if isinstance(users, int) else None
    if any(c.forces_replacement for c in changes):
        objects = _plan_replacement(cfg, live, desired, live_settings, view, changes, mfa_view)
    else:
        objects = [_plan_update(cfg, live, desired, live_settings, view, changes)]
        if mfa_view is not None:
            objects.append(_plan_mfa_update(cfg, live, live_mfa, mfa_view))
        objects = _refuse_tier_conflicts(objects, live_settings, view, desired, mfa_view,
                                         live_mfa)
    return PoolPlan(cfg.name, cfg.region, live.id, tuple(objects), estimated_users)


def _refuse_tier_conflicts(
    objects: list[ObjectPlan],
    live_settings: Mapping[str, Any],
    view: OwnedView,
    desired: Mapping[str, Any],
    mfa_view: OwnedView | None,
    live_mfa: Mapping[str, Any],
) -> list[ObjectPlan]:
    """A change can be fine in the file and still be refused by Cognito because of a
    setting the file does not manage (e.g. a tier lowered while live threat protection
    is on: FeatureUnavailableInTierException, §3.10). No API makes that pool match
    without a decision from the user: cannot apply."""
    if not any(o.action.is_change for o in objects):
        return objects
    merged = update_payload(live_settings, view, desired)  # tags do not gate tiers
    if merged.get("UserPoolTier") is None:  # a pool from before feature plans
        return objects
    conflicts = tier_conflicts(merged, mfa_payload(mfa_view, live_mfa))
    if not conflicts:
        return objects
    reason = "; ".join(conflicts) + " (a live setting the file does not manage counts too)"
    return [
        replace(o, action=Action.CANNOT_APPLY, reason=reason, calls=())
        if o.action.is_change
        else o
        for o in objects
    ]


def _plan_update(
    cfg: PoolConfig,
    live: LivePool,
    desired: Mapping[str, Any],
    live_settings: Mapping[str, Any],
    view: OwnedView,
    changes: tuple[FieldChange, ...],
) -> ObjectPlan:
    if not changes:
        return ObjectPlan(cfg.address, "pool", Action.NOOP)
    calls = []
    if any(c.path[0] != "Schema" for c in changes):
        payload = update_payload(live_settings, view, desired, poolsync_tags(live.pool))
        calls.append(ApiCall("UpdateUserPool", {"UserPoolId": live.id, **payload}))
    new_attributes = [c.after for c in changes if c.path[0] == "Schema" and len(c.path) == 2]
    names = [str(c.path[1]) for c in changes if c.path[0] == "Schema" and len(c.path) == 2]
    if new_attributes:
        entries = [{"Name": n, **a} for n, a in zip(names, new_attributes, strict=True)]
        # AddCustomAttributes takes 1-25 attributes per call (cognito-semantics.md §1.3).
        for start in range(0, len(entries), 25):
            calls.append(
                ApiCall(
                    "AddCustomAttributes",
                    {"UserPoolId": live.id, "CustomAttributes": entries[start : start + 25]},
                )
            )
    apis = ", ".join(dict.fromkeys(c.operation for c in calls))
    return ObjectPlan(
        cfg.address, "pool", Action.UPDATE, f"in place with {apis}", changes, tuple(calls)
    )


def _plan_mfa_update(
    cfg: PoolConfig, live: LivePool, live_mfa: Mapping[str, Any], view: OwnedView
) -> ObjectPlan:
    address = f"{cfg.address}/mfa"
    assert cfg.mfa is not None
    changes = field_changes(view.actual, view.expected, canonical_desired_mfa(cfg.mfa),
                            cfg.secrets)
    if not changes:
        return ObjectPlan(address, "mfa", Action.NOOP)
    payload = mfa_payload(view, live_mfa)
    return ObjectPlan(
        address,
        "mfa",
        Action.UPDATE,
        "in place with SetUserPoolMfaConfig (the only API that changes MFA)",
        changes,
        (ApiCall("SetUserPoolMfaConfig", {"UserPoolId": live.id, **payload}),),
    )


def _plan_replacement(
    cfg: PoolConfig,
    live: LivePool,
    desired: Mapping[str, Any],
    live_settings: Mapping[str, Any],
    view: OwnedView,
    changes: tuple[FieldChange, ...],
    mfa_view: OwnedView | None,
) -> list[ObjectPlan]:
    reasons = list(dict.fromkeys(c.forces_replacement for c in changes if c.forces_replacement))
    calls: list[ApiCall] = []
    if live_settings.get("DeletionProtection") == "ACTIVE":
        # DeleteUserPool fails while deletion protection is on (cognito-semantics.md §3.5).
        keep = update_payload(live_settings, owned_view({}, live_settings, {}, "settings"), {},
                              poolsync_tags(live.pool))
        calls.append(
            ApiCall(
                "UpdateUserPool",
                {"UserPoolId": live.id, **keep, "DeletionProtection": "INACTIVE"},
            )
        )
    calls += _domain_deletions(live)
    calls.append(ApiCall("DeleteUserPool", {"UserPoolId": live.id}))
    calls.append(ApiCall("CreateUserPool", replacement_payload(cfg.name, live_settings, view,
                                                               desired)))
    live_mfa = canonical_live_mfa(live.mfa)
    mfa = mfa_payload(mfa_view, live_mfa) if mfa_view is not None else live_mfa
    if mfa and mfa != {"MfaConfiguration": "OFF"}:
        calls.append(ApiCall("SetUserPoolMfaConfig", {"UserPoolId": POOL_ID, **mfa}))
    users = live.pool.get("EstimatedNumberOfUsers", "unknown")
    region = cfg.region
    notes = (
        f"Blast radius: the pool is deleted and created again. Its {users} user(s) and "
        "their passwords are lost (passwords cannot be exported).",
        f"The pool id ({live.id}) changes, so does the token issuer URL "
        f"(https://cognito-idp.{region}.amazonaws.com/{live.id}), and every app client id.",
        "Safer routes: add a new custom attribute instead of changing an existing one; or "
        "create a new pool beside this one and move users with a user-migration Lambda "
        "trigger (LambdaConfig.UserMigration).",
        *(f"The hosted UI domain {live.pool[k]} is deleted first and not recreated."
          for k in ("Domain", "CustomDomain") if live.pool.get(k)),
    )
    objects = [
        ObjectPlan(
            cfg.address,
            "pool",
            Action.REPLACE,
            "; ".join(reasons),
            changes,
            tuple(calls),
            notes,
        )
    ]
    if mfa_view is not None:
        assert cfg.mfa is not None
        mfa_changes = field_changes(mfa_view.actual, mfa_view.expected,
                                    canonical_desired_mfa(cfg.mfa), cfg.secrets)
        objects.append(
            ObjectPlan(
                f"{cfg.address}/mfa",
                "mfa",
                Action.UPDATE if mfa_changes else Action.NOOP,
                "set on the new pool as part of its replacement" if mfa_changes else "",
                mfa_changes,
            )
        )
    return objects


def _domain_deletions(live: LivePool) -> list[ApiCall]:
    """A pool with a domain cannot be deleted; delete the domain first (§3.5; TF #16479)."""
    return [
        ApiCall("DeleteUserPoolDomain", {"UserPoolId": live.id, "Domain": live.pool[key]})
        for key in ("Domain", "CustomDomain")
        if live.pool.get(key)
    ]


# --------------------------------------------------------------------------- payloads


def create_payload(name: str, desired: Mapping[str, Any]) -> dict[str, Any]:
    """CreateUserPool for a new pool: what the file writes, MFA off (§3.3: ON/OPTIONAL at
    create needs SMS, and TOTP/email cannot be enabled there)."""
    payload = {k: copy.deepcopy(v) for k, v in desired.items()}
    if "Schema" in payload:
        payload["Schema"] = schema_entries(payload["Schema"])
    return {"PoolName": name, **payload, "MfaConfiguration": "OFF"}


def update_payload(
    live_settings: Mapping[str, Any],
    view: OwnedView,
    desired: Mapping[str, Any],
    keep_tags: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """UpdateUserPool resets every member it is not sent (BC), so send all of them: live
    for members the file does not write, the file (defaults filled) for those it does.
    Create-only members are not accepted; MfaConfiguration is left out, which preserves
    it (§3.1 measured), because only SetUserPoolMfaConfig may change it."""
    payload = {k: copy.deepcopy(v) for k, v in live_settings.items()
               if k not in CREATE_ONLY_MEMBERS and v is not UNKNOWN}
    for member in desired:
        if member in CREATE_ONLY_MEMBERS:
            continue
        if member in view.expected:
            payload[member] = copy.deepcopy(view.expected[member])
        else:
            payload.pop(member, None)
    _carry(payload, view, live_settings, skip=CREATE_ONLY_MEMBERS)
    if keep_tags:
        payload["UserPoolTags"] = {**payload.get("UserPoolTags", {}), **keep_tags}
    return payload


def replacement_payload(
    name: str, live_settings: Mapping[str, Any], view: OwnedView, desired: Mapping[str, Any]
) -> dict[str, Any]:
    """CreateUserPool for the new pool of a replacement: every setting the file does not
    manage is carried over from the old pool, so a replacement loses nothing it need not."""
    payload = {k: copy.deepcopy(v) for k, v in live_settings.items() if v is not UNKNOWN}
    for member in desired:
        if member in view.expected:
            payload[member] = copy.deepcopy(view.expected[member])
        else:
            payload.pop(member, None)
    _carry(payload, view, live_settings, skip=frozenset())
    if "Schema" in desired:
        payload["Schema"] = schema_entries(desired["Schema"])
    elif "Schema" in payload:
        payload["Schema"] = schema_entries(_non_default_attributes(payload["Schema"]))
        if not payload["Schema"]:  # CreateUserPool refuses an empty Schema (min length 1)
            del payload["Schema"]
    return {"PoolName": name, **payload, "MfaConfiguration": "OFF"}


def mfa_payload(view: OwnedView | None, live_mfa: Mapping[str, Any]) -> dict[str, Any]:
    """SetUserPoolMfaConfig is a full put (§1.2): the file's MFA block with defaults filled
    in, plus the live values of fields whose default is unknown."""
    if view is None:
        return dict(live_mfa)
    payload = copy.deepcopy(view.expected)
    _carry(payload, view, live_mfa, skip=frozenset())
    if payload.get("MfaConfiguration", "OFF") == "OFF":
        # OFF together with any factor block is rejected (§3.3).
        for key in ("SmsMfaConfiguration", "SoftwareTokenMfaConfiguration",
                    "EmailMfaConfiguration"):
            payload.pop(key, None)
    return payload


def _carry(
    payload: dict[str, Any], view: OwnedView, live: Mapping[str, Any], skip: Collection[str]
) -> None:
    for path in view.carried:
        if path[0] in skip:
            continue
        value = get_path(live, path)
        if value is not MISSING and get_path(payload, path[:-1]) is not MISSING:
            set_path(payload, path, copy.deepcopy(value))


def schema_entries(schema: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Canonical schema (by bare name) back to the API's list of fully specified entries."""
    return [{"Name": name, **copy.deepcopy(dict(entry))} for name, entry in schema.items()]


def _non_default_attributes(schema: Mapping[str, Any]) -> dict[str, Any]:
    """Standard attributes at their defaults need not (and, with 50 entries max, should
    not) be sent again; custom ones and changed standard ones must."""
    return {n: a for n, a in schema.items() if STANDARD_ATTRIBUTES.get(n) != a}
