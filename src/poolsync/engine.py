"""The use cases: validate, plan, apply. Each reads, calls the pure core, and (for apply)
executes the planned calls. No printing, no click: the CLI renders what comes back."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any, TypeVar

from poolsync import planfile
from poolsync.aws import AwsSession, Cognito
from poolsync.children import written_secrets
from poolsync.config import load_config
from poolsync.errors import LiveStateError, NotConverged, PoolsyncError, SafetyRefusal
from poolsync.model import (
    POOL_ARN,
    POOL_ID,
    Action,
    ApiCall,
    Config,
    Plan,
    PoolConfig,
    PoolPlan,
    render_path,
)
from poolsync.normalize import poolsync_tags
from poolsync.plan import LivePool, plan_config, plan_pool
from poolsync.plan_children import LiveChildren
from poolsync.render import render_text

PoolKey = tuple[str, str]  # (region, name)
T = TypeVar("T")


def validate(paths: Collection[str], region: str | None = None) -> Config:
    """Offline: schema and rule checks; ``${env:...}`` references checked, not resolved."""
    return load_config(list(paths), region=region)


def load(paths: Collection[str], environ: Mapping[str, str], region: str | None = None) -> Config:
    """For plan and apply: ``${env:...}`` references resolved (their values are secrets)."""
    return load_config(list(paths), environ=environ, region=region)


def with_prune(config: Config) -> Config:
    """``--prune``: as if every pool said ``prune: true``."""
    return replace(config, pools=tuple(replace(p, prune=True) for p in config.pools))


def secrets(config: Config) -> set[str]:
    """Every value no output may show: ``${env:...}`` values and secrets in the file."""
    found: set[str] = set()
    for pool in config.pools:
        found |= pool.secrets | written_secrets(pool.identity_providers, pool.clients)
    return found


# --------------------------------------------------------------------------- reading


def read_live(
    config: Config, session: AwsSession, ids: Mapping[PoolKey, str] | None = None
) -> dict[PoolKey, LivePool | None]:
    """Find each pool (by ``id``, else by name with one ListUserPools pass per region) and
    read it with DescribeUserPool and GetUserPoolMfaConfig."""
    ids = dict(ids or {})
    unpinned_regions = sorted(
        {p.region for p in config.pools if not (p.id or ids.get((p.region, p.name)))}
    )
    by_name = dict(zip(unpinned_regions, _parallel(
        [partial(_index_by_name, session.cognito(region)) for region in unpinned_regions],
        session.workers,
    ), strict=True))
    keys = [(pool.region, pool.name) for pool in config.pools]
    pool_ids = [pool.id or ids.get(key) or _unique_id(pool, by_name[pool.region])
                for pool, key in zip(config.pools, keys, strict=True)]
    # Pools are read concurrently; the pacer keeps every category under its quota.
    found = _parallel([
        partial(_read_pool, session.cognito(pool.region), pool, pool_id)
        for pool, pool_id in zip(config.pools, pool_ids, strict=True)
    ], session.workers)
    return dict(zip(keys, found, strict=True))


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


def _index_by_name(cognito: Cognito) -> dict[str, list[str]]:
    index: dict[str, list[str]] = {}
    for summary in cognito.list_user_pools():
        index.setdefault(str(summary["Name"]), []).append(str(summary["Id"]))
    return index


def _unique_id(pool: PoolConfig, index: Mapping[str, list[str]]) -> str | None:
    ids = index.get(pool.name, [])
    if len(ids) > 1:
        raise LiveStateError(
            f"{len(ids)} pools are named {pool.name!r} in {pool.region} ({', '.join(ids)}): "
            f"pool names are not unique in Cognito, so pin the one to manage with "
            f"'id: <pool id>' under pools.{pool.name}"
        )
    return ids[0] if ids else None


def _read_pool(cognito: Cognito, pool: PoolConfig, pool_id: str | None) -> LivePool | None:
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
    mfa = cognito.get_user_pool_mfa_config(pool_id)
    return LivePool(described, mfa, _read_children(cognito, pool, described))


def _read_children(cognito: Cognito, pool: PoolConfig, described: Mapping[str, Any]
                   ) -> LiveChildren:
    """Read only the collections the file manages, or needs to check a client's
    references and print its sign-in URL (and the domain when the file sets the tier:
    managed login needs ESSENTIALS); no per-item call where the list already carries the
    data (groups, resource servers)."""
    pool_id = str(described["Id"])
    clients = pool.clients is not None
    named = [c for c in (pool.clients or {}).values() if isinstance(c, Mapping)]
    providers: dict[str, Mapping[str, Any]] | None = None
    if pool.identity_providers is not None:
        providers = {str(p["ProviderName"]): cognito.describe_provider(pool_id,
                                                                        str(p["ProviderName"]))
                     for p in cognito.list_providers(pool_id)}
    elif any(set(c.get("SupportedIdentityProviders") or []) - {"COGNITO"} for c in named):
        # Only to check that the providers a client names exist: names are enough.
        providers = {str(p["ProviderName"]): p for p in cognito.list_providers(pool_id)}
    scopes_named = any("/" in str(s) for c in named for s in c.get("AllowedOAuthScopes") or [])
    hosted_ui = any({"code", "implicit"} & set(c.get("AllowedOAuthFlows") or []) for c in named)
    groups = ({str(g["GroupName"]): g for g in cognito.list_groups(pool_id)}
              if pool.groups is not None else None)
    if providers is None and any(name.startswith(f"{pool_id}_") for name in groups or ()):
        # Only to tell Cognito's federation groups from ordinary ones: names are enough.
        providers = {str(p["ProviderName"]): p for p in cognito.list_providers(pool_id)}
    return LiveChildren(
        pool_id=pool_id,
        pool_arn=str(described.get("Arn", "")),
        fingerprints=poolsync_tags(described),
        clients={str(c["ClientName"]): cognito.describe_client(pool_id, str(c["ClientId"]))
                 for c in cognito.list_clients(pool_id)} if clients else None,
        providers=providers,
        domains=tuple(
            d for d in (cognito.describe_domain(str(described[key]))
                        for key in ("Domain", "CustomDomain")
                        if described.get(key) and (pool.domain is not None or hosted_ui
                                                    or "UserPoolTier" in pool.settings))
            if d is not None
        ),
        groups=groups,
        resource_servers={str(r["Identifier"]): r for r in cognito.list_resource_servers(pool_id)}
        if pool.resource_servers is not None or scopes_named else None,
    )


def read_for_export(
    session: AwsSession, region: str, *, pool_id: str | None = None, name: str | None = None
) -> list[LivePool]:
    """The pools ``export`` asks for (one by id, one by name, or every pool of the
    region), each read whole: settings, MFA and every sub-resource collection."""
    cognito = session.cognito(region)
    if pool_id is not None:
        ids = [pool_id]
    elif name is not None:
        ids = _index_by_name(cognito).get(name, [])
        if not ids:
            raise LiveStateError(f"no pool named {name!r} in {region}")
        if len(ids) > 1:
            raise LiveStateError(
                f"{len(ids)} pools are named {name!r} in {region} ({', '.join(ids)}): "
                "export one with --pool-id"
            )
    else:
        ids = [str(summary["Id"]) for summary in cognito.list_user_pools()]
    # Pools are read concurrently; the pacer keeps every category under its quota.
    return _parallel([partial(_read_whole_pool, cognito, region, i) for i in ids],
                     session.workers)


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
    return _read_children(cognito, whole, described)


# --------------------------------------------------------------------------- planning


def plan(config: Config, session: AwsSession) -> Plan:
    """Read, then plan. A pool whose plan is a replacement is read whole first: the
    replacement deletes everything in it, and the plan lists each such object, whether
    the file manages its collection or not."""
    live = read_live(config, session)
    result = plan_config(config, live)
    replaced = [(pool, live[(pool.region, pool.name)]) for pool in result.pools
                if pool.pool_id and pool.replaced]
    if replaced:
        for pool, found in replaced:
            assert found is not None
            live[(pool.region, pool.name)] = replace(found, children=_read_all_children(
                session.cognito(pool.region), found.pool))
        result = plan_config(config, live)
    return _refuse_taken_domains(result, session)


def _refuse_taken_domains(plan: Plan, session: AwsSession) -> Plan:
    """A prefix domain is unique in its region: creating one that another pool holds
    fails ("Domain already associated with another user pool": serverless/serverless
    #10135) after the pool's earlier calls were made. One DescribeUserPoolDomain per
    domain the plan creates tells, before any write."""
    pools = []
    for pool in plan.pools:
        objects = []
        for obj in pool.objects:
            create = next((c for c in obj.calls if c.operation == "CreateUserPoolDomain"), None)
            if create is not None:
                name = str(create.params.get("Domain"))
                held = session.cognito(pool.region).describe_domain(name)
                owner = (held or {}).get("UserPoolId")
                if owner and owner != pool.pool_id:
                    obj = replace(obj, action=Action.CANNOT_APPLY, calls=(),
                                  where=("domain", "Domain"), reason=(
                                      f"the domain {name} already belongs to another user "
                                      f"pool ({owner}) in {pool.region}; choose another"))
            objects.append(obj)
        pools.append(replace(pool, objects=tuple(objects)))
    return replace(plan, pools=tuple(pools))


# --------------------------------------------------------------------------- applying


@dataclass
class ApplyResult:
    plan: Plan
    applied: list[tuple[str, str]] = field(default_factory=list)  # (address, operation)
    created: dict[PoolKey, str] = field(default_factory=dict)
    verified: dict[PoolKey, PoolPlan] = field(default_factory=dict)  # planned again

    def remaining(self) -> list[tuple[str, str]]:
        """The planned calls not made, in plan order (each pool's calls are made in
        order; pools run concurrently)."""
        made = Counter(self.applied)
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

        return {"applied": rows(self.applied), "not_applied": rows(self.remaining())}


class ApplyIncomplete(PoolsyncError):
    """Apply stopped midway: an error, or an interrupt between two calls. Carries exactly
    what was applied and what was not; running apply again converges, and nothing
    applied is undone."""

    def __init__(self, result: ApplyResult, cause: str, interrupted: bool = False):
        self.result = result
        self.interrupted = interrupted
        self.exit_code = 130 if interrupted else 1
        done = "\n".join(f"  done      {a}: {op}" for a, op in result.applied) or "  (none)"
        left = "\n".join(f"  not done  {a}: {op}" for a, op in result.remaining())
        super().__init__(
            f"apply stopped: {cause}\nApplied:\n{done}\nNot applied:\n{left}\n"
            "Nothing applied is undone. Run plan to see what is left (it plans from the "
            "live state), fix the cause if the error names one, then apply again."
        )


def blocked(plan: Plan, allow_replace: Collection[str], config: Config | None = None
            ) -> list[str]:
    """What apply would refuse in this plan, from the plan alone: objects that cannot
    be applied, and replacements the command line does not allow (README, "Exit codes").
    ``plan`` fails a PR check on these, before the merge does. With ``config``, each
    object that cannot be applied is shown at the file:line:col it comes from."""
    pools = {(p.region, p.name): p for p in (config.pools if config else ())}
    refusals = []
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
            if obj.kind != "pool":
                # Recreated with its pool: the pool's own consent covers it.
                if not pool.replaced and obj.address not in allow_replace:
                    refusals.append(
                        f"{obj.address}: needs replacement: {obj.reason}. "
                        + " ".join(obj.notes)
                        + f"\n  To replace it: poolsync apply ... --allow-replace {obj.address}"
                    )
            elif not _allowed(pool, allow_replace):
                refusals.append(_replacement_refusal(pool, obj.reason, obj.notes))
    return refusals


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
                config: Config | None = None) -> None:
    """Refuse, before any write, what a safety rail forbids (README, "Plans, apply and
    safety"): what
    ``blocked`` finds, and an allowed replacement of a pool that has users."""
    refusals = blocked(plan, allow_replace, config)
    for pool in plan.pools:
        for obj in pool.objects:
            if (obj.kind == "pool" and obj.action is Action.REPLACE
                    and _allowed(pool, allow_replace) and pool.pool_id
                    and _has_users(pool, session)):
                refusals.append(
                    f"{obj.address}: needs replacement ({obj.reason}), and the pool has users; "
                    "poolsync never deletes a pool with users in it, even with --allow-replace. "
                    + " ".join(obj.notes[2:])
                )
    if refusals:
        raise SafetyRefusal("apply refused, nothing was changed:\n" + "\n".join(refusals))


def _allowed(pool: PoolPlan, allow_replace: Collection[str]) -> bool:
    return pool.name in allow_replace or f"{pool.region}/{pool.name}" in allow_replace


def _has_users(pool: PoolPlan, session: AwsSession) -> bool:
    if pool.estimated_users:
        return True
    assert pool.pool_id is not None
    return session.cognito(pool.region).has_users(pool.pool_id)


def _replacement_refusal(pool: PoolPlan, reason: str, notes: tuple[str, ...]) -> str:
    return "\n".join(
        [
            f"{pool.name}: needs replacement: {reason}.",
            *(f"  {n}" for n in notes),
            f"  To replace an empty pool anyway: poolsync apply ... --allow-replace {pool.name}",
        ]
    )


def check_pinned(plan: Plan, *, plan_file: str | None, checksum: str | None) -> None:
    """Apply only the plan that was reviewed (README: "applies exactly the plan
    that was reviewed, or refuses")."""
    fresh = planfile.checksum(plan)
    saved = planfile.read_plan(plan_file) if plan_file else None
    expected = saved["checksum"] if saved else checksum
    if fresh == expected:
        return
    detail = ""
    if saved is not None:
        detail = "\n".join(f"  {d}" for d in planfile.differences(saved, plan))
        detail = "\nWhat differs:\n" + (detail or "  (the reviewed file was edited)")
    raise SafetyRefusal(
        f"the fresh plan is not the reviewed one (reviewed {expected}, now {fresh}): the "
        f"live pools or the files changed since the review; nothing was changed.{detail}\n"
        "Review the new plan and apply it with its checksum."
    )


def execute(
    plan: Plan,
    session: AwsSession,
    stop_requested: Callable[[], bool] = lambda: False,
    config: Config | None = None,
) -> ApplyResult:
    """Make the planned calls: pools concurrently (paced by quota), each pool's calls
    strictly in plan order. ``stop_requested`` is asked between calls (Ctrl-C and SIGTERM
    set it): a call in flight always finishes. The first error stops every pool between
    two calls. With ``config``, each pool is read back and planned again as soon as its
    own calls are done, so its reads overlap other pools' writes (see ``verify``)."""
    result = ApplyResult(plan)
    lock = threading.Lock()
    failed: list[str] = []

    def stop() -> bool:
        return stop_requested() or bool(failed)

    def apply_pool(pool: PoolPlan) -> None:
        cognito = session.cognito(pool.region)
        created: dict[str, str] = {}
        for obj in pool.objects:
            for call in obj.calls:
                if stop():
                    return
                try:
                    response = cognito.call(_resolve(call, created))
                except PoolsyncError as exc:
                    with lock:
                        failed.append(f"{obj.address}: {exc}")
                    return
                with lock:
                    result.applied.append((obj.address, call.operation))
                if call.operation == "CreateUserPool":
                    created = {POOL_ID: str(response["UserPool"]["Id"]),
                               POOL_ARN: str(response["UserPool"]["Arn"])}
                    with lock:
                        result.created[(pool.region, pool.name)] = created[POOL_ID]
        if config is not None and not stop():
            pool_id = created.get(POOL_ID) or pool.pool_id
            cfg = next(c for c in config.pools if (c.region, c.name) == (pool.region, pool.name))
            again = plan_pool(cfg, _read_pool(cognito, cfg, pool_id))
            with lock:
                result.verified[(pool.region, pool.name)] = again

    _parallel([partial(apply_pool, pool) for pool in plan.pools
               if any(o.calls for o in pool.objects)], session.workers)
    if failed:
        raise ApplyIncomplete(result, "; ".join(failed))
    if result.remaining():
        raise ApplyIncomplete(result, "interrupted", interrupted=True)
    return result


def _resolve(call: ApiCall, created: Mapping[str, str]) -> ApiCall:
    """Put the id and ARN of the pool created earlier in this run where the plan said
    POOL_ID and POOL_ARN."""
    if not created:
        return call
    return replace(call, params=_substitute(call.params, created))


def _substitute(value: Any, created: Mapping[str, str]) -> Any:
    if isinstance(value, str):
        return created.get(value, value)
    if isinstance(value, Mapping):
        return {k: _substitute(v, created) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, created) for v in value]
    return value


def verify(config: Config, session: AwsSession, result: ApplyResult) -> Plan:
    """Read the changed pools back and plan them again: anything left is "did not
    converge". Pools ``execute`` already planned again are not read twice; pools the
    plan left alone are not read at all."""
    changed = [p for p in result.plan.pools if any(o.calls for o in p.objects)]
    missing = [p for p in changed if (p.region, p.name) not in result.verified]
    if missing:
        ids = {(p.region, p.name): p.pool_id for p in missing if p.pool_id}
        ids.update(result.created)
        keys = {(p.region, p.name) for p in missing}
        subset = replace(config, pools=tuple(c for c in config.pools
                                             if (c.region, c.name) in keys))
        for pool in plan_config(subset, read_live(subset, session, ids)).pools:
            result.verified[(pool.region, pool.name)] = pool
    again = Plan(tuple(result.verified.get((p.region, p.name), p) for p in result.plan.pools))
    if again.has_changes:
        raise NotConverged(
            "apply finished but the pools did not converge; still different:\n"
            + render_text(again)
        )
    return again
