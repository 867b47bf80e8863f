"""Signing users up and in as real Cognito does, where ``poolsync smoke`` depends on it.

moto 5.2.1 signs users up and in, issues RS256 tokens with the issuer, audience and
``token_use`` AWS documents, serves their JWKS (``/<pool id>/.well-known/jwks.json``,
moto/cognitoidp/urls.py) and answers the MFA challenges. Where it diverges (probed
against moto 5.2.1), each behaviour below is AWS's, with its source:

- SignUp in a pool that allows only administrators to create users is refused
  (``refuse_self_registration``).
- A confidential client's SignUp, InitiateAuth and AdminInitiateAuth need a SECRET_HASH
  (``check_secret_hash``); moto checks it for USER_SRP_AUTH and refresh only.
- A flow the client's ExplicitAuthFlows do not allow is refused (``check_flow``).
- A password sign-in of a user without MFA in a pool that requires it is the MFA_SETUP
  challenge, and one with an authenticator app is SOFTWARE_TOKEN_MFA
  (``mfa_after_password``); moto hands out tokens for USER_PASSWORD_AUTH and
  ADMIN_USER_PASSWORD_AUTH.
- MFAS_CAN_SETUP is JSON text, as every ChallengeParameters value is a string
  (``challenge_parameters_as_strings``).
- USER_SRP_AUTH's PASSWORD_VERIFIER answer is checked: the server side of SRP-6a with
  Cognito's group and key derivation (``srp_challenge``, ``check_password_claim``);
  moto sends random SRP_B and SALT and accepts any signature.
- AssociateSoftwareToken gives each user a random key of their own, and
  VerifySoftwareToken and the SOFTWARE_TOKEN_MFA answer check the code against it
  (``new_totp_key``, ``check_totp_code``); moto gives one fixed key to everyone and
  checks no code unless an environment variable says so.
- A password is checked against the pool's policy as AWS checks it
  (``check_password_policy``): at least MinimumLength characters with no upper bound of
  the policy's own, where moto wants fewer than 99 (``MinimumLength <= len(password) <
  99``, so a pool whose policy asks for 99 accepts no password); and AdminCreateUser's
  TemporaryPassword is checked too, which moto takes unchecked.
"""

from __future__ import annotations

import base64
import json
import os
import re
import time
from collections.abc import Mapping
from typing import Any, Final

from moto.cognitoidp.exceptions import (
    CodeMismatchException,
    InvalidParameterException,
    NotAuthorizedError,
)
from moto.cognitoidp.models import CognitoIdpBackend, RegionAgnosticBackend
from moto.cognitoidp.responses import CognitoIdpResponse
from moto.cognitoidp.utils import check_secret_hash as moto_secret_hash_matches
from moto.cognitoidp.utils import cognito_totp
from moto.core.exceptions import JsonRESTError

from poolsync.standin.patching import Patch

# Each sign-in flow and the ExplicitAuthFlows values that allow it (botocore
# CreateUserPoolClientRequest.ExplicitAuthFlows: each ALLOW_ value enables its flow;
# the legacy values ADMIN_NO_SRP_AUTH, USER_PASSWORD_AUTH and CUSTOM_AUTH_FLOW_ONLY).
FLOW_ALLOWED_BY: Final[Mapping[str, frozenset[str]]] = {
    "USER_SRP_AUTH": frozenset({"ALLOW_USER_SRP_AUTH"}),
    "USER_PASSWORD_AUTH": frozenset({"ALLOW_USER_PASSWORD_AUTH", "USER_PASSWORD_AUTH"}),
    "ADMIN_USER_PASSWORD_AUTH": frozenset({"ALLOW_ADMIN_USER_PASSWORD_AUTH",
                                           "ADMIN_NO_SRP_AUTH"}),
    "ADMIN_NO_SRP_AUTH": frozenset({"ALLOW_ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"}),
    "REFRESH_TOKEN_AUTH": frozenset({"ALLOW_REFRESH_TOKEN_AUTH"}),
    "REFRESH_TOKEN": frozenset({"ALLOW_REFRESH_TOKEN_AUTH"}),
    "CUSTOM_AUTH": frozenset({"ALLOW_CUSTOM_AUTH", "CUSTOM_AUTH_FLOW_ONLY"}),
}
# The flows that send the password, whose request carries the client's SECRET_HASH in
# AuthParameters ("Computing secret hash values", Cognito developer guide,
# https://docs.aws.amazon.com/cognito/latest/developerguide/signing-up-users-in-your-app.html#cognito-user-pools-computing-secret-hash).
PASSWORD_FLOWS: Final = frozenset({"USER_PASSWORD_AUTH", "ADMIN_USER_PASSWORD_AUTH",
                                   "ADMIN_NO_SRP_AUTH"})
