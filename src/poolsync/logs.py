"""``--debug`` logging: botocore's and urllib3's debug log on stderr, with every secret
taken out of every line before it is written.

botocore logs each request's parameters (a provider's ``client_secret`` and
``private_key``, every value that came from ``${env:...}``) and each response body (the
``ClientSecret`` Cognito generates for a confidential client, the ``ClientSecretValue``
it generates for AddUserPoolClientSecret). ``RedactingFilter`` sits on
the one handler ``--debug`` installs and rewrites each record: the values poolsync knows
are secret (the CLI's set, filled as the config loads), in every escaped form a log line
can show them in, and whatever value follows a secret-bearing key, known or not. The
credentials are secrets too: botocore logs the session token (in the canonical request,
``x-amz-security-token:...``, and the request's headers) and each request's signature;
the environment's secret key and token are redacted wherever they appear.

``redacted_output`` is the same redaction on stdout and stderr, for every command that
loads secrets: the last line of defence behind the masking by location
(``poolsync.masking``).
"""

from __future__ import annotations

import functools
import json
import logging
import os
import re
import sys
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

REDACTED = "(sensitive)"
# A secret at least this long is redacted wherever it appears (masking.LONG); a shorter
# one only where it stands quoted, as a request parameter or an error message quotes a
# value: "e" or "dev" inside unrelated words and paths is left alone.
LONG = 8

# Keys whose value is a secret wherever they appear, in any case: Cognito's generated
# client secret (responses: DescribeUserPoolClient's ClientSecret, and
# AddUserPoolClientSecret's ClientSecretValue, botocore ClientSecretDescriptorType), a
# secret a request gives (ClientSecret), identity-provider details that are write-only
# (requests), the session token of temporary credentials (a header in botocore's
# "Sending http request" line), presigned-URL signatures, and the credentials STS, SSO
# and SSO-OIDC answer with when a profile assumes a role or signs in.
# The user-facing calls ``poolsync smoke`` makes carry a password, tokens, the
# authentication session, a TOTP key or code, or a proof of the password: the members
# botocore's Cognito model marks ``sensitive`` (PasswordType, TokenModelType, SessionType,
# SecretCodeType, SecretHashType, SoftwareTokenMFAUserCodeType) and the
# ChallengeResponses keys that hold the same (PASSWORD, NEW_PASSWORD, SECRET_HASH,
# SOFTWARE_TOKEN_MFA_CODE, PASSWORD_CLAIM_SIGNATURE); matched in any case.
SECRET_KEYS = ("ClientSecret", "ClientSecretValue", "client_secret", "private_key",
               "X-Amz-Security-Token", "X-Amz-Signature", "SecretAccessKey", "SessionToken",
               "accessToken", "refreshToken", "aws_secret_access_key", "aws_session_token",
               "IdToken", "Password", "TemporaryPassword", "NEW_PASSWORD", "SECRET_HASH",
               "SecretHash", "Session", "SecretCode", "UserCode", "SOFTWARE_TOKEN_MFA_CODE",
               "PASSWORD_CLAIM_SIGNATURE")

# The key, quoted as JSON ("k": "v") or a Python repr ('k': 'v'), possibly escaped once
# more inside a logged bytes body (b'{\"k\": \"v\"}'), then its quoted string value
# (a header's value is logged as bytes: b'...').
_KEYS = "(?i:" + "|".join(re.escape(key) for key in SECRET_KEYS) + ")"
_KEY_VALUE = re.compile(
    r"""(?P<key>(?P<q>\\?["'])""" + _KEYS + r"""(?P=q)\s*:\s*b?)"""
    r"""(?P<open>\\?["'])(?P<value>(?:(?!(?P=open)).)*?)(?P=open)""",
    re.DOTALL,
)
# A form field of a query-protocol or URL-encoded body: ClientSecret=...&
_KEY_FIELD = re.compile(r"(?P<key>\b" + _KEYS + r"=)(?P<value>[^&\s'\"]*)")
# An XML element of a query-protocol response (STS AssumeRole's credentials).
_KEY_ELEMENT = re.compile(r"(?P<open><(?P<tag>" + _KEYS + r")>)[^<]*(?P<close></(?P=tag)>)")
# botocore's SigV4 log lines: the canonical request's session-token header
# ("x-amz-security-token:..."), the Authorization header's signature
# ("Signature=<hex>"), and the signature logged alone ("Signature:\n<hex>").
_SIGNING = (
    (re.compile(r"(?im)^(?P<key>\s*x-amz-security-token:).*$"), r"\g<key>" + REDACTED),
    (re.compile(r"(?P<key>\bSignature=)[0-9A-Fa-f]+"), r"\g<key>" + REDACTED),
    (re.compile(r"(?P<key>\bSignature:\s*)[0-9A-Fa-f]{16,}"), r"\g<key>" + REDACTED),
)
# The credentials of the environment's chain: never in a log line, whatever logs them.
CREDENTIAL_VARIABLES = ("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")
_QUOTES = ("'", '"', '\\"', "\\'")

