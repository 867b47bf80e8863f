"""Never lose users or protection (issue 10, §2), through the CLI on the stand-in.

- Users are asked for again right before DeleteUserPool, not only before the prompt.
- Deletion protection switched off for a replacement is switched on again when the
  delete does not happen, and the report says so; if that fails, the next plan does it.
- An ``id:`` pin names the pool of its own key, and no two entries resolve to one pool.
- Two app clients of one name are an error naming both ids.
"""

from __future__ import annotations

import io
import json
from typing import Any

from poolsync.aws import AwsSession
from poolsync.errors import AwsError
from poolsync.iam import READS
from poolsync.kinds.settings import PROTECTION_OFF_BY_RUN
from tests.conftest import REGION, boto_cognito
from tests.conftest import cli as _cli

PROTECTED = """
    version: 1
    pools:
      app:
        region: eu-west-1
        settings:
          DeletionProtection: ACTIVE
        domain: {Domain: app-safety-rails}
        groups: {admins: {Precedence: 1}}
    """
# A create-only member changed: the pool is replaced (with --allow-replace).
REPLACED = PROTECTED.replace("DeletionProtection: ACTIVE",
                             "DeletionProtection: ACTIVE\n          UsernameAttributes: [email]")
# The file leaves deletion protection alone: the live ACTIVE is carried over.
UNWRITTEN = PROTECTED.replace("          DeletionProtection: ACTIVE\n",
                              "          Policies: {PasswordPolicy: {MinimumLength: 10}}\n")
UNWRITTEN_REPLACED = UNWRITTEN.replace(
    "          Policies:", "          UsernameAttributes: [email]\n          Policies:")


class _Wrapper:
    """Our own seam: a Cognito whose write calls can misbehave on cue (as in
    test_interruptions)."""

    def __init__(self, inner: Any, on_call: Any) -> None:
        self._inner, self._on_call = inner, on_call

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def call(self, call: Any) -> dict[str, Any]:
        self._on_call(call)
        return self._inner.call(call)


def _client(session: AwsSession) -> Any:
    cognito = session.cognito(REGION)
    return getattr(cognito, "_inner", cognito)._boto()  # beneath a _Wrapper too


def _pool(session: AwsSession, name: str = "app") -> dict[str, Any]:
    (pool_id,) = [p["Id"] for p in _client(session).list_user_pools(MaxResults=60)["UserPools"]
                  if p["Name"] == name]
    return dict(_client(session).describe_user_pool(UserPoolId=pool_id)["UserPool"])


def _wrap(session: AwsSession, on_call: Any) -> None:
    session._clients[REGION] = _Wrapper(boto_cognito(session), on_call)


def _unwrap(session: AwsSession) -> None:
    session._clients[REGION] = session._clients[REGION]._inner  # type: ignore[attr-defined]


def _sign_up(session: AwsSession, pool_id: str) -> None:
    _client(session).admin_create_user(UserPoolId=pool_id, Username="late@example.com")


# --- users ------------------------------------------------------------------------------


class _Terminal(io.StringIO):
    """stdin as a terminal whose user answers "y", after someone signed up to the pool
    while the prompt was waiting."""

    def __init__(self, before_answer: Any) -> None:
        super().__init__()
        self._before_answer = before_answer

    def isatty(self) -> bool:
        return True

    def readline(self, *args: Any) -> str:
        self._before_answer()
        return "y\n"


