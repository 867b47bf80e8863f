"""Authenticator-app codes (TOTP, RFC 6238) with pyotp: the only module that imports
pyotp. Cognito's software tokens are RFC 6238 with SHA-1, six digits and a 30-second
step, and its SecretCode is the base32 key ("TOTP software token MFA", Cognito developer
guide, https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-mfa-totp.html)."""

from __future__ import annotations

from typing import Final

from poolsync.errors import PoolsyncError

STEP_SECONDS: Final = 30
# The shortest key Cognito may send: SecretCodeType is at least 16 base32 characters
# (botocore), 80 bits. pyotp asks for 112 by default (NIST SP 800-63B); the key is
# Cognito's to choose, not ours.
MIN_KEY_BITS: Final = 80


def code(secret: str, at: float) -> str:
    """The six-digit code for ``secret`` at the Unix time ``at``."""
    import pyotp

    class CognitoTotp(pyotp.TOTP):
        min_secret_length_bits = MIN_KEY_BITS

    try:
        return str(CognitoTotp(secret, digits=6, interval=STEP_SECONDS).at(int(at)))
    except ValueError as exc:  # not base32, or shorter than any key Cognito sends
        raise PoolsyncError(f"the authenticator key Cognito sent cannot be used: {exc}"
                            ) from exc


def time_step(at: float) -> int:
    """The RFC 6238 time step ``at`` falls in: one code per step."""
    return int(at // STEP_SECONDS)


def next_step_in(at: float) -> float:
    """Seconds from ``at`` until the next time step begins."""
    return STEP_SECONDS - (at % STEP_SECONDS)
