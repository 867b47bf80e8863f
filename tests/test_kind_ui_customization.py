"""Hosted UI (classic) customization (kinds/ui_customization.py,
standin/ui_customization.py): apply then a clean plan, a console change found and
reverted, what the file does not write resent (and the logo, which cannot be, refused),
the logo's fingerprint tag, inheritance from ALL, export round-trips, the minimal reads,
the stand-in's refusals, the offline and plan-time rules, and logs that never dump the
image."""

from __future__ import annotations

import base64
import hashlib
import json
import textwrap
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from botocore.exceptions import ClientError

from poolsync.aws import AwsSession
from poolsync.kinds import ui_customization as ui
from poolsync.kinds.base import ExportContext, PlanContext, client_placeholder
from poolsync.model import POOL_ARN, POOL_ID, Action
from tests.conftest import REGION, boto_cognito
from tests.conftest import boto as _boto
from tests.conftest import cli as _cli
from tests.conftest import client_id as _client_id
from tests.conftest import export_yaml as _export
from tests.conftest import plan_json as _plan_json
from tests.conftest import plan_object as _object
from tests.conftest import plan_reads as _plan_reads
from tests.conftest import pool_id as _pool_id

LOGO = b"\x89PNG\r\n\x1a\n" + b"first logo " * 40
OTHER_LOGO = b"\xff\xd8\xff\xe0" + b"second logo " * 40
BANNER = ".banner-customizable {background-color: #0b1f33;}"
LABEL = ".label-customizable {font-weight: 400;}\n"

POOL = """
    version: 1
    region: eu-west-1
    pools:
      app:
        domain: {Domain: ui-customization-test, ManagedLoginVersion: 1}
        clients:
          web: {}
          mobile: {}
        ui_customization:
          ALL:
            CSS: ".banner-customizable {background-color: #0b1f33;}"
            ImageFile: logo.png
          web:
            CSSFile: web.css
"""


def _files(tmp_path: Path, logo: bytes = LOGO) -> None:
    (tmp_path / "logo.png").write_bytes(logo)
    (tmp_path / "web.css").write_text(LABEL)


@pytest.fixture
def path(write: Callable[..., str], tmp_path: Path) -> str:
    _files(tmp_path)
    return str(write(POOL))


def _pool(session: AwsSession) -> dict[str, Any]:
    return dict(_boto(session).describe_user_pool(UserPoolId=_pool_id(session))["UserPool"])


def _live(session: AwsSession, client: str = "ALL") -> dict[str, Any]:
    client_id = "ALL" if client == "ALL" else _client_id(session, client)
    found = _boto(session).get_ui_customization(UserPoolId=_pool(session)["Id"],
                                                ClientId=client_id)
    return dict(found["UICustomization"])


def _console_set(session: AwsSession, client: str = "ALL", **members: Any) -> None:
    client_id = "ALL" if client == "ALL" else _client_id(session, client)
    _boto(session).set_ui_customization(UserPoolId=_pool(session)["Id"], ClientId=client_id,
                                        **members)


