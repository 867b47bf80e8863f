"""yamlio: plain data with locations in, located problems out, never a traceback."""

from __future__ import annotations

import re
from pathlib import Path as FsPath
from typing import Any

import pytest
import yaml

from poolsync.errors import ConfigError
from poolsync.model import Location
from poolsync.yamlio import Document, dump_yaml, load_document, load_document_if, yaml11_number

FIXTURES = FsPath(__file__).parent / "fixtures" / "config" / "yaml"


def load_fixture(name: str) -> Document:
    return load_document((FIXTURES / name).read_bytes(), name)


def error_of(name: str) -> str:
    with pytest.raises(ConfigError) as raised:
        load_document((FIXTURES / "bad" / name).read_bytes(), name)
    return str(raised.value)


# One bad file per failure, with the exact report a user sees. The messages of YAML
# syntax errors are libyaml's own.
BAD_FILES = {
    "syntax-error.yaml": (
        "syntax-error.yaml:3:15: invalid YAML: mapping values are not allowed in this context"
    ),
    "unclosed-flow-list.yaml": (
        "unclosed-flow-list.yaml:6:11: invalid YAML: did not find expected ',' or ']'"
        " (while parsing a flow sequence started at line 5, column 31)"
    ),
    "two-documents.yaml": (
        "two-documents.yaml:2:1: invalid YAML: expected a single document in the stream,"
        " but found another document"
    ),
    "tab-indentation.yaml": (
        "tab-indentation.yaml:3:1: tabs are not allowed for indentation; use spaces"
    ),
    "duplicate-key.yaml": (
        'duplicate-key.yaml:8:7: pools.prod.settings.Policies: duplicate key "Policies"'
        " (first defined at line 5)\n"
        'duplicate-key.yaml:11:5: pools.prod.region: duplicate key "region"'
        " (first defined at line 10)"
    ),
    "not-utf8.yaml": "not-utf8.yaml:5:32: file is not valid UTF-8 (byte 0xe9 at offset 71)",
    "binary.yaml": (
        "binary.yaml:3:9: file contains the control character U+0000, which YAML does not"
        " allow; is this a binary file?"
    ),
    "empty.yaml": "empty.yaml:1:1: file is empty",
    "comments-only.yaml": "comments-only.yaml:1:1: file has no content (only comments)",
    "top-level-list.yaml": (
        "top-level-list.yaml:1:1: expected a mapping at the top level, got a list"
    ),
    "top-level-string.yaml": (
        "top-level-string.yaml:1:1: expected a mapping at the top level, got a string"
    ),
    "python-tag.yaml": (
        'python-tag.yaml:4:13: pools.prod.region: tag "!!python/object/apply:os.system"'
        " is not allowed\n"
        'python-tag.yaml:5:15: pools.prod.settings: tag "!!set" is not allowed\n'
        'python-tag.yaml:6:9: pools.prod.id: tag "!Ref" is not allowed'
    ),
    "non-string-keys.yaml": (
        "non-string-keys.yaml:6:9: pools.prod.settings.UserPoolTags:"
        " mapping keys must be strings, got an integer\n"
        "non-string-keys.yaml:7:9: pools.prod.settings.UserPoolTags:"
        ' mapping keys must be strings, got a boolean; quote the key to use it as a name: "true"\n'
        "non-string-keys.yaml:8:9: pools.prod.settings.UserPoolTags:"
        ' mapping keys must be strings, got null; quote the key to use it as a name: "~"\n'
        "non-string-keys.yaml:10:9: pools.prod.settings.UserPoolTags:"
        " mapping keys must be strings, got a number"
    ),
    "merge-key.yaml": (
        'merge-key.yaml:8:7: pools.prod.settings: merge keys ("<<") are not supported;'
        " repeat the keys or alias a whole value"
    ),
    "recursive-alias.yaml": (
        "recursive-alias.yaml:3:9: pools.prod: an alias refers to the mapping or list"
        " that contains it"
    ),
    "too-many-aliases.yaml": (
        "too-many-aliases.yaml:104:5: scopes[100]: too many aliases: more than 100 in one file"
    ),
    "alias-bomb.yaml": (
        "alias-bomb.yaml:7:14: lol6[0]: too many aliases: expanding them makes more than 100000"
        " values (an alias bomb?)"
    ),
    "bad-explicit-int.yaml": 'bad-explicit-int.yaml:1:10: version: "one" is not a valid !!int',
}


