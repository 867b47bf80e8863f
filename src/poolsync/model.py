"""Plain values shared by every stage: locations, problems, the loaded config, plans.

Everything here is immutable and has a stable order, so plans can be rendered in any
format and checksummed from one value.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any

from poolsync.fingerprint import fingerprint

# A path into a YAML document or an API payload: mapping keys and list indexes.
Path = tuple[str | int, ...]


def render_path(path: Path) -> str:
    """``("pools", "prod", "settings", "Schema", 0)`` -> ``pools.prod.settings.Schema[0]``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            part = escape_unprintable(part)
            out += f".{part}" if out else part
    return out


def escape_unprintable(text: str) -> str:
    """``text`` with its line breaks and other control or invisible characters escaped
    (``\n``, ``\x1b``, ``\u200b``), for a value quoted on one line of a message: a key
    path (a pool name may hold a newline: botocore's PoolName pattern allows any
    whitespace, and printed raw it would start a line of its own, such as a fake "No
    changes."), an option's value, text read from a plan file."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii")
                   for c in text)


def as_given(value: str, limit: int = 120) -> str:
    """A value the user gave, safe to quote in a message: control and format characters
    escaped (no terminal escape sequence reaches the terminal), long values cut."""
    return escape_unprintable(value[:limit]) + ("..." if len(value) > limit else "")


@dataclass(frozen=True, order=True)
class Location:
    file: str
    line: int  # 1-based
    column: int  # 1-based

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input. Collected, never raised one at a time."""

    message: str
    path: Path = ()
    location: Location | None = None

    def sort_key(self) -> tuple[str, int, int, str]:
        loc = self.location
        return (loc.file, loc.line, loc.column, self.message) if loc else ("", 0, 0, self.message)

    def render(self) -> str:
        where = f"{self.location}: " if self.location else ""
        at = f"{render_path(self.path)}: " if self.path else ""
        return f"{where}{at}{self.message}"


@dataclass(frozen=True)
class Substitution:
    """Where one ``${env:...}`` substitution landed in a pool, and what may be shown of it.

    ``at`` is the path below the pool's key (``("clients", "web", "CallbackURLs", 0)``;
    ``("region",)`` for the region, the pool's own or the file's top-level one);
    ``template`` the string as written (``https://app.example.com/cb?k=${env:K}``: safe
    to show, and what a reviewer needs); ``resolved`` the string after substitution;
    ``values`` each variable with its value, in order of use. Only ``template`` and the
    variables' names may ever be printed.
    """

    at: Path
    template: str
    resolved: str
    values: tuple[tuple[str, str], ...]

    @property
    def secrets(self) -> frozenset[str]:
        """The texts no output may show: each value and the whole resolved string."""
        return frozenset({self.resolved, *(value for _, value in self.values)} - {""})


class Secrets(frozenset[str]):
    """A pool's secret values (a frozenset of strings, as ``PoolConfig.secrets`` always
    was), and where each ``${env:...}`` substitution landed (``substitutions``), so that
    outputs mask values where the secret is, not wherever a short value happens to be a
    substring (``poolsync.masking``)."""

    substitutions: tuple[Substitution, ...]

    def __new__(cls, values: Iterable[str] = (),
                substitutions: Iterable[Substitution] = ()) -> Secrets:
        self = super().__new__(cls, values)
        self.substitutions = tuple(dict.fromkeys(substitutions))
        return self

    def __or__(self, other: AbstractSet[str]) -> Secrets:  # type: ignore[override]
        theirs = other.substitutions if isinstance(other, Secrets) else ()
        return Secrets(frozenset(self) | frozenset(other), (*self.substitutions, *theirs))

    __ror__ = __or__

    def __reduce__(self) -> tuple[Any, ...]:
        return (Secrets, (frozenset(self), self.substitutions))


