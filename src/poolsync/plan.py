"""Build the plan for each pool: actions, field changes and the exact API calls.

Pure: takes the config and what was read from Cognito, returns values. Apply executes
the ``ApiCall``s in order; nothing here talks to AWS.

The planner knows no kind by name: it iterates ``kinds.all()`` (in apply order: the
pool's settings and MFA, the domain, identity providers, resource servers, app clients,
groups, then the kinds beyond the console wizard), gives each kind's ``plan`` what the
kinds before it planned, and applies the rules every object obeys:
- a kind that ``removals_last`` deletes what the file does not list after every create
  and update of the kinds around it, in reverse (a provider is deleted after the
  clients that named it are updated);
- a kind may ask to go ``first`` (before the pool's own update);
- when the pool is replaced, every kind is created again in the new pool or goes with
  the old one (``Kind.in_new_pool``, or ``kinds.planning.renewed``);
- the pool's tags stay within Cognito's 50 (``kinds.planning.within_tag_budget``), and
  every request is checked against botocore's input shape (``refuse_invalid_requests``),
  before any write.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from poolsync.kinds import all_kinds
from poolsync.kinds.base import Kind, LiveChildren, PlanContext
from poolsync.kinds.domain import custom_first
from poolsync.kinds.planning import client_actions, planned_client_ids, renewed, within_tag_budget
from poolsync.model import (
    POOL_ID,
    Action,
    Config,
    ObjectPlan,
    Path,
    Plan,
    PoolConfig,
    PoolPlan,
    pool_replaced,
)


@dataclass(frozen=True)
class LivePool:
    """What Cognito returned for one pool: DescribeUserPool's ``UserPool``, the
    GetUserPoolMfaConfig response, and the sub-resources that were read. ``strays``
    are DescribeUserPool's answers for the other pools of the same name that a run of
    poolsync left behind (``stray_removal``); this one is the oldest."""

    pool: Mapping[str, Any]
    mfa: Mapping[str, Any]
    children: LiveChildren = field(default_factory=LiveChildren)
    strays: tuple[Mapping[str, Any], ...] = ()

    @property
    def id(self) -> str:
        return str(self.pool["Id"])


def plan_config(config: Config, live: Mapping[tuple[str, str], LivePool | None]) -> Plan:
    """``live`` maps (region, name) to the pool found, or None when there is none."""
    return Plan(tuple(plan_pool(p, live.get((p.region, p.name))) for p in config.pools))


def plan_pool(cfg: PoolConfig, live: LivePool | None) -> PoolPlan:
    """The plan of one pool: every kind's objects, in apply order (``live`` None: the
    pool is created in this run)."""
    out: list[ObjectPlan] = []
    first: list[ObjectPlan] = []
    pending: list[list[ObjectPlan]] = []  # removals, by kind
    urls: list[tuple[str, str]] = []
    reviews = []
    for kind in all_kinds():
        # What the kinds before planned, their removals too (pending until the kinds
        # that keep them in order are done): a kind for a client this run deletes must
        # see the deletion.
        ctx = _context(cfg, kind, live, [*first, *out, *(o for g in pending for o in g)])
        if not kind.always and ctx.written is None and not ctx.replacing:
            continue
        objects = list(_plan_kind(kind, ctx))
        if kind.removals_last:
            pending.append([o for o in objects if _removal(o)])
            objects = [o for o in objects if not _removal(o)]
        elif pending:
            out += _flush(pending, ctx.replacing)
        if (live is not None and not ctx.replacing and kind.first is not None
                and kind.first(ctx)):
            first += objects
        else:
            out += objects
        if kind.review is not None:
            reviews.append(kind)
    out += _flush(pending, pool_replaced(cfg.address, out))
    objects = first + out
    final = _context(cfg, None, live, objects)
    for kind in all_kinds():
        if kind.sign_in_urls is not None:
            urls += kind.sign_in_urls(final, objects)
    for kind in reviews:
        assert kind.review is not None
        objects = kind.review(final, objects)
    checked = refuse_invalid_requests(tuple(within_tag_budget(
        objects, live.pool if live else {}, cfg.settings)))
    users = live.pool.get("EstimatedNumberOfUsers") if live is not None else None
    return PoolPlan(cfg.name, cfg.region, live.id if live is not None else None, checked,
                    int(users) if isinstance(users, int) else None, tuple(urls), live=live)


def _plan_kind(kind: Kind, ctx: PlanContext) -> Sequence[ObjectPlan]:
    """A kind's objects: its own plan, or, when the pool is replaced, what the new pool
    gets of it (a kind planned ``always`` handles the replacement itself)."""
    if kind.always or not ctx.replacing:
        return kind.plan(ctx)
    if kind.in_new_pool is not None:
        return kind.in_new_pool(ctx)
    return renewed(kind, ctx)


def _context(cfg: PoolConfig, kind: Kind | None, live: LivePool | None,
             planned: Sequence[ObjectPlan]) -> PlanContext:
    """What ``kind``'s plan gets (``kind`` None: what the kinds' final passes get)."""
    children = live.children if live is not None else LiveChildren()
    actions = client_actions(cfg, planned)
    return PlanContext(
        pool=cfg.address, region=cfg.region, pool_id=live.id if live is not None else POOL_ID,
        written=cfg.written(kind.key) if kind is not None else None,
        found=children.others.get(kind.key) if kind is not None else None,
        described=live.pool if live is not None else {}, settings=cfg.settings,
        clients=planned_client_ids(children.client_ids, actions), client_actions=actions,
        prune=cfg.prune, cfg=cfg,
        domains=tuple(custom_first(children.domains)) if live is not None else (),
        live=live, planned=tuple(planned))


def _removal(obj: ObjectPlan) -> bool:
    """A deletion, or a live item kept because the file does not list it."""
    return obj.action is Action.DELETE or obj.unmanaged


def _flush(pending: list[list[ObjectPlan]], replacing: bool) -> list[ObjectPlan]:
    """The kinds' removals, in reverse order of the kinds: a provider is deleted after
    the clients that named it left it. A replaced pool's removals make no call (they go
    with the old pool): listed in the kinds' order."""
    groups = pending if replacing else pending[::-1]
    out = [o for group in groups for o in group]
    pending.clear()
    return out



