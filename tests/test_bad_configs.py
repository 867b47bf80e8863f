"""The bad-config corpus: one file per way a config can be wrong, each with its golden stderr.

``tests/fixtures/bad-configs/<case>.yaml`` (or a directory ``<case>/`` of files, for
problems across files) sits next to ``<case>.expected``: the exact stderr of
``poolsync validate <case>`` run from inside ``bad-configs/``, so file names in it are
relative and stable. Every case must exit 1 without a traceback, name the file:line:col
(and the key path of a problem about a value), and ``plan`` and ``apply`` must stop on it
before asking for an AWS session.

The corpus holds the hostile input of issue 10 too: integers of 5,000 digits, YAML 1.1
forms YAML 1.2 reads otherwise, values of the wrong shape where the rules look, bad
regions, ``${env:...}`` in keys and in non-string fields, tag keys outside AWS's
characters, alias bombs, deep nesting, bytes that are not text. Below the corpus: values
from the environment checked before AWS, and every rule given every shape of value.

To add a case, write its YAML, then create or refresh the golden files with

    POOLSYNC_UPDATE_GOLDEN=1 PYTHONPATH=src:. pytest tests/test_bad_configs.py

and read every ``.expected`` that changed: it is the message a user will see.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from poolsync import rules, schema
from poolsync.aws import AwsSession
from poolsync.cli import run
from poolsync.model import Problem
from poolsync.yamlio import load_document
from tests.conftest import EXAMPLES, FIXTURES

BAD = FIXTURES / "bad-configs"
UPDATE_GOLDEN = os.environ.get("POOLSYNC_UPDATE_GOLDEN") == "1"
SUMMARY_SUFFIX = " problem(s) found; nothing was changed."


def _cases() -> list[str]:
    """Every ``*.yaml`` file and every directory directly in ``bad-configs/``, by name."""
    return sorted(
        p.name for p in BAD.iterdir() if p.is_dir() or (p.is_file() and p.suffix == ".yaml")
    )


def _golden(case: str) -> Path:
    return BAD / f"{Path(case).stem if case.endswith('.yaml') else case}.expected"


CASES = _cases()


@pytest.fixture(autouse=True)
def no_region_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The corpus is judged on the files alone: no region falls back from AWS_REGION,
    AWS_DEFAULT_REGION or a profile (config.py's fallback; tested in
    test_region_fallback.py)."""
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)


class _NoAws:
    """A session factory that records every call: config errors must stop before AWS."""

    def __init__(self) -> None:
        self.calls: list[str | None] = []

    def __call__(self, profile: str | None) -> AwsSession:
        self.calls.append(profile)
        raise RuntimeError("the session factory was called for a config that is invalid")


