"""Hostile or broken input on the command line and at the process's edges never hangs,
crashes or misleads (issue 10, section 5): each case is a clear error and exit 1, with
no traceback, no "internal error", and no AWS call where the input can be refused first.

Hang cases run under ``_bounded`` (a generous timeout that fails the test instead of
hanging the suite); no test asserts a duration.
"""

from __future__ import annotations

import errno
import io
import json
import os
import stat
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from poolsync.aws import AwsSession
from poolsync.cli import run
from poolsync.errors import PoolsyncError
from poolsync.pacing import MIN_SHARE
from poolsync.regions import REGION_PATTERNS, is_region, region_problem

ROOT = Path(__file__).parent.parent
POOL = """
    version: 1
    pools:
      app:
        region: eu-west-1
    """
TIMEOUT = 120  # seconds: a bound on hang cases, far above their real run time


def _bounded(function: Callable[[], Any], timeout: float = TIMEOUT) -> Any:
    """``function()``, failing the test if it has not returned within ``timeout``."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = function()
        except BaseException as exc:
            box["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(timeout)
    assert not thread.is_alive(), "still running: it hangs"
    if "error" in box:
        raise box["error"]
    return box["value"]


class _NoAws:
    """A session factory that records being asked: input refused up front never is."""

    def __init__(self) -> None:
        self.asked = 0

    def __call__(self, profile: str | None) -> AwsSession:
        self.asked += 1
        raise AssertionError("an AWS session was requested")


def _clean(err: str) -> None:
    assert "Traceback" not in err
    assert "internal error" not in err


def _refused(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """Run ``args``; it must exit 1 before any AWS session is made. Returns stderr."""
    no_aws = _NoAws()
    assert run(list(args), session_factory=no_aws) == 1
    err = capsys.readouterr().err
    _clean(err)
    assert no_aws.asked == 0
    return err


# --- Region names (regions.py) -------------------------------------------------------


def test_the_region_patterns_are_botocores_partitions() -> None:
    import botocore.loaders

    partitions = botocore.loaders.create_loader().load_data("partitions")["partitions"]
    assert {p["id"]: p["regionRegex"] for p in partitions} == REGION_PATTERNS


def test_every_region_botocore_knows_is_a_region() -> None:
    import botocore.loaders

    partitions = botocore.loaders.create_loader().load_data("partitions")["partitions"]
    regions = [name for p in partitions for name in p["regions"] if not name.startswith(
        "aws-")]  # "aws-global" and the like are endpoint aliases, not regions
    assert len(regions) > 30
    assert [r for r in regions if not is_region(r)] == []


@pytest.mark.parametrize("name", [
    "not a region!", "", " ", "eu-west-1\n", "eu-west-1 ", "EU-WEST-1", "eu_west_1",
    "eu-west", "xx-west-1", "eu-wést-1", "eu-west-1" * 10, "local", "eu-west-\u0661",
    "../eu-west-1", "eu-west-1\x1b[2J",
])
def test_what_is_not_a_region(name: str) -> None:
    assert not is_region(name)
    problem = region_problem(name)
    assert problem is not None and "region" in problem


def test_the_region_problem_never_repeats_the_value() -> None:
    # The value may come from ${env:...}: the caller decides whether to show it.
    problem = region_problem("not a region!")
    assert problem is not None and "not a region!" not in problem


def test_a_region_that_is_not_a_string_is_not_a_region() -> None:
    assert region_problem(1) is not None and region_problem(None) is not None


@pytest.mark.parametrize("args", [
    ["--region", "not a region!", "validate", "{path}"],
    ["--region", "not a region!", "plan", "{path}"],
    ["export", "--region", "not a region!", "--all"],
    ["--region", "not a region!", "export", "--all"],
    ["export", "--region", "eu-west-1\x1b[2J", "--all"],
])
def test_a_region_option_that_is_not_a_region_is_refused_before_any_call(
        write, capsys, args: list[str]) -> None:  # type: ignore[no-untyped-def]
    path = write(POOL)
    err = _refused(capsys, *[a.replace("{path}", path) for a in args])
    assert "--region" in err and "not an AWS region name" in err
    assert "\x1b" not in err


def test_the_aws_session_refuses_a_region_that_is_not_one() -> None:
    with pytest.raises(PoolsyncError, match="not an AWS region name"):
        AwsSession(share=None).cognito("not a region!")


# --- Numbers: --rate-share -------------------------------------------------------------


@pytest.mark.parametrize("share", ["1e-300", "0.000001", "0", "-1", "1.5", "nan", "inf",
                                   "-inf", "abc", "", "0x1p-1074"])
def test_a_rate_share_outside_its_range_is_refused(write, capsys, share: str) -> None:  # type: ignore[no-untyped-def]
    err = _refused(capsys, "--rate-share", share, "plan", write(POOL))
    assert "--rate-share" in err


def test_the_help_states_the_smallest_rate_share(capsys) -> None:  # type: ignore[no-untyped-def]
    assert run(["--help"]) == 0
    assert f"from {MIN_SHARE:g} to 1" in capsys.readouterr().out.replace("\n", " ").replace(
        "  ", " ")


def test_the_smallest_rate_share_is_accepted(write) -> None:  # type: ignore[no-untyped-def]
    assert run(["--rate-share", str(MIN_SHARE), "validate", write(POOL)]) == 0


# --- Names and other options -------------------------------------------------------------


@pytest.mark.parametrize(("args", "expected"), [
    (["export", "--region", "eu-west-1", "--pool-id", "not-an-id"], "not a user pool id"),
    (["export", "--region", "eu-west-1", "--pool-id", ""], "not a user pool id"),
    (["export", "--region", "eu-west-1", "--pool-id", "eu-west-1_" + "a" * 60],
     "not a user pool id"),
    (["export", "--region", "eu-west-1", "--pool-id", "us-east-1_AbC"],
     "--region us-east-1"),
    (["export", "--region", "eu-west-1", "--name", "a<b>"], "not a user pool name"),
    (["export", "--region", "eu-west-1", "--name", ""], "not a user pool name"),
    (["export", "--region", "eu-west-1", "--name", "x" * 129], "not a user pool name"),
    (["export", "--region", "eu-west-1", "--name", "\x1b]0;owned\x07"],
     "not a user pool name"),
    (["plan", "{path}", "--marker", "prod -->"], "cannot be a marker"),
    (["plan", "{path}", "--marker", "<b>prod</b>"], "cannot be a marker"),
    (["plan", "{path}", "--marker", "prod\nNo changes."], "cannot be a marker"),
    (["drift", "{path}", "--marker", "\u202eprod"], "cannot be a marker"),
    (["plan", "{path}", "--marker", "   "], "cannot be a marker"),
    (["plan", "{path}", "--marker", "m" * 201], "cannot be a marker"),
    (["apply", "{path}", "--checksum", "abc"], "not a plan checksum"),
    (["apply", "{path}", "--checksum", "sha256:" + "A" * 64], "not a plan checksum"),
    (["apply", "{path}", "--checksum", "sha256:" + "0" * 64 + "\n"], "not a plan checksum"),
    (["apply", "{path}", "--plan", "/nonexistent/plan.json"], "No such file"),
    (["apply", "{path}", "--plan", "{dir}"], "is a directory"),
    (["apply", "{path}", "--plan", "/dev/null"], "not a regular file"),
])
def test_an_option_value_that_cannot_be_right_is_refused_before_any_call(
        write, tmp_path, capsys, args: list[str], expected: str) -> None:  # type: ignore[no-untyped-def]
    path = write(POOL)
    args = [a.replace("{path}", path).replace("{dir}", str(tmp_path)) for a in args]
    err = _refused(capsys, *args)
    assert expected in err
    assert "\x1b" not in err and "\u202e" not in err


def test_export_only_with_a_hostile_part_is_a_usage_error(session, capsys) -> None:  # type: ignore[no-untyped-def]
    assert run(["export", "--region", "eu-west-1", "--all", "--only", "clients/\x1b[2J"],
               session_factory=lambda p: session) == 0  # nothing to export: no pools
    assert run(["export", "--region", "eu-west-1", "--all", "--only", "nonsense\x1b[2J"],
               session_factory=lambda p: session) == 1
    err = capsys.readouterr().err
    _clean(err)
    assert "cannot export only" in err and "\x1b" not in err


def test_an_allow_replace_address_is_quoted_escaped(session, write, capsys) -> None:  # type: ignore[no-untyped-def]
    assert run(["plan", write(POOL), "--allow-replace", "app\x1b[2J"],
               session_factory=lambda p: session) == 0
    err = capsys.readouterr().err
    assert "names no replacement" in err and "app\\x1b[2J" in err and "\x1b" not in err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_plan_file_that_is_a_fifo_or_too_large_is_refused(write, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    fifo = tmp_path / "plan.fifo"
    os.mkfifo(fifo)
    err = _bounded(lambda: _refused(capsys, "apply", write(POOL), "--plan", str(fifo)))
    assert "not a regular file" in err
    huge = tmp_path / "huge.json"
    with huge.open("wb") as stream:  # sparse: no disk used
        stream.truncate(65 * 2**20)
    assert "too large" in _refused(capsys, "apply", write(POOL), "--plan", str(huge))


# --- Output files: --out -----------------------------------------------------------------


@pytest.mark.parametrize("args", [
    ["plan", "{path}", "--out", "{missing}/plan.json"],
    ["export", "--region", "eu-west-1", "--all", "--out", "{missing}/pools.yaml"],
    ["plan", "{path}", "--out", "{dir}"],
    ["export", "--region", "eu-west-1", "--all", "--out", "{dir}"],
    ["plan", "{path}", "--out", "x" * 5000],
])
def test_an_out_file_that_cannot_be_written_is_refused_before_any_call(
        write, tmp_path, capsys, args: list[str]) -> None:  # type: ignore[no-untyped-def]
    path = write(POOL)
    missing = tmp_path / "no" / "such"
    args = [a.replace("{path}", path).replace("{missing}", str(missing))
             .replace("{dir}", str(tmp_path)) for a in args]
    err = _refused(capsys, *args)
    assert "--out" in err
    assert not missing.exists()


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("command", [["plan", "{path}"],
                                     ["export", "--region", "eu-west-1", "--all"]])
def test_an_out_file_on_a_full_disk_is_an_error(session, write, capsys,
                                                command: list[str]) -> None:  # type: ignore[no-untyped-def]
    args = [a.replace("{path}", write(POOL)) for a in command]
    assert run([*args, "--out", "/dev/full"], session_factory=lambda p: session) == 1
    err = capsys.readouterr().err
    _clean(err)
    assert "cannot write --out '/dev/full'" in err and "No space left" in err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_an_out_fifo_nobody_reads_is_an_error_not_a_hang(session, write, tmp_path,
                                                         capsys) -> None:  # type: ignore[no-untyped-def]
    fifo = tmp_path / "plan.fifo"
    os.mkfifo(fifo)
    code = _bounded(lambda: run(["plan", write(POOL), "--out", str(fifo)],
                                session_factory=lambda p: session))
    assert code == 1
    err = capsys.readouterr().err
    _clean(err)
    assert "nothing reads it" in err
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)  # left as it was


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_an_out_fifo_with_a_reader_gets_the_whole_plan(session, write, tmp_path) -> None:  # type: ignore[no-untyped-def]
    fifo = tmp_path / "plan.fifo"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a reader, as `cat fifo &` is
    try:
        code = _bounded(lambda: run(["plan", write(POOL), "--out", str(fifo)],
                                    session_factory=lambda p: session))
        received = os.read(reader, 2**20)  # one small plan: within the pipe's buffer
    finally:
        os.close(reader)
    assert code == 0
    assert json.loads(received)["checksum"].startswith("sha256:")


def test_a_failed_out_write_leaves_no_partial_file(session, write, tmp_path, capsys,
                                                    monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from poolsync import planfile

    out = tmp_path / "plan.json"

    def half_then_full(plan: Any, target: str, stats: Any = None) -> None:
        Path(target).write_text('{"format_version": "1.0", "chec')
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(planfile, "write_plan", half_then_full)
    assert run(["plan", write(POOL), "--out", str(out)],
               session_factory=lambda p: session) == 1
    assert "No space left" in capsys.readouterr().err
    assert not out.exists()


# --- stdout and stderr -------------------------------------------------------------------


class _FullStream(io.TextIOBase):
    """A text stream on a full disk."""

    encoding = "utf-8"

    def write(self, text: str) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    def isatty(self) -> bool:
        return False


def test_a_full_stdout_is_an_error_on_stderr(write, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(sys, "stdout", _FullStream())
    assert run(["validate", write(POOL)]) == 1
    err = capsys.readouterr().err
    _clean(err)
    assert "cannot write to stdout: No space left on device" in err


def test_a_full_stderr_still_exits_1(write, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(sys, "stderr", _FullStream())
    assert run(["validate", write("version: 1\npools: {app: {regoin: x}}\n")]) == 1


def test_stdout_that_cannot_encode_gets_escapes_not_an_error(write, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    buffer = io.BytesIO()
    stream = io.TextIOWrapper(buffer, encoding="cp1252", write_through=True)
    monkeypatch.setattr(sys, "stderr", stream)
    path = write("version: 1\npools:\n  app:\n    region: eu-west-1\n    settings: "
                 "{Pölicies→✓: {}}\n")
    assert run(["validate", path]) == 1
    err = buffer.getvalue().decode("cp1252")
    assert f"{path}:5:16" in err and "P\xf6licies\\u2192\\u2713" in err
    _clean(err)


def _poolsync(*args: str, env: dict[str, str] | None = None, **kwargs: Any
              ) -> subprocess.CompletedProcess[bytes]:
    """``python -m poolsync ARGS`` as a separate process (its own stdout and stderr)."""
    environ = {**os.environ, "PYTHONPATH": str(ROOT / "src"), **(env or {})}
    return subprocess.run([sys.executable, "-m", "poolsync", *args], env=environ,
                          cwd=ROOT, timeout=TIMEOUT, check=False, **kwargs)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_process_whose_stdout_is_full_says_so_and_exits_1() -> None:
    with open("/dev/full", "w") as full:
        result = _poolsync("schema", stdout=full, stderr=subprocess.PIPE)
    err = result.stderr.decode()
    assert result.returncode == 1
    assert "error: cannot write to stdout: No space left on device" in err
    assert "Exception ignored" not in err
    _clean(err)


def test_a_process_whose_stdout_is_a_closed_pipe_says_so_and_exits_1() -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # nobody will ever read: every write is EPIPE
    try:
        result = _poolsync("schema", stdout=write_end, stderr=subprocess.PIPE)
    finally:
        os.close(write_end)
    err = result.stderr.decode()
    assert result.returncode == 1
    assert "cannot write to stdout: Broken pipe" in err
    assert "Exception ignored" not in err
    _clean(err)


def test_a_cp1252_terminal_gets_a_plan_with_non_ascii_names(tmp_path: Path) -> None:
    from poolsync.standin import LocalCognito

    config = tmp_path / "pools.yaml"
    config.write_text("version: 1\npools:\n  app:\n    region: eu-west-1\n    groups:\n"
                      "      admins-ü: {Description: Ädmins → ✓}\n", encoding="utf-8")
    with LocalCognito() as local:
        result = _poolsync("plan", str(config), "--out", str(tmp_path / "plan.json"),
                           capture_output=True,
                           env={"PYTHONIOENCODING": "cp1252",
                                "AWS_ENDPOINT_URL": local.endpoint_url})
    out, err = result.stdout.decode("cp1252"), result.stderr.decode("cp1252")
    assert result.returncode == 0, err
    _clean(err)
    assert "app/groups/admins-ü: create" in out  # ü is in cp1252
    assert '"\xc4dmins \\u2192 \\u2713"' in out  # the arrow and the check mark are not
    assert "\\u2192" in out  # the plan's own arrows


# --- AWS set-up: profiles, config files, variables ---------------------------------------


def _plan_for_real(write, *extra: str) -> int:  # type: ignore[no-untyped-def]
    """The CLI with its own AwsSession (no seam), as a user runs it."""
    return run([*extra, "plan", write(POOL)])


def test_a_profile_that_does_not_exist_is_named(write, capsys, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    config = tmp_path / "config"
    config.write_text("[profile dev]\nregion = eu-west-1\n[default]\nregion = eu-west-1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    assert _plan_for_real(write, "--profile", "prdo") == 1
    err = capsys.readouterr().err
    _clean(err)
    assert "the AWS profile 'prdo' does not exist (known: default, dev)" in err


def test_a_profile_from_the_environment_that_does_not_exist_is_named(write, capsys,
                                                                     monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("AWS_PROFILE", "nope")
    assert _plan_for_real(write) == 1
    err = capsys.readouterr().err
    _clean(err)
    assert "the AWS profile 'nope' does not exist" in err


@pytest.mark.parametrize(("variable", "value", "expected"), [
    ("AWS_CONFIG_FILE", "{broken}", "cannot read the AWS configuration"),
    ("AWS_ENDPOINT_URL", "not a url", "cannot set up the AWS client: Invalid endpoint"),
    ("AWS_ENDPOINT_URL", "http://[::1", "cannot set up the AWS client"),
    ("AWS_DEFAULTS_MODE", "bogus", "cannot set up the AWS client"),
    ("AWS_REQUEST_CHECKSUM_CALCULATION", "bogus", "cannot set up the AWS client"),
    ("AWS_ACCOUNT_ID_ENDPOINT_MODE", "bogus", "cannot set up the AWS client"),
])
def test_an_aws_setting_botocore_refuses_is_an_error(write, capsys, tmp_path, monkeypatch,
                                                     variable: str, value: str,
                                                     expected: str) -> None:  # type: ignore[no-untyped-def]
    broken = tmp_path / "config"
    broken.write_text("[default\nregion=\n")
    monkeypatch.setenv(variable, value.replace("{broken}", str(broken)))
    assert _plan_for_real(write) == 1
    err = capsys.readouterr().err
    _clean(err)
    assert expected in err


@pytest.mark.parametrize(("variable", "value"), [
    ("AWS_REGION", "not a region!"), ("AWS_DEFAULT_REGION", "not a region!"),
    ("AWS_MAX_ATTEMPTS", "many"), ("AWS_RETRY_MODE", "bogus"),
])
def test_aws_variables_poolsync_sets_itself_do_not_matter(session, write, capsys,
                                                          monkeypatch, variable: str,
                                                          value: str) -> None:  # type: ignore[no-untyped-def]
    """The region comes from the file or --region, retries from poolsync's own policy:
    botocore never reads these, so a hostile value cannot break a run."""
    monkeypatch.setenv(variable, value)
    assert run(["plan", write(POOL)], session_factory=lambda p: session) == 0
    assert "app (eu-west-1, new)" in capsys.readouterr().out


def test_a_setting_botocore_reads_at_the_first_call_is_an_error(write, capsys,
                                                                monkeypatch) -> None:  # type: ignore[no-untyped-def]
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_METADATA_SERVICE_TIMEOUT", "soon")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    assert _plan_for_real(write) == 1
    err = capsys.readouterr().err
    _clean(err)
    assert "cannot set up the AWS client" in err


def test_a_malformed_session_token_is_never_printed(write, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    token = "FwoGZXIvYXdzEXAMPLETOKENpart1\nsecondPARTofTHEtoken0123"
    monkeypatch.setenv("AWS_SESSION_TOKEN", token)
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    assert _plan_for_real(write) == 1
    err = capsys.readouterr().err
    _clean(err)
    assert "AWS ListUserPools failed" in err
    for piece in ("FwoGZXIvYXdzEXAMPLETOKENpart1", "secondPARTofTHEtoken0123"):
        assert piece not in err


# --- The demo without its extra ------------------------------------------------------------


@pytest.mark.parametrize("command", [["poolsync", "demo"], ["poolsync.standin"],
                                     ["poolsync.standin", "--port", "0"]])
def test_the_local_cognito_without_the_demo_extra_says_how_to_install_it(
        tmp_path: Path, command: list[str]) -> None:
    shadow = tmp_path / "moto"
    shadow.mkdir()
    (shadow / "__init__.py").write_text(
        'raise ModuleNotFoundError("No module named \'moto\'", name="moto")\n')
    environ = {**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT / 'src'}"}
    result = subprocess.run([sys.executable, "-m", *command], env=environ,
                            cwd=tmp_path, capture_output=True, text=True, timeout=TIMEOUT,
                            check=False)
    assert result.returncode == 1
    assert "pip install 'poolsync[demo]'" in result.stderr
    assert "moto" in result.stderr
    _clean(result.stderr)


def test_the_local_cognitos_help_needs_no_demo_extra(tmp_path: Path) -> None:
    shadow = tmp_path / "moto"
    shadow.mkdir()
    (shadow / "__init__.py").write_text(
        'raise ModuleNotFoundError("No module named \'moto\'", name="moto")\n')
    environ = {**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT / 'src'}"}
    result = subprocess.run([sys.executable, "-m", "poolsync.standin", "--help"], env=environ,
                            cwd=tmp_path, capture_output=True, text=True, timeout=TIMEOUT,
                            check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: python -m poolsync.standin")
    assert "Needs the demo extra" in result.stdout


# --- Endpoints that answer wrongly -------------------------------------------------------


Answer = tuple[int, bytes]
# serve_forever looks for shutdown() every poll_interval: 0.5 s by default, which each
# test then waited out (as the stand-in's FaultProxy, poll every 0.05 s).
_POLL = {"poll_interval": 0.05}


@contextmanager
def _endpoint(answer: Callable[[str, dict[str, Any]], Answer]) -> Iterator[tuple[str, list[str]]]:
    """A local HTTP endpoint answering each Cognito operation with ``answer(operation,
    request)``; yields its URL and the operations it was asked, in order."""
    asked: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            operation = self.headers.get("X-Amz-Target", "").rsplit(".", 1)[-1]
            asked.append(operation)
            status, payload = answer(operation, json.loads(body or b"{}"))
            self.send_response(status)
            self.send_header("Content-Type", "application/x-amz-json-1.1")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs=_POLL, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", asked
    finally:
        server.shutdown()
        server.server_close()
        thread.join(TIMEOUT)


def _json(document: Any) -> Answer:
    return 200, json.dumps(document).encode()


_APP = {"Id": "eu-west-1_AbC", "Name": "app"}
_counter = iter(range(10**9))
ANSWERS: dict[str, Callable[[str, dict[str, Any]], Answer]] = {
    "html page": lambda op, req: (200, b"<html><body>Sign in to the Wi-Fi</body></html>"),
    "truncated json": lambda op, req: (200, b'{"UserPools": [{"Id": "eu-west-1_A'),
    "not utf-8": lambda op, req: (200, b'{"UserPools": ["\xff\xfe"]}'),
    "a json list": lambda op, req: _json([1, 2]),
    "a json string": lambda op, req: _json("ok"),
    "pools as a string": lambda op, req: _json({"UserPools": "app"}),
    "a null pool": lambda op, req: _json({"UserPools": [None]}),
    "a pool that is a number": lambda op, req: _json({"UserPools": [1]}),
    "a pool without a name": lambda op, req: _json({"UserPools": [{"Id": "eu-west-1_A"}]}),
    "a pool whose name is a number": lambda op, req: _json(
        {"UserPools": [{"Id": "eu-west-1_A", "Name": 7}]}),
    "a token that is a list": lambda op, req: _json({"UserPools": [], "NextToken": ["x"]}),
    "deeply nested": lambda op, req: (200, b'{"UserPools": ' + b"[" * 100_000
                                      + b"]" * 100_000 + b"}"),
    "more pools than asked for": lambda op, req: _json(
        {"UserPools": [{"Id": f"eu-west-1_P{n}", "Name": f"p{n}"} for n in range(61)]}),
    "the same NextToken again": lambda op, req: _json(
        {"UserPools": [_APP] if "NextToken" not in req else [], "NextToken": "again"}),
    "empty pages without end": lambda op, req: _json(
        {"UserPools": [], "NextToken": f"t{next(_counter)}"}),
    "a pool described as nothing": lambda op, req: _json(
        {"UserPools": [_APP]} if op == "ListUserPools" else {}),
    "a pool described with a string for its policies": lambda op, req: _json(
        {"UserPools": [_APP]} if op == "ListUserPools"
        else {"UserPool": {**_APP, "Policies": "strict"}}),
    "a pool described with a boolean for a number": lambda op, req: _json(
        {"UserPools": [_APP]} if op == "ListUserPools"
        else {"UserPool": {**_APP, "EstimatedNumberOfUsers": True}}),
    "a tag map with a null value": lambda op, req: _json(
        {"UserPools": [_APP]} if op == "ListUserPools"
        else {"UserPool": {**_APP, "UserPoolTags": {"team": None}}}),
}


@pytest.mark.parametrize("case", sorted(ANSWERS))
def test_an_endpoint_that_answers_wrongly_is_an_error_not_a_plan(write, capsys, case: str) -> None:  # type: ignore[no-untyped-def]
    with _endpoint(ANSWERS[case]) as (url, asked):
        session = AwsSession(endpoint_url=url, credentials=("testing", "testing"),
                             share=None)
        code = _bounded(lambda: run(["plan", write(POOL)],
                                    session_factory=lambda p: session))
    out, err = capsys.readouterr()
    assert code == 1, out
    _clean(err)
    assert "Plan:" not in out  # no plan made of a misread answer ("no pools: create")
    assert "AWS ListUserPools" in err or "AWS DescribeUserPool" in err
    assert not [op for op in asked if not op.startswith(("List", "Describe", "Get"))]


def test_an_endpoint_with_an_empty_answer_to_a_write_is_fine() -> None:
    from poolsync.aws import BotoCognito
    from poolsync.model import ApiCall

    with _endpoint(lambda op, req: (200, b"")) as (url, asked):
        cognito = BotoCognito("eu-west-1", endpoint_url=url, credentials=("testing", "x"))
        assert cognito.call(ApiCall("DeleteGroup", {"UserPoolId": "eu-west-1_A",
                                                    "GroupName": "g"})) == {}
    assert asked == ["DeleteGroup"]


def test_an_endpoint_that_trickles_its_answer_is_an_error_not_a_hang(
        write, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Each byte arrives before the read timeout, the whole answer never: the call's
    own deadline (aws.CALL_DEADLINE, shortened here) ends it, retried as a timeout."""
    from poolsync import aws
    from poolsync.aws import RetryPolicy

    stop = threading.Event()

    class Drip(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(200)
            self.send_header("Content-Type", "application/x-amz-json-1.1")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            while not stop.wait(0.1):  # a byte at a time, until the test ends
                self.wfile.write(b" ")
                self.wfile.flush()

    monkeypatch.setattr(aws, "CALL_DEADLINE", 1.0)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Drip)
    threading.Thread(target=server.serve_forever, kwargs=_POLL, daemon=True).start()
    try:
        session = AwsSession(endpoint_url=f"http://127.0.0.1:{server.server_address[1]}",
                             credentials=("testing", "testing"), share=None,
                             retry=RetryPolicy(attempts=8, base=0.01, cap=0.05))
        code = _bounded(lambda: run(["plan", write(POOL)], session_factory=lambda p: session))
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
    err = capsys.readouterr().err
    assert code == 1, err
    assert "no whole answer within 1 s" in err and "after 3 attempt(s)" in err
