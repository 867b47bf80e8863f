"""Plans for the pool's sub-resources, in Cognito's dependency order.

Order (README, "Plans, apply and safety"; aws/aws-cdk #15850): the domain, identity providers and
resource servers before the clients that name them, clients before groups; deletions
(``prune``) after every create and update, in reverse, so a provider has left every
client before it is deleted. Pure: no AWS. Each kind's knowledge (its canonical shapes,
defaults, payloads and quirks) is in its module in ``poolsync.kinds``.

Ownership inside an item follows the pool's settings (README, ownership): a member the file
writes is owned, a member it leaves out is carried over unchanged on every full-payload
update, and inside an owned member a field left out means Cognito's default.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from poolsync.diff import creation_changes, field_changes
from poolsync.kinds.base import Kind
from poolsync.kinds.client import (
    CLIENTS,
    check_references,
    client_in_new_pool,
    client_note_in_new_pool,
    sign_in_urls,
)
from poolsync.kinds.domain import (
    domain_deleted_with_pool,
    plan_domain,
    recreated_domain_notes,
)
from poolsync.kinds.group import GROUPS
from poolsync.kinds.identity_provider import (
    PROVIDERS,
    check_provider_deletions,
    detach_clients,
    is_secret_path,
    track_private_key,
)
from poolsync.kinds.resource_server import RESOURCE_SERVERS, resource_server_in_new_pool
from poolsync.model import (
    POOL_ARN,
    POOL_ID,
    Action,
    ApiCall,
    FieldChange,
    ObjectPlan,
    Path,
    PoolConfig,
)
from poolsync.normalize import is_custom_attribute, live_attribute_key, owned_view

# The named collections, in the order they are created (deleted in reverse): providers
# and resource servers before the clients that name them, groups last.
COLLECTIONS: tuple[Kind, ...] = (PROVIDERS, RESOURCE_SERVERS, CLIENTS, GROUPS)


@dataclass(frozen=True)
class LiveChildren:
    """The sub-resources read from Cognito, by their names. A collection that was not
    read (the file does not manage it, nor needs it for a reference) is None."""

    clients: Mapping[str, Mapping[str, Any]] | None = None  # DescribeUserPoolClient
    providers: Mapping[str, Mapping[str, Any]] | None = None  # DescribeIdentityProvider
    domains: tuple[Mapping[str, Any], ...] = ()  # DescribeUserPoolDomain descriptions
    groups: Mapping[str, Mapping[str, Any]] | None = None  # ListGroups items
    resource_servers: Mapping[str, Mapping[str, Any]] | None = None  # ListResourceServers
    pool_arn: str = POOL_ARN  # for TagResource; a pool created in this run until known
    pool_id: str | None = None  # the live pool's id (federation groups are named after it)
    fingerprints: Mapping[str, str] = field(default_factory=dict)  # poolsync:* pool tags
    # What each self-planning kind (kinds.parts()) read, by its config key; a key is
    # absent when the file does not manage that kind.
    others: Mapping[str, Any] = field(default_factory=dict)
    # Every live app client's id by name, when a kind of ``others`` needed them.
    client_ids: Mapping[str, str] = field(default_factory=dict)


@dataclass
class ChildPlans:
    """Upserts in dependency order, then deletes, plus the hosted UI sign-in URLs."""

    upserts: list[ObjectPlan] = field(default_factory=list)
    deletes: list[ObjectPlan] = field(default_factory=list)
    sign_in_urls: list[tuple[str, str]] = field(default_factory=list)

    @property
    def objects(self) -> list[ObjectPlan]:
        return self.upserts + self.deletes


def plan_children(cfg: PoolConfig, pool_id: str, live: LiveChildren,
                  replacing: bool = False,
                  attributes: Collection[str] | None = None) -> ChildPlans:
    """``pool_id`` is the live id, or POOL_ID for a pool created in this run; then
    ``live`` is empty. ``cfg.prune`` (``prune: true`` or ``--prune``) deletes live items
    the file does not list. ``replacing``: the pool is replaced (``_in_new_pool``).
    ``attributes``: the schema attributes (by name) the pool will have, to check the
    names providers and clients give (None: not checked)."""
    if replacing:
        plans = _in_new_pool(cfg, _plan(cfg, pool_id, live), live)
    else:
        plans = _plan(cfg, pool_id, live)
        # A client replaced gets a new id: its sign-in URL today is about to go.
        replaced = {o.address.rsplit("/", 1)[-1] for o in plans.upserts
                    if o.kind == "client" and o.action is Action.REPLACE}
        plans.sign_in_urls = [(n, u) for n, u in plans.sign_in_urls if n not in replaced]
    if attributes is not None:
        plans.upserts = _check_attribute_names(cfg, frozenset(attributes), plans.upserts)
    return plans


def _plan(cfg: PoolConfig, pool_id: str, live: LiveChildren) -> ChildPlans:
    plans = ChildPlans()
    prune = cfg.prune
    if cfg.domain is not None:
        plans.upserts.append(plan_domain(cfg, pool_id, live.domains))
    for kind in COLLECTIONS:
        desired, found = _written(cfg, kind), _found(live, kind)
        if desired is None:
            continue
        upserts, deletes = _plan_collection(kind, cfg, pool_id, desired, found or {}, prune,
                                            None if live.providers is None
                                            else set(live.providers))
        if kind is PROVIDERS:
            upserts = [track_private_key(o, desired, pool_id, live.pool_arn, live.fingerprints,
                                         live.providers) for o in upserts]
            upserts = [detach_clients(o, pool_id, live.clients) for o in upserts]
        plans.upserts += upserts
        plans.deletes = deletes + plans.deletes  # reverse order of creation
    plans.upserts = check_references(cfg, prune, plans.upserts, live.clients, live.providers,
                                     live.resource_servers)
    plans.deletes = check_provider_deletions(cfg, live.clients, plans.deletes)
    plans.sign_in_urls = sign_in_urls(cfg, live.domains, live.clients)
    return plans


def _in_new_pool(cfg: PoolConfig, compared: ChildPlans, live: LiveChildren) -> ChildPlans:
    """A replaced pool's sub-resources: compared with the live ones (so drift and the
    reviewer see what differs), and created again in the new pool, each carrying over
    what the file does not write. Everything the old pool holds and the file does not
    list is deleted with it (DeleteUserPool takes clients, providers, groups and resource
    servers along; the domain is deleted first, by the pool's own calls:
    plan.removal_calls): each shows as a delete, whether its collection is managed or
    not. Each line says what apply does to it (``_recreated``)."""
    fresh = {o.address: o for o in _plan(cfg, POOL_ID, LiveChildren()).upserts}
    upserts = []
    for obj in compared.upserts:
        new = fresh.get(obj.address)
        if obj.action is Action.CREATE or new is None:
            upserts.append(new or obj)
            continue
        calls = _recreate(cfg, obj, live) or new.calls
        if obj.action is Action.CANNOT_APPLY:
            upserts.append(replace(obj, calls=()))
            continue
        upserts.append(_recreated(cfg, obj, calls, live))
    listed = {o.address for o in upserts}
    deletes = [_deleted_with_pool(cfg, address, kind, federated, live)
               for address, kind, federated in _live_items(cfg, live) if address not in listed]
    return ChildPlans(upserts, deletes, compared.sign_in_urls)


def _recreated(cfg: PoolConfig, obj: ObjectPlan, calls: tuple[ApiCall, ...],
               live: LiveChildren) -> ObjectPlan:
    """An existing item of a replaced pool, created again in the new pool by ``calls``:
    its reason and notes say so, and what that changes for the item's users."""
    how = "created again in the new pool (the pool is replaced)"
    notes: tuple[str, ...] = ()
    name = obj.address.rsplit("/", 1)[-1]
    if obj.kind == "domain":
        how = ("deleted before the old pool (DeleteUserPoolDomain, in the pool's calls) and "
               + how)
        notes = recreated_domain_notes(cfg, live.domains)
    elif obj.kind == "client":
        found = (live.clients or {}).get(name) or {}
        create = calls[0].params if calls else {}
        notes = (client_note_in_new_pool(str(found.get("ClientId", "unknown")), create),)
    if obj.changes:
        how += "; differs from the live one" + (
            f" ({obj.reason})" if obj.action is Action.REPLACE else "")
    return replace(obj, action=Action.REPLACE, calls=calls, reason=how, notes=notes)