@pytest.mark.parametrize("case", CASES)
def test_validate_prints_the_golden_problems(
    case: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(BAD)
    code = run(["validate", case])
    captured = capsys.readouterr()
    if UPDATE_GOLDEN:
        _golden(case).write_text(captured.err, encoding="utf-8")
    assert code == 1
    assert captured.out == ""
    assert "Traceback" not in captured.err
    assert "internal error" not in captured.err
    assert captured.err == _golden(case).read_text(encoding="utf-8")


@pytest.mark.parametrize("command", ["plan", "apply"])
@pytest.mark.parametrize("case", CASES)
def test_plan_and_apply_stop_before_aws(
    case: str, command: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(BAD)
    no_aws = _NoAws()
    code = run([command, case, *(["--yes"] if command == "apply" else [])], session_factory=no_aws)
    err = capsys.readouterr().err
    assert no_aws.calls == []
    assert code == 1
    assert "Traceback" not in err
    assert "internal error" not in err
    # plan checks everything validate does (and resolves ${env:...} on top).
    problems = _golden(case).read_text(encoding="utf-8").splitlines()
    assert problems[-1].endswith(SUMMARY_SUFFIX)
    for problem in problems[:-1]:
        assert problem in err.splitlines()


# Problems about a whole file, which has no key path: YAML that does not parse, bytes that
# are not text, a file without a mapping at its top.
FILE_LEVEL = ("invalid YAML: ", "file ", "tabs are not allowed", "nesting is deeper",
              "expected a mapping at the top level", "the file declares %YAML",
              'missing required key "version"')
LOCATED = re.compile(r"^(?P<file>[^:\n]+):(?P<line>[0-9]+):(?P<column>[0-9]+): (?P<rest>.+)$")
# A key path starts with a top-level key: pools.app.settings, version, lol6[0].
KEY_PATH = re.compile(r"^[A-Za-z0-9_$]+(?:[.\[]|: )")


@pytest.mark.parametrize("case", CASES)
def test_every_problem_is_located_with_its_key_path(case: str) -> None:
    """Issue 10: every case names file:line:col, and the key path of every problem that
    is about a value (not about the file as a whole)."""
    *problems, summary = _golden(case).read_text(encoding="utf-8").splitlines()
    assert summary == f"{len(problems)}{SUMMARY_SUFFIX}"
    for problem in problems:
        located = LOCATED.match(problem)
        assert located, problem
        assert located["file"].startswith(Path(case).stem)
        assert int(located["line"]) >= 1 and int(located["column"]) >= 1
        if not located["rest"].startswith(FILE_LEVEL):
            assert KEY_PATH.match(located["rest"]), problem


def test_the_corpus_is_complete() -> None:
    # issue 5: at least 60 malformed configs; issue 10: at least 120 with hostile input
    assert len(CASES) >= 120
    expected = {p.name for p in BAD.glob("*.expected")}
    assert expected == {_golden(case).name for case in CASES}, "a case or golden file is orphaned"
    # (after the cases, so that POOLSYNC_UPDATE_GOLDEN=1 has written new golden files)


# --- ``$${`` is the escape for a literal ``${`` (config.py), not a malformed reference ----


@pytest.mark.parametrize(
    "text", ["$${foo}", "$${env:X}", "$${env:1X}", "$$${foo}", "cost: $${", "a $${x} ${env:B}"]
)
def test_escaped_reference_is_not_malformed(text: str) -> None:
    assert schema.malformed_references(text) == []


def test_a_reference_after_an_escape_is_still_checked() -> None:
    assert schema.malformed_references("$${x} ${env:1X}") == [
        'malformed ${env:...} reference: "${env:1X}": a variable name has only letters, '
        'digits and "_", and does not start with a digit'
    ]


def test_escaped_text_in_an_integer_field_is_a_plain_type_error() -> None:
    data = {
        "version": 1,
        "pools": {
            "app": {
                "region": "eu-west-1",
                "settings": {"Policies": {"PasswordPolicy": {"MinimumLength": "$${env:N}"}}},
            }
        },
    }
    [problem] = schema.validate_document(data)
    assert problem.message == "expected an integer, got a string"


def test_escaped_references_validate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "escaped.yaml"
    path.write_text(
        "version: 1\npools:\n  app:\n    region: eu-west-1\n    settings:\n"
        "      UserPoolTags: {template: '$${foo}', literal: '$${env:1X}', cost: 'a$$${b}'}\n"
    )
    assert run(["validate", str(path)]) == 0
    assert capsys.readouterr().err == ""


# --- a missing environment variable: only plan and apply resolve ${env:...} ---------------


MISSING_ENV = """\
version: 1
pools:
  customers-prod:
    region: eu-west-1
    identity_providers:
      Google:
        ProviderType: Google
        ProviderDetails:
          client_id: ${env:POOLSYNC_TEST_UNSET_ID}
          client_secret: ${env:POOLSYNC_TEST_UNSET_SECRET}
          authorize_scopes: openid
    settings:
      UserPoolTags: {owner: "${env:POOLSYNC_TEST_UNSET_ID}-team"}
"""


@pytest.mark.parametrize("command", ["plan", "apply", "drift"])
def test_a_missing_environment_variable_stops_before_aws(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("POOLSYNC_TEST_UNSET_ID", raising=False)
    monkeypatch.delenv("POOLSYNC_TEST_UNSET_SECRET", raising=False)
    (tmp_path / "missing-env.yaml").write_text(MISSING_ENV)
    monkeypatch.chdir(tmp_path)
    assert run(["validate", "missing-env.yaml"]) == 0  # validate checks the syntax only
    capsys.readouterr()
    no_aws = _NoAws()
    args = [command, "missing-env.yaml", *(["--yes"] if command == "apply" else [])]
    assert run(args, session_factory=no_aws) == 1
    assert no_aws.calls == []
    assert capsys.readouterr().err == (
        "missing-env.yaml:9:11: pools.customers-prod.identity_providers.Google.ProviderDetails.client_id: "
        "environment variable POOLSYNC_TEST_UNSET_ID is not set\n"
        "missing-env.yaml:10:11: pools.customers-prod.identity_providers.Google.ProviderDetails.client_secret: "
        "environment variable POOLSYNC_TEST_UNSET_SECRET is not set\n"
        "missing-env.yaml:13:22: pools.customers-prod.settings.UserPoolTags.owner: "
        "environment variable POOLSYNC_TEST_UNSET_ID is not set\n"
        "3 problem(s) found; nothing was changed.\n"
    )


# --- values from ${env:...}: checked after substitution, before any AWS call ---------------

SUBSTITUTED = {
    "top-level-region": (
        "version: 1\nregion: ${env:POOLSYNC_TEST_VALUE}\npools:\n  app: {}\n",
        {"POOLSYNC_TEST_VALUE": "not a region!"},
        "f.yaml:2:1: region: must be an AWS region code (for example eu-west-1) (the value "
        "comes from ${env:POOLSYNC_TEST_VALUE})",
    ),
    "pool-region": (
        "version: 1\npools:\n  app:\n    region: ${env:POOLSYNC_TEST_VALUE}\n",
        {"POOLSYNC_TEST_VALUE": "eu-west-1; rm -rf /"},
        "f.yaml:4:5: pools.app.region: must be an AWS region code (for example eu-west-1) "
        "(the value comes from ${env:POOLSYNC_TEST_VALUE})",
    ),
    "enum": (
        "version: 1\npools:\n  app:\n    region: eu-west-1\n"
        "    mfa: {MfaConfiguration: '${env:POOLSYNC_TEST_VALUE}'}\n",
        {"POOLSYNC_TEST_VALUE": "SOMETIMES"},
        "f.yaml:5:11: pools.app.mfa.MfaConfiguration: must be one of: OFF, ON, OPTIONAL "
        "(the value comes from ${env:POOLSYNC_TEST_VALUE})",
    ),
    "version": (
        "version: ${env:POOLSYNC_TEST_VALUE}\npools:\n  app: {region: eu-west-1}\n",
        {"POOLSYNC_TEST_VALUE": "1.0"},  # no text is the number 1, whatever it says
        "f.yaml:1:1: version: ${env:...} can only stand in a string value",
    ),
}


@pytest.mark.parametrize("command", ["plan", "apply", "drift"])
@pytest.mark.parametrize("case", SUBSTITUTED)
def test_a_bad_substituted_value_stops_before_aws(
    case: str, command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    text, environ, expected = SUBSTITUTED[case]
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    (tmp_path / "f.yaml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    no_aws = _NoAws()
    args = [command, "f.yaml", *(["--yes"] if command == "apply" else [])]
    assert run(args, session_factory=no_aws) == 1
    err = capsys.readouterr().err
    assert no_aws.calls == []
    assert expected in err.splitlines()
    assert "Traceback" not in err and "internal error" not in err
    for value in environ.values():
        assert value not in err  # a value from the environment is never shown


# --- hostile values anywhere: a located problem, never a crash ------------------------------
#
# Every key of the example and real-world documents, in turn, given a value of every
# other shape: the rules read the documents before the schema's problems are reported,
# so each rule must tolerate any shape where it looks (a ProviderType written as a list
# was a TypeError).

# 10**100 - 1: the largest integer yamlio reads (MAX_NUMBER_DIGITS).
_HOSTILE_VALUES: tuple[Any, ...] = (
    ["x"], {"x": "y"}, None, True, -1, 2**64, 10**100 - 1, 1.5, float("nan"), "",
    "9" * 5000, "0x" + "f" * 5000, "${env:X}", "\x00\x1b[2J",
)
_DOCUMENTS = sorted(
    [*EXAMPLES.glob("*.yaml"), *(FIXTURES / "real-world").glob("valid-*.yaml"),
     FIXTURES / "every-kind.yaml"]
)


def _paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if path:
        yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*path, index))


def _replaced(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    copy = json.loads(json.dumps(data))
    parent = copy
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = value
    return copy


@pytest.mark.parametrize("document", _DOCUMENTS, ids=[p.name for p in _DOCUMENTS])
def test_the_rules_tolerate_any_value_anywhere(document: Path) -> None:
    data = load_document(document.read_bytes(), document.name).data
    for path in _paths(data):
        for value in _HOSTILE_VALUES:
            problems = rules.check_document(_replaced(data, path, value))
            assert all(isinstance(p, Problem) for p in problems)


def test_the_schema_messages_tolerate_any_value_anywhere() -> None:
    data = load_document((EXAMPLES / "storefront.yaml").read_bytes(), "f.yaml").data
    for path in _paths(data):
        for value in (["x"], {"x": "y"}, None, 10**5000, float("nan"), "9" * 5000):
            for problem in schema.validate_document(_replaced(data, path, value)):
                assert len(problem.message) < 1000  # quoted short, never the value whole
