"""Plans rendered for people. One value in (``Plan``), text out; no AWS, no click.

JSON and markdown renderings come with the GitOps workflow; they render the same value.

Names, keys and values come from files and from live pools (an unmanaged client named
by anyone with console access): every piece of text is printed with its control
characters escaped (``printable``), so no name can move the cursor, clear the screen
or print a fake "No changes" on a terminal. The paint is added after.
"""

from __future__ import annotations

import json
import re
from collections import Counter
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

# What a terminal would act on rather than show: C0 controls (ESC, CR, BS, newline...),
# DEL and C1 controls (CSI 0x9b among them), the Unicode line and paragraph separators,
# and the bidirectional overrides and isolates that reorder what is displayed
# ("Trojan Source", CVE-2021-42574).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200b-\u200f\u202a-\u202e"
                     "\u2060-\u2064\u2066-\u2069\ufeff]")


def printable(text: str, keep: str = "") -> str:
    """``text`` with every control character escaped as Python writes it (``\\x1b``,
    ``\\n``, ``\\u202e``), except those in ``keep`` (a message's own line breaks)."""
    def escape(match: re.Match[str]) -> str:
        char = match.group()
        return char if char in keep else char.encode("unicode_escape").decode("ascii")

    return _UNSAFE.sub(escape, text)


def format_value(value: Any) -> str:
    if value is MISSING:
        return "(not set)"
    if value is NOT_REPORTED:
        return "(not reported by Cognito)"
    return printable(json.dumps(value, separators=(", ", ": "), ensure_ascii=False,
                                default=str))


_REFERENCE = re.compile(r"\$\{env:[A-Za-z_][A-Za-z0-9_]*\}")


def shown_values(change: FieldChange) -> tuple[Any, Any] | None:
    """What a change may show of its values: both when it is not sensitive; for a
    sensitive one, the safe rendering masking gave it (values as written, with
    ``${env:...}`` in place of what it stands for) when that tells more than
    "(sensitive, changed)" does, else None: nothing."""
    if not change.sensitive:
        return change.before, change.after
    if change.shown is None or not any(_tells(value) for value in change.shown):
        return None
    return change.shown


def sources(change: FieldChange) -> str:
    """`` (from ${env:A}, ${env:B})``: the variables a sensitive change's value comes
    from, when masking knows them; else nothing."""
    if change.shown is None:
        return ""
    found = dict.fromkeys(_REFERENCE.findall(json.dumps(change.shown[1], default=str)))
    return f" (from {', '.join(found)})" if found else ""


def _tells(value: Any) -> bool:
    """Whether a masked value shows more than that it is secret: text written in the
    file, a list's other items, a map's keys."""
    if value is MISSING or value is NOT_REPORTED:
        return False
    if isinstance(value, str):
        return value != SENSITIVE and _REFERENCE.sub("", value) != ""
    if isinstance(value, dict):
        return bool(value)
    if isinstance(value, list | tuple):
        return any(_tells(item) for item in value)
    return True


def format_change(change: FieldChange) -> str:
    path = printable(render_path(change.path))
    marker = "  (forces replacement)" if change.forces_replacement else ""
    shown = shown_values(change)
    if shown is None:
        return f"{path}: (sensitive, changed){printable(sources(change))}{marker}"
    before, after = shown
    text_before = format_value(before)
    if change.to_default:
        default = "not set" if after is MISSING else format_value(after)
        text_after = f"default ({default})"
    else:
        text_after = format_value(after)
    delta = "" if change.sensitive else list_delta(before, after, ("added", "removed"))
    return f"{path}: {text_before} → {text_after}{delta}{marker}"


def list_delta(before: Any, after: Any, words: tuple[str, str]) -> str:
    """`` (added "c"; removed "b")``: what a changed list gained and lost, so the change
    in a long list of URLs or scopes can be read without comparing both by eye.
    ``words`` name the two sides (what ``after`` has that ``before`` lacks, then the
    reverse). Only when both are lists with an item in common (else the arrow says it
    all); `` (same items, new order)`` when only the order changed. Items are compared
    as JSON (a dict's key order does not matter) and counted (a repeated item counts).
    Not for a masked change: a shown ``(sensitive)`` item may stand for two values."""
    if not (isinstance(before, list | tuple) and isinstance(after, list | tuple)):
        return ""
    keys_before = Counter(_key(item) for item in before)
    keys_after = Counter(_key(item) for item in after)
    if not keys_before & keys_after:
        return ""
    gained = _items(after, keys_after - keys_before)
    lost = _items(before, keys_before - keys_after)
    if not gained and not lost:
        return " (same items, new order)" if list(before) != list(after) else ""
    parts = [f"{word} {', '.join(format_value(item) for item in items)}"
             for word, items in zip(words, (gained, lost), strict=True) if items]
    return f" ({'; '.join(parts)})"


def _key(item: Any) -> str:
    return json.dumps(item, sort_keys=True, default=str)


def _items(values: Any, wanted: Counter[str]) -> list[Any]:
    """The items of ``values`` that ``wanted`` counts, in their order in ``values``."""
    left, out = Counter(wanted), []
    for item in values:
        if left[_key(item)] > 0:
            left[_key(item)] -= 1
            out.append(item)
    return out


def _paint(text: str, action: Action, color: bool) -> str:
    code = _COLOUR.get(action)
    return f"\033[{code}m{text}\033[0m" if color and code else text


