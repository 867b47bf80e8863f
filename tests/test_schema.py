"""The generated JSON Schema as a tested artifact, and the validator's messages."""

from __future__ import annotations

import copy
import importlib.util
import json
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import botocore
import pytest
import yaml
from jsonschema import Draft202012Validator

from poolsync import schema
from poolsync.model import Problem
from poolsync.schema import load_schema, schema_text, validate_document

ROOT = Path(__file__).resolve().parent.parent
SUB_RESOURCE_MESSAGE = (
    "is not supported yet: poolsync manages the pool's own settings and MFA for now; "
    "app clients, identity providers, domain, groups and resource servers come in the "
    "next release"
)

# product.md §2's example, without the sub-resources this release refuses.
PRODUCT_EXAMPLE = """\
version: 1
pools:
  customers-prod:
    region: eu-west-1
    settings:
      DeletionProtection: ACTIVE
      UsernameAttributes: [email]
      UsernameConfiguration: {CaseSensitive: false}
      AutoVerifiedAttributes: [email]
      UserAttributeUpdateSettings:
        AttributesRequireVerificationBeforeUpdate: [email]
      Policies:
        PasswordPolicy:
          MinimumLength: 12
          RequireUppercase: true
          RequireLowercase: true
          RequireNumbers: true
          RequireSymbols: true
          TemporaryPasswordValidityDays: 7
      AccountRecoverySetting:
        RecoveryMechanisms: [{Name: verified_email, Priority: 1}]
      AdminCreateUserConfig: {AllowAdminCreateUserOnly: false}
      VerificationMessageTemplate: {DefaultEmailOption: CONFIRM_WITH_CODE}
      Schema:
        - {Name: email, AttributeDataType: String, Required: true, Mutable: true}
        - {Name: tenant_id, AttributeDataType: String, Mutable: false,
           StringAttributeConstraints: {MinLength: 1, MaxLength: 64}}
      UserPoolTags: {team: identity}
    mfa:
      MfaConfiguration: OPTIONAL
      SoftwareTokenMfaConfiguration: {Enabled: true}
"""


def load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_schema", ROOT / "scripts" / "gen_schema.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def gen() -> ModuleType:
    return load_generator()


def example() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(PRODUCT_EXAMPLE)
    return data


