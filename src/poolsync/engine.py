"""The use cases: validate, plan, apply. Each reads, calls the pure core, and (for apply)
executes the planned calls. No printing, no click: the CLI renders what comes back."""

from __future__ import annotations

import shlex
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import partial
from typing import Any, TypeVar

from poolsync import planfile
from poolsync.aws import AwsSession, Cognito
from poolsync.config import RegionFallback, load_config, pool_matches, select_pools
from poolsync.errors import (
    AwsError,
    ConfigError,
    LiveStateError,
    NotConverged,
    PoolsyncError,
    SafetyRefusal,
)
from poolsync.kinds import parts, readers
from poolsync.kinds.base import LiveChildren, client_placeholder, secret_id_placeholder
from poolsync.kinds.client import read_all as read_all_clients
from poolsync.kinds.client import unique_ids as unique_client_ids
from poolsync.kinds.identity_provider import written_secrets
from poolsync.kinds.pool import is_stray_copy, removal_calls
from poolsync.kinds.settings import PROTECTION_OFF_BY_RUN, RUN_ID, poolsync_tags
from poolsync.model import (
    POOL_ARN,
    POOL_ID,
    Action,
    ApiCall,
    Config,
    Plan,
    PoolConfig,
    PoolPlan,
    Problem,
    RegionDefault,
    escape_unprintable,
    render_path,
)
from poolsync.plan import LivePool, override_address, plan_config, plan_pool
from poolsync.progress import NO_PROGRESS, Progress
from poolsync.render import render_text

PoolKey = tuple[str, str]  # (region, name)
T = TypeVar("T")


def validate(paths: Collection[str], region: str | RegionFallback | None = None) -> Config:
    """Offline: schema and rule checks; ``${env:...}`` references checked, not resolved."""
    return load_config(list(paths), region=region)


def load(paths: Collection[str], environ: Mapping[str, str],
         region: str | RegionFallback | None = None) -> Config:
    """For plan and apply: ``${env:...}`` references resolved (their values are secrets)."""
    return load_config(list(paths), environ=environ, region=region)


def with_prune(config: Config) -> Config:
    """``--prune``: as if every pool said ``prune: true``."""
    return replace(config, pools=tuple(replace(p, prune=True) for p in config.pools))


def target(config: Config, patterns: Collection[str]) -> Config:
    """``--pool``: only the pools ``patterns`` name are read, planned and changed
    (config.py, "Targeting"). UsageError, before any AWS call, for a pattern that names
    no pool of the files."""
    return select_pools(config, list(patterns))


def scoped(plan: Plan, config: Config) -> Plan:
    """``plan`` with what its header says: the ``--pool`` patterns it was made with
    (the checksum covers them: planfile.py), how many pools they left out, and the
    fallback region of its pools whose files name none, with its source."""
    fallback = [pool for pool in config.pools if pool.region_from_fallback]
    region_default = None
    if fallback:
        first = fallback[0]  # one fallback per run: every such pool has the same
        region_default = RegionDefault(first.region, first.region_source,
                                       tuple(pool.name for pool in fallback))
    return replace(plan, targets=config.targets, untargeted=config.untargeted,
                   region_default=region_default)


def secrets(config: Config) -> set[str]:
    """Every value no output may show: ``${env:...}`` values and secrets in the file."""
    found: set[str] = set()
    for pool in config.pools:
        found |= pool.secrets | written_secrets(pool.identity_providers, pool.clients)
        found |= _part_secrets(pool)
    return found


def _part_secrets(pool: PoolConfig) -> set[str]:
    """Secrets written in the file under a kind that plans itself: the values at its
    ``secret_paths`` below each item (a client secret's ``value``), or below the key
    for a kind with one item per pool."""
    found: set[str] = set()
    for part in parts():
        written = pool.parts.get(part.key)
        if not isinstance(written, Mapping) or not part.secret_paths:
            continue
        items = written.values() if part.per_client else [written]
        for item in items:
            for path in part.secret_paths:
                value: Any = item
                for key in path:
                    value = value.get(key) if isinstance(value, Mapping) else None
                if isinstance(value, str) and value:
                    found.add(value)
    return found


# --------------------------------------------------------------------------- reading


def read_live(
    config: Config, session: AwsSession, ids: Mapping[PoolKey, str] | None = None,
    progress: Progress = NO_PROGRESS, phase: str = "Reading",
) -> dict[PoolKey, LivePool | None]:
    """Find each pool (by ``id``, else by name with one ListUserPools pass per region) and
    read it with DescribeUserPool and GetUserPoolMfaConfig. ``ids`` are pools this run
    already knows (created or planned), read by id. ``progress`` hears of a stage named
    ``phase``, one unit per pool read.

    Raises ConfigError, before any write, when an ``id`` pin names a pool of another
    name, or two entries resolve to one pool (``_check_pins``); LiveStateError when a
    name is found more than once and the copies are not a run's strays
    (``_find_by_name``)."""
    ids = dict(ids or {})
    progress.phase(phase, len(config.pools), "pools")
    unpinned_regions = sorted(
        {p.region for p in config.pools if not (p.id or ids.get((p.region, p.name)))}
    )
    by_name = dict(zip(unpinned_regions, _parallel(
        [partial(_index_by_name, session.cognito(region)) for region in unpinned_regions],
        session.workers,
    ), strict=True))
    keys = [(pool.region, pool.name) for pool in config.pools]
    found_ids: list[tuple[str | None, tuple[Mapping[str, Any], ...]]] = [
        (pool.id or ids.get(key), ()) if pool.id or ids.get(key)
        else _find_by_name(session.cognito(pool.region), pool, by_name[pool.region])
        for pool, key in zip(config.pools, keys, strict=True)]
    _check_pins(config, [pool_id for pool_id, _ in found_ids])
    # Pools are read concurrently; the pacer keeps every category under its quota.
    found = _parallel([
        partial(_reported, progress, partial(_pool_read, pool.name, pool.region),
                partial(_read_pool, session.cognito(pool.region), pool, pool_id, strays))
        for pool, (pool_id, strays) in zip(config.pools, found_ids, strict=True)
    ], session.workers)
    return dict(zip(keys, found, strict=True))


def _reported(progress: Progress, say: Callable[[T], str], task: Callable[[], T]) -> T:
    """Run ``task``, then tell ``progress`` one unit is done, in the words ``say`` gives
    its result."""
    done = task()
    progress.advance(say(done))
    return done


def _pool_read(name: str | None, region: str, found: LivePool | None) -> str:
    """What ``--verbose`` says of a pool read: its name, region and id (no setting, no
    secret)."""
    if found is None:
        return f"read {name} in {region}: not found"
    return f"read {name or found.pool.get('Name')} in {region}: {found.pool.get('Id')}"


def _parallel(tasks: Sequence[Callable[[], T]], workers: int = 32) -> list[T]:
    """Run the tasks on a thread pool, results in task order; the first error wins.
    Threads mostly wait (on the network or on a quota bucket), so there are many."""
    if len(tasks) <= 1 or workers <= 1:
        return [task() for task in tasks]
    pool = ThreadPoolExecutor(max_workers=min(workers, len(tasks)))
    try:
        futures = [pool.submit(task) for task in tasks]
        return [f.result() for f in futures]
    except BaseException:
        # An error or Ctrl-C: tasks not started yet never start; those running finish.
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    finally:
        pool.shutdown(wait=True)


