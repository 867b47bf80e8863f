"""Fingerprints of secrets: what poolsync prints and stores in place of a secret value.

A fingerprint lets two runs tell whether a secret is the same (a pinned ``apply --plan``
against the reviewed plan, the ``poolsync:private_key:*`` tag against the key in the
file) without the value itself appearing anywhere. It must not let anyone who reads it
(a plan file, a PR comment's checksum, the pool's tags) recover the secret by trying
candidates: a plain SHA-256 of a 6-digit secret is reversed in a second. So:

- with ``POOLSYNC_FINGERPRINT_KEY`` set (non-empty), ``hmac:`` + HMAC-SHA256 under that
  key: cheap, and worthless to anyone without the key. In CI, give the plan job and the
  apply job the same key (one repository or organisation secret), or their fingerprints
  differ and every pin that covers a secret is refused;
- otherwise ``scrypt:`` + scrypt (RFC 7914, https://www.rfc-editor.org/rfc/rfc7914;
  N=2**14, r=8, p=1: 16 MiB and 50-65 ms per value on a 2-core runner, the setting of
  the scrypt paper's interactive-login row, https://www.tarsnap.com/scrypt/scrypt.pdf
  Table 1), deterministic so that any two runs agree without sharing anything. A guess
  costs as much: a 6-digit secret takes some 14 CPU-hours instead of a second.

Both are salted with a fixed domain label and the secret's location (``where``: the
object's address and the field's path, e.g. ``app/identity_providers/Google:
ProviderDetails.client_secret``), so one secret used in two places has two unrelated
fingerprints and no table can be computed once for every pool. Results are cached per
(key, location, value) in the process, so a plan and its checksum, and apply's re-plan
and read-back, pay for each secret once.

The prefix names the scheme: a fingerprint written by another scheme (an older
poolsync's ``sha256:``, or ``hmac:`` read by a run without the key) never equals a fresh
one, which only means a pinned plan is refused or a recorded secret is sent again.
What poolsync stores on a pool (the ``poolsync:private_key:*`` tag) is always scrypt:
the tag is read by every run, keyed or not, and is visible only to principals who can
describe the pool.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import Any

KEY_VARIABLE = "POOLSYNC_FINGERPRINT_KEY"
SCRYPT = "scrypt"
HMAC = "hmac"
# The scrypt parameters are part of the scheme: changing them needs a new prefix.
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1
_SCRYPT_MAXMEM = 64 * 1024 * 1024
_LENGTH = 16  # bytes: 128 bits, 32 hex digits
_LABEL = b"poolsync secret fingerprint v1\x00"


def fingerprint(value: Any, where: str, *, keyed: bool = True) -> str:
    """``scheme:hex`` for ``value`` (a string, or any JSON value) at ``where``.

    Never fast to invert: HMAC under ``POOLSYNC_FINGERPRINT_KEY`` when it is set (and
    ``keyed``), else scrypt (about 16 MiB and tens of milliseconds, once per value and
    location). ``keyed=False`` is for what is stored on a pool: every run, with the key
    or without it (a local plan, the nightly drift), must compute the same value."""
    return _derive(_key() if keyed else None, where, _text(value))


def matches(recorded: str | None, value: Any, where: str) -> bool:
    """Whether ``recorded`` (a fingerprint read back, e.g. from a pool tag) is the
    fingerprint of ``value`` at ``where`` under its own scheme: a ``scrypt:`` one is
    checked even when a key is set now, so switching the key on does not make every
    recorded secret look new; an ``hmac:`` one only with a key; anything else never."""
    if not recorded:
        return False
    key = _key()
    if recorded.startswith(f"{SCRYPT}:"):
        return hmac.compare_digest(recorded, _derive(None, where, _text(value)))
    if recorded.startswith(f"{HMAC}:") and key is not None:
        return hmac.compare_digest(recorded, _derive(key, where, _text(value)))
    return False


def scheme() -> str:
    """The scheme fingerprints are made with now: ``scrypt``, or ``hmac`` and an
    identifier of the key (``hmac:<8 hex>``: an HMAC of a fixed label, which tells two
    keys apart and says nothing about any secret)."""
    key = _key()
    if key is None:
        return SCRYPT
    return f"{HMAC}:" + hmac.new(key, _LABEL + b"key id", hashlib.sha256).hexdigest()[:8]


def prefetch(items: Iterable[tuple[Any, str]]) -> None:
    """Compute the fingerprints of ``(value, where)`` pairs ahead, on every CPU:
    hashlib's scrypt releases the GIL, so a plan with many secrets costs wall time
    divided by the cores. Later ``fingerprint`` calls find them in the cache."""
    key = _key()
    todo = list(dict.fromkeys((where, _text(value)) for value, where in items))
    if key is not None or len(todo) < 2:
        return
    with ThreadPoolExecutor(max_workers=min(len(todo), os.cpu_count() or 1)) as pool:
        list(pool.map(lambda item: _derive(None, *item), todo))


def _key() -> bytes | None:
    key = os.environ.get(KEY_VARIABLE, "")
    return key.encode("utf-8", "surrogatepass") if key else None


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


@lru_cache(maxsize=16384)
def _derive(key: bytes | None, where: str, text: str) -> str:
    place = where.encode("utf-8", "surrogatepass")
    salt = _LABEL + len(place).to_bytes(4, "big") + place
    secret = text.encode("utf-8", "surrogatepass")
    if key is not None:
        message = salt + secret
        return f"{HMAC}:" + hmac.new(key, message, hashlib.sha256).hexdigest()[:2 * _LENGTH]
    derived = hashlib.scrypt(secret, salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P,
                             maxmem=_SCRYPT_MAXMEM, dklen=_LENGTH)
    return f"{SCRYPT}:" + derived.hex()
