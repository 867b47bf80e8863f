"""What every resource kind of a user pool tells the planner (docs/design/resource-kinds.md).

A ``Kind`` is data and functions: the planner, the engine, export, drift, iam and
quotas iterate over ``kinds.all_kinds()`` and call these members instead of naming a
kind. A ``CollectionSpec`` is what a collection kind (clients, providers, resource
servers, groups) tells the shared item planner (``kinds.planner``). Defaults here are
what most kinds need (no defaults, never replaced, nothing kept unlisted), so a kind
states only what differs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from collections.abc import Collection as AbcCollection
from dataclasses import dataclass, field
from typing import Any

from poolsync.model import POOL_ARN, POOL_ID, FieldChange, pool_replaced


def _no_defaults(written: Mapping[str, Any]) -> Mapping[str, Any]:
    return {}


def _never_replaced(change: FieldChange) -> str | None:
    return None


def _never_kept(name: str, pool_id: str | None, providers: AbcCollection[str] | None
                ) -> bool:
    return False


Recreated = Callable[[str, Mapping[str, Any], Mapping[str, Any], Mapping[str, Any]],
                     tuple[dict[str, Any], tuple[str, ...]]]
UpdatePayload = Callable[[str, Mapping[str, Any], Mapping[str, Any], Mapping[str, Any],
                          Mapping[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class KindOps:
    """The Cognito operations one kind calls: ``reads`` (plan, drift, export, output),
    ``apply_reads`` (only apply: a look-up before a create is sent again), ``writes``,
    and each operation's quota category (quotas.py; the quotas page names categories,
    not operations: inferred from their descriptions). ``iam-policy`` and the pacer
    are built from every kind's (``kinds.operations()``)."""

    reads: tuple[str, ...] = ()
    apply_reads: tuple[str, ...] = ()
    writes: tuple[str, ...] = ()
    category: Mapping[str, str] = field(default_factory=dict)


def _never_secret(path: tuple[str | int, ...]) -> bool:
    return False


@dataclass(frozen=True)
class CollectionSpec:
    """A kind that is a collection of named items (app clients, identity providers,
    resource servers, groups), as ``kinds.planner`` plans it: one create, update,
    delete and replacement logic for all four, each collection stating its operations
    and quirks here.

    ``update(name, written, found, live, expected)``: the update request's members but
    ``UserPoolId`` (``found`` as described, ``live`` canonical, ``expected`` the owned
    view); ``recreated(name, written, found, live)``: the create request of a
    replacement and its notes (None: never replaced); ``kept_unlisted(name, pool_id,
    providers)``: a live item that is neither managed nor pruned (a federation group)."""

    collection: str  # the config key, e.g. "clients"
    kind: str  # ObjectPlan.kind
    noun: str
    key_param: str  # the request member that names an item
    create_op: str
    update_op: str
    delete_op: str
    canonical_live: Callable[[Mapping[str, Any]], dict[str, Any]]
    canonical_desired: Callable[[Mapping[str, Any]], dict[str, Any]]
    update: UpdatePayload
    defaults: Callable[[Mapping[str, Any]], Mapping[str, Any]] = _no_defaults
    replacement_reason: Callable[[FieldChange], str | None] = _never_replaced
    recreated: Recreated | None = None
    id_member: str | None = None  # an item named by id in requests (clients: ClientId)
    kept_unlisted: Callable[[str, str | None, AbcCollection[str] | None], bool] = _never_kept
    live_field: str = ""  # its field of LiveChildren, when not ``collection``
    # A change below this path is sensitive (a secret: shown without its values).
    secret_path: Callable[[tuple[str | int, ...]], bool] = _never_secret
    # ``in_new_pool(name, written, found)``: the create request (but UserPoolId) of a
    # live item created again in a replaced pool, carrying over the live members the
    # file does not write (None: the file's own create request does).
    in_new_pool: Callable[[str, Mapping[str, Any], Mapping[str, Any]], dict[str, Any]] | None = None
    # ``renewal_note(found, create)``: what an item created again in a replaced pool
    # means for those who use it (None: nothing to say).
    renewal_note: Callable[[Mapping[str, Any], Mapping[str, Any]], str] | None = None

    def key(self, name: str, found: Mapping[str, Any]) -> dict[str, Any]:
        """The request members that name an existing item."""
        if self.id_member is not None:
            return {self.id_member: found[self.id_member]}
        return {self.key_param: name}


# --------------------------------------------------------------------------- kinds
#
# Every kind of a user pool is a ``Kind`` (docs/design/resource-kinds.md): the planner
# (plan.plan_pool) iterates ``kinds.all()`` and calls each one's ``plan`` with a
# ``PlanContext``; engine, export, drift, iam and quotas iterate the same registry.

CLIENT_ID_PREFIX = "${poolsync:client-id:"


