"""``apply --plan FILE`` applies exactly the reviewed file, or refuses (exit 3) without a
write; the plan covers every secret it sends; secret fingerprints are keyed or slow and
salted (issue 10, section 1). Through the CLI, against the stand-in."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from poolsync import fingerprint, planfile
from poolsync.aws import AwsSession
from tests.conftest import boto_cognito as _cognito
from tests.conftest import cli as _cli

ROOT = Path(__file__).parent.parent
WRITES = ("Create", "Update", "Delete", "Set", "Add", "Tag")
BASE = """
    version: 1
    pools:
      app:
        region: eu-west-1
        settings:
          Policies:
            PasswordPolicy: {MinimumLength: 10}
        groups:
          admins: {Description: Administrators}
    """
# What was reviewed: a stricter password policy.
REVIEWED = BASE.replace("MinimumLength: 10", "MinimumLength: 14")
# What an attacker wants applied instead: a weaker policy and the group pruned.
OTHER = BASE.replace("MinimumLength: 10", "MinimumLength: 6").replace(
    "groups:\n          admins: {Description: Administrators}", "prune: true\n        groups: {}")
KEY = "POOLSYNC_FINGERPRINT_KEY"
APPLE_KEY = "-----BEGIN PRIVATE KEY-----\nMIGTAgEAMBMGByqGSM49-{}\n-----END PRIVATE KEY-----"
SECRETS = """
    version: 1
    pools:
      app:
        region: eu-west-1
        identity_providers:
          SignInWithApple:
            ProviderType: SignInWithApple
            ProviderDetails:
              client_id: com.example.app
              team_id: TEAM123456
              key_id: KEY1234567
              private_key: ${env:APPLE_KEY}
              authorize_scopes: email name
          Google:
            ProviderType: Google
            ProviderDetails:
              client_id: 123.apps.googleusercontent.com
              client_secret: ${env:GOOGLE_SECRET}
              authorize_scopes: openid email
        clients:
          backend:
            ClientSecret: ${env:CLIENT_SECRET}
            ExplicitAuthFlows: [ALLOW_REFRESH_TOKEN_AUTH, ALLOW_USER_SRP_AUTH]
    """
SECRET_VALUES = {"APPLE_KEY": APPLE_KEY.format("first"), "GOOGLE_SECRET": "google-secret-1",
                 "CLIENT_SECRET": "clientsecret0123456789abcdefghijklmnopqrstuvwxyz1"}


@pytest.fixture(autouse=True)
def no_fingerprint_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEY, raising=False)


def _boto(session: AwsSession) -> Any:
    return _cognito(session)._boto()


def _writes(session: AwsSession, since: int) -> list[str]:
    return [c.operation for c in _cognito(session).calls[since:]
            if c.operation.startswith(WRITES)]


def _state(session: AwsSession) -> Any:
    """Everything the tampering tests could change: the pools, their settings, groups."""
    boto = _boto(session)
    pools = boto.list_user_pools(MaxResults=60)["UserPools"]
    out = []
    for pool in pools:
        described = boto.describe_user_pool(UserPoolId=pool["Id"])["UserPool"]
        groups = boto.list_groups(UserPoolId=pool["Id"])["Groups"]
        out.append((described["Name"], described["Policies"],
                    sorted(g["GroupName"] for g in groups)))
    return out


def _reviewed_file(session: AwsSession, write: Callable[..., str], tmp_path: Path
                   ) -> tuple[str, Path]:
    """The live pool from BASE, and the saved plan of REVIEWED against it."""
    assert _cli(session, "apply", write(BASE, "base.yaml"), "--yes") == 0
    reviewed, saved = write(REVIEWED, "reviewed.yaml"), tmp_path / "plan.json"
    assert _cli(session, "plan", reviewed, "--out", str(saved), "--detailed-exitcode") == 2
    return reviewed, saved


def _refused(session: AwsSession, config: str, saved: Path,
             capsys: pytest.CaptureFixture[str]) -> str:
    """Apply pinned to ``saved``: exit 3, not one write, the live state unchanged."""
    state, since = _state(session), len(_cognito(session).calls)
    capsys.readouterr()
    assert _cli(session, "apply", config, "--plan", str(saved), "--yes") == 3
    assert _writes(session, since) == []
    assert _state(session) == state
    err = capsys.readouterr().err
    assert "nothing was changed" in err and "Traceback" not in err
    return err


def _edit(saved: Path, change: Callable[[dict[str, Any]], None], *,
          recompute: bool = False) -> None:
    document = json.loads(saved.read_text())
    change(document)
    if recompute:  # an editor who knows the algorithm: the file is self-consistent
        document["checksum"] = planfile._digest(planfile.checksum_view(document))
    saved.write_text(json.dumps(document))


def _pool(document: dict[str, Any]) -> dict[str, Any]:
    pool: dict[str, Any] = document["pools"][0]
    return pool


def _set_after(document: dict[str, Any]) -> None:
    fields = _pool(document)["objects"][0]["fields"]
    field = next(f for f in fields if f["path"] == "Policies.PasswordPolicy.MinimumLength")
    field["after"] = 6


TAMPERINGS: dict[str, Callable[[dict[str, Any]], None]] = {
    "after value": _set_after,
    "pool name": lambda d: _pool(d).update(name="prod"),
    "pool id": lambda d: _pool(d).update(pool_id="eu-west-1_AAAAAAAAA"),
    "region": lambda d: _pool(d).update(region="us-east-1"),
    "checksum": lambda d: d.update(checksum="sha256:" + "0" * 64),
    "objects dropped": lambda d: _pool(d).update(objects=[]),
    "pools not a list": lambda d: d.update(pools="app"),
}


def test_the_untampered_reviewed_file_applies(session, write, tmp_path) -> None:  # type: ignore[no-untyped-def]
    reviewed, saved = _reviewed_file(session, write, tmp_path)
    assert _cli(session, "apply", reviewed, "--plan", str(saved)) == 0
    assert _state(session)[0][1]["PasswordPolicy"]["MinimumLength"] == 14


@pytest.mark.parametrize("tampering", sorted(TAMPERINGS))
def test_an_edited_plan_file_is_refused(session, write, tmp_path, capsys, tampering) -> None:  # type: ignore[no-untyped-def]
    reviewed, saved = _reviewed_file(session, write, tmp_path)
    _edit(saved, TAMPERINGS[tampering])
    err = _refused(session, reviewed, saved, capsys)
    assert f"{saved} is not the plan poolsync wrote" in err


@pytest.mark.parametrize("tampering", ["after value", "pool name", "pool id", "region"])
def test_an_edited_file_with_its_checksum_recomputed_is_refused_too(  # type: ignore[no-untyped-def]
        session, write, tmp_path, capsys, tampering) -> None:
    reviewed, saved = _reviewed_file(session, write, tmp_path)
    _edit(saved, TAMPERINGS[tampering], recompute=True)
    err = _refused(session, reviewed, saved, capsys)
    assert "the fresh plan is not the reviewed one" in err
    expected = {"after value": "app: the changes differ (Policies.PasswordPolicy.MinimumLength)",
                "pool name": "app: a pool of the fresh plan, not of the reviewed one", "pool id": "app: the pool's id differs",
                "region": "app: the pool's region differs"}[tampering]
    assert expected in err


@pytest.mark.parametrize("depth", [100_000, 900])
def test_a_plan_file_nested_too_deep_is_an_error_not_a_crash(  # type: ignore[no-untyped-def]
        session, write, tmp_path, capsys, depth) -> None:
    """Deeper than json's decoder recurses (a usage error), or decodable but deeper
    than reading it recurses (refused as not a plan poolsync wrote): never a crash."""
    reviewed, saved = _reviewed_file(session, write, tmp_path)
    digest = json.loads(saved.read_text())["checksum"]
    nested = "[" * depth + "]" * depth
    saved.write_text(f'{{"format_version": "1.1", "checksum": "{digest}", "pools": {nested}}}')
    since = len(_cognito(session).calls)
    code = _cli(session, "apply", reviewed, "--plan", str(saved), "--yes")
    err = capsys.readouterr().err
    assert code in (1, 3) and "internal error" not in err and "Traceback" not in err
    assert _writes(session, since) == []


@pytest.mark.parametrize("version", [planfile.FORMAT_VERSION, "1.0"])
def test_a_plan_reduced_to_its_checksum_is_refused(session, write, tmp_path, capsys,  # type: ignore[no-untyped-def]
                                                   version) -> None:
    reviewed, saved = _reviewed_file(session, write, tmp_path)
    digest = json.loads(saved.read_text())["checksum"]
    saved.write_text(json.dumps({"format_version": version, "checksum": digest}))
    err = _refused(session, reviewed, saved, capsys)
    assert "app: new in the fresh plan" in err


def test_a_reviewed_file_with_another_plans_checksum_does_not_apply_that_plan(  # type: ignore[no-untyped-def]
        session, write, tmp_path, capsys) -> None:
    reviewed, saved = _reviewed_file(session, write, tmp_path)
    other, other_plan = write(OTHER, "other.yaml"), tmp_path / "other.json"
    assert _cli(session, "plan", other, "--out", str(other_plan)) == 0
    pasted = json.loads(other_plan.read_text())["checksum"]
    _edit(saved, lambda d: d.update(checksum=pasted))
    err = _refused(session, other, saved, capsys)
    assert "app/groups/admins: was no-op, now delete" in err
    assert _state(session)[0][2] == ["admins"]
    # and the reviewed configuration does not apply under the pasted checksum either
    _refused(session, reviewed, saved, capsys)


def test_a_stale_file_lists_what_moved(session, write, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    _, saved = _reviewed_file(session, write, tmp_path)
    changed = write(REVIEWED.replace("Administrators", "Admins"), "changed.yaml")
    err = _refused(session, changed, saved, capsys)
    assert "the fresh plan is not the reviewed one" in err
    assert "app/groups/admins: was no-op, now update" in err


def test_a_file_planned_with_prune_applied_without_it_names_the_options(  # type: ignore[no-untyped-def]
        session, write, tmp_path, capsys) -> None:
    """Nothing changed but an option: the refusal says which options a plan keeps."""
    assert _cli(session, "apply", write(BASE, "base.yaml"), "--yes") == 0
    # The group left out of the file: --prune deletes it, without --prune it stays.
    reviewed = write(BASE.replace("admins: {Description: Administrators}", "{}"),
                     "reviewed.yaml")
    saved = tmp_path / "pruned.json"
    assert _cli(session, "plan", reviewed, "--prune", "--out", str(saved)) == 0
    err = _refused(session, reviewed, saved, capsys)
    assert "the options may differ" in err
    assert "applied with the --pool and --prune options it was made with" in err


# --------------------------------------------------------------------------- secrets


def _secrets_env(monkeypatch: pytest.MonkeyPatch, **changed: str) -> None:
    for name, value in {**SECRET_VALUES, **changed}.items():
        monkeypatch.setenv(name, value)


@pytest.mark.parametrize("rotated", [
    {"APPLE_KEY": APPLE_KEY.format("second")},
    {"GOOGLE_SECRET": "google-secret-2"},
    {"CLIENT_SECRET": SECRET_VALUES["CLIENT_SECRET"][:-1] + "2"},
])
def test_a_secret_rotated_after_the_review_refuses_the_pin(  # type: ignore[no-untyped-def]
        session, write, tmp_path, capsys, monkeypatch, rotated) -> None:
    _secrets_env(monkeypatch)
    path, saved = write(SECRETS), tmp_path / "plan.json"
    assert _cli(session, "plan", path, "--out", str(saved)) == 0
    document = json.loads(saved.read_text())
    jsonschema.validate(document, json.loads((ROOT / "schema" / "plan.schema.json").read_text()))
    sent = [s["path"] for p in document["pools"] for o in p["objects"] for s in o["secrets"]]
    assert sorted(sent) == ["ClientSecret", "ProviderDetails.client_secret",
                            "ProviderDetails.private_key"]
    _secrets_env(monkeypatch, **rotated)
    since = len(_cognito(session).calls)
    capsys.readouterr()
    assert _cli(session, "apply", path, "--plan", str(saved), "--yes") == 3
    assert _writes(session, since) == []
    assert _boto(session).list_user_pools(MaxResults=10)["UserPools"] == []
    err = capsys.readouterr().err
    assert "a secret it sends differs" in err
    for value in (*SECRET_VALUES.values(), *rotated.values()):
        assert value not in err
    _secrets_env(monkeypatch)  # the reviewed secrets: the pin holds
    assert _cli(session, "apply", path, "--plan", str(saved), "--yes") == 0


def test_a_rotated_apple_key_on_an_existing_provider_refuses_the_pin(  # type: ignore[no-untyped-def]
        session, write, tmp_path, capsys, monkeypatch) -> None:
    """The key is write-only: the field change is "(recorded) -> (new)" whatever the
    key, so only the fingerprint of the key sent tells two rotations apart."""
    _secrets_env(monkeypatch)
    path, saved = write(SECRETS), tmp_path / "plan.json"
    assert _cli(session, "apply", path, "--yes") == 0
    _secrets_env(monkeypatch, APPLE_KEY=APPLE_KEY.format("second"))
    assert _cli(session, "plan", path, "--out", str(saved), "--detailed-exitcode") == 2
    _secrets_env(monkeypatch, APPLE_KEY=APPLE_KEY.format("third"))
    since = len(_cognito(session).calls)
    capsys.readouterr()
    assert _cli(session, "apply", path, "--plan", str(saved), "--yes") == 3
    assert _writes(session, since) == []
    assert ("app/identity_providers/SignInWithApple: a secret it sends differs "
            "(ProviderDetails.private_key)") in capsys.readouterr().err
    _secrets_env(monkeypatch, APPLE_KEY=APPLE_KEY.format("second"))
    assert _cli(session, "apply", path, "--plan", str(saved), "--yes") == 0


def test_an_old_scheme_key_tag_plans_one_harmless_resend(session, write, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _secrets_env(monkeypatch)
    path = write(SECRETS)
    assert _cli(session, "apply", path, "--yes") == 0
    boto = _boto(session)
    pool = boto.list_user_pools(MaxResults=10)["UserPools"][0]
    arn = boto.describe_user_pool(UserPoolId=pool["Id"])["UserPool"]["Arn"]
    old = "sha256:" + hashlib.sha256(APPLE_KEY.format("first").encode()).hexdigest()[:16]
    boto.tag_resource(ResourceArn=arn, Tags={"poolsync:private_key:SignInWithApple": old})
    assert _cli(session, "plan", path, "--detailed-exitcode") == 2
    assert _cli(session, "apply", path, "--yes") == 0
    tags = boto.describe_user_pool(UserPoolId=pool["Id"])["UserPool"]["UserPoolTags"]
    assert tags["poolsync:private_key:SignInWithApple"].startswith("scrypt:")
    assert _cli(session, "plan", path, "--detailed-exitcode") == 0


def test_plan_and_apply_need_the_same_fingerprint_key(  # type: ignore[no-untyped-def]
        session, write, tmp_path, capsys, monkeypatch) -> None:
    _secrets_env(monkeypatch)
    monkeypatch.setenv(KEY, "ci-shared-key")
    path, saved = write(SECRETS), tmp_path / "plan.json"
    assert _cli(session, "plan", path, "--out", str(saved)) == 0
    document = json.loads(saved.read_text())
    schema = json.loads((ROOT / "schema" / "plan.schema.json").read_text())
    jsonschema.validate(document, schema)
    assert document["fingerprints"]["scheme"].startswith("hmac:")
    assert all(s["fingerprint"].startswith("hmac:")
               for p in document["pools"] for o in p["objects"] for s in o["secrets"])
    monkeypatch.delenv(KEY)
    capsys.readouterr()
    assert _cli(session, "apply", path, "--plan", str(saved), "--yes") == 3
    assert f"plan and apply need the same {KEY}" in capsys.readouterr().err
    monkeypatch.setenv(KEY, "ci-shared-key")
    assert _cli(session, "apply", path, "--plan", str(saved), "--yes") == 0
    # the key tag on the pool is unkeyed: runs with and without the key agree on it
    assert _cli(session, "plan", path, "--detailed-exitcode") == 0
    monkeypatch.delenv(KEY)
    assert _cli(session, "plan", path, "--detailed-exitcode") == 0
    assert _cli(session, "drift", path) == 0


# --------------------------------------------------------------------------- fingerprints


SIX_DIGITS = "493017"
WHERE = "app/identity_providers/Google:ProviderDetails.client_secret"


def _fast_hashes(secret: str) -> set[str]:
    text = secret.encode()
    return {hashlib.sha256(text).hexdigest()[:16], hashlib.sha256(text).hexdigest(),
            hashlib.sha256(json.dumps(secret).encode()).hexdigest()[:16]}


def test_a_six_digit_secret_is_not_fingerprinted_with_a_fast_unsalted_hash() -> None:
    value = fingerprint.fingerprint(SIX_DIGITS, WHERE)
    assert value.startswith("scrypt:") and len(value) == len("scrypt:") + 32
    assert not any(fast in value for fast in _fast_hashes(SIX_DIGITS))
    assert value == fingerprint.fingerprint(SIX_DIGITS, WHERE)  # plan and apply agree
    assert value != fingerprint.fingerprint(SIX_DIGITS, "other" + WHERE)
    assert value != fingerprint.fingerprint("493018", WHERE)


def test_the_key_changes_every_fingerprint(monkeypatch: pytest.MonkeyPatch) -> None:
    without = fingerprint.fingerprint(SIX_DIGITS, WHERE)
    monkeypatch.setenv(KEY, "one key")
    keyed = fingerprint.fingerprint(SIX_DIGITS, WHERE)
    assert keyed.startswith("hmac:") and keyed != without
    assert keyed != fingerprint.fingerprint(SIX_DIGITS, "other" + WHERE)
    assert fingerprint.matches(without, SIX_DIGITS, WHERE)  # a scrypt tag still matches
    assert fingerprint.matches(keyed, SIX_DIGITS, WHERE)
    monkeypatch.setenv(KEY, "another key")
    assert fingerprint.fingerprint(SIX_DIGITS, WHERE) not in (keyed, without)
    assert not fingerprint.matches(keyed, SIX_DIGITS, WHERE)
    monkeypatch.delenv(KEY)
    assert not fingerprint.matches(keyed, SIX_DIGITS, WHERE)
    assert not fingerprint.matches("sha256:" + hashlib.sha256(b"493017").hexdigest()[:16],
                                   SIX_DIGITS, WHERE)


def test_a_plan_file_holds_no_fast_hash_of_a_six_digit_secret(  # type: ignore[no-untyped-def]
        session, write, tmp_path, monkeypatch) -> None:
    _secrets_env(monkeypatch, GOOGLE_SECRET=SIX_DIGITS)
    path, saved = write(SECRETS), tmp_path / "plan.json"
    assert _cli(session, "plan", path, "--out", str(saved)) == 0
    text = saved.read_text()
    assert SIX_DIGITS not in text
    assert not any(fast in text for fast in _fast_hashes(SIX_DIGITS))
    google = next(o for p in json.loads(text)["pools"] for o in p["objects"]
                  if o["address"] == "app/identity_providers/Google")
    field = next(f for f in google["fields"] if f["path"] == "ProviderDetails.client_secret")
    assert field["fingerprint"]["after"] == google["secrets"][0]["fingerprint"] == (
        fingerprint.fingerprint(SIX_DIGITS, WHERE))


def test_an_edited_checksum_field_is_named_as_such(session, write, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    reviewed, saved = _reviewed_file(session, write, tmp_path)
    _edit(saved, TAMPERINGS["checksum"])
    err = _refused(session, reviewed, saved, capsys)
    assert "its checksum field is not its content's" in err
    assert "the order of the pools or objects" not in err


def test_a_plan_file_with_a_huge_number_is_an_error_in_poolsyncs_words(  # type: ignore[no-untyped-def]
        session, write, tmp_path, capsys) -> None:
    reviewed, saved = _reviewed_file(session, write, tmp_path)
    saved.write_text('{"checksum": "sha256:' + "0" * 64 + '", "n": ' + "9" * 5000 + "}")
    assert _cli(session, "apply", reviewed, "--plan", str(saved), "--yes") == 1
    err = capsys.readouterr().err
    assert "it holds a number of thousands of digits" in err
    assert "int_max_str_digits" not in err