def test_every_bad_fixture_has_an_expected_report() -> None:
    assert sorted(p.name for p in (FIXTURES / "bad").iterdir()) == sorted(BAD_FILES)


@pytest.mark.parametrize(("name", "expected"), BAD_FILES.items(), ids=list(BAD_FILES))
def test_bad_file_is_reported_with_location(name: str, expected: str) -> None:
    assert error_of(name) == expected


def test_alias_bomb_is_refused() -> None:
    """Refused before expansion (a hang would stop the suite; tests do not time things)."""
    assert "alias" in error_of("alias-bomb.yaml")


def test_whitespace_only_is_empty_and_comments_are_no_content() -> None:
    with pytest.raises(ConfigError, match=r"^f\.yaml:1:1: file is empty$"):
        load_document("  \n\n", "f.yaml")
    with pytest.raises(ConfigError, match=r"file has no content \(only comments\)$"):
        load_document("\n# version: 1\n   # pools: {}\n", "f.yaml")


def test_too_many_aliases_points_at_the_alias_that_crosses_the_limit() -> None:
    text = "scope: &s openid\nscopes:\n" + "  - *s\n" * 100 + "other: {x: *s}\n"
    with pytest.raises(ConfigError) as raised:
        load_document(text, "f.yaml")
    assert str(raised.value) == (
        "f.yaml:103:12: other.x: too many aliases: more than 100 in one file"
    )


def test_alias_location_falls_back_to_the_anchor_after_a_skipped_value() -> None:
    # The duplicate key's value is not built, so its alias is never reached: counting
    # aliases in the text would point at the wrong one.
    text = "a: &s openid\na: *s\nscopes:\n" + "  - *s\n" * 101
    with pytest.raises(ConfigError) as raised:
        load_document(text, "f.yaml")
    assert str(raised.value) == "f.yaml:1:4: scopes[100]: too many aliases: more than 100 in one file"


def test_up_to_the_alias_limit_is_accepted() -> None:
    text = "scope: &s openid\nscopes:\n" + "  - *s\n" * 100
    assert load_document(text, "f.yaml").data["scopes"] == ["openid"] * 100


def test_nesting_too_deep_is_refused_without_recursion_error() -> None:
    text = "".join("  " * level + f"k{level}:\n" for level in range(250)) + "  " * 250 + "x\n"
    with pytest.raises(ConfigError, match="nesting is deeper than 200 levels"):
        load_document(text, "deep.yaml")


def test_tab_inside_block_scalar_indentation_is_named() -> None:
    with pytest.raises(ConfigError) as raised:
        load_document("Message: |\n  \tHello\n", "f.yaml")
    assert str(raised.value) == "f.yaml:2:3: tabs are not allowed for indentation; use spaces"


def test_tab_as_separator_after_a_key_is_fine() -> None:
    assert load_document("Domain:\tcustomers\n", "f.yaml").data == {"Domain": "customers"}


def test_invalid_utf8_column_counts_characters_not_bytes() -> None:
    with pytest.raises(ConfigError) as raised:
        load_document("a: héé".encode() + b"\xff\n", "f.yaml")
    assert str(raised.value) == "f.yaml:1:7: file is not valid UTF-8 (byte 0xff at offset 8)"


def test_utf8_byte_order_mark_is_accepted() -> None:
    document = load_document(b"\xef\xbb\xbfversion: 1\n", "f.yaml")
    assert document.data == {"version": 1}
    assert document.locations[("version",)] == Location("f.yaml", 1, 1)


def test_data_is_plain_python() -> None:
    document = load_fixture("good/locations.yaml")
    prod = document.data["pools"]["customers-prod"]
    assert prod["settings"]["Policies"] == {"PasswordPolicy": {"MinimumLength": 12}}
    assert type(document.data) is dict
    assert type(prod["settings"]["UsernameAttributes"]) is list