def _deleted_with_pool(cfg: PoolConfig, address: str, kind: str, federated: bool,
                       live: LiveChildren) -> ObjectPlan:
    """An item of a replaced pool that the file does not list: gone with the old pool,
    not created in the new one."""
    if kind == "domain":
        return domain_deleted_with_pool(address, live.domains, cfg.region)
    return ObjectPlan(address, kind, Action.DELETE, (
        "deleted with the pool (DeleteUserPool) and not created again: " + (
            "Cognito creates it again at the next federated sign-in" if federated
            else "the file does not list it")))


def _written(cfg: PoolConfig, kind: Kind) -> Mapping[str, Any] | None:
    """The file's items of ``kind`` (None: the file does not manage the collection)."""
    written: Mapping[str, Any] | None = getattr(cfg, kind.collection)
    return written


def _found(live: LiveChildren, kind: Kind) -> Mapping[str, Mapping[str, Any]] | None:
    """The live items of ``kind`` that were read (None: not read)."""
    found: Mapping[str, Mapping[str, Any]] | None = getattr(
        live, kind.live_field or kind.collection)
    return found


def _live_items(cfg: PoolConfig, live: LiveChildren) -> list[tuple[str, str, bool]]:
    """(address, kind, is a federation group) of everything the live pool holds."""
    items = [(f"{cfg.address}/domain", "domain", False)] if live.domains else []
    pool_id = live.pool_id
    providers = None if live.providers is None else set(live.providers)
    for kind in COLLECTIONS:
        for name in _found(live, kind) or {}:
            federated = kind.kept_unlisted(name, pool_id, providers)
            items.append((f"{cfg.address}/{kind.collection}/{name}", kind.kind, federated))
    return items


