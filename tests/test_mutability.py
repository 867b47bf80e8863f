"""mutability: which changes need a new pool, and why."""

from __future__ import annotations

from typing import Any

import pytest

from poolsync.kinds.settings import CREATE_ONLY_MEMBERS, STANDARD_ATTRIBUTES
from poolsync.model import MISSING, FieldChange, Path
from poolsync.mutability import (
    MIGRATION_ROUTE,
    POOL_CREATE_ONLY,
    CreateOnly,
    replacement_reason,
    safer_route,
)

TENANT = {"AttributeDataType": "String", "DeveloperOnlyAttribute": False, "Mutable": True,
          "Required": False, "StringAttributeConstraints": {"MaxLength": "2048"}}


def change(path: Path, before: Any = "old", after: Any = "new") -> FieldChange:
    return FieldChange(path, before, after)


@pytest.mark.parametrize("rule", POOL_CREATE_ONLY, ids=lambda r: str(r.path[0]))
def test_every_create_only_rule_forces_replacement(rule: CreateOnly) -> None:
    assert rule.reason and rule.source
    assert replacement_reason(change(rule.path)) == rule.reason
    assert rule.path[0] in rule.reason  # the plan names the field


@pytest.mark.parametrize(
    ("path", "before", "after"),
    [
        (("UsernameAttributes",), [], ["email"]),
        (("AliasAttributes",), ["email"], ["email", "preferred_username"]),
        (("UsernameConfiguration",), MISSING, {"CaseSensitive": False}),
        (("UsernameConfiguration", "CaseSensitive"), True, False),
    ],
)
def test_create_only_fields_and_their_insides(path: Path, before: Any, after: Any) -> None:
    assert replacement_reason(change(path, before, after)) is not None


def test_the_create_only_table_covers_the_members_update_user_pool_refuses() -> None:
    """UpdateUserPool does not take these; the schema has its own rules."""
    assert {r.path[0] for r in POOL_CREATE_ONLY} | {"Schema"} == CREATE_ONLY_MEMBERS


@pytest.mark.parametrize(
    "path",
    [
        ("DeletionProtection",),
        ("Policies", "PasswordPolicy", "MinimumLength"),
        ("AutoVerifiedAttributes",),
        ("LambdaConfig", "PreSignUp"),
        ("UserPoolTags",),
        ("UserPoolTier",),
        ("MfaConfiguration",),
        ("UsernameAttributesX",),  # a prefix of the name is not the field
    ],
)
def test_other_fields_change_in_place(path: Path) -> None:
    assert replacement_reason(change(path)) is None


def test_a_new_custom_attribute_goes_in_place() -> None:
    assert replacement_reason(change(("Schema", "custom:tenant"), MISSING, TENANT)) is None
    # custom:sub is a new custom attribute beside the standard sub, never a change of it.
    assert replacement_reason(change(("Schema", "custom:sub"), MISSING, TENANT)) is None


def test_a_removed_custom_attribute_is_a_replacement() -> None:
    reason = replacement_reason(change(("Schema", "tenant"), TENANT, MISSING))
    assert reason == (
        "custom attribute 'tenant' exists in the pool but not in the file, and no API "
        "removes a custom attribute"
    )


@pytest.mark.parametrize(
    ("path", "before", "after", "field"),
    [
        (("Schema", "tenant", "Mutable"), True, False, "Mutable"),
        (("Schema", "tenant", "StringAttributeConstraints", "MaxLength"), "2048", "64",
         "StringAttributeConstraints.MaxLength"),
        (("Schema", "email", "Required"), False, True, "Required"),
        (("Schema", "sub", "Mutable"), False, True, "Mutable"),
    ],
)
def test_a_changed_existing_attribute_is_a_replacement(
    path: Path, before: Any, after: Any, field: str
) -> None:
    reason = replacement_reason(change(path, before, after))
    assert reason == (
        f"schema attribute {path[1]!r} ({field}) cannot be changed once the pool exists: "
        "existing schema attributes, Required included, are fixed at creation"
    )


@pytest.mark.parametrize("name", sorted(STANDARD_ATTRIBUTES))
def test_a_standard_attribute_override_is_a_replacement(name: str) -> None:
    """Even when live does not list the standard attribute (as moto does not)."""
    override = {**STANDARD_ATTRIBUTES[name], "Required": True}
    reason = replacement_reason(change(("Schema", name), MISSING, override))
    assert reason is not None
    assert repr(name) in reason


@pytest.mark.parametrize(("before", "after"), [(MISSING, {"tenant": TENANT}),
                                                ({"tenant": TENANT}, MISSING)])
def test_the_whole_schema_appearing_or_vanishing_is_a_replacement(
    before: Any, after: Any
) -> None:
    assert replacement_reason(change(("Schema",), before, after)) == (
        "schema attributes are fixed when a pool is created"
    )


# --------------------------------------------------------------------------- safer routes


@pytest.mark.parametrize(
    ("path", "before", "after", "route"),
    [
        (("UsernameAttributes",), [], ["email"], "keep UsernameAttributes as the pool has it"),
        (("AliasAttributes",), ["email"], ["phone_number"],
         "keep AliasAttributes as the pool has it"),
        (("UsernameConfiguration", "CaseSensitive"), True, False,
         "keep UsernameConfiguration as the pool has it, and make user names one case"),
        (("Schema", "custom:tenant", "Mutable"), True, False,
         "leave 'custom:tenant' as the pool has it and add a custom attribute with the new "
         "definition under another name (e.g. 'custom:tenant_v2', which AddCustomAttributes "
         "adds in place), then move the values over"),
        (("Schema", "email", "Required"), False, True,
         "keep 'email' in settings.Schema as the pool has it, and require it in a pre "
         "sign-up Lambda trigger (LambdaConfig.PreSignUp)"),
        (("Schema", "email", "Mutable"), True, False,
         "keep 'email' in settings.Schema as the pool has it, and leave it out of the app "
         "clients' WriteAttributes, so that users cannot change it"),
        (("Schema", "email", "Required"), True, False,
         "keep 'email' in settings.Schema as the pool has it"),
    ],
)
def test_the_safer_route_fits_the_change(path: Path, before: Any, after: Any,
                                         route: str) -> None:
    assert replacement_reason(change(path, before, after)) is not None
    found = safer_route(change(path, before, after))
    assert found is not None and found.startswith(route)


def test_only_a_custom_attribute_is_helped_by_a_new_custom_attribute() -> None:
    for rule in POOL_CREATE_ONLY:
        assert rule.safer and "custom attribute" not in rule.safer
    standard = {**STANDARD_ATTRIBUTES["email"], "Required": True}
    whole = safer_route(change(("Schema", "email"), MISSING, standard))
    assert whole is not None and "custom attribute" not in whole and "pre sign-up" in whole


def test_a_standard_attribute_the_file_leaves_out_is_kept_by_listing_it() -> None:
    left_out = FieldChange(("Schema", "email", "Required"), True, False, to_default=True)
    assert safer_route(left_out) == (
        "keep 'email' in settings.Schema as the pool has it: then nothing is replaced")


def test_the_whole_schema_has_only_the_migration_route() -> None:
    assert safer_route(change(("Schema",), MISSING, {"tenant": TENANT})) is None
    assert "UserMigration" in MIGRATION_ROUTE
