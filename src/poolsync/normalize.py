"""One canonical shape for desired and live state, so the differ compares like with like:
the machinery every kind shares. Each kind's Cognito quirks (what would otherwise show
as a false diff) live in its module in ``poolsync.kinds`` (the pool's settings in
``kinds.settings``, MFA in ``kinds.mfa``), each a small named function saying which AWS
behaviour it absorbs and its public source. Never diff a raw describe response against
raw YAML.

Ownership (README, "What poolsync manages") is applied by ``owned_view``: members the
user did not write
are left out of the comparison; inside a written member every field the user left out
takes Cognito's default (``kinds.settings.SETTINGS_DEFAULTS``), except fields whose
default is not documented (``UNKNOWN``): those are not compared and are carried over
from live (``carry_over``).
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from poolsync.model import MISSING, NOT_REPORTED, Path


class _Unknown:
    """Default not documented and not measured: a field the user leaves out is not
    compared, and every write carries the live value over."""

    def __repr__(self) -> str:
        return "(unknown default)"

    def __deepcopy__(self, memo: dict[int, Any]) -> _Unknown:
        return self  # a sentinel: compared by identity


UNKNOWN: Any = _Unknown()


@dataclass(frozen=True)
class WhenPresent:
    """A block that is absent by default; when present, its fields default to ``inner``."""

    inner: Mapping[str, Any]


@dataclass(frozen=True)
class CarriedUnlessWritten:
    """A block of a whole-put request (SetUserPoolMfaConfig) that the file may leave out:
    then it is not compared and every write carries the live block over; once written,
    its fields default to ``inner`` on both sides (a live block Cognito does not report
    is the defaults)."""

    inner: Mapping[str, Any]


# Members of the pool's own settings that are maps of user data, not structures.
_OPEN_MAPS: frozenset[Path] = frozenset({("UserPoolTags",)})


# --------------------------------------------------------------------------- schema walk


COLLECTIONS = frozenset({"clients", "identity_providers", "groups", "resource_servers"})


@cache
def _shapes() -> tuple[dict[str, Any], dict[str, Any]]:
    """The JSON Schema node of one pool, and ``$defs``."""
    from poolsync.schema import load_schema

    root = load_schema()
    defs: dict[str, Any] = root.get("$defs", {})
    pools = root["properties"]["pools"]
    pool = pools.get("additionalProperties") or next(iter(pools["patternProperties"].values()))
    return _deref(pool, defs), defs


def _deref(node: Any, defs: Mapping[str, Any]) -> Any:
    while isinstance(node, Mapping) and "$ref" in node:
        node = defs[node["$ref"].rsplit("/", 1)[-1]]
    return node


def known_keys(root: str, path: Path) -> frozenset[str] | None:
    """Keys the input model knows at ``path`` below a pool's ``root`` member (``settings``,
    ``mfa``, ``domain``, or one item of a collection), or None for a map (any key) or a
    path the model does not describe."""
    pool, defs = _shapes()
    node: Any = _deref(pool.get("properties", {}).get(root), defs)
    if root in COLLECTIONS and isinstance(node, Mapping):
        node = node.get("additionalProperties")
    for part in path:
        node = _deref(node, defs)
        if not isinstance(node, Mapping):
            return None
        if isinstance(part, int):
            node = node.get("items")
        elif "properties" in node:
            node = node["properties"].get(part)
        else:
            return None
        if node is None:
            return None
    node = _deref(node, defs)
    if isinstance(node, Mapping) and "properties" in node:
        return frozenset(node["properties"])
    return None


# --------------------------------------------------------------------------- attribute keys


CUSTOM_PREFIX = "custom:"
DEVELOPER_PREFIX = "dev:custom:"


def attribute_key(name: str, developer_only: bool = False) -> str:
    """A written Schema entry's name as Cognito reports it, the key schema attributes are
    compared by. ``custom:`` is a namespace (README, "The config format"): ``custom:X``
    is always the
    custom attribute X, even where X is also a standard attribute's name; a bare name is
    the standard attribute when one exists by that name, else the custom attribute. A
    developer-only custom attribute is reported as ``dev:custom:X`` (botocore
    SchemaAttributeType.DeveloperOnlyAttribute; AWS developer guide, "Custom attributes")."""
    from poolsync.kinds.settings import AUTO_ATTRIBUTES, STANDARD_ATTRIBUTES  # imports this

    if name.startswith(DEVELOPER_PREFIX):
        return name
    if name.startswith(CUSTOM_PREFIX):
        bare = name[len(CUSTOM_PREFIX):]
    elif name in STANDARD_ATTRIBUTES or name in AUTO_ATTRIBUTES:
        return name
    else:
        bare = name
    return (DEVELOPER_PREFIX if developer_only else CUSTOM_PREFIX) + bare


def live_attribute_key(name: str) -> str:
    """A live SchemaAttributes name as the key: as reported, except that a developer-only
    attribute spelled ``dev:X`` reads as ``dev:custom:X`` (both spellings appear in AWS's
    documentation of developer-only attributes)."""
    if name.startswith("dev:") and not name.startswith(DEVELOPER_PREFIX):
        return DEVELOPER_PREFIX + name[len("dev:"):]
    return name


def is_custom_attribute(key: str) -> bool:
    """Custom attributes carry a prefix; every unprefixed attribute is a standard one,
    known to poolsync or not (AWS adds standard attributes over time)."""
    return key.startswith((CUSTOM_PREFIX, "dev:"))


def request_attribute_name(key: str) -> str:
    """The Name CreateUserPool and AddCustomAttributes take for a custom attribute: the
    bare name (Cognito adds the prefix itself, botocore CustomAttributeNameType)."""
    for prefix in (DEVELOPER_PREFIX, CUSTOM_PREFIX):
        if key.startswith(prefix):
            return key[len(prefix):]
    return key


def sort_sets(value: Any, path: Path = ()) -> Any:
    """Lists whose order has no meaning compare as sets (README, ownership): every list of
    scalars in the pool settings is one; recovery mechanisms are keyed by priority."""
    if isinstance(value, dict):
        return {k: sort_sets(v, (*path, k)) for k, v in value.items()}
    if isinstance(value, list):
        if all(not isinstance(v, dict | list) for v in value):
            return sorted(set(value), key=str)
        if path[-1:] == ("RecoveryMechanisms",):
            return sorted(value, key=lambda m: (m.get("Priority", 0), str(m.get("Name"))))
        return [sort_sets(v, path) for v in value]
    return value


def strip_carried(value: Any) -> Any:
    """A desired document without its carried markers: what a request to create an object
    sends (an unwritten field then takes Cognito's default)."""
    if isinstance(value, dict):
        return {k: strip_carried(v) for k, v in value.items() if v is not UNKNOWN}
    return value


# --------------------------------------------------------------------------- ownership


@dataclass(frozen=True)
class OwnedView:
    """What to compare: ``expected`` (the file, defaults filled in) and ``actual`` (live,
    defaults filled in), restricted to owned members. ``carried`` lists paths whose
    default is unknown and which the file does not write: writes copy them from live."""

    expected: dict[str, Any]
    actual: dict[str, Any]
    carried: tuple[Path, ...]


def owned_view(
    written: Mapping[str, Any],
    live: Mapping[str, Any],
    defaults: Mapping[str, Any],
    root: str,
    whole: bool = False,
) -> OwnedView:
    """Compare only what the file writes (README, ownership). Both sides get defaults filled
    in, so a line deleted from the file compares as "→ default", and an old pool that
    lacks a newer field compares as that field's default. ``whole`` owns every member
    of ``defaults`` even when unwritten: the MFA block, which SetUserPoolMfaConfig
    replaces as a whole (botocore SetUserPoolMfaConfig; go-to-k/cdkd)."""
    expected: dict[str, Any] = {}
    actual: dict[str, Any] = {}
    carried: list[Path] = []
    members = list(written) + [m for m in defaults if whole and m not in written]
    for member in members:
        default = defaults.get(member, MISSING)
        if isinstance(default, CarriedUnlessWritten):
            default = dict(default.inner) if member in written else UNKNOWN
        exp = _fill(default, written.get(member, MISSING))
        act = _fill(default, live.get(member, MISSING))
        exp, act = _prune(exp, act, (member,), root, carried)
        if exp is not MISSING:
            expected[member] = exp
        if act is not MISSING:
            actual[member] = act
    return OwnedView(expected, actual, tuple(carried))


def _fill(default: Any, value: Any) -> Any:
    if isinstance(default, CarriedUnlessWritten):  # nested: unwritten means carried
        return UNKNOWN if value is MISSING else _fill(dict(default.inner), value)
    if isinstance(default, WhenPresent):
        # An empty block is no block: Cognito returns none for it (drop_empty_placeholders).
        if value is MISSING or value == {}:
            return MISSING
        return _fill(dict(default.inner), value)
    if value is MISSING:
        if not isinstance(default, Mapping):
            return copy.deepcopy(default)
        value = {}
    if isinstance(default, Mapping) and isinstance(value, Mapping):
        keys = list(value) + [k for k in default if k not in value]
        filled = {k: _fill(default.get(k, MISSING), value.get(k, MISSING)) for k in keys}
        return {k: v for k, v in filled.items() if v is not MISSING}
    return value


def _prune(exp: Any, act: Any, path: Path, root: str, carried: list[Path]) -> tuple[Any, Any]:
    """Drop fields whose default is unknown and that the file does not write, and live
    fields this version of the model does not know (a newer botocore may add them:
    botocore adds members as Cognito grows), so neither shows as a change."""
    if exp is UNKNOWN:
        carried.append(path)
        return MISSING, MISSING
    if act is UNKNOWN:
        # The file writes a field Cognito did not report and whose default poolsync does
        # not know: a change until a read shows the value, never "equal to the file"
        # (README, ownership). After apply it is "did not converge".
        act = MISSING if exp is MISSING else NOT_REPORTED
    if not (isinstance(exp, dict) or isinstance(act, dict)):
        return exp, act
    # One side may be a block the other lacks (a new object, a block absent live): its
    # fields are pruned all the same, so no carried marker is left in a request.
    exp_map = exp if isinstance(exp, dict) else {}
    act_map = act if isinstance(act, dict) else {}
    known = None if path in _OPEN_MAPS or path[:1] == ("Schema",) else known_keys(root, path)
    exp_out: dict[str, Any] = {}
    act_out: dict[str, Any] = {}
    for key in list(exp_map) + [k for k in act_map if k not in exp_map]:
        if key not in exp_map and known is not None and key not in known:
            continue
        e, a = _prune(exp_map.get(key, MISSING), act_map.get(key, MISSING), (*path, key), root,
                      carried)
        if e is not MISSING:
            exp_out[key] = e
        if a is not MISSING:
            act_out[key] = a
    return (exp_out if isinstance(exp, dict) else exp), (
        act_out if isinstance(act, dict) else act)


def get_path(doc: Any, path: Path) -> Any:
    """The value at ``path``, or MISSING where the document has none."""
    node: Any = doc
    for part in path:
        if isinstance(node, Mapping):
            node = node.get(part, MISSING)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            return MISSING
    return node


def set_path(doc: dict[str, Any], path: Path, value: Any) -> None:
    node: Any = doc
    for part in path[:-1]:
        node = node.setdefault(part, {})
    node[path[-1]] = value


def carry_over(payload: dict[str, Any], view: OwnedView, live: Mapping[str, Any],
               skip: Collection[str]) -> None:
    """Into a whole-put request (UpdateUserPool, SetUserPoolMfaConfig: each resets what it
    is not sent), the live value of every field the view carries (default unknown, not
    written), where the payload has its block; none below a member in ``skip``."""
    for path in view.carried:
        if path[0] in skip:
            continue
        value = get_path(live, path)
        if value is not MISSING and get_path(payload, path[:-1]) is not MISSING:
            set_path(payload, path, copy.deepcopy(value))

