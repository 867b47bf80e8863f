"""Drift: how the live pools differ from the configuration, per object, read-only.

A drift report is a view of a plan (the same comparison), phrased for the nightly job:
each object is IN_SYNC, MODIFIED (live differs), MISSING (in the file, not live) or
UNMANAGED (live, not in the file), with each field's expected and live value, the
command that reverts the drift and the one that accepts it.
"""

from __future__ import annotations

import enum
import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from poolsync.kinds import all_kinds, part_by_kind
from poolsync.model import MISSING, NOT_REPORTED, Action, FieldChange, ObjectPlan, Plan
from poolsync.planfile import FORMAT_VERSION


class DriftState(enum.Enum):
    IN_SYNC = "IN_SYNC"
    MODIFIED = "MODIFIED"
    MISSING = "MISSING"
    UNMANAGED = "UNMANAGED"


@dataclass(frozen=True)
class ObjectDrift:
    address: str
    state: DriftState
    fields: tuple[FieldChange, ...]  # before = live, after = expected
    accept: str  # the command that turns the live state into configuration

    def to_dict(self) -> dict[str, Any]:
        fields = []
        for change in self.fields:
            data = change.to_dict()
            shown = {}
            if change.sensitive and change.shown is not None:
                # What the file writes (``${env:...}`` in place of what it stands for).
                live, expected = (_plain(v) for v in change.shown)
                shown = {"shown": {"expected": expected, "live": live}}
            fields.append({"path": data["path"], "expected": data["after"],
                           "live": data["before"], "sensitive": data["sensitive"], **shown})
        return {"address": self.address, "state": self.state.value, "fields": fields,
                "accept": self.accept}


@dataclass(frozen=True)
class DriftReport:
    objects: tuple[ObjectDrift, ...]
    revert: str
    # The --pool patterns the drift was read with (Plan.targets): a drift of some pools
    # says so, as a targeted plan does.
    targets: tuple[str, ...] = ()

    @property
    def has_drift(self) -> bool:
        return any(o.state is not DriftState.IN_SYNC for o in self.objects)

    def counts(self) -> dict[str, int]:
        out = {s.value: 0 for s in DriftState}
        for o in self.objects:
            out[o.state.value] += 1
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "format_version": FORMAT_VERSION,
            "summary": {"has_drift": self.has_drift, "counts": self.counts()},
            "objects": [o.to_dict() for o in self.objects],
            "revert": self.revert,
            **({"targets": list(self.targets)} if self.targets else {}),
        }


def _plain(value: Any) -> Any:
    return None if value is MISSING or value is NOT_REPORTED else value


def _state(obj: ObjectPlan, pool_replaced: bool) -> DriftState:
    """An object recreated because its pool is replaced drifted only if it differs from
    the live one: it is compared with the live pool whatever the pool's own plan is."""
    if obj.unmanaged:
        return DriftState.UNMANAGED
    if obj.action is Action.NOOP:
        return DriftState.IN_SYNC
    if pool_replaced and obj.kind == "mfa" and obj.action is Action.CREATE:
        # Set again on the new pool; its changes compare the file with the live pool.
        return DriftState.MODIFIED if obj.changes else DriftState.IN_SYNC
    if obj.action is Action.CREATE:
        return DriftState.MISSING
    if pool_replaced and obj.kind != "pool":
        if obj.action is Action.DELETE:
            return DriftState.UNMANAGED
        if obj.action is Action.REPLACE and not obj.changes:
            return DriftState.IN_SYNC
    return DriftState.MODIFIED


def _accept(region: str, pool_id: str | None, pool_name: str, obj: ObjectPlan,
            options: Sequence[str] = ()) -> str:
    """The export of just this object, to paste into the file: its part of the pool
    (export.PARTS); a schema attribute (``POOL/schema/custom:x``) is in the pool's
    settings (``Schema``). ``options``: the account options the drift ran with
    (``--profile``), so the export reads the same account."""
    if pool_id is None:
        return "(the pool does not exist: nothing to accept)"
    if _is_stray_copy(pool_name, obj):
        return ("(a second pool of this name left by a raced or interrupted apply: "
                "nothing to accept; apply deletes it)")
    part = obj.address[len(pool_name) + 1:] if obj.address != pool_name else "settings"
    if obj.kind == "attribute":
        part = "settings"
    kind = part_by_kind(obj.kind)
    if kind is not None and not kind.exported:
        return (f"(nothing to accept: {kind.key} is a policy the file holds, not a setting "
                "Cognito keeps)")
    if kind is not None and not kind.per_client:
        part = kind.key  # one per pool: its items are not exported alone
    words = ["poolsync", "export", "--region", region, "--pool-id", pool_id, "--only", part,
             *(w for option, value in zip(options[::2], options[1::2], strict=True)
               if option == "--profile" for w in (option, value))]
    return shlex.join(words)


def _is_stray_copy(pool_name: str, obj: ObjectPlan) -> bool:
    """A pool object at an address other than the pool's own: a newer copy of the pool
    that apply removes (plan.stray_removal, ``POOL/copies/ID``)."""
    return obj.kind == "pool" and obj.address != pool_name


# What ``--prune`` deletes (``Kind.prunes``: live items of a managed kind that the file
# does not list). A custom attribute is unmanaged too, but no API removes one.
PRUNABLE = frozenset(k.kind for k in all_kinds() if k.prunes)


def revert_command(plan: Plan, paths: str | Sequence[str],
                   options: Sequence[str] = ()) -> str:
    """The apply that makes the pools match the files again, ready to run where no one
    can answer a prompt (the nightly job): ``--yes``, and ``--prune`` when items the
    file does not list are live (else they would stay). ``paths`` as given (a sequence
    is shell-quoted; a string is taken as already quoted); ``options`` are the global
    options the drift ran with (``--profile``, ``--region``), so the apply reads the
    same account and region."""
    words = shlex.join(paths) if not isinstance(paths, str) else paths
    prune = any(obj.unmanaged and obj.kind in PRUNABLE
                for pool in plan.pools for obj in pool.objects)
    flags = ["--yes", *(["--prune"] if prune else []), *options]
    return f"poolsync apply {words} {shlex.join(flags)}"


def drift_report(plan: Plan, paths: str | Sequence[str],
                 options: Sequence[str] = ()) -> DriftReport:
    """The plan as drift (``DriftState`` per object) with the commands that revert it
    (``revert_command``) and accept each object (an ``export --only``)."""
    objects = []
    for pool in plan.pools:
        replaced = pool.replaced
        for obj in pool.objects:
            # The region and id as outputs show them: written, when from ${env:...}.
            accept = _accept(pool.shown_region or pool.region,
                             pool.shown_pool_id or pool.pool_id, pool.name, obj, options)
            objects.append(ObjectDrift(obj.address, _state(obj, replaced), obj.changes,
                                       accept))
    return DriftReport(tuple(objects), revert_command(plan, paths, options), plan.targets)
