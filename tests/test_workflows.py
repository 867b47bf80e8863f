"""The GitHub integration: workflows, example callers, the pre-commit hook, the
multi-environment layout (docs/github.md, docs/environments.md).

Nothing here needs the network or GitHub: workflows are checked against GitHub's
workflow schema as check-jsonschema vendors it; the steps' shell scripts run with a
stand-in ``poolsync``; the ``actions/github-script`` scripts run under Node.js with a
fake GitHub API (skipped where Node.js is not installed).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from poolsync.aws import AwsSession
from poolsync.cli import cli, run
from poolsync.config import load_config
from poolsync.yamlio import load_document

ROOT = Path(__file__).parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
CALLERS = ROOT / "examples" / "github"
ENVIRONMENTS = ROOT / "examples" / "environments"
REUSABLE = ("poolsync-plan.yml", "poolsync-apply.yml", "poolsync-drift.yml")
ALL_WORKFLOWS = sorted([*WORKFLOWS.glob("*.yml"), *CALLERS.glob("*.yml")])


def _load(path: Path) -> dict[str, Any]:
    """YAML 1.2 as GitHub reads it: `on` is a key, not the boolean PyYAML makes of it;
    a duplicate key is an error."""
    data = load_document(path.read_bytes(), str(path)).data
    assert isinstance(data, dict)
    return data


@cache
def _workflow_schema() -> dict[str, Any]:
    vendor = resources.files("check_jsonschema.builtin_schemas.vendor")
    schema: dict[str, Any] = json.loads((vendor / "github-workflows.json").read_text())
    return schema


def _step(workflow: dict[str, Any], name_or_id: str) -> dict[str, Any]:
    for job in workflow["jobs"].values():
        for step in job.get("steps", []):
            if name_or_id in (step.get("id"), step.get("name")):
                return dict(step)
    raise AssertionError(f"no step {name_or_id!r}")


def _only_job(workflow: dict[str, Any]) -> dict[str, Any]:
    (job,) = workflow["jobs"].values()
    return dict(job)


# --- every workflow file is valid --------------------------------------------------


def test_there_are_workflows_to_check() -> None:
    names = {p.name for p in ALL_WORKFLOWS}
    assert {"ci.yml", *REUSABLE, "pr-plan.yml", "apply-on-merge.yml",
            "nightly-drift.yml"} <= names


@pytest.mark.parametrize("path", ALL_WORKFLOWS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_workflow_matches_githubs_schema(path: Path) -> None:
    validator = jsonschema.Draft7Validator(_workflow_schema())
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
              for e in validator.iter_errors(_load(path))]
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize("path", ALL_WORKFLOWS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_run_scripts_never_interpolate_expressions(path: Path) -> None:
    """`${{ }}` inside `run:` is pasted into the script before bash reads it (script
    injection); every value reaches a script through `env:` instead."""
    for job in _load(path)["jobs"].values():
        for step in job.get("steps", []):
            assert "${{" not in step.get("run", ""), step.get("name")


def test_ci_keeps_its_checks() -> None:
    ci = _load(WORKFLOWS / "ci.yml")
    runs = "\n".join(s.get("run", "") for j in ci["jobs"].values() for s in j["steps"])
    for command in (".ci/run", "ruff check", "mypy", "gen_schema.py --check", "poolsync demo"):
        assert command in runs
    assert ci["permissions"] == {"contents": "read"}


# --- the reusable workflows ----------------------------------------------------------

PERMISSIONS = {
    "poolsync-plan.yml": {"contents": "read", "pull-requests": "write", "id-token": "write"},
    "poolsync-apply.yml": {"contents": "read", "pull-requests": "read", "id-token": "write"},
    "poolsync-drift.yml": {"contents": "read", "issues": "write", "id-token": "write"},
}


@pytest.mark.parametrize("name", REUSABLE)
def test_reusable_workflow_is_called_only(name: str) -> None:
    workflow = _load(WORKFLOWS / name)
    assert list(workflow["on"]) == ["workflow_call"]


@pytest.mark.parametrize("name", REUSABLE)
def test_reusable_workflow_inputs_are_documented(name: str) -> None:
    call = _load(WORKFLOWS / name)["on"]["workflow_call"]
    docs = (ROOT / "docs" / "github.md").read_text()
    common = {"environment", "paths", "poolsync-package", "python-version",
              "github-environment", "aws-role-arn", "aws-region", "env-from-vars",
              "env-from-secrets"}
    assert common <= set(call["inputs"])
    # The fingerprint key only where plan files are made and checked.
    keyed = {"POOLSYNC_FINGERPRINT_KEY"} if name != "poolsync-drift.yml" else set()
    assert set(call["secrets"]) == {"env-json"} | keyed
    for key, spec in {**call["inputs"], **call["secrets"]}.items():
        assert spec.get("description"), f"{key} has no description"
        assert f"`{key}`" in docs, f"{key} is not in docs/github.md"
        if spec.get("required"):
            assert "default" not in spec, f"{key} is required and has a default"
    for key in ("environment", "paths", "poolsync-package"):
        assert call["inputs"][key]["required"] is True


@pytest.mark.parametrize("name", REUSABLE)
def test_reusable_workflow_permissions_are_least_privilege(name: str) -> None:
    workflow = _load(WORKFLOWS / name)
    assert "permissions" not in workflow  # the job says exactly what it needs
    assert _only_job(workflow)["permissions"] == PERMISSIONS[name]


@pytest.mark.parametrize("name", REUSABLE)
def test_aws_credentials_come_from_oidc_never_from_keys(name: str) -> None:
    step = _step(_load(WORKFLOWS / name), "AWS credentials (OIDC)")
    assert step["uses"].startswith("aws-actions/configure-aws-credentials@")
    assert "role-to-assume" in step["with"]
    assert not {"aws-access-key-id", "aws-secret-access-key"} & set(step["with"])


def test_apply_runs_in_a_github_environment_and_is_never_cancelled() -> None:
    job = _only_job(_load(WORKFLOWS / "poolsync-apply.yml"))
    assert job["environment"] == "${{ inputs.github-environment || inputs.environment }}"
    assert job["concurrency"]["cancel-in-progress"] is False


def _launcher(name: str) -> str:
    script = _step(_load(WORKFLOWS / name), "Prepare the environment for ${env:...} references")
    match = re.search(r"<<'PY'\n(.*)\nPY\n", script["run"], re.S)
    assert match, "the launcher heredoc is missing"
    return match.group(1)


def test_the_three_workflows_share_one_launcher() -> None:
    plan, apply, drift = (_launcher(name) for name in REUSABLE)
    assert plan == apply == drift


# --- the launcher: ${env:...} values from vars, secrets and the env-json secret ----


@pytest.fixture
def launcher(tmp_path: Path) -> Path:
    path = tmp_path / "run-with-env.py"
    path.write_text(_launcher("poolsync-plan.yml"))
    return path


def _launch(launcher: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    show = "import json, os; print('ENV=' + json.dumps(dict(os.environ)))"
    command = list(args) or [sys.executable, "-c", show]
    base = {"PATH": os.environ["PATH"], "GITHUB_RUN_ID": "1"}
    return subprocess.run([sys.executable, str(launcher), *command],
                          env={**base, **env}, capture_output=True, text=True)


def _environment_of(result: subprocess.CompletedProcess[str]) -> dict[str, str]:
    (line,) = result.stdout.splitlines()  # nothing of the launcher's own
    assert line.startswith("ENV=")
    environment: dict[str, str] = json.loads(line[4:])
    return environment


VALUES = {
    "POOLSYNC_VARS_CONTEXT": json.dumps({"CALLBACK_HOST": "shop.example.com"}),
    "POOLSYNC_SECRETS_CONTEXT": json.dumps({"github_token": "ghs_x", "GOOGLE_CLIENT_SECRET": "g",
                                            "PROD_APPLE_KEY": "line one\nline two\n",
                                            "UNRELATED": "u"}),
    "POOLSYNC_ENV_JSON": json.dumps({"SAML_CERT": "c"}),
    "POOLSYNC_ENV_FROM_VARS": "CALLBACK_HOST",
    "POOLSYNC_ENV_FROM_SECRETS": "google_client_secret\nAPPLE_KEY=PROD_APPLE_KEY",
}


def test_launcher_runs_the_command_with_the_named_values_only(launcher: Path) -> None:
    result = _launch(launcher, **VALUES)
    assert result.returncode == 0, result.stdout + result.stderr
    environment = _environment_of(result)
    assert environment["CALLBACK_HOST"] == "shop.example.com"
    assert environment["google_client_secret"] == "g"  # GitHub's names ignore case
    assert environment["APPLE_KEY"] == "line one\nline two\n"
    assert environment["SAML_CERT"] == "c"
    assert "UNRELATED" not in environment
    # Only the named variables may be used by ${env:...}: poolsync refuses any other.
    assert environment["POOLSYNC_ENV_ALLOW"] == (
        "APPLE_KEY CALLBACK_HOST SAML_CERT google_client_secret")
    leaked = [key for key in environment if key.startswith("POOLSYNC_")]
    assert leaked == ["POOLSYNC_ENV_ALLOW"], "contexts leaked"
    assert result.stderr == ""


def test_launcher_passes_none_of_the_runners_tokens(launcher: Path) -> None:
    tokens = {"ACTIONS_ID_TOKEN_REQUEST_TOKEN": "oidc-request-token",
              "ACTIONS_RUNTIME_TOKEN": "runtime-token", "GITHUB_TOKEN": "ghs_token"}
    environment = _environment_of(_launch(launcher, **tokens))
    assert not set(tokens) & set(environment)
    assert environment["POOLSYNC_ENV_ALLOW"] == ""  # nothing named: no ${env:} at all


def test_a_pull_request_cannot_have_a_runner_variable_substituted(
        launcher: Path, tmp_path: Path) -> None:
    """A pull request that writes ``x/${env:AWS_SECRET_ACCESS_KEY}`` into a scope (which
    the plan comment would show) gets an error naming the variable, never its value:
    poolsync, run by the launcher, may use only the variables the caller names. The
    error comes before any AWS call."""
    config = tmp_path / "pools.yaml"
    config.write_text(
        "version: 1\npools:\n  app:\n    region: eu-west-1\n    clients:\n      web:\n"
        "        AllowedOAuthScopes: ['x/${env:AWS_SECRET_ACCESS_KEY}']\n")
    result = _launch(launcher, sys.executable, "-m", "poolsync", "plan", str(config),
                     AWS_SECRET_ACCESS_KEY="runner-secret-key-7f3a91",
                     AWS_ACCESS_KEY_ID="AKIDEXAMPLE", AWS_ENDPOINT_URL="http://127.0.0.1:9",
                     **SECRETS_FOR_LAUNCH)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "runner-secret-key-7f3a91" not in result.stdout + result.stderr
    assert ("environment variable AWS_SECRET_ACCESS_KEY is not one this run may use "
            "(POOLSYNC_ENV_ALLOW names GOOGLE_CLIENT_SECRET)") in result.stderr


def test_launcher_check_masks_secret_values_line_by_line(launcher: Path) -> None:
    result = _launch(launcher, "--check", **VALUES)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == [
        "::add-mask::g", "::add-mask::line one", "::add-mask::line two", "::add-mask::c",
        "Values for the configuration's env references: "
        "APPLE_KEY, CALLBACK_HOST, SAML_CERT, google_client_secret",
    ]  # variables are not masked: they are not secrets


SECRETS_FOR_LAUNCH = {
    "POOLSYNC_SECRETS_CONTEXT": json.dumps({"GOOGLE_CLIENT_SECRET": "g"}),
    "POOLSYNC_ENV_FROM_SECRETS": "GOOGLE_CLIENT_SECRET",
}

PROBLEMS = [
    ({"POOLSYNC_ENV_FROM_SECRETS": "MISSING"},
     "env-from-secrets: no secret MISSING is available to this job"),
    ({"POOLSYNC_ENV_FROM_VARS": "X=MISSING"},
     "env-from-vars: no variable MISSING is available to this job"),
    ({"POOLSYNC_ENV_JSON": '{"AWS_SECRET_ACCESS_KEY": "x"}'},
     "AWS_SECRET_ACCESS_KEY is reserved for the runner, Python or AWS credentials"),
    ({"POOLSYNC_ENV_JSON": '{"PATH": "/evil"}'}, "PATH is reserved"),
    ({"POOLSYNC_ENV_JSON": '{"not a name": "x"}'}, "'not a name' is not a valid"),
    ({"POOLSYNC_ENV_JSON": '{"N": 1}'}, "env-json: the value of N is not a string"),
    ({"POOLSYNC_ENV_JSON": "NAME=hunter2"},
     "POOLSYNC_ENV_JSON is not a JSON object of names and values"),
]


@pytest.mark.parametrize(("env", "message"), PROBLEMS)
def test_launcher_check_refuses_plainly(launcher: Path, env: dict[str, str], message: str
                                        ) -> None:
    result = _launch(launcher, "--check", **env)
    assert result.returncode == 1
    assert result.stdout == f"::error title=poolsync environment::{message}\n" or (
        result.stdout.startswith("::error title=poolsync environment::")
        and message in result.stdout)
    assert "hunter2" not in result.stdout + result.stderr


@pytest.mark.parametrize(("env", "message"), PROBLEMS[:2])
def test_launcher_run_refuses_on_stderr_only(launcher: Path, env: dict[str, str], message: str
                                             ) -> None:
    """A run's stdout is the plan: nothing of the launcher's may end up in it."""
    result = _launch(launcher, **env)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == f"poolsync environment: {message}\n"


# --- the steps' shell scripts, with a stand-in poolsync --------------------------------

FAKE_POOLSYNC = """\
#!/usr/bin/env python3
import json, os, sys
with open(os.environ["FAKE_CALLS"], "a") as calls:
    calls.write(json.dumps({"argv": sys.argv[1:],
                            "secret": os.environ.get("GOOGLE_CLIENT_SECRET")}) + "\\n")
