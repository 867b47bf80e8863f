"""``validate -o json`` and ``validate -o github`` through the CLI (issue 11, point 5).

GitHub's format is checked exactly, and read back the way the runner reads a workflow
command: ``::error key=value,...::message``, properties and message unescaped as
actions/runner's ActionCommand does (``%0D``, ``%0A``, ``%3A``, ``%2C``, ``%25``;
GitHub docs, "Workflow commands for GitHub Actions"). The escaping is @actions/core's
(packages/core/src/command.ts, ``escapeData`` and ``escapeProperty``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from poolsync.annotations import escape_data, escape_property, workflow_command
from poolsync.cli import run
from tests.conftest import EXAMPLE_SECRET

ROOT = Path(__file__).parent.parent

BAD = """\
    version: 1
    pools:
      shop:
        region: eu-west-1
        settings:
          DeletionProtection: SOMETIMES
          Nope: 1
    """

GOOD = """\
    version: 1
    region: eu-west-1
    pools:
      shop:
        settings:
          DeletionProtection: ACTIVE
      staff: {}
    """


def _validate(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run(["validate", *args])
    out, err = capsys.readouterr()
    return code, out, err


# The runner's reading of one line (actions/runner, src/Runner.Common/ActionCommand.cs):
# "::" command, optional " " and comma-separated key=value properties, "::", the data.
_COMMAND = re.compile(r"::(?P<command>[a-z-]+)(?: (?P<props>[^:]*))?::(?P<data>.*)")


def _unescape(text: str, property: bool) -> str:
    pairs = [("%0D", "\r"), ("%0A", "\n")]
    if property:
        pairs += [("%3A", ":"), ("%2C", ",")]
    for escaped, char in [*pairs, ("%25", "%")]:
        text = text.replace(escaped, char)
    return text


def _parse(line: str) -> tuple[str, dict[str, str], str]:
    match = _COMMAND.fullmatch(line)
    assert match, f"not a workflow command: {line!r}"
    props = {}
    for pair in (match["props"] or "").split(","):
        if pair:
            key, value = pair.split("=", 1)
            props[key] = _unescape(value, property=True)
    return match["command"], props, _unescape(match["data"], property=False)


# --- github -----------------------------------------------------------------------------


def test_github_output_is_one_error_per_problem_on_its_line(
        write: Any, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(BAD)
    code, out, err = _validate(capsys, path, "-o", "github")
    assert code == 1
    file = escape_property(path)
    assert out.splitlines() == [
        f"::error title=poolsync validate,file={file},line=6,col=7::"
        "pools.shop.settings.DeletionProtection: must be one of: ACTIVE, INACTIVE "
        '(got "SOMETIMES")',
        f"::error title=poolsync validate,file={file},line=7,col=7::"
        "pools.shop.settings.Nope: unknown key \"Nope\"",
    ]
    # Text on stderr stays as it was: cli.run's one handler, exit 1.
    assert err.endswith("2 problem(s) found; nothing was changed.\n")
    assert f"{path}:7:7: pools.shop.settings.Nope: unknown key \"Nope\"" in err


def test_github_output_of_valid_files_has_no_annotation(
        write: Any, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _validate(capsys, write(GOOD), "-o", "github")
    assert (code, out, err) == (0, "2 pool(s) in 1 file(s): valid.\n", "")


def test_github_properties_escape_percent_colon_and_comma(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "a,b:c%d"
    folder.mkdir()
    path = folder / "pools.yaml"
    path.write_text('version: 1\npools:\n  shop:\n    region: eu-west-1\n    settings:\n'
                    '      "50%,x:y": 1\n')
    code, out, _ = _validate(capsys, str(path), "-o", "github")
    assert code == 1
    (line,) = out.splitlines()
    escaped = str(path).replace("%", "%25").replace(",", "%2C").replace(":", "%3A")
    assert line.startswith(f"::error title=poolsync validate,file={escaped},line=6,col=7::")
    # In the message only "%" (and CR, LF) are escaped: ":" and "," stay.
    assert line.endswith('::pools.shop.settings.50%25,x:y: unknown key "50%25,x:y"')
    command, props, message = _parse(line)
    assert command == "error"
    assert props == {"title": "poolsync validate", "file": str(path), "line": "6", "col": "7"}
    assert message == 'pools.shop.settings.50%,x:y: unknown key "50%,x:y"'


def test_github_message_escapes_line_breaks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """A path named on the command line reaches the message as given: a line break in
    it must not end the command (and start one of its own on the next line)."""
    monkeypatch.chdir(tmp_path)
    name = "a%\r\n::add-mask::b,c:d.yaml"
    code, out, _ = _validate(capsys, name, "-o", "github")
    assert code == 1
    assert out == ("::error title=poolsync validate::a%25%0D%0A::add-mask::b,c:d.yaml: "
                   "no such file or directory\n")
    assert _parse(out.rstrip("\n"))[2] == f"{name}: no such file or directory"


def test_github_never_sends_a_control_character(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "pools.yaml"
    path.write_text('version: 1\npools:\n  shop:\n    region: eu-west-1\n    settings:\n'
                    '      "x\\e[31my\\u202e": 1\n')
    code, out, _ = _validate(capsys, str(path), "-o", "github")
    assert code == 1 and out.count("\n") == 1
    assert not any(not c.isprintable() for c in out.rstrip("\n")), repr(out)


@pytest.mark.parametrize(("text", "data", "prop"), [
    ("plain", "plain", "plain"),
    ("100%", "100%25", "100%25"),
    ("a\r\nb", "a%0D%0Ab", "a%0D%0Ab"),
    ("C:\\dir,x.yaml", "C:\\dir,x.yaml", "C%3A\\dir%2Cx.yaml"),
    ("%0A", "%250A", "%250A"),  # an escape written literally stays literal
])
def test_escaping_is_the_toolkits(text: str, data: str, prop: str) -> None:
    assert escape_data(text) == data
    assert escape_property(text) == prop
    assert _unescape(data, property=False) == text == _unescape(prop, property=True)


def test_workflow_command_leaves_out_empty_properties() -> None:
    assert workflow_command("error", [("title", "t"), ("file", "")], "m") == "::error title=t::m"
    assert workflow_command("error", [], "m") == "::error::m"


# --- json -------------------------------------------------------------------------------


def test_json_document_of_valid_files(write: Any, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(GOOD)
    code, out, err = _validate(capsys, path, "-o", "json")
    assert (code, err) == (0, "")
    assert json.loads(out) == {
        "format_version": "1.0",
        "valid": True,
        "pools": [{"name": "shop", "region": "eu-west-1", "file": path, "line": 4},
                  {"name": "staff", "region": "eu-west-1", "file": path, "line": 7}],
        "files": [path],
        "problems": [],
    }


def test_json_document_on_stdout_even_when_invalid(
        write: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(BAD)
    missing = str(tmp_path / "missing.yaml")
    code, out, err = _validate(capsys, path, missing, "-o", "json")
    assert code == 1
    document = json.loads(out)
    assert document == {
        "format_version": "1.0",
        "valid": False,
        "pools": [],
        "files": [path],
        "problems": [
            {"file": None, "line": None, "col": None, "path": None,
             "message": f"{missing}: no such file or directory"},
            {"file": path, "line": 6, "col": 7,
             "path": "pools.shop.settings.DeletionProtection",
             "message": 'must be one of: ACTIVE, INACTIVE (got "SOMETIMES")'},
            {"file": path, "line": 7, "col": 7, "path": "pools.shop.settings.Nope",
             "message": 'unknown key "Nope"'},
        ],
    }
    assert err.endswith("3 problem(s) found; nothing was changed.\n")


def test_text_output_is_unchanged(write: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert _validate(capsys, write(GOOD)) == (0, "2 pool(s) in 1 file(s): valid.\n", "")
    code, out, err = _validate(capsys, write(BAD, "bad.yaml"), "-o", "text")
    assert (code, out) == (1, "")
    assert "2 problem(s) found" in err


@pytest.mark.parametrize("output", ["json", "github"])
def test_no_secret_in_machine_output(write: Any, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str], output: str) -> None:
    """A value from ${env:...} is never read by validate; a secret written in the file
    at a wrong place is described, never quoted."""
    monkeypatch.setenv("CANARY", EXAMPLE_SECRET)
    written = "written-secret-value-7f3a9c"
    path = write(f"""\
        version: 1
        pools:
          shop:
            region: eu-west-1
            settings:
              UserPoolTags: {{t: "${{env:CANARY}}"}}
            identity_providers:
              Google:
                ProviderType: Google
                ProviderDetails:
                  client_id: "${{env:CANARY}}"
                  client_secret: ["{written}"]
                  authorize_scopes: 17
        """)
    code, out, err = _validate(capsys, path, "-o", output)
    assert code == 1
    assert "client_secret" in out
    for secret in (EXAMPLE_SECRET, written):
        assert secret not in out + err


def test_a_walked_path_is_named_as_the_pull_request_names_it(tmp_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    """``validate .`` walks to ``./envs/bad.yaml``: the annotation says ``envs/bad.yaml``,
    the path GitHub's diff has (ruff and cfn-lint write it so)."""
    from poolsync.cli import run

    (tmp_path / "envs").mkdir()
    (tmp_path / "envs" / "bad.yaml").write_text("version: 1\npools:\n  a:\n    region: eu-west-1\n    nope: 1\n")
    monkeypatch.chdir(tmp_path)
    assert run(["validate", ".", "-o", "github"]) == 1
    (line,) = capsys.readouterr().out.splitlines()
    assert ",file=envs/bad.yaml,line=5,col=5::" in line


def test_a_path_is_named_relative_to_the_checkout(tmp_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    """Absolute, ``../`` and walked paths all come out relative to GITHUB_WORKSPACE."""
    from poolsync.cli import run

    workspace = tmp_path / "ws"
    (workspace / "envs").mkdir(parents=True)
    bad = workspace / "envs" / "bad.yaml"
    bad.write_text("version: 1\npools:\n  a:\n    region: eu-west-1\n    nope: 1\n")
    monkeypatch.setenv("GITHUB_WORKSPACE", str(workspace))
    monkeypatch.chdir(workspace / "envs")
    for given in (str(bad), "../envs/bad.yaml", ".", "bad.yaml"):
        assert run(["validate", given, "-o", "github"]) == 1
        (line,) = capsys.readouterr().out.splitlines()
        assert ",file=envs/bad.yaml,line=5,col=5::" in line, (given, line)