@dataclass(frozen=True)
class PoolConfig:
    """One pool as the user wrote it, after loading and ``${env:...}`` substitution.

    ``settings`` and ``mfa`` are the API's own request shapes (PascalCase), exactly as
    written: no defaults filled in. ``mfa`` is None when the file has no ``mfa`` key
    (then MFA is not managed). ``secrets`` holds every string that came from
    ``${env:...}``: such values never appear in any output. Loaded from files it is a
    ``Secrets``, which also says where each substitution landed.
    """

    name: str
    region: str
    settings: Mapping[str, Any]
    mfa: Mapping[str, Any] | None = None
    id: str | None = None
    location: Location | None = None
    secrets: frozenset[str] = frozenset()
    # Sub-resources: None when the key is left out (the collection is not managed);
    # otherwise item key -> the Create* request members as written.
    clients: Mapping[str, Mapping[str, Any]] | None = None
    identity_providers: Mapping[str, Mapping[str, Any]] | None = None
    domain: Mapping[str, Any] | None = None
    groups: Mapping[str, Mapping[str, Any]] | None = None
    resource_servers: Mapping[str, Mapping[str, Any]] | None = None
    # The kinds with their own read (kinds.parts()), by config key, as written; a key
    # left out is not managed.
    parts: Mapping[str, Any] = field(default_factory=dict)
    prune: bool = False
    # ``poolsync check``'s section (``check.suppress``): rules the pool disables, as
    # written; None when the file has none.
    check: Mapping[str, Any] | None = None
    # Where a path below this pool (e.g. ("clients", "web", "ReadAttributes")) was
    # written: in its file, or in the template it came from. None when not loaded from
    # files (tests that build configs by hand).
    locate: Callable[[Path], Location] | None = field(default=None, compare=False,
                                                      repr=False)
    # Where ``region`` came from (config.py, "Regions"): ``pools.NAME.region``, ``the
    # file's region``, or for a pool whose file names none the fallback's source
    # (``--region``, ``AWS_REGION``, ``AWS_DEFAULT_REGION``, ``profile NAME``). Empty
    # when not loaded from files.
    region_source: str = field(default="", compare=False)

    @property
    def address(self) -> str:
        return self.name

    def written(self, key: str) -> Any:
        """The file's value of a kind's config key (``kinds.base.Kind.key``): one of the
        fields above, or one of ``parts``; None when the file leaves it out."""
        if key in _KIND_FIELDS:
            return getattr(self, key)
        return self.parts.get(key)

    @property
    def region_from_fallback(self) -> bool:
        """Whether the pool's file names no region (the region is the run's fallback)."""
        return self.region_source not in ("", POOL_REGION, FILE_REGION)


# The kinds' config keys that PoolConfig keeps as fields (the others are in ``parts``).
_KIND_FIELDS = frozenset({"settings", "mfa", "clients", "identity_providers", "domain",
                          "groups", "resource_servers"})

# PoolConfig.region_source of a region written in the file: the pool's own, or the
# file's top-level one.
POOL_REGION = "the pool's region"
FILE_REGION = "the file's region"


@dataclass(frozen=True)
class RegionSource:
    """The region of pools whose files name none, and where it was found: ``--region``,
    ``AWS_REGION``, ``AWS_DEFAULT_REGION`` or ``profile NAME`` (config.RegionFallback)."""

    region: str
    source: str


@dataclass(frozen=True)
class RegionDefault:
    """For a plan's header: the fallback region, its source, and the pools that use it
    (those of the plan whose files name no region), by name."""

    region: str
    source: str
    pools: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"region": self.region, "source": self.source, "pools": list(self.pools)}


@dataclass(frozen=True)
class Config:
    pools: tuple[PoolConfig, ...]
    files: tuple[str, ...] = ()
    # One line per file a directory walk skipped (not a poolsync file, hidden), for
    # stderr: "examples/github/pr-plan.yml: skipped: ..." (config.load_config).
    notes: tuple[str, ...] = ()
    # ``--pool`` (config.select_pools): the patterns given, sorted and each once, and how
    # many pools of the files they left out. Empty: every pool of the files.
    targets: tuple[str, ...] = ()
    untargeted: int = 0


class Action(enum.Enum):
    """What a plan does to one object. Ordered from harmless to worst."""

    NOOP = "no-op"
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    REPLACE = "replace"
    CANNOT_APPLY = "cannot-apply"

    @property
    def is_change(self) -> bool:
        return self is not Action.NOOP


