#!/usr/bin/env python3
"""Generate ``schema/poolsync.schema.json`` from botocore's Cognito service model.

    python scripts/gen_schema.py           # (re)write the checked-in schema
    python scripts/gen_schema.py --check   # exit 1 when the checked-in schema is stale

The schema describes one poolsync config document (README, "The config format"):
poolsync's own lower-case structure keys, and below ``settings`` and ``mfa`` the
Cognito API's request shapes with the API's own member names, types, enums, lengths and
patterns; below ``clients``, ``identity_providers``, ``domain``, ``groups`` and
``resource_servers`` the create operations' inputs, minus the pool id and the member
that is the item's key. ``templates`` holds pool bodies that pools name in ``template``
(every pool key but ``id``, ``region`` and ``template``; docs/environments.md, "Pool
templates"). botocore itself enforces none of ``max``, ``pattern`` or ``enum``
(botocore/validate.py checks only required, types and ``min``), so this schema is where
poolsync catches them before any API call.

This script is the only place poolsync imports botocore for the schema; the runtime
reads the generated JSON file.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import botocore
import botocore.session
from botocore.model import ListShape, MapShape, ServiceModel, Shape, StructureShape

from poolsync.kinds import parts

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_FILE = ROOT / "schema" / "poolsync.schema.json"

SCHEMA_ID = "urn:poolsync:config:v1"
DRAFT = "https://json-schema.org/draft/2020-12/schema"

SETTINGS_OPERATION = "CreateUserPool"
# PoolName is the pool's key in the file; MfaConfiguration lives under ``mfa`` because
# only SetUserPoolMfaConfig can turn MFA on (aws/aws-cdk #11478;
# aws-cloudformation/cloudformation-coverage-roadmap #1176).
SETTINGS_EXCLUDED = frozenset({"PoolName", "MfaConfiguration"})
MFA_OPERATION = "SetUserPoolMfaConfig"
# The pool id is resolved by poolsync, never written under ``mfa``.
MFA_EXCLUDED = frozenset({"UserPoolId"})

POOLSYNC_POOL = "poolsync.Pool"
POOLSYNC_TEMPLATE = "poolsync.Template"
POOLSYNC_TEMPLATE_NAME = "poolsync.TemplateName"
# A template is a pool body shared by pools (docs/environments.md, "Pool templates"):
# every pool key except these, which belong to one pool in one environment (and
# ``template``: one level only, no chains).
TEMPLATE_EXCLUDED = frozenset({"id", "region", "template"})
# Template names are poolsync's own (never sent to AWS): plain words, so that
# ``template: NAME`` needs no quoting.
TEMPLATE_NAME = {
    "type": "string",
    "minLength": 1,
    "maxLength": 128,
    "pattern": "^[A-Za-z0-9][A-Za-z0-9_.-]*$",
    "x-pattern-hint": 'letters, digits, ".", "_" and "-", starting with a letter or digit',
    "description": "A template's name, as pools name it in template.",
}
# A region poolsync connects to: a region of one of the AWS partitions botocore knows,
# the union of their ``regionRegex`` in botocore's data/partitions.json (the data the
# SDKs' endpoint rules resolve a region with: eu-west-1, cn-north-1, us-gov-west-1,
# eusc-de-east-1). botocore's RegionCodeType gives only the length, and boto3 refuses a
# malformed name only when a client is made (InvalidRegionError "Provided region_name
# ... doesn't match a supported format"): after the config was accepted. The same
# table guards --region (poolsync.regions).
POOLSYNC_REGION = "poolsync.Region"
POOLSYNC_SETTINGS = "poolsync.Settings"
POOLSYNC_MFA = "poolsync.Mfa"

# An example the validator quotes when a pool id does not match its pattern.
POOL_ID_EXAMPLE = "eu-west-1_AbCdEfGhI"


class SubResource(NamedTuple):
    """A pool key holding one sub-resource, or a collection of them by name (README, "The
    config format"):
    the create operation's input minus the pool id (poolsync resolves it) and, for a
    collection, the member that is each item's key."""

    key: str
    operation: str
    definition: str
    name_member: str | None  # None: one object (the domain), not a collection

    @property
    def excluded(self) -> frozenset[str]:
        return frozenset({"UserPoolId", *([self.name_member] if self.name_member else [])})


SUB_RESOURCES = (
    SubResource("identity_providers", "CreateIdentityProvider", "poolsync.IdentityProvider",
                "ProviderName"),
    SubResource("resource_servers", "CreateResourceServer", "poolsync.ResourceServer",
                "Identifier"),
    SubResource("clients", "CreateUserPoolClient", "poolsync.Client", "ClientName"),
    SubResource("domain", "CreateUserPoolDomain", "poolsync.Domain", None),
    SubResource("groups", "CreateGroup", "poolsync.Group", "GroupName"),
)

DESCRIPTION_LIMIT = 200

# --- Pattern translation -------------------------------------------------------------
#
# botocore's patterns are Java regexes that AWS matches against the whole value. Python's
# ``re`` (what jsonschema uses) searches, and does not know ``\p{L}``-style Unicode
# property classes. Each pattern is therefore rewritten:
#
# * anchored as ``^(?:...)$`` unless it already is, because AWS matches the whole value
#   (a pool name with a "'" is refused with "Member must satisfy regular expression
#   pattern: [\w\s+=,.@-]+"). schema.py runs ``$`` as ECMA-262 reads it (the end of
#   the text; Python's ``$`` also matches before a final newline);
# * ``\w``, ``\d``, ``\s`` and their negations ``\W``, ``\D``, ``\S``, inside and outside
#   character classes, become the explicit ASCII classes they are in Java (Pattern
#   javadoc, "Predefined character classes": \w is [a-zA-Z_0-9], \d is [0-9], \s is
#   [ \t\n\x0B\f\r] unless UNICODE_CHARACTER_CLASS is set,
#   https://docs.oracle.com/en/java/javase/21/docs/api/java.base/java/util/regex/Pattern.html).
#   Python's ``re`` makes them Unicode-aware, so Cyrillic or fullwidth letters would pass
#   ``[\w\s+=,.@-]+`` here while AWS refuses them;
# * a leading ``(?s)`` flag (Python 3.11 refuses global flags inside a group, ECMA-262
#   has no inline flags) is dropped and every ``.`` becomes ``[\s\S]``; without it,
#   ``.`` becomes "any character but a Java line terminator" (Pattern javadoc, "Line
#   terminators": \n, \r, U+0085, U+2028, U+2029), where Python's ``.`` only stops at
#   \n;
# * ``\p{Z}`` (separators) inside a class, alone or beside literal characters, becomes
#   the 19 separator characters themselves (a closed list, stable since Unicode 6.3), so
#   ``[^_\p{Z}]`` (the create-time identity-provider name) keeps its exact meaning;
# * a character class holding all five of ``\p{L}\p{M}\p{S}\p{N}\p{P}`` (letters, marks,
#   symbols, numbers, punctuation: every character except separators and "other"
#   categories) becomes "no whitespace, no control character", and the same class with
#   ``\s`` becomes "no control character except whitespace", and with ``\p{Z}``
#   (separators: space, U+00A0, ...) "no control character". All are supersets of
#   the AWS classes: they accept the rare separator or format character AWS refuses
#   (U+00A0, U+200B), and never refuse a value AWS accepts. Other characters in such a
#   class (``*``) must already be in those categories, which is checked.
#
# Anything else that uses ``\p{...}`` raises, and so does a negated shorthand (``\S``)
# beside other items of a class or a "-" that would join an expanded shorthand into a
# range, so a botocore bump that brings a new construct fails here instead of emitting
# a pattern that means something else. The Unicode classes above are deliberate: they
# stand for ``\p{...}`` categories, which are Unicode in Java too.

_UNICODE_CLASSES = frozenset({"L", "M", "S", "N", "P"})
# Every character of the Unicode categories Zs, Zl and Zp (test_schema checks the list
# against unicodedata), written as escapes both Python's re and ECMA-262 read.
SEPARATORS = r"\x20\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
VISIBLE_CLASS = r"[^\s\x00-\x1f\x7f-\x9f]"
VISIBLE_OR_SPACE_CLASS = r"[^\x00-\x08\x0e-\x1f\x7f-\x9f]"
PRINTABLE_CLASS = r"[^\x00-\x1f\x7f-\x9f]"
# Java's ASCII shorthand classes, as the inside of a class, in escapes both Python's re
# and ECMA-262 read.
JAVA_SHORTHANDS = {"w": "a-zA-Z0-9_", "d": "0-9", "s": r"\t\n\x0b\f\r\x20"}
JAVA_DOT = r"[^\n\r\x85\u2028\u2029]"


def _shorthand_class(letter: str) -> str | None:
    """``\\w`` & co. as a whole class (``W``: its complement), None for other escapes."""
    inner = JAVA_SHORTHANDS.get(letter.lower())
    if inner is None:
        return None
    return f"[^{inner}]" if letter.isupper() else f"[{inner}]"


class UnsupportedPattern(ValueError):
    """A botocore pattern uses a construct the translator does not know."""


def translate_pattern(pattern: str) -> str:
    """botocore (Java) pattern -> anchored pattern that Python's ``re`` compiles."""
    dotall = pattern.startswith("(?s)")
    body = pattern[4:] if dotall else pattern
    out: list[str] = []
    i = 0
    while i < len(body):
        char = body[i]
        if char == "\\":
            if body[i + 1] == "p":
                raise UnsupportedPattern(f"\\p outside a character class in {pattern!r}")
            out.append(_shorthand_class(body[i + 1]) or body[i : i + 2])
            i += 2
        elif char == "[":
            end = _class_end(body, i)
            out.append(_translate_class(body[i : end + 1], pattern))
            i = end + 1
        elif char == ".":
            out.append(r"[\s\S]" if dotall else JAVA_DOT)
            i += 1
        else:
            out.append(char)
            i += 1
    translated = "".join(out)
    if not (translated.startswith("^") and translated.endswith("$")):
        translated = f"^(?:{translated})$"
    re.compile(translated)  # every emitted pattern must compile (test_schema checks too)
    return translated


def _class_end(body: str, start: int) -> int:
    """Index of the ``]`` closing the class opened at ``start``."""
    i = start + 1
    if i < len(body) and body[i] == "^":
        i += 1
    if i < len(body) and body[i] == "]":
        i += 1  # a leading "]" is a literal
    while i < len(body):
        if body[i] == "\\":
            i += 2
        elif body[i] == "]":
            return i
        else:
            i += 1
    raise UnsupportedPattern(f"unterminated character class in {body!r}")


def _translate_class(text: str, pattern: str) -> str:
    if "\\p{" not in text:
        return _ascii_class(text, pattern)
    negated = text.startswith("[^")
    tokens = list(_class_tokens(text[2:-1] if negated else text[1:-1], pattern))
    categories = {t[3:-1] for t in tokens if t.startswith("\\p{")}
    if categories == {"Z"}:
        return _separator_class(tokens, negated)
    if negated:
        raise UnsupportedPattern(f"negated \\p class in {pattern!r}")
    with_space = False
    for token in tokens:
        if token.startswith("\\p{"):
            continue
        if token == "\\s":
            with_space = True
        elif len(token) == 1 and unicodedata.category(token)[0] in _UNICODE_CLASSES:
            pass  # already inside the five categories
        else:
            raise UnsupportedPattern(f"unsupported item {token!r} in a \\p class of {pattern!r}")
    if categories == _UNICODE_CLASSES | {"Z"} and not with_space:
        return PRINTABLE_CLASS
    if categories != _UNICODE_CLASSES:
        raise UnsupportedPattern(f"partial \\p class {sorted(categories)} in {pattern!r}")
    return VISIBLE_OR_SPACE_CLASS if with_space else VISIBLE_CLASS


def _ascii_class(text: str, pattern: str) -> str:
    """A class without ``\\p{...}``, with Java's ASCII shorthands spelled out."""
    negated = text.startswith("[^")
    tokens = list(_class_tokens(text[2:-1] if negated else text[1:-1], pattern, ranges=True))
    if not negated and len(tokens) == 1 and tokens[0][1:] in ("W", "D", "S"):
        return str(_shorthand_class(tokens[0][1]))  # [\S] is \S
    out: list[str] = []
    for index, token in enumerate(tokens):
        letter = token[1:] if token.startswith("\\") else ""
        if letter in ("W", "D", "S"):
            raise UnsupportedPattern(f"negated shorthand beside other items in {pattern!r}")
        if letter in JAVA_SHORTHANDS:
            if index > 1 and tokens[index - 1] == "-":
                raise UnsupportedPattern(f"range ending in a shorthand in {pattern!r}")
            out.append(JAVA_SHORTHANDS[letter])
        elif token == "-" and index > 0 and tokens[index - 1][1:] in JAVA_SHORTHANDS:
            # Java reads "-" after a shorthand as itself; spelled out, it would join the
            # last character of the expansion and what follows into a range.
            out.append("\\-" if index < len(tokens) - 1 else "-")
        else:
            out.append(token)
    return f"[{'^' if negated else ''}{''.join(out)}]"


def _separator_class(tokens: list[str], negated: bool) -> str:
    """A class of ``\\p{Z}`` and plain characters, with the separators spelled out."""
    inner = "".join(SEPARATORS if token == "\\p{Z}" else token for token in tokens)
    return f"[{'^' if negated else ''}{inner}]"


def _class_tokens(inner: str, pattern: str, *, ranges: bool = False) -> Iterator[str]:
    """The items of a class: ``\\p{X}``, a two-character escape, or one character (a
    range's "-" is an item of its own). Ranges are refused unless ``ranges``."""
    i = 0
    while i < len(inner):
        if inner.startswith("\\p{", i):
            end = inner.index("}", i)
            yield inner[i : end + 1]
            i = end + 1
        elif inner[i] == "\\":
            yield inner[i : i + 2]
            i += 2
        elif not ranges and i + 2 < len(inner) and inner[i + 1] == "-":
            raise UnsupportedPattern(f"range inside a \\p class of {pattern!r}")
        else:
            yield inner[i]
            i += 1


# --- Descriptions --------------------------------------------------------------------

_TAG = re.compile(r"<[^>]+>")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


def describe(doc: str | None) -> str:
    """First sentence of a botocore doc string, HTML stripped, at most 200 characters."""
    if not doc:
        return ""
    text = " ".join(html.unescape(_TAG.sub("", doc)).split())
    first = _SENTENCE_END.split(text, maxsplit=1)[0].strip()
    if len(first) > DESCRIPTION_LIMIT:
        first = first[: DESCRIPTION_LIMIT - 3].rsplit(" ", 1)[0] + "..."
    return first


# --- Shape conversion ----------------------------------------------------------------

# poolsync's conveniences (README, "The config format"): schema attribute constraints
# are numeric strings in the API ("MaxLength": "2048"); the file may write integers.
_DIGITS = {
    "type": ["string", "integer"],
    "pattern": "^[0-9]+$",
    "minimum": 0,
    "description": "A non-negative whole number (the API takes it as a string).",
}
_SIGNED_DIGITS = {
    "type": ["string", "integer"],
    "pattern": "^-?[0-9]+$",
    "description": "A whole number (the API takes it as a string).",
}
CUSTOM_PREFIX = "custom:"
MEMBER_OVERRIDES: dict[tuple[str, str], dict[str, Any]] = {
    ("StringAttributeConstraintsType", "MinLength"): _DIGITS,
    ("StringAttributeConstraintsType", "MaxLength"): _DIGITS,
    ("NumberAttributeConstraintsType", "MinValue"): _SIGNED_DIGITS,
    ("NumberAttributeConstraintsType", "MaxValue"): _SIGNED_DIGITS,
}

# Members poolsync requires although the model does not: schema attributes are compared
# by name (README, "What poolsync manages (ownership)"). AttributeDataType is required
# of custom attributes only (``custom_attribute_needs_a_type``).
EXTRA_REQUIRED: dict[str, tuple[str, ...]] = {
    "SchemaAttributeType": ("Name",),
}

# The standard attributes every user pool has (AWS developer guide, "Working with user
# attributes", Standard attributes:
# https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-attributes.html#cognito-user-pools-standard-attributes),
# and ``identities``, which Cognito adds once an external identity provider is attached.
# test_schema checks the list against normalize.STANDARD_ATTRIBUTES and AUTO_ATTRIBUTES.
STANDARD_ATTRIBUTES = (
    "address", "birthdate", "email", "email_verified", "family_name", "gender",
    "given_name", "identities", "locale", "middle_name", "name", "nickname", "phone_number",
    "phone_number_verified", "picture", "preferred_username", "profile", "sub",
    "updated_at", "website", "zoneinfo",
)  # fmt: skip


def custom_attribute_needs_a_type(model: ServiceModel) -> dict[str, Any]:
    """``if``/``then`` of a Schema entry: a custom attribute must say its
    AttributeDataType; a standard one may leave it out, AWS knows its type (README, "The
    config format").

    An entry for a custom attribute without its type makes every later update fail with
    "Invalid AttributeDataType input" (aws-amplify/amplify-backend #3299). A custom
    attribute is any Name that is not a standard attribute's, and any Name written with
    the ``custom:`` prefix (``custom:sub`` is the custom attribute "sub"): the enum of
    standard names has no prefixed name, so both fall to ``then``. An entry without a
    Name gets only the missing-Name message.
    """
    types = list(model.shape_for("AttributeDataType").metadata["enum"])
    return {
        "if": {
            "required": ["Name"],
            "properties": {"Name": {"not": {"enum": list(STANDARD_ATTRIBUTES)}}},
        },
        "then": {
            "required": ["AttributeDataType"],
            "x-required-hint": f"a custom attribute needs its type: {', '.join(types[:-1])} "
            f"or {types[-1]}",
        },
    }


# ``if``/``then``/``else`` members of a structure, by shape name.
CONDITIONS = {"SchemaAttributeType": custom_attribute_needs_a_type}

# Patterns hard to read at a glance, said in words for the messages that quote them.
PATTERN_HINTS = {
    # botocore: CreateIdentityProvider's ProviderName is ProviderNameTypeV2, stricter
    # than the ProviderNameType of the update and describe calls
    "ProviderNameTypeV2": 'no "_" or space first, nor from the third character on',
    "DomainType": 'a prefix domain has only a-z, 0-9 and "-", not starting or ending '
    'with "-"; a custom domain such as auth.example.com needs CustomDomainConfig',
    "CustomAttributeNameType": 'no space or control character; "custom:" is followed '
    "by the attribute's name",
}

# The model's "integer" is a 32-bit and its "long" a 64-bit signed integer (Smithy, the
# IDL AWS service models are written in: https://smithy.io/2.0/spec/simple-types.html).
# Where the model gives no bound, these are the bounds: AWS cannot read a larger number,
# and without them a value such as Precedence: 99999999999 passes validate and fails
# mid-apply.
INTEGER_RANGES = {"integer": (-(2**31), 2**31 - 1), "long": (-(2**63), 2**63 - 1)}

# A custom domain (CustomDomainConfig given) is a fully qualified host name, such as
# auth.example.com (CreateUserPoolDomain's Domain doc; AWS developer guide, "Using your
# own domain for managed login",
# https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-add-custom-domain.html).
# botocore's DomainType (1-63 characters of a-z, 0-9 and "-") describes prefix domains
# only; botocore enforces neither its pattern nor its max, so custom domains go through.
# A host name is labels of letters, digits and "-", not starting or ending with "-"
# (RFC 1123 §2.1, https://www.rfc-editor.org/rfc/rfc1123#section-2.1), of at most 63
# characters, 253 in all (RFC 1035 §2.3.4: 255 octets on the wire), and "fully
# qualified" means at least two labels.
CUSTOM_DOMAIN = "poolsync.CustomDomainName"
_HOST_LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
CUSTOM_DOMAIN_NAME = {
    "type": "string",
    "maxLength": 253,
    "pattern": f"^{_HOST_LABEL}(?:\\.{_HOST_LABEL})+$",
    "x-pattern-name": "a fully qualified domain name",
    "x-pattern-hint": 'labels of letters, digits and "-" joined by ".", at least two, each '
    'at most 63 characters and not starting or ending with "-"',
    "examples": ["auth.example.com"],
    "description": "A custom domain: a fully qualified host name (RFC 1123).",
}


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/$defs/{name}"}


class Converter:
    """Turns botocore shapes into ``$defs`` entries, one per shape name."""

    def __init__(self, model: ServiceModel):
        self.model = model
        self.defs: dict[str, dict[str, Any]] = {}

    def ref(self, shape: Shape) -> dict[str, Any]:
        """A ``$ref`` to ``shape``, converting it (and what it uses) on first sight."""
        if shape.name not in self.defs:
            named = self.model.shape_for(shape.name)
            self.defs[shape.name] = {}  # placeholder: breaks cycles
            self.defs[shape.name] = self.convert(named)
        return _ref(shape.name)

    def convert(self, shape: Shape) -> dict[str, Any]:
        out: dict[str, Any]
        if isinstance(shape, StructureShape):
            out = self.structure(shape, exclude=frozenset())
        elif isinstance(shape, ListShape):
            out = {"type": "array", "items": self.ref(shape.member)}
            _copy(shape, out, min_key="minItems", max_key="maxItems")
        elif isinstance(shape, MapShape):
            out = {
                "type": "object",
                "propertyNames": self.ref(shape.key),
                "additionalProperties": self.ref(shape.value),
            }
            _copy(shape, out, min_key="minProperties", max_key="maxProperties")
        else:
            out = _scalar(shape)
        description = describe(shape.documentation)
        if description:
            out["description"] = description
        return out

    def structure(self, shape: StructureShape, exclude: frozenset[str]) -> dict[str, Any]:
        properties = {
            name: self.member(shape.name, name, member)
            for name, member in shape.members.items()
            if name not in exclude
        }
        required = [n for n in shape.required_members if n not in exclude]
        required += [n for n in EXTRA_REQUIRED.get(shape.name, ()) if n not in required]
        out: dict[str, Any] = {
            "type": "object",
            "properties": properties,
            "additionalProperties": False,
        }
        if required:
            out["required"] = required
        condition = CONDITIONS.get(shape.name)
        if condition is not None:
            out.update(condition(self.model))
        return out

    def member(self, parent: str, name: str, member: Shape) -> dict[str, Any]:
        override = MEMBER_OVERRIDES.get((parent, name))
        if override is not None:
            out = dict(override)
        elif (parent, name) == ("SchemaAttributeType", "Name"):
            out = self.schema_attribute_name(member)
        else:
            out = self.ref(member)
        description = describe(member.documentation)
        if description:
            out["description"] = description
        return out

    def schema_attribute_name(self, member: Shape) -> dict[str, Any]:
        """Convenience: a custom attribute name may carry its ``custom:`` prefix (README,
        "The config format"), so the limits here allow the prefix; rules.py checks the
        bare name's 20."""
        base = self.model.shape_for(member.name)
        out = _scalar(base)
        out["maxLength"] = base.metadata["max"] + len(CUSTOM_PREFIX)
        bare = out["pattern"].removeprefix("^(?:").removesuffix(")$")
        # "custom:" alone would match as a bare name; it is the prefix and no name.
        out["pattern"] = f"^(?!{CUSTOM_PREFIX}$)(?:{CUSTOM_PREFIX})?(?:{bare})$"
        out["x-aws-pattern"] = f"({CUSTOM_PREFIX})?{base.metadata['pattern']}"
        return out


def _copy(shape: Shape, out: dict[str, Any], *, min_key: str, max_key: str) -> None:
    if "min" in shape.metadata:
        out[min_key] = shape.metadata["min"]
    if "max" in shape.metadata:
        out[max_key] = shape.metadata["max"]


def _scalar(shape: Shape) -> dict[str, Any]:
    kind = shape.type_name
    meta = shape.metadata
    if kind == "string":
        out: dict[str, Any] = {"type": "string"}
        if "enum" in meta:
            out["enum"] = list(meta["enum"])
        _copy(shape, out, min_key="minLength", max_key="maxLength")
        if "pattern" in meta:
            out["pattern"] = translate_pattern(meta["pattern"])
            if out["pattern"] != meta["pattern"]:
                # Messages quote the pattern AWS documents, not our translation.
                out["x-aws-pattern"] = meta["pattern"]
            if shape.name in PATTERN_HINTS:
                out["x-pattern-hint"] = PATTERN_HINTS[shape.name]
        return out
    if kind in ("integer", "long"):
        low, high = INTEGER_RANGES[kind]
        out = {"type": "integer", "minimum": low, "maximum": high}
        _copy(shape, out, min_key="minimum", max_key="maximum")
        return out
    if kind == "boolean":
        return {"type": "boolean"}
    raise TypeError(f"shape {shape.name} has type {kind}, which the generator does not map")


# --- The document --------------------------------------------------------------------


def service_model() -> ServiceModel:
    return botocore.session.get_session().get_service_model("cognito-idp")


def generate() -> dict[str, Any]:
    """The whole schema as a value (what the staleness test compares)."""
    model = service_model()
    conv = Converter(model)
    settings_shape = model.operation_model(SETTINGS_OPERATION).input_shape
    mfa_shape = model.operation_model(MFA_OPERATION).input_shape
    assert isinstance(settings_shape, StructureShape)
    assert isinstance(mfa_shape, StructureShape)
    pool_name = settings_shape.members["PoolName"]
    pool_id = mfa_shape.members["UserPoolId"]
    region = model.shape_for("RegionCodeType")

    settings = conv.structure(settings_shape, exclude=SETTINGS_EXCLUDED)
    settings["description"] = (
        "CreateUserPool / UpdateUserPool members, minus PoolName (the key) and "
        "MfaConfiguration (under mfa)."
    )
    mfa = conv.structure(mfa_shape, exclude=MFA_EXCLUDED)
    mfa["description"] = "SetUserPoolMfaConfig members, minus UserPoolId."
    conv.defs[POOLSYNC_REGION] = _region(conv, region)
    properties: dict[str, Any] = {
        "region": _ref(POOLSYNC_REGION) | {"description": "The pool's AWS region."},
        "id": conv.ref(pool_id)
        | {"description": "Pin to an existing pool id.", "examples": [POOL_ID_EXAMPLE]},
        "settings": _ref(POOLSYNC_SETTINGS),
        "mfa": _ref(POOLSYNC_MFA),
        "template": _ref(POOLSYNC_TEMPLATE_NAME)
        | {"description": "The template (under the top-level templates) this pool builds on."},
    }
    for sub in SUB_RESOURCES:
        properties[sub.key] = _sub_resource(conv, model, sub)
    for part in parts():  # the kinds that plan themselves state their own section
        assert part.schema is not None, f"{part.key}: no schema"
        properties[part.key] = part.schema(conv)
    properties["check"] = check_section()
    properties["prune"] = {
        "type": "boolean",
        "description": "Delete live clients, identity providers, groups and resource "
        "servers that this file does not list (default false).",
    }
    pool = {
        "type": "object",
        "description": "One user pool; its key is the pool's name in Cognito (PoolName).",
        "properties": properties,
        "additionalProperties": False,
    }
    template = {
        "type": "object",
        "description": "A pool body shared by the pools that name it in template: every "
        "pool key except id, region and template. Mappings merge into the pool's.",
        "properties": {k: v for k, v in properties.items() if k not in TEMPLATE_EXCLUDED},
        "additionalProperties": False,
    }
    conv.defs[POOLSYNC_POOL] = pool
    conv.defs[POOLSYNC_TEMPLATE] = template
    conv.defs[POOLSYNC_TEMPLATE_NAME] = dict(TEMPLATE_NAME)
    conv.defs[POOLSYNC_SETTINGS] = settings
    conv.defs[POOLSYNC_MFA] = mfa
    return {
        "$schema": DRAFT,
        "$id": SCHEMA_ID,
        "title": "poolsync configuration (version 1)",
        "description": "Amazon Cognito user pools as code. Generated by scripts/gen_schema.py.",
        "x-botocore-version": botocore.__version__,
        "type": "object",
        "properties": {
            "$schema": {"type": "string", "description": "This schema's location."},
            "version": {"const": 1, "description": "The config format version."},
            "region": _ref(POOLSYNC_REGION) | {"description": "Default region of every pool."},
            "pools": {
                "type": "object",
                "description": "Pool name -> pool.",
                "propertyNames": conv.ref(pool_name),
                "additionalProperties": _ref(POOLSYNC_POOL),
            },
            "templates": {
                "type": "object",
                "description": "Template name -> a pool body that pools share (template: NAME).",
                "propertyNames": _ref(POOLSYNC_TEMPLATE_NAME),
                "additionalProperties": _ref(POOLSYNC_TEMPLATE),
            },
        },
        "required": ["version"],
        "additionalProperties": False,
        "$defs": conv.defs,
    }


def check_section() -> dict[str, Any]:
    """``poolsync check``'s per-pool section (poolsync.check.suppress): rules disabled
    with a reason and an optional expiry date; a rule id must be one of the rules."""
    from poolsync.check.rules import RULE_IDS

    entry = {
        "type": "object",
        "description": "A rule this pool does not follow, and why.",
        "properties": {
            "rule": {"enum": list(RULE_IDS), "description": "The rule's id (docs/check.md)."},
            "reason": {"type": "string", "minLength": 1,
                       "description": "Why the risk is accepted (shown in every report)."},
            "expires": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
                        "x-pattern-name": "a date (YYYY-MM-DD)",
                        "description": "The last day the suppression holds (UTC); after "
                        "it the rule applies again, and check reports the entry itself "
                        "(PS-CHK-001). Left out: no end."},
        },
        "required": ["rule", "reason"],
        "additionalProperties": False,
    }
    return {
        "type": "object",
        "description": "poolsync check: the security rules this pool disables.",
        "properties": {"disable": {"type": "array", "items": entry}},
        "additionalProperties": False,
    }


