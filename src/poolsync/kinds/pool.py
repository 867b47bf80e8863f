"""The pool's own objects: its settings and its MFA, planned together, because
Cognito checks each against the other (UpdateUserPool and SetUserPoolMfaConfig each
validate the pool's state with the other's half as it is live) and one decision orders
their writes. The settings kind (``kinds.settings.KIND``) plans both; the MFA kind
(``kinds.mfa.KIND``) holds MFA's shapes, payloads, rules and export.

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
from dataclasses import replace
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
    """The pool's object (created, updated in place, or replaced), its MFA's, and one
    unmanaged object per live custom attribute the file does not list."""
    if ctx.live is None:
        return _plan_new_pool(ctx.cfg)
    return _plan_existing_pool(ctx.cfg, ctx.live)


def review(ctx: PlanContext, objects: list[ObjectPlan]) -> list[ObjectPlan]:
    """The pool's whole plan once every kind has planned: the stray copies of the pool
    go first (one may hold the domain the pool's own plan creates), and a replaced
    pool's note counts what its replacement does to everything else."""
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


def _plan_new_pool(cfg: PoolConfig) -> list[ObjectPlan]:
    desired = strip_carried(canonical_desired_settings(cfg.settings))
    changes = creation_changes(desired, cfg.secrets)
    payload, later = create_payload(cfg.name, desired)
    pool = ObjectPlan(
        address=cfg.address,
        kind="pool",
        action=Action.CREATE,
        reason=f"no pool named {cfg.name!r} in {cfg.region}",
        changes=changes,
        calls=(ApiCall("CreateUserPool", payload), *_add_attributes(POOL_ID, later)),
    )
    objects = [pool]
    mfa: dict[str, Any] = {}
    if cfg.mfa is not None:
        objects.append(_plan_new_mfa(cfg))
        mfa = mfa_payload(owned_view(canonical_desired_mfa(cfg.mfa), {}, MFA_DEFAULTS, "mfa",
                                     whole=True), {})
    # A new pool gets ESSENTIALS unless the file says otherwise (botocore UserPoolTier).
    state = {"UserPoolTier": DEFAULT_TIER, **desired}
    objects = _refuse_state(objects, state, mfa, cfg)
    return objects


def _plan_new_mfa(cfg: PoolConfig) -> ObjectPlan:
    assert cfg.mfa is not None
    view = owned_view(canonical_desired_mfa(cfg.mfa), {}, MFA_DEFAULTS, "mfa", whole=True)
    address = f"{cfg.address}/mfa"
    if view.expected == {"MfaConfiguration": "OFF"}:
        return ObjectPlan(address, "mfa", Action.NOOP, "new pools are created with MFA off")
    # What the file writes (the request also states the defaults of a written block).
    changes = creation_changes(strip_carried(canonical_desired_mfa(cfg.mfa)), cfg.secrets)
    payload = mfa_payload(view, {})
    return ObjectPlan(
        address,
        "mfa",
        Action.CREATE,
        "the pool is created with MFA off; SetUserPoolMfaConfig then sets MFA (a pool "
        "created with MFA on needs SMS: aws/aws-cdk #11478)",
        changes,
        (ApiCall("SetUserPoolMfaConfig", {"UserPoolId": POOL_ID, **payload}),),
    )


# --------------------------------------------------------------------------- existing


def _plan_existing_pool(cfg: PoolConfig, live: LivePool) -> list[ObjectPlan]:
    desired = canonical_desired_settings(cfg.settings)
    live_settings = canonical_live_settings(live.pool)
    restoring = _protection_left_off(live.pool, desired)
    if restoring:
        desired = {**desired, "DeletionProtection": "ACTIVE"}
    compared, unmanaged = split_live_schema(desired, live_settings)
    view = owned_view(desired, compared, SETTINGS_DEFAULTS, "settings")
    changes = tuple(
        replace(c, forces_replacement=replacement_reason(c))
        for c in field_changes(view.actual, view.expected, desired, cfg.secrets)
    )
    live_mfa = canonical_live_mfa(live.mfa, pool_region(live.pool))
    mfa_view = (
        owned_view(canonical_desired_mfa(cfg.mfa), live_mfa, MFA_DEFAULTS, "mfa", whole=True)
        if cfg.mfa is not None
        else None
    )
    if any(c.forces_replacement for c in changes):
        objects = _plan_replacement(cfg, live, desired, live_settings, view, changes, mfa_view,
                                    unmanaged)
    else:
        pool = _plan_update(cfg, live, desired, live_settings, view, changes)
        objects = [pool]
        if mfa_view is not None:
            objects.append(_plan_mfa_update(cfg, live, live_mfa, mfa_view))
        after = update_payload(live_settings, view, desired)
        after_mfa = mfa_payload(mfa_view, live_mfa)
        objects = _refuse_state(objects, after, after_mfa, cfg, _live_domain(live))
        objects = _order_writes(objects, live_settings, after, live_mfa, after_mfa)
    objects += [_unmanaged_attribute(cfg, key) for key in unmanaged]
    if restoring and objects[0].action.is_change:
        objects[0] = replace(objects[0], notes=(*objects[0].notes, restoring))
    return objects


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


def _refuse_state(objects: list[ObjectPlan], settings: Mapping[str, Any],
                  mfa: Mapping[str, Any], cfg: PoolConfig,
                  live_domain: Mapping[str, Any] | None = None) -> list[ObjectPlan]:
    """A change can be fine in the file and still be refused by Cognito because of the
    pool's state after apply, live settings the file does not manage included (email MFA
    while the unmanaged EmailConfiguration is COGNITO_DEFAULT; a live tier below a
    feature, FeatureUnavailableInTierException). No API makes that pool match without a
    decision from the user: the changed objects cannot be applied."""
    if not any(o.action.is_change for o in objects):
        return objects
    # The domain the pool will have: the file's, else the live one it keeps.
    domain = cfg.domain if cfg.domain is not None else live_domain
    problems = state_problems(settings, mfa or None, domain=domain, clients=cfg.clients)
    if not problems:
        return objects
    reason = "; ".join(dict.fromkeys(p.message for p in problems)) + (
        " (the pool's live settings that the file does not manage count too)")
    return [
        replace(o, action=Action.CANNOT_APPLY, reason=reason, calls=(),
                where=problems[0].path)
        if o.action.is_change
        else o
        for o in objects
    ]


def _order_writes(objects: list[ObjectPlan], live_settings: Mapping[str, Any],
                  after: Mapping[str, Any], live_mfa: Mapping[str, Any],
                  after_mfa: Mapping[str, Any]) -> list[ObjectPlan]:
    """UpdateUserPool and SetUserPoolMfaConfig each check the pool's state with the
    other's half as it is live: a sign-in policy that adds WEB_AUTHN needs passkeys as a
    multi-factor method first when MFA is ON, and removing them goes the other way
    (go-to-k/cdkd measurements of both errors). Pool first, unless that intermediate
    state is one Cognito refuses and MFA first is not."""
    if len(objects) < 2 or not all(o.calls for o in objects[:2]):
        return objects
    live_payload = {k: v for k, v in live_settings.items()
                    if k not in CREATE_ONLY_MEMBERS and v is not UNKNOWN}
    pool_first = state_problems(after, live_mfa or None)
    mfa_first = state_problems(live_payload, after_mfa or None)
    if pool_first and not mfa_first:
        return [objects[1], objects[0], *objects[2:]]
    return objects


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
    unmanaged: list[str],
) -> list[ObjectPlan]:
    """The old pool deleted (``removal_calls``), the new one created with every setting
    carried over (``replacement_payload``), then its MFA set: a pool is created with MFA
    off (``create_payload``), so the MFA object of a replaced pool is a create on the new
    pool, with its own SetUserPoolMfaConfig, whether the file manages MFA or the old
    pool's is carried over. The notes say what is lost, what changes, and the safer
    routes that fit the changes that force the replacement (mutability.safer_route)."""
    reasons = list(dict.fromkeys(c.forces_replacement for c in changes if c.forces_replacement))
    calls: list[ApiCall] = []
    calls += removal_calls(live.pool)
    payload, later = replacement_payload(cfg.name, live_settings, view, desired, unmanaged)
    calls.append(ApiCall("CreateUserPool", payload))
    calls += _add_attributes(POOL_ID, later)
    live_mfa = canonical_live_mfa(live.mfa, pool_region(live.pool))
    mfa = mfa_payload(mfa_view, live_mfa) if mfa_view is not None else live_mfa
    users = live.pool.get("EstimatedNumberOfUsers")
    region = cfg.region
    notes = (
        _blast_radius(users),
        f"The pool id ({live.id}) changes, so does the token issuer URL "
        f"(https://cognito-idp.{region}.amazonaws.com/{live.id}), and every app client id.",
        _safer_routes(changes),
    )
    pool = ObjectPlan(cfg.address, "pool", Action.REPLACE, "; ".join(reasons), changes,
                      tuple(calls), notes)
    objects = [pool]
    mfa_plan = _replaced_mfa(cfg, mfa_view, mfa)
    if mfa_plan is not None:
        objects.append(mfa_plan)
    state = {k: v for k, v in payload.items() if k not in ("PoolName", "MfaConfiguration")}
    return _refuse_state(objects, state, mfa, cfg)


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


def _replaced_mfa(cfg: PoolConfig, view: OwnedView | None, mfa: Mapping[str, Any]
                  ) -> ObjectPlan | None:
    """The MFA of a replaced pool: created on the new pool (which starts with MFA off)
    by SetUserPoolMfaConfig, the file's or, when the file does not manage MFA, the old
    pool's. Its changes compare the file with the old pool (drift shows them). None when
    the file does not manage MFA and the old pool's is off: nothing to say or do."""
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
