"""AWS region names: which ``region`` values poolsync accepts before it makes any call.

botocore checks only that a region is a valid DNS host label
(``botocore.utils.validate_region_name``), and only when a client is created, deep inside
the first call; ``not a region!`` then surfaced as an internal error. poolsync checks
up front, against the region pattern of every AWS partition, as botocore ships them:
the ``regionRegex`` of each partition in ``botocore/data/partitions.json``
(https://github.com/boto/botocore/blob/develop/botocore/data/partitions.json), the data
the SDKs' endpoint rules resolve a region with. A name that matches no partition has no
Cognito endpoint the SDK knows.

Pure and offline (``validate`` imports no botocore); tests/test_cli_robustness.py keeps
the table equal to the installed botocore's partitions.
"""

from __future__ import annotations

import re
from typing import Final

# Partition id -> its regionRegex, verbatim from botocore 1.43.11's partitions.json.
REGION_PATTERNS: Final[dict[str, str]] = {
    "aws": r"^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$",
    "aws-cn": r"^cn\-\w+\-\d+$",
    "aws-eusc": r"^eusc\-(de)\-\w+\-\d+$",
    "aws-iso": r"^us\-iso\-\w+\-\d+$",
    "aws-iso-b": r"^us\-isob\-\w+\-\d+$",
    "aws-iso-e": r"^eu\-isoe\-\w+\-\d+$",
    "aws-iso-f": r"^us\-isof\-\w+\-\d+$",
    "aws-us-gov": r"^us\-gov\-\w+\-\d+$",
}
# The patterns come from JavaScript/Java rule engines: \w and \d are ASCII there.
_COMPILED: Final = tuple(re.compile(p, re.ASCII) for p in REGION_PATTERNS.values())
# Longer than any region name AWS has; keeps a hostile value out of the regexes.
_MAX_LENGTH: Final = 64
EXAMPLE: Final = "eu-west-1"


def is_region(name: object) -> bool:
    """Whether ``name`` is an AWS region name of some partition (``eu-west-1``,
    ``cn-north-1``, ``us-gov-west-1``, ...)."""
    if not isinstance(name, str) or not 0 < len(name) <= _MAX_LENGTH:
        return False
    # fullmatch: with match, "$" would also accept a trailing newline.
    return any(pattern.fullmatch(name) for pattern in _COMPILED)


def region_problem(name: object) -> str | None:
    """None when ``name`` is an AWS region name, else why not: a sentence to put after
    the place the value came from (``--region ...: <problem>``). It never repeats the
    value, which may come from ``${env:...}``."""
    if is_region(name):
        return None
    if not isinstance(name, str):
        return f"a region is a string such as {EXAMPLE}, not a {type(name).__name__}"
    return (f"not an AWS region name (expected a name such as {EXAMPLE}, us-east-1 or "
            "us-gov-west-1)")
