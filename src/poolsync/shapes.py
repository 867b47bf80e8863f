"""Check every planned API request against botocore's input shape, before any write.

The planner builds the exact calls apply will make (``model.ApiCall``). A payload that
Cognito would refuse must be found while planning: found mid-apply, it leaves a pool
half changed. ``request_problems`` checks one request against the cognito-idp service
model of the installed botocore (1.43.11, pinned by the dev extra): member names,
required members, types, lengths and ranges, enums and patterns. botocore's own
client-side validation checks only ``required``, types and ``min``
(botocore/validate.py, ``VALIDATED_METADATA_ATTRS``), and Cognito answers the rest
with a ValidationException, one call too late.

Pure, no network. The model is loaded once and each shape is compiled once into a
small checker; plan runs this on every call of every pool.

Messages read ``<Operation>.<member path>: <what is wrong>``. They never quote a
string value (it may be a secret) and quote at most 20 characters of a number.

Only the plan path imports this module (lazily): ``poolsync validate`` stays free of
botocore.
"""

from __future__ import annotations

import datetime
import functools
import math
import re
import threading
import warnings
from collections.abc import Mapping
from typing import Any

import botocore.session
from botocore.model import ListShape, MapShape, ServiceModel, Shape, StructureShape

from poolsync.kinds.base import CLIENT_ID_PREFIX, SECRET_ID_PREFIX
from poolsync.model import POOL_ARN, POOL_ID

SERVICE = "cognito-idp"

# --------------------------------------------------------------------------- the model


@functools.cache
def _service_model() -> ServiceModel:
    """The installed botocore's cognito-idp model, as scripts/gen_schema.py loads it."""
    return botocore.session.get_session().get_service_model(SERVICE)


@functools.cache
def _operation_names() -> frozenset[str]:
    return frozenset(_service_model().operation_names)


def known_operation(operation: str) -> bool:
    """Whether ``operation`` (e.g. "UpdateUserPool") is an operation of the model."""
    return operation in _operation_names()


def request_problems(operation: str, params: Mapping[str, Any]) -> list[str]:
    """Everything wrong with ``params`` as the input of ``operation``; [] when none."""
    if not known_operation(operation):
        return [f"{operation}: not an operation of {SERVICE} in botocore {botocore.__version__}"]
    out: list[str] = []
    _request(operation, _names_custom_domain(operation, params)).check(params, operation, out)
    return out


# --------------------------------------------------------------------------- exceptions


def _stands_for_new_pool(member: str) -> str | None:
    """poolsync's placeholder that ``member`` may hold instead of a real value.

    ``model.POOL_ID`` and ``model.POOL_ARN`` stand for a pool created earlier in the
    same run; apply puts the created pool's id and ARN in their place before the call
    is sent (``model.ApiCall``). They are accepted wherever a UserPoolId or a
    ResourceArn is expected, without the pattern and length checks of the real value
    (which they could never pass: "$" is in no id pattern of the model). So is
    ``kinds.base.client_placeholder(NAME)`` for a ClientId: the app client created
    earlier in the same run.
    """
    return {"UserPoolId": POOL_ID, "ResourceArn": POOL_ARN,
            "ClientId": CLIENT_ID_PREFIX}.get(member)


_DOMAIN_OPERATIONS = frozenset(
    {"CreateUserPoolDomain", "UpdateUserPoolDomain", "DeleteUserPoolDomain",
     "DescribeUserPoolDomain"}
)


def _names_custom_domain(operation: str, params: Mapping[str, Any]) -> bool:
    """Whether the request's ``Domain`` is a custom domain's fully-qualified name.

    The model's DomainType (1-63 characters, ``^[a-z0-9](?:[a-z0-9\\-]{0,61}[a-z0-9])?$``)
    describes a prefix domain only. The model's own member docs for Create-, Update-,
    Delete- and DescribeUserPoolDomain say "For custom domains, this is the
    fully-qualified domain name, such as auth.example.com", and the developer guide
    configures a custom domain with an ACM certificate
    (https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-add-custom-domain.html).
    A request names a custom domain when it carries a CustomDomainConfig (an empty one,
    as DescribeUserPoolDomain returns for a prefix domain, does not count); a delete,
    describe or update without it names one when the Domain has a dot, which no prefix
    can have. A create without CustomDomainConfig makes a prefix domain, so its Domain
    keeps every check. A delete or describe names a domain that Cognito itself reported
    (DescribeUserPool's Domain or CustomDomain): what Cognito returned, it takes back
    (the AWS CLI's describe-user-pool example reports the prefix "myCustomDomain").
    """
    if operation not in _DOMAIN_OPERATIONS or not _is_mapping(params):
        return False
    if operation in ("DeleteUserPoolDomain", "DescribeUserPoolDomain"):
        return True
    config = params.get("CustomDomainConfig")
    if _is_mapping(config) and config:
        return True
    domain = params.get("Domain")
    return operation != "CreateUserPoolDomain" and isinstance(domain, str) and "." in domain