def region_pattern() -> str:
    """One pattern matching a region of any partition in botocore's partitions.json."""
    data = json.loads((Path(botocore.__file__).parent / "data" / "partitions.json").read_text())
    # "\-" outside a class is an error in ECMA-262's Unicode mode (what editors use):
    # these patterns have no class where it would mean more than "-".
    alternatives = [
        translate_pattern(partition["regionRegex"])
        .removeprefix("^").removesuffix("$").replace("\\-", "-")
        for partition in data["partitions"]
    ]
    return f"^(?:{'|'.join(alternatives)})$"


def _region(conv: Converter, region: Shape) -> dict[str, Any]:
    """A region poolsync connects to: RegionCodeType's lengths and a region code's form."""
    out = dict(conv.defs[conv.ref(region)["$ref"].removeprefix("#/$defs/")])
    out.pop("description", None)
    out["pattern"] = region_pattern()
    out["x-pattern-name"] = "an AWS region code"
    out["examples"] = ["eu-west-1"]
    out["description"] = "An AWS region code, such as eu-west-1."
    return out


def _sub_resource(conv: Converter, model: ServiceModel, sub: SubResource) -> dict[str, Any]:
    """The pool property ``sub.key``; the item's shape goes to ``$defs[sub.definition]``."""
    shape = model.operation_model(sub.operation).input_shape
    assert isinstance(shape, StructureShape)
    item = conv.structure(shape, exclude=sub.excluded)
    conv.defs[sub.definition] = item
    if sub.key == "domain":
        _domain_by_kind(conv, item)
    if sub.name_member is None:
        item["description"] = f"{sub.operation} members, minus UserPoolId."
        return _ref(sub.definition)
    item["description"] = (
        f"{sub.operation} members, minus UserPoolId and {sub.name_member} (the key)."
    )
    return {
        "type": "object",
        "description": f"{sub.name_member} -> {sub.operation} members.",
        "propertyNames": conv.ref(shape.members[sub.name_member]),
        "additionalProperties": _ref(sub.definition),
    }


