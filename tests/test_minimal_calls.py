"""A plan makes the documented minimum of calls (docs/performance.md, "Calls per pool"):
no call twice, no per-item describe where the list carries the data."""

from __future__ import annotations

from collections import Counter

from poolsync.aws import AwsSession
from poolsync.cli import run
from poolsync.quotas import category

SHAPE = """
    version: 1
    region: eu-west-1
    pools:
      app-{n}:
        identity_providers:
          Google:
            ProviderType: Google
            ProviderDetails: {{client_id: abc, client_secret: xyz, authorize_scopes: openid}}
        clients:
          web: {{SupportedIdentityProviders: [COGNITO, Google]}}
          api: {{}}
        groups:
          admins: {{}}
    """


def test_calls_per_pool_equal_the_documented_minimum(session: AwsSession, write) -> None:  # type: ignore[no-untyped-def]
    paths = [write(SHAPE.format(n=n), f"pool{n}.yaml") for n in range(3)]
    assert run(["apply", *paths, "--yes"], session_factory=lambda p: session) == 0
    before = len(session.records())
    assert run(["plan", *paths, "--detailed-exitcode"], session_factory=lambda p: session) == 0
    calls = Counter(r.operation for r in session.records()[before:])
    pools = 3
    assert calls == Counter({
        "ListUserPools": 1,  # one pass per region per run
        "DescribeUserPool": pools, "GetUserPoolMfaConfig": pools,
        "ListUserPoolClients": pools, "DescribeUserPoolClient": 2 * pools,
        "ListIdentityProviders": pools, "DescribeIdentityProvider": pools,
        "ListGroups": pools,  # ListGroups carries every field: no GetGroup
    })
    by_category = Counter()
    for operation, n in calls.items():
        by_category[category(operation)] += n
    assert by_category == {"UserPoolRead": 1 + 2 * pools, "UserPoolClientRead": 3 * pools,
                           "UserPoolResourceRead": 3 * pools}
