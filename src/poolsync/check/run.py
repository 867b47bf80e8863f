"""Run the rules over the pools: of the files (offline) or live (``--live``), apply each
pool's suppressions, and return one ``Report``. Pure: the live pools come in already
read (``engine.read_for_check``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from poolsync.check.model import Finding, Profile, Report, Rule, Severity, Suppressed
from poolsync.check.rules import EXPIRED_SUPPRESSION, RULES
from poolsync.check.suppress import expires_location, suppressions
from poolsync.check.views import PoolView, from_file, from_live, value_source, written_index
from poolsync.model import Config, Location, Path, PoolConfig


def _location(view: PoolView, path: Path) -> Location | None:
    """Where the key that decides a finding is written, else its nearest written
    ancestor (the mapping it belongs in, at worst the pool's own line: a member at
    Cognito's default). A list item is the line of the item the file writes
    (``views.written_index``); a live one, the list's."""
    if view.locate is None:
        return None
    if view.written is None and path and isinstance(path[-1], int):
        path = path[:-1]  # a live list's order is not the file's
    return view.locate(path)


def evaluate(view: PoolView, profile: Profile, rules: Sequence[Rule] = RULES
             ) -> list[Finding]:
    """Every rule's failures for one pool, as findings (not yet suppressed)."""
    found = []
    for rule in rules:
        if rule.files_only and view.written is None:
            continue
        for failure in rule.evaluate(view, profile):
            path = written_index(view, failure.path, failure.value)
            found.append(Finding(
                rule=rule, pool=view.name, region=view.region, path=path,
                message=failure.message, location=_location(view, path),
                source=value_source(view, path), value=failure.value))
    return found


def _suppress(cfg: PoolConfig, found: Iterable[Finding], today: date
              ) -> tuple[list[Finding], list[Suppressed]]:
    """The pool's findings its ``check.disable`` does not suppress (plus one
    ``PS-CHK-001`` per expired entry), and those it does."""
    kept: list[Finding] = []
    suppressed: list[Suppressed] = []
    entries = suppressions(cfg.check, cfg.locate)
    active = {s.rule: s for s in entries if not s.expired(today)}
    for finding in found:
        entry = active.get(finding.rule.id)
        if entry is None:
            kept.append(finding)
        else:
            suppressed.append(Suppressed(finding, entry))
    for entry in entries:
        if entry.expired(today):
            assert entry.expires is not None
            kept.append(Finding(
                rule=EXPIRED_SUPPRESSION, pool=cfg.name, region=cfg.region,
                path=("check", "disable", entry.index, "expires"),
                message=(f"the suppression of {entry.rule} expired on "
                         f"{entry.expires.isoformat()} (reason: {entry.reason}): fix what "
                         f"{entry.rule} finds, or renew or remove the entry"),
                location=expires_location(entry, cfg.locate)))
    return kept, suppressed


def _report(pairs: Iterable[tuple[PoolConfig, PoolView]], profile: Profile,
            fail_on: Severity, today: date, *, live: bool = False,
            not_found: Sequence[str] = ()) -> Report:
    findings: list[Finding] = []
    suppressed: list[Suppressed] = []
    names: list[str] = []
    for cfg, view in pairs:
        names.append(cfg.name)
        kept, gone = _suppress(cfg, evaluate(view, profile), today)
        findings += kept
        suppressed += gone
    return Report(
        findings=tuple(sorted(findings, key=Finding.sort_key)),
        suppressed=tuple(sorted(suppressed, key=lambda s: s.finding.sort_key())),
        pools=tuple(names), profile=profile, fail_on=fail_on, live=live,
        not_found=tuple(not_found))


def check_files(config: Config, profile: Profile, fail_on: Severity, today: date) -> Report:
    """The pools as the files would make them (``views.from_file``)."""
    return _report(((cfg, from_file(cfg)) for cfg in config.pools), profile, fail_on, today)


def check_live(config: Config, live: Mapping[tuple[str, str], Any], profile: Profile,
               fail_on: Severity, today: date) -> Report:
    """The live pools the files name (``live``: ``engine.read_for_check``); a pool not
    found is listed in ``Report.not_found``, not checked."""
    pairs = [(cfg, from_live(cfg, found)) for cfg in config.pools
             if (found := live.get((cfg.region, cfg.name))) is not None]
    missing = [cfg.name for cfg in config.pools if live.get((cfg.region, cfg.name)) is None]
    return _report(pairs, profile, fail_on, today, live=True, not_found=missing)