if "--out" in sys.argv:  # the plan document, as plan --out writes it
    with open(sys.argv[sys.argv.index("--out") + 1], "w") as out:
        json.dump({"checksum": os.environ.get("FAKE_CHECKSUM", "")}, out)
sys.stdout.write(os.environ.get("FAKE_STDOUT", ""))
sys.stderr.write(os.environ.get("FAKE_STDERR", ""))
sys.exit(int(os.environ.get("FAKE_EXIT", "0")))
"""

CHECKSUM = "sha256:" + "ab" * 32
MARKDOWN = (f"<!-- poolsync plan: prod -->\n## poolsync plan: prod: 1 change\n"
            f"<!-- poolsync checksum: {CHECKSUM} -->\n")


class Runner:
    """Runs one step's `run:` script as the runner would (bash -eo pipefail), with the
    step's environment, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, and a fake
    poolsync first on PATH."""

    def __init__(self, tmp: Path, launcher: Path):
        self.tmp = tmp
        (tmp / "bin").mkdir()
        fake = tmp / "bin" / "poolsync"
        fake.write_text(FAKE_POOLSYNC)
        fake.chmod(0o755)
        (tmp / "temp").mkdir()
        shutil.copy(launcher, tmp / "temp" / "run-with-env.py")

    def __call__(self, workflow: str, step: str, **env: str) -> tuple[int, dict[str, str]]:
        script = _step(_load(WORKFLOWS / workflow), step)["run"]
        for name in ("output", "summary", "calls"):
            (self.tmp / name).write_text("")
        base = {
            "PATH": f"{self.tmp / 'bin'}{os.pathsep}{Path(sys.executable).parent}"
                    f"{os.pathsep}{os.environ['PATH']}",
            "RUNNER_TEMP": str(self.tmp / "temp"),
            "GITHUB_OUTPUT": str(self.tmp / "output"),
            "GITHUB_STEP_SUMMARY": str(self.tmp / "summary"),
            "FAKE_CALLS": str(self.tmp / "calls"),
            "POOLSYNC_ENVIRONMENT": "prod",
            "POOLSYNC_PATHS": "environments/prod\n  shared/pools.yaml",
        }
        result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
                                cwd=self.tmp, env={**base, **env}, capture_output=True,
                                text=True)
        self.stdout = result.stdout
        outputs = dict(line.split("=", 1) for line in (self.tmp / "output").read_text().splitlines())
        return result.returncode, outputs

    def calls(self) -> list[dict[str, Any]]:
        return [json.loads(x) for x in (self.tmp / "calls").read_text().splitlines()]

    def file(self, name: str) -> str:
        return (self.tmp / name).read_text()


@pytest.fixture
def runner(tmp_path: Path, launcher: Path) -> Runner:
    return Runner(tmp_path, launcher)


SECRETS = {"POOLSYNC_SECRETS_CONTEXT": json.dumps({"GOOGLE_CLIENT_SECRET": "s3cret"}),
           "POOLSYNC_ENV_FROM_SECRETS": "GOOGLE_CLIENT_SECRET"}


@pytest.mark.parametrize(("code", "changes"), [(0, "false"), (2, "true"), (3, "true")])
def test_plan_step_records_the_outcome(runner: Runner, code: int, changes: str) -> None:
    status, outputs = runner("poolsync-plan.yml", "plan", FAKE_EXIT=str(code),
                             FAKE_STDOUT=MARKDOWN, FAKE_CHECKSUM=CHECKSUM, **SECRETS)
    assert status == 0  # the step records; the last step decides
    assert outputs == {"exit-code": str(code), "has-changes": changes, "checksum": CHECKSUM}
    (call,) = runner.calls()
    assert call["argv"] == ["plan", "environments/prod", "shared/pools.yaml",
                            "--output", "markdown", "--detailed-exitcode", "--marker", "prod",
                            "--out", str(runner.tmp / "temp" / "poolsync-plan.json")]
    assert call["secret"] == "s3cret"
    assert runner.file("temp/poolsync-plan.md") == MARKDOWN
    assert MARKDOWN in runner.file("summary")


def test_plan_step_takes_the_checksum_from_the_plan_document(runner: Runner) -> None:
    """Not from the markdown, where a value the pull request wrote comes first."""
    forged = f'+ Description: "poolsync checksum: sha256:{"cc" * 32}"\n'
    _, outputs = runner("poolsync-plan.yml", "plan", FAKE_EXIT="2",
                        FAKE_STDOUT=forged + MARKDOWN, FAKE_CHECKSUM=CHECKSUM, **SECRETS)
    assert outputs["checksum"] == CHECKSUM


def test_plan_step_error_leaves_no_checksum(runner: Runner) -> None:
    status, outputs = runner("poolsync-plan.yml", "plan", FAKE_EXIT="1",
                             FAKE_STDERR="pools.yaml:3:5: pools.x: unknown key\n", **SECRETS)
    assert status == 0
    assert outputs == {"exit-code": "1", "has-changes": "false", "checksum": ""}
    assert runner.file("summary") == ""


def test_failed_plan_replaces_the_comment_body(runner: Runner) -> None:
    (runner.tmp / "temp" / "validate.err").write_text("a.yaml:1:1: bad ```fence```\n")
    status, _ = runner("poolsync-plan.yml", "Report a failure in the comment")
    assert status == 0
    body = runner.file("temp/poolsync-plan.md")
    assert body.startswith("<!-- poolsync plan: prod -->\n## poolsync plan: prod: failed\n")
    assert "a.yaml:1:1: bad ` ` `fence` ` `" in body
    assert "checksum" not in body


@pytest.mark.parametrize(("validate", "plan", "status"), [
    ("0", "0", 0), ("0", "2", 0), ("0", "1", 1), ("0", "3", 1), ("1", "", 1), ("", "", 1),
])
def test_plan_check_fails_on_errors_only(runner: Runner, validate: str, plan: str,
                                         status: int) -> None:
    code, _ = runner("poolsync-plan.yml", "Fail on errors (changes are not errors)",
                     VALIDATE_EXIT=validate, PLAN_EXIT=plan)
    assert code == status
    if status:
        assert "::error title=poolsync" in runner.stdout


@pytest.mark.parametrize(("workflow", "step"), [
    ("poolsync-plan.yml", "validate"), ("poolsync-apply.yml", "Validate"),
    ("poolsync-drift.yml", "Validate"),
])
def test_validate_annotates_the_problems_on_their_lines(runner: Runner, workflow: str,
                                                        step: str) -> None:
    """Each reusable workflow validates with --output github: the runner reads the
    ::error lines on stdout and shows each problem on its line of the pull request."""
    annotation = "::error title=poolsync validate,file=environments/prod/a.yaml,line=3,col=5::x"
    status, outputs = runner(workflow, step, FAKE_EXIT="1", FAKE_STDOUT=annotation + "\n",
                             FAKE_STDERR="environments/prod/a.yaml:3:5: x\n")
    (call,) = runner.calls()
    assert call["argv"] == ["validate", "environments/prod", "shared/pools.yaml",
                            "--output", "github"]
    assert annotation in runner.stdout.splitlines()  # on the log, where the runner reads it
    if workflow == "poolsync-plan.yml":  # recorded; the comment gets the text of stderr
        assert (status, outputs) == (0, {"exit-code": "1"})
        assert runner.file("temp/validate.err") == "environments/prod/a.yaml:3:5: x\n"
    else:  # the job stops before any credentials
        assert status == 1


def test_a_refused_plan_is_posted_without_its_checksum() -> None:
    """Exit 3 (a replacement not allowed, an object that cannot be applied): the comment
    shows the plan, which says what blocks it; no checksum, so apply has nothing to take."""
    step = _step(_load(WORKFLOWS / "poolsync-plan.yml"), "Report a failure in the comment")
    assert "steps.plan.outputs.exit-code != '3'" in step["if"]
    post = _step(_load(WORKFLOWS / "poolsync-plan.yml"), "Post or update the plan comment")
    assert post["env"]["POOLSYNC_CHECKSUM"].startswith(
        "${{ steps.plan.outputs.exit-code != '0' && steps.plan.outputs.exit-code != '2' && ''")


def test_every_plan_step_after_the_scope_runs_only_when_there_is_something_to_plan() -> None:
    steps = _only_job(_load(WORKFLOWS / "poolsync-plan.yml"))["steps"]
    assert steps[0]["id"] == "scope"
    for step in steps[1:]:
        assert "steps.scope.outputs.plan == 'true'" in step.get("if", ""), step


@pytest.mark.parametrize(("code", "status", "message"), [
    (0, 0, ""),
    (3, 3, "::error title=poolsync apply refused (prod)::Nothing was changed. The fresh plan "
           "is not the plan reviewed in pull request #42"),
    (1, 1, "::error title=poolsync apply failed (prod)::poolsync apply exited 1"),
])
def test_apply_step_is_pinned_to_the_checksum(runner: Runner, code: int, status: int,
                                              message: str) -> None:
    result, outputs = runner("poolsync-apply.yml", "apply", FAKE_EXIT=str(code),
                             FAKE_STDOUT="Plan: 0 to create\n", POOLSYNC_CHECKSUM=CHECKSUM,
                             POOLSYNC_PR="42", **SECRETS)
    assert result == status
    assert outputs == {"exit-code": str(code)}
    (call,) = runner.calls()
    assert call["argv"] == ["apply", "environments/prod", "shared/pools.yaml",
                            "--checksum", CHECKSUM, "--yes"]
    assert "Plan: 0 to create" in runner.stdout and message in runner.stdout
    assert f"Pinned to the plan reviewed in pull request #42 ({CHECKSUM})" in runner.file("summary")


@pytest.mark.parametrize(("code", "message"), [
    (0, ""),
    (1, "::error title=poolsync smoke failed (prod)::The apply succeeded, but a user could "
        "not sign up or in (exit 1)"),
    (3, "::error title=poolsync smoke refused (prod)::No user was created"),
])
def test_smoke_step_runs_poolsync_smoke_with_its_options(runner: Runner, code: int,
                                                         message: str) -> None:
    status, outputs = runner("poolsync-apply.yml", "smoke", FAKE_EXIT=str(code),
                             FAKE_STDOUT="Smoke passed: 7 passed\n",
                             POOLSYNC_SMOKE_OPTIONS="--pool shop --client web", **SECRETS)
    assert status == code
    assert outputs == {"exit-code": str(code)}
    (call,) = runner.calls()
    assert call["argv"] == ["smoke", "environments/prod", "shared/pools.yaml",
                            "--pool", "shop", "--client", "web"]
    assert message in runner.stdout
    assert "## poolsync smoke: prod (exit" in runner.file("summary")


def test_smoke_is_opt_in_and_runs_only_after_the_apply() -> None:
    workflow = _load(WORKFLOWS / "poolsync-apply.yml")
    call = workflow["on"]["workflow_call"]["inputs"]
    assert call["smoke"] == {**call["smoke"], "type": "boolean", "default": False}
    steps = _only_job(workflow)["steps"]
    ids = [s.get("id") for s in steps]
    assert ids.index("smoke") == ids.index("apply") + 1 == len(ids) - 1
    assert steps[-1]["if"] == "inputs.smoke"
    jobs = _load(CALLERS / "apply-on-merge.yml")["jobs"]
    assert {j["with"]["smoke"] for j in jobs.values()} == {
        "${{ vars.POOLSYNC_SMOKE == 'true' }}"}


@pytest.mark.parametrize("code", [0, 1, 2])
def test_drift_step_records_the_outcome(runner: Runner, code: int) -> None:
    report = "<!-- poolsync drift: prod -->\n## poolsync drift: prod: 1 modified\n"
    status, outputs = runner("poolsync-drift.yml", "drift", FAKE_EXIT=str(code),
                             FAKE_STDOUT=report, **SECRETS)
    assert status == 0
    assert outputs == {"exit-code": str(code)}
    (call,) = runner.calls()
    assert call["argv"] == ["drift", "environments/prod", "shared/pools.yaml",
                            "--output", "markdown", "--marker", "prod"]
    assert (report in runner.file("summary")) == (code != 1)


@pytest.mark.parametrize(("code", "fail", "status"), [
    ("0", "false", 0), ("2", "false", 0), ("2", "true", 2), ("1", "false", 1),
])
def test_drift_result(runner: Runner, code: str, fail: str, status: int) -> None:
    result, _ = runner("poolsync-drift.yml", "Result", DRIFT_EXIT=code, FAKE_EXIT="0",
                       FAIL_ON_DRIFT=fail)
    assert result == status


# --- the github-script steps, under Node.js with a fake GitHub API -------------------

HARNESS = r"""
const fs = require('fs');
const input = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const state = input.state;
const calls = [];
let nextId = 1000;
const api = (name, handler) => async (params) => {
  calls.push([name, params]);
  return { data: await handler(params) };
};
const notFound = () => { const e = new Error('Not Found'); e.status = 404; throw e; };
const github = {
  paginate: async (method, params) => (await method(params)).data,
  rest: {
    issues: {
      listComments: api('listComments', (p) => state.comments[p.issue_number] || []),
      createComment: api('createComment', (p) => {
        const c = { id: nextId++, body: p.body, user: { type: 'Bot' }, html_url: 'c' };
        (state.comments[p.issue_number] = state.comments[p.issue_number] || []).push(c);
        return c;
      }),
      updateComment: api('updateComment', (p) => {
        for (const list of Object.values(state.comments))
          for (const c of list) if (c.id === p.comment_id) c.body = p.body;
        return {};
      }),
      listForRepo: api('listForRepo', (p) => state.issues.filter((i) =>
        i.state === p.state && i.labels.includes(p.labels))),
      create: api('create', (p) => {
        const i = { number: nextId++, state: 'open', html_url: 'i', ...p };
        state.issues.push(i);
        return i;
      }),
      update: api('update', (p) => {
        const i = state.issues.find((x) => x.number === p.issue_number);
        Object.assign(i, p);
        return i;
      }),
      getLabel: api('getLabel', (p) => state.labels.includes(p.name) ? {} : notFound()),
      createLabel: api('createLabel', (p) => { state.labels.push(p.name); return {}; }),
    },
    pulls: {
      get: api('pulls.get', (p) => state.pulls.find((x) => x.number === p.pull_number)),
      listFiles: api('pulls.listFiles', (p) => state.files[p.pull_number] || []),
    },
    repos: {
      listPullRequestsAssociatedWithCommit: api('listPullRequestsAssociatedWithCommit',
        (p) => state.pulls.filter((x) => (x.commits || []).includes(p.commit_sha))),
    },
  },
};
const result = { outputs: {}, failed: null, logs: [] };
const core = {
  setOutput: (k, v) => { result.outputs[k] = v; },
  setFailed: (m) => { result.failed = m; },
  info: (m) => result.logs.push(m), notice: (m) => result.logs.push(m),
  warning: (m) => result.logs.push('warning: ' + m),
};
const context = {
  repo: { owner: 'acme', repo: 'pools' }, sha: input.sha, runId: 7,
  serverUrl: 'https://github.com', payload: input.payload,
};
const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor;
new AsyncFunction('github', 'context', 'core', 'require', input.script)(
  github, context, core, require,
).then(() => {
  console.log(JSON.stringify({ ...result, calls: calls.map((c) => c[0]), state }));
}, (error) => { console.error(error); process.exit(1); });
"""


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed (it runs the github-script steps)")
    return node


def _github_script(tmp_path: Path, workflow: str, step: str, state: dict[str, Any],
                   env: dict[str, str], sha: str = "m" * 40,
                   payload: dict[str, Any] | None = None) -> dict[str, Any]:
    script = _step(_load(WORKFLOWS / workflow), step)["with"]["script"]
    (tmp_path / "harness.js").write_text(HARNESS)
    full = {"comments": {}, "issues": [], "labels": [], "pulls": [], "files": {}, **state}
    (tmp_path / "input.json").write_text(json.dumps(
        {"script": script, "state": full, "sha": sha, "payload": payload or {}}))
    result = subprocess.run([_node(), str(tmp_path / "harness.js"), str(tmp_path / "input.json")],
                            env={**os.environ, "POOLSYNC_ENVIRONMENT": "prod", **env},
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    output: dict[str, Any] = json.loads(result.stdout)
    return output


def _comment(body: str, user: str = "Bot", id: int = 1) -> dict[str, Any]:
    return {"id": id, "body": body, "user": {"type": user}, "html_url": f"c{id}"}


PR = {"pull_request": {"number": 42}}


def test_plan_comment_is_posted_once_then_updated_in_place(tmp_path: Path) -> None:
    body = tmp_path / "plan.md"
    state: dict[str, Any] = {"comments": {"42": [
        _comment("<!-- poolsync plan: prod -->\nfrom a human, quoting", user="User", id=1),
        _comment("<!-- poolsync plan: prod-eu -->\nanother environment", id=2),
    ]}}
    env = {"POOLSYNC_COMMENT_FILE": str(body), "POOLSYNC_HEAD_SHA": "h" * 40,
           "POOLSYNC_CHECKSUM": CHECKSUM}
    for push in ("first", "second"):
        body.write_text(MARKDOWN + push)
        result = _github_script(tmp_path, "poolsync-plan.yml", "Post or update the plan comment",
                                state, env, payload=PR)
        state = result["state"]
    comments = state["comments"]["42"]
    assert [c["id"] for c in comments] == [1, 2, 1000]  # one comment of prod, updated
    assert result["calls"] == ["listComments", "updateComment"]
    mine = comments[2]["body"]
    # The checksum line is written last, from the step's output (the plan document).
    assert mine.startswith("<!-- poolsync plan: prod -->\n## poolsync plan: prod: 1 change\n"
                           f"\nsecond\n<!-- poolsync checksum: {CHECKSUM} -->\n"
                           "\n<!-- poolsync head: " + "h" * 40 + " -->\n")
    assert "Planned at hhhhhhh by [this run](https://github.com/acme/pools/actions/runs/7)" in mine


def test_plan_comment_gets_its_marker_and_stays_under_the_limit(tmp_path: Path) -> None:
    body = tmp_path / "plan.md"
    body.write_text("no marker line" + "x" * (65536 - 40))
    result = _github_script(tmp_path, "poolsync-plan.yml", "Post or update the plan comment",
                            {}, {"POOLSYNC_COMMENT_FILE": str(body)}, payload=PR)
    (comment,) = result["state"]["comments"]["42"]
    assert comment["body"].startswith("<!-- poolsync plan: prod -->\nno marker line")
    assert len(comment["body"]) <= 65536 and "poolsync head" not in comment["body"]


CALLER = "acme/pools/.github/workflows/pr-plan.yml@refs/pull/42/merge"


def _scope(tmp_path: Path, files: list[str] | list[dict[str, str]], when: str,
           comments: list[dict[str, Any]] | None = None, payload: dict[str, Any] | None = PR,
           comment: str = "true") -> dict[str, Any]:
    listed = [f if isinstance(f, dict) else {"filename": f} for f in files]
    state = {"files": {"42": listed}, "comments": {"42": comments or []}}
    return _github_script(tmp_path, "poolsync-plan.yml", "scope", state,
                          {"POOLSYNC_WHEN_CHANGED": when, "POOLSYNC_CALLER": CALLER,
                           "POOLSYNC_COMMENT": comment}, payload=payload)


@pytest.mark.parametrize(("files", "when", "plan"), [
    (["environments/prod/shop.yaml"], "environments/**", "true"),
    (["environments/base/shop.yaml", "README.md"], "environments/**", "true"),
    (["README.md", "src/app.py"], "environments/**", "false"),
    (["environments.md"], "environments/**", "false"),
    ([".github/workflows/pr-plan.yml"], "environments/**", "true"),  # the caller itself
    ([".github/workflows/apply-on-merge.yml"], "environments/**", "false"),
    ([{"filename": "old/x.yaml", "previous_filename": "environments/dev/x.yaml"}],
     "environments/**", "true"),  # moved out of the environment
    (["environments/prod/shop.yaml"], "environments/base\n  environments/prod/", "true"),
    (["environments/dev/shop.yaml"], "environments/base environments/prod", "false"),
    (["environments/prod/sub/x.yml"], "environments/*/x.yml", "false"),
    (["environments/prod/sub/x.yml"], "environments/**/x.yml", "true"),
    (["environments/x.yml"], "environments/**/x.yml", "true"),
    (["environments/prod/a.yaml"], "environments/pro?/*.yaml", "true"),
    (["environmentsXprod/a.yaml"], "environments.prod/*.yaml", "false"),  # "." is literal
])
def test_scope_plans_only_when_a_watched_file_changes(tmp_path: Path, files: list[Any],
                                                     when: str, plan: str) -> None:
    result = _scope(tmp_path, files, when)
    assert result["outputs"] == {"plan": plan}
    assert result["failed"] is None
    if plan == "false":
        assert any("Nothing to plan for prod" in log for log in result["logs"])


def test_scope_always_plans_without_patterns_or_outside_a_pull_request(tmp_path: Path) -> None:
    assert _scope(tmp_path, ["README.md"], "")["outputs"] == {"plan": "true"}
    assert _scope(tmp_path, ["README.md"], " \n ")["calls"] == []
    pushed = _scope(tmp_path, ["README.md"], "environments/**", payload={})
    assert (pushed["outputs"], pushed["calls"]) == ({"plan": "true"}, [])


def test_scope_plans_when_the_pull_request_has_too_many_files_to_list(tmp_path: Path) -> None:
    files = [f"docs/{n}.md" for n in range(3000)]
    assert _scope(tmp_path, files, "environments/**")["outputs"] == {"plan": "true"}


def test_an_earlier_plan_comment_says_there_is_nothing_to_plan_any_more(tmp_path: Path
                                                                         ) -> None:
    """A push that takes the environment's files out of the pull request: the old plan,
    and its checksum, must not stay current for apply to take after the merge."""
    comments = [_comment("<!-- poolsync plan: prod -->\nold plan\n"
                         f"<!-- poolsync checksum: {CHECKSUM} -->", id=3),
                _comment("<!-- poolsync plan: dev -->\ndev plan", id=4)]
    result = _scope(tmp_path, ["README.md"], "environments/**", comments)
    assert result["outputs"] == {"plan": "false"}
    prod, dev = result["state"]["comments"]["42"]
    assert prod["body"].startswith("<!-- poolsync plan: prod -->\n"
                                   "## poolsync plan: prod: nothing to plan\n")
    assert "checksum" not in prod["body"]
    assert dev["body"] == "<!-- poolsync plan: dev -->\ndev plan"
    state = _merged(body=prod["body"])
    applied = _github_script(tmp_path, "poolsync-apply.yml", "reviewed", state, NO_INPUTS)
    assert applied["failed"] and "checksum" not in applied["outputs"]
    # Without an earlier comment nothing is posted; with comment: false nothing is read.
    assert _scope(tmp_path, ["README.md"], "environments/**")["calls"] == [
        "pulls.listFiles", "listComments"]
    assert _scope(tmp_path, ["README.md"], "environments/**", comments, comment="false"
                  )["calls"] == ["pulls.listFiles"]


FORGED = "sha256:" + "cc" * 32


def test_a_checksum_the_pull_request_wrote_never_reaches_apply(tmp_path: Path) -> None:
    """A value the pull request wrote can hold the checksum marker: inside a diff line,
    or (cut to fit) as what would be left last. The comment's checksum line is the one
    from the plan document, written last, and apply takes only a whole-line marker."""
    body = tmp_path / "plan.md"
    forged = f'+ Description: "<!-- poolsync checksum: {FORGED} -->"\n'
    body.write_text(MARKDOWN.replace("<!-- poolsync checksum", forged + "<!-- poolsync checksum")
                    + f"<!-- poolsync checksum: {FORGED} -->\n"  # a whole line, too
                    + "\U0001f510" * 40000)  # cut: two UTF-16 units each
    env = {"POOLSYNC_COMMENT_FILE": str(body), "POOLSYNC_CHECKSUM": CHECKSUM}
    posted = _github_script(tmp_path, "poolsync-plan.yml", "Post or update the plan comment",
                            {}, env, payload=PR)
    (comment,) = posted["state"]["comments"]["42"]
    assert "(cut to fit a comment" in comment["body"]
    assert f"<!-- poolsync checksum: {CHECKSUM} -->" in comment["body"].splitlines()
    assert f"<!-- poolsync checksum: {FORGED} -->" not in comment["body"].splitlines()
    state = _merged(body=comment["body"].split("<!-- poolsync head")[0])
    result = _github_script(tmp_path, "poolsync-apply.yml", "reviewed", state, NO_INPUTS)
    assert result["outputs"]["checksum"] == CHECKSUM


def _merged(number: int = 42, *, body: str | None = MARKDOWN, head: str = "h" * 40
            ) -> dict[str, Any]:
    comments = [_comment("LGTM", user="User", id=5)]
    if body is not None:
        comments.append(_comment(body + f"<!-- poolsync head: {head} -->\n", id=6))
    return {"pulls": [{"number": number, "merged_at": "2026-01-01T00:00:00Z",
                       "merge_commit_sha": "m" * 40, "commits": ["m" * 40],
                       "head": {"sha": "h" * 40}}],
            "comments": {str(number): comments}}


NO_INPUTS = {"POOLSYNC_PULL_REQUEST": "", "POOLSYNC_CHECKSUM": ""}


def test_apply_reads_the_checksum_of_the_merged_pull_request(tmp_path: Path) -> None:
    result = _github_script(tmp_path, "poolsync-apply.yml", "reviewed", _merged(), NO_INPUTS)
    assert result["failed"] is None
    assert result["outputs"] == {"pull-request": "42", "checksum": CHECKSUM}
    assert not any(log.startswith("warning") for log in result["logs"])


def test_apply_warns_when_the_plan_is_older_than_the_merged_head(tmp_path: Path) -> None:
    result = _github_script(tmp_path, "poolsync-apply.yml", "reviewed",
                            _merged(head="0" * 40), NO_INPUTS)
    assert result["outputs"]["checksum"] == CHECKSUM
    assert any("made at 0000000" in log for log in result["logs"])


@pytest.mark.parametrize(("state", "sha", "message"), [
    (_merged(), "d" * 40, "No merged pull request contains dddd"),
    (_merged(body=None), "m" * 40, "Pull request #42 has no poolsync plan comment for prod"),
    (_merged(body="<!-- poolsync plan: prod -->\n## failed\n"), "m" * 40,
     "The last plan of prod on pull request #42 failed"),
    (_merged(body="<!-- poolsync plan: dev -->\n" + MARKDOWN.split("\n", 1)[1]), "m" * 40,
     "has no poolsync plan comment for prod"),
])
def test_apply_without_a_reviewed_plan_fails_clearly(tmp_path: Path, state: dict[str, Any],
                                                     sha: str, message: str) -> None:
    result = _github_script(tmp_path, "poolsync-apply.yml", "reviewed", state, NO_INPUTS, sha=sha)
    assert result["failed"] is not None and message in result["failed"]
    assert "checksum" not in result["outputs"]


def test_apply_with_explicit_inputs(tmp_path: Path) -> None:
    given = _github_script(tmp_path, "poolsync-apply.yml", "reviewed", {},
                           {**NO_INPUTS, "POOLSYNC_CHECKSUM": CHECKSUM})
    assert given["outputs"] == {"checksum": CHECKSUM} and given["calls"] == []
    bad = _github_script(tmp_path, "poolsync-apply.yml", "reviewed", {},
                         {**NO_INPUTS, "POOLSYNC_CHECKSUM": "abc"})
    assert "is not sha256: and 64 hex digits" in bad["failed"]
    named = _github_script(tmp_path, "poolsync-apply.yml", "reviewed", _merged(),
                           {**NO_INPUTS, "POOLSYNC_PULL_REQUEST": "42"}, sha="z" * 40)
    assert named["outputs"] == {"pull-request": "42", "checksum": CHECKSUM}


DRIFT = "<!-- poolsync drift: prod -->\n## poolsync drift: prod: 1 modified\n"


def _drift(tmp_path: Path, state: dict[str, Any], code: str, report: str = DRIFT
           ) -> dict[str, Any]:
    (tmp_path / "drift.md").write_text(report)
    env = {"POOLSYNC_DRIFT_EXIT": code, "POOLSYNC_REPORT_FILE": str(tmp_path / "drift.md"),
           "POOLSYNC_ISSUE_LABEL": "poolsync-drift"}
    return _github_script(tmp_path, "poolsync-drift.yml", "Open, update or close the drift issue",
                          state, env)


def test_drift_opens_one_issue_updates_it_then_closes_it(tmp_path: Path) -> None:
    other = {"number": 1, "state": "open", "labels": ["poolsync-drift"],
             "body": "<!-- poolsync drift: dev -->\n", "title": "poolsync drift: dev"}
    opened = _drift(tmp_path, {"issues": [other]}, "2")
    assert opened["calls"] == ["listForRepo", "getLabel", "createLabel", "create"]
    issue = opened["state"]["issues"][1]
    assert issue["title"] == "poolsync drift: prod" and issue["labels"] == ["poolsync-drift"]
    assert issue["body"].startswith(DRIFT + "\n<sub>Last checked by [this run]")
    assert opened["outputs"] == {"issue-number": str(issue["number"])}

    updated = _drift(tmp_path, opened["state"], "2", DRIFT + "and more\n")
    assert updated["calls"] == ["listForRepo", "update"]
    assert len(updated["state"]["issues"]) == 2
    assert "and more" in updated["state"]["issues"][1]["body"]

    closed = _drift(tmp_path, updated["state"], "0", "in sync")
    assert closed["calls"] == ["listForRepo", "createComment", "update"]
    prod, dev = closed["state"]["issues"][1], closed["state"]["issues"][0]
    assert prod["state"] == "closed" and prod["state_reason"] == "completed"
    assert dev["state"] == "open"  # another environment's issue is left alone
    assert "prod is back in sync" in closed["state"]["comments"][str(prod["number"])][0]["body"]


def test_drift_in_sync_with_no_issue_does_nothing(tmp_path: Path) -> None:
    result = _drift(tmp_path, {}, "0", "in sync")
    assert result["calls"] == ["listForRepo"] and result["outputs"] == {}


# --- the example callers -------------------------------------------------------------

USES = re.compile(r"^(?P<owner>[^/]+)/poolsync/(?P<path>\.github/workflows/[^@]+)@(?P<ref>.+)$")


def _calls() -> list[tuple[str, str, dict[str, Any], dict[str, Any]]]:
    found = []
    for path in sorted(CALLERS.glob("*.yml")):
        caller = _load(path)
        for name, job in caller["jobs"].items():
            if "uses" in job:  # pr-check.yml runs its own steps (poolsync check, SARIF)
                found.append((f"{path.name}:{name}", path.name, caller, job))
    return found


@pytest.mark.parametrize(("where", "file", "caller", "job"), _calls(),
                         ids=[where for where, *_ in _calls()])
def test_example_calls_a_reusable_workflow_correctly(where: str, file: str,
                                                     caller: dict[str, Any],
                                                     job: dict[str, Any]) -> None:
    match = USES.match(job["uses"])
    assert match, f"{where}: uses {job['uses']!r} is not OWNER/poolsync/PATH@REF"
    target = ROOT / match["path"]
    assert target.parent == WORKFLOWS and target.name in REUSABLE and target.exists()
    call = _load(target)["on"]["workflow_call"]
    passed = set(job.get("with", {}))
    assert passed <= set(call["inputs"]), f"{where}: unknown inputs {passed - set(call['inputs'])}"
    required = {k for k, spec in call["inputs"].items() if spec.get("required")}
    assert required <= passed, f"{where}: required inputs missing: {required - passed}"
    secrets = job.get("secrets", {})
    assert secrets == "inherit" or set(secrets) <= set(call["secrets"])
    # The workflow and the poolsync it installs come from the same release.
    assert job["with"]["poolsync-package"].endswith(f"/poolsync@{match['ref']}")
    # A called job gets at most the caller's permissions: grant what it needs.
    needed = _only_job(_load(target))["permissions"]
    granted = job.get("permissions", caller.get("permissions"))
    assert granted == needed, f"{where}: grants {granted}, the workflow needs {needed}"


def test_examples_cover_every_workflow_and_environment() -> None:
    used = {(USES.match(job["uses"]) or {"path": ""})["path"].rsplit("/", 1)[-1]
            for _, _, _, job in _calls()}
    assert used == set(REUSABLE)
    text = "\n".join(p.read_text() for p in CALLERS.glob("*.yml"))
    for environment in ("dev", "prod"):
        assert f"environments/{environment}" in text or "environments/${{ matrix.environment }}" in text
        assert (ENVIRONMENTS / environment).is_dir()


def test_no_example_makes_a_required_check_wait_on_a_paths_filter() -> None:
    """A workflow that a paths filter keeps from starting leaves its required check
    pending for ever: the PR caller runs on every pull request, and the reusable
    workflow ends early (when-changed) when the environment's files did not change."""
    caller = _load(CALLERS / "pr-plan.yml")
    trigger = caller["on"]["pull_request"] or {}
    assert not {"paths", "paths-ignore", "branches-ignore"} & set(trigger)
    (job,) = caller["jobs"].values()
    assert job["with"]["when-changed"] == "environments/**"
    for path in CALLERS.glob("*.yml"):
        assert "poolsync-*.yml" not in path.read_text(), path.name  # matched no copy


