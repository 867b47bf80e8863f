"""Loading the configuration: files and directories in, one ``Config`` out.

Every problem of every file (YAML, schema, rules, environment references, duplicate
pools, templates) is collected first and raised as one ``ConfigError``, each with its
``file:line:col``, so a user fixes them all in one round.

Templates (docs/environments.md, "Pool templates"): a top-level ``templates:`` in any
file of the run, and ``template: NAME`` in a pool. Every file is read first; then each
pool that names a template is merged with it (``_merge``) and checked whole, schema and
Cognito's rules, while each template is checked on its own with every member optional.
A problem's key path is the merged pool's; its location is where the value was written
(``_View.origin``), in the template's file when the value came from there.

Environment references: ``${env:NAME}`` may stand for all or part of any string value
(never a key); ``NAME`` is letters, digits and underscores, not starting with a digit.
``$${`` is the escape for a literal ``${`` (so ``$${env:X}`` reads as the text
``${env:X}``), as in Terraform. The schema check (``poolsync.schema``) reports every
malformed ``${...}``; this module leaves those untouched.

- Validate mode (``environ=None``) checks the references' syntax only; the schema skips
  the checks of a value's text (enum, pattern, length) while it holds a reference.
- Resolve mode (``plan``/``apply``) substitutes every reference, reports each variable
  that is not set, validates the substituted values against the schema, and records
  every substituted value in ``PoolConfig.secrets``. Messages about such values never
  show them.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from poolsync import rules, schema
from poolsync.errors import ConfigError
from poolsync.model import Config, Location, Path, PoolConfig, Problem
from poolsync.yamlio import Document, load_document

YAML_SUFFIXES = (".yaml", ".yml")
POOLS = "pools"
TEMPLATES = "templates"
# Pool keys a template cannot have (docs/environments.md, "Pool templates"), and why.
TEMPLATE_ONLY_IN_POOLS = {
    "id": "a template cannot pin id: an id belongs to one pool; write it in the pool",
    "region": "a template cannot set region: it belongs to one environment; write it in "
    "the pool or at the top of the pool's file",
    "template": "a template cannot use another template: templates are one level only",
}

# "$${" (escape) or "${...}" (a reference, or a malformed one when unclosed or not env:).
_TOKEN = re.compile(r"\$\$\{|\$\{(?P<body>[^}]*)(?P<close>\}?)")
_ENV_REFERENCE = re.compile(r"env:(?P<name>[A-Za-z_][A-Za-z0-9_]*)")


def collect_files(paths: Sequence[str]) -> list[str]:
    """Files as given, directories expanded to every ``*.yaml``/``*.yml`` below, sorted."""
    files, problems = _collect_files(paths)
    if problems:
        raise ConfigError(problems)
    return files


def load_config(
    paths: Sequence[str],
    *,
    environ: Mapping[str, str] | None = None,
    region: str | None = None,
) -> Config:
    """Load, check and merge every file. ``environ=None`` is validate mode (see above).
    ``region`` (``--region``) is the region of pools whose files name none.

    Two passes: every file is read first, so that a pool can use a template defined in
    any file of the run; then each file is checked with its pools merged."""
    files, problems = _collect_files(paths)
    sources: list[_Source] = []
    for file in files:
        source, read_problems = _read_file(file, environ)
        problems.extend(read_problems)
        if source is not None:
            sources.append(source)
    run = _Run()
    problems.extend(_collect_templates(sources, run))
    pools: list[PoolConfig] = []
    first_defined: dict[tuple[str, str], Location] = {}
    for source in sources:
        loaded = _check_file(source, run, environ, region)
        problems.extend(loaded.problems)
        for pool in loaded.pools:
            problems.extend(_check_unique(pool, first_defined))
            pools.append(pool)
    problems.extend(_missing_variables(sources, run))
    problems.extend(run.template_problems())
    if problems:
        raise ConfigError(problems)
    return Config(pools=tuple(pools), files=tuple(files))


def _collect_files(paths: Sequence[str]) -> tuple[list[str], list[Problem]]:
    files: list[str] = []
    problems: list[Problem] = []
    for path in paths:
        if os.path.isdir(path):
            found = _yaml_files_below(path)
            if not found:
                problems.append(Problem(f"{path}: no *.yaml or *.yml files in this directory"))
            files.extend(found)
        elif os.path.exists(path):
            files.append(path)
        else:
            problems.append(Problem(f"{path}: no such file or directory"))
    return _unique_files(files), problems


def _yaml_files_below(directory: str) -> list[str]:
    return sorted(
        os.path.join(parent, name)
        for parent, _dirs, names in os.walk(directory)
        for name in names
        if name.endswith(YAML_SUFFIXES)
    )


def _unique_files(files: Iterable[str]) -> list[str]:
    """A file named twice (directly and through its directory) is loaded once: its pools
    would otherwise all be reported as defined twice."""
    seen: set[str] = set()
    unique: list[str] = []
    for file in files:
        real = os.path.realpath(file)
        if real not in seen:
            seen.add(real)
            unique.append(file)
    return unique


@dataclass
class _Loaded:
    pools: list[PoolConfig] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class _Source:
    """One file read: the document as written, and its ``${env:...}`` references."""

    document: Document
    references: _References


def _read_file(
    file: str, environ: Mapping[str, str] | None
) -> tuple[_Source | None, list[Problem]]:
    try:
        with open(file, "rb") as stream:
            raw = stream.read()
    except OSError as error:
        return None, [Problem(f"{file}: cannot read the file: {error.strerror}")]
    try:
        document = load_document(raw, file)
    except ConfigError as error:
        return None, list(error.problems)
    return _Source(document, _References(document, environ)), []


def _check_file(
    source: _Source, run: _Run, environ: Mapping[str, str] | None, region: str | None
) -> _Loaded:
    view = _View(source, run)
    written = _check_written(view)
    substituted = _check_substituted(view, written) if environ is not None else []
    pools, pool_problems = _build_pools(view, region)
    checked: list[Problem] = []
    for problem in [*written, *substituted]:
        about_template = problem.path[:1] == (TEMPLATES,)
        (run.template_checks if about_template else checked).append(problem)
    return _Loaded(pools=pools, problems=[*view.problems, *checked, *pool_problems])


def _missing_variables(sources: Iterable[_Source], run: _Run) -> list[Problem]:
    """Variables that are not set, where they are used. A template no pool of this run
    uses needs none of its variables (a base directory serves several environments)."""
    return [
        problem
        for source in sources
        for problem in source.references.problems
        if not _in_unused_template(problem.path, run)
    ]


def _in_unused_template(path: Path, run: _Run) -> bool:
    return len(path) >= 2 and path[0] == TEMPLATES and path[1] not in run.used


class _References:
    """The document's ``${env:...}`` references: checked, and substituted in resolve mode.

    ``data`` is the document with escapes turned into text and, in resolve mode, every
    reference replaced by its value. For each string that holds a reference, by path:
    ``names`` are the variables it uses, ``values`` the secrets substituted into it
    (each variable's value and the whole resulting string), ``resolved`` the result.
    """

    def __init__(self, document: Document, environ: Mapping[str, str] | None):
        self._document = document
        self._environ = environ
        self.problems: list[Problem] = []
        self.names: dict[Path, list[str]] = {}
        self.values: dict[Path, set[str]] = {}
        self.resolved: dict[Path, str] = {}
        self.data: Any = _map_strings(document.data, (), self._expand)

    def _expand(self, path: Path, text: str) -> str:
        if "${" not in text:
            return text
        names: list[str] = []
        values: set[str] = set()

        def replace_token(match: re.Match[str]) -> str:
            if match.group("body") is None:  # "$${": the escape for a literal "${"
                return "${"
            reference = _ENV_REFERENCE.fullmatch(match.group("body"))
            if reference is None or not match.group("close"):
                return match.group()  # malformed: the schema check reports it
            name = reference.group("name")
            names.append(name)
            if self._environ is None:
                return match.group()
            value = self._environ.get(name)
            if value is None:
                self._problem(path, f"environment variable {name} is not set")
                return match.group()
            values.add(value)
            return value

        result = _TOKEN.sub(replace_token, text)
        if names:
            self.names[path] = names
        if values:
            self.values[path] = {*values, result} - {""}
            self.resolved[path] = result
        return result

    def _problem(self, path: Path, message: str) -> None:
        problem = Problem(message, path, self._document.locate(path))
        if problem not in self.problems:  # one report per string, however often used
            self.problems.append(problem)

    def all_secrets(self) -> frozenset[str]:
        return frozenset(secret for values in self.values.values() for secret in values)

    def secrets_for(self, pool: str) -> frozenset[str]:
        """Secrets used in ``pools.<pool>``, and those used outside any pool and any
        template (such as a top-level ``region``), which every pool inherits."""
        return frozenset(
            secret
            for path, values in self.values.items()
            if path[:2] == (POOLS, pool) or path[:1] not in ((POOLS,), (TEMPLATES,))
            for secret in values
        )

    def secrets_under(self, prefix: Path) -> frozenset[str]:
        """Secrets used below ``prefix`` (a template's: they are secrets of every pool
        that uses it)."""
        return frozenset(
            secret
            for path, values in self.values.items()
            if path[: len(prefix)] == prefix
            for secret in values
        )


def _map_strings(data: Any, path: Path, change: Callable[[Path, str], str]) -> Any:
    """A copy of ``data`` with every string value (never a key) passed through ``change``."""
    if isinstance(data, dict):
        return {key: _map_strings(value, (*path, key), change) for key, value in data.items()}
    if isinstance(data, list):
        return [_map_strings(value, (*path, index), change) for index, value in enumerate(data)]
    if isinstance(data, str):
        return change(path, data)
    return data


# --- Templates (docs/environments.md, "Pool templates") ---------------------------------


@dataclass(frozen=True)
class _Template:
    """One template: its body as written and after substitution, minus the keys a
    template cannot have (reported once, where the template is defined)."""

    name: str
    source: _Source
    written: dict[str, Any]
    resolved: dict[str, Any]

    @property
    def path(self) -> Path:
        return (TEMPLATES, self.name)


@dataclass
class _Run:
    """What the files of one run share: the templates, which of them pools use, and the
    template values already reported through a pool that uses them."""

    templates: dict[str, _Template] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)
    reported_in_pools: set[tuple[Location, Path]] = field(default_factory=set)
    template_checks: list[Problem] = field(default_factory=list)

    def template_problems(self) -> list[Problem]:
        """The schema problems of the templates checked on their own, minus those already
        reported through a pool that uses the template (with the pool's key path and
        "from template NAME"): one mistake is one line per pool, not one more."""
        return [
            p
            for p in self.template_checks
            if p.location is None or (p.location, p.path) not in self.reported_in_pools
        ]


def _collect_templates(sources: Iterable[_Source], run: _Run) -> list[Problem]:
    """Every file's templates into ``run.templates``. A name defined twice is an error
    naming both places; the first definition is the one pools get."""
    problems: list[Problem] = []
    first_defined: dict[str, Location] = {}
    for source in sources:
        written = source.document.data.get(TEMPLATES)
        resolved = source.references.data.get(TEMPLATES)
        if not isinstance(written, dict) or not isinstance(resolved, dict):
            continue  # the schema reports a ``templates`` that is not a mapping
        for name, body in written.items():
            path = (TEMPLATES, name)
            where = source.document.locate(path)
            if name in first_defined:
                message = f'template "{name}" is defined twice: first at {first_defined[name]}'
                problems.append(Problem(message, path, where))
                continue
            first_defined[name] = where
            for key, message in TEMPLATE_ONLY_IN_POOLS.items():
                if isinstance(body, dict) and key in body:
                    problems.append(
                        Problem(message, (*path, key), source.document.locate((*path, key)))
                    )
            run.templates[name] = _Template(
                name, source, _template_body(body), _template_body(resolved.get(name))
            )
    return problems


def _template_body(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        return {}  # the schema reports it
    return {key: value for key, value in body.items() if key not in TEMPLATE_ONLY_IN_POOLS}


def _merge(template: Any, pool: Any) -> Any:
    """The pool's value laid over the template's. Mappings merge key by key, recursively,
    and the pool's value wins; lists and scalars are replaced whole (merging list items
    is where "what does this produce" stops being obvious). ``null`` in the pool
    removes the template's key; where the template has no such key, the ``null`` stays
    and is checked like any value. Values taken from the template are copies: pools
    sharing a template never share (and can never mutate) one object."""
    if not isinstance(template, dict) or not isinstance(pool, dict):
        return pool
    merged = {key: _copy(value) for key, value in template.items()}
    for key, value in pool.items():
        if key not in template:
            merged[key] = value
        elif value is None:
            del merged[key]
        else:
            merged[key] = _merge(template[key], value)
    return merged


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value


@dataclass(frozen=True)
class _Origin:
    """Where a value of a checked view was written: the file, the path in it, and the
    template it came from (None when the pool or file itself wrote it)."""

    source: _Source
    path: Path
    template: str | None = None


class _View:
    """One file as the checks see it.

    ``whole`` is the document with every pool that names a known template merged with
    it, and without ``templates``: pools are checked whole (schema and rules). ``parts``
    holds what is checked with every member optional: the file's templates, and the
    pools whose template is unknown (they cannot be merged, so Cognito's cross-field
    rules cannot run on them). Both exist as written and as substituted.
    """

    def __init__(self, source: _Source, run: _Run):
        self.source = source
        self.run = run
        self.problems: list[Problem] = []
        self.merged: dict[str, _Template] = {}
        fragments: set[str] = set()
        pools = source.document.data.get(POOLS)
        for name, body in pools.items() if isinstance(pools, dict) else ():
            if not isinstance(body, dict) or "template" not in body:
                continue
            template = self._template_of(name, body["template"])
            if template is None:
                fragments.add(name)
            else:
                self.merged[name] = template
                run.used.add(template.name)
        self.whole, self.parts = self._split(source.document.data, fragments, resolved=False)
        self.whole_resolved, self.parts_resolved = self._split(
            source.references.data, fragments, resolved=True
        )

    def _template_of(self, pool: str, name: Any) -> _Template | None:
        """The template a pool names, or None with the problem recorded (a name that is
        not a string is reported by the schema)."""
        if not isinstance(name, str):
            return None
        template = self.run.templates.get(name)
        if template is not None:
            return template
        path = (POOLS, pool, "template")
        if "${" in name:
            message = "a template name cannot come from ${env:...}: write the name"
        else:
            message = f'template "{name}" is not defined{_did_you_mean(name, self.run)}'
        self.problems.append(Problem(message, path, self.source.document.locate(path)))
        return None

    def _split(
        self, data: dict[str, Any], fragments: set[str], *, resolved: bool
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        whole = {key: value for key, value in data.items() if key != TEMPLATES}
        parts: dict[str, Any] = {}
        templates = data.get(TEMPLATES)
        if TEMPLATES in data:
            parts[TEMPLATES] = (
                {name: _template_body(body) for name, body in templates.items()}
                if isinstance(templates, dict)
                else templates
            )
        pools = data.get(POOLS)
        if isinstance(pools, dict) and (self.merged or fragments):
            whole[POOLS] = {}
            for name, body in pools.items():
                if name in fragments:
                    parts.setdefault(POOLS, {})[name] = body
                elif name in self.merged:
                    template = self.merged[name]
                    base = template.resolved if resolved else template.written
                    whole[POOLS][name] = _merge(base, body)
                else:
                    whole[POOLS][name] = body
        return whole, parts

    def origin(self, path: Path) -> _Origin:
        """Where the value at ``path`` of the view was written. Inside a merged pool, a
        key the pool writes is the pool's (below it, too, unless both wrote a mapping
        there); a key only the template writes is the template's."""
        if len(path) < 2 or path[0] != POOLS or path[1] not in self.merged:
            return _Origin(self.source, path)
        template = self.merged[path[1]]
        pool_node: Any = self.source.document.data[POOLS][path[1]]
        template_node: Any = template.written
        rest = path[2:]
        for key in rest:
            if not (isinstance(pool_node, dict) and key in pool_node):
                if isinstance(template_node, dict) and key in template_node:
                    return _Origin(template.source, (*template.path, *rest), template.name)
                break  # neither writes it: a key missing from a mapping the pool writes
            if not (
                isinstance(pool_node[key], dict)
                and isinstance(template_node, dict)
                and isinstance(template_node.get(key), dict)
            ):
                break  # the pool's value replaces the template's
            pool_node, template_node = pool_node[key], template_node[key]
        return _Origin(self.source, path)

    def place(self, problem: Problem) -> Problem:
        """``problem`` located where its value was written; one about a value from a
        template says so."""
        if problem.location is not None:
            return problem
        origin = self.origin(problem.path)
        location = origin.source.document.locate(origin.path)
        if origin.template is None:
            return replace(problem, location=location)
        self.run.reported_in_pools.add((location, origin.path))
        message = f"{problem.message} (from template {origin.template})"
        return replace(problem, message=message, location=location)

    def secrets(self) -> frozenset[str]:
        """Every value substituted into this view: the file's, and its templates'."""
        return self.source.references.all_secrets().union(
            *(t.source.references.secrets_under(t.path) for t in self.merged.values())
        )


