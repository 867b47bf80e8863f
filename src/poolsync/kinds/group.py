"""User pool groups (CreateGroup, UpdateGroup, DeleteGroup; read with ListGroups, in
the UserPoolResourceRead quota category): their canonical shape, the groups Cognito
makes itself, the update payload and the export."""

from __future__ import annotations

import copy
from collections.abc import Collection, Mapping
from typing import Any

from poolsync.kinds.base import CollectionSpec, Kind, KindOps, PlanContext
from poolsync.model import ObjectPlan


def canonical_group(group: Mapping[str, Any]) -> dict[str, Any]:
    """The members a group is written with (ListGroups also returns GroupName,
    UserPoolId, CreationDate and LastModifiedDate: botocore GroupType)."""
    return {k: copy.deepcopy(v) for k, v in group.items()
            if k in ("Description", "RoleArn", "Precedence")}


def is_federation_group(name: str, pool_id: str | None,
                        providers: Collection[str] | None = None) -> bool:
    """Cognito creates ``<poolId>_<ProviderName>`` for the users of each identity provider
    at their first federated sign-in (AWS developer guide, "Adding groups to a user
    pool"; go-to-k/cdk-real-drift #961): never shown as unmanaged, never pruned. The name
    must end with a provider the pool has: an ordinary group named like that, with no
    such provider, is an ordinary group. ``providers`` None means they were not read:
    then the name alone decides, the cautious way (never pruned)."""
    if pool_id is None or not name.startswith(f"{pool_id}_"):
        return False
    return providers is None or name[len(pool_id) + 1:] in providers


def group_update(name: str, written: Mapping[str, Any], found: Mapping[str, Any],
                 live: Mapping[str, Any], expected: Mapping[str, Any]) -> dict[str, Any]:
    """UpdateGroup keeps what it is not sent (terraform-provider-aws user_group.go sends
    only changes): the written members are enough."""
    return {"GroupName": name, **dict(written)}


def export_groups(found: Mapping[str, Mapping[str, Any]] | None, pool_id: str | None,
                  providers: Collection[str] | None) -> dict[str, Any]:
    """The pool's groups as the file writes them, by name; not the federation groups
    Cognito makes itself."""
    return {name: canonical_group(group) for name, group in sorted((found or {}).items())
            if not is_federation_group(name, pool_id, set(providers or ()))}


GROUPS = CollectionSpec("groups", "group", "group", "GroupName", "CreateGroup", "UpdateGroup",
              "DeleteGroup", canonical_group, canonical_group, group_update,
              kept_unlisted=is_federation_group)


OPS = KindOps(
    reads=("ListGroups",),  # ListGroups carries every member: no GetGroup per group
    apply_reads=("GetGroup",),  # a create looked up before it is resent
    writes=("CreateGroup", "UpdateGroup", "DeleteGroup"),
    category={**dict.fromkeys(("ListGroups", "GetGroup"), "UserPoolResourceRead"),
              **dict.fromkeys(("CreateGroup", "UpdateGroup", "DeleteGroup"),
                              "UserPoolResourceUpdate")},
)


def export_from(live: Any, collected: Any) -> dict[str, Any] | None:
    """``groups`` of an export (``live``: a plan.LivePool), without federation groups."""
    kids = live.children
    return export_groups(kids.groups, live.id, kids.providers) or None


def read_live(cognito: Any, pool: Any, described: Mapping[str, Any],
              so_far: Mapping[str, Any]) -> dict[str, Mapping[str, Any]] | None:
    """ListGroups when the file manages groups: it carries every member (no GetGroup)."""
    if pool.groups is None:
        return None
    return {str(g["GroupName"]): g for g in cognito.list_groups(str(described["Id"]))}


def plan(ctx: PlanContext) -> list[ObjectPlan]:
    from poolsync.kinds.planner import plan_objects

    return plan_objects(GROUPS, ctx)


def in_new_pool(ctx: PlanContext) -> list[ObjectPlan]:
    from poolsync.kinds.planner import renew_items

    return renew_items(GROUPS, ctx)


KIND = Kind("groups", "group", plan, OPS.reads, OPS.writes, OPS.category,
            apply_reads=OPS.apply_reads,
            in_new_pool=in_new_pool, removals_last=True, prunes=True)
