"""The plan's "weakens" labels (src/poolsync/check/weakens.py): a change that makes a
``poolsync check`` rule fail where the live pool passes it, in the text plan, the
pull-request comment (markdown) and the JSON plan; none for a change that strengthens,
none for a rule the pool suppresses."""

from __future__ import annotations

import html
import json
from typing import Any

import pytest

from poolsync.aws import AwsSession
from poolsync.check.views import PoolView
from poolsync.check.weakens import weakenings
from poolsync.model import MISSING
from tests.conftest import cli
from tests.test_markdown_render import check_well_formed, render

POOL = """\
    version: 1
    region: eu-west-1
    pools:
      shop:
        settings:
          DeletionProtection: {protection}
        mfa:
          MfaConfiguration: {mfa}
          SoftwareTokenMfaConfiguration: {{Enabled: true}}
{extra}"""


def _pool(protection: str = "ACTIVE", mfa: str = "'ON'", extra: str = "") -> str:
    return POOL.format(protection=protection, mfa=mfa, extra=extra)


def _view(**mfa: Any) -> PoolView:
    return PoolView(name="shop", region="eu-west-1", settings={}, mfa=mfa, clients={},
                    risk={})


def test_mfa_on_to_optional_weakens_cognito_5() -> None:
    ((path, label),) = weakenings(_view(MfaConfiguration="ON"),
                                  _view(MfaConfiguration="OPTIONAL"))
    assert path == ("mfa", "MfaConfiguration")
    assert (label.rule, label.before, label.after) == ("PS-COG-006", "ON", "OPTIONAL")
    assert label.text.startswith(
        'mfa.MfaConfiguration "ON" → "OPTIONAL": weakens PS-COG-006 (Security Hub '
        "Cognito.5, AWS Config cognito-user-pool-mfa-enabled, Prowler "
        "cognito_user_pool_mfa_enabled)")


def test_a_change_that_strengthens_or_keeps_a_failure_is_not_labelled() -> None:
    assert weakenings(_view(MfaConfiguration="OPTIONAL"), _view(MfaConfiguration="ON")) == []
    assert weakenings(_view(MfaConfiguration="OFF"), _view(MfaConfiguration="OPTIONAL")) == []


def _plan(session: AwsSession, capsys: pytest.CaptureFixture[str], path: str,
          *args: str) -> str:
    capsys.readouterr()
    assert cli(session, "plan", path, *args) == 0
    return capsys.readouterr().out


@pytest.fixture
def live_pool(session: AwsSession, write) -> str:  # type: ignore[no-untyped-def]
    path: str = write(_pool())
    assert cli(session, "apply", path, "--yes") == 0
    return path


def test_the_text_plan_labels_the_change(session, live_pool, write, capsys) -> None:  # type: ignore[no-untyped-def]
    write(_pool(protection="INACTIVE", mfa="OPTIONAL"))
    out = _plan(session, capsys, live_pool)
    lines = out.splitlines()
    mfa = lines.index(next(line for line in lines if line.startswith("  ~ shop/mfa:")))
    assert lines[mfa + 2].startswith(
        '    ! weakens security: mfa.MfaConfiguration "ON" → "OPTIONAL": weakens '
        "PS-COG-006 (Security Hub Cognito.5")
    assert ('    ! weakens security: settings.DeletionProtection "ACTIVE" → "INACTIVE": '
            "weakens PS-COG-007") in out


def test_the_pull_request_comment_labels_the_change(session, live_pool, write, capsys) -> None:  # type: ignore[no-untyped-def]
    write(_pool(mfa="OPTIONAL"))
    out = _plan(session, capsys, live_pool, "-o", "markdown")
    attention = out.split("### Needs attention", 1)[1]
    assert ("- **`shop/mfa` weakens security**: mfa.MfaConfiguration \"ON\" → \"OPTIONAL\": "
            "weakens PS-COG-006 (Security Hub Cognito.5") in attention
    page = render(out)  # as GitHub renders the comment (cmark-gfm)
    check_well_formed(page)
    (item,) = [li.text() for li in page.root.all("li") if "weakens security" in li.text()]
    assert item.startswith('shop/mfa weakens security: mfa.MfaConfiguration "ON" → '
                           '"OPTIONAL": weakens PS-COG-006')


def test_the_json_plan_carries_the_labels(session, live_pool, write, capsys) -> None:  # type: ignore[no-untyped-def]
    write(_pool(mfa="OPTIONAL"))
    plan = json.loads(_plan(session, capsys, live_pool, "-o", "json"))
    objects = {o["address"]: o for p in plan["pools"] for o in p["objects"]}
    (label,) = objects["shop/mfa"]["weakens"]
    assert {k: label[k] for k in ("rule", "path", "before", "after")} == {
        "rule": "PS-COG-006", "path": "mfa.MfaConfiguration", "before": "ON",
        "after": "OPTIONAL"}
    assert "weakens" not in objects["shop"]  # only where there are labels


