"""The plan as a document: the JSON rendering, its checksum, and the comparison that
pins an apply to the plan that was reviewed.

``format_version`` is "MAJOR.MINOR": a minor version only adds fields, so a reader of
1.0 can read any 1.x document; a major version changes or removes fields. The JSON
Schema of the document is ``schema/plan.schema.json``.

The checksum is taken over the canonical value of what apply would do: each pool's
identity, and each object's address, action and field changes (sensitive values as
fingerprints). It leaves out prose that does not change the outcome (reasons, notes,
sign-in URLs, user counts), so an apply pinned to it refuses exactly when the live
pools or the files moved since the review.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from poolsync import __version__
from poolsync.errors import UsageError
from poolsync.model import Plan

FORMAT_VERSION = "1.0"


def checksum_view(plan: Plan) -> list[dict[str, Any]]:
    """What the checksum covers, in a stable order."""
    view = []
    for pool in plan.pools:
        for obj in pool.objects:
            data = obj.to_dict()
            view.append({
                "pool": [pool.region, pool.name, pool.pool_id],
                "address": data["address"],
                "action": data["action"],
                "unmanaged": data["unmanaged"],
                "fields": data["fields"],
            })
    return view


def checksum(plan: Plan) -> str:
    text = json.dumps(checksum_view(plan), sort_keys=True, separators=(",", ":"),
                      default=str)
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def plan_document(plan: Plan, stats: dict[str, Any] | None = None) -> dict[str, Any]:
    """``stats`` (calls, retries and throttles per quota category) is added when given;
    it is not covered by the checksum."""
    document = {
        "format_version": FORMAT_VERSION,
        "poolsync_version": __version__,
        "checksum": checksum(plan),
        **plan.to_dict(),
    }
    if stats is not None:
        document["stats"] = stats
    return document


def render_json(plan: Plan, stats: dict[str, Any] | None = None) -> str:
    return json.dumps(plan_document(plan, stats), indent=2, default=str) + "\n"


def write_plan(plan: Plan, path: str, stats: dict[str, Any] | None = None) -> None:
    Path(path).write_text(render_json(plan, stats))


def read_plan(path: str) -> dict[str, Any]:
    """A saved plan (``plan --out``), checked enough to compare against."""
    try:
        document: Any = json.loads(Path(path).read_text())
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read the plan file {path}: {exc}") from exc
    if not isinstance(document, dict) or not str(document.get("checksum", "")).startswith(
        "sha256:"
    ):
        raise UsageError(f"{path} is not a poolsync plan (no checksum)")
    major = str(document.get("format_version", "")).split(".")[0]
    if major != FORMAT_VERSION.split(".")[0]:
        raise UsageError(
            f"{path} has plan format {document.get('format_version')}; this poolsync "
            f"reads {FORMAT_VERSION.split('.')[0]}.x"
        )
    return document


def differences(saved: dict[str, Any], fresh: Plan) -> list[str]:
    """What differs between a reviewed plan document and a fresh plan, per object."""
    def index(objects: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
        return {o["address"]: o for o in objects}

    before = index([o for p in saved.get("pools", []) for o in p.get("objects", [])])
    after = index([o for p in plan_document(fresh)["pools"] for o in p["objects"]])
    out = []
    for address in sorted(before.keys() | after.keys()):
        old, new = before.get(address), after.get(address)
        if old is None or new is None:
            out.append(f"{address}: {'new in' if old is None else 'gone from'} the fresh plan")
        elif old["action"] != new["action"]:
            out.append(f"{address}: was {old['action']}, now {new['action']}")
        elif old["fields"] != new["fields"]:
            paths = sorted({f["path"] for f in old["fields"]} ^ {f["path"] for f in new["fields"]}
                           | {f["path"] for f in new["fields"] if f not in old["fields"]})
            out.append(f"{address}: the changes differ ({', '.join(paths)})")
    return out
