"""Reading and writing YAML: the only module that imports ``yaml``.

``load_document`` turns bytes into plain data (dicts, lists, str, int, float, bool,
None) plus the ``file:line:col`` of every mapping key and list item, so any later
stage can point at the exact line of a problem. Like cfn-lint's ``decode``, parse
errors are problems too: every failure becomes a located, plain-language
``ConfigError``, never a traceback.

We compose YAML into a node graph with libyaml (fast, no object construction) and
build the data ourselves from the nodes. Owning that walk is what lets us refuse what
PyYAML's constructors would silently accept or act on:

- duplicate keys in a mapping (PyYAML keeps the last one without a word);
- non-string keys, including booleans and nulls;
- every tag outside plain YAML data (``!!python/object``, ``!Ref``, ``!!binary``,
  ``!!set``, ...): a config file must never construct objects;
- merge keys (``<<``): **refused**. Their override rules make "where does this value
  come from" hard to answer and to locate; anchors and aliases of whole values work;
- alias bombs ("billion laughs") and self-referencing aliases.

Scalars: YAML 1.2
-----------------

libyaml parses YAML 1.1 syntax, and PyYAML resolves plain scalars with YAML 1.1's
rules. poolsync reads them with the YAML 1.2 **core schema** instead (YAML 1.2.2, §10.3.2
"Tag Resolution", https://yaml.org/spec/1.2.2/#1032-tag-resolution), whatever a
``%YAML`` directive says (``%YAML 1.1`` is refused, so a file cannot claim otherwise).
The plain scalars the two versions read differently:

==================  ===========================  ==================================
written             YAML 1.1 (PyYAML)            poolsync (YAML 1.2 core)
==================  ===========================  ==================================
``yes no on off``   booleans                     strings (``MfaConfiguration: OFF``)
``y n``             booleans in the YAML 1.1     strings
                    spec (not in PyYAML)
``0o14``            string                       integer 12
``014``             octal integer 12             **refused**: 1.2 reads 14; a
                                                 silent 14 or 12 misleads someone
``1:30``            sexagesimal integer 90       string
``1_000``           integer 1000                 string
``0b1010``          integer 10                   string
``+0x1``, ``-0x1``  integer                      string (1.2 hex has no sign)
``1e3``, ``1.5e3``  strings (an exponent needs   floats 1000.0, 1500.0
                    a dot and a sign in 1.1)
``2001-12-14``      timestamp (a ``datetime``)   string
``=``               the "value" key              string
``~ null Null``     null                         null (the same)
``.inf .nan``       float                        float (the same)
==================  ===========================  ==================================

An explicit tag must fit its type in YAML 1.2 too: ``!!bool yes``, ``!!int 1_000`` and
``!!null x`` are errors, ``!!str 014`` is the text ``014``. ``dump_yaml`` quotes every
string that either version would read as something else, so what it writes loads back
equal here and means the same to YAML 1.1 tools.
"""

from __future__ import annotations

import codecs
import difflib
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from poolsync.errors import ConfigError
from poolsync.model import Location, Path, Problem

# Limits against documents built to exhaust memory or CPU. A hand-written pool config
# uses a handful of aliases; these are orders of magnitude above that.
MAX_ALIASES = 100  # alias uses (``*name``) written in one document
MAX_ALIAS_NODES = 100_000  # nodes created by expanding aliases
MAX_DEPTH = 200  # nesting of mappings and lists
# A number is at most this many digits (sign, "_" and a base prefix aside). No Cognito
# member takes more than a 64-bit integer (19 digits; botocore model "long"), and Python
# refuses to convert an int of more than 4,300 digits between text and number (ValueError
# "Exceeds the limit", Python 3.11's int_max_str_digits); turning a long text into an int
# also takes time quadratic in its length. Refused where it is written, so every number
# in the data can be quoted in a message.
MAX_NUMBER_DIGITS = 100
_LARGEST_INT = 10**MAX_NUMBER_DIGITS - 1

_CORE = "tag:yaml.org,2002:"
_STR = _CORE + "str"
_INT = _CORE + "int"
_FLOAT = _CORE + "float"
_BOOL = _CORE + "bool"
_NULL = _CORE + "null"
_MAP = _CORE + "map"
_SEQ = _CORE + "seq"
_MERGE = _CORE + "merge"