# 32- and 64-bit signed bounds. AWS models are Smithy models, where ``integer`` is a
# 32-bit and ``long`` a 64-bit signed integer (https://smithy.io/2.0/spec/simple-types.html);
# an integer shape without min/max in the model is still bounded by them.
_INTEGER_BOUNDS = {"integer": (-(2**31), 2**31 - 1), "long": (-(2**63), 2**63 - 1)}
_BITS = {"integer": 32, "long": 64}

# --------------------------------------------------------------------------- describing values

# The plain, JSON-like data a request may hold. Anything else (a sentinel such as
# model.MISSING, an enum, a dataclass) is an internal placeholder that leaked.
_PLAIN = (str, int, float, type(None), bytes, bytearray, datetime.datetime, Mapping,
          list, tuple)
_NUMBER_CHARS = 20


def _is_plain(value: Any) -> bool:
    return isinstance(value, _PLAIN)


def _is_mapping(value: Any) -> bool:
    """``isinstance(value, Mapping)``, with a fast path for dict (an ABC check costs
    ten times more, and plan runs this on every structure of every call)."""
    return type(value) is dict or isinstance(value, Mapping)


def _digits(value: int) -> int:
    """Number of decimal digits of ``abs(value)``, without ``str`` (which refuses
    integers of more than 4300 digits: sys.get_int_max_str_digits)."""
    magnitude = abs(value)
    if magnitude < 10:
        return 1
    count = int(math.log10(magnitude)) + 1
    if 10 ** (count - 1) > magnitude:
        count -= 1
    elif 10**count <= magnitude:
        count += 1
    return count


def _number(value: int | float) -> str:
    """A number in at most 20 characters: "3.0", "a 5000-digit integer"."""
    if isinstance(value, float):
        text = repr(value)
        return text if len(text) <= _NUMBER_CHARS else f"{value:.6g}"
    digits = _digits(value)
    if digits + (value < 0) <= _NUMBER_CHARS:
        return str(value)
    return f"a {'negative ' if value < 0 else ''}{digits}-digit integer"