def _recreate(cfg: PoolConfig, obj: ObjectPlan, live: LiveChildren) -> tuple[ApiCall, ...]:
    """The create call of an existing item in the new pool, with the live item's members
    that the file does not write carried over (nothing the user did not write is lost)."""
    name = obj.address.rsplit("/", 1)[-1]
    if obj.kind == "client" and cfg.clients is not None and live.clients:
        found = live.clients.get(name)
        if found is not None:
            return (ApiCall("CreateUserPoolClient", {
                "UserPoolId": POOL_ID, **client_in_new_pool(name, cfg.clients[name], found)}),)
    if obj.kind == "resource_server" and cfg.resource_servers is not None:
        found = (live.resource_servers or {}).get(name)
        if found is not None:
            return (ApiCall("CreateResourceServer", {
                "UserPoolId": POOL_ID,
                **resource_server_in_new_pool(name, cfg.resource_servers[name], found)}),)
    return ()


# --------------------------------------------------------------------------- collections


def _plan_collection(
    kind: Kind,
    cfg: PoolConfig,
    pool_id: str,
    desired: Mapping[str, Any],
    live: Mapping[str, Mapping[str, Any]],
    prune: bool,
    providers: Collection[str] | None = None,
) -> tuple[list[ObjectPlan], list[ObjectPlan]]:
    upserts = []
    for name, written in desired.items():
        address = f"{cfg.address}/{kind.collection}/{name}"
        found = live.get(name)
        if found is None:
            upserts.append(_create(kind, cfg, pool_id, name, written, address))
        else:
            upserts.append(_update(kind, cfg, pool_id, name, written, found, address))
    deletes = []
    for name, found in live.items():
        if name in desired or kind.kept_unlisted(name, pool_id, providers):
            continue
        address = f"{cfg.address}/{kind.collection}/{name}"
        if prune:
            call = ApiCall(kind.delete_op, {"UserPoolId": pool_id, **kind.key(name, found)})
            deletes.append(ObjectPlan(address, kind.kind, Action.DELETE,
                                      f"not in the file, and prune is on ({kind.delete_op})",
                                      calls=(call,)))
        else:
            deletes.append(ObjectPlan(
                address, kind.kind, Action.NOOP,
                f"this {kind.noun} is not in the file; kept (prune: true or "
                "--prune deletes it)", unmanaged=True))
    return upserts, deletes


def _create(kind: Kind, cfg: PoolConfig, pool_id: str, name: str,
            written: Mapping[str, Any], address: str) -> ObjectPlan:
    op = kind.create_op
    changes = _sensitive(creation_changes(kind.canonical_desired(written), cfg.secrets))
    params = {"UserPoolId": pool_id, kind.key_param: name, **dict(written)}
    return ObjectPlan(address, kind.kind, Action.CREATE, f"new {kind.noun} ({op})", changes,
                      (ApiCall(op, params),))