# The YAML 1.2.2 core schema (§10.3.2, https://yaml.org/spec/1.2.2/#1032-tag-resolution):
# what a plain scalar is, by its whole text; anything else is a string. ``\Z``, not
# ``$``: the whole text, never "up to a final newline".
_NULL_TEXT = re.compile(r"(?:~|null|Null|NULL|)\Z")
_BOOL_TEXT = re.compile(r"(?:true|True|TRUE|false|False|FALSE)\Z")
_INT_TEXT = re.compile(r"(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)\Z")
_FLOAT_TEXT = re.compile(
    r"(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))\Z"
)
# A decimal integer with a leading zero: octal in YAML 1.1, decimal in YAML 1.2.
_LEADING_ZERO = re.compile(r"[-+]?0[0-9]+\Z")


def _core_resolvers() -> dict[str | None, list[tuple[str, re.Pattern[str]]]]:
    """PyYAML's resolver table (first character -> (tag, pattern)) for the core schema.

    Integers are tried before floats (``12`` matches both). The merge key ``<<`` keeps
    PyYAML's resolver so that ``_key`` can name it."""
    table: dict[str | None, list[tuple[str, re.Pattern[str]]]] = {}
    for tag, pattern, firsts in (
        (_NULL, _NULL_TEXT, ["~", "n", "N", ""]),
        (_BOOL, _BOOL_TEXT, list("tTfF")),
        (_INT, _INT_TEXT, list("-+0123456789")),
        (_FLOAT, _FLOAT_TEXT, list("-+.0123456789")),
        (_MERGE, re.compile(r"<<\Z"), ["<"]),
    ):
        for first in firsts:
            table.setdefault(first, []).append((tag, pattern))
    return table


_CORE_RESOLVERS = _core_resolvers()

_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[misc]
    """libyaml's safe loader with YAML 1.2 core scalar resolution; composes nodes only."""

    yaml_implicit_resolvers = _CORE_RESOLVERS


class _NotOfType(ValueError):
    """A scalar's text does not fit its (explicit) tag, or is refused for its type."""


def _build_int(text: str) -> int:
    """``!!int`` in the core schema: ``[-+]?[0-9]+``, ``0o[0-7]+``, ``0x[0-9a-fA-F]+``.

    Python's ``int()`` alone would also take ``1_000``, spaces and non-ASCII digits."""
    if not _INT_TEXT.match(text):
        raise _NotOfType(text)
    if _LEADING_ZERO.match(text):
        raise _LeadingZero(text)
    if text[:2] in ("0o", "0x"):
        return int(text[2:], 8 if text[1] == "o" else 16)
    return int(text, 10)


def _build_float(text: str) -> float:
    """``!!float`` in the core schema (an integer's text is a float's too: ``!!float 1``)."""
    if not (_FLOAT_TEXT.match(text) or (_INT_TEXT.match(text) and text[:2] not in ("0o", "0x"))):
        raise _NotOfType(text)
    lowered = text.lower()
    if lowered.endswith(".nan"):
        return float("nan")
    if lowered.endswith(".inf"):
        return float("-inf") if text.startswith("-") else float("inf")
    return float(text)


def _build_bool(text: str) -> bool:
    if not _BOOL_TEXT.match(text):
        raise _NotOfType(text)
    return text.lower() == "true"


def _build_null(text: str) -> None:
    if not _NULL_TEXT.match(text):
        raise _NotOfType(text)


class _LeadingZero(_NotOfType):
    """``014``: YAML 1.1 reads octal 12, YAML 1.2 decimal 14. Either reading, taken
    silently, misleads whoever meant the other: refused, saying both."""

    def message(self) -> str:
        text = str(self)
        sign = "-" if text.startswith("-") else ""
        digits = text.lstrip("+-")
        decimal = f"{sign}{int(digits, 10)}"
        if set(digits) == {"0"}:
            readings = ""
            octal = ""
        elif set(digits) <= set("01234567"):
            readings = (
                f": YAML 1.1 reads it as octal ({sign}{int(digits, 8)}), YAML 1.2 as {decimal}"
            )
            # YAML 1.2 writes octal without a sign.
            octal = "" if sign else f", or 0o{digits.lstrip('0')} for octal"
        else:
            readings = f": YAML 1.1 reads it as text, YAML 1.2 as {decimal}"
            octal = ""
        return (
            f"{_quoted(text)} has a leading zero{readings}; write {decimal}{octal}, or quote"
            " it if it is text"
        )


