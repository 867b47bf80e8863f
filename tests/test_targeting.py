"""``--pool`` on plan, apply, drift and export (config.py, "Targeting"): only the pools
named are read and changed, whatever the files hold; templates still resolve; a pattern
that names nothing is an error before any AWS call; a plan made with ``--pool`` is
applied with the same ``--pool``."""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from poolsync.aws import AwsSession
from tests.conftest import boto_cognito, cli

# The template lives in a file of its own: targeting a pool must still resolve it.
TEMPLATES = """\
    version: 1
    templates:
      base:
        clients:
          web: {}
"""
POOLS = """\
    version: 1
    region: eu-west-1
    pools:
      app-1:
        template: base
        settings: {DeletionProtection: %(protection)s}
      app-2:
        template: base
        settings: {DeletionProtection: %(protection)s}
      other:
        settings: {DeletionProtection: %(protection)s}
      shared:
        region: us-east-1
        settings: {DeletionProtection: %(protection)s}
"""
EAST = """\
    version: 1
    region: us-east-1
    pools:
      app-1:
        settings: {DeletionProtection: INACTIVE}
"""

ROOT = Path(__file__).parent.parent
Write = Callable[..., str]


def _files(write: Write, protection: str = "INACTIVE") -> list[str]:
    return [write(TEMPLATES, "base.yaml"),
            write(POOLS % {"protection": protection}, "pools.yaml"),
            write(EAST, "east.yaml")]


def _ids(session: AwsSession, region: str = "eu-west-1") -> dict[str, str]:
    return {str(p["Name"]): str(p["Id"])
            for p in session.cognito(region).list_user_pools()}


@pytest.fixture
def applied(session: AwsSession, write: Write, capsys: pytest.CaptureFixture[str]
            ) -> list[str]:
    """Every pool of the files created; the files returned."""
    files = _files(write)
    assert cli(session, "apply", *files, "--yes") == 0
    capsys.readouterr()
    return files


REGIONS = ("eu-west-1", "us-east-1")


def _mark(session: AwsSession) -> dict[str, int]:
    """How many calls each region's client has recorded so far."""
    return {region: len(boto_cognito(session, region).calls) for region in REGIONS}


def _calls_since(session: AwsSession, mark: dict[str, int]) -> list[Any]:
    return [record for region in REGIONS
            for record in boto_cognito(session, region).calls[mark[region]:]]


def _pools_touched(records: list[Any]) -> set[str]:
    return {str(r.params["UserPoolId"]) for r in records if "UserPoolId" in r.params}


def test_plan_reads_only_the_named_pool(session: AwsSession, applied: list[str],
                                        capsys: pytest.CaptureFixture[str]) -> None:
    ids, east = _ids(session), _ids(session, "us-east-1")
    before = _mark(session)
    assert cli(session, "plan", *applied, "--pool", "app-2", "--detailed-exitcode", "-v") == 0
    records = _calls_since(session, before)
    assert _pools_touched(records) == {ids["app-2"]}
    assert [r.operation for r in records].count("DescribeUserPool") == 1
    assert _mark(session)["us-east-1"] == before["us-east-1"]  # not even listed
    out = capsys.readouterr().out
    assert "app-2 (eu-west-1" in out and "app-1 (" not in out and "other (" not in out
    # The template of base.yaml resolved: the client it defines is planned.
    assert "= app-2/clients/web: no-op" in out
    assert "Targeted with --pool app-2: 1 pool(s) of 5; the others are neither read nor " \
           "changed." in out
    # A name is a name in every region of the files.
    before = _mark(session)
    assert cli(session, "plan", *applied, "--pool", "app-1") == 0
    assert _pools_touched(_calls_since(session, before)) == {ids["app-1"], east["app-1"]}
    assert "2 pool(s) of 5" in capsys.readouterr().out


