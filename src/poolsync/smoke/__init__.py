"""``poolsync smoke``: sign a throwaway user up and in on live pools, verify its tokens,
then delete it (docs/smoke.md).

``run_smoke`` is the use case: it finds each pool of the configuration as ``output``
does (engine.read_live), refuses pools whose policy would send the user a code poolsync
cannot read (policy.refusal: SafetyRefusal, exit 3, before any user exists), and runs
the steps of ``run.SmokeRun`` on each pool through ``LiveApi``, poolsync's AWS module
and ``web``. Modules: ``policy`` (what the pool allows), ``run`` (the steps), ``srp``
(pycognito), ``totp`` (pyotp), ``tokens`` (PyJWT), ``web`` (plain GETs), ``report``
(the result and its text).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from poolsync.errors import LiveStateError, SafetyRefusal
from poolsync.smoke.report import SmokeReport, error_document, refused_document, render_text

if TYPE_CHECKING:
    from poolsync.aws import AwsSession, Cognito
    from poolsync.model import Config, PoolConfig
    from poolsync.plan import LivePool
    from poolsync.smoke.run import Clock
    from poolsync.smoke.web import WebAnswer

__all__ = ["LiveApi", "SmokeReport", "error_document", "refused_document", "render_text",
           "run_smoke"]


class LiveApi:
    """``run.SmokeApi`` on a region's Cognito (aws.py: paced, retried, recorded) and
    ``web.get``."""

    def __init__(self, cognito: Cognito) -> None:
        self._cognito = cognito

    def call(self, operation: str, params: Mapping[str, Any]) -> dict[str, Any]:
        from poolsync.model import ApiCall

        return self._cognito.call(ApiCall(operation, dict(params)))

    def get(self, url: str) -> WebAnswer:
        from poolsync.smoke.web import get

        return get(url)


def run_smoke(config: Config, session: AwsSession, *, client: str | None = None,
              keep: Callable[[str], None] = lambda _: None,
              stop_requested: Callable[[], bool] = lambda: False,
              clock: Clock | None = None) -> SmokeReport:
    """Smoke-test every pool of ``config`` (already narrowed by ``--pool``), in order.
    LiveStateError when a pool does not exist; SafetyRefusal when one may not be
    tested; both before any user is created. Stops after the pool in progress when
    ``stop_requested`` (a signal) or a KeyboardInterrupt ends it: the report says so."""
    from poolsync import engine
    from poolsync.smoke.policy import refusal
    from poolsync.smoke.run import SmokeRun, Target

    live = engine.read_live(config, session)
    absent = [p for p in config.pools if live.get((p.region, p.name)) is None]
    if absent:
        names = ", ".join(f"{p.name} ({p.region})" for p in absent)
        raise LiveStateError(f"no live pool for {names}: apply creates it; smoke tests "
                             "pools that exist")
    found = {(p.region, p.name): _found(live, p) for p in config.pools}
    reasons = [reason for p in config.pools
               if (reason := refusal(p.name, found[(p.region, p.name)].pool,
                                     found[(p.region, p.name)].mfa)) is not None]
    if reasons:
        raise SafetyRefusal("smoke refused, no user was created: " + "; ".join(reasons))
    results = []
    for pool in config.pools:
        here = found[(pool.region, pool.name)]
        cognito = session.cognito(pool.region)
        target = Target(pool.name, pool.region, here.pool, here.mfa,
                        _clients(cognito, pool, here), _endpoint(session, pool.region))
        result = SmokeRun(LiveApi(cognito), target, client=client, clock=clock, keep=keep,
                          stop_requested=stop_requested).run()
        results.append(result)
        if result.interrupted:
            return SmokeReport(tuple(results), interrupted=True)
    return SmokeReport(tuple(results))


def _found(live: Mapping[tuple[str, str], LivePool | None], pool: PoolConfig) -> LivePool:
    found = live[(pool.region, pool.name)]
    assert found is not None
    return found


def _clients(cognito: Cognito, pool: PoolConfig, found: LivePool
             ) -> list[Mapping[str, Any]]:
    """The pool's app clients, described: those the file lists first, in its order,
    then the others by name (kinds.client.read_all when the plan's reads have none)."""
    from poolsync.kinds.client import read_all

    described = found.children.clients
    if described is None:
        described = read_all(cognito, found.pool)
    order = list(pool.clients or {})
    named = sorted(described, key=lambda n: (n not in order,
                                             order.index(n) if n in order else 0, n))
    return [described[name] for name in named]


def _endpoint(session: AwsSession, region: str) -> str | None:
    """None when the region's calls go to AWS's own Cognito endpoint, else the URL they
    go to (AWS_ENDPOINT_URL or the session's endpoint_url: a local Cognito)."""
    import urllib.parse

    from poolsync.outputs import DNS_SUFFIX, partition

    url = session.endpoint(region)
    host = urllib.parse.urlsplit(url).hostname or ""
    suffix = DNS_SUFFIX.get(partition(region) or "", "amazonaws.com")
    aws_hosts = {f"cognito-idp.{region}.{suffix}", f"cognito-idp-fips.{region}.{suffix}"}
    return None if host in aws_hosts else url
