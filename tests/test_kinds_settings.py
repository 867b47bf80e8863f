"""Each kind's names live in its module in ``poolsync.kinds`` (docs/design/resource-kinds.md):
the pool's settings and MFA in ``kinds/settings.py`` and ``kinds/mfa.py`` (steps 8 and 9),
the rules of the domain, identity providers and clients in their kinds' modules (step 8).
Since step 11 the modules they left no longer re-export them: every importer names the
module that defines the name, ``rules`` runs the kinds' rules in one order, and no import
order trips on the cycle between a kind's module and ``normalize``/``rules``."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from poolsync import rules
from poolsync.kinds import client, domain, identity_provider, mfa, settings

ROOT = Path(__file__).parent.parent
# The modules whose names moved to poolsync.kinds.
LEFT = ("normalize", "rules", "plan", "export")


def _imported_names(module: str) -> set[str]:
    """The names a module binds by importing them from poolsync (not its own)."""
    tree = ast.parse((ROOT / "src" / "poolsync" / f"{module}.py").read_text())
    return {alias.asname or alias.name for node in tree.body
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("poolsync")
            for alias in node.names}


def _uses_of_imported_names(path: Path, imported: dict[str, set[str]]) -> list[str]:
    """``from poolsync.M import X`` and ``M.X`` in ``path`` where M only imports X."""
    tree = ast.parse(path.read_text())
    aliases: dict[str, str] = {}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "poolsync":
            aliases.update({a.asname or a.name: a.name for a in node.names if a.name in LEFT})
        elif isinstance(node, ast.ImportFrom) and (node.module or "")[9:] in LEFT:
            module = str(node.module)[9:]
            found += [f"{path.name}:{node.lineno} {module}.{a.name}" for a in node.names
                      if a.name in imported[module]]
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id in aliases and node.attr in imported[aliases[node.value.id]]):
            found.append(f"{path.name}:{node.lineno} {aliases[node.value.id]}.{node.attr}")
    return found


def test_no_import_goes_through_a_module_the_name_left() -> None:
    imported = {module: _imported_names(module) for module in LEFT}
    files = [p for top in ("src", "tests", "scripts") for p in (ROOT / top).rglob("*.py")]
    assert [use for path in files for use in _uses_of_imported_names(path, imported)] == []


def test_the_re_exports_are_gone() -> None:
    # children.py held nothing but re-exports; plan_children.py's collection planner is
    # kinds/planner.py; normalize and rules no longer load moved names on first use
    # (module __getattr__).
    for gone in ("children.py", "plan_children.py"):
        assert not (ROOT / "src" / "poolsync" / gone).exists()
    for module in ("normalize", "rules"):
        source = (ROOT / "src" / "poolsync" / f"{module}.py").read_text()
        assert "_MOVED" not in source and "__getattr__" not in source, module
    from poolsync import export, normalize, plan

    assert not hasattr(normalize, "SETTINGS_DEFAULTS")
    assert not hasattr(rules, "mfa_without_factor")
    assert not hasattr(plan, "schema_entries")
    assert not hasattr(export, "export_settings")
    assert not hasattr(plan, "removal_calls")


def test_rules_lists_the_kinds_rules() -> None:
    """validate and the planner run the rules each kind declares (Kind.rules and
    Kind.state_rules), in registry order, then the one rule that reads every kind."""
    from poolsync.kinds import all_kinds

    every, state = rules._rules(), rules._state_rules()
    assert every == (*(r for k in all_kinds() for r in k.rules), rules.tier_gated_features)
    assert every[0] is settings.required_custom_attribute
    assert mfa.mfa_without_factor in state and settings.username_and_alias_attributes in state
    assert set(state) <= set(every)
    assert domain.domain_rules in every
    assert identity_provider.saml_metadata in every
    assert client.client_names_what_the_file_does_not_define in every


@pytest.mark.parametrize("first", ["poolsync.kinds.settings", "poolsync.kinds.mfa",
                                   "poolsync.normalize", "poolsync.rules", "poolsync.plan",
                                   "poolsync.export", "poolsync.mutability",
                                   "poolsync.kinds.client_secret", "poolsync.kinds.client",
                                   "poolsync.kinds.domain", "poolsync.kinds.identity_provider",
                                   "poolsync.kinds.pool", "poolsync.kinds.planner",
                                   "poolsync.drift"])
def test_any_module_may_be_imported_first(first: str) -> None:
    code = (f"import {first}; from poolsync.kinds.settings import SETTINGS_DEFAULTS, "
            "update_payload, export_settings; "
            "from poolsync.kinds.mfa import mfa_without_factor; "
            "from poolsync.kinds.client import token_validity; "
            "from poolsync.rules import check_pool; from poolsync.plan import plan_pool; "
            "from poolsync.export import export_pools; "
            "from poolsync.kinds import all_kinds; all_kinds()")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
