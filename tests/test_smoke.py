"""``poolsync smoke`` through the CLI against the stand-in served over HTTP (the JWKS
is fetched from it as from AWS), and its parts on their own: the policy (client, flow,
password, refusal) and the steps with a fake Cognito and clock."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from poolsync.aws import AwsSession
from poolsync.errors import AwsError
from poolsync.smoke import policy
from poolsync.smoke.report import STEPS
from poolsync.smoke.run import SmokeRun, Target
from poolsync.smoke.web import WebAnswer
from poolsync.standin import LocalCognito
from tests.conftest import REGION
from tests.conftest import cli as _cli

NO_MFA = """
    version: 1
    region: eu-west-1
    pools:
      shop:
        settings:
          Policies:
            PasswordPolicy: {MinimumLength: 40}
        clients:
          backend:
            GenerateSecret: true
            ExplicitAuthFlows: [ALLOW_REFRESH_TOKEN_AUTH]
          web:
            ExplicitAuthFlows: [ALLOW_USER_SRP_AUTH, ALLOW_REFRESH_TOKEN_AUTH]
    """

TOTP_REQUIRED = """
    version: 1
    region: eu-west-1
    pools:
      staff:
        settings:
          UsernameAttributes: [email]
          Schema:
            - {Name: email, AttributeDataType: String, Required: true, Mutable: true}
            - {Name: name, AttributeDataType: String, Required: true, Mutable: true}
        mfa:
          MfaConfiguration: "ON"
          SoftwareTokenMfaConfiguration: {Enabled: true}
        clients:
          app:
            GenerateSecret: true
            ExplicitAuthFlows: [ALLOW_USER_PASSWORD_AUTH, ALLOW_REFRESH_TOKEN_AUTH]
    """

ADMIN_ONLY = """
    version: 1
    region: eu-west-1
    pools:
      internal:
        settings:
          AdminCreateUserConfig: {AllowAdminCreateUserOnly: true}
        clients:
          tool:
            ExplicitAuthFlows: [ALLOW_ADMIN_USER_PASSWORD_AUTH, ALLOW_REFRESH_TOKEN_AUTH]
    """

SMS_ONLY = """
    version: 1
    region: eu-west-1
    pools:
      texts:
        settings:
          SmsConfiguration:
            SnsCallerArn: arn:aws:iam::123456789012:role/cognito-sms
            ExternalId: texts
        mfa:
          MfaConfiguration: "ON"
          SmsMfaConfiguration:
            SmsConfiguration:
              SnsCallerArn: arn:aws:iam::123456789012:role/cognito-sms
              ExternalId: texts
        clients:
          web: {ExplicitAuthFlows: [ALLOW_USER_SRP_AUTH]}
    """

BROKEN = """
    version: 1
    region: eu-west-1
    pools:
      broken:
        clients:
          machine:
            ExplicitAuthFlows: [ALLOW_REFRESH_TOKEN_AUTH, ALLOW_CUSTOM_AUTH]
    """


@pytest.fixture(scope="module")
def server() -> Iterator[LocalCognito]:
    with LocalCognito() as local:
        yield local


@pytest.fixture
def local(server: LocalCognito) -> AwsSession:
    """A session on the stand-in over HTTP, every pool forgotten first."""
    server.reset()
    return AwsSession(endpoint_url=server.endpoint_url, credentials=("x", "x"), share=None)


def _boto(session: AwsSession) -> Any:
    return session.cognito(REGION)._boto()  # type: ignore[attr-defined]


def _users(session: AwsSession) -> dict[str, list[str]]:
    """Every user of every pool, by pool name."""
    boto = _boto(session)
    return {p["Name"]: [u["Username"] for u in boto.list_users(UserPoolId=p["Id"])["Users"]]
            for p in boto.list_user_pools(MaxResults=60)["UserPools"]}


def _applied(session: AwsSession, write: Any, text: str, name: str = "pools.yaml") -> str:
    path = str(write(text, name))
    assert _cli(session, "apply", path, "--yes", "-q") == 0
    return path


def _smoke(session: AwsSession, capsys: pytest.CaptureFixture[str], *args: str,
           clock: Any = None) -> tuple[int, dict[str, Any], str]:
    """``smoke ARGS -o json`` through the CLI's seams (``clock``: smoke.run.Clock)."""
    from poolsync.cli import run

    capsys.readouterr()
    code = run(["smoke", *args, "-o", "json"], session_factory=lambda _: session,
               clock=clock)
    out = capsys.readouterr()
    return code, json.loads(out.out), out.err


class LaggingClock:
    """A TOTP run without real waiting, for the stand-in (which checks codes against
    its own clock, and accepts the current time step's code or the previous one's, as
    RFC 6238 section 5.2 recommends: standin/sign_in.py TOTP_STEPS_BACK). ``now`` is
    the real time one step (30 s) back, plus whatever ``sleep`` skipped: MFA setup
    answers with the previous step's code, and the sign-in's wait for the next step
    skips to the current one (the code that is due) at once. A run that starts within
    half a second of a step's end waits for the step to turn first, so that no code
    goes stale on its way to the stand-in."""

    def __init__(self) -> None:
        import time

        self.skipped = 0.0
        if time.time() % 30 > 29.5:
            time.sleep(30 - time.time() % 30 + 0.05)

    def now(self) -> float:
        import time

        return time.time() - 30 + self.skipped

    def sleep(self, seconds: float) -> None:
        self.skipped += seconds