def test_the_example_plans_for_its_own_environments(tmp_path: Path) -> None:
    """The example caller's patterns, on the files of examples/environments as they
    would sit in the pools repository."""
    when = _load(CALLERS / "pr-plan.yml")["jobs"]["plan"]["with"]["when-changed"]
    for path in sorted(ENVIRONMENTS.rglob("*.yaml")):
        name = str(path.relative_to(ENVIRONMENTS.parent))
        assert _scope(tmp_path, [name], when)["outputs"] == {"plan": "true"}, name


def test_apply_example_promotes_dev_before_prod() -> None:
    jobs = _load(CALLERS / "apply-on-merge.yml")["jobs"]
    assert jobs["prod"]["needs"] == "dev"
    assert {j["with"]["environment"] for j in jobs.values()} == {"dev", "prod"}


# --- the pre-commit hook -------------------------------------------------------------

# pre-commit's manifest format (pre_commit/clientlib.py, MANIFEST_HOOK_DICT), written out
# because no schema of it ships with the packages we use.
HOOK_SCHEMA = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "required": ["id", "name", "entry", "language"],
        "additionalProperties": False,
        "properties": {
            **{key: {"type": "string"} for key in (
                "id", "name", "entry", "alias", "files", "exclude", "description",
                "language_version", "log_file", "minimum_pre_commit_version")},
            "language": {"enum": ["conda", "coursier", "dart", "docker", "docker_image",
                                  "dotnet", "fail", "golang", "haskell", "julia", "lua",
                                  "node", "perl", "pygrep", "python", "r", "ruby", "rust",
                                  "swift", "unsupported", "unsupported_script", "system",
                                  "script"]},
            **{key: {"type": "array", "items": {"type": "string"}} for key in (
                "types", "types_or", "exclude_types", "additional_dependencies", "args",
                "stages")},
            **{key: {"type": "boolean"} for key in (
                "always_run", "fail_fast", "pass_filenames", "require_serial", "verbose")},
        },
    },
}


