"""Which files a run reads (config.py, "Finding and reading the files"): a directory is
walked for configuration only, what is skipped is said, and what cannot be read fails
the run with its path and why (issue 10, "File discovery" and "Hangs")."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from poolsync.cli import run
from poolsync.config import MAX_FILE_BYTES, collect_files, load_config
from poolsync.errors import ConfigError
from poolsync.model import Config
from tests.conftest import EXAMPLES

POOLSYNC_KEYS_TEXT = "version, pools or templates"
NOT_POOLSYNC = f"skipped: not a poolsync file (its top level has no {POOLSYNC_KEYS_TEXT} key)"
WORKFLOW = (
    "name: plan\non: pull_request\njobs:\n"
    "  plan:\n    runs-on: ubuntu-latest\n    steps: [{run: poolsync plan pools/}]\n"
)


def pool_file(name: str) -> str:
    return f"version: 1\npools:\n  {name}:\n    region: eu-west-1\n"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def pools(config: Config) -> list[str]:
    return [pool.name for pool in config.pools]


def problems(paths: list[Any]) -> list[str]:
    with pytest.raises(ConfigError) as raised:
        load_config([str(p) for p in paths])
    return [p.render() for p in raised.value.problems]


def finishes(action: Callable[[], Any]) -> Any:
    """``action``'s result, run on a thread: a read that blocks (a FIFO) fails the test
    instead of hanging the suite. The bound is generous, not a measurement."""
    outcome: list[Any] = []

    def target() -> None:
        try:
            outcome.append(action())
        except BaseException as error:  # handed to the test below
            outcome.append(error)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive(), "the run blocked"
    return outcome[0]


# --- What a walk reads ------------------------------------------------------------------


def test_hidden_directories_virtual_environments_and_tool_directories_are_not_walked(
    tmp_path: Path,
) -> None:
    write(tmp_path / "app.yaml", pool_file("app"))
    write(tmp_path / ".git" / "x.yaml", pool_file("from-git"))
    write(tmp_path / ".github" / "workflows" / "plan.yml", WORKFLOW)
    # An installed poolsync ships the demo pools inside the virtual environment.
    write(tmp_path / ".venv" / "lib" / "site-packages" / "poolsync" / "demo.yaml",
          pool_file("demo"))
    write(tmp_path / "env" / "pyvenv.cfg", "home = /usr/bin\n")  # a venv by another name
    write(tmp_path / "env" / "lib" / "demo.yaml", pool_file("demo-env"))
    write(tmp_path / "node_modules" / "pkg" / "pools.yaml", pool_file("from-npm"))
    write(tmp_path / "__pycache__" / "pools.yaml", pool_file("from-cache"))
    write(tmp_path / "nested" / "deeper" / "more.yml", pool_file("nested"))
    config = load_config([str(tmp_path)])
    assert pools(config) == ["app", "nested"]
    assert config.files == (str(tmp_path / "app.yaml"),
                            str(tmp_path / "nested" / "deeper" / "more.yml"))
    assert config.notes == ()  # directories are skipped by rule, without a word


def test_yaml_files_are_found_whatever_the_case_of_their_suffix(tmp_path: Path) -> None:
    write(tmp_path / "A.YAML", pool_file("upper"))
    write(tmp_path / "b.Yml", pool_file("mixed"))
    write(tmp_path / "c.yaml.bak", pool_file("backup"))
    write(tmp_path / "d.json", '{"version": 1}')
    assert collect_files([str(tmp_path)]) == [str(tmp_path / "A.YAML"),
                                             str(tmp_path / "b.Yml")]


def test_another_tools_yaml_found_by_walking_is_skipped_with_a_note(tmp_path: Path) -> None:
    workflow = write(tmp_path / "ci.yml", WORKFLOW)
    write(tmp_path / "pools.yaml", pool_file("app"))
    config = load_config([str(tmp_path)])
    assert pools(config) == ["app"]
    assert config.files == (str(tmp_path / "pools.yaml"),)
    assert config.notes == (f"{workflow}: {NOT_POOLSYNC}",)


@pytest.mark.parametrize(
    "text",
    [
        # Kubernetes: several documents in one stream.
        "apiVersion: v1\nkind: ConfigMap\n---\napiVersion: v1\nkind: Secret\n",
        # docker-compose with a merge key, which poolsync refuses in its own files.
        "x-base: &base {image: app}\nservices:\n  web:\n    <<: *base\n",
        # CloudFormation, with a tag poolsync refuses in its own files.
        "Resources:\n  Pool:\n    Type: AWS::Cognito::UserPool\n    Properties:\n"
        "      UserPoolName: !Ref Name\n",
        # An Ansible playbook: a list at the top.
        "- hosts: all\n  tasks: []\n",
        # Nothing at all.
        "",
    ],
    ids=["multi-document", "merge-key", "custom-tag", "top-level-list", "empty"],
)
def test_other_yaml_is_recognised_even_where_poolsync_would_refuse_it(
    tmp_path: Path, text: str
) -> None:
    other = write(tmp_path / "other.yaml", text)
    write(tmp_path / "pools.yaml", pool_file("app"))
    config = load_config([str(tmp_path)])
    assert pools(config) == ["app"]
    assert config.notes == (f"{other}: {NOT_POOLSYNC}",)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("version: 1\npools: {app: {region: eu-west-1}\n",
         "invalid YAML: did not find expected ',' or '}'"),
        ("version: 1\n---\nversion: 1\n", "invalid YAML: expected a single document"),
        ("pools:\n  app: {region: eu-west-1, prune: yes}\n", "prune: expected a boolean"),
    ],
    ids=["syntax-error", "second-document", "schema"],
)
def test_a_walked_file_that_claims_to_be_poolsyncs_is_checked(
    tmp_path: Path, text: str, expected: str
) -> None:
    write(tmp_path / "broken.yaml", text)
    found = problems([tmp_path])
    assert all(p.startswith(f"{tmp_path / 'broken.yaml'}:") for p in found)
    assert any(expected in p for p in found)


def test_a_file_named_on_the_command_line_is_always_checked(tmp_path: Path) -> None:
    workflow = write(tmp_path / "ci.yml", WORKFLOW)
    found = problems([workflow])
    assert f'{workflow}:1:1: name: unknown key "name"' in " ".join(found)
    # Named and walked: named wins.
    assert problems([tmp_path, workflow]) == found


def test_a_directory_where_every_yaml_file_is_skipped_is_an_error(tmp_path: Path) -> None:
    write(tmp_path / "github" / "plan.yml", WORKFLOW)
    write(tmp_path / "github" / ".hidden.yaml", pool_file("hidden"))
    directory = tmp_path / "github"
    assert problems([directory]) == [
        f"{directory}: no poolsync file in this directory (every YAML file was skipped: "
        f"none has a top-level {POOLSYNC_KEYS_TEXT} key)"
    ]


def test_validate_examples_notes_each_workflow_it_skips(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(EXAMPLES.parent.parent)
    assert run(["validate", "examples/"]) == 0
    captured = capsys.readouterr()
    workflows = sorted(p.name for p in (EXAMPLES.parent / "github").glob("*.yml"))
    assert workflows  # the examples ship GitHub workflows beside the pools
    assert captured.err.splitlines() == [
        f"note: examples/github/{name}: {NOT_POOLSYNC}" for name in workflows
    ]
    assert captured.out.endswith(": valid.\n")


@pytest.mark.parametrize("command", [["plan"], ["drift"], ["apply", "--yes"]])
def test_commands_that_read_aws_also_note_what_the_walk_skipped(
    command: list[str], tmp_path: Path, session: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.conftest import cli

    write(tmp_path / "pools.yaml", pool_file("notes"))
    workflow = write(tmp_path / "ci.yml", WORKFLOW)
    cli(session, *command, str(tmp_path))
    assert f"note: {workflow}: {NOT_POOLSYNC}" in capsys.readouterr().err.splitlines()


# --- Hidden files and links -------------------------------------------------------------


def test_hidden_files_are_skipped_with_a_note_and_an_editor_lock_breaks_nothing(
    tmp_path: Path,
) -> None:
    write(tmp_path / "pools.yaml", pool_file("app"))
    write(tmp_path / ".pre-commit-config.yaml", "repos: []\n")
    # Emacs's lock file: a symbolic link to a target that does not exist.
    (tmp_path / ".#pools.yaml").symlink_to("root@host.12345:1700000000")
    config = load_config([str(tmp_path)])
    assert pools(config) == ["app"]
    assert config.notes == (
        f"{tmp_path / '.#pools.yaml'}: skipped: a hidden file",
        f"{tmp_path / '.pre-commit-config.yaml'}: skipped: a hidden file",
    )


def test_a_hidden_file_named_on_the_command_line_is_read(tmp_path: Path) -> None:
    hidden = write(tmp_path / ".pools.yaml", pool_file("app"))
    assert pools(load_config([str(hidden)])) == ["app"]


def test_a_broken_symbolic_link_fails_loudly_named_or_walked(tmp_path: Path) -> None:
    write(tmp_path / "pools.yaml", pool_file("app"))
    link = tmp_path / "old.yaml"
    link.symlink_to("moved-away.yaml")
    expected = f'{link}: a broken symbolic link (to "moved-away.yaml")'
    assert problems([tmp_path]) == [expected]
    assert problems([link]) == [expected]


def test_linked_directories_are_walked_once_even_in_a_loop(tmp_path: Path) -> None:
    write(tmp_path / "shared" / "base.yaml", pool_file("shared"))
    (tmp_path / "env").mkdir()
    write(tmp_path / "env" / "prod.yaml", pool_file("prod"))
    (tmp_path / "env" / "shared").symlink_to(tmp_path / "shared", target_is_directory=True)
    (tmp_path / "env" / "loop").symlink_to(tmp_path / "env", target_is_directory=True)
    assert pools(load_config([str(tmp_path / "env")])) == ["prod", "shared"]


def test_a_file_named_twice_is_read_once(tmp_path: Path) -> None:
    path = write(tmp_path / "pools.yaml", pool_file("app"))
    config = load_config([str(path), str(tmp_path), str(tmp_path / "." / "pools.yaml")])
    assert pools(config) == ["app"]
    assert config.files == (str(path),)


# --- What cannot be read ----------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_fifo_is_refused_without_blocking_named_or_walked(tmp_path: Path) -> None:
    write(tmp_path / "pools.yaml", pool_file("app"))
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    expected = f"{fifo}: not a regular file: it is a named pipe (FIFO)"
    assert finishes(lambda: problems([tmp_path])) == [expected]
    assert finishes(lambda: problems([fifo])) == [expected]


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero here")
def test_an_endless_device_is_refused_unread() -> None:
    assert finishes(lambda: problems(["/dev/zero"])) == [
        "/dev/zero: not a regular file: it is a character device"
    ]


def test_a_file_larger_than_the_limit_is_refused_unread(tmp_path: Path) -> None:
    large = tmp_path / "large.yaml"
    with open(large, "wb") as stream:
        stream.truncate(MAX_FILE_BYTES + 1)  # sparse: no disk, and never read
    assert problems([large]) == [
        f"{large}: the file is larger than 10 MiB (10.0 MiB): not a configuration file"
    ]


def test_a_file_at_the_limit_is_read(tmp_path: Path) -> None:
    text = pool_file("app")
    path = write(tmp_path / "pools.yaml", text + "#" * (MAX_FILE_BYTES - len(text) - 1) + "\n")
    assert os.path.getsize(path) == MAX_FILE_BYTES
    assert pools(load_config([str(path)])) == ["app"]


def test_a_missing_path_is_an_error(tmp_path: Path) -> None:
    assert problems([tmp_path / "nope.yaml"]) == [f"{tmp_path / 'nope.yaml'}: no such file or directory"]


root_reads_everything = pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0,
    reason="permissions do not stop root",
)


@root_reads_everything
def test_an_unreadable_subdirectory_fails_loudly(tmp_path: Path) -> None:
    write(tmp_path / "pools.yaml", pool_file("app"))
    locked = tmp_path / "locked"
    write(locked / "more.yaml", pool_file("hidden-from-us"))
    locked.chmod(0)
    try:
        assert problems([tmp_path]) == [f"{locked}: cannot read the directory: Permission denied"]
    finally:
        locked.chmod(0o755)


@root_reads_everything
def test_an_unreadable_file_fails_loudly(tmp_path: Path) -> None:
    path = write(tmp_path / "pools.yaml", pool_file("app"))
    path.chmod(0)
    try:
        assert problems([tmp_path]) == [f"{path}: cannot read the file: Permission denied"]
    finally:
        path.chmod(0o644)


def test_a_directory_that_cannot_be_listed_fails_loudly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same as the permission test above, where permissions do not stop the tests
    (root): listing the directory fails as it would for another user."""
    write(tmp_path / "pools.yaml", pool_file("app"))
    locked = tmp_path / "locked"
    write(locked / "more.yaml", pool_file("hidden-from-us"))
    scandir = os.scandir

    def refusing(path: Any) -> Any:
        if os.fspath(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refusing)
    assert problems([tmp_path]) == [f"{locked}: cannot read the directory: Permission denied"]