def _index_by_name(cognito: Cognito) -> dict[str, list[dict[str, Any]]]:
    """ListUserPools by name: each name's pools (Id, Name, CreationDate, ...)."""
    index: dict[str, list[dict[str, Any]]] = {}
    for summary in cognito.list_user_pools():
        index.setdefault(str(summary["Name"]), []).append(summary)
    return index


def pools_by_age(summaries: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Pools of one name, oldest first: by CreationDate, then by Id. Every run and every
    command orders them the same way, so all agree on which copy is kept (the first).
    A summary without a CreationDate sorts last."""
    def age(summary: Mapping[str, Any]) -> tuple[bool, Any, str]:
        created = summary.get("CreationDate")
        return (created is None, created if created is not None else 0, str(summary["Id"]))

    return sorted(summaries, key=age)


def _find_by_name(cognito: Cognito, pool: PoolConfig,
                  index: Mapping[str, list[dict[str, Any]]]
                  ) -> tuple[str | None, tuple[Mapping[str, Any], ...]]:
    """The id of the pool named like ``pool`` (None when there is none), and the newer
    copies to remove. Cognito does not keep names unique. When every copy but the oldest
    is one poolsync created and Cognito counts no user in (``plan.is_stray_copy``: two
    applies raced, or one was killed during CreateUserPool), the oldest is the pool and
    the others are planned for removal (``plan.stray_removal``); otherwise the user must
    say which pool is meant."""
    copies = pools_by_age(index.get(pool.name, []))
    if len(copies) <= 1:
        return (str(copies[0]["Id"]) if copies else None), ()
    keeper = str(copies[0]["Id"])
    others = [cognito.describe_user_pool(str(c["Id"])) for c in copies[1:]]
    strays = tuple(o for o in others if o is not None)
    if all(is_stray_copy(o) for o in strays):
        return keeper, strays
    ids = ", ".join(str(c["Id"]) for c in copies)
    raise LiveStateError(
        f"{len(copies)} pools are named {pool.name!r} in {pool.region} ({ids}): "
        f"pool names are not unique in Cognito, so pin the one to manage with "
        f"'id: <pool id>' under pools.{pool.name} (poolsync removes a newer copy by "
        "itself only when it created it and it has no users)"
    )


def _check_pins(config: Config, pool_ids: Sequence[str | None]) -> None:
    """Two entries that resolve to one pool (two keys with one ``id``, or an ``id`` equal
    to the pool another key finds by name) would each apply their settings to it, and
    prune each other's objects: refused before any read of the pool."""
    seen: dict[tuple[str, str], PoolConfig] = {}
    problems = []
    for pool, pool_id in zip(config.pools, pool_ids, strict=True):
        if pool_id is None:
            continue
        other = seen.setdefault((pool.region, pool_id), pool)
        if other is pool:
            continue
        pinned = pool if pool.id else other
        def how(p: PoolConfig) -> str:
            return "pins it by id" if p.id else "finds it by name"
        problems.append(_pin_problem(pinned, (
            f"pools.{other.name} and pools.{pool.name} both resolve to the pool {pool_id} "
            f"in {pool.region} (pools.{other.name} {how(other)}, pools.{pool.name} "
            f"{how(pool)}): one pool would get the settings of two entries; fix the id")))
    if problems:
        raise ConfigError(problems)


def _pin_problem(pool: PoolConfig, message: str) -> Problem:
    """A problem with ``pools.<name>.id``, located where the id is written."""
    path = ("id",) if pool.id else ()
    where = pool.locate(path) if pool.locate is not None else pool.location
    return Problem(message, ("pools", pool.name, *path), where)


def _read_pool(cognito: Cognito, pool: PoolConfig, pool_id: str | None,
               strays: tuple[Mapping[str, Any], ...] = ()) -> LivePool | None:
    if pool_id is None:
        return None
    described = cognito.describe_user_pool(pool_id)
    if described is None:
        if pool.id:
            raise LiveStateError(
                f"pools.{pool.name}.id is {pool.id}, but there is no such pool in "
                f"{pool.region}; remove the id to create the pool, or fix it"
            )
        return None
    if pool.id and described.get("Name") != pool.name:
        # An id pins the pool of its key; it never renames it (the name is the key:
        # schema.py). Trusting it would apply this entry's settings to another pool.
        raise ConfigError([_pin_problem(pool, (
            f"the pool {pool.id} is named {described.get('Name')!r}, not {pool.name!r}: "
            f"an id pins the pool of its own key, so this entry would change another pool; "
            f"fix the id, or name the key {described.get('Name')!r}"))])
    mfa = cognito.get_user_pool_mfa_config(pool_id)
    return LivePool(described, mfa, _read_children(cognito, pool, described), strays)


def _read_children(cognito: Cognito, pool: PoolConfig, described: Mapping[str, Any]
                   ) -> LiveChildren:
    """Read only the collections the file manages, or needs to check a client's
    references and print its sign-in URL (and the domain when the file sets the tier:
    managed login needs ESSENTIALS); no per-item call where the list already carries the
    data (groups, resource servers)."""
    so_far: dict[str, Any] = {}
    for field_name, read in readers():
        so_far[field_name] = read(cognito, pool, described, so_far)
    return LiveChildren(
        pool_id=str(described["Id"]),
        pool_arn=str(described.get("Arn", "")),
        fingerprints=poolsync_tags(described),
        **so_far,
        **_read_parts(cognito, pool, described, so_far["clients"]),
    )


def _read_parts(cognito: Cognito, pool: PoolConfig, described: Mapping[str, Any],
                clients: Mapping[str, Mapping[str, Any]] | None) -> dict[str, Any]:
    """What each self-planning kind the file writes reads (``kinds.base.Part.read``),
    as LiveChildren's ``others`` and ``client_ids``. A kind that needs the clients' ids
    gets them from the clients already read, else from one ListUserPoolClients (names
    and ids are all it needs)."""
    wanted = [p for p in parts() if p.key in pool.parts]
    ids: dict[str, str] | None = None
    if clients is not None:
        ids = {name: str(c["ClientId"]) for name, c in clients.items()}
    found: dict[str, Any] = {}
    for part in wanted:
        if part.needs_clients and ids is None:
            ids = unique_client_ids(cognito.list_clients(str(described["Id"])), described)
        assert part.read is not None  # kinds.parts(): the kinds with a read
        found[part.key] = part.read(cognito, described, pool.parts[part.key], ids or {})
    return {"others": found, "client_ids": ids or {}}


def read_for_check(config: Config, session: AwsSession, progress: Progress = NO_PROGRESS
                   ) -> dict[PoolKey, LivePool | None]:
    """The live pools the files name, read as ``poolsync check --live`` needs them: the
    pool, its MFA, every app client and (threat protection on) the risk configurations,
    whether the file manages them or not. Found as ``read_live`` finds them (an ``id``
    pin, else the name)."""
    from poolsync.kinds.risk_configuration import KEY as RISK

    def whole(pool: PoolConfig) -> PoolConfig:
        return replace(pool, clients=pool.clients or {},
                       parts={**pool.parts, RISK: pool.parts.get(RISK) or {}})

    return read_live(replace(config, pools=tuple(whole(p) for p in config.pools)), session,
                     progress=progress)


def read_for_export(
    session: AwsSession, region: str, *, pool_id: str | None = None, name: str | None = None,
    progress: Progress = NO_PROGRESS,
) -> list[LivePool]:
    """The pools ``export`` asks for (one by id, one by name, or every pool of the
    region), each read whole: settings, MFA and every sub-resource collection.
    ``progress`` hears of one unit per pool read."""
    cognito = session.cognito(region)
    if pool_id is not None:
        ids = [pool_id]
    elif name is not None:
        ids = [str(s["Id"]) for s in _index_by_name(cognito).get(name, [])]
        if not ids:
            raise LiveStateError(f"no pool named {name!r} in {region}")
        if len(ids) > 1:
            raise LiveStateError(
                f"{len(ids)} pools are named {name!r} in {region} ({', '.join(ids)}): "
                "export one with --pool-id"
            )
    else:
        ids = [str(summary["Id"]) for summary in cognito.list_user_pools()]
    return _read_for_export(session, cognito, region, ids, progress)


def _read_for_export(session: AwsSession, cognito: Cognito, region: str, ids: Sequence[str],
                     progress: Progress) -> list[LivePool]:
    """Each of ``ids`` read whole, concurrently (the pacer keeps every category under its
    quota); ``progress`` hears of one unit per pool read."""
    progress.phase("Reading", len(ids), "pools")
    return _parallel([partial(_reported, progress, partial(_pool_read, None, region),
                              partial(_read_whole_pool, cognito, region, i)) for i in ids],
                     session.workers)


def read_targets_for_export(session: AwsSession, region: str, patterns: Collection[str],
                            progress: Progress = NO_PROGRESS) -> list[LivePool]:
    """``export --pool``: the live pools of ``region`` whose names the patterns match
    (``config.pool_matches``: names or globs, ``REGION/`` already taken as ``region``),
    each read whole. UsageError when a pattern matches no pool of the region, naming
    those there are; no pool is read then."""
    from poolsync.config import split_target
    from poolsync.errors import UsageError

    cognito = session.cognito(region)
    summaries = list(cognito.list_user_pools())
    names = sorted({str(s["Name"]) for s in summaries})
    unmatched = [p for p in dict.fromkeys(patterns)
                 if not any(pool_matches(p, region, name) for name in names)]
    if unmatched:
        listed = ", ".join(names[:20]) + (f" and {len(names) - 20} more"
                                          if len(names) > 20 else "")
        shown = ", ".join(f"--pool {p!r}" for p in (split_target(u)[1] for u in unmatched))
        raise UsageError(f"{shown}: no pool of that name in {region} (names and globs are "
                         f"case-sensitive); the pools there are: {listed or 'none'}")
    ids = [str(s["Id"]) for s in summaries
           if any(pool_matches(p, region, str(s["Name"])) for p in patterns)]
    return _read_for_export(session, cognito, region, ids, progress)


def _read_whole_pool(cognito: Cognito, region: str, pool_id: str) -> LivePool:
    described = cognito.describe_user_pool(pool_id)
    if described is None:
        raise LiveStateError(f"no pool with id {pool_id} in {region}")
    return LivePool(described, cognito.get_user_pool_mfa_config(pool_id),
                    _read_all_children(cognito, described))


def _read_all_children(cognito: Cognito, described: Mapping[str, Any]) -> LiveChildren:
    """Every sub-resource of a pool: as if the file managed every collection."""
    whole = PoolConfig(name=str(described["Name"]), region="", settings={}, clients={},
                       identity_providers={}, domain={}, groups={}, resource_servers={})
    children = _read_children(cognito, whole, described)
    ids = {name: str(c["ClientId"]) for name, c in (children.clients or {}).items()}
    # ``written`` None: everything of the kind, as export writes it.
    return replace(children, client_ids=ids,
                   others={p.key: p.read(cognito, described, None, ids)
                           for p in parts() if p.exported and p.read is not None})


# --------------------------------------------------------------------------- planning


def plan(config: Config, session: AwsSession, progress: Progress = NO_PROGRESS) -> Plan:
    """Read, then plan. A pool whose plan is a replacement is read whole first: the
    replacement deletes everything in it, and the plan lists each such object, whether
    the file manages its collection or not. ``progress`` hears of the pools read
    (``read_live``) and of the domains checked (``_refuse_taken_domains``)."""
    live = read_live(config, session, progress=progress)
    result = plan_config(config, live)
    replaced = [(pool, live[(pool.region, pool.name)]) for pool in result.pools
                if pool.pool_id and pool.replaced]
    # A provider replaced while app clients name it updates them around its delete
    # (kinds.identity_provider.detach_clients): the clients are read if the file does not manage them.
    detaching = [(pool, live[(pool.region, pool.name)]) for pool in result.pools
                 if pool.pool_id and not pool.replaced and any(
                     o.kind == "identity_provider" and o.action is Action.REPLACE
                     for o in pool.objects)]
    unread = [(pool, found) for pool, found in detaching
              if found is not None and found.children.clients is None]
    for pool, reading in unread:
        assert reading is not None
        live[(pool.region, pool.name)] = replace(reading, children=replace(
            reading.children, clients=read_all_clients(session.cognito(pool.region),
                                                        reading.pool)))
    if replaced or unread:
        for pool, found in replaced:
            assert found is not None
            progress.step(f"read all of {pool.name} ({pool.pool_id}): it is replaced")
            live[(pool.region, pool.name)] = replace(found, children=_read_all_children(
                session.cognito(pool.region), found.pool))
        result = plan_config(config, live)
    from poolsync.check.weakens import label_plan  # changes that fail a check rule
    from poolsync.masking import mask_plan  # every output shows the plan masked

    return label_plan(scoped(mask_plan(_refuse_taken_domains(result, session, progress),
                                       config), config), config)


def _refuse_taken_domains(plan: Plan, session: AwsSession,
                          progress: Progress = NO_PROGRESS) -> Plan:
    """A prefix domain is unique in its region: creating one that another pool holds
    fails ("Domain already associated with another user pool": serverless/serverless
    #10135) after the pool's earlier calls were made. One DescribeUserPoolDomain per
    domain the plan creates tells, before any write."""
    creates = sum(c.operation == "CreateUserPoolDomain"
                  for p in plan.pools for o in p.objects for c in o.calls)
    if creates:
        progress.phase("Checking", creates, "domains")
    pools = []
    for pool in plan.pools:
        objects = []
        # Pools this plan deletes first (stray copies): their domains are deleted with them.
        deleted = {c.params.get("UserPoolId") for o in pool.objects for c in o.calls
                   if c.operation == "DeleteUserPool"}
        for obj in pool.objects:
            create = next((c for c in obj.calls if c.operation == "CreateUserPoolDomain"), None)
            if create is not None:
                name = str(create.params.get("Domain"))
                held = session.cognito(pool.region).describe_domain(name)
                owner = (held or {}).get("UserPoolId")
                progress.advance(f"domain {name}: " + (f"held by {owner}" if owner
                                                      else "free"))
                if owner and owner != pool.pool_id and owner not in deleted:
                    obj = replace(obj, action=Action.CANNOT_APPLY, calls=(),
                                  where=("domain", "Domain"), reason=(
                                      f"the domain {name} already belongs to another user "
                                      f"pool ({owner}) in {pool.region}; choose another"))
            objects.append(obj)
        pools.append(replace(pool, objects=tuple(objects)))
    return replace(plan, pools=tuple(pools))


# --------------------------------------------------------------------------- applying


def new_run_id() -> str:
    """An apply run's id: the value of the ``poolsync:`` tags its writes carry
    (``plan.RUN_ID``), so a pool tells which run created it."""
    return uuid.uuid4().hex


@dataclass
class ApplyResult:
    plan: Plan
    run_id: str = field(default_factory=new_run_id)
    applied: list[tuple[str, str]] = field(default_factory=list)  # (address, operation)
    created: dict[PoolKey, str] = field(default_factory=dict)
    verified: dict[PoolKey, PoolPlan] = field(default_factory=dict)  # planned again
    # Sent when a second Ctrl-C stopped the run without waiting: made or not, only the
    # next plan can tell.
    in_flight: list[tuple[str, str]] = field(default_factory=list)
    # What the report says besides the calls: deletion protection switched back on (or
    # not), a copy of a pool removed because another run created the same pool.
    events: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # pools a safety rail stopped (exit 3)
    conflicts: list[str] = field(default_factory=list)  # pools another run created too
    unverified: dict[PoolKey, str] = field(default_factory=dict)  # read-back errors
    protection_restored: bool = False  # the one thing apply undoes (see _PoolApply)

    def remaining(self) -> list[tuple[str, str]]:
        """The planned calls not made (in flight excepted), in plan order (each pool's
        calls are made in order; pools run concurrently)."""
        made = Counter(self.applied) + Counter(self.in_flight)
        left = []
        for o in self.plan.objects:
            for c in o.calls:
                key = (o.address, c.operation)
                if made[key]:
                    made[key] -= 1
                else:
                    left.append(key)
        return left

    def to_dict(self) -> dict[str, Any]:
        def rows(calls: list[tuple[str, str]]) -> list[dict[str, str]]:
            return [{"address": a, "operation": op} for a, op in calls]

        return {"run_id": self.run_id, "applied": rows(self.applied),
                "in_flight": rows(self.in_flight), "not_applied": rows(self.remaining()),
                "events": list(self.events)}

    def report(self) -> str:
        """What was and was not applied, as text (the error message of an apply that
        stopped, and of one whose read-back failed)."""
        done = "\n".join(f"  done      {a}: {op}" for a, op in self.applied) or "  (none)"
        left = "\n".join(f"  not done  {a}: {op}" for a, op in self.remaining()) or "  (none)"
        lines = [f"Applied:\n{done}"]
        if self.in_flight:
            lines.append("Sent when the run was stopped, made or not (the next plan tells):\n"
                         + "\n".join(f"  in flight {a}: {op}" for a, op in self.in_flight))
        lines.append(f"Not applied:\n{left}")
        lines += [f"! {event}" for event in self.events]
        return "\n".join(lines)


class ApplyIncomplete(PoolsyncError):
    """Apply stopped midway (an error, a safety rail, an interrupt between two calls), or
    made every call and could not read the pools back. Carries exactly what was applied
    and what was not; nothing applied is undone (deletion protection excepted: see
    ``execute``). ``status`` names the outcome in the JSON report: failed (exit 1),
    refused (exit 3), interrupted (exit 130), not verified (exit 1)."""

    def __init__(self, result: ApplyResult, cause: str, interrupted: bool = False, *,
                 status: str | None = None, exit_code: int | None = None,
                 headline: str = "apply stopped"):
        self.result = result
        self.interrupted = interrupted
        self.status = status or ("interrupted" if interrupted else "failed")
        self.exit_code = exit_code or (130 if interrupted else 1)
        undone = ("Nothing else applied is undone (deletion protection was switched back "
                  "on, see above)." if result.protection_restored
                  else "Nothing applied is undone.")
        super().__init__(
            f"{headline}: {cause}\n{result.report()}\n"
            f"{undone} Run plan to see what is left (it plans from the live state), fix the "
            "cause if the error names one, then apply again."
        )


def blocked(plan: Plan, allow_replace: Collection[str], config: Config | None = None,
            command: str | None = None) -> list[str]:
    """What apply would refuse in this plan, from the plan alone: objects that cannot
    be applied, replacements the command line does not allow, and replacements of a pool
    Cognito estimates users in, which no --allow-replace allows (README, "Exit codes").
    ``plan`` fails a PR check on these, before the merge does. With ``config``, each
    object that cannot be applied is shown at the file:line:col it comes from.

    ``command``: the apply command that makes this plan, as the user would paste it
    (cli: the program's name, the options that chose the pools, the paths as given,
    ``--prune``), without ``--allow-replace``; each replacement not allowed is followed
    by that command with the ``--allow-replace`` flags it needs (those already given,
    then its own), and several by one command that allows them all. Without it: the
    files of ``config``."""
    pools = {(p.region, p.name): p for p in (config.pools if config else ())}
    base = command or _default_command(config)
    given = [a for a in allow_replace if a not in unused_allowances(plan, allow_replace)]
    refusals: list[str] = []
    needed: list[str] = []
    for pool in plan.pools:
        cfg = pools.get((pool.region, pool.name))
        for obj in pool.objects:
            if obj.action is Action.CANNOT_APPLY:
                where = ""
                if cfg is not None and cfg.locate is not None:
                    path = render_path(("pools", pool.name, *obj.where))
                    where = f"{cfg.locate(obj.where)}: {path}: "
                refusals.append(f"{where}{obj.address}: cannot be applied: {obj.reason}")
            if obj.action is not Action.REPLACE:
                continue
            if obj.kind == "pool" and pool.estimated_users:
                refusals.append(_replacement_refusal(pool, obj.reason, obj.notes))
            elif obj.kind != "pool" and pool.replaced:
                continue  # recreated with its pool: the pool's own consent covers it
            elif not _allowed(pool, allow_replace, obj.address):
                address = override_address(plan, pool, obj)
                needed.append(address)
                hint = with_allowances(base, [*given, address])
                refusals.append(_replacement_refusal(pool, obj.reason, obj.notes, hint,
                                                     obj.address))
    if len(needed) > 1:
        refusals.append("To allow every replacement above: "
                        + with_allowances(base, [*given, *needed]))
    return refusals


def _default_command(config: Config | None) -> str:
    files = config.files if config is not None and config.files else ("FILE",)
    return " ".join(["poolsync", "apply", *(shlex.quote(f) for f in files)])


def with_allowances(command: str, addresses: Sequence[str]) -> str:
    """``command`` with one ``--allow-replace`` per address, each quoted for a shell (a
    pool name may hold a space) and kept on one line (model.escape_unprintable)."""
    flags = (f"--allow-replace {escape_unprintable(shlex.quote(a))}"
             for a in dict.fromkeys(addresses))
    return " ".join([command, *flags])


def unused_allowances(plan: Plan, allow_replace: Collection[str]) -> list[str]:
    """The ``--allow-replace`` addresses that name no replacement of this plan (a typo
    would otherwise pass unnoticed, and the replacement it meant stay refused)."""
    named: set[str] = set()
    for pool in plan.pools:
        for obj in pool.objects:
            if obj.action is Action.REPLACE:
                named |= {obj.address, f"{pool.region}/{obj.address}"}
    return [address for address in allow_replace if address not in named]


def check_apply(plan: Plan, session: AwsSession, allow_replace: Collection[str],
                config: Config | None = None, command: str | None = None) -> None:
    """Refuse, before any write, what a safety rail forbids (README, "Plans, apply and
    safety"): what ``blocked`` finds (``command`` as there), and an allowed replacement
    of a pool that ListUsers finds a user in although Cognito's estimate said none."""
    refusals = blocked(plan, allow_replace, config, command)
    for pool in plan.pools:
        for obj in pool.objects:
            if (obj.kind == "pool" and obj.action is Action.REPLACE
                    and _allowed(pool, allow_replace, obj.address) and pool.pool_id
                    and not pool.estimated_users and _has_users(pool, session)):
                refusals.append(_replacement_refusal(pool, obj.reason, obj.notes,
                                                     users_found=True))
    if refusals:
        raise SafetyRefusal("apply refused, nothing was changed:\n" + "\n".join(refusals))


def _allowed(pool: PoolPlan, allow_replace: Collection[str], address: str) -> bool:
    """Whether ``--allow-replace`` names this object of ``pool``: as ADDRESS or
    REGION/ADDRESS (a pool's address is its name)."""
    return address in allow_replace or f"{pool.region}/{address}" in allow_replace


def _has_users(pool: PoolPlan, session: AwsSession) -> bool:
    if pool.estimated_users:
        return True
    assert pool.pool_id is not None
    return session.cognito(pool.region).has_users(pool.pool_id)


def _replacement_refusal(pool: PoolPlan, reason: str, notes: tuple[str, ...],
                         hint: str | None = None, address: str | None = None,
                         users_found: bool = False) -> str:
    """One refused replacement: what and why, its notes (blast radius, safer routes),
    then what the user can do: the command that allows it (``hint``), or, for a pool with
    users, that no flag does (poolsync never deletes a pool with users)."""
    lines = [f"{address or pool.name}: needs replacement: {reason}.",
             *(f"  {n}" for n in notes)]
    if users_found:
        lines.append("  The pool has users (ListUsers found one although Cognito estimated "
                     "none): poolsync never deletes a pool with users, even with "
                     "--allow-replace; take a safer route.")
    elif hint is None:
        lines.append(f"  The pool has users (Cognito estimates {pool.estimated_users}): "
                     "poolsync never deletes a pool with users, even with --allow-replace; "
                     "take a safer route.")
    elif address is not None and address != pool.name:
        lines.append(f"  To replace it: {hint}")
    else:
        lines.append("  To replace it (apply deletes the pool only while it has no users): "
                     + hint)
    return "\n".join(lines)


def check_pinned(plan: Plan, *, plan_file: str | None, checksum: str | None) -> None:
    """Apply only the plan that was reviewed (README: "applies exactly the plan
    that was reviewed, or refuses"): ``planfile.check_pinned``."""
    planfile.check_pinned(plan, plan_file=plan_file, checksum=checksum)


def execute(
    plan: Plan,
    session: AwsSession,
    stop_requested: Callable[[], bool] = lambda: False,
    config: Config | None = None,
    result: ApplyResult | None = None,
    progress: Progress = NO_PROGRESS,
) -> ApplyResult:
    """Make the planned calls: pools concurrently (paced by quota), each pool's calls
    strictly in plan order (``_PoolApply``). ``stop_requested`` is asked between calls
    (Ctrl-C and SIGTERM set it): a call in flight always finishes. The first error stops
    every pool between two calls. With ``config``, each pool is read back and planned
    again as soon as its own calls are done, so its reads overlap other pools' writes
    (see ``verify``). ``result`` (a new one when None) is filled as calls are made, so a
    caller holds what was applied whatever happens. ``progress`` hears of one unit per
    planned call made.

    Raises ApplyIncomplete when anything is left undone, when a pool was refused by a
    rail (users appeared before a delete: exit 3), lost a create to another run, or
    when a stop was requested at all, even after the last call (a Ctrl-C is never
    ignored). A second Ctrl-C (KeyboardInterrupt) stops without waiting for the rest,
    and is reported the same way."""
    result = result if result is not None else ApplyResult(plan)
    lock = threading.Lock()
    failed: list[str] = []

    def stop() -> bool:
        return stop_requested() or bool(failed)

    listings = {region: _SharedListing(session.cognito(region))
                for region in {pool.region for pool in plan.pools}}
    runs = [_PoolApply(pool, session.cognito(pool.region), result, lock, stop, failed, config,
                       listings[pool.region], progress)
            for pool in plan.pools if any(o.calls for o in pool.objects)]
    # Each pool is read back once its calls are made: a unit of the stage too (the line
    # would otherwise stand at N of N while the reads go on).
    progress.phase("Applying", sum(len(o.calls) for run in runs for o in run.pool.objects)
                   + len(runs), "calls and read-backs")
    try:
        _parallel([run.run for run in runs], session.workers)
    except KeyboardInterrupt:
        raise ApplyIncomplete(result, "; ".join([
            "interrupted again: stopped without waiting for the rest",
            *failed, *result.conflicts, *result.refused]), interrupted=True) from None
    # Every cause is said; the exit code is the worst: an error, then an interrupt,
    # then a rail.
    causes = failed + result.conflicts
    if causes:
        raise ApplyIncomplete(result, "; ".join(causes + result.refused))
    if stop_requested():
        made = "" if result.remaining() else " (every planned call had been made)"
        raise ApplyIncomplete(result, "; ".join([f"interrupted{made}", *result.refused]),
                              interrupted=True)
    if result.refused:
        raise ApplyIncomplete(result, "; ".join(result.refused), status="refused",
                              exit_code=SafetyRefusal.exit_code)
    if result.remaining():
        raise ApplyIncomplete(result, "interrupted", interrupted=True)
    return result


class _SharedListing:
    """The pools of one region, as listed after a given moment, shared by every pool of
    the run: each pool this run creates must be checked against a listing made after
    its CreateUserPool returned (``_PoolApply._settle``), but fifty pools created at
    once need not list the region fifty times (ListUserPools is in the UserPoolRead
    category, 15 requests per second: Cognito quotas page). Listings run one at a
    time; a pool waiting for one takes the latest if it began after the pool's
    moment, else makes a new one that then serves every pool waiting behind it."""

    def __init__(self, cognito: Cognito) -> None:
        self.cognito = cognito
        self.lock = threading.Lock()
        self.latest: tuple[float, list[dict[str, Any]]] | None = None  # (began, pools)

    def since(self, moment: float) -> list[dict[str, Any]]:
        """The region's pool summaries, listed by a ListUserPools pass that began at or
        after ``moment`` (``time.monotonic()``). Raises what the listing raises."""
        with self.lock:
            if self.latest is None or self.latest[0] < moment:
                began = time.monotonic()
                self.latest = (began, list(self.cognito.list_user_pools()))
            return self.latest[1]


class _PoolApply:
    """One pool's calls, in plan order, with the rails that must hold while they run
    (README, "Plans, apply and safety"):

    - Right before a DeleteUserPool (and before the first call of an object that ends in
      one: the domain goes before the pool), ListUsers asks for one user; a pool that has
      one is not deleted, whatever the plan said minutes ago (the confirmation prompt can
      wait for a long time). The pool stops there: refused, exit 3.
    - An UpdateUserPool that switched deletion protection off for a delete is undone
      (protection on again) when the delete does not follow: a later call failed, the
      run was interrupted, or users appeared. The report says whether that worked.
    - Right after its CreateUserPool, and again after the pool's last call, the run lists
      the pools of that name (``_settle``): Cognito does not keep names unique, so
      two runs may both have created it. The oldest copy is kept (``pools_by_age``); a
      run whose copy is not the oldest deletes its copy and stops that pool (exit 1:
      run apply again), and the run that keeps the oldest removes the newer copies it
      finds that poolsync created and nobody uses (a killed run's).
    """

    def __init__(self, pool: PoolPlan, cognito: Cognito, result: ApplyResult,
                 lock: threading.Lock, stop: Callable[[], bool], failed: list[str],
                 config: Config | None, listing: _SharedListing | None = None,
                 progress: Progress = NO_PROGRESS) -> None:
        self.pool, self.cognito, self.result = pool, cognito, result
        self.progress = progress
        self.listing = listing or _SharedListing(cognito)
        self.lock, self.stop, self.failed, self.config = lock, stop, failed, config
        self.resolved: dict[str, str] = {RUN_ID: result.run_id}
        self.own: Mapping[str, Any] | None = None  # the pool this run created
        self.unprotected: tuple[str, ApiCall] | None = None  # (address, the call)
        # What a check of the pool's name must list after (time.monotonic()): the end of
        # its CreateUserPool, then of its last call.
        self.moment = 0.0
        # The app clients this run created in a pool it did not create: (address, client).
        self.new_clients: list[tuple[str, Mapping[str, Any]]] = []

    def run(self) -> None:
        try:
            finished = self._calls()
        finally:
            self._restore_protection()
        if finished and self.own is not None:
            self.moment = time.monotonic()
            finished = self._settle(self.pool.name)
        elif finished and self.new_clients:
            finished = self._settle_clients()
        if finished and self.config is not None and not self.stop():
            self._read_back()

    # ---------------------------------------------------------------- the calls

    def _calls(self) -> bool:
        for obj in self.pool.objects:
            deletes = [c for c in obj.calls if c.operation == "DeleteUserPool"]
            if deletes and obj.calls[0] is not deletes[0] and not self._empty(obj, deletes[0]):
                return False
            previous = None
            for call in obj.calls:
                if self.stop() and not _recreates(previous, call):
                    return False
                previous = call
                if call.operation == "DeleteUserPool" and not self._empty(obj, call):
                    return False
                outcome = self._make(obj.address, call, removal=_is_removal(obj))
                if outcome == "gone":
                    break  # a copy another run removed already
                if outcome != "ok":
                    return False
                if call.operation == "CreateUserPool" and not self._settle(obj.address):
                    return False
        return True

    def _make(self, address: str, call: ApiCall, removal: bool = False) -> str:
        """One call: "ok", "gone" (a removal whose pool is already deleted), or
        "failed" (recorded: it stops every pool)."""
        try:
            self._send(address, call)
        except AwsError as exc:
            if removal and _gone(exc):
                self._event(f"{address}: already deleted (another run removed it)")
                self.progress.advance(f"{address}: {call.operation}: already deleted")
                return "gone"
            self.progress.step(f"{address}: {call.operation} failed ({exc.code})")
            self._fail(address, exc)
            return "failed"
        except PoolsyncError as exc:
            self.progress.step(f"{address}: {call.operation} failed")
            self._fail(address, exc)
            return "failed"
        self.progress.advance(f"{address}: {call.operation}")
        return "ok"

    def _send(self, address: str, call: ApiCall) -> None:
        """Send one call and record it (in flight, when a second Ctrl-C interrupts it);
        keep track of the pool it creates and of deletion protection switched off."""
        resolved = _resolve(call, self.resolved)
        try:
            response = self.cognito.call(resolved)
        except KeyboardInterrupt:
            with self.lock:
                self.result.in_flight.append((address, call.operation))
            raise
        with self.lock:
            self.result.applied.append((address, call.operation))
        params = resolved.params
        if (call.operation == "UpdateUserPool" and params.get("DeletionProtection") == "INACTIVE"
                and PROTECTION_OFF_BY_RUN in (params.get("UserPoolTags") or {})):
            self.unprotected = (address, resolved)
        elif call.operation == "DeleteUserPool":
            self.unprotected = None
        if call.operation == "CreateUserPoolClient":
            made = response["UserPoolClient"]
            self.resolved[client_placeholder(str(made["ClientName"]))] = str(made["ClientId"])
        if call.operation == "AddUserPoolClientSecret":
            added = response.get("ClientSecretDescriptor") or {}
            if added.get("ClientSecretId"):
                key = secret_id_placeholder(str(call.params["ClientId"]))
                self.resolved[key] = str(added["ClientSecretId"])
        if call.operation == "CreateUserPoolClient" and self.own is None:
            self.new_clients.append((address, response["UserPoolClient"]))
        elif call.operation == "CreateUserPool":
            self.moment = time.monotonic()
            self.own = response["UserPool"]
            self.resolved.update({POOL_ID: str(self.own["Id"]), POOL_ARN: str(self.own["Arn"])})
            with self.lock:
                self.result.created[(self.pool.region, self.pool.name)] = str(self.own["Id"])

    def _fail(self, address: str, exc: PoolsyncError) -> None:
        """Record a failed call (it stops every pool), unless it failed because another
        run deleted this run's new pool as a newer copy of its own (``_settle`` in that
        run): a conflict, which stops only this pool."""
        if (self.own is not None and isinstance(exc, AwsError) and _gone(exc)
                and self._describe(str(self.own["Id"])) is None):
            with self.lock:
                self.result.conflicts.append(
                    f"{address}: this run's copy of the pool ({self.own['Id']}) was deleted "
                    "while it was being set up, by another run that created the same pool "
                    "at the same time and kept an older copy; run plan, then apply again")
            self.own = None
            return
        with self.lock:
            self.failed.append(f"{address}: {exc}")

    def _describe(self, pool_id: str) -> Mapping[str, Any] | None:
        try:
            return self.cognito.describe_user_pool(pool_id)
        except PoolsyncError:
            return {}  # unknown: not taken for gone

    def _event(self, text: str) -> None:
        with self.lock:
            self.result.events.append(text)

    # ---------------------------------------------------------------- users

    def _empty(self, obj: Any, delete: ApiCall) -> bool:
        """Whether the pool a DeleteUserPool names still has no user (asked now)."""
        pool_id = str(_resolve(delete, self.resolved).params["UserPoolId"])
        try:
            users = self.cognito.has_users(pool_id)
        except AwsError as exc:
            if _is_removal(obj) and _gone(exc):
                return True  # gone already: the delete says so
            self._fail(obj.address, exc)
            return False
        except PoolsyncError as exc:
            self._fail(obj.address, exc)
            return False
        if users:
            with self.lock:
                self.result.refused.append(
                    f"{obj.address}: the pool {pool_id} has users now (they signed up after "
                    "the plan was made); poolsync never deletes a pool with users, so this "
                    "pool was stopped here and nothing more was done to it")
        return not users

    # ---------------------------------------------------------------- protection

    def _restore_protection(self) -> None:
        """Switch deletion protection on again when the delete it was switched off for
        did not happen; say what came of it either way."""
        if self.unprotected is None:
            return
        address, call = self.unprotected
        self.unprotected = None
        pool_id = call.params["UserPoolId"]
        tags = {k: v for k, v in (call.params.get("UserPoolTags") or {}).items()
                if k != PROTECTION_OFF_BY_RUN}
        restore = replace(call, params={**call.params, "DeletionProtection": "ACTIVE",
                                        "UserPoolTags": tags})
        try:
            self.cognito.call(restore)
        except AwsError as exc:
            if not _gone(exc):
                self._protection_left_off(address, pool_id, exc)
            return  # gone: deleted meanwhile (a copy another run removed too)
        except (PoolsyncError, KeyboardInterrupt) as exc:
            self._protection_left_off(address, pool_id, exc)
            return
        with self.lock:
            self.result.protection_restored = True
        self._event(f"{address}: deletion protection of the pool {pool_id} was switched off "
                    "for a delete that did not happen; it was switched back on")

    def _protection_left_off(self, address: str, pool_id: str, exc: BaseException) -> None:
        self._event(
            f"DELETION PROTECTION IS OFF for the pool {pool_id} ({address}): it was "
            "switched off for a delete that did not happen, and switching it back on "
            f"failed ({exc or 'interrupted'}). The next plan of this pool switches it "
            "back on (apply it), or switch it on in the console now.")

    # ---------------------------------------------------------------- one name, one pool

    def _settle(self, address: str) -> bool:
        """After this run created the pool: is its copy the one kept? Lists the pools of
        the name (this run's copy counted even if the list does not show it yet). Not the
        oldest: delete this run's copy (no user in it: asked first) and stop the pool;
        it does not re-plan against the kept pool, which the run that created it is still
        filling (two writers in one pool could create an app client twice: names are not
        unique). The oldest: remove the newer copies poolsync created that nobody uses
        (their runs stop by this same rule; a killed run's copy has no run left)."""
        assert self.own is not None
        own_id = str(self.own["Id"])
        try:
            listed = [s for s in self.listing.since(self.moment)
                      if s["Name"] == self.pool.name]
        except PoolsyncError as exc:
            self._fail(address, exc)
            return False
        copies = pools_by_age([*(s for s in listed if s["Id"] != own_id), self.own])
        keeper = str(copies[0]["Id"])
        if keeper == own_id:
            for newer in copies[1:]:
                outcome = self._remove_copy(str(newer["Id"]), only_strays=True)
                where = f"{self.pool.name}/copies/{newer['Id']}"
                if outcome == "deleted":
                    self._event(f"{where}: removed a newer pool named {self.pool.name!r} "
                                "that poolsync created (a run that raced this one, or one "
                                "stopped during CreateUserPool), with no users")
                elif outcome != "gone":
                    self._event(f"{where}: another pool named {self.pool.name!r} exists and "
                                f"was kept ({outcome}); the next plan says what to do")
            return True
        outcome = self._remove_copy(own_id, only_strays=False)
        what = {"deleted": "deleted its own copy", "gone": "found its own copy deleted"}.get(
            outcome, f"could NOT delete its own copy ({outcome}): two pools have this name "
                     "until one is deleted by hand")
        with self.lock:
            self.result.conflicts.append(
                f"{self.pool.name}: another run created a pool named {self.pool.name!r} at "
                f"the same time ({keeper}, the oldest, is kept); this run {what} ({own_id}) "
                "and did nothing more to this pool: run plan, then apply again")
        self.own = None
        return False

    def _settle_clients(self) -> bool:
        """After the pool's last call: is each app client this run created the only one
        of its name? Cognito does not keep client names unique (botocore
        CreateUserPoolClient has no error for a name in use), so two applies adding one
        client to an existing pool at once both create it, and every later plan stops on
        the duplicate (``kinds.client.read_all``). A run whose client is not older than every
        other of its name deletes it (just made: no app uses its id yet) and says so
        (exit 1). A tie (CreationDate has whole seconds in some answers) costs both
        copies when both runs see it: the next apply creates the client once; never
        two left. One ListUserPoolClients per pool; none
        for a pool this run created, which no other run writes to (``_settle``)."""
        pool_id = str(self.new_clients[0][1]["UserPoolId"])
        try:
            listed = self.cognito.list_clients(pool_id)
        except PoolsyncError as exc:
            self._fail(self.new_clients[0][0], exc)
            return False
        settled = True
        for address, own in self.new_clients:
            others = [c for c in listed if c["ClientName"] == own["ClientName"]
                      and c["ClientId"] != own["ClientId"]]
            if not others:
                continue
            copies = []
            for other in others:
                try:
                    copies.append(self.cognito.describe_client(pool_id, str(other["ClientId"])))
                except AwsError as exc:
                    if not _gone(exc):  # gone: the run that kept the oldest removed it
                        self._fail(address, exc)
                        return False
                except PoolsyncError as exc:
                    self._fail(address, exc)
                    return False
            mine = _created_at(own)
            earlier = [c for c in copies if _created_at(c) <= mine]
            if not earlier:
                # Kept. The newer ones are another run's, made while this one ran: their
                # runs remove them too, but one may have looked before this client was
                # listed (a create is dated before it is visible), so remove them here.
                for newer in copies:
                    if _same_moment(own, newer):
                        self._remove_client(address, pool_id, str(newer["ClientId"]))
                continue
            keeper = min(earlier, key=_created_at)
            try:
                self._send(address, ApiCall("DeleteUserPoolClient", {
                    "UserPoolId": pool_id, "ClientId": own["ClientId"]}))
                what = "deleted its own"
            except AwsError as exc:
                what = ("found its own deleted by that run" if _gone(exc) else
                        f"could NOT delete its own ({exc}): delete one by hand")
            except PoolsyncError as exc:
                what = f"could NOT delete its own ({exc}): delete one by hand"
            with self.lock:
                self.result.conflicts.append(
                    f"{address}: another run created an app client named "
                    f"{own['ClientName']!r} at the same time ({keeper['ClientId']}, the "
                    f"oldest, is kept); this run {what} ({own['ClientId']}): run plan, then "
                    "apply again")
            settled = False
        return settled

    def _remove_client(self, address: str, pool_id: str, client_id: str) -> None:
        """Delete a newer duplicate of a client this run created; gone already is fine."""
        try:
            self._send(f"{address}/copies/{client_id}", ApiCall("DeleteUserPoolClient", {
                "UserPoolId": pool_id, "ClientId": client_id}))
        except AwsError as exc:
            if not _gone(exc):
                self._event(f"{address}: a newer client of this name ({client_id}) is left: "
                            f"{exc}")
            return
        except PoolsyncError as exc:
            self._event(f"{address}: a newer client of this name ({client_id}) is left: {exc}")
            return
        self._event(f"{address}: removed a newer app client of this name ({client_id}) "
                    "that another run created at the same time")

    def _remove_copy(self, pool_id: str, *, only_strays: bool) -> str:
        """Delete one copy of the pool (``plan.removal_calls``), users asked for first:
        "deleted", "gone" (deleted already), or why it was kept. ``only_strays``: only a
        copy poolsync created that Cognito counts no user in. Never stops the run: a copy
        left is removed by the next plan (``_find_by_name``)."""
        described = self._describe(pool_id)
        if described is None:
            return "gone"
        if not described:
            return "it could not be read"
        if only_strays and not is_stray_copy(described):
            return "it has users, or poolsync did not create it"
        address = f"{self.pool.name}/copies/{pool_id}"
        try:
            if self.cognito.has_users(pool_id):
                return "it has users"
            for call in removal_calls(described):
                self._send(address, call)
        except AwsError as exc:
            if _gone(exc):
                return "gone"
            return str(exc)
        except PoolsyncError as exc:
            return str(exc)
        finally:
            self._restore_protection()
        return "deleted"

    # ---------------------------------------------------------------- read back

    def _read_back(self) -> None:
        """Read the pool back and plan it again (``verify`` reads again what fails here)."""
        assert self.config is not None
        pool = self.pool
        pool_id = self.resolved.get(POOL_ID) or pool.pool_id
        cfg = next(c for c in self.config.pools if (c.region, c.name) == (pool.region, pool.name))
        try:
            again = plan_pool(cfg, _read_pool(self.cognito, cfg, pool_id))
        except PoolsyncError as exc:
            with self.lock:
                self.result.unverified[(pool.region, pool.name)] = str(exc)
            self.progress.advance(f"read {pool.name} in {pool.region} back: failed")
            return
        self.progress.advance(f"read {pool.name} in {pool.region} back")
        with self.lock:
            self.result.verified[(pool.region, pool.name)] = again


# Two creates this close together are two runs racing, not a person adding a client.
RACE_WINDOW = timedelta(minutes=5)


def _same_moment(own: Mapping[str, Any], other: Mapping[str, Any]) -> bool:
    """Whether ``other`` was created within RACE_WINDOW after ``own``."""
    mine, theirs = own.get("CreationDate"), other.get("CreationDate")
    if not (isinstance(mine, datetime) and isinstance(theirs, datetime)):
        return False
    return timedelta(0) <= theirs - mine <= RACE_WINDOW


def _created_at(client: Mapping[str, Any]) -> str:
    """A client's CreationDate, comparable (botocore parses it to a datetime)."""
    created: Any = client.get("CreationDate")
    return str(created.isoformat()) if isinstance(created, datetime) else str(created or "")


def _recreates(previous: ApiCall | None, call: ApiCall) -> bool:
    """The CreateUserPool right after a replacement's DeleteUserPool: made even when a
    stop was asked for meanwhile (Ctrl-C, SIGTERM, another pool's error), so that a
    stop never leaves the name without a pool; what follows it stops as usual."""
    return (previous is not None and previous.operation == "DeleteUserPool"
            and call.operation == "CreateUserPool")


def _gone(exc: AwsError) -> bool:
    return exc.code == "ResourceNotFoundException"


def _is_removal(obj: Any) -> bool:
    """A planned deletion of a whole pool (a stray copy), not a replacement: if the pool
    is already gone, another run did the work."""
    return bool(obj.kind == "pool" and obj.action is Action.DELETE)


def _resolve(call: ApiCall, created: Mapping[str, str]) -> ApiCall:
    """Put the id and ARN of the pool created earlier in this run where the plan said
    POOL_ID and POOL_ARN, the id of each app client created earlier in this run where
    it said ``kinds.base.client_placeholder(NAME)``, and the id of each client secret
    added earlier in this run where it said ``kinds.base.secret_id_placeholder``."""
    if not created:
        return call
    return replace(call, params=_substitute(call.params, created))


def _substitute(value: Any, created: Mapping[str, str]) -> Any:
    if isinstance(value, str):
        if value in created:
            return created[value]
        if "${poolsync:" in value:  # a placeholder inside a value (a secret's record tag)
            # The longest first: a secret's placeholder may hold a client's.
            for key in sorted(created, key=len, reverse=True):
                value = value.replace(key, created[key])
        return value
    if isinstance(value, Mapping):
        return {k: _substitute(v, created) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, created) for v in value]
    return value