def override_address(plan: Plan, pool: PoolPlan, obj: ObjectPlan) -> str:
    """The address ``--allow-replace`` takes for ``obj``: its own, or REGION/ADDRESS when
    another pool of the plan has the same name (in another region), so that it allows
    this one only."""
    twins = sum(1 for p in plan.pools if p.name == pool.name)
    return f"{pool.region}/{obj.address}" if twins > 1 else obj.address


def _config_path(obj: ObjectPlan) -> Path:
    """The path below the pool's config of what ``obj`` plans (for locating it)."""
    if obj.kind == "pool":
        return ("settings",)
    parts = obj.address.split("/", 3)
    return tuple(parts[1:])


def refuse_invalid_requests(objects: tuple[ObjectPlan, ...]) -> tuple[ObjectPlan, ...]:
    """Every planned request is checked against botocore's input shape of its operation
    (types, required members, lengths, ranges, enums, patterns): a request Cognito or
    botocore would refuse is found while planning, never after earlier calls of the same
    run were made (a half-applied run is worse than an error). Such an object cannot be
    applied; its reason names the member and the rule, never the value."""
    from poolsync.shapes import request_problems  # botocore only when planning

    out = []
    for obj in objects:
        problems = [p for call in obj.calls for p in request_problems(call.operation,
                                                                      call.params)]
        if problems:
            obj = replace(obj, action=Action.CANNOT_APPLY, calls=(), where=_config_path(obj),
                          reason="the request would be refused: " + "; ".join(problems))
        out.append(obj)
    return tuple(out)