def test_a_glob_is_case_sensitive_and_region_slash_name_picks_the_region(
    session: AwsSession, applied: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    ids = _ids(session)
    east = _ids(session, "us-east-1")
    before = _mark(session)
    assert cli(session, "plan", *applied, "--pool", "app-*", "-o", "json") == 0
    document = json.loads(capsys.readouterr().out)
    assert [(p["region"], p["name"]) for p in document["pools"]] == [
        ("eu-west-1", "app-1"), ("eu-west-1", "app-2"), ("us-east-1", "app-1")]
    assert document["targets"] == ["app-*"]
    jsonschema.validate(document, json.loads((ROOT / "schema" / "plan.schema.json").read_text()))
    assert _pools_touched(_calls_since(session, before)) == {
        ids["app-1"], ids["app-2"], east["app-1"]}

    before = _mark(session)
    assert cli(session, "plan", *applied, "--pool", "us-east-1/app-1") == 0
    assert _pools_touched(_calls_since(session, before)) == {east["app-1"]}
    out = capsys.readouterr().out
    assert "app-1 (us-east-1" in out and "eu-west-1" not in out

    before = _mark(session)
    assert cli(session, "plan", *applied, "--pool", "*-west-*/app-?", "--pool", "other") == 0
    assert _pools_touched(_calls_since(session, before)) == {
        ids["app-1"], ids["app-2"], ids["other"]}
    capsys.readouterr()


def test_a_pattern_that_names_no_pool_is_an_error_before_any_call(
    session: AwsSession, write: Write, capsys: pytest.CaptureFixture[str]
) -> None:
    files = _files(write)
    for command in ("plan", "apply", "drift"):
        assert cli(session, command, *files, "--pool", "APP-*", "--pool", "app-1") == 1
        err = capsys.readouterr().err
        assert "--pool 'APP-*' matches no pool of the files" in err
        assert "eu-west-1/app-1, eu-west-1/app-2, eu-west-1/other, us-east-1/app-1, " \
               "us-east-1/shared" in err  # what exists, to pick from
    assert cli(session, "plan", *files, "--pool", "ap-1") == 1
    assert 'did you mean "app-1"?' in capsys.readouterr().err
    assert session.records() == []  # not one call, not even a ListUserPools


def test_apply_changes_only_the_named_pools(session: AwsSession, applied: list[str],
                                            write: Write,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    ids = _ids(session)
    changed = _files(write, protection="ACTIVE")  # every pool now differs from its file
    before = _mark(session)
    assert cli(session, "apply", *changed, "--pool", "app-2", "--pool", "other",
               "--yes") == 0
    records = _calls_since(session, before)
    writes = [r for r in records if not r.operation.startswith(("Describe", "List", "Get"))]
    assert {r.operation for r in writes} == {"UpdateUserPool"}
    assert _pools_touched(writes) == {ids["app-2"], ids["other"]}
    assert _pools_touched(records) == {ids["app-2"], ids["other"]}  # nothing else read
    capsys.readouterr()
    # The pools left out still differ from the files; those targeted do not.
    assert cli(session, "plan", *changed, "--pool", "app-2", "--pool", "other",
               "--detailed-exitcode") == 0
    assert cli(session, "plan", *changed, "--pool", "app-1", "--detailed-exitcode") == 2
    assert cli(session, "plan", *changed, "--pool", "shared", "--detailed-exitcode") == 2


def test_prune_prunes_only_inside_the_targeted_pools(session: AwsSession,
                                                     applied: list[str],
                                                     capsys: pytest.CaptureFixture[str]
                                                     ) -> None:
    ids = _ids(session)
    cognito = session.cognito("eu-west-1")
    for name in ("app-1", "app-2"):  # made outside poolsync: not in the files
        _create_client(ids[name])
    assert cli(session, "apply", *applied, "--pool", "app-1", "--prune", "--yes") == 0
    capsys.readouterr()
    names = {pool: sorted(str(c["ClientName"]) for c in cognito.list_clients(ids[pool]))
             for pool in ("app-1", "app-2")}
    assert names == {"app-1": ["web"], "app-2": ["stray", "web"]}


def _create_client(pool_id: str) -> None:
    import boto3

    boto3.client("cognito-idp", region_name="eu-west-1").create_user_pool_client(
        UserPoolId=pool_id, ClientName="stray")


def test_a_plan_file_made_with_pool_is_applied_with_the_same_pool(
    session: AwsSession, applied: list[str], write: Write, tmp_path: Path,
    capsys: pytest.CaptureFixture[str]
) -> None:
    changed = _files(write, protection="ACTIVE")
    plan_file = str(tmp_path / "plan.json")
    assert cli(session, "plan", *changed, "--pool", "app-*", "--out", plan_file) == 0
    out = capsys.readouterr().out
    checksum = next(line.split()[1] for line in out.splitlines()
                    if line.startswith("Checksum:"))
    assert json.loads(Path(plan_file).read_text())["targets"] == ["app-*"]

    before = len([r for r in session.records() if r.operation == "UpdateUserPool"])
    calls = len(session.records())
    assert cli(session, "apply", *changed, "--plan", plan_file) == 3
    assert len(session.records()) == calls  # refused from the file, no pool read
    err = capsys.readouterr().err
    assert f"{plan_file} was made with --pool 'app-*', and this apply has no --pool" in err
    assert "apply it with the same --pool options as the plan" in err
    # Same pools, other patterns: the checksum covers the --pool options too.
    assert cli(session, "apply", *changed, "--plan", plan_file, "--pool", "app-1",
               "--pool", "app-2", "--pool", "us-east-1/app-1") == 3
    assert "same --pool options" in capsys.readouterr().err
    assert cli(session, "apply", *changed, "--checksum", checksum) == 3
    assert "a plan is applied with the --pool and --prune options it was made with" in \
        capsys.readouterr().err
    assert len([r for r in session.records() if r.operation == "UpdateUserPool"]) == before

    assert cli(session, "apply", *changed, "--plan", plan_file, "--pool", "app-*") == 0
    capsys.readouterr()
    assert cli(session, "plan", *changed, "--pool", "app-*", "--detailed-exitcode") == 0
    assert cli(session, "plan", *changed, "--pool", "other", "--detailed-exitcode") == 2


def test_markdown_and_drift_repeat_the_pool_options_in_their_commands(
    session: AwsSession, applied: list[str], write: Write,
    capsys: pytest.CaptureFixture[str]
) -> None:
    changed = _files(write, protection="ACTIVE")
    assert cli(session, "plan", *changed, "--pool", "app-*", "-o", "markdown") == 0
    markdown = capsys.readouterr().out
    shown = html.unescape(markdown)  # "*" is written &#42; (markdown.py: emphasis)
    assert f"poolsync apply {' '.join(changed)} --pool 'app-*' --checksum sha256:" in shown
    assert "\nTargeted with --pool 'app-*': 3 pool(s) of 5; the others are neither " in shown

    ids = _ids(session)
    before = _mark(session)
    assert cli(session, "drift", *changed, "--pool", "other") == 2
    out = capsys.readouterr().out
    assert _pools_touched(_calls_since(session, before)) == {ids["other"]}
    assert "other" in out and "app-1" not in out
    assert f"poolsync apply {' '.join(changed)} --pool other" in out
    assert cli(session, "drift", *changed, "--pool", "other", "-o", "json") == 2
    assert json.loads(capsys.readouterr().out)["targets"] == ["other"]
    assert cli(session, "drift", *changed, "-o", "json") == 2
    assert "targets" not in json.loads(capsys.readouterr().out)


def test_export_takes_names_and_globs_of_live_pools(session: AwsSession,
                                                    applied: list[str],
                                                    capsys: pytest.CaptureFixture[str]
                                                    ) -> None:
    ids = _ids(session)
    before = _mark(session)
    assert cli(session, "export", "--pool", "app-*") == 0  # region: AWS_DEFAULT_REGION
    out = capsys.readouterr().out
    assert "app-1:" in out and "app-2:" in out and "other:" not in out
    described = {str(r.params["UserPoolId"]) for r in _calls_since(session, before)
                 if r.operation == "DescribeUserPool"}
    assert described == {ids["app-1"], ids["app-2"]}

    assert cli(session, "export", "--pool", "us-east-1/shared") == 0  # REGION/ wins
    out = capsys.readouterr().out
    assert "shared:" in out and "app-1:" not in out

    before = _mark(session)
    assert cli(session, "export", "--pool", "App-1") == 1
    err = capsys.readouterr().err
    assert "--pool 'App-1': no pool of that name in eu-west-1" in err
    assert "app-1, app-2, other" in err
    assert {r.operation for r in _calls_since(session, before)} == {"ListUserPools"}

    assert cli(session, "export", "--pool", "us-east-1/app-1", "--pool", "app-2") == 1
    assert "name eu-west-1, us-east-1: export each region on its own" in \
        capsys.readouterr().err
    assert cli(session, "export", "--pool", "app-1", "--all") == 1
    assert "exactly one of --pool-id, --name or --all" in capsys.readouterr().err
