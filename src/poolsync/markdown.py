"""Plans rendered as one pull-request comment (GitHub markdown).

Layout: a hidden marker line (to find and update the comment), a title stating the
worst outcome, a table of the objects that change, a "needs attention" block with the
exact override flag, one collapsible diff per object, and a footer with the counts,
the checksum and the exact apply command. GitHub refuses comments over 65,536
characters: low-risk detail (the diffs of creates and updates) goes first, never the
table or the attention block.

The footer fits the plan: with no changes the comment says so once (its title) and
offers no apply command; a blocked plan (an object that cannot be applied) offers no
apply command and no checksum; a replacement's apply command carries its
``--allow-replace`` flags, so the command shown is the one that runs.

GitHub renders this with cmark-gfm, where an HTML block (``<details>``) runs until
the next blank line: every ``</details>`` is followed by a blank line, or the
markdown after it (``---``, the summary) shows as raw text
(tests/test_markdown_render.py renders every kind of comment with cmark-gfm).

Names, keys, reasons and values come from files and from live pools (anyone with
console access names an unmanaged client): none may break the comment, inject HTML, a
link, an image or a mention, or end a code block early. Text outside code goes through
``_text`` (control characters escaped, then HTML and markdown punctuation as
character references); a name in a code span through ``_code``; code blocks get a fence
longer than any run of backticks inside (``_fence``).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence

from poolsync.drift import DriftReport, DriftState
from poolsync.model import MISSING, Action, FieldChange, ObjectPlan, Plan, render_path
from poolsync.plan import override_address
from poolsync.planfile import checksum
from poolsync.render import (
    SYMBOL,
    UNMANAGED_SYMBOL,
    format_expected_live,
    format_value,
    header_lines,
    printable,
    shown_values,
    sources,
    summary_line,
)

GITHUB_LIMIT = 65_536
_LOW_RISK = (Action.CREATE, Action.UPDATE, Action.NOOP)


def title(plan: Plan) -> str:
    objects = plan.objects
    if any(o.action is Action.CANNOT_APPLY for o in objects):
        return "Blocked: a change cannot be applied"
    if any(o.action is Action.REPLACE for o in objects):
        return "Replacement needed"
    changes = sum(1 for o in objects if o.action.is_change)
    if changes:
        return f"{changes} change{'s' if changes != 1 else ''}"
    unmanaged = sum(1 for o in objects if o.unmanaged)
    if unmanaged:
        return f"No changes; {unmanaged} unmanaged object{'s' if unmanaged != 1 else ''}"
    return "No changes"


def _shown(plan: Plan) -> list[ObjectPlan]:
    return [o for o in plan.objects if o.action.is_change or o.unmanaged]


# Characters that HTML or GitHub markdown act on in running text: tags and entities,
# table cells, code spans, emphasis and strike-through, links and images, escapes, and
# @mentions (which notify people). Written as character references, they show as
# themselves. "_" inside a word, "(", "#" and ":" are inert there and kept readable.
_ACTIVE = re.compile(r"[&<>|`*\[\]~\\@]")


def _text(text: str) -> str:
    """Untrusted text for a table cell, a list item or HTML: one line, shown as is."""
    return _ACTIVE.sub(lambda m: f"&#{ord(m.group())};", printable(text))


def _cell(text: str) -> str:
    return _text(text)


def _code(text: str) -> str:
    """A name as inline code: a code span when it holds nothing HTML or markdown acts
    on, else ``<code>`` with the text escaped (a backtick would end the span, a pipe
    the table cell; ``<details>`` is best not in the comment's source at all)."""
    shown = printable(text)
    if _ACTIVE.search(shown) or not shown.strip():
        return f"<code>{_text(shown)}</code>"
    return f"`{shown}`"


def _fence(lines: Sequence[str]) -> str:
    """A code fence no line can close: longer than any run of backticks inside."""
    longest = max((len(run) for line in lines for run in re.findall("`+", line)), default=0)
    return "`" * max(3, longest + 1)


def _table(objects: Sequence[ObjectPlan]) -> list[str]:
    if not objects:
        return ["The live pools match the configuration."]
    rows = ["| | Object | Action | Why |", "|---|---|---|---|"]
    for o in objects:
        symbol = UNMANAGED_SYMBOL if o.unmanaged else SYMBOL[o.action]
        action = "unmanaged" if o.unmanaged else o.action.value
        rows.append(f"| `{symbol}` | {_code(o.address)} | {action} | {_cell(o.reason)} |")
    return rows


def _attention(objects: Sequence[ObjectPlan], command: str, plan: Plan | None = None
               ) -> list[str]:
    """What a reviewer must look at. ``command``: the apply command of the footer, without
    ``--checksum``; a replacement it already allows says so, another gets the command
    with its own ``--allow-replace`` added."""
    pools = {o.address: p for p in (plan.pools if plan else ()) for o in p.objects}
    lines = []
    for o in objects:
        pool = pools.get(o.address)
        if o.action is Action.REPLACE and pool is not None and o.kind != "pool" and (
                pool.replaced):
            continue  # created again with its pool: the pool's line covers it
        if o.action is Action.REPLACE:
            # What apply does with the override (engine.blocked): a pool with users is
            # never deleted, so it gets no override.
            address = override_address(plan, pool, o) if plan and pool else o.address
            flag = f"--allow-replace {shlex.quote(address)}"
            if o.kind == "pool" and pool is not None and pool.estimated_users:
                override = ("No override: Cognito estimates "
                            f"{pool.estimated_users} user(s) in it, and poolsync never "
                            "deletes a pool with users.")
            elif f" {flag} " in f" {command} ":
                override = f"Allowed by {_code(flag)} (in the apply command below)."
            else:
                extra = " (only for a pool without users)" if o.kind == "pool" else ""
                override = f"Override{extra}: {_code(f'{command} {flag}')}"
            lines.append(f"- **{_code(o.address)} needs replacement**: {_cell(o.reason)}. "
                         + override)
            lines += [f"  - {_cell(n)}" for n in o.notes]
        elif o.action is Action.CANNOT_APPLY:
            lines.append(f"- **{_code(o.address)} cannot be applied**: {_cell(o.reason)}")
        elif o.unmanaged:
            lines.append(f"- {_code(o.address)} is not in the configuration: kept. Add it to "
                         "the file, or delete it with `prune: true` or `--prune`.")
    # Changes that make a poolsync check rule fail (docs/check.md, "weakens").
    lines += [f"- **{_code(o.address)} weakens security**: {_cell(w.text)}"
              for o in objects for w in o.weakens]
    return ["### Needs attention", "", *lines] if lines else []


def _details(o: ObjectPlan, full: bool) -> list[str]:
    action = "unmanaged" if o.unmanaged else o.action.value
    head = f"<details><summary><code>{_text(o.address)}</code>: {action}</summary>"
    if not full:
        return [head, "", "_Diff left out to fit GitHub's comment size; see the JSON plan._",
                "", "</details>"]
    body = [line for c in o.changes for line in _diff_lines(c)] or [
        f"  {printable(o.reason or action)}"]
    fence = _fence(body)
    return [head, "", f"{fence}diff", *body, fence, "", "</details>"]


def _diff_lines(change: FieldChange) -> list[str]:
    """A field as GitHub colours a diff: live value removed, desired value added."""
    path = printable(render_path(change.path))
    marker = "  (forces replacement)" if change.forces_replacement else ""
    shown = shown_values(change)
    if shown is None:
        return [f"! {path}: (sensitive, changed){printable(sources(change))}{marker}"]
    before, after = shown
    lines = [] if before is MISSING else [f"- {path}: {format_value(before)}"]
    text_after = format_value(after) if after is not MISSING else "(not set)"
    note = " (default)" if change.to_default else ""
    return [*lines, f"+ {path}: {text_after}{note}{marker}"]


def _allow_replace(plan: Plan) -> list[str]:
    """The ``--allow-replace`` flags apply needs for this plan's replacements: the pool
    when it is replaced (its sub-resources go with it), else each replaced object
    (engine.blocked)."""
    flags = []
    for pool in plan.pools:
        for o in pool.objects:
            if o.action is Action.REPLACE and (o.kind == "pool" or not pool.replaced):
                flags.append(f"--allow-replace {shlex.quote(override_address(plan, pool, o))}")
    return flags


def _refused(plan: Plan) -> bool:
    """Whether apply refuses ``plan`` whatever its options (an object that cannot be
    applied, a replaced pool with users): engine.blocked's verdict when the caller has
    none."""
    return any(o.action is Action.CANNOT_APPLY for o in plan.objects) or any(
        p.replaced and p.estimated_users for p in plan.pools)


def _footer(plan: Plan, command: str, blocked: bool) -> list[str]:
    """Counts, checksum and the apply command, as far as the plan has them (see above).
    The hidden checksum line is what poolsync-apply.yml reads after the merge."""
    digest = checksum(plan)
    pin = f"<!-- poolsync checksum: {digest} -->"
    if not plan.has_changes:  # the title says "No changes"; nothing to apply
        return [pin]
    if blocked:  # apply would refuse it: no command, no checksum to apply it by
        return ["---", "", summary_line(plan), "",
                "Nothing can be applied as planned: see **Needs attention**, resolve what "
                "it names, and plan again."]
    command = " ".join([command, "--checksum", digest, "--yes"])
    which = ("Apply exactly this plan, replacements included (read **Needs attention** "
             "first): " if plan.counts()[Action.REPLACE.value] else "Apply exactly this plan: ")
    return ["---", "", summary_line(plan), "", f"Checksum: `{digest}`", "",
            which + _code(command), "", pin]


def _join(*blocks: Sequence[str]) -> str:
    """Blocks of lines with one blank line between them, empty blocks left out. The
    blank line ends an HTML block such as ``</details>``: without it, the markdown
    that follows would show as raw text."""
    return "\n\n".join("\n".join(block) for block in blocks if block) + "\n"


def render_markdown(plan: Plan, marker: str, paths: str, *, command: str | None = None,
                    blocked: bool | None = None) -> str:
    """The plan as a pull-request comment. ``command``: the apply command that makes this
    plan, without ``--checksum`` and ``--yes`` (the CLI's: paths, ``--pool``,
    ``--prune``, the account options and the ``--allow-replace`` flags given to plan);
    by default ``poolsync apply PATHS`` with a flag for each replacement. ``blocked``:
    whether apply would refuse the plan (engine.blocked; by default, only what no
    option allows)."""
    if command is None:
        command = " ".join([f"poolsync apply {paths}", *_allow_replace(plan)])
    blocked = _refused(plan) if blocked is None else blocked
    objects = _shown(plan)
    head = [f"<!-- poolsync plan: {_comment(marker)} -->",
            f"## poolsync plan: {_text(marker)}: {title(plan)}", "", *_header(plan),
            *_table(objects)]
    attention = _attention(objects, command, plan)
    footer = _footer(plan, command, blocked)
    # Cut low-risk detail first, largest first, until the comment fits.
    full = {o.address: True for o in objects}
    ordered = sorted((o for o in objects if o.action in _LOW_RISK),
                     key=lambda o: -len(o.changes))
    while True:
        details = [_details(o, full[o.address]) for o in objects]
        text = _join(head, attention, *details, footer)
        if len(text) <= GITHUB_LIMIT or not ordered:
            break
        for o in ordered[: max(1, len(ordered) // 4)]:
            full[o.address] = False
        ordered = ordered[max(1, len(ordered) // 4):]
    if len(text) > GITHUB_LIMIT:  # even the summaries are too many: drop the details
        text = _join(head, attention, footer)
    return text


def _header(plan: Plan) -> list[str]:
    """The plan's header lines (render.header_lines: ``--pool``, the fallback region),
    one paragraph each."""
    return [line for text in header_lines(plan) for line in (_text(text), "")]


def _comment(text: str) -> str:
    """Text inside an HTML comment: one line that cannot end the comment (``-->`` and
    ``--!>`` both need a ``>``)."""
    return printable(text).replace(">", "&gt;")


def render_drift_markdown(report: DriftReport, marker: str) -> str:
    counts = report.counts()
    drifted = [o for o in report.objects if o.state is not DriftState.IN_SYNC]
    heading = (f"{len(drifted)} object(s) drifted" if report.has_drift
               else "in sync")
    blocks: list[list[str]] = [[f"<!-- poolsync drift: {_comment(marker)} -->",
                                f"## poolsync drift: {_text(marker)}: {heading}"]]
    if drifted:
        table = ["| State | Object | Fields |", "|---|---|---|"]
        for o in drifted:
            fields = ", ".join(_code(render_path(c.path)) for c in o.fields) or "-"
            table.append(f"| {o.state.value} | {_code(o.address)} | {fields} |")
        blocks.append(table)
        for o in drifted:
            if o.fields:
                body = [format_expected_live(c) for c in o.fields]
                fence = _fence(body)
                blocks.append([f"<details><summary><code>{_text(o.address)}</code>: "
                               f"{o.state.value}</summary>", "", fence, *body, fence, "",
                               "</details>"])
        commands = ["- Revert (make the pools match the files): "
                    + _code(report.revert)]
        for accept in dict.fromkeys(o.accept for o in drifted):
            commands.append("- Accept (bring the live settings into the files): "
                            + _code(accept))
        blocks.append(commands)
    blocks.append([f"{counts['MODIFIED']} modified, {counts['MISSING']} missing, "
                   f"{counts['UNMANAGED']} unmanaged, {counts['IN_SYNC']} in sync."])
    return _join(*blocks)
