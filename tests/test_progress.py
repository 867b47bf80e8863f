"""Progress on long runs (issue 11, point 1): on a terminal, plan, apply, drift and
export show on stderr how far they are (pools read, calls applied of N, requests,
throttled answers, time waited, elapsed and remaining), redrawn in place and erased
before anything else is printed; nothing when stderr is not a terminal, with -q, or in
a machine format; with -v, a line per stage, pool read and call made.

poolsync runs as a subprocess whose stderr is a pseudo-terminal (the ``pty`` module),
against the local stand-in through the fault proxy, which parks a chosen request so that
the run is caught mid-way (tests/test_races.py does the same). Every wait is bounded; no
test asserts a duration.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import signal
import struct
import subprocess
import sys
import termios
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from poolsync.aws import AwsSession
from poolsync.standin import LocalCognito
from poolsync.standin.faults import FaultProxy, Faults
from tests.conftest import EXAMPLE_SECRET, REGION
from tests.conftest import cli as _cli

WAIT = 120.0  # seconds: the bound of every wait (never asserted)

THREE_POOLS = """
    version: 1
    region: eu-west-1
    pools:
      orders:
        clients: {web: {}}
        groups: {admins: {Precedence: 1}}
      billing:
        clients: {web: {}}
      shipping:
        groups: {ops: {Precedence: 1}}
        identity_providers:
          Google:
            ProviderType: Google
            ProviderDetails:
              client_id: "1234.apps.googleusercontent.com"
              client_secret: ${env:GOOGLE_CLIENT_SECRET}
              authorize_scopes: openid email
            AttributeMapping: {email: email}
    """


# --- fixtures and helpers -------------------------------------------------------------


@pytest.fixture(scope="module")
def local() -> Iterator[LocalCognito]:
    with LocalCognito() as cognito:
        yield cognito


@pytest.fixture
def empty(local: LocalCognito) -> LocalCognito:
    """The local Cognito, emptied first."""
    local.reset()
    return local


@pytest.fixture
def config(tmp_path: Path) -> str:
    path = tmp_path / "pools.yaml"
    path.write_text(textwrap.dedent(THREE_POOLS))
    return str(path)


@pytest.fixture
def applied(empty: LocalCognito, config: str, capsys: pytest.CaptureFixture[str]) -> str:
    """The three pools exist (applied in this process); the config's path."""
    session = AwsSession(endpoint_url=empty.endpoint_url, credentials=("x", "x"), share=None)
    assert _cli(session, "apply", config, "--yes") == 0
    capsys.readouterr()
    return config


