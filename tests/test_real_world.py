"""The real-world corpus: pool definitions people wrote, translated to poolsync's format.

``tests/fixtures/real-world/`` holds pools written from public CloudFormation, SAM,
Serverless, CDK and Terraform material (each file's header names its source and how it was
translated; ``SOURCES.md`` lists them all):

- ``valid-*.yaml``: definitions AWS accepts. Each must validate, apply against the stand-in,
  and then plan clean: poolsync plans exactly what Cognito will do.
- ``invalid-*.yaml``: definitions AWS refuses. ``validate`` must say so, exactly as in the
  golden ``invalid-<name>.expected`` (the stderr of ``poolsync validate <file>`` run from
  inside the directory, so the path in it is relative), and ``apply`` must stop before any
  write.
- ``refused-*.yaml``: definitions AWS refuses for a reason the file alone cannot prove
  (a mapping onto a custom attribute that the live pool might have): ``validate``
  passes, and ``plan`` against a pool that lacks it exits 3 with the golden
  ``refused-<name>.expected`` refusal (located at the file's line), and ``apply`` stops
  before any write.

Secrets are ``${env:NAME}`` references; the tests set every variable the corpus names.
Refresh the golden files after reading what changed with

    POOLSYNC_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_real_world.py
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import yaml

from poolsync.aws import AwsSession
from poolsync.cli import run
from tests.conftest import FIXTURES
from tests.conftest import boto_cognito as _cognito
from tests.conftest import cli as _cli

REAL_WORLD = FIXTURES / "real-world"
UPDATE_GOLDEN = os.environ.get("POOLSYNC_UPDATE_GOLDEN") == "1"
VALID = sorted(p.name for p in REAL_WORLD.glob("valid-*.yaml"))
INVALID = sorted(p.name for p in REAL_WORLD.glob("invalid-*.yaml"))
REFUSED = sorted(p.name for p in REAL_WORLD.glob("refused-*.yaml"))
# ${env:NAME}, but not the literal $${env:NAME} (README, "The config format").
ENV_REFERENCE = re.compile(r"(?<!\$)\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}")
READ_PREFIXES = ("Describe", "List", "Get")
POOL_NAME = re.compile(r"^[\w\s+=,.@-]+$")  # botocore UserPoolNameType
# A prefix cannot contain these (aws-amplify/amplify-cli #3854; aws-solutions/
# content-analysis-on-aws #8); a custom domain's ACM certificate must be in us-east-1
# (botocore CreateUserPoolDomain).
RESERVED_PREFIX_WORDS = ("aws", "amazon", "cognito")
CERTIFICATE_REGION = "us-east-1"


def _text(name: str) -> str:
    return (REAL_WORLD / name).read_text(encoding="utf-8")


def _golden(name: str) -> Path:
    return REAL_WORLD / f"{Path(name).stem}.expected"


def _pools(name: str) -> dict[str, str]:
    """Pool name -> region, as the file says."""
    document = yaml.safe_load(_text(name))
    default = document.get("region")
    return {pool: body.get("region", default) for pool, body in document["pools"].items()}


@pytest.fixture(autouse=True)
def corpus_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every ${env:NAME} the corpus references, set to a value of its own."""
    for name in sorted({n for f in VALID + INVALID + REFUSED
                        for n in ENV_REFERENCE.findall(_text(f))}):
        monkeypatch.setenv(name, f"corpus-secret-{name.lower()}")


