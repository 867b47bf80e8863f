"""Shared fixtures: a Cognito for every test that needs one, behaving like AWS.

``cognito`` is moto 5.2.1 behind poolsync's stand-in (the default); ``plain_moto`` is
moto as shipped, for the few tests that show where the two differ.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from moto import mock_aws

from poolsync import standin
from poolsync.aws import AwsSession, BotoCognito

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLES = Path(__file__).parent.parent / "examples" / "pools"
REGION = "eu-west-1"
EXAMPLE_SECRET = "GOCSPX-example-secret-never-printed"


@pytest.fixture(autouse=True)
def aws_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Dummy credentials, and nothing from the developer's own AWS set-up."""
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_COGNITO_IDP"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
    # The examples take their identity-provider secrets from the environment.
    monkeypatch.setenv("GOOGLE_CLIENT_SECRET", EXAMPLE_SECRET)


@pytest.fixture
def cognito() -> Iterator[None]:
    """moto behind the stand-in: behaves like AWS where moto 5.2.1 does not."""
    with standin.installed(), mock_aws():
        yield


@pytest.fixture
def plain_moto() -> Iterator[None]:
    standin.uninstall()
    with mock_aws():
        yield


@pytest.fixture
def session(cognito: None) -> AwsSession:
    """Unpaced: moto has no quotas, and pacing is tested on its own (test_pacing.py)."""
    return AwsSession(share=None)


@pytest.fixture
def write(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write a config file from an indented YAML string; returns its path."""

    def _write(text: str, name: str = "pools.yaml") -> str:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text))
        return str(path)

    return _write


def cli(session: AwsSession, *args: str) -> int:
    """Run the CLI as a user would, against ``session`` (the CLI's own seam)."""
    from poolsync.cli import run

    return run(list(args), session_factory=lambda profile: session)


def boto_cognito(session: AwsSession, region: str = REGION) -> BotoCognito:
    """The session's Cognito for ``region``, whose ``calls`` record every attempt."""
    cognito = session.cognito(region)
    assert isinstance(cognito, BotoCognito)
    return cognito