def _hooks() -> list[dict[str, Any]]:
    data = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())  # pre-commit's reader
    assert isinstance(data, list)
    return data


def test_pre_commit_manifest_is_valid() -> None:
    vendor = resources.files("check_jsonschema.builtin_schemas.vendor")
    if (vendor / "pre-commit-hooks.json").is_file():  # a future check-jsonschema may ship it
        schema = json.loads((vendor / "pre-commit-hooks.json").read_text())
        jsonschema.validate(_hooks(), schema)
    jsonschema.validate(_hooks(), HOOK_SCHEMA)


def test_pre_commit_hook_runs_validate_on_the_paths_it_is_given(
        capsys: pytest.CaptureFixture[str]) -> None:
    hook = next(h for h in _hooks() if h["id"] == "poolsync-validate")
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False  # the environment's paths come from `args`
    files = re.compile(hook["files"])
    assert files.search("environments/prod/shop.yaml") and files.search("a.yml")
    assert not files.search("README.md")
    program, command = hook["entry"].split()
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert f'{program} = "poolsync.cli:main"' in pyproject
    assert command in cli.commands
    # What pre-commit runs for `args: [examples/environments/base, examples/environments/prod]`.
    assert run([command, *_environment_paths("prod")]) == 0
    assert "valid" in capsys.readouterr().out
    assert run([command]) == 1  # no args: a plain usage error, exit 1


