"""Secure Remote Password sign-in (USER_SRP_AUTH) with pycognito's ``AWSSRP``: the only
module that imports pycognito. pycognito is the SRP implementation Cognito users in
Python rely on (Home Assistant Cloud signs in with it); poolsync uses only its
arithmetic, never its own boto3 calls: the requests go through poolsync's AWS module
like every other call.

The exchange (Cognito developer guide, "Authentication flows": USER_SRP_AUTH sends
SRP_A, answers PASSWORD_VERIFIER with a signature over SECRET_BLOCK and a timestamp,
https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-authentication-flow-methods.html).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

# AWSSRP makes its own boto3 client when it is given none; this stands in for one so
# it never does (poolsync sends the requests).
_NO_CLIENT: Final = object()


class SrpExchange:
    """One USER_SRP_AUTH sign-in: ``auth_parameters`` for InitiateAuth (USERNAME, SRP_A,
    SECRET_HASH for a confidential client), then ``answer`` for the PASSWORD_VERIFIER
    challenge (the password claim signature)."""

    def __init__(self, username: str, password: str, pool_id: str, client_id: str,
                 client_secret: str | None) -> None:
        from pycognito.aws_srp import AWSSRP

        self._srp: Any = AWSSRP(username=username, password=password, pool_id=pool_id,
                                client_id=client_id, client=_NO_CLIENT,
                                client_secret=client_secret)
        self._parameters: dict[str, str] = dict(self._srp.get_auth_params())

    def auth_parameters(self) -> dict[str, str]:
        return dict(self._parameters)

    def answer(self, challenge: Mapping[str, Any]) -> dict[str, str]:
        """The PASSWORD_VERIFIER ChallengeResponses for Cognito's ChallengeParameters
        (SALT, SRP_B, SECRET_BLOCK, USER_ID_FOR_SRP, USERNAME)."""
        response: dict[str, str] = dict(
            self._srp.process_challenge(dict(challenge), self._parameters))
        return response
