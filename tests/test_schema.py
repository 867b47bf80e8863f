"""The generated JSON Schema as a tested artifact, and the validator's messages."""

from __future__ import annotations

import copy
import importlib.util
import json
import re
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import botocore
import pytest
import yaml
from jsonschema import Draft202012Validator

from poolsync import schema
from poolsync.model import Problem, render_path
from poolsync.schema import load_schema, schema_text, validate_document

ROOT = Path(__file__).resolve().parent.parent
# A complete example config document, whole.
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
    identity_providers:
      Google:
        ProviderType: Google
        ProviderDetails:
          client_id: 1234.apps.googleusercontent.com
          client_secret: ${env:GOOGLE_CLIENT_SECRET}
          authorize_scopes: openid email profile
        AttributeMapping: {email: email}
    clients:
      web:
        GenerateSecret: false
        SupportedIdentityProviders: [COGNITO, Google]
        CallbackURLs: [https://app.example.com/callback]
        AllowedOAuthFlows: [code]
        AllowedOAuthScopes: [openid, email, profile]
        AllowedOAuthFlowsUserPoolClient: true
        PreventUserExistenceErrors: ENABLED
    domain: {Domain: customers-prod}
    groups:
      admins: {Description: Administrators, Precedence: 1}
    resource_servers:
      orders-api: {Name: Orders API, Scopes: [{ScopeName: read, ScopeDescription: Read orders}]}
    prune: false
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


# Each sub-resource is its create operation's input minus the pool id and the item's key
# (README, "The config format"), by the key's own type.
SUB_RESOURCES = [
    ("clients", "poolsync.Client", "ClientNameType", {"UserPoolId", "ClientName"}),
    (
        "identity_providers",
        "poolsync.IdentityProvider",
        "ProviderNameTypeV2",
        {"UserPoolId", "ProviderName"},
    ),
    ("groups", "poolsync.Group", "GroupNameType", {"UserPoolId", "GroupName"}),
    (
        "resource_servers",
        "poolsync.ResourceServer",
        "ResourceServerIdentifierType",
        {"UserPoolId", "Identifier"},
    ),
]


@pytest.mark.parametrize(("key", "definition", "key_type", "excluded"), SUB_RESOURCES)
def test_sub_resource_collections_follow_the_create_shapes(
    key: str, definition: str, key_type: str, excluded: set[str]
) -> None:
    schema_value = load_schema()
    collection = schema_value["$defs"]["poolsync.Pool"]["properties"][key]
    assert collection["type"] == "object"
    assert collection["propertyNames"] == {"$ref": f"#/$defs/{key_type}"}
    assert collection["additionalProperties"] == {"$ref": f"#/$defs/{definition}"}
    members = set(schema_value["$defs"][definition]["properties"])
    assert not members & excluded
    assert members  # the create input's other members


def test_sub_resource_members() -> None:
    defs = load_schema()["$defs"]
    client = defs["poolsync.Client"]["properties"]
    assert {"GenerateSecret", "CallbackURLs", "TokenValidityUnits", "RefreshTokenRotation"} <= set(
        client
    )
    provider = defs["poolsync.IdentityProvider"]
    assert set(provider["properties"]) == {
        "ProviderType",
        "ProviderDetails",
        "AttributeMapping",
        "IdpIdentifiers",
    }
    assert provider["required"] == ["ProviderType", "ProviderDetails"]
    domain = defs["poolsync.Domain"]
    assert set(domain["properties"]) == {"Domain", "CustomDomainConfig", "ManagedLoginVersion"}
    assert domain["required"] == ["Domain"]
    assert defs["poolsync.ResourceServer"]["required"] == ["Name"]
    assert set(defs["poolsync.Group"]["properties"]) == {"Description", "RoleArn", "Precedence"}
    pool = defs["poolsync.Pool"]["properties"]
    assert pool["domain"] == {"$ref": "#/$defs/poolsync.Domain"}
    assert pool["prune"]["type"] == "boolean"


# --- Pattern translation ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("aws", "matches", "refuses"),
    [
        (r"[\p{L}\p{M}\p{S}\p{N}\p{P}]+", ["héllo", "a.b", "日本", "x+y"], ["a b", "a\tb", ""]),
        (r"[\p{L}\p{M}\p{S}\p{N}\p{P}\s]+", ["Hello there!", "a\nb"], ["\x00", "bell\x07"]),
        (r"[\p{L}\p{M}\p{S}\p{N}\p{P}\s*]*\{####\}", ["Code: {####}"], ["Code: {###}"]),
        (r"(?s).*", ["one\ntwo", ""], []),
        (r"[\w\s+=,.@-]+", ["customers-prod", "a b"], ["it's", "x!"]),
        # ProviderNameTypeV2: no "_" or separator first, nor from the third character on
        (
            r"[^_\p{Z}][\p{L}\p{M}\p{S}\p{N}\p{P}][^_\p{Z}]+",
            ["Google", "MySAML", "a_b", "é.x"],
            ["_ab", "ab_", "a b c", "ab\u00a0c", "ab\u3000", "ab"],
        ),
        (r"[\p{L}\p{M}\p{S}\p{N}\p{P}\p{Z}]+", ["a b", "x\u00a0y", "id-1"], ["a\tb", "\x00"]),
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


# Java's \w, \d and \s are ASCII (java.util.regex.Pattern, "Predefined character
# classes"); Python's are Unicode-aware. Cyrillic, fullwidth Latin, Arabic-Indic and
# fullwidth digits, a no-break space and the line separator are what they let through.
NOT_ASCII = [
    "пул",
    "\uff50\uff4f\uff4f\uff4c",
    "pool٣",
    "pool\uff13",
    "a\u00a0b",
    "a\u2028b",
    "a\x1cb",
    "é",
]


@pytest.mark.parametrize(
    ("aws", "matches", "refuses"),
    [
        (r"[\w\s+=,.@-]+", ["Pool_1", "a b", "a\tb", "a\x0bb", "a\x0cb", "+=,.@-"], NOT_ASCII),
        (r"\w+", ["abc_XYZ_019"], NOT_ASCII),
        (r"\d+", ["0123456789"], ["٣", "\uff13", "¹", "a"]),
        (r"[\d]+", ["42"], ["٣", "\uff13"]),
        (r"\s", [" ", "\t", "\n", "\x0b", "\x0c", "\r"], ["\u00a0", "\u2028", "\x1c", "\x85"]),
        # negations: everything but the ASCII class, Unicode letters and spaces included
        (r"\W", ["п", "\u00a0", "-"], ["a", "_", "7"]),
        (r"\D", ["٣", "x"], ["7"]),
        (r"[\S]+", ["pool", "a\u00a0b", "пул"], ["a b", "a\tb", "a\rb"]),
        (r"\S+", ["a\u2028b"], ["a b"]),
        (r"[^\w\s]+", ["!?", "пул"], ["a", " "]),
        # "-" after a shorthand is itself (Java), not a range from "_" to "."
        (r"[\w-.]+", ["a-b.c"], ["a/b", "a^b"]),
        (r"[\w-]+_[0-9a-zA-Z]+", ["eu-west-1_AbC"], ["\u0435u-west-1_AbC"]),
        # "." without (?s): any character but a Java line terminator
        (
            r".*\{####\}.*",
            ["Code: {####}", "é {####}"],
            ["a\n{####}", "{####}\r", "\u2028{####}", "{####}\x85"],
        ),
    ],
)
def test_shorthand_classes_are_ascii_as_in_java(
    gen: ModuleType, aws: str, matches: list[str], refuses: list[str]
) -> None:
    pattern = re.compile(gen.translate_pattern(aws))
    for value in matches:
        assert pattern.search(value), value
    for value in refuses:
        assert not pattern.search(value), value


def test_no_unicode_aware_shorthand_is_left_in_the_schema(gen: ModuleType) -> None:
    # The only \s left is inside the deliberate classes that stand for \p{...} categories,
    # and in [\s\S], which is any character at all ((?s). in Java).
    deliberate = (gen.VISIBLE_CLASS, gen.VISIBLE_OR_SPACE_CLASS, gen.PRINTABLE_CLASS, r"[\s\S]")
    for pattern in patterns(load_schema()):
        for klass in deliberate:
            pattern = pattern.replace(klass, "")
        assert not re.search(r"\\[wWdDsS]", pattern), pattern


@pytest.mark.parametrize(
    "aws",
    [
        r"[\Sa]",  # a negated shorthand beside other items
        r"[a-\w]",  # a range ending in a shorthand
    ],
)
def test_shorthands_the_translator_cannot_spell_out(gen: ModuleType, aws: str) -> None:
    with pytest.raises(gen.UnsupportedPattern):
        gen.translate_pattern(aws)


@pytest.mark.parametrize(
    "aws",
    [
        r"\p{L}+",
        r"[\p{L}\p{N}]+",
        r"[^\p{L}\p{M}\p{S}\p{N}\p{P}]",
        r"[\p{Z}\p{L}]",
        r"[\p{L}\p{M}\p{S}\p{N}\p{P}\p{Z}\s]",
    ],
)
def test_unknown_pattern_constructs_fail_the_generator(gen: ModuleType, aws: str) -> None:
    with pytest.raises(gen.UnsupportedPattern):
        gen.translate_pattern(aws)


def test_separators_are_every_unicode_z_character(gen: ModuleType) -> None:
    separators = {
        chr(code) for code in range(0x110000) if unicodedata.category(chr(code)).startswith("Z")
    }
    spelled = re.compile(f"[{gen.SEPARATORS}]")
    assert {chr(code) for code in range(0x10000) if spelled.match(chr(code))} == separators


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


def test_two_hundred_pools_validate() -> None:
    """Speed is measured in bench/ (tests do not time things)."""
    data = example()
    data["pools"] = {f"pool-{i}": copy.deepcopy(pool(data)) for i in range(200)}
    assert validate_document(data) == []


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
    pool(data)["domain"]["colour"] = "blue"
    assert only(validate_document(data)) == (
        (*P, "domain", "colour"),
        'unknown key "colour" (allowed: CustomDomainConfig, Domain, ManagedLoginVersion)',
    )


def test_unknown_pool_key_with_did_you_mean() -> None:
    data = example()
    pool(data)["client"] = pool(data).pop("clients")
    assert only(validate_document(data)) == (
        (*P, "client"),
        'unknown key "client" (did you mean "clients"?)',
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
def test_each_sub_resource_key_may_be_left_out(key: str) -> None:
    data = example()
    del pool(data)[key]
    assert validate_document(data) == []


def test_empty_collections_are_valid() -> None:
    data = example()
    for key in ("clients", "identity_providers", "groups", "resource_servers"):
        pool(data)[key] = {}
    assert validate_document(data) == []


C = (*P, "clients", "web")


def test_unknown_key_inside_a_client() -> None:
    data = example()
    pool(data)["clients"]["web"]["CallbackUrls"] = ["https://app.example.com/cb"]
    assert only(validate_document(data)) == (
        (*C, "CallbackUrls"),
        'unknown key "CallbackUrls" (did you mean "CallbackURLs"?)',
    )


def test_the_client_name_is_the_key_not_a_member() -> None:
    data = example()
    pool(data)["clients"]["web"]["ClientName"] = "web"
    assert only(validate_document(data))[0] == (*C, "ClientName")


def test_client_name_pattern_points_at_the_key() -> None:
    data = example()
    pool(data)["clients"]["web!"] = pool(data)["clients"].pop("web")
    assert only(validate_document(data)) == (
        (*P, "clients", "web!"),
        'invalid key "web!": does not match the pattern [\\w\\s+=,.@-]+',
    )


def test_provider_type_enum() -> None:
    data = example()
    pool(data)["identity_providers"]["Google"]["ProviderType"] = "Gsuite"
    assert only(validate_document(data)) == (
        (*P, "identity_providers", "Google", "ProviderType"),
        "must be one of: SAML, Facebook, Google, LoginWithAmazon, SignInWithApple, OIDC "
        '(got "Gsuite")',
    )


def test_provider_name_uses_the_create_time_pattern() -> None:
    data = example()
    providers = pool(data)["identity_providers"]
    providers["My_SAML"] = {"ProviderType": "SAML", "ProviderDetails": {"MetadataURL": "x"}}
    assert only(validate_document(data)) == (
        (*P, "identity_providers", "My_SAML"),
        'invalid key "My_SAML": does not match the pattern '
        "[^_\\p{Z}][\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}][^_\\p{Z}]+ "
        '(no "_" or space first, nor from the third character on)',
    )


def test_provider_needs_type_and_details() -> None:
    data = example()
    pool(data)["identity_providers"]["Google"] = {"AttributeMapping": {"email": "email"}}
    problems = validate_document(data)
    assert [(p.path, p.message) for p in problems] == [
        ((*P, "identity_providers", "Google"), 'missing required key "ProviderType"'),
        ((*P, "identity_providers", "Google"), 'missing required key "ProviderDetails"'),
    ]


def test_provider_details_are_strings() -> None:
    data = example()
    pool(data)["identity_providers"]["Google"]["ProviderDetails"]["attributes_url_add_attributes"] = (
        True
    )
    assert only(validate_document(data)) == (
        (*P, "identity_providers", "Google", "ProviderDetails", "attributes_url_add_attributes"),
        "expected a string, got a boolean",
    )


def test_env_reference_in_provider_details_is_not_checked_offline() -> None:
    data = example()
    details = pool(data)["identity_providers"]["Google"]["ProviderDetails"]
    details["client_id"] = "${env:GOOGLE_CLIENT_ID}"
    assert validate_document(data) == []


PREFIX_DOMAIN_HINT = (
    'a prefix domain has only a-z, 0-9 and "-", not starting or ending with "-"; '
    "a custom domain such as auth.example.com needs CustomDomainConfig"
)


def test_domain_prefix_is_lower_case() -> None:
    data = example()
    pool(data)["domain"]["Domain"] = "Customers-prod"
    assert only(validate_document(data)) == (
        (*P, "domain", "Domain"),
        "does not match the pattern ^[a-z0-9](?:[a-z0-9\\-]{0,61}[a-z0-9])?$ "
        f'(got "Customers-prod"; {PREFIX_DOMAIN_HINT})',
    )


CERTIFICATE = {"CertificateArn": "arn:aws:acm:us-east-1:111122223333:certificate/0000"}


@pytest.mark.parametrize(
    "name",
    ["auth.example.com", "Auth.Example.COM", "a.b", "login-1.eu.example.co.uk", "x" * 63 + ".io"],
)
def test_custom_domain_is_a_fully_qualified_host_name(name: str) -> None:
    data = example()
    pool(data)["domain"] = {"Domain": name, "CustomDomainConfig": CERTIFICATE}
    assert validate_document(data) == []


def test_the_prefix_rules_do_not_apply_to_a_custom_domain() -> None:
    # Longer than a prefix's 63 characters, with dots and upper case: a valid host name.
    name = ".".join(["Auth-Service"] * 5) + ".example.com"
    assert len(name) > 63
    data = example()
    pool(data)["domain"] = {"Domain": name, "CustomDomainConfig": CERTIFICATE}
    assert validate_document(data) == []


FQDN_MESSAGE = (
    'must be a fully qualified domain name (got "{}"; labels of letters, digits and "-" '
    'joined by ".", at least two, each at most 63 characters and not starting or ending '
    'with "-"; for example auth.example.com)'
)


@pytest.mark.parametrize(
    "name",
    [
        "auth",  # one label: a prefix, not a host name
        "auth_login.example.com",
        "-auth.example.com",
        "auth-.example.com",
        "auth..example.com",
        "auth.example.com.",
        "auth example.com",
        "x" * 64 + ".example.com",
        "\u0430uth.example.com",  # a Cyrillic "a"
        "auth.example.com\n",
    ],
)
def test_custom_domain_that_is_not_a_host_name(name: str) -> None:
    data = example()
    pool(data)["domain"] = {"Domain": name, "CustomDomainConfig": CERTIFICATE}
    path, message = only(validate_document(data))
    assert path == (*P, "domain", "Domain")
    assert message.startswith("must be a fully qualified domain name (got "), message


def test_custom_domain_message_says_what_a_host_name_is() -> None:
    data = example()
    pool(data)["domain"] = {"Domain": "auth_login.example.com", "CustomDomainConfig": CERTIFICATE}
    assert only(validate_document(data)) == (
        (*P, "domain", "Domain"),
        FQDN_MESSAGE.format("auth_login.example.com"),
    )


def test_custom_domain_is_at_most_253_characters() -> None:
    name = ".".join(["a" * 63] * 4)  # 255 characters
    data = example()
    pool(data)["domain"] = {"Domain": name, "CustomDomainConfig": CERTIFICATE}
    assert only(validate_document(data)) == (
        (*P, "domain", "Domain"),
        "must be at most 253 characters (got 255)",
    )


def test_a_host_name_without_custom_domain_config_is_a_bad_prefix() -> None:
    data = example()
    pool(data)["domain"] = {"Domain": "auth.example.com"}
    assert only(validate_document(data)) == (
        (*P, "domain", "Domain"),
        "does not match the pattern ^[a-z0-9](?:[a-z0-9\\-]{0,61}[a-z0-9])?$ "
        f'(got "auth.example.com"; {PREFIX_DOMAIN_HINT})',
    )


def test_prefix_domain_keeps_its_63_characters() -> None:
    data = example()
    pool(data)["domain"]["Domain"] = "a" * 63
    assert validate_document(data) == []
    pool(data)["domain"]["Domain"] = "a" * 64
    problems = [(p.path, p.message) for p in validate_document(data)]
    assert ((*P, "domain", "Domain"), "must be at most 63 characters (got 64)") in problems


def test_domain_with_a_final_newline_is_refused() -> None:
    # AWS matches the whole value; Python's "$" alone would also match before a final
    # newline (a YAML block scalar "|" ends with one).
    data = example()
    pool(data)["domain"]["Domain"] = "customers-prod\n"
    assert only(validate_document(data))[0] == (*P, "domain", "Domain")


@pytest.mark.parametrize(
    ("pattern", "matches", "refuses"),
    [
        (r"^[a-z]+$", ["abc"], ["abc\n", "abc\n\n"]),
        (r"^[$]+$", ["$$"], ["$$\n"]),  # "$" in a class is itself
        (r"^a\$$", ["a$"], ["a$\n", "a"]),  # so is "\$"
        (r"^(?:a|b$)c?$", ["b", "ac"], ["b\n"]),
    ],
)
def test_dollar_is_the_end_of_the_text_as_in_ecma_262(
    pattern: str, matches: list[str], refuses: list[str]
) -> None:
    regex = schema._ecma_regex(pattern)
    for value in matches:
        assert regex.search(value), value
    for value in refuses:
        assert not regex.search(value), value


def test_domain_in_a_template_is_checked_by_kind() -> None:
    data = example()
    data["templates"] = {
        "base": {"domain": {"Domain": "auth.example.com", "CustomDomainConfig": CERTIFICATE}}
    }
    assert schema.validate_fragments(data) == []
    data["templates"]["base"]["domain"]["Domain"] = "auth_example"
    assert only(schema.validate_fragments(data))[0] == ("templates", "base", "domain", "Domain")


def test_domain_needs_its_name() -> None:
    data = example()
    pool(data)["domain"] = {"ManagedLoginVersion": 2}
    assert only(validate_document(data)) == ((*P, "domain"), 'missing required key "Domain"')


def test_group_precedence_is_not_negative() -> None:
    data = example()
    pool(data)["groups"]["admins"]["Precedence"] = -1
    assert only(validate_document(data)) == (
        (*P, "groups", "admins", "Precedence"),
        "must be at least 0 (got -1)",
    )


def test_resource_server_needs_a_name_and_full_scopes() -> None:
    data = example()
    pool(data)["resource_servers"]["orders-api"] = {"Scopes": [{"ScopeName": "read"}]}
    problems = validate_document(data)
    where = (*P, "resource_servers", "orders-api")
    assert [(p.path, p.message) for p in problems] == [
        (where, 'missing required key "Name"'),
        ((*where, "Scopes", 0), 'missing required key "ScopeDescription"'),
    ]


def test_prune_is_a_boolean() -> None:
    data = example()
    pool(data)["prune"] = "yes"
    assert only(validate_document(data)) == (
        (*P, "prune"),
        'expected a boolean, got the string "yes": write true or false (poolsync reads '
        "YAML 1.2, where yes, no, on and off are strings)",
    )


@pytest.mark.parametrize(
    ("member", "value"),
    [("AccessTokenValidity", 100000), ("IdTokenValidity", 0), ("RefreshTokenValidity", -1)],
)
def test_token_validity_ranges_are_left_to_the_rules(member: str, value: int) -> None:
    # rules.token_validity reports them in effective units; the raw range would repeat it.
    data = example()
    pool(data)["clients"]["web"][member] = value
    assert validate_document(data) == []


def test_token_validity_type_is_still_checked() -> None:
    data = example()
    pool(data)["clients"]["web"]["AccessTokenValidity"] = "1h"
    assert only(validate_document(data)) == (
        (*C, "AccessTokenValidity"),
        "expected an integer, got a string",
    )


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


PRECEDENCE = (*P, "groups", "admins", "Precedence")


@pytest.mark.parametrize(
    ("where", "value", "message"),
    [
        (PRECEDENCE, 3.0, "expected an integer, got 3.0: write 3, without a decimal point"),
        (
            (*S, "Policies", "PasswordPolicy", "MinimumLength"),
            8.0,
            "expected an integer, got 8.0: write 8, without a decimal point",
        ),
        (PRECEDENCE, 3.5, "expected an integer, got a number"),
        (PRECEDENCE, True, "expected an integer, got a boolean"),
        (PRECEDENCE, False, "expected an integer, got a boolean"),
        (PRECEDENCE, 1e300, "expected an integer, got a number"),
        (PRECEDENCE, float("inf"), "expected an integer, got a number"),
    ],
)
def test_a_float_or_boolean_is_not_an_integer(
    where: tuple[str, ...], value: Any, message: str
) -> None:
    # JSON Schema counts 3.0 as an integer; botocore refuses a float where the model says
    # integer ("Invalid type for parameter").
    data = example()
    _set(data, where, value)
    assert only(validate_document(data)) == (where, message)


def _set(data: dict[str, Any], where: tuple[str, ...], value: Any) -> None:
    node: Any = data
    for key in where[:-1]:
        node = node[key]
    node[where[-1]] = value


def test_whole_number_strings_still_take_integers_not_floats() -> None:
    data = example()
    constraints = pool(data)["settings"]["Schema"][1]["StringAttributeConstraints"]
    constraints["MaxLength"] = 64.0
    assert only(validate_document(data)) == (
        (*S, "Schema", 1, "StringAttributeConstraints", "MaxLength"),
        "expected a string or an integer, got 64.0: write 64, without a decimal point",
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (2**31 - 1, None),
        (2**31, "must be at most 2147483647 (got 2147483648)"),
        (99999999999, "must be at most 2147483647 (got 99999999999)"),
        (10**19, "must be at most 2147483647 (got 10000000000000000000)"),
        (10**20, "must be at most 2147483647 (got a 21-digit integer)"),
        (10**5000, "must be at most 2147483647 (got a 5001-digit integer)"),
        (-(10**5000), "must be at least 0 (got a 5001-digit integer)"),
    ],
    ids=["2**31-1", "2**31", "11 digits", "10**19", "10**20", "10**5000", "-10**5000"],
)
def test_integers_are_32_bit_where_the_model_gives_no_bound(
    value: int, message: str | None
) -> None:
    data = example()
    _set(data, PRECEDENCE, value)
    problems = validate_document(data)
    assert [(p.path, p.message) for p in problems] == ([(PRECEDENCE, message)] if message else [])


def test_an_unbounded_model_integer_gets_the_32_bit_range() -> None:
    data = example()
    pool(data)["domain"]["ManagedLoginVersion"] = -(2**31) - 1
    assert only(validate_document(data)) == (
        (*P, "domain", "ManagedLoginVersion"),
        "must be at least -2147483648 (got -2147483649)",
    )


def test_every_integer_in_the_schema_is_bounded() -> None:
    def integers(node: Any) -> Iterator[dict[str, Any]]:
        if isinstance(node, dict):
            if node.get("type") == "integer":
                yield node
            for value in node.values():
                yield from integers(value)
        elif isinstance(node, list):
            for item in node:
                yield from integers(item)

    found = list(integers(load_schema()))
    assert len(found) > 10
    for node in found:
        assert -(2**63) <= node["minimum"] <= node["maximum"] <= 2**63 - 1, node


def test_the_generator_bounds_integer_and_long_shapes(gen: ModuleType) -> None:
    model = gen.service_model()
    assert gen._scalar(model.shape_for("IntegerType")) == {
        "type": "integer",
        "minimum": -(2**31),
        "maximum": 2**31 - 1,
    }
    assert gen._scalar(model.shape_for("LongType")) == {
        "type": "integer",
        "minimum": -(2**63),
        "maximum": 2**63 - 1,
    }
    assert gen._scalar(model.shape_for("PrecedenceType"))["minimum"] == 0


@pytest.mark.parametrize(
    "where",
    [(*S, "UserPoolTags", "owner"), (*S, "AutoVerifiedAttributes", 0), (*P, "region")],
)
def test_a_huge_integer_anywhere_gets_a_short_message(where: tuple[str | int, ...]) -> None:
    data = example()
    node: Any = data
    for key in where[:-1]:
        node = node[key]
    node[where[-1]] = 10**5000
    [problem] = [p for p in validate_document(data) if p.path == where]
    assert len(problem.message) < 200, problem.message
    assert problem.message.startswith("expected a string, got an integer")


def test_a_huge_integer_in_an_enum_is_quoted_by_its_digits() -> None:
    data = example()
    pool(data)["mfa"]["MfaConfiguration"] = 10**5000
    assert only(validate_document(data)) == (
        (*P, "mfa", "MfaConfiguration"),
        "expected a string, got an integer",
    )
    data["version"] = 10**5000
    assert (("version",), "must be 1 (got a 5001-digit integer)") in [
        (p.path, p.message) for p in validate_document(data)
    ]


def test_the_data_with_a_huge_integer_is_not_changed() -> None:
    data = example()
    _set(data, PRECEDENCE, 10**5000)
    before = copy.deepcopy(data)
    validate_document(data)
    assert data == before
    assert type(pool(data)["groups"]["admins"]["Precedence"]) is int


def test_wrong_type_hides_the_enum_message() -> None:
    data = example()
    pool(data)["settings"]["DeletionProtection"] = True
    assert only(validate_document(data)) == (
        (*S, "DeletionProtection"),
        "expected a string, got a boolean",
    )


CUSTOM_NEEDS_A_TYPE = (
    'missing required key "AttributeDataType" '
    "(a custom attribute needs its type: String, Number, DateTime or Boolean)"
)


def test_missing_required_key() -> None:
    data = example()
    del pool(data)["settings"]["Schema"][1]["AttributeDataType"]
    assert only(validate_document(data)) == ((*S, "Schema", 1), CUSTOM_NEEDS_A_TYPE)


@pytest.mark.parametrize("name", ["email", "sub", "birthdate", "updated_at", "identities"])
def test_a_standard_attribute_needs_no_type(name: str) -> None:
    # AWS knows the type of a standard attribute.
    data = example()
    pool(data)["settings"]["Schema"][0] = {"Name": name, "Required": True, "Mutable": True}
    assert validate_document(data) == []


@pytest.mark.parametrize("name", ["tenant", "custom:tenant", "custom:sub", "custom:email", "Email"])
def test_a_custom_attribute_needs_its_type(name: str) -> None:
    # "custom:sub" is the custom attribute "sub", not the standard one; names are
    # case-sensitive, so "Email" is not the standard "email".
    data = example()
    pool(data)["settings"]["Schema"].append({"Name": name, "Mutable": True})
    assert only(validate_document(data)) == ((*S, "Schema", 2), CUSTOM_NEEDS_A_TYPE)
    pool(data)["settings"]["Schema"][2]["AttributeDataType"] = "String"
    assert validate_document(data) == []


def test_an_entry_without_a_name_is_told_only_its_name() -> None:
    data = example()
    pool(data)["settings"]["Schema"].append({"Mutable": True})
    assert only(validate_document(data)) == ((*S, "Schema", 2), 'missing required key "Name"')


def test_custom_prefix_alone_is_no_name() -> None:
    data = example()
    pool(data)["settings"]["Schema"][1]["Name"] = "custom:"
    assert only(validate_document(data)) == (
        (*S, "Schema", 1, "Name"),
        "does not match the pattern (custom:)?[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+ "
        '(got "custom:"; no space or control character; "custom:" is followed by the '
        "attribute's name)",
    )


def test_the_standard_attributes_are_poolsyncs() -> None:
    # The generator's list (which may leave out the type) and kinds.settings' (which knows
    # each standard attribute's shape) name the same attributes.
    from poolsync.kinds import settings

    gen = load_generator()
    assert set(gen.STANDARD_ATTRIBUTES) == set(settings.STANDARD_ATTRIBUTES) | set(
        settings.AUTO_ATTRIBUTES
    )
    assert len(gen.STANDARD_ATTRIBUTES) == 21


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
        f'invalid key "{"p" * 57}...": must be at most 128 characters (got 129)',
    )


NAME_PATTERN = "[\\w\\s+=,.@-]+"


@pytest.mark.parametrize("name", [*NOT_ASCII[:4], "pool\u00a0one", "\uff30\uff4f\uff4f\uff4c-1"])
def test_pool_and_client_names_are_ascii(name: str) -> None:
    data = example()
    data["pools"][name] = data["pools"].pop("customers-prod")
    assert only(validate_document(data)) == (
        ("pools", name),
        f"invalid key {json.dumps(name, ensure_ascii=False)}: does not match the pattern "
        f"{NAME_PATTERN}",
    )
    data = example()
    pool(data)["clients"][name] = pool(data)["clients"].pop("web")
    assert only(validate_document(data)) == (
        (*P, "clients", name),
        f"invalid key {json.dumps(name, ensure_ascii=False)}: does not match the pattern "
        f"{NAME_PATTERN}",
    )


@pytest.mark.parametrize("name", ["customers prod", "Pool_1", "a+b=c,d.e@f-g", "tab\there"])
def test_ascii_pool_and_client_names_pass(name: str) -> None:
    data = example()
    data["pools"][name] = data["pools"].pop("customers-prod")
    pool_data = data["pools"][name]
    pool_data["clients"][name] = pool_data["clients"].pop("web")
    assert validate_document(data) == []


@pytest.mark.parametrize("name", ["пул", "\uff50\uff4f\uff4f\uff4c", "admins٣"])
def test_group_names_are_unicode_as_in_aws(name: str) -> None:
    # GroupNameType is [\p{L}\p{M}\p{S}\p{N}\p{P}]+: Unicode letters and numbers in Java
    # too, so AWS takes these names.
    data = example()
    pool(data)["groups"][name] = pool(data)["groups"].pop("admins")
    assert validate_document(data) == []


def test_group_names_refuse_spaces_and_control_characters() -> None:
    data = example()
    pool(data)["groups"]["two words"] = pool(data)["groups"].pop("admins")
    assert only(validate_document(data))[0] == (*P, "groups", "two words")


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
        'does not match the pattern [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}\\s]+ (got "bad\\u0007subject")',
    )