def test_aliases_expand_to_independent_copies() -> None:
    pools = load_fixture("good/locations.yaml").data["pools"]
    prod, dev = pools["customers-prod"]["settings"], pools["customers-dev"]["settings"]
    assert dev["Schema"] == prod["Schema"]
    assert dev["UserPoolTags"] is not prod["UserPoolTags"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # YAML 1.2 booleans: the Cognito enum value OFF must stay a string.
        ("v: OFF", "OFF"),
        ("v: on", "on"),
        ("v: yes", "yes"),
        ("v: true", True),
        ("v: False", False),
        ("v: 12", 12),
        ("v: 1.5", 1.5),
        ("v: ~", None),
        ("v:", None),
        ("v: '12'", "12"),
        # Dates stay strings: no datetime leaks into the data.
        ("v: 2024-01-31", "2024-01-31"),
        ("v: !!str 12", "12"),
        ("v: <<", "<<"),
    ],
)
def test_scalar_types(text: str, expected: Any) -> None:
    value = load_document(text, "f.yaml").data["v"]
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize(
    ("path", "line", "column"),
    [
        (("version",), 2, 1),
        (("pools",), 3, 1),
        (("pools", "customers-prod"), 4, 3),
        (("pools", "customers-prod", "settings", "UsernameAttributes"), 7, 7),
        (("pools", "customers-prod", "settings", "UsernameAttributes", 0), 7, 28),
        (("pools", "customers-prod", "settings", "Policies", "PasswordPolicy", "MinimumLength"), 10, 11),
        (("pools", "customers-prod", "settings", "AccountRecoverySetting", "RecoveryMechanisms", 0), 13, 13),
        (("pools", "customers-prod", "settings", "AccountRecoverySetting", "RecoveryMechanisms", 0, "Priority"), 14, 13),
        (("pools", "customers-prod", "settings", "AccountRecoverySetting", "RecoveryMechanisms", 1), 15, 13),
        (("pools", "customers-prod", "settings", "AccountRecoverySetting", "RecoveryMechanisms", 1, "Priority"), 15, 43),
        (("pools", "customers-prod", "mfa", "MfaConfiguration"), 21, 7),
        (("pools", "customers-dev", "settings", "EmailVerificationMessage"), 27, 7),
        # Inside an alias, locations point at the anchored text the value comes from.
        (("pools", "customers-dev", "settings", "Schema", 0, "Name"), 17, 20),
        (("pools", "customers-dev", "settings", "UserPoolTags", "team"), 19, 9),
    ],
)  # fmt: skip
def test_locations_of_keys_and_list_items(
    path: tuple[str | int, ...], line: int, column: int
) -> None:
    document = load_fixture("good/locations.yaml")
    assert document.locations[path] == Location("good/locations.yaml", line, column)


def test_locate_falls_back_to_the_nearest_ancestor_then_the_file_start() -> None:
    document = load_fixture("good/locations.yaml")
    missing = ("pools", "customers-prod", "settings", "Policies", "PasswordPolicy", "NoSuchKey")
    assert document.locate(missing) == Location("good/locations.yaml", 9, 9)
    assert document.locate(("nothing", "here")) == Location("good/locations.yaml", 1, 1)
    assert document.locate(()) == Location("good/locations.yaml", 1, 1)


def test_dump_is_block_style_in_insertion_order() -> None:
    data = {
        "version": 1,
        "pools": {
            "zeta": {
                "region": "eu-west-1",
                "settings": {
                    "UsernameAttributes": ["email"],
                    "Schema": [{"Name": "email", "Required": True}],
                    "EmailVerificationMessage": "Hello\nYour code is {####}\n",
                },
                "mfa": {"MfaConfiguration": "OFF"},
            },
        },
    }
    assert dump_yaml(data) == (
        "version: 1\n"
        "pools:\n"
        "  zeta:\n"
        "    region: eu-west-1\n"
        "    settings:\n"
        "      UsernameAttributes:\n"
        "        - email\n"
        "      Schema:\n"
        "        - Name: email\n"
        "          Required: true\n"
        "      EmailVerificationMessage: |\n"
        "        Hello\n"
        "        Your code is {####}\n"
        "    mfa:\n"
        "      MfaConfiguration: 'OFF'\n"
    )


@pytest.mark.parametrize(
    "data",
    [
        load_document((FIXTURES / "good" / "locations.yaml").read_bytes(), "f").data,
        {
            "strings": [
                "on",
                "no",
                "1:30",
                "2024-01-01",
                "",
                " padded ",
                "${env:X}",
                "tab\there",
                "ünïcode",
                "two\nlines\n",
                "no\nfinal newline",
            ]
        },
        {"numbers": [0, -1, 1.5, 10**20], "flags": [True, False, None], "empty": {}, "none": []},
    ],
)
def test_dump_round_trips(data: dict[str, Any]) -> None:
    assert load_document(dump_yaml(data), "f.yaml").data == data


