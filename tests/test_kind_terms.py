"""Terms documents (kinds/terms.py, standin/terms.py): apply then a clean plan, a
console change found and reverted, documents and clients the file does not list kept
(deleted with prune), export round-trips, the minimal reads, ListTerms' pages, the
plan-time and offline refusals, and what the stand-in refuses."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
import yaml
from botocore.exceptions import ClientError

from poolsync.aws import AwsSession, RetryPolicy
from poolsync.kinds import terms
from poolsync.kinds.base import PlanContext, client_placeholder
from poolsync.model import POOL_ID, Action
from tests.conftest import REGION, LosingFirstResponse, boto_cognito
from tests.conftest import boto as _boto
from tests.conftest import cli as _cli
from tests.conftest import client_id as _client_id
from tests.conftest import export_yaml as _export
from tests.conftest import plan_json as _plan_json
from tests.conftest import plan_object as _object
from tests.conftest import plan_reads as _plan_reads
from tests.conftest import pool_id as _pool_id

TERMS = "https://example.com/terms"
PRIVACY = "https://example.com/privacy"
OTHER = "https://example.com/other-terms"

POOL = f"""
    version: 1
    region: eu-west-1
    pools:
      app:
        domain: {{Domain: terms-e2e, ManagedLoginVersion: 2}}
        clients:
          web: {{}}
        terms:
          web:
            terms-of-use:
              Links: {{"cognito:default": "{TERMS}", "cognito:french": "{TERMS}/fr"}}
            privacy-policy:
              Links: {{"cognito:default": "{PRIVACY}"}}
"""
ONLY_TERMS_OF_USE = POOL.replace(f"""            privacy-policy:
              Links: {{"cognito:default": "{PRIVACY}"}}
""", "")


def _live(session: AwsSession) -> dict[tuple[str, str], dict[str, Any]]:
    """(client id, TermsName) -> DescribeTerms' Terms."""
    boto, pool_id = _boto(session), _pool_id(session)
    listed = boto.list_terms(UserPoolId=pool_id, MaxResults=60)["Terms"]
    described = [boto.describe_terms(UserPoolId=pool_id, TermsId=t["TermsId"])["Terms"]
                 for t in listed]
    return {(t["ClientId"], t["TermsName"]): t for t in described}


def _writes(session: AwsSession, before: int) -> list[Any]:
    return [c for c in boto_cognito(session).calls[before:]
            if c.operation.endswith("Terms") and not c.operation.startswith(("List",
                                                                              "Describe"))]


def test_apply_then_plan_is_clean(session: AwsSession, write: Callable[..., str]) -> None:
    path = write(POOL)
    # The client is created in the same run: CreateTerms names it by its placeholder,
    # which apply replaces with the id CreateUserPoolClient returned.
    assert _cli(session, "apply", path, "--yes") == 0
    web = _client_id(session, "web")
    live = _live(session)
    assert set(live) == {(web, "terms-of-use"), (web, "privacy-policy")}
    assert live[(web, "terms-of-use")]["Links"] == {"cognito:default": TERMS,
                                                    "cognito:french": f"{TERMS}/fr"}
    assert live[(web, "privacy-policy")]["TermsSource"] == "LINK"
    assert live[(web, "privacy-policy")]["Enforcement"] == "NONE"
    assert _cli(session, "plan", path, "--detailed-exitcode") == 0


