"""Outputs for what comes next (issue 11, point 4), through the CLI on the stand-in:
``poolsync output``, the outputs after ``apply``, and apply's JSON report when it
refuses. Every value is checked against what the stand-in itself answers."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

from poolsync import iam, outputs
from poolsync.aws import AwsSession
from tests.conftest import REGION, boto_cognito
from tests.conftest import cli as _cli

CANARY = "canary-callback-value-0d1f"  # an ${env:} value: never in any output

POOLS = """
    version: 1
    region: eu-west-1
    pools:
      shop:
        domain: {Domain: shop-outputs-test}
        clients:
          web:
            SupportedIdentityProviders: [COGNITO]
            CallbackURLs: ["https://app.example.com/cb?k=${env:OUT_CANARY}"]
            AllowedOAuthFlows: [code]
            AllowedOAuthScopes: [openid]
            AllowedOAuthFlowsUserPoolClient: true
          backend:
            GenerateSecret: true
            ExplicitAuthFlows: [ALLOW_REFRESH_TOKEN_AUTH]
      plain: {}
    """


@pytest.fixture(autouse=True)
def canary(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OUT_CANARY", CANARY)


def _run(session: AwsSession, capsys: pytest.CaptureFixture[str], *args: str,
         code: int = 0) -> tuple[str, str]:
    capsys.readouterr()
    assert _cli(session, *args) == code
    out = capsys.readouterr()
    return out.out, out.err


def _boto(session: AwsSession) -> Any:
    return boto_cognito(session)._boto()


def _live_pool(session: AwsSession, name: str) -> dict[str, Any]:
    """The pool as the stand-in describes it (DescribeUserPool)."""
    boto = _boto(session)
    (pool_id,) = [p["Id"] for p in boto.list_user_pools(MaxResults=60)["UserPools"]
                  if p["Name"] == name]
    pool: dict[str, Any] = boto.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    return pool


def _client_secrets(session: AwsSession, pool_id: str) -> list[str]:
    boto = _boto(session)
    clients = boto.list_user_pool_clients(UserPoolId=pool_id, MaxResults=60)
    secrets = []
    for client in clients["UserPoolClients"]:
        described = boto.describe_user_pool_client(UserPoolId=pool_id,
                                                   ClientId=client["ClientId"])
        secrets += [described["UserPoolClient"].get("ClientSecret") or ""]
    return [s for s in secrets if s]


def _never_shown(session: AwsSession, pool_id: str, *texts: str) -> None:
    """The canary: no client secret and no ${env:} value in any of ``texts``."""
    secrets = _client_secrets(session, pool_id)
    assert secrets, "the test needs a client with a secret"
    for text in texts:
        assert CANARY not in text
        for secret in secrets:
            assert secret not in text


# --- poolsync output: the values are the stand-in's ----------------------------------


def test_output_values_match_the_standin(session: AwsSession, write, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write(POOLS)
    _run(session, capsys, "apply", path, "--yes")
    out, err = _run(session, capsys, "output", path, "-o", "json")
    document = json.loads(out)
    assert document["format_version"] == "1.0"
    shop, plain = document["pools"]

    boto = _boto(session)
    described = _live_pool(session, "shop")
    pool_id = described["Id"]
    listed = boto.list_user_pool_clients(UserPoolId=pool_id, MaxResults=60)["UserPoolClients"]
    ids = {c["ClientName"]: c["ClientId"] for c in listed}
    domain = boto.describe_user_pool_domain(Domain="shop-outputs-test")["DomainDescription"]
    assert domain["UserPoolId"] == pool_id

    issuer = f"https://cognito-idp.{REGION}.amazonaws.com/{pool_id}"
    assert shop == {
        "name": "shop", "region": REGION, "exists": True,
        "user_pool_id": pool_id,
        "user_pool_arn": described["Arn"],
        "issuer_url": issuer,
        "jwks_url": issuer + "/.well-known/jwks.json",
        "domain": domain["Domain"],
        "custom_domain": False,
        "hosted_ui_url": f"https://{domain['Domain']}.auth.{REGION}.amazoncognito.com",
        "clients": {
            "backend": {"client_id": ids["backend"], "sign_in_url": None},
            "web": {"client_id": ids["web"], "sign_in_url": (
                f"https://{domain['Domain']}.auth.{REGION}.amazoncognito.com/login?client_id="
                f"{ids['web']}&response_type=code&redirect_uri=(sensitive)")},
        },
    }
    assert described["Arn"].endswith(f":userpool/{pool_id}")
    plain_pool = _live_pool(session, "plain")
    assert (plain["user_pool_id"], plain["user_pool_arn"]) == (plain_pool["Id"],
                                                               plain_pool["Arn"])
    assert (plain["domain"], plain["hosted_ui_url"], plain["clients"]) == (None, None, {})
    _never_shown(session, pool_id, out, err)


def test_output_text_is_aligned_key_equals_value(session: AwsSession, write, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write(POOLS)
    _run(session, capsys, "apply", path, "--yes")
    out, err = _run(session, capsys, "output", path)
    pool_id = _live_pool(session, "shop")["Id"]
    block = out.split("\n\n")[0].splitlines()
    assert block[0] == f"shop ({REGION})"
    assert f'  user_pool_id = "{pool_id}"' not in out  # aligned: padded to the longest key
    rows = [line for line in block[1:]]
    columns = {line.index(" = ") for line in rows}
    assert len(columns) == 1, rows
    keys = [line.split(" = ")[0].strip() for line in rows]
    assert keys == ["user_pool_id", "user_pool_arn", "issuer_url", "jwks_url", "domain",
                    "custom_domain", "hosted_ui_url", "clients.backend.client_id",
                    "clients.web.client_id", "clients.web.sign_in_url"]
    assert any(line.endswith(f'= "{pool_id}"') and "user_pool_id" in line for line in rows)
    assert "custom_domain" in out and "= false" in out
    _never_shown(session, pool_id, out, err)


def test_a_pool_not_created_yet_is_named_and_exits_1(session: AwsSession, write, capsys) -> None:  # type: ignore[no-untyped-def]
    applied = write("""
        version: 1
        pools:
          first: {region: eu-west-1}
        """, "first.yaml")
    later = write("""
        version: 1
        pools:
          later: {region: eu-west-1}
        """, "later.yaml")
    _run(session, capsys, "apply", applied, "--yes")
    out, err = _run(session, capsys, "output", applied, later, "-o", "json", code=1)
    first, missing = json.loads(out)["pools"]
    assert first["exists"] and first["user_pool_id"] == _live_pool(session, "first")["Id"]
    assert missing == {"name": "later", "region": REGION, "exists": False,
                       "user_pool_id": None, "user_pool_arn": None, "issuer_url": None,
                       "jwks_url": None, "domain": None, "custom_domain": None,
                       "hosted_ui_url": None, "clients": {}}
    assert "error: no live pool for later (eu-west-1)" in err
    out, err = _run(session, capsys, "output", later, code=1)
    assert out == "later (eu-west-1): does not exist (apply creates it)\n"
    # Nothing missing: exit 0.
    _run(session, capsys, "output", applied)


def test_output_only_reads_what_a_plan_reads(session: AwsSession, write, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write(POOLS)
    _run(session, capsys, "apply", path, "--yes")
    cognito = boto_cognito(session)
    before = len(cognito.calls)
    _run(session, capsys, "output", path)
    called = Counter(c.operation for c in cognito.calls[before:])
    assert set(called) <= set(iam.operations("output"))
    # The reads plan makes for these files, nothing more (engine.read_live): no
    # DescribeUserPoolDomain, the domain is in DescribeUserPool.
    assert called == Counter({"ListUserPools": 1, "DescribeUserPool": 2,
                              "GetUserPoolMfaConfig": 2, "ListUserPoolClients": 1,
                              "DescribeUserPoolClient": 2, "DescribeUserPoolDomain": 1})


def test_iam_policy_for_output_reads_only(capsys: pytest.CaptureFixture[str]) -> None:
    from poolsync.cli import run

    assert run(["iam-policy", "--for", "output"]) == 0
    document = json.loads(capsys.readouterr().out)
    actions = {a for s in document["Statement"] for a in s["Action"]}
    assert actions == {f"cognito-idp:{op}" for op in iam.operations("output")}
    assert actions < {f"cognito-idp:{op}" for op in iam.READS}  # reads only, not all
    assert not any(a.removeprefix("cognito-idp:").startswith(("Create", "Update", "Delete",
                                                              "Set", "Add", "Tag"))
                   for a in actions)


# --- apply: the outputs after "Apply complete", and in -o json ----------------------


def test_apply_json_has_the_outputs_of_output(session: AwsSession, write, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write(POOLS)
    out, err = _run(session, capsys, "apply", path, "--yes", "-o", "json")
    report = json.loads(out)
    assert report["status"] == "applied" and report["reason"] is None
    shown, _ = _run(session, capsys, "output", path, "-o", "json")
    assert report["outputs"] == json.loads(shown)
    pool_id = _live_pool(session, "shop")["Id"]
    assert report["outputs"]["pools"][0]["user_pool_id"] == pool_id
    _never_shown(session, pool_id, out, err)
    # Nothing to do: the outputs all the same.
    out, err = _run(session, capsys, "apply", path, "--yes", "-o", "json")
    again = json.loads(out)
    assert again["status"] == "nothing to do" and again["outputs"] == json.loads(shown)
    _never_shown(session, pool_id, out, err)


def test_apply_text_prints_the_outputs_after_apply_complete(session: AwsSession, write, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write(POOLS)
    out, err = _run(session, capsys, "apply", path, "--yes")
    shown, _ = _run(session, capsys, "output", path)
    tail = out.split("Apply complete: ", 1)[1]
    assert tail.split("\n", 1)[1] == "\nOutputs:\n\n" + shown
    assert "Hosted UI sign-in for" not in tail  # replaced by the outputs block
    pool_id = _live_pool(session, "shop")["Id"]
    _never_shown(session, pool_id, out, err)
    out, _ = _run(session, capsys, "apply", path, "--yes")
    assert out.endswith("\nOutputs:\n\n" + shown)  # nothing to do: the outputs too


def test_apply_makes_no_call_for_its_outputs(session: AwsSession, write, capsys) -> None:  # type: ignore[no-untyped-def]
    """The outputs come from the reads apply already made (the plan's, and the
    read-back of what changed): an apply with nothing to do makes exactly a plan's calls,
    and one that changes a pool reads back only that pool."""
    path = write(POOLS)
    _run(session, capsys, "apply", path, "--yes")
    cognito = boto_cognito(session)
    before = len(cognito.calls)
    _run(session, capsys, "plan", path)
    planned = Counter(c.operation for c in cognito.calls[before:])
    before = len(cognito.calls)
    out, _ = _run(session, capsys, "apply", path, "--yes", "-o", "json")  # nothing to do
    assert Counter(c.operation for c in cognito.calls[before:]) == planned
    assert json.loads(out)["outputs"]["pools"][0]["clients"]["web"]["client_id"]

    changed = write(POOLS.replace("      plain: {}", "      plain: {settings: {DeletionProtection: ACTIVE}}"),
                    "changed.yaml")
    before = len(cognito.calls)
    out, _ = _run(session, capsys, "apply", changed, "--yes", "-o", "json")
    applied = Counter(c.operation for c in cognito.calls[before:])
    # The plan's reads, the one write, and the read-back of the pool it changed.
    assert applied - planned == Counter({"UpdateUserPool": 1, "DescribeUserPool": 1,
                                         "GetUserPoolMfaConfig": 1})
    plain = json.loads(out)["outputs"]["pools"][1]
    assert plain["name"] == "plain" and plain["user_pool_arn"].endswith(plain["user_pool_id"])


# --- apply refuses: a JSON report on stdout ------------------------------------------

PROTECTED = """
    version: 1
    pools:
      guarded:
        region: eu-west-1
        settings: {UsernameAttributes: [email]}
    """


def test_a_refused_apply_prints_its_json_report(session: AwsSession, write, capsys) -> None:  # type: ignore[no-untyped-def]
    _run(session, capsys, "apply", write(PROTECTED), "--yes")
    replaced = write(PROTECTED.replace("[email]", "[phone_number]"), "replaced.yaml")
    out, err = _run(session, capsys, "apply", replaced, "--yes", "-o", "json", code=3)
    report = json.loads(out)
    assert report["status"] == "refused"
    assert "needs replacement" in report["reason"] and "--allow-replace" in report["reason"]
    assert report["applied"] == [] and report["outputs"] is None
    assert report["not_applied"][0]["address"] == "guarded"
    assert report["plan"]["pools"][0]["name"] == "guarded"
    assert "needs replacement" in err


def test_a_stale_pin_and_no_terminal_are_refusals_with_a_report(session: AwsSession, write, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path = write(PROTECTED)
    out, _ = _run(session, capsys, "apply", path, "--checksum", "sha256:" + "0" * 64,
                  "-o", "json", code=3)
    report = json.loads(out)
    assert report["status"] == "refused" and "checksum" in report["reason"]
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    out, _ = _run(session, capsys, "apply", path, "-o", "json", code=3)
    report = json.loads(out)
    assert report["status"] == "refused" and "--yes" in report["reason"]
    assert report["applied"] == [] and report["outputs"] is None


# --- endpoints by partition (pure) ---------------------------------------------------


def test_the_dns_suffixes_are_botocores_partitions() -> None:
    import botocore.loaders

    partitions = botocore.loaders.create_loader().load_data("partitions")["partitions"]
    assert {p["id"]: p["outputs"]["dnsSuffix"] for p in partitions} == outputs.DNS_SUFFIX


@pytest.mark.parametrize(("region", "issuer", "hosted"), [
    ("eu-west-1", "https://cognito-idp.eu-west-1.amazonaws.com/P",
     "https://d.auth.eu-west-1.amazoncognito.com"),
    ("us-gov-west-1", "https://cognito-idp.us-gov-west-1.amazonaws.com/P",
     "https://d.auth-fips.us-gov-west-1.amazoncognito.com"),
    ("cn-north-1", "https://cognito-idp.cn-north-1.amazonaws.com.cn/P", None),
    ("not-a-region", None, None),
])
def test_endpoints_by_partition(region: str, issuer: str | None, hosted: str | None) -> None:
    assert outputs.issuer_url(region, "P") == issuer
    assert outputs.hosted_ui_url("d", region, custom=False) == hosted
    assert outputs.hosted_ui_url("auth.example.com", region, custom=True) == (
        "https://auth.example.com")
    if issuer:
        assert outputs.jwks_url(issuer) == issuer + "/.well-known/jwks.json"


def test_control_characters_in_names_are_escaped_in_text() -> None:
    found = outputs.Outputs((outputs.PoolOutputs(
        "p\x1b[2J", REGION, True, user_pool_id="x",
        clients=(outputs.ClientOutputs("w\x1b[0m", "id\x07"),)),))
    text = outputs.render_text(found)
    assert "\x1b" not in text and "\x07" not in text
    assert "\\x1b[2J" in text


def test_values_from_env_are_shown_as_written(session: AwsSession, write, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A region and a domain from ${env:...} are secrets like any other: every output
    shows them as written, never their values (the canary is the domain)."""
    monkeypatch.setenv("OUT_REGION", REGION)
    monkeypatch.setenv("OUT_DOMAIN", "canary-domain-7c1e")
    path = write("""
        version: 1
        region: ${env:OUT_REGION}
        pools:
          envy:
            domain: {Domain: "${env:OUT_DOMAIN}"}
        """)
    out, err = _run(session, capsys, "apply", path, "--yes", "-o", "json")
    shown, shown_err = _run(session, capsys, "output", path, "-o", "json")
    text, text_err = _run(session, capsys, "output", path)
    for document in (json.loads(out)["outputs"], json.loads(shown)):
        (pool,) = document["pools"]
        assert pool["region"] == "${env:OUT_REGION}"
        assert pool["domain"] == "${env:OUT_DOMAIN}"
        assert pool["hosted_ui_url"] == (
            "https://${env:OUT_DOMAIN}.auth.${env:OUT_REGION}.amazoncognito.com")
        assert pool["user_pool_id"].startswith("${env:OUT_REGION}_")
        assert pool["issuer_url"].startswith("https://cognito-idp.${env:OUT_REGION}.")
    for stream in (out, err, shown, shown_err, text, text_err):
        assert "canary-domain-7c1e" not in stream and REGION not in stream