def render_object(obj: ObjectPlan, color: bool = False) -> list[str]:
    symbol = UNMANAGED_SYMBOL if obj.unmanaged else SYMBOL[obj.action]
    action = "unmanaged" if obj.unmanaged else obj.action.value
    head = f"{symbol} {printable(obj.address)}: {action}"
    if obj.reason:
        head += f" ({printable(obj.reason)})"
    lines = ["  " + _paint(head, obj.action, color)]
    lines += [f"      {format_change(c)}" for c in obj.changes]
    lines += [f"    ! {printable(note)}" for note in obj.notes]
    lines += [f"    ! weakens security: {printable(w.text)}" for w in obj.weakens]
    return lines


def pool_region(pool: PoolPlan) -> str:
    """The pool's region as outputs show it (as written, when it is ``${env:...}``)."""
    return pool.shown_region or pool.region


def pool_id(pool: PoolPlan) -> str | None:
    """The pool's id as outputs show it (as written, when it is ``${env:...}``)."""
    return pool.shown_pool_id or pool.pool_id


def render_pool(pool: PoolPlan, color: bool = False, verbose: bool = True) -> list[str]:
    """One pool's lines. Not ``verbose`` (the CLI's default), as ``terraform plan`` shows
    a plan: objects with nothing to do are counted, not listed, and a pool with nothing
    to do at all is one line, without its sign-in URLs (``poolsync output`` has them);
    what is unmanaged or cannot be applied is always listed."""
    region, shown_id = pool_region(pool), pool_id(pool)
    where = f"{region}, {shown_id}" if shown_id else f"{region}, new"
    head = printable(f"{pool.name} ({where})")
    # A no-op with a note (a rotation that waits, a member kept) is listed: the note
    # is what the reviewer must know.
    quiet = [] if verbose else [o for o in pool.objects
                                 if o.action is Action.NOOP and not o.unmanaged
                                 and not o.notes]
    if quiet and len(quiet) == len(pool.objects):
        return [f"{_paint('=', Action.NOOP, color)} {head}: no changes ({_objects(len(quiet))})"]
    lines = [head]
    for obj in pool.objects:
        if obj not in quiet:
            lines += render_object(obj, color)
    if quiet:
        lines.append(f"  ({_objects(len(quiet))} unchanged, not shown: -v shows them)")
    lines += render_sign_in_urls(pool)
    return lines


def _objects(count: int) -> str:
    return f"{count} object{'s' if count != 1 else ''}"


def render_sign_in_urls(pool: PoolPlan) -> list[str]:
    """The hosted UI, one click away (clients with the code or implicit flow)."""
    return [printable(f"  Hosted UI sign-in for {name}: {url}")
            for name, url in pool.sign_in_urls]


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


def header_lines(plan: Plan) -> list[str]:
    """What the plan covers, before its pools: the ``--pool`` patterns it was made with
    and how many pools of the files they left out, and the region of pools whose files
    name none with where it came from ("eu-west-1, from AWS_REGION"). Plain text,
    control characters escaped; none for a plan of every pool whose files name regions."""
    import shlex

    lines = []
    if plan.targets:
        options = " ".join(f"--pool {shlex.quote(t)}" for t in plan.targets)
        count = len(plan.pools)
        lines.append(f"Targeted with {options}: {count} pool(s) of "
                     f"{count + plan.untargeted}; the others are neither read nor changed.")
    if plan.region_default is not None:
        default = plan.region_default
        pools = ", ".join(default.pools)
        lines.append(f"Region {default.region}, from {default.source}, for the pools whose "
                     f"files name none: {pools}.")
    return [printable(line) for line in lines]


def render_text(plan: Plan, color: bool = False, digest: str | None = None,
                verbose: bool = True) -> str:
    """The plan as text (``render_pool`` for ``verbose``), its summary and checksum."""
    lines: list[str] = []
    header = header_lines(plan)
    if header:
        lines += [*header, ""]
    for pool in plan.pools:
        lines += render_pool(pool, color, verbose)
        lines.append("")
    lines.append(summary_line(plan))
    if digest:
        lines.append(f"Checksum: {digest}")
    return "\n".join(lines) + "\n"


def format_expected_live(change: FieldChange) -> str:
    """A drifted field: what the file expects and what the pool has."""
    path = printable(render_path(change.path))
    shown = shown_values(change)
    if shown is None:
        return f"{path}: (sensitive, differs){printable(sources(change))}"
    live, expected = shown
    delta = "" if change.sensitive else list_delta(live, expected, ("not live", "only live"))
    return f"{path}: expected {format_value(expected)}, live {format_value(live)}{delta}"


def render_drift_text(report: DriftReport) -> str:
    lines = []
    for obj in report.objects:
        lines.append(f"{obj.state.value:<10} {printable(obj.address)}")
        lines += [f"    {format_expected_live(c)}" for c in obj.fields]
    counts = report.counts()
    lines.append("")
    if not report.has_drift:
        lines.append(f"No drift: {counts['IN_SYNC']} object(s) in sync.")
    else:
        lines.append(f"Drift: {counts['MODIFIED']} modified, {counts['MISSING']} missing, "
                     f"{counts['UNMANAGED']} unmanaged, {counts['IN_SYNC']} in sync.")
        lines.append(printable(f"Revert (make the pools match the files): {report.revert}"))
        accepts = dict.fromkeys(o.accept for o in report.objects
                                if o.state is not DriftState.IN_SYNC)
        for accept in accepts:
            lines.append(printable(f"Accept (bring the live settings into the files): {accept}"))
    return "\n".join(lines) + "\n"
