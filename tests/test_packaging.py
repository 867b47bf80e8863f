"""Packaging as a real project (issue 11, point 8): the metadata in pyproject.toml and
what the wheel carries, checked without building one (the wheel build and a fresh
install are in the issue's report: they need the network for the build backend)."""

from __future__ import annotations

import json
import re
import tomllib
from importlib.metadata import PackageNotFoundError, distribution
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import poolsync
from poolsync.aws import AwsSession
from poolsync.demo import closing_hint, display, find_examples
from tests.conftest import cli as _cli

ROOT = Path(__file__).parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PROJECT = PYPROJECT["project"]
PACKAGE = ROOT / "src" / "poolsync"


def test_the_license_file_is_the_apache_license_the_metadata_names() -> None:
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert PROJECT["license"] == {"text": "Apache-2.0"}
    assert "Apache License\n                           Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text
    assert "License :: OSI Approved :: Apache Software License" in PROJECT["classifiers"]


def test_classifiers_and_urls() -> None:
    classifiers = PROJECT["classifiers"]
    workflow = (ROOT / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8")
    tested = re.search(r"python-version: \[([^\]]*)\]", workflow)
    assert tested is not None
    for version in re.findall(r'"(3\.\d+)"', tested.group(1)):  # what CI runs on
        assert f"Programming Language :: Python :: {version}" in classifiers
    assert "Typing :: Typed" in classifiers
    assert {"Homepage", "Source", "Issues"} <= set(PROJECT["urls"])
    assert all(url.startswith("https://") for url in PROJECT["urls"].values())


def test_one_source_for_the_version() -> None:
    """pyproject takes the version from poolsync/__init__.py (hatch's version source):
    what ``poolsync --version`` prints is what the wheel is called."""
    assert "version" not in PROJECT and PROJECT["dynamic"] == ["version"]
    assert PYPROJECT["tool"]["hatch"]["version"]["path"] == "src/poolsync/__init__.py"
    source = (PACKAGE / "__init__.py").read_text(encoding="utf-8")
    assert re.search(r'^__version__ = "(\d+\.\d+\.\d+)"$', source, re.MULTILINE)
    assert re.fullmatch(r"\d+\.\d+\.\d+", poolsync.__version__)
    try:
        installed = distribution("poolsync")
    except PackageNotFoundError:  # not installed: nothing to compare
        return
    if Path(str(installed.locate_file("poolsync"))).resolve() == PACKAGE.resolve():
        assert installed.version == poolsync.__version__


def test_the_wheel_carries_py_typed_and_both_schemas() -> None:
    """The wheel is src/poolsync as it is (hatch follows the schema links)."""
    wheel = PYPROJECT["tool"]["hatch"]["build"]["targets"]["wheel"]
    assert wheel["packages"] == ["src/poolsync"]
    assert (PACKAGE / "py.typed").is_file()
    for name in ("poolsync.schema.json", "plan.schema.json"):
        shipped = PACKAGE / name
        assert shipped.read_bytes() == (ROOT / "schema" / name).read_bytes(), name


def test_schema_plan_prints_the_shipped_plan_schema(
        capsys: pytest.CaptureFixture[str]) -> None:
    from poolsync.cli import run

    assert run(["schema", "--plan"]) == 0
    out = capsys.readouterr().out
    assert out == (ROOT / "schema" / "plan.schema.json").read_text(encoding="utf-8")
    assert out == files("poolsync").joinpath("plan.schema.json").read_text(encoding="utf-8")
    jsonschema.Draft202012Validator.check_schema(json.loads(out))
    assert run(["schema"]) == 0
    assert json.loads(capsys.readouterr().out)["$schema"].endswith("2020-12/schema")


def test_a_real_plan_file_is_valid_against_the_shipped_schema(
        session: AwsSession, write: Any, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    path = write("""
        version: 1
        pools:
          packaged:
            region: eu-west-1
            settings: {UserPoolTags: {team: packaging}}
            clients: {web: {ExplicitAuthFlows: [ALLOW_REFRESH_TOKEN_AUTH]}}
        """)
    out = tmp_path / "plan.json"
    assert _cli(session, "plan", path, "--out", str(out)) == 0
    capsys.readouterr()
    assert _cli(session, "schema", "--plan") == 0
    schema = json.loads(capsys.readouterr().out)
    jsonschema.validate(json.loads(out.read_text()), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**json.loads(out.read_text()), "format_version": 1}, schema)


def test_the_demo_closing_hint_names_examples_that_exist_on_this_install() -> None:
    """From a wheel, the examples are inside the package (force-include); the hint names
    where they are, never an examples/pools/ that a wheel install does not have."""
    include = PYPROJECT["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert include == {"examples/pools": "poolsync/examples"}
    examples = find_examples()
    hint = closing_hint(display(examples))
    named = re.search(r"the examples in (\S+) ", hint)
    assert named is not None and Path(named.group(1)).resolve() == examples.resolve()
    assert any(examples.glob("*.yaml"))


def test_the_demo_hint_from_an_installed_package(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The package's own examples directory (as a wheel has it) comes first."""
    fake = tmp_path / "site-packages" / "poolsync"
    (fake / "examples").mkdir(parents=True)
    (fake / "examples" / "a.yaml").write_text("version: 1\n")
    monkeypatch.setattr("poolsync.demo.__file__", str(fake / "demo.py"))
    monkeypatch.chdir(tmp_path)
    assert find_examples() == fake / "examples"
    assert "examples in site-packages/poolsync/examples " in closing_hint(
        display(find_examples()))


def test_the_demo_extra_is_the_local_cognito_only() -> None:
    """moto's Cognito and what moto.server imports (flask, flask_cors), not moto[server]
    (cfn-lint, docker, aws-xray-sdk...: 66 packages, 317 MB); the same moto as dev's."""
    demo = PROJECT["optional-dependencies"]["demo"]
    assert not any("moto[server]" in d for d in demo)
    pins = {re.sub(r"\[.*\]", "", d) for d in demo + PROJECT["optional-dependencies"]["dev"]
            if d.startswith("moto")}
    assert pins == {"moto==5.2.1"}
    assert "moto[cognitoidp]==5.2.1" in demo
    assert {re.split(r"[!=<>\[ ]", d)[0] for d in demo} == {"moto", "flask", "flask-cors"}
    import flask  # noqa: F401  what moto/moto_server/werkzeug_app.py imports
    import flask_cors  # noqa: F401
    from moto.server import ThreadedMotoServer  # noqa: F401