def _locator(view: _View, pool: str) -> Callable[[Path], Location]:
    """Where a path below one pool was written, template included (for the planner's
    refusals, which name the line of the file like every other problem)."""

    def locate(path: Path) -> Location:
        origin = view.origin((POOLS, pool, *path))
        return origin.source.document.locate(origin.path)

    return locate


def _did_you_mean(name: str, run: _Run) -> str:
    known = sorted(run.templates)
    if not known:
        return " (no file of this run defines templates: pass the file or directory that does)"
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if close:
        return f' (did you mean "{close[0]}"?)'
    return f" (defined: {', '.join(known)})" if len(known) <= 6 else ""


# --- Checks -------------------------------------------------------------------------------


def _check_written(view: _View) -> list[Problem]:
    """Schema and rule problems of the file as written (references unresolved)."""
    found = [*schema.validate_document(view.whole), *rules.check_document(view.whole)]
    if view.parts:
        found.extend(schema.validate_fragments(view.parts))
    return [view.place(p) for p in found]


def _check_substituted(view: _View, written: Sequence[Problem]) -> list[Problem]:
    """Schema and rule problems of the values that came from the environment, without
    the values.

    Only paths holding a substituted value are kept (the others were checked as
    written), minus paths already reported. A value that still holds ``${`` after
    substitution (a secret may contain it) is skipped: the schema would take it for a
    malformed reference, and could not check its text anyway.
    """
    reported = {p.path for p in written}
    secrets = view.secrets()
    # The rules too: a callback URL from the environment must be HTTPS all the same.
    found = [*schema.validate_document(view.whole_resolved, secrets),
             *rules.check_document(view.whole_resolved)]
    if view.parts_resolved:
        found.extend(schema.validate_fragments(view.parts_resolved, secrets))
    out: list[Problem] = []
    for problem in found:
        if problem.path in reported:
            continue
        origin = view.origin(problem.path)
        value = origin.source.references.resolved.get(origin.path)
        if value is None or "${" in value:
            continue
        out.append(view.place(_without_secrets(problem, origin)))
    return out


