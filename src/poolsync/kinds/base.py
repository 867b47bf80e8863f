"""What every resource kind of a user pool tells the planner (docs/design/resource-kinds.md).

A ``Kind`` is data and functions: the planner, drift and export iterate over kinds
and call these members instead of naming a kind. Defaults here are what most kinds
need (no defaults, never replaced, nothing kept unlisted), so a kind states only what
differs.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from poolsync.model import POOL_ARN, POOL_ID, FieldChange


def _no_defaults(written: Mapping[str, Any]) -> Mapping[str, Any]:
    return {}


def _never_replaced(change: FieldChange) -> str | None:
    return None


def _never_kept(name: str, pool_id: str | None, providers: Collection[str] | None) -> bool:
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


@dataclass(frozen=True)
class Kind:
    """One collection of the pool's sub-resources, as the planner sees it.

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
    kept_unlisted: Callable[[str, str | None, Collection[str] | None], bool] = _never_kept
    live_field: str = ""  # its field of plan_children.LiveChildren, when not ``collection``

    def key(self, name: str, found: Mapping[str, Any]) -> dict[str, Any]:
        """The request members that name an existing item."""
        if self.id_member is not None:
            return {self.id_member: found[self.id_member]}
        return {self.key_param: name}


# --------------------------------------------------------------------------- parts
#
# A kind that plans itself (docs/design/resource-kinds.md, the ``plan`` member): one
# object or a map of objects under one config key of the pool, read with its own calls
# and written with its own operations. The engine, the planner, export, drift, iam and
# quotas iterate ``kinds.PARTS``; a new kind of this sort touches none of them.

CLIENT_ID_PREFIX = "${poolsync:client-id:"


def client_placeholder(name: str) -> str:
    """What a planned request says for the id of the app client ``name`` when the same
    run creates (or re-creates) it; apply puts the id CreateUserPoolClient returned in
    its place (``engine._resolve``), as it does for POOL_ID."""
    return f"{CLIENT_ID_PREFIX}{name}}}"


@dataclass(frozen=True)
class PartContext:
    """What a part's ``plan`` knows of one pool.

    ``written``: the part's value in the file (``PoolConfig.parts[key]``: never None
    here, a part the file leaves out is not planned). ``found``: what the part's
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
    cfg: Any = None  # the PoolConfig, for what a part needs beyond the above

    @property
    def new_pool(self) -> bool:
        """The pool is created in this run from the file alone: no live pool (a replaced
        pool's new copy carries the live settings the file does not write)."""
        return not self.described

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


@dataclass(frozen=True)
class Part:
    """A kind that plans itself, under the pool's config key ``key``.

    ``read(cognito, described, written, client_ids)``: the fewest calls for what the
    file writes (``written`` None: everything, for export); ``client_ids`` maps each
    live client's name to its id (given when ``needs_clients``). Returns what ``plan``
    and ``export`` take as ``found``. ``plan(ctx)``: the part's objects, in apply order,
    their calls complete. ``export(found, ctx)``: the value of ``key`` as a file writes
    it, or None when the pool has nothing of this kind. ``rules``: offline rules over
    the pool as written (``rules._Pool``), run by ``validate`` after the built-in ones.
    ``reads``/``apply_reads``/``writes``: the operations it calls (iam), and
    ``category`` their quota categories (quotas)."""

    key: str
    kind: str  # ObjectPlan.kind
    read: PartRead
    plan: Callable[[PartContext], list[Any]]
    export: Callable[[Any, ExportContext], Any]
    reads: tuple[str, ...]
    writes: tuple[str, ...]
    category: Mapping[str, str]
    apply_reads: tuple[str, ...] = ()
    needs_clients: bool = False
    needs_domain: bool = False  # plan checks the live domain (PartContext.domains)
    # False: nothing of it lives in Cognito to export (a rotation policy): export does
    # not read it, and ``iam-policy --for export`` does not grant its reads.
    exported: bool = True
    per_client: bool = False  # items addressed POOL/key/CLIENT, keyed by client name
    rules: tuple[Callable[[Any], Any], ...] = ()
    # Secret-bearing paths below an item (masking, export), e.g. ("ClientSecret",).
    secret_paths: frozenset[tuple[str, ...]] = frozenset()
    # ``schema(conv)``: the pool property ``key`` of the JSON Schema, built by
    # scripts/gen_schema.py's Converter from botocore shapes (``conv.model``,
    # ``conv.ref(shape)``, ``conv.structure(shape, exclude)``, ``conv.defs``).
    schema: Callable[[Any], dict[str, Any]] | None = None
    # ``first(ctx)``: the part's objects go before the pool's own update, not after
    # every sub-resource (log delivery that stops sending PLUS-only logs must do so
    # before the pool's tier is lowered, or UpdateUserPool is refused).
    first: Callable[[PartContext], bool] | None = None
    # ``files(written)``: (path below the pool, file name as written) of each file the
    # kind reads next to the YAML file (validate checks they are there).
    files: Callable[[Any], Iterator[tuple[tuple[str | int, ...], str]]] | None = None

    @property
    def ops(self) -> KindOps:
        return KindOps(self.reads, self.apply_reads, self.writes, self.category)