# A blob in a logged request body: botocore sends a blob member (SetUICustomization's
# ImageFile, botocore ImageFileType, up to 128 KiB) as one base64 string in the JSON
# body, and logs the body whole ("Making request for OperationModel ... with params").
# A quoted run of base64 this long is no text a reader wants: it is logged as its size.
_LONG_BASE64 = re.compile(r"""(?P<q>\\?")(?P<data>[A-Za-z0-9+/]{1024,}={0,2})(?P=q)""")

# The loggers ``--debug`` turns up (botocore's request/response log, urllib3's
# connection log; boto3 for its own few lines).
DEBUG_LOGGERS = ("botocore", "boto3", "urllib3")


def _forms(secret: str) -> set[str]:
    """How ``secret`` can appear in a log line: as is, JSON-escaped (a request body),
    repr-escaped (a logged dict of parameters), and JSON-escaped inside a logged bytes
    value (a response body), so a multi-line key or a quote in a value is still found."""
    json_form = json.dumps(secret)[1:-1]
    forms = {secret, json_form, json.dumps(secret, ensure_ascii=False)[1:-1],
             repr(secret)[1:-1], repr(json_form)[1:-1],
             repr(secret.encode("utf-8"))[2:-1], repr(json_form.encode("utf-8"))[2:-1]}
    return {form for form in forms if form}


class SecretSet(set[str]):
    """The values no output may show, and ``fields``: the names of the fields that a
    ``${env:...}`` substitution landed in (``masking.secret_fields``). In a logged
    request or response, the value of such a key is redacted whatever it is: the live
    value of a field the file fills from the environment may be the secret rotated
    out, which this run does not know."""

    def __init__(self, values: Iterable[str] = ()):
        super().__init__(values)
        self.fields: set[str] = set()


def redact(text: str, secrets: Collection[str], *, quoted: bool = True) -> str:
    """``text`` with every known secret, and every value of a secret-bearing key or
    signing header, replaced by ``(sensitive)``. A secret of ``LONG`` characters or
    more goes wherever it appears; a shorter one, with ``quoted``, where it stands
    quoted (``'dev'``, ``"dev"``, escaped quotes too) and nowhere else; with
    ``quoted``, so does the value of each key in ``secrets.fields`` (``SecretSet``)."""
    fields = getattr(secrets, "fields", ()) if quoted else ()
    if fields:
        text = _field_value(fields).sub(_redacted_value, text)
    replacements: dict[str, str] = {}
    for secret in secrets:
        if not secret:
            continue
        for form in _forms(secret):
            if len(secret) >= LONG:
                replacements.setdefault(form, REDACTED)
            elif quoted:
                for quote in _QUOTES:
                    replacements.setdefault(f"{quote}{form}{quote}",
                                            f"{quote}{REDACTED}{quote}")
    wanted = [form for form in sorted(replacements, key=len, reverse=True) if form in text]
    if wanted:
        pattern = re.compile("|".join(re.escape(form) for form in wanted))
        text = pattern.sub(lambda match: replacements[match.group()], text)
    text = _KEY_VALUE.sub(lambda m: f"{m['key']}{m['open']}{REDACTED}{m['open']}", text)
    text = _KEY_FIELD.sub(lambda m: f"{m['key']}{REDACTED}", text)
    text = _KEY_ELEMENT.sub(lambda m: f"{m['open']}{REDACTED}{m['close']}", text)
    for pattern, replacement in _SIGNING:
        text = pattern.sub(replacement, text)
    return text


@functools.lru_cache(maxsize=64)
def _field_pattern(fields: frozenset[str]) -> re.Pattern[str]:
    keys = "|".join(re.escape(field) for field in sorted(fields, key=len, reverse=True))
    return re.compile(
        r"""(?P<key>(?P<q>\\?["'])(?:""" + keys + r""")(?P=q)\s*:\s*)"""
        r"""(?:(?P<open>\\?["'])(?:\\.|(?!(?P=open)).)*?(?P=open)|(?P<list>\[[^\]]*\]))""",
        re.DOTALL)


def _field_value(fields: Collection[str]) -> re.Pattern[str]:
    return _field_pattern(frozenset(fields))


def _redacted_value(match: re.Match[str]) -> str:
    if match["list"] is not None:
        return f"{match['key']}[{REDACTED}]"
    return f"{match['key']}{match['open']}{REDACTED}{match['open']}"


def credentials(environ: Mapping[str, str] | None = None) -> set[str]:
    """The secret parts of the AWS credentials in the environment (``CREDENTIAL_VARIABLES``)."""
    environ = os.environ if environ is None else environ
    return {environ[name] for name in CREDENTIAL_VARIABLES if environ.get(name)}


