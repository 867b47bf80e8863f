"""The small habits users bring from terraform, the AWS CLI and click tools (issue 11,
point 7), each through the CLI: whole command summaries, a declined prompt, ``export
--only`` of what is not there, a plan file checked before AWS, drift's revert command,
what a changed list gained and lost, colour, shell completion, the stand-in's help and
the README's promises."""

from __future__ import annotations

import io
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from poolsync import aws
from poolsync.aws import AwsSession
from poolsync.cli import _first_sentence, _use_color, cli
from tests.conftest import EXAMPLES, REGION, boto_cognito
from tests.conftest import cli as _cli

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
SGR = re.compile("\x1b\\[[0-9;]*m")

POOL = """
    version: 1
    pools:
      habits:
        region: eu-west-1
        settings:
          Policies:
            PasswordPolicy: {MinimumLength: 10}
          UserPoolTags: {team: habits}
        clients:
          web:
            AllowedOAuthFlowsUserPoolClient: true
            AllowedOAuthFlows: [code]
            AllowedOAuthScopes: [openid, email]
            SupportedIdentityProviders: [COGNITO]
            CallbackURLs: [https://a.example.com/cb, https://b.example.com/cb]
        groups:
          admins: {Precedence: 1}
    """

READS = {"ListUserPools", "DescribeUserPool", "GetUserPoolMfaConfig", "ListUserPoolClients",
         "DescribeUserPoolClient", "ListIdentityProviders", "ListGroups",
         "ListResourceServers", "DescribeUserPoolDomain", "ListUsers", "ListTagsForResource"}


def _calls(session: AwsSession) -> list[str]:
    return [c.operation for c in boto_cognito(session).calls]


def _boto() -> Any:
    """A plain boto3 client of the same mocked Cognito: a change made outside poolsync."""
    import boto3

    return boto3.client("cognito-idp", region_name=REGION)


def _pool_id(name: str = "habits") -> str:
    pools = _boto().list_user_pools(MaxResults=60)["UserPools"]
    return str(next(p["Id"] for p in pools if p["Name"] == name))


def _subprocess_env(**extra: str) -> dict[str, str]:
    path = os.pathsep.join([str(ROOT / "src"), str(ROOT)])
    return {**os.environ, "PYTHONPATH": path, **extra}


# --------------------------------------------------------------------------- summaries


