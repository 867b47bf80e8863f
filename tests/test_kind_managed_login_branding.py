"""Managed login branding (kinds/managed_login_branding.py,
standin/managed_login_branding.py): apply then a clean plan, console changes found and
reverted (in place, or by delete and create when a key goes), what the file does not
write kept, export round-trips, the minimal reads, the offline and plan-time refusals,
the stand-in's refusals, images compared by digest and kept out of every output."""

from __future__ import annotations

import base64
import json
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from botocore.exceptions import ClientError

from poolsync.aws import AwsSession
from poolsync.kinds import managed_login_branding as mlb
from poolsync.kinds.base import ExportContext, PlanContext
from poolsync.model import NOT_REPORTED, POOL_ID, Action
from tests.conftest import REGION, LosingFirstResponse, boto_cognito, plan_object
from tests.conftest import boto as _boto
from tests.conftest import cli as _cli
from tests.conftest import client_id as _client_id
from tests.conftest import export_yaml as _export
from tests.conftest import plan_json as _plan_json
from tests.conftest import plan_reads as _plan_reads
from tests.conftest import pool_id as _pool_id

LOGO = b"\x89PNG\r\n\x1a\n" + b"first logo" * 20
OTHER_LOGO = b"\x89PNG\r\n\x1a\n" + b"second logo" * 20
BACKGROUND = b"\xff\xd8\xff" + b"background" * 30

POOL = """
    version: 1
    region: eu-west-1
    pools:
      app:
        domain: {{Domain: brand-e2e, ManagedLoginVersion: {version}}}
        clients:
          web: {{}}
        managed_login_branding:
          web:
{body}
"""
STYLE = """\
            Settings:
              categories:
                global: {colorSchemeMode: DARK}
                form: {displayGraphics: true}
            Assets:
              - {Category: PAGE_HEADER_LOGO, ColorMode: LIGHT, Extension: PNG, File: logo.png}
"""
SETTINGS_ONLY = STYLE.split("            Assets:")[0]


def _pool(body: str = STYLE, version: int = 2) -> str:
    return POOL.format(version=version, body=body.rstrip("\n"))


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "logo.png").write_bytes(LOGO)
    (tmp_path / "background.jpg").write_bytes(BACKGROUND)
    return tmp_path


def _ids(session: AwsSession) -> tuple[str, str]:
    return _pool_id(session), _client_id(session, "web")


def _live(session: AwsSession) -> dict[str, Any]:
    pool_id, client_id = _ids(session)
    found = _boto(session).describe_managed_login_branding_by_client(
        UserPoolId=pool_id, ClientId=client_id, ReturnMergedResources=False)
    return dict(found["ManagedLoginBranding"])


def _update(session: AwsSession, **members: Any) -> None:
    pool_id, _ = _ids(session)
    _boto(session).update_managed_login_branding(
        UserPoolId=pool_id, ManagedLoginBrandingId=_live(session)["ManagedLoginBrandingId"],
        **members)


def _object(plan: dict[str, Any]) -> dict[str, Any]:
    return plan_object(plan, "app/managed_login_branding/web")


def _writes(session: AwsSession, since: int) -> list[str]:
    return [c.operation for c in boto_cognito(session).calls[since:]
            if not c.operation.startswith(("Describe", "List", "Get"))]


@pytest.fixture
def applied(session: AwsSession, write: Callable[..., str], files: Path) -> str:
    path: str = write(_pool())
    assert _cli(session, "apply", path, "--yes") == 0
    return path


def test_apply_then_plan_is_clean(session: AwsSession, applied: str) -> None:
    live = _live(session)
    assert live["Settings"] == {"categories": {"global": {"colorSchemeMode": "DARK"},
                                               "form": {"displayGraphics": True}}}
    assert live["UseCognitoProvidedValues"] is False
    assert [(a["Category"], a["ColorMode"], a["Extension"], a["Bytes"])
            for a in live["Assets"]] == [("PAGE_HEADER_LOGO", "LIGHT", "PNG", LOGO)]
    assert _cli(session, "plan", applied, "--detailed-exitcode") == 0


