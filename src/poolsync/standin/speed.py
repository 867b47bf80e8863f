"""Emulator speed, not behaviour: moto builds a user pool's token-signing key by
importing the same RSA key file for every pool, which costs about 0.15 s of CPU per
CreateUserPool. The stand-in imports it once; every pool still gets the same key moto
gives it. Without this the benchmark measures moto's RSA arithmetic, not poolsync.
"""

from __future__ import annotations

import json
import threading
from typing import Any, Final

from joserfc import jwk

from poolsync.standin.patching import Patch

_ORIGINAL: Final = vars(jwk.RSAKey)["import_key"]
_CACHE: dict[str, Any] = {}
_LOCK: Final = threading.Lock()


def _import_key_once(cls: Any, value: Any, *args: Any, **kwargs: Any) -> Any:
    key = json.dumps([value, args, kwargs], sort_keys=True, default=str)
    with _LOCK:
        if key not in _CACHE:
            _CACHE[key] = _ORIGINAL.__func__(cls, value, *args, **kwargs)
        return _CACHE[key]


_REPLACEMENT: Any = classmethod(_import_key_once)  # a descriptor, as the original is
PATCHES: Final = (Patch(jwk.RSAKey, "import_key", _ORIGINAL, _REPLACEMENT),)