def test_sign_in_urls_use_the_partitions_host() -> None:
    """plan's sign-in URLs and the outputs' hosted UI agree on the host: auth-fips in
    GovCloud, none where AWS documents no prefix-domain host."""
    from poolsync.kinds.domain import sign_in_url

    client = {"AllowedOAuthFlows": ["code"], "CallbackURLs": ["https://a.example/cb"]}
    gov = sign_in_url({"Domain": "d"}, "us-gov-west-1", "C", client)
    assert gov is not None and gov.startswith("https://d.auth-fips.us-gov-west-1."
                                              "amazoncognito.com/login?client_id=C&")
    assert sign_in_url({"Domain": "d"}, "cn-north-1", "C", client) is None
    custom = sign_in_url({"Domain": "a.example", "CustomDomainConfig": {}}, "cn-north-1",
                         "C", client)
    assert custom is not None and custom.startswith("https://a.example/login?")


def test_output_with_pool_reads_and_prints_only_that_pool(session: AwsSession, write, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write(POOLS)
    _run(session, capsys, "apply", path, "--yes")
    cognito = boto_cognito(session)
    before = len(cognito.calls)
    out, _ = _run(session, capsys, "output", path, "--pool", "pl*", "-o", "json")
    assert [p["name"] for p in json.loads(out)["pools"]] == ["plain"]
    described = [c for c in cognito.calls[before:] if c.operation == "DescribeUserPool"]
    assert len(described) == 1
    _run(session, capsys, "output", path, "--pool", "nope", code=1)


def test_output_reads_none_of_the_kinds_it_does_not_print(
        session: AwsSession, write, capsys) -> None:  # type: ignore[no-untyped-def]
    """The kinds with their own reads (threat protection here) print no output: output
    reads only the pools, clients and domain, and its policy grants no more."""
    path = write("""
        version: 1
        region: eu-west-1
        pools:
          app:
            settings: {UserPoolTier: PLUS, UserPoolAddOns: {AdvancedSecurityMode: AUDIT}}
            clients: {web: {}}
            risk_configuration:
              ALL: {CompromisedCredentialsRiskConfiguration: {Actions: {EventAction: BLOCK}}}
    """)
    _run(session, capsys, "apply", path, "--yes")
    cognito = boto_cognito(session)
    before = len(cognito.calls)
    _run(session, capsys, "output", path)
    called = {c.operation for c in cognito.calls[before:]}
    assert "DescribeRiskConfiguration" not in called
    assert called <= set(iam.operations("output"))
    assert "DescribeRiskConfiguration" not in iam.operations("output")