# The characters Cognito counts as special in a password ("Adding user pool password
# requirements", Cognito developer guide,
# https://docs.aws.amazon.com/cognito/latest/developerguide/managing-users-passwords.html),
# besides a space that neither begins nor ends it; and the MinimumLength a policy that
# names none has (poolsync's Cognito default, kinds.settings.SETTINGS_DEFAULTS).
PASSWORD_SPECIAL: Final = frozenset("^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+-")
DEFAULT_MINIMUM_LENGTH: Final = 8
# RFC 6238 section 5.2: a verifier should accept the code of at most one time step
# before the current one (network delay); Cognito's own window is not documented.
TOTP_STEPS_BACK: Final = 1
TOTP_STEP: Final = 30

# SRP-6a as Cognito runs it (the 3072-bit group of RFC 5054 appendix A, g = 2; the key
# derivation and the signed message of the PASSWORD_VERIFIER challenge, as AWS's
# amazon-cognito-identity-js AuthenticationHelper computes them on the client side).
SRP_N: Final = int(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B2251"
    "4A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C"
    "42E9A637ED6B0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007C"
    "B8A163BF0598DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED52907"
    "7096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3BE39E772C180E86039B2783A2EC"
    "07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA051015728E5A8AAA"
    "C42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4"
    "C7ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64"
    "521F2B18177B200CBBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B"
    "82D120A93AD2CAFFFFFFFFFFFFFFFF", 16)
SRP_G: Final = 2
SRP_INFO: Final = b"Caldera Derived Key"

_moto_sign_up_response: Final = CognitoIdpResponse.sign_up
_moto_initiate_auth: Final = CognitoIdpBackend.initiate_auth
_moto_admin_initiate_auth: Final = CognitoIdpBackend.admin_initiate_auth
_moto_respond_to_auth_challenge: Final = CognitoIdpBackend.respond_to_auth_challenge
_moto_associate_software_token: Final = CognitoIdpBackend.associate_software_token
_moto_verify_software_token: Final = CognitoIdpBackend.verify_software_token
_moto_validate_password: Final = CognitoIdpBackend._validate_password
_moto_admin_create_user: Final = CognitoIdpBackend.admin_create_user


class EnableSoftwareTokenMFAException(JsonRESTError):
    """VerifySoftwareToken with a wrong code (botocore VerifySoftwareToken errors:
    "there is a code mismatch and the service fails to configure the software token
    TOTP multi-factor authentication")."""

    def __init__(self) -> None:
        super().__init__("EnableSoftwareTokenMFAException",
                         "Code mismatch and fail enable Software Token MFA")


class InvalidPasswordException(JsonRESTError):
    """botocore: "This exception is thrown when Amazon Cognito encounters an invalid
    password." moto's takes no message; this one says which rule failed (the wording
    is the stand-in's own, UNVERIFIED)."""

    def __init__(self, message: str) -> None:
        super().__init__("InvalidPasswordException", message)


# --- the rules ---------------------------------------------------------------------


def _has_special(password: str) -> bool:
    return any(c in PASSWORD_SPECIAL for c in password) or " " in password[1:-1]


def password_problem(policy: Mapping[str, Any], password: str) -> str | None:
    """Why ``password`` does not satisfy ``policy`` (a PasswordPolicyType), or None: at
    least MinimumLength characters and each character class the policy requires
    ("Adding user pool password requirements"). The policy sets no upper bound: a
    password is a PasswordType, at most 256 characters (botocore), and a longer one is
    refused by the request check like every model constraint (InvalidParameterException,
    validation.py) before the policy is looked at. PasswordPolicyType.MinimumLength is
    at most 99 (botocore), so a password of 99 characters fits every policy."""
    minimum = int(policy.get("MinimumLength") or DEFAULT_MINIMUM_LENGTH)
    if len(password) < minimum:
        return "Password did not conform with policy: Password not long enough"
    classes = (("RequireUppercase", re.compile(r"[A-Z]").search, "uppercase characters"),
               ("RequireLowercase", re.compile(r"[a-z]").search, "lowercase characters"),
               ("RequireNumbers", re.compile(r"[0-9]").search, "numeric characters"),
               ("RequireSymbols", _has_special, "symbol characters"))
    for member, found, what in classes:
        if policy.get(member, True) and not found(password):
            return f"Password did not conform with policy: Password must have {what}"
    return None