def test_pattern_message_shows_the_value_and_an_example() -> None:
    data = example()
    pool(data)["id"] = "not an id"
    assert only(validate_document(data)) == (
        (*P, "id"),
        'does not match the pattern [\\w-]+_[0-9a-zA-Z]+ (got "not an id"; for example '
        "eu-west-1_AbCdEfGhI)",
    )


def test_pattern_message_hides_a_secret() -> None:
    data = example()
    pool(data)["id"] = "hunter2"
    assert only(validate_document(data, secrets=frozenset({"hunter2"}))) == (
        (*P, "id"),
        "does not match the pattern [\\w-]+_[0-9a-zA-Z]+ (for example eu-west-1_AbCdEfGhI)",
    )


def test_string_too_long_says_how_long() -> None:
    data = example()
    pool(data)["settings"]["VerificationMessageTemplate"]["EmailSubject"] = "s" * 141
    assert only(validate_document(data)) == (
        (*S, "VerificationMessageTemplate", "EmailSubject"),
        "must be at most 140 characters (got 141)",
    )
    hidden = validate_document(data, secrets=frozenset({"s" * 141}))
    assert only(hidden)[1] == "must be at most 140 characters"


@pytest.mark.parametrize("word", ["yes", "No", "ON", "off", "y"])
def test_yaml_11_boolean_words_get_a_hint(word: str) -> None:
    data = example()
    pool(data)["settings"]["Policies"]["PasswordPolicy"]["RequireNumbers"] = word
    assert only(validate_document(data))[1] == (
        f'expected a boolean, got the string "{word}": write true or false (poolsync reads '
        "YAML 1.2, where yes, no, on and off are strings)"
    )


