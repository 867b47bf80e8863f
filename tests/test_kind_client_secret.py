"""App client secrets rotated without replacing the client (kinds/client_secret.py,
standin/client_secrets.py): apply then a clean plan, a new value added and recorded by
fingerprint and id, the overlap by the clock (the planner's ``client_secret.now`` and
the stand-in's ``client_secrets.now`` moved together), a secret added outside poolsync,
export, the minimal reads, the stand-in's refusals, the offline rules, and no secret
value in any output."""

from __future__ import annotations

import datetime
import json
import os
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
import yaml
from botocore.exceptions import ClientError
from moto.cognitoidp.models import cognitoidp_backends

from poolsync.aws import AwsSession
from poolsync.kinds import client_secret
from poolsync.kinds.base import PlanContext, client_placeholder
from poolsync.model import POOL_ARN, POOL_ID, Action
from poolsync.standin import client_secrets as standin_secrets
from tests.conftest import REGION, LosingFirstResponse, boto_cognito
from tests.conftest import boto as _boto
from tests.conftest import cli as _cli
from tests.conftest import client_id as _client_id
from tests.conftest import plan_json as _plan_json
from tests.conftest import plan_object as _object
from tests.conftest import plan_reads as _plan_reads
from tests.conftest import pool_id as _pool_id

WEB_SECRET = "given_web_secret_value_aaaa1111"
NEW_WEB_SECRET = "given_web_secret_value_bbbb2222"
BACKEND_SECRET = "given_backend_secret_value_cccc3333"

POOL = """
    version: 1
    region: eu-west-1
    pools:
      app:
        clients:
          backend: {GenerateSecret: true}
          web: {GenerateSecret: true}
        client_secrets:
          backend: {value: "${env:BACKEND_SECRET}", overlap: 7d}
          web: {value: "${env:WEB_SECRET}", overlap: 7d}
"""
WITHOUT = POOL.split("        client_secrets:")[0]


class Clock:
    """Both clocks, the planner's and the stand-in's, moved forward together."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch = monkeypatch
        self.real_planner, self.real_standin = client_secret.now, standin_secrets.now

    def forward(self, days: float) -> None:
        shift = datetime.timedelta(days=days)
        planner, standin = self.real_planner, self.real_standin
        self.monkeypatch.setattr(client_secret, "now", lambda: planner() + shift)
        self.monkeypatch.setattr(standin_secrets, "now", lambda: standin() + shift)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


@pytest.fixture(autouse=True)
def web_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEB_SECRET", WEB_SECRET)
    monkeypatch.setenv("BACKEND_SECRET", BACKEND_SECRET)


def _secrets(session: AwsSession, name: str) -> list[dict[str, Any]]:
    found = _boto(session).list_user_pool_client_secrets(UserPoolId=_pool_id(session),
                                                         ClientId=_client_id(session, name))
    return list(found["ClientSecrets"])


def _values(session: AwsSession, name: str) -> list[str]:
    """Every secret value of a client, straight from the stand-in's store."""
    pool_id = _pool_id(session)
    client = cognitoidp_backends["123456789012"][REGION].user_pools[pool_id].clients[
        _client_id(session, name)]
    return [s["ClientSecretValue"] for s in standin_secrets.secrets_of(client)]


def _writes(session: AwsSession, before: int) -> list[str]:
    return [c.operation for c in boto_cognito(session).calls[before:]
            if not c.operation.startswith(("List", "Describe", "Get"))]


# --------------------------------------------------------------------------- apply, plan


def _value_alone(session: AwsSession, write: Callable[..., str], clock: Clock) -> str:
    """POOL applied, then again past the overlap: each client's own secret is gone,
    web has only the file's value. Returns the file's path."""
    path = write(POOL)
    assert _cli(session, "apply", path, "--yes") == 0
    clock.forward(8)
    assert _cli(session, "apply", path, "--yes") == 0  # the client's own secret goes
    return path


def test_apply_then_plan_is_clean(session: AwsSession, write: Callable[..., str]) -> None:
    path = write(POOL)
    assert _cli(session, "apply", path, "--yes") == 0
    # The file's value is added next to each new client's own secret, and recorded with
    # the id Cognito gave it.
    assert len(_secrets(session, "backend")) == 2
    assert len(_secrets(session, "web")) == 2
    assert WEB_SECRET in _values(session, "web")
    tags = _boto(session).describe_user_pool(UserPoolId=_pool_id(session))["UserPool"][
        "UserPoolTags"]
    fingerprint, secret_id = tags["poolsync:client_secret:web"].split(" ")
    assert fingerprint.startswith("scrypt:")
    assert secret_id == _secrets(session, "web")[-1]["ClientSecretId"]
    assert _cli(session, "plan", path, "--detailed-exitcode") == 0


