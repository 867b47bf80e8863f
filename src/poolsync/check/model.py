"""The values ``poolsync check`` works with: severities, rules, profiles, findings and
the report. Frozen and ordered, so every output format renders the same value."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from poolsync.model import MISSING, Location, Path, render_path


class Severity(enum.Enum):
    """A rule's severity, lowest first. ``security_severity`` is the number GitHub code
    scanning reads from a SARIF rule's ``properties.security-severity`` (GitHub docs,
    "SARIF support for code scanning": over 9.0 critical, 7.0 to 8.9 high, 4.0 to 6.9
    medium, 0.1 to 3.9 low); ``level`` the SARIF result level."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return list(Severity).index(self)

    def at_least(self, other: Severity) -> bool:
        return self.rank >= other.rank

    @property
    def security_severity(self) -> str:
        return {"low": "3.0", "medium": "5.5", "high": "8.0", "critical": "9.5"}[self.value]

    @property
    def level(self) -> str:
        return {"low": "note", "medium": "warning"}.get(self.value, "error")


@dataclass(frozen=True)
class Origin:
    """Where a rule comes from: a Security Hub control, a Prowler check, an AWS guide
    page, or poolsync's own policy; ``url`` is its public page."""

    name: str
    url: str


@dataclass(frozen=True)
class Profile:
    """The rules' parameters (``--profile-rules``). ``baseline`` follows AWS Security
    Hub's defaults where the scanners disagree; ``strict`` the stricter reading
    (Prowler's). ``mfa_on_required``: MFA OPTIONAL fails (Prowler
    ``cognito_user_pool_mfa_enabled``) or passes (Security Hub Cognito.5 asks for MFA
    "enabled"; ``--mfa-optional`` overrides the profile)."""

    name: str
    mfa_on_required: bool
    password_min_length: int
    custom_auth_always: bool  # Cognito.4 for every pool, not only those with custom auth
    takeover_block_all: bool  # every account-takeover risk level BLOCK (Prowler)
    self_registration_always: bool  # self sign-up fails with or without SMS (Prowler)
    loopback_redirects_fail: bool  # http://localhost callbacks are "for testing" (botocore)
    max_access_minutes: int
    max_id_minutes: int
    max_refresh_minutes: int


@dataclass(frozen=True)
class Failure:
    """What a rule's ``evaluate`` yields for one failing value: ``path`` below the pool
    (``("mfa", "MfaConfiguration")``) of the key that decides it, a message, and the
    deciding value (``MISSING``: not shown, as for a secret or a URL)."""

    path: Path
    message: str
    value: Any = MISSING


Evaluate = Callable[[Any, Profile], Iterator[Failure]]


def _nothing(view: Any, profile: Profile) -> Iterator[Failure]:
    return iter(())


@dataclass(frozen=True)
class Rule:
    """One security rule: a stable id, where it comes from, how bad a failure is, why
    (one line), the fix as YAML, and a pure ``evaluate(view, profile)`` over one pool
    (``views.PoolView``)."""

    id: str
    name: str
    title: str
    severity: Severity
    origins: tuple[Origin, ...]
    rationale: str
    fix: str
    evaluate: Evaluate = _nothing
    # A poolsync policy: no scanner checks it (token lifetimes, secrets in the file).
    policy: bool = False
    # Only on the files (the secrets written in them), never on live pools.
    files_only: bool = False

    @property
    def origin_text(self) -> str:
        return ", ".join(o.name for o in self.origins)

    @property
    def help_uri(self) -> str:
        return self.origins[0].url


# Where a finding's deciding value came from: written in the file, Cognito's default for
# a key the file does not write, read from the live pool.
WRITTEN, DEFAULT, LIVE = "written", "default", "live"