def _describe(value: Any) -> str:
    """What ``value`` is, never what a string says."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return _number(value)
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bytes | bytearray):
        return "bytes"
    if isinstance(value, datetime.datetime):
        return "a timestamp"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    return f"a {type(value).__name__}"


def _leaked(value: Any, path: str, out: list[str]) -> None:
    out.append(f"{path}: an internal placeholder ({type(value).__name__}) reached the request")


def _wrong_type(value: Any, path: str, out: list[str], expected: str) -> None:
    if _is_plain(value):
        out.append(f"{path}: {_describe(value)} is not {expected}")
    else:
        _leaked(value, path, out)


def _characters(count: int) -> str:
    if count == 0:
        return "an empty string"
    return f"a string of {count} character{'s' if count != 1 else ''}"


def _plural(count: int, word: str, words: str) -> str:
    return f"{count} {word if count == 1 else words}"


def _outside(count: int, minimum: int, maximum: int | None) -> bool:
    return count < minimum or (maximum is not None and count > maximum)


def _size_problem(path: str, what: str, count: int, minimum: int, maximum: int | None,
                  out: list[str]) -> None:
    """``what`` ("a list of 3 items") is shorter or longer than the model allows."""
    if count < minimum:
        out.append(f"{path}: {what} is shorter than the minimum {minimum}")
    elif maximum is not None and count > maximum:
        out.append(f"{path}: {what} is longer than the maximum {maximum}")


# A map key shown in a message path: a plain name (a ProviderDetails key, an attribute
# name, a tag key). Any other key is shown by its position: keys are user strings too,
# and a message never quotes a string that may be a secret.
_NAME_LIKE_KEY = re.compile(r"[\w:.\-]{1,64}", re.ASCII)


def _key_path(path: str, key: Any, number: int) -> str:
    if isinstance(key, str) and _NAME_LIKE_KEY.fullmatch(key):
        return f"{path}.{key}"
    return f"{path} (key #{number})"


# --------------------------------------------------------------------------- patterns
#
# The model's patterns are Java regexes, matched against the whole value ("Member must
# satisfy regular expression pattern: ..."). Java's predefined classes are US-ASCII
# (\w is [a-zA-Z_0-9], \d is [0-9], \s is [ \t\n\x0B\f\r]) and "." stops at the line
# terminators \n \r \u0085 \u2028 \u2029 unless (?s) is on
# (https://docs.oracle.com/javase/8/docs/api/java/util/regex/Pattern.html), so the
# translation compiles with re.ASCII and spells "." out. Python's re has no \p{...}
# classes; they become:
# * \p{Z} (separators): its 19 characters, exactly;
# * a class holding all of \p{L}\p{M}\p{S}\p{N}\p{P} (everything but separators and the
#   "other" categories): "no control character, no separator" minus whatever else the
#   class lists (\s, \t, \p{Z}, ...). A superset: it lets through format, private-use
#   and unassigned characters that AWS refuses, never refuses what AWS accepts;
# * any other \p use: any character (a superset again).
# A pattern using a construct that reads differently in the two languages is not
# checked at all (AWS still checks it); none in botocore 1.43.11 is (tests check).

# Unicode Cc, and Zs + Zl + Zp (stable since Unicode 6.3; tests check against unicodedata).
_CONTROL = "".join(map(chr, [*range(0x00, 0x20), *range(0x7F, 0xA0)]))
_SEPARATORS = ("\x20\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B)))
               + "\u2028\u2029\u202f\u205f\u3000")
_VISIBLE_CATEGORIES = frozenset("LMSNP")
_ANY = r"[\s\S]"
_JAVA_DOT = r"[^\n\r\x85\u2028\u2029]"
# Escapes with one meaning in Java and in Python (ASCII mode); other letters and
# digits (\h, \v, \z, \Q, octal \0) differ or do not exist in one of them.
_SAME_ESCAPES = frozenset("wWsSdDbBAtnrfaxu")
_GROUP_OPENINGS = ("(?:", "(?=", "(?!", "(?<=", "(?<!")


class _Untranslatable(ValueError):
    """A Java construct with no faithful Python spelling here."""


def _escape_at(text: str, i: int) -> tuple[str, int]:
    """The escape starting at ``text[i]`` (a backslash) and the index after it."""
    if i + 1 >= len(text):
        raise _Untranslatable("trailing backslash")
    char = text[i + 1]
    if char in "pP":
        if text.startswith("{", i + 2):
            end = text.find("}", i + 2)
            if end < 0:
                raise _Untranslatable("unterminated \\p{")
            return text[i : end + 1], end + 1
        return text[i : i + 3], i + 3
    if char.isascii() and char.isalnum() and char not in _SAME_ESCAPES:
        raise _Untranslatable(f"\\{char}")
    return text[i : i + 2], i + 2


def _category(escape: str) -> str:
    """``\\p{L}`` -> "L"; ``\\P{L}`` -> "^L" (which no rule below knows)."""
    name = escape[3:-1] if escape[2:3] == "{" else escape[2:]
    return name if escape[1] == "p" else f"^{name}"


def _render(chars: str) -> str:
    return "".join(f"\\u{ord(c):04x}" for c in chars)


def _property_class(categories: frozenset[str], rest: str, negated: bool) -> str:
    """A class with ``\\p{...}`` items (``rest``: its other items, as written)."""
    if categories <= {"Z"}:
        return f"[{'^' if negated else ''}{rest}{_render(_SEPARATORS)}]"
    if not negated and _VISIBLE_CATEGORIES <= categories <= _VISIBLE_CATEGORIES | {"Z"}:
        excluded = _CONTROL + ("" if "Z" in categories else _SEPARATORS)
        if rest:
            listed = re.compile(f"[{rest}]", re.ASCII)
            excluded = "".join(c for c in excluded if not listed.fullmatch(c))
        return f"[^{_render(excluded)}]" if excluded else _ANY
    return _ANY


def _class(text: str) -> str:
    """One Java character class ``[...]`` -> Python."""
    negated = text.startswith("[^")
    inner = text[2:-1] if negated else text[1:-1]
    if "&&" in inner:
        raise _Untranslatable("class intersection")
    categories: set[str] = set()
    rest: list[str] = []
    i = 0
    while i < len(inner):
        if inner[i] == "\\":
            token, i = _escape_at(inner, i)
            if token[1] in "pP":
                categories.add(_category(token))
            else:
                rest.append(token)
        else:
            rest.append(inner[i])
            i += 1
    if not categories:
        return text
    return _property_class(frozenset(categories), "".join(rest), negated)


def _class_end(body: str, start: int) -> int:
    i = start + 1
    while i < len(body):
        if body[i] == "\\":
            i += 2
        elif body[i] == "[":
            raise _Untranslatable("nested class")
        elif body[i] == "]":
            return i
        else:
            i += 1
    raise _Untranslatable("unterminated class")


def _python_pattern(java: str) -> str:
    """A Java pattern -> the Python pattern (for re.ASCII and fullmatch) that means it."""
    dotall = java.startswith("(?s)")
    body = java[4:] if dotall else java
    out: list[str] = []
    i = 0
    while i < len(body):
        char = body[i]
        if char == "\\":
            token, i = _escape_at(body, i)
            is_property = token[1] in "pP"
            out.append(_property_class(frozenset({_category(token)}), "", False)
                       if is_property else token)
        elif char == "[":
            end = _class_end(body, i)
            out.append(_class(body[i : end + 1]))
            i = end + 1
        elif char == ".":
            out.append(_ANY if dotall else _JAVA_DOT)
            i += 1
        elif char == "(" and body.startswith("(?", i):
            opening = next((g for g in _GROUP_OPENINGS if body.startswith(g, i)), None)
            if opening is None:
                raise _Untranslatable("group syntax")
            out.append(opening)
            i += len(opening)
        else:
            out.append(char)
            i += 1
    return "".join(out)


@functools.cache
def compile_pattern(java: str) -> re.Pattern[str] | None:
    """The model's pattern, compiled for ``fullmatch``; None when it cannot be
    translated faithfully (then it is not checked)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # e.g. FutureWarning: possible set operation
            return re.compile(_python_pattern(java), re.ASCII)
    except (_Untranslatable, re.error, FutureWarning):
        return None