def test_a_console_change_is_found_and_reverted_in_place(
        session: AwsSession, applied: str, capsys: pytest.CaptureFixture[str]) -> None:
    _update(session, Settings={"categories": {"global": {"colorSchemeMode": "LIGHT"},
                                              "form": {"displayGraphics": True}}})
    before = _live(session)["ManagedLoginBrandingId"]
    obj = _object(_plan_json(session, applied, capsys))
    assert obj["action"] == "update"
    assert obj["calls"] == ["UpdateManagedLoginBranding"]
    [change] = obj["fields"]
    assert change["path"] == "Settings.categories.global.colorSchemeMode"
    assert (change["before"], change["after"]) == ("LIGHT", "DARK")
    assert _cli(session, "drift", applied) == 2
    assert _cli(session, "apply", applied, "--yes") == 0
    live = _live(session)
    assert live["Settings"]["categories"]["global"]["colorSchemeMode"] == "DARK"
    assert live["ManagedLoginBrandingId"] == before
    assert _cli(session, "plan", applied, "--detailed-exitcode") == 0


def test_a_settings_key_added_in_the_console_goes_by_delete_and_create(
        session: AwsSession, applied: str, capsys: pytest.CaptureFixture[str]) -> None:
    """UpdateManagedLoginBranding keeps what it is not sent: removal_needs_recreate."""
    _update(session, Settings={"components": {"pageHeader": {"backgroundColor": "ff0000ff"}}})
    before = _live(session)["ManagedLoginBrandingId"]
    obj = _object(_plan_json(session, applied, capsys))
    assert obj["action"] == "replace"
    # The image is sent again: its digest is recorded (recorded_contents).
    assert obj["calls"] == ["DeleteManagedLoginBranding", "CreateManagedLoginBranding",
                            "TagResource"]
    assert "Settings.components removed" in obj["reason"]
    assert [f["path"] for f in obj["fields"]] == ["Settings.components"]
    assert _cli(session, "apply", applied, "--yes") == 3  # a replacement: not allowed
    assert _cli(session, "apply", applied, "--yes", "--allow-replace",
                "app/managed_login_branding/web") == 0
    live = _live(session)
    assert "components" not in live["Settings"]
    assert live["ManagedLoginBrandingId"] != before
    assert [a["Bytes"] for a in live["Assets"]] == [LOGO]
    assert _cli(session, "plan", applied, "--detailed-exitcode") == 0