@pytest.mark.parametrize("columns", ["50", "80", "200"])
def test_command_summaries_are_whole_sentences_at_any_width(
        columns: str, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """click cuts a long first sentence to the terminal ("make the..."); poolsync's
    summaries wrap instead, whatever the width."""
    monkeypatch.setenv("COLUMNS", columns)
    assert _run_cli("--help") == 0
    out = capsys.readouterr().out
    listing = " ".join(out.split("Commands:")[1].split())
    for name, command in cli.commands.items():
        summary = _first_sentence(command.help or "")
        assert summary.endswith(".") and f"{name} {summary}" in listing, (name, listing)
    assert "make the changes, verify." in listing
    assert "..." not in listing.replace("${env:...}", "")


def _run_cli(*args: str) -> int:
    from poolsync.cli import run

    return run(list(args))


# --------------------------------------------------------------------------- the prompt


class _Terminal(io.StringIO):
    """stdin as a terminal on which the user types ``answer``."""

    def isatty(self) -> bool:
        return True


def test_declining_the_prompt_cancels_with_exit_1_not_a_safety_refusal(
        session: AwsSession, write: Any, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """As ``terraform apply`` answered "no": "Apply cancelled.", exit 1. Exit 3 would
    tell a wrapper that a safety rail refused the plan."""
    path = write(POOL)
    monkeypatch.setattr("sys.stdin", _Terminal("n\n"))
    assert _cli(session, "apply", path) == 1
    err = capsys.readouterr().err
    assert "Apply these changes? [y/N]" in err
    assert "error: apply cancelled: nothing was changed" in err
    assert set(_calls(session)) <= READS  # nothing written
    monkeypatch.setattr("sys.stdin", _Terminal("n\n"))
    assert _cli(session, "apply", path, "-o", "json") == 1  # the JSON report says so
    report = json.loads(capsys.readouterr().out)
    assert (report["status"], report["applied"]) == ("cancelled", [])
    assert report["reason"] == "apply cancelled: nothing was changed"
    monkeypatch.setattr("sys.stdin", _Terminal("y\n"))
    assert _cli(session, "apply", path) == 0  # the same prompt answered yes applies


def test_declining_on_a_real_terminal_exits_1(session: AwsSession, write: Any,
                                               tmp_path: Path) -> None:
    """The prompt on a pseudo-terminal, answered "n" by a person (here: os.write)."""
    import pty
    import select

    from poolsync.standin import LocalCognito

    path = write(POOL)
    with LocalCognito(port=0) as local:
        env = _subprocess_env(AWS_ENDPOINT_URL=local.endpoint_url, NO_COLOR="1")
        parent, child = pty.openpty()
        process = subprocess.Popen([sys.executable, "-m", "poolsync", "apply", path],
                                   stdin=child, stdout=child, stderr=child, env=env,
                                   cwd=tmp_path, close_fds=True)
        os.close(child)
        seen = b""
        try:
            while b"Apply these changes?" not in seen:
                ready, _, _ = select.select([parent], [], [], 60)
                assert ready, f"no prompt within 60 s: {seen!r}"
                seen += os.read(parent, 65536)
            os.write(parent, b"n\n")
            code = process.wait(timeout=60)
            while select.select([parent], [], [], 0.5)[0]:
                try:
                    chunk = os.read(parent, 65536)
                except OSError:  # the terminal's other end is closed: all was read
                    break
                if not chunk:
                    break
                seen += chunk
        finally:
            if process.poll() is None:
                process.kill()
            os.close(parent)
    text = seen.decode("utf-8", "replace")
    assert code == 1, text
    assert "apply cancelled: nothing was changed" in text
    assert re.search(r"Plan: \d+ to create", text)


# --------------------------------------------------------------------------- export --only


def test_export_only_of_an_item_no_pool_has_is_an_error(
        session: AwsSession, write: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert _cli(session, "apply", write(POOL), "--yes") == 0
    capsys.readouterr()
    base = ("export", "--region", REGION, "--name", "habits")
    assert _cli(session, *base, "--only", "clients/nope") == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert ("error: cannot export only 'clients/nope': the pool has no clients/nope "
            "(its clients: web)") in captured.err
    assert _cli(session, *base, "--only", "domain") == 1
    assert "the pool has no domain" in capsys.readouterr().err
    assert _cli(session, *base, "--only", "clients/web") == 0
    assert "web:" in capsys.readouterr().out


def test_export_only_of_no_such_part_fails_before_any_call(
        session: AwsSession, capsys: pytest.CaptureFixture[str]) -> None:
    for part in ("client/web", "settings/x", "clients/", "nope"):
        assert _cli(session, "export", "--region", REGION, "--all", "--only", part) == 1
        assert "cannot export only" in capsys.readouterr().err
    assert _calls(session) == []


# --------------------------------------------------------------------------- apply --plan


def test_apply_plan_that_is_not_a_plan_fails_before_reading_aws(
        session: AwsSession, write: Any, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    path = write(POOL)
    (tmp_path / "text.json").write_text("not json")
    (tmp_path / "other.json").write_text('{"format_version": "1.1"}')
    (tmp_path / "old.json").write_text('{"format_version": "0.9", "checksum": "sha256:0"}')
    expected = {"missing.json": "No such file or directory", "text.json": "not JSON",
                "other.json": "is not a poolsync plan", "old.json": "has plan format"}
    for name, message in expected.items():
        assert _cli(session, "apply", path, "--plan", str(tmp_path / name)) == 1
        assert message in capsys.readouterr().err
    assert _calls(session) == []


# --------------------------------------------------------------------------- drift


def test_drift_revert_command_carries_yes_and_runs(
        session: AwsSession, write: Any, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(POOL)
    assert _cli(session, "apply", path, "--yes") == 0
    pool = _boto().describe_user_pool(UserPoolId=_pool_id())["UserPool"]
    _boto().tag_resource(ResourceArn=pool["Arn"], Tags={"owner": "console-user"})
    capsys.readouterr()
    assert _cli(session, "drift", path, "--region", REGION) == 2
    out = capsys.readouterr().out
    revert = _revert(out)
    assert revert == f"poolsync apply {shlex.quote(path)} --yes --region {REGION}"
    assert _cli(session, *shlex.split(revert)[1:]) == 0  # runs as printed: no prompt
    assert _cli(session, "drift", path) == 0


def test_drift_revert_prunes_unmanaged_items(
        session: AwsSession, write: Any, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(POOL)
    assert _cli(session, "apply", path, "--yes") == 0
    _boto().create_group(UserPoolId=_pool_id(), GroupName="ad-hoc")
    capsys.readouterr()
    assert _cli(session, "drift", path, "-o", "json") == 2
    document = json.loads(capsys.readouterr().out)
    assert document["revert"] == f"poolsync apply {shlex.quote(path)} --yes --prune"
    assert _cli(session, *shlex.split(document["revert"])[1:]) == 0
    groups = _boto().list_groups(UserPoolId=_pool_id())
    assert [g["GroupName"] for g in groups["Groups"]] == ["admins"]
    capsys.readouterr()
    assert _cli(session, "drift", path) == 0


def test_drift_accept_commands_run_as_printed(
        session: AwsSession, write: Any, capsys: pytest.CaptureFixture[str],
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each accept command exports what it names, from the account the drift read: an
    unmanaged custom attribute lives in the settings (Schema), and --profile is kept."""
    config = tmp_path / "aws-config"
    config.write_text("[profile ops]\nregion = eu-west-1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    path = write(POOL.replace("          UserPoolTags: {team: habits}\n",
                              "          UserPoolTags: {team: habits}\n"
                              "          Schema: [{Name: tier, AttributeDataType: String}]\n"))
    assert _cli(session, "apply", path, "--yes") == 0
    _boto().add_custom_attributes(UserPoolId=_pool_id(), CustomAttributes=[
        {"Name": "extra", "AttributeDataType": "String"}])
    _boto().create_group(UserPoolId=_pool_id(), GroupName="ad-hoc")
    capsys.readouterr()
    assert _cli(session, "drift", path, "--profile", "ops", "-o", "json") == 2
    document = json.loads(capsys.readouterr().out)
    accepts = {o["address"]: o["accept"] for o in document["objects"]
               if o["state"] != "IN_SYNC"}
    assert accepts["habits/schema/custom:extra"].endswith("--only settings --profile ops")
    assert accepts["habits/groups/ad-hoc"].endswith("--only groups/ad-hoc --profile ops")
    for accept in accepts.values():
        capsys.readouterr()
        assert _cli(session, *shlex.split(accept)[1:]) == 0, accept


def test_drift_markdown_says_yes_once(session: AwsSession, write: Any,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    path = write(POOL)
    assert _cli(session, "apply", path, "--yes") == 0
    _boto().create_group(UserPoolId=_pool_id(), GroupName="ad-hoc")
    capsys.readouterr()
    assert _cli(session, "drift", path, "-o", "markdown") == 2
    out = capsys.readouterr().out
    assert f"`poolsync apply {shlex.quote(path)} --yes --prune`" in out
    assert out.count("--yes") == 1


def _revert(text: str) -> str:
    line = next(x for x in text.splitlines() if x.startswith("Revert "))
    return line.split(": ", 1)[1]


# --------------------------------------------------------------------------- changed lists


def test_a_changed_list_says_what_was_added_and_removed(
        session: AwsSession, write: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert _cli(session, "apply", write(POOL), "--yes") == 0
    changed = write(POOL.replace("https://b.example.com/cb]", "https://c.example.com/cb]"),
                    "changed.yaml")
    capsys.readouterr()
    assert _cli(session, "plan", changed) == 0
    out = capsys.readouterr().out
    assert ('CallbackURLs: ["https://a.example.com/cb", "https://b.example.com/cb"] → '
            '["https://a.example.com/cb", "https://c.example.com/cb"] '
            '(added "https://c.example.com/cb"; removed "https://b.example.com/cb")') in out
    assert _cli(session, "drift", changed) == 2
    out = capsys.readouterr().out
    assert ('(not live "https://c.example.com/cb"; only live "https://b.example.com/cb")'
            in out)


def test_list_delta_rules() -> None:
    from poolsync.render import list_delta

    words = ("added", "removed")
    assert list_delta(["a", "b"], ["b", "a"], words) == " (same items, new order)"
    assert list_delta(["a"], ["b"], words) == ""  # nothing in common: the arrow says it
    assert list_delta([], ["b"], words) == ""
    assert list_delta(["a", "a"], ["a"], words) == ' (removed "a")'
    assert list_delta([{"Name": "e", "Priority": 1}], [{"Priority": 1, "Name": "e"}, "x"],
                      words) == ' (added "x")'


# --------------------------------------------------------------------------- colour


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("env", "coloured"), [
    ({}, True),
    ({"NO_COLOR": ""}, True),  # no-color.org: set and not empty
    ({"NO_COLOR": "1"}, False),
    ({"TERM": "dumb"}, False),
    ({"TERM": "xterm-256color"}, True),
])
def test_colour_follows_no_color_and_term(
        env: dict[str, str], coloured: bool, session: AwsSession, write: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("TERM", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    terminal = _Tty()
    monkeypatch.setattr("sys.stdout", terminal)
    assert _cli(session, "plan", write(POOL)) == 0
    assert bool(SGR.search(terminal.getvalue())) is coloured
    assert re.search(r"Plan: \d+ to create", SGR.sub("", terminal.getvalue()))


def test_no_colour_off_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert _use_color(io.StringIO()) is False
    assert _use_color(_Tty()) is True


# --------------------------------------------------------------------------- completion


def test_shell_completion_as_the_readme_documents_it() -> None:
    lines = [x for x in README.splitlines() if "_POOLSYNC_COMPLETE=" in x]
    assert {"bash_source", "zsh_source", "fish_source"} <= {
        re.search(r"_POOLSYNC_COMPLETE=(\w+)", x).group(1) for x in lines}  # type: ignore[union-attr]
    program = [sys.executable, "-c", "from poolsync.cli import main; main()"]
    script = subprocess.run(program, env=_subprocess_env(_POOLSYNC_COMPLETE="bash_source"),
                            capture_output=True, text=True, timeout=60)
    assert script.returncode == 0 and "complete -o nosort -F" in script.stdout
    words = subprocess.run(program, capture_output=True, text=True, timeout=60,
                           env=_subprocess_env(_POOLSYNC_COMPLETE="bash_complete",
                                               COMP_WORDS="poolsync pl", COMP_CWORD="1"))
    assert words.stdout.split() == ["plain,plan"]
    options = subprocess.run(program, capture_output=True, text=True, timeout=60,
                             env=_subprocess_env(_POOLSYNC_COMPLETE="bash_complete",
                                                 COMP_WORDS="poolsync drift --ou",
                                                 COMP_CWORD="2"))
    assert "plain,--output" in options.stdout.split()


# --------------------------------------------------------------------------- stand-in help


def test_standin_help_reads_as_plain_text() -> None:
    result = subprocess.run([sys.executable, "-m", "poolsync.standin", "--help"],
                            env=_subprocess_env(), capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0
    text = result.stdout
    assert "``" not in text and "::" not in text
    assert "until Ctrl-C" in text and "--port PORT" in text
    assert "export AWS_ENDPOINT_URL=http://127.0.0.1:5000" in text
    plan_line = next(x for x in text.splitlines() if "poolsync plan" in x)
    examples = shlex.split(plan_line)[-1]
    assert any(Path(examples).glob("*.yaml")), plan_line  # a path that exists here
    assert max(len(x) for x in text.splitlines()) <= 80


# --------------------------------------------------------------------------- README


def test_readme_commands_line_lists_every_command() -> None:
    start = README.index("Commands (")
    paragraph = README[start:README.index("\n\n", start)]
    for name in cli.commands:
        assert f"`{name}" in paragraph, name


def test_readme_tour_changes_a_setting_with_a_command_that_runs(
        session: AwsSession, capsys: pytest.CaptureFixture[str]) -> None:
    """The tour's out-of-band change is a real command; run against the stand-in, it
    makes the drift the tour's next line shows."""
    tour = README[README.index("## A short tour"):README.index("A plan reads like this")]
    line = tour[tour.index('python -c "'):]
    command = shlex.split(line[:line.index('"\n') + 1].replace("\\\n", ""))
    assert command[:2] == ["python", "-c"]
    assert _cli(session, "apply", str(EXAMPLES), "--yes") == 0
    capsys.readouterr()
    exec(compile(command[2], "README.md", "exec"), {})  # mock_aws is the endpoint here
    assert _cli(session, "drift", str(EXAMPLES)) == 2
    out = capsys.readouterr().out
    assert ('MODIFIED   customers-demo\n    UserPoolTags.owner: expected (not set), live '
            '"console-user"\n') in out


def test_readme_retry_description_matches_the_code() -> None:
    policy = aws.RetryPolicy()
    start = README.index("- AWS access:")
    text = " ".join(README[start:README.index("\n\n", start)].split())
    assert f"up to {policy.attempts} attempts per call" in text
    assert (f"a random wait between 0 and {policy.base:g} s, the bound doubling with each "
            f"attempt up to {policy.cap:g} s") in text
    assert (f"within {aws.CONNECT_TIMEOUT} s, or does not answer a read within "
            f"{aws.READ_TIMEOUT} s (or the whole call within {aws.CALL_DEADLINE:g} s) is "
            "tried 3 times in all") in text
    assert "LimitExceededException" in text
    from botocore.exceptions import ConnectTimeoutError, EndpointConnectionError

    assert aws._attempts_for(EndpointConnectionError(endpoint_url="x")) == 3
    assert aws._attempts_for(ConnectTimeoutError(endpoint_url="x")) == 3


def test_readme_exit_codes_name_a_declined_prompt() -> None:
    row = next(x for x in README.splitlines() if x.startswith("| 1 |"))
    assert "declined at its prompt" in row
