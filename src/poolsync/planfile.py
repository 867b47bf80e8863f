"""The plan as a document: the JSON rendering, its checksum, and the check that pins an
apply to the plan that was reviewed.

``format_version`` is "MAJOR.MINOR": a minor version only adds fields, so a reader of
1.0 can read any 1.x document; a major version changes or removes fields. The JSON
Schema of the document is ``schema/plan.schema.json``. 1.1 added each object's
``secrets`` and the document's ``fingerprints``.

The checksum is a SHA-256 of the canonical JSON of what apply would do, taken from the
document itself (``checksum_view``), so it can be recomputed from a plan file alone:
the summary, each pool's identity (region, name, id; when the document shows a region
or id from ``${env:...}`` as written, also the fingerprint of the real ones), and each
object's address, kind, action, field changes, calls, and the fingerprints of every
secret its calls send (``secrets``: a provider's ``client_secret`` and Apple's
write-only ``private_key``, a written ``ClientSecret``), changed or not. It leaves out
prose that does not change the outcome (reasons, notes, sign-in URLs, user counts), so
an apply pinned to it refuses exactly when the live pools, the files or a secret moved
since the review.

A secret appears only as a fingerprint (``poolsync.fingerprint``: keyed, or slow and
salted with its location), and the checksum covers only those fingerprints and what
the document shows: it is no faster a way to test a guessed secret than the
fingerprints are.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from poolsync import __version__, fingerprint
from poolsync.errors import SafetyRefusal, UsageError
from poolsync.kinds import identity_provider
from poolsync.model import (
    MISSING,
    NOT_REPORTED,
    ObjectPlan,
    Plan,
    escape_unprintable,
    render_path,
    secret_location,
)

FORMAT_VERSION = "1.1"
# What the checksum covers of each object (everything else is prose).
_OBJECT_KEYS = ("address", "kind", "action", "unmanaged", "fields", "calls", "secrets")


class _Malformed(Exception):
    """A plan document whose structure is not the one poolsync writes."""


# --------------------------------------------------------------------------- writing


def plan_body(plan: Plan) -> dict[str, Any]:
    """The document's content (``Plan.to_dict`` with each object's ``secrets``), as it
    reads back from JSON: the checksum is taken over exactly what a file holds."""
    fingerprint.prefetch(_fingerprinted(plan))
    body = plan.to_dict()
    for pool_doc, pool in zip(body["pools"], plan.pools, strict=True):
        if (pool_doc["region"], pool_doc["pool_id"]) != (pool.region, pool.pool_id):
            # The document shows a region or id from ${env:...} as written: the real
            # ones are covered through their fingerprint.
            pool_doc["identity"] = fingerprint.fingerprint(
                [pool.region, pool.pool_id], f"{pool.name}:identity")
        for obj_doc, obj in zip(pool_doc["objects"], pool.objects, strict=True):
            obj_doc["secrets"] = sent_secrets(obj)
    body = {"fingerprints": {"scheme": fingerprint.scheme()}, **body}
    normalized: dict[str, Any] = json.loads(json.dumps(body, default=str))
    return normalized


def sent_secrets(obj: ObjectPlan) -> list[dict[str, Any]]:
    """Each secret ``obj``'s calls send, as the call's index and operation, the path in
    its request and the value's fingerprint (never the value)."""
    return [
        {"call": index, "operation": call.operation, "path": render_path(path),
         "fingerprint": fingerprint.fingerprint(value, secret_location(obj.address, path))}
        for index, call in enumerate(obj.calls)
        for path, value in identity_provider.sent_secrets(call.params)
    ]


def _fingerprinted(plan: Plan) -> list[tuple[Any, str]]:
    """Every (value, location) the document fingerprints, to compute them at once."""
    out: list[tuple[Any, str]] = []
    for obj in plan.objects:
        for change in obj.changes:
            if change.sensitive:
                where = secret_location(obj.address, change.path)
                out += [(v, where) for v in (change.before, change.after)
                        if v is not MISSING and v is not NOT_REPORTED]
        for call in obj.calls:
            out += [(v, secret_location(obj.address, p)) for p, v in identity_provider.sent_secrets(call.params)]
    return out