def _steps(document: Mapping[str, Any], pool: int = 0) -> dict[str, dict[str, Any]]:
    return {s["name"]: s for s in document["pools"][pool]["steps"]}


# --- through the CLI ------------------------------------------------------------------


def test_a_pool_without_mfa_signs_up_with_srp_and_is_left_without_the_user(
        local: AwsSession, write: Any, capsys: pytest.CaptureFixture[str]) -> None:
    path = _applied(local, write, NO_MFA)
    capsys.readouterr()
    assert _cli(local, "smoke", path) == 0
    out = capsys.readouterr().out
    assert re.search(r"passed\s+create-user .* SignUp \(self-registration is on\)", out)
    assert re.search(r"passed\s+sign-in .* USER_SRP_AUTH, PASSWORD_VERIFIER answered", out)
    assert re.search(r"skipped\s+mfa-setup .* MFA is off", out)
    assert re.search(r"skipped\s+openid-configuration .* not AWS", out)
    assert "Smoke passed: 7 passed, 0 failed, 3 skipped." in out
    # The web client: the backend client (first in the file) allows no sign-in.
    assert "client web" in out
    assert _users(local) == {"shop": []}


def test_json_lists_every_step_with_its_status_and_time(
        local: AwsSession, write: Any, capsys: pytest.CaptureFixture[str]) -> None:
    path = _applied(local, write, NO_MFA)
    code, document, _ = _smoke(local, capsys, path)
    assert code == 0
    assert document["format_version"] == "1.0" and document["status"] == "passed"
    pool = document["pools"][0]
    assert set(pool) == {"name", "region", "user_pool_id", "status", "client", "client_id",
                         "flow", "username", "steps"}
    assert (pool["name"], pool["client"], pool["flow"]) == ("shop", "web", "USER_SRP_AUTH")
    assert pool["username"].startswith("poolsync-smoke-")
    assert [s["name"] for s in pool["steps"]] == list(STEPS)
    for step in pool["steps"]:
        assert set(step) == {"name", "status", "detail", "seconds"}
        assert (step["seconds"] is None) == (step["status"] == "skipped")
    steps = _steps(document)
    assert "/.well-known/jwks.json" in steps["id-token"]["detail"]
    assert "client_id, token_use access" in steps["access-token"]["detail"]


def test_a_pool_that_requires_totp_sets_up_an_authenticator_and_answers_its_code(
        local: AwsSession, write: Any, capsys: pytest.CaptureFixture[str]) -> None:
    """A confidential client (SECRET_HASH on every request), email as user name, two
    required attributes, USER_PASSWORD_AUTH, MFA required with TOTP."""
    import time

    path = _applied(local, write, TOTP_REQUIRED)
    started = time.monotonic()
    code, document, _ = _smoke(local, capsys, path, clock=LaggingClock())
    assert code == 0, document
    assert time.monotonic() - started < 10  # no real wait for the next TOTP step
    steps = _steps(document)
    assert "attributes: email, name" in steps["create-user"]["detail"]
    assert "simulator.amazonses.com" in document["pools"][0]["username"]
    assert steps["mfa-setup"]["status"] == "passed"
    assert "VerifySoftwareToken" in steps["mfa-setup"]["detail"]
    assert "SOFTWARE_TOKEN_MFA answered" in steps["sign-in"]["detail"]
    assert "confidential" in steps["client"]["detail"]
    assert _users(local) == {"staff": []}


def test_self_registration_off_creates_the_user_as_an_administrator(
        local: AwsSession, write: Any, capsys: pytest.CaptureFixture[str]) -> None:
    path = _applied(local, write, ADMIN_ONLY)
    code, document, _ = _smoke(local, capsys, path)
    assert code == 0, document
    steps = _steps(document)
    assert steps["create-user"]["detail"].startswith("AdminCreateUser with MessageAction "
                                                     "SUPPRESS (self-registration is off")
    assert "NEW_PASSWORD_REQUIRED answered" in steps["confirm-user"]["detail"]
    assert document["pools"][0]["flow"] == "ADMIN_USER_PASSWORD_AUTH"
    assert _users(local) == {"internal": []}


def test_a_client_that_allows_no_sign_in_fails_clearly_and_creates_no_user(
        local: AwsSession, write: Any, capsys: pytest.CaptureFixture[str]) -> None:
    path = _applied(local, write, BROKEN)
    capsys.readouterr()
    assert _cli(local, "smoke", path) == 1
    out = capsys.readouterr().out
    assert ("client machine allows ALLOW_REFRESH_TOKEN_AUTH, ALLOW_CUSTOM_AUTH, none of "
            "ALLOW_USER_SRP_AUTH, ALLOW_USER_PASSWORD_AUTH, ALLOW_ADMIN_USER_PASSWORD_AUTH "
            "(ExplicitAuthFlows): no user can sign in with a password through it") in out
    assert re.search(r"skipped\s+create-user\s+not run: client did not pass", out)
    assert re.search(r"skipped\s+delete-user\s+no user was created", out)
    assert "Smoke failed" in out
    assert _users(local) == {"broken": []}


