"""What a user sees on a terminal during a long plan: poolsync on a pseudo-terminal.

Not a test. Starts the local Cognito behind the quota proxy (bench/quota.py, Cognito's
published rates times ``--scale``, ``--latency`` per request), creates ``--pools``
pools of the benchmark's shape, changes a few of them, then runs ``poolsync plan`` as a
subprocess whose stdout and stderr are a pseudo-terminal of ``--columns`` columns. It
prints the progress line as it stood every ``--every`` seconds, then the screen at the
end (the progress line erased, the plan), and the exit code.

    python bench/terminal.py                    # 50 pools, Cognito's own quotas
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import pty
import re
import select
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from poolsync.aws import AwsSession
from poolsync.cli import run
from poolsync.standin import LocalCognito
from quota import QuotaProxy
from run import CREDENTIALS, write_pools

_ERASE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


class Screen:
    """Just enough of a terminal: lines end with "\\n", "\\r" goes back to the start
    of the line, an erase-line sequence clears it (the progress line's protocol)."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.current = ""

    def feed(self, text: str) -> None:
        for part in re.split(r"(\r|\n|\x1b\[[0-9;]*[A-Za-z])", text):
            if part == "\n":
                self.lines.append(self.current)
                self.current = ""
            elif part == "\r":
                self.current = ""  # the next text overwrites the line
            elif _ERASE.fullmatch(part):
                continue
            else:
                self.current += part


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pools", type=int, default=50)
    parser.add_argument("--changed", type=int, default=3, help="pools to change")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--columns", type=int, default=100)
    parser.add_argument("--every", type=float, default=1.5)
    options = parser.parse_args()
    os.environ.setdefault("BENCH_GOOGLE_SECRET", "bench-secret")

    with LocalCognito() as local, tempfile.TemporaryDirectory() as tmp:
        pools = write_pools(Path(tmp) / "environments" / "prod", "customers", options.pools)
        seed = AwsSession(endpoint_url=local.endpoint_url, credentials=CREDENTIALS, share=None)
        with contextlib.redirect_stdout(io.StringIO()):
            assert run(["apply", str(pools), "--yes"], session_factory=lambda p: seed) == 0
        for path in sorted(pools.iterdir())[: options.changed]:
            path.write_text(path.read_text().replace("MinimumLength: 12", "MinimumLength: 14"))
        with QuotaProxy(local.endpoint_url, scale=options.scale,
                        latency=options.latency) as proxy:
            env = {**os.environ, "AWS_ENDPOINT_URL": proxy.endpoint_url,
                   "AWS_ACCESS_KEY_ID": CREDENTIALS[0], "AWS_SECRET_ACCESS_KEY": CREDENTIALS[1],
                   "AWS_DEFAULT_REGION": "eu-west-1", "TERM": "xterm-256color"}
            env.pop("NO_COLOR", None)
            master, slave = pty.openpty()
            import fcntl
            import termios

            fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, options.columns,
                                                               0, 0))
            start = time.monotonic()
            process = subprocess.Popen(
                [sys.executable, "-m", "poolsync", "plan", "environments/prod"],
                cwd=tmp, env=env, stdin=slave, stdout=slave, stderr=slave)
            os.close(slave)
            screen, shown = Screen(), -options.every
            while True:
                ready, _, _ = select.select([master], [], [], 0.1)
                if ready:
                    try:
                        data = os.read(master, 65536)
                    except OSError:
                        data = b""
                    if not data:
                        break
                    # The terminal turns each "\n" into "\r\n" (ONLCR): a line end.
                    screen.feed(data.decode("utf-8", "replace").replace("\r\n", "\n"))
                now = time.monotonic() - start
                if now - shown >= options.every and screen.current.strip():
                    print(f"[{now:5.1f} s] {screen.current.rstrip()}")
                    shown = now
            code = process.wait()
            wall = time.monotonic() - start
    print(f"\n--- the terminal at the end ({wall:.1f} s, exit {code}) ---")
    print("\n".join(_ERASE.sub("", line) for line in screen.lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