# An image in a request or response body: the ``Bytes`` of a managed login style's asset
# (botocore AssetType: a blob of up to 1 MB, 40 to a style), which the JSON protocol
# sends as base64 text and botocore's debug log would print whole, once per request and
# once per response. Each is logged as its length: it is neither a secret nor readable.
_BLOB = re.compile(r"""(?P<key>(?P<q>\\?["'])Bytes(?P=q)\s*:\s*)"""
                   r"""(?P<open>\\?["'])(?P<value>[A-Za-z0-9+/=]*)(?P=open)""")


def elide_blobs(text: str) -> str:
    """``text`` with each ``"Bytes": "<base64>"`` value replaced by its length."""
    if "Bytes" not in text:
        return text
    return _BLOB.sub(lambda m: f"{m['key']}{m['open']}({len(m['value'])} base64 characters, "
                               f"not logged){m['open']}", text)


def shorten_blobs(text: str) -> str:
    """``text`` with each long base64 string (a blob sent: an image) replaced by its
    size: a debug log line stays readable, and no image is dumped into it."""
    return _LONG_BASE64.sub(lambda m: f"{m['q']}(base64, {len(m['data'])} characters: not "
                               f"logged){m['q']}", text)


class RedactingFilter(logging.Filter):
    """Rewrites each record into its redacted final text (message, traceback, stack),
    images left out (``elide_blobs``).

    ``secrets`` is asked on every record, so values learned after the filter was
    installed (the config loads after the options are parsed) are redacted too.
    """

    def __init__(self, secrets: Callable[[], Collection[str]]):
        super().__init__()
        self._secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        secrets = self._secrets()
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: keep what can be shown safely
            message = f"{record.msg!r} {record.args!r}"
        record.msg, record.args = redact(shorten_blobs(elide_blobs(message)), secrets), None
        if record.exc_info:
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_text, record.exc_info = redact(text, secrets), None
        elif record.exc_text:
            record.exc_text = redact(record.exc_text, secrets)
        if record.stack_info:
            record.stack_info = redact(record.stack_info, secrets)
        return True


@contextmanager
def debug_logging(secrets: Callable[[], Collection[str]]) -> Iterator[logging.Handler]:
    """botocore's, boto3's and urllib3's debug log on stderr, redacted, for the duration.

    The filter is on the root handler that writes the log; the same redaction also runs
    as each record is made, so no other handler (one a caller or a test harness added)
    ever receives a record with a secret in it.
    """
    known = credentials()  # the session's own credentials, read once

    def current() -> SecretSet:
        found = secrets()
        combined = SecretSet({*found, *known})
        combined.fields = set(getattr(found, "fields", ()))
        return combined

    redacting = RedactingFilter(current)
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s [%(levelname)s] %(message)s"))
    handler.addFilter(redacting)
    make_record = logging.getLogRecordFactory()

    def redacted_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        redacting.filter(record)
        return record

    root = logging.getLogger()
    levels = {name: logging.getLogger(name).level for name in DEBUG_LOGGERS}
    logging.setLogRecordFactory(redacted_record)
    root.addHandler(handler)
    for name in DEBUG_LOGGERS:
        logging.getLogger(name).setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        logging.setLogRecordFactory(make_record)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


class _RedactingStream:
    """A text stream that writes everything through ``redact`` (long secrets, values of
    secret keys), and is otherwise the stream it wraps."""

    def __init__(self, stream: Any, secrets: Callable[[], Collection[str]]):
        self._stream = stream
        self._secrets = secrets

    def write(self, text: Any) -> Any:
        if not isinstance(text, str):  # bytes: the wrapped stream's own answer
            return self._stream.write(text)
        return self._stream.write(redact(text, self._secrets(), quoted=False))

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)

    def detach(self) -> None:
        """Keep the collection of secrets, let go of whatever ``secrets`` reads it from.
        click caches the text stream it wraps ``sys.stdout`` in (``click/_compat.py``,
        ``_make_cached_stream_func``) in a WeakKeyDictionary whose value is this same
        stream, so the entry never goes: without this, each in-process run (``cli.run``,
        as the tests call it) would keep its whole session, boto3 client and all."""
        known = self._secrets()
        self._secrets = lambda: known


@contextmanager
def redacted_output(secrets: Callable[[], Collection[str]]) -> Iterator[None]:
    """The last line of defence (``poolsync.masking``): for the duration, whatever is
    written to stdout and stderr has every known secret of ``LONG`` characters or more
    replaced by ``(sensitive)``, however it got there. Shorter values are masked where
    they are, never searched for in unrelated text."""
    saved = sys.stdout, sys.stderr
    wrappers = _RedactingStream(saved[0], secrets), _RedactingStream(saved[1], secrets)
    sys.stdout, sys.stderr = wrappers
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved
        for wrapper in wrappers:
            wrapper.detach()
