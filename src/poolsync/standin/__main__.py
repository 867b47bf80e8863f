"""``python -m poolsync.standin [--port N]``: serve the local Cognito (moto behind
poolsync's stand-in) until Ctrl-C, for trying poolsync by hand:

    export AWS_ENDPOINT_URL=http://127.0.0.1:5000 AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x
    poolsync plan examples/pools
"""

from __future__ import annotations

import argparse
import shlex
import signal
import sys
import threading
from typing import NoReturn


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        """Usage errors exit 1, as poolsync's own (2 means "changes" there)."""
        self.print_usage(sys.stderr)
        self.exit(1, f"{self.prog}: error: {message}\n")


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port number (0 to 65535; 0 "
                                         "picks a free one)")
    return port


DESCRIPTION = """\
Serve the local Cognito that poolsync's tests and demo use (moto's server with
poolsync's stand-in, which makes it behave like AWS) on 127.0.0.1 until Ctrl-C,
to try poolsync by hand without an AWS account. Needs the demo extra."""

EXAMPLE = """\
example, in another shell:
  export AWS_ENDPOINT_URL=http://127.0.0.1:5000
  export AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x GOOGLE_CLIENT_SECRET=x
  poolsync plan {examples}"""


def _examples() -> str:
    """Where the example pools are on this install (inside the package from a wheel,
    ``examples/pools`` in a clone), as the user would type it."""
    from poolsync.demo import display, find_examples
    from poolsync.errors import PoolsyncError

    try:
        return shlex.quote(display(find_examples()))
    except PoolsyncError:
        return "YOUR-POOLS.yaml"


def main() -> None:
    # Help as plain text: the docstring is reStructuredText for readers of the code.
    parser = _Parser(prog="python -m poolsync.standin", description=DESCRIPTION,
                     epilog=EXAMPLE.format(examples=_examples()), formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=_port, default=5000,
                        help="TCP port on 127.0.0.1 (default 5000; 0 picks a free one)")
    options = parser.parse_args()
    from poolsync.demo import local_cognito
    from poolsync.errors import PoolsyncError

    try:
        local_cognito()  # the demo extra, or a message that says how to install it
        from poolsync.standin.server import LocalCognito, PortUnavailable
    except PoolsyncError as exc:
        print(f"error: {str(exc).replace('poolsync demo needs', 'the local Cognito needs')}",
              file=sys.stderr)
        sys.exit(1)
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # stop cleanly on kill too
    try:
        # PortUnavailable can only come from entering the with-block.
        with LocalCognito(port=options.port) as local:
            print(f"local Cognito at {local.endpoint_url} (Ctrl-C stops it)", flush=True)
            try:
                threading.Event().wait()
            except KeyboardInterrupt:
                print("stopped", flush=True)
    except PortUnavailable as exc:
        print(f"error: {exc.strerror}; give another --port (0 picks a free one)",
              file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
