"""The smoke test's steps, in order, against one pool through a small interface
(``SmokeApi``: Cognito calls and plain GETs), so the sequencing runs without AWS in
tests. Whatever happens (a failed step, an AWS error, Ctrl-C), the throwaway user is
deleted before ``SmokeRun.run`` returns, and no other user is ever touched: the only
user a call names is the one this run created, under a fresh random name.

Steps (report.STEPS; docs/smoke.md):

1. ``client``: the app client and its sign-in flow (policy.choose_client).
2. ``create-user``: SignUp, or AdminCreateUser with MessageAction SUPPRESS
   (policy.creation).
3. ``confirm-user``: AdminConfirmSignUp, or the first sign-in with the temporary
   password answering NEW_PASSWORD_REQUIRED.
4. ``mfa-setup``: when MFA is required: AssociateSoftwareToken, VerifySoftwareToken with
   a TOTP code, and the MFA_SETUP challenge answered.
5. ``sign-in``: the client's flow with the user's password (SRP's PASSWORD_VERIFIER,
   the SOFTWARE_TOKEN_MFA code when MFA is required): ID, access and refresh tokens.
6. ``id-token`` and 7. ``access-token``: verified against the pool's JWKS (tokens.py).
8. ``hosted-ui``: the client's hosted-UI sign-in page answers, on AWS.
9. ``openid-configuration``: the pool's OpenID discovery document, on AWS.
10. ``delete-user``: AdminDeleteUser, always.
"""

from __future__ import annotations

import datetime as dt
import json
import time
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Protocol

from poolsync.errors import AwsError, PoolsyncError
from poolsync.smoke import policy, totp
from poolsync.smoke.report import PoolSmoke, Status, StepResult
from poolsync.smoke.tokens import TokenProblem, verify
from poolsync.smoke.web import WebAnswer

# How many challenges one sign-in may answer before the run gives up: the longest
# conversation is PASSWORD_VERIFIER, NEW_PASSWORD_REQUIRED, MFA_SETUP.
MAX_CHALLENGES: Final = 6
# The name VerifySoftwareToken gives the throwaway user's authenticator.
DEVICE_NAME: Final = "poolsync-smoke"
# Redirects the hosted-UI check follows on the hosted UI's own host.
MAX_REDIRECTS: Final = 3
# A user AdminGetUser reports as created before the run started (minus this margin for
# clock skew) is not the run's, even if it has the run's name: never deleted.
CLOCK_MARGIN: Final = 300.0
# The longest the wait for a fresh TOTP code sleeps at once before it looks whether a
# signal asked the run to stop: the first SIGTERM, SIGHUP or Ctrl-C ends the wait within
# this, and the user is deleted well before a container's SIGKILL (``docker stop`` sends
# it 10 seconds after SIGTERM).
WAIT_SLICE: Final = 0.2


class SmokeApi(Protocol):
    """What the steps need from the outside: one Cognito call (params as botocore takes
    them; AwsError when Cognito refuses), one GET."""

    def call(self, operation: str, params: Mapping[str, Any]) -> dict[str, Any]: ...

    def get(self, url: str) -> WebAnswer: ...