@dataclass(frozen=True)
class FieldChange:
    """One changed field: ``path`` inside the object, live ``before``, desired ``after``.

    ``to_default`` is set when the user deleted the line and the field goes back to
    Cognito's default (rendered "→ default (X)"). ``sensitive`` values are never rendered.
    ``MISSING`` stands for "not set".
    """

    path: Path
    before: Any
    after: Any
    to_default: bool = False
    sensitive: bool = False
    forces_replacement: str | None = None  # the rule that makes this field create-only
    # What a sensitive change may show instead of its values (before, after): the value
    # as written, ``${env:...}`` references in place of what they stand for
    # (``poolsync.masking``). None: nothing, "(sensitive, changed)". Not part of the
    # plan's value: the fingerprints are.
    shown: tuple[Any, Any] | None = field(default=None, compare=False, repr=False)

    def to_dict(self, where: str | None = None) -> dict[str, Any]:
        """A sensitive value is never written: only a fingerprint of it, so that two
        plans can still be told apart (README, "Plans, apply and safety": secrets).
        ``where`` is the address of the object the change belongs to: the fingerprint
        is salted with it and the path (``poolsync.fingerprint``), so it is written
        only when ``where`` is given (``ObjectPlan.to_dict``; drift shows no
        fingerprints and does not pay for them)."""
        out = {
            "path": render_path(self.path),
            "before": None if self.sensitive else _plain(self.before),
            "after": None if self.sensitive else _plain(self.after),
            "to_default": self.to_default,
            "sensitive": self.sensitive,
            "forces_replacement": self.forces_replacement,
        }
        if self.sensitive and where is not None:
            at = secret_location(where, self.path)
            out["fingerprint"] = {"before": _fingerprint(self.before, at),
                                  "after": _fingerprint(self.after, at)}
        if self.sensitive and self.shown is not None:
            out["shown"] = {"before": _plain(self.shown[0]), "after": _plain(self.shown[1])}
        return out


class _Sentinel:
    """A value that stands for a state, not data: one instance per class, compared by
    identity, kept by deepcopy, shown by ``label``."""

    label = ""

    def __new__(cls) -> _Sentinel:
        instance = cls.__dict__.get("_instance")
        if instance is None:
            instance = super().__new__(cls)
            cls._instance = instance
        return instance

    def __repr__(self) -> str:
        return self.label

    def __deepcopy__(self, memo: dict[int, Any]) -> _Sentinel:
        return self


class _Missing(_Sentinel):
    """Sentinel for "this field is not set" (distinct from an explicit null)."""

    label = "(not set)"

    def __bool__(self) -> bool:
        return False


MISSING: Any = _Missing()


class _NotReported(_Sentinel):
    """Sentinel for a live value Cognito did not report, where poolsync knows no default
    to compare with: the file's value is a change until a read shows it (README, "What
    poolsync manages (ownership)": absent never means "equal to the file")."""

    label = "(not reported)"


NOT_REPORTED: Any = _NotReported()


def _plain(value: Any) -> Any:
    return None if value is MISSING or value is NOT_REPORTED else value


def secret_location(address: str, path: Path) -> str:
    """Where a secret is, as fingerprints are salted with it:
    ``app/identity_providers/Google:ProviderDetails.client_secret``."""
    return f"{address}:{render_path(path)}"


def _fingerprint(value: Any, where: str) -> str | None:
    """A slow or keyed, location-salted fingerprint (``poolsync.fingerprint``): it tells
    two values apart without being a fast way to test guesses."""
    if value is MISSING or value is NOT_REPORTED:
        return None
    return fingerprint(value, where)


@dataclass(frozen=True)
class ApiCall:
    """One exact Cognito call apply will make. ``params`` may hold ``POOL_ID``, which
    apply replaces with the id of the pool created earlier in the same run."""

    operation: str  # API name, e.g. "UpdateUserPool"
    params: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"operation": self.operation, "params": dict(self.params)}


POOL_ID = "${poolsync:pool-id}"
POOL_ARN = "${poolsync:pool-arn}"


@dataclass(frozen=True)
class Weakening:
    """A change of the plan that makes a ``poolsync check`` rule fail that passes on
    the live pool (``poolsync.check.weakens``): the rule, where, the live and the
    planned value (None: not shown), and the label as every output shows it."""

    rule: str  # e.g. "PS-COG-006"
    origin: str  # e.g. "Security Hub Cognito.5, Prowler cognito_user_pool_mfa_enabled"
    path: str  # below the pool, e.g. "mfa.MfaConfiguration"
    before: Any
    after: Any
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "origin": self.origin, "path": self.path,
                "before": _plain(self.before), "after": _plain(self.after),
                "text": self.text}


