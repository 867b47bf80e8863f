"""Plans rendered for people. One value in (``Plan``), text out; no AWS, no click.

JSON and markdown renderings come with the GitOps workflow; they render the same value.
"""

from __future__ import annotations

import json
from typing import Any

from poolsync.drift import DriftReport, DriftState
from poolsync.model import (
    MISSING,
    NOT_REPORTED,
    Action,
    FieldChange,
    ObjectPlan,
    Plan,
    PoolPlan,
    render_path,
)

SYMBOL = {
    Action.NOOP: "=",
    Action.CREATE: "+",
    Action.UPDATE: "~",
    Action.DELETE: "-",
    Action.REPLACE: "-/+",
    Action.CANNOT_APPLY: "!",
}
UNMANAGED_SYMBOL = "?"
_COLOUR = {
    Action.CREATE: "32",
    Action.UPDATE: "33",
    Action.DELETE: "31",
    Action.REPLACE: "31;1",
    Action.CANNOT_APPLY: "31;1",
}
SENSITIVE = "(sensitive)"


def format_value(value: Any) -> str:
    if value is MISSING:
        return "(not set)"
    if value is NOT_REPORTED:
        return "(not reported by Cognito)"
    return json.dumps(value, separators=(", ", ": "), ensure_ascii=False, default=str)


def format_change(change: FieldChange) -> str:
    path = render_path(change.path)
    marker = "  (forces replacement)" if change.forces_replacement else ""
    if change.sensitive:
        return f"{path}: (sensitive, changed){marker}"
    before = format_value(change.before)
    if change.to_default:
        default = "not set" if change.after is MISSING else format_value(change.after)
        after = f"default ({default})"
    else:
        after = format_value(change.after)
    return f"{path}: {before} → {after}{marker}"


def _paint(text: str, action: Action, color: bool) -> str:
    code = _COLOUR.get(action)
    return f"\033[{code}m{text}\033[0m" if color and code else text


def render_object(obj: ObjectPlan, color: bool = False) -> list[str]:
    symbol = UNMANAGED_SYMBOL if obj.unmanaged else SYMBOL[obj.action]
    action = "unmanaged" if obj.unmanaged else obj.action.value
    head = f"{symbol} {obj.address}: {action}"
    if obj.reason:
        head += f" ({obj.reason})"
    lines = ["  " + _paint(head, obj.action, color)]
    lines += [f"      {format_change(c)}" for c in obj.changes]
    lines += [f"    ! {note}" for note in obj.notes]
    return lines


def render_pool(pool: PoolPlan, color: bool = False) -> list[str]:
    where = f"{pool.region}, {pool.pool_id}" if pool.pool_id else f"{pool.region}, new"
    lines = [f"{pool.name} ({where})"]
    for obj in pool.objects:
        lines += render_object(obj, color)
    lines += render_sign_in_urls(pool)
    return lines


def render_sign_in_urls(pool: PoolPlan) -> list[str]:
    """The hosted UI, one click away (clients with the code or implicit flow)."""
    return [f"  Hosted UI sign-in for {name}: {url}" for name, url in pool.sign_in_urls]


def summary_line(plan: Plan) -> str:
    counts = plan.counts()
    if not plan.has_changes:
        unmanaged = counts["unmanaged"]
        if unmanaged:
            return (f"No changes to apply. {unmanaged} live object(s) are not in the files "
                    "(? above): add them to the files, or prune them.")
        return "No changes. The live pools match the configuration."
    parts = [
        f"{counts[a.value]} to {a.value}"
        for a in (Action.CREATE, Action.UPDATE, Action.REPLACE, Action.DELETE)
    ]
    text = "Plan: " + ", ".join(parts) + "."
    if counts[Action.CANNOT_APPLY.value]:
        text += f" {counts[Action.CANNOT_APPLY.value]} cannot be applied."
    return text


def render_text(plan: Plan, color: bool = False, digest: str | None = None) -> str:
    lines: list[str] = []
    for pool in plan.pools:
        lines += render_pool(pool, color)
        lines.append("")
    lines.append(summary_line(plan))
    if digest:
        lines.append(f"Checksum: {digest}")
    return "\n".join(lines) + "\n"


def format_expected_live(change: FieldChange) -> str:
    """A drifted field: what the file expects and what the pool has."""
    path = render_path(change.path)
    if change.sensitive:
        return f"{path}: (sensitive, differs)"
    return f"{path}: expected {format_value(change.after)}, live {format_value(change.before)}"


def render_drift_text(report: DriftReport) -> str:
    lines = []
    for obj in report.objects:
        lines.append(f"{obj.state.value:<10} {obj.address}")
        lines += [f"    {format_expected_live(c)}" for c in obj.fields]
    counts = report.counts()
    lines.append("")
    if not report.has_drift:
        lines.append(f"No drift: {counts['IN_SYNC']} object(s) in sync.")
    else:
        lines.append(f"Drift: {counts['MODIFIED']} modified, {counts['MISSING']} missing, "
                     f"{counts['UNMANAGED']} unmanaged, {counts['IN_SYNC']} in sync.")
        lines.append(f"Revert (make the pools match the files): {report.revert}")
        accepts = dict.fromkeys(o.accept for o in report.objects
                                if o.state is not DriftState.IN_SYNC)
        for accept in accepts:
            lines.append(f"Accept (bring the live settings into the files): {accept}")
    return "\n".join(lines) + "\n"
