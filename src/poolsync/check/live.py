"""The configuration ``check --live`` reads: the files as ``validate`` reads them, with
``${env:...}`` references left as written, except where finding the pool needs one.

The rules of ``--live`` read the live pools, never the file's values (``views.from_live``:
the file gives only the pools' names, where findings are located, and the pools'
``check:`` suppressions), so a nightly job needs none of the secrets the files take from
the environment (a provider's ``client_secret``, a client secret). Only a pool's
``region`` and its ``id`` pin decide which live pool is read; a reference in either is
resolved from the environment here, and one whose variable is not set (or not one
``POOLSYNC_ENV_ALLOW`` allows, as for every command) is an error at its place.

Every other reference is recorded as a substitution with no value
(``model.Substitution``), so that the fields it stands in are redacted in ``--debug``'s
log of the live responses as they are for plan (``masking.secret_fields``), and the
resolved region and id are the run's secrets (``engine.secrets``). Pure.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

from poolsync.config import ENV_ALLOW, allowed_variables
from poolsync.errors import ConfigError
from poolsync.model import Config, Path, PoolConfig, Problem, Secrets, Substitution
from poolsync.schema import ENV_REFERENCE

# What finds the pool (engine.read_live): its region and its id pin.
LOOKUP: tuple[str, ...] = ("region", "id")


def live_config(config: Config, environ: Mapping[str, str]) -> Config:
    """``config`` (loaded as ``validate`` loads it) with each pool's region and id
    resolved from ``environ``, and every other reference recorded (module docstring).
    ConfigError listing every variable the lookup needs that is not available."""
    problems: list[Problem] = []
    pools = tuple(_live_pool(pool, environ, problems) for pool in config.pools)
    if problems:
        raise ConfigError(problems)
    return replace(config, pools=pools)


def _live_pool(pool: PoolConfig, environ: Mapping[str, str], problems: list[Problem]
               ) -> PoolConfig:
    found: dict[str, str] = {}
    substitutions = [Substitution(path, text, "", ()) for path, text in _references(pool)]
    values: set[str] = set()
    for key in LOOKUP:
        text = getattr(pool, key)
        if not isinstance(text, str) or not ENV_REFERENCE.search(text):
            continue
        used: list[tuple[str, str]] = []
        for name in dict.fromkeys(ENV_REFERENCE.findall(text)):
            why = _unavailable(name, environ)
            if why:
                problems.append(Problem(
                    f"{why}: check --live needs the pool's {key} to find it (the other "
                    "${env:...} values are not needed)", ("pools", pool.name, key),
                    _where(pool, key)))
            else:
                used.append((name, environ[name]))
        if len(used) == len(set(ENV_REFERENCE.findall(text))):
            resolved = ENV_REFERENCE.sub(lambda m: environ[m.group(1)], text)
            found[key] = resolved
            substitutions.append(Substitution((key,), text, resolved, tuple(used)))
            values |= {resolved, *(value for _, value in used)} - {""}
    secrets = Secrets(frozenset(pool.secrets) | values, substitutions)
    return replace(pool, secrets=secrets, region=found.get("region", pool.region),
                   id=found.get("id", pool.id))


def _unavailable(name: str, environ: Mapping[str, str]) -> str:
    allowed = allowed_variables(environ)
    if allowed is not None and name not in allowed:
        return f"environment variable {name} is not one this run may use ({ENV_ALLOW})"
    if name not in environ:
        return f"environment variable {name} is not set"
    return ""


def _where(pool: PoolConfig, key: str) -> Any:
    return pool.locate((key,)) if pool.locate is not None else pool.location


def _references(pool: PoolConfig) -> Iterator[tuple[Path, str]]:
    """(path below the pool, text) of every string the pool's keys write with a
    reference, the lookup's own aside."""
    written: dict[str, Any] = {
        "settings": pool.settings, "mfa": pool.mfa, "clients": pool.clients,
        "identity_providers": pool.identity_providers, "domain": pool.domain,
        "groups": pool.groups, "resource_servers": pool.resource_servers, **pool.parts}
    for key, value in written.items():
        yield from _strings(value, (key,))


def _strings(value: Any, path: Path) -> Iterator[tuple[Path, str]]:
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from _strings(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*path, index))
    elif isinstance(value, str) and ENV_REFERENCE.search(value):
        yield path, value