# Scalars we accept, by tag, and how to build each from its text. An implicitly resolved
# scalar matches its pattern already; an explicit one (``!!int abc``) may not.
_SCALAR_BUILDERS: dict[str, Callable[[str], Any]] = {
    _INT: _build_int,
    _FLOAT: _build_float,
    _BOOL: _build_bool,
    _NULL: _build_null,
}

_TYPE_NAMES: dict[type, str] = {
    str: "a string",
    int: "an integer",
    float: "a number",
    bool: "a boolean",
    type(None): "null",
    list: "a list",
    dict: "a mapping",
}


def _type_name(value: Any) -> str:
    """``"an integer"``, ``"a list"``...: how messages name a YAML value's type."""
    return _TYPE_NAMES.get(type(value), type(value).__name__)


@dataclass(frozen=True)
class Document:
    """One loaded YAML file: plain ``data`` and where each key and list item starts.

    ``locations`` maps the path of every mapping key (to the key's position) and every
    list item (to the item's first character). Values reached through an alias
    (``*name``) are located where the anchored text is: that is where they are written.
    """

    data: Any
    locations: Mapping[Path, Location]
    file: str

    def locate(self, path: Path) -> Location:
        """Where ``path`` is, else its nearest located ancestor, else the file's start.

        Problems about a missing key point at the mapping that should hold it.
        """
        for end in range(len(path), 0, -1):
            location = self.locations.get(path[:end])
            if location is not None:
                return location
        return Location(self.file, 1, 1)


def load_document(text: bytes | str, file: str) -> Document:
    """Parse one YAML file. Raises ``ConfigError`` with every problem found.

    A syntax error stops parsing, so it is reported alone; the problems found while
    building the data (duplicate keys, bad keys, refused tags) are all reported.
    """
    source = _decode(text, file) if isinstance(text, bytes) else text.removeprefix("\ufeff")
    _refuse_unprintable(source, file)
    return _document(source, file, _compose(source, file))


def _document(source: str, file: str, root: Node | None) -> Document:
    if root is None:
        raise ConfigError([Problem(_why_no_content(source), location=Location(file, 1, 1))])
    _refuse_other_yaml_version(source, file)
    builder = _Builder(file, source)
    data = builder.build_root(root)
    if builder.problems:
        raise ConfigError(builder.problems)
    if not isinstance(data, dict):
        where = _location(file, root)
        message = f"expected a mapping at the top level, got {_type_name(data)}"
        raise ConfigError([Problem(message, location=where)])
    return Document(data=data, locations=builder.locations, file=file)


def load_document_if(text: bytes, file: str, keys: Collection[str]) -> Document | None:
    """``load_document`` for a file found by walking a directory: None, without a
    problem, when the file is YAML whose first document's top level is not a mapping
    with at least one of ``keys`` (another tool's file: a GitHub workflow, a
    docker-compose file with merge keys, a multi-document Kubernetes manifest), so that
    it can be skipped. YAML that breaks before any of ``keys`` counts as another tool's
    (a template of some other tool); bytes that are not text (invalid UTF-8, NUL) are
    reported as ``load_document`` reports them: nothing says they are not ours."""
    source = _decode(text, file)
    _refuse_unprintable(source, file)
    try:
        root = _compose(source, file)
    except ConfigError:
        if not _resembles(_first_document_keys(source), keys):
            return None  # a stream of documents, or a syntax this loader refuses
        raise
    found = [node.value for node, _ in root.value if isinstance(node, ScalarNode)] if (
        isinstance(root, MappingNode)
    ) else []
    if not _resembles(found, keys):
        return None
    return _document(source, file, root)


def _resembles(found: Collection[Any], keys: Collection[str]) -> bool:
    """Whether a top level with the keys ``found`` is meant as a poolsync file: one of
    ``keys``, or a key that is one of them misspelt (``Pools:``, ``pool:``,
    ``versoin:``). A misspelt file must be an error with a "did you mean", not skipped:
    skipped, its pools would silently leave plan and drift."""
    wanted = [k.lower() for k in keys]
    for key in found:
        if not isinstance(key, str):
            continue
        if key.lower() in wanted or difflib.get_close_matches(key.lower(), wanted, 1, 0.85):
            return True
    return False