@dataclass(frozen=True)
class Finding:
    """A rule that fails for one pool, at the key that decides it."""

    rule: Rule
    pool: str
    region: str
    path: Path
    message: str
    location: Location | None
    source: str = WRITTEN
    value: Any = field(default=MISSING, compare=False)

    @property
    def key(self) -> str:
        """The key path in the document: ``pools.prod.mfa.MfaConfiguration``."""
        return render_path(("pools", self.pool, *self.path))

    def sort_key(self) -> tuple[str, int, int, str, str]:
        loc = self.location
        where = (loc.file, loc.line, loc.column) if loc else ("", 0, 0)
        return (*where, self.rule.id, self.key)

    def to_dict(self) -> dict[str, Any]:
        loc = self.location
        return {
            "rule": self.rule.id,
            "name": self.rule.name,
            "severity": self.rule.severity.value,
            "pool": self.pool,
            "region": self.region,
            "path": self.key,
            "file": loc.file if loc else None,
            "line": loc.line if loc else None,
            "col": loc.column if loc else None,
            "message": self.message,
            "source": self.source,
            "origin": [o.name for o in self.rule.origins],
            "fix": self.rule.fix,
        }


@dataclass(frozen=True)
class Suppression:
    """One entry of a pool's ``check.disable``: the rule, why, until when (None: no
    end), and where it is written."""

    rule: str
    reason: str
    expires: date | None
    index: int
    location: Location | None = None

    def expired(self, today: date) -> bool:
        return self.expires is not None and today > self.expires

    def to_dict(self, pool: str) -> dict[str, Any]:
        loc = self.location
        return {"rule": self.rule, "pool": pool, "reason": self.reason,
                "expires": self.expires.isoformat() if self.expires else None,
                "file": loc.file if loc else None, "line": loc.line if loc else None,
                "col": loc.column if loc else None}


@dataclass(frozen=True)
class Suppressed:
    """A finding a pool's ``check.disable`` entry suppresses."""

    finding: Finding
    suppression: Suppression

    def to_dict(self) -> dict[str, Any]:
        """The finding, and the entry that suppresses it (its reason, expiry, place)."""
        loc = self.suppression.location
        return {**self.finding.to_dict(), "reason": self.suppression.reason,
                "expires": (self.suppression.expires.isoformat()
                            if self.suppression.expires else None),
                "suppressed_at": str(loc) if loc else None}


@dataclass(frozen=True)
class Report:
    """What ``poolsync check`` found: the findings (sorted by place), those suppressed,
    the pools checked and those not found live (``--live``), and the options."""

    findings: tuple[Finding, ...]
    suppressed: tuple[Suppressed, ...]
    pools: tuple[str, ...]
    profile: Profile
    fail_on: Severity
    live: bool = False
    not_found: tuple[str, ...] = ()

    @property
    def failed(self) -> bool:
        """Whether to exit 1: a finding at or above ``fail_on``, or (``--live``) a pool
        of the files that does not exist, which could not be checked (a nightly check
        of an environment must not pass because its pools are gone or misnamed)."""
        return bool(self.not_found) or any(f.rule.severity.at_least(self.fail_on)
                                           for f in self.findings)

    def counts(self) -> dict[str, int]:
        out = {s.value: 0 for s in reversed(Severity)}
        for finding in self.findings:
            out[finding.rule.severity.value] += 1
        return out

    def to_dict(self, rules: tuple[Rule, ...]) -> Mapping[str, Any]:
        return {
            "format_version": "1.0",
            "profile": self.profile.name,
            "mfa_optional": "fail" if self.profile.mfa_on_required else "pass",
            "fail_on": self.fail_on.value,
            "live": self.live,
            "summary": {"failed": self.failed, "findings": len(self.findings),
                        "by_severity": self.counts(), "suppressed": len(self.suppressed),
                        "pools": len(self.pools)},
            "pools": list(self.pools),
            "not_found": list(self.not_found),
            "findings": [f.to_dict() for f in self.findings],
            "suppressed": [s.to_dict() for s in self.suppressed],
            "rules": [{"id": r.id, "name": r.name, "severity": r.severity.value,
                       "origin": [o.name for o in r.origins], "rationale": r.rationale,
                       "policy": r.policy} for r in rules],
        }