def test_a_named_client_that_does_not_exist_fails_naming_the_clients(
        local: AwsSession, write: Any, capsys: pytest.CaptureFixture[str]) -> None:
    path = _applied(local, write, NO_MFA)
    code, document, _ = _smoke(local, capsys, path, "--client", "mobile")
    assert code == 1
    assert _steps(document)["client"]["detail"] == ("the pool has no app client named mobile "
                                                    "(it has: backend, web)")


def test_a_pool_whose_mfa_needs_an_sms_code_is_refused_with_exit_3(
        local: AwsSession, write: Any, capsys: pytest.CaptureFixture[str]) -> None:
    path = _applied(local, write, SMS_ONLY)
    code, document, err = _smoke(local, capsys, path)
    assert code == 3
    assert document["status"] == "refused" and document["pools"] == []
    assert ("pool texts: MFA is required with SMS only, so every sign-in needs a code sent "
            "by SMS or email, which poolsync cannot read") in document["reason"]
    assert "no user was created" in err
    assert _users(local) == {"texts": []}


def test_a_pool_that_does_not_exist_is_an_error(
        local: AwsSession, write: Any, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(NO_MFA)
    capsys.readouterr()
    assert _cli(local, "smoke", path) == 1
    assert "no live pool for shop (eu-west-1): apply creates it" in capsys.readouterr().err


def test_json_says_why_when_the_run_cannot_start(
        local: AwsSession, write: Any, capsys: pytest.CaptureFixture[str]) -> None:
    """-o json prints one document (docs/smoke.md) also when a pool does not exist or
    the files are not valid; the error goes to stderr, exit 1."""
    code, document, err = _smoke(local, capsys, write(NO_MFA))  # not applied
    assert code == 1
    assert document["status"] == "error" and document["pools"] == []
    assert document["reason"].startswith("no live pool for shop (eu-west-1)")
    assert "no live pool for shop" in err
    bad = write("version: 1\nregion: eu-west-1\npools:\n  p:\n    settings: {X: 1}\n",
                "bad.yaml")
    code, document, err = _smoke(local, capsys, bad)
    assert code == 1 and document["status"] == "error"
    assert document["reason"].startswith("the files are not valid (1 problem(s))")
    (problem,) = document["problems"]
    assert (problem["file"], problem["line"], problem["path"]) == (bad, 5, "pools.p.settings.X")
    assert "1 problem(s) found" in err


class _Interrupting:
    """Our own seam: the region's Cognito, raising ``exc`` when ``operation`` is called
    (as Ctrl-C arriving during that call would)."""

    def __init__(self, inner: Any, operation: str, exc: BaseException) -> None:
        self._inner, self._operation, self._exc = inner, operation, exc

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def call(self, call: Any) -> dict[str, Any]:
        if call.operation == self._operation:
            raise self._exc
        result: dict[str, Any] = self._inner.call(call)
        return result


def test_an_interrupted_run_still_deletes_the_user_and_exits_130(
        local: AwsSession, write: Any, capsys: pytest.CaptureFixture[str]) -> None:
    path = _applied(local, write, NO_MFA)
    local._clients[REGION] = _Interrupting(local.cognito(REGION), "InitiateAuth",
                                           KeyboardInterrupt())
    code, document, _ = _smoke(local, capsys, path)
    assert code == 130
    assert document["status"] == "interrupted"
    steps = _steps(document)
    assert steps["confirm-user"]["status"] == "passed"
    assert steps["sign-in"]["status"] == "failed"
    assert "interrupted" in steps["sign-in"]["detail"]
    assert steps["id-token"]["detail"] == "not run: the run was interrupted"
    assert steps["delete-user"]["status"] == "passed"
    local._clients[REGION] = local._clients[REGION]._inner  # type: ignore[attr-defined]
    assert _users(local) == {"shop": []}


def test_a_step_that_fails_still_deletes_the_user_and_exits_1(
        local: AwsSession, write: Any, capsys: pytest.CaptureFixture[str]) -> None:
    path = _applied(local, write, NO_MFA)
    local._clients[REGION] = _Interrupting(
        local.cognito(REGION), "RespondToAuthChallenge",
        AwsError("RespondToAuthChallenge", "InternalErrorException", "boom"))
    code, document, _ = _smoke(local, capsys, path)
    assert code == 1
    steps = _steps(document)
    assert steps["sign-in"]["detail"] == ("AWS RespondToAuthChallenge failed: "
                                          "InternalErrorException: boom")
    assert steps["delete-user"]["status"] == "passed"
    local._clients[REGION] = local._clients[REGION]._inner  # type: ignore[attr-defined]
    assert _users(local) == {"shop": []}


def test_no_password_token_or_key_reaches_stdout_or_the_debug_log(
        local: AwsSession, write: Any, capsys: pytest.CaptureFixture[str]) -> None:
    path = _applied(local, write, ADMIN_ONLY)
    capsys.readouterr()
    assert _cli(local, "smoke", path, "--debug") == 0
    out = capsys.readouterr()
    assert "AdminInitiateAuth" in out.err  # the debug log is there
    for shown in (out.out, out.err):
        assert not re.search(r"eyJ[A-Za-z0-9_-]{20,}", shown)  # a JWT
        assert not re.search(r'"(PASSWORD|NEW_PASSWORD|TemporaryPassword)": "[^(]', shown)


# --- the stand-in behaves as AWS where the steps depend on it -------------------------


def _pool(boto: Any, **settings: Any) -> str:
    return str(boto.create_user_pool(PoolName="p", **settings)["UserPool"]["Id"])


def _client(boto: Any, pool_id: str, *flows: str, secret: bool = False) -> dict[str, Any]:
    client: dict[str, Any] = boto.create_user_pool_client(
        UserPoolId=pool_id, ClientName="c", GenerateSecret=secret,
        ExplicitAuthFlows=list(flows))["UserPoolClient"]
    return client


def _code(exc: pytest.ExceptionInfo[Any]) -> str:
    return str(exc.value.response["Error"]["Code"])


def test_standin_refuses_sign_up_when_only_administrators_create_users(
        session: AwsSession) -> None:
    boto = _boto(session)
    pool_id = _pool(boto, AdminCreateUserConfig={"AllowAdminCreateUserOnly": True})
    client = _client(boto, pool_id, "ALLOW_USER_SRP_AUTH")
    with pytest.raises(Exception) as refused:
        boto.sign_up(ClientId=client["ClientId"], Username="u", Password="Aa1!aaaaaaaa")
    assert _code(refused) == "NotAuthorizedException"


def test_standin_wants_the_secret_hash_of_a_confidential_client(session: AwsSession) -> None:
    boto = _boto(session)
    pool_id = _pool(boto)
    client = _client(boto, pool_id, "ALLOW_USER_PASSWORD_AUTH", secret=True)
    with pytest.raises(Exception) as refused:
        boto.sign_up(ClientId=client["ClientId"], Username="u", Password="Aa1!aaaaaaaa")
    assert _code(refused) == "NotAuthorizedException"
    good = policy.secret_hash(client["ClientSecret"], "u", client["ClientId"])
    boto.sign_up(ClientId=client["ClientId"], Username="u", Password="Aa1!aaaaaaaa",
                 SecretHash=good)
    boto.admin_confirm_sign_up(UserPoolId=pool_id, Username="u")
    with pytest.raises(Exception) as refused:
        boto.initiate_auth(ClientId=client["ClientId"], AuthFlow="USER_PASSWORD_AUTH",
                           AuthParameters={"USERNAME": "u", "PASSWORD": "Aa1!aaaaaaaa"})
    assert _code(refused) == "NotAuthorizedException"


def test_standin_refuses_a_flow_the_client_does_not_allow(session: AwsSession) -> None:
    boto = _boto(session)
    pool_id = _pool(boto)
    client = _client(boto, pool_id, "ALLOW_USER_SRP_AUTH")
    boto.admin_create_user(UserPoolId=pool_id, Username="u", MessageAction="SUPPRESS")
    boto.admin_set_user_password(UserPoolId=pool_id, Username="u", Password="Aa1!aaaaaaaa",
                                 Permanent=True)
    with pytest.raises(Exception) as refused:
        boto.initiate_auth(ClientId=client["ClientId"], AuthFlow="USER_PASSWORD_AUTH",
                           AuthParameters={"USERNAME": "u", "PASSWORD": "Aa1!aaaaaaaa"})
    assert _code(refused) == "InvalidParameterException"
    assert "USER_PASSWORD_AUTH flow not enabled for this client" in str(refused.value)


def test_standin_asks_for_mfa_setup_and_checks_the_users_own_totp_key(
        session: AwsSession) -> None:
    from poolsync.smoke import totp

    boto = _boto(session)
    pool_id = _pool(boto)
    boto.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="ON",
                                  SoftwareTokenMfaConfiguration={"Enabled": True})
    client = _client(boto, pool_id, "ALLOW_USER_PASSWORD_AUTH")
    boto.admin_create_user(UserPoolId=pool_id, Username="u", MessageAction="SUPPRESS")
    boto.admin_set_user_password(UserPoolId=pool_id, Username="u", Password="Aa1!aaaaaaaa",
                                 Permanent=True)
    started = boto.initiate_auth(ClientId=client["ClientId"], AuthFlow="USER_PASSWORD_AUTH",
                                 AuthParameters={"USERNAME": "u", "PASSWORD": "Aa1!aaaaaaaa"})
    assert started["ChallengeName"] == "MFA_SETUP"
    assert json.loads(started["ChallengeParameters"]["MFAS_CAN_SETUP"]) == ["SOFTWARE_TOKEN_MFA"]
    associated = boto.associate_software_token(Session=started["Session"])
    assert associated["SecretCode"] != "asdfasdfasdf"  # not moto's one key for everyone
    import time

    code = totp.code(associated["SecretCode"], time.time())
    wrong = "000000" if code != "000000" else "111111"
    with pytest.raises(Exception) as refused:
        boto.verify_software_token(Session=associated["Session"], UserCode=wrong)
    assert _code(refused) == "EnableSoftwareTokenMFAException"
    verified = boto.verify_software_token(Session=associated["Session"], UserCode=code)
    assert verified["Status"] == "SUCCESS"