# --- Numbers too long to read ----------------------------------------------------------
#
# Python refuses to convert an int of more than 4,300 digits (ValueError "Exceeds the
# limit"): such a number must become a located problem, never a traceback, and no message
# may repeat it whole.

BIG = "9" * 5000
TOO_LARGE = "integer too large (more than 100 digits); quote it if it is text"
TOO_LONG = "number too long (more than 100 digits); quote it if it is text"


def load_error(text: str) -> str:
    with pytest.raises(ConfigError) as raised:
        load_document(text, "f.yaml")
    return str(raised.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"groups:\n  admins: {{Precedence: {BIG}}}\n", f"f.yaml:2:24: groups.admins.Precedence: {TOO_LARGE}"),
        (f"v: -{BIG}\n", f"f.yaml:1:4: v: {TOO_LARGE}"),
        (f"v: +{BIG[:101]}\n", f"f.yaml:1:4: v: {TOO_LARGE}"),
        (f"v: !!int {BIG}\n", f"f.yaml:1:4: v: {TOO_LARGE}"),
        (f"v: 0x{'f' * 5000}\n", f"f.yaml:1:4: v: {TOO_LARGE}"),
        (f"v: 0{'7' * 5000}\n", f"f.yaml:1:4: v: {TOO_LARGE}"),
        (f"v: 0o{'7' * 5000}\n", f"f.yaml:1:4: v: {TOO_LARGE}"),
        # few digits, a large value: hexadecimal
        (f"v: 0x{'f' * 90}\n", f"f.yaml:1:4: v: {TOO_LARGE}"),
        (f"v: !!int 0x{'f' * 5000}\n", f"f.yaml:1:4: v: {TOO_LARGE}"),
        (f"v: {BIG}.5\n", f"f.yaml:1:4: v: {TOO_LONG}"),
        (f"v: 0.{BIG}e+10\n", f"f.yaml:1:4: v: {TOO_LONG}"),
        (f"v: !!float {BIG}.0\n", f"f.yaml:1:4: v: {TOO_LONG}"),
        (f"list:\n  - {BIG}\n", f"f.yaml:2:5: list[0]: {TOO_LARGE}"),
        (f"a: [1, {BIG}]\n", f"f.yaml:1:8: a[1]: {TOO_LARGE}"),
        # as a key: one problem, not also "mapping keys must be strings"
        (f"tags:\n  ? {BIG}\n  : x\n", f"f.yaml:2:5: tags: {TOO_LARGE}"),
        (f"tags:\n  ? {BIG}.5\n  : x\n", f"f.yaml:2:5: tags: {TOO_LONG}"),
    ],
    ids=[
        "flow-value", "negative", "plus", "explicit-int", "hex", "leading-zero", "octal",
        "short-hex", "explicit-hex", "float", "float-exponent", "explicit-float", "list-item",
        "flow-list", "key", "float-key",
    ],
)  # fmt: skip
def test_a_number_too_long_is_a_located_problem(text: str, expected: str) -> None:
    assert load_error(text) == expected


def test_every_long_number_of_a_file_is_reported() -> None:
    text = f"a: {BIG}\nb: {BIG}.0\nc: ok\n"
    assert load_error(text) == f"f.yaml:1:4: a: {TOO_LARGE}\nf.yaml:2:4: b: {TOO_LONG}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9" * 100, int("9" * 100)),
        ("-" + "9" * 100, -int("9" * 100)),
        ("0x" + "f" * 83, 16**83 - 1),  # 100 decimal digits
        ("0o" + "7" * 100, 8**100 - 1),
        ("0." + "1" * 98, float("0." + "1" * 98)),
        ("99999999999", 99999999999),
        ("1.0e+400", float("inf")),
    ],
    ids=["100-digits", "negative", "hex", "octal", "float", "11-digits", "float-overflow"],
)
def test_numbers_up_to_100_digits_load(text: str, expected: Any) -> None:
    # Bounds are the schema's to check: no Cognito member takes more than 19 digits.
    value = load_document(f"v: {text}\n", "f.yaml").data["v"]
    assert value == expected
    assert type(value) is type(expected)


def test_a_long_text_that_is_no_number_is_quoted_short() -> None:
    message = load_error(f"v: !!int {'x' * 5000}\n")
    assert message == f'f.yaml:1:4: v: "{"x" * 57}..." is not a valid !!int'


