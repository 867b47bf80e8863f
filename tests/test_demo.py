"""`poolsync demo` runs the whole product against the embedded local Cognito."""

from __future__ import annotations

import threading

import pytest

from poolsync.cli import run


def test_demo_runs_every_step_and_leaves_nothing_running(
    capsys: pytest.CaptureFixture[str],
) -> None:
    threads_before = set(threading.enumerate())
    assert run(["demo"]) == 0
    out = capsys.readouterr().out
    for step in ("1. Validate", "2. Apply", "3. Someone changes", "4. Drift", "5. Fix",
                 "6. Clean", "7. Nothing lost", "8. Smoke"):
        assert step in out
    assert "Policies.PasswordPolicy.MinimumLength: 8 → 12" in out
    # The storefront's managed login style and threat protection, created and reverted.
    assert "+ storefront-demo/managed_login_branding/web: create" in out
    assert "+ storefront-demo/risk_configuration/ALL: create" in out
    assert ('CompromisedCredentialsRiskConfiguration.Actions.EventAction: "NO_ACTION" → '
            '"BLOCK"') in out
    assert "No changes. The live pools match the configuration." in out
    assert "did not go as expected" not in out
    assert "Smoke passed:" in out  # a throwaway user signed up and in, then deleted
    leftover = [t for t in threading.enumerate() if t not in threads_before and t.is_alive()]
    assert leftover == []