def _long(length: int) -> str:
    """A password of ``length`` characters with every class."""
    return "Aa1!" + "a" * (length - 4)


def test_standin_takes_passwords_up_to_256_characters_whatever_the_minimum(
        session: AwsSession) -> None:
    """PasswordPolicyType.MinimumLength is at most 99 and PasswordType at most 256
    characters (botocore); moto wanted fewer than 99 (``minimum <= len < 99``)."""
    boto = _boto(session)
    pool_id = _pool(boto, Policies={"PasswordPolicy": {"MinimumLength": 99}})
    client = _client(boto, pool_id, "ALLOW_USER_PASSWORD_AUTH")["ClientId"]
    for number, length in enumerate((99, 200, 256)):
        boto.sign_up(ClientId=client, Username=f"u{number}", Password=_long(length))
    boto.admin_create_user(UserPoolId=pool_id, Username="admin", MessageAction="SUPPRESS",
                           TemporaryPassword=_long(99))
    boto.admin_set_user_password(UserPoolId=pool_id, Username="admin", Password=_long(256),
                                 Permanent=True)
    boto.admin_confirm_sign_up(UserPoolId=pool_id, Username="u2")
    signed_in = boto.initiate_auth(ClientId=client, AuthFlow="USER_PASSWORD_AUTH",
                                   AuthParameters={"USERNAME": "u2", "PASSWORD": _long(256)})
    assert signed_in["AuthenticationResult"]["AccessToken"]
    with pytest.raises(Exception) as refused:  # the request's own limit: the model check
        boto.sign_up(ClientId=client, Username="u9", Password=_long(257))
    assert _code(refused) == "InvalidParameterException"
    with pytest.raises(Exception) as refused:
        boto.sign_up(ClientId=client, Username="u9", Password=_long(98))
    assert _code(refused) == "InvalidPasswordException"
    assert "not long enough" in str(refused.value)