def test_a_console_change_is_found_and_reverted(session: AwsSession, write: Callable[..., str],
                                                capsys: pytest.CaptureFixture[str]) -> None:
    path = write(POOL)
    assert _cli(session, "apply", path, "--yes") == 0
    doc = _live(session)[(_client_id(session, "web"), "terms-of-use")]
    _boto(session).update_terms(UserPoolId=_pool_id(session), TermsId=doc["TermsId"],
                                Links={"cognito:default": OTHER})
    obj = _object(_plan_json(session, path, capsys), "app/terms/web")
    assert obj["action"] == "update"
    assert obj["calls"] == ["UpdateTerms"]
    fields = {f["path"]: (f["before"], f["after"]) for f in obj["fields"]}
    assert fields == {"terms-of-use.Links.cognito:default": (OTHER, TERMS),
                      "terms-of-use.Links.cognito:french": (None, f"{TERMS}/fr")}
    assert _cli(session, "drift", path) == 2
    cognito = boto_cognito(session)
    before = len(cognito.calls)
    assert _cli(session, "apply", path, "--yes") == 0
    # Every member is sent: whether UpdateTerms keeps the unsent ones is UNVERIFIED.
    [update] = _writes(session, before)
    assert update.params == {"TermsId": doc["TermsId"], "UserPoolId": _pool_id(session),
                             "TermsName": "terms-of-use", "TermsSource": "LINK",
                             "Enforcement": "NONE",
                             "Links": {"cognito:default": TERMS, "cognito:french": f"{TERMS}/fr"}}
    assert _live(session)[(_client_id(session, "web"), "terms-of-use")]["Links"][
        "cognito:default"] == TERMS
    assert _cli(session, "plan", path, "--detailed-exitcode") == 0


