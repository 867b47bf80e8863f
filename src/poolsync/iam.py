"""The least-privilege IAM policy for running poolsync: exactly the ``cognito-idp``
actions each use calls, as data, and the policy document built from them.

The lists are the union of what each resource kind declares it calls
(``kinds.base.KindOps``: its reads, the ``ApiCall`` operations its plans hold, and the
look-ups before retrying a create); ``tests/test_iam.py`` runs every path through the
CLI on the stand-in and fails if a call is missing here, or if an action here is never
called.

Only Cognito actions are listed. Settings that point at other services need rights on
those, which no policy derived from poolsync's calls can know: an SMS role
(``SmsConfiguration.SnsCallerArn``: ``iam:PassRole`` may be asked), an SES identity, a
KMS key for custom sender triggers, Lambda triggers (Cognito needs the function's own
resource policy to allow it).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final

from poolsync.kinds import all_kinds, parts
from poolsync.kinds import operations as kind_operations

# --------------------------------------------------------------------------- operations
#
# Each kind declares the operations it calls (kinds.base.KindOps, kinds.operations()):
# the lists below are their union, in the order a pool is written.

# plan and drift: find the pools (by name), read each and the collections and kinds the
# file manages (engine.read_live / _read_children).
READS: Final = tuple(dict.fromkeys(op for ops in kind_operations() for op in ops.reads))

# Reads only apply makes: ListUsers asks for one user before a pool is replaced
# (engine.check_apply: never delete a pool with users); the look-ups before a create is
# sent again after a lost response that READS do not cover (aws.BotoCognito.
# _already_created).
APPLY_READS: Final = tuple(dict.fromkeys(op for ops in kind_operations() for op in ops.apply_reads
                                         if op not in READS))

# Every write a plan can hold. TagResource records the fingerprints of write-only
# secrets (Apple's private key) and images in ``poolsync:`` tags.
WRITES: Final = tuple(dict.fromkeys(op for ops in kind_operations() for op in ops.writes))

# ``poolsync smoke``: the throwaway user's life, as an administrator sees it (the admin
# calls IAM authorizes). The user's own calls (SignUp, InitiateAuth,
# RespondToAuthChallenge, AssociateSoftwareToken, VerifySoftwareToken) are
# unauthenticated: botocore sends them unsigned (``"authtype": "none"`` in its model),
# so no IAM policy applies to them. The JWKS, discovery document and hosted UI are
# public pages.
SMOKE_CALLS: Final = ("AdminCreateUser", "AdminConfirmSignUp", "AdminInitiateAuth",
                      "AdminRespondToAuthChallenge", "AdminGetUser", "AdminDeleteUser")

# The reads only the kinds with their own ``read`` make (kinds.parts()).
_OWN_READS: Final = frozenset(op for part in parts() for op in part.reads) - frozenset(
    op for kind in all_kinds() if kind.read is None for op in kind.reads)

USES: Final[Mapping[str, tuple[str, ...]]] = {
    "plan": READS,
    "drift": READS,  # drift is a plan rendered as a report (engine.plan)
    # reads every collection of the pools it exports, not what only the file holds
    "export": tuple(op for op in READS if op not in {
        op for part in parts() if not part.exported for op in part.reads}),
    # the reads of a plan (engine.read_live) but those of the kinds with their own reads,
    # which print no output (cli.output_command)
    "output": tuple(op for op in READS if op not in _OWN_READS),
    "apply": READS + APPLY_READS + WRITES,
    "smoke": READS + SMOKE_CALLS,  # finds the pools as output does (engine.read_live)
}

# Actions the Service Authorization Reference ("Actions, resources, and condition keys
# for Amazon Cognito User Pools") lists with no resource type: they act on the account
# (the pool does not exist yet, or the request names a domain, not a pool), so only
# ``"Resource": "*"`` grants them. Every other action poolsync calls takes the userpool
# resource type. (DescribeUserPoolDomain takes only ``Domain``; the reference lists no
# resource for it. If a future revision adds one, ``*`` still works, only wider.)
ACCOUNT_LEVEL: Final = frozenset({"ListUserPools", "CreateUserPool", "DescribeUserPoolDomain"})

# Every user pool in every region of the account the credentials belong to. Narrow it
# to ``arn:aws:cognito-idp:REGION:ACCOUNT:userpool/POOL_ID`` when the pools are known;
# other partitions write ``aws-cn`` or ``aws-us-gov`` for ``aws``.
POOL_ARN: Final = "arn:aws:cognito-idp:*:*:userpool/*"

SERVICE: Final = "cognito-idp"


def operations(use: str) -> tuple[str, ...]:
    """The Cognito operations ``use`` (plan, drift, export, output, apply, smoke) calls, in list
    order."""
    return tuple(dict.fromkeys(USES[use]))


def policy(use: str) -> dict[str, Any]:
    """The IAM policy document for ``use``: one statement for the actions that take a
    user pool ARN, one for those that only ``*`` grants."""
    ops = operations(use)
    pool_level = sorted(op for op in ops if op not in ACCOUNT_LEVEL)
    account_level = sorted(op for op in ops if op in ACCOUNT_LEVEL)
    name = use.capitalize()
    statements = [
        {"Sid": f"Poolsync{name}UserPools", "Effect": "Allow",
         "Action": [f"{SERVICE}:{op}" for op in pool_level], "Resource": POOL_ARN},
        {"Sid": f"Poolsync{name}Account", "Effect": "Allow",
         "Action": [f"{SERVICE}:{op}" for op in account_level], "Resource": "*"},
    ]
    return {"Version": "2012-10-17", "Statement": [s for s in statements if s["Action"]]}


def policy_json(use: str) -> str:
    return json.dumps(policy(use), indent=2) + "\n"