def test_a_new_image_is_found_by_its_digest_and_never_printed(
        session: AwsSession, applied: str, files: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    (files / "logo.png").write_bytes(OTHER_LOGO)
    capsys.readouterr()
    assert _cli(session, "plan", applied) == 0
    text = capsys.readouterr().out
    assert f"Assets.PAGE_HEADER_LOGO/LIGHT.Content: {json.dumps(mlb.content_digest(LOGO))}" \
           in text
    assert json.dumps(mlb.content_digest(OTHER_LOGO)) in text
    obj = _object(_plan_json(session, applied, capsys))
    assert obj["action"] == "update"
    [change] = obj["fields"]
    assert change["after"] == mlb.content_digest(OTHER_LOGO)
    assert _cli(session, "apply", applied, "--yes") == 0
    assert [a["Bytes"] for a in _live(session)["Assets"]] == [OTHER_LOGO]
    assert _cli(session, "plan", applied, "--detailed-exitcode") == 0


def test_an_asset_added_in_the_file_is_sent_alone(
        session: AwsSession, applied: str, write: Callable[..., str]) -> None:
    more = write(_pool(STYLE + "              - {Category: PAGE_BACKGROUND, ColorMode: DARK, "
                               "Extension: JPEG, File: background.jpg}\n"), "more.yaml")
    cognito = boto_cognito(session)
    before = len(cognito.calls)
    assert _cli(session, "apply", more, "--yes") == 0
    [update] = [c for c in cognito.calls[before:] if c.operation == "UpdateManagedLoginBranding"]
    assert [a["Category"] for a in update.params["Assets"]] == ["PAGE_BACKGROUND"]
    assert "Settings" not in update.params
    assert _cli(session, "plan", more, "--detailed-exitcode") == 0


def test_what_the_file_does_not_write_survives(
        session: AwsSession, write: Callable[..., str], files: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    path = write(_pool(SETTINGS_ONLY))
    assert _cli(session, "apply", path, "--yes") == 0
    _update(session, Assets=[{"Category": "FORM_LOGO", "ColorMode": "DYNAMIC",
                              "Extension": "PNG", "Bytes": LOGO}])
    assert _cli(session, "plan", path, "--detailed-exitcode") == 0  # Assets: not managed
    # A removed key re-creates the style: the assets the file does not write go along.
    _update(session, Settings={"extra": {"x": 1}})
    obj = _object(_plan_json(session, path, capsys))
    assert obj["action"] == "replace"
    assert _cli(session, "apply", path, "--yes", "--allow-replace",
                "app/managed_login_branding/web") == 0
    live = _live(session)
    assert "extra" not in live["Settings"]
    assert [(a["Category"], a["Bytes"]) for a in live["Assets"]] == [("FORM_LOGO", LOGO)]
    assert _cli(session, "plan", path, "--detailed-exitcode") == 0


def test_cognito_values_and_back(session: AwsSession, write: Callable[..., str],
                                 files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plain = write(_pool("            {}\n"), "plain.yaml")
    assert _cli(session, "apply", plain, "--yes") == 0
    assert _live(session)["UseCognitoProvidedValues"] is True
    assert _cli(session, "plan", plain, "--detailed-exitcode") == 0
    styled = write(_pool(SETTINGS_ONLY), "styled.yaml")
    obj = _object(_plan_json(session, styled, capsys))
    assert obj["action"] == "update"
    assert _cli(session, "apply", styled, "--yes") == 0
    assert _live(session)["UseCognitoProvidedValues"] is False
    assert _cli(session, "plan", styled, "--detailed-exitcode") == 0
    reverted = write(_pool("            UseCognitoProvidedValues: true\n"), "reverted.yaml")
    cognito = boto_cognito(session)
    before = len(cognito.calls)
    assert _cli(session, "apply", reverted, "--yes") == 0
    [update] = [c for c in cognito.calls[before:] if c.operation == "UpdateManagedLoginBranding"]
    assert set(update.params) == {"UserPoolId", "ManagedLoginBrandingId",
                                  "UseCognitoProvidedValues"}
    assert _live(session)["UseCognitoProvidedValues"] is True
    assert _cli(session, "plan", reverted, "--detailed-exitcode") == 0


def test_null_deletes_the_style(session: AwsSession, applied: str, write: Callable[..., str],
                                capsys: pytest.CaptureFixture[str]) -> None:
    gone = write(_pool("            null\n").replace("web:\n            null", "web: null"),
                 "gone.yaml")
    obj = _object(_plan_json(session, gone, capsys))
    assert obj["action"] == "delete"
    assert obj["calls"] == ["DeleteManagedLoginBranding"]
    assert any("do not work while it has no style" in n for n in obj["notes"])
    assert _cli(session, "apply", gone, "--yes") == 0
    with pytest.raises(ClientError):
        _live(session)
    assert _cli(session, "plan", gone, "--detailed-exitcode") == 0


def test_a_client_created_again_gets_a_new_style(
        session: AwsSession, applied: str, write: Callable[..., str],
        capsys: pytest.CaptureFixture[str]) -> None:
    secret = write(_pool().replace("web: {}", "web: {GenerateSecret: true}"), "secret.yaml")
    obj = _object(_plan_json(session, secret, capsys))
    assert obj["action"] == "create"
    assert "created again" in obj["reason"]
    assert _cli(session, "apply", secret, "--yes", "--allow-replace", "app/clients/web") == 0
    assert [a["Bytes"] for a in _live(session)["Assets"]] == [LOGO]
    assert _cli(session, "plan", secret, "--detailed-exitcode") == 0


def test_a_pool_that_does_not_write_it_makes_none_of_its_calls(
        session: AwsSession, applied: str, write: Callable[..., str]) -> None:
    without = write(_pool().split("        managed_login_branding:")[0], "without.yaml")
    cognito = boto_cognito(session)
    before = len(cognito.calls)
    assert _cli(session, "plan", without, "--detailed-exitcode") == 0
    assert not [c for c in cognito.calls[before:] if "ManagedLoginBranding" in c.operation]
    assert _live(session)["Settings"]


def test_the_minimal_reads(session: AwsSession, applied: str) -> None:
    cognito = boto_cognito(session)
    before = len(cognito.calls)
    calls = _plan_reads(session, applied)
    assert calls == Counter({"ListUserPools": 1, "DescribeUserPool": 1,
                             "GetUserPoolMfaConfig": 1, "ListUserPoolClients": 1,
                             "DescribeUserPoolClient": 1, "DescribeUserPoolDomain": 1,
                             "DescribeManagedLoginBrandingByClient": 1})
    [read] = [c for c in cognito.calls[before:] if "ManagedLoginBranding" in c.operation]
    assert read.params["ReturnMergedResources"] is False


def test_export_round_trips(session: AwsSession, applied: str, tmp_path: Path,
                            capsys: pytest.CaptureFixture[str]) -> None:
    document = _export(session, capsys)
    assert document["pools"]["app"]["managed_login_branding"] == {"web": {
        "UseCognitoProvidedValues": False,
        "Settings": {"categories": {"global": {"colorSchemeMode": "DARK"},
                                    "form": {"displayGraphics": True}}}}}
    exported = tmp_path / "exported.yaml"
    exported.write_text(yaml.safe_dump(document))
    assert _cli(session, "plan", str(exported), "--detailed-exitcode") == 0
    only = _export(session, capsys, "--only", "managed_login_branding/web")
    assert set(only["pools"]["app"]) == {"region", "managed_login_branding"}


def test_export_leaves_the_images_out_with_a_note() -> None:
    notes: list[str] = []
    context = ExportContext("app", REGION, {}, lambda path, name, note: "", notes.append)
    found = {"web": {"UseCognitoProvidedValues": False, "Settings": {"a": 1},
                     "Assets": [{"Category": "FORM_LOGO", "ColorMode": "LIGHT",
                                 "Extension": "PNG", "Bytes": LOGO}]},
             "admin": {"UseCognitoProvidedValues": True, "Settings": {}, "Assets": []}}
    assert mlb.export(found, context) == {
        "admin": {"UseCognitoProvidedValues": True},
        "web": {"UseCognitoProvidedValues": False, "Settings": {"a": 1}}}
    assert notes == ["app: managed_login_branding.web: 1 asset(s) not exported (FORM_LOGO/LIGHT): "
                     "export writes no image files; save them and list them under Assets "
                     "with File: paths to manage them"]
    assert mlb.export({}, context) is None


# --------------------------------------------------------------------------- refusals


def test_without_managed_login_it_is_refused_offline(
        write: Callable[..., str], files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from poolsync.cli import run

    path = write(_pool(version=1))
    assert run(["validate", path]) == 1
    err = capsys.readouterr().err
    assert f"{path}:6:" in err
    assert "pools.app.domain.ManagedLoginVersion: managed login branding needs the domain's " \
           "ManagedLoginVersion 2" in err


def test_without_managed_login_it_is_refused_at_plan_time(
        session: AwsSession, write: Callable[..., str], files: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    classic = _pool(version=1).split("        managed_login_branding:")[0]
    assert _cli(session, "apply", write(classic, "classic.yaml"), "--yes") == 0
    unmanaged_domain = _pool().replace("        domain: {Domain: brand-e2e, "
                                       "ManagedLoginVersion: 2}\n", "")
    path = write(unmanaged_domain)
    obj = _object(_plan_json(session, path, capsys))
    assert obj["action"] == "cannot-apply"
    assert "needs a domain with ManagedLoginVersion 2; its domain has ManagedLoginVersion 1" \
           in obj["reason"]
    cognito = boto_cognito(session)
    before = len(cognito.calls)
    assert _cli(session, "apply", path, "--yes") != 0
    assert _writes(session, before) == []
    err = capsys.readouterr().err
    assert f"{path}:9:" in err  # the client's entry under managed_login_branding


@pytest.mark.parametrize(("body", "message", "line"), [
    ("            UseCognitoProvidedValues: true\n" + SETTINGS_ONLY,
     "UseCognitoProvidedValues: true takes neither Settings nor Assets", 11),
    (STYLE + "              - {Category: PAGE_HEADER_LOGO, ColorMode: LIGHT, Extension: SVG, "
             "File: logo.svg}\n",
     "a second asset for PAGE_HEADER_LOGO/LIGHT (the first is Assets[0])", 17),
])
def test_what_cognito_refuses_is_found_offline(
        write: Callable[..., str], capsys: pytest.CaptureFixture[str], body: str,
        message: str, line: int) -> None:
    from poolsync.cli import run

    path = write(_pool(body))
    assert run(["validate", path]) == 1
    err = capsys.readouterr().err
    assert message in err
    assert f"{path}:{line}:" in err


def test_the_schema_refuses_bytes_written_inline(write: Callable[..., str],
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    from poolsync.cli import run

    path = write(_pool(STYLE.replace("File: logo.png", "Bytes: aGVsbG8=")))
    assert run(["validate", path]) == 1
    err = capsys.readouterr().err
    assert "Bytes" in err and "File" in err


def test_an_asset_file_that_cannot_be_read_is_refused_where_it_is_written(
        session: AwsSession, write: Callable[..., str], capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(_pool(STYLE.replace("logo.png", "missing.png")))
    cognito = boto_cognito(session)
    assert _cli(session, "apply", path, "--yes") != 0
    assert _writes(session, 0) == []
    err = capsys.readouterr().err
    assert f"{path}:16:" in err
    assert "missing.png does not exist" in err
    assert not cognito.calls  # said while the files were read (config.py): no AWS call


def test_an_asset_file_too_large_is_refused(session: AwsSession, write: Callable[..., str],
                                            files: Path, capsys: pytest.CaptureFixture[str]
                                            ) -> None:
    (files / "logo.png").write_bytes(b"\0" * (mlb.ASSET_MAX_BYTES + 1))
    obj = _object(_plan_json(session, write(_pool()), capsys))
    assert obj["action"] == "cannot-apply"
    assert "has 1,000,001 bytes; Cognito takes at most 1,000,000" in obj["reason"]


def test_a_file_is_read_next_to_the_yaml_that_writes_it(
        session: AwsSession, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nested = tmp_path / "config" / "pools"
    nested.mkdir(parents=True)
    (nested / "logo.png").write_bytes(LOGO)
    import textwrap

    (nested / "pools.yaml").write_text(textwrap.dedent(_pool()))
    monkeypatch.chdir(tmp_path)
    assert _cli(session, "apply", "config/pools/pools.yaml", "--yes") == 0
    assert [a["Bytes"] for a in _live(session)["Assets"]] == [LOGO]


# --------------------------------------------------------------------------- stand-in


def test_the_stand_in_refuses_what_aws_refuses(session: AwsSession, write: Callable[..., str],
                                               files: Path) -> None:
    classic = _pool(version=1).split("        managed_login_branding:")[0]
    assert _cli(session, "apply", write(classic), "--yes") == 0
    boto = _boto(session)
    pool_id, client_id = _ids(session)

    def code(call: Callable[[], Any]) -> str:
        with pytest.raises(ClientError) as refused:
            call()
        return str(refused.value.response["Error"]["Code"])

    # No domain with ManagedLoginVersion 2 (the refusal itself is UNVERIFIED).
    assert code(lambda: boto.create_managed_login_branding(
        UserPoolId=pool_id, ClientId=client_id, UseCognitoProvidedValues=True)) \
        == "InvalidParameterException"
    domain = boto.describe_user_pool(UserPoolId=pool_id)["UserPool"]["Domain"]
    boto.update_user_pool_domain(UserPoolId=pool_id, Domain=domain, ManagedLoginVersion=2)
    assert code(lambda: boto.create_managed_login_branding(
        UserPoolId=pool_id, ClientId=client_id, UseCognitoProvidedValues=True,
        Settings={"a": 1})) == "InvalidParameterException"
    made = boto.create_managed_login_branding(UserPoolId=pool_id, ClientId=client_id,
                                              Settings={"a": {"b": 1}, "c": 2})
    style_id = made["ManagedLoginBranding"]["ManagedLoginBrandingId"]
    assert code(lambda: boto.create_managed_login_branding(
        UserPoolId=pool_id, ClientId=client_id)) == "ManagedLoginBrandingExistsException"
    assert code(lambda: boto.update_managed_login_branding(
        UserPoolId=pool_id, ManagedLoginBrandingId=style_id, UseCognitoProvidedValues=True,
        Assets=[{"Category": "FORM_LOGO", "ColorMode": "LIGHT", "Extension": "PNG",
                 "Bytes": LOGO}])) == "InvalidParameterException"
    # Update keeps the top-level keys it is not sent.
    boto.update_managed_login_branding(UserPoolId=pool_id, ManagedLoginBrandingId=style_id,
                                       Settings={"a": {"d": 3}})
    found = boto.describe_managed_login_branding(UserPoolId=pool_id,
                                                 ManagedLoginBrandingId=style_id)
    assert found["ManagedLoginBranding"]["Settings"] == {"a": {"d": 3}, "c": 2}
    unknown = "0f8fad5b-d9cb-469f-a165-70867728950e"
    assert code(lambda: boto.describe_managed_login_branding(
        UserPoolId=pool_id, ManagedLoginBrandingId=unknown)) == "ResourceNotFoundException"
    assert code(lambda: boto.delete_managed_login_branding(
        UserPoolId=pool_id, ManagedLoginBrandingId=unknown)) == "ResourceNotFoundException"
    assert code(lambda: boto.describe_managed_login_branding_by_client(
        UserPoolId=pool_id, ClientId="nosuchclient")) == "ResourceNotFoundException"
    boto.delete_managed_login_branding(UserPoolId=pool_id, ManagedLoginBrandingId=style_id)
    assert code(lambda: boto.describe_managed_login_branding_by_client(
        UserPoolId=pool_id, ClientId=client_id)) == "ResourceNotFoundException"


def test_read_takes_resource_not_found_as_none() -> None:
    class Absent:
        def read(self, operation: str, params: Any, absent: frozenset[str]) -> None:
            assert operation == "DescribeManagedLoginBrandingByClient"
            assert params["ReturnMergedResources"] is False
            assert "ResourceNotFoundException" in absent

    assert mlb.read(Absent(), {"Id": "eu-west-1_x"}, {"web": {}}, {"web": "c1"}) == {}
    assert mlb.read(Absent(), {"Id": "eu-west-1_x"}, {"gone": {}}, {"web": "c1"}) == {}


# --------------------------------------------------------------------------- images


@pytest.fixture
def no_bytes(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The stand-in's Describe answers without the assets' Bytes, as AWS might."""
    from poolsync.standin import managed_login_branding as standin_mlb

    shown = standin_mlb._shown

    def without_bytes(style: Any) -> dict[str, Any]:
        out = shown(style)
        out["Assets"] = [{k: v for k, v in a.items() if k != "Bytes"} for a in out["Assets"]]
        return out

    monkeypatch.setattr(standin_mlb, "_shown", without_bytes)
    yield


def test_without_bytes_a_pool_tag_records_the_images_sent(
        session: AwsSession, write: Callable[..., str], files: Path, no_bytes: None,
        capsys: pytest.CaptureFixture[str]) -> None:
    path = write(_pool())
    assert _cli(session, "apply", path, "--yes") == 0  # the check after apply converges
    tags = _boto(session).describe_user_pool(UserPoolId=_ids(session)[0])["UserPool"][
        "UserPoolTags"]
    assert tags["poolsync:branding:web"] == mlb.assets_digest(
        {"PAGE_HEADER_LOGO/LIGHT": {"Extension": "PNG", "Content": mlb.content_digest(LOGO)}})
    assert _cli(session, "plan", path, "--detailed-exitcode") == 0
    (files / "logo.png").write_bytes(OTHER_LOGO)
    obj = _object(_plan_json(session, path, capsys))
    assert obj["action"] == "update"
    assert obj["calls"] == ["UpdateManagedLoginBranding", "TagResource"]
    [change] = obj["fields"]
    assert (change["before"], change["after"]) == (None, mlb.content_digest(OTHER_LOGO))
    assert _cli(session, "apply", path, "--yes") == 0
    assert _cli(session, "plan", path, "--detailed-exitcode") == 0
    capsys.readouterr()
    assert _cli(session, "plan", path, "-v") == 0


def test_recorded_contents_are_taken_only_when_the_tag_matches() -> None:
    desired = {"A/LIGHT": {"Extension": "PNG", "Content": mlb.content_digest(LOGO)}}
    live = {"A/LIGHT": {"Extension": "PNG", "Content": NOT_REPORTED}}
    recorded = mlb.assets_digest(desired)
    assert mlb.recorded_contents(live, desired, recorded) == desired
    assert mlb.recorded_contents(live, desired, None) == live
    assert mlb.recorded_contents(live, desired, "sha256:other") == live
    moved = {"A/DARK": {"Extension": "PNG", "Content": NOT_REPORTED}}
    assert mlb.recorded_contents(moved, desired, recorded) == moved


def test_a_tag_key_holds_only_what_tags_allow() -> None:
    assert mlb.tag_key("web") == "poolsync:branding:web"
    odd = mlb.tag_key("web,admin")
    assert odd.startswith("poolsync:branding:sha256-") and "," not in odd
    assert len(mlb.tag_key("x" * 128)) <= 128


def _context(found: Any = None, **extra: Any) -> PlanContext:
    members: dict[str, Any] = {
        "pool": "app", "region": REGION, "pool_id": "eu-west-1_abc", "written": {},
        "found": found, "described": {"Id": "eu-west-1_abc", "Arn": "arn:pool"},
        "settings": {}, "clients": {"web": "c1"}, "client_actions": {},
        "domains": ({"Domain": "d", "ManagedLoginVersion": 2},)}
    members.update(extra)
    return PlanContext(**members)


def test_an_update_over_the_request_limit_is_split(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # a context built by hand reads files from here
    big = b"\1" * 900_000
    names = []
    for index, category in enumerate(("PAGE_BACKGROUND", "FORM_BACKGROUND", "FORM_LOGO")):
        (tmp_path / f"{index}.png").write_bytes(big)
        names.append(f"{{Category: {category}, ColorMode: LIGHT, Extension: PNG, "
                     f"File: {index}.png}}")
    written = {"web": {"Settings": {"a": 2}, "Assets": [yaml.safe_load(n) for n in names]}}
    found = {"web": {"ClientId": "c1", "ManagedLoginBrandingId": "id-1", "Settings": {"a": 1},
                     "UseCognitoProvidedValues": False, "Assets": []}}
    [obj] = mlb.plan(_context(found, written=written))
    assert obj.action is Action.UPDATE
    assert [c.operation for c in obj.calls] == ["UpdateManagedLoginBranding"] * 3 + [
        "TagResource"]
    assert [len(c.params.get("Assets", [])) for c in obj.calls[:3]] == [1, 1, 1]
    assert obj.calls[0].params["Settings"] == {"a": 2}
    assert "Settings" not in obj.calls[1].params
    assert all(mlb.request_size(c.params) <= mlb.REQUEST_LIMIT for c in obj.calls)
    assert obj.calls[3].params["ResourceArn"] == "arn:pool"
    # A create cannot be split (the next requests need the id it answers): refused.
    [new] = mlb.plan(_context(None, written=written, pool_id=POOL_ID, described={},
                              clients={"web": "c1"}))
    assert new.action is Action.CANNOT_APPLY
    assert "over Cognito's 2 MB request limit" in new.reason


def test_removal_needs_recreate_at_any_depth() -> None:
    live = {"UseCognitoProvidedValues": False, "Settings": {"a": {"b": 1, "c": 2}, "d": 3},
            "Assets": {"X/LIGHT": {}, "Y/DARK": {}}}
    desired = {"UseCognitoProvidedValues": False, "Settings": {"a": {"b": 1}, "d": 4},
               "Assets": {"X/LIGHT": {}}}
    assert mlb.removal_needs_recreate(live, desired) == ["Settings.a.c", "Assets.Y/DARK"]
    assert mlb.removal_needs_recreate(live, {"UseCognitoProvidedValues": True}) == []
    assert mlb.removal_needs_recreate(live, {"UseCognitoProvidedValues": False}) == []


# --------------------------------------------------------------------------- outputs


def test_images_stay_out_of_debug_and_verbose_logs_and_json(
        session: AwsSession, write: Callable[..., str], files: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    big = bytes(range(256)) * 2000  # 512,000 bytes
    (files / "logo.png").write_bytes(big)
    path = write(_pool())
    encoded = base64.b64encode(big).decode()
    capsys.readouterr()
    assert _cli(session, "--debug", "apply", path, "--yes") == 0
    captured = capsys.readouterr()
    assert "botocore.endpoint [DEBUG] Making request for" in captured.err
    assert "CreateManagedLoginBranding" in captured.err
    assert f'"Bytes": "({len(encoded)} base64 characters, not logged)"' in captured.err
    assert encoded[:64] not in captured.err + captured.out
    assert "DescribeManagedLoginBrandingByClient" in captured.err  # the check after apply
    (files / "logo.png").write_bytes(LOGO)
    assert _cli(session, "-v", "plan", path, "-o", "json") == 0
    captured = capsys.readouterr()
    document = json.loads(captured.out)
    assert _object(document)["action"] == "update"
    assert base64.b64encode(LOGO).decode() not in captured.out + captured.err
    assert _cli(session, "-v", "apply", path, "--yes") == 0
    captured = capsys.readouterr()
    assert "UpdateManagedLoginBranding" in captured.err
    assert base64.b64encode(LOGO).decode() not in captured.out + captured.err


def test_elide_blobs_keeps_the_rest_of_the_line() -> None:
    from poolsync.logs import elide_blobs

    line = """b'{"Assets": [{"Category": "FORM_LOGO", "Bytes": "aGVsbG8gd29ybGQ="}]}'"""
    assert elide_blobs(line) == ("""b'{"Assets": [{"Category": "FORM_LOGO", "Bytes": """
                                 """"(16 base64 characters, not logged)"}]}'""")
    assert elide_blobs("no images here") == "no images here"


def test_a_lost_create_answer_is_looked_up_not_sent_again(
        session: AwsSession, write: Callable[..., str], files: Path) -> None:
    """A create whose response is lost may have acted; sent again it would be refused
    (ManagedLoginBrandingExistsException): the client's style is looked up first."""
    from poolsync.aws import RetryPolicy

    cognito = boto_cognito(session)
    cognito.retry = RetryPolicy(sleep=lambda seconds: None)
    cognito._client = LosingFirstResponse(cognito._boto(), "create_managed_login_branding")
    path = write(_pool())
    assert _cli(session, "apply", path, "--yes") == 0
    outcomes = [c.outcome for c in cognito.calls if c.operation == "CreateManagedLoginBranding"]
    assert outcomes == ["connection", "found"]
    assert _live(session)["Settings"]["categories"]["global"] == {"colorSchemeMode": "DARK"}
    assert _cli(session, "plan", path, "--detailed-exitcode") == 0