def check_password_policy(backend: Any, user_pool_id: str, password: str) -> None:
    """In place of moto's ``_validate_password`` (SignUp, the NEW_PASSWORD_REQUIRED
    answer, AdminSetUserPassword, ChangePassword, ConfirmForgotPassword):
    InvalidPasswordException (botocore SignUp errors) when ``password_problem`` finds
    one, where moto refuses every password of 99 characters or more."""
    pool = backend.describe_user_pool(user_pool_id)
    policy = (pool.extended_config.get("Policies") or {}).get("PasswordPolicy") or {}
    problem = password_problem(policy, password)
    if problem is not None:
        raise InvalidPasswordException(problem)


def refuse_self_registration(pool: Any) -> None:
    """SignUp needs ``AllowAdminCreateUserOnly`` false: "Set to True if only the
    administrator is allowed to create user profiles. Set to False if users can sign
    themselves up via an app" (botocore AdminCreateUserConfigType); SignUp answers
    NotAuthorizedException then (botocore SignUp errors)."""
    config = pool.extended_config.get("AdminCreateUserConfig") or {}
    if config.get("AllowAdminCreateUserOnly"):
        raise NotAuthorizedError("SignUp is not permitted for this user pool")


def check_secret_hash(client: Any, username: str | None, secret_hash: str | None) -> None:
    """A client with a secret needs the SECRET_HASH of the user name and client id
    keyed with that secret ("Computing secret hash values"; botocore
    SignUpRequest.SecretHash)."""
    if not client.generate_secret:
        return
    if not secret_hash:
        raise NotAuthorizedError(
            f"Client {client.id} is configured for secret but secret was not received")
    if not moto_secret_hash_matches(client.secret, client.id, username or "", secret_hash):
        raise NotAuthorizedError(f"Unable to verify secret hash for client {client.id}")


def check_flow(client: Any, flow: str) -> None:
    """The client must allow the flow in its ExplicitAuthFlows (botocore
    CreateUserPoolClientRequest.ExplicitAuthFlows; the client's settings as the
    stand-in stores them, standin/clients.py, defaults included)."""
    allowed = set((client.extended_config or {}).get("ExplicitAuthFlows") or [])
    if flow in FLOW_ALLOWED_BY and not allowed & FLOW_ALLOWED_BY[flow]:
        raise InvalidParameterException(f"{flow} flow not enabled for this client")


def mfa_after_password(backend: Any, pool: Any, username: str,
                       result: dict[str, Any]) -> dict[str, Any]:
    """After a password is accepted, MFA as the pool requires it (Cognito developer
    guide, "Adding MFA to a user pool": with MFA required, "users who don't have an MFA
    factor set up" must set one up at sign-in, the MFA_SETUP challenge of
    InitiateAuth's ChallengeName; a user with an authenticator app answers
    SOFTWARE_TOKEN_MFA). The tokens moto made instead are withdrawn."""
    if "AuthenticationResult" not in result:
        return result
    user = pool._get_user(username)
    totp_user = bool(user.token_verified or user.software_token_mfa_enabled)
    if pool.mfa_config == "ON":
        challenge = "SOFTWARE_TOKEN_MFA" if totp_user else "MFA_SETUP"
    elif pool.mfa_config == "OPTIONAL" and user.software_token_mfa_enabled:
        challenge = "SOFTWARE_TOKEN_MFA"
    else:
        return result
    _withdraw(pool, result["AuthenticationResult"])
    session = base64.b64encode(os.urandom(32)).decode()
    backend.sessions[session] = (username, pool)
    parameters = ({} if challenge == "SOFTWARE_TOKEN_MFA"
                  else {"MFAS_CAN_SETUP": json.dumps(_setup_choices(pool))})
    return {"ChallengeName": challenge, "ChallengeParameters": parameters,
            "Session": session}


