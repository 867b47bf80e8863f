"""The code holds its own lines: lint, types, and which module may import what."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
PACKAGE = ROOT / "src" / "poolsync"

# Each third-party library is imported by exactly one module (README, "Development").
# The stand-in (moto, and boto3 for its client helper) lives apart from the product code.
OWNERS = {
    "yaml": {"yamlio.py"},
    "jsonschema": {"schema.py"},
    "deepdiff": {"diff.py"},
    "boto3": {"aws.py", "standin/server.py"},
    "botocore": {"aws.py", "shapes.py"},
    # progress.py draws the progress line with click's bar: the terminal, like cli.py.
    "click": {"cli.py", "progress.py"},
    "moto": {"standin/__init__.py", "standin/patching.py", "standin/pool.py",
             "standin/mfa.py", "standin/schema.py", "standin/server.py",
             "standin/clients.py", "standin/providers.py", "standin/domains.py",
             "standin/resource_servers.py", "standin/tags.py", "standin/validation.py",
             "standin/tiers.py", "standin/log_delivery.py",
             "standin/risk_configuration.py", "standin/terms.py",
             "standin/managed_login_branding.py",
             "standin/ui_customization.py",
             "standin/client_secrets.py", "standin/sign_in.py"},
    "joserfc": {"standin/speed.py"},
    # poolsync smoke: each library behind one module of the smoke package.
    "jwt": {"smoke/tokens.py"},
    "pyotp": {"smoke/totp.py"},
    "pycognito": {"smoke/srp.py"},
}


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("library", sorted(OWNERS))
def test_each_library_is_imported_only_where_it_belongs(library: str) -> None:
    importers = {
        str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py") if library in _imports(p)
    }
    assert importers <= OWNERS[library], f"{library} imported by {importers - OWNERS[library]}"


def test_validate_does_not_import_boto3_or_moto() -> None:
    code = (
        "import sys; from poolsync.cli import run; "
        "rc = run(['validate', 'examples/pools']); "
        "assert rc == 0, rc; "
        "heavy = [m for m in ('boto3', 'botocore', 'moto', 'deepdiff') if m in sys.modules]; "
        "assert not heavy, heavy"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (pip install -e '.[dev]')")
    return found


def test_ruff_is_clean() -> None:
    result = subprocess.run([_tool("ruff"), "check", "src", "tests", "scripts"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_is_clean() -> None:
    result = subprocess.run([_tool("mypy")], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