def test_a_long_quoted_number_is_text() -> None:
    assert load_document(f"v: '{BIG}'\n", "f.yaml").data["v"] == BIG
    assert load_document(f"v: !!str {BIG}\n", "f.yaml").data["v"] == BIG


def test_a_long_plain_key_is_a_syntax_error_not_a_traceback() -> None:
    # YAML limits an implicit key to 1024 characters: libyaml refuses it as syntax.
    assert load_error(f"tags: {{{BIG}: x}}\n").startswith("f.yaml:1:")


# --- YAML 1.2's core schema, not YAML 1.1's (the table in yamlio's docstring) ---------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Text in YAML 1.2 that YAML 1.1 (PyYAML) reads as a number or a boolean.
        ("1:30", "1:30"),
        ("1_2", "1_2"),
        ("1_000.5", "1_000.5"),
        ("0b1010", "0b1010"),
        ("+0x1", "+0x1"),
        ("-0x1", "-0x1"),
        ("1:30.5", "1:30.5"),
        ("yes", "yes"),
        ("No", "No"),
        ("ON", "ON"),
        ("off", "off"),
        ("y", "y"),
        ("2001-12-14", "2001-12-14"),
        ("2001-12-14t21:59:43.10-05:00", "2001-12-14t21:59:43.10-05:00"),
        ("=", "="),
        ("0o", "0o"),
        ("0o8", "0o8"),
        ("0x", "0x"),
        ("0xg", "0xg"),
        ("nUll", "nUll"),
        ("tRUE", "tRUE"),
        (".iNf", ".iNf"),
        ("+.nan", "+.nan"),
        # Numbers in YAML 1.2.
        ("0o14", 12),
        ("0x1F", 31),
        ("0xff", 255),
        ("+12", 12),
        ("-0", 0),
        ("0", 0),
        ("1e3", 1000.0),
        ("1.5e3", 1500.0),
        ("-1E-2", -0.01),
        ("1.", 1.0),
        (".5", 0.5),
        ("+.5", 0.5),
        ("-.inf", float("-inf")),
        (".Inf", float("inf")),
        ("+.INF", float("inf")),
        # Booleans and null: only these spellings.
        ("True", True),
        ("FALSE", False),
        ("Null", None),
        ("NULL", None),
        ("~", None),
        ("", None),
    ],
)
def test_plain_scalars_resolve_as_in_the_yaml_1_2_core_schema(text: str, expected: Any) -> None:
    value = load_document(f"v: {text}\n", "f.yaml").data["v"]
    assert value == expected
    assert type(value) is type(expected)


def test_nan_is_a_float() -> None:
    value = load_document("v: .NaN\n", "f.yaml").data["v"]
    assert isinstance(value, float) and value != value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("014", '"014" has a leading zero: YAML 1.1 reads it as octal (12), YAML 1.2 as 14; '
                "write 14, or 0o14 for octal, or quote it if it is text"),
        ("-014", '"-014" has a leading zero: YAML 1.1 reads it as octal (-12), YAML 1.2 as '
                 "-14; write -14, or quote it if it is text"),
        ("08", '"08" has a leading zero: YAML 1.1 reads it as text, YAML 1.2 as 8; write 8, '
               "or quote it if it is text"),
        ("00", '"00" has a leading zero; write 0, or quote it if it is text'),
        ("!!int 014", '"014" has a leading zero: YAML 1.1 reads it as octal (12), YAML 1.2 as '
                      "14; write 14, or 0o14 for octal, or quote it if it is text"),
    ],
)
def test_a_leading_zero_is_refused_saying_both_readings(text: str, expected: str) -> None:
    assert load_error(f"v: {text}\n") == f"f.yaml:1:4: v: {expected}"


def test_a_quoted_leading_zero_is_text() -> None:
    assert load_document("v: '014'\nw: !!str 014\n", "f.yaml").data == {"v": "014", "w": "014"}


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("!!bool yes", "!!bool"),
        ("!!bool 1", "!!bool"),
        ("!!int 1_000", "!!int"),
        ("!!int 1:30", "!!int"),
        ("!!int 0b1", "!!int"),
        ("!!int ' 12'", "!!int"),
        ("!!int \u0661\u0662", "!!int"),  # Arabic-Indic digits: Python's int() takes them
        ("!!float 1_0.5", "!!float"),
        ("!!float 0x10", "!!float"),
        ("!!float infinity", "!!float"),
        ("!!null none", "!!null"),
    ],
)
def test_an_explicit_tag_must_fit_yaml_1_2(text: str, tag: str) -> None:
    value = text.split(" ", 1)[1].strip("'")
    assert load_error(f"v: {text}\n") == f'f.yaml:1:4: v: "{value}" is not a valid {tag}'