def _without_secrets(problem: Problem, origin: _Origin) -> Problem:
    """The schema hides secrets it quotes; this is the guarantee. Any message still
    containing a substituted value (in any form) is replaced by a generic one."""
    references = origin.source.references
    secrets = references.values[origin.path]
    variables = ", ".join(f"${{env:{name}}}" for name in references.names[origin.path])
    detail = problem.message
    if any(secret in detail or json.dumps(secret) in detail for secret in secrets):
        detail = "the value is not valid here"
    return replace(problem, message=f"{detail} (the value comes from {variables})")


def _build_pools(
    view: _View, fallback_region: str | None
) -> tuple[list[PoolConfig], list[Problem]]:
    """The pools of one file, merged with their templates. Shapes the schema rejects are
    skipped (already reported, like a ``version`` other than 1)."""
    data = view.whole_resolved
    problems: list[Problem] = []
    pools = data.get(POOLS)
    if not isinstance(pools, dict):
        return [], problems
    default_region = data.get("region")
    references = view.source.references
    built: list[PoolConfig] = []
    for name, body in pools.items():
        if not isinstance(body, dict):
            continue
        location = view.source.document.locate((POOLS, name))
        region = (
            _string_or_none(body.get("region"))
            or _string_or_none(default_region)
            or fallback_region
        )
        if region is None:
            message = f"no region: set pools.{name}.region, a top-level region, or --region"
            problems.append(Problem(message, (POOLS, name), location))
            continue
        secrets = references.secrets_for(name)
        template = view.merged.get(name)
        if template is not None:
            secrets |= template.source.references.secrets_under(template.path)
        settings = body.get("settings")
        built.append(
            PoolConfig(
                name=name,
                region=region,
                settings=settings if isinstance(settings, dict) else {},
                mfa=_mapping_or_none(body.get("mfa")),
                id=_string_or_none(body.get("id")),
                location=location,
                secrets=secrets,
                clients=_mapping_or_none(body.get("clients")),
                identity_providers=_mapping_or_none(body.get("identity_providers")),
                domain=_mapping_or_none(body.get("domain")),
                groups=_mapping_or_none(body.get("groups")),
                resource_servers=_mapping_or_none(body.get("resource_servers")),
                prune=body.get("prune") is True,
                locate=_locator(view, name),
            )
        )
    return built, problems


def _mapping_or_none(value: Any) -> dict[str, Any] | None:
    """A sub-resource key left out is not managed (None); ``{}`` manages an empty set."""
    return value if isinstance(value, dict) else None


def _string_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _check_unique(
    pool: PoolConfig, first_defined: dict[tuple[str, str], Location]
) -> list[Problem]:
    """The same pool (region + name) twice, in one file or across files, is an error."""
    key = (pool.region, pool.name)
    first = first_defined.setdefault(key, pool.location or Location("", 1, 1))
    if first == pool.location:
        return []
    message = f'pool "{pool.name}" in {pool.region} is defined twice: first at {first}'
    return [Problem(message, ("pools", pool.name), pool.location)]