def verify(config: Config, session: AwsSession, result: ApplyResult,
           stop_requested: Callable[[], bool] = lambda: False,
           progress: Progress = NO_PROGRESS) -> Plan:
    """Read the changed pools back and plan them again: anything left is "did not
    converge". Pools ``execute`` already planned again are not read twice; pools the
    plan left alone are not read at all. A read that fails, or a stop asked for, is an
    ApplyIncomplete carrying the report of what was applied (every call was).
    ``progress`` hears of one unit per pool read here ("Verifying")."""
    changed = [p for p in result.plan.pools if any(o.calls for o in p.objects)]
    missing = [p for p in changed if (p.region, p.name) not in result.verified]
    try:
        if missing and not stop_requested():
            ids = {(p.region, p.name): p.pool_id for p in missing if p.pool_id}
            ids.update(result.created)
            keys = {(p.region, p.name) for p in missing}
            subset = replace(config, pools=tuple(c for c in config.pools
                                                 if (c.region, c.name) in keys))
            live = read_live(subset, session, ids, progress, phase="Verifying")
            for pool in plan_config(subset, live).pools:
                result.verified[(pool.region, pool.name)] = pool
    except PoolsyncError as exc:
        raise ApplyIncomplete(
            result, f"every planned call was made, but reading the pools back failed: {exc}",
            status="not verified", headline="apply not verified") from exc
    except KeyboardInterrupt:
        raise ApplyIncomplete(result, "interrupted again while reading the pools back (every "
                              "planned call was made)", interrupted=True) from None
    if stop_requested():
        raise ApplyIncomplete(result, "interrupted while reading the pools back (every "
                              "planned call was made)", interrupted=True)
    from poolsync.masking import mask_plan  # the message and the sign-in URLs are output

    again = mask_plan(Plan(tuple(result.verified.get((p.region, p.name), p)
                                 for p in result.plan.pools)), config)
    if again.has_changes:
        raise NotConverged(
            f"apply made every planned call ({len(result.applied)}), but the pools did not "
            "converge; still different:\n" + render_text(again)
        )
    return again
