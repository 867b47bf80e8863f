"""The plan as a document: golden text, markdown and JSON renderings of one plan value,
the checksum, and the size limit of a PR comment.

Regenerate the golden files with ``POOLSYNC_UPDATE_GOLDEN=1 python -m pytest
tests/test_planfile.py`` and read the diff before committing it.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import os
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from poolsync import planfile
from poolsync.drift import drift_report
from poolsync.kinds.base import LiveChildren
from poolsync.markdown import GITHUB_LIMIT, render_drift_markdown, render_markdown
from poolsync.model import Action, Plan, PoolConfig
from poolsync.plan import LivePool, plan_pool
from poolsync.render import render_drift_text, render_text
from tests.conftest import FIXTURES

GOLDEN = Path(__file__).parent / "golden"
ROOT = Path(__file__).parent.parent
SECRET = "super-secret-google-value"


@pytest.fixture(autouse=True)
def no_fingerprint_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """The golden files hold scrypt fingerprints (no POOLSYNC_FINGERPRINT_KEY)."""
    monkeypatch.delenv("POOLSYNC_FINGERPRINT_KEY", raising=False)


def _describe_2024() -> dict[str, Any]:
    data = json.loads((FIXTURES / "real-responses" /
                       "describe_user_pool.aws-cli-example-2024.json").read_text())
    return dict(data["UserPool"])


def sample_plan() -> Plan:
    """Create, update (with a default and a sensitive field), a refused replacement,
    an unmanaged item and no-ops, from fixed inputs."""
    live = _describe_2024()
    updated = PoolConfig(
        "MyUserPool", "us-west-2",
        {"Policies": {"PasswordPolicy": {"MinimumLength": 12, "TemporaryPasswordValidityDays": 1}}},
        mfa={"MfaConfiguration": "OFF"},
        groups={"admins": {"Description": "Admins"}},
        identity_providers={"Google": {"ProviderType": "Google", "ProviderDetails": {
            "client_id": "abc", "client_secret": SECRET, "authorize_scopes": "openid"}}},
        secrets=frozenset({SECRET}),
    )
    children = LiveChildren(
        groups={"admins": {"GroupName": "admins", "Description": "Old"},
                "console": {"GroupName": "console"}},
        providers={"Google": {"ProviderType": "Google", "ProviderDetails": {
            "client_id": "abc", "client_secret": "old-secret", "authorize_scopes": "openid"}}},
    )
    existing = plan_pool(updated, LivePool(live, {"MfaConfiguration": "OFF"}, children))
    legacy_live = copy.deepcopy(live)
    legacy_live.update(Id="us-west-2_LEGACY", Name="legacy", EstimatedNumberOfUsers=3,
                       Domain=None, CustomDomain=None)
    replaced = plan_pool(PoolConfig("legacy", "us-west-2", {"UsernameAttributes": ["email"]}),
                         LivePool(legacy_live, {"MfaConfiguration": "OFF"}))
    created = plan_pool(PoolConfig("new-pool", "eu-west-1", {"DeletionProtection": "ACTIVE"},
                                   mfa={"MfaConfiguration": "OPTIONAL",
                                        "SoftwareTokenMfaConfiguration": {"Enabled": True}}),
                        None)
    return Plan((existing, replaced, created))


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("POOLSYNC_UPDATE_GOLDEN"):
        path.write_text(text)
    assert text == path.read_text()


def test_sample_plan_covers_every_case() -> None:
    plan = sample_plan()
    actions = {(o.action, o.unmanaged) for o in plan.objects}
    for wanted in ((Action.CREATE, False), (Action.UPDATE, False), (Action.REPLACE, False),
                   (Action.NOOP, True), (Action.NOOP, False)):
        assert wanted in actions


def test_golden_text() -> None:
    plan = sample_plan()
    _golden("plan-gitops.txt", render_text(plan, digest=planfile.checksum(plan)))


def test_golden_markdown() -> None:
    _golden("plan-gitops.md", render_markdown(sample_plan(), "prod", "environments/prod"))


def test_golden_json() -> None:
    _golden("plan-gitops.json", planfile.render_json(sample_plan()).replace(
        planfile.plan_document(sample_plan())["poolsync_version"], "VERSION"))


def test_json_plan_matches_its_schema_and_holds_no_secret() -> None:
    document = planfile.plan_document(sample_plan())
    schema = json.loads((ROOT / "schema" / "plan.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(document, schema)
    text = json.dumps(document)
    assert SECRET not in text and "old-secret" not in text
    fields = [f for p in document["pools"] for o in p["objects"] for f in o["fields"]
              if f["sensitive"]]
    assert fields and all(f["before"] is None and f["after"] is None for f in fields)
    assert all(f["fingerprint"]["after"].startswith("scrypt:") for f in fields)
    google = next(o for p in document["pools"] for o in p["objects"]
                  if o["address"] == "MyUserPool/identity_providers/Google")
    assert google["secrets"] == [{
        "call": 0, "operation": "UpdateIdentityProvider", "path": "ProviderDetails.client_secret",
        "fingerprint": google["fields"][0]["fingerprint"]["after"]}]
    assert document["fingerprints"] == {"scheme": "scrypt"}


def test_markdown_states_the_worst_outcome_and_the_override() -> None:
    text = render_markdown(sample_plan(), "prod", "environments/prod")
    assert text.startswith("<!-- poolsync plan: prod -->\n## poolsync plan: prod: "
                           "Replacement needed")
    # legacy has users (Cognito's estimate): apply refuses it with any flag, so no
    # override is offered (engine.blocked).
    assert "--allow-replace legacy" not in text
    assert "No override: Cognito estimates 3 user(s) in it" in text
    assert "`MyUserPool/groups/console` is not in the configuration" in text
    # ...and so the plan as a whole cannot be applied: no apply command, no checksum
    # for the apply workflow to pick up.
    assert "poolsync apply" not in text and "checksum" not in text
    assert "Nothing can be applied as planned: see **Needs attention**" in text
    assert SECRET not in text


def test_checksum_is_stable_and_moves_with_the_plan() -> None:
    assert planfile.checksum(sample_plan()) == planfile.checksum(sample_plan())
    plan = sample_plan()
    changed = Plan(plan.pools[1:])
    assert planfile.checksum(changed) != planfile.checksum(plan)
    assert planfile.differences(planfile.plan_document(plan), changed) == [
        "summary: the counts or has_changes differ",
        "MyUserPool: a pool of the reviewed plan, not of the fresh one",
        *(f"{a}: gone from the fresh plan"
          for a in sorted(o.address for o in plan.pools[0].objects))]


def test_the_checksum_is_recomputed_from_the_document_alone() -> None:
    document = json.loads(planfile.render_json(sample_plan()))
    view = planfile.checksum_view(document)
    assert planfile._digest(view) == document["checksum"] == planfile.checksum(sample_plan())
    assert SECRET not in json.dumps(view) and "old-secret" not in json.dumps(view)
    document["pools"][0]["objects"][0]["reason"] = "prose is not covered"
    document["pools"][0]["estimated_users"] = 0
    document["stats"] = {"calls": 1}
    assert planfile._digest(planfile.checksum_view(document)) == document["checksum"]
    document["pools"][0]["objects"][0]["fields"][0]["after"] = 6
    assert planfile._digest(planfile.checksum_view(document)) != document["checksum"]


def test_a_markdown_plan_of_200_changed_objects_fits_and_keeps_its_table() -> None:
    pools = []
    for n in range(200):
        cfg = PoolConfig(f"pool-{n:03d}", "eu-west-1", {
            "DeletionProtection": "ACTIVE", "UserPoolTags": {f"k{i}": "v" * 60 for i in range(8)},
            "Policies": {"PasswordPolicy": {"MinimumLength": 12}}})
        pools.append(plan_pool(cfg, None))
    plan = Plan(tuple(pools))
    text = render_markdown(plan, "prod", "environments/prod")
    assert len(text) <= GITHUB_LIMIT
    for n in range(200):
        assert f"| `+` | `pool-{n:03d}` | create |" in text
    assert "<!-- poolsync checksum: sha256:" in text


def test_drift_renderings() -> None:
    report = drift_report(sample_plan(), "environments/prod")
    assert report.has_drift
    text = render_drift_text(report)
    assert ("MODIFIED   MyUserPool\n    Policies.PasswordPolicy.MinimumLength: expected 12, "
            "live 8") in text
    assert "UNMANAGED  MyUserPool/groups/console" in text
    assert "MISSING    new-pool" in text
    assert "Revert (make the pools match the files): poolsync apply environments/prod" in text
    markdown = render_drift_markdown(report, "prod")
    assert markdown.startswith("<!-- poolsync drift: prod -->")
    document = report.to_dict()
    assert document["summary"]["counts"]["UNMANAGED"] == 1
    assert SECRET not in json.dumps(document) + text + markdown


@pytest.mark.parametrize("bad", ["{}", "not json", '{"checksum": "sha256:x", "format_version": "2.0"}'])
def test_a_bad_plan_file_is_a_usage_error(tmp_path: Path, bad: str) -> None:
    from poolsync.errors import UsageError

    path = tmp_path / "plan.json"
    path.write_text(bad)
    with pytest.raises(UsageError):
        planfile.read_plan(str(path))


def test_a_region_shown_as_written_is_covered_by_its_fingerprint(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A region or pool id from ${env:...} is shown as written (masking); the checksum
    then covers the real ones through a fingerprint."""
    plan = sample_plan()
    real_to_dict = Plan.to_dict

    def shown_as_written(self: Plan) -> dict[str, Any]:
        out = real_to_dict(self)
        out["pools"][0]["region"] = "${env:REGION}"
        return out

    monkeypatch.setattr(Plan, "to_dict", shown_as_written)
    body = planfile.plan_body(plan)
    assert body["pools"][0]["identity"].startswith("scrypt:")
    assert "identity" not in body["pools"][1]
    assert "us-west-2" not in json.dumps(body["pools"][0]["identity"])
    moved = Plan((dataclasses.replace(plan.pools[0], region="eu-central-1"), *plan.pools[1:]))
    assert planfile.checksum(moved) != planfile.checksum(plan)
    assert planfile.differences(planfile.plan_document(plan), moved) == [
        "MyUserPool: the pool's region or id (from ${env:...}) differs"]
