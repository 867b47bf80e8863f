"""The pool's own object (the settings kind's plan), and what it shares with the MFA
kind: Cognito checks UpdateUserPool and SetUserPoolMfaConfig each against the pool's
state with the other's half (``pool_state``: the file against the live pool, and what
apply leaves), so both kinds refuse a change on that state (``refuse_state``) and the
settings kind's review orders their two writes (``order_writes``).

Rules followed (README, "Plans, apply and safety"; sources at each function):
- a new pool is created with MFA off, then SetUserPoolMfaConfig sets MFA;
- UpdateUserPool and SetUserPoolMfaConfig always get the full payload: live merged with
  the owned changes, never a patch (both reset what they are not sent);
- new custom attributes go in place through AddCustomAttributes;
- a change to a create-only field is a replacement, which carries every setting the
  file does not manage over to the new pool;
- a copy of the pool that a raced or killed run left behind is removed.

Pure: no AWS.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from poolsync.diff import creation_changes, field_changes
from poolsync.kinds.base import PlanContext
from poolsync.kinds.domain import canonical_live_domain, custom_first
from poolsync.kinds.mfa import MFA_DEFAULTS, canonical_desired_mfa, canonical_live_mfa, mfa_payload
from poolsync.kinds.settings import (
    CREATE_ONLY_MEMBERS,
    CREATED_BY_RUN,
    PROTECTION_OFF_BY_RUN,
    RUN_ID,
    SETTINGS_DEFAULTS,
    STANDARD_ATTRIBUTES,
    _add_attributes,
    _kept_tags,
    canonical_desired_settings,
    canonical_live_settings,
    create_payload,
    pool_region,
    poolsync_tags,
    replacement_payload,
    update_payload,
)
from poolsync.model import (
    POOL_ID,
    Action,
    ApiCall,
    FieldChange,
    ObjectPlan,
    Path,
    PoolConfig,
)
from poolsync.mutability import MIGRATION_ROUTE, replacement_reason, safer_route
from poolsync.normalize import (
    UNKNOWN,
    OwnedView,
    is_custom_attribute,
    owned_view,
    strip_carried,
)
from poolsync.rules import DEFAULT_TIER, state_problems

if TYPE_CHECKING:
    from poolsync.plan import LivePool


def plan(ctx: PlanContext) -> list[ObjectPlan]:
    """The settings kind's objects: the pool's (created, updated in place, or replaced)
    and one unmanaged object per live custom attribute the file does not list. The MFA
    kind plans its own (``kinds.mfa.plan``) on the same ``pool_state``."""
    cfg, live = ctx.cfg, ctx.live
    state = pool_state(cfg, live)
    if live is None:
        pool = _new_pool(cfg, state)
    elif state.replaced:
        pool = _replacement(cfg, live, state)
    else:
        pool = _plan_update(cfg, live, state.desired, state.live_settings, state.view,
                            state.changes)
    pool = refuse_state(pool, state, cfg)
    if state.restoring and pool.action.is_change:
        pool = replace(pool, notes=(*pool.notes, state.restoring))
    return [pool, *(_unmanaged_attribute(cfg, key) for key in state.unmanaged)]


@dataclass(frozen=True)
class PoolState:
    """The pool's settings and MFA, the file's against the live ones, and the state
    apply leaves them in (what Cognito checks each write against).

    ``desired``: the file's settings (canonical; DeletionProtection ACTIVE again when a
    run of poolsync left it off: ``restoring`` says why). ``view``/``changes``: the
    settings compared (None/() for a new pool); ``mfa_view``: MFA compared (None when
    the file does not manage MFA). ``settings_after``/``mfa_after``: the requests'
    state after apply; ``domain``: the live domain the pool keeps (None when the file
    writes one, or the pool is new or replaced)."""

    desired: Mapping[str, Any]
    live_settings: Mapping[str, Any]
    view: OwnedView
    changes: tuple[FieldChange, ...]
    unmanaged: list[str]
    restoring: str
    live_mfa: Mapping[str, Any]
    mfa_view: OwnedView | None
    settings_after: Mapping[str, Any]
    mfa_after: Mapping[str, Any]
    domain: Mapping[str, Any] | None = None

    @property
    def replaced(self) -> bool:
        return any(c.forces_replacement for c in self.changes)


def pool_state(cfg: PoolConfig, live: LivePool | None) -> PoolState:
    """The settings and MFA of ``cfg`` against the live pool (None: created in this
    run). Pure, and cheap: the settings kind, the MFA kind and the review each ask."""
    written_mfa = canonical_desired_mfa(cfg.mfa) if cfg.mfa is not None else None
    if live is None:
        desired = strip_carried(canonical_desired_settings(cfg.settings))
        view = owned_view(desired, {}, {}, "settings")
        mfa_view = (owned_view(written_mfa, {}, MFA_DEFAULTS, "mfa", whole=True)
                    if written_mfa is not None else None)
        # A new pool gets ESSENTIALS unless the file says otherwise (botocore UserPoolTier).
        return PoolState(desired, {}, view, (), [], "", {}, mfa_view,
                         {"UserPoolTier": DEFAULT_TIER, **desired},
                         mfa_payload(mfa_view, {}) if mfa_view is not None else {})
    desired = canonical_desired_settings(cfg.settings)
    live_settings = canonical_live_settings(live.pool)
    restoring = _protection_left_off(live.pool, desired)
    if restoring:
        desired = {**desired, "DeletionProtection": "ACTIVE"}
    compared, unmanaged = split_live_schema(desired, live_settings)
    view = owned_view(desired, compared, SETTINGS_DEFAULTS, "settings")
    changes = tuple(replace(c, forces_replacement=replacement_reason(c))
                    for c in field_changes(view.actual, view.expected, desired, cfg.secrets))
    live_mfa = canonical_live_mfa(live.mfa, pool_region(live.pool))
    mfa_view = (owned_view(written_mfa, live_mfa, MFA_DEFAULTS, "mfa", whole=True)
                if written_mfa is not None else None)
    if any(c.forces_replacement for c in changes):
        payload, _ = replacement_payload(cfg.name, live_settings, view, desired, unmanaged)
        after = {k: v for k, v in payload.items() if k not in ("PoolName", "MfaConfiguration")}
        mfa = mfa_payload(mfa_view, live_mfa) if mfa_view is not None else live_mfa
        return PoolState(desired, live_settings, view, changes, unmanaged, restoring,
                         live_mfa, mfa_view, after, mfa)
    return PoolState(desired, live_settings, view, changes, unmanaged, restoring, live_mfa,
                     mfa_view, update_payload(live_settings, view, desired),
                     mfa_payload(mfa_view, live_mfa), _live_domain(live))


def refuse_state(obj: ObjectPlan, state: PoolState, cfg: PoolConfig) -> ObjectPlan:
    """A change can be fine in the file and still be refused by Cognito because of the
    pool's state after apply, live settings the file does not manage included (email MFA
    while the unmanaged EmailConfiguration is COGNITO_DEFAULT; a live tier below a
    feature, FeatureUnavailableInTierException). No API makes that pool match without a
    decision from the user: the pool's and MFA's changed objects cannot be applied."""
    if not obj.action.is_change or obj.action is Action.CANNOT_APPLY:
        return obj
    # The domain the pool will have: the file's, else the live one it keeps.
    domain = cfg.domain if cfg.domain is not None else state.domain
    problems = state_problems(state.settings_after, state.mfa_after or None, domain=domain,
                              clients=cfg.clients)
    if not problems:
        return obj
    reason = "; ".join(dict.fromkeys(p.message for p in problems)) + (
        " (the pool's live settings that the file does not manage count too)")
    return replace(obj, action=Action.CANNOT_APPLY, reason=reason, calls=(),
                   where=problems[0].path)


def _new_pool(cfg: PoolConfig, state: PoolState) -> ObjectPlan:
    payload, later = create_payload(cfg.name, state.desired)
    return ObjectPlan(
        address=cfg.address,
        kind="pool",
        action=Action.CREATE,
        reason=f"no pool named {cfg.name!r} in {cfg.region}",
        changes=creation_changes(state.desired, cfg.secrets),
        calls=(ApiCall("CreateUserPool", payload), *_add_attributes(POOL_ID, later)),
    )


def _replacement(cfg: PoolConfig, live: LivePool, state: PoolState) -> ObjectPlan:
    """The old pool deleted (``removal_calls``), the new one created with every setting
    carried over (``replacement_payload``); its MFA is set by the MFA kind (a pool is
    created with MFA off: ``kinds.mfa``). The notes say what is lost, what changes, and
    the safer routes that fit the changes that force the replacement
    (mutability.safer_route)."""
    changes = state.changes
    reasons = list(dict.fromkeys(c.forces_replacement for c in changes if c.forces_replacement))
    calls: list[ApiCall] = []
    calls += removal_calls(live.pool)
    payload, later = replacement_payload(cfg.name, state.live_settings, state.view,
                                         state.desired, state.unmanaged)
    calls.append(ApiCall("CreateUserPool", payload))
    calls += _add_attributes(POOL_ID, later)
    users = live.pool.get("EstimatedNumberOfUsers")
    region = cfg.region
    notes = (
        _blast_radius(users),
        f"The pool id ({live.id}) changes, so does the token issuer URL "
        f"(https://cognito-idp.{region}.amazonaws.com/{live.id}), and every app client id.",
        _safer_routes(changes),
    )
    return ObjectPlan(cfg.address, "pool", Action.REPLACE, "; ".join(reasons), changes,
                      tuple(calls), notes)


def order_writes(ctx: PlanContext, objects: list[ObjectPlan]) -> list[ObjectPlan]:
    """UpdateUserPool and SetUserPoolMfaConfig each check the pool's state with the
    other's half as it is live: a sign-in policy that adds WEB_AUTHN needs passkeys as a
    multi-factor method first when MFA is ON, and removing them goes the other way
    (go-to-k/cdkd measurements of both errors). Pool first, unless that intermediate
    state is one Cognito refuses and MFA first is not."""
    if ctx.live is None or ctx.replacing:
        return objects
    at = {o.address: i for i, o in enumerate(objects) if o.kind in ("pool", "mfa")}
    pool, mfa = at.get(ctx.pool), at.get(f"{ctx.pool}/mfa")
    if pool is None or mfa is None or not (objects[pool].calls and objects[mfa].calls):
        return objects
    state = pool_state(ctx.cfg, ctx.live)
    live_payload = {k: v for k, v in state.live_settings.items()
                    if k not in CREATE_ONLY_MEMBERS and v is not UNKNOWN}
    pool_first = state_problems(state.settings_after, state.live_mfa or None)
    mfa_first = state_problems(live_payload, state.mfa_after or None)
    if not pool_first or mfa_first:
        return objects
    out = list(objects)
    out[pool], out[mfa] = objects[mfa], objects[pool]
    return out


def review(ctx: PlanContext, objects: list[ObjectPlan]) -> list[ObjectPlan]:
    """The pool's whole plan once every kind has planned: the pool's and MFA's writes
    in the order Cognito accepts (``order_writes``), the stray copies of the pool go first (one may hold the domain the pool's own plan creates), and a replaced
    pool's note counts what its replacement does to everything else."""
    objects = order_writes(ctx, objects)
    live = ctx.live
    strays = [stray_removal(ctx.cfg, s, live.id) for s in live.strays] if live else []
    if ctx.replacing:
        objects = _with_children_note(ctx.pool, objects)
    return strays + objects


# The kinds of the pool's own objects (its settings, MFA and unmanaged attributes).
OWN = frozenset({"pool", "mfa", "attribute"})


def _with_children_note(address: str, objects: list[ObjectPlan]) -> list[ObjectPlan]:
    """The replaced pool's note on everything else it holds, counted from their plans:
    what is created in the new pool and what is deleted with the old one (kinds.planner.
    items_in_new_pool, kinds.planning.renewed), so the note and the lines below it tell
    one story."""
    children = [o for o in objects if o.kind not in OWN]
    made = sum(1 for o in children if o.action in (Action.CREATE, Action.REPLACE))
    gone = sum(1 for o in children if o.action is Action.DELETE)
    if made or gone:
        parts = [f"{_count(made)} the file lists created in the new pool (app clients "
                 "with new ids)" if made else "",
                 f"{_count(gone)} it does not list deleted with it and not created again"
                 if gone else ""]
        note = ("Its sub-resources go with it: " + "; ".join(p for p in parts if p)
                + ". Each is listed in this plan.")
    else:
        note = ("Neither the old pool nor the file has an app client, identity provider, "
                "group, resource server or domain: none is lost.")
    return [replace(o, notes=(*o.notes[:2], note, *o.notes[2:]))
            if o.kind == "pool" and o.address == address else o for o in objects]


def _count(n: int) -> str:
    return "the one" if n == 1 else f"the {n}"


def attributes_after(cfg: PoolConfig, live: LivePool | None) -> frozenset[str]:
    """The schema attributes the pool has after apply, by key: the standard ones, the
    live ones (none is ever removed) and the file's."""
    keys = set(STANDARD_ATTRIBUTES)
    if live is not None:
        schema = canonical_live_settings(live.pool).get("Schema")
        keys |= set(schema or ())
    written = canonical_desired_settings(cfg.settings).get("Schema")
    keys |= set(written or ())
    return frozenset(keys)


# --------------------------------------------------------------------------- new pools


# --------------------------------------------------------------------------- existing


def _protection_left_off(user_pool: Mapping[str, Any], desired: Mapping[str, Any]) -> str:
    """Why the plan switches deletion protection back on, or "". A replacement (or the
    removal of a stray copy) switches protection off just before DeleteUserPool
    (botocore DeletionProtection: a protected pool cannot be deleted), with the
    ``PROTECTION_OFF_BY_RUN`` tag. Apply switches it on again when a later call fails
    or the run is interrupted; a run killed in between, or a restore that failed,
    leaves the tag on an unprotected pool. The file may not write DeletionProtection
    (then the user's ACTIVE was carried over and is not managed): protection is put back
    all the same, because poolsync took it away, and the plan says so. A file that
    writes DeletionProtection decides, as always."""
    run = poolsync_tags(user_pool).get(PROTECTION_OFF_BY_RUN)
    if (run is None or "DeletionProtection" in desired
            or user_pool.get("DeletionProtection") != "INACTIVE"):
        return ""
    return (f"Deletion protection was switched off by poolsync (run {run}) to delete this "
            "pool, and the run stopped before the delete; this switches it back on.")


def split_live_schema(desired: Mapping[str, Any], live_settings: Mapping[str, Any]
                      ) -> tuple[dict[str, Any], list[str]]:
    """The live settings to compare with a file that writes ``Schema``, and the live
    custom attributes the file does not list. No API removes a custom attribute (botocore
    AddCustomAttributes: "You can't remove custom attributes"), so one that exists only
    in the pool (added in the console) is unmanaged, never a reason to replace the pool.
    A live attribute without a prefix is a standard one (AWS adds standard attributes
    over time): compared only when the file writes it."""
    if "Schema" not in desired or not isinstance(live_settings.get("Schema"), Mapping):
        return dict(live_settings), []
    written = desired["Schema"]
    schema = live_settings["Schema"]
    unmanaged = sorted(k for k in schema if is_custom_attribute(k) and k not in written)
    kept = {k: v for k, v in schema.items()
            if k in written or (not is_custom_attribute(k) and k in STANDARD_ATTRIBUTES)}
    return {**live_settings, "Schema": kept}, unmanaged


def _unmanaged_attribute(cfg: PoolConfig, key: str) -> ObjectPlan:
    return ObjectPlan(
        f"{cfg.address}/schema/{key}", "attribute", Action.NOOP,
        "this custom attribute is in the pool and not in the file; no API removes a "
        "custom attribute, so add it to settings.Schema", unmanaged=True)


def _live_domain(live: LivePool) -> Mapping[str, Any] | None:
    """The live domain as a request would write it (the custom one first), if read."""
    domains = custom_first(live.children.domains)
    return canonical_live_domain(domains[0]) if domains else None


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
        payload = update_payload(live_settings, view, desired, _kept_tags(live.pool))
        calls.append(ApiCall("UpdateUserPool", {"UserPoolId": live.id, **payload}))
    added = {str(c.path[1]): c.after for c in changes
             if c.path[0] == "Schema" and len(c.path) == 2}
    calls += _add_attributes(live.id, added)
    apis = ", ".join(dict.fromkeys(c.operation for c in calls))
    return ObjectPlan(
        cfg.address, "pool", Action.UPDATE, f"in place with {apis}", changes, tuple(calls)
    )


def _blast_radius(users: Any) -> str:
    """What deleting the pool loses, and the rail that stops it (engine.check_apply and
    the ListUsers right before DeleteUserPool): poolsync deletes no pool with users."""
    if isinstance(users, int) and users > 0:
        lost = (f"Cognito estimates {users} user(s) in it: poolsync refuses to delete a pool "
                "with users, even with --allow-replace, so apply stops before any call "
                "until they are gone or moved (a replacement would lose them and their "
                "passwords, which cannot be exported)")
    else:
        known = "Cognito estimates no user in it" if users == 0 else (
            "Cognito gave no estimate of its users")
        lost = (f"{known}; apply asks for one user right before DeleteUserPool and deletes "
                "nothing that has one (users and their passwords cannot be exported)")
    return f"Blast radius: the pool is deleted and created again. {lost}."


def _safer_routes(changes: tuple[FieldChange, ...]) -> str:
    """The routes that avoid this replacement, fitted to what forces it, then the one
    every replacement has: a new pool beside this one."""
    fitted = dict.fromkeys(route for c in changes if c.forces_replacement
                           for route in (safer_route(c),) if route)
    if not fitted:
        return f"Safer route: {MIGRATION_ROUTE}."
    return "Safer routes: " + "; ".join(fitted) + f"; or {MIGRATION_ROUTE}."


def removal_calls(user_pool: Mapping[str, Any]) -> list[ApiCall]:
    """The calls that delete a live pool (DescribeUserPool's ``UserPool``): protection
    off, the domains, the pool. DeleteUserPool fails while deletion protection is on
    (botocore DeletionProtection doc): it is switched off first with a full
    UpdateUserPool (every other setting kept, as UpdateUserPool resets what it is not
    sent) that also tags the pool ``PROTECTION_OFF_BY_RUN``, so protection is restored
    if the delete never comes (apply does it when a later call fails; the next plan
    otherwise). A pool with a domain cannot be deleted: the domain goes first
    (terraform-provider-aws #16479). Apply asks for one user right before DeleteUserPool
    and deletes nothing that has one (engine.execute)."""
    pool_id = str(user_pool["Id"])
    calls: list[ApiCall] = []
    if user_pool.get("DeletionProtection") == "ACTIVE":
        live_settings = canonical_live_settings(user_pool)
        keep = update_payload(live_settings, owned_view({}, live_settings, {}, "settings"), {},
                              {**_kept_tags(user_pool), PROTECTION_OFF_BY_RUN: RUN_ID})
        calls.append(ApiCall("UpdateUserPool",
                             {"UserPoolId": pool_id, **keep, "DeletionProtection": "INACTIVE"}))
    calls += [ApiCall("DeleteUserPoolDomain", {"UserPoolId": pool_id, "Domain": user_pool[key]})
              for key in ("Domain", "CustomDomain") if user_pool.get(key)]
    calls.append(ApiCall("DeleteUserPool", {"UserPoolId": pool_id}))
    return calls


def is_stray_copy(user_pool: Mapping[str, Any]) -> bool:
    """Whether a pool that shares its name with an older one may be removed without
    asking: poolsync created it (``CREATED_BY_RUN``) and Cognito estimates no user in
    it. Apply asks ListUsers again right before the delete."""
    users = user_pool.get("EstimatedNumberOfUsers")
    return CREATED_BY_RUN in poolsync_tags(user_pool) and users == 0


def stray_removal(cfg: PoolConfig, stray: Mapping[str, Any], keeper: str) -> ObjectPlan:
    """Delete a copy of the pool that poolsync created and nobody uses (``is_stray_copy``):
    Cognito does not keep pool names unique (botocore CreateUserPool has no error for a
    name in use), and CreateUserPool has no idempotency token, so two applies that
    create the same pool at once, or a retry after a run killed during CreateUserPool
    whose request still reached Cognito, leave two. The oldest is kept (engine.
    pools_by_age: CreationDate, then Id); this object removes a newer one."""
    stray_id = str(stray["Id"])
    run = poolsync_tags(stray).get(CREATED_BY_RUN, "?")
    created = stray.get("CreationDate")
    when = (created.isoformat(timespec="milliseconds") if isinstance(created, datetime)
            else str(created))
    return ObjectPlan(
        f"{cfg.address}/copies/{stray_id}", "pool", Action.DELETE,
        f"a second pool named {cfg.name!r} ({stray_id}, created {when} "
        f"by poolsync run {run}, no users): the trace of two applies that raced or of "
        f"one stopped during CreateUserPool; the oldest pool ({keeper}) is the one "
        "managed, this copy is deleted",
        calls=tuple(removal_calls(stray)),
        notes=("apply asks Cognito for one user right before DeleteUserPool and deletes "
               "nothing that has one",))


def refuse_problems(objects: list[ObjectPlan],
                    problems: Callable[[str], list[tuple[Path, str]]]) -> list[ObjectPlan]:
    """Each object whose item (named by the last part of its address) has ``problems``
    cannot be applied: its reason lists them, ``where`` is the first one's path."""
    out = []
    for obj in objects:
        found = problems(obj.address.rsplit("/", 1)[-1])
        if found and obj.action is not Action.CANNOT_APPLY and not obj.unmanaged:
            obj = replace(obj, action=Action.CANNOT_APPLY, calls=(), where=found[0][0],
                          reason="; ".join(message for _, message in found))
        out.append(obj)
    return out
