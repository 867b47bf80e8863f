"""Checking the tokens a sign-in returns, as the Cognito developer guide says to
("Verifying a JSON web token",
https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html):
the signature with the pool's JSON Web Key of the token's ``kid``; ``exp`` in the future;
``iss`` the pool's issuer; for an ID token ``aud``, for an access token ``client_id``,
the app client's id; ``token_use`` ``id`` or ``access``. PyJWT does the JOSE work: the
only module that imports jwt."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

# Cognito signs its tokens with RS256 (the JWKS keys' "alg"; developer guide, above).
ALGORITHMS: Final = ["RS256"]


class TokenProblem(Exception):
    """The token failed a check; the message names the check, never the token."""


@dataclass(frozen=True)
class Verified:
    kid: str
    algorithm: str
    expires_in: int  # seconds from the check to ``exp``
    claims: Mapping[str, Any]


def verify(token: str, jwks: Mapping[str, Any], *, issuer: str, token_use: str,
           client_id: str, now: float) -> Verified:
    """``token`` checked against ``jwks`` (the pool's ``/.well-known/jwks.json``)."""
    import jwt

    try:
        header = jwt.get_unverified_header(token)
        kid = str(header.get("kid"))
        keys = {str(k.get("kid")): k for k in jwks.get("keys") or []}
        if kid not in keys:
            raise TokenProblem(f"its key id {kid!r} is not in the pool's JWKS "
                               f"(which has {', '.join(sorted(keys)) or 'no key'})")
        key = jwt.PyJWK.from_dict(dict(keys[kid]))
        audience = client_id if token_use == "id" else None
        claims = jwt.decode(
            token, key=key.key, algorithms=ALGORITHMS, issuer=issuer, audience=audience,
            options={"require": ["exp", "iss", "token_use"], "verify_aud": audience is not None})
    except jwt.PyJWTError as exc:
        raise TokenProblem(str(exc)) from exc
    if claims.get("token_use") != token_use:
        raise TokenProblem(f"token_use is {claims.get('token_use')!r}, not {token_use!r}")
    if token_use == "access" and claims.get("client_id") != client_id:
        raise TokenProblem(f"client_id is {claims.get('client_id')!r}, not the app "
                           f"client's {client_id}")
    return Verified(kid, str(header.get("alg")), int(claims["exp"] - now), claims)
