"""yamlio: plain data with locations in, located problems out, never a traceback."""

from __future__ import annotations

from pathlib import Path as FsPath
from typing import Any

import pytest

from poolsync.errors import ConfigError
from poolsync.model import Location
from poolsync.yamlio import Document, dump_yaml, load_document

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
        (f"v: +{BIG[:50]}_{BIG[:51]}\n", f"f.yaml:1:4: v: {TOO_LARGE}"),
        (f"v: !!int {BIG}\n", f"f.yaml:1:4: v: {TOO_LARGE}"),
        (f"v: 0x{'f' * 5000}\n", f"f.yaml:1:4: v: {TOO_LARGE}"),
        (f"v: 0{'7' * 5000}\n", f"f.yaml:1:4: v: {TOO_LARGE}"),
        (f"v: 0b{'1' * 5000}\n", f"f.yaml:1:4: v: {TOO_LARGE}"),
        # few digits, a large value: hexadecimal and base 60
        (f"v: 0x{'f' * 90}\n", f"f.yaml:1:4: v: {TOO_LARGE}"),
        (f"v: 1{':59' * 40}\n", f"f.yaml:1:4: v: {TOO_LARGE}"),
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
        "flow-value", "negative", "underscores", "explicit-int", "hex", "octal", "binary",
        "short-hex", "base-60", "float", "float-exponent", "explicit-float", "list-item",
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
        ("9" + "_9" * 99, int("9" * 100)),  # "_" is no digit
        ("0x" + "f" * 83, 16**83 - 1),  # 100 decimal digits
        ("0." + "1" * 98, float("0." + "1" * 98)),
        ("99999999999", 99999999999),
        ("1.0e+400", float("inf")),
    ],
    ids=["100-digits", "negative", "underscores", "hex", "float", "11-digits", "float-overflow"],
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