def _first_document_keys(source: str) -> frozenset[str]:
    """The plain keys of the first document's top-level mapping (none for any other top
    level, or when even the first document cannot be parsed)."""
    keys: set[str] = set()
    depth = 0
    position = 0  # complete nodes seen at the top mapping's level: even ones are keys
    try:
        for event in yaml.parse(source, Loader=_Loader):
            if isinstance(event, yaml.CollectionStartEvent):
                if depth == 0 and not isinstance(event, yaml.MappingStartEvent):
                    break
                depth += 1
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
                position += depth == 1
                if depth == 0:
                    break
            elif isinstance(event, yaml.NodeEvent):  # a scalar or an alias
                if depth == 0:
                    break
                if depth == 1:
                    if position % 2 == 0 and isinstance(event, yaml.ScalarEvent):
                        keys.add(event.value)
                    position += 1
    except yaml.YAMLError:
        pass  # the keys read before the error are all there is
    return frozenset(keys)


def _refuse_other_yaml_version(source: str, file: str) -> None:
    """A ``%YAML 1.1`` directive asks for YAML 1.1's scalars (``yes`` a boolean, ``014``
    octal); poolsync reads YAML 1.2 whatever the file says, so such a file is refused
    rather than read otherwise than it claims. ``%YAML 1.2`` is welcome."""
    if "%YAML" not in source:
        return
    for event in yaml.parse(source, Loader=_Loader):
        if isinstance(event, yaml.DocumentStartEvent):
            if event.version is not None and tuple(event.version) != (1, 2):
                declared = ".".join(str(part) for part in event.version)
                message = (
                    f"the file declares %YAML {declared}, but poolsync reads YAML 1.2 (where"
                    " yes/no/on/off are strings, and 014, 1:30 and 1_000 are not numbers):"
                    " write %YAML 1.2, or remove the directive"
                )
                line = source[: source.index("%YAML")].count("\n") + 1
                raise ConfigError([Problem(message, location=Location(file, line, 1))])
            return


def _why_no_content(source: str) -> str:
    """What a file without a YAML document holds: nothing, or only comments (the only
    other text a stream without a document can have)."""
    if not source.strip():
        return "file is empty"
    return "file has no content (only comments)"


def _decode(raw: bytes, file: str) -> str:
    """Strict UTF-8 (a BOM is allowed): a wrong encoding must not turn into mojibake."""
    start = len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0
    try:
        return raw[start:].decode("utf-8")
    except UnicodeDecodeError as error:
        offset = start + error.start
        line_start = raw.rfind(b"\n", 0, offset) + 1
        # Columns count characters; the bytes before the bad one on its line are valid.
        column = len(raw[max(line_start, start) : offset].decode("utf-8")) + 1
        line = raw.count(b"\n", 0, offset) + 1
        message = f"file is not valid UTF-8 (byte 0x{raw[offset]:02x} at offset {offset})"
        raise ConfigError([Problem(message, location=Location(file, line, column))]) from None


# What YAML accepts in a stream (YAML 1.1 §5.1 "printable"). Anything else, NUL above
# all, means the file is not text.
_UNPRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _refuse_unprintable(source: str, file: str) -> None:
    match = _UNPRINTABLE.search(source)
    if match is None:
        return
    offset = match.start()
    code = f"U+{ord(match.group()):04X}"
    hint = "; is this a binary file?" if match.group() == "\0" else ""
    message = f"file contains the control character {code}, which YAML does not allow{hint}"
    raise ConfigError([Problem(message, location=_offset_location(source, offset, file))])


def _offset_location(source: str, offset: int, file: str) -> Location:
    line = source.count("\n", 0, offset) + 1
    column = offset - (source.rfind("\n", 0, offset) + 1) + 1
    return Location(file, line, column)


def _compose(source: str, file: str) -> Node | None:
    """The document's node graph (anchors shared, nothing constructed), or None if empty."""
    loader = _Loader(source)
    try:
        node: Node | None = loader.get_single_node()
        return node
    except yaml.MarkedYAMLError as error:
        raise ConfigError([_syntax_problem(error, source, file)]) from None
    except yaml.reader.ReaderError as error:  # libyaml's own checks of the characters
        where = _offset_location(source, min(error.position, len(source)), file)
        raise ConfigError([Problem(f"invalid YAML: {error.reason}", location=where)]) from None
    finally:
        loader.dispose()


