"""Global options are taken before or after the command's name, as the AWS CLI takes
them; a bare ``poolsync`` prints help; ``--version`` names what a bug report needs."""

from __future__ import annotations

import platform

import pytest

from poolsync.cli import run
from tests.conftest import cli

POOL = """\
    version: 1
    pools:
      app:
        settings:
          DeletionProtection: ACTIVE
"""


@pytest.mark.parametrize("where", ["before", "after"])
def test_every_global_option_works_after_the_command(session, write, capsys, where) -> None:  # type: ignore[no-untyped-def]
    path = write(POOL)
    options = ["--region", "eu-central-1", "--stats", "--rate-share", "0.5", "--profile",
               "default", "--debug"]
    args = [*options, "plan", path] if where == "before" else ["plan", path, *options]
    assert cli(session, *args) == 0
    captured = capsys.readouterr()
    assert "app (eu-central-1" in captured.out                  # --region
    assert "Cognito calls per quota category" in captured.err  # --stats
    assert "botocore" in captured.err                          # --debug: botocore's log


def test_a_bad_global_option_after_the_command_is_refused_like_before(write, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write(POOL)
    assert run(["validate", path, "--rate-share", "7"]) == 1
    assert "is not a share from 0.01 to 1" in capsys.readouterr().err
    assert run(["validate", path, "--region", "mars-1"]) == 1
    assert "not an AWS region name" in capsys.readouterr().err


def test_quiet_and_verbose_together_are_a_usage_error(write, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write(POOL)
    assert run(["-q", "validate", path, "-v", "--region", "eu-west-1"]) == 1
    assert "not both" in capsys.readouterr().err


def test_quiet_drops_notes(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "pools.yaml").write_text(POOL.replace("    ", "", 1).replace("\n    ", "\n"))
    (tmp_path / "workflow.yaml").write_text("on: push\njobs: {}\n")
    assert run(["validate", str(tmp_path), "--region", "eu-west-1"]) == 0
    assert "note:" in capsys.readouterr().err
    assert run(["validate", str(tmp_path), "--region", "eu-west-1", "-q"]) == 0
    assert "note:" not in capsys.readouterr().err


def test_bare_poolsync_prints_help_and_exits_0(capsys) -> None:  # type: ignore[no-untyped-def]
    assert run([]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Usage: poolsync")
    assert "Commands:" in out and "plan" in out


def test_version_names_botocore_and_python(capsys) -> None:  # type: ignore[no-untyped-def]
    from importlib.metadata import version

    assert run(["--version"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("poolsync ")
    assert out[1] == f"botocore {version('botocore')}"
    assert out[2].startswith(f"Python {platform.python_version()}")


def test_stats_of_a_command_that_calls_no_aws_print_nothing(capsys) -> None:  # type: ignore[no-untyped-def]
    assert run(["iam-policy", "--stats"]) == 0
    assert "Cognito calls" not in capsys.readouterr().err
