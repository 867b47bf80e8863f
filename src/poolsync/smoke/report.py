"""What a smoke run found: each step's result and timing, per pool. Values only (frozen
dataclasses, one ``to_dict``), rendered as text here and as JSON by the CLI. No AWS,
no click."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from poolsync.model import Problem, render_path

FORMAT_VERSION: Final = "1.0"

# Every step, in the order a run takes them (docs/smoke.md describes each). A step that
# does not apply to a pool is skipped with the reason; one after a failure is skipped
# as "not run"; delete-user always runs.
STEPS: Final = (
    "client",
    "create-user",
    "confirm-user",
    "mfa-setup",
    "sign-in",
    "id-token",
    "access-token",
    "hosted-ui",
    "openid-configuration",
    "delete-user",
)


class Status(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class StepResult:
    """One step: its status, what it did or why it failed or was skipped (never a
    password, secret or token), and how long its calls took (None: not run)."""

    name: str
    status: Status
    detail: str
    seconds: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "status": str(self.status), "detail": self.detail,
                "seconds": None if self.seconds is None else round(self.seconds, 3)}


@dataclass(frozen=True)
class PoolSmoke:
    """One pool's run. ``username`` is the throwaway user's (deleted at the end unless
    the delete-user step says otherwise); ``flow`` the sign-in flow used."""

    name: str
    region: str
    user_pool_id: str
    steps: tuple[StepResult, ...]
    client: str | None = None
    client_id: str | None = None
    flow: str | None = None
    username: str | None = None
    interrupted: bool = False

    @property
    def passed(self) -> bool:
        return not self.interrupted and all(s.status is not Status.FAILED for s in self.steps)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "region": self.region, "user_pool_id": self.user_pool_id,
                "status": "passed" if self.passed else "failed",
                "client": self.client, "client_id": self.client_id, "flow": self.flow,
                "username": self.username,
                "steps": [s.to_dict() for s in self.steps]}


@dataclass(frozen=True)
class SmokeReport:
    """Every pool's run, in the order of the files. ``interrupted``: Ctrl-C, SIGTERM or SIGHUP
    stopped the run (the pools after the one in progress did not run)."""

    pools: tuple[PoolSmoke, ...]
    interrupted: bool = False

    @property
    def passed(self) -> bool:
        return not self.interrupted and all(p.passed for p in self.pools)

    @property
    def status(self) -> str:
        return "interrupted" if self.interrupted else "passed" if self.passed else "failed"

    def to_dict(self) -> dict[str, Any]:
        """``smoke -o json``: ``{"format_version": "1.0", "status": "passed" | "failed" |
        "interrupted", "pools": [{"name", "region", "user_pool_id", "status", "client",
        "client_id", "flow", "username", "steps": [{"name", "status", "detail",
        "seconds"}]}]}``. Every key is always present."""
        return {"format_version": FORMAT_VERSION, "status": self.status,
                "pools": [p.to_dict() for p in self.pools]}


def refused_document(reason: str) -> dict[str, Any]:
    """The JSON document of a run refused before any user was created (exit 3)."""
    return {"format_version": FORMAT_VERSION, "status": "refused", "reason": reason,
            "pools": []}


def error_document(reason: str, problems: Sequence[Problem]) -> dict[str, Any]:
    """The JSON document of a run that ended in an error before it could report a pool
    (exit 1): files that are not valid, a pool that does not exist, an AWS error while
    the pools were read. ``problems``: each with its place (``validate -o json``'s
    form); ``pools`` is empty, as no user was created for any pool."""
    return {"format_version": FORMAT_VERSION, "status": "error", "reason": reason,
            "problems": [{"file": p.location.file if p.location else None,
                          "line": p.location.line if p.location else None,
                          "col": p.location.column if p.location else None,
                          "path": render_path(p.path) if p.path else None,
                          "message": p.message} for p in problems],
            "pools": []}


def render_text(report: SmokeReport) -> str:
    """One block per pool: a head line, then one line per step (status, name, time,
    detail); a closing count of passed, failed and skipped steps."""
    from poolsync.render import printable

    blocks = []
    for pool in report.pools:
        head = f"{pool.name} ({pool.region}, {pool.user_pool_id})"
        if pool.client is not None:
            head += f": client {pool.client}"
        if pool.username is not None:
            head += f", throwaway user {pool.username}"
        lines = [printable(head)]
        for step in pool.steps:
            took = "" if step.seconds is None else f"{step.seconds:.2f}s"
            lines.append(f"  {step.status:<7}  {step.name:<20} {took:>7}  "
                         f"{printable(step.detail)}")
        blocks.append("\n".join(lines))
    counts = {status: sum(s.status is status for p in report.pools for s in p.steps)
              for status in Status}
    summary = (f"Smoke {report.status}: {counts[Status.PASSED]} passed, "
               f"{counts[Status.FAILED]} failed, {counts[Status.SKIPPED]} skipped.")
    return "\n\n".join([*blocks, summary]) + "\n"