# --- the multi-environment layout ----------------------------------------------------


def _environment_paths(environment: str) -> list[str]:
    """What an environment's run is given: the shared templates, then its directory."""
    return [str(ENVIRONMENTS / "base"), str(ENVIRONMENTS / environment)]


@pytest.mark.parametrize("environment", ["dev", "prod"])
def test_each_environment_validates(environment: str, capsys: pytest.CaptureFixture[str]
                                    ) -> None:
    assert run(["validate", *_environment_paths(environment)]) == 0
    assert "valid" in capsys.readouterr().out


def test_an_environment_without_the_shared_templates_is_refused(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["validate", str(ENVIRONMENTS / "prod")]) == 1
    assert 'template "shop" is not defined' in capsys.readouterr().err


def test_environments_are_directories_of_pool_files_only() -> None:
    for path in ENVIRONMENTS.rglob("*"):
        if path.is_file():
            assert path.suffix == ".yaml", path
            assert path.parent.parent == ENVIRONMENTS, f"{path}: one directory per environment"
    # The shared directory holds templates only: it is passed to every environment's run.
    assert load_config([str(ENVIRONMENTS / "base")]).pools == ()


@pytest.mark.parametrize("environment", ["dev", "prod"])
def test_each_environment_applies_then_plans_clean(session: AwsSession, environment: str
                                                   ) -> None:
    """Against the local Cognito, with GOOGLE_CLIENT_SECRET set as the workflow sets it
    (conftest sets it for every test)."""
    paths = _environment_paths(environment)

    def cli_(*args: str) -> int:
        return run(list(args), session_factory=lambda profile: session)

    assert cli_("apply", *paths, "--yes") == 0
    assert cli_("plan", *paths, "--detailed-exitcode") == 0


