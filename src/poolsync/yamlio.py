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

Scalars follow YAML 1.1 (PyYAML's) rules with two deliberate exceptions:

- Booleans are YAML 1.2's: only ``true``/``false`` (any case style). ``on``, ``off``,
  ``yes``, ``no`` stay strings, so ``MfaConfiguration: OFF`` means the string ``"OFF"``
  the Cognito API expects (and what editors using YAML 1.2 show), not ``False``.
- Dates and timestamps stay strings: no ``datetime`` leaks into the data.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Mapping
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
_TIMESTAMP = _CORE + "timestamp"

# Implicit resolvers PyYAML applies that we do not want (see the module docstring):
# YAML 1.1 booleans, timestamps, and the obscure "=" (value) and "!"/"&"/"*" (yaml) tags.
_DROPPED_RESOLVERS = {_BOOL, _TIMESTAMP, _CORE + "value", _CORE + "yaml"}
_YAML12_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")

_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _implicit_resolvers() -> dict[str, list[tuple[str, re.Pattern[str]]]]:
    resolvers = {
        first: [(tag, regexp) for tag, regexp in entries if tag not in _DROPPED_RESOLVERS]
        for first, entries in yaml.resolver.Resolver.yaml_implicit_resolvers.items()
    }
    for first in "tTfF":
        resolvers.setdefault(first, []).insert(0, (_BOOL, _YAML12_BOOL))
    return resolvers


class _Loader(_BaseLoader):  # type: ignore[misc]
    """libyaml's safe loader with our scalar resolution; used only to compose nodes."""

    yaml_implicit_resolvers = _implicit_resolvers()


# Explicitly tagged scalars we accept, and how to build each. Implicitly resolved
# scalars always match their resolver's pattern; explicit ones (``!!int abc``) may not.
_SCALAR_BUILDERS: dict[str, Callable[[Any, ScalarNode], Any]] = {
    _INT: lambda loader, node: loader.construct_yaml_int(node),
    _FLOAT: lambda loader, node: loader.construct_yaml_float(node),
    _BOOL: lambda loader, node: loader.construct_yaml_bool(node),
    _NULL: lambda loader, node: None,
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
    root = _compose(source, file)
    if root is None:
        raise ConfigError([Problem(_why_no_content(source), location=Location(file, 1, 1))])
    builder = _Builder(file, source)
    data = builder.build_root(root)
    if builder.problems:
        raise ConfigError(builder.problems)
    if not isinstance(data, dict):
        where = _location(file, root)
        message = f"expected a mapping at the top level, got {_type_name(data)}"
        raise ConfigError([Problem(message, location=where)])
    return Document(data=data, locations=builder.locations, file=file)


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
_NUMBER_MARKS = str.maketrans("", "", "+-_")
_QUOTED_LIMIT = 60


# How YAML 1.1 writes an integer and a float (PyYAML's implicit resolvers): an explicit
# ``!!int`` may stand on any text, and only a number can be too long.
_NUMBER_SYNTAX = {
    tag: regexp
    for entries in yaml.resolver.Resolver.yaml_implicit_resolvers.values()
    for tag, regexp in entries
    if tag in (_INT, _FLOAT)
}


def _too_many_digits(node: ScalarNode) -> str | None:
    """The problem of a number written with more than ``MAX_NUMBER_DIGITS`` digits, if
    it is one. Checked on the text, before Python converts it."""
    syntax = _NUMBER_SYNTAX.get(node.tag)
    if syntax is None:
        return None
    written = node.value.translate(_NUMBER_MARKS)
    if written[:2].lower() in ("0x", "0b"):
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
        self._loader = _Loader("")  # for PyYAML's scalar parsing (ints, floats) only
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
        finally:
            self._loader.dispose()

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
            value = builder(self._loader, node)
        except (ValueError, KeyError, IndexError):  # a tag on a value it does not fit ("")
            message = f"{_quoted(node.value)} is not a valid {_display_tag(node.tag)}"
            self.problems.append(Problem(message, path, _location(self.file, node)))
            return None
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > _LARGEST_INT:
            # Few digits, a large value: 0x... or 1:2:3... (base 60).
            self.problems.append(Problem(_TOO_LARGE, path, _location(self.file, node)))
            return None
        return value

    def _refuse_tag(self, node: Node, path: Path) -> None:
        message = f'tag "{_display_tag(node.tag)}" is not allowed'
        self.problems.append(Problem(message, path, _location(self.file, node)))


class _Dumper(yaml.SafeDumper):
    """Block style, lists indented under their key: the way people write configs."""

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
