"""Resource servers (CreateResourceServer, UpdateResourceServer, DeleteResourceServer,
in the UserPoolResourceUpdate quota category; read with ListResourceServers, and
DescribeResourceServer before a create is sent again, in UserPoolResourceRead): their
canonical shape, Cognito's defaults, the full update payload and the export. The
identifier is the item's key, so nothing forces a replacement."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from poolsync.kinds.base import CollectionSpec, Kind, KindOps, PlanContext
from poolsync.model import ObjectPlan


def canonical_resource_server(server: Mapping[str, Any]) -> dict[str, Any]:
    """The members a resource server is written with (ListResourceServers also returns
    UserPoolId and Identifier: botocore ResourceServerType), its scopes by name."""
    out = {k: copy.deepcopy(v) for k, v in server.items() if k in ("Name", "Scopes")}
    if "Scopes" in out:
        out["Scopes"] = sorted(out["Scopes"], key=lambda s: str(s.get("ScopeName")))
    return out


RESOURCE_SERVER_DEFAULTS: dict[str, Any] = {"Scopes": []}


def resource_server_payload(
    identifier: str, expected: Mapping[str, Any], live: Mapping[str, Any]
) -> dict[str, Any]:
    """UpdateResourceServer resets what it is not sent; omitted Scopes removes every
    scope (botocore): always send Name and Scopes."""
    merged = {**copy.deepcopy(dict(live)), **copy.deepcopy(dict(expected))}
    return {"Identifier": identifier, "Name": merged.get("Name", identifier),
            "Scopes": merged.get("Scopes", [])}


def resource_server_update(name: str, written: Mapping[str, Any], found: Mapping[str, Any],
                           live: Mapping[str, Any], expected: Mapping[str, Any]
                           ) -> dict[str, Any]:
    return resource_server_payload(name, expected, live)


def resource_server_in_new_pool(identifier: str, written: Mapping[str, Any],
                                found: Mapping[str, Any]) -> dict[str, Any]:
    """The CreateResourceServer members (but UserPoolId) of a live resource server
    created again in a replaced pool: the file's members, the live ones it does not
    write carried over (nothing the user did not write is lost)."""
    return resource_server_payload(identifier, written, canonical_resource_server(found))


def export_resource_server(server: Mapping[str, Any]) -> dict[str, Any]:
    """A listed resource server as CreateResourceServer members, each scope with its
    name first; no Scopes when it has none (the default)."""
    from poolsync.export import _named_first  # export imports the kinds: not at load

    live = canonical_resource_server(server)
    live["Scopes"] = [_named_first(scope) for scope in live.get("Scopes") or []]
    if not live["Scopes"]:
        del live["Scopes"]
    return live


RESOURCE_SERVERS = CollectionSpec("resource_servers", "resource_server", "resource server",
                        "Identifier", "CreateResourceServer", "UpdateResourceServer",
                        "DeleteResourceServer", canonical_resource_server,
                        canonical_resource_server, resource_server_update,
                        defaults=lambda written: RESOURCE_SERVER_DEFAULTS,
                        in_new_pool=lambda name, written, found: resource_server_in_new_pool(
                            name, written, found))


OPS = KindOps(
    reads=("ListResourceServers",),
    apply_reads=("DescribeResourceServer",),  # a create looked up before it is resent
    writes=("CreateResourceServer", "UpdateResourceServer", "DeleteResourceServer"),
    category={**dict.fromkeys(("ListResourceServers", "DescribeResourceServer"),
                              "UserPoolResourceRead"),
              **dict.fromkeys(("CreateResourceServer", "UpdateResourceServer",
                               "DeleteResourceServer"), "UserPoolResourceUpdate")},
)


def export_from(live: Any, collected: Any) -> dict[str, Any] | None:
    """``resource_servers`` of an export (``live``: a plan.LivePool)."""
    servers = live.children.resource_servers
    if not servers:
        return None
    return {i: export_resource_server(s) for i, s in sorted(servers.items())}


def read_live(cognito: Any, pool: Any, described: Mapping[str, Any],
              so_far: Mapping[str, Any]) -> dict[str, Mapping[str, Any]] | None:
    """ListResourceServers (it carries every member) when the file manages resource
    servers, or a client names a custom scope (does it exist?)."""
    named = [c for c in (pool.clients or {}).values() if isinstance(c, Mapping)]
    scopes = any("/" in str(s) for c in named for s in c.get("AllowedOAuthScopes") or [])
    if pool.resource_servers is None and not scopes:
        return None
    return {str(r["Identifier"]): r
            for r in cognito.list_resource_servers(str(described["Id"]))}


def plan(ctx: PlanContext) -> list[ObjectPlan]:
    from poolsync.kinds.planner import plan_objects

    return plan_objects(RESOURCE_SERVERS, ctx)


def in_new_pool(ctx: PlanContext) -> list[ObjectPlan]:
    from poolsync.kinds.planner import renew_items

    return renew_items(RESOURCE_SERVERS, ctx)


KIND = Kind("resource_servers", "resource_server", plan, OPS.reads, OPS.writes,
            OPS.category,
            apply_reads=OPS.apply_reads, in_new_pool=in_new_pool, removals_last=True, prunes=True)
