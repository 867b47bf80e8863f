"""Loading the configuration: files and directories in, one ``Config`` out.

Every problem of every file (YAML, schema, rules, environment references, duplicate
pools, templates) is collected first and raised as one ``ConfigError``, each with its
``file:line:col``, so a user fixes them all in one round.

Which files a run reads, what a directory walk skips (hidden and tool directories,
other tools' YAML: each skipped file noted in ``Config.notes``) and what is refused
unread (FIFOs, devices, files over 10 MiB): "Finding and reading the files" below.

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
import stat
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from poolsync import rules, schema
from poolsync.errors import ConfigError, UsageError
from poolsync.kinds import part_keys, parts
from poolsync.kinds.common import OutsideFile, file_beside
from poolsync.masking import reveals
from poolsync.model import (
    FILE_REGION,
    POOL_REGION,
    Config,
    Location,
    Path,
    PoolConfig,
    Problem,
    RegionSource,
    Secrets,
    Substitution,
    as_given,
)
from poolsync.yamlio import Document, load_document, load_document_if

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
    """The files a run reads: files as given, directories walked (see "Finding and
    reading the files" below), each file once, in order. Raises ``ConfigError`` for
    paths that do not exist or cannot be walked."""
    collected = _collect_files(paths)
    if collected.problems:
        raise ConfigError(collected.problems)
    return collected.files


def load_config(
    paths: Sequence[str],
    *,
    environ: Mapping[str, str] | None = None,
    region: str | RegionFallback | None = None,
) -> Config:
    """Load, check and merge every file. ``environ=None`` is validate mode (see above).
    ``region`` gives the region of pools whose files name none: a ``RegionFallback``
    (the CLI's: ``--region``, then the environment and the profile, looked up only if
    a pool needs it), a region name (``--region`` alone), or None (none: such a pool
    is an error). Raises ``ConfigError``, and ``UsageError`` when the fallback's
    variable or profile holds no region name.

    Two passes: every file is read first, so that a pool can use a template defined in
    any file of the run; then each file is checked with its pools merged."""
    collected = _collect_files(paths)
    problems = list(collected.problems)
    sources: list[_Source] = []
    kept: set[str] = set()  # directories where a file was not skipped
    for file in collected.files:
        read = _read_file(file, environ, walked=file in collected.walked)
        problems.extend(read.problems)
        if read.skipped:
            collected.notes.append(f"{file}: skipped: {read.skipped}")
        elif file in collected.walked:
            kept.add(collected.walked[file])
        if read.source is not None:
            sources.append(read.source)
    problems.extend(
        Problem(f"{directory}: no poolsync file in this directory (every YAML file was"
                f" skipped: none has a top-level {_POOLSYNC_KEYS_TEXT} key)")
        for directory in dict.fromkeys(collected.walked.values())
        if directory not in kept
    )
    fallback = RegionFallback(option=region) if isinstance(region, str) else region
    run = _Run()
    problems.extend(_collect_templates(sources, run))
    pools: list[PoolConfig] = []
    first_defined: dict[tuple[str, str], Location] = {}
    for source in sources:
        loaded = _check_file(source, run, environ, fallback)
        problems.extend(loaded.problems)
        for pool in loaded.pools:
            problems.extend(_check_unique(pool, first_defined))
            problems.extend(_missing_files(pool))
            pools.append(pool)
    problems.extend(_missing_variables(sources, run))
    problems.extend(run.template_problems())
    if problems:
        raise ConfigError(problems)
    files = tuple(source.document.file for source in sources)
    return Config(pools=tuple(pools), files=files, notes=tuple(collected.notes))


# --- Regions ------------------------------------------------------------------------------
#
# A pool's region is, first found: the pool's ``region``, its file's top-level
# ``region``, ``--region``, ``AWS_REGION``, ``AWS_DEFAULT_REGION``, the region of the
# AWS profile (``--profile``, else ``AWS_PROFILE``, else ``default``) in the AWS config
# file. That is the AWS CLI's order (AWS CLI User Guide, "Configuration and credential
# file settings": command line, environment variables, then the config file; botocore
# itself reads AWS_DEFAULT_REGION only). The profile is read by botocore
# (``aws.profile_region``), never parsed here, and only when a pool needs it: a
# run whose files name every region never imports botocore. The plan's header says
# which source gave the region of pools whose files name none (engine.scoped).

# The environment variables that give a region, in the order they are tried.
REGION_VARIABLES = ("AWS_REGION", "AWS_DEFAULT_REGION")


@dataclass
class RegionFallback:
    """Where the region of pools whose files name none comes from (see "Regions"):
    ``option`` (``--region``, checked by the CLI), then ``environ``'s
    ``REGION_VARIABLES``, then ``profile``'s region (None: botocore's default
    profile). ``resolve`` looks them up once, on first use."""

    option: str | None = None
    environ: Mapping[str, str] = field(default_factory=dict)
    profile: str | None = None
    _found: list[RegionSource | None] = field(default_factory=list, repr=False)
    _profile_read: str = field(default="", repr=False)  # the profile looked in

    def resolve(self) -> RegionSource | None:
        """The region and its source, or None when no source gives one. Raises
        ``UsageError`` when a variable or the profile holds something that is not a
        region name (regions.py), or the profile named does not exist."""
        if not self._found:
            self._found.append(self._look_up())
        return self._found[0]

    def _look_up(self) -> RegionSource | None:
        from poolsync.regions import region_problem

        if self.option:
            return RegionSource(self.option, "--region")
        for variable in REGION_VARIABLES:
            value = self.environ.get(variable)
            if value:  # set and empty is unset, as botocore treats an empty region
                problem = region_problem(value)
                if problem is not None:
                    raise UsageError(f"{variable} is {problem}")
                return RegionSource(value, variable)
        from poolsync.aws import profile_region  # botocore only when a pool needs it

        found = profile_region(self.profile)
        if found is None:
            return None
        name, value = found
        self._profile_read = name
        if value is None:
            return None
        problem = region_problem(value)
        if problem is not None:
            raise UsageError(f"the region of the AWS profile {name} is {problem}")
        return RegionSource(value, f"profile {name}")

    def profile_note(self) -> str:
        """`` (profile NAME has none)``, for the message of a pool left without one."""
        return f" (profile {self._profile_read} has none)" if self._profile_read else ""


# --- Targeting (``--pool``) --------------------------------------------------------------
#
# ``--pool PATTERN`` (repeatable) narrows plan, apply and drift to the pools it names, as
# ``terraform plan -target`` narrows a plan to resources and octoDNS's zone arguments
# narrow a sync to zones. Every file is still read and checked (templates resolve
# across files, a pool defined twice is still an error); only the pools named are read
# from AWS, planned and changed. ``PATTERN`` is a pool name or an ``fnmatch`` glob
# (``app-*``), matched case-sensitively as Cognito's names are, optionally prefixed
# with ``REGION/`` (itself a name or a glob) to name pools of one region only. A
# pattern that matches no pool is an error before any AWS call, naming the pools there
# are (octoDNS refuses an unknown zone the same way).


def select_pools(config: Config, patterns: Sequence[str]) -> Config:
    """The config narrowed to the pools ``patterns`` name (see "Targeting"), with
    ``targets`` (the patterns, sorted, each once) and ``untargeted`` (how many pools
    were left out) set. No patterns: ``config`` unchanged. Raises ``UsageError`` when a
    pattern matches no pool of the files."""
    if not patterns:
        return config
    targets = tuple(sorted(set(patterns)))
    unmatched = [p for p in targets if not any(pool_matches(p, pool.region, pool.name)
                                               for pool in config.pools)]
    if unmatched:
        raise UsageError(_no_match(unmatched, config.pools))
    chosen = tuple(pool for pool in config.pools
                   if any(pool_matches(p, pool.region, pool.name) for p in targets))
    return replace(config, pools=chosen, targets=targets,
                   untargeted=len(config.pools) - len(chosen))


def pool_matches(pattern: str, region: str, name: str) -> bool:
    """Whether ``--pool pattern`` names the pool ``name`` of ``region``: ``NAME`` or
    ``REGION/NAME``, each part a name or an fnmatch glob, case-sensitive. A pool name
    never holds ``/`` (botocore: UserPoolNameType)."""
    from fnmatch import fnmatchcase

    wanted_region, slash, wanted_name = pattern.rpartition("/")
    if slash and not fnmatchcase(region, wanted_region):
        return False
    return fnmatchcase(name, wanted_name)


def split_target(pattern: str) -> tuple[str | None, str]:
    """``REGION/NAME`` -> (REGION, NAME); ``NAME`` -> (None, NAME)."""
    region, slash, name = pattern.rpartition("/")
    return (region if slash else None), name


def _no_match(unmatched: Sequence[str], pools: Sequence[PoolConfig]) -> str:
    shown = ", ".join(f"--pool {_quoted(p)}" for p in unmatched)
    verb = "matches" if len(unmatched) == 1 else "match"
    if not pools:
        return f"{shown} {verb} no pool: the files define none"
    names = sorted({f"{pool.region}/{pool.name}" for pool in pools})
    listed = ", ".join(names[:20]) + (f" and {len(names) - 20} more" if len(names) > 20 else "")
    close = [c for p in unmatched
             for c in difflib.get_close_matches(split_target(p)[1],
                                                sorted({pool.name for pool in pools}), n=1)]
    hint = f' (did you mean "{close[0]}"?)' if len(close) == 1 else ""
    return (f"{shown} {verb} no pool of the files{hint}; the pools are (REGION/NAME, "
            f"names and globs are case-sensitive): {listed}")


def _quoted(text: str) -> str:
    """A value the user gave, as a shell would take it back, on one line."""
    import shlex

    from poolsync.model import escape_unprintable

    return shlex.quote(escape_unprintable(text))


# --- Finding and reading the files ----------------------------------------------------
#
# A file named on the command line is always read, whatever its name. A directory is
# walked for what belongs to the configuration:
#
# - files named ``*.yaml`` or ``*.yml`` in any case (``POOLS.YAML``), in sorted order;
# - not below a hidden directory (``.git``, ``.venv``, ``.github``), a Python virtual
#   environment (any directory holding ``pyvenv.cfg``, PEP 405: the demo pools an
#   installed poolsync ships would be planned otherwise) or one of
#   ``SKIPPED_DIRECTORIES`` (``node_modules``...). Links to directories are followed,
#   each directory walked once;
# - not a hidden file (an editor's ``.#pools.yaml`` lock link, ``.pre-commit-config.yaml``)
#   and not another tool's YAML (a GitHub workflow, a docker-compose file): a walked
#   file is poolsync's when its first document's top level has one of
#   ``POOLSYNC_KEYS``. Each file skipped gets a one-line note (``Config.notes``); a
#   directory where every YAML file is skipped is an error.
#
# What cannot be read fails the run, named or walked, with its path and why: a path
# that does not exist, a directory that cannot be listed, a broken symbolic link, a file
# that is not a regular file (a FIFO would block the read forever; ``/dev/zero`` never
# ends), or one larger than ``MAX_FILE_BYTES``.

YAML_SUFFIXES = (".yaml", ".yml")
# The top-level keys that make a walked YAML file poolsync's (the schema's own; version
# is required in every poolsync file).
POOLSYNC_KEYS = ("version", "pools", "templates")
_POOLSYNC_KEYS_TEXT = f"{', '.join(POOLSYNC_KEYS[:-1])} or {POOLSYNC_KEYS[-1]}"
# Directories of other tools' files, never configuration.
SKIPPED_DIRECTORIES = frozenset({"node_modules", "__pycache__", "venv", "site-packages"})
VIRTUALENV_MARKER = "pyvenv.cfg"
# A pool config is kilobytes; an inline SAML metadata document some more. A file above
# 10 MiB is not a config a person wrote: it is refused unread.
MAX_FILE_BYTES = 10 * 1024 * 1024

_FILE_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a directory"),
)


@dataclass
class _Collected:
    """The files of a run in order, and what finding them found."""

    files: list[str] = field(default_factory=list)
    # A file found by walking -> the directory named on the command line it is below.
    # A file also named on the command line is not in here: it is always read.
    walked: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _collect_files(paths: Sequence[str]) -> _Collected:
    collected = _Collected()
    found: list[tuple[str, str | None]] = []  # (file, the directory walked, or None)
    for path in paths:
        try:
            mode = os.stat(path).st_mode
        except OSError as error:
            collected.problems.append(Problem(f"{path}: {_unreadable(path, error)}"))
            continue
        if not stat.S_ISDIR(mode):
            found.append((path, None))  # named: read whatever it is (_read_file)
            continue
        reported = len(collected.problems)
        below = _yaml_files_below(path, collected)
        if not below and len(collected.problems) == reported:
            collected.problems.append(
                Problem(f"{path}: no *.yaml or *.yml files in this directory")
            )
        found.extend((file, path) for file in below)
    for file, directory in _unique_files(found):
        collected.files.append(file)
        if directory is not None:
            collected.walked[file] = directory
    return collected


def _yaml_files_below(directory: str, collected: _Collected) -> list[str]:
    """Every configuration file below ``directory`` (see above), sorted by path; hidden
    YAML files are noted as skipped, directories that cannot be listed reported."""
    found: list[str] = []
    _walk(directory, collected, found, {os.path.realpath(directory)})
    return found


def _walk(directory: str, collected: _Collected, found: list[str], seen: set[str]) -> None:
    try:
        with os.scandir(directory) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError as error:
        message = f"{directory}: cannot read the directory: {error.strerror}"
        collected.problems.append(Problem(message))
        return
    for entry in entries:
        if _is_directory(entry):
            real = os.path.realpath(entry.path)
            if real in seen or _not_configuration(entry):
                continue  # walked already (a link back up), or another tool's files
            seen.add(real)
            _walk(entry.path, collected, found, seen)
        elif entry.name.lower().endswith(YAML_SUFFIXES):
            if entry.name.startswith("."):
                collected.notes.append(f"{entry.path}: skipped: a hidden file")
            else:
                found.append(entry.path)


def _is_directory(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()  # follows a symbolic link; False for a broken one
    except OSError:
        return False  # a YAML file by that name is read, and says why it cannot be


def _not_configuration(entry: os.DirEntry[str]) -> bool:
    """A directory of another tool's files: hidden, a virtual environment, or one of
    ``SKIPPED_DIRECTORIES``."""
    return (
        entry.name.startswith(".")
        or entry.name in SKIPPED_DIRECTORIES
        or os.path.exists(os.path.join(entry.path, VIRTUALENV_MARKER))
    )


def _unique_files(
    found: Iterable[tuple[str, str | None]],
) -> list[tuple[str, str | None]]:
    """Each file once, where it first appears: a file named twice (directly and through
    its directory) would otherwise have all its pools reported as defined twice. One
    named on the command line anywhere counts as named (always read)."""
    unique: dict[str, tuple[str, str | None]] = {}
    for file, directory in found:
        real = os.path.realpath(file)
        first = unique.get(real)
        if first is None:
            unique[real] = (file, directory)
        elif directory is None:
            unique[real] = (first[0], None)
    return list(unique.values())


def _unreadable(path: str, error: OSError) -> str:
    """Why ``path`` cannot be read, in words."""
    if isinstance(error, FileNotFoundError) and os.path.islink(path):
        return f"a broken symbolic link (to {json.dumps(os.readlink(path))})"
    if isinstance(error, FileNotFoundError):
        return "no such file or directory"
    return f"cannot read the file: {error.strerror or error}"


@dataclass
class _Loaded:
    pools: list[PoolConfig] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class _Source:
    """One file read: the document as written, and its ``${env:...}`` references."""

    document: Document
    references: _References


@dataclass(frozen=True)
class _Read:
    """One file read: its source, or the problems that stopped it, or why it was
    skipped (a walked file that is not poolsync's)."""

    source: _Source | None = None
    problems: tuple[Problem, ...] = ()
    skipped: str | None = None


def _read_file(file: str, environ: Mapping[str, str] | None, *, walked: bool = False) -> _Read:
    try:
        raw = _read_bytes(file)
    except _Unreadable as error:
        return _Read(problems=(Problem(f"{file}: {error}"),))
    try:
        if walked:
            document = load_document_if(raw, file, POOLSYNC_KEYS)
            if document is None:
                return _Read(skipped="not a poolsync file (its top level has no "
                                     f"{_POOLSYNC_KEYS_TEXT} key)")
        else:
            document = load_document(raw, file)
    except ConfigError as error:
        return _Read(problems=error.problems)
    return _Read(source=_Source(document, _References(document, environ)))


class _Unreadable(Exception):
    """A file that cannot be read as a config, and why (the message)."""


def _read_bytes(file: str) -> bytes:
    """The file's bytes, at most ``MAX_FILE_BYTES``. Opened without blocking and checked
    to be a regular file before any read: opening a FIFO for reading waits for a writer,
    and a device such as ``/dev/zero`` never ends."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        descriptor = os.open(file, flags)
    except OSError as error:
        raise _Unreadable(_unreadable(file, error)) from None
    with os.fdopen(descriptor, "rb") as stream:
        try:
            status = os.fstat(descriptor)
            for is_kind, kind in _FILE_KINDS:
                if is_kind(status.st_mode):
                    raise _Unreadable(f"not a regular file: it is {kind}")
            if status.st_size > MAX_FILE_BYTES:
                raise _Unreadable(_too_large(status.st_size))
            raw = stream.read(MAX_FILE_BYTES + 1)
        except OSError as error:
            raise _Unreadable(f"cannot read the file: {error.strerror or error}") from None
    if len(raw) > MAX_FILE_BYTES:  # it grew, or its size was not what stat said
        raise _Unreadable(_too_large(None))
    return raw


def _too_large(size: int | None) -> str:
    limit = MAX_FILE_BYTES // (1024 * 1024)
    got = f" ({size / (1024 * 1024):.1f} MiB)" if size is not None else ""
    return f"the file is larger than {limit} MiB{got}: not a configuration file"


def _check_file(
    source: _Source, run: _Run, environ: Mapping[str, str] | None,
    region: RegionFallback | None,
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
    (each variable's value and the whole resulting string), ``resolved`` the result,
    ``substitutions`` where it landed and what may be shown of it (the text as
    written: ``model.Substitution``).

    ``POOLSYNC_ENV_ALLOW`` in the environment (names separated by commas or white
    space; docs/github.md) limits the variables a reference may use: any other is an
    error, set or not. The reusable workflows set it to the variables the caller names,
    so a pull request cannot have a runner's own variable (its AWS credentials, a
    token) substituted into the plan, however well the plan masks it.
    """

    def __init__(self, document: Document, environ: Mapping[str, str] | None):
        self._document = document
        self._environ = environ
        self._allowed = allowed_variables(environ)
        self.problems: list[Problem] = []
        self.names: dict[Path, list[str]] = {}
        self.values: dict[Path, set[str]] = {}
        self.resolved: dict[Path, str] = {}
        self.substitutions: dict[Path, Substitution] = {}
        self.data: Any = _map_strings(document.data, (), self._expand)

    def _expand(self, path: Path, text: str) -> str:
        if "${" not in text:
            return text
        names: list[str] = []
        used: list[tuple[str, str]] = []

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
            if self._allowed is not None and name not in self._allowed:
                self._problem(path, f"environment variable {name} is not one this run may "
                                    f"use ({ENV_ALLOW} names {_listed(self._allowed)})")
                return match.group()
            value = self._environ.get(name)
            if value is None:
                self._problem(path, f"environment variable {name} is not set")
                return match.group()
            used.append((name, value))
            return value

        result = _TOKEN.sub(replace_token, text)
        if names:
            self.names[path] = names
        if used:
            substitution = Substitution(path, text, result, tuple(used))
            self.values[path] = set(substitution.secrets)
            self.resolved[path] = result
            self.substitutions[path] = substitution
        return result

    def _problem(self, path: Path, message: str) -> None:
        problem = Problem(message, path, self._document.locate(path))
        if problem not in self.problems:  # one report per string, however often used
            self.problems.append(problem)

    def all_secrets(self) -> frozenset[str]:
        return frozenset(secret for values in self.values.values() for secret in values)

    def secrets_for(self, pool: str) -> Secrets:
        """Secrets used in ``pools.<pool>``, and those used outside any pool and any
        template (such as a top-level ``region``), which every pool inherits; each
        substitution placed below the pool (a top-level one where the pool's own would
        be: ``("region",)``)."""
        return self._secrets(
            (path[2:] if path[:1] == (POOLS,) else path, substitution)
            for path, substitution in self.substitutions.items()
            if path[:2] == (POOLS, pool) or path[:1] not in ((POOLS,), (TEMPLATES,))
        )

    def secrets_under(self, prefix: Path) -> Secrets:
        """Secrets used below ``prefix`` (a template's: they are secrets of every pool
        that uses it), each substitution placed below ``prefix``."""
        return self._secrets(
            (path[len(prefix):], substitution)
            for path, substitution in self.substitutions.items()
            if path[: len(prefix)] == prefix
        )

    @staticmethod
    def _secrets(placed: Iterable[tuple[Path, Substitution]]) -> Secrets:
        substitutions = [replace(substitution, at=at) for at, substitution in placed]
        return Secrets((s for sub in substitutions for s in sub.secrets), substitutions)


ENV_ALLOW = "POOLSYNC_ENV_ALLOW"


def allowed_variables(environ: Mapping[str, str] | None) -> frozenset[str] | None:
    """The variables ``${env:...}`` may use under ``POOLSYNC_ENV_ALLOW`` (names separated
    by commas or white space; set and empty allows none), or None when it is not set
    (any variable)."""
    if environ is None or ENV_ALLOW not in environ:
        return None
    return frozenset(name for name in re.split(r"[\s,]+", environ[ENV_ALLOW]) if name)


def _listed(names: frozenset[str]) -> str:
    return ", ".join(sorted(names)) if names else "none"


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
            if not isinstance(body, dict):
                problems.append(Problem(_not_a_template_body(body), path, where))
            for key, message in TEMPLATE_ONLY_IN_POOLS.items():
                if isinstance(body, dict) and key in body:
                    problems.append(
                        Problem(message, (*path, key), source.document.locate((*path, key)))
                    )
            run.templates[name] = _Template(
                name, source, _template_body(body), _template_body(resolved.get(name))
            )
    return problems


def _not_a_template_body(body: Any) -> str:
    """A template that is not a mapping: the schema never sees it (the checked view
    holds its pool keys only), so it is reported here, where the template is defined."""
    kind = "null" if body is None else {
        str: "a string", bool: "a boolean", int: "an integer", float: "a number",
        list: "a list",
    }.get(type(body), type(body).__name__)
    return f"a template is a mapping of pool keys (settings, clients, ...), got {kind}"


def _template_body(body: Any) -> dict[str, Any]:
    """The pool keys of a template, minus those a template cannot have; a template that
    is not a mapping has none (``_collect_templates`` reports it)."""
    if not isinstance(body, dict):
        return {}
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
    showing a substituted value or string (in any form: masking.reveals) is replaced by
    a generic one. A short value inside a longer word ("e" in "must") is no
    disclosure, and does not cost the message its detail."""
    references = origin.source.references
    substitution = references.substitutions[origin.path]
    variables = ", ".join(f"${{env:{name}}}" for name in references.names[origin.path])
    detail = _GOT.sub("", problem.message)
    if reveals(detail, [substitution]):
        detail = "the value is not valid here"
    return replace(problem, message=f"{detail} (the value comes from {variables})")


# What a message says it found: "(got 37)", "(got (sensitive))", "(got cognito)". Of a
# substituted value it is a property of the secret (its length, a word in it): left out.
# Rules and schema messages put every such detail in this form.
_GOT = re.compile(r" ?\(got (?:[^()]|\([^()]*\))*\)")


def _build_pools(
    view: _View, fallback: RegionFallback | None
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
        region, region_source = _pool_region(body, default_region, fallback)
        if region is None:
            message = f"no region: set pools.{name}.region, a top-level region, or --region"
            if fallback is not None:
                message = (f"no region: set pools.{name}.region, a top-level region, "
                           "--region, AWS_REGION or AWS_DEFAULT_REGION, or a region in "
                           f"the AWS profile{fallback.profile_note()}")
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
                parts={key: body[key] for key in part_keys() if body.get(key) is not None},
                prune=body.get("prune") is True,
                check=_mapping_or_none(body.get("check")),
                locate=_locator(view, name),
                region_source=region_source,
            )
        )
    return built, problems


def _pool_region(body: Mapping[str, Any], file_region: Any,
                 fallback: RegionFallback | None) -> tuple[str | None, str]:
    """The pool's region and its source (``PoolConfig.region_source``): the pool's
    own, the file's, else the run's fallback (looked up now, the first time a pool
    needs it)."""
    own = _string_or_none(body.get("region"))
    if own is not None:
        return own, POOL_REGION
    written = _string_or_none(file_region)
    if written is not None:
        return written, FILE_REGION
    found = fallback.resolve() if fallback is not None else None
    return (found.region, found.source) if found is not None else (None, "")


def _mapping_or_none(value: Any) -> dict[str, Any] | None:
    """A sub-resource key left out is not managed (None); ``{}`` manages an empty set."""
    return value if isinstance(value, dict) else None


def _string_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _missing_files(pool: PoolConfig) -> list[Problem]:
    """The files a kind reads next to the YAML file that names them (a logo, a style's
    asset, a CSS file: ``Kind.files``) must be there, as regular files: said by
    ``validate``, at the path's file:line:col, not first by a plan."""
    problems: list[Problem] = []
    for part in parts():
        written = pool.parts.get(part.key)
        if part.files is None or written is None:
            continue
        for where, name in part.files(written):
            if "${" in name:  # an ${env:...} not resolved (validate): plan checks it
                continue
            location = pool.locate(where) if pool.locate is not None else None
            try:
                path = file_beside(pool.locate, where, name)
            except OutsideFile as exc:
                problems.append(Problem(f"{as_given(name)}: {exc.strerror}",
                                        ("pools", pool.name, *where), location))
                continue
            if not path.is_file():
                what = "is not a file" if path.exists() else "does not exist"
                problems.append(Problem(
                    f"{as_given(str(path))} {what} (a path is relative to the YAML file "
                    "that writes it)", ("pools", pool.name, *where), location))
    return problems


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