def test_other_strings_where_a_boolean_belongs() -> None:
    data = example()
    pool(data)["settings"]["Policies"]["PasswordPolicy"]["RequireNumbers"] = "enabled"
    assert only(validate_document(data))[1] == (
        "expected a boolean, got a string: write true or false"
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
        'does not match the pattern ^[0-9]+$ (got "one")',
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


def test_name_too_long_with_the_prefix_is_left_to_the_rule() -> None:
    # rules.custom_attribute_name_length says it without counting the prefix.
    data = example()
    pool(data)["settings"]["Schema"][1]["Name"] = "custom:" + "t" * 21
    assert validate_document(data) == []


def test_name_too_long_from_the_environment_is_checked_by_the_schema() -> None:
    # The rules read the file as written: a substituted name is the schema's to check.
    data = example()
    name = "custom:" + "t" * 21
    pool(data)["settings"]["Schema"][1]["Name"] = name
    assert only(validate_document(data, secrets=frozenset({name}))) == (
        (*S, "Schema", 1, "Name"),
        "must be at most 27 characters",
    )


def test_too_many_schema_entries_are_left_to_the_rule() -> None:
    data = example()
    pool(data)["settings"]["Schema"] = [
        {"Name": f"a{i}", "AttributeDataType": "String"} for i in range(51)
    ]
    assert validate_document(data) == []


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


# --- Regions: a region of a partition botocore knows (issue 10) -----------------------------


def _partition_regions() -> list[str]:
    data = json.loads(
        (Path(botocore.__file__).parent / "data" / "partitions.json").read_text(encoding="utf-8")
    )
    return sorted(
        region
        for partition in data["partitions"]
        for region in partition["regions"]
        if not region.endswith("-global")  # endpoints of global services, no region
    )


def _region_problems(region: Any) -> list[tuple[tuple[str | int, ...], str]]:
    data = example()
    data["region"] = region
    return [(p.path, p.message) for p in validate_document(data)]


@pytest.mark.parametrize("region", _partition_regions())
def test_every_region_of_every_partition_is_a_region(region: str) -> None:
    assert _region_problems(region) == []


@pytest.mark.parametrize(
    "region",
    ["not a region!", "EU-WEST-1", "eu_west_1", "eu-west", "eu-west-1\n", "xx-west-1",
     "eu-west-1 ", "\u0435u-west-1", "https://eu-west-1", "eu-west-\uff11"],
)
def test_a_malformed_region_is_refused_where_it_is_written(region: str) -> None:
    problems = _region_problems(region)
    assert ((("region",), f"must be an AWS region code (got {json.dumps(region, ensure_ascii=False)}; "
             "for example eu-west-1)")) in problems


def test_a_pool_region_is_checked_like_the_top_level_one() -> None:
    data = example()
    pool(data)["region"] = "not a region!"
    assert only(validate_document(data)) == (
        (*P, "region"), 'must be an AWS region code (got "not a region!"; for example eu-west-1)'
    )


def test_the_region_pattern_is_the_partitions_own(gen: ModuleType) -> None:
    pattern = load_schema()["$defs"]["poolsync.Region"]["pattern"]
    assert pattern == gen.region_pattern()
    assert "\\-" not in pattern and "\\w" not in pattern and "\\d" not in pattern


# --- ${env:...} where no text can stand ------------------------------------------------------


@pytest.mark.parametrize(
    ("where", "key"),
    [
        ((*S, "UserPoolTags"), "${env:TEAM}"),
        ((*S, "UserPoolTags"), "team-${env:STAGE}"),
        (("pools",), "${env:POOL}"),
        ((*P, "clients"), "${env:CLIENT}"),
        ((*P, "identity_providers"), "${env:IDP}"),
        ((*P, "identity_providers", "Google", "ProviderDetails"), "${env:DETAIL}"),
        ((*S,), "${env:MEMBER}"),
    ],
)
def test_a_reference_in_a_key_is_refused_alone(where: tuple[str, ...], key: str) -> None:
    data = example()
    target: Any = data
    for part in where:
        target = target[part]
    target[key] = {} if where[-1] in ("pools", "clients", "identity_providers") else "x"
    assert only(validate_document(data)) == (
        (*where, key),
        "${env:...} cannot stand in a key: keys are names, written as they are (only values "
        "are substituted)",
    )


def test_an_escaped_reference_in_a_key_is_no_reference() -> None:
    data = example()
    pool(data)["settings"]["UserPoolTags"] = {"cost $${x}": "y"}
    assert validate_document(data) == []


@pytest.mark.parametrize(
    ("where", "value"),
    [(("version",), "${env:VERSION}"), (("version",), "1${env:X}"),
     ((*P, "prune"), "${env:PRUNE}")],
)
def test_a_reference_where_no_text_is_allowed_is_refused_offline(
    where: tuple[str, ...], value: str
) -> None:
    data = example()
    target: Any = data
    for part in where[:-1]:
        target = target[part]
    target[where[-1]] = value
    assert only(validate_document(data)) == (where, "${env:...} can only stand in a string value")


def test_a_reference_in_a_string_enum_waits_for_its_value() -> None:
    data = example()
    pool(data)["mfa"]["MfaConfiguration"] = "${env:MFA}"
    assert validate_document(data) == []


# --- YAML 1.1 numbers, which YAML 1.2 reads as text -----------------------------------------


@pytest.mark.parametrize(
    ("value", "number"), [("1:30", "90"), ("1_000", "1000"), ("0b1010", "10"), ("+0x1", "1")]
)
def test_a_yaml_1_1_number_in_an_integer_field_says_what_to_write(value: str, number: str) -> None:
    data = example()
    data["pools"]["customers-prod"]["groups"]["admins"]["Precedence"] = value
    assert only(validate_document(data)) == (
        PRECEDENCE,
        f'expected an integer, got the string "{value}": YAML 1.1 reads it as {number}, but '
        f"poolsync reads YAML 1.2, where it is text: write {number}",
    )


def test_the_yaml_1_1_hint_never_quotes_a_secret() -> None:
    data = example()
    data["pools"]["customers-prod"]["groups"]["admins"]["Precedence"] = "1:30"
    [problem] = validate_document(data, secrets=frozenset({"1:30"}))
    assert "1:30" not in problem.message and "90" not in problem.message


@pytest.mark.parametrize(("entry", "message"), [
    ({"ImageFile": ""}, "ImageFile: must not be empty"),
    ({"CSS": "a" * 131_073}, "CSS: must be at most 131072 characters (got 131073)"),
    ({"CSS": 5}, "CSS: expected a string, got an integer"),
])
def test_a_nullable_members_message_is_about_the_value_not_null(
        entry: dict[str, Any], message: str) -> None:
    """A member that may be null (to remove a logo) reports what is wrong with the value
    given, not that it is not null."""
    document = {"version": 1, "region": "eu-west-1", "pools": {"app": {
        "domain": {"Domain": "nullable-test"}, "ui_customization": {"ALL": entry}}}}
    messages = [f"{render_path(p.path)}: {p.message}"
                for p in schema.validate_document(document)]
    assert any(m.endswith(message) for m in messages), messages
    assert not any("expected null" in m for m in messages), messages
