"""Loading the configuration: files and directories in, one ``Config`` out.

Every problem of every file (YAML, schema, rules, environment references, duplicate
pools) is collected first and raised as one ``ConfigError``, each with its
``file:line:col``, so a user fixes them all in one round.

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
    ``region`` (``--region``) is the region of pools whose files name none."""
    files, problems = _collect_files(paths)
    pools: list[PoolConfig] = []
    first_defined: dict[tuple[str, str], Location] = {}
    for file in files:
        loaded = _load_file(file, environ, region)
        problems.extend(loaded.problems)
        for pool in loaded.pools:
            problems.extend(_check_unique(pool, first_defined))
            pools.append(pool)
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


def _load_file(file: str, environ: Mapping[str, str] | None, region: str | None) -> _Loaded:
    try:
        with open(file, "rb") as stream:
            raw = stream.read()
    except OSError as error:
        return _Loaded(problems=[Problem(f"{file}: cannot read the file: {error.strerror}")])
    try:
        document = load_document(raw, file)
    except ConfigError as error:
        return _Loaded(problems=list(error.problems))
    references = _References(document, environ)
    written = _check_written(document)
    substituted = _check_substituted(document, references, written) if environ is not None else []
    pools, pool_problems = _build_pools(document, references, region)
    problems = [*references.problems, *written, *substituted, *pool_problems]
    return _Loaded(pools=pools, problems=problems)


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
        """Secrets used in ``pools.<pool>``, and those used outside any pool (such as a
        top-level ``region``), which every pool inherits."""
        return frozenset(
            secret
            for path, values in self.values.items()
            if path[:2] == ("pools", pool) or path[:1] != ("pools",)
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


def _check_written(document: Document) -> list[Problem]:
    """Schema and rule problems of the file as written (references unresolved)."""
    found = [*schema.validate_document(document.data), *rules.check_document(document.data)]
    return [_locate(document, p) for p in found]


def _check_substituted(
    document: Document, references: _References, written: Sequence[Problem]
) -> list[Problem]:
    """Schema problems of the values that came from the environment, without the values.

    Only paths holding a substituted value are kept (the others were checked as
    written), minus paths already reported. A value that still holds ``${`` after
    substitution (a secret may contain it) is skipped: the schema would take it for a
    malformed reference, and could not check its text anyway.
    """
    reported = {p.path for p in written}
    checked = {
        path
        for path, value in references.resolved.items()
        if "${" not in value and path not in reported
    }
    found = schema.validate_document(references.data, references.all_secrets())
    return [_locate(document, _without_secrets(p, references)) for p in found if p.path in checked]


def _without_secrets(problem: Problem, references: _References) -> Problem:
    """The schema hides secrets it quotes; this is the guarantee. Any message still
    containing a substituted value (in any form) is replaced by a generic one."""
    secrets = references.values[problem.path]
    variables = ", ".join(f"${{env:{name}}}" for name in references.names[problem.path])
    detail = problem.message
    if any(secret in detail or json.dumps(secret) in detail for secret in secrets):
        detail = "the value is not valid here"
    return replace(problem, message=f"{detail} (the value comes from {variables})")


def _locate(document: Document, problem: Problem) -> Problem:
    if problem.location is not None:
        return problem
    return replace(problem, location=document.locate(problem.path))


def _build_pools(
    document: Document, references: _References, fallback_region: str | None
) -> tuple[list[PoolConfig], list[Problem]]:
    """The pools of one file. Shapes the schema rejects are skipped (already reported,
    like a ``version`` other than 1)."""
    data: dict[str, Any] = references.data
    problems: list[Problem] = []
    pools = data.get("pools")
    if not isinstance(pools, dict):
        return [], problems
    default_region = data.get("region")
    built: list[PoolConfig] = []
    for name, body in pools.items():
        if not isinstance(body, dict):
            continue
        location = document.locate(("pools", name))
        region = (
            _string_or_none(body.get("region"))
            or _string_or_none(default_region)
            or fallback_region
        )
        if region is None:
            message = f"no region: set pools.{name}.region, a top-level region, or --region"
            problems.append(Problem(message, ("pools", name), location))
            continue
        settings = body.get("settings")
        built.append(
            PoolConfig(
                name=name,
                region=region,
                settings=settings if isinstance(settings, dict) else {},
                mfa=_mapping_or_none(body.get("mfa")),
                id=_string_or_none(body.get("id")),
                location=location,
                secrets=references.secrets_for(name),
                clients=_mapping_or_none(body.get("clients")),
                identity_providers=_mapping_or_none(body.get("identity_providers")),
                domain=_mapping_or_none(body.get("domain")),
                groups=_mapping_or_none(body.get("groups")),
                resource_servers=_mapping_or_none(body.get("resource_servers")),
                prune=body.get("prune") is True,
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
