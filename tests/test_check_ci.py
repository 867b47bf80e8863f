"""``poolsync check`` in CI: the pre-commit hook, the reusable plan workflow's check
step, and the example workflow that uploads SARIF to code scanning (its shell steps
run here with the real poolsync on the example environments)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from poolsync.cli import cli, run
from tests.test_check_output import _valid_sarif
from tests.test_workflows import (
    CALLERS,
    ROOT,
    WORKFLOWS,
    Runner,
    _hooks,
    _load,
    _step,
)
from tests.test_workflows import launcher as launcher  # the fixtures runner needs
from tests.test_workflows import runner as runner


def test_pre_commit_hook_runs_check_offline(capsys: pytest.CaptureFixture[str]) -> None:
    hook = next(h for h in _hooks() if h["id"] == "poolsync-check")
    assert hook["language"] == "python" and hook["pass_filenames"] is False
    program, command = hook["entry"].split()
    assert program == "poolsync" and command in cli.commands
    hardened = str(ROOT / "tests" / "fixtures" / "check" / "hardened.yaml")
    assert run([command, hardened]) == 0
    assert run([command, str(ROOT / "tests" / "fixtures" / "check" / "weak.yaml")]) == 1
    assert run([command]) == 1  # no args: a usage error, exit 1


def test_plan_workflow_runs_check_when_asked(runner: Runner) -> None:
    workflow = _load(WORKFLOWS / "poolsync-plan.yml")
    inputs = workflow["on"]["workflow_call"]["inputs"]
    assert inputs["check"]["default"] is False and inputs["check-fail-on"]["default"] == "high"
    step = _step(workflow, "check")
    assert "inputs.check" in step["if"] and "steps.validate.outputs.exit-code == '0'" in step["if"]
    annotation = "::error title=poolsync check PS-COG-006,file=environments/prod/a.yaml,line=3,col=5::x"
    status, outputs = runner("poolsync-plan.yml", "check", FAKE_EXIT="1",
                             FAKE_STDOUT=annotation + "\n", POOLSYNC_CHECK_FAIL_ON="medium")
    (call,) = runner.calls()
    assert call["argv"] == ["check", "environments/prod", "shared/pools.yaml",
                            "--output", "github", "--fail-on", "medium"]
    assert annotation in runner.stdout.splitlines()
    assert (status, outputs) == (0, {"exit-code": "1"})  # recorded; the last step decides


@pytest.mark.parametrize(("plan", "check", "status"), [
    ("2", "", 0), ("2", "0", 0), ("2", "1", 1), ("0", "1", 1), ("3", "0", 1)])
def test_a_check_finding_fails_the_plan_job(runner: Runner, plan: str, check: str,
                                            status: int) -> None:
    code, _ = runner("poolsync-plan.yml", "Fail on errors (changes are not errors)",
                     VALIDATE_EXIT="0", PLAN_EXIT=plan, CHECK_EXIT=check)
    assert code == status
    if check == "1":
        assert "::error title=poolsync check (prod)" in runner.stdout


# --- examples/github/pr-check.yml ----------------------------------------------------


def _example() -> dict[str, object]:
    return _load(CALLERS / "pr-check.yml")


def test_sarif_example_uploads_with_codeql_action() -> None:
    workflow = _example()
    assert workflow["permissions"] == {"contents": "read", "security-events": "write"}
    upload = _step(workflow, "Upload to code scanning")
    assert str(upload["uses"]).startswith("github/codeql-action/upload-sarif@")
    assert upload["with"]["sarif_file"] == "poolsync-check.sarif"
    assert "!cancelled()" in upload["if"]  # uploaded when check fails too


def _shell_step(workflow: dict[str, object], name: str, tmp: Path, **env: str
                ) -> subprocess.CompletedProcess[str]:
    """One step's script, with ``poolsync`` this checkout's, in the examples' folder
    (where ``environments/`` is, as in the pools repository)."""
    bin_dir = tmp / "bin"
    bin_dir.mkdir(exist_ok=True)
    shim = bin_dir / "poolsync"
    shim.write_text(f"#!/bin/sh\nexec {sys.executable} -m poolsync \"$@\"\n")
    shim.chmod(0o755)
    base = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
            "PYTHONPATH": str(ROOT / "src"), "GITHUB_OUTPUT": str(tmp / "output"),
            "HOME": str(tmp)}
    script = str(_step(workflow, name)["run"])
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
                          cwd=ROOT / "examples", env={**base, **env}, capture_output=True,
                          text=True)


@pytest.mark.parametrize("environment", ["dev", "prod"])
def test_sarif_example_checks_the_example_environments(tmp_path: Path, environment: str
                                                       ) -> None:
    workflow = _example()
    (tmp_path / "output").write_text("")
    env = {k: str(v) for k, v in dict(_step(workflow, "Check")["env"]).items()
           if k != "ENVIRONMENT"}
    result = _shell_step(workflow, "Check", tmp_path, ENVIRONMENT=environment, **env)
    assert result.returncode == 0, result.stderr
    sarif = ROOT / "examples" / "poolsync-check.sarif"
    try:
        document = _valid_sarif(sarif.read_text())
    finally:
        sarif.unlink()
    outputs = dict(line.split("=", 1) for line in (tmp_path / "output").read_text().split())
    failed = any(r.get("level") == "error" and not r.get("suppressions")
                 for r in document["runs"][0]["results"])
    assert outputs["exit-code"] == ("1" if failed else "0")
    assert document["runs"][0]["invocations"][0]["executionSuccessful"] is True
    uris = {loc["physicalLocation"]["artifactLocation"]["uri"]
            for r in document["runs"][0]["results"] for loc in r["locations"]}
    assert all(uri.startswith("environments/") for uri in uris), uris


@pytest.mark.parametrize(("code", "status"), [("0", 0), ("1", 1), ("", 1)])
def test_sarif_example_fails_on_findings(tmp_path: Path, code: str, status: int) -> None:
    result = _shell_step(_example(), "Fail on findings", tmp_path, CHECK_EXIT=code)
    assert result.returncode == status
    if status:
        assert result.stdout.startswith("::error title=poolsync check::")


def test_docs_point_at_the_example() -> None:
    docs = (ROOT / "docs" / "github.md").read_text()
    assert "examples/github/pr-check.yml" in docs and "`poolsync-check`" in docs


# --- examples/github/nightly-check.yml: check --live every night ----------------------


def _nightly() -> dict[str, object]:
    return _load(CALLERS / "nightly-check.yml")


def test_nightly_example_checks_the_live_pools_into_code_scanning() -> None:
    workflow = _nightly()
    assert workflow["permissions"] == {"contents": "read", "id-token": "write",
                                       "security-events": "write"}
    assert "schedule" in workflow["on"]  # type: ignore[operator]
    credentials = _step(workflow, "AWS credentials (OIDC)")
    assert str(credentials["uses"]).startswith("aws-actions/configure-aws-credentials@")
    assert "role-to-assume" in credentials["with"] and "aws-access-key-id" not in credentials["with"]
    check = _step(workflow, "check")
    assert "poolsync check" in check["run"] and "--live" in check["run"]
    assert "GOOGLE_CLIENT_SECRET" not in str(check)  # --live needs no ${env:} secret
    upload = _step(workflow, "Upload to code scanning")
    assert str(upload["uses"]).startswith("github/codeql-action/upload-sarif@")
    assert upload["with"]["category"] == "poolsync-check-live-${{ matrix.environment }}"
    assert "!cancelled()" in upload["if"]


def test_nightly_example_runs_on_the_live_example_environment(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Check step's script with this checkout's poolsync, against the stand-in
    served over HTTP, where the dev environment was applied: no secret given."""
    from poolsync.aws import AwsSession
    from poolsync.standin import LocalCognito

    paths = [str(ROOT / "examples" / "environments" / e) for e in ("base", "dev")]
    with LocalCognito() as server:
        session = AwsSession(endpoint_url=server.endpoint_url, credentials=("x", "x"),
                             share=None)
        monkeypatch.setenv("GOOGLE_CLIENT_SECRET", "only-apply-needs-it")
        assert run(["apply", *paths, "--yes", "-q"], session_factory=lambda _: session) == 0
        monkeypatch.delenv("GOOGLE_CLIENT_SECRET")
        workflow = _nightly()
        (tmp_path / "output").write_text("")
        result = _shell_step(workflow, "check", tmp_path, ENVIRONMENT="dev",
                             AWS_ENDPOINT_URL=server.endpoint_url, AWS_ACCESS_KEY_ID="x",
                             AWS_SECRET_ACCESS_KEY="x", AWS_REGION="eu-west-1")
    assert result.returncode == 0, result.stderr
    sarif = ROOT / "examples" / "poolsync-check-live.sarif"
    try:
        document = _valid_sarif(sarif.read_text())
    finally:
        sarif.unlink()
    (sarif_run,) = document["runs"]
    assert sarif_run["invocations"][0]["executionSuccessful"] is True
    found = {r["ruleId"] for r in sarif_run["results"]}
    assert "PS-COG-007" in found  # dev: DeletionProtection INACTIVE, read live
    assert all(r["properties"]["source"] == "live" for r in sarif_run["results"])
    outputs = dict(line.split("=", 1) for line in (tmp_path / "output").read_text().split())
    assert outputs["exit-code"] == "1"  # PS-COG-007 is high


def test_docs_point_at_the_nightly_example() -> None:
    docs = (ROOT / "docs" / "github.md").read_text() + (ROOT / "docs" / "check.md").read_text()
    assert "examples/github/nightly-check.yml" in docs
