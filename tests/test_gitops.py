"""The GitOps loop through the CLI: a reviewed plan pinned at apply, and drift."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from poolsync.aws import AwsSession
from tests.conftest import boto_cognito as _cognito
from tests.conftest import cli as _cli

POOL = """
    version: 1
    pools:
      app:
        region: eu-west-1
        settings:
          Policies:
            PasswordPolicy: {MinimumLength: 10}
    """
WRITES = ("Create", "Update", "Delete", "Set", "Add", "Tag")


def _console_sets_min_length(session: AwsSession, length: int) -> None:
    boto: Any = _cognito(session)._boto()
    pool_id = boto.list_user_pools(MaxResults=10)["UserPools"][0]["Id"]
    live = boto.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    boto.update_user_pool(UserPoolId=pool_id, Policies={"PasswordPolicy": {
        **live["Policies"]["PasswordPolicy"], "MinimumLength": length}})


def test_apply_with_the_reviewed_plan_file_applies_it(session, write, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path, saved = write(POOL), str(tmp_path / "plan.json")
    assert _cli(session, "plan", path, "--out", saved, "--detailed-exitcode") == 2
    assert json.loads(Path(saved).read_text())["summary"]["has_changes"] is True
    assert _cli(session, "apply", path, "--plan", saved) == 0  # pinned: no prompt needed
    assert _cli(session, "plan", path, "--detailed-exitcode") == 0


def test_live_change_after_review_makes_apply_refuse_and_write_nothing(
        session, write, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    path, saved = write(POOL), str(tmp_path / "plan.json")
    assert _cli(session, "apply", path, "--yes") == 0
    changed = write(POOL.replace("MinimumLength: 10", "MinimumLength: 12"), "reviewed.yaml")
    assert _cli(session, "plan", changed, "--out", saved) == 0
    _console_sets_min_length(session, 9)  # the live pool moves after the review
    before = len(_cognito(session).calls)
    capsys.readouterr()
    assert _cli(session, "apply", changed, "--plan", saved, "--yes") == 3
    err = capsys.readouterr().err
    assert "the fresh plan is not the reviewed one" in err
    assert "app: the changes differ (Policies.PasswordPolicy.MinimumLength)" in err
    assert not [c for c in _cognito(session).calls[before:] if c.operation.startswith(WRITES)]


def test_apply_pinned_to_a_checksum(session, write, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write(POOL)
    capsys.readouterr()
    assert _cli(session, "plan", path) == 0
    digest = capsys.readouterr().out.rsplit("Checksum: ", 1)[1].strip()
    assert _cli(session, "apply", path, "--checksum", "sha256:" + "0" * 64) == 3
    assert _cli(session, "apply", path, "--checksum", digest) == 0


def test_markdown_and_json_outputs(session, write, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write(POOL)
    capsys.readouterr()
    assert _cli(session, "plan", path, "--output", "markdown", "--marker", "dev") == 0
    assert capsys.readouterr().out.startswith("<!-- poolsync plan: dev -->\n## poolsync plan: "
                                              "dev: 1 change")
    assert _cli(session, "plan", path, "--output", "json") == 0
    document = json.loads(capsys.readouterr().out)
    assert document["format_version"] == "1.1"
    assert document["pools"][0]["objects"][0]["address"] == "app"


def test_drift_exits_0_in_sync_and_2_after_an_out_of_band_change(session, write, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write(POOL)
    assert _cli(session, "apply", path, "--yes") == 0
    assert _cli(session, "drift", path) == 0
    _console_sets_min_length(session, 6)
    capsys.readouterr()
    assert _cli(session, "drift", path) == 2
    out = capsys.readouterr().out
    assert "MODIFIED   app\n    Policies.PasswordPolicy.MinimumLength: expected 10, live 6" in out
    assert _cli(session, "drift", path, "--output", "json") == 2
    document = json.loads(capsys.readouterr().out)
    (modified,) = [o for o in document["objects"] if o["state"] == "MODIFIED"]
    assert modified["fields"] == [{"path": "Policies.PasswordPolicy.MinimumLength",
                                   "expected": 10, "live": 6, "sensitive": False}]
    assert _cli(session, "drift", path, "--output", "markdown", "--marker", "prod") == 2
    assert "<!-- poolsync drift: prod -->" in capsys.readouterr().out
    before = len(_cognito(session).calls)
    _cli(session, "drift", path)
    assert not [c for c in _cognito(session).calls[before:] if c.operation.startswith(WRITES)]


def test_drift_offers_to_accept_each_object_by_exporting_just_that_part(
        session, write, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path = write(POOL.replace("        settings:", "        groups: {admins: {Precedence: 1}}\n"
                                                   "        settings:"))
    assert _cli(session, "apply", path, "--yes") == 0
    boto: Any = _cognito(session)._boto()
    pool_id = boto.list_user_pools(MaxResults=10)["UserPools"][0]["Id"]
    boto.update_group(UserPoolId=pool_id, GroupName="admins", Precedence=7)
    capsys.readouterr()
    assert _cli(session, "drift", path) == 2
    out = capsys.readouterr().out
    accept = f"poolsync export --region eu-west-1 --pool-id {pool_id} --only groups/admins"
    assert f"Accept (bring the live settings into the files): {accept}" in out
    assert _cli(session, *accept.split()[1:]) == 0
    exported = capsys.readouterr().out
    assert "admins:" in exported and "Precedence: 7" in exported
    assert "Policies" not in exported  # only that object
    assert _cli(session, "export", "--region", "eu-west-1", "--pool-id", pool_id,
                "--only", "nonsense") == 1
