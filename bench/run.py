"""poolsync's benchmark: plan and apply of many pools against quota-enforcing Cognito.

Not a test. It starts the local Cognito (moto behind poolsync's stand-in), puts a proxy
in front that throttles like Cognito (bench/quota.py: the published rates times
``--scale``, plus ``--latency`` per request), generates pools of one shape (2 app
clients, 1 identity provider, 1 group each), and measures, for poolsync paced by quota,
the same work run sequentially, and run in parallel without pacing:

- wall time, and the **quota floor**: the busiest category's calls divided by that
  category's (scaled) rate, which no run can beat; the ratio wall / floor;
- calls per quota category, retries, throttling answers seen;
- the time ``validate`` takes for the same pools.

    python bench/run.py                      # 200 pools planned, 50 applied, scale 2
    python bench/run.py --pools 40 --apply-pools 10 --skip-slow   # a quick look

Results and the command that made them are kept in docs/performance.md.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from poolsync import quotas
from poolsync.aws import AwsSession, RetryPolicy
from poolsync.cli import run
from poolsync.standin import LocalCognito
from quota import QuotaProxy

CREDENTIALS = ("bench", "bench")
SHAPE = """version: 1
region: eu-west-1
pools:
  {name}:
    settings:
      UsernameAttributes: [email]
      AutoVerifiedAttributes: [email]
      Policies:
        PasswordPolicy: {{MinimumLength: 12}}
    identity_providers:
      Google:
        ProviderType: Google
        ProviderDetails:
          client_id: {name}.apps.googleusercontent.com
          client_secret: ${{env:BENCH_GOOGLE_SECRET}}
          authorize_scopes: openid email
    clients:
      web:
        SupportedIdentityProviders: [COGNITO, Google]
        CallbackURLs: [https://{name}.example.com/callback]
        AllowedOAuthFlows: [code]
        AllowedOAuthScopes: [openid, email]
        AllowedOAuthFlowsUserPoolClient: true
      api:
        ExplicitAuthFlows: [ALLOW_REFRESH_TOKEN_AUTH, ALLOW_USER_SRP_AUTH]
    groups:
      admins: {{Description: Administrators, Precedence: 1}}
"""


@dataclass
class Result:
    work: str
    mode: str
    wall: float
    floor: float
    calls: Counter[str]
    retries: int
    throttles: int
    exit_code: int

    @property
    def ratio(self) -> float:
        return self.wall / self.floor if self.floor else float("nan")


def write_pools(directory: Path, prefix: str, count: int) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        (directory / f"{prefix}-{n:03d}.yaml").write_text(SHAPE.format(name=f"{prefix}-{n:03d}"))
    return directory


def floor_seconds(calls: Counter[str], scale: float) -> float:
    """The busiest category's calls over its rate: no run can finish sooner."""
    return max((n / (quotas.RATES.get(c, 15) * scale) for c, n in calls.items()), default=0.0)


def measure(work: str, mode: str, args: list[str], endpoint: str, scale: float,
            latency: float, share: float | None, workers: int) -> Result:
    with QuotaProxy(endpoint, scale=scale, latency=latency) as proxy:
        session = AwsSession(endpoint_url=proxy.endpoint_url, credentials=CREDENTIALS,
                             share=share, workers=workers,
                             retry=RetryPolicy(attempts=15, base=0.2, cap=5.0))
        # Pacing is per account and region at the published rates: scale it like the proxy.
        cognito = session.cognito("eu-west-1")
        pacer = getattr(cognito, "pacer", None)
        if pacer is not None and share is not None:
            pacer.rates = {c: r * scale for c, r in quotas.RATES.items()}
            pacer.per_pool = {c: r * scale for c, r in quotas.PER_POOL_CAP.items()}
        out = io.StringIO()
        start = time.perf_counter()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            code = run(args, session_factory=lambda profile: session)
        wall = time.perf_counter() - start
        records = session.records()
    done = Counter(quotas.category(r.operation) for r in records if r.outcome == "ok")
    return Result(work, mode, wall, floor_seconds(done, scale), done,
                  sum(r.attempt > 1 for r in records),
                  sum(r.outcome in quotas.THROTTLING_CODES for r in records), code)


def time_validate(directory: Path) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):
            run(["validate", str(directory)])
        best = min(best, time.perf_counter() - start)
    return best


def table(results: list[Result], scale: float) -> str:
    lines = [
        "| Work | Mode | Exit | Wall (s) | Floor (s) | Wall/floor | Throttles | Retries | "
        "Calls per category |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        calls = ", ".join(f"{c.removeprefix('UserPool')} {n}" for c, n in sorted(r.calls.items()))
        lines.append(f"| {r.work} | {r.mode} | {r.exit_code} | {r.wall:.1f} | {r.floor:.1f} "
                     f"| {r.ratio:.2f} | {r.throttles} | {r.retries} | {calls} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pools", type=int, default=200, help="pools to plan")
    parser.add_argument("--apply-pools", type=int, default=50, help="new pools to apply")
    parser.add_argument("--scale", type=float, default=2.0,
                        help="multiply Cognito's quotas (and poolsync's pace) by this")
    parser.add_argument("--latency", type=float, default=0.02, help="seconds per request")
    parser.add_argument("--share", type=float, default=0.95,
                        help="poolsync's --rate-share for the paced runs (default 0.95: "
                             "the benchmark is the only caller; poolsync's own default "
                             "is 0.8)")
    parser.add_argument("--skip-slow", action="store_true",
                        help="skip the sequential and unpaced comparisons")
    options = parser.parse_args()
    os.environ.setdefault("BENCH_GOOGLE_SECRET", "bench-secret")

    results: list[Result] = []
    with LocalCognito() as local, tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        planned = write_pools(root / "plan", "bench", options.pools)
        seed = AwsSession(endpoint_url=local.endpoint_url, credentials=CREDENTIALS, share=None)
        with contextlib.redirect_stdout(io.StringIO()):
            assert run(["apply", str(planned), "--yes"], session_factory=lambda p: seed) == 0
        validate = time_validate(planned)

        modes = [("paced", options.share, 32)]
        if not options.skip_slow:
            modes += [("sequential", None, 1), ("unpaced parallel", None, 32)]
        for mode, share, workers in modes:
            results.append(measure(f"plan {options.pools} pools", mode,
                                   ["plan", str(planned), "--detailed-exitcode"],
                                   local.endpoint_url, options.scale, options.latency,
                                   share, workers))
            print(f"done: plan, {mode}", file=sys.stderr)
        for mode, share, workers in modes:
            fresh = write_pools(root / mode.replace(" ", "-"), f"new-{mode[:3]}",
                                options.apply_pools)
            results.append(measure(f"apply {options.apply_pools} new pools", mode,
                                   ["apply", str(fresh), "--yes"], local.endpoint_url,
                                   options.scale, options.latency, share, workers))
            print(f"done: apply, {mode}", file=sys.stderr)

    print(f"Quotas x{options.scale:g} (UserPoolRead {15 * options.scale:g}/s, ...), "
          f"{options.latency * 1000:g} ms per request, paced runs at "
          f"--rate-share {options.share:g}.\n")
    print(table(results, options.scale))
    print(f"\nvalidate of {options.pools} pools (in process, best of 3): {validate:.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
