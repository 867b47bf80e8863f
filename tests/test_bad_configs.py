"""The bad-config corpus: one file per way a config can be wrong, each with its golden stderr.

``tests/fixtures/bad-configs/<case>.yaml`` (or a directory ``<case>/`` of files, for
problems across files) sits next to ``<case>.expected``: the exact stderr of
``poolsync validate <case>`` run from inside ``bad-configs/``, so file names in it are
relative and stable. Every case must exit 1 without a traceback, and ``plan`` must stop
on it before asking for an AWS session.

To add a case, write its YAML, then create or refresh the golden files with

    POOLSYNC_UPDATE_GOLDEN=1 PYTHONPATH=src:. pytest tests/test_bad_configs.py

and read every ``.expected`` that changed: it is the message a user will see.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from poolsync import schema
from poolsync.aws import AwsSession
from poolsync.cli import run
from tests.conftest import FIXTURES

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


@pytest.mark.parametrize("case", CASES)
def test_plan_stops_before_aws(
    case: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(BAD)
    no_aws = _NoAws()
    code = run(["plan", case], session_factory=no_aws)
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


def test_the_corpus_is_complete() -> None:
    assert len(CASES) >= 60  # issue 5: a corpus of at least 60 malformed configs
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