def checksum_view(body: dict[str, Any]) -> dict[str, Any]:
    """What the checksum covers, in a stable order, from a document (or ``plan_body``).
    Raises ``_Malformed`` when the document is not shaped like a plan."""
    pools = body.get("pools", [])
    if not isinstance(pools, list) or not all(isinstance(p, dict) for p in pools):
        raise _Malformed("pools is not a list of pools")
    view = []
    for pool in pools:
        objects = pool.get("objects", [])
        if not isinstance(objects, list) or not all(isinstance(o, dict) for o in objects):
            raise _Malformed(f"the objects of pool {_shown(pool.get('name'))} are not a list")
        view.append({
            "pool": [pool.get("region"), pool.get("name"), pool.get("pool_id"),
                     pool.get("identity")],
            "objects": [{key: obj.get(key) for key in _OBJECT_KEYS} for obj in objects],
        })
    covered = {"summary": body.get("summary"), "pools": view}
    if "targets" in body:  # a plan made with --pool: only then (older checksums hold)
        covered["targets"] = body["targets"]
    return covered


def _digest(view: dict[str, Any]) -> str:
    text = json.dumps(view, sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def checksum(plan: Plan) -> str:
    """``sha256:`` and 64 hex digits (the form ``apply --checksum`` takes)."""
    return _digest(checksum_view(plan_body(plan)))


def plan_document(plan: Plan, stats: dict[str, Any] | None = None) -> dict[str, Any]:
    """``stats`` (calls, retries and throttles per quota category) is added when given;
    it is not covered by the checksum."""
    body = plan_body(plan)
    document = {
        "format_version": FORMAT_VERSION,
        "poolsync_version": __version__,
        "checksum": _digest(checksum_view(body)),
        **body,
    }
    if stats is not None:
        document["stats"] = stats
    return document


def render_json(plan: Plan, stats: dict[str, Any] | None = None) -> str:
    return json.dumps(plan_document(plan, stats), indent=2, default=str) + "\n"


def write_plan(plan: Plan, path: str, stats: dict[str, Any] | None = None) -> None:
    Path(path).write_text(render_json(plan, stats))


# --------------------------------------------------------------------------- pinning


def read_plan(path: str) -> dict[str, Any]:
    """A saved plan (``plan --out``): JSON, a checksum, a format this poolsync reads.
    Whether its content is the plan its checksum names is ``check_pinned``'s part."""
    try:
        document: Any = json.loads(Path(path).read_text())
    except json.JSONDecodeError as exc:
        raise UsageError(f"cannot read the plan file {path}: not JSON ({exc})") from exc
    except (OSError, ValueError) as exc:  # ValueError: a number longer than any plan's
        reason = getattr(exc, "strerror", None) or "it holds a number of thousands of digits"
        raise UsageError(f"cannot read the plan file {path}: {reason}") from exc
    except RecursionError:  # json's decoder recurses per nesting level
        raise UsageError(f"cannot read the plan file {path}: it is nested deeper than "
                         "any plan poolsync writes") from None
    if not isinstance(document, dict) or not str(document.get("checksum", "")).startswith(
        "sha256:"
    ):
        raise UsageError(f"{path} is not a poolsync plan (no checksum)")
    major = str(document.get("format_version", "")).split(".")[0]
    if major != FORMAT_VERSION.split(".")[0]:
        raise UsageError(
            f"{path} has plan format {_shown(document.get('format_version'))}; this "
            f"poolsync reads {FORMAT_VERSION.split('.')[0]}.x"
        )
    return document


def check_pinned(plan: Plan, *, plan_file: str | None, checksum: str | None) -> None:
    """Apply only the plan that was reviewed (README: "applies exactly the plan that was
    reviewed, or refuses"). ``plan`` is the fresh plan. With ``plan_file``, the file's
    checksum is first recomputed from its own content (an edited file, a reduced one,
    or one holding another plan's checksum is refused), then its content must equal the
    fresh plan's. With ``checksum``, the fresh plan's checksum must be it. Raises
    ``SafetyRefusal`` (exit 3) before anything is written; returns None when pinned."""
    body = plan_body(plan)
    fresh = _digest(checksum_view(body))
    if plan_file is None:
        if fresh == checksum:
            return
        raise SafetyRefusal(
            f"the fresh plan is not the reviewed one (reviewed {_shown(checksum)}, now "
            f"{fresh}): the live pools, the files or a secret changed since the review; "
            "nothing was changed.\nReview the new plan and apply it with its checksum."
            + _targets_hint(body)
        )
    saved = read_plan(plan_file)
    _check_targets(plan_file, saved, body)
    stated = _shown(saved["checksum"])
    try:
        saved_view = checksum_view(saved)
        own = _digest(saved_view)
        why = f"its content has the checksum {own}"
    except _Malformed as exc:
        saved_view, own, why = None, None, f"it is not shaped like a plan ({exc})"
    except RecursionError:
        saved_view, own, why = None, None, "it is nested deeper than any plan poolsync writes"
    if own == saved["checksum"] and saved_view == checksum_view(body):
        return
    listed = "\n".join(f"  {d}" for d in differences(saved, plan))
    if not listed:  # the content is the fresh plan's: only the stated checksum is not
        listed = ("  nothing in its content; its checksum field is not its content's"
                  if own != saved["checksum"] else "  the order of the pools or objects")
    detail = "\nWhat differs from the fresh plan:\n" + listed
    if own != saved["checksum"]:
        raise SafetyRefusal(
            f"{plan_file} is not the plan poolsync wrote: it names the checksum {stated}, "
            f"but {why}. It was edited after it was made, or holds another plan's "
            f"checksum{_version_note(saved)}; nothing was changed.{detail}\n"
            "Make the plan again (poolsync plan --out FILE), review it, and apply that file."
        )
    raise SafetyRefusal(
        f"the fresh plan is not the reviewed one (reviewed {stated}, now {fresh}): the "
        f"live pools, the files or a secret changed since the review; nothing was "
        f"changed.{detail}{_scheme_hint(saved, body)}{_targets_hint(body)}\n"
        "Review the new plan and apply it with its checksum."
    )


def _targets(document: dict[str, Any]) -> str:
    """The ``--pool`` options a plan document was made with, as they are typed."""
    import shlex

    targets = document.get("targets")
    if not targets:
        return "no --pool (every pool of the files)"
    if not isinstance(targets, list):
        return _shown(targets)
    return " ".join(f"--pool {shlex.quote(_shown(t))}" for t in targets)


def check_targets(plan_file: str, targets: Sequence[str]) -> None:
    """Before any AWS call: ``SafetyRefusal`` when the plan file was made with other
    ``--pool`` options than ``targets`` (the patterns, sorted, as ``Config.targets``):
    its checksum cannot match, so the pools need not be read to refuse it. An edited
    file is refused by ``check_pinned``, after the plan, which then also lists what
    differs from the fresh plan (what a reviewer needs to see what was changed)."""
    _check_targets(plan_file, read_plan(plan_file), {"targets": list(targets)} if targets
                   else {})


def _check_targets(plan_file: str, saved: dict[str, Any], body: dict[str, Any]) -> None:
    """A plan file made with ``--pool`` covers exactly the pools it targeted: apply it
    with the same ``--pool`` options (config.py, "Targeting"), or it is refused."""
    if saved.get("targets") == body.get("targets"):
        return
    raise SafetyRefusal(
        f"{plan_file} was made with {_targets(saved)}, and this apply has "
        f"{_targets(body)}: a plan's checksum covers exactly the pools it targeted, so "
        "apply it with the same --pool options as the plan; nothing was changed."
    )


def _targets_hint(body: dict[str, Any]) -> str:
    """For an apply pinned by checksum: the plan reviewed may have targeted other pools."""
    return ("\nIf nothing changed since the review, the options may differ: a plan is "
            "applied with the --pool and --prune options it was made with (its checksum "
            f"covers the pools and objects they chose); this apply has {_targets(body)}.")


def _version_note(saved: dict[str, Any]) -> str:
    """Another poolsync computes another checksum: say so, it is the likelier cause."""
    version, form = saved.get("poolsync_version"), saved.get("format_version")
    if form != FORMAT_VERSION:
        return (f" (or was written in plan format {_shown(form)}, whose checksum this "
                f"poolsync, format {FORMAT_VERSION}, does not recompute)")
    if isinstance(version, str) and version != __version__:
        return f" (or was made by poolsync {_shown(version)}; this is {__version__})"
    return ""


def _scheme_hint(saved: dict[str, Any], body: dict[str, Any]) -> str:
    """When the secrets differ and the two plans fingerprinted them differently, the
    cause is more likely the key than the secret."""
    ours = body["fingerprints"]["scheme"]
    recorded = saved.get("fingerprints")
    theirs = recorded.get("scheme") if isinstance(recorded, dict) else None
    if theirs is None or theirs == ours:
        return ""
    return (f"\nThe reviewed plan's secrets were fingerprinted with {_shown(theirs)}, this "
            f"run's with {ours}: plan and apply need the same {fingerprint.KEY_VARIABLE} "
            "(or neither sets it).")


def differences(saved: dict[str, Any], fresh: Plan) -> list[str]:
    """What differs between a plan document (a reviewed file) and a fresh plan: the
    summary, pools (matched by name) present in one only or whose region or id differ,
    and per object its presence, action,
    kind, field changes, calls and the secrets its calls send. Values are never shown:
    they may be secrets, and the file's text is not trusted on a terminal."""
    try:
        before = checksum_view(saved)
    except _Malformed as exc:
        return [f"the file is not shaped like a plan ({exc})"]
    after = checksum_view(plan_body(fresh))
    out: list[str] = []
    if before.get("targets") != after.get("targets"):
        out.append(f"targets: the reviewed plan was made with {_targets(saved)}, the fresh "
                   f"one with {_targets(after)}")
    if before["summary"] != after["summary"]:
        out.append("summary: the counts or has_changes differ")
    old_pools = {_shown(p["pool"][1]): p for p in before["pools"]}
    new_pools = {_shown(p["pool"][1]): p for p in after["pools"]}
    for name in sorted(old_pools.keys() ^ new_pools.keys()):
        side = "the fresh plan, not of the reviewed" if name in new_pools else (
            "the reviewed plan, not of the fresh")
        out.append(f"{name}: a pool of {side} one")
    for name in sorted(old_pools.keys() & new_pools.keys()):
        old, new = old_pools[name]["pool"], new_pools[name]["pool"]
        if old[0] != new[0]:
            out.append(f"{name}: the pool's region differs")
        if old[2] != new[2]:
            out.append(f"{name}: the pool's id differs")
        if old[3] != new[3] and (old[0], old[2]) == (new[0], new[2]):
            out.append(f"{name}: the pool's region or id (from ${{env:...}}) differs")
    old_objects = {_shown(o["address"]): o for p in before["pools"] for o in p["objects"]}
    new_objects = {_shown(o["address"]): o for p in after["pools"] for o in p["objects"]}
    for address in sorted(old_objects.keys() | new_objects.keys()):
        out += _object_differences(address, old_objects.get(address), new_objects.get(address))
    return out


def _object_differences(address: str, old: dict[str, Any] | None,
                        new: dict[str, Any] | None) -> list[str]:
    if old is None or new is None:
        return [f"{address}: {'new in' if old is None else 'gone from'} the fresh plan"]
    out = []
    if (old["action"], old["unmanaged"]) != (new["action"], new["unmanaged"]):
        out.append(f"{address}: was {_action(old)}, now {_action(new)}")
    if old["kind"] != new["kind"]:
        out.append(f"{address}: the kind differs")
    if old["fields"] != new["fields"]:
        paths = _paths(old["fields"], new["fields"])
        out.append(f"{address}: the changes differ ({', '.join(paths)})")
    if old["calls"] != new["calls"] and old["action"] == new["action"]:
        out.append(f"{address}: the calls differ")
    if old["secrets"] != new["secrets"]:
        paths = _paths(old["secrets"], new["secrets"])
        out.append(f"{address}: a secret it sends differs ({', '.join(paths)})")
    return out


def _action(obj: dict[str, Any]) -> str:
    return _shown(obj["action"]) + (" (unmanaged)" if obj["unmanaged"] else "")


def _paths(old: Any, new: Any) -> list[str]:
    """The paths of the entries (fields or secrets) that are in one list and not the
    other, or differ."""
    def entries(items: Any) -> list[Any]:
        return items if isinstance(items, list) else []

    def path(item: Any) -> str:
        return _shown(item.get("path") if isinstance(item, dict) else item)

    olds, news = entries(old), entries(new)
    changed = {path(i) for i in olds if i not in news} | {path(i) for i in news if i not in olds}
    return sorted(changed) or ["their order"]


def _shown(value: Any) -> str:
    """Text from a file, safe to print: control characters escaped, length bounded."""
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    safe = escape_unprintable(text)
    return safe if len(safe) <= 120 else safe[:117] + "..."
