"""A pool's region, as AWS tools find one (config.py, "Regions"): the pool's ``region``,
its file's, ``--region``, ``AWS_REGION``, ``AWS_DEFAULT_REGION``, the profile's region
(read by botocore, and only when a pool needs it); the plan's header says which source
gave the region of pools whose files name none."""

from __future__ import annotations

import html
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from poolsync.aws import AwsSession
from tests.conftest import cli

NAMELESS = """\
    version: 1
    pools:
      nameless:
        settings: {DeletionProtection: INACTIVE}
"""
# Every region written: the fallback is never needed.
NAMED = """\
    version: 1
    region: us-west-2
    pools:
      filed:
        settings: {DeletionProtection: INACTIVE}
      own:
        region: eu-north-1
        settings: {DeletionProtection: INACTIVE}
"""
AWS_CONFIG = """\
    [default]
    region = ap-southeast-2

    [profile dev]
    region = ca-central-1

    [profile bare]
    output = json

    [profile odd]
    region = not a region
"""

Write = Callable[..., str]


@pytest.fixture
def aws_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No region in the environment; an AWS config file with profiles that have one."""
    path = tmp_path / "aws-config"
    path.write_text(textwrap.dedent(AWS_CONFIG))
    for variable in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(path))
    return path


# (options, environment, the region used, the source the header names): each source in
# turn, with every source after it set too, so that each case shows it comes first.
SOURCES = [
    (["--region", "sa-east-1"], {"AWS_REGION": "eu-central-1",
                                 "AWS_DEFAULT_REGION": "eu-west-2"}, "sa-east-1", "--region"),
    (["--profile", "dev"], {"AWS_REGION": "eu-central-1", "AWS_DEFAULT_REGION": "eu-west-2"},
     "eu-central-1", "AWS_REGION"),
    (["--profile", "dev"], {"AWS_DEFAULT_REGION": "eu-west-2"}, "eu-west-2",
     "AWS_DEFAULT_REGION"),
    (["--profile", "dev"], {}, "ca-central-1", "profile dev"),
    ([], {"AWS_PROFILE": "dev"}, "ca-central-1", "profile dev"),
    ([], {}, "ap-southeast-2", "profile default"),
    ([], {"AWS_REGION": ""}, "ap-southeast-2", "profile default"),  # empty is unset
]


@pytest.mark.parametrize(("options", "environment", "region", "source"), SOURCES)
def test_each_source_in_order(session: AwsSession, write: Write, aws_config: Path,
                              monkeypatch: pytest.MonkeyPatch,
                              capsys: pytest.CaptureFixture[str], options: list[str],
                              environment: dict[str, str], region: str, source: str
                              ) -> None:
    for variable, value in environment.items():
        monkeypatch.setenv(variable, value)
    path = write(NAMELESS)
    assert cli(session, "plan", path, *options) == 0
    out = capsys.readouterr().out
    assert f"nameless ({region}, new)" in out
    assert out.startswith(f"Region {region}, from {source}, for the pools whose files "
                          "name none: nameless.\n\n")


def test_the_pools_and_the_files_region_come_before_every_fallback(
    session: AwsSession, write: Write, aws_config: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AWS_REGION", "eu-central-1")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-2")
    named, nameless = write(NAMED, "named.yaml"), write(NAMELESS, "nameless.yaml")
    assert cli(session, "plan", named, "--region", "sa-east-1", "--profile", "dev") == 0
    out = capsys.readouterr().out
    assert "filed (us-west-2, new)" in out and "own (eu-north-1, new)" in out
    assert "Region " not in out  # no pool took the fallback: nothing to say
    # Only the pools whose files name none are listed as taking it.
    assert cli(session, "plan", named, nameless, "--region", "sa-east-1") == 0
    out = capsys.readouterr().out
    assert "Region sa-east-1, from --region, for the pools whose files name none: " \
           "nameless.\n" in out
    assert "filed (us-west-2, new)" in out and "nameless (sa-east-1, new)" in out


def test_the_header_names_the_source_in_json_and_markdown(
    session: AwsSession, write: Write, aws_config: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    path = write(NAMELESS)
    assert cli(session, "plan", path, "-o", "json") == 0
    document = json.loads(capsys.readouterr().out)
    assert document["region_default"] == {"region": "eu-west-1", "source": "AWS_REGION",
                                          "pools": ["nameless"]}
    assert document["pools"][0]["region"] == "eu-west-1"
    assert cli(session, "plan", path, "-o", "markdown") == 0
    markdown = html.unescape(capsys.readouterr().out)
    assert "\nRegion eu-west-1, from AWS_REGION, for the pools whose files name none: " \
           "nameless.\n" in markdown
    # Files that name every region: no such header anywhere.
    assert cli(session, "plan", write(NAMED, "named.yaml"), "-o", "json") == 0
    assert "region_default" not in json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(("options", "environment", "message"), [
    ([], {"AWS_REGION": "mars-1"}, "error: AWS_REGION is not an AWS region name"),
    (["--profile", "odd"], {}, "error: the region of the AWS profile odd is not an AWS "
                               "region name"),
    (["--profile", "nope"], {}, "error: the AWS profile 'nope' does not exist"),
    (["--profile", "bare"], {}, "pools.nameless: no region: set pools.nameless.region, a "
     "top-level region, --region, AWS_REGION or AWS_DEFAULT_REGION, or a region in the AWS "
     "profile (profile bare has none)"),
])
def test_a_bad_or_missing_region_is_an_error_before_any_call(
    session: AwsSession, write: Write, aws_config: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str], options: list[str], environment: dict[str, str],
    message: str
) -> None:
    for variable, value in environment.items():
        monkeypatch.setenv(variable, value)
    path = write(NAMELESS)
    for command in ("validate", "plan"):
        assert cli(session, command, path, *options) == 1
        assert message in capsys.readouterr().err
    assert session.records() == []


def test_validate_takes_the_fallback_too(write: Write, aws_config: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    from poolsync.cli import run

    path = write(NAMELESS)
    assert run(["validate", path]) == 0  # the default profile's region
    aws_config.write_text("")
    assert run(["validate", path]) == 1
    assert "no region: set pools.nameless.region" in capsys.readouterr().err
    assert run(["validate", path, "--region", "eu-west-1"]) == 0


def _imports_botocore(path: str, config: Path, **environment: str) -> bool:
    """Whether ``poolsync validate path`` imports botocore, in a fresh interpreter."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE")}
    env.update(AWS_CONFIG_FILE=str(config), **environment)
    code = ("import sys; from poolsync.cli import run; code = run(['validate', sys.argv[1]]); "
            "print(code, 'botocore' in sys.modules, 'boto3' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code, path], env=env, capture_output=True,
                          text=True, check=True)
    status, botocore, boto3 = done.stdout.splitlines()[-1].split()
    assert status == "0", done.stderr
    assert boto3 == "False"
    return botocore == "True"


def test_the_profile_is_read_only_when_a_pool_needs_it(write: Write, aws_config: Path) -> None:
    named, nameless = write(NAMED, "named.yaml"), write(NAMELESS, "nameless.yaml")
    assert not _imports_botocore(named, aws_config)
    assert not _imports_botocore(nameless, aws_config, AWS_REGION="eu-west-1")
    assert _imports_botocore(nameless, aws_config)  # the profile's region: botocore reads it


def test_an_unreadable_aws_config_is_an_error_not_a_crash(write: Write, aws_config: Path,
                                                          capsys: pytest.CaptureFixture[str]
                                                          ) -> None:
    from poolsync.cli import run

    aws_config.write_text("[default\nregion = eu-west-1\n")  # botocore cannot parse it
    assert run(["validate", write(NAMELESS)]) == 1
    assert "error: the AWS config file cannot be read for the region of profile default" in \
        capsys.readouterr().err
