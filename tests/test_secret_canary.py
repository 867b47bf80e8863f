"""The secret canary: distinctive secrets planted in every field that can hold one, and
every output of every command and format searched for them, ``--debug`` included.

Planted through ``${env:...}``: a provider's ``client_secret``, Apple's
``private_key``, the domain, a callback URL's query, a resource server's scope name
(and so the clients' scopes) and description, a group's description (in the pool and
in a template), a pool tag, the SMS external id, the region and, pinned, the pool id.
Written literally: a client's ``ClientSecret`` and a provider's ``client_secret``. And
the AWS credentials of the session (session token, secret key). Every canary but the
region and the pool id (which must be real) carries ``MARK``; the search looks for
``MARK`` itself, so no part of a canary may show, in any case.

Commands: validate; plan as text, JSON, markdown and ``--out``; apply as text and
JSON; drift as text, JSON and markdown; export to stdout and to a file; each with
``--debug`` and ``--stats`` too; and the error paths (cannot-apply reasons, invalid
values from the environment and in the file, an AWS error that echoes the request, a
variable POOLSYNC_ENV_ALLOW does not allow). Also: a short value (``e``, ``dev``,
``example``) hides its own field and nothing else.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse

from poolsync.aws import AwsSession
from tests.conftest import boto_cognito as _cognito
from tests.conftest import cli as _cli

MARK = "zq7xk"  # in no word, no hex digest, no base64 id by chance
REGION = "ap-southeast-4"  # a real region the stand-in serves, used by nothing else here
LITERAL_CLIENT_SECRET = f"canary_literal_client_secret_{MARK}"
LITERAL_PROVIDER_SECRET = f"canary-literal-facebook-secret-{MARK}"
CREDENTIALS = {"AWS_SESSION_TOKEN": f"canary-session-token-{MARK}",
               "AWS_SECRET_ACCESS_KEY": f"canary-secret-access-key-{MARK}"}


def _values(version: str = "") -> dict[str, str]:
    """The ``${env:...}`` values; ``version`` makes a rotated set (every one differs)."""
    v = version
    return {
        "REGION": REGION,
        "TAG": f"canary-tag{v}-{MARK}",
        "SMS_EXTERNAL_ID": f"canary-external-id{v}-{MARK}",
        "DOMAIN": f"canary-domain{v}-{MARK}",
        "GOOGLE_SECRET": f"canary-google-secret{v}-{MARK}",
        "APPLE_KEY": f"-----BEGIN PRIVATE KEY-----\ncanary-apple-key{v}-{MARK}\n"
                     "MIGTAgEAMBMGByqGSM49\n-----END PRIVATE KEY-----",
        "SCOPE": f"canary-scope{v}-{MARK}",
        "SCOPE_DESCRIPTION": f"canary scope description{v} {MARK}",
        "CALLBACK_KEY": f"canary-callback{v}-{MARK}",
        "GROUP_DESCRIPTION": f"canary group description{v} {MARK}",
        "TEMPLATE_DESCRIPTION": f"canary template description{v} {MARK}",
    }


CONFIG = f"""
    version: 1
    region: ${{env:REGION}}
    templates:
      base:
        groups:
          tmpl: {{Description: "${{env:TEMPLATE_DESCRIPTION}}"}}
    pools:
      shop:
        template: base
        ID_LINE
        settings:
          UserPoolTags: {{team: "${{env:TAG}}", owner: identity}}
          SmsConfiguration:
            SnsCallerArn: arn:aws:iam::123456789012:role/sms
            ExternalId: ${{env:SMS_EXTERNAL_ID}}
        domain: {{Domain: "${{env:DOMAIN}}"}}
        identity_providers:
          Google:
            ProviderType: Google
            ProviderDetails:
              client_id: 123.apps.googleusercontent.com
              client_secret: ${{env:GOOGLE_SECRET}}
              authorize_scopes: openid email
          SignInWithApple:
            ProviderType: SignInWithApple
            ProviderDetails:
              client_id: com.example.app
              team_id: TEAM123456
              key_id: KEY1234567
              private_key: ${{env:APPLE_KEY}}
              authorize_scopes: email name
          Facebook:
            ProviderType: Facebook
            ProviderDetails:
              client_id: "1234"
              client_secret: {LITERAL_PROVIDER_SECRET}
              authorize_scopes: public_profile,email
        resource_servers:
          api:
            Name: API
            Scopes: [{{ScopeName: "${{env:SCOPE}}", ScopeDescription: "${{env:SCOPE_DESCRIPTION}}"}}]
        clients:
          web:
            SupportedIdentityProviders: [COGNITO, Google, SignInWithApple, Facebook]
            CallbackURLs: ["https://app.example.com/cb?k=${{env:CALLBACK_KEY}}"]
            AllowedOAuthFlows: [code]
            AllowedOAuthScopes: [openid, "api/${{env:SCOPE}}"]
            AllowedOAuthFlowsUserPoolClient: true
          backend:
            ClientSecret: {LITERAL_CLIENT_SECRET}
            AllowedOAuthFlows: [client_credentials]
            AllowedOAuthScopes: ["api/${{env:SCOPE}}"]
            AllowedOAuthFlowsUserPoolClient: true
        groups:
          staff: {{Description: "${{env:GROUP_DESCRIPTION}}"}}
    """


class Run:
    """Runs commands as a user would and keeps everything they wrote: stdout, stderr,
    the log records any handler saw, and each file they wrote."""

    def __init__(self, session: AwsSession, capsys: pytest.CaptureFixture[str],
                 caplog: pytest.LogCaptureFixture, tmp: Path):
        self.session, self.capsys, self.caplog, self.tmp = session, capsys, caplog, tmp
        self.outputs: list[tuple[str, str]] = []  # (what, text)
        self.files: list[Path] = []

    def __call__(self, *args: str, code: int | None = 0) -> str:
        self.caplog.clear()
        status = _cli(self.session, *args)
        captured = self.capsys.readouterr()
        what = " ".join(args)
        self.outputs += [(f"{what} (stdout)", captured.out), (f"{what} (stderr)", captured.err),
                         (f"{what} (log records)", self.caplog.text)]
        if code is not None:
            assert status == code, f"{what}: exit {status}\n{captured.out}\n{captured.err}"
        return captured.out + captured.err

    def file(self, name: str) -> str:
        path = self.tmp / name
        self.files.append(path)
        return str(path)

    def everything(self) -> Iterator[tuple[str, str]]:
        yield from self.outputs
        for path in self.files:
            if path.exists():
                yield str(path), path.read_text()


def _forms(secret: str) -> list[str]:
    return [secret, json.dumps(secret)[1:-1], *(line for line in secret.splitlines()
                                                  if MARK in line)]


def assert_no_canary(run: Run, also: tuple[str, ...] = (), allow_identity_in: tuple[str, ...]
                     = ()) -> None:
    """No output shows a canary, nor any piece of one (``MARK``). The region and the
    pool id (``also``) may appear only in the plan files named in
    ``allow_identity_in``, as the region and id that the checksum pins."""
    assert run.outputs, "nothing was run"
    for what, text in run.everything():
        assert MARK not in text.lower(), f"{what}:\n{_around(text, MARK)}"
        for secret in (*CREDENTIALS.values(), LITERAL_CLIENT_SECRET, LITERAL_PROVIDER_SECRET):
            for form in _forms(secret):
                assert form not in text, f"{what}: {form!r}"
        if any(what.endswith(name) for name in allow_identity_in):
            document = json.loads(text)
            for pool in document["pools"]:
                pool["region"] = pool["pool_id"] = None
            text = json.dumps(document)
        for secret in (REGION, *also):
            assert secret not in text, f"{what}:\n{_around(text, secret)}"


def _around(text: str, needle: str) -> str:
    at = text.lower().find(needle.lower())
    return text[max(0, at - 300): at + 300]


@pytest.fixture
def run(cognito: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        caplog: pytest.LogCaptureFixture, tmp_path: Path) -> Run:
    for name, value in {**_values(), **CREDENTIALS}.items():
        monkeypatch.setenv(name, value)
    return Run(AwsSession(share=None), capsys, caplog, tmp_path)


def _write(run: Run, pool_id: str | None = None, name: str = "pools.yaml") -> str:
    import textwrap

    text = textwrap.dedent(CONFIG).replace(
        "ID_LINE", "id: ${env:POOL_ID}" if pool_id else "prune: false")
    path = run.tmp / name
    path.write_text(text)
    return str(path)


def _pool_id(run: Run) -> str:
    boto: Any = _cognito(run.session, REGION)._boto()
    (pool,) = boto.list_user_pools(MaxResults=10)["UserPools"]
    return str(pool["Id"])


def _every_plan_output(run: Run, config: str, code: int, *flags: str) -> None:
    run("plan", config, *flags, code=code)
    run("plan", config, "--output", "json", "--out", run.file("plan.json"), *flags, code=code)
    run("plan", config, "--output", "markdown", "--marker", "prod", *flags, code=code)
    run("--debug", "--stats", "plan", config, "--out", run.file("debug-plan.json"), *flags,
        code=code)


# --------------------------------------------------------------------------- the loop


def test_no_canary_in_a_first_plan_and_apply(run: Run) -> None:
    config = _write(run)
    run("validate", config)
    run("--debug", "validate", config)
    _every_plan_output(run, config, 0)
    out = run("--debug", "--stats", "apply", config, "--yes")
    assert "botocore.endpoint [DEBUG] Making request for" in out  # the log really ran
    assert "${env:DOMAIN}" in out  # the sign-in URL is there, masked
    run("apply", config, "--yes", "--output", "json")
    assert_no_canary(run, allow_identity_in=("plan.json",))


def test_no_canary_after_every_secret_is_rotated(run: Run, monkeypatch: pytest.MonkeyPatch
                                                 ) -> None:
    """The live pool holds the old values, the environment new ones: plan, drift and
    apply show neither (the old ones are what the live pool still uses)."""
    run("apply", _write(run), "--yes")
    pool_id = _pool_id(run)
    monkeypatch.setenv("POOL_ID", pool_id)
    for name, value in _values("-rotated").items():
        monkeypatch.setenv(name, value)
    config = _write(run, pool_id=pool_id)
    _every_plan_output(run, config, 3)  # the new domain prefix is a replacement
    allow = ("--allow-replace", "shop/domain")
    _every_plan_output(run, config, 0, *allow)
    out = run("plan", config, *allow)
    assert "CallbackURLs: [\"(sensitive)\"] → [\"https://app.example.com/cb?k=${env:CALLBACK_KEY}\"]" in out
    assert "shop (${env:REGION}, ${env:POOL_ID})" in out
    for output in ("text", "json", "markdown"):
        run("drift", config, "--output", output, code=2)
    run("--debug", "drift", config, code=2)
    run("--debug", "--stats", "apply", config, "--yes", "--output", "json", *allow)
    run("apply", config, "--yes")
    run("drift", config, "--output", "markdown")
    assert_no_canary(run, also=(pool_id,), allow_identity_in=("plan.json",))


def test_export_shows_no_secret(run: Run) -> None:
    """Export reads the live pool, which knows nothing of ``${env:...}``: the values
    that are secrets by kind (provider secrets, client secrets, Apple's key) never show;
    the others are the pool's configuration, exported as such."""
    run("apply", _write(run), "--yes")
    run.outputs.clear()
    for args in (("export", "--region", REGION, "--all"),
                 ("--debug", "export", "--region", REGION, "--all"),
                 ("export", "--region", REGION, "--all", "--out", run.file("export.yaml"))):
        run(*args)
    secrets = [_values()[name] for name in ("GOOGLE_SECRET", "APPLE_KEY")]
    for what, text in run.everything():
        for secret in (*secrets, *CREDENTIALS.values(), LITERAL_CLIENT_SECRET,
                       LITERAL_PROVIDER_SECRET):
            for form in _forms(secret):
                assert form not in text, f"{what}: {form!r}"
    assert "${env:" in Path(run.files[-1]).read_text()  # secrets became references


# --------------------------------------------------------------------------- errors

BLOCKED = """
    version: 1
    pools:
      blocked:
        region: eu-west-1
        domain: {Domain: "${env:DOMAIN}"}
        clients:
          web:
            SupportedIdentityProviders: [COGNITO, "${env:PROVIDER}"]
            CallbackURLs: ["https://app.example.com/cb"]
            AllowedOAuthFlows: [code]
            AllowedOAuthScopes: [openid, "x/${env:SCOPE}"]
            AllowedOAuthFlowsUserPoolClient: true
    """


def test_no_canary_in_cannot_apply_reasons(run: Run, write: Callable[..., str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """A provider and a scope named from ``${env:...}`` that the pool will not have:
    the reasons name them as written."""
    monkeypatch.setenv("PROVIDER", f"canary-provider-{MARK}")
    config = write(BLOCKED, name="blocked.yaml")
    out = run("plan", config, code=3)
    assert "names identity provider '${env:PROVIDER}'" in out
    assert "names OAuth scope 'x/${env:SCOPE}'" in out
    _every_plan_output(run, config, 3)
    run("apply", config, "--yes", code=3)
    run("--debug", "apply", config, "--yes", "--output", "json", code=3)
    assert_no_canary(run, allow_identity_in=("plan.json",))


# (the pool's body, the environment, validate's exit code: offline, a reference is
# only checked for its syntax).
INVALID: dict[str, tuple[str, dict[str, str], int]] = {
    "a value from the environment that the schema refuses": (
        "mfa: {MfaConfiguration: '${env:MFA}'}", {"MFA": f"canary-mfa-{MARK}"}, 0),
    "a callback URL from the environment that a rule refuses": (
        "clients: {web: {CallbackURLs: ['https://${env:HOST}/cb#${env:FRAGMENT}'],"
        " AllowedOAuthFlows: [code], AllowedOAuthScopes: [openid],"
        " AllowedOAuthFlowsUserPoolClient: true}}",
        {"HOST": f"canary-host-{MARK}.example.com", "FRAGMENT": f"canary-{MARK}"}, 0),
    "a literal client secret the schema refuses": (
        f"clients: {{web: {{ClientSecret: 'canary literal secret {MARK}!'}}}}", {}, 1),
    "a literal provider secret with a malformed reference": (
        "identity_providers: {Google: {ProviderType: Google, ProviderDetails: {client_id: x,"
        f" client_secret: 'canary-${{{MARK}-unclosed', authorize_scopes: openid}}}}}}", {}, 1),
    "a variable POOLSYNC_ENV_ALLOW does not name": (
        "groups: {g: {Description: '${env:AWS_SESSION_TOKEN}'}}",
        {"POOLSYNC_ENV_ALLOW": "GOOGLE_SECRET"}, 0),
}


@pytest.mark.parametrize("case", sorted(INVALID))
def test_no_canary_in_errors_about_values(run: Run, write: Callable[..., str],
                                          monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    body, environ, validate = INVALID[case]
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    config = write(f"version: 1\npools:\n  app:\n    region: eu-west-1\n    {body}\n",
                   name="invalid.yaml")
    run("validate", config, code=validate)
    out = run("plan", config, code=1)
    run("--debug", "plan", config, "--output", "json", code=1)
    run("apply", config, "--yes", code=1)
    assert "problem(s) found; nothing was changed" in out
    assert_no_canary(run)


def _echoing_errors(session: AwsSession, region: str, operation: str) -> None:
    """Cognito answers ``operation`` with an error echoing the whole request, as some
    validation errors do (it goes through botocore like a real answer)."""
    boto: Any = _cognito(session, region)._boto()

    def answer(request: Any, **kwargs: Any) -> AWSResponse:
        body = json.dumps({"__type": "InvalidParameterException",
                           "message": f"invalid request: {request.body.decode()}"})
        return AWSResponse(request.url, 400, {"Content-Type": "application/x-amz-json-1.1"},
                           _Raw(body.encode()))

    boto.meta.events.register_first(f"before-send.cognito-idp.{operation}", answer)


class _Raw(io.BytesIO):
    def stream(self, **kwargs: Any) -> Iterator[bytes]:
        yield self.read()


@pytest.mark.parametrize("operation", ["CreateIdentityProvider", "CreateGroup",
                                       "CreateUserPoolDomain", "CreateUserPoolClient"])
def test_no_canary_in_an_aws_error_that_echoes_the_request(run: Run, operation: str) -> None:
    _echoing_errors(run.session, REGION, operation)
    config = _write(run)
    out = run("--debug", "apply", config, "--yes", code=1)
    assert "InvalidParameterException" in out and "invalid request: " in out
    run("apply", config, "--yes", "--output", "json", code=None)  # what is left, again
    assert_no_canary(run)


# --------------------------------------------------------------------------- short values

SHORT = """
    version: 1
    pools:
      app:
        region: eu-west-1
        settings:
          UserPoolTags: {stage: "${env:STAGE}", team: example, kind: dev}
        groups:
          a: {Description: "${env:LETTER}"}
          b: {Description: "an example description, for dev and test"}
          c: {Description: "${env:WORD}"}
        clients:
          web:
            CallbackURLs: ["https://app.example.com/cb", "https://dev.example.com/cb"]
            AllowedOAuthFlows: [code]
            AllowedOAuthScopes: [openid, email]
            AllowedOAuthFlowsUserPoolClient: true
            ExplicitAuthFlows: [ALLOW_REFRESH_TOKEN_AUTH, ALLOW_USER_SRP_AUTH]
    """


@pytest.mark.parametrize("command", ["plan", "apply"])
def test_a_short_value_hides_its_own_field_only(run: Run, write: Callable[..., str],
                                                monkeypatch: pytest.MonkeyPatch,
                                                command: str) -> None:
    for name, value in {"LETTER": "e", "STAGE": "dev", "WORD": "example"}.items():
        monkeypatch.setenv(name, value)
    config = write(SHORT, name="short.yaml")
    args = ("--yes",) if command == "apply" else ()
    out = run(command, config, *args)
    for line in ('CallbackURLs: (not set) → ["https://app.example.com/cb", '
                 '"https://dev.example.com/cb"]',
                 'AllowedOAuthFlows: (not set) → ["code"]',
                 'AllowedOAuthScopes: (not set) → ["email", "openid"]',
                 'ExplicitAuthFlows: (not set) → ["ALLOW_REFRESH_TOKEN_AUTH", '
                 '"ALLOW_USER_SRP_AUTH"]',
                 'Description: (not set) → "an example description, for dev and test"',
                 'UserPoolTags.team: (not set) → "example"',
                 'UserPoolTags.kind: (not set) → "dev"',
                 "Description: (sensitive, changed) (from ${env:LETTER})",
                 "Description: (sensitive, changed) (from ${env:WORD})",
                 "UserPoolTags.stage: (sensitive, changed) (from ${env:STAGE})",
                 "+ app/groups/a: create", "+ app/clients/web: create"):
        assert line in out, line
    assert "(sensitive)" not in out.replace("(sensitive, changed)", "")
    if command == "apply":
        return
    # Markdown too: the comment is reviewable.
    run("plan", config, "--output", "markdown", code=0)
    markdown = run.outputs[-3][1]
    assert '+ AllowedOAuthFlows: ["code"]' in markdown
    assert '+ Description: "an example description, for dev and test"' in markdown


def test_a_short_value_is_masked_in_a_reason_as_a_token(run: Run, write: Callable[..., str],
                                                        monkeypatch: pytest.MonkeyPatch
                                                        ) -> None:
    monkeypatch.setenv("PROVIDER", "e")
    monkeypatch.setenv("SCOPE", "dev")
    config = write(BLOCKED.replace("${env:DOMAIN}", "example-dev-domain"), name="b.yaml")
    out = run("plan", config, code=3)
    assert "names identity provider '${env:PROVIDER}'" in out
    assert "names OAuth scope 'x/${env:SCOPE}'" in out
    assert "which the pool will not have" in out  # the prose around it is intact
    assert re.search(r"Domain: \(not set\) → \"example-dev-domain\"", out)


ORDER = """\
    version: 1
    region: eu-west-1
    pools:
      order:
        clients:
          web:
            CallbackURLs: ["https://a.example.com/${env:S}", "https://a.example.com/m",
                           "https://a.example.com/a", "https://a.example.com/z"]
            AllowedOAuthFlows: [code]
            AllowedOAuthScopes: [openid]
            AllowedOAuthFlowsUserPoolClient: true
"""


@pytest.mark.parametrize("output", ["text", "markdown", "json"])
def test_where_a_masked_item_sorts_in_a_set_tells_nothing(
        run: Run, write: Callable[..., str], monkeypatch: pytest.MonkeyPatch,
        output: str) -> None:
    """Sets are shown sorted; sorted by the real value, the place of the masked item
    among the file's own items would read the secret out one character per plan."""
    config = write(ORDER, name="order.yaml")
    shown = set()
    for value in ("b", "n", "u"):
        monkeypatch.setenv("S", value)
        out = run("plan", config, "--output", output)
        if output == "json":
            fields = [f for p in json.loads(out)["pools"] for o in p["objects"]
                      for f in o["fields"] if f["path"] == "CallbackURLs"]
            shown.add(json.dumps(fields[0]["shown"]))
            continue
        (line,) = [ln for ln in out.splitlines() if "CallbackURLs" in ln]
        shown.add(line)
    assert len(shown) == 1, shown


def test_which_callback_the_sign_in_url_shows_tells_nothing(
        run: Run, write: Callable[..., str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Without DefaultRedirectURI the sign-in URL redirects to the first callback URL in
    sorted order: showing which one it is would say where the masked one sorts."""
    config = write(ORDER.replace("          web:\n", "          web:\n").replace(
        "    pools:\n      order:\n", "    pools:\n      order:\n"
        "        domain: {Domain: order-oracle-test}\n"), name="order.yaml")
    monkeypatch.setenv("S", "m0")
    run("apply", config, "--yes")  # the sign-in URL needs the client's id
    shown = set()
    for value in ("0", "n", "zz"):
        monkeypatch.setenv("S", value)
        out = run("plan", config)
        (line,) = [ln for ln in out.splitlines() if "Hosted UI sign-in for web" in ln]
        shown.add(line.split("redirect_uri=")[1])
    assert shown == {"(sensitive)"}