def test_an_overlap_shorter_than_a_minute_is_refused(
        write: Callable[..., str], capsys: pytest.CaptureFixture[str]) -> None:
    """The old secret goes in a later run than the add: apply reads the pool back as
    planned, and a client created in the same run has its own secret, whose id no plan
    can know (an overlap of 0d made apply report "did not converge")."""
    from poolsync.cli import run

    assert run(["validate", write(POOL.replace("overlap: 7d", "overlap: 0d"))]) == 1
    err = capsys.readouterr().err
    assert "pools.app.client_secrets.backend.overlap: overlap must be at least 1m" in err


# --------------------------------------------------------------------------- a given value


def test_a_new_value_is_added_and_recorded_then_the_old_one_goes_after_the_overlap(
        session: AwsSession, write: Callable[..., str], clock: Clock,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    path = _value_alone(session, write, clock)
    assert _values(session, "web") == [WEB_SECRET]
    monkeypatch.setenv("WEB_SECRET", NEW_WEB_SECRET)
    plan = _plan_json(session, path, capsys)
    obj = _object(plan, "app/client_secrets/web")
    assert obj["calls"] == ["AddUserPoolClientSecret", "TagResource"]
    value = next(f for f in obj["fields"] if f["path"] == "value")
    assert value["sensitive"] and value["before"] is None and value["after"] is None
    capsys.readouterr()
    assert _cli(session, "plan", path) == 0
    shown = capsys.readouterr().out
    assert 'value: "(sensitive)" → "(new)"' in shown, shown
    assert NEW_WEB_SECRET not in shown and WEB_SECRET not in shown
    assert _cli(session, "apply", path, "--yes") == 0
    assert _values(session, "web") == [WEB_SECRET, NEW_WEB_SECRET]
    assert _cli(session, "plan", path, "--detailed-exitcode") == 0
    clock.forward(16)
    assert _cli(session, "apply", path, "--yes") == 0
    assert _values(session, "web") == [NEW_WEB_SECRET]


def test_a_removed_fingerprint_tag_is_found_and_the_value_added_again(
        session: AwsSession, write: Callable[..., str], clock: Clock,
        capsys: pytest.CaptureFixture[str]) -> None:
    path = _value_alone(session, write, clock)
    boto = _boto(session)
    arn = boto.describe_user_pool(UserPoolId=_pool_id(session))["UserPool"]["Arn"]
    boto.untag_resource(ResourceArn=arn, TagKeys=["poolsync:client_secret:web"])
    obj = _object(_plan_json(session, path, capsys), "app/client_secrets/web")
    assert obj["action"] == "update"
    assert "never added by poolsync" in obj["reason"]
    assert _cli(session, "drift", path) == 2


def test_a_replaced_pool_gets_the_value_again(session: AwsSession, write: Callable[..., str],
                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert _cli(session, "apply", write(POOL), "--yes") == 0
    old = _pool_id(session)
    path = write(POOL.replace("      app:\n", "      app:\n        settings: "
                              "{UsernameAttributes: [email]}\n"), "replaced.yaml")
    obj = _object(_plan_json(session, path, capsys, "--allow-replace", "app"),
                  "app/client_secrets/web")
    assert obj["calls"] == ["AddUserPoolClientSecret", "TagResource"]
    assert _cli(session, "apply", path, "--yes", "--allow-replace", "app") == 0
    assert _pool_id(session) != old
    assert WEB_SECRET in _values(session, "web")
    assert BACKEND_SECRET in _values(session, "backend")
    assert _cli(session, "plan", path, "--detailed-exitcode") == 0


# --------------------------------------------------------------------------- out of band


def test_a_secret_added_outside_poolsync_is_shown_and_goes_after_the_overlap(
        session: AwsSession, write: Callable[..., str], clock: Clock,
        capsys: pytest.CaptureFixture[str]) -> None:
    path = _value_alone(session, write, clock)
    [original] = _secrets(session, "web")
    _boto(session).add_user_pool_client_secret(UserPoolId=_pool_id(session),
                                               ClientId=_client_id(session, "web"))
    added = next(s for s in _secrets(session, "web")
                 if s["ClientSecretId"] != original["ClientSecretId"])
    obj = _object(_plan_json(session, path, capsys, "-v"), "app/client_secrets/web")
    assert obj["action"] == "no-op"
    assert any(added["ClientSecretId"] in n for n in obj["notes"])
    clock.forward(16)  # the one added outside (at day 8) is past the overlap
    assert _cli(session, "drift", path) == 2
    assert _cli(session, "apply", path, "--yes") == 0
    assert [s["ClientSecretId"] for s in _secrets(session, "web")] == [
        original["ClientSecretId"]]


def test_clients_the_file_does_not_name_keep_their_secrets(
        session: AwsSession, write: Callable[..., str], clock: Clock) -> None:
    path = write(POOL.replace("          web: {GenerateSecret: true}\n",
                              "          web: {GenerateSecret: true}\n"
                              "          other: {GenerateSecret: true}\n"))
    assert _cli(session, "apply", path, "--yes") == 0
    _boto(session).add_user_pool_client_secret(UserPoolId=_pool_id(session),
                                               ClientId=_client_id(session, "other"))
    clock.forward(100)
    assert _cli(session, "apply", path, "--yes") == 0
    assert len(_secrets(session, "other")) == 2  # not managed: neither rotated nor pruned
    assert len(_secrets(session, "web")) == 1
    _boto(session).add_user_pool_client_secret(UserPoolId=_pool_id(session),
                                               ClientId=_client_id(session, "backend"))
    clock.forward(200)
    assert _cli(session, "apply", write(WITHOUT, "without.yaml"), "--yes") == 0
    assert len(_secrets(session, "backend")) == 2  # a file without the key leaves them


# --------------------------------------------------------------------------- export, reads


def test_export_writes_no_client_secrets_and_round_trips(
        session: AwsSession, write: Callable[..., str], tmp_path: Any,
        capsys: pytest.CaptureFixture[str]) -> None:
    assert _cli(session, "apply", write(POOL), "--yes") == 0
    capsys.readouterr()
    assert _cli(session, "export", "--region", REGION, "--all") == 0
    out = capsys.readouterr().out
    document = yaml.safe_load(out)
    assert "client_secrets" not in document["pools"]["app"]
    assert WEB_SECRET not in out
    exported = tmp_path / "exported.yaml"
    exported.write_text(yaml.safe_dump(document))
    assert _cli(session, "plan", str(exported), "--detailed-exitcode") == 0


def test_the_minimal_reads(session: AwsSession, write: Callable[..., str]) -> None:
    path = write(POOL)
    assert _cli(session, "apply", path, "--yes") == 0
    pool = {"ListUserPools": 1, "DescribeUserPool": 1, "GetUserPoolMfaConfig": 1}
    assert _plan_reads(session, path) == Counter({**pool, "ListUserPoolClients": 1,
                                                  "DescribeUserPoolClient": 2,
                                                  "ListUserPoolClientSecrets": 2})
    # Without the clients in the file: their ids from one listing, no Describe.
    only = write("""
        version: 1
        region: eu-west-1
        pools:
          app:
            client_secrets:
              backend: {value: "${env:BACKEND_SECRET}", overlap: 7d}
              web: {value: "${env:WEB_SECRET}", overlap: 7d}
    """, "only.yaml")
    assert _plan_reads(session, only) == Counter({**pool, "ListUserPoolClients": 1,
                                                  "ListUserPoolClientSecrets": 2})
    assert _plan_reads(session, write(WITHOUT, "without.yaml")) == Counter(
        {**pool, "ListUserPoolClients": 1, "DescribeUserPoolClient": 2})


# --------------------------------------------------------------------------- refusals


def test_a_live_public_client_is_refused_at_plan_time(
        session: AwsSession, write: Callable[..., str],
        capsys: pytest.CaptureFixture[str]) -> None:
    assert _cli(session, "apply", write(WITHOUT.replace(
        "web: {GenerateSecret: true}", "web: {}")), "--yes") == 0
    secrets_only = write("""
        version: 1
        region: eu-west-1
        pools:
          app:
            client_secrets:
              web: {value: "${env:WEB_SECRET}", overlap: 1d}
              nosuch: {value: "${env:WEB_SECRET}", overlap: 1d}
    """, "secrets.yaml")
    plan = _plan_json(session, secrets_only, capsys)
    web = _object(plan, "app/client_secrets/web")
    assert web["action"] == "cannot-apply"
    assert "the app client 'web' is public" in web["reason"]
    assert "no app client named 'nosuch'" in _object(plan, "app/client_secrets/nosuch")["reason"]
    before = len(boto_cognito(session).calls)
    assert _cli(session, "apply", secrets_only, "--yes") == 3
    assert _writes(session, before) == []
    capsys.readouterr()
    assert _cli(session, "plan", secrets_only) == 3
    err = capsys.readouterr().err
    assert "secrets.yaml:7:7: pools.app.client_secrets.web: app/client_secrets/web" in err


@pytest.mark.parametrize(("body", "message", "where"), [
    ("clients: {web: {GenerateSecret: true}}\n"
     "        client_secrets: {web: {rotate_after: 30d, overlap: 1d}}",
     "rotate_after is not supported: Cognito returns a secret it generates only to the "
     "call that adds it", ":6:"),
    ("clients: {web: {GenerateSecret: true}}\n"
     "        client_secrets: {web: {overlap: 1d}}",
     "give value: the secret to add", ":6:"),
    ("clients: {web: {}}\n"
     "        client_secrets: {web: {value: '${env:WEB_SECRET}', overlap: 1d}}",
     "the app client 'web' has no secret", ":6:"),
    ("clients: {web: {ClientSecret: '${env:WEB_SECRET}'}}\n"
     "        client_secrets: {web: {value: '${env:WEB_SECRET}', overlap: 1d}}",
     "clients.web.ClientSecret is the client's create-time secret", ":5:"),
    ("client_secrets: {web: {value: '${env:WEB_SECRET}', overlap: 3 months}}",
     "must be a duration such as 90d, 12h or 30m", ":5:"),
    ("client_secrets: {web: {value: '${env:WEB_SECRET}'}}",
     'missing required key "overlap"', ":5:"),
])
def test_the_offline_rules(body: str, message: str, where: str, write: Callable[..., str],
                           capsys: pytest.CaptureFixture[str]) -> None:
    from poolsync.cli import run

    lines = "\n".join(f"    {line.strip()}" for line in body.splitlines())
    path = write(f"version: 1\nregion: eu-west-1\npools:\n  app:\n{lines}\n")
    assert run(["validate", path]) == 1
    err = capsys.readouterr().err
    assert message in err, err
    assert f"pools.yaml{where}" in err, err


def test_a_literal_value_the_schema_refuses_is_not_quoted(
        write: Callable[..., str], capsys: pytest.CaptureFixture[str]) -> None:
    from poolsync.cli import run

    secret = "not a valid secret!"
    path = write(f"""
        version: 1
        region: eu-west-1
        pools:
          app:
            client_secrets: {{web: {{value: '{secret}', overlap: 1d}}}}
    """)
    assert run(["validate", path]) == 1
    err = capsys.readouterr().err
    assert "client_secrets.web.value" in err
    assert secret not in err


def test_a_value_from_the_environment_the_request_shape_refuses_is_not_quoted(
        session: AwsSession, write: Callable[..., str], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("WEB_SECRET", "too-short!")
    capsys.readouterr()
    assert _cli(session, "plan", write(POOL)) == 1
    captured = capsys.readouterr()
    assert "client_secrets.web.value" in captured.err
    assert "(the value comes from ${env:WEB_SECRET})" in captured.err
    assert "too-short!" not in captured.out + captured.err


# --------------------------------------------------------------------------- the stand-in


def test_the_stand_in_refuses_what_aws_refuses(session: AwsSession,
                                               write: Callable[..., str]) -> None:
    assert _cli(session, "apply", write(WITHOUT.replace(
        "web: {GenerateSecret: true}", "web: {}")), "--yes") == 0
    boto, pool_id = _boto(session), _pool_id(session)
    backend, web = _client_id(session, "backend"), _client_id(session, "web")
    added = boto.add_user_pool_client_secret(UserPoolId=pool_id, ClientId=backend)[
        "ClientSecretDescriptor"]
    assert added["ClientSecretId"].startswith(f"{backend}--")
    assert len(added["ClientSecretValue"]) >= 24  # generated: returned this once
    with pytest.raises(ClientError) as third:
        boto.add_user_pool_client_secret(UserPoolId=pool_id, ClientId=backend,
                                         ClientSecret="x" * 30)
    assert third.value.response["Error"]["Code"] == "LimitExceededException"
    listed = boto.list_user_pool_client_secrets(UserPoolId=pool_id, ClientId=backend)[
        "ClientSecrets"]
    assert all("ClientSecretValue" not in s for s in listed) and len(listed) == 2
    boto.delete_user_pool_client_secret(UserPoolId=pool_id, ClientId=backend,
                                        ClientSecretId=listed[0]["ClientSecretId"])
    # Describe now shows the secret left (UNVERIFIED: see standin/client_secrets.py).
    described = boto.describe_user_pool_client(UserPoolId=pool_id, ClientId=backend)
    assert described["UserPoolClient"]["ClientSecret"] == added["ClientSecretValue"]
    with pytest.raises(ClientError) as last:
        boto.delete_user_pool_client_secret(UserPoolId=pool_id, ClientId=backend,
                                            ClientSecretId=listed[1]["ClientSecretId"])
    assert last.value.response["Error"]["Code"] == "InvalidParameterException"
    with pytest.raises(ClientError) as unknown:
        boto.delete_user_pool_client_secret(UserPoolId=pool_id, ClientId=backend,
                                            ClientSecretId=f"{backend}--1")
    assert unknown.value.response["Error"]["Code"] == "ResourceNotFoundException"
    given = boto.add_user_pool_client_secret(UserPoolId=pool_id, ClientId=backend,
                                             ClientSecret="y" * 30)["ClientSecretDescriptor"]
    assert "ClientSecretValue" not in given  # a given value is never echoed
    assert boto.list_user_pool_client_secrets(UserPoolId=pool_id, ClientId=web)[
        "ClientSecrets"] == []  # a public client has none
    with pytest.raises(ClientError) as public:
        boto.add_user_pool_client_secret(UserPoolId=pool_id, ClientId=web)
    assert public.value.response["Error"]["Code"] == "InvalidParameterException"
    with pytest.raises(ClientError) as pattern:
        boto.add_user_pool_client_secret(UserPoolId=pool_id, ClientId=backend,
                                         ClientSecret="not-a-valid-secret-value-!")
    assert pattern.value.response["Error"]["Code"] == "InvalidParameterException"
    with pytest.raises(ClientError) as missing:
        boto.list_user_pool_client_secrets(UserPoolId=pool_id, ClientId="nosuchclient")
    assert missing.value.response["Error"]["Code"] == "ResourceNotFoundException"


# --------------------------------------------------------------------------- no value shown


def _assert_hidden(text: str, values: list[str]) -> None:
    for value in values:
        assert value not in text
        assert json.dumps(value)[1:-1] not in text


def test_no_generated_or_given_value_in_any_output(
        session: AwsSession, write: Callable[..., str], clock: Clock, tmp_path: Any,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        caplog: pytest.LogCaptureFixture) -> None:
    """Given values, added and rotated, planned, applied and drifted in every format,
    ``--debug`` included: no value shows, and botocore's log really ran. (Cognito
    answers a given secret's add without its value: botocore ClientSecretValue.)"""
    path = write(POOL)
    outputs: list[str] = []

    def run(*args: str, codes: tuple[int, ...] = (0, 2)) -> None:
        caplog.clear()
        assert _cli(session, *args) in codes, args
        captured = capsys.readouterr()
        outputs.extend((captured.out, captured.err, caplog.text))

    run("--debug", "apply", path, "--yes", "-o", "json")
    clock.forward(100)
    monkeypatch.setenv("WEB_SECRET", NEW_WEB_SECRET)
    for output in ("text", "json", "markdown"):
        run("plan", path, "-o", output, "-v")
        run("drift", path, "-o", output)
    run("--debug", "plan", path, "-o", "json", "--out", str(tmp_path / "plan.json"))
    run("--debug", "--stats", "apply", path, "--yes", "-o", "json")
    run("--debug", "apply", path, "--yes")
    clock.forward(108)
    run("--debug", "apply", path, "--yes", "-o", "json")
    run("--debug", "export", "--region", REGION, "--all")
    values = [*_values(session, "backend"), *_values(session, "web"), WEB_SECRET,
              NEW_WEB_SECRET, BACKEND_SECRET]
    assert NEW_WEB_SECRET in _values(session, "web")
    logged = "\n".join(outputs)
    assert "AddUserPoolClientSecret" in logged and "Response body" in logged
    _assert_hidden(logged, values)
    _assert_hidden((tmp_path / "plan.json").read_text(), values)


def test_apply_keeps_no_response_value(session: AwsSession, write: Callable[..., str],
                                       clock: Clock, monkeypatch: pytest.MonkeyPatch) -> None:
    """The engine drops AddUserPoolClientSecret's answer: what apply reports holds ids,
    never a secret."""
    from poolsync import engine

    path = _value_alone(session, write, clock)
    monkeypatch.setenv("WEB_SECRET", NEW_WEB_SECRET)
    config = engine.load([path], dict(os.environ))
    plan = engine.plan(config, session)
    result = engine.execute(plan, session, config=config)
    assert ("app/client_secrets/web", "AddUserPoolClientSecret") in result.applied
    assert NEW_WEB_SECRET in _values(session, "web")
    # (The plan it carries holds the request, as planned: masked wherever it is shown.)
    assert NEW_WEB_SECRET not in repr({k: v for k, v in vars(result).items() if k != "plan"})


# --------------------------------------------------------------------------- the planner


def _context(written: dict[str, Any], found: Any, clients: dict[str, str],
             pool_id: str = "eu-west-1_abc", described: dict[str, Any] | None = None,
             ) -> PlanContext:
    return PlanContext(pool="app", region=REGION, pool_id=pool_id, written=written,
                       found=found, described=described if described is not None else
                       {"Id": pool_id, "Arn": "arn:aws:cognito-idp:x"},
                       settings={}, clients=clients, client_actions={})


def test_a_new_pool_gets_the_given_value_on_the_new_client() -> None:
    ctx = _context({"web": {"value": WEB_SECRET, "overlap": "1d"}}, None,
                   {"web": client_placeholder("web")}, pool_id=POOL_ID, described={})
    [obj] = client_secret.plan(ctx)
    assert obj.action is Action.CREATE
    add, tag = obj.calls
    assert add.params == {"UserPoolId": POOL_ID, "ClientId": client_placeholder("web"),
                          "ClientSecret": WEB_SECRET}
    assert tag.params["ResourceArn"] == POOL_ARN
    assert tag.params["Tags"]["poolsync:client_secret:web"].startswith("scrypt:")
    assert WEB_SECRET not in json.dumps(obj.to_dict())


def test_a_replaced_pool_records_the_value_on_the_new_pool() -> None:
    """The fresh plan of a replaced pool may carry the live pool's description (its
    settings): the tag still goes on the pool this run creates."""
    ctx = _context({"web": {"value": WEB_SECRET, "overlap": "1d"}}, None,
                   {"web": client_placeholder("web")}, pool_id=POOL_ID,
                   described={"Id": "eu-west-1_old", "Arn": "arn:aws:cognito-idp:old"})
    [obj] = client_secret.plan(ctx)
    assert [c.operation for c in obj.calls] == ["AddUserPoolClientSecret", "TagResource"]
    assert obj.calls[1].params["ResourceArn"] == POOL_ARN


def test_the_planner_reads_its_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The overlap runs on the planner's clock: the older secret goes once the newer
    one is older than overlap."""
    created = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
    later = created + datetime.timedelta(hours=1)
    found = {"web": [{"ClientSecretId": "c--1", "ClientSecretCreateDate": created},
                     {"ClientSecretId": "c--2", "ClientSecretCreateDate": later}]}
    fingerprint = client_secret.identity_provider.fingerprint(
        WEB_SECRET, client_secret.value_location("app", "web"))
    ctx = _context({"web": {"value": WEB_SECRET, "overlap": "12h"}}, found, {"web": "c"},
                   described={"Id": "eu-west-1_abc", "Arn": "arn:aws:cognito-idp:x",
                              "UserPoolTags": {"poolsync:client_secret:web":
                                               f"{fingerprint} c--2"}})
    monkeypatch.setattr(client_secret, "now", lambda: later + datetime.timedelta(hours=11))
    assert [o.action for o in client_secret.plan(ctx)] == [Action.NOOP]
    monkeypatch.setattr(client_secret, "now", lambda: later + datetime.timedelta(hours=12))
    [obj] = client_secret.plan(ctx)
    assert [c.operation for c in obj.calls] == ["DeleteUserPoolClientSecret"]
    assert obj.calls[0].params["ClientSecretId"] == "c--1"


def test_read_for_export_lists_every_live_client() -> None:
    class Listing:
        def __init__(self) -> None:
            self.asked: list[str] = []

        def read(self, operation: str, params: Any, absent: frozenset[str]) -> Any:
            assert operation == "ListUserPoolClientSecrets"
            self.asked.append(params["ClientId"])
            return None  # ResourceNotFoundException: the client went since it was listed

    listing = Listing()
    assert client_secret.read(listing, {"Id": "x"}, None, {"web": "c1", "api": "c2"}) == {
        "api": [], "web": []}
    assert listing.asked == ["c2", "c1"]


def test_the_stand_in_signs_in_with_either_secret_while_two_overlap(
        session: AwsSession, write: Callable[..., str]) -> None:
    import base64
    import hashlib
    import hmac

    assert _cli(session, "apply", write(WITHOUT), "--yes") == 0
    boto, pool_id = _boto(session), _pool_id(session)
    client_id = _client_id(session, "backend")
    boto.admin_create_user(UserPoolId=pool_id, Username="ana")

    def signs_in(secret: str) -> bool:
        digest = hmac.new(secret.encode(), f"ana{client_id}".encode(), hashlib.sha256)
        try:
            boto.initiate_auth(ClientId=client_id, AuthFlow="USER_SRP_AUTH", AuthParameters={
                "USERNAME": "ana", "SRP_A": "1",
                "SECRET_HASH": base64.b64encode(digest.digest()).decode()})
        except ClientError as exc:
            assert exc.response["Error"]["Code"] == "NotAuthorizedException"
            return False
        return True

    [own] = _values(session, "backend")
    added = "z" * 30
    boto.add_user_pool_client_secret(UserPoolId=pool_id, ClientId=client_id,
                                     ClientSecret=added)
    assert signs_in(own) and signs_in(added) and not signs_in("w" * 30)
    oldest = _secrets(session, "backend")[0]["ClientSecretId"]
    boto.delete_user_pool_client_secret(UserPoolId=pool_id, ClientId=client_id,
                                        ClientSecretId=oldest)
    assert signs_in(added) and not signs_in(own)


def test_export_does_not_read_client_secrets(session: AwsSession, write: Callable[..., str],
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """Nothing of a rotation policy lives in Cognito: export reads no secrets, and its
    policy grants no such read (Kind.exported)."""
    from poolsync import iam

    assert _cli(session, "apply", write(POOL), "--yes") == 0
    cognito = boto_cognito(session)
    before = len(cognito.calls)
    assert _cli(session, "export", "--region", REGION, "--all") == 0
    assert "ListUserPoolClientSecrets" not in {c.operation for c in cognito.calls[before:]}
    assert "ListUserPoolClientSecrets" not in iam.operations("export")
    assert "ListUserPoolClientSecrets" in iam.operations("plan")


def test_a_literal_value_in_the_file_is_never_printed(
        session: AwsSession, write: Callable[..., str], capsys: pytest.CaptureFixture[str],
        caplog: pytest.LogCaptureFixture) -> None:
    literal = "literal_secret_written_in_the_file_0123456789"
    path = write(POOL.replace('"${env:WEB_SECRET}"', literal))
    outputs: list[str] = []
    for args in (("plan", path, "-o", "json"), ("plan", path, "-v"),
                 ("--debug", "apply", path, "--yes"), ("drift", path)):
        caplog.clear()
        assert _cli(session, *args) in (0, 2), args
        captured = capsys.readouterr()
        outputs += [captured.out, captured.err, caplog.text]
    assert literal in _values(session, "web")  # it was sent
    assert literal not in "\n".join(outputs)


def test_a_lost_add_answer_is_looked_up_not_sent_again(
        session: AwsSession, write: Callable[..., str], clock: Clock,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from poolsync.aws import RetryPolicy

    path = _value_alone(session, write, clock)
    monkeypatch.setenv("WEB_SECRET", NEW_WEB_SECRET)
    cognito = boto_cognito(session)
    cognito.retry = RetryPolicy(sleep=lambda seconds: None)
    cognito._client = LosingFirstResponse(cognito._boto(), "add_user_pool_client_secret")
    assert _cli(session, "apply", path, "--yes") == 0
    outcomes = [c.outcome for c in cognito.calls if c.operation == "AddUserPoolClientSecret"]
    assert outcomes[-2:] == ["connection", "found"]
    assert _values(session, "web") == [WEB_SECRET, NEW_WEB_SECRET]  # added once
    assert _recorded_id(session, "web") == _secrets(session, "web")[-1]["ClientSecretId"]
    assert _cli(session, "plan", path, "--detailed-exitcode") == 0


def test_a_lost_add_on_a_new_client_is_not_taken_for_its_own_secret(
        session: AwsSession, write: Callable[..., str]) -> None:
    """A fresh user's break: the look-up took any secret of the last 15 minutes, and a
    client created in the same run has its own, made moments before; the file's value
    was never added and every later plan was clean. The look-up now takes the secret
    that was not there before the add."""
    from poolsync.aws import RetryPolicy

    cognito = boto_cognito(session)
    cognito.retry = RetryPolicy(sleep=lambda seconds: None)
    cognito._client = LosingFirstResponse(cognito._boto(), "add_user_pool_client_secret",
                                          reach=False)
    path = write(POOL)
    assert _cli(session, "apply", path, "--yes") == 0
    assert WEB_SECRET in _values(session, "web")
    assert _recorded_id(session, "web") == _secrets(session, "web")[-1]["ClientSecretId"]
    assert _cli(session, "plan", path, "--detailed-exitcode") == 0


def _recorded_id(session: AwsSession, name: str) -> str:
    tags = _boto(session).describe_user_pool(UserPoolId=_pool_id(session))["UserPool"][
        "UserPoolTags"]
    return str(tags[f"poolsync:client_secret:{name}"].split(" ")[1])


def test_a_client_name_a_tag_key_cannot_hold_is_recorded_under_its_hash() -> None:
    assert client_secret.tag_key("web") == "poolsync:client_secret:web"
    odd = client_secret.tag_key("web, admin")
    assert odd.startswith("poolsync:client_secret:sha256-") and "," not in odd


@pytest.mark.parametrize("body", ['{value: "${env:BACKEND_SECRET}", overlap: 99999999d}'])
def test_a_duration_beyond_the_calendar_is_a_clear_error(
        body: str, write: Callable[..., str], capsys: pytest.CaptureFixture[str]) -> None:
    from poolsync.cli import run

    path = write(POOL.replace('{value: "${env:BACKEND_SECRET}", overlap: 7d}', body))
    assert run(["validate", path]) == 1
    err = capsys.readouterr().err
    assert "pools.app.client_secrets.backend" in err and "internal error" not in err


def test_the_files_value_is_kept_when_a_newer_secret_is_added_outside_poolsync(
        session: AwsSession, write: Callable[..., str], clock: Clock) -> None:
    """A fresh user's break: a secret added with boto after the file's value made the
    file's value the older one, which was then deleted, and plan said clean. The file's
    secret is the one its run added (the tag's moment): the other one goes."""
    path = _value_alone(session, write, clock)
    assert _values(session, "web") == [WEB_SECRET]
    clock.forward(10)  # (each forward is from today)
    _boto(session).add_user_pool_client_secret(UserPoolId=_pool_id(session),
                                               ClientId=_client_id(session, "web"))
    clock.forward(16)  # within the overlap of the one added outside: both work
    assert _cli(session, "apply", path, "--yes") == 0
    assert len(_values(session, "web")) == 2
    clock.forward(18)  # past it
    assert _cli(session, "apply", path, "--yes") == 0
    assert _values(session, "web") == [WEB_SECRET]
    assert _cli(session, "plan", path, "--detailed-exitcode") == 0


def test_the_files_value_deleted_outside_poolsync_is_added_again(
        session: AwsSession, write: Callable[..., str], clock: Clock,
        capsys: pytest.CaptureFixture[str]) -> None:
    path = _value_alone(session, write, clock)
    clock.forward(1)
    boto, pool_id, client_id = _boto(session), _pool_id(session), _client_id(session, "web")
    boto.add_user_pool_client_secret(UserPoolId=pool_id, ClientId=client_id)
    listed = boto.list_user_pool_client_secrets(UserPoolId=pool_id, ClientId=client_id)
    oldest = min(listed["ClientSecrets"], key=lambda s: s["ClientSecretCreateDate"])
    boto.delete_user_pool_client_secret(UserPoolId=pool_id, ClientId=client_id,
                                        ClientSecretId=oldest["ClientSecretId"])
    assert WEB_SECRET not in _values(session, "web")
    obj = _object(_plan_json(session, path, capsys), "app/client_secrets/web")
    assert obj["action"] == "update"
    assert "no longer in Cognito" in obj["reason"]
    assert _cli(session, "apply", path, "--yes") == 0
    assert WEB_SECRET in _values(session, "web")


def test_records_beyond_the_pools_50_tags_cannot_be_applied(
        session: AwsSession, write: Callable[..., str], capsys: pytest.CaptureFixture[str]
) -> None:
    """A fresh user's break: tags of the file plus the poolsync: records of given
    secrets made 51, and the TagResource failed after the secrets were added. The plan
    counts every record (kinds.planning.within_tag_budget) and refuses first."""
    tags = ", ".join(f"t{i}: v" for i in range(49))  # + the run's own tag + a record
    path = write(POOL.replace("      app:\n", f"      app:\n        settings: {{UserPoolTags: {{{tags}}}}}\n"))
    obj = _object(_plan_json(session, path, capsys), "app/client_secrets/backend")
    assert obj["action"] == "cannot-apply"
    assert "the pool would have 51 tags" in obj["reason"]
    cognito = boto_cognito(session)
    before = len(cognito.calls)
    assert _cli(session, "apply", path, "--yes") == 3
    assert all(c.operation.startswith(("List", "Describe", "Get")) for c in cognito.calls[before:])


def test_the_stand_in_refuses_a_51st_tag(session: AwsSession, write: Callable[..., str]) -> None:
    assert _cli(session, "apply", write(WITHOUT), "--yes") == 0
    boto = _boto(session)
    arn = boto.describe_user_pool(UserPoolId=_pool_id(session))["UserPool"]["Arn"]
    boto.tag_resource(ResourceArn=arn, Tags={f"t{i}": "v" for i in range(48)})
    with pytest.raises(ClientError) as refused:
        boto.tag_resource(ResourceArn=arn, Tags={"one": "more", "two": "more"})
    assert refused.value.response["Error"]["Code"] == "InvalidParameterException"


def test_drift_offers_no_export_to_accept_a_rotation(
        session: AwsSession, write: Callable[..., str], clock: Clock,
        capsys: pytest.CaptureFixture[str]) -> None:
    path = write(POOL)
    assert _cli(session, "apply", path, "--yes") == 0
    clock.forward(100)  # past the overlap: the clients' own secrets are due to go
    capsys.readouterr()
    assert _cli(session, "drift", path) == 2
    out = capsys.readouterr().out
    assert "--only client_secrets" not in out
    assert "nothing to accept: client_secrets is a policy the file holds" in out


def test_a_new_value_that_waits_for_the_overlap_is_said_without_v(
        session: AwsSession, write: Callable[..., str], clock: Clock,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """A fresh user's break: a new value while two secrets overlap was "No changes", its
    waiting said only with -v. A no-op with a note is listed (render.render_pool)."""
    path = write(POOL)
    assert _cli(session, "apply", path, "--yes") == 0  # web: its own secret and the value
    monkeypatch.setenv("WEB_SECRET", NEW_WEB_SECRET)
    capsys.readouterr()
    assert _cli(session, "plan", path) == 0
    out = capsys.readouterr().out
    assert "app/client_secrets/web" in out
    assert "a rotation is due (the file gives a new value) but waits" in out
    assert NEW_WEB_SECRET not in out and WEB_SECRET not in out


def test_user_tags_raised_past_the_pools_50_with_records_cannot_be_applied(
        session: AwsSession, write: Callable[..., str], capsys: pytest.CaptureFixture[str]
) -> None:
    """A fresh user's break: UpdateUserPool's own tags pushed a pool holding poolsync:
    records past 50. The pool's update is the object that adds them: cannot-apply."""
    assert _cli(session, "apply", write(POOL), "--yes") == 0  # records web's value
    tags = ", ".join(f"t{i}: v" for i in range(49))
    more = write(POOL.replace("      app:\n", f"      app:\n        settings: {{UserPoolTags: {{{tags}}}}}\n"),
                 "more.yaml")
    obj = _object(_plan_json(session, more, capsys), "app")
    assert obj["action"] == "cannot-apply" and "the pool would have 50" not in obj["reason"]
    assert "tags, and a user pool has at most 50" in obj["reason"]
    assert _cli(session, "apply", more, "--yes") == 3


def test_only_the_records_past_the_fiftieth_tag_cannot_be_applied(
        session: AwsSession, write: Callable[..., str], capsys: pytest.CaptureFixture[str]
) -> None:
    """48 tags of the file and the run's own make 49: the first client's record fits,
    the second's does not (a fresh user's nit: all were refused)."""
    tags = ", ".join(f"t{i}: v" for i in range(48))
    body = POOL
    path = write(body.replace("      app:\n", f"      app:\n        settings: {{UserPoolTags: {{{tags}}}}}\n"))
    plan = _plan_json(session, path, capsys)
    assert _object(plan, "app/client_secrets/backend")["action"] == "create"
    web = _object(plan, "app/client_secrets/web")
    assert web["action"] == "cannot-apply"
    assert "the poolsync: tag that records this object" in web["reason"]
    assert "the pool would have 51 tags" in web["reason"]
