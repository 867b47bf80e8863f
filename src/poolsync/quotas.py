"""Cognito's request-rate quotas, as poolsync uses them: which category each operation
counts against, the published rates, and which errors are worth retrying.

Source: the Cognito quotas page,
https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html (the mapping of an
operation to its category is inferred from the category descriptions there: the page
does not list the operations). The quotas are per account and region, shared with every
other tool, and cannot be raised.
"""

from __future__ import annotations

from typing import Final

from poolsync.kinds import operations

# Requests per second, account-wide per region (quotas page), and the per-pool cap of
# 5 RPS per operation for the client and resource categories.
RATES: Final[dict[str, float]] = {
    "UserPoolRead": 15,
    "UserPoolUpdate": 15,
    "UserPoolClientRead": 15,
    "UserPoolClientUpdate": 15,
    "UserPoolResourceRead": 20,
    "UserPoolResourceUpdate": 15,
    "UserList": 30,
}
PER_POOL_CAP: Final[dict[str, float]] = {
    "UserPoolClientRead": 5,
    "UserPoolClientUpdate": 5,
    "UserPoolResourceRead": 5,
    "UserPoolResourceUpdate": 5,
}

# Each operation's category, as each kind declares it (kinds.base.KindOps).
CATEGORY: Final[dict[str, str]] = {op: category for ops in operations()
                                   for op, category in ops.category.items()}

# Throttling: Cognito answers TooManyRequestsException on HTTP 400 (boto/botocore #1732,
# aws/aws-sdk-java #2301), which botocore's default retry mode never retries
# (botocore/data/_retry.json has no such code; boto/botocore #1732 is still open).
THROTTLING_CODES: Final = frozenset({"TooManyRequestsException", "ThrottlingException",
                                     "Throttling", "RequestLimitExceeded"})
TRANSIENT_CODES: Final = frozenset({"InternalErrorException", "InternalError",
                                    "ServiceUnavailable", "ServiceUnavailableException"})
# LimitExceededException is a hard resource quota (e.g. the 1,001st app client): retrying
# only adds delay (hashicorp/terraform-provider-aws #49836; the provider's Cognito
# override, internal/service/cognitoidp/service_package.go). Never retried.
NEVER_RETRIED: Final = frozenset({"LimitExceededException"})
# Every operation whose error list in the botocore model has
# ConcurrentModificationException (a test keeps this equal to the model): such a call
# lost a race with another write and is safe to try again.
CONCURRENT_WRITES: Final = frozenset({
    "AssociateSoftwareToken", "CreateManagedLoginBranding", "CreateTerms",
    "CreateUserPoolDomain", "DeleteIdentityProvider", "DeleteManagedLoginBranding",
    "DeleteTerms", "DeleteUserPoolClient", "DeleteUserPoolDomain", "SetUserPoolMfaConfig",
    "UpdateIdentityProvider", "UpdateManagedLoginBranding", "UpdateTerms", "UpdateUserPool",
    "UpdateUserPoolClient", "UpdateUserPoolDomain",
})


def category(operation: str) -> str:
    return CATEGORY.get(operation, "UserPoolRead")


def retryable(operation: str, code: str, status: int | None) -> bool:
    if code in NEVER_RETRIED:
        return False
    if code in THROTTLING_CODES or code in TRANSIENT_CODES:
        return True
    if code == "ConcurrentModificationException":
        return operation in CONCURRENT_WRITES
    return status is not None and status >= 500


def call_stats(attempts: list[tuple[str, int, str]]) -> dict[str, dict[str, int]]:
    """Per category: attempts made, retries among them, throttling answers seen.
    ``attempts`` holds (operation, attempt number, outcome) per attempt."""
    stats: dict[str, dict[str, int]] = {}
    for operation, attempt, outcome in attempts:
        row = stats.setdefault(category(operation), {"calls": 0, "retries": 0, "throttles": 0})
        row["calls"] += 1
        row["retries"] += attempt > 1
        row["throttles"] += outcome in THROTTLING_CODES
    return dict(sorted(stats.items()))
