"""The JSON Schema of a config document, and validation against it with plain messages.

The only module that imports jsonschema. The schema file is generated from botocore's
Cognito model by ``scripts/gen_schema.py`` and shipped inside the package (a symlink to
``schema/poolsync.schema.json``), so nothing here imports boto3 or botocore.

``validate_document`` returns every problem of one loaded document, each with the path
of the offending key or value and no location: the caller maps paths to file:line:col.
"""

from __future__ import annotations

import difflib
import functools
import json
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path as FilePath
from typing import Any

from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import ValidationError, best_match
from jsonschema.protocols import Validator

from poolsync.model import Path, Problem
from poolsync.yamlio import yaml11_number

SCHEMA_FILE = FilePath(__file__).parent / "poolsync.schema.json"

# ``${env:NAME}`` (README, "The config format"). NAME is an environment variable name as
# POSIX shells take it: letters, digits and "_", not starting with a digit.
ENV_REFERENCE = re.compile(r"\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
REFERENCE_START = "${"
ENV_ONLY_IN_STRINGS = "${env:...} can only stand in a string value"

# Checks a string that holds a reference cannot pass or fail before substitution.
_CHECKS_OF_THE_TEXT = frozenset({"enum", "const", "pattern", "minLength", "maxLength", "format"})
SENSITIVE = "(sensitive)"
_SHOWN_TEXT_LIMIT = 60


@functools.cache
def schema_text() -> str:
    """The schema file's exact text (what ``poolsync schema`` prints)."""
    return SCHEMA_FILE.read_text(encoding="utf-8")


@functools.cache
def load_schema() -> dict[str, Any]:
    """The schema as a value. Cached and shared: do not mutate it."""
    schema: dict[str, Any] = json.loads(schema_text())
    return schema


@functools.cache
def _validator() -> Validator:
    # Validating against a copy with every $ref inlined is 2-3x faster than resolving
    # references per instance (200 pools: ~0.07 s instead of ~0.17 s).
    schema = load_schema()
    return _PoolsyncValidator(_inline_refs(schema, schema.get("$defs", {}), ()))


def fits(key: str, value: Any) -> bool:
    """Whether a pool's ``key`` as written has the schema's shape, as ``validate`` judges
    it (``${env:...}`` references and what the rules report left to them): the offline
    rules of a kind see only such values (their schema problems are reported as such),
    so no rule meets a number where the schema says a list (an internal error, before
    this)."""
    document = {"pools": {"p": {key: value}}}
    return not any(f.path[:3] == ("pools", "p", key) for f in _all_findings(document,
                                                                              frozenset()))


def _is_integer(checker: Any, instance: Any) -> bool:
    """A whole number written as one: 3.0 is not an integer here, nor is true.

    JSON Schema counts 3.0 as an integer (Draft 2020-12 §6.1.1); botocore refuses a float
    where the model says integer ("Invalid type for parameter ...", botocore/validate.py),
    so ``Precedence: 3.0`` would pass validate and fail mid-apply.
    """
    return isinstance(instance, int) and not isinstance(instance, bool)


def _ecma_pattern(
    validator: Any, pattern: str, instance: Any, schema: Any
) -> Iterator[ValidationError]:
    """The ``pattern`` keyword with ``$`` read as ECMA-262 (JSON Schema's regex dialect)
    and Java read it: the end of the text. Python's ``$`` also matches before a final
    newline, so "prod\\n" would pass ``^[a-z]+$``; AWS matches the whole value."""
    if isinstance(instance, str) and not _ecma_regex(pattern).search(instance):
        yield ValidationError(f"the value does not match {pattern!r}")


@functools.cache
def _ecma_regex(pattern: str) -> re.Pattern[str]:
    """``pattern`` compiled with each ``$`` outside a character class as ``\\Z``."""
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "$":
            char = r"\Z"
        out.append(char)
        i += 1
    return re.compile("".join(out))


_PoolsyncValidator: type[Validator] = validators.extend(  # type: ignore[no-untyped-call]
    Draft202012Validator,
    validators={"pattern": _ecma_pattern},
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine("integer", _is_integer),
)


_LOCAL_REF = "#/$defs/"


def _inline_refs(node: Any, defs: Mapping[str, Any], inlining: tuple[str, ...]) -> Any:
    """``node`` with each local ``$ref`` replaced by its target (siblings such as
    ``description`` kept). A recursive reference is left as it is: ``$defs`` stays."""
    if isinstance(node, list):
        return [_inline_refs(item, defs, inlining) for item in node]
    if not isinstance(node, Mapping):
        return node
    out = {key: _inline_refs(value, defs, inlining) for key, value in node.items() if key != "$ref"}
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith(_LOCAL_REF):
        name = ref.removeprefix(_LOCAL_REF)
        if name in defs and name not in inlining:
            return {**_inline_refs(defs[name], defs, (*inlining, name)), **out}
    if ref is not None:
        out["$ref"] = ref
    return out


def validate_document(data: Any, secrets: frozenset[str] = frozenset()) -> list[Problem]:
    """Every schema problem of one loaded document, with paths and no locations.

    Strings holding a ``${env:...}`` reference skip the checks of their text (their
    value is unknown offline); the caller validates again after substitution, passing
    the substituted values as ``secrets`` so no message quotes one.
    """
    return _problems(_all_findings(data, secrets))


def validate_fragments(data: Any, secrets: frozenset[str] = frozenset()) -> list[Problem]:
    """Like ``validate_document``, for parts of a document that are not whole pools:
    templates (and pools whose template is unknown). Every member is optional there,
    since the pool that uses a template may write what it lacks; everything else
    (types, enums, unknown keys, ...) is checked as usual. The merged pools are checked
    whole by ``validate_document``."""
    return _problems(f for f in _all_findings(data, secrets) if f.keyword != "required")


def _all_findings(data: Any, secrets: frozenset[str]) -> list[_Finding]:
    found = [*_reference_findings(data, ()), *_key_reference_findings(data, ())]
    checked = _quotable(data) if _holds_long_int(data) else data
    for error in _validator().iter_errors(checked):
        found.extend(_findings(error, secrets))
    return found


# --- Integers too long to quote ----------------------------------------------------------
#
# No Cognito member takes an integer beyond 64 bits (19 digits). A longer one is quoted
# by its number of digits: thousands of digits help no one, and Python refuses to write
# an int of more than 4,300 digits at all (ValueError "Exceeds the limit", Python 3.11's
# int_max_str_digits), which jsonschema does when it builds its own messages.

_LONG_INT = 10**20


def _digits(value: int) -> int:
    """How many decimal digits ``value`` has, without writing it out."""
    magnitude = abs(value)
    digits = max(1, int(magnitude.bit_length() * math.log10(2)))
    while 10**digits <= magnitude:
        digits += 1
    while digits > 1 and 10 ** (digits - 1) > magnitude:
        digits -= 1
    return digits


def _int_text(value: int) -> str:
    """``12``, or ``a 5000-digit integer`` for one beyond any 64-bit integer."""
    if abs(value) < _LONG_INT:
        return int.__repr__(value)
    return f"a {_digits(value)}-digit integer"


class _LongInt(int):
    """An integer that prints as ``a N-digit integer``, wherever a message quotes it."""

    def __repr__(self) -> str:
        return _int_text(self)

    def __str__(self) -> str:
        return _int_text(self)

    def __format__(self, spec: str) -> str:
        return _int_text(self)


def _is_long_int(value: Any) -> bool:
    return type(value) is int and abs(value) >= _LONG_INT


def _holds_long_int(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_holds_long_int(item) for item in value.values())
    if isinstance(value, list):
        return any(_holds_long_int(item) for item in value)
    return _is_long_int(value)


def _quotable(value: Any) -> Any:
    """A copy of ``value`` with each integer beyond ``_LONG_INT`` made a ``_LongInt``."""
    if isinstance(value, dict):
        return {key: _quotable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_quotable(item) for item in value]
    return _LongInt(value) if _is_long_int(value) else value


# What the text of a string holds, left to right, as ``config`` reads it: ``$${`` (the
# escape for a literal ``${``, as in Terraform) or a ``${...}`` (closed or not).
_REFERENCE_TOKEN = re.compile(r"\$\$\{|\$\{(?P<body>[^}]*)(?P<close>\}?)")


def malformed_references(text: str) -> list[str]:
    """A message for each ``${...}`` in ``text`` that is not a well-formed ``${env:NAME}``.

    ``$${`` is the escape for a literal ``${``: what follows it is text, never checked.
    """
    out: list[str] = []
    for token in _REFERENCE_TOKEN.finditer(text):
        body = token.group("body")
        if body is None:  # "$${": the escape
            continue
        if not token.group("close"):
            out.append(f'{_malformed(token.group())} is not closed with "}}"')
            break
        reason = _reference_fault(body)
        if reason:
            out.append(f"{_malformed(token.group())}: {reason}")
    return out


def _holds_reference(text: str) -> bool:
    """True when ``text`` has a ``${`` that is not the escape ``$${``."""
    return any(token.group("body") is not None for token in _REFERENCE_TOKEN.finditer(text))


def _malformed(reference: str) -> str:
    return f"malformed ${{env:...}} reference: {json.dumps(reference, ensure_ascii=False)}"


def _reference_fault(body: str) -> str:
    kind, colon, name = body.partition(":")
    if kind != "env" or not colon:
        return "only ${env:NAME} is supported"
    if not name:
        return "the variable name is missing"
    if not _ENV_NAME.fullmatch(name):
        return 'a variable name has only letters, digits and "_", and does not start with a digit'
    return ""


# --- Findings: (path, keyword, message) before they become Problems --------------------


@dataclass(frozen=True)
class _Finding:
    path: Path
    keyword: str
    message: str


# Where a value is a secret by kind, however it is written (README, "Plans, apply and
# safety": secrets): a client's ClientSecret, a provider's client_secret and Apple's
# private_key. No message quotes any part of it, ${env:...} or not.
_SECRET_FIELDS = (("clients", None, "ClientSecret"),
                  ("identity_providers", None, "ProviderDetails", "client_secret"),
                  ("identity_providers", None, "ProviderDetails", "private_key"))


def is_secret_field(path: Path) -> bool:
    """Whether ``path`` (in a document: ``pools.P.clients.C.ClientSecret``, or in a
    template) is a field whose value is a secret by kind: the fields above, and each
    self-planning kind's ``secret_paths`` below one of its items."""
    return any(
        len(path) >= len(shape) and all(
            want is None or want == got for want, got in zip(shape, path[-len(shape):],
                                                             strict=True))
        for shape in (*_SECRET_FIELDS, *_part_secret_fields())
    )


@functools.cache
def _part_secret_fields() -> tuple[tuple[str | None, ...], ...]:
    from poolsync.kinds import parts

    return tuple((part.key, None, *path) for part in parts() for path in part.secret_paths)


def _reference_findings(value: Any, path: Path) -> Iterator[_Finding]:
    if isinstance(value, str):
        for message in malformed_references(value):
            if is_secret_field(path):  # the text after "${" is part of the secret
                message = ("a malformed ${env:...} reference (not shown: the value is a "
                           "secret); write ${env:NAME}, or $${ for a literal ${")
            yield _Finding(path, "reference", message)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _reference_findings(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _reference_findings(item, (*path, index))


KEY_REFERENCE = (
    "${env:...} cannot stand in a key: keys are names, written as they are (only values"
    " are substituted)"
)


def _key_reference_findings(value: Any, path: Path) -> Iterator[_Finding]:
    """A mapping key holding a ``${env:...}`` reference: keys are never substituted, so
    a pool, a client or a tag would be named ``${env:X}`` literally. Reported as the
    key's type problem, which silences the key's other findings (pattern, unknown key)."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            if isinstance(key, str) and _holds_reference(key):
                yield _Finding((*path, key), "type", KEY_REFERENCE)
            yield from _key_reference_findings(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _key_reference_findings(item, (*path, index))


@dataclass(frozen=True)
class _Error:
    """What poolsync reads of a jsonschema error (its attributes are typed loosely)."""

    keyword: str
    value: Any  # the keyword's value in the schema
    instance: Any
    schema: Mapping[str, Any]
    path: Path
    schema_path: tuple[str | int, ...]
    message: str
    about_key: bool = False  # the instance is a mapping key (propertyNames)


def _plain(error: ValidationError) -> _Error:
    schema = error.schema
    return _Error(
        keyword=str(error.validator),
        value=error.validator_value,
        instance=error.instance,
        schema=schema if isinstance(schema, Mapping) else {},
        path=tuple(error.absolute_path),
        schema_path=tuple(error.absolute_schema_path),
        message=error.message,
    )


def _findings(error: ValidationError, secrets: frozenset[str]) -> Iterator[_Finding]:
    if error.context:
        # oneOf/anyOf: report the branch that got furthest, not every branch's complaint;
        # never the null branch of a nullable member when the value is not null (a CSS
        # too long said "expected null, got a string").
        branches = [e for e in error.context
                    if error.instance is None or e.validator_value != "null"
                    or e.validator != "type"]
        best = best_match(branches or error.context)
        if best is not None:
            yield from _findings(best, secrets)
            return
    yield from _findings_of(_plain(error), secrets)


def _findings_of(error: _Error, secrets: frozenset[str]) -> Iterator[_Finding]:
    path, keyword = error.path, error.keyword
    if is_secret_field(path) and isinstance(error.instance, str):
        # A secret written in the file is a secret all the same: never quoted.
        secrets = secrets | {error.instance}
        if keyword not in _FORMATTERS:  # jsonschema's own message quotes the value
            yield _Finding(path, keyword, "the value is not valid here (not shown: it "
                                          "is a secret)")
            return
    if "propertyNames" in error.schema_path:
        # jsonschema reports a bad key at its mapping; point at the key itself.
        key = error.instance
        for message in _messages(replace(error, about_key=True), secrets):
            yield _Finding((*path, key), keyword, f"invalid key {_show(key)}: {message}")
        return
    if _reported_by_rules(error, secrets):
        return
    if isinstance(error.instance, str) and REFERENCE_START in error.instance:
        if keyword in ("const", "enum") and _holds_reference(error.instance) and not any(
            isinstance(allowed, str) for allowed in _allowed_values(error)
        ):
            # version: ${env:V}: no text can be the number 1, whatever V holds.
            yield _Finding(path, "type", ENV_ONLY_IN_STRINGS)
            return
        # Text with "${" is checked after substitution (even when every "${" is an
        # escaped "$${": the text checked here is not yet unescaped).
        if keyword in _CHECKS_OF_THE_TEXT:
            return
        if keyword == "type" and _holds_reference(error.instance):
            yield _Finding(path, keyword, ENV_ONLY_IN_STRINGS)
            return
    if keyword == "additionalProperties":
        yield from _unknown_keys(error)
        return
    for message in _messages(error, secrets):
        yield _Finding(path, keyword, message)


def _allowed_values(error: _Error) -> list[Any]:
    """The values a ``const`` or ``enum`` keyword allows."""
    return [error.value] if error.keyword == "const" else list(error.value)


def _messages(error: _Error, secrets: frozenset[str]) -> list[str]:
    formatter = _FORMATTERS.get(error.keyword)
    if formatter is None:
        return [error.message]
    return formatter(error, secrets)


def _unknown_keys(error: _Error) -> Iterator[_Finding]:
    path = error.path
    properties = _mapping(error.schema.get("properties"))
    known = [str(k) for k in properties]
    for key in error.instance:
        if key in properties:
            continue
        hint = _MOVED.get((path[-1:], key)) if path else None
        message = f"unknown key {_show(key)}{hint or _suggestion(str(key), known)}"
        yield _Finding((*path, key), "additionalProperties", message)


# CreateUserPool members poolsync takes elsewhere: the pointer beats a "did you mean".
_MOVED: dict[tuple[tuple[str | int, ...], object], str] = {
    (("settings",), "MfaConfiguration"): (
        " (MFA is set under the pool's mfa: key, e.g. mfa: {MfaConfiguration: OPTIONAL}: "
        "only SetUserPoolMfaConfig can turn MFA on)"),
    (("settings",), "PoolName"): " (the pool's name is its key under pools:)",
}


# Limits that rules.py reports with a message naming the rule, at the same path: the
# schema's generic message would say the same thing a second time. ``_ANY`` stands for
# any key or list index. A value from ``${env:...}`` is checked by the schema alone (the
# rules read the file as written), so its findings are kept.
_ANY = object()
_RULE_REPORTED: tuple[tuple[tuple[object, ...], frozenset[str]], ...] = (
    # rules.too_many_custom_attributes: "at most 50 custom attributes (got 51)"
    (("pools", _ANY, "settings", "Schema"), frozenset({"maxItems"})),
    # rules.custom_attribute_name_length: 20 characters without "custom:" (the schema
    # allows 27 to make room for the prefix, so its message would mislead)
    (("pools", _ANY, "settings", "Schema", _ANY, "Name"), frozenset({"maxLength"})),
    # rules.token_validity: the range in effective units, not in raw numbers
    *(
        (("pools", _ANY, "clients", _ANY, member), frozenset({"minimum", "maximum"}))
        for member in ("AccessTokenValidity", "IdTokenValidity", "RefreshTokenValidity")
    ),
)


def _reported_by_rules(error: _Error, secrets: frozenset[str]) -> bool:
    if isinstance(error.instance, str) and error.instance in secrets:
        return False
    return any(
        error.keyword in keywords
        and len(error.path) == len(pattern)
        and all(want is _ANY or want == got for want, got in zip(pattern, error.path, strict=True))
        for pattern, keywords in _RULE_REPORTED
    )


def _suggestion(key: str, known: list[str]) -> str:
    by_folded = {k.lower(): k for k in known}
    close = difflib.get_close_matches(key.lower(), list(by_folded), n=1, cutoff=0.6)
    if close:
        return f' (did you mean "{by_folded[close[0]]}"?)'
    if 0 < len(known) <= 6:
        return f" (allowed: {', '.join(sorted(known))})"
    return ""


# --- Messages per JSON Schema keyword ---------------------------------------------------

_Formatter = Callable[[_Error, frozenset[str]], list[str]]

_TYPE_NOUNS = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean",
    "object": "a mapping",
    "array": "a list",
    "null": "null",
}


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _type_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"a {type(value).__name__}"


def _show(value: Any, secrets: frozenset[str] = frozenset()) -> str:
    """A value as a message quotes it: YAML-like scalars, long text cut, secrets hidden."""
    if isinstance(value, str):
        if value in secrets:
            return SENSITIVE
        if len(value) > _SHOWN_TEXT_LIMIT:
            value = value[: _SHOWN_TEXT_LIMIT - 3] + "..."
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int):
        return _int_text(value)
    if isinstance(value, float):
        return str(value)
    return _type_of(value)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _got(value: Any, secrets: frozenset[str]) -> str:
    """`` (got <value>)``, or nothing for a secret: "(got (sensitive))" tells nothing."""
    if isinstance(value, str) and value in secrets:
        return ""
    return f" (got {_show(value)})"


# Words YAML 1.1 (and so many editors and tutorials) reads as booleans; poolsync reads
# YAML 1.2, where they are strings (yamlio.py).
_YAML11_BOOLEAN_WORDS = frozenset(
    spelling(word)
    for word in ("y", "yes", "n", "no", "on", "off")
    for spelling in (str.lower, str.title, str.upper)
)


def _type(error: _Error, secrets: frozenset[str]) -> list[str]:
    expected = error.value
    wanted = [expected] if isinstance(expected, str) else list(expected)
    nouns = " or ".join(_TYPE_NOUNS.get(t, t) for t in wanted)
    got, instance = _type_of(error.instance), error.instance
    if "integer" in wanted and "number" not in wanted and _whole_float(instance):
        # 3.0: the API refuses the decimal point (botocore: "Invalid type for parameter").
        return [f"expected {nouns}, got {instance}: write {int(instance)}, without a decimal point"]
    old = yaml11_number(instance) if isinstance(instance, str) and instance not in secrets else None
    if old is not None and {"integer", "number"} & set(wanted):
        # 1:30, 1_000, 0b1010: numbers in YAML 1.1, text in YAML 1.2 (yamlio).
        return [
            f"expected {nouns}, got the string {_show(instance)}: YAML 1.1 reads it as {old},"
            f" but poolsync reads YAML 1.2, where it is text: write {old}"
        ]
    if wanted != ["boolean"] or not isinstance(instance, str):
        return [f"expected {nouns}, got {got}"]
    if instance in _YAML11_BOOLEAN_WORDS and instance not in secrets:
        return [
            f"expected a boolean, got the string {_show(instance)}: write true or false "
            "(poolsync reads YAML 1.2, where yes, no, on and off are strings)"
        ]
    return ["expected a boolean, got a string: write true or false"]


def _whole_float(value: Any) -> bool:
    """A float such as 3.0, small enough to say which integer to write instead."""
    return isinstance(value, float) and value.is_integer() and abs(value) < _LONG_INT


def _enum(error: _Error, secrets: frozenset[str]) -> list[str]:
    choices = ", ".join(str(c) for c in error.value)
    return [f"must be one of: {choices} (got {_show(error.instance, secrets)})"]


def _const(error: _Error, secrets: frozenset[str]) -> list[str]:
    return [f"must be {_show(error.value)} (got {_show(error.instance, secrets)})"]


def _minimum(error: _Error, secrets: frozenset[str]) -> list[str]:
    return [f"must be at least {error.value} (got {_show(error.instance)})"]


def _maximum(error: _Error, secrets: frozenset[str]) -> list[str]:
    return [f"must be at most {error.value} (got {_show(error.instance)})"]


def _length(error: _Error, secrets: frozenset[str]) -> str:
    """`` (got N)`` for a string's length; nothing for a secret."""
    text = error.instance
    return "" if not isinstance(text, str) or text in secrets else f" (got {len(text)})"


def _min_length(error: _Error, secrets: frozenset[str]) -> list[str]:
    if error.value == 1:
        return ["must not be empty"]
    return [f"must be at least {_plural(error.value, 'character')}{_length(error, secrets)}"]


def _max_length(error: _Error, secrets: frozenset[str]) -> list[str]:
    return [f"must be at most {_plural(error.value, 'character')}{_length(error, secrets)}"]


def _min_items(error: _Error, secrets: frozenset[str]) -> list[str]:
    return [f"must have at least {_plural(error.value, 'item')}"]


def _max_items(error: _Error, secrets: frozenset[str]) -> list[str]:
    got = len(error.instance)
    return [f"must have at most {_plural(error.value, 'item')} (got {got})"]


def _min_properties(error: _Error, secrets: frozenset[str]) -> list[str]:
    return [f"must have at least {_plural(error.value, 'key')}"]


def _max_properties(error: _Error, secrets: frozenset[str]) -> list[str]:
    got = len(error.instance)
    return [f"must have at most {_plural(error.value, 'key')} (got {got})"]


def _pattern(error: _Error, secrets: frozenset[str]) -> list[str]:
    # Name what the pattern stands for when the schema says it (x-pattern-name), else
    # quote the pattern AWS documents when the generator had to translate it.
    name = error.schema.get("x-pattern-name")
    shown = error.schema.get("x-aws-pattern", error.value)
    head = f"must be {name}" if isinstance(name, str) else f"does not match the pattern {shown}"
    notes = [] if error.about_key else [_got(error.instance, secrets).strip(" ()")]
    hint = error.schema.get("x-pattern-hint")
    if isinstance(hint, str):
        notes.append(hint)
    examples = error.schema.get("examples")
    if isinstance(examples, list) and examples:
        notes.append(f"for example {examples[0]}")
    detail = "; ".join(note for note in notes if note)
    return [head + (f" ({detail})" if detail else "")]


def _required(error: _Error, secrets: frozenset[str]) -> list[str]:
    # x-required-hint: why the key is required there (a custom attribute needs its type).
    hint = error.schema.get("x-required-hint")
    note = f" ({hint})" if isinstance(hint, str) else ""
    return [
        f'missing required key "{key}"{note}' for key in error.value if key not in error.instance
    ]


_FORMATTERS: dict[str, _Formatter] = {
    "type": _type,
    "enum": _enum,
    "const": _const,
    "minimum": _minimum,
    "maximum": _maximum,
    "minLength": _min_length,
    "maxLength": _max_length,
    "minItems": _min_items,
    "maxItems": _max_items,
    "minProperties": _min_properties,
    "maxProperties": _max_properties,
    "pattern": _pattern,
    "required": _required,
}


# --- Findings -> Problems ---------------------------------------------------------------


def _problems(found: Iterable[_Finding]) -> list[Problem]:
    """One Problem per distinct (path, message), sorted by path (stable).

    A value of the wrong type gets only its type error: its enum, pattern or length
    messages would be noise.
    """
    findings = list(found)
    mistyped = {f.path for f in findings if f.keyword == "type"}
    seen: set[tuple[Path, str]] = set()
    out: list[Problem] = []
    for f in findings:
        if f.path in mistyped and f.keyword not in ("type", "reference"):
            continue
        if (f.path, f.message) in seen:
            continue
        seen.add((f.path, f.message))
        out.append(Problem(f.message, f.path))
    return sorted(out, key=lambda p: _path_key(p.path))


def _path_key(path: Path) -> tuple[tuple[int, str, int], ...]:
    return tuple((1, "", p) if isinstance(p, int) else (0, str(p), 0) for p in path)