def test_twin_pools_differ_only_where_environments_should() -> None:
    """shop-dev and shop-prod are one pool in two environments: the template `shop`
    (base/shop.yaml) plus each environment's own values. Merged, they differ only at
    the paths an environment's file is meant to write, and each file writes nothing
    else (docs/environments.md)."""
    def merged(environment: str) -> dict[str, Any]:
        [pool] = [p for p in load_config(_environment_paths(environment)).pools
                  if p.name.startswith("shop-")]
        return {"settings": pool.settings, "mfa": pool.mfa, "domain": pool.domain,
                "identity_providers": pool.identity_providers, "clients": pool.clients,
                "groups": pool.groups}

    allowed = {"settings.DeletionProtection", "settings.UserPoolTags.environment",
               "domain.Domain", "identity_providers.Google.ProviderDetails.client_id",
               "clients.web.CallbackURLs", "clients.web.LogoutURLs",
               "clients.web.RefreshTokenValidity"}

    def differences(a: Any, b: Any, path: str = "") -> set[str]:
        if isinstance(a, dict) and isinstance(b, dict):
            return {d for k in a.keys() | b.keys()
                    for d in differences(a.get(k), b.get(k), f"{path}.{k}".lstrip("."))}
        return set() if a == b else {path}

    def leaves(value: Any, path: str = "") -> set[str]:
        if isinstance(value, dict):
            return {leaf for k, v in value.items() for leaf in leaves(v, f"{path}.{k}".lstrip("."))}
        return {path}

    assert differences(merged("dev"), merged("prod")) == allowed
    for environment, name in (("dev", "shop-dev"), ("prod", "shop-prod")):
        written = _load(ENVIRONMENTS / environment / "shop.yaml")["pools"][name]
        assert written.pop("template") == "shop"
        assert leaves(written) == allowed


