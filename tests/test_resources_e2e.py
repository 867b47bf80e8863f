"""Sub-resources end to end, through the CLI, against the stand-in (which resets client
fields on update like AWS, adds provider keys like AWS, and refuses unknown providers)."""

from __future__ import annotations

from typing import Any

import pytest

from poolsync.aws import AwsSession
from tests.conftest import EXAMPLE_SECRET
from tests.conftest import boto_cognito as _cognito
from tests.conftest import cli as _cli

APP = """
    version: 1
    pools:
      app:
        region: eu-west-1
        domain: {Domain: app-auth-e2e}
        identity_providers:
          Google:
            ProviderType: Google
            ProviderDetails:
              client_id: 123.apps.googleusercontent.com
              client_secret: ${env:GOOGLE_CLIENT_SECRET}
              authorize_scopes: openid email
            AttributeMapping: {email: email}
        resource_servers:
          api: {Name: API, Scopes: [{ScopeName: read, ScopeDescription: Read}]}
        clients:
          web:
            SupportedIdentityProviders: [COGNITO, Google]
            CallbackURLs: [https://app.example.com/cb]
            AllowedOAuthFlows: [code]
            AllowedOAuthScopes: [openid, api/read]
            AllowedOAuthFlowsUserPoolClient: true
        groups:
          admins: {Description: Admins, Precedence: 1}
    """


def _client(session: AwsSession) -> Any:
    return _cognito(session)._boto()


def _ids(session: AwsSession) -> tuple[str, str]:
    boto = _client(session)
    pool_id = boto.list_user_pools(MaxResults=10)["UserPools"][0]["Id"]
    client_id = boto.list_user_pool_clients(UserPoolId=pool_id, MaxResults=10)[
        "UserPoolClients"][0]["ClientId"]
    return pool_id, client_id


def _ops(session: AwsSession, since: int = 0) -> list[str]:
    return [c.operation for c in _cognito(session).calls[since:]]


def test_apply_creates_everything_then_plans_clean_and_prints_the_sign_in_url(
    session, write, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write(APP)
    assert _cli(session, "apply", path, "--yes") == 0
    out = capsys.readouterr().out
    _, client_id = _ids(session)
    assert (f"https://app-auth-e2e.auth.eu-west-1.amazoncognito.com/login?client_id={client_id}"
            "&response_type=code&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb") in out
    creates = [op for op in _ops(session) if op.startswith("Create")]
    assert creates == ["CreateUserPool", "CreateUserPoolDomain", "CreateIdentityProvider",
                       "CreateResourceServer", "CreateUserPoolClient", "CreateGroup"]
    assert _cli(session, "plan", path, "--detailed-exitcode") == 0


def test_callback_changed_out_of_band_is_restored_and_other_settings_survive(
    session, write, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write(APP)
    assert _cli(session, "apply", path, "--yes") == 0
    pool_id, client_id = _ids(session)
    boto = _client(session)
    live = boto.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)[
        "UserPoolClient"]
    # A console user changes the callback and, in the same full update, the auth
    # session validity, which the file does not mention.
    console = {k: v for k, v in live.items()
               if k not in ("ClientSecret", "CreationDate", "LastModifiedDate", "UserPoolId",
                            "ClientId")}
    console.update(CallbackURLs=["https://evil.example.com/cb"], AuthSessionValidity=10)
    boto.update_user_pool_client(UserPoolId=pool_id, ClientId=client_id, **console)
    capsys.readouterr()
    assert _cli(session, "plan", path, "--detailed-exitcode") == 2
    out = capsys.readouterr().out
    assert ('CallbackURLs: ["https://evil.example.com/cb"] → ["https://app.example.com/cb"]'
            in out)
    assert "AuthSessionValidity" not in out  # not managed: not shown, not changed
    before = len(_cognito(session).calls)
    assert _cli(session, "apply", path, "--yes") == 0
    (request,) = [c.params for c in _cognito(session).calls[before:]
                  if c.operation == "UpdateUserPoolClient"]
    assert request["AuthSessionValidity"] == 10
    after = boto.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)[
        "UserPoolClient"]
    assert after["CallbackURLs"] == ["https://app.example.com/cb"]
    for member in ("SupportedIdentityProviders", "AllowedOAuthFlows", "AllowedOAuthScopes",
                   "ExplicitAuthFlows", "RefreshTokenValidity", "EnableTokenRevocation"):
        assert sorted(after[member]) == sorted(live[member]) if isinstance(
            live[member], list) else after[member] == live[member], member
    assert after["AuthSessionValidity"] == 10


