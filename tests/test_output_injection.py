"""Names, keys and values never steer the terminal or break the pull-request comment.

They come from files and from live pools (anyone with console access can name a group
``<details>`` or a client ``a\\n---``): text output escapes control characters
(``render.printable``: a name cannot clear the screen and print a fake "No changes"),
and the markdown comment escapes HTML and markdown (``markdown._text``, ``_code``,
``_fence``). The same checks run on renderings of hand-made plans and through the CLI
against the stand-in.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from poolsync.aws import AwsSession
from poolsync.drift import drift_report
from poolsync.markdown import render_drift_markdown, render_markdown
from poolsync.model import MISSING, Action, FieldChange, ObjectPlan, Plan, PoolPlan
from poolsync.render import printable, render_drift_text, render_text
from tests.conftest import boto_cognito as _cognito
from tests.conftest import cli as _cli

FAKE = "x\x1b[2J\x1b[HNo changes."  # clear the screen, home, and claim there is nothing
# Every character a terminal acts on instead of showing, as ``printable`` sees them.
UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e"
                    "\u2066-\u2069]")
SGR = re.compile("\x1b\\[[0-9;]*m")  # the colour poolsync itself paints


def _hostile_plan() -> Plan:
    pool = PoolPlan(f"p{FAKE}", "eu-west-1", "eu-west-1_Ab1", (
        ObjectPlan(f"p{FAKE}/groups/{FAKE}", "group", Action.UPDATE,
                   "reason with a\rcarriage return and \x9b31m a C1 CSI", (
                       FieldChange(("Description",), "old\x1b]0;title\x07", "new\x85line"),
                       FieldChange(("Tags", "k\u202eevil"), MISSING, "\u2028v"),
                   ), notes=("note\x1b[1A up one line",)),
        ObjectPlan("p/groups/<details>", "group", Action.NOOP, "", unmanaged=True),
    ), sign_in_urls=(("web\x1b[2K", "https://h/login?x=\x1b[0m"),))
    return Plan((pool,))


def _lines_are_safe(text: str) -> None:
    for line in text.split("\n"):
        assert not UNSAFE.search(SGR.sub("", line)), repr(line)


# --------------------------------------------------------------------------- text


@pytest.mark.parametrize("color", [False, True])
def test_text_plan_escapes_every_control_character(color: bool) -> None:
    text = render_text(_hostile_plan(), color=color)
    _lines_are_safe(text)
    assert "x\\x1b[2J\\x1b[HNo changes." in text  # shown, escaped: visible as what it is
    assert "\\r" in text and "\\x9b" in text and "\\u202e" in text and "\\u2028" in text
    # One line per piece: nothing a name holds starts a line of its own.
    assert not any(line.startswith("No changes") for line in text.splitlines())
    if color:
        assert SGR.search(text)  # the paint is still there, added after escaping


def test_drift_text_escapes_every_control_character() -> None:
    report = drift_report(_hostile_plan(), f"pools{FAKE}.yaml")
    text = render_drift_text(report)
    _lines_are_safe(text)
    assert "No changes." not in text.replace("\\x1b[HNo changes.", "")


def test_printable_keeps_only_the_line_breaks_it_is_told_to() -> None:
    assert printable("a\nb\x1b") == "a\\nb\\x1b"
    assert printable("a\nb\x1b", keep="\n") == "a\nb\\x1b"
    assert printable("ünïcode → fine") == "ünïcode → fine"


# --------------------------------------------------------------------------- markdown

NAMES = ["<details>", "a\n---", "x`|y", "[link](https://evil.example)", "@octocat",
         "![pixel](https://evil.example/p.png)", FAKE, "</details><img src=x onerror=1>"]


def _markdown_plan() -> Plan:
    objects = tuple(
        ObjectPlan(f"p/groups/{name}", "group", Action.UPDATE,
                   f"because {name} | and ```", (FieldChange(("Description",), name,
                                                              f"```\n{name}"),))
        for name in NAMES)
    return Plan((PoolPlan("p", "eu-west-1", "eu-west-1_Ab1", objects),))


def _outside_code_blocks(text: str) -> list[str]:
    """The comment's lines outside fenced code blocks (where text is shown literally),
    each block closed only by a fence at least as long as the one that opened it."""
    out: list[str] = []
    fence = ""
    for line in text.split("\n"):
        run = re.match("`{3,}", line)
        if not fence and run:
            fence = run.group()
        elif fence and line.strip() and set(line.strip()) == {"`"} and len(line) >= len(fence):
            fence = ""
        elif not fence:
            out.append(line)
    assert not fence, "a code block is never closed"
    return out


def _assert_comment_intact(text: str, objects: int, rules: int = 1) -> None:
    lines = _outside_code_blocks(text)
    # Every <details> and </details> is poolsync's own, one per object, at a line start.
    assert sum(line.count("<details>") for line in lines) == objects
    assert all(line.startswith("<details><summary>") for line in lines if "<details>" in line)
    assert sum(line.count("</details>") for line in lines) == objects
    outside = "\n".join(lines)
    assert "<img" not in outside and "<summary><code><" not in outside
    # No link, image or mention made of a name; every table row has its 4 cells.
    assert "](https://evil.example" not in outside and "@octocat" not in outside
    rows = [line for line in lines if line.startswith("|")]
    assert len(rows) == 2 + objects
    assert all(row.count("|") == rows[0].count("|") for row in rows)
    # The only "---" lines are poolsync's own rules (the plan's footer).
    assert [line for line in lines if line.strip("-") == "" and line] == ["---"] * rules
    _lines_are_safe(text)


def test_markdown_plan_keeps_names_in_their_place() -> None:
    text = render_markdown(_markdown_plan(), "prod", "environments/prod")
    _assert_comment_intact(text, len(NAMES))
    # Reasons and values with ``` cannot close the diff blocks: the fences are longer.
    assert "````diff" in text


def test_markdown_code_span_of_an_ordinary_name_is_unchanged() -> None:
    plan = Plan((PoolPlan("p", "eu-west-1", "eu-west-1_Ab1", (
        ObjectPlan("p/groups/admins", "group", Action.UPDATE, "in place with UpdateGroup", (
            FieldChange(("Description",), "Old", "Admins"),)),)),))
    text = render_markdown(plan, "prod", "environments/prod")
    assert "| `~` | `p/groups/admins` | update | in place with UpdateGroup |" in text
    assert "```diff\n- Description: \"Old\"\n+ Description: \"Admins\"\n```" in text


def test_drift_markdown_keeps_names_in_their_place() -> None:
    report = drift_report(_markdown_plan(), "environments/prod")
    text = render_drift_markdown(report, "prod")
    _assert_comment_intact(text, len(NAMES), rules=0)


# --------------------------------------------------------------------------- the CLI

CONFIG = """
    version: 1
    pools:
      app:
        region: eu-west-1
        groups:
          admins: {Description: Administrators}
        clients:
          web: {}
    """


def _hostile_live_state(session: AwsSession) -> None:
    """What anyone with console access can do: name a group ``<details>`` or with a
    link, a client ``a\\n---`` (Cognito's client-name pattern allows any white space),
    and write escape sequences in a managed group's description."""
    boto: Any = _cognito(session)._boto()
    pool_id = boto.list_user_pools(MaxResults=10)["UserPools"][0]["Id"]
    for name in ("<details>", "b`|c[x](https://evil.example)@octocat"):
        boto.create_group(UserPoolId=pool_id, GroupName=name, Description="d")
    boto.create_user_pool_client(UserPoolId=pool_id, ClientName="a\n---")
    boto.update_group(UserPoolId=pool_id, GroupName="admins", Description=FAKE)


@pytest.fixture
def hostile(session: AwsSession, write: Any, capsys: pytest.CaptureFixture[str]) -> str:
    path: str = write(CONFIG)
    assert _cli(session, "apply", path, "--yes") == 0
    _hostile_live_state(session)
    capsys.readouterr()
    return path


@pytest.mark.parametrize("command", [
    ["plan"], ["plan", "--output", "json"], ["drift"], ["drift", "--output", "json"],
])
def test_cli_text_and_json_show_no_control_character(
        session: AwsSession, hostile: str, capsys: pytest.CaptureFixture[str],
        command: list[str]) -> None:
    _cli(session, *command, hostile)
    out, err = capsys.readouterr()
    _lines_are_safe(out + err)
    assert "\x1b" not in out + err
    if command[-1] != "json":
        assert "a\\n---" in out  # the client is listed, escaped
        assert not any(line.startswith("No changes") for line in out.splitlines())


@pytest.mark.parametrize("command", ["plan", "drift"])
def test_cli_markdown_comment_stays_intact(
        session: AwsSession, hostile: str, capsys: pytest.CaptureFixture[str],
        command: str) -> None:
    _cli(session, command, hostile, "--output", "markdown", "--marker", "prod")
    out = capsys.readouterr().out
    lines = _outside_code_blocks(out)
    details = [line for line in lines if "<details>" in line]
    assert details and all(line.startswith("<details><summary><code>") for line in details)
    outside = "\n".join(lines)
    assert "@octocat" not in outside and "](https://evil.example)" not in outside
    assert "\na\n---" not in out and "\x1b" not in out
    _lines_are_safe(out)


def test_error_messages_escape_control_characters(
        write: Any, capsys: pytest.CaptureFixture[str]) -> None:
    """A key with an escape sequence (YAML's "\\e") is reported, escaped."""
    path = write('version: 1\npools:\n  app:\n    region: eu-west-1\n'
                 '    "x\\e[2J\\e[HNo changes.": 1\n')
    from poolsync.cli import run

    assert run(["validate", path]) == 1
    err = capsys.readouterr().err
    assert "\x1b" not in err
    assert "x\\x1b[2J\\x1b[HNo changes." in err
    assert not any(line.startswith("No changes") for line in err.splitlines())


def test_a_newline_in_a_pool_key_stays_on_its_line_in_config_errors(
        tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:
    """A pool name may hold a newline (botocore's PoolName pattern allows whitespace):
    in a problem's key path it is escaped, so no fake line follows."""
    import json as _json

    from poolsync.cli import run

    name = "evil\n\nNo changes. The live pools match the configuration.\n\u200b"
    path = tmp_path / "c.yaml"
    path.write_text(_json.dumps({"version": 1, "region": "eu-west-1", "pools": {
        name: {"settings": {"DeletionProtection": "NOPE"}}}}))
    assert run(["validate", str(path)]) == 1
    err = capsys.readouterr().err
    assert not any(line.startswith("No changes") for line in err.splitlines())
    assert "pools.evil\\n\\nNo changes. The live pools match the configuration.\\n\\u200b" \
           ".settings.DeletionProtection" in err
