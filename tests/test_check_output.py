"""``poolsync check`` through the CLI, offline: text (golden), JSON, SARIF 2.1.0 validated
against the OASIS schema (tests/fixtures/sarif), GitHub annotations, exit codes, and a
pool's ``check:`` suppressions (active, expired, unknown rule, bad date).

Regenerate the golden files after an intended change of the output with
``POOLSYNC_UPDATE_GOLDEN=1 pytest tests/test_check_output.py`` and review the diff.
"""

from __future__ import annotations

import json
import os
import textwrap
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import pytest

from poolsync.check.rules import ALL_RULES
from poolsync.cli import run

ROOT = Path(__file__).parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
GOLDEN = ROOT / "tests" / "golden"
WEAK = "tests/fixtures/check/weak.yaml"
HARDENED = "tests/fixtures/check/hardened.yaml"
UPDATE_GOLDEN = os.environ.get("POOLSYNC_UPDATE_GOLDEN") == "1"


@pytest.fixture(autouse=True)
def _at_the_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Paths in the output as a CI job shows them: relative to the checkout."""
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE_GOLDEN:
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = run(["check", *args])
    out, err = capsys.readouterr()
    return code, out, err


@cache
def _sarif_validator() -> jsonschema.Draft4Validator:
    schema = json.loads((FIXTURES / "sarif" / "sarif-schema-2.1.0.json").read_text())
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())


def _artifact_locations(value: Any) -> list[dict[str, Any]]:
    """Every artifactLocation object anywhere in a SARIF document."""
    if isinstance(value, list):
        return [found for item in value for found in _artifact_locations(item)]
    if not isinstance(value, dict):
        return []
    here = [value["artifactLocation"]] if isinstance(value.get("artifactLocation"), dict) else []
    return here + [found for item in value.values() for found in _artifact_locations(item)]


def _valid_sarif(text: str) -> dict[str, Any]:
    """Valid against the OASIS schema, and against what the schema cannot say: SARIF
    2.1.0 section 3.4.4, "If the uri property is an absolute URI, the uriBaseId
    property SHALL be absent"."""
    document: dict[str, Any] = json.loads(text)
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
              for e in _sarif_validator().iter_errors(document)]
    assert errors == []
    for location in _artifact_locations(document):
        absolute = bool(urlsplit(location["uri"]).scheme)
        assert ("uriBaseId" in location) is not absolute, location
    return document


# --------------------------------------------------------------------------- text


@pytest.mark.parametrize("profile", ["baseline", "strict"])
def test_text_output_matches_golden(capsys: pytest.CaptureFixture[str], profile: str) -> None:
    code, out, _ = _run(capsys, WEAK, "-v", "--profile-rules", profile)
    assert code == 1
    _golden(f"check-weak-{profile}.txt", out)


def test_a_clean_pool_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, HARDENED, "--profile-rules", "strict") == (
        0, "No findings in 1 pool (strict rules).\n", "")


@pytest.mark.parametrize(("fail_on", "code"), [("critical", 0), ("high", 1), ("low", 1)])
def test_fail_on_sets_the_threshold(write, capsys, fail_on: str, code: int) -> None:  # type: ignore[no-untyped-def]
    # Only high findings (MFA OFF, deletion protection) and lower.
    path = write("""\
        version: 1
        region: eu-west-1
        pools:
          p: {}
        """)
    assert _run(capsys, path, "--fail-on", fail_on)[0] == (0 if fail_on == "critical" else code)


