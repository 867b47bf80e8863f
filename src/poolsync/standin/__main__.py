"""``python -m poolsync.standin [--port N]``: serve the local Cognito (moto behind
poolsync's stand-in) until Ctrl-C, for trying poolsync by hand:

    export AWS_ENDPOINT_URL=http://127.0.0.1:5000 AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x
    poolsync plan examples/pools
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from typing import NoReturn

from poolsync.standin.server import LocalCognito, PortUnavailable


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


def main() -> None:
    parser = _Parser(prog="python -m poolsync.standin",
                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=_port, default=5000,
                        help="TCP port on 127.0.0.1 (default 5000; 0 picks a free one)")
    options = parser.parse_args()
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