class Run:
    """``poolsync ARGS`` in its own process against ``endpoint``: stdout a pipe, stderr
    a pseudo-terminal ``columns`` wide (or a pipe, ``tty=False``), read as it comes."""

    def __init__(self, endpoint: str, *args: str, tty: bool = True,
                 columns: int = 120) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(AWS_ENDPOINT_URL=endpoint, AWS_ACCESS_KEY_ID="x",
                   AWS_SECRET_ACCESS_KEY="x", AWS_DEFAULT_REGION=REGION,
                   AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null",
                   GOOGLE_CLIENT_SECRET=EXAMPLE_SECRET, TERM="xterm", NO_COLOR="1")
        env.pop("COLUMNS", None)
        self._chunks: list[bytes] = []
        self._changed = threading.Condition()
        if tty:
            master, slave = pty.openpty()
            fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
            err: Any = slave
        else:
            master, err = -1, subprocess.PIPE
        self.process = subprocess.Popen(
            [sys.executable, "-m", "poolsync", *args], env=env, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=err)
        self._reader: threading.Thread | None = None
        if tty:
            os.close(slave)
            self._reader = threading.Thread(target=self._read, args=(master,), daemon=True)
            self._reader.start()

    def _read(self, master: int) -> None:
        try:
            while True:
                try:
                    chunk = os.read(master, 4096)
                except OSError:  # EIO: the child closed its end
                    break
                if not chunk:
                    break
                with self._changed:
                    self._chunks.append(chunk)
                    self._changed.notify_all()
        finally:
            os.close(master)

    @property
    def raw(self) -> str:
        with self._changed:
            return b"".join(self._chunks).decode("utf-8", "replace")

    def wait_for(self, pattern: str) -> None:
        """Until the terminal has shown ``pattern`` (a regex), or fail with what it
        showed; also fails at once if the run ends first."""
        deadline = time.monotonic() + WAIT
        with self._changed:
            while not re.search(pattern, self.raw):
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"never shown: {pattern!r}; shown: {self.raw!r}")
                self._changed.wait(0.2)

    def finish(self) -> tuple[int, str, str]:
        """Exit code, stdout, and stderr (what the terminal received, raw)."""
        try:
            out, err = self.process.communicate(timeout=WAIT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.communicate()
            raise
        if self._reader is not None:
            self._reader.join(WAIT)
            return self.process.returncode, out.decode(), self.raw
        return self.process.returncode, out.decode(), err.decode()


def screen(raw: str) -> list[str]:
    """The lines a terminal shows after receiving ``raw``: a carriage return goes back
    to the line's start, ESC [ K clears to its end, other characters overwrite."""
    lines: list[list[str]] = [[]]
    col = 0
    for token in re.findall(r"\x1b\[K|\r|\n|[^\r\n\x1b]|\x1b", raw):
        line = lines[-1]
        if token == "\r":
            col = 0
        elif token == "\n":
            lines.append([])
            col = 0
        elif token == "\x1b[K":
            del line[col:]
        else:
            if col < len(line):
                line[col] = token
            else:
                line.append(token)
            col += 1
    return ["".join(line).rstrip() for line in lines]


def drawn(raw: str) -> list[str]:
    """Every progress line drawn (each redraw starts with a carriage return): a stage's
    name, then its bar or, on a narrow terminal, its counts."""
    return [part.replace("\x1b[K", "") for part in re.split(r"\r\n?|\n", raw)
            if re.match(r"(Reading|Checking|Applying|Verifying) (\[[#-]*\] )?\d+/\d+ ",
                        part.replace("\x1b[K", ""))]


# --- on a terminal: drawn while the run works, erased before the output --------------


def test_plan_shows_pools_read_requests_and_throttles_then_erases_the_line(
        applied: str, local: LocalCognito) -> None:
    # The first GetUserPoolMfaConfig is throttled (and retried); the third pool's
    # DescribeUserPool waits in the proxy: the bar is caught with two of three read.
    faults = Faults(throttle=1.0, operations=frozenset({"GetUserPoolMfaConfig"}), first=1)
    with FaultProxy(local.endpoint_url, faults, seed=0) as proxy:
        gate = proxy.hold("DescribeUserPool", count=1, after=2)
        run = Run(proxy.endpoint_url, "plan", applied)
        gate.wait_held(1, WAIT)
        run.wait_for(r"Reading \[#+-+\] 2/3 pools, \d+:\d\d.*, \d+ requests, 1 throttled")
        gate.release_all()
        code, out, err = run.finish()
    assert code == 0, err
    assert "No changes" in out and "\r" not in out and "Reading" not in out
    assert drawn(err)  # redrawn in place ...
    assert not any("Reading" in line for line in screen(err))  # ... and erased at the end
    assert EXAMPLE_SECRET not in err + out


def test_apply_shows_calls_applied_of_n_and_ctrl_c_says_so_on_its_own_line(
        empty: LocalCognito, config: str) -> None:
    with FaultProxy(empty.endpoint_url, Faults(), seed=0) as proxy:
        gate = proxy.hold("CreateGroup", count=1)
        run = Run(proxy.endpoint_url, "apply", config, "--yes")
        gate.wait_held(1, WAIT)
        run.wait_for(r"Applying \[[#-]+\] \d+/\d+ calls and read-backs")
        run.process.send_signal(signal.SIGINT)
        run.wait_for("stopping after the call in flight")
        gate.release_all()
        code, out, err = run.finish()
    assert code == 130, err
    shown = screen(err)
    # The message has a line of its own, never appended to a half-drawn bar ...
    assert "stopping after the call in flight (again to stop without waiting)..." in shown
    # ... and no bar is left on screen above the report.
    assert not any(re.search(r"\[[#-]*\]", line) for line in shown), shown
    assert "interrupted" in err
    assert EXAMPLE_SECRET not in err + out


def test_export_all_and_drift_show_progress_on_a_terminal(applied: str,
                                                           empty: LocalCognito) -> None:
    with FaultProxy(empty.endpoint_url, Faults(), seed=0) as proxy:
        gate = proxy.hold("DescribeUserPool", count=1, after=1)
        run = Run(proxy.endpoint_url, "export", "--all", "--region", REGION)
        gate.wait_held(1, WAIT)
        run.wait_for(r"Reading \[[#-]+\] \d/3 pools")
        gate.release_all()
        code, out, err = run.finish()
    assert code == 0, err
    assert out.startswith("# ") or "pools:" in out
    assert "Reading" not in out and not any("Reading" in line for line in screen(err))

    code, out, err = Run(empty.endpoint_url, "drift", applied).finish()
    assert code == 0, err
    assert drawn(err) and not any("Reading" in line for line in screen(err))


def test_a_narrow_terminal_gets_lines_that_fit(applied: str, empty: LocalCognito) -> None:
    code, _, err = Run(empty.endpoint_url, "plan", applied, columns=40).finish()
    assert code == 0, err
    lines = drawn(err)
    assert lines and all(len(line) < 40 for line in lines), lines
    # No room for a bar beside the counts: no bar, rather than one that shrinks and grows.
    assert all(re.match(r"Reading \d+/\d+ pools, \d+:\d\d", line) for line in lines), lines


# --- absent: stderr not a terminal, -q, machine formats --------------------------------


@pytest.mark.parametrize("args", [
    ("plan", "-q"),
    ("plan", "--quiet"),
    ("plan", "-o", "json"),
    ("plan", "-o", "markdown"),
    ("drift", "-o", "json"),
    ("apply", "--yes", "-o", "json"),
])
def test_no_progress_with_quiet_or_a_machine_format(applied: str, empty: LocalCognito,
                                                    args: tuple[str, ...]) -> None:
    command, *options = args
    code, out, err = Run(empty.endpoint_url, command, applied, *options).finish()
    assert code == 0, err
    assert not drawn(err) and "Reading" not in err and "\r" not in err.replace("\r\n", "")
    assert "Reading" not in out


def test_no_progress_when_stderr_is_not_a_terminal(applied: str, empty: LocalCognito) -> None:
    code, out, err = Run(empty.endpoint_url, "plan", applied, tty=False).finish()
    assert code == 0, err
    assert err == ""
    assert "No changes" in out


# --- -v: a line per stage, pool read and call made, terminal or not --------------------


def test_verbose_says_each_stage_pool_and_call_without_secrets(
        empty: LocalCognito, config: str) -> None:
    code, out, err = Run(empty.endpoint_url, "apply", config, "--yes", "-v",
                         tty=False).finish()
    assert code == 0, err
    lines = err.splitlines()
    assert "Reading 3 pools..." in lines
    assert "  read orders in eu-west-1: not found" in lines
    assert any(re.fullmatch(r"Applying \d+ calls and read-backs\.\.\.", line)
               for line in lines), lines
    assert "  orders: CreateUserPool" in lines
    assert "  orders/clients/web: CreateUserPoolClient" in lines
    assert "  shipping/identity_providers/Google: CreateIdentityProvider" in lines
    assert any(re.fullmatch(r"  read \w+ in eu-west-1 back", line) for line in lines)
    assert "\r" not in err  # lines only: no bar off a terminal
    assert EXAMPLE_SECRET not in err + out

    code, out, err = Run(empty.endpoint_url, "plan", config, "-v").finish()
    assert code == 0, err
    shown = screen(err)
    assert any(re.fullmatch(r"  read billing in eu-west-1: eu-west-1_\w+", line)
               for line in shown), shown
    assert not any("[" in line for line in shown), shown  # lines stay, the bar does not
    assert EXAMPLE_SECRET not in err + out



# --- many threads at once ---------------------------------------------------------------


def test_lines_from_many_threads_stay_whole_and_the_bar_is_erased() -> None:
    """The engine reports from its thread pool while the bar is redrawn: every -v line
    reaches the screen whole, once, and no bar is left when the block ends."""
    import io

    from poolsync.progress import TerminalProgress

    stream = io.StringIO()
    with TerminalProgress(stream, None, str, bar=True, verbose=True) as progress:
        progress.phase("Reading", 400, "pools")

        def work(thread: int) -> None:
            for n in range(50):
                progress.advance(f"read pool-{thread}-{n}")

        threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(WAIT)
    shown = [line for line in screen(stream.getvalue()) if line]
    assert sorted(shown) == sorted(["Reading 400 pools...",
                                    *(f"  read pool-{t}-{n}" for t in range(8)
                                      for n in range(50))])
    assert drawn(stream.getvalue())  # the bar was drawn (at the stage's start at least)
