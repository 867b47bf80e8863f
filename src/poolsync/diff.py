"""Field-level differences between two canonical documents (the only deepdiff user).

deepdiff's own types stop here: callers get ``FieldChange`` values. A change inside a
list is reported for the whole list, because the lists poolsync compares are sets or
ordered wholes (recovery mechanisms), and "[2] added" tells a reviewer less than the
list before and after.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from poolsync.masking import LONG
from poolsync.model import MISSING, FieldChange, Path
from poolsync.normalize import get_path

_REPORT_TYPES = (
    "values_changed",
    "type_changes",
    "dictionary_item_added",
    "dictionary_item_removed",
    "iterable_item_added",
    "iterable_item_removed",
    "set_item_added",
    "set_item_removed",
)


def changed_paths(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[Path]:
    """Paths (truncated at the first list index) where the two documents differ."""
    from deepdiff import DeepDiff  # imported here so `validate` never pays for it

    tree = DeepDiff(dict(before), dict(after), view="tree", verbose_level=2)
    paths: set[Path] = set()
    for report_type in _REPORT_TYPES:
        for item in tree.get(report_type, ()):
            raw = item.path(output_format="list")
            path: list[str | int] = []
            for part in raw:
                if isinstance(part, int):
                    break
                path.append(part)
            if path:
                paths.add(tuple(path))
            else:  # deepdiff reports a whole-document change at the root (e.g. {} vs {...})
                paths.update((k,) for k in {*before, *after} if before.get(k) != after.get(k))
    return sorted(paths, key=lambda p: tuple(str(x) for x in p))


def field_changes(
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    written: Mapping[str, Any],
    secrets: Collection[str] = (),
) -> tuple[FieldChange, ...]:
    """``before`` is live, ``after`` desired (both canonical, defaults filled);
    ``written`` is what the file says, to tell "→ default" apart from a written value."""
    changes = []
    for path in changed_paths(before, after):
        old, new = get_path(before, path), get_path(after, path)
        changes.append(
            FieldChange(
                path=path,
                before=old,
                after=new,
                to_default=get_path(written, path) is MISSING,
                sensitive=_mentions(old, secrets) or _mentions(new, secrets),
            )
        )
    return tuple(changes)


def creation_changes(
    after: Mapping[str, Any], secrets: Collection[str] = (), path: Path = ()
) -> tuple[FieldChange, ...]:
    """Every field of a new object, one line per leaf (a schema attribute is one leaf)."""
    changes: list[FieldChange] = []
    for key, value in after.items():
        here = (*path, key)
        if _is_leaf(here, value):
            changes.append(FieldChange(here, MISSING, value, sensitive=_mentions(value, secrets)))
        else:
            changes += creation_changes(value, secrets, here)
    return tuple(changes)


def _is_leaf(path: Path, value: Any) -> bool:
    """Scalars, lists and empty maps are leaves; so is each schema attribute."""
    is_attribute = len(path) == 2 and path[0] == "Schema"
    return is_attribute or not (isinstance(value, Mapping) and value)


def _mentions(value: Any, secrets: Collection[str]) -> bool:
    """Whether a string inside ``value`` holds a secret of ``masking.LONG`` characters
    or more, or is a shorter one (compared as written, so a multi-line key matches).

    A shorter secret found inside a longer string says nothing about that field: a
    value ``e`` or ``dev`` is in most callback URLs, flows and descriptions. Where
    ``secrets`` knows where each value was substituted (``model.Secrets``, a config
    loaded from files), a short one is not looked for at all: ``masking.mask_plan``
    marks its field by location, and an unrelated field that happens to read ``dev``
    stays readable."""
    if not secrets or value is MISSING:
        return False
    located = bool(getattr(secrets, "substitutions", ()))
    texts = _strings(value)
    return any(
        (len(secret) >= LONG and secret in text) or (not located and secret and text == secret)
        for text in texts for secret in secrets)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, Mapping):
        return [s for k, v in value.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v)]
    return []
