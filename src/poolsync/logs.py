"""``--debug`` logging: botocore's and urllib3's debug log on stderr, with every secret
taken out of every line before it is written.

botocore logs each request's parameters (a provider's ``client_secret`` and
``private_key``, every value that came from ``${env:...}``) and each response body (the
``ClientSecret`` Cognito generates for a confidential client). ``RedactingFilter`` sits on
the one handler ``--debug`` installs and rewrites each record: the values poolsync knows
are secret (the CLI's set, filled as the config loads), in every escaped form a log line
can show them in, and whatever value follows a secret-bearing key, known or not.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from typing import Any

REDACTED = "(sensitive)"

# Keys whose value is a secret wherever they appear: Cognito's generated client secret
# (responses), identity-provider details that are write-only (requests), and the session
# token of temporary credentials (a header in botocore's "Sending http request" line).
SECRET_KEYS = ("ClientSecret", "client_secret", "private_key", "X-Amz-Security-Token")

# The key, quoted as JSON ("k": "v") or a Python repr ('k': 'v'), possibly escaped once
# more inside a logged bytes body (b'{\"k\": \"v\"}'), then its quoted string value
# (a header's value is logged as bytes: b'...').
_KEYS = "|".join(re.escape(key) for key in SECRET_KEYS)
_KEY_VALUE = re.compile(
    r"""(?P<key>(?P<q>\\?["'])(?:""" + _KEYS + r""")(?P=q)\s*:\s*b?)"""
    r"""(?P<open>\\?["'])(?P<value>(?:(?!(?P=open)).)*?)(?P=open)""",
    re.DOTALL,
)
# A form field of a query-protocol or URL-encoded body: ClientSecret=...&
_KEY_FIELD = re.compile(r"(?P<key>\b(?:" + _KEYS + r")=)(?P<value>[^&\s'\"]*)")

# The loggers ``--debug`` turns up (botocore's request/response log, urllib3's
# connection log; boto3 for its own few lines).
DEBUG_LOGGERS = ("botocore", "boto3", "urllib3")


def _forms(secret: str) -> set[str]:
    """How ``secret`` can appear in a log line: as is, JSON-escaped (a request body),
    repr-escaped (a logged dict of parameters), and JSON-escaped inside a logged bytes
    value (a response body), so a multi-line key or a quote in a value is still found."""
    json_form = json.dumps(secret)[1:-1]
    forms = {secret, json_form, repr(secret)[1:-1], repr(json_form)[1:-1],
             repr(secret.encode("utf-8"))[2:-1], repr(json_form.encode("utf-8"))[2:-1]}
    return {form for form in forms if form}


def redact(text: str, secrets: Collection[str]) -> str:
    """``text`` with every known secret, and every value of a secret-bearing key,
    replaced by ``(sensitive)``."""
    forms = {form for secret in secrets if secret for form in _forms(secret)}
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, REDACTED)
    text = _KEY_VALUE.sub(lambda m: f"{m['key']}{m['open']}{REDACTED}{m['open']}", text)
    return _KEY_FIELD.sub(lambda m: f"{m['key']}{REDACTED}", text)


class RedactingFilter(logging.Filter):
    """Rewrites each record into its redacted final text (message, traceback, stack).

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
        record.msg, record.args = redact(message, secrets), None
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
    redacting = RedactingFilter(secrets)
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