def _run(session: AwsSession, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """Exit code and everything printed, for the failure message."""
    code = _cli(session, *args)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


# --- the corpus itself ----------------------------------------------------------------


def test_the_corpus_is_complete() -> None:
    assert len(VALID) + len(INVALID) + len(REFUSED) >= 20
    assert len(INVALID) >= 3
    goldens = {p.name for p in REAL_WORLD.glob("*.expected")}
    assert goldens == {_golden(name).name for name in INVALID + REFUSED}, (
        "an orphaned or missing golden")
    listed = _text("SOURCES.md")
    for name in VALID + INVALID + REFUSED:
        assert f"`{name}`" in listed, f"{name} is not in SOURCES.md"


def test_every_pool_name_is_unique_and_valid() -> None:
    seen: dict[str, str] = {}
    for name in VALID + INVALID + REFUSED:
        for pool in _pools(name):
            assert POOL_NAME.match(pool) and len(pool) <= 128, f"{name}: bad pool name {pool!r}"
            assert pool not in seen, f"pool {pool!r} is in both {seen.get(pool)} and {name}"
            seen[pool] = name


def _domains(name: str) -> dict[str, dict[str, object]]:
    """Pool name -> its ``domain`` members, for the pools that have one."""
    document = yaml.safe_load(_text(name))
    return {pool: body["domain"] for pool, body in document["pools"].items()
            if body.get("domain")}


def test_every_domain_can_be_applied_beside_the_others() -> None:
    """The whole corpus can go into one account: a domain belongs to one pool ("Domain
    already associated with another user pool.", aws-samples/aws-cdk-examples #402), a
    prefix holds no reserved word, and a custom domain's certificate is in us-east-1."""
    seen: dict[str, str] = {}
    for name in VALID + INVALID + REFUSED:
        for pool, domain in _domains(name).items():
            value = str(domain["Domain"])
            assert value not in seen, f"domain {value!r} is in both {seen[value]} and {name}"
            seen[value] = name
            if "." not in value:
                words = [w for w in RESERVED_PREFIX_WORDS if w in value]
                assert not words, f"{name}: prefix {value!r} contains reserved {words}"
                continue
            config = domain.get("CustomDomainConfig")
            arn = str(config.get("CertificateArn", "")) if isinstance(config, dict) else ""
            assert arn.split(":")[2:4] == ["acm", CERTIFICATE_REGION], (
                f"{name}: {pool}'s certificate {arn!r} is not an ACM one in us-east-1")
    assert len(seen) >= 10, "the corpus lost its domains"


@pytest.mark.parametrize("name", VALID + INVALID + REFUSED)
def test_every_file_names_its_source(name: str) -> None:
    header = _text(name).splitlines()[0]
    assert header.startswith("# Source: "), f"{name} does not start with its source"


# --- definitions AWS accepts ----------------------------------------------------------


@pytest.mark.parametrize("name", VALID)
def test_valid_definition_applies_and_then_plans_clean(
    name: str, session: AwsSession, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(REAL_WORLD / name)
    code, output = _run(session, capsys, "validate", path)
    assert code == 0, f"validate {name} exited {code}:\n{output}"
    code, output = _run(session, capsys, "apply", path, "--yes")
    assert code == 0, f"apply {name} exited {code}:\n{output}"
    code, output = _run(session, capsys, "plan", path, "--detailed-exitcode")
    assert code == 0, f"plan {name} after apply exited {code}:\n{output}"


# --- definitions AWS refuses ----------------------------------------------------------


@pytest.mark.parametrize("name", INVALID)
def test_invalid_definition_is_refused_offline_with_the_golden_problems(
    name: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(REAL_WORLD)
    code = run(["validate", name])
    captured = capsys.readouterr()
    if UPDATE_GOLDEN:
        _golden(name).write_text(captured.err, encoding="utf-8")
    assert code == 1
    assert captured.out == ""
    assert captured.err == _golden(name).read_text(encoding="utf-8")


@pytest.mark.parametrize("name", INVALID)
def test_invalid_definition_is_not_applied(
    name: str, session: AwsSession, capsys: pytest.CaptureFixture[str]
) -> None:
    code, output = _run(session, capsys, "apply", str(REAL_WORLD / name), "--yes")
    assert code != 0, f"apply {name} succeeded:\n{output}"
    for region in sorted(set(_pools(name).values())):
        writes = [c.operation for c in _cognito(session, region).calls
                  if not c.operation.startswith(READ_PREFIXES)]
        assert writes == [], f"apply {name} wrote {writes} in {region}:\n{output}"


# --- definitions AWS refuses for what only the live pool tells --------------------------


@pytest.mark.parametrize("name", REFUSED)
def test_refused_definition_validates_then_plan_refuses_it_located(
    name: str, session: AwsSession, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(REAL_WORLD)
    code, output = _run(session, capsys, "validate", name)
    assert code == 0, f"validate {name} exited {code}:\n{output}"
    code = _cli(session, "plan", name)
    captured = capsys.readouterr()
    if UPDATE_GOLDEN:
        _golden(name).write_text(captured.err, encoding="utf-8")
    assert code == 3, captured.out + captured.err
    assert captured.err == _golden(name).read_text(encoding="utf-8")
    code, output = _run(session, capsys, "apply", name, "--yes")
    assert code == 3, f"apply {name} exited {code}:\n{output}"
    for region in sorted(set(_pools(name).values())):
        writes = [c.operation for c in _cognito(session, region).calls
                  if not c.operation.startswith(READ_PREFIXES)]
        assert writes == [], f"apply {name} wrote {writes} in {region}:\n{output}"