def _update(kind: Kind, cfg: PoolConfig, pool_id: str, name: str,
            written: Mapping[str, Any], found: Mapping[str, Any], address: str) -> ObjectPlan:
    desired = kind.canonical_desired(written)
    live = kind.canonical_live(found)
    view = owned_view(desired, live, kind.defaults(written), kind.collection)
    changes = _sensitive(field_changes(view.actual, view.expected, desired, cfg.secrets))
    if not changes:
        return ObjectPlan(address, kind.kind, Action.NOOP)
    reasons = [r for r in (kind.replacement_reason(c) for c in changes) if r]
    if reasons:
        changes = tuple(replace(c, forces_replacement=kind.replacement_reason(c))
                        for c in changes)
        return _replacement(kind, pool_id, name, written, found, live, address, changes,
                            reasons)
    call = ApiCall(kind.update_op, {
        "UserPoolId": pool_id, **kind.update(name, written, found, live, view.expected)})
    return ObjectPlan(address, kind.kind, Action.UPDATE, f"in place with {call.operation}",
                      changes, (call,))


def _replacement(kind: Kind, pool_id: str, name: str, written: Mapping[str, Any],
                 found: Mapping[str, Any], live: Mapping[str, Any], address: str,
                 changes: tuple[FieldChange, ...], reasons: list[str]) -> ObjectPlan:
    assert kind.recreated is not None, f"a {kind.noun} has no create-only field"
    delete = ApiCall(kind.delete_op, {"UserPoolId": pool_id, **kind.key(name, found)})
    params, notes = kind.recreated(name, written, found, live)
    create = ApiCall(kind.create_op, {"UserPoolId": pool_id, **params})
    return ObjectPlan(address, kind.kind, Action.REPLACE, "; ".join(dict.fromkeys(reasons)),
                      changes, (delete, create), notes)


def _sensitive(changes: tuple[FieldChange, ...]) -> tuple[FieldChange, ...]:
    return tuple(replace(c, sensitive=True) if is_secret_path(c.path) else c
                 for c in changes)


# --------------------------------------------------------------------------- attributes


def _check_attribute_names(cfg: PoolConfig, attributes: frozenset[str],
                           upserts: list[ObjectPlan]) -> list[ObjectPlan]:
    """A custom attribute that a provider maps to, or a client reads or writes, must
    exist in the pool after apply, the file's and the live ones counted: Cognito refuses
    the provider ("AttributeMapping contains invalid mapping", InvalidParameterException)
    and the client ("Invalid read attributes specified while creating a client";
    botocore ReadAttributes/WriteAttributes docs) after earlier calls of the run were
    made, so this is checked before any write."""
    out = []
    for obj in upserts:
        name = obj.address.rsplit("/", 1)[-1]
        problems: list[tuple[Path, str]] = []
        if obj.kind == "identity_provider" and cfg.identity_providers:
            mapping = (cfg.identity_providers.get(name) or {}).get("AttributeMapping") or {}
            problems = [(("identity_providers", name, "AttributeMapping", key),
                         f"AttributeMapping maps to {key!r}, a custom attribute that neither "
                         "the file nor the pool defines") for key in mapping
                        if _missing_custom(key, attributes)]
        if obj.kind == "client" and cfg.clients:
            client = cfg.clients.get(name) or {}
            problems = [(("clients", name, member, index),
                         f"{member} names {key!r}, an attribute that neither the file nor "
                         "the pool defines")
                        for member in ("ReadAttributes", "WriteAttributes")
                        for index, key in enumerate(client.get(member) or [])
                        if _missing(key, attributes)]
        if problems and obj.action is not Action.CANNOT_APPLY:
            obj = replace(obj, action=Action.CANNOT_APPLY, calls=(), where=problems[0][0],
                          reason="; ".join(message for _, message in problems))
        out.append(obj)
    return out


def _missing(name: Any, attributes: frozenset[str]) -> bool:
    """A client reads and writes only attributes the pool has, standard or custom
    ("Invalid write attributes specified while creating a client": aws/aws-cdk #20760)."""
    return isinstance(name, str) and live_attribute_key(name) not in attributes


def _missing_custom(name: Any, attributes: frozenset[str]) -> bool:
    return (isinstance(name, str) and is_custom_attribute(name)
            and live_attribute_key(name) not in attributes)