# --------------------------------------------------------------------------- checkers


class _Node:
    """One shape of the model, ready to check a value at ``path``."""

    __slots__ = ()

    def check(self, value: Any, path: str, out: list[str]) -> None:
        raise NotImplementedError


class _String(_Node):
    __slots__ = ("enum", "enum_values", "max", "min", "pattern", "pattern_text")

    def __init__(self, minimum: int, maximum: int | None, enum: tuple[str, ...] | None,
                 pattern: str) -> None:
        self.min, self.max = minimum, maximum
        self.enum_values = enum
        self.enum = frozenset(enum) if enum is not None else None
        self.pattern_text = pattern
        self.pattern = compile_pattern(pattern) if pattern else None

    @classmethod
    def from_shape(cls, shape: Shape) -> _String:
        meta = shape.metadata
        enum = tuple(meta["enum"]) if "enum" in meta else None
        return cls(meta.get("min", 0), meta.get("max"), enum, meta.get("pattern", ""))

    def for_fqdn(self) -> _String:
        """The same string without the prefix-domain limits (see _names_custom_domain)."""
        return _String(self.min, None, self.enum_values, "")

    def check(self, value: Any, path: str, out: list[str]) -> None:
        if not isinstance(value, str):
            _wrong_type(value, path, out, "a string")
            return
        length = len(value)
        if _outside(length, self.min, self.max):
            _size_problem(path, _characters(length), length, self.min, self.max, out)
        if self.enum is not None and value not in self.enum:
            out.append(f"{path}: the string is not one of {', '.join(self.enum_values or ())}")
        if self.pattern is not None and self.pattern.fullmatch(value) is None:
            out.append(f"{path}: the string does not match the pattern {self.pattern_text}")


class _Integer(_Node):
    __slots__ = ("bits", "max", "max_given", "min", "min_given")

    def __init__(self, shape: Shape) -> None:
        meta = shape.metadata
        low, high = _INTEGER_BOUNDS[shape.type_name]
        self.bits = _BITS[shape.type_name]
        self.min_given, self.max_given = "min" in meta, "max" in meta
        self.min: int = meta.get("min", low)
        self.max: int = meta.get("max", high)

    def check(self, value: Any, path: str, out: list[str]) -> None:
        if isinstance(value, bool) or not isinstance(value, int):  # bool is an int
            _wrong_type(value, path, out, "an integer")
            return
        if value < self.min:
            limit = "" if self.min_given else f" (the {self.bits}-bit limit)"
            out.append(f"{path}: {_number(value)} is below the minimum {self.min}{limit}")
        elif value > self.max:
            limit = "" if self.max_given else f" (the {self.bits}-bit limit)"
            out.append(f"{path}: {_number(value)} is above the maximum {self.max}{limit}")