def test_documents_and_clients_the_file_does_not_list_are_kept_and_pruned_on_request(
        session: AwsSession, write: Callable[..., str], capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(ONLY_TERMS_OF_USE.replace("          web: {}\n",
                                           "          web: {}\n          spare: {}\n"))
    assert _cli(session, "apply", path, "--yes") == 0
    boto, pool_id = _boto(session), _pool_id(session)
    web, spare = _client_id(session, "web"), _client_id(session, "spare")
    for client, name in ((web, "privacy-policy"), (spare, "terms-of-use")):
        boto.create_terms(UserPoolId=pool_id, ClientId=client, TermsName=name,
                          TermsSource="LINK", Enforcement="NONE",
                          Links={"cognito:default": OTHER})
    plan = _plan_json(session, path, capsys)
    own = _object(plan, "app/terms/web")
    assert (own["action"], own["unmanaged"]) == ("no-op", True)
    assert any("privacy-policy of app client web is live and not in the file: kept" in n
               for n in own["notes"])
    other = _object(plan, "app/terms/spare")
    assert (other["action"], other["unmanaged"]) == ("no-op", True)
    assert "not in the file; kept" in other["reason"]
    # Nothing to change, but live objects the files do not list (as for a client).
    assert _cli(session, "plan", path, "--detailed-exitcode") == 2
    capsys.readouterr()
    assert _cli(session, "drift", path, "-o", "json") == 2
    assert "--prune" in json.loads(capsys.readouterr().out)["revert"]
    assert _cli(session, "apply", path, "--yes") == 0
    assert len(_live(session)) == 3  # kept

    pruned = _plan_json(session, path, capsys, "--prune")
    own = _object(pruned, "app/terms/web")
    assert own["action"] == "update" and own["calls"] == ["DeleteTerms"]
    assert [f["path"] for f in own["fields"]] == ["privacy-policy"]
    other = _object(pruned, "app/terms/spare")
    assert other["action"] == "delete" and other["calls"] == ["DeleteTerms"]
    assert _cli(session, "apply", path, "--yes", "--prune") == 0
    assert set(_live(session)) == {(web, "terms-of-use")}
    assert _cli(session, "plan", path, "--detailed-exitcode", "--prune") == 0


def test_terms_moved_to_another_client_are_created_there(
        session: AwsSession, write: Callable[..., str], capsys: pytest.CaptureFixture[str]
) -> None:
    with_spare = POOL.replace("          web: {}\n", "          web: {}\n          spare: {}\n")
    assert _cli(session, "apply", write(with_spare), "--yes") == 0
    moved = write(with_spare.replace("        terms:\n          web:\n",
                                     "        terms:\n          spare:\n"), "moved.yaml")
    plan = _plan_json(session, moved, capsys, "--prune")
    assert _object(plan, "app/terms/spare")["calls"] == ["CreateTerms", "CreateTerms"]
    assert _object(plan, "app/terms/web")["calls"] == ["DeleteTerms", "DeleteTerms"]
    assert _cli(session, "apply", moved, "--yes", "--prune") == 0
    spare = _client_id(session, "spare")
    assert set(_live(session)) == {(spare, "terms-of-use"), (spare, "privacy-policy")}


def test_a_re_created_client_gets_its_terms_again(
        session: AwsSession, write: Callable[..., str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert _cli(session, "apply", write(POOL), "--yes") == 0
    old = _client_id(session, "web")
    secret = write(POOL.replace("          web: {}\n", "          web: {GenerateSecret: true}\n"),
                   "secret.yaml")
    obj = _object(_plan_json(session, secret, capsys), "app/terms/web")
    assert obj["action"] == "create"
    assert any("app client web is re-created" in n for n in obj["notes"])
    assert _cli(session, "apply", secret, "--yes", "--allow-replace", "app/clients/web") == 0
    new = _client_id(session, "web")
    assert new != old
    assert set(_live(session)) == {(new, "terms-of-use"), (new, "privacy-policy")}
    assert _cli(session, "plan", secret, "--detailed-exitcode") == 0


def test_export_round_trips(session: AwsSession, write: Callable[..., str], tmp_path: Any,
                            capsys: pytest.CaptureFixture[str]) -> None:
    assert _cli(session, "apply", write(POOL), "--yes") == 0
    document = _export(session, capsys)
    assert document["pools"]["app"]["terms"] == {"web": {
        "privacy-policy": {"Links": {"cognito:default": PRIVACY}},
        "terms-of-use": {"Links": {"cognito:default": TERMS, "cognito:french": f"{TERMS}/fr"}},
    }}
    exported = tmp_path / "exported.yaml"
    exported.write_text(yaml.safe_dump(document))
    assert _cli(session, "plan", str(exported), "--detailed-exitcode") == 0
    only = _export(session, capsys, "--only", "terms/web")
    assert set(only["pools"]["app"]) == {"region", "terms"}
    assert set(only["pools"]["app"]["terms"]) == {"web"}


def test_the_minimal_reads(session: AwsSession, write: Callable[..., str]) -> None:
    path = write(POOL)
    assert _cli(session, "apply", path, "--yes") == 0
    calls = _plan_reads(session, path)
    assert calls == Counter({"ListUserPools": 1, "DescribeUserPool": 1,
                             "GetUserPoolMfaConfig": 1, "DescribeUserPoolDomain": 1,
                             "ListUserPoolClients": 1, "DescribeUserPoolClient": 1,
                             "ListTerms": 1, "DescribeTerms": 2})


def test_a_pool_that_does_not_write_terms_reads_none_and_keeps_them(
        session: AwsSession, write: Callable[..., str]) -> None:
    assert _cli(session, "apply", write(POOL), "--yes") == 0
    without = write(POOL.split("        terms:")[0], "without.yaml")
    cognito = boto_cognito(session)
    before = len(cognito.calls)
    assert _cli(session, "apply", without, "--yes", "--prune") == 0
    assert not [c for c in cognito.calls[before:] if c.operation.endswith("Terms")]
    assert len(_live(session)) == 2


def test_list_terms_is_read_page_by_page(session: AwsSession, write: Callable[..., str]) -> None:
    """More documents than one ListTerms page holds (MaxResults at most 60): 31 clients
    with both documents are 62."""
    assert _cli(session, "apply", write(POOL), "--yes") == 0
    boto, pool_id = _boto(session), _pool_id(session)
    for n in range(30):
        client = boto.create_user_pool_client(UserPoolId=pool_id, ClientName=f"c{n}")
        for name in terms.NAMES:
            boto.create_terms(UserPoolId=pool_id, ClientId=client["UserPoolClient"]["ClientId"],
                              TermsName=name, TermsSource="LINK", Enforcement="NONE",
                              Links={"cognito:default": f"{OTHER}/{n}"})
    # The stand-in's pages, as a client asking for small ones sees them.
    first = boto.list_terms(UserPoolId=pool_id, MaxResults=25)
    assert len(first["Terms"]) == 25 and first["NextToken"]
    assert set(first["Terms"][0]) == {"TermsId", "TermsName", "Enforcement", "CreationDate",
                                      "LastModifiedDate"}
    seen, token = [t["TermsId"] for t in first["Terms"]], first["NextToken"]
    while token:
        page = boto.list_terms(UserPoolId=pool_id, MaxResults=25, NextToken=token)
        seen += [t["TermsId"] for t in page["Terms"]]
        token = page.get("NextToken")
    assert len(seen) == len(set(seen)) == 62
    # poolsync's read: two pages of at most 60, then one DescribeTerms each.
    cognito = boto_cognito(session)
    before = len(cognito.calls)
    found = terms.read(cognito, {"Id": pool_id}, {}, {})
    calls = cognito.calls[before:]
    assert [c.params.get("MaxResults") for c in calls if c.operation == "ListTerms"] == [60, 60]
    assert sum(c.operation == "DescribeTerms" for c in calls) == 62
    assert sum(len(docs) for docs in found.by_client.values()) == 62
    assert all(set(docs) == set(terms.NAMES) for docs in found.by_client.values())


def test_secrets_in_links_are_not_printed(session: AwsSession, write: Callable[..., str],
                                          capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERMS_TOKEN", "tok-never-printed-1234")
    path = write(POOL.replace(f'"{PRIVACY}"', f'"{PRIVACY}?t=${{env:TERMS_TOKEN}}"'))
    assert _cli(session, "apply", path, "--yes") == 0
    web = _client_id(session, "web")
    doc = _live(session)[(web, "privacy-policy")]
    assert doc["Links"]["cognito:default"] == f"{PRIVACY}?t=tok-never-printed-1234"
    _boto(session).update_terms(UserPoolId=_pool_id(session), TermsId=doc["TermsId"],
                                TermsName="privacy-policy", TermsSource="LINK",
                                Enforcement="NONE", Links={"cognito:default": OTHER})
    capsys.readouterr()
    assert _cli(session, "plan", path, "-o", "json") == 0
    out = capsys.readouterr().out
    assert "tok-never-printed-1234" not in out
    [change] = _object(json.loads(out), "app/terms/web")["fields"]
    assert change["sensitive"] is True
    assert _cli(session, "plan", path, "--debug") == 0
    captured = capsys.readouterr()
    assert "tok-never-printed-1234" not in captured.out + captured.err


def test_a_lost_create_terms_answer_is_looked_up_not_sent_again(
        session: AwsSession, write: Callable[..., str]) -> None:
    cognito = boto_cognito(session)
    cognito.retry = RetryPolicy(sleep=lambda seconds: None)
    cognito._client = LosingFirstResponse(cognito._boto(), "create_terms")
    path = write(POOL)
    assert _cli(session, "apply", path, "--yes") == 0
    assert [c.outcome for c in cognito.calls if c.operation == "CreateTerms"][-3:] == [
        "connection", "found", "ok"]
    assert len(_live(session)) == 2
    assert _cli(session, "plan", path, "--detailed-exitcode") == 0


# --------------------------------------------------------------------------- refusals


def test_terms_for_a_client_that_will_not_exist_cannot_be_applied(
        session: AwsSession, write: Callable[..., str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert _cli(session, "apply", write(POOL), "--yes") == 0
    ghost = write(POOL.replace("        terms:\n          web:\n",
                               "        terms:\n          ghost:\n"), "ghost.yaml")
    obj = _object(_plan_json(session, ghost, capsys), "app/terms/ghost")
    assert obj["action"] == "cannot-apply"
    assert "no app client named ghost" in obj["reason"]
    assert "ResourceNotFoundException" in obj["reason"]
    cognito = boto_cognito(session)
    before = len(cognito.calls)
    assert _cli(session, "apply", ghost, "--yes") != 0
    assert "ghost.yaml:10:7: pools.app.terms.ghost: app/terms/ghost: cannot be applied" in (
        capsys.readouterr().err)
    assert not _writes(session, before)


def test_terms_for_a_client_prune_deletes_are_refused_offline(
        write: Callable[..., str], capsys: pytest.CaptureFixture[str]) -> None:
    from poolsync.cli import run

    path = write(POOL.replace("        clients:\n", "        prune: true\n        clients:\n")
                 .replace("        terms:\n          web:\n", "        terms:\n          old:\n"))
    assert run(["validate", path]) == 1
    err = capsys.readouterr().err
    assert (f"{path}:11:7: pools.app.terms.old: terms for app client old, which this file "
            "does not list: prune: true deletes any other client") in err
    # Without prune the client may be live and unmanaged: the plan decides.
    assert run(["validate", write(POOL.replace("terms:\n          web:", "terms:\n          old:"),
                                  "kept.yaml")]) == 0


def test_a_classic_hosted_ui_domain_is_noted_not_refused(
        session: AwsSession, write: Callable[..., str], capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(POOL.replace("ManagedLoginVersion: 2", "ManagedLoginVersion: 1"))
    obj = _object(_plan_json(session, path, capsys), "app/terms/web")
    assert obj["action"] == "create"
    assert ("the pool's domain serves the classic hosted UI (ManagedLoginVersion 1): terms "
            "documents show only on managed login sign-up pages") in " ".join(obj["notes"])
    assert "UNVERIFIED" in " ".join(obj["notes"])
    assert _cli(session, "apply", path, "--yes") == 0
    # A file that does not write the domain: the live one is read and noted.
    changed = write(POOL.replace("        domain: {Domain: terms-e2e, ManagedLoginVersion: 2}\n", "")
                    .replace(PRIVACY, OTHER), "changed.yaml")
    obj = _object(_plan_json(session, changed, capsys), "app/terms/web")
    assert obj["action"] == "update"
    assert "classic hosted UI (ManagedLoginVersion 1)" in " ".join(obj["notes"])


def test_without_a_managed_domain_the_plan_notes_where_terms_show(
        session: AwsSession, write: Callable[..., str], capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(ONLY_TERMS_OF_USE.replace(
        "        domain: {Domain: terms-e2e, ManagedLoginVersion: 2}\n", ""))
    obj = _object(_plan_json(session, path, capsys), "app/terms/web")
    assert obj["action"] == "create"
    assert any(n.startswith("the pool has no domain: terms documents show only on managed "
                            "login") for n in obj["notes"])
    assert any("no privacy-policy: Cognito shows terms documents only when both" in n
               for n in obj["notes"])


@pytest.mark.parametrize(("old", "new", "found"), [
    ("terms-of-use:", "cookie-policy:", "cookie-policy"),
    ('"cognito:french"', '"cognito:klingon"', "cognito:klingon"),
    ('Links: {"cognito:default": "' + PRIVACY + '"}', "TermsSource: LINK", "Links"),
])
def test_the_schema_refuses_what_create_terms_refuses(
        old: str, new: str, found: str, write: Callable[..., str],
        capsys: pytest.CaptureFixture[str]) -> None:
    from poolsync.cli import run

    assert run(["validate", write(POOL.replace(old, new))]) == 1
    assert found in capsys.readouterr().err


# --------------------------------------------------------------------------- stand-in


def test_the_stand_in_refuses_what_aws_refuses(session: AwsSession,
                                               write: Callable[..., str]) -> None:
    assert _cli(session, "apply", write(POOL), "--yes") == 0
    boto, pool_id, web = _boto(session), _pool_id(session), _client_id(session, "web")
    doc = {"TermsSource": "LINK", "Enforcement": "NONE", "Links": {"cognito:default": OTHER}}

    def code(call: Callable[..., Any], **params: Any) -> str:
        with pytest.raises(ClientError) as refused:
            call(**params)
        return str(refused.value.response["Error"]["Code"])

    assert code(boto.create_terms, UserPoolId=pool_id, ClientId=web,
                TermsName="terms-of-use", **doc) == "TermsExistsException"
    assert code(boto.create_terms, UserPoolId=pool_id, ClientId="nosuchclient0000000000000",
                TermsName="terms-of-use", **doc) == "ResourceNotFoundException"
    assert code(boto.create_terms, UserPoolId=pool_id, ClientId=web,
                TermsName="cookie-policy", **doc) == "InvalidParameterException"
    missing = "0b3e2a51-7c1d-4f7e-9a0b-123456789abc"
    for call in (boto.describe_terms, boto.delete_terms):
        assert code(call, UserPoolId=pool_id, TermsId=missing) == "ResourceNotFoundException"
    assert code(boto.update_terms, UserPoolId=pool_id, TermsId=missing,
                **doc) == "ResourceNotFoundException"
    assert code(boto.list_terms, UserPoolId="eu-west-1_nosuchpool") == "ResourceNotFoundException"
    privacy = _live(session)[(web, "privacy-policy")]
    assert code(boto.update_terms, UserPoolId=pool_id, TermsId=privacy["TermsId"],
                TermsName="terms-of-use") == "TermsExistsException"
    boto.delete_terms(UserPoolId=pool_id, TermsId=privacy["TermsId"])
    assert set(_live(session)) == {(web, "terms-of-use")}


# --------------------------------------------------------------------------- plan, pure


def _context(**overrides: Any) -> PlanContext:
    base: dict[str, Any] = dict(
        pool="app", region=REGION, pool_id=POOL_ID,
        written={"web": {"terms-of-use": {"Links": {"cognito:default": TERMS}}}},
        found=None, described={}, settings={}, clients={"web": client_placeholder("web")},
        client_actions={"web": Action.CREATE})
    return PlanContext(**{**base, **overrides})


def test_a_new_pool_gets_its_terms_after_the_client() -> None:
    [obj] = terms.plan(_context())
    assert obj.action is Action.CREATE
    assert obj.calls[0].params == {
        "UserPoolId": POOL_ID, "ClientId": client_placeholder("web"), "TermsName": "terms-of-use",
        "TermsSource": "LINK", "Enforcement": "NONE", "Links": {"cognito:default": TERMS}}


def test_terms_of_a_client_this_run_deletes_get_no_call() -> None:
    found = terms.LiveTerms(
        {"id-old": {"terms-of-use": {"TermsId": "t1", "ClientId": "id-old",
                                     "TermsName": "terms-of-use", "TermsSource": "LINK",
                                     "Enforcement": "NONE", "Links": {"cognito:default": TERMS}}},
         "id-gone": {"privacy-policy": {"TermsId": "t2", "ClientId": "id-gone",
                                        "TermsName": "privacy-policy",
                                        "Links": {"cognito:default": PRIVACY}}}},
        {"id-old": "old"})
    objects = terms.plan(_context(pool_id="eu-west-1_x", written={}, found=found, clients={},
                                  client_actions={"old": Action.DELETE}, prune=True))
    by_address = {o.address: o for o in objects}
    assert by_address["app/terms/old"].calls == ()
    assert "deleted or re-created by this run" in by_address["app/terms/old"].reason
    # Terms whose client is gone: addressed by the old id, deleted with prune.
    orphan = by_address["app/terms/id-gone"]
    assert orphan.action is Action.DELETE
    assert [c.params for c in orphan.calls] == [{"TermsId": "t2", "UserPoolId": "eu-west-1_x"}]


def test_two_live_clients_of_one_name_are_an_error_without_a_clients_key(
        session: AwsSession, write: Callable[..., str], capsys: pytest.CaptureFixture[str]
) -> None:
    """An entry keyed by a client name cannot tell two clients of that name apart: the
    same error as when the file manages clients (kinds.client.unique_ids)."""
    assert _cli(session, "apply", write(POOL), "--yes") == 0
    boto = boto_cognito(session)._boto()
    pool_id = boto.list_user_pools(MaxResults=10)["UserPools"][0]["Id"]
    boto.create_user_pool_client(UserPoolId=pool_id, ClientName="web")
    without_clients = write("\n".join(line for line in POOL.splitlines()
                                      if "clients:" not in line and "web: {}" not in line)
                            + "\n", "terms-only.yaml")
    capsys.readouterr()
    assert _cli(session, "plan", without_clients) == 1
    assert "app clients with the same name: 2 named 'web'" in capsys.readouterr().err