def test_docs_show_the_layout_and_the_workflows() -> None:
    environments = (ROOT / "docs" / "environments.md").read_text()
    github = (ROOT / "docs" / "github.md").read_text()
    for name in ("examples/environments/base", "examples/environments/dev",
                 "examples/environments/prod", "${env:", "templates:", "template: shop"):
        assert name in environments
    for name in (*REUSABLE, "pr-plan.yml", "apply-on-merge.yml", "nightly-drift.yml",
                 "poolsync-validate", "pass_filenames"):
        assert name in github


@pytest.mark.parametrize("name", ["poolsync-plan.yml", "poolsync-apply.yml"])
def test_plan_and_apply_fingerprint_with_the_same_key(name: str) -> None:
    """The key reaches poolsync in the step that plans or applies, under the name
    poolsync reads (fingerprint.KEY_VARIABLE), from the secret of the same name."""
    from poolsync.fingerprint import KEY_VARIABLE

    steps = _only_job(_load(WORKFLOWS / name))["steps"]
    step = next(s for s in steps if s.get("id") in {"plan", "apply"})
    assert step["env"][KEY_VARIABLE] == f"${{{{ secrets.{KEY_VARIABLE} }}}}"


@pytest.mark.parametrize("name", REUSABLE)
def test_validate_falls_back_to_the_region_the_credentials_give(name: str) -> None:
    """validate runs before the credentials step, which sets AWS_REGION: a pool whose
    file names no region would otherwise fail validation in CI (config.py's fallback)."""
    steps = _load(WORKFLOWS / name)["jobs"]
    (job,) = steps.values()
    validate = next(s for s in job["steps"] if s.get("name") == "Validate")
    credentials = next(s for s in job["steps"]
                       if "aws-region" in (s.get("with") or {}))
    assert validate["env"]["AWS_REGION"] == credentials["with"]["aws-region"]