def _sha(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _set_calls(session: AwsSession, before: int) -> list[Any]:
    return [c for c in boto_cognito(session).calls[before:]
            if c.operation == "SetUICustomization"]


# --------------------------------------------------------------------------- apply and plan


def test_apply_then_plan_is_clean(session: AwsSession, path: str) -> None:
    assert _cli(session, "apply", path, "--yes") == 0
    pool_wide = _live(session)
    assert pool_wide["CSS"] == BANNER and pool_wide["ImageUrl"]
    assert _live(session, "web")["CSS"] == LABEL
    # mobile has no entry of its own: Get answers the pool's.
    assert _live(session, "mobile")["ClientId"] == "ALL"
    # The logo's fingerprint is recorded on the pool, never the bytes.
    assert _pool(session)["UserPoolTags"]["poolsync:ui-image:ALL"] == _sha(LOGO)
    assert _cli(session, "plan", path, "--detailed-exitcode") == 0


def test_a_console_change_is_found_and_reverted(session: AwsSession, path: str,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert _cli(session, "apply", path, "--yes") == 0
    _console_set(session, "web", CSS=".label-customizable {color: red;}")
    obj = _object(_plan_json(session, path, capsys), "app/ui_customization/web")
    assert obj["action"] == "update"
    assert obj["calls"] == ["SetUICustomization"]
    [change] = obj["fields"]
    assert (change["path"], change["after"]) == ("CSS", LABEL)
    assert _cli(session, "drift", path) == 2
    assert _cli(session, "apply", path, "--yes") == 0
    assert _live(session, "web")["CSS"] == LABEL
    assert _cli(session, "plan", path, "--detailed-exitcode") == 0


def test_a_logo_removed_in_the_console_is_sent_again(
        session: AwsSession, path: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert _cli(session, "apply", path, "--yes") == 0
    _console_set(session, CSS=BANNER)  # a full replace: the logo is gone
    obj = _object(_plan_json(session, path, capsys), "app/ui_customization/ALL")
    assert obj["action"] == "update" and obj["calls"] == ["SetUICustomization"]
    assert [(f["path"], f["before"], f["after"]) for f in obj["fields"]] == [
        ("ImageFile", None, _sha(LOGO))]
    assert _cli(session, "apply", path, "--yes") == 0
    assert _live(session)["ImageUrl"]
    assert _cli(session, "plan", path, "--detailed-exitcode") == 0


def test_a_new_logo_file_is_a_change_and_its_fingerprint_is_recorded(
        session: AwsSession, path: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    assert _cli(session, "apply", path, "--yes") == 0
    url = _live(session)["ImageUrl"]
    (tmp_path / "logo.png").write_bytes(OTHER_LOGO)
    obj = _object(_plan_json(session, path, capsys), "app/ui_customization/ALL")
    assert obj["calls"] == ["SetUICustomization", "TagResource"]
    [change] = obj["fields"]
    assert (change["path"], change["before"], change["after"]) == (
        "ImageFile", _sha(LOGO), _sha(OTHER_LOGO))
    assert _cli(session, "apply", path, "--yes") == 0
    assert _live(session)["ImageUrl"] != url
    assert _live(session)["CSS"] == BANNER  # resent with it
    assert _pool(session)["UserPoolTags"]["poolsync:ui-image:ALL"] == _sha(OTHER_LOGO)
    assert _cli(session, "plan", path, "--detailed-exitcode") == 0


def test_a_logo_poolsync_did_not_record_is_replaced_by_the_files(
        session: AwsSession, path: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert _cli(session, "apply", path, "--yes") == 0
    _boto(session).untag_resource(ResourceArn=_pool(session)["Arn"],
                                  TagKeys=["poolsync:ui-image:ALL"])
    obj = _object(_plan_json(session, path, capsys), "app/ui_customization/ALL")
    [change] = obj["fields"]
    assert (change["before"], change["after"]) == (ui.UNRECORDED, _sha(LOGO))
    assert obj["calls"] == ["SetUICustomization", "TagResource"]
    assert _cli(session, "apply", path, "--yes") == 0
    assert _cli(session, "plan", path, "--detailed-exitcode") == 0


# --------------------------------------------------------------------------- ownership


def test_the_css_the_file_does_not_write_is_resent_with_the_logo(
        session: AwsSession, write: Callable[..., str], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    _files(tmp_path)
    logo_only = write(POOL.replace(f'            CSS: "{BANNER}"\n', ""))
    assert _cli(session, "apply", logo_only, "--yes") == 0
    _console_set(session, CSS=".logo-customizable {max-width: 60%;}", ImageFile=LOGO)
    assert _cli(session, "plan", logo_only, "--detailed-exitcode") == 0  # CSS not owned
    (tmp_path / "logo.png").write_bytes(OTHER_LOGO)
    cognito = boto_cognito(session)
    before = len(cognito.calls)
    assert _cli(session, "apply", logo_only, "--yes") == 0
    [sent] = _set_calls(session, before)
    assert sent.params["CSS"] == ".logo-customizable {max-width: 60%;}"
    assert sent.params["ImageFile"] == OTHER_LOGO
    assert _live(session)["CSS"] == ".logo-customizable {max-width: 60%;}"


def test_a_change_that_would_drop_a_logo_the_file_does_not_write_is_refused(
        session: AwsSession, write: Callable[..., str], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    _files(tmp_path)
    assert _cli(session, "apply", write(POOL), "--yes") == 0
    css_only = write(POOL.replace("            ImageFile: logo.png\n", "")
                     .replace("#0b1f33", "#ffffff"), "css-only.yaml")
    obj = _object(_plan_json(session, css_only, capsys), "app/ui_customization/ALL")
    assert obj["action"] == "cannot-apply"
    assert "the logo cannot be sent back" in obj["reason"]
    assert "ImageFile: null to remove it" in obj["reason"]
    capsys.readouterr()
    cognito = boto_cognito(session)
    before = len(cognito.calls)
    assert _cli(session, "apply", css_only, "--yes") != 0
    assert not _set_calls(session, before)
    assert "css-only.yaml:11:7: pools.app.ui_customization.ALL:" in capsys.readouterr().err
    # Unchanged CSS: nothing to send, nothing refused.
    same = write(POOL.replace("            ImageFile: logo.png\n", ""), "same.yaml")
    assert _cli(session, "plan", same, "--detailed-exitcode") == 0


def test_image_file_null_removes_the_logo_and_its_tag(
        session: AwsSession, write: Callable[..., str], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    _files(tmp_path)
    assert _cli(session, "apply", write(POOL), "--yes") == 0
    no_logo = write(POOL.replace("ImageFile: logo.png", "ImageFile: null"), "no-logo.yaml")
    obj = _object(_plan_json(session, no_logo, capsys), "app/ui_customization/ALL")
    assert obj["calls"] == ["SetUICustomization", "UntagResource"]
    assert _cli(session, "apply", no_logo, "--yes") == 0
    assert "ImageUrl" not in _live(session)
    assert _live(session)["CSS"] == BANNER
    assert "poolsync:ui-image:ALL" not in _pool(session).get("UserPoolTags", {})
    assert _cli(session, "plan", no_logo, "--detailed-exitcode") == 0


def test_a_client_entry_inherited_from_all_is_no_entry(
        session: AwsSession, path: str, write: Callable[..., str], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    assert _cli(session, "apply", path, "--yes") == 0
    mobile = write(POOL + "          mobile:\n            CSS: '.label-customizable {}'\n",
                   "mobile.yaml")
    obj = _object(_plan_json(session, mobile, capsys), "app/ui_customization/mobile")
    assert obj["action"] == "create"  # Get answered ALL's entry for mobile: not its own
    assert _cli(session, "apply", mobile, "--yes") == 0
    assert _live(session, "mobile")["ClientId"] == _client_id(session, "mobile")
    assert _cli(session, "plan", mobile, "--detailed-exitcode") == 0


def test_a_live_all_entry_the_file_does_not_write_is_kept_then_pruned(
        session: AwsSession, write: Callable[..., str], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    _files(tmp_path)
    assert _cli(session, "apply", write(POOL), "--yes") == 0
    web_only = write(POOL.replace(f'          ALL:\n            CSS: "{BANNER}"\n'
                                  "            ImageFile: logo.png\n", ""), "web-only.yaml")
    obj = _object(_plan_json(session, web_only, capsys), "app/ui_customization/ALL")
    assert obj["unmanaged"] and obj["action"] == "no-op"
    assert "prune clears it" in obj["notes"][0]
    pruned = _object(_plan_json(session, web_only, capsys, "--prune"),
                     "app/ui_customization/ALL")
    assert pruned["action"] == "delete"
    assert pruned["calls"] == ["SetUICustomization", "UntagResource"]
    assert _cli(session, "apply", web_only, "--yes", "--prune") == 0
    assert _live(session) == {}
    assert _live(session, "web")["CSS"] == LABEL


def test_a_client_created_in_the_same_run_gets_its_entry(
        session: AwsSession, path: str, write: Callable[..., str]) -> None:
    assert _cli(session, "apply", path, "--yes") == 0
    more = write(POOL.replace("          mobile: {}\n", "          mobile: {}\n          new: {}\n")
                 + "          new:\n            CSS: '.submitButton-customizable {}'\n",
                 "more.yaml")
    assert _cli(session, "apply", more, "--yes") == 0
    assert _live(session, "new")["CSS"] == ".submitButton-customizable {}"
    assert _cli(session, "plan", more, "--detailed-exitcode") == 0


def test_a_pool_that_does_not_write_ui_customization_reads_none(
        session: AwsSession, path: str, write: Callable[..., str]) -> None:
    assert _cli(session, "apply", path, "--yes") == 0
    without = write(POOL.split("        ui_customization:")[0], "without.yaml")
    cognito = boto_cognito(session)
    before = len(cognito.calls)
    assert _cli(session, "apply", without, "--yes") == 0
    assert "GetUICustomization" not in {c.operation for c in cognito.calls[before:]}
    assert _live(session)["CSS"] == BANNER


def test_the_minimal_reads(session: AwsSession, write: Callable[..., str],
                           tmp_path: Path) -> None:
    _files(tmp_path)
    assert _cli(session, "apply", write(POOL), "--yes") == 0
    # No clients or domain key: one ListUserPoolClients for the ids, the live domain.
    lean = write(POOL.replace("        clients:\n          web: {}\n          mobile: {}\n", "")
                 .replace("        domain: {Domain: ui-customization-test, "
                          "ManagedLoginVersion: 1}\n", ""), "lean.yaml")
    calls = _plan_reads(session, lean)
    assert calls == Counter({"ListUserPools": 1, "DescribeUserPool": 1,
                             "GetUserPoolMfaConfig": 1, "DescribeUserPoolDomain": 1,
                             "ListUserPoolClients": 1, "GetUICustomization": 2})


def test_export_round_trips(session: AwsSession, path: str, tmp_path: Path,
                            capsys: pytest.CaptureFixture[str]) -> None:
    assert _cli(session, "apply", path, "--yes") == 0
    document = _export(session, capsys)
    # The logo cannot be exported (Get gives only its URL): the entry keeps it.
    assert document["pools"]["app"]["ui_customization"] == {"ALL": {"CSS": BANNER},
                                                            "web": {"CSS": LABEL}}
    exported = tmp_path / "exported" / "exported.yaml"
    exported.parent.mkdir()
    exported.write_text(yaml.safe_dump(document))
    assert _cli(session, "plan", str(exported), "--detailed-exitcode") == 0
    only = _export(session, capsys, "--only", "ui_customization/web")
    assert only["pools"]["app"]["ui_customization"] == {"web": {"CSS": LABEL}}


def test_export_notes_the_logo_it_cannot_write() -> None:
    notes: list[str] = []
    context = ExportContext("app", REGION, {}, lambda *a: "", notes.append)
    found = {"ALL": {"ClientId": "ALL", "ImageUrl": "https://example/logo.png"}}
    assert ui.export(found, context) == {"ALL": {}}
    [note] = notes
    assert "pools.app.ui_customization.ALL: its logo is not exported" in note
    assert ui.export({}, context) is None


# --------------------------------------------------------------------------- refusals


def test_a_pool_without_a_domain_is_refused_at_plan_time(
        session: AwsSession, write: Callable[..., str], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    _files(tmp_path)
    no_domain = write(POOL.replace("        domain: {Domain: ui-customization-test, "
                                   "ManagedLoginVersion: 1}\n", ""))
    obj = _object(_plan_json(session, no_domain, capsys), "app/ui_customization/ALL")
    assert obj["action"] == "cannot-apply"
    assert "SetUICustomization needs a domain and the new pool has none" in obj["reason"]
    assert _cli(session, "apply", no_domain, "--yes") != 0
    assert not boto_cognito(session).list_user_pools()  # refused before any write


def test_a_managed_login_domain_gets_a_note(
        session: AwsSession, write: Callable[..., str], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    _files(tmp_path)
    v2 = write(POOL.replace("ManagedLoginVersion: 1", "ManagedLoginVersion: 2"))
    obj = _object(_plan_json(session, v2, capsys), "app/ui_customization/ALL")
    assert obj["action"] == "create"
    assert any("stored but not shown" in n for n in obj["notes"])


@pytest.mark.parametrize(("member", "content", "message"), [
    ("ImageFile: logo.png", None, "cannot read ImageFile logo.png"),
    ("ImageFile: logo.png", b"GIF89a not a png", "ImageFile logo.png is not a PNG or JPEG"),
    ("ImageFile: logo.png", b"\x89PNG\r\n\x1a\n" + b"x" * ui.MAX_IMAGE,
     "SetUICustomization takes at most 131072"),
])
def test_an_unusable_image_file_is_refused_at_its_line(
        session: AwsSession, write: Callable[..., str], tmp_path: Path,
        capsys: pytest.CaptureFixture[str], member: str, content: bytes | None,
        message: str) -> None:
    (tmp_path / "web.css").write_text(LABEL)
    path = write(POOL)
    if content is None:  # missing: said by validate, before any AWS call (config.py)
        capsys.readouterr()
        assert _cli(session, "plan", path) == 1
        err = capsys.readouterr().err
        assert "pools.yaml:13:9: pools.app.ui_customization.ALL.ImageFile:" in err
        assert "logo.png does not exist" in err
        return
    (tmp_path / "logo.png").write_bytes(content)
    obj = _object(_plan_json(session, path, capsys), "app/ui_customization/ALL")
    assert obj["action"] == "cannot-apply"
    assert message in obj["reason"]
    capsys.readouterr()
    assert _cli(session, "plan", path) == 3
    assert "pools.yaml:13:9: pools.app.ui_customization.ALL.ImageFile:" in \
        capsys.readouterr().err


def test_a_missing_css_file_is_refused(session: AwsSession, write: Callable[..., str],
                                       tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "logo.png").write_bytes(LOGO)
    capsys.readouterr()
    assert _cli(session, "plan", write(POOL)) == 1  # config.py: before any AWS call
    err = capsys.readouterr().err
    assert "pools.app.ui_customization.web.CSSFile: " in err and "web.css does not exist" in err
    assert not boto_cognito(session).calls


def test_an_entry_for_a_client_the_pool_will_not_have_is_refused(
        session: AwsSession, write: Callable[..., str], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    _files(tmp_path)
    path = write(POOL + "          gone:\n            CSS: '.x {}'\n")
    obj = _object(_plan_json(session, path, capsys), "app/ui_customization/gone")
    assert obj["action"] == "cannot-apply"
    assert "names app client 'gone'" in obj["reason"]


def test_the_tag_budget_is_checked_against_the_live_pool(
        session: AwsSession, write: Callable[..., str], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    _files(tmp_path)
    css_only = write(POOL.replace("            ImageFile: logo.png\n", ""), "css.yaml")
    assert _cli(session, "apply", css_only, "--yes") == 0
    full = {f"team{i}": "x" for i in range(49)}
    _boto(session).tag_resource(ResourceArn=_pool(session)["Arn"], Tags=full)
    obj = _object(_plan_json(session, write(POOL), capsys), "app/ui_customization/ALL")
    assert obj["action"] == "cannot-apply"
    assert "more than 50 tags" in obj["reason"]


def test_offline_rules_name_the_line(write: Callable[..., str],
                                     capsys: pytest.CaptureFixture[str]) -> None:
    from poolsync.cli import run

    both = write(POOL.replace("            CSSFile: web.css\n",
                              "            CSSFile: web.css\n            CSS: '.x {}'\n"))
    assert run(["validate", both]) == 1
    assert ("pools.yaml:15:9: pools.app.ui_customization.web.CSSFile: write CSS or CSSFile, "
            "not both") in capsys.readouterr().err
    tags = "{" + ", ".join(f"t{i}: x" for i in range(50)) + "}"
    many = write(POOL.replace("        clients:\n", f"        settings: {{UserPoolTags: {tags}}}\n"
                              "        clients:\n"), "many.yaml")
    assert run(["validate", many]) == 1
    assert "a user pool has at most 50 tags" in capsys.readouterr().err


def test_the_schema_refuses_an_unknown_member(write: Callable[..., str],
                                              capsys: pytest.CaptureFixture[str]) -> None:
    from poolsync.cli import run

    assert run(["validate", write(POOL.replace("CSSFile: web.css", "Logo: web.png"))]) == 1
    assert "Logo" in capsys.readouterr().err


# --------------------------------------------------------------------------- planning units


def _context(**overrides: Any) -> PlanContext:
    base: dict[str, Any] = dict(pool="app", region=REGION, pool_id=POOL_ID,
                                written={"ALL": {"CSS": BANNER}}, found=None, described={},
                                settings={}, clients={}, client_actions={})
    base.update(overrides)
    return PlanContext(**base)


def test_a_new_pool_tags_its_logo_by_the_pool_arn_placeholder(tmp_path: Path) -> None:
    (tmp_path / "logo.png").write_bytes(LOGO)
    cfg = type("Cfg", (), {"domain": {"Domain": "x"},
                           "locate": lambda self, p: type("L", (), {
                               "file": str(tmp_path / "pools.yaml")})()})()
    [obj] = ui.plan(_context(written={"ALL": {"ImageFile": "logo.png"}}, cfg=cfg))
    assert obj.action is Action.CREATE
    set_call, tag = obj.calls
    assert set_call.params == {"UserPoolId": POOL_ID, "ClientId": "ALL", "ImageFile": LOGO}
    assert tag.params == {"ResourceArn": POOL_ARN,
                          "Tags": {"poolsync:ui-image:ALL": _sha(LOGO)}}


def test_a_replaced_client_starts_without_an_entry() -> None:
    cfg = type("Cfg", (), {"domain": {"Domain": "x"}, "locate": None})()
    found = {"web": {"ClientId": "old-id", "CSS": BANNER}}
    [obj] = ui.plan(_context(pool_id="eu-west-1_abc", described={"Id": "eu-west-1_abc",
                                                                   "Arn": "arn"},
                             written={"web": {"CSS": BANNER}}, found=found, cfg=cfg,
                             clients={"web": client_placeholder("web")}))
    assert obj.action is Action.CREATE
    assert obj.calls[0].params["ClientId"] == client_placeholder("web")


def test_image_tags_are_valid_tag_keys() -> None:
    assert ui.image_tag("web") == "poolsync:ui-image:web"
    odd = ui.image_tag("web, mobile")  # a comma: allowed in a client name, not in a tag key
    assert odd.startswith("poolsync:ui-image:sha256-") and "," not in odd
    assert len(ui.image_tag("w" * 128)) <= 128


def test_read_tells_inheritance_by_the_answered_client_id() -> None:
    class Cognito:
        def __init__(self) -> None:
            self.asked: list[str] = []

        def read(self, operation: str, params: Any, absent: frozenset[str]) -> Any:
            assert "ResourceNotFoundException" in absent
            self.asked.append(params["ClientId"])
            if params["ClientId"] == "gone-id":
                return None
            return {"UICustomization": {"ClientId": "ALL", "CSS": BANNER}}

    cognito = Cognito()
    found = ui.read(cognito, {"Id": "eu-west-1_x"}, {"ALL": {}, "web": {}, "gone": {},
                                                     "unknown": {}},
                    {"web": "web-id", "gone": "gone-id", "other": "other-id"})
    assert found == {"ALL": {"ClientId": "ALL", "CSS": BANNER}}
    assert cognito.asked == ["ALL", "gone-id", "web-id"]  # not other (unnamed) nor unknown


# --------------------------------------------------------------------------- logs and outputs


def test_debug_and_verbose_logs_and_json_never_dump_the_image(
        session: AwsSession, write: Callable[..., str], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    big = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 400  # ~100 KB
    _files(tmp_path, big)
    path = write(POOL)
    encoded = base64.b64encode(big).decode()
    capsys.readouterr()
    assert _cli(session, "--debug", "apply", path, "--yes") == 0
    captured = capsys.readouterr()
    assert "Making request for OperationModel(name=SetUICustomization)" in captured.err
    assert "characters: not logged" in captured.err
    assert encoded[:200] not in captured.out + captured.err
    assert _cli(session, "-v", "plan", path) == 0
    assert encoded[:200] not in "".join(capsys.readouterr())
    (tmp_path / "logo.png").write_bytes(big[:-1] + b"!")
    plan = _plan_json(session, path, capsys)
    obj = _object(plan, "app/ui_customization/ALL")
    assert obj["calls"] == ["SetUICustomization", "TagResource"]
    assert encoded[:200] not in json.dumps(plan)
    out = tmp_path / "plan.json"
    assert _cli(session, "plan", path, "--out", str(out)) == 0
    assert encoded[:200] not in out.read_text()
    assert _cli(session, "apply", path, "--yes", "--plan", str(out)) == 0


# --------------------------------------------------------------------------- stand-in


def test_the_stand_in_refuses_what_aws_refuses(session: AwsSession, path: str,
                                               write: Callable[..., str]) -> None:
    assert _cli(session, "apply", path, "--yes") == 0
    boto, pool_id = _boto(session), _pool(session)["Id"]

    def code(**params: Any) -> str:
        with pytest.raises(ClientError) as refused:
            boto.set_ui_customization(**{"UserPoolId": pool_id, "ClientId": "ALL", **params})
        return str(refused.value.response["Error"]["Code"])

    assert code(ClientId="nosuchclient") == "ResourceNotFoundException"
    assert code(CSS="x" * (ui.MAX_CSS + 1)) == "InvalidParameterException"
    assert code(ImageFile=b"\x89PNG\r\n\x1a\n" + b"x" * ui.MAX_IMAGE) == \
        "InvalidParameterException"
    assert code(ImageFile=b"GIF89a") == "InvalidParameterException"
    with pytest.raises(ClientError) as unknown:
        boto.get_ui_customization(UserPoolId=pool_id, ClientId="nosuchclient")
    assert unknown.value.response["Error"]["Code"] == "ResourceNotFoundException"
    # The model's limit is on the bytes, not on their base64 (a third longer).
    boto.set_ui_customization(UserPoolId=pool_id, ClientId="ALL",
                              ImageFile=b"\x89PNG\r\n\x1a\n" + b"x" * 120_000)
    # The ids alone clear an entry; Get then answers an empty object.
    boto.set_ui_customization(UserPoolId=pool_id, ClientId="ALL")
    assert _live(session) == {}
    assert set(_live(session, "mobile")) == set()


def test_the_stand_in_needs_a_domain(session: AwsSession) -> None:
    boto = _boto(session)
    pool_id = boto.create_user_pool(PoolName="bare")["UserPool"]["Id"]
    with pytest.raises(ClientError) as refused:
        boto.set_ui_customization(UserPoolId=pool_id, ClientId="ALL", CSS=BANNER)
    error = refused.value.response["Error"]
    assert (error["Code"], error["Message"]) == ("InvalidParameterException",
                                                 "A domain must be associated with this "
                                                 "user pool.")
    with pytest.raises(ClientError) as missing:
        boto.get_ui_customization(UserPoolId="eu-west-1_nosuchpool")
    assert missing.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_a_templates_files_are_read_beside_the_template(
        session: AwsSession, tmp_path: Path) -> None:
    base, prod = tmp_path / "base", tmp_path / "prod"
    base.mkdir()
    prod.mkdir()
    (base / "logo.png").write_bytes(LOGO)
    (base / "shop.yaml").write_text(
        "version: 1\ntemplates:\n  shop:\n    domain: {Domain: ui-template-test}\n"
        "    ui_customization:\n      ALL: {ImageFile: logo.png}\n")
    (prod / "shop.yaml").write_text(
        "version: 1\nregion: eu-west-1\npools:\n  shop-prod: {template: shop}\n")
    assert _cli(session, "apply", str(base), str(prod), "--yes") == 0
    assert _live(session)["ImageUrl"]
    assert _cli(session, "plan", str(base), str(prod), "--detailed-exitcode") == 0


# --------------------------------------------------------------------------- plumbing


def test_operation_names_map_to_boto3_methods_as_botocore_has_them() -> None:
    """A run of capitals is one word: SetUICustomization is set_ui_customization."""
    from botocore import xform_name

    from poolsync.aws import _snake
    from poolsync.shapes import _service_model

    operations = _service_model().operation_names
    assert "SetUICustomization" in operations
    assert [op for op in operations if _snake(op) != xform_name(op)] == []


def test_a_long_base64_string_is_logged_as_its_size() -> None:
    from poolsync.logs import shorten_blobs

    blob = base64.b64encode(LOGO * 10).decode()
    line = f"body: b'{{\"ClientId\": \"ALL\", \"ImageFile\": \"{blob}\"}}'"
    shortened = shorten_blobs(line)
    assert blob not in shortened
    assert f'"ImageFile": "(base64, {len(blob)} characters: not logged)"' in shortened
    assert shorten_blobs('"CSS": ".a {}"') == '"CSS": ".a {}"'


def test_validate_says_a_missing_file_where_it_is_named(
        write: Callable[..., str], capsys: pytest.CaptureFixture[str]) -> None:
    """A fresh user's break: a missing logo or CSS file passed validate and failed only
    at plan. validate says it, at the member's file:line:col, before any AWS call."""
    from poolsync.cli import run

    path = write("""
        version: 1
        region: eu-west-1
        pools:
          app:
            domain: {Domain: validate-files}
            ui_customization:
              ALL: {CSSFile: missing.css, ImageFile: no-logo.png}
        """)
    assert run(["validate", path]) == 1
    err = capsys.readouterr().err
    assert "pools.app.ui_customization.ALL.CSSFile: " in err and "missing.css does not exist" in err
    assert "pools.app.ui_customization.ALL.ImageFile: " in err
    assert f"{path}:8:" in err


def test_validate_leaves_a_path_from_the_environment_to_plan(
        write: Callable[..., str], capsys: pytest.CaptureFixture[str]) -> None:
    from poolsync.cli import run

    path = write("""
        version: 1
        region: eu-west-1
        pools:
          app:
            domain: {Domain: validate-files}
            ui_customization:
              ALL: {ImageFile: "${env:LOGO_FILE}"}
        """)
    assert run(["validate", path]) == 0, capsys.readouterr().err


@pytest.mark.parametrize(("written", "message"), [
    ("/proc/self/environ", "a path must be relative to the YAML file that writes it"),
    ("~/.aws/credentials", "a path must be relative to the YAML file that writes it"),
    ("../outside.css", "the path leads out of the directory of the YAML file"),
    ("link.css", "the path leads out of the directory of the YAML file"),
])
def test_a_file_outside_the_yaml_files_tree_is_never_read(
        session: AwsSession, write: Callable[..., str], tmp_path: Path, written: str,
        message: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A file a kind reads is sent to Cognito and CSS is shown in plans (posted as pull
    request comments): one named by an absolute path, ``~`` or a way out of the YAML
    file's tree (``..``, a symbolic link) is refused by validate and by plan, at its
    place, and its content is printed nowhere."""
    _files(tmp_path)
    outside = tmp_path.parent / f"outside-{tmp_path.name}.css"
    outside.write_text(".secret {content: 'AKIA-NOT-FOR-PRINTING';}")
    (tmp_path / "link.css").symlink_to(outside)
    if written == "../outside.css":
        written = f"../{outside.name}"
    path = write(POOL.replace("CSSFile: web.css", f"CSSFile: {json.dumps(written)}"))
    capsys.readouterr()
    assert _cli(session, "validate", path) == 1
    out = capsys.readouterr()
    assert "pools.app.ui_customization.web.CSSFile: " in out.err and message in out.err
    for command in ("plan", "apply"):
        _cli(session, command, path, *(("--yes",) if command == "apply" else ()))
        shown = capsys.readouterr()
        assert "AKIA-NOT-FOR-PRINTING" not in shown.out + shown.err
    # Refused with the rest of the file's problems, before any write.
    assert not _boto(session).list_user_pools(MaxResults=10)["UserPools"]


def test_a_file_elsewhere_in_the_git_work_tree_is_read(
        session: AwsSession, write: Callable[..., str], tmp_path: Path) -> None:
    """Files shared by several environments' YAML files may sit beside them in the
    repository (``../common/web.css``): inside the git work tree that holds the YAML
    file, a path may go up."""
    _files(tmp_path)
    (tmp_path / ".git").mkdir()
    common = tmp_path / "common"
    common.mkdir()
    (common / "web.css").write_text(LABEL)
    env = tmp_path / "prod"
    env.mkdir()
    (env / "logo.png").write_bytes(LOGO)
    config = env / "pools.yaml"
    config.write_text(textwrap.dedent(POOL).replace("CSSFile: web.css",
                                                    "CSSFile: ../common/web.css"))
    assert _cli(session, "validate", str(config)) == 0
    assert _cli(session, "apply", str(config), "--yes") == 0
    assert _live(session, "web")["CSS"] == LABEL


def test_a_replaced_pool_gets_its_logo_and_its_record_again(
        session: AwsSession, path: str, write: Callable[..., str]) -> None:
    """The new copy of a replaced pool holds none of the old pool's ``poolsync:``
    records: the logo is sent again and recorded on the new pool (compared with the old
    pool's record, no TagResource went out and apply did not converge)."""
    assert _cli(session, "apply", path, "--yes") == 0
    old = _pool_id(session)
    replaced = write(textwrap.dedent(POOL).replace(
        "  app:\n", "  app:\n    settings: {UsernameAttributes: [email]}\n", 1),
        "replaced.yaml")
    assert _cli(session, "apply", replaced, "--yes", "--allow-replace", "app") == 0
    assert _pool_id(session) != old
    assert _pool(session)["UserPoolTags"][ui.image_tag("ALL")] == \
        "sha256:" + hashlib.sha256(LOGO).hexdigest()
    assert _cli(session, "plan", replaced, "--detailed-exitcode") == 0
