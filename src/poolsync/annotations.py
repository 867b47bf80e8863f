"""``validate`` for machines: a JSON document, and GitHub Actions annotations.

JSON (``validate -o json``), one document on stdout, valid or not::

    {"format_version": "1.0", "valid": false,
     "pools": [{"name": "shop", "region": "eu-west-1", "file": "prod/shop.yaml", "line": 3}],
     "files": ["prod/shop.yaml"],
     "problems": [{"file": "prod/shop.yaml", "line": 7, "col": 5,
                   "path": "pools.shop.settings.MfaConfiguration", "message": "..."}]}

``file``, ``line`` (1-based), ``col`` (1-based) and ``path`` are null when a problem
has no place (a path that does not exist). ``pools`` is empty when the files are not
valid; ``files`` lists the files read. A minor version only adds fields.

GitHub (``validate -o github``): one workflow command per problem, the form ruff's and
cfn-lint's GitHub output use, so the pull request shows the error on its line::

    ::error title=poolsync validate,file=prod/shop.yaml,line=7,col=5::pools.shop...: ...

Escaped as the ``@actions/core`` toolkit escapes them (packages/core/src/command.ts,
``escapeData`` and ``escapeProperty``; GitHub docs, "Workflow commands for GitHub
Actions"): in the message ``%``, CR and LF; in a property also ``:`` and ``,``. An
unescaped line break would end the command and could start another (``::add-mask::``,
``::stop-commands::``) from text a file wrote.

Messages never hold a value from ``${env:...}``: validate does not read them, and the
loader's problems quote no secret (config.py, ``_without_secrets``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from poolsync.errors import ConfigError, PoolsyncError
from poolsync.model import Config, Problem, render_path
from poolsync.render import printable

FORMAT_VERSION = "1.0"
TITLE = "poolsync validate"


def escape_data(text: str) -> str:
    """A workflow command's message: ``%``, CR and LF as ``%25``, ``%0D``, ``%0A``."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value: as ``escape_data``, and ``:`` and ``,``
    (which end a value) as ``%3A`` and ``%2C``."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _shown(text: str) -> str:
    """Control characters escaped (``\\x1b``), except CR and LF: the escaping covers them."""
    return printable(text, keep="\r\n")


def workflow_command(command: str, properties: Sequence[tuple[str, str]], message: str
                     ) -> str:
    """``::command key=value,key=value::message``; other control characters than CR
    and LF (which the escaping covers) are shown escaped (``\\x1b``), never sent."""
    props = ",".join(f"{key}={escape_property(_shown(value))}"
                     for key, value in properties if value)
    head = f"::{command} {props}" if props else f"::{command}"
    return f"{head}::{escape_data(_shown(message))}"


def _message(problem: Problem) -> str:
    return f"{render_path(problem.path)}: {problem.message}" if problem.path else problem.message


def _repository_path(file: str) -> str:
    """A file as GitHub names it in a pull request: relative to the checkout
    (``GITHUB_WORKSPACE``, else the working directory), without ``./`` or ``a/../``
    (``validate .`` walks to ``./envs/prod.yaml``): GitHub places an annotation by
    the diff's paths, as ruff and cfn-lint emit them. A file outside the checkout is
    left absolute."""
    import os

    base = os.path.abspath(os.environ.get("GITHUB_WORKSPACE") or os.getcwd())
    path = os.path.abspath(file)
    inside = os.path.commonpath([base, path]) == base
    return os.path.relpath(path, base) if inside else path


def github_annotations(problems: Sequence[Problem]) -> list[str]:
    """One ``::error`` line per problem, in the order given (ConfigError sorts them)."""
    lines = []
    for problem in problems:
        properties = [("title", TITLE)]
        if problem.location is not None:
            loc = problem.location
            properties += [("file", _repository_path(loc.file)), ("line", str(loc.line)),
                           ("col", str(loc.column))]
        lines.append(workflow_command("error", properties, _message(problem)))
    return lines


def validation_document(config: Config | None, files: Sequence[str],
                        problems: Sequence[Problem]) -> dict[str, Any]:
    """The JSON document above. ``config`` is None when the files are not valid."""
    pools = [] if config is None else [
        {"name": pool.name, "region": pool.region or None,
         "file": pool.location.file if pool.location else None,
         "line": pool.location.line if pool.location else None}
        for pool in config.pools]
    return {
        "format_version": FORMAT_VERSION,
        "valid": not problems,
        "pools": pools,
        "files": list(files),
        "problems": [
            {"file": p.location.file if p.location else None,
             "line": p.location.line if p.location else None,
             "col": p.location.column if p.location else None,
             "path": render_path(p.path) if p.path else None,
             "message": p.message}
            for p in problems],
    }


def problems_of(error: PoolsyncError) -> tuple[Problem, ...]:
    """The problems of a ``ConfigError``; any other error as one problem with no place."""
    return error.problems if isinstance(error, ConfigError) else (Problem(str(error)),)


def render_validation(output: str, config: Config | None, files: Sequence[str],
                      problems: Sequence[Problem]) -> str:
    """What ``validate -o OUTPUT`` prints on stdout: ``text``, ``json`` or ``github``.
    ``config`` is None when the files are not valid; then ``text`` is empty (the
    problems go to stderr, from cli.run's error handler)."""
    summary = "" if config is None else (
        f"{len(config.pools)} pool(s) in {len(config.files)} file(s): valid.\n")
    if output == "json":
        return json.dumps(validation_document(config, files, problems), indent=2) + "\n"
    if output == "github":
        return "".join(f"{line}\n" for line in github_annotations(problems)) + summary
    return summary