@dataclass(frozen=True)
class ObjectPlan:
    """The plan for one object (the pool, its MFA config, a client, ...)."""

    address: str  # e.g. "customers-prod", "customers-prod/mfa", "customers-prod/clients/web"
    kind: str  # "pool" | "mfa" | "client" | "identity_provider" | "domain" | "group" | ...
    action: Action
    reason: str = ""
    changes: tuple[FieldChange, ...] = ()
    calls: tuple[ApiCall, ...] = ()
    notes: tuple[str, ...] = ()  # blast radius, safer routes, unmanaged hints
    unmanaged: bool = False  # live, not in the file, kept (no prune)
    # The path below the pool's config of what a refusal is about, so it can be shown
    # at its file:line:col. Not part of the plan's value (to_dict, checksum).
    where: Path = field(default=(), compare=False)
    # Security rules this object's changes make fail (poolsync.check.weakens): labels,
    # shown by every output, not part of what apply does (nor of the checksum).
    weakens: tuple[Weakening, ...] = field(default=(), compare=False)

    def to_dict(self) -> dict[str, Any]:
        out = {
            "address": self.address,
            "kind": self.kind,
            "action": self.action.value,
            "unmanaged": self.unmanaged,
            "reason": self.reason,
            "fields": [c.to_dict(self.address) for c in self.changes],
            "calls": [c.operation for c in self.calls],
            "notes": list(self.notes),
        }
        if self.weakens:  # only when there are: plans without labels read as before
            out["weakens"] = [w.to_dict() for w in self.weakens]
        return out


def pool_replaced(address: str, objects: Iterable[ObjectPlan]) -> bool:
    """Whether ``objects`` replace the pool at ``address`` (its own object, not a stray
    copy's, is a REPLACE)."""
    return any(o.kind == "pool" and o.address == address and o.action is Action.REPLACE
               for o in objects)


@dataclass(frozen=True)
class PoolPlan:
    """Everything planned for one pool, in apply order."""

    name: str
    region: str
    pool_id: str | None  # None when the pool does not exist yet
    objects: tuple[ObjectPlan, ...]
    estimated_users: int | None = None
    sign_in_urls: tuple[tuple[str, str], ...] = ()  # (client name, hosted UI URL)
    # The region and pool id as outputs may show them, when they come from ${env:...}
    # (the written template): set by ``poolsync.masking``; the real ones stay above,
    # for apply and the checksum.
    shown_region: str | None = field(default=None, compare=False, repr=False)
    shown_pool_id: str | None = field(default=None, compare=False, repr=False)
    # What this plan was made from (plan.LivePool: DescribeUserPool and the sub-resources
    # read), None for a pool not created yet; outputs.py takes the ids, ARN and domain
    # from it, so apply reports its outputs without reading the pools again. Never
    # rendered nor in the plan file.
    live: Any = field(default=None, compare=False, repr=False)

    @property
    def replaced(self) -> bool:
        """Whether the pool itself is deleted and created again (its sub-resources then
        go with it, whatever their own plan says)."""
        return pool_replaced(self.name, self.objects)

    @property
    def action(self) -> Action:
        """The worst action among this pool's objects."""
        order = list(Action)
        return max((o.action for o in self.objects), key=order.index, default=Action.NOOP)


@dataclass(frozen=True)
class Plan:
    pools: tuple[PoolPlan, ...]
    # What the header says (engine.scoped): the ``--pool`` patterns the plan was made
    # with (covered by the checksum: planfile.py), how many pools of the files they
    # left out, and the fallback region of pools whose files name none.
    targets: tuple[str, ...] = ()
    untargeted: int = field(default=0, compare=False)
    region_default: RegionDefault | None = field(default=None, compare=False)

    @property
    def objects(self) -> tuple[ObjectPlan, ...]:
        return tuple(o for p in self.pools for o in p.objects)

    @property
    def has_changes(self) -> bool:
        return any(o.action.is_change for o in self.objects)

    def counts(self) -> dict[str, int]:
        out = {a.value: 0 for a in Action}
        out["unmanaged"] = 0
        for o in self.objects:
            out["unmanaged" if o.unmanaged else o.action.value] += 1
        return out

    def to_dict(self) -> dict[str, Any]:
        """The plan as JSON data. ``targets`` and ``region_default`` are there only when
        the plan has them (``--pool``; a pool whose file names no region)."""
        header: dict[str, Any] = {}
        if self.targets:
            header["targets"] = list(self.targets)
        if self.region_default is not None:
            header["region_default"] = self.region_default.to_dict()
        return {
            **header,
            "summary": {"has_changes": self.has_changes, "counts": self.counts()},
            "pools": [
                {
                    "name": p.name,
                    # As outputs may show them: a region or id from ${env:...} as
                    # written (the plan file covers the real ones by fingerprint).
                    "region": p.shown_region or p.region,
                    "pool_id": p.shown_pool_id or p.pool_id,
                    "estimated_users": p.estimated_users,
                    "sign_in_urls": [{"client": c, "url": u} for c, u in p.sign_in_urls],
                    "objects": [o.to_dict() for o in p.objects],
                }
                for p in self.pools
            ],
        }
