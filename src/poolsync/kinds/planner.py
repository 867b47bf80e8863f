"""The plan of a collection kind (``base.CollectionSpec``: app clients, identity
providers, resource servers, groups), one logic for all four: each item the file lists is
created, updated in place with a full payload, or replaced (deleted and created, when a
create-only member changes); a live item it does not list is kept, shown as unmanaged,
and deleted only with ``prune``. Each collection's module calls ``plan_items`` from its
``Kind.plan`` and adds its own checks (a client's references, a provider's private key).

Ownership inside an item follows the pool's settings (README, ownership): a member the
file writes is owned, a member it leaves out is carried over unchanged on every
full-payload update, and inside an owned member a field left out means Cognito's default.
Pure: no AWS.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from poolsync.diff import creation_changes, field_changes
from poolsync.kinds.base import CollectionSpec, PlanContext
from poolsync.model import POOL_ID, Action, ApiCall, FieldChange, ObjectPlan
from poolsync.normalize import owned_view


@dataclass(frozen=True)
class Items:
    """A collection's objects: its creates and updates (``upserts``), then what it does
    to the live items the file does not list (``removals``: deleted, or kept)."""

    upserts: list[ObjectPlan] = field(default_factory=list)
    removals: list[ObjectPlan] = field(default_factory=list)

    @property
    def objects(self) -> list[ObjectPlan]:
        return self.upserts + self.removals


def written_items(spec: CollectionSpec, ctx: PlanContext) -> Mapping[str, Any] | None:
    """The file's items of the collection (None: the file does not manage it)."""
    written: Mapping[str, Any] | None = getattr(ctx.cfg, spec.collection)
    return written


def live_items(spec: CollectionSpec, ctx: PlanContext) -> Mapping[str, Mapping[str, Any]] | None:
    """The live items of the collection that were read (None: not read)."""
    found: Mapping[str, Mapping[str, Any]] | None = getattr(
        ctx.children, spec.live_field or spec.collection)
    return found


def plan_items(spec: CollectionSpec, ctx: PlanContext) -> Items:
    """The collection's objects against the live items (none for a new pool)."""
    desired = written_items(spec, ctx)
    if desired is None:
        return Items()
    live = live_items(spec, ctx) or {}
    providers = ctx.children.providers
    names = None if providers is None else set(providers)
    cfg = ctx.cfg
    upserts = [_create(spec, cfg, ctx.pool_id, name, written) if name not in live
               else _update(spec, cfg, ctx.pool_id, name, written, live[name])
               for name, written in desired.items()]
    removals = []
    for name, found in live.items():
        if name in desired or spec.kept_unlisted(name, ctx.pool_id, names):
            continue
        address = f"{ctx.pool}/{spec.collection}/{name}"
        if ctx.prune:
            call = ApiCall(spec.delete_op, {"UserPoolId": ctx.pool_id, **spec.key(name, found)})
            removals.append(ObjectPlan(address, spec.kind, Action.DELETE,
                                       f"not in the file, and prune is on ({spec.delete_op})",
                                       calls=(call,)))
        else:
            removals.append(ObjectPlan(
                address, spec.kind, Action.NOOP,
                f"this {spec.noun} is not in the file; kept (prune: true or "
                "--prune deletes it)", unmanaged=True))
    return Items(upserts, removals)


def _create(spec: CollectionSpec, cfg: Any, pool_id: str, name: str,
            written: Mapping[str, Any]) -> ObjectPlan:
    op = spec.create_op
    changes = _sensitive(spec, creation_changes(spec.canonical_desired(written), cfg.secrets))
    params = {"UserPoolId": pool_id, spec.key_param: name, **dict(written)}
    return ObjectPlan(f"{cfg.address}/{spec.collection}/{name}", spec.kind, Action.CREATE,
                      f"new {spec.noun} ({op})", changes, (ApiCall(op, params),))


def _update(spec: CollectionSpec, cfg: Any, pool_id: str, name: str,
            written: Mapping[str, Any], found: Mapping[str, Any]) -> ObjectPlan:
    address = f"{cfg.address}/{spec.collection}/{name}"
    desired = spec.canonical_desired(written)
    live = spec.canonical_live(found)
    view = owned_view(desired, live, spec.defaults(written), spec.collection)
    changes = _sensitive(spec, field_changes(view.actual, view.expected, desired, cfg.secrets))
    if not changes:
        return ObjectPlan(address, spec.kind, Action.NOOP)
    reasons = [r for r in (spec.replacement_reason(c) for c in changes) if r]
    if reasons:
        changes = tuple(replace(c, forces_replacement=spec.replacement_reason(c))
                        for c in changes)
        return _replacement(spec, pool_id, name, written, found, live, address, changes,
                            reasons)
    call = ApiCall(spec.update_op, {
        "UserPoolId": pool_id, **spec.update(name, written, found, live, view.expected)})
    return ObjectPlan(address, spec.kind, Action.UPDATE, f"in place with {call.operation}",
                      changes, (call,))


