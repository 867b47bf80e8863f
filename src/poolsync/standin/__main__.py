"""``python -m poolsync.standin [--port N]``: serve the local Cognito (moto behind
poolsync's stand-in) until Ctrl-C, for trying poolsync by hand:

    export AWS_ENDPOINT_URL=http://127.0.0.1:5000 AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x
    poolsync plan examples/pools
"""

from __future__ import annotations

import argparse
import signal
import threading

from poolsync.standin.server import LocalCognito


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m poolsync.standin",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=5000)
    options = parser.parse_args()
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # stop cleanly on kill too
    with LocalCognito(port=options.port) as local:
        print(f"local Cognito at {local.endpoint_url} (Ctrl-C stops it)", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            print("stopped", flush=True)


if __name__ == "__main__":
    main()