@pytest.mark.parametrize(
    ("text", "expected"),
    [("!!bool TRUE", True), ("!!int 0o17", 15), ("!!int -12", -12), ("!!float 1", 1.0),
     ("!!float .inf", float("inf")), ("!!null ~", None), ("!!null", None)],
)
def test_explicit_tags_on_yaml_1_2_forms(text: str, expected: Any) -> None:
    value = load_document(f"v: {text}\n", "f.yaml").data["v"]
    assert value == expected
    assert type(value) is type(expected)


def test_a_yaml_1_1_directive_is_refused_and_1_2_welcome() -> None:
    assert load_error("# comment\n%YAML 1.1\n---\nv: 1\n") == (
        "f.yaml:2:1: the file declares %YAML 1.1, but poolsync reads YAML 1.2 (where "
        "yes/no/on/off are strings, and 014, 1:30 and 1_000 are not numbers): write "
        "%YAML 1.2, or remove the directive"
    )
    assert load_document("%YAML 1.2\n---\nv: yes\n", "f.yaml").data == {"v": "yes"}


@pytest.mark.parametrize(
    "text",
    ["1e3", "0o14", "0x1F", "014", ".5", "1:30", "1_000", "0b1", "+0x1", "yes", "Off", "y",
     "~", "null", "", "2001-12-14", "-.inf", ".NaN", "true", "1.", "+12"],
)
def test_dump_quotes_what_either_yaml_version_reads_otherwise(text: str) -> None:
    """What dump_yaml writes loads back equal here (YAML 1.2) and is text for a YAML 1.1
    reader too."""
    dumped = dump_yaml({"v": text})
    assert load_document(dumped, "f.yaml").data == {"v": text}
    assert yaml.safe_load(dumped) == {"v": text}


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1:30", 90), ("1_000", 1000), ("0b1010", 10), ("+0x1", 1), ("1_000.5", 1000.5),
     ("12", None), ("014", None), ("0o14", None), ("yes", None), ("text", None),
     ("1" + ":59" * 40, None)],
)
def test_yaml11_number_says_what_yaml_1_1_would_read(text: str, expected: Any) -> None:
    assert yaml11_number(text) == expected


# --- Files found by walking a directory: poolsync's or not (load_document_if) ----------------

KEYS = ("version", "pools", "templates")


@pytest.mark.parametrize(
    "text",
    [
        b"on: push\njobs: {}\n",
        b"apiVersion: v1\n---\napiVersion: v1\n",
        b"base: &b {x: 1}\nother: {<<: *b}\n",
        b"Resources: !Ref x\n",
        b"- a\n",
        b"just text\n",
        b"",
        b"# only a comment\n",
        b"? [version]\n: 1\n",  # a list that holds the word is no key
        b"name: x\njobs: [\n",  # broken, and nothing in it says it is poolsync's
    ],
)
def test_another_tools_yaml_is_not_loaded(text: bytes) -> None:
    assert load_document_if(text, "f.yaml", KEYS) is None


def test_a_file_with_one_of_the_keys_is_loaded_and_checked() -> None:
    document = load_document_if(b"{pools: {}, extra: 1}\n", "f.yaml", KEYS)
    assert document is not None and document.data == {"pools": {}, "extra": 1}
    with pytest.raises(ConfigError, match="expected a single document"):
        load_document_if(b"version: 1\n---\nx: 1\n", "f.yaml", KEYS)
    with pytest.raises(ConfigError, match='tag "!Ref" is not allowed'):
        load_document_if(b"version: !Ref x\n", "f.yaml", KEYS)


@pytest.mark.parametrize(
    ("text", "expected"),
    [(b"a: \xff\n", "file is not valid UTF-8"), (b"a: \x00\n", "U+0000"),
     (b"version: 1\npools: [\n", "invalid YAML")],
)
def test_what_is_not_readable_yaml_is_reported_even_when_walked(
    text: bytes, expected: str
) -> None:
    with pytest.raises(ConfigError, match=re.escape(expected)):
        load_document_if(text, "f.yaml", KEYS)