def pool(data: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = data["pools"]["customers-prod"]
    return found


# --- The artifact -----------------------------------------------------------------------


def test_schema_was_generated_from_the_installed_botocore() -> None:
    # pyproject pins botocore (dev extra) so the schema is compared with its own model.
    assert load_schema()["x-botocore-version"] == botocore.__version__, (
        "installed botocore differs from the one the schema was generated from: install "
        "the pinned version (pip install -e .[dev]) or regenerate with scripts/gen_schema.py"
    )


def test_checked_in_schema_is_up_to_date(gen: ModuleType) -> None:
    assert schema_text() == gen.render(gen.generate()), "run python scripts/gen_schema.py"


def test_check_mode_fails_on_a_stale_file(
    gen: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stale = tmp_path / "poolsync.schema.json"
    stale.write_text(gen.render(gen.generate()).replace('"version"', '"versoin"'))
    monkeypatch.setattr(gen, "SCHEMA_FILE", stale)
    monkeypatch.setattr(gen, "ROOT", tmp_path)
    assert gen.main(["--check"]) == 1
    assert gen.main([]) == 0
    assert gen.main(["--check"]) == 0


def test_package_ships_the_checked_in_file() -> None:
    assert schema.SCHEMA_FILE.resolve() == ROOT / "schema" / "poolsync.schema.json"
    text = (ROOT / "schema" / "poolsync.schema.json").read_text(encoding="utf-8")
    assert schema_text() == text
    assert text.endswith("}\n")
    assert text == json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    Draft202012Validator.check_schema(load_schema())
    assert load_schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def patterns(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "pattern" and isinstance(value, str):
                yield value
            else:
                yield from patterns(value)
    elif isinstance(node, list):
        for item in node:
            yield from patterns(item)


def test_every_pattern_compiles_with_python_re() -> None:
    found = list(patterns(load_schema()))
    assert len(found) > 15
    for pattern in found:
        re.compile(pattern)
        assert "\\p{" not in pattern


def test_settings_and_mfa_follow_the_api_shapes() -> None:
    defs = load_schema()["$defs"]
    settings = defs["poolsync.Settings"]["properties"]
    assert "PoolName" not in settings and "MfaConfiguration" not in settings
    assert {"Policies", "Schema", "UserPoolTier", "LambdaConfig"} <= set(settings)
    mfa = defs["poolsync.Mfa"]["properties"]
    assert "UserPoolId" not in mfa
    assert {"MfaConfiguration", "SoftwareTokenMfaConfiguration", "WebAuthnConfiguration"} <= set(
        mfa
    )
    assert defs["PasswordPolicyMinLengthType"] == {
        "type": "integer",
        "minimum": 6,
        "maximum": 99,
    }


# --- Pattern translation ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("aws", "matches", "refuses"),
    [
        (r"[\p{L}\p{M}\p{S}\p{N}\p{P}]+", ["héllo", "a.b", "日本", "x+y"], ["a b", "a\tb", ""]),
        (r"[\p{L}\p{M}\p{S}\p{N}\p{P}\s]+", ["Hello there!", "a\nb"], ["\x00", "bell\x07"]),
        (r"[\p{L}\p{M}\p{S}\p{N}\p{P}\s*]*\{####\}", ["Code: {####}"], ["Code: {###}"]),
        (r"(?s).*", ["one\ntwo", ""], []),
        (r"[\w\s+=,.@-]+", ["customers-prod", "a b"], ["it's", "x!"]),
    ],
)
def test_translated_patterns_match_whole_values(
    gen: ModuleType, aws: str, matches: list[str], refuses: list[str]
) -> None:
    pattern = re.compile(gen.translate_pattern(aws))
    for value in matches:
        assert pattern.search(value), value
    for value in refuses:
        assert not pattern.search(value), value


@pytest.mark.parametrize("aws", [r"\p{L}+", r"[\p{L}\p{N}]+", r"[^\p{L}\p{M}\p{S}\p{N}\p{P}]"])
def test_unknown_pattern_constructs_fail_the_generator(gen: ModuleType, aws: str) -> None:
    with pytest.raises(gen.UnsupportedPattern):
        gen.translate_pattern(aws)


def test_descriptions_are_one_plain_sentence(gen: ModuleType) -> None:
    doc = "<p>The <code>x</code> setting. More &amp; more text.</p>"
    assert gen.describe(doc) == "The x setting."
    assert len(gen.describe("word " * 100)) <= 200


# --- Validation -------------------------------------------------------------------------


def test_product_example_validates_clean() -> None:
    assert validate_document(example()) == []


def test_validate_does_not_import_boto() -> None:
    code = (
        "import sys; from poolsync.schema import validate_document; "
        "assert validate_document({'version': 1}) == []; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('boto3', 'botocore')]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, env=_env())


def _env() -> dict[str, str]:
    import os

    return {**os.environ, "PYTHONPATH": str(ROOT / "src")}


def test_two_hundred_pools_validate_quickly() -> None:
    data = example()
    data["pools"] = {f"pool-{i}": copy.deepcopy(pool(data)) for i in range(200)}
    validate_document(data)  # builds the cached validator
    start = time.perf_counter()
    assert validate_document(data) == []
    assert time.perf_counter() - start < 0.5


def only(problems: list[Problem]) -> tuple[tuple[str | int, ...], str]:
    assert len(problems) == 1, [p.render() for p in problems]
    return problems[0].path, problems[0].message


P = ("pools", "customers-prod")
S = (*P, "settings")


def test_unknown_key_with_did_you_mean() -> None:
    data = example()
    pool(data)["settings"]["Polices"] = {}
    assert only(validate_document(data)) == (
        (*S, "Polices"),
        'unknown key "Polices" (did you mean "Policies"?)',
    )


def test_unknown_key_without_a_close_match_lists_small_objects() -> None:
    data = example()
    pool(data)["colour"] = "blue"
    assert only(validate_document(data)) == (
        (*P, "colour"),
        'unknown key "colour" (allowed: id, mfa, region, settings)',
    )


def test_unknown_top_level_key() -> None:
    data = example()
    data["regoin"] = "eu-west-1"
    assert only(validate_document(data)) == (
        ("regoin",),
        'unknown key "regoin" (did you mean "region"?)',
    )


@pytest.mark.parametrize(
    "key", ["clients", "identity_providers", "domain", "groups", "resource_servers", "prune"]
)
def test_sub_resources_are_not_supported_yet(key: str) -> None:
    data = example()
    pool(data)[key] = {}
    assert only(validate_document(data)) == ((*P, key), f'"{key}" {SUB_RESOURCE_MESSAGE}')


def test_enum_message() -> None:
    data = example()
    pool(data)["mfa"]["MfaConfiguration"] = "MAYBE"
    assert only(validate_document(data)) == (
        (*P, "mfa", "MfaConfiguration"),
        'must be one of: OFF, ON, OPTIONAL (got "MAYBE")',
    )


def test_minimum_message() -> None:
    data = example()
    pool(data)["settings"]["Policies"]["PasswordPolicy"]["MinimumLength"] = 3
    assert only(validate_document(data)) == (
        (*S, "Policies", "PasswordPolicy", "MinimumLength"),
        "must be at least 6 (got 3)",
    )


def test_maximum_message() -> None:
    data = example()
    pool(data)["settings"]["Policies"]["PasswordPolicy"]["MinimumLength"] = 120
    assert only(validate_document(data)) == (
        (*S, "Policies", "PasswordPolicy", "MinimumLength"),
        "must be at most 99 (got 120)",
    )


def test_type_message() -> None:
    data = example()
    pool(data)["settings"]["Policies"]["PasswordPolicy"]["MinimumLength"] = "12"
    assert only(validate_document(data)) == (
        (*S, "Policies", "PasswordPolicy", "MinimumLength"),
        "expected an integer, got a string",
    )


def test_wrong_type_hides_the_enum_message() -> None:
    data = example()
    pool(data)["settings"]["DeletionProtection"] = True
    assert only(validate_document(data)) == (
        (*S, "DeletionProtection"),
        "expected a string, got a boolean",
    )


def test_missing_required_key() -> None:
    data = example()
    del pool(data)["settings"]["Schema"][1]["AttributeDataType"]
    assert only(validate_document(data)) == (
        (*S, "Schema", 1),
        'missing required key "AttributeDataType"',
    )


def test_every_missing_required_key_is_reported() -> None:
    data = example()
    pool(data)["settings"]["AccountRecoverySetting"]["RecoveryMechanisms"] = [{}]
    problems = validate_document(data)
    where = (*S, "AccountRecoverySetting", "RecoveryMechanisms", 0)
    assert [(p.path, p.message) for p in problems] == [
        (where, 'missing required key "Priority"'),
        (where, 'missing required key "Name"'),
    ]


def test_pool_name_too_long_points_at_the_key() -> None:
    data = example()
    name = "p" * 129
    data["pools"][name] = data["pools"].pop("customers-prod")
    assert only(validate_document(data)) == (
        ("pools", name),
        f'invalid key "{"p" * 57}...": must be at most 128 characters',
    )


def test_pool_name_pattern_quotes_the_aws_pattern() -> None:
    data = example()
    data["pools"]["it's"] = data["pools"].pop("customers-prod")
    assert only(validate_document(data)) == (
        ("pools", "it's"),
        'invalid key "it\'s": does not match the pattern [\\w\\s+=,.@-]+',
    )


def test_translated_pattern_message_quotes_the_aws_pattern() -> None:
    data = example()
    pool(data)["settings"]["EmailVerificationSubject"] = "bad\x07subject"
    assert only(validate_document(data)) == (
        (*S, "EmailVerificationSubject"),
        "does not match the pattern [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}\\s]+",
    )


def test_pattern_message() -> None:
    data = example()
    pool(data)["id"] = "not an id"
    assert only(validate_document(data)) == (
        (*P, "id"),
        "does not match the pattern [\\w-]+_[0-9a-zA-Z]+",
    )


def test_max_items_message() -> None:
    data = example()
    pool(data)["settings"]["AccountRecoverySetting"]["RecoveryMechanisms"] = [
        {"Name": "verified_email", "Priority": 1}
    ] * 3
    assert only(validate_document(data)) == (
        (*S, "AccountRecoverySetting", "RecoveryMechanisms"),
        "must have at most 2 items (got 3)",
    )


def test_version_must_be_one() -> None:
    data = example()
    data["version"] = 2
    assert only(validate_document(data)) == (("version",), "must be 1 (got 2)")


def test_version_is_required() -> None:
    data = example()
    del data["version"]
    assert only(validate_document(data)) == ((), 'missing required key "version"')


def test_empty_document() -> None:
    assert only(validate_document(None)) == ((), "expected a mapping, got null")


def test_schema_constraints_take_integers_or_digit_strings() -> None:
    data = example()
    constraints = pool(data)["settings"]["Schema"][1]["StringAttributeConstraints"]
    constraints["MaxLength"] = "64"
    assert validate_document(data) == []
    constraints["MinLength"] = "one"
    assert only(validate_document(data)) == (
        (*S, "Schema", 1, "StringAttributeConstraints", "MinLength"),
        "does not match the pattern ^[0-9]+$",
    )


def test_number_constraints_may_be_negative() -> None:
    data = example()
    pool(data)["settings"]["Schema"].append(
        {
            "Name": "score",
            "AttributeDataType": "Number",
            "NumberAttributeConstraints": {"MinValue": -5, "MaxValue": "-1"},
        }
    )
    assert validate_document(data) == []


def test_custom_prefix_is_allowed_on_attribute_names() -> None:
    data = example()
    pool(data)["settings"]["Schema"][1]["Name"] = "custom:tenant_id"
    assert validate_document(data) == []


def test_name_too_long_even_with_the_prefix() -> None:
    data = example()
    pool(data)["settings"]["Schema"][1]["Name"] = "custom:" + "t" * 21
    assert only(validate_document(data)) == (
        (*S, "Schema", 1, "Name"),
        "must be at most 27 characters",
    )


def test_all_problems_are_reported_at_once() -> None:
    data = example()
    settings = pool(data)["settings"]
    settings["Polices"] = {}
    settings["DeletionProtection"] = "SOMETIMES"
    settings["Policies"]["PasswordPolicy"]["MinimumLength"] = 3
    assert len(validate_document(data)) == 3


# --- ${env:...} references ---------------------------------------------------------------


def test_env_reference_skips_checks_of_the_text() -> None:
    data = example()
    pool(data)["mfa"]["MfaConfiguration"] = "${env:MFA_MODE}"
    pool(data)["id"] = "${env:POOL_ID}"
    pool(data)["settings"]["UserPoolTags"]["owner"] = "team-${env:TEAM}"
    assert validate_document(data) == []


def test_env_reference_cannot_stand_in_a_boolean() -> None:
    data = example()
    pool(data)["mfa"]["SoftwareTokenMfaConfiguration"]["Enabled"] = "${env:TOTP}"
    assert only(validate_document(data)) == (
        (*P, "mfa", "SoftwareTokenMfaConfiguration", "Enabled"),
        "${env:...} can only stand in a string value",
    )


def test_env_reference_cannot_stand_in_an_integer() -> None:
    data = example()
    pool(data)["settings"]["Policies"]["PasswordPolicy"]["MinimumLength"] = "${env:LEN}"
    assert only(validate_document(data)) == (
        (*S, "Policies", "PasswordPolicy", "MinimumLength"),
        "${env:...} can only stand in a string value",
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("${env:}", 'malformed ${env:...} reference: "${env:}": the variable name is missing'),
        (
            "${env:1X}",
            'malformed ${env:...} reference: "${env:1X}": a variable name has only letters, '
            'digits and "_", and does not start with a digit',
        ),
        (
            "x-${env:A-B}",
            'malformed ${env:...} reference: "${env:A-B}": a variable name has only letters, '
            'digits and "_", and does not start with a digit',
        ),
        ("${foo:X}", 'malformed ${env:...} reference: "${foo:X}": only ${env:NAME} is supported'),
        ("${env:X", 'malformed ${env:...} reference: "${env:X" is not closed with "}"'),
    ],
)
def test_malformed_env_references(value: str, message: str) -> None:
    data = example()
    pool(data)["settings"]["UserPoolTags"]["owner"] = value
    assert only(validate_document(data)) == ((*S, "UserPoolTags", "owner"), message)


def test_env_reference_pattern_agrees_with_the_malformed_check() -> None:
    text = "${env:A}-${env:_b2}"
    assert schema.malformed_references(text) == []
    assert schema.ENV_REFERENCE.findall(text) == ["A", "_b2"]
    assert schema.ENV_REFERENCE.findall("${env:1X} ${env:} ${foo:X}") == []


def test_secrets_are_never_quoted() -> None:
    data = example()
    pool(data)["mfa"]["MfaConfiguration"] = "hunter2"
    problems = validate_document(data, secrets=frozenset({"hunter2"}))
    assert only(problems)[1] == "must be one of: OFF, ON, OPTIONAL (got (sensitive))"
