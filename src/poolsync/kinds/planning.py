"""What the planner (plan.plan_pool) shares with the kinds: the clients' planned ids
in a ``PlanContext``, what a replaced pool does to a kind by default (``renewed``), and
the pool's tag budget across every kind. Pure: no AWS."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from poolsync.kinds.base import Kind, PlanContext, client_placeholder
from poolsync.kinds.common import MAX_TAGS
from poolsync.model import POOL_ID, Action, ObjectPlan, PoolConfig


def client_actions(cfg: PoolConfig, planned: Sequence[ObjectPlan]) -> dict[str, Action]:
    """The planned action of each app client the file writes, by name."""
    return {o.address.rsplit("/", 1)[-1]: o.action for o in planned
            if o.kind == "client" and o.address.startswith(f"{cfg.address}/clients/")}


def renewed(kind: Kind, ctx: PlanContext) -> list[ObjectPlan]:
    """A kind of a replaced pool (the default of ``Kind.in_new_pool``): compared with
    the live one as it is (its clients by their live ids: their plans re-create them,
    which would hide the live entries), and planned again for the new pool, which
    carries the live settings the file does not write (its tier, threat protection
    mode: the fresh plan judges prerequisites on them). A kind the file does not write
    goes with the old pool."""
    if ctx.written is None:
        return [_unwritten_in_replaced_pool(ctx, kind)] if ctx.found else []
    live_ids = ctx.children.client_ids
    compared = kind.plan(replace(ctx, clients=planned_client_ids(live_ids, {}),
                                 client_actions={}))
    fresh = kind.plan(replace(ctx, pool_id=POOL_ID, found=None, domains=(),
                              clients=planned_client_ids({}, ctx.client_actions, renew=True)))
    return _in_new_pool(compared, fresh)


def planned_client_ids(live_ids: Mapping[str, str], actions: Mapping[str, Action],
                       renew: bool = False) -> dict[str, str]:
    """Each client's id as the run's requests name it: the live id of a client kept,
    ``client_placeholder(name)`` for one this run creates or re-creates (apply fills in
    the id CreateUserPoolClient returns); none for a client this run deletes.
    ``renew``: the pool is replaced, every client the file lists is created anew."""
    ids: dict[str, str] = {}
    for name in {*live_ids, *actions}:
        action = actions.get(name)
        if action is Action.DELETE:
            continue
        if renew:
            if name in actions:
                ids[name] = client_placeholder(name)
        elif action in (Action.CREATE, Action.REPLACE) or name not in live_ids:
            ids[name] = client_placeholder(name)
        else:
            ids[name] = live_ids[name]
    return ids


def _in_new_pool(compared: Sequence[ObjectPlan], fresh: Sequence[ObjectPlan]
                 ) -> list[ObjectPlan]:
    """A replaced pool's part: compared with the live one (drift and the reviewer see
    what differs) and written again in the new pool by the fresh plan's calls, as the
    pool's collections are (kinds.planner.items_in_new_pool)."""
    before = {o.address: o for o in compared}
    out = []
    for new in fresh:
        old = before.get(new.address)
        if new.action is Action.CANNOT_APPLY or old is None or old.action is Action.CREATE:
            out.append(new)
            continue
        how = "created again in the new pool (the pool is replaced)"
        if old.changes:
            how += "; differs from the live one"
        out.append(replace(new, action=Action.REPLACE, reason=how, changes=old.changes))
    made = {o.address for o in fresh}
    # What the old pool has and the file does not list (kept while the pool stays, or
    # pruned) goes with it: listed, as the sub-resources the replacement deletes are.
    out += [replace(old, action=Action.DELETE, calls=(), unmanaged=False, notes=(),
                    reason=GONE_WITH_POOL + ": the file does not list it")
            for old in compared if old.address not in made
            and (old.unmanaged or old.action is Action.DELETE)]
    return out


GONE_WITH_POOL = "deleted with the old pool (the pool is replaced) and not created again"


def _unwritten_in_replaced_pool(ctx: PlanContext, kind: Kind) -> ObjectPlan:
    """A kind the old pool has and the file does not write (read because the pool is
    replaced: engine.plan reads it whole): it goes with the old pool."""
    return ObjectPlan(f"{ctx.pool}/{kind.key}", kind.kind, Action.DELETE,
                      f"{GONE_WITH_POOL}: the file does not write {kind.key}")




def within_tag_budget(objects: Sequence[ObjectPlan], described: Mapping[str, Any],
                      settings: Mapping[str, Any]) -> list[ObjectPlan]:
    """The pool's tags after apply: the file's UserPoolTags (or the live ones) with the
    ``poolsync:`` records the kinds add (a private key's, a logo's, a client secret's)
    and the run's own, in apply order. Past MAX_TAGS, Cognito refuses the call partway
    through a run: each object whose tags take the pool past it is cannot-apply instead,
    before any write (the objects before it are not: they fit)."""
    live = dict(described.get("UserPoolTags") or {})
    if isinstance(settings.get("UserPoolTags"), Mapping):
        keys = {*settings["UserPoolTags"], *(k for k in live if k.startswith(("poolsync:",
                                                                              "aws:")))}
    else:
        keys = set(live)
    over: dict[int, int] = {}  # object -> the tags the pool has once its calls are made
    for index, obj in enumerate(objects):
        added = False
        for call in obj.calls:
            if call.operation in ("CreateUserPool", "UpdateUserPool"):
                new = set(call.params.get("UserPoolTags") or {}) - set(live)
            elif call.operation == "TagResource":
                new = set(call.params.get("Tags") or {}) - keys
            else:
                if call.operation == "UntagResource":
                    keys -= set(call.params.get("TagKeys") or ())
                continue
            keys |= new
            added = added or bool(new)
        count = sum(1 for k in keys if not str(k).startswith("aws:"))
        if added and count > MAX_TAGS:
            over[index] = count
    return [replace(o, action=Action.CANNOT_APPLY, calls=(), where=("settings", "UserPoolTags"),
                    reason=_over_budget(o, over[i])) if i in over else o
            for i, o in enumerate(objects)]


def _over_budget(obj: ObjectPlan, count: int) -> str:
    what = ("its tags" if obj.kind == "pool" else
            "the poolsync: tag that records this object (a fingerprint, a digest)")
    return (f"with {what} the pool would have {count} tags, and a user pool has at most "
            f"{MAX_TAGS} (botocore TagResource): remove tags from settings.UserPoolTags")