def test_no_label_without_a_weakening(session, live_pool, write, capsys) -> None:  # type: ignore[no-untyped-def]
    assert "weakens" not in _plan(session, capsys, live_pool)  # nothing changes
    write(_pool(mfa="OPTIONAL").replace("ACTIVE", "ACTIVE\n          UserPoolTier: PLUS"))
    write(_pool(mfa="'ON'", extra="        clients: {web: {PreventUserExistenceErrors: "
                                  "ENABLED}}\n"))
    out = _plan(session, capsys, live_pool)
    assert "+ shop/clients/web" in out and "weakens" not in out


def test_a_suppressed_rule_gives_no_label(session, live_pool, write, capsys) -> None:  # type: ignore[no-untyped-def]
    write(_pool(mfa="OPTIONAL", extra=(
        "        check:\n          disable: [{rule: PS-COG-006, reason: TOTP is offered}]\n")))
    out = _plan(session, capsys, live_pool)
    assert "~ shop/mfa" in out and "weakens" not in out


def test_the_checksum_does_not_cover_the_labels(session, live_pool, write, capsys) -> None:  # type: ignore[no-untyped-def]
    """Labels are prose: a pinned apply of a labelled plan goes through."""
    write(_pool(mfa="OPTIONAL"))
    plan = json.loads(_plan(session, capsys, live_pool, "-o", "json"))
    assert cli(session, "apply", live_pool, "--checksum", plan["checksum"]) == 0


# --- the label's values are those at the key, not what the rule names ----------------

CLIENT = """\
    version: 1
    region: eu-west-1
    pools:
      shop:
        clients:
          web:
            AllowedOAuthFlowsUserPoolClient: true
            AllowedOAuthFlows: {flows}
            AllowedOAuthScopes: [openid]
            CallbackURLs: [https://app.example.com/cb]
            PreventUserExistenceErrors: ENABLED
"""


def _client_view(flows: list[str]) -> PoolView:
    return PoolView(name="shop", region="eu-west-1", settings={}, mfa={}, risk={},
                    clients={"web": {"AllowedOAuthFlows": flows}})


def test_a_list_is_shown_whole_before_and_after() -> None:
    """PS-COG-015 names the flow that fails ("implicit"); the label shows the list."""
    ((path, label),) = weakenings(_client_view(["code"]), _client_view(["code", "implicit"]))
    assert path == ("clients", "web", "AllowedOAuthFlows")
    assert (label.before, label.after) == (["code"], ["code", "implicit"])
    assert label.text.startswith('clients.web.AllowedOAuthFlows ["code"] → '
                                 '["code", "implicit"]: weakens PS-COG-015')


def test_a_value_from_the_environment_is_not_shown() -> None:
    ((_, label),) = weakenings(_client_view(["code"]), _client_view(["code", "implicit"]),
                               from_environment=[("clients", "web", "AllowedOAuthFlows", 1)])
    assert label.before is MISSING and label.after is MISSING
    assert label.text.startswith("clients.web.AllowedOAuthFlows: weakens PS-COG-015")


def test_every_plan_output_shows_the_list_after_the_change(
        session: AwsSession, write: Any, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(CLIENT.format(flows="[code]"))
    assert cli(session, "apply", path, "--yes", "-q") == 0
    write(CLIENT.format(flows="[code, implicit]"))
    shown = 'clients.web.AllowedOAuthFlows ["code"] → ["code", "implicit"]: weakens PS-COG-015'
    assert f"    ! weakens security: {shown}" in _plan(session, capsys, path)
    assert f"- **`shop/clients/web` weakens security**: {shown}" in html.unescape(
        _plan(session, capsys, path, "-o", "markdown"))
    plan = json.loads(_plan(session, capsys, path, "-o", "json"))
    objects = {o["address"]: o for p in plan["pools"] for o in p["objects"]}
    (label,) = objects["shop/clients/web"]["weakens"]
    assert (label["before"], label["after"]) == (["code"], ["code", "implicit"])
    assert label["text"].startswith(shown)


def test_a_weakening_value_from_the_environment_is_not_in_the_plan(
        session: AwsSession, live_pool: str, write: Any, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Every ${env:...} value is a secret (docs/github.md): the label says where, not
    what."""
    monkeypatch.setenv("PROTECTION", "INACTIVE")
    write(_pool(protection="${env:PROTECTION}"))
    out = _plan(session, capsys, live_pool)
    assert "    ! weakens security: settings.DeletionProtection: weakens PS-COG-007" in out
    assert '"INACTIVE"' not in out