def _replacement(spec: CollectionSpec, pool_id: str, name: str, written: Mapping[str, Any],
                 found: Mapping[str, Any], live: Mapping[str, Any], address: str,
                 changes: tuple[FieldChange, ...], reasons: list[str]) -> ObjectPlan:
    assert spec.recreated is not None, f"a {spec.noun} has no create-only field"
    delete = ApiCall(spec.delete_op, {"UserPoolId": pool_id, **spec.key(name, found)})
    params, notes = spec.recreated(name, written, found, live)
    create = ApiCall(spec.create_op, {"UserPoolId": pool_id, **params})
    return ObjectPlan(address, spec.kind, Action.REPLACE, "; ".join(dict.fromkeys(reasons)),
                      changes, (delete, create), notes)


def _sensitive(spec: CollectionSpec, changes: tuple[FieldChange, ...]) -> tuple[FieldChange, ...]:
    return tuple(replace(c, sensitive=True) if spec.secret_path(c.path) else c
                 for c in changes)


def plan_objects(spec: CollectionSpec, ctx: PlanContext) -> list[ObjectPlan]:
    """``Kind.plan`` of a collection with no checks of its own (groups, resource
    servers)."""
    return plan_items(spec, ctx).objects


def renew_items(spec: CollectionSpec, ctx: PlanContext) -> list[ObjectPlan]:
    """``Kind.in_new_pool`` of a collection with no checks of its own."""
    return items_in_new_pool(spec, ctx, lambda c: plan_items(spec, c))


# --------------------------------------------------------------------------- replaced pool

RENEWED = "created again in the new pool (the pool is replaced)"


def fresh(ctx: PlanContext) -> PlanContext:
    """The context of the pool's new copy, empty: what the file alone creates in it."""
    return replace(ctx, pool_id=POOL_ID, live=None, found=None, described={}, domains=())


def items_in_new_pool(spec: CollectionSpec, ctx: PlanContext,
                      plan: Callable[[PlanContext], Items]) -> list[ObjectPlan]:
    """A replaced pool's items: compared with the live ones (drift and the reviewer see
    what differs; ``plan`` is the kind's own, checks included), and created again in the
    new pool, each carrying over what the file does not write (``CollectionSpec.
    in_new_pool``). Every live item the file does not list goes with the old pool
    (DeleteUserPool takes clients, providers, groups and resource servers along),
    whether its collection is managed or not."""
    live = live_items(spec, ctx) or {}
    written = written_items(spec, ctx) or {}

    def again(obj: ObjectPlan, renewed: ObjectPlan) -> ObjectPlan:
        name = obj.address.rsplit("/", 1)[-1]
        found = live.get(name)
        calls = renewed.calls
        if spec.in_new_pool is not None and found is not None and name in written:
            calls = (ApiCall(spec.create_op, {
                "UserPoolId": POOL_ID, **spec.in_new_pool(name, written[name], found)}),)
        notes: tuple[str, ...] = ()
        if spec.renewal_note is not None:
            notes = (spec.renewal_note(found or {}, calls[0].params if calls else {}),)
        return renewed_object(obj, calls, notes)

    upserts = renew_each(plan(ctx).upserts, plan(fresh(ctx)).upserts, again)
    listed = {o.address for o in upserts}
    pool_id = ctx.children.pool_id
    names = None if ctx.children.providers is None else set(ctx.children.providers)
    gone = [gone_with_pool(f"{ctx.pool}/{spec.collection}/{name}", spec.kind,
                           spec.kept_unlisted(name, pool_id, names))
            for name in live if f"{ctx.pool}/{spec.collection}/{name}" not in listed]
    return upserts + gone


def renew_each(compared: Sequence[ObjectPlan], fresh_plan: Sequence[ObjectPlan],
               again: Callable[[ObjectPlan, ObjectPlan], ObjectPlan]) -> list[ObjectPlan]:
    """Each object of a kind compared with the live pool, as the replaced pool's new copy
    gets it: a new one as the fresh plan (``fresh``) creates it, one that cannot be
    applied without its calls, any other created again by ``again(compared, fresh)``."""
    new = {o.address: o for o in fresh_plan}
    out = []
    for obj in compared:
        renewed = new.get(obj.address)
        if obj.action is Action.CREATE or renewed is None:
            out.append(renewed or obj)
        elif obj.action is Action.CANNOT_APPLY:
            out.append(replace(obj, calls=()))
        else:
            out.append(again(obj, renewed))
    return out


def renewed_object(obj: ObjectPlan, calls: tuple[ApiCall, ...], notes: tuple[str, ...] = (),
                   how: str = RENEWED) -> ObjectPlan:
    """An existing item of a replaced pool, created again in the new pool by ``calls``:
    its reason and notes say so, and what that changes for the item's users."""
    if obj.changes:
        how += "; differs from the live one" + (
            f" ({obj.reason})" if obj.action is Action.REPLACE else "")
    return replace(obj, action=Action.REPLACE, calls=calls, reason=how, notes=notes)


def gone_with_pool(address: str, kind: str, federated: bool) -> ObjectPlan:
    """An item of a replaced pool that the file does not list: gone with the old pool,
    not created again in the new one."""
    return ObjectPlan(address, kind, Action.DELETE, (
        "deleted with the pool (DeleteUserPool) and not created again: " + (
            "Cognito creates it again at the next federated sign-in" if federated
            else "the file does not list it")))