def test_standin_checks_a_temporary_password_against_the_policy(session: AwsSession) -> None:
    """botocore AdminCreateUserRequest.TemporaryPassword: "must conform to the password
    policy"; moto took any."""
    boto = _boto(session)
    pool_id = _pool(boto, Policies={"PasswordPolicy": {"MinimumLength": 12}})
    for weak in ("Aa1!aaaa", "aa1!aaaaaaaaaa", "Aa1aaaaaaaaaaa"):
        with pytest.raises(Exception) as refused:
            boto.admin_create_user(UserPoolId=pool_id, Username="u", MessageAction="SUPPRESS",
                                   TemporaryPassword=weak)
        assert _code(refused) == "InvalidPasswordException", weak
    boto.admin_create_user(UserPoolId=pool_id, Username="u", MessageAction="SUPPRESS",
                           TemporaryPassword="Aa1!aaaaaaaa")
    boto.admin_create_user(UserPoolId=pool_id, Username="v", MessageAction="SUPPRESS")


def test_standin_password_rules() -> None:
    from poolsync.standin.sign_in import password_problem

    assert password_problem({"MinimumLength": 99}, _long(256)) is None
    assert password_problem({}, "Aa1!aaa") is not None  # 8 when the policy says nothing
    assert password_problem({"RequireSymbols": False}, "Aa1aaaaa") is None
    assert password_problem({}, "Aa1 aaaa") is None  # a space inside counts as a symbol
    assert password_problem({}, "Aa1aaaa ") is not None  # one at the end does not


def test_smoke_passes_on_a_pool_that_wants_99_characters(
        local: AwsSession, write: Any, capsys: pytest.CaptureFixture[str]) -> None:
    path = _applied(local, write, NO_MFA.replace("MinimumLength: 40", "MinimumLength: 99"))
    code, document, _ = _smoke(local, capsys, path)
    assert code == 0, document
    assert _users(local) == {"shop": []}


# --- the policy ---------------------------------------------------------------------


@pytest.mark.parametrize("minimum", [6, 8, 40, 99])
def test_the_password_meets_any_policy_of_its_minimum_length(minimum: int) -> None:
    password = policy.password({"MinimumLength": minimum})
    assert len(password) == max(policy.PASSWORD_LENGTH, minimum)
    for pattern in (r"[A-Z]", r"[a-z]", r"[0-9]", "[" + re.escape(policy.SYMBOLS) + "]"):
        assert re.search(pattern, password)
    assert policy.password({}) != policy.password({})