def _setup_choices(pool: Any) -> list[str]:
    choices = []
    if (pool.token_mfa_config or {}).get("Enabled"):
        choices.append("SOFTWARE_TOKEN_MFA")
    if pool.sms_mfa_config:
        choices.append("SMS_MFA")
    if getattr(pool, "standin_email_mfa_config", None):
        choices.append("EMAIL_OTP")
    return choices


def _withdraw(pool: Any, tokens: Mapping[str, Any]) -> None:
    pool.access_tokens.pop(tokens.get("AccessToken"), None)
    pool.id_tokens.pop(tokens.get("IdToken"), None)
    pool.refresh_tokens.pop(tokens.get("RefreshToken"), None)


def challenge_parameters_as_strings(result: dict[str, Any]) -> dict[str, Any]:
    """ChallengeParameters maps strings to strings (botocore ChallengeParametersType);
    a list such as MFAS_CAN_SETUP is JSON text (``["SOFTWARE_TOKEN_MFA"]``). moto sends
    a JSON list, which botocore's response check refuses."""
    parameters = result.get("ChallengeParameters")
    if isinstance(parameters, dict):
        result["ChallengeParameters"] = {
            key: json.dumps(value) if isinstance(value, list) else value
            for key, value in parameters.items()}
    return result


def new_totp_key() -> str:
    """A user's own TOTP key, base32 as AssociateSoftwareToken's SecretCode is
    (botocore SecretCodeType: at least 16 characters of [A-Za-z0-9]; "TOTP software
    token MFA", Cognito developer guide: the key an authenticator app scans)."""
    return base64.b32encode(os.urandom(20)).decode().rstrip("=")


def check_totp_code(user: Any, code: str | None, error: JsonRESTError) -> None:
    """``code`` must be the user's current TOTP code (RFC 6238: SHA-1, six digits, 30
    seconds, as moto's own cognito_totp computes it), or the previous step's
    (TOTP_STEPS_BACK); else ``error``."""
    key = getattr(user, "standin_totp_key", None)
    if not key or not code:
        raise error
    now = time.time()
    for back in range(TOTP_STEPS_BACK + 1):
        if _totp_matches(key, code, now - back * TOTP_STEP):
            return
    raise error


def _totp_matches(key: str, code: str, at: float) -> bool:
    from cryptography.hazmat.primitives.twofactor import InvalidToken

    try:
        cognito_totp(key).verify(code.encode(), int(at))
    except InvalidToken:
        return False
    return True


def _padded(value: int | str) -> str:
    """A number as the even-length hex string SRP hashes: a leading 00 when its first
    digit has the high bit set, so it reads as positive (AuthenticationHelper.padHex)."""
    text = value if isinstance(value, str) else f"{value:x}"
    if len(text) % 2:
        return "0" + text
    return "00" + text if text[0] in "89abcdefABCDEF" else text


def _hash_hex(hex_text: str) -> int:
    import hashlib

    return int(hashlib.sha256(bytes.fromhex(hex_text)).hexdigest(), 16)


def _srp_k() -> int:
    return _hash_hex(_padded(SRP_N) + _padded(SRP_G))


def _srp_x(pool_id: str, user_id: str, password: str, salt: str) -> int:
    import hashlib

    inner = hashlib.sha256(f"{pool_id.split('_', 1)[1]}{user_id}:{password}".encode())
    return _hash_hex(_padded(salt) + inner.hexdigest())


def srp_challenge(pool: Any, user: Any, srp_a: str) -> tuple[dict[str, str], dict[str, Any]]:
    """The PASSWORD_VERIFIER ChallengeParameters for a user and the client's SRP_A, and
    the server's state for ``check_password_claim``: a random salt and b,
    B = k·v + g^b (v = g^x, x from the salt and the user's password)."""
    salt = os.urandom(16).hex()
    user_id = str(user.id)
    x = _srp_x(pool.id, user_id, str(user.password), salt)
    b = int.from_bytes(os.urandom(128), "big") % SRP_N
    big_b = (_srp_k() * pow(SRP_G, x, SRP_N) + pow(SRP_G, b, SRP_N)) % SRP_N
    block = base64.b64encode(os.urandom(32)).decode()
    parameters = {"SALT": salt, "SRP_B": f"{big_b:x}", "SECRET_BLOCK": block,
                  "USER_ID_FOR_SRP": user_id, "USERNAME": str(user.username)}
    state = {"pool_id": pool.id, "user_id": user_id, "x": x, "b": b, "B": big_b,
             "A": int(srp_a, 16)}
    return parameters, state


