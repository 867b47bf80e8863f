"""The one error hierarchy. The core raises these; only ``cli`` turns them into exit codes.

Exit codes (README, "Exit codes"): 0 success, 1 error, 2 changes pending, 3 refused by a
safety rail. Each error class carries the exit code it maps to, so the mapping lives here
and the CLI has a single handler.
"""

from __future__ import annotations

from collections.abc import Sequence

from poolsync.model import Problem


class PoolsyncError(Exception):
    """Base of every error poolsync reports to a user (never with a traceback)."""

    exit_code = 1


class UsageError(PoolsyncError):
    """Bad command-line usage (exit 1, not click's 2: 2 always means "changes")."""


class ConfigError(PoolsyncError):
    """One or more problems in the configuration files, all reported together."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = tuple(sorted(problems, key=Problem.sort_key))
        super().__init__("\n".join(p.render() for p in self.problems))


class AwsError(PoolsyncError):
    """An AWS call failed. ``operation`` and ``code`` come from botocore, never parsed text."""

    def __init__(self, operation: str, code: str, message: str, *, pool: str | None = None):
        self.operation = operation
        self.code = code
        self.pool = pool
        where = f" for pool {pool}" if pool else ""
        super().__init__(f"AWS {operation}{where} failed: {code}: {message}")


class LiveStateError(PoolsyncError):
    """The live account is in a state poolsync cannot resolve by itself: two pools with
    one name that are not a run's empty strays (the user must pin ``id``), two app
    clients with one name (the user renames or deletes one), a pinned id with no pool."""


class SafetyRefusal(PoolsyncError):
    """A safety rail refused the run: replacement without consent, a pool with users,
    no terminal to confirm on. Nothing was written."""

    exit_code = 3


class NotConverged(PoolsyncError):
    """Apply finished, but reading the pools back still shows differences."""


class ApplyCancelled(PoolsyncError):
    """The user answered no at apply's prompt: exit 1, as ``terraform apply`` does
    ("Apply cancelled.", exit status 1): a run that did not do what it was asked is not
    a success, and no safety rail refused it (3 means one did). Nothing was written."""


class OutputError(PoolsyncError):
    """stdout or stderr cannot be written (a full disk, a closed pipe): exit 1."""