def test_flows_follow_explicit_auth_flows_defaults_and_legacy_values() -> None:
    assert policy.allowed_flows({}) == ["USER_SRP_AUTH"]  # Cognito's default set
    assert policy.allowed_flows({"ExplicitAuthFlows": ["ADMIN_NO_SRP_AUTH"]}) == [
        "ADMIN_USER_PASSWORD_AUTH"]
    assert policy.allowed_flows({"ExplicitAuthFlows": [
        "ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH"]}) == ["USER_SRP_AUTH",
                                                                 "USER_PASSWORD_AUTH"]
    assert policy.allowed_flows({"ExplicitAuthFlows": ["ALLOW_REFRESH_TOKEN_AUTH"]}) == []


def test_refusals_name_the_code_poolsync_cannot_read() -> None:
    totp_and_sms = {"MfaConfiguration": "ON", "SmsMfaConfiguration": {"x": 1},
                    "SoftwareTokenMfaConfiguration": {"Enabled": True}}
    phone_pool = {"UsernameAttributes": ["phone_number"]}
    assert policy.refusal("p", {}, {"MfaConfiguration": "OPTIONAL"}) is None
    assert policy.refusal("p", {}, totp_and_sms) is None
    assert "SMS code" in str(policy.refusal("p", phone_pool, totp_and_sms))
    assert "with email only" in str(policy.refusal(
        "p", {}, {"MfaConfiguration": "ON", "EmailMfaConfiguration": {"Message": "m"}}))


def test_a_phone_number_user_is_created_by_an_administrator_never_texted() -> None:
    pool = {"UsernameAttributes": ["phone_number"], "AutoVerifiedAttributes": ["phone_number"]}
    user = policy.throwaway(pool, "ab" * 12)
    assert re.fullmatch(r"\+120655501\d\d", user.username)
    assert policy.creation(pool, {}, user)[0] == "AdminCreateUser"


# --- the steps with a fake Cognito and clock ----------------------------------------


class _Clock:
    def __init__(self) -> None:
        self.at, self.slept = 1_000_000.0, 0.0

    def now(self) -> float:
        return self.at

    def sleep(self, seconds: float) -> None:
        self.at += seconds
        self.slept += seconds


class _FakeCognito:
    """Answers the calls of a USER_PASSWORD_AUTH run on an MFA-required pool (MFA_SETUP
    at the first sign-in, SOFTWARE_TOKEN_MFA at the next), recording each TOTP code."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.codes: list[str] = []
        self.signed_in = 0

    def call(self, operation: str, params: Mapping[str, Any]) -> dict[str, Any]:
        self.calls.append(operation)
        tokens = {"AuthenticationResult": {"IdToken": "i", "AccessToken": "a"}}
        if operation == "InitiateAuth":
            self.signed_in += 1
            if self.signed_in == 1:
                return {"ChallengeName": "MFA_SETUP", "Session": "s1",
                        "ChallengeParameters": {"MFAS_CAN_SETUP": '["SOFTWARE_TOKEN_MFA"]'}}
            return {"ChallengeName": "SOFTWARE_TOKEN_MFA", "Session": "s3",
                    "ChallengeParameters": {}}
        if operation == "AssociateSoftwareToken":
            return {"SecretCode": "JBSWY3DPEHPK3PXP", "Session": "s2"}
        if operation == "VerifySoftwareToken":
            self.codes.append(str(params["UserCode"]))
            return {"Status": "SUCCESS", "Session": "s2"}
        if operation == "RespondToAuthChallenge":
            code = params["ChallengeResponses"].get("SOFTWARE_TOKEN_MFA_CODE")
            if code:
                self.codes.append(str(code))
            return tokens
        return {}

    def get(self, url: str) -> WebAnswer:
        return WebAnswer(url, 404)


def test_the_sign_in_waits_for_a_fresh_totp_code_rather_than_reuse_one() -> None:
    """RFC 6238 section 5.2: a verifier accepts a code once. MFA setup used the code of
    the current step; the sign-in right after waits for the next step's."""
    fake, clock = _FakeCognito(), _Clock()
    target = Target("p", REGION, {"Id": "eu-west-1_x"},
                    {"MfaConfiguration": "ON",
                     "SoftwareTokenMfaConfiguration": {"Enabled": True}},
                    [{"ClientName": "c", "ClientId": "id",
                      "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH"]}])
    result = SmokeRun(fake, target, clock=clock).run()
    steps = {s.name: s for s in result.steps}
    assert steps["mfa-setup"].status == "passed"
    assert steps["sign-in"].status == "passed"
    assert "waited 20s for a fresh TOTP code" in steps["sign-in"].detail  # 10 s into a step
    assert len(fake.codes) == 2 and fake.codes[0] != fake.codes[1]
    assert 20 < clock.slept <= 21
    assert steps["id-token"].detail.endswith("answered HTTP 404")  # the fake has no JWKS
    assert fake.calls[-1] == "AdminDeleteUser"


