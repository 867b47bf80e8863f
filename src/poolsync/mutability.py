"""What can change how: the table of create-only fields, each with its reason, its
source and the safer route that fits it.

The planner asks ``replacement_reason(change)``; None means the change goes in place.
``safer_route(change)`` says what to do instead of replacing the pool for that change
(None: only the route every replacement has, a new pool beside this one:
``MIGRATION_ROUTE``).
"""

from __future__ import annotations

from dataclasses import dataclass

from poolsync.kinds.settings import STANDARD_ATTRIBUTES
from poolsync.model import MISSING, FieldChange, Path
from poolsync.normalize import is_custom_attribute, request_attribute_name


@dataclass(frozen=True)
class CreateOnly:
    path: Path  # a prefix of the changed field's path
    reason: str
    source: str
    safer: str  # what to do instead of replacing the pool, for a change of this field


POOL_CREATE_ONLY: tuple[CreateOnly, ...] = (
    CreateOnly(
        ("UsernameAttributes",),
        "UsernameAttributes (the sign-in attributes) is fixed when a pool is created: "
        "UpdateUserPool does not accept it",
        "botocore cognito-idp model: UpdateUserPoolRequest has no such member",
        "keep UsernameAttributes as the pool has it (no API changes how users of an "
        "existing pool sign in)",
    ),
    CreateOnly(
        ("AliasAttributes",),
        "AliasAttributes is fixed when a pool is created: UpdateUserPool does not accept it",
        "botocore cognito-idp model: UpdateUserPoolRequest has no such member",
        "keep AliasAttributes as the pool has it (no API changes how users of an existing "
        "pool sign in)",
    ),
    CreateOnly(
        ("UsernameConfiguration",),
        "UsernameConfiguration (user-name case sensitivity) is immutable after creation",
        "botocore cognito-idp model: UpdateUserPoolRequest has no such member",
        "keep UsernameConfiguration as the pool has it, and make user names one case in "
        "the application or in a pre sign-up Lambda trigger (LambdaConfig.PreSignUp)",
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


# The route every replacement has: no user or password is lost, the old pool stays until
# its users have moved (AWS Cognito developer guide, "Importing users with a user
# migration Lambda trigger"; botocore LambdaConfigType.UserMigration).
MIGRATION_ROUTE = (
    "create a new pool beside this one with the new setting, move users to it as they "
    "sign in with a user-migration Lambda trigger (LambdaConfig.UserMigration on the new "
    "pool), then point the applications at it; this pool keeps working meanwhile")


def safer_route(change: FieldChange) -> str | None:
    """What to do instead of replacing the pool for ``change`` (one that forces a
    replacement), fitted to the field: None when there is nothing but
    ``MIGRATION_ROUTE``. A sign-in setting is kept (no API changes it in place); a custom
    attribute's new definition goes into a new custom attribute, which
    AddCustomAttributes adds in place; a standard attribute is kept, and what the change
    wanted is done where Cognito allows it (a pre sign-up trigger, the clients'
    WriteAttributes)."""
    for rule in POOL_CREATE_ONLY:
        if change.path[: len(rule.path)] == rule.path:
            return rule.safer
    if change.path[:1] != ("Schema",) or len(change.path) < 2:
        return None
    name = str(change.path[1])
    if is_custom_attribute(name):
        if change.after is MISSING:
            return None
        bare = request_attribute_name(name)
        return (f"leave {name!r} as the pool has it and add a custom attribute with the new "
                f"definition under another name (e.g. '{name[: -len(bare)]}{bare}_v2', "
                "which AddCustomAttributes adds in place), then move the values over")
    keep = f"keep {name!r} in settings.Schema as the pool has it"
    if change.to_default:
        return f"{keep}: then nothing is replaced"
    wanted = _changed_members(name, change)
    extra = []
    if wanted.get("Required") is True:
        extra.append("require it in a pre sign-up Lambda trigger (LambdaConfig.PreSignUp)")
    if wanted.get("Mutable") is False:
        extra.append("leave it out of the app clients' WriteAttributes, so that users "
                     "cannot change it")
    if {"StringAttributeConstraints", "NumberAttributeConstraints"} & set(wanted):
        extra.append("check its value in a pre sign-up Lambda trigger "
                     "(LambdaConfig.PreSignUp)")
    return ", and ".join([keep, *dict.fromkeys(extra)])


def _changed_members(name: str, change: FieldChange) -> dict[str, object]:
    """The members of a standard attribute's definition that ``change`` changes, with
    their new values (a change of one member, or of the whole entry)."""
    if len(change.path) > 2:
        return {str(change.path[2]): change.after}
    before = change.before if isinstance(change.before, dict) else (
        STANDARD_ATTRIBUTES.get(name) or {})
    after = change.after if isinstance(change.after, dict) else {}
    return {k: v for k, v in after.items() if before.get(k) != v}