SECRET_ID_PREFIX = "${poolsync:secret-id:"


def secret_id_placeholder(client_id: str) -> str:
    """What a planned request says for the ClientSecretId of the secret the same run
    adds to the client ``client_id`` (as planned: a live id, or a client_placeholder);
    apply puts the id AddUserPoolClientSecret returned in its place
    (``engine._resolve``)."""
    return f"{SECRET_ID_PREFIX}{client_id}}}"


def client_placeholder(name: str) -> str:
    """What a planned request says for the id of the app client ``name`` when the same
    run creates (or re-creates) it; apply puts the id CreateUserPoolClient returned in
    its place (``engine._resolve``), as it does for POOL_ID."""
    return f"{CLIENT_ID_PREFIX}{name}}}"


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
    # What each kind with its own ``read`` (kinds.parts()) read, by its config key; a
    # key is absent when the file does not manage that kind.
    others: Mapping[str, Any] = field(default_factory=dict)
    # Every live app client's id by name, when a kind of ``others`` needed them.
    client_ids: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PlanContext:
    """What a kind's ``plan`` knows of one pool.

    ``live``: the pool as read (a plan.LivePool: DescribeUserPool's ``UserPool``, the
    MFA configuration and ``children``, a LiveChildren), None for a pool created in this
    run. ``planned``: the objects the kinds before this one planned, in order (the
    pool's own object first). ``written``: the kind's value in the file (None: the file
    leaves the kind out). ``found``: what the part's
    ``read`` returned for the live pool (None for a pool created in this run).
    ``pool_id``: the live id, or POOL_ID for a pool created in this run. ``described``:
    DescribeUserPool's ``UserPool`` ({} for a new pool). ``settings``: the pool's
    settings as the file writes them. ``clients``: each client's planned id by name:
    the live ``ClientId``, or ``client_placeholder(name)`` when this run creates or
    re-creates the client; clients neither in the file nor live are absent.
    ``client_actions``: the planned action of each client the file writes."""

    pool: str  # the pool's address (its name)
    region: str
    pool_id: str
    written: Any
    found: Any
    described: Mapping[str, Any]
    settings: Mapping[str, Any]
    clients: Mapping[str, str]
    client_actions: Mapping[str, Any]
    prune: bool = False
    # The pool's live domains (DescribeUserPoolDomain descriptions, the custom one
    # first), read when a part ``needs_domain``; () for a new pool. The file's own
    # ``domain`` (what apply leaves) is ``cfg.domain``.
    domains: tuple[Mapping[str, Any], ...] = ()
    cfg: Any = None  # the PoolConfig, for what a kind needs beyond the above
    live: Any = None
    planned: tuple[Any, ...] = ()

    @property
    def replacing(self) -> bool:
        """The pool is replaced in this run (its own object, planned first, says so):
        every kind is created again in the new pool, or goes with the old one."""
        return pool_replaced(self.pool, self.planned)

    @property
    def children(self) -> LiveChildren:
        """The sub-resources read (empty for a pool created in this run)."""
        return self.live.children if self.live is not None else LiveChildren()

    @property
    def new_pool(self) -> bool:
        """The pool is created in this run from the file alone: no live pool (a replaced
        pool's new copy carries the live settings the file does not write)."""
        return not self.described

    @property
    def recorded_tags(self) -> dict[str, str]:
        """The ``poolsync:`` tags (kinds' records: a logo's digest, a secret's
        fingerprint) of the pool these objects are planned on: the live pool's, none for
        a pool created in this run, a replaced pool's new copy included (the old pool's
        records describe what the old pool holds: kinds.settings.poolsync_tags)."""
        if self.pool_id == POOL_ID:
            return {}
        tags = self.described.get("UserPoolTags") or {}
        return {k: v for k, v in tags.items() if k.startswith("poolsync:")}

    @property
    def pool_arn(self) -> str:
        """The pool's ARN, for TagResource: POOL_ARN for a pool created in this run (a
        new one, or a replaced pool's new copy), which apply fills in as it does
        POOL_ID."""
        if self.pool_id == POOL_ID:
            return POOL_ARN
        return str(self.described.get("Arn") or POOL_ARN)


def _no_note(text: str) -> None:
    """What ``ExportContext.add_note`` does where the caller collects no notes."""


@dataclass(frozen=True)
class ExportContext:
    """What a part's ``export`` knows of one live pool: its name and region, its app
    clients by name (DescribeUserPoolClient, each with its ClientId; {} if none),
    ``add_variable(path, name, note)`` for a value the export must leave to
    ``${env:NAME}`` (a secret), and ``add_note(text)`` for what the reader of the
    export must know (what it could not write)."""

    pool: str
    region: str
    clients: Mapping[str, Mapping[str, Any]]
    add_variable: Callable[[tuple[str | int, ...], str, str], str]
    add_note: Callable[[str], None] = _no_note

    def client_names(self) -> dict[str, str]:
        """Client id -> name."""
        return {str(c.get("ClientId")): name for name, c in self.clients.items()}