def test_every_problem_of_every_path_is_reported_at_once(tmp_path: Path) -> None:
    write(tmp_path / "a" / "bad.yaml", "version: 2\n")
    (tmp_path / "a" / "gone.yaml").symlink_to("nowhere.yaml")
    found = problems([tmp_path / "a", tmp_path / "missing"])
    assert found == [
        f'{tmp_path / "a" / "gone.yaml"}: a broken symbolic link (to "nowhere.yaml")',
        f"{tmp_path / 'missing'}: no such file or directory",
        f"{tmp_path / 'a' / 'bad.yaml'}:1:1: version: must be 1 (got 2)",
    ]


@pytest.mark.parametrize("text, said", [
    ("Version: 1\nPools: {}\n", 'unknown key "Pools" (did you mean "pools"?)'),
    ("version: 1\npool:\n  a: {region: eu-west-1}\n", 'unknown key "pool" (did you mean'),
    ("versoin: 1\npools: {}\n", 'unknown key "versoin" (did you mean "version"?)'),
])
def test_a_misspelt_poolsync_file_found_by_walking_is_an_error_not_skipped(
        tmp_path: Path, text: str, said: str) -> None:
    """Skipped, its pools would silently leave plan and drift while the check passes."""
    write(tmp_path / "ok.yaml", pool_file("kept"))
    write(tmp_path / "typo.yaml", text)
    assert any(said in p for p in problems([tmp_path]))
