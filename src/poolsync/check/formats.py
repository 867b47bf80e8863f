"""``poolsync check`` output: renderings of one ``Report`` (text, JSON, SARIF 2.1.0,
GitHub workflow commands), and the document each machine format prints when the files
cannot be checked (a ``ConfigError``), so a CI step always has its file.

Text, one line per finding (the form of compilers and linters, which editors and CI
logs link)::

    pools/prod.yaml:12:7: HIGH PS-COG-006 pools.prod.mfa.MfaConfiguration: MFA is OFF...

SARIF 2.1.0 (OASIS standard, errata 01; what GitHub code scanning and
github/codeql-action/upload-sarif read): one run; ``tool.driver.rules`` holds every rule
with its id, name, descriptions, help (rationale, origin and the fix as YAML),
``helpUri`` and ``properties.security-severity`` (GitHub's severity scale); each
result its ``ruleId``, ``level``, message, the file relative to the checkout (GitHub
places results by repository path; outside it an absolute URI without ``uriBaseId``,
section 3.4.4) with line and column, and a stable
``partialFingerprints`` entry (rule, pool and key: a finding keeps its identity when
lines move). A suppressed finding is a result with a ``suppressions`` entry carrying
the reason. Files that cannot be checked give a run with
``invocations[0].executionSuccessful: false`` and each problem as a tool execution
notification.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from poolsync import __version__
from poolsync.annotations import _repository_path, workflow_command
from poolsync.check.model import DEFAULT, LIVE, Finding, Report, Rule, Suppressed
from poolsync.model import Location, Problem, render_path
from poolsync.render import printable

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
TOOL = "poolsync"
_SOURCE_NOTE = {DEFAULT: " (not written: Cognito's default)", LIVE: " (live)"}


def _subject(finding: Finding) -> str:
    """The key and where its value came from, then the message:
    ``pools.p.mfa.MfaConfiguration (not written: Cognito's default): MFA is OFF...``."""
    return f"{finding.key}{_SOURCE_NOTE.get(finding.source, '')}: {finding.message}"


# --------------------------------------------------------------------------- text


def _line(finding: Finding) -> str:
    where = f"{finding.location}: " if finding.location else ""
    return printable(f"{where}{finding.rule.severity.value.upper()} {finding.rule.id} "
                     f"{_subject(finding)}")


def _suppressed_line(entry: Suppressed) -> str:
    until = (f" until {entry.suppression.expires.isoformat()}"
             if entry.suppression.expires else "")
    return printable(f"  suppressed{until}: {entry.finding.rule.id} {entry.finding.key} "
                     f"({entry.suppression.reason})")


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def summary(report: Report) -> str:
    """The closing line: how many, how bad, and what the exit code says."""
    pools = _plural(len(report.pools), "pool")
    rules = f"{report.profile.name} rules{', live' if report.live else ''}"
    shown = [f"{n} {s}" for s, n in report.counts().items() if n]
    suppressed = f", {len(report.suppressed)} suppressed" if report.suppressed else ""
    missing = (f"; {_plural(len(report.not_found), 'pool')} not found: exit 1"
               if report.not_found else "")
    if not report.findings:
        return f"No findings in {pools} ({rules}){suppressed}{missing}."
    head = (f"{_plural(len(report.findings), 'finding')} in {pools} ({', '.join(shown)}; "
            f"{rules}){suppressed}")
    blocking = any(f.rule.severity.at_least(report.fail_on) for f in report.findings)
    if blocking:
        return f"{head}: exit 1, a finding at or above --fail-on {report.fail_on.value}."
    return f"{head}: none at or above --fail-on {report.fail_on.value}{missing}."


def not_found_message(name: str) -> str:
    return f"pool {name} does not exist: not checked (apply creates it, or fix its name or id)"


def render_text(report: Report, verbose: bool = False) -> str:
    lines = [_line(f) for f in report.findings]
    if verbose:
        lines += [_suppressed_line(s) for s in report.suppressed]
    lines += [printable(f"error: {not_found_message(name)}") for name in report.not_found]
    lines.append(summary(report))
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- JSON


def render_json(report: Report, rules: Sequence[Rule]) -> str:
    return json.dumps(report.to_dict(tuple(rules)), indent=2, ensure_ascii=False) + "\n"


def _problem_dict(problem: Problem) -> dict[str, Any]:
    loc = problem.location
    return {"file": loc.file if loc else None, "line": loc.line if loc else None,
            "col": loc.column if loc else None,
            "path": render_path(problem.path) if problem.path else None,
            "message": problem.message}


def json_for_problems(problems: Sequence[Problem]) -> str:
    """``-o json`` when the files cannot be checked: the problems, no findings."""
    document = {"format_version": "1.0", "valid": False, "findings": [],
                "problems": [_problem_dict(p) for p in problems]}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


# --------------------------------------------------------------------------- SARIF


def _help_markdown(rule: Rule) -> str:
    origins = ", ".join(f"[{o.name}]({o.url})" for o in rule.origins)
    return (f"{rule.rationale}\n\nSeverity: {rule.severity.value}. Origin: {origins}.\n\n"
            f"Fix (poolsync YAML, below the pool):\n\n```yaml\n{rule.fix}```\n")


def sarif_rule(rule: Rule) -> dict[str, Any]:
    tags = ["security", "cognito", *(["poolsync-policy"] if rule.policy else [])]
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.rationale},
        "help": {"text": f"{rule.rationale} Origin: {rule.origin_text}. Fix:\n{rule.fix}",
                 "markdown": _help_markdown(rule)},
        "helpUri": rule.help_uri,
        "defaultConfiguration": {"level": rule.severity.level},
        "properties": {"security-severity": rule.severity.security_severity,
                       "tags": tags, "precision": "very-high",
                       "origin": [o.name for o in rule.origins]},
    }