def test_a_user_who_signs_up_while_the_prompt_waits_is_not_deleted(
        session, write, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    assert _cli(session, "apply", write(PROTECTED), "--yes") == 0
    pool_id = _pool(session)["Id"]
    monkeypatch.setattr("sys.stdin", _Terminal(lambda: _sign_up(session, pool_id)))
    before = len(boto_cognito(session).calls)
    assert _cli(session, "apply", write(REPLACED), "--allow-replace", "app") == 3
    err = capsys.readouterr().err
    assert f"app: the pool {pool_id} has users now" in err
    assert "not done  app: DeleteUserPool" in err
    # Asked right before the first destructive call: nothing was written at all.
    assert [c.operation for c in boto_cognito(session).calls[before:]
            if c.operation not in set(READS) | {"ListUsers"}] == []
    pool = _pool(session)
    assert (pool["Id"], pool["DeletionProtection"], pool["Domain"]) == (
        pool_id, "ACTIVE", "app-safety-rails")


def test_a_user_who_signs_up_right_before_the_delete_stops_it_and_protection_comes_back(
        session, write, capsys) -> None:  # type: ignore[no-untyped-def]
    assert _cli(session, "apply", write(PROTECTED), "--yes") == 0
    pool_id = _pool(session)["Id"]

    def sign_up_during_the_domain_delete(call: Any) -> None:
        if call.operation == "DeleteUserPoolDomain":
            _sign_up(session, pool_id)

    _wrap(session, sign_up_during_the_domain_delete)
    capsys.readouterr()
    assert _cli(session, "apply", write(REPLACED), "--yes", "--allow-replace", "app",
                "--output", "json") == 3
    _unwrap(session)
    out = capsys.readouterr()
    report = json.loads(out.out)
    assert report["status"] == "refused"
    assert [r["operation"] for r in report["applied"]] == ["UpdateUserPool",
                                                           "DeleteUserPoolDomain"]
    assert report["not_applied"][0] == {"address": "app", "operation": "DeleteUserPool"}
    assert any("it was switched back on" in e for e in report["events"])
    assert f"app: the pool {pool_id} has users now" in out.err
    pool = _pool(session)
    assert pool["Id"] == pool_id and pool["DeletionProtection"] == "ACTIVE"
    assert PROTECTION_OFF_BY_RUN not in pool["UserPoolTags"]


# --- deletion protection ------------------------------------------------------------


def _fail(operation: str, when: Any = lambda call: True) -> Any:
    def on_call(call: Any) -> None:
        if call.operation == operation and when(call):
            raise AwsError(operation, "InternalErrorException", "injected")
    return on_call


def test_a_replacement_that_fails_after_protection_off_switches_it_back_on(
        session, write, capsys) -> None:  # type: ignore[no-untyped-def]
    assert _cli(session, "apply", write(PROTECTED), "--yes") == 0
    _wrap(session, _fail("DeleteUserPool"))
    assert _cli(session, "apply", write(REPLACED), "--yes", "--allow-replace", "app") == 1
    _unwrap(session)
    err = capsys.readouterr().err
    assert "AWS DeleteUserPool failed: InternalErrorException" in err
    assert "deletion protection of the pool" in err and "it was switched back on" in err
    pool = _pool(session)
    assert pool["DeletionProtection"] == "ACTIVE"
    assert PROTECTION_OFF_BY_RUN not in pool["UserPoolTags"]
    # The replacement is still to do, and said so; the file without it has nothing to do.
    assert _cli(session, "plan", write(REPLACED), "--allow-replace", "app",
                "--detailed-exitcode") == 2
    assert _cli(session, "plan", write(PROTECTED), "--detailed-exitcode") == 2  # domain
    assert _cli(session, "apply", write(PROTECTED), "--yes") == 0
    assert _pool(session)["DeletionProtection"] == "ACTIVE"


def test_an_interrupted_replacement_switches_protection_back_on(
        session, write, capsys) -> None:  # type: ignore[no-untyped-def]
    import os
    import signal

    assert _cli(session, "apply", write(PROTECTED), "--yes") == 0

    def interrupt_after_protection_off(call: Any) -> None:
        if call.operation == "UpdateUserPool" and call.params.get("DeletionProtection") == (
                "INACTIVE"):
            os.kill(os.getpid(), signal.SIGINT)  # the call in flight finishes

    _wrap(session, interrupt_after_protection_off)
    assert _cli(session, "apply", write(REPLACED), "--yes", "--allow-replace", "app") == 130
    _unwrap(session)
    err = capsys.readouterr().err
    assert "done      app: UpdateUserPool" in err and "not done  app: DeleteUserPool" in err
    assert "it was switched back on" in err
    assert _pool(session)["DeletionProtection"] == "ACTIVE"


def test_a_stop_during_a_replacements_delete_still_creates_the_pool_again(
        session, write, capsys) -> None:  # type: ignore[no-untyped-def]
    """A SIGTERM while DeleteUserPool is in flight: the CreateUserPool that follows is
    made anyway (a stop never leaves the name without a pool); then the run stops."""
    import os
    import signal

    assert _cli(session, "apply", write(PROTECTED), "--yes") == 0

    def interrupt_during_delete(call: Any) -> None:
        if call.operation == "DeleteUserPool":
            os.kill(os.getpid(), signal.SIGTERM)  # the call in flight finishes

    _wrap(session, interrupt_during_delete)
    assert _cli(session, "apply", write(REPLACED), "--yes", "--allow-replace", "app") == 130
    _unwrap(session)
    err = capsys.readouterr().err
    assert "done      app: DeleteUserPool" in err and "done      app: CreateUserPool" in err
    assert _pool(session)["UsernameAttributes"] == ["email"]  # the new pool is there
    assert _cli(session, "apply", write(REPLACED), "--yes") == 0  # and the rest follows


def test_protection_that_cannot_be_switched_back_on_is_said_loudly_and_planned_back(
        session, write, capsys) -> None:  # type: ignore[no-untyped-def]
    """The file does not write DeletionProtection (the live ACTIVE is carried): poolsync
    switched it off, so the next plan puts it back instead of saying "No changes"."""
    assert _cli(session, "apply", write(PROTECTED), "--yes") == 0
    assert _cli(session, "apply", write(UNWRITTEN), "--yes") == 0
    assert _pool(session)["DeletionProtection"] == "ACTIVE"  # carried, not managed
    failing = (_fail("DeleteUserPool"),
               _fail("UpdateUserPool", lambda c: c.params.get("DeletionProtection") == "ACTIVE"))
    _wrap(session, lambda call: [f(call) for f in failing])
    assert _cli(session, "apply", write(UNWRITTEN_REPLACED), "--yes",
                "--allow-replace", "app") == 1
    _unwrap(session)
    err = capsys.readouterr().err
    assert "DELETION PROTECTION IS OFF for the pool" in err
    assert _pool(session)["DeletionProtection"] == "INACTIVE"
    assert _cli(session, "plan", write(UNWRITTEN), "--detailed-exitcode") == 2
    out = capsys.readouterr().out
    assert 'DeletionProtection: "INACTIVE" → "ACTIVE"' in out
    assert "Deletion protection was switched off by poolsync" in out
    assert _cli(session, "drift", write(UNWRITTEN)) == 2
    assert _cli(session, "apply", write(UNWRITTEN), "--yes") == 0
    pool = _pool(session)
    assert pool["DeletionProtection"] == "ACTIVE"
    assert PROTECTION_OFF_BY_RUN not in pool["UserPoolTags"]
    assert _cli(session, "plan", write(UNWRITTEN), "--detailed-exitcode") == 0


def test_a_file_that_sets_active_shows_protection_off_as_drift(
        session, write, capsys) -> None:  # type: ignore[no-untyped-def]
    assert _cli(session, "apply", write(PROTECTED), "--yes") == 0
    pool = _pool(session)
    _client(session).update_user_pool(UserPoolId=pool["Id"], DeletionProtection="INACTIVE")
    capsys.readouterr()
    assert _cli(session, "plan", write(PROTECTED), "--detailed-exitcode") == 2
    assert 'DeletionProtection: "INACTIVE" → "ACTIVE"' in capsys.readouterr().out


# --- id pins --------------------------------------------------------------------------

TWO = """
    version: 1
    region: eu-west-1
    pools:
      prod-pool:
        groups: {admins: {Precedence: 1}}
      dev-pool:
        groups: {admins: {Precedence: 1}}
    """


def test_an_id_pin_naming_another_pool_is_refused_before_any_write(
        session, write, capsys) -> None:  # type: ignore[no-untyped-def]
    assert _cli(session, "apply", write(TWO), "--yes") == 0
    prod = _pool(session, "prod-pool")["Id"]
    pinned = write(f"""
        version: 1
        region: eu-west-1
        pools:
          dev-pool:
            id: {prod}
            prune: true
            groups: {{testers: {{}}}}
        """, "dev.yaml")
    before = len(boto_cognito(session).calls)
    for command in (["plan"], ["apply", "--yes"], ["drift"]):
        capsys.readouterr()
        assert _cli(session, *command, pinned) == 1
        err = capsys.readouterr().err
        assert f"dev.yaml:6:5: pools.dev-pool.id: the pool {prod} is named 'prod-pool', not " \
               "'dev-pool'" in err
    assert all(c.operation in set(READS) for c in boto_cognito(session).calls[before:])
    groups = _client(session).list_groups(UserPoolId=prod, Limit=60)["Groups"]
    assert [g["GroupName"] for g in groups] == ["admins"]  # prod untouched


def test_two_entries_resolving_to_one_pool_are_refused(
        session, write, capsys) -> None:  # type: ignore[no-untyped-def]
    assert _cli(session, "apply", write(TWO), "--yes") == 0
    prod = _pool(session, "prod-pool")["Id"]
    same_id = write(f"""
        version: 1
        region: eu-west-1
        pools:
          prod-pool:
            id: {prod}
          dev-pool:
            id: {prod}
        """, "same-id.yaml")
    by_name_and_id = write(f"""
        version: 1
        region: eu-west-1
        pools:
          prod-pool: {{}}
          other:
            id: {prod}
        """, "name-and-id.yaml")
    before = len(boto_cognito(session).calls)
    capsys.readouterr()
    assert _cli(session, "apply", same_id, "--yes") == 1
    err = capsys.readouterr().err
    assert (f"same-id.yaml:8:5: pools.dev-pool.id: pools.prod-pool and pools.dev-pool both "
            f"resolve to the pool {prod}") in err
    assert _cli(session, "plan", by_name_and_id) == 1
    err = capsys.readouterr().err
    assert (f"name-and-id.yaml:7:5: pools.other.id: pools.prod-pool and pools.other both "
            f"resolve to the pool {prod} in eu-west-1 (pools.prod-pool finds it by name, "
            "pools.other pins it by id)") in err
    assert all(c.operation in set(READS) for c in boto_cognito(session).calls[before:])


# --- app clients of one name ----------------------------------------------------------

CLIENTS = """
    version: 1
    pools:
      app:
        region: eu-west-1
        clients: {web: {}}
    """


def test_two_app_clients_with_one_name_are_an_error_naming_both_ids(
        session, write, capsys) -> None:  # type: ignore[no-untyped-def]
    assert _cli(session, "apply", write(CLIENTS), "--yes") == 0
    pool_id = _pool(session)["Id"]
    client = _client(session)
    (first,) = [c["ClientId"] for c in client.list_user_pool_clients(
        UserPoolId=pool_id, MaxResults=60)["UserPoolClients"]]
    second = client.create_user_pool_client(UserPoolId=pool_id, ClientName="web")[
        "UserPoolClient"]["ClientId"]
    before = len(boto_cognito(session).calls)
    for command in (["plan"], ["drift"], ["apply", "--yes", "--prune"]):
        capsys.readouterr()
        assert _cli(session, *command, write(CLIENTS)) == 1
        err = capsys.readouterr().err
        assert f"2 named 'web' ({first}, {second})" in err
        assert "delete-user-pool-client" in err
    assert all(c.operation in set(READS) for c in boto_cognito(session).calls[before:])
    assert len(client.list_user_pool_clients(UserPoolId=pool_id, MaxResults=60)[
        "UserPoolClients"]) == 2