def _domain_by_kind(conv: Converter, item: dict[str, Any]) -> None:
    """Domain is a prefix (DomainType) without CustomDomainConfig, and a fully qualified
    host name with it (``CUSTOM_DOMAIN_NAME``): Draft 2020-12 ``if``/``then``/``else``."""
    prefix = item["properties"]["Domain"]
    item["properties"]["Domain"] = {
        "type": "string",
        **({"description": prefix["description"]} if "description" in prefix else {}),
    }
    conv.defs[CUSTOM_DOMAIN] = dict(CUSTOM_DOMAIN_NAME)
    item["if"] = {"required": ["CustomDomainConfig"]}
    item["then"] = {"properties": {"Domain": _ref(CUSTOM_DOMAIN)}}
    item["else"] = {"properties": {"Domain": {"$ref": prefix["$ref"]}}}


def render(schema: dict[str, Any]) -> str:
    """Deterministic text: sorted keys, 2-space indent, trailing newline."""
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _recorded_version(text: str) -> str:
    try:
        return str(json.loads(text).get("x-botocore-version", "unknown"))
    except (ValueError, AttributeError):
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is stale")
    args = parser.parse_args(argv)
    text = render(generate())
    if args.check:
        current = SCHEMA_FILE.read_text(encoding="utf-8") if SCHEMA_FILE.exists() else ""
        if current != text:
            print(
                f"{SCHEMA_FILE.relative_to(ROOT)} (from botocore {_recorded_version(current)}) "
                f"is stale for the installed botocore {botocore.__version__}: install the "
                "pinned botocore, or run python scripts/gen_schema.py after a deliberate bump",
                file=sys.stderr,
            )
            return 1
        return 0
    SCHEMA_FILE.parent.mkdir(parents=True, exist_ok=True)
    SCHEMA_FILE.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