def check_password_claim(state: Mapping[str, Any], responses: Mapping[str, str]) -> None:
    """The PASSWORD_CLAIM_SIGNATURE must be the HMAC-SHA256, keyed with the SRP session
    key (HKDF of S = (A·v^u)^b, salted with u = H(A, B)), of the pool id's suffix, the
    user id, the secret block and the TIMESTAMP; else NotAuthorizedException
    "Incorrect username or password." (botocore RespondToAuthChallenge errors)."""
    import hashlib
    import hmac

    big_a, big_b = state["A"], state["B"]
    u = _hash_hex(_padded(big_a) + _padded(big_b))
    v = pow(SRP_G, state["x"], SRP_N)
    secret = pow(big_a * pow(v, u, SRP_N), state["b"], SRP_N)
    prk = hmac.new(bytes.fromhex(_padded(u)), bytes.fromhex(_padded(secret)),
                   hashlib.sha256).digest()
    key = hmac.new(prk, SRP_INFO + b"\x01", hashlib.sha256).digest()[:16]
    message = (state["pool_id"].split("_", 1)[1].encode() + state["user_id"].encode()
               + base64.b64decode(responses.get("PASSWORD_CLAIM_SECRET_BLOCK") or "")
               + (responses.get("TIMESTAMP") or "").encode())
    expected = base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()
    if not hmac.compare_digest(expected, responses.get("PASSWORD_CLAIM_SIGNATURE") or ""):
        raise NotAuthorizedError("Incorrect username or password.")


def _srp_states(backend: Any) -> dict[str, tuple[str, dict[str, Any]]]:
    """The SRP exchanges in progress, by SECRET_BLOCK: moto's session and the state."""
    states: dict[str, tuple[str, dict[str, Any]]] = backend.__dict__.setdefault(
        "standin_srp", {})
    return states


def _user_of(backend: Any, access_token: str | None, session: str | None) -> Any:
    if session and session in backend.sessions:
        username, pool = backend.sessions[session]
        return pool._get_user(username)
    for pool in backend.user_pools.values():
        if access_token and access_token in pool.access_tokens:
            return pool._get_user(pool.access_tokens[access_token][1])
    return None


def _pool_and_client(backend: Any, client_id: str) -> tuple[Any, Any]:
    for pool in backend.user_pools.values():
        if client_id in pool.clients:
            return pool, pool.clients[client_id]
    return None, None


# --- patched moto methods ----------------------------------------------------------


def _sign_up_response(response: Any) -> Any:
    client_id = response._get_param("ClientId")
    backend = RegionAgnosticBackend(response.current_account, response.region)
    pool, client = _pool_and_client(backend._find_backend_for_clientid(client_id), client_id)
    if pool is not None:
        refuse_self_registration(pool)
        check_secret_hash(client, response._get_param("Username"),
                          response._get_param("SecretHash"))
    return _moto_sign_up_response(response)


def _check_sign_in(client: Any, auth_flow: str, auth_parameters: Mapping[str, str]) -> None:
    """What InitiateAuth and AdminInitiateAuth both refuse before moto answers: a flow
    the client does not allow (``check_flow``), a password sign-in of a confidential
    client without its SECRET_HASH (``check_secret_hash``)."""
    if client is None:
        return
    check_flow(client, auth_flow)
    if auth_flow in PASSWORD_FLOWS:
        check_secret_hash(client, auth_parameters.get("USERNAME"),
                          auth_parameters.get("SECRET_HASH"))


def _initiate_auth(backend: Any, client_id: str, auth_flow: str,
                   auth_parameters: dict[str, str]) -> dict[str, Any]:
    pool, client = _pool_and_client(backend, client_id)
    _check_sign_in(client, auth_flow, auth_parameters)
    result: dict[str, Any] = _moto_initiate_auth(backend, client_id, auth_flow,
                                                 auth_parameters)
    if pool is not None and result.get("ChallengeName") == "PASSWORD_VERIFIER":
        user = pool._get_user(auth_parameters["USERNAME"])
        parameters, state = srp_challenge(pool, user, auth_parameters["SRP_A"])
        moto_session = result["ChallengeParameters"]["SECRET_BLOCK"]
        _srp_states(backend)[parameters["SECRET_BLOCK"]] = (moto_session, state)
        result = {**result, "ChallengeParameters": parameters}
    if pool is not None and auth_flow in PASSWORD_FLOWS:
        result = mfa_after_password(backend, pool, auth_parameters["USERNAME"], result)
    return challenge_parameters_as_strings(result)