def test_medium_findings_alone_pass_the_default_threshold(write, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write("""\
        version: 1
        region: eu-west-1
        pools:
          p:
            settings: {DeletionProtection: ACTIVE}
            mfa: {MfaConfiguration: OPTIONAL, SoftwareTokenMfaConfiguration: {Enabled: true}}
        """)
    code, out, _ = _run(capsys, path)
    assert code == 0
    assert out.endswith("none at or above --fail-on high.\n")
    assert _run(capsys, path, "--fail-on", "medium")[0] == 1
    assert _run(capsys, path, "--mfa-optional", "fail")[0] == 1  # Prowler's reading


def test_pool_option_narrows_the_check(write, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write("""\
        version: 1
        region: eu-west-1
        pools:
          a: {}
          b: {settings: {DeletionProtection: ACTIVE}}
        """)
    code, out, _ = _run(capsys, path, "--pool", "b")
    assert code == 1  # b's MFA is off
    assert "pools.a." not in out and "pools.b." in out and "in 1 pool" in out


# --------------------------------------------------------------------------- JSON


def test_json_output(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, WEAK, "-o", "json")
    document = json.loads(out)
    assert code == 1 and document["summary"]["failed"] is True
    assert document["profile"] == "baseline" and document["mfa_optional"] == "pass"
    first = document["findings"][0]
    assert first == {
        "rule": "PS-COG-001", "name": "threat-protection-enforced", "severity": "medium",
        "pool": "weak", "region": "eu-west-1",
        "path": "pools.weak.settings.UserPoolAddOns.AdvancedSecurityMode",
        "file": WEAK, "line": 6, "col": 5,
        "message": "threat protection is OFF; set ENFORCED (needs UserPoolTier PLUS)",
        "source": "default",
        "origin": ["Security Hub Cognito.1",
                   "AWS Config cognito-user-pool-advanced-security-enabled",
                   "Prowler cognito_user_pool_advanced_security_enabled"],
        "fix": first["fix"]}
    assert "AdvancedSecurityMode: ENFORCED" in first["fix"]
    (suppressed,) = document["suppressed"]
    assert (suppressed["rule"], suppressed["reason"], suppressed["expires"]) == (
        "PS-COG-009", "the mobile app cannot revoke yet", None)
    assert [r["id"] for r in document["rules"]] == [r.id for r in ALL_RULES]


def test_json_of_files_that_cannot_be_checked(write, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write("""\
        version: 1
        pools:
          p: {region: eu-west-1, settings: {DeletionProtection: ENABLED}}
        """)
    code, out, err = _run(capsys, path, "-o", "json")
    assert code == 1 and "must be one of: ACTIVE, INACTIVE" in err
    document = json.loads(out)
    assert document["valid"] is False and document["findings"] == []
    assert document["problems"][0]["line"] == 3


# --------------------------------------------------------------------------- SARIF


def test_sarif_is_valid_and_complete(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, WEAK, "-o", "sarif", "--profile-rules", "strict")
    document = _valid_sarif(out)
    assert code == 1 and document["version"] == "2.1.0"
    (sarif_run,) = document["runs"]
    driver = sarif_run["tool"]["driver"]
    assert driver["name"] == "poolsync"
    rules = {r["id"]: r for r in driver["rules"]}
    assert list(rules) == [r.id for r in ALL_RULES]
    mfa = rules["PS-COG-006"]
    assert mfa["name"] == "mfa-enabled"
    assert mfa["properties"]["security-severity"] == "8.0"
    assert mfa["helpUri"].endswith("cognito-controls.html#cognito-5")
    assert mfa["shortDescription"]["text"] and mfa["fullDescription"]["text"]
    assert "MfaConfiguration" in mfa["help"]["markdown"]
    results = sarif_run["results"]
    mfa_result = next(r for r in results if r["ruleId"] == "PS-COG-006")
    assert mfa_result["level"] == "error"
    assert driver["rules"][mfa_result["ruleIndex"]]["id"] == "PS-COG-006"
    assert mfa_result["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": WEAK, "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 13, "startColumn": 7}}
    suppressed = [r for r in results if r.get("suppressions")]
    assert [(r["ruleId"], r["suppressions"][0]["justification"]) for r in suppressed] == [
        ("PS-COG-009", "the mobile app cannot revoke yet")]
    fingerprints = [r["partialFingerprints"]["poolsyncFinding/v1"] for r in results]
    assert len(set(fingerprints)) == len(fingerprints)


def test_sarif_fingerprints_survive_moved_lines(write, capsys) -> None:  # type: ignore[no-untyped-def]
    text = "version: 1\nregion: eu-west-1\npools:\n  p: {}\n"
    before = json.loads(_run(capsys, write(text), "-o", "sarif")[1])
    after = json.loads(_run(capsys, write("# a comment\n" + text), "-o", "sarif")[1])
    prints = [[r["partialFingerprints"] for r in d["runs"][0]["results"]]
              for d in (before, after)]
    assert prints[0] == prints[1]


def test_sarif_of_files_that_cannot_be_checked(write, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write("""\
        version: 1
        pools:
          p: {region: eu-west-1, settings: {DeletionProtection: ENABLED}}
        """)
    code, out, _ = _run(capsys, path, "-o", "sarif")
    document = _valid_sarif(out)
    (invocation,) = document["runs"][0]["invocations"]
    assert code == 1 and invocation["executionSuccessful"] is False
    (note,) = invocation["toolExecutionNotifications"]
    assert note["locations"][0]["physicalLocation"]["region"] == {"startLine": 3,
                                                                   "startColumn": 37}
    assert document["runs"][0]["results"] == []


def test_sarif_of_a_file_outside_the_checkout_has_an_absolute_uri_without_a_base(
        write, capsys) -> None:  # type: ignore[no-untyped-def]
    """A file outside the checkout (GITHUB_WORKSPACE, else the working directory) is a
    file: URI, with no uriBaseId (SARIF 2.1.0 section 3.4.4), for results and for the
    problems of files that cannot be checked alike."""
    path = write("version: 1\nregion: eu-west-1\npools:\n  p: {}\n", "sup.yaml")
    assert not str(path).startswith(str(ROOT))
    _, out, _ = _run(capsys, path, "-o", "sarif")
    locations = _artifact_locations(_valid_sarif(out)["runs"][0]["results"])
    assert locations and all(loc == {"uri": Path(path).as_uri()} for loc in locations)
    bad = write("version: 1\npools:\n  p: {region: eu-west-1, settings: {X: 1}}\n", "bad.yaml")
    _, out, _ = _run(capsys, bad, "-o", "sarif")
    invocation = _valid_sarif(out)["runs"][0]["invocations"][0]
    assert _artifact_locations(invocation) == [{"uri": Path(bad).as_uri()}]


def test_a_clean_sarif_is_valid(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, HARDENED, "-o", "sarif")
    assert code == 0 and _valid_sarif(out)["runs"][0]["results"] == []


# --------------------------------------------------------------------------- GitHub


def test_github_annotations(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, WEAK, "-o", "github")
    assert code == 1
    lines = out.splitlines()
    assert lines[1].startswith(
        f"::error title=poolsync check PS-COG-007,file={WEAK},line=6,col=5::"
        "pools.weak.settings.DeletionProtection (not written")
    assert lines[-1].startswith("12 findings in 1 pool")


# --------------------------------------------------------------------------- suppressions


POOL = """\
    version: 1
    region: eu-west-1
    pools:
      p:
        settings: {DeletionProtection: ACTIVE}
        mfa: {MfaConfiguration: OPTIONAL, SoftwareTokenMfaConfiguration: {Enabled: true}}
        check:
          disable:
    """


def _with(*entries: str) -> str:
    return POOL + "".join(f"      - {e}\n" for e in entries)


def test_a_suppression_moves_its_findings_out(write, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write(_with("{rule: PS-COG-001, reason: budget, expires: 2999-12-31}"))
    code, out, _ = _run(capsys, path, "-o", "json")
    document = json.loads(out)
    assert code == 0
    assert "PS-COG-001" not in {f["rule"] for f in document["findings"]}
    assert [(s["rule"], s["expires"], s["line"], s["suppressed_at"])
            for s in document["suppressed"]] == [
        ("PS-COG-001", "2999-12-31", 5, f"{path}:9:9")]


def test_an_expired_suppression_is_a_finding_and_suppresses_nothing(write, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write(_with("{rule: PS-COG-001, reason: budget, expires: 2001-02-03}"))
    code, out, _ = _run(capsys, path)
    assert code == 1  # PS-CHK-001 is high
    assert (f"{path}:9:44: HIGH PS-CHK-001 pools.p.check.disable[0].expires: the "
            "suppression of PS-COG-001 expired on 2001-02-03 (reason: budget)") in out
    assert "PS-COG-001 pools.p.settings.UserPoolAddOns.AdvancedSecurityMode" in out


@pytest.mark.parametrize(("entry", "message", "where"), [
    ("{rule: PS-COG-099, reason: x}", "rule: must be one of: PS-COG-001", "9:10"),
    ("{rule: PS-CHK-001, reason: x}", "rule: must be one of: PS-COG-001", "9:10"),
    ("{rule: PS-COG-001, reason: x, expires: 2026-02-30}", "2026-02-30 is not a date", "9:39"),
    ("{rule: PS-COG-001, reason: x, expires: 30.6.2026}", "a date (YYYY-MM-DD)", "9:39"),
    ("{rule: PS-COG-001, reason: '  '}", "a suppression needs a reason", "9:28"),
    ("{rule: PS-COG-001}", "reason", "9:9"),
])
def test_a_bad_suppression_is_a_validate_error_at_its_place(write, capsys, entry: str,  # type: ignore[no-untyped-def]
                                                             message: str, where: str) -> None:
    path = write(_with(entry))
    for command in ("validate", "check"):
        capsys.readouterr()
        assert run([command, path]) == 1
        err = capsys.readouterr().err
        assert f"{path}:{where}: pools.p.check.disable[0]" in err and message in err, err


def test_a_template_can_carry_the_suppression(write, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write("""\
        version: 1
        region: eu-west-1
        templates:
          base:
            check:
              disable: [{rule: PS-COG-007, reason: sandbox pools come and go}]
        pools:
          sandbox: {template: base}
        """)
    document = json.loads(_run(capsys, path, "-o", "json")[1])
    assert [(s["rule"], s["line"], s["suppressed_at"]) for s in document["suppressed"]] == [
        ("PS-COG-007", 8, f"{path}:6:17")]


def test_check_does_not_import_boto3(tmp_path: Path) -> None:
    import subprocess
    import sys

    code = ("import sys; from poolsync.cli import run; rc = run(['check', "
            f"{HARDENED!r}]); assert rc == 0, rc; heavy = [m for m in ('boto3', 'botocore', "
            "'deepdiff') if m in sys.modules]; assert not heavy, heavy")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_help_names_the_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["check", "--help"]) == 0
    out = textwrap.dedent(capsys.readouterr().out)
    for option in ("--fail-on", "--profile-rules", "--mfa-optional", "--live", "sarif"):
        assert option in out
