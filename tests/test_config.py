"""config: files and directories in, one Config or one ConfigError with every problem out."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable
from pathlib import Path as FsPath
from typing import Any

import pytest

from poolsync import rules, schema
from poolsync.config import collect_files, load_config
from poolsync.errors import ConfigError
from poolsync.model import Location, Problem

FIXTURES = FsPath(__file__).parent / "fixtures" / "config"
GOOD = FIXTURES / "good"
BAD = FIXTURES / "bad"
ENV_FILE = FIXTURES / "env" / "references.yaml"
ENVIRON = {
    "POOL_REGION": "eu-west-1",
    "ACCOUNT_ID": "123456789012",
    "SMS_EXTERNAL_ID": "s3cr3t-external-id",
    "MFA_MODE": "OPTIONAL",
}


def fixture(path: FsPath) -> str:
    return os.path.relpath(path)


def report(paths: list[str], environ: dict[str, str] | None = None) -> str:
    with pytest.raises(ConfigError) as raised:
        load_config(paths, environ=environ)
    return str(raised.value)


def write(directory: FsPath, name: str, text: str) -> str:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.fixture
def fake_checks(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """Replace the schema and rule checks with ones returning the given problems."""

    def install(
        schema_problems: list[Problem] | None = None, rule_problems: list[Problem] | None = None
    ) -> None:
        def validate(data: Any, secrets: frozenset[str] = frozenset()) -> list[Problem]:
            return list(schema_problems or [])

        def check(data: Any) -> list[Problem]:
            return list(rule_problems or [])

        monkeypatch.setattr(schema, "validate_document", validate)
        monkeypatch.setattr(rules, "check_document", check)

    return install


# --- collect_files ----------------------------------------------------------------------


def test_directories_expand_to_yaml_files_below_them_sorted() -> None:
    tree = fixture(GOOD / "tree")
    assert collect_files([tree]) == [
        os.path.join(tree, "base.yaml"),
        os.path.join(tree, "eu", "prod.yml"),
    ]


def test_files_are_taken_as_given_in_order_and_once() -> None:
    single, base = fixture(GOOD / "single.yaml"), fixture(GOOD / "tree" / "base.yaml")
    tree = fixture(GOOD / "tree")
    assert collect_files([single, base, tree]) == [
        single,
        base,
        os.path.join(tree, "eu", "prod.yml"),
    ]


def test_missing_paths_and_empty_directories_are_all_reported(tmp_path: FsPath) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(ConfigError) as raised:
        collect_files([str(tmp_path / "nope.yaml"), str(tmp_path / "empty")])
    assert [p.message for p in raised.value.problems] == [
        f"{tmp_path / 'empty'}: no *.yaml or *.yml files in this directory",
        f"{tmp_path / 'nope.yaml'}: no such file or directory",
    ]


# --- building pools ---------------------------------------------------------------------


def test_a_single_file_loads_into_pool_configs() -> None:
    path = fixture(GOOD / "single.yaml")
    loaded = load_config([path])
    assert loaded.files == (path,)
    [pool] = loaded.pools
    assert (pool.name, pool.region, pool.id) == ("customers-prod", "eu-west-1", None)
    assert pool.location == Location(path, 4, 3)
    assert pool.settings["Policies"]["PasswordPolicy"]["MinimumLength"] == 12
    assert pool.mfa == {
        "MfaConfiguration": "OPTIONAL",
        "SoftwareTokenMfaConfiguration": {"Enabled": True},
    }
    assert pool.secrets == frozenset()


def test_pools_of_all_files_form_one_set_with_region_defaults() -> None:
    loaded = load_config([fixture(GOOD / "tree")])
    by_name = {p.name: p for p in loaded.pools}
    assert list(by_name) == ["customers-dev", "customers-staging", "customers-prod"]
    # No region of its own: the file's top-level region. Its own region wins.
    assert by_name["customers-dev"].region == "eu-west-1"
    assert by_name["customers-prod"].region == "eu-central-1"
    assert by_name["customers-staging"].id == "eu-west-1_AbCdEfGhI"
    # No settings: empty (nothing managed). No mfa key: None (MFA not managed).
    assert by_name["customers-staging"].settings == {}
    assert by_name["customers-dev"].mfa is None
    assert by_name["customers-prod"].mfa == {"MfaConfiguration": "OFF"}


def test_a_pool_without_any_region_is_an_error() -> None:
    path = fixture(BAD / "no-region.yaml")
    assert report([path]) == (
        f"{path}:3:3: pools.customers-prod: no region: set pools.customers-prod.region,"
        " a top-level region, or --region"
    )


def test_the_same_pool_in_two_files_names_both_places() -> None:
    directory = fixture(BAD / "duplicate-pool")
    first, second = os.path.join(directory, "a.yaml"), os.path.join(directory, "b.yaml")
    assert report([directory]) == (
        f'{second}:6:3: pools.customers-prod: pool "customers-prod" in eu-west-1 is defined'
        f" twice: first at {first}:4:3"
    )


def test_the_same_name_in_two_regions_is_two_pools(tmp_path: FsPath) -> None:
    a = write(tmp_path, "a.yaml", "version: 1\npools:\n  app:\n    region: eu-west-1\n")
    b = write(tmp_path, "b.yaml", "version: 1\npools:\n  app:\n    region: us-east-1\n")
    assert [p.region for p in load_config([a, b]).pools] == ["eu-west-1", "us-east-1"]


def test_a_file_named_twice_is_loaded_once() -> None:
    path = fixture(GOOD / "single.yaml")
    assert len(load_config([path, path]).pools) == 1


def test_problems_of_every_file_are_reported_together() -> None:
    directory = fixture(BAD / "several")
    one, two, three = (
        os.path.join(directory, name)
        for name in ("1-syntax.yaml", "2-schema.yaml", "3-duplicate-key.yaml")
    )
    missing = os.path.join(directory, "missing.yaml")
    assert report([directory, missing]).splitlines() == [
        f"{missing}: no such file or directory",
        f"{one}:3:25: invalid YAML: mapping values are not allowed in this context",
        f"{two}:1:1: version: must be 1 (got 2)",
        f"{two}:6:7: pools.customers-dev.settings.DeletionProtection:"
        ' must be one of: ACTIVE, INACTIVE (got "SOMETIMES")',
        f'{three}:5:5: pools.customers-test.region: duplicate key "region" (first defined at line 4)',
    ]


def test_schema_and_rule_problems_get_the_location_of_their_path(
    tmp_path: FsPath, fake_checks: Callable[..., None]
) -> None:
    fake_checks(
        schema_problems=[Problem("unknown key", ("pools", "app", "settings", "Polcies"))],
        # A rule about a key the file lacks points at the nearest key it has.
        rule_problems=[Problem("needs SmsConfiguration", ("pools", "app", "settings", "Sms"))],
    )
    path = write(
        tmp_path,
        "a.yaml",
        "version: 1\npools:\n  app:\n    region: eu-west-1\n    settings:\n      Polcies: {}\n",
    )
    with pytest.raises(ConfigError) as raised:
        load_config([path])
    assert raised.value.problems == (
        Problem(
            "needs SmsConfiguration", ("pools", "app", "settings", "Sms"), Location(path, 5, 5)
        ),
        Problem("unknown key", ("pools", "app", "settings", "Polcies"), Location(path, 6, 7)),
    )


# --- ${env:...} references --------------------------------------------------------------


def test_validate_mode_needs_no_variables_and_keeps_references() -> None:
    prod, dev = load_config([fixture(ENV_FILE)]).pools
    assert prod.settings["SmsConfiguration"]["ExternalId"] == "${env:SMS_EXTERNAL_ID}"
    assert prod.mfa is not None
    assert prod.mfa["MfaConfiguration"] == "${env:MFA_MODE}"
    assert dev.region == "${env:POOL_REGION}"
    assert prod.secrets == dev.secrets == frozenset()


def test_resolve_mode_substitutes_whole_and_embedded_references() -> None:
    prod, dev = load_config([fixture(ENV_FILE)], environ=ENVIRON).pools
    sms = prod.settings["SmsConfiguration"]
    assert sms == {
        "SnsCallerArn": "arn:aws:iam::123456789012:role/cognito-sms",
        "ExternalId": "s3cr3t-external-id",
    }
    assert prod.mfa is not None
    assert prod.mfa["MfaConfiguration"] == "OPTIONAL"
    assert (prod.region, dev.region) == ("eu-west-1", "eu-west-1")


def test_the_escape_is_a_literal_reference_in_both_modes() -> None:
    literal = "Code {####}. Write ${env:NAME} to use a variable."
    for environ in (None, ENVIRON):
        prod = load_config([fixture(ENV_FILE)], environ=environ).pools[0]
        assert prod.settings["VerificationMessageTemplate"]["EmailMessage"] == literal


def test_every_substituted_value_is_a_secret_of_its_pool() -> None:
    prod, dev = load_config([fixture(ENV_FILE)], environ=ENVIRON).pools
    # Raw values and the whole strings they were embedded in. The top-level region is
    # used by every pool, so every pool holds it.
    assert prod.secrets == {
        "eu-west-1",
        "123456789012",
        "arn:aws:iam::123456789012:role/cognito-sms",
        "s3cr3t-external-id",
        "OPTIONAL",
    }
    assert dev.secrets == {"eu-west-1"}


def test_a_missing_variable_is_named_where_it_is_used() -> None:
    path = fixture(ENV_FILE)
    environ = {k: v for k, v in ENVIRON.items() if k not in ("SMS_EXTERNAL_ID", "ACCOUNT_ID")}
    assert report([path], environ).splitlines() == [
        f"{path}:7:9: pools.customers-prod.settings.SmsConfiguration.SnsCallerArn:"
        " environment variable ACCOUNT_ID is not set",
        f"{path}:8:9: pools.customers-prod.settings.SmsConfiguration.ExternalId:"
        " environment variable SMS_EXTERNAL_ID is not set",
        f"{path}:16:11: pools.customers-prod.mfa.SmsMfaConfiguration.SmsConfiguration"
        ".SnsCallerArn: environment variable ACCOUNT_ID is not set",
    ]


def test_an_empty_environment_is_resolve_mode() -> None:
    assert "environment variable MFA_MODE is not set" in report([fixture(ENV_FILE)], {})


def test_substituted_values_are_validated_without_showing_them() -> None:
    path = fixture(ENV_FILE)
    text = report([path], {**ENVIRON, "MFA_MODE": "sometimes"})
    assert text == (
        f"{path}:13:7: pools.customers-prod.mfa.MfaConfiguration: must be one of: OFF, ON,"
        " OPTIONAL (the value comes from ${env:MFA_MODE})"
    )


def test_a_message_that_would_show_a_secret_is_replaced(
    tmp_path: FsPath, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A schema message quoting the value despite the secrets it was given.
    def validate(data: Any, secrets: frozenset[str] = frozenset()) -> list[Problem]:
        value = data["pools"]["app"]["settings"]["UserPoolTags"]["id"]
        if "${" in value:
            return []
        return [Problem(f"bad value {value}", ("pools", "app", "settings", "UserPoolTags", "id"))]

    monkeypatch.setattr(schema, "validate_document", validate)
    text = "version: 1\npools:\n  app:\n    region: eu-west-1\n    settings:\n"
    path = write(tmp_path, "a.yaml", text + "      UserPoolTags: {id: 'x-${env:ID}'}\n")
    message = report([path], {"ID": "hunter2"})
    assert "hunter2" not in message
    assert message.endswith(
        "UserPoolTags.id: the value is not valid here (the value comes from ${env:ID})"
    )


def test_a_value_containing_a_reference_is_not_substituted_again(tmp_path: FsPath) -> None:
    text = "version: 1\npools:\n  app:\n    region: eu-west-1\n    settings:\n"
    path = write(tmp_path, "a.yaml", text + "      UserPoolTags: {secret: '${env:A}'}\n")
    environ = {"A": "p4ss${env:B}word", "B": "never"}
    [pool] = load_config([path], environ=environ).pools
    assert pool.settings["UserPoolTags"] == {"secret": "p4ss${env:B}word"}
    assert pool.secrets == {"p4ss${env:B}word"}


def test_keys_are_never_substituted(tmp_path: FsPath, fake_checks: Callable[..., None]) -> None:
    fake_checks()
    text = "version: 1\npools:\n  app:\n    region: eu-west-1\n    settings:\n"
    path = write(tmp_path, "a.yaml", text + "      UserPoolTags: {'${env:A}': '${env:A}'}\n")
    [pool] = load_config([path], environ={"A": "x"}).pools
    assert pool.settings["UserPoolTags"] == {"${env:A}": "x"}


def test_malformed_references_are_reported_in_validate_mode(tmp_path: FsPath) -> None:
    text = "version: 1\npools:\n  app:\n    region: eu-west-1\n    settings:\n"
    path = write(tmp_path, "a.yaml", text + "      UserPoolTags: {team: '${env:1TEAM}'}\n")
    with pytest.raises(ConfigError) as raised:
        load_config([path])
    [problem] = raised.value.problems
    assert problem.path == ("pools", "app", "settings", "UserPoolTags", "team")
    assert problem.location == Location(path, 6, 22)
    assert "${env:1TEAM}" in problem.message


def test_the_rules_judge_values_from_the_environment_without_showing_them(
    tmp_path: FsPath,
) -> None:
    """A callback URL from ${env:...} must be HTTPS without a fragment all the same; the
    message names the variable, never its value."""
    path = write(tmp_path, "env.yaml", textwrap.dedent("""
        version: 1
        region: eu-west-1
        pools:
          p:
            clients:
              web:
                AllowedOAuthFlowsUserPoolClient: true
                AllowedOAuthFlows: [code]
                CallbackURLs: ["${env:CALLBACK}"]
    """))
    load_config([path])  # validate: the value is unknown
    with pytest.raises(ConfigError) as caught:
        load_config([path], environ={"CALLBACK": "http://evil.example.com/cb"})
    message = str(caught.value)
    assert "pools.p.clients.web.CallbackURLs[0]" in message
    assert "${env:CALLBACK}" in message and "evil" not in message
    load_config([path], environ={"CALLBACK": "https://app.example.com/cb"})


# --- Loose checks (issue 10) ------------------------------------------------------------


def test_a_template_that_is_not_a_mapping_is_reported_once_and_its_pools_still_checked(
    tmp_path: FsPath,
) -> None:
    path = write(tmp_path, "pools.yaml", textwrap.dedent("""\
        version: 1
        templates:
          base: [settings]
        pools:
          app:
            region: eu-west-1
            template: base
            groups: {admins: {Precedence: -1}}
        """))
    assert report([path]) == (
        f"{path}:3:3: templates.base: a template is a mapping of pool keys (settings, "
        "clients, ...), got a list\n"
        f"{path}:8:23: pools.app.groups.admins.Precedence: must be at least 0 (got -1)"
    )


@pytest.mark.parametrize(
    "key", ["team", "cost-center", "Équipe", "チーム", "owner name", "a_b.c:d/e=f+g-h@i", "42"]
)
def test_tag_keys_of_letters_numbers_spaces_and_aws_punctuation_pass(
    tmp_path: FsPath, key: str
) -> None:
    path = write(tmp_path, "pools.yaml",
                 f'version: 1\npools:\n  app:\n    region: eu-west-1\n'
                 f'    settings: {{UserPoolTags: {{"{key}": v}}}}\n')
    [pool] = load_config([path]).pools
    assert pool.settings["UserPoolTags"] == {key: "v"}


@pytest.mark.parametrize(
    ("key", "shown"),
    [("team#1", '"#"'), ("a\\tb", '"\\t"'), ("emoji\U0001F600", '"\\ud83d\\ude00"'),
     ("a,b;c", '",", ";"'), ("x\\u200by", '"\\u200b"')],
)
def test_tag_keys_outside_the_aws_pattern_are_refused(
    tmp_path: FsPath, key: str, shown: str
) -> None:
    path = write(tmp_path, "pools.yaml",
                 f'version: 1\npools:\n  app:\n    region: eu-west-1\n'
                 f'    settings: {{UserPoolTags: {{"{key}": v}}}}\n')
    assert report([path]).endswith(
        "a tag key holds only letters, numbers, spaces and _ . : / = + - @ "
        f"(got {shown})"
    )


def test_files_named_explicitly_leave_no_notes(tmp_path: FsPath) -> None:
    path = write(tmp_path, "pools.yaml", "version: 1\npools: {}\n")
    assert load_config([path]).notes == ()


def test_messages_about_a_substituted_value_tell_nothing_of_it(
        write: Callable[..., str]) -> None:
    """Neither its length ("(got 37)") nor a piece of it ("(got aws)"): the messages
    reach the PR comment."""
    path = write("""\
        version: 1
        region: eu-west-1
        pools:
          leak:
            settings:
              Schema:
                - Name: ${env:X5}
                  AttributeDataType: String
            domain:
              Domain: ${env:X6}
        """)
    environ = {"X5": "custom:" + "a" * 30, "X6": "awssecret"}
    with pytest.raises(ConfigError) as raised:
        load_config([path], environ=environ)
    messages = [p.render() for p in raised.value.problems]
    assert messages and all("(the value comes from ${env:X" in m for m in messages)
    text = "\n".join(messages)
    for told in ("37", "(got", "awssecret", "aaaa"):
        assert told not in text, (told, text)
    # Which reserved word the value holds is not said either: the rule names them all.
    assert "cannot contain the reserved words aws, amazon or cognito (the value" in text
