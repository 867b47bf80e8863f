"""What can change how: the table of create-only fields, each with its reason and source.

The planner asks ``replacement_reason(change)``; None means the change goes in place.
"""

from __future__ import annotations

from dataclasses import dataclass

from poolsync.model import MISSING, FieldChange, Path
from poolsync.normalize import is_custom_attribute


@dataclass(frozen=True)
class CreateOnly:
    path: Path  # a prefix of the changed field's path
    reason: str
    source: str


POOL_CREATE_ONLY: tuple[CreateOnly, ...] = (
    CreateOnly(
        ("UsernameAttributes",),
        "UsernameAttributes (the sign-in attributes) is fixed when a pool is created: "
        "UpdateUserPool does not accept it",
        "botocore cognito-idp model: UpdateUserPoolRequest has no such member",
    ),
    CreateOnly(
        ("AliasAttributes",),
        "AliasAttributes is fixed when a pool is created: UpdateUserPool does not accept it",
        "botocore cognito-idp model: UpdateUserPoolRequest has no such member",
    ),
    CreateOnly(
        ("UsernameConfiguration",),
        "UsernameConfiguration (user-name case sensitivity) is immutable after creation",
        "botocore cognito-idp model: UpdateUserPoolRequest has no such member",
    ),
)

_SCHEMA_SOURCE = ("botocore AddCustomAttributes doc (custom attributes can be added, not "
                  "changed or removed); UpdateUserPoolRequest has no Schema member")


def replacement_reason(change: FieldChange) -> str | None:
    """Why this change needs a new pool, or None if an API can make it in place."""
    for rule in POOL_CREATE_ONLY:
        if change.path[: len(rule.path)] == rule.path:
            return rule.reason
    if change.path[:1] == ("Schema",):
        return _schema_reason(change)
    return None


def _schema_reason(change: FieldChange) -> str | None:
    if len(change.path) == 1:  # the whole Schema block appeared or vanished
        return "schema attributes are fixed when a pool is created"
    name = str(change.path[1])
    if len(change.path) == 2 and change.before is MISSING and is_custom_attribute(name):
        return None  # a new custom attribute: AddCustomAttributes adds it in place
    if len(change.path) == 2 and change.after is MISSING:
        return (
            f"custom attribute {name!r} exists in the pool but not in the file, and no API "
            "removes a custom attribute"
        )
    field = ".".join(str(p) for p in change.path[2:]) or "definition"
    reason = (
        f"schema attribute {name!r} ({field}) cannot be changed once the pool exists: "
        "existing schema attributes, Required included, are fixed at creation"
    )
    if change.to_default and not is_custom_attribute(name):
        # The file writes Schema without this standard attribute: it is expected at its
        # default (README, ownership). Most often the user meant to keep it as it is.
        reason += (f" (the file's Schema does not list {name!r}, so it is expected at its "
                   "default: list it as the pool has it to keep it)")
    return reason