class _Boolean(_Node):
    __slots__ = ()

    def check(self, value: Any, path: str, out: list[str]) -> None:
        if not isinstance(value, bool):
            _wrong_type(value, path, out, "a boolean")


class _Blob(_Node):
    """Bytes, or a string (sent as its UTF-8 bytes)."""

    __slots__ = ("max", "min")

    def __init__(self, shape: Shape) -> None:
        self.min: int = shape.metadata.get("min", 0)
        self.max: int | None = shape.metadata.get("max")

    def check(self, value: Any, path: str, out: list[str]) -> None:
        if isinstance(value, str):
            size = len(value.encode("utf-8", "surrogatepass"))
        elif isinstance(value, bytes | bytearray):
            size = len(value)
        else:
            _wrong_type(value, path, out, "bytes or a string")
            return
        if _outside(size, self.min, self.max):
            _size_problem(path, _plural(size, "byte", "bytes"), size, self.min, self.max, out)


class _Timestamp(_Node):
    __slots__ = ()

    def check(self, value: Any, path: str, out: list[str]) -> None:
        if isinstance(value, bool) or not isinstance(value, datetime.datetime | str | int):
            _wrong_type(value, path, out, "a timestamp (a datetime, a string or an integer)")


class _Document(_Node):
    """A free-form JSON document (``"document": true``): any plain data."""

    __slots__ = ()

    def check(self, value: Any, path: str, out: list[str]) -> None:
        if _is_mapping(value):
            for number, (key, item) in enumerate(value.items(), start=1):
                if not isinstance(key, str):
                    out.append(f"{path} (key #{number}): {_describe(key)} is not a string")
                self.check(item, _key_path(path, key, number), out)
        elif isinstance(value, list | tuple):
            for index, item in enumerate(value):
                self.check(item, f"{path}[{index}]", out)
        elif not isinstance(value, str | int | float | type(None)):
            _wrong_type(value, path, out, "JSON data")


class _Unchecked(_Node):
    """A shape type this module does not know: only plain data is required."""

    __slots__ = ()

    def check(self, value: Any, path: str, out: list[str]) -> None:
        if not _is_plain(value):
            _leaked(value, path, out)


class _List(_Node):
    __slots__ = ("max", "member", "min")

    def __init__(self, shape: ListShape, member: _Node) -> None:
        self.member = member
        self.min: int = shape.metadata.get("min", 0)
        self.max: int | None = shape.metadata.get("max")

    def check(self, value: Any, path: str, out: list[str]) -> None:
        if not isinstance(value, list | tuple):
            _wrong_type(value, path, out, "a list")
            return
        count = len(value)
        if _outside(count, self.min, self.max):
            what = f"a list of {_plural(count, 'item', 'items')}"
            _size_problem(path, what, count, self.min, self.max, out)
        for index, item in enumerate(value):
            self.member.check(item, f"{path}[{index}]", out)


class _Map(_Node):
    __slots__ = ("key", "max", "min", "value")

    def __init__(self, shape: MapShape, key: _Node, value: _Node) -> None:
        self.key, self.value = key, value
        self.min: int = shape.metadata.get("min", 0)
        self.max: int | None = shape.metadata.get("max")

    def check(self, value: Any, path: str, out: list[str]) -> None:
        if not _is_mapping(value):
            _wrong_type(value, path, out, "a mapping")
            return
        count = len(value)
        if _outside(count, self.min, self.max):
            what = f"a mapping of {_plural(count, 'entry', 'entries')}"
            _size_problem(path, what, count, self.min, self.max, out)
        for number, (key, item) in enumerate(value.items(), start=1):
            self.key.check(key, f"{path} (key #{number})", out)
            self.value.check(item, _key_path(path, key, number), out)


