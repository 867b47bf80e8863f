"""The pool's settings and its MFA live in ``kinds/settings.py`` and ``kinds/mfa.py``
(docs/design/resource-kinds.md, steps 8 and 9), the rules of the domain, identity
providers and clients in their kinds' modules (step 8). The modules they left keep every
moved name importable, as the same object, and no import order trips on the cycle
between a kind's module and the module that re-exports it."""

from __future__ import annotations

import ast
import importlib
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from poolsync import export, normalize, plan, rules
from poolsync.kinds import client, domain, identity_provider, mfa, settings

ROOT = Path(__file__).parent.parent


@pytest.mark.parametrize("old", [normalize, rules], ids=lambda m: m.__name__)
def test_moved_names_are_the_kind_modules_objects(old: ModuleType) -> None:
    moved: dict[str, str] = old._MOVED
    assert moved
    for name, module in moved.items():
        assert getattr(old, name) is getattr(importlib.import_module(module), name), name


def test_plan_and_export_keep_the_moved_names() -> None:
    for name in ("RUN_ID", "CREATED_BY_RUN", "PROTECTION_OFF_BY_RUN", "create_payload",
                 "update_payload", "replacement_payload", "schema_entries"):
        assert getattr(plan, name) is getattr(settings, name)
    assert plan.mfa_payload is mfa.mfa_payload
    assert export.export_settings is settings.export_settings
    assert export.export_schema is settings.export_schema
    assert export.export_mfa is mfa.export_mfa


def test_rules_lists_the_kinds_rules() -> None:
    assert rules.RULES[0] is settings.required_custom_attribute
    assert rules.STATE_RULES[1] is mfa.mfa_without_factor
    assert set(rules.STATE_RULES) <= set(rules.RULES)
    assert rules.LEGACY_MESSAGES is settings.LEGACY_MESSAGE_FIELDS
    assert "identities" in rules.STANDARD_ATTRIBUTES
    assert domain.domain_rules in rules.RULES
    assert identity_provider.saml_metadata in rules.RULES
    assert rules.RULES[-1] is client.client_names_what_the_file_does_not_define
    assert rules.STANDARD_SCOPES is client.STANDARD_SCOPES
    with pytest.raises(AttributeError):
        rules.no_such_rule  # noqa: B018


def test_rules_types_every_moved_name() -> None:
    # The block under TYPE_CHECKING (for type checkers) and _MOVED (at run time) list
    # the same names, each from the same module.
    tree = ast.parse((ROOT / "src" / "poolsync" / "rules.py").read_text())
    block = next(node for node in tree.body if isinstance(node, ast.If)
                 and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING")
    aliases = {alias.asname: alias.name for node in block.body
               if isinstance(node, ast.ImportFrom) and node.module == "poolsync.kinds"
               for alias in node.names}
    typed: dict[str, str] = {}
    for node in block.body:
        if isinstance(node, ast.ImportFrom) and node.module != "poolsync.kinds":
            typed.update({alias.name: str(node.module) for alias in node.names
                          if alias.asname == alias.name})
        elif isinstance(node, ast.Assign):
            source = node.value
            assert isinstance(source, ast.Attribute) and isinstance(source.value, ast.Name)
            target = node.targets[0]
            assert isinstance(target, ast.Name) and target.id == source.attr
            typed[target.id] = f"poolsync.kinds.{aliases[source.value.id]}"
    assert typed == rules._MOVED


@pytest.mark.parametrize("first", ["poolsync.kinds.settings", "poolsync.kinds.mfa",
                                   "poolsync.normalize", "poolsync.rules", "poolsync.plan",
                                   "poolsync.export", "poolsync.mutability",
                                   "poolsync.kinds.client_secret", "poolsync.kinds.client",
                                   "poolsync.kinds.domain", "poolsync.kinds.identity_provider",
                                   "poolsync.children", "poolsync.plan_children"])
def test_any_module_may_be_imported_first(first: str) -> None:
    code = (f"import {first}; from poolsync.normalize import SETTINGS_DEFAULTS; "
            "from poolsync.rules import RULES, mfa_without_factor, token_validity; "
            "from poolsync.plan import update_payload; "
            "from poolsync.export import export_settings")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
