"""Shared fixtures: a Cognito for every test that needs one, behaving like AWS.

``cognito`` is moto 5.2.1 behind poolsync's stand-in (the default); ``plain_moto`` is
moto as shipped, for the few tests that show where the two differ. Below the fixtures,
the helpers tests import: ``cli``, ``boto_cognito``, and what the kinds' tests
(tests/test_kind_*.py) share.
"""

from __future__ import annotations

import gc
import json
import textwrap
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import botocore.loaders
import botocore.session
import pytest
import yaml
from botocore.exceptions import ConnectionClosedError
from moto import mock_aws

from poolsync import standin
from poolsync.aws import AwsSession, BotoCognito

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLES = Path(__file__).parent.parent / "examples" / "pools"
REGION = "eu-west-1"
EXAMPLE_SECRET = "GOCSPX-example-secret-never-printed"


@pytest.fixture(autouse=True, scope="session")
def one_botocore_loader() -> Iterator[None]:
    """Every botocore session of the run reads botocore's JSON data through one Loader.

    A botocore session makes its own Loader (botocore/session.py,
    ``_register_data_loader``), and the Loader caches what it reads per instance
    (botocore/loaders.py, ``instance_cache``). poolsync makes a boto3 session for each
    region of each run, and moto gives each test a fresh default session, so the suite
    made 811 clients and parsed botocore's JSON files (the Cognito model, endpoints.json,
    partitions.json...) 7,162 times: 120 s of CPU, and garbage for the collector. The
    data is the same for every session (nothing in botocore, boto3 or moto edits it
    after loading: no ``service-data-loaded`` handler), so one Loader serves them all.
    Only the default search path is shared; an ``AWS_DATA_PATH`` gets its own Loader.
    """
    shared = botocore.loaders.create_loader()
    original = botocore.session.create_loader

    def create_loader(search_path_string: str | None = None) -> botocore.loaders.Loader:
        return shared if search_path_string is None else original(search_path_string)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(botocore.session, "create_loader", create_loader)
        yield


@pytest.fixture(autouse=True, scope="session")
def fewer_collections() -> Iterator[None]:
    """The collector's first generation runs after 10,000 net allocations instead of
    700. A test that goes through botocore and moto allocates millions of short-lived
    objects (parsed models, requests, responses); at 700 the collector ran about 6,000
    times in a third of the suite and its full passes walked the long-lived heap (moto's
    and botocore's modules) again each time: 11% of the CPU time. Garbage in cycles is
    still collected, every few milliseconds of a test instead of every few hundred
    microseconds; the memory the suite peaks at did not change (210 MB)."""
    before = gc.get_threshold()
    gc.set_threshold(10_000, 20, 20)
    try:
        yield
    finally:
        gc.set_threshold(*before)


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


# --------------------------------------------------------------------------- the kinds' tests
#
# What the tests of each kind (tests/test_kind_*.py) do outside poolsync: look at the pool
# through boto3 as a console user would, read a JSON plan or an export, count a plan's
# reads, lose a response.


def boto(session: AwsSession) -> Any:
    """The session's boto3 client, for calls a test makes itself (not recorded)."""
    return boto_cognito(session)._boto()


def pool_id(session: AwsSession) -> str:
    """The id of the one user pool."""
    return str(boto(session).list_user_pools(MaxResults=10)["UserPools"][0]["Id"])


def client_id(session: AwsSession, name: str) -> str:
    """The id of the pool's app client ``name``."""
    clients = boto(session).list_user_pool_clients(UserPoolId=pool_id(session),
                                                   MaxResults=60)["UserPoolClients"]
    return str(next(c["ClientId"] for c in clients if c["ClientName"] == name))


def plan_json(session: AwsSession, path: str, capsys: pytest.CaptureFixture[str],
              *extra: str) -> dict[str, Any]:
    """``plan PATH -o json EXTRA...`` (exit 0, 2 or 3), its output parsed."""
    capsys.readouterr()
    assert cli(session, "plan", path, "-o", "json", *extra) in (0, 2, 3)
    return dict(json.loads(capsys.readouterr().out))


def plan_object(plan: dict[str, Any], address: str) -> dict[str, Any]:
    """The object at ``address`` of a JSON plan."""
    return next(o for p in plan["pools"] for o in p["objects"] if o["address"] == address)


def export_yaml(session: AwsSession, capsys: pytest.CaptureFixture[str],
                *extra: str) -> dict[str, Any]:
    """``export --region REGION --all EXTRA...`` (exit 0), its output parsed."""
    capsys.readouterr()
    assert cli(session, "export", "--region", REGION, "--all", *extra) == 0
    return dict(yaml.safe_load(capsys.readouterr().out))


def plan_reads(session: AwsSession, path: str) -> Counter[str]:
    """``plan PATH --detailed-exitcode`` (exit 0: nothing to do), and how many times it
    called each operation, retries not counted."""
    cognito = boto_cognito(session)
    before = len(cognito.calls)
    assert cli(session, "plan", path, "--detailed-exitcode") == 0
    return Counter(c.operation for c in cognito.calls[before:] if c.attempt == 1)


class LosingFirstResponse:
    """A boto client whose methods named with one of ``prefixes`` lose their first
    response after the server acted (as when the connection drops): the retry must look
    the object up, not send the create again. ``reach=False``: the first request is
    lost before the server sees it (nothing acted: the look-up must find nothing)."""

    def __init__(self, inner: Any, *prefixes: str, reach: bool = True) -> None:
        self._inner = inner
        self._prefixes = prefixes
        self._reach = reach
        self._lost: set[str] = set()

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._inner, name)
        if not name.startswith(self._prefixes):
            return method

        def lose_first(**params: Any) -> Any:
            if name not in self._lost and not self._reach:
                self._lost.add(name)
                raise ConnectionClosedError(endpoint_url="https://cognito-idp.local")
            response = method(**params)
            if name not in self._lost:
                self._lost.add(name)
                raise ConnectionClosedError(endpoint_url="https://cognito-idp.local")
            return response

        return lose_first
