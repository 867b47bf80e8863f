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


KINDS = """
    version: 1
    region: eu-west-1
    pools:
      kinds:
        settings: {UserPoolTier: PLUS, UserPoolAddOns: {AdvancedSecurityMode: AUDIT}}
        domain: {Domain: minimal-calls-kinds, ManagedLoginVersion: 2}
        clients:
          web: {GenerateSecret: true}
          api: {}
        client_secrets:
          web: {value: given_web_secret_value_calls1, overlap: 7d}
        managed_login_branding:
          web: {Settings: {categories: {global: {colorSchemeMode: DARK}}}}
        terms:
          web:
            terms-of-use: {Links: {"cognito:default": "https://example.com/terms"}}
            privacy-policy: {Links: {"cognito:default": "https://example.com/privacy"}}
        risk_configuration:
          ALL: {CompromisedCredentialsRiskConfiguration: {Actions: {EventAction: BLOCK}}}
        log_delivery:
          userNotification:
            LogLevel: ERROR
            CloudWatchLogsConfiguration:
              LogGroupArn: arn:aws:logs:eu-west-1:123456789012:log-group:/aws/vendedlogs/x
    """


def test_the_kinds_beyond_the_wizard_add_only_their_documented_reads(
        session: AwsSession, write) -> None:  # type: ignore[no-untyped-def]
    """docs/performance.md, "Calls per pool": each key written adds its own reads, and
    nothing else (the clients' ids come from the clients already read)."""
    path = write(KINDS)
    assert run(["apply", path, "--yes"], session_factory=lambda p: session) == 0
    before = len(session.records())
    assert run(["plan", path, "--detailed-exitcode"], session_factory=lambda p: session) == 0
    calls = Counter(r.operation for r in session.records()[before:])
    assert calls == Counter({
        "ListUserPools": 1, "DescribeUserPool": 1, "GetUserPoolMfaConfig": 1,
        "ListUserPoolClients": 1, "DescribeUserPoolClient": 2, "DescribeUserPoolDomain": 1,
        "ListUserPoolClientSecrets": 1,  # the one client named
        "DescribeManagedLoginBrandingByClient": 1,  # the one client named
        "ListTerms": 1, "DescribeTerms": 2,  # one per document
        "DescribeRiskConfiguration": 1 + 2,  # the pool's, then each live client's own
        "GetLogDeliveryConfiguration": 1,
    })