def _admin_initiate_auth(backend: Any, user_pool_id: str, client_id: str, auth_flow: str,
                         auth_parameters: dict[str, str]) -> dict[str, Any]:
    pool = backend.describe_user_pool(user_pool_id)
    _check_sign_in(pool.clients.get(client_id), auth_flow, auth_parameters)
    result: dict[str, Any] = _moto_admin_initiate_auth(backend, user_pool_id, client_id,
                                                       auth_flow, auth_parameters)
    if auth_flow in PASSWORD_FLOWS:
        result = mfa_after_password(backend, pool, auth_parameters["USERNAME"], result)
    return challenge_parameters_as_strings(result)


def _respond_to_auth_challenge(backend: Any, session: str, client_id: str,
                               challenge_name: str,
                               challenge_responses: dict[str, str]) -> dict[str, Any]:
    if challenge_name == "PASSWORD_VERIFIER":
        block = challenge_responses.get("PASSWORD_CLAIM_SECRET_BLOCK") or ""
        found = _srp_states(backend).pop(block, None)
        if found is not None:
            moto_session, state = found
            check_password_claim(state, challenge_responses)
            # moto finds its session by the secret block it sent (its own session id).
            challenge_responses = {**challenge_responses,
                                   "PASSWORD_CLAIM_SECRET_BLOCK": moto_session}
    if challenge_name == "SOFTWARE_TOKEN_MFA":
        user = _user_of(backend, None, session)
        if user is not None:
            check_totp_code(user, challenge_responses.get("SOFTWARE_TOKEN_MFA_CODE"),
                            CodeMismatchException("Invalid code received for user"))
    result: dict[str, Any] = _moto_respond_to_auth_challenge(
        backend, session, client_id, challenge_name, challenge_responses)
    return challenge_parameters_as_strings(result)


def _associate_software_token(backend: Any, access_token: str, session: str
                              ) -> dict[str, str]:
    answer: dict[str, str] = _moto_associate_software_token(backend, access_token, session)
    user = _user_of(backend, access_token, session)
    if user is not None:
        user.standin_totp_key = new_totp_key()
        answer = {**answer, "SecretCode": user.standin_totp_key}
    return answer


def _verify_software_token(backend: Any, access_token: str, session: str, user_code: str,
                           friendly_device_name: str) -> dict[str, str]:
    user = _user_of(backend, access_token, session)
    if user is not None:
        check_totp_code(user, user_code, EnableSoftwareTokenMFAException())
    answer: dict[str, str] = _moto_verify_software_token(
        backend, access_token, session, user_code, friendly_device_name)
    return answer


def _admin_create_user(backend: Any, user_pool_id: str, username: str,
                       message_action: str, temporary_password: str,
                       attributes: list[dict[str, str]]) -> Any:
    """AdminCreateUser with its TemporaryPassword checked against the policy: it "must
    conform to the password policy that you specified when you created the user pool"
    (botocore AdminCreateUserRequest.TemporaryPassword); a blank or absent one is
    Cognito's to generate. moto takes any."""
    if temporary_password:
        check_password_policy(backend, user_pool_id, temporary_password)
    return _moto_admin_create_user(backend, user_pool_id, username, message_action,
                                   temporary_password, attributes)


PATCHES: Final = (
    Patch(CognitoIdpResponse, "sign_up", _moto_sign_up_response, _sign_up_response),
    Patch(CognitoIdpBackend, "initiate_auth", _moto_initiate_auth, _initiate_auth),
    Patch(CognitoIdpBackend, "admin_initiate_auth", _moto_admin_initiate_auth,
          _admin_initiate_auth),
    Patch(CognitoIdpBackend, "respond_to_auth_challenge", _moto_respond_to_auth_challenge,
          _respond_to_auth_challenge),
    Patch(CognitoIdpBackend, "associate_software_token", _moto_associate_software_token,
          _associate_software_token),
    Patch(CognitoIdpBackend, "verify_software_token", _moto_verify_software_token,
          _verify_software_token),
    Patch(CognitoIdpBackend, "_validate_password", _moto_validate_password,
          check_password_policy),
    Patch(CognitoIdpBackend, "admin_create_user", _moto_admin_create_user,
          _admin_create_user),
)