PartRead = Callable[[Any, Mapping[str, Any], Any, Mapping[str, str]], Any]


Planner = Callable[[PlanContext], Sequence[Any]]
Review = Callable[[PlanContext, list[Any]], list[Any]]


@dataclass(frozen=True)
class Kind:
    """One resource kind of a user pool, under the pool's config key ``key``: the one
    protocol every kind implements, and all the planner, engine, export, drift, iam and
    quotas know of a kind (``kinds.all()`` lists them, in apply order).

    ``plan(ctx)``: the kind's objects (ObjectPlan), in apply order, their calls
    complete; called with ``ctx.written`` None only for a kind planned ``always`` (the
    pool's settings, its MFA). ``in_new_pool(ctx)``: its objects when the pool is
    replaced (``ctx.replacing``), written or not: created again in the new pool, or
    gone with the old one (None: ``kinds.planning.renewed``, which plans it twice).
    ``review(ctx, objects)``: once every kind has planned, the pool's whole object
    list as this kind leaves it (the pool's replacement note, its stray copies).
    ``removals_last``: its deletions, and the live items it keeps unlisted, go after
    every create and update of the kinds before the first kind without it, in reverse
    (a provider is deleted after the clients that named it are updated).
    ``sign_in_urls(ctx, objects)``: the hosted-UI URLs the plan shows.

    ``read(cognito, described, written, client_ids)``: the fewest calls for what the
    file writes (``written`` None: everything, for export); ``client_ids`` maps each
    live client's name to its id (given when ``needs_clients``). Its result is what
    ``plan`` gets as ``ctx.found`` and ``export`` as ``found``; the file's value is in
    ``PoolConfig.parts``. None: the kind is read with the pool (settings, MFA) or by its
    module's ``read_live`` (``kinds.readers()``). ``export(found, ctx)``: the value of
    ``key`` as a file writes it, or None when the pool has nothing of this kind (None:
    its module's ``export_from``, ``kinds.exporters()``). ``rules``: offline rules over
    the pool as written (``rules._Pool``), run by ``validate``. ``reads``/
    ``apply_reads``/``writes``: the operations it calls (iam), and ``category`` their
    quota categories (quotas)."""

    key: str
    kind: str  # ObjectPlan.kind of its objects
    plan: Planner
    reads: tuple[str, ...]
    writes: tuple[str, ...]
    category: Mapping[str, str]
    apply_reads: tuple[str, ...] = ()
    read: PartRead | None = None
    export: Callable[[Any, ExportContext], Any] | None = None
    in_new_pool: Planner | None = None
    review: Review | None = None
    sign_in_urls: Callable[[PlanContext, list[Any]], list[tuple[str, str]]] | None = None
    always: bool = False
    removals_last: bool = False
    # A live item the file does not list is kept, shown as unmanaged, and deleted only
    # with ``prune`` (drift's revert command adds --prune for it).
    prunes: bool = False
    needs_clients: bool = False
    needs_domain: bool = False  # plan checks the live domain (PlanContext.domains)
    # False: nothing of it lives in Cognito to export (a rotation policy): export does
    # not read it, and ``iam-policy --for export`` does not grant its reads.
    exported: bool = True
    per_client: bool = False  # items addressed POOL/key/CLIENT, keyed by client name
    rules: tuple[Callable[[Any], Any], ...] = ()
    # The rules among ``rules`` that also judge the pool's state after apply, the live
    # members the file does not write included (rules.state_problems, for the planner).
    state_rules: tuple[Callable[[Any], Any], ...] = ()
    # Secret-bearing paths below an item (masking, export), e.g. ("ClientSecret",).
    secret_paths: frozenset[tuple[str, ...]] = frozenset()
    # ``schema(conv)``: the pool property ``key`` of the JSON Schema, built by
    # scripts/gen_schema.py's Converter from botocore shapes (``conv.model``,
    # ``conv.ref(shape)``, ``conv.structure(shape, exclude)``, ``conv.defs``).
    schema: Callable[[Any], dict[str, Any]] | None = None
    # ``first(ctx)``: the kind's objects go before the pool's own update, not after
    # every sub-resource (log delivery that stops sending PLUS-only logs must do so
    # before the pool's tier is lowered, or UpdateUserPool is refused).
    first: Callable[[PlanContext], bool] | None = None
    # ``files(written)``: (path below the pool, file name as written) of each file the
    # kind reads next to the YAML file (validate checks they are there).
    files: Callable[[Any], Iterator[tuple[tuple[str | int, ...], str]]] | None = None

    @property
    def ops(self) -> KindOps:
        return KindOps(self.reads, self.apply_reads, self.writes, self.category)