def _syntax_problem(error: yaml.MarkedYAMLError, source: str, file: str) -> Problem:
    mark = error.problem_mark or error.context_mark
    line, column = (mark.line, mark.column) if mark else (0, 0)
    tab = _indentation_tab(source, line)
    if tab is not None:
        # libyaml's messages for tabs ("found character that cannot start any token")
        # do not say the word; users need to hear that the tab is the problem.
        message = "tabs are not allowed for indentation; use spaces"
        return Problem(message, location=Location(file, line + 1, tab + 1))
    message = f"invalid YAML: {error.problem or error.context}"
    context_mark = error.context_mark
    if error.problem and error.problem.startswith("but ") and error.context:
        # "expected a single document in the stream" / "but found another document"
        message = f"invalid YAML: {error.context}, {error.problem}"
    elif error.problem and error.context and context_mark is not None:
        # The context names what was open when parsing failed, often lines earlier
        # ("while parsing a flow sequence" started at line 3): say where.
        message += (
            f" ({error.context} started at line {context_mark.line + 1},"
            f" column {context_mark.column + 1})"
        )
    return Problem(message, location=Location(file, line + 1, column + 1))


def _indentation_tab(source: str, line: int) -> int | None:
    """0-based column of a tab in ``line``'s leading whitespace, if there is one."""
    lines = source.splitlines()
    if line >= len(lines):
        return None
    text = lines[line]
    indentation = text[: len(text) - len(text.lstrip(" \t"))]
    column = indentation.find("\t")
    return column if column >= 0 else None


def _location(file: str, node: Node) -> Location:
    return Location(file, node.start_mark.line + 1, node.start_mark.column + 1)


def _display_tag(tag: str) -> str:
    return "!!" + tag.removeprefix(_CORE) if tag.startswith(_CORE) else tag


_TOO_LARGE = f"integer too large (more than {MAX_NUMBER_DIGITS} digits); quote it if it is text"
_TOO_LONG = f"number too long (more than {MAX_NUMBER_DIGITS} digits); quote it if it is text"
_NUMBER_MARKS = str.maketrans("", "", "+-")
_QUOTED_LIMIT = 60


# How YAML 1.2 writes an integer and a float: an explicit ``!!int`` may stand on any
# text, and only a number can be too long.
_NUMBER_SYNTAX = {_INT: _INT_TEXT, _FLOAT: _FLOAT_TEXT}


def _too_many_digits(node: ScalarNode) -> str | None:
    """The problem of a number written with more than ``MAX_NUMBER_DIGITS`` digits, if
    it is one. Checked on the text, before Python converts it."""
    syntax = _NUMBER_SYNTAX.get(node.tag)
    if syntax is None:
        return None
    written = node.value.translate(_NUMBER_MARKS)
    if written[:2] in ("0x", "0o"):
        written = written[2:]
    if len(written) <= MAX_NUMBER_DIGITS or not syntax.match(node.value):
        return None
    return _TOO_LARGE if node.tag == _INT else _TOO_LONG


def _quoted(text: str) -> str:
    """``text`` in double quotes, cut to 60 characters: a message never repeats a long
    value whole."""
    if len(text) > _QUOTED_LIMIT:
        text = text[: _QUOTED_LIMIT - 3] + "..."
    return f'"{text}"'


class _Refused(Exception):
    """Stops building: the document is hostile (alias bomb) or too deep to walk."""

    def __init__(self, problem: Problem):
        super().__init__(problem.message)
        self.problem = problem