class _Structure(_Node):
    __slots__ = ("members", "name", "required")

    def __init__(self, name: str) -> None:
        self.name = name
        self.members: dict[str, _Node] = {}
        self.required: tuple[str, ...] = ()

    def check(self, value: Any, path: str, out: list[str]) -> None:
        if not _is_mapping(value):
            _wrong_type(value, path, out, f"a mapping ({self.name})")
            return
        members = self.members
        for key, item in value.items():
            node = members.get(key)
            if node is not None:
                node.check(item, f"{path}.{key}", out)
            elif isinstance(key, str):
                out.append(f"{path}.{key}: not a member of {self.name}")
            else:
                out.append(f"{path}: {_describe(key)} is not a member name")
        for name in self.required:
            if name not in value:
                out.append(f"{path}.{name}: required member is missing")


class _NewPool(_Node):
    """A member that may hold poolsync's placeholder (see _stands_for_new_pool)."""

    __slots__ = ("placeholder", "real")

    def __init__(self, real: _Node, placeholder: str) -> None:
        self.real, self.placeholder = real, placeholder

    def check(self, value: Any, path: str, out: list[str]) -> None:
        if not (isinstance(value, str) and (value == self.placeholder or (
                self.placeholder == CLIENT_ID_PREFIX and value.startswith(CLIENT_ID_PREFIX)
                and value.endswith("}")))):
            self.real.check(value, path, out)


class _RecordedSecret(_Node):
    """A tag value that ends with ``kinds.base.secret_id_placeholder(CLIENT)`` (a client
    secret's record: kinds/client_secret.py): apply puts the ClientSecretId of the
    secret it adds in its place, ``<client-id>--<epoch>`` (botocore
    ClientSecretDescriptorType), so the value is checked with such an id there."""

    __slots__ = ("real",)

    def __init__(self, real: _Node) -> None:
        self.real = real

    def check(self, value: Any, path: str, out: list[str]) -> None:
        if isinstance(value, str) and SECRET_ID_PREFIX in value:
            value = value[:value.index(SECRET_ID_PREFIX)] + "c0--1700000000000"
        self.real.check(value, path, out)


# --------------------------------------------------------------------------- compiling


class _Compiler:
    """Turns botocore shapes into checkers, one per shape name (shared between
    operations; a structure is registered before its members, so cycles end)."""

    def __init__(self, model: ServiceModel) -> None:
        self.model = model
        self.nodes: dict[str, _Node] = {}

    def node(self, shape: Shape) -> _Node:
        found = self.nodes.get(shape.name)
        if found is None:
            found = self._build(shape)
        return found

    def _build(self, shape: Shape) -> _Node:
        node: _Node
        if isinstance(shape, StructureShape):
            if shape.metadata.get("document"):
                node = self.nodes[shape.name] = _Document()
                return node
            structure = _Structure(shape.name)
            self.nodes[shape.name] = structure
            structure.members = {name: self.member(name, member)
                                 for name, member in shape.members.items()}
            structure.required = tuple(shape.required_members)
            return structure
        if isinstance(shape, ListShape):
            node = _List(shape, self.node(shape.member))
        elif isinstance(shape, MapShape):
            node = _Map(shape, self.node(shape.key), self.node(shape.value))
        else:
            node = _scalar(shape)
            if shape.name == "TagValueType":
                node = _RecordedSecret(node)
        self.nodes[shape.name] = node
        return node

    def member(self, name: str, shape: Shape) -> _Node:
        node = self.node(shape)
        placeholder = _stands_for_new_pool(name)
        return _NewPool(node, placeholder) if placeholder is not None else node


def _scalar(shape: Shape) -> _Node:
    kind = shape.type_name
    if kind == "string":
        return _String.from_shape(shape)
    if kind in _INTEGER_BOUNDS:
        return _Integer(shape)
    if kind == "boolean":
        return _Boolean()
    if kind == "blob":
        return _Blob(shape)
    if kind == "timestamp":
        return _Timestamp()
    return _Unchecked()


_LOCK = threading.Lock()


@functools.cache
def _compiler() -> _Compiler:
    return _Compiler(_service_model())


@functools.cache
def _request(operation: str, custom_domain: bool) -> _Node:
    """The checker of ``operation``'s input; with ``custom_domain``, its Domain is an
    FQDN (see _names_custom_domain)."""
    with _LOCK:
        compiler = _compiler()
        shape = compiler.model.operation_model(operation).input_shape
        if shape is None:
            return _Structure(f"{operation} (no input)")
        node = compiler.node(shape)
        if not custom_domain:
            return node
        assert isinstance(node, _Structure)
        domain = node.members["Domain"]
        assert isinstance(domain, _String)
        relaxed = _Structure(node.name)
        relaxed.members = {**node.members, "Domain": domain.for_fqdn()}
        relaxed.required = node.required
        return relaxed
