"""Secrets never reach a log line or a traceback, even with ``--debug``, which turns on
botocore's own debug log: it writes every request's parameters (a provider's
``client_secret`` and ``private_key``, values from ``${env:...}``) and every response
body (the ``ClientSecret`` Cognito generates for a confidential client)."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse

from poolsync.aws import AwsSession
from poolsync.cli import State
from poolsync.logs import REDACTED, RedactingFilter, debug_logging, redact
from tests.conftest import EXAMPLE_SECRET
from tests.conftest import boto_cognito as _cognito
from tests.conftest import cli as _cli

APPLE_KEY = ("-----BEGIN PRIVATE KEY-----\nMIGTAgEAMBMGByqGSM49-never-logged\n"
             "AwEHBG0wawIBAQQg'quoted\"part\n-----END PRIVATE KEY-----")
KEY_BODY = ("MIGTAgEAMBMGByqGSM49-never-logged", "AwEHBG0wawIBAQQg")

CONFIG = """
    version: 1
    pools:
      app:
        region: eu-west-1
        identity_providers:
          Google:
            ProviderType: Google
            ProviderDetails:
              client_id: 123.apps.googleusercontent.com
              client_secret: ${env:GOOGLE_CLIENT_SECRET}
              authorize_scopes: openid email
          SignInWithApple:
            ProviderType: SignInWithApple
            ProviderDetails:
              client_id: com.example.app
              team_id: TEAM123456
              key_id: KEY1234567
              private_key: ${env:APPLE_KEY}
              authorize_scopes: email name
        clients:
          backend:
            GenerateSecret: true
            AllowedOAuthFlows: [client_credentials]
            AllowedOAuthScopes: [api/read]
            AllowedOAuthFlowsUserPoolClient: true
          web:
            SupportedIdentityProviders: [COGNITO, Google]
            CallbackURLs: [https://app.example.com/cb]
            AllowedOAuthFlows: [code]
            AllowedOAuthScopes: [openid]
            AllowedOAuthFlowsUserPoolClient: true
        resource_servers:
          api: {Name: API, Scopes: [{ScopeName: read, ScopeDescription: Read}]}
    """


def _generated_secrets(session: AwsSession) -> list[str]:
    """The ClientSecret of every client, read straight from the stand-in."""
    boto: Any = _cognito(session)._boto()
    secrets = []
    for pool in boto.list_user_pools(MaxResults=10)["UserPools"]:
        for client in boto.list_user_pool_clients(UserPoolId=pool["Id"], MaxResults=10)[
                "UserPoolClients"]:
            described = boto.describe_user_pool_client(
                UserPoolId=pool["Id"], ClientId=client["ClientId"])["UserPoolClient"]
            if described.get("ClientSecret"):
                secrets.append(described["ClientSecret"])
    return secrets


def _assert_no_secret(text: str, secrets: list[str]) -> None:
    for secret in [EXAMPLE_SECRET, APPLE_KEY, *KEY_BODY, *secrets]:
        assert secret not in text
        assert json.dumps(secret)[1:-1] not in text


def _assert_botocore_logged(err: str) -> None:
    """The test means something only if botocore's debug log was really on."""
    assert "botocore.endpoint [DEBUG] Making request for" in err
    assert "botocore.parsers [DEBUG] Response body" in err
    assert REDACTED in err


@pytest.fixture
def config(write: Callable[..., str], monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("APPLE_KEY", APPLE_KEY)
    path: str = write(CONFIG)
    return path


@pytest.fixture
def applied(session: AwsSession, config: str, capsys: pytest.CaptureFixture[str]
            ) -> Iterator[list[str]]:
    """``--debug apply`` has run; yields the client secrets Cognito generated."""
    assert _cli(session, "--debug", "apply", config, "--yes") == 0
    captured = capsys.readouterr()
    secrets = _generated_secrets(session)
    assert len(secrets) == 1
    _assert_botocore_logged(captured.err)
    _assert_no_secret(captured.out + captured.err, secrets)
    yield secrets


def test_debug_apply_logs_no_secret(applied: list[str]) -> None:
    pass  # asserted in the fixture, on the apply that created everything


def test_debug_plan_logs_no_secret(
        session: AwsSession, config: str, applied: list[str],
        capsys: pytest.CaptureFixture[str]) -> None:
    # DescribeUserPoolClient's response body carries the generated ClientSecret.
    assert _cli(session, "--debug", "plan", config, "--detailed-exitcode") == 0
    captured = capsys.readouterr()
    _assert_botocore_logged(captured.err)
    assert "DescribeUserPoolClient" in captured.err
    _assert_no_secret(captured.out + captured.err, applied)


def test_debug_plan_logs_no_secret_even_to_other_handlers(
        session: AwsSession, config: str, applied: list[str],
        caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]) -> None:
    """Records are redacted as they are made: a handler someone else installed (here
    pytest's own) never sees a secret either."""
    with caplog.at_level(logging.DEBUG):
        assert _cli(session, "--debug", "plan", config) == 0
    capsys.readouterr()
    assert "Response body" in caplog.text
    _assert_no_secret(caplog.text, applied)


def _failing_with_echo(session: AwsSession, operation: str) -> None:
    """Cognito answers ``operation`` with an error whose message echoes the request,
    secret included, as some validation errors do. It goes through botocore like a real
    answer (botocore logs the body, poolsync raises, --debug prints the traceback)."""
    boto: Any = _cognito(session)._boto()

    def answer(request: Any, **kwargs: Any) -> AWSResponse:
        body = json.dumps({"__type": "InvalidParameterException",
                           "message": f"invalid request: {request.body.decode()}"})
        return AWSResponse(request.url, 400, {"Content-Type": "application/x-amz-json-1.1"},
                           _Raw(body.encode()))

    boto.meta.events.register_first(f"before-send.cognito-idp.{operation}", answer)


class _Raw(io.BytesIO):
    def stream(self, **kwargs: Any) -> Iterator[bytes]:
        yield self.read()


def test_debug_apply_that_fails_with_an_aws_error_logs_no_secret(
        session: AwsSession, config: str, capsys: pytest.CaptureFixture[str]) -> None:
    _failing_with_echo(session, "CreateIdentityProvider")
    assert _cli(session, "--debug", "apply", config, "--yes") == 1
    captured = capsys.readouterr()
    _assert_botocore_logged(captured.err)
    assert "Traceback (most recent call last)" in captured.err
    assert "InvalidParameterException" in captured.err
    assert "invalid request: " in captured.err  # the echo is shown, the secret is not
    _assert_no_secret(captured.out + captured.err, [])


def test_apply_error_without_debug_names_no_secret(
        session: AwsSession, config: str, capsys: pytest.CaptureFixture[str]) -> None:
    _failing_with_echo(session, "CreateIdentityProvider")
    assert _cli(session, "apply", config, "--yes") == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert "botocore" not in captured.err
    assert "InvalidParameterException" in captured.err
    _assert_no_secret(captured.out + captured.err, [])


def test_a_generated_secret_in_a_response_is_redacted_after_a_create(
        session: AwsSession, config: str, capsys: pytest.CaptureFixture[str]) -> None:
    """The ClientSecret in CreateUserPoolClient's response is known to nobody before
    the call: only its key gives it away."""
    assert _cli(session, "--debug", "apply", config, "--yes") == 0
    captured = capsys.readouterr()
    [secret] = _generated_secrets(session)
    assert '"ClientSecret": "(sensitive)"' in captured.err
    assert secret not in captured.err


def test_debug_logging_is_removed_after_the_command(
        session: AwsSession, config: str, capsys: pytest.CaptureFixture[str]) -> None:
    handlers = list(logging.getLogger().handlers)
    factory = logging.getLogRecordFactory()
    assert _cli(session, "--debug", "plan", config) == 0
    assert logging.getLogger().handlers == handlers
    assert logging.getLogRecordFactory() is factory
    assert logging.getLogger("botocore").level == logging.NOTSET
    capsys.readouterr()
    assert _cli(session, "plan", config) == 0
    assert "botocore" not in capsys.readouterr().err


# --- the redaction itself ---------------------------------------------------------------


@pytest.mark.parametrize("line", [
    '{"ClientSecret": "abc123"}',
    "{'ClientSecret': 'abc123'}",
    "b'{\"UserPoolClient\": {\"ClientSecret\": \"abc123\", \"ClientId\": \"x\"}}'",
    '{"ProviderDetails": {"client_secret": "abc123", "client_id": "x"}}',
    "{'ProviderDetails': {'private_key': '-----BEGIN\\nabc123\\n-----END'}}",
    '{"private_key": "-----BEGIN\\nabc123 \\"q\\"\\n-----END"}',
    "{'X-Amz-Security-Token': b'abc123'}",
    "Action=X&ClientSecret=abc123&Version=1",
])
def test_values_of_secret_keys_are_redacted(line: str) -> None:
    redacted = redact(line, ())
    assert "abc123" not in redacted
    assert REDACTED in redacted


@pytest.mark.parametrize("secret", [
    "plain-secret", "multi\nline\nkey", "quote'and\"double", "back\\slash", "ünïcode-sécret",
])
def test_known_secrets_are_redacted_in_every_escaped_form(secret: str) -> None:
    forms = [secret, json.dumps(secret), repr(secret), repr(json.dumps(secret).encode()),
             repr(secret.encode()), repr({"x": secret}), repr(json.dumps({"x": secret}).encode())]
    for form in forms:
        redacted = redact(f"before {form} after", {secret})
        assert REDACTED in redacted, form
        for part in secret.splitlines():
            assert part not in redacted, (form, redacted)


def test_the_filter_redacts_arguments_and_tracebacks() -> None:
    secret = "s3cr3t-value"
    try:
        raise ValueError(f"bad value {secret}")
    except ValueError:
        import sys

        record = logging.LogRecord("botocore.x", logging.DEBUG, __file__, 1,
                                   "params: %s", ({"k": secret},), sys.exc_info())
    assert RedactingFilter(lambda: {secret}).filter(record)
    text = logging.Formatter().format(record)
    assert secret not in text
    assert "ValueError: bad value (sensitive)" in text


def test_secrets_learned_after_the_set_up_are_redacted() -> None:
    known: set[str] = set()
    stream = io.StringIO()
    with debug_logging(lambda: known) as handler:
        handler.setStream(stream)
        known.add("late-secret")  # the config loads after the options are parsed
        logging.getLogger("botocore.test").debug("body %s", "late-secret")
    assert "late-secret" not in stream.getvalue()
    assert "body (sensitive)" in stream.getvalue()


def test_state_redact_uses_the_same_rules() -> None:
    state = State(secrets={"multi\nline"})
    assert state.redact(repr("multi\nline")) == "'(sensitive)'"
    assert state.redact('"ClientSecret": "generated"') == '"ClientSecret": "(sensitive)"'


# --- the credentials of the session -------------------------------------------------------

SESSION_TOKEN = "IQoJb3JpZ2luX2VjEXAMPLE-session-token-never-logged"


def test_debug_never_logs_the_session_token_or_a_signature(
        cognito: None, config: str, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """botocore logs the canonical request (``x-amz-security-token:...``), the request's
    headers and each signature: temporary credentials are as secret as any value."""
    monkeypatch.setenv("AWS_SESSION_TOKEN", SESSION_TOKEN)
    session = AwsSession(share=None)
    assert _cli(session, "--debug", "plan", config) == 0
    err = capsys.readouterr().err
    _assert_botocore_logged(err)
    assert SESSION_TOKEN not in err
    assert "x-amz-security-token:(sensitive)" in err  # the canonical request's line
    assert "'X-Amz-Security-Token': b'(sensitive)'" in err
    assert "Signature=(sensitive)" in err and "Signature:\n(sensitive)" in err
    assert not re.search(r"Signature=[0-9a-f]{64}", err)


@pytest.mark.parametrize("line", [
    "CanonicalRequest:\nPOST\n/\n\nhost:cognito-idp.eu-west-1.amazonaws.com\n"
    "x-amz-security-token:abc123\nx-amz-target:X",
    "Authorization: AWS4-HMAC-SHA256 Credential=AKID/20240101/eu-west-1/cognito-idp/"
    "aws4_request, SignedHeaders=host, Signature=abc123abc123",
    "Signature:\nabc123abc123abc123abc123",
    "b'<AssumeRoleResult><Credentials><SecretAccessKey>abc123</SecretAccessKey>"
    "<SessionToken>abc123</SessionToken></Credentials></AssumeRoleResult>'",
    '{"roleCredentials": {"secretAccessKey": "abc123", "sessionToken": "abc123"}}',
    "{'x-amz-security-token': b'abc123'}",
])
def test_credentials_in_botocore_lines_are_redacted(line: str) -> None:
    redacted = redact(line, ())
    assert "abc123" not in redacted
    assert REDACTED in redacted


def test_the_credentials_of_the_environment_are_known_secrets() -> None:
    from poolsync.logs import credentials

    assert credentials({"AWS_SECRET_ACCESS_KEY": "k", "AWS_SESSION_TOKEN": "t",
                        "AWS_ACCESS_KEY_ID": "id"}) == {"k", "t"}


# --- short values, and fields that are secret where they are ------------------------------


def test_a_short_secret_is_redacted_only_where_it_stands_quoted() -> None:
    line = "params: {'Description': 'e', 'Name': 'everyone'} b'{\"Domain\": \"dev\"}' /dev/x"
    redacted = redact(line, {"e", "dev"})
    assert redacted == ("params: {'Description': '(sensitive)', 'Name': 'everyone'} "
                        "b'{\"Domain\": \"(sensitive)\"}' /dev/x")
    # On stdout and stderr (the last line of defence) a short value is never searched for.
    assert redact(line, {"e", "dev"}, quoted=False) == line


def test_a_long_secret_is_redacted_wherever_it_is() -> None:
    assert redact("https://x/cb?k=s3cr3t-value&y", {"s3cr3t-value"}, quoted=False) == (
        "https://x/cb?k=(sensitive)&y")


def test_values_of_fields_from_the_environment_are_redacted_in_logs() -> None:
    """The live value of a field that the file fills from ``${env:...}`` may be the
    secret rotated out, which this run does not know: the field's value goes, whatever
    it is (values and lists, JSON and repr)."""
    from poolsync.logs import SecretSet

    secrets = SecretSet({"new-value"})
    secrets.fields.update({"ExternalId", "CallbackURLs"})
    line = ("b'{\"SmsConfiguration\": {\"ExternalId\": \"old-value\", \"SnsRegion\": "
            "\"eu-west-1\"}, \"CallbackURLs\": [\"https://a/cb?k=old\"]}' "
            "{'ExternalId': 'old-value'}")
    redacted = redact(line, secrets)
    assert "old" not in redacted
    assert '"SnsRegion": "eu-west-1"' in redacted  # other keys are untouched
    assert "\"CallbackURLs\": [(sensitive)]" in redacted


def test_the_stdout_click_keeps_after_a_run_redacts_but_holds_nothing_of_the_run(
        capsys: pytest.CaptureFixture[str]) -> None:
    """click keeps the stream it wraps ``sys.stdout`` in for good (click/_compat.py,
    ``_make_cached_stream_func``: a WeakKeyDictionary whose value is the key). After a
    command, that stream still redacts the run's secrets, and holds nothing else of the
    run: in-process runs (the tests') once kept every session and boto3 client alive."""
    import gc
    import sys
    import weakref

    import click

    from poolsync.logs import SecretSet, redacted_output

    class Run:
        secrets = SecretSet({"s3cr3t-value-long"})

    def command() -> tuple[Any, weakref.ref[Run]]:
        run = Run()
        with redacted_output(lambda: run.secrets):
            click.echo("during the run")
            return sys.stdout, weakref.ref(run)

    kept, gone = command()
    gc.collect()
    assert gone() is None
    kept.write("after: s3cr3t-value-long\n")
    assert capsys.readouterr().out == "during the run\nafter: (sensitive)\n"