class _Builder:
    """Builds plain data from a composed node graph, recording locations and problems.

    Aliases appear in the graph as the anchored node object itself, reached again.
    The walk goes in document order, so every node is first reached outside any alias
    expansion; reaching a node a second time at that level is one ``*alias`` written
    in the text. Each alias is expanded into a fresh copy, so no two places in the
    data share (and can mutate) one object.
    """

    def __init__(self, file: str, source: str):
        self.file = file
        self.source = source
        self.locations: dict[Path, Location] = {}
        self.problems: list[Problem] = []
        self._seen: set[int] = set()
        self._open: set[int] = set()  # nodes being built: reaching one again is a cycle
        self._expanding = 0  # > 0 while inside an alias expansion
        self._aliases = 0  # ``*alias`` uses written in the text, reached so far
        self._alias_path: Path = ()  # where the latest of them is used
        self._alias_nodes = 0
        # A part of the document left unbuilt (after a problem) may hold aliases: then
        # the n-th alias reached is no longer the n-th alias in the text.
        self._skipped = False

    def build_root(self, root: Node) -> Any:
        try:
            return self._build(root, (), 0)
        except _Refused as refused:
            self.problems = [refused.problem]
            return None

    def _build(self, node: Node, path: Path, depth: int) -> Any:
        if depth > MAX_DEPTH:
            message = f"nesting is deeper than {MAX_DEPTH} levels"
            raise _Refused(Problem(message, location=_location(self.file, node)))
        if id(node) in self._open:
            message = "an alias refers to the mapping or list that contains it"
            ordinal = self._aliases + (0 if self._expanding else 1)
            raise _Refused(Problem(message, path, self._alias_location(node, ordinal)))
        alias = id(node) in self._seen
        if alias and not self._expanding:
            self._aliases += 1
            self._alias_path = path
        self._count(node)
        self._seen.add(id(node))
        self._open.add(id(node))
        self._expanding += alias
        try:
            if isinstance(node, MappingNode):
                return self._mapping(node, path, depth)
            if isinstance(node, SequenceNode):
                return self._sequence(node, path, depth)
            assert isinstance(node, ScalarNode)  # the only other kind composing makes
            return self._scalar(node, path)
        finally:
            self._expanding -= alias
            self._open.discard(id(node))

    def _count(self, node: Node) -> None:
        """Refuses a document whose aliases are too many or expand to too much, pointing
        at the alias use (``*name``) that crossed the limit."""
        alias = id(node) in self._seen
        if alias and not self._expanding and self._aliases > MAX_ALIASES:
            message = f"too many aliases: more than {MAX_ALIASES} in one file"
            where = self._alias_location(node, self._aliases)
            raise _Refused(Problem(message, self._alias_path, where))
        if alias or self._expanding:
            self._alias_nodes += 1
            if self._alias_nodes > MAX_ALIAS_NODES:
                message = (
                    f"too many aliases: expanding them makes more than"
                    f" {MAX_ALIAS_NODES} values (an alias bomb?)"
                )
                where = self._alias_location(node, self._aliases)
                raise _Refused(Problem(message, self._alias_path, where))

    def _alias_location(self, node: Node, ordinal: int) -> Location:
        """Where the ``ordinal``-th alias of the text is written. The composed graph
        keeps only the anchored node, so the text is parsed again (on this error path
        only); when that cannot be trusted, the anchored value's location."""
        if not self._skipped:
            count = 0
            for event in yaml.parse(self.source, Loader=_Loader):
                if isinstance(event, yaml.AliasEvent):
                    count += 1
                    mark = event.start_mark
                    if count == ordinal and mark is not None:
                        return Location(self.file, mark.line + 1, mark.column + 1)
        return _location(self.file, node)

    def _mapping(self, node: MappingNode, path: Path, depth: int) -> dict[str, Any] | None:
        if node.tag != _MAP:
            self._refuse_tag(node, path)
            self._skipped = True
            return None
        out: dict[str, Any] = {}
        first_seen: dict[str, Location] = {}
        for key_node, value_node in node.value:
            key = self._key(key_node, path, depth)
            if key is None:
                self._skipped = True
                continue
            where = _location(self.file, key_node)
            if key in first_seen:
                message = f'duplicate key "{key}" (first defined at line {first_seen[key].line})'
                self.problems.append(Problem(message, (*path, key), where))
                self._skipped = True
                continue
            first_seen[key] = where
            self.locations.setdefault((*path, key), where)
            out[key] = self._build(value_node, (*path, key), depth + 1)
        return out

    def _key(self, node: Node, path: Path, depth: int) -> str | None:
        """The key as a string, or None (with a problem recorded) when it is not one."""
        where = _location(self.file, node)
        if isinstance(node, ScalarNode) and node.tag == _MERGE:
            message = 'merge keys ("<<") are not supported; repeat the keys or alias a whole value'
            self.problems.append(Problem(message, path, where))
            return None
        recorded = len(self.problems)
        key = self._build(node, path, depth) if isinstance(node, ScalarNode) else None
        if isinstance(key, str):
            return key
        if len(self.problems) > recorded:
            return None  # a refused tag or number: its problem is already recorded
        if not isinstance(node, ScalarNode):
            got = "a list" if isinstance(node, SequenceNode) else "a mapping"
        else:
            got = _type_name(key)
        message = f"mapping keys must be strings, got {got}"
        if isinstance(node, ScalarNode) and (isinstance(key, bool) or key is None):
            # YAML reads these words as values, not names: quoting keeps them names.
            message += f'; quote the key to use it as a name: "{node.value}"'
        self.problems.append(Problem(message, path, where))
        return None

    def _sequence(self, node: SequenceNode, path: Path, depth: int) -> list[Any] | None:
        if node.tag != _SEQ:
            self._refuse_tag(node, path)
            self._skipped = True
            return None
        out: list[Any] = []
        for index, item in enumerate(node.value):
            self.locations.setdefault((*path, index), _location(self.file, item))
            out.append(self._build(item, (*path, index), depth + 1))
        return out

    def _scalar(self, node: ScalarNode, path: Path) -> Any:
        # A plain "<<" as a value (not a key) is just text.
        if node.tag in (_STR, _MERGE):
            return node.value
        builder = _SCALAR_BUILDERS.get(node.tag)
        if builder is None:
            self._refuse_tag(node, path)
            return None
        too_long = _too_many_digits(node)
        if too_long:
            self.problems.append(Problem(too_long, path, _location(self.file, node)))
            return None
        try:
            value = builder(node.value)
        except _LeadingZero as refused:
            self.problems.append(Problem(refused.message(), path, _location(self.file, node)))
            return None
        except _NotOfType:  # a tag on a value it does not fit (``!!int abc``, ``!!int``)
            message = f"{_quoted(node.value)} is not a valid {_display_tag(node.tag)}"
            self.problems.append(Problem(message, path, _location(self.file, node)))
            return None
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > _LARGEST_INT:
            # Few digits, a large value: 0x....
            self.problems.append(Problem(_TOO_LARGE, path, _location(self.file, node)))
            return None
        return value

    def _refuse_tag(self, node: Node, path: Path) -> None:
        message = f'tag "{_display_tag(node.tag)}" is not allowed'
        self.problems.append(Problem(message, path, _location(self.file, node)))