class _StopAsked(_Clock):
    """A fake clock whose first sleep is where a signal arrives: ``stop`` turns true."""

    def __init__(self) -> None:
        super().__init__()
        self.asked = False
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.asked = True
        self.sleeps.append(seconds)
        super().sleep(seconds)


def _totp_target() -> Target:
    return Target("p", REGION, {"Id": "eu-west-1_x"},
                  {"MfaConfiguration": "ON", "SoftwareTokenMfaConfiguration": {"Enabled": True}},
                  [{"ClientName": "c", "ClientId": "id",
                    "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH"]}])


def test_a_stop_during_the_totp_wait_ends_it_and_deletes_the_user() -> None:
    """The wait for the next TOTP step (up to 30 s) sleeps in slices and ends at the
    first one after a signal asked the run to stop."""
    from poolsync.smoke.run import WAIT_SLICE

    fake, clock = _FakeCognito(), _StopAsked()
    result = SmokeRun(fake, _totp_target(), clock=clock,
                      stop_requested=lambda: clock.asked).run()
    steps = {s.name: s for s in result.steps}
    assert result.interrupted
    assert steps["sign-in"].status == "failed"
    assert "while waiting for a fresh TOTP code" in steps["sign-in"].detail
    assert clock.sleeps == [WAIT_SLICE]  # one slice, then it stopped
    assert steps["id-token"].detail == "not run: the run was interrupted"
    assert steps["delete-user"].status == "passed" and fake.calls[-1] == "AdminDeleteUser"


class _SignalDuringWait:
    """Frozen time (so the sign-in always waits for the next step) whose first sleep
    sends ``signum`` to this process, as ``docker stop`` or a closed terminal would;
    each sleep really sleeps, up to 0.3 s."""

    def __init__(self, signum: int) -> None:
        import time

        self.at, self.signum = time.time(), signum
        self.sleeps: list[float] = []

    def now(self) -> float:
        return self.at + sum(self.sleeps)

    def sleep(self, seconds: float) -> None:
        import os
        import time

        if not self.sleeps:
            os.kill(os.getpid(), self.signum)
        self.sleeps.append(seconds)
        time.sleep(min(seconds, 0.3))


@pytest.mark.parametrize("name", ["SIGTERM", "SIGINT", "SIGHUP"])
def test_the_first_signal_ends_the_totp_wait_and_deletes_the_user(
        local: AwsSession, write: Any, capsys: pytest.CaptureFixture[str], name: str) -> None:
    """One SIGTERM, Ctrl-C or SIGHUP (a closed terminal, a dropped SSH connection) during
    the wait for a fresh TOTP code: the wait ends, the user is deleted, exit 130."""
    import signal

    signum = getattr(signal, name)
    path = _applied(local, write, TOTP_REQUIRED)
    clock = _SignalDuringWait(signum)
    # Were the signal not handled, its default action would end pytest itself.
    previous = signal.signal(signum, lambda *_: None)
    try:
        code, document, err = _smoke(local, capsys, path, clock=clock)
    finally:
        signal.signal(signum, previous)
    assert code == 130, document
    assert sum(clock.sleeps) <= 0.2  # the first slice, not the rest of the 30 s
    steps = _steps(document)
    assert steps["sign-in"]["status"] == "failed"
    assert "while waiting for a fresh TOTP code" in steps["sign-in"]["detail"]
    assert steps["delete-user"]["status"] == "passed"
    assert "stopping after the step in progress" in err
    assert _users(local) == {"staff": []}


def test_an_ignored_hangup_stays_ignored() -> None:
    """nohup runs a command with SIGHUP ignored so that it outlives the terminal."""
    import signal

    from poolsync.cli import stop_signals

    previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        assert signal.SIGHUP not in stop_signals()
    finally:
        signal.signal(signal.SIGHUP, previous)
    assert {signal.SIGINT, signal.SIGTERM} <= set(stop_signals())


# --- iam-policy --for smoke grants what a run calls -----------------------------------

UNSIGNED = {"SignUp", "InitiateAuth", "RespondToAuthChallenge", "AssociateSoftwareToken",
            "VerifySoftwareToken"}


def test_the_smoke_policy_grants_every_signed_call_of_a_run(
        local: AwsSession, write: Any, capsys: pytest.CaptureFixture[str]) -> None:
    from poolsync import iam

    admin = _applied(local, write, ADMIN_ONLY, "admin.yaml")
    shop = _applied(local, write, NO_MFA, "shop.yaml")
    before = len(local.records())
    assert _cli(local, "smoke", admin) == 0
    assert _cli(local, "smoke", shop) == 0
    called = {r.operation for r in local.records()[before:]}
    assert UNSIGNED & called  # the user's own calls were made, unsigned
    model = _boto(local).meta.service_model
    for operation in UNSIGNED:  # botocore sends them without a signature: no IAM
        assert model.operation_model(operation).auth_type == "none"
    assert called - UNSIGNED <= set(iam.operations("smoke"))
    missing = set(iam.SMOKE_CALLS) - {"AdminGetUser"} - called  # AdminGetUser: a lost create
    assert not missing, missing