def test_unmanaged_items_are_listed_and_kept_then_pruned_in_order(session, write, capsys) -> None:  # type: ignore[no-untyped-def]
    assert _cli(session, "apply", write(APP), "--yes") == 0
    pool_id, _ = _ids(session)
    boto = _client(session)
    boto.create_group(UserPoolId=pool_id, GroupName="console-made")
    boto.create_user_pool_client(UserPoolId=pool_id, ClientName="console-client")
    capsys.readouterr()
    # Unmanaged items are drift: the live pool holds what the files do not say (exit 2).
    assert _cli(session, "plan", write(APP, "same.yaml"), "--detailed-exitcode") == 2
    out = capsys.readouterr().out
    assert "? app/groups/console-made: unmanaged" in out
    assert "? app/clients/console-client: unmanaged" in out
    before = len(_cognito(session).calls)
    assert _cli(session, "apply", write(APP.replace("    pools:", "    pools:"), "again.yaml"),
                "--yes") == 0
    assert not [op for op in _ops(session, before) if op.startswith("Delete")]
    pruned = write(APP.replace("          admins: {Description: Admins, Precedence: 1}\n",
                               "          admins: {Description: Admins, Precedence: 1}\n"
                               "        prune: true\n"), "pruned.yaml")
    before = len(_cognito(session).calls)
    assert _cli(session, "apply", pruned, "--yes") == 0
    deletes = [op for op in _ops(session, before) if op.startswith("Delete")]
    assert deletes == ["DeleteGroup", "DeleteUserPoolClient"]
    groups = [g["GroupName"] for g in boto.list_groups(UserPoolId=pool_id)["Groups"]]
    assert groups == ["admins"]


def test_generate_secret_change_needs_the_named_allow_replace(session, write, capsys) -> None:  # type: ignore[no-untyped-def]
    assert _cli(session, "apply", write(APP), "--yes") == 0
    _, old_id = _ids(session)
    confidential = write(APP.replace("          web:\n", "          web:\n"
                                      "            GenerateSecret: true\n"), "secret.yaml")
    before = len(_cognito(session).calls)
    capsys.readouterr()
    assert _cli(session, "apply", confidential, "--yes") == 3
    assert "--allow-replace app/clients/web" in capsys.readouterr().err
    assert not [op for op in _ops(session, before)
                if op.startswith(("Create", "Update", "Delete"))]
    assert _cli(session, "apply", confidential, "--yes", "--allow-replace", "app") == 3
    assert _cli(session, "apply", confidential, "--yes",
                "--allow-replace", "app/clients/web") == 0
    _, new_id = _ids(session)
    assert new_id != old_id
    assert _cli(session, "plan", confidential, "--detailed-exitcode") == 0


@pytest.mark.parametrize("fmt", ["plan", "apply"])
def test_a_planted_secret_never_appears_in_any_output(session, write, capsys, fmt) -> None:  # type: ignore[no-untyped-def]
    path = write(APP)
    assert _cli(session, "apply", path, "--yes") == 0
    rotated = write(APP.replace("${env:GOOGLE_CLIENT_SECRET}", "literal-rotated-secret-123"),
                    "rotated.yaml")
    args = ["plan", rotated] if fmt == "plan" else ["apply", rotated, "--yes"]
    capsys.readouterr()
    assert _cli(session, "--debug", *args) == 0
    out = capsys.readouterr()
    text = out.out + out.err
    assert "ProviderDetails.client_secret: (sensitive, changed)" in text
    for secret in (EXAMPLE_SECRET, "literal-rotated-secret-123"):
        assert secret not in text


APPLE = """
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
    """


def test_apple_private_key_is_tracked_by_fingerprint(session, write, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    key = "-----BEGIN PRIVATE KEY-----\nMIGTAgEAMBMGByqGSM49-first\n-----END PRIVATE KEY-----"
    monkeypatch.setenv("APPLE_KEY", key)
    path = write(APPLE)
    assert _cli(session, "apply", path, "--yes") == 0
    assert _cli(session, "plan", path, "--detailed-exitcode") == 0  # unchanged key: no diff
    monkeypatch.setenv("APPLE_KEY", key.replace("first", "second"))
    capsys.readouterr()
    assert _cli(session, "plan", path, "--detailed-exitcode") == 2
    out = capsys.readouterr().out
    assert "ProviderDetails.private_key: (sensitive, changed)" in out
    before = len(_cognito(session).calls)
    assert _cli(session, "apply", path, "--yes") == 0
    sent = [c.params for c in _cognito(session).calls[before:]
            if c.operation == "UpdateIdentityProvider"]
    assert sent[0]["ProviderDetails"]["private_key"] == key.replace("first", "second")
    assert _cli(session, "plan", path, "--detailed-exitcode") == 0
    text = capsys.readouterr()
    assert "first" not in text.out + text.err and "second" not in text.out + text.err


def test_prune_flag_deletes_unmanaged_items(session, write) -> None:  # type: ignore[no-untyped-def]
    path = write(APP)
    assert _cli(session, "apply", path, "--yes") == 0
    pool_id, _ = _ids(session)
    _client(session).create_group(UserPoolId=pool_id, GroupName="console-made")
    assert _cli(session, "plan", path, "--detailed-exitcode") == 2  # unmanaged: drift
    assert _cli(session, "plan", path, "--prune", "--detailed-exitcode") == 2
    assert _cli(session, "plan", path) == 0
    assert _cli(session, "apply", path, "--prune", "--yes") == 0
    names = [g["GroupName"] for g in _client(session).list_groups(UserPoolId=pool_id)["Groups"]]
    assert names == ["admins"]
