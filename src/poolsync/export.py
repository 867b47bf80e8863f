"""Export: live pools as a config document whose plan is empty (README, "More": export).

Pure: takes what was read from Cognito (``LivePool`` values), returns a document. The
live state goes through the same canonical shapes the planner compares
(``normalize``/``kinds``), so every quirk absorbed there (legacy message fields,
``identities``, string constraints, token validity units, keys Cognito adds) is absorbed
here too. Then each value is reduced to what differs from Cognito's default, using the
planner's own defaults tables:

- a settings member at its default is left out (then it is not managed; leaving it out
  or writing the default plans the same), and so is every field at its default inside a
  member that is written (a field left out of a written member means the default);
- a field whose default is unknown (``UNKNOWN``) never makes a member non-default, but
  is written with its live value when the member is written (a by-link message, an SMS
  region), so a re-created pool gets it;
- secrets are never written: identity-provider ``client_secret`` and Apple's
  ``private_key`` (which Cognito never returns) become ``${env:...}`` placeholders named
  after their place; app client secrets are not exportable (``GenerateSecret: true``).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

from poolsync.kinds import exporters, part_keys, parts
from poolsync.kinds.base import ExportContext
from poolsync.model import MISSING, Path, render_path
from poolsync.normalize import UNKNOWN, CarriedUnlessWritten, WhenPresent, known_keys
from poolsync.plan import LivePool
from poolsync.yamlio import dump_yaml


@dataclass(frozen=True)
class Variable:
    """An environment variable the exported file needs, and the place that uses it."""

    name: str
    path: Path

    def __str__(self) -> str:
        return f"{self.name}  ({render_path(self.path)})"


@dataclass(frozen=True)
class Export:
    """The exported config document, the variables it needs, and notes for the user.

    ``withheld`` holds the secret values read from Cognito that the document replaced
    with placeholders: callers use it to redact, and must never print it."""

    document: dict[str, Any]
    variables: tuple[Variable, ...] = ()
    notes: tuple[str, ...] = ()
    withheld: frozenset[str] = field(default=frozenset(), repr=False)


@dataclass
class _Collected:
    variables: list[Variable] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    withheld: set[str] = field(default_factory=set)


def export_pools(pools: Sequence[LivePool], region: str, *, pin_ids: bool = False) -> Export:
    """Live pools of one region as a version-1 config document. Pool names must be
    unique (the config names pools by region and name): pools that share a name are
    left out, with a note."""
    collected = _Collected()
    by_name: dict[str, list[LivePool]] = {}
    for live in pools:
        by_name.setdefault(str(live.pool["Name"]), []).append(live)
    out: dict[str, Any] = {}
    for name, found in sorted(by_name.items()):
        if len(found) > 1:
            ids = ", ".join(sorted(p.id for p in found))
            collected.notes.append(
                f"not exported: {len(found)} pools are named {name!r} in {region} ({ids}); "
                "poolsync names a pool by region and name, so rename all but one first"
            )
            continue
        out[name] = _export_pool(found[0], region, pin_id=pin_ids, collected=collected)
    document = {"version": 1, "pools": out}
    return Export(document, tuple(collected.variables), tuple(collected.notes),
                  frozenset(collected.withheld))


# What ``--only`` takes: every kind's config key.
PARTS = (*(key for key, _ in exporters()), *part_keys())


def check_part(part: str) -> tuple[str, str]:
    """``--only KIND`` as (member, item): ``settings``, ``mfa``, ``domain``, a whole
    collection (``clients``) or one of its items (``clients/web``). ValueError for
    anything else, before any AWS call."""
    member, slash, item = part.partition("/")
    singletons = ("settings", "mfa", "domain", *(p.key for p in parts() if not p.per_client))
    if member not in PARTS or (slash and (not item or member in singletons)):
        raise ValueError(f"cannot export only {part!r}: give one of {', '.join(PARTS)}, "
                         "or COLLECTION/NAME (e.g. clients/web)")
    return member, item


def select(export: Export, part: str) -> Export:
    """Only one part of each pool (``--only``): ``settings``, ``mfa``, ``domain``, or one
    item of a collection such as ``clients/web`` — what ``drift`` offers to accept.
    Pools without that part are left out; ValueError when no pool has it (a misspelt
    item would otherwise export nothing and succeed), naming what the pools do have."""
    member, item = check_part(part)
    pools: dict[str, Any] = {}
    for name, body in export.document["pools"].items():
        value = body.get(member)
        if item:
            value = {item: value[item]} if isinstance(value, dict) and item in value else None
        if value is not None:
            pools[name] = {**{k: body[k] for k in ("region", "id") if k in body},
                           member: value}
    if not pools and export.document["pools"]:
        raise ValueError(f"cannot export only {part!r}: {_lacks(export, member, item)}")
    inside = (member, item) if item else (member,)
    variables = tuple(v for v in export.variables if v.path[2:2 + len(inside)] == inside)
    return replace(export, document={**export.document, "pools": pools}, variables=variables)


def _lacks(export: Export, member: str, item: str) -> str:
    """What the pools have instead of ``member``/``item``, for the error."""
    bodies = export.document["pools"]
    which = "the pool has no" if len(bodies) == 1 else "no pool has"
    if not item:
        return f"{which} {member}"
    names = sorted({str(n) for body in bodies.values()
                    for n in (body.get(member) or {})})
    found = (f"its {member}: {', '.join(names)}" if names else f"it has no {member}")
    if len(bodies) > 1:
        found = (f"their {member}: {', '.join(names)}" if names else f"they have no {member}")
    return f"{which} {member}/{item} ({found})"


def _export_pool(
    live: LivePool, region: str, *, pin_id: bool = False, collected: _Collected | None = None
) -> dict[str, Any]:
    """One pool's config body: region, then what each kind exports (kinds.exporters(),
    then kinds.parts()): every part the pool has, so that plan of the export manages
    them."""
    collected = collected if collected is not None else _Collected()
    name = str(live.pool["Name"])
    body: dict[str, Any] = {"region": region}
    if pin_id:
        body["id"] = live.id
    for key, export_from in exporters():
        value = export_from(live, collected)
        if value is not None:
            body[key] = value
    kids = live.children
    context = ExportContext(name, region, kids.clients or {},
                            partial(_part_variable, collected, name), collected.notes.append)
    for part in parts():
        if part.export is None:
            continue
        value = part.export(kids.others.get(part.key), context)
        if value is not None:
            body[part.key] = value
    return body


def _part_variable(collected: _Collected, pool: str, path: tuple[str | int, ...], name: str,
                   note: str) -> str:
    """A value a part leaves to ``${env:NAME}``: recorded for the export's list of
    variables to set; returns the placeholder to write."""
    collected.variables.append(Variable(name, ("pools", pool, *path)))
    if note:
        collected.notes.append(note)
    return f"${{env:{name}}}"


# --------------------------------------------------------------------------- defaults


def _minimal(default: Any, value: Any, root: str, path: Path) -> tuple[Any, bool]:
    """``value`` without what equals ``default`` (MISSING when all of it does), and
    whether anything left differs from a known default. A live key the input model does
    not know (a newer Cognito field) is left out: the planner ignores it too, and the
    document must stay valid."""
    if default is UNKNOWN:
        return copy.deepcopy(value), False
    presence_matters = default is MISSING or isinstance(
        default, WhenPresent | CarriedUnlessWritten)
    if isinstance(default, WhenPresent | CarriedUnlessWritten):
        default = dict(default.inner)
    if isinstance(value, Mapping):
        base = default if isinstance(default, Mapping) else {}
        known = known_keys(root, path)
        out: dict[str, Any] = {}
        significant = False
        for key in sorted(value):
            if known is not None and key not in known:
                continue
            kept, differs = _minimal(base.get(key, MISSING), value[key], root, (*path, key))
            if kept is not MISSING:
                out[key] = kept
                significant = significant or differs
        if not out and not presence_matters:
            return MISSING, False
        return out, significant
    if value == default:
        return MISSING, False
    if isinstance(value, list):
        return [_named_first(v) if isinstance(v, Mapping) else v for v in value], True
    return copy.deepcopy(value), True


def _named_first(item: Mapping[str, Any]) -> dict[str, Any]:
    """A list item (recovery mechanism, scope) with its name first: ``{Name, Priority}``."""
    order = sorted(item, key=lambda k: (not k.endswith("Name"), k))
    return {k: copy.deepcopy(item[k]) for k in order}


def _member(default: Any, value: Any, root: str, member: str) -> Any:
    """A top-level member, or MISSING when leaving it out plans the same: it is at its
    default, or empty (not set), or differs only in fields of unknown default."""
    kept, significant = _minimal(default, value, root, (member,))
    if kept is MISSING or kept in ({}, []) or not significant:
        return MISSING
    return kept


# --------------------------------------------------------------------------- rendering


def render_export(export: Export) -> str:
    """The document as YAML, with a header naming the variables plan and apply need."""
    lines = ["# Exported by poolsync: only settings that differ from Cognito's defaults "
             "are written.", "#"]
    if export.variables:
        lines.append("# Set these environment variables before plan or apply:")
        lines += [f"#   {v}" for v in export.variables]
        lines.append("#")
    return "\n".join(lines) + "\n" + dump_yaml(export.document)