def _dump_resolvers() -> dict[str | None, list[tuple[str, re.Pattern[str]]]]:
    """YAML 1.1's resolvers and the core schema's together: the dumper quotes a string
    that either would read as something else (``"yes"``, ``"1e3"``, ``"0o14"``)."""
    table: dict[str | None, list[tuple[str, re.Pattern[str]]]] = {}
    for source in (yaml.resolver.Resolver.yaml_implicit_resolvers, _CORE_RESOLVERS):
        for first, entries in source.items():
            table.setdefault(first, []).extend(entries)
    return table


class _Dumper(yaml.SafeDumper):
    """Block style, lists indented under their key: the way people write configs."""

    yaml_implicit_resolvers = _dump_resolvers()

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # Multi-line text (message templates) reads best as a literal block. YAML 1.1's other
    # line breaks (NEL, LS, PS) are folded to spaces in PyYAML's plain and single-quoted
    # output and do not load back: such text is double-quoted, where they are escaped.
    style = '"' if _OTHER_BREAKS & set(value) else "|" if "\n" in value else None
    return dumper.represent_scalar(_STR, value, style=style)


_OTHER_BREAKS = frozenset("\x85\u2028\u2029")


_Dumper.add_representer(str, _represent_str)


def dump_yaml(data: Any) -> str:
    """``data`` as block-style YAML, keys in insertion order. Loads back equal."""
    text: str = yaml.dump(
        data,
        Dumper=_Dumper,
        default_flow_style=False,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        indent=2,
    )
    return text


def yaml11_number(text: str) -> int | float | None:
    """The number YAML 1.1 (PyYAML) reads the plain scalar ``text`` as, when YAML 1.2
    reads it as text: ``1:30`` is 90, ``1_000`` 1000, ``0b1010`` 10, ``+0x1`` 1. None for
    anything else (text in both, or a number in both). For messages: "write 90"."""
    if len(text) > 40 or _INT_TEXT.match(text) or _FLOAT_TEXT.match(text):
        return None
    tag = yaml.resolver.Resolver().resolve(ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    if tag not in (_INT, _FLOAT):
        return None
    loader = yaml.SafeLoader("")
    try:
        number: int | float = (
            loader.construct_yaml_int if tag == _INT else loader.construct_yaml_float
        )(ScalarNode(tag, text))
    except (ValueError, KeyError, IndexError):
        return None
    finally:
        loader.dispose()
    return number