def test_a_delete_cut_short_is_tried_again_and_a_second_cut_is_said_loudly() -> None:
    class Cutting(_FakeCognito):
        def __init__(self, cuts: int) -> None:
            super().__init__()
            self.cuts = cuts

        def call(self, operation: str, params: Mapping[str, Any]) -> dict[str, Any]:
            if operation == "AdminDeleteUser" and self.cuts:
                self.cuts -= 1
                raise KeyboardInterrupt
            return super().call(operation, params)

    target = Target("p", REGION, {"Id": "eu-west-1_x"}, {},
                    [{"ClientName": "c", "ClientId": "id"}])
    once = SmokeRun(Cutting(1), target, clock=_Clock()).run()
    assert once.steps[-1].status == "passed" and once.interrupted
    twice = SmokeRun(Cutting(2), target, clock=_Clock()).run()
    assert twice.steps[-1].status == "failed"
    assert twice.steps[-1].detail.startswith(
        f"THE THROWAWAY USER {twice.username} WAS NOT DELETED (interrupted twice): delete it "
        "with aws cognito-idp admin-delete-user --user-pool-id eu-west-1_x --username ")


def test_standin_checks_the_srp_password_claim(session: AwsSession) -> None:
    """The stand-in runs SRP's server side: the right password signs in, a wrong one is
    "Incorrect username or password." (moto alone accepts any signature)."""
    from poolsync.smoke.srp import SrpExchange

    boto = _boto(session)
    pool_id = _pool(boto)
    client = _client(boto, pool_id, "ALLOW_USER_SRP_AUTH")
    boto.admin_create_user(UserPoolId=pool_id, Username="u", MessageAction="SUPPRESS")
    boto.admin_set_user_password(UserPoolId=pool_id, Username="u", Password="Aa1!aaaaaaaa",
                                 Permanent=True)

    def sign_in(password: str) -> dict[str, Any]:
        srp = SrpExchange("u", password, pool_id, client["ClientId"], None)
        started = boto.initiate_auth(ClientId=client["ClientId"], AuthFlow="USER_SRP_AUTH",
                                     AuthParameters=srp.auth_parameters())
        answer: dict[str, Any] = boto.respond_to_auth_challenge(
            ClientId=client["ClientId"], ChallengeName="PASSWORD_VERIFIER",
            Session=started["Session"],
            ChallengeResponses=srp.answer(started["ChallengeParameters"]))
        return answer

    assert "AuthenticationResult" in sign_in("Aa1!aaaaaaaa")
    with pytest.raises(Exception) as refused:
        sign_in("Aa1!aaaaaaab")
    assert _code(refused) == "NotAuthorizedException"
    assert "Incorrect username or password." in str(refused.value)


class _FakeAws(_FakeCognito):
    """AWS's endpoint: the hosted UI and the discovery document answer as ``pages``."""

    def __init__(self, pages: dict[str, WebAnswer]) -> None:
        super().__init__()
        self.pages, self.fetched = pages, []  # type: list[str]

    def get(self, url: str) -> WebAnswer:
        self.fetched.append(url)
        return self.pages.get(url.split("?")[0], WebAnswer(url, 404))


def _web_target() -> Target:
    client = {"ClientName": "web", "ClientId": "cid", "AllowedOAuthFlows": ["code"],
              "CallbackURLs": ["https://app.example.com/cb"],
              "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH"]}
    return Target("p", REGION, {"Id": "eu-west-1_abc", "Domain": "shop-auth"}, {}, [client])


HOSTED = "https://shop-auth.auth.eu-west-1.amazoncognito.com"
ISSUER = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc"


def test_on_aws_the_hosted_ui_and_the_discovery_document_are_checked() -> None:
    discovery = {"issuer": ISSUER, "jwks_uri": ISSUER + "/.well-known/jwks.json",
                 "authorization_endpoint": HOSTED + "/oauth2/authorize"}
    fake = _FakeAws({
        HOSTED + "/login": WebAnswer(HOSTED + "/login", 200),
        ISSUER + "/.well-known/openid-configuration": WebAnswer(
            "", 200, body=json.dumps(discovery).encode()),
    })
    steps = {s.name: s for s in SmokeRun(fake, _web_target(), clock=_Clock()).run().steps}
    assert steps["hosted-ui"].status == "passed", steps["hosted-ui"]
    assert (f"{HOSTED}/login?client_id=cid&response_type=code"
            "&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb") in fake.fetched
    assert steps["openid-configuration"].status == "passed"


def test_a_hosted_ui_that_redirects_to_its_error_page_fails_with_the_error() -> None:
    fake = _FakeAws({HOSTED + "/login": WebAnswer(
        HOSTED + "/login", 302, {"location": "/error?error=redirect_mismatch"})})
    steps = {s.name: s for s in SmokeRun(fake, _web_target(), clock=_Clock()).run().steps}
    assert steps["hosted-ui"].status == "failed"
    assert steps["hosted-ui"].detail.endswith("redirects to the hosted UI's error page: "
                                              "redirect_mismatch")
    assert steps["openid-configuration"].detail.endswith("answered HTTP 404")