def artifact_location(file: str) -> dict[str, str]:
    """A file as a SARIF artifactLocation: a URI reference relative to the checkout
    (``/`` separated, escaped) against the ``%SRCROOT%`` base, or, outside it, an
    absolute ``file:`` URI with no base: "If the uri property is an absolute URI, the
    uriBaseId property SHALL be absent" (SARIF 2.1.0, section 3.4.4)."""
    path = _repository_path(file)
    if os.path.isabs(path):
        return {"uri": Path(path).as_uri()}
    return {"uri": quote(path.replace(os.sep, "/")), "uriBaseId": "%SRCROOT%"}


def _sarif_location(location: Location | None, key: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if location is not None:
        out["physicalLocation"] = {
            "artifactLocation": artifact_location(location.file),
            "region": {"startLine": location.line, "startColumn": location.column},
        }
    if key is not None:
        out["logicalLocations"] = [{"fullyQualifiedName": key, "kind": "member"}]
    return out


def _fingerprint(finding: Finding) -> str:
    text = f"{finding.rule.id}\0{finding.region}\0{finding.key}"
    return hashlib.sha256(text.encode()).hexdigest()


def _result(finding: Finding, index: dict[str, int],
            suppressed: Suppressed | None = None) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.rule.id,
        "ruleIndex": index[finding.rule.id],
        "level": finding.rule.severity.level,
        "message": {"text": _subject(finding)},
        "locations": [_sarif_location(finding.location, finding.key)],
        "partialFingerprints": {"poolsyncFinding/v1": _fingerprint(finding)},
        "properties": {"pool": finding.pool, "region": finding.region,
                       "source": finding.source,
                       "severity": finding.rule.severity.value},
    }
    if suppressed is not None:
        result["suppressions"] = [{"kind": "inSource", "status": "accepted",
                                   "justification": suppressed.suppression.reason}]
    return result


def _run(rules: Sequence[Rule], results: list[dict[str, Any]],
         invocation: dict[str, Any]) -> dict[str, Any]:
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [{
        "tool": {"driver": {"name": TOOL, "version": __version__,
                            "semanticVersion": __version__,
                            "rules": [sarif_rule(r) for r in rules]}},
        "invocations": [invocation],
        "columnKind": "unicodeCodePoints",
        "results": results,
    }]}


def render_sarif(report: Report, rules: Sequence[Rule]) -> str:
    index = {rule.id: i for i, rule in enumerate(rules)}
    results = [_result(f, index) for f in report.findings]
    results += [_result(s.finding, index, s) for s in report.suppressed]
    # A pool of the files that does not exist (--live) could not be checked: the run
    # did not do all it was asked (SARIF 2.1.0 3.20.14, executionSuccessful).
    invocation = {"executionSuccessful": not report.not_found,
                  "toolExecutionNotifications": [
                      {"level": "error", "message": {"text": not_found_message(name)}}
                      for name in report.not_found]}
    return json.dumps(_run(rules, results, invocation), indent=2, ensure_ascii=False) + "\n"


def sarif_for_problems(problems: Sequence[Problem], rules: Sequence[Rule]) -> str:
    """``-o sarif`` when the files cannot be checked: no result, the run marked as not
    successful, each problem a notification at its place."""
    notifications = []
    for problem in problems:
        text = (f"{render_path(problem.path)}: {problem.message}" if problem.path
                else problem.message)
        note: dict[str, Any] = {"level": "error", "message": {"text": text}}
        if problem.location is not None:
            note["locations"] = [_sarif_location(problem.location)]
        notifications.append(note)
    invocation = {"executionSuccessful": False, "toolExecutionNotifications": notifications}
    return json.dumps(_run(rules, [], invocation), indent=2, ensure_ascii=False) + "\n"


# --------------------------------------------------------------------------- GitHub


_COMMAND = {"low": "notice", "medium": "warning", "high": "error", "critical": "error"}


def render_github(report: Report) -> str:
    """One workflow command per finding (GitHub shows it on its line of the pull
    request), then the summary."""
    lines = []
    for finding in report.findings:
        properties = [("title", f"poolsync check {finding.rule.id}")]
        if finding.location is not None:
            loc = finding.location
            properties += [("file", _repository_path(loc.file)), ("line", str(loc.line)),
                           ("col", str(loc.column))]
        lines.append(workflow_command(_COMMAND[finding.rule.severity.value], properties,
                                      _subject(finding)))
    lines += [workflow_command("error", [("title", "poolsync check")],
                               not_found_message(name)) for name in report.not_found]
    return "".join(f"{line}\n" for line in lines) + summary(report) + "\n"