class Clock(Protocol):
    def now(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def now(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


@dataclass(frozen=True)
class Target:
    """One pool as read before the run: DescribeUserPool's ``UserPool``,
    GetUserPoolMfaConfig's answer, its app clients (DescribeUserPoolClient, the file's
    first), and ``endpoint``: None when the calls go to AWS's own Cognito endpoint, else
    the URL they go to instead (AWS_ENDPOINT_URL: a local Cognito such as the stand-in)."""

    name: str
    region: str
    pool: Mapping[str, Any]
    mfa: Mapping[str, Any]
    clients: Sequence[Mapping[str, Any]]
    endpoint: str | None = None

    @property
    def pool_id(self) -> str:
        return str(self.pool["Id"])


class Failed(Exception):
    """The step failed; the message says why (never a secret)."""


class Skipped(Exception):
    """The step does not apply here, or cannot be checked here; the message says why."""


class Stopped(Exception):
    """A signal asked the run to stop while a step waited: the step ends there, as
    interrupted, and the user is deleted."""


@dataclass
class _Conversation:
    """What one sign-in answered, and where it ended: tokens, or a challenge handed to
    the next step (MFA_SETUP)."""

    answered: list[str]
    response: Mapping[str, Any]

    @property
    def tokens(self) -> Mapping[str, Any] | None:
        result = self.response.get("AuthenticationResult")
        return result if isinstance(result, Mapping) else None

    @property
    def challenge(self) -> str | None:
        name = self.response.get("ChallengeName")
        return str(name) if name else None


class SmokeRun:
    """Run every step on one pool: ``run()``. ``keep`` hears every secret the run makes
    or reads (passwords, the client secret, tokens, sessions, the TOTP key) so that no
    output or log shows it; ``stop_requested`` says a signal asked the run to stop (it
    stops after the step in progress, then deletes the user)."""

    def __init__(self, api: SmokeApi, target: Target, *, client: str | None = None,
                 clock: Clock | None = None, keep: Callable[[str], None] = lambda _: None,
                 stop_requested: Callable[[], bool] = lambda: False) -> None:
        self.api, self.target, self.wanted = api, target, client
        self.clock = clock or SystemClock()
        self.keep, self.stop_requested = keep, stop_requested
        self.results: list[StepResult] = []
        self.interrupted = False
        self.choice: policy.Choice | None = None
        self.user: policy.Throwaway | None = None
        self.method: str | None = None
        self.started = self.clock.now()
        self._created = False  # Cognito said it created the user
        self._may_exist = False  # a create was sent whose answer was lost
        self._parked: _Conversation | None = None  # an MFA_SETUP challenge for mfa-setup
        self._challenge_user: str | None = None
        self._totp_secret: str | None = None
        self._used_steps: set[int] = set()
        self._waited = 0.0
        self._tokens: Mapping[str, Any] | None = None
        self._jwks: Mapping[str, Any] | None = None

    # ------------------------------------------------------------------ the run

    def run(self) -> PoolSmoke:
        chain: list[tuple[str, Callable[[], str], tuple[str, ...]]] = [
            ("client", self._client, ()),
            ("create-user", self._create_user, ("client",)),
            ("confirm-user", self._confirm_user, ("create-user",)),
            ("mfa-setup", self._mfa_setup, ("confirm-user",)),
            ("sign-in", self._sign_in, ("mfa-setup",)),
            ("id-token", self._id_token, ("sign-in",)),
            ("access-token", self._access_token, ("sign-in",)),
            ("hosted-ui", self._hosted_ui, ("client",)),
            ("openid-configuration", self._openid_configuration, ()),
        ]
        try:
            for name, action, needs in chain:
                blocked = self._blocked(needs)
                if blocked is not None:
                    self._record(name, Status.SKIPPED, blocked)
                else:
                    self._attempt(name, action)
        finally:
            self._attempt("delete-user", self._delete_user, shielded=True)
        choice = self.choice
        return PoolSmoke(
            self.target.name, self.target.region, self.target.pool_id, tuple(self.results),
            client=choice.name if choice else None,
            client_id=choice.client_id if choice else None,
            flow=choice.flow if choice else None,
            username=self.user.username if self.user else None,
            interrupted=self.interrupted)

    def _blocked(self, needs: tuple[str, ...]) -> str | None:
        """Why a step cannot run: the run was interrupted, or a step it needs failed or
        did not run (a step skipped because it does not apply does not block)."""
        if self.interrupted or self.stop_requested():
            self.interrupted = True
            return "not run: the run was interrupted"
        done = {r.name: r for r in self.results}
        for need in needs:
            result = done.get(need)
            if result is None or result.status is Status.FAILED or (
                    result.status is Status.SKIPPED and result.detail.startswith("not run")):
                return f"not run: {need} did not pass"
        return None

    def _attempt(self, name: str, action: Callable[[], str], shielded: bool = False,
                 last_try: bool = False) -> None:
        """Run one step and record its result. ``shielded`` (the delete): a Ctrl-C
        during it is followed by one more try, and a second one is reported loudly."""
        started = time.perf_counter()
        try:
            detail, status = action(), Status.PASSED
        except Skipped as exc:
            self._record(name, Status.SKIPPED, str(exc))
            return
        except (Failed, policy.Unusable, TokenProblem, PoolsyncError) as exc:
            detail, status = str(exc), Status.FAILED
        except Stopped as exc:
            self.interrupted = True
            detail, status = str(exc), Status.FAILED
        except KeyboardInterrupt:
            self.interrupted = True
            if shielded:
                self._attempt(name, action, last_try=True)
                return
            detail, status = ("interrupted (Ctrl-C, SIGTERM or SIGHUP) during this step",
                              Status.FAILED)
            if last_try:
                detail = self._left_behind("interrupted twice")
        self._record(name, status, detail, time.perf_counter() - started)

    def _left_behind(self, why: str) -> str:
        username = self.user.username if self.user else "?"
        return (f"THE THROWAWAY USER {username} WAS NOT DELETED ({why}): delete it with "
                f"aws cognito-idp admin-delete-user --user-pool-id {self.target.pool_id} "
                f"--username {username}")

    def _record(self, name: str, status: Status, detail: str,
                seconds: float | None = None) -> None:
        self.results.append(StepResult(name, status, detail, seconds))

    # ------------------------------------------------------------------ calls

    def _call(self, operation: str, params: Mapping[str, Any]) -> dict[str, Any]:
        return self.api.call(operation, params)

    def _secret_hash(self, username: str) -> dict[str, str]:
        assert self.choice is not None
        secret = self.choice.secret
        if secret is None:
            return {}
        return {"SECRET_HASH": policy.secret_hash(secret, username, self.choice.client_id)}

    # ------------------------------------------------------------------ 1. client

    def _client(self) -> str:
        self.choice = choice = policy.choose_client(self.target.clients, self.wanted)
        if choice.secret:
            self.keep(choice.secret)
        how = "the client named" if self.wanted else "the first client that allows it"
        secret = ", confidential (SECRET_HASH from its secret)" if choice.secret else ""
        return f"{choice.name} ({choice.client_id}), {how}: signs in with {choice.flow}{secret}"

    # ------------------------------------------------------------------ 2. create

    def _create_user(self) -> str:
        assert self.choice is not None
        self.user = user = policy.throwaway(self.target.pool)
        self.keep(user.password)
        self.keep(user.temporary_password)
        self.method, why = policy.creation(self.target.pool, self.choice.client, user)
        attributes = f"attributes: {policy.attribute_names(user.attributes)}"
        self._may_exist = True
        try:
            if self.method == "SignUp":
                hashed = self._secret_hash(user.username)
                answer = self._call("SignUp", {
                    "ClientId": self.choice.client_id, "Username": user.username,
                    "Password": user.password, "UserAttributes": user.attribute_list(),
                    **({"SecretHash": hashed["SECRET_HASH"]} if hashed else {})})
                self._created = True
                sent = answer.get("CodeDeliveryDetails") or {}
                note = (f"; Cognito sent a code by {sent.get('DeliveryMedium', '?')} to "
                        f"{sent.get('Destination', '?')} (the SES mailbox simulator: no one "
                        "reads it)") if sent else ""
                return f"SignUp ({why}), {attributes}{note}"
            self._call("AdminCreateUser", {
                "UserPoolId": self.target.pool_id, "Username": user.username,
                "TemporaryPassword": user.temporary_password, "MessageAction": "SUPPRESS",
                "UserAttributes": user.attribute_list()})
            self._created = True
            return f"AdminCreateUser with MessageAction SUPPRESS ({why}), {attributes}"
        except AwsError:
            self._may_exist = False  # Cognito answered: it did not create the user
            raise

    # ------------------------------------------------------------------ 3. confirm

    def _confirm_user(self) -> str:
        assert self.user is not None and self.choice is not None
        if self.method == "SignUp":
            self._call("AdminConfirmSignUp", {"UserPoolId": self.target.pool_id,
                                              "Username": self.user.username})
            return "AdminConfirmSignUp (no code needed)"
        talk = self._sign_in_with(self.user.temporary_password,
                                  new_password=self.user.password, stop_at={"MFA_SETUP"})
        if "NEW_PASSWORD_REQUIRED" not in talk.answered:
            raise Failed("the first sign-in with the temporary password did not ask for a "
                         f"new password (it answered {', '.join(talk.answered) or 'nothing'})")
        if talk.challenge == "MFA_SETUP":
            self._parked = talk
        then = ("; Cognito then asks to set up MFA (next step)"
                if talk.challenge == "MFA_SETUP" else "; tokens issued")
        return (f"first sign-in ({self.choice.flow}) with the temporary password: "
                f"{', '.join(talk.answered)} answered{then}")

    # ------------------------------------------------------------------ 4. MFA setup

    def _mfa_setup(self) -> str:
        assert self.user is not None and self.choice is not None
        mode = policy.mfa_mode(self.target.mfa)
        if mode == "OFF":
            raise Skipped("MFA is off (MfaConfiguration OFF)")
        if mode == "OPTIONAL":
            raise Skipped("MFA is optional: a new user signs in without it until they set "
                          "it up")
        talk = self._parked or self._sign_in_with(self.user.password, stop_at={"MFA_SETUP"})
        self._parked = None
        if talk.challenge != "MFA_SETUP":
            answered = ", ".join(talk.answered) or "no challenge"
            ended = "tokens were issued" if talk.tokens else talk.challenge
            raise Failed(f"MFA is required, but the sign-in ({answered}) did not ask to set "
                         f"it up: {ended}")
        done = self._converse(talk.response, answered=[])
        if done.tokens is None:
            raise Failed(f"after MFA setup, Cognito asked for {done.challenge}")
        return ("AssociateSoftwareToken, VerifySoftwareToken with a TOTP code (pyotp), "
                "MFA_SETUP answered; tokens issued")

    def _set_up_totp(self, response: Mapping[str, Any]) -> Mapping[str, Any]:
        """Answer MFA_SETUP with an authenticator app (Cognito developer guide, "TOTP
        software token MFA": AssociateSoftwareToken with the challenge's session,
        VerifySoftwareToken with a code, then RespondToAuthChallenge MFA_SETUP)."""
        offered = _listed(response.get("ChallengeParameters", {}).get("MFAS_CAN_SETUP"))
        if offered and "SOFTWARE_TOKEN_MFA" not in offered:
            raise Failed(f"MFA setup offers only {', '.join(offered)}: a code by SMS or "
                         "email, which poolsync cannot read")
        associated = self._call("AssociateSoftwareToken", {"Session": response["Session"]})
        self._totp_secret = secret = str(associated["SecretCode"])
        self.keep(secret)
        self._keep_session(associated)
        now = self.clock.now()
        verified = self._call("VerifySoftwareToken", {
            "Session": associated["Session"], "UserCode": totp.code(secret, now),
            "FriendlyDeviceName": DEVICE_NAME})
        self._used_steps.add(totp.time_step(now))
        if verified.get("Status") != "SUCCESS":
            raise Failed(f"VerifySoftwareToken answered {verified.get('Status')!r}")
        self._keep_session(verified)
        return self._respond("MFA_SETUP", verified.get("Session"), {})

    def _fresh_code(self) -> str:
        """A TOTP code of a time step not used yet in this run: a verifier accepts each
        code once (RFC 6238, section 5.2), so the run waits for the next step when it
        would repeat one."""
        if self._totp_secret is None:
            raise Failed("Cognito asked for a TOTP code, but this run set up no "
                         "authenticator for the user")
        now = self.clock.now()
        if totp.time_step(now) in self._used_steps:
            self._wait(totp.next_step_in(now) + 0.5, "a fresh TOTP code")
            now = self.clock.now()
        self._used_steps.add(totp.time_step(now))
        return totp.code(self._totp_secret, now)

    def _wait(self, seconds: float, what: str) -> None:
        """Sleep ``seconds`` in slices of at most WAIT_SLICE, and stop (``Stopped``) as
        soon as a signal asks the run to: a wait of up to 30 seconds must not hold up
        the deletion of the user (the first signal only sets ``stop_requested``; the
        sleep it arrives in goes on, PEP 475)."""
        left = seconds
        while left > 0.001:
            if self.stop_requested():
                raise Stopped(f"interrupted (Ctrl-C, SIGTERM or SIGHUP) while waiting for "
                              f"{what}")
            part = min(left, WAIT_SLICE)
            self.clock.sleep(part)
            self._waited += part
            left -= part

    # ------------------------------------------------------------------ 5. sign in

    def _sign_in(self) -> str:
        assert self.user is not None and self.choice is not None
        self._waited = 0.0
        talk = self._sign_in_with(self.user.password)
        tokens = talk.tokens
        if tokens is None:
            raise Failed(f"no tokens: Cognito asked for {talk.challenge}")
        if policy.mfa_mode(self.target.mfa) == "ON" and "SOFTWARE_TOKEN_MFA" not in talk.answered:
            raise Failed("MFA is required, but Cognito signed the user in without asking "
                         "for the TOTP code")
        for key in ("IdToken", "AccessToken", "RefreshToken"):
            if tokens.get(key):
                self.keep(str(tokens[key]))
        missing = [k for k in ("IdToken", "AccessToken") if not tokens.get(k)]
        if missing:
            raise Failed(f"the sign-in returned no {' and no '.join(missing)}")
        self._tokens = tokens
        waited = (f" (waited {self._waited:.0f}s for a fresh TOTP code: each code is used "
                  "once)") if self._waited else ""
        answered = f", {', '.join(talk.answered)} answered" if talk.answered else ""
        issued = "ID, access and refresh" if tokens.get("RefreshToken") else "ID and access"
        return f"{self.choice.flow}{answered}: {issued} tokens issued{waited}"

    def _sign_in_with(self, password: str, *, new_password: str | None = None,
                      stop_at: frozenset[str] | set[str] = frozenset()) -> _Conversation:
        """Sign the user in with the client's flow and answer what Cognito asks, up to a
        challenge in ``stop_at`` (left for the caller) or tokens."""
        assert self.user is not None and self.choice is not None
        answered: list[str] = []
        self._challenge_user = self.user.username
        flow = self.choice.flow
        if flow == "USER_SRP_AUTH":
            from poolsync.smoke.srp import SrpExchange

            srp = SrpExchange(self.user.username, password, self.target.pool_id,
                              self.choice.client_id, self.choice.secret)
            response = self._call("InitiateAuth", {
                "AuthFlow": flow, "ClientId": self.choice.client_id,
                "AuthParameters": srp.auth_parameters()})
            if response.get("ChallengeName") != "PASSWORD_VERIFIER":
                raise Failed(f"USER_SRP_AUTH answered {response.get('ChallengeName')!r}, "
                             "not the PASSWORD_VERIFIER challenge")
            self._note_user(response)
            answered.append("PASSWORD_VERIFIER")
            response = self._respond("PASSWORD_VERIFIER", response.get("Session"),
                                     srp.answer(response.get("ChallengeParameters") or {}))
        else:
            parameters = {"USERNAME": self.user.username, "PASSWORD": password,
                          **self._secret_hash(self.user.username)}
            request = {"AuthFlow": flow, "ClientId": self.choice.client_id,
                       "AuthParameters": parameters}
            if flow == "ADMIN_USER_PASSWORD_AUTH":
                response = self._call("AdminInitiateAuth",
                                      {"UserPoolId": self.target.pool_id, **request})
            else:
                response = self._call("InitiateAuth", request)
        return self._converse(response, answered=answered, new_password=new_password,
                              stop_at=stop_at)

    def _converse(self, response: Mapping[str, Any], *, answered: list[str],
                  new_password: str | None = None,
                  stop_at: frozenset[str] | set[str] = frozenset()) -> _Conversation:
        for _ in range(MAX_CHALLENGES):
            self._keep_session(response)
            name = response.get("ChallengeName")
            if response.get("AuthenticationResult") or not name or name in stop_at:
                return _Conversation(answered, response)
            self._note_user(response)
            user = self._challenge_user or ""
            session = response.get("Session")
            if name == "NEW_PASSWORD_REQUIRED" and new_password is not None:
                response = self._respond(name, session, {"USERNAME": user,
                                                         "NEW_PASSWORD": new_password})
            elif name == "MFA_SETUP":
                response = self._set_up_totp(response)
            elif name == "SOFTWARE_TOKEN_MFA":
                response = self._respond(name, session, {
                    "USERNAME": user, "SOFTWARE_TOKEN_MFA_CODE": self._fresh_code()})
            elif name == "SELECT_MFA_TYPE":
                choices = _listed(response.get("ChallengeParameters", {}).get("MFAS_CAN_CHOOSE"))
                if "SOFTWARE_TOKEN_MFA" not in choices:
                    raise Failed(unanswerable(str(name)))
                response = self._respond(name, session, {"USERNAME": user,
                                                         "ANSWER": "SOFTWARE_TOKEN_MFA"})
            else:
                raise Failed(unanswerable(str(name)))
            answered.append(str(name))
        raise Failed(f"Cognito asked more than {MAX_CHALLENGES} challenges in one sign-in "
                     f"({', '.join(answered)})")

    def _respond(self, challenge: str, session: Any, responses: Mapping[str, str]
                 ) -> dict[str, Any]:
        """RespondToAuthChallenge (AdminRespondToAuthChallenge for the admin flow), with
        the SECRET_HASH of a confidential client: Cognito wants it on every answer
        ("Computing secret hash values")."""
        assert self.choice is not None
        answer = dict(responses)
        if "USERNAME" not in answer:
            answer["USERNAME"] = self._challenge_user or ""
        if "SECRET_HASH" not in answer:
            answer.update(self._secret_hash(answer["USERNAME"]))
        request: dict[str, Any] = {"ClientId": self.choice.client_id,
                                   "ChallengeName": challenge, "ChallengeResponses": answer,
                                   **({"Session": session} if session else {})}
        if self.choice.flow == "ADMIN_USER_PASSWORD_AUTH":
            return self._call("AdminRespondToAuthChallenge",
                              {"UserPoolId": self.target.pool_id, **request})
        return self._call("RespondToAuthChallenge", request)

    def _note_user(self, response: Mapping[str, Any]) -> None:
        """The user name challenges go by: Cognito names its internal one (the ``sub``
        of a pool that signs in with an email address) in ChallengeParameters USERNAME
        (or USER_ID_FOR_SRP); answers and their SECRET_HASH use it."""
        parameters = response.get("ChallengeParameters") or {}
        name = parameters.get("USERNAME") or parameters.get("USER_ID_FOR_SRP")
        if name:
            self._challenge_user = str(name)

    def _keep_session(self, response: Mapping[str, Any]) -> None:
        if response.get("Session"):
            self.keep(str(response["Session"]))

    # ------------------------------------------------------------------ 6, 7. tokens

    def _issuer(self) -> str:
        from poolsync.outputs import issuer_url

        issuer = issuer_url(self.target.region, self.target.pool_id)
        if issuer is None:
            raise Failed(f"{self.target.region} is not an AWS region: no issuer to check")
        return issuer

    def _jwks_url(self) -> str:
        """The pool's JWKS: the issuer's ``/.well-known/jwks.json`` on AWS; on another
        endpoint, the same path below it (where moto's server serves it:
        moto/cognitoidp/urls.py)."""
        from poolsync.outputs import jwks_url

        if self.target.endpoint is not None:
            return f"{self.target.endpoint.rstrip('/')}/{self.target.pool_id}/.well-known/jwks.json"
        return jwks_url(self._issuer())

    def _keys(self) -> Mapping[str, Any]:
        if self._jwks is None:
            url = self._jwks_url()
            self._jwks = _json(self.api.get(url), url)
        return self._jwks

    def _check_token(self, key: str, token_use: str) -> str:
        assert self.choice is not None and self._tokens is not None
        checked = verify(str(self._tokens[key]), self._keys(), issuer=self._issuer(),
                         token_use=token_use, client_id=self.choice.client_id,
                         now=self.clock.now())
        audience = "aud" if token_use == "id" else "client_id"
        return (f"{checked.algorithm} signature (kid {checked.kid}) from {self._jwks_url()}; "
                f"iss, {audience}, token_use {token_use}, exp in {checked.expires_in // 60} "
                "min")

    def _id_token(self) -> str:
        return self._check_token("IdToken", "id")

    def _access_token(self) -> str:
        return self._check_token("AccessToken", "access")

    # ------------------------------------------------------------------ 8, 9. the web

    def _not_aws(self, what: str) -> Skipped:
        return Skipped(f"the Cognito endpoint is {self.target.endpoint}, not AWS: {what}")

    def _hosted_ui(self) -> str:
        from poolsync.kinds.domain import sign_in_url

        assert self.choice is not None
        pool = self.target.pool
        domain = pool.get("CustomDomain") or pool.get("Domain")
        if not domain:
            raise Skipped("the pool has no domain, so no hosted UI")
        shape = {"Domain": domain, **({"CustomDomainConfig": {}} if pool.get("CustomDomain")
                                      else {})}
        url = sign_in_url(shape, self.target.region, self.choice.client_id,
                          self.choice.client)
        if url is None:
            raise Skipped(f"client {self.choice.name} has no hosted-UI sign-in: no code or "
                          "implicit flow with a callback URL")
        if self.target.endpoint is not None:
            raise self._not_aws(f"only AWS serves the hosted UI ({url})")
        answer = self.api.get(url)
        for _ in range(MAX_REDIRECTS):
            target = answer.location
            if answer.status not in (301, 302, 303, 307, 308) or target is None:
                break
            if urllib.parse.urlsplit(target).path.rstrip("/").endswith("/error"):
                query = urllib.parse.parse_qs(urllib.parse.urlsplit(target).query)
                raise Failed(f"{url} redirects to the hosted UI's error page: "
                             f"{', '.join(query.get('error', ['no reason given']))}")
            if urllib.parse.urlsplit(target).netloc != urllib.parse.urlsplit(url).netloc:
                break
            answer = self.api.get(target)
        if answer.status != 200:
            raise Failed(f"GET {answer.url} answered HTTP {answer.status}")
        return f"GET {url}: HTTP 200"

    def _openid_configuration(self) -> str:
        from poolsync.outputs import hosted_ui_url

        issuer = self._issuer()
        url = f"{issuer}/.well-known/openid-configuration"
        if self.target.endpoint is not None:
            raise self._not_aws(f"moto 5.2.1 serves the JWKS but no OpenID discovery "
                                f"document ({url})")
        document = _json(self.api.get(url), url)
        wrong = [f"{key} is {document.get(key)!r}, not {want!r}"
                 for key, want in (("issuer", issuer), ("jwks_uri", self._jwks_url()))
                 if document.get(key) != want]
        pool = self.target.pool
        domain = pool.get("CustomDomain") or pool.get("Domain")
        if domain:
            base = hosted_ui_url(str(domain), self.target.region, bool(pool.get("CustomDomain")))
            found = str(document.get("authorization_endpoint") or "")
            if base and not found.startswith(base):
                wrong.append(f"authorization_endpoint is {found!r}, not on {base}")
        if wrong:
            raise Failed(f"{url}: " + "; ".join(wrong))
        return f"GET {url}: issuer and jwks_uri match"

    # ------------------------------------------------------------------ 10. delete

    def _delete_user(self) -> str:
        if self.user is None or not (self._created or self._may_exist):
            raise Skipped("no user was created")
        username = self.user.username
        if not self._created and not self._is_ours(username):
            raise Skipped(f"{username} was not created (the create's answer was lost, and "
                          "no user of that name was made by this run)")
        try:
            self._call("AdminDeleteUser", {"UserPoolId": self.target.pool_id,
                                           "Username": username})
        except AwsError as exc:
            if exc.code == "UserNotFoundException" and not self._created:
                raise Skipped(f"{username} was never created") from exc
            raise Failed(self._left_behind(str(exc))) from exc
        self._created = self._may_exist = False
        return f"AdminDeleteUser {username}"

    def _is_ours(self, username: str) -> bool:
        """Whether the user named ``username`` is this run's, when the create's answer
        was lost: it exists and was created after the run began."""
        try:
            found = self._call("AdminGetUser", {"UserPoolId": self.target.pool_id,
                                                "Username": username})
        except AwsError as exc:
            if exc.code == "UserNotFoundException":
                return False
            raise
        created = found.get("UserCreateDate")
        if not isinstance(created, dt.datetime):
            return False
        return created.timestamp() >= self.started - CLOCK_MARGIN


def unanswerable(challenge: str) -> str:
    """Why a challenge ends the run: it needs a code poolsync cannot read, or a Lambda
    or device the smoke test does not have (botocore ChallengeNameType)."""
    reasons = {
        "SMS_MFA": "a code sent by SMS", "SMS_OTP": "a code sent by SMS",
        "EMAIL_OTP": "a code sent by email",
        "CUSTOM_CHALLENGE": "an answer to the pool's custom (Lambda) challenge",
        "SELECT_MFA_TYPE": "a choice among MFA types without the authenticator app",
        "DEVICE_SRP_AUTH": "a remembered device", "DEVICE_PASSWORD_VERIFIER": "a remembered device",
        "NEW_PASSWORD_REQUIRED": "a new password for a user that already has one",
    }
    why = reasons.get(challenge, "an answer poolsync does not know how to give")
    return f"Cognito asked for {challenge}: {why}"


def _listed(value: Any) -> list[str]:
    """A list Cognito sends inside ChallengeParameters (string values only, botocore
    ChallengeParametersType), as JSON text: ``["SMS_MFA","SOFTWARE_TOKEN_MFA"]``."""
    if isinstance(value, list):
        return [str(v) for v in value]
    if not value:
        return []
    try:
        found = json.loads(str(value))
    except ValueError:
        return [part.strip() for part in str(value).split(",") if part.strip()]
    return [str(v) for v in found] if isinstance(found, list) else [str(found)]


def _json(answer: WebAnswer, url: str) -> Mapping[str, Any]:
    if answer.status != 200:
        raise Failed(f"GET {url} answered HTTP {answer.status}")
    try:
        document = json.loads(answer.body)
    except ValueError as exc:
        raise Failed(f"GET {url} answered something that is not JSON") from exc
    if not isinstance(document, dict):
        raise Failed(f"GET {url} answered JSON that is not an object")
    return document
