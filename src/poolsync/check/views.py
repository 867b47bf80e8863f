"""One pool as the security rules read it (``PoolView``), built three ways from the same
canonical shapes the planner compares (``poolsync.kinds``: this module is the only one
of the check package that imports them):

- ``from_file``: the merged configuration as apply would send it (templates resolved,
  ``${env:...}`` references left as written: their values are unknown offline and the
  rules skip them), every member the file does not write at Cognito's default
  (``SETTINGS_DEFAULTS``, ``MFA_DEFAULTS``, ``CLIENT_DEFAULTS``: a member left out of
  the file keeps its live value on an existing pool, which only ``--live`` can read).
  No ``mfa`` key means MFA OFF, no ``risk_configuration`` means none (Cognito's
  defaults for a new pool).
- ``from_live``: a live pool as read by the engine (``plan.LivePool``), every member
  Cognito does not report at its default. Every app client is there; the risk
  configurations are there when threat protection is on (None otherwise: none can be
  read, ``kinds.risk_configuration.read``).
- ``after_apply``: the live pool with the file's changes applied, as the plan would
  leave it: the members the file writes (Cognito's defaults inside them), the live
  values of the others. The plan's "weakens" labels compare it with ``from_live``.

Pure: no AWS.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from poolsync.check.model import DEFAULT, LIVE, WRITTEN
from poolsync.kinds import risk_configuration
from poolsync.kinds.client import CLIENT_DEFAULTS, canonical_desired_client, canonical_live_client
from poolsync.kinds.mfa import MFA_DEFAULTS, canonical_desired_mfa, canonical_live_mfa
from poolsync.kinds.settings import (
    SETTINGS_DEFAULTS,
    canonical_desired_settings,
    canonical_live_settings,
    pool_region,
)
from poolsync.model import MISSING, Location, Path, PoolConfig
from poolsync.normalize import get_path, owned_view

RISK_KEY = risk_configuration.KEY
POOL_WIDE = risk_configuration.POOL_WIDE
RISK_BLOCKS = risk_configuration.BLOCKS


@dataclass(frozen=True)
class PoolView:
    """One pool, whole: ``settings`` (CreateUserPool members), ``mfa``
    (SetUserPoolMfaConfig members), ``clients`` (by name, CreateUserPoolClient members
    with token validities as durations such as ``"1h"``), and ``risk`` (SetRiskConfiguration
    blocks by ``ALL`` or client name; None when not known). ``written`` is the pool as
    the file writes it (``from_file`` only): which values the file wrote, and the
    secrets it holds. ``live``: read from Cognito."""

    name: str
    region: str
    settings: Mapping[str, Any]
    mfa: Mapping[str, Any]
    clients: Mapping[str, Mapping[str, Any]]
    risk: Mapping[str, Mapping[str, Any]] | None
    written: Mapping[str, Any] | None = None
    live: bool = False
    locate: Callable[[Path], Location] | None = field(default=None, compare=False)

    def value(self, path: Path) -> Any:
        """The value at ``path`` below the pool (``("settings", "DeletionProtection")``),
        MISSING where there is none."""
        root, *rest = path
        doc: Any = {"settings": self.settings, "mfa": self.mfa, "clients": self.clients,
                    RISK_KEY: self.risk or {}}.get(str(root), MISSING)
        return get_path(doc, tuple(rest))

    def is_written(self, path: Path) -> bool:
        return self.written is not None and get_path(self.written, path) is not MISSING

    def client_items(self) -> Iterator[tuple[str, Mapping[str, Any]]]:
        return iter(sorted(self.clients.items()))


def _filled(canonical: Mapping[str, Any], defaults: Mapping[str, Any], root: str
            ) -> dict[str, Any]:
    """Every member of ``defaults`` present: Cognito's default where ``canonical`` has
    none (``normalize.owned_view`` with every member owned)."""
    view = owned_view(canonical, canonical, defaults, root, whole=True)
    return view.expected


def _risk(entries: Mapping[str, Any] | None) -> dict[str, dict[str, Any]]:
    return {str(key): risk_configuration.canonical(blocks)
            for key, blocks in (entries or {}).items() if isinstance(blocks, Mapping)}


# --------------------------------------------------------------------------- the file


def written_pool(cfg: PoolConfig) -> dict[str, Any]:
    """The pool's keys as the file writes them (templates merged)."""
    out: dict[str, Any] = {"settings": cfg.settings}
    for key, value in (("mfa", cfg.mfa), ("clients", cfg.clients),
                       ("identity_providers", cfg.identity_providers)):
        if value is not None:
            out[key] = value
    out.update(cfg.parts)
    return out


def from_file(cfg: PoolConfig) -> PoolView:
    """The pool as the file would make it, every unwritten member at Cognito's default."""
    clients = {name: _filled(canonical_desired_client(c), CLIENT_DEFAULTS, "clients")
               for name, c in (cfg.clients or {}).items() if isinstance(c, Mapping)}
    return PoolView(
        name=cfg.name, region=cfg.region,
        settings=_filled(canonical_desired_settings(cfg.settings), SETTINGS_DEFAULTS,
                         "settings"),
        mfa=_filled(canonical_desired_mfa(cfg.mfa or {}), MFA_DEFAULTS, "mfa"),
        clients=clients,
        risk=_risk(cfg.parts.get(RISK_KEY)),
        written=written_pool(cfg), locate=cfg.locate)


# --------------------------------------------------------------------------- live


def _live_parts(live: Any) -> tuple[dict[str, Any], dict[str, Any], dict[str, dict[str, Any]]]:
    """The live pool's canonical settings, MFA and clients (a ``plan.LivePool``)."""
    settings = canonical_live_settings(live.pool)
    mfa = canonical_live_mfa(live.mfa, pool_region(live.pool))
    clients = {name: canonical_live_client(c)
               for name, c in (live.children.clients or {}).items()}
    return settings, mfa, clients


def _live_risk(live: Any) -> dict[str, dict[str, Any]] | None:
    """The live risk configurations by ``ALL`` or client name; None when they were not
    read (the file does not manage them, and the reader asked for none)."""
    children = live.children
    if RISK_KEY not in children.others:
        return None
    names = {client_id: name for name, client_id in children.client_ids.items()}
    found = children.others[RISK_KEY] or {}
    return _risk({key if key == POOL_WIDE else names.get(key, key): blocks
                  for key, blocks in found.items()})


def from_live(cfg: PoolConfig, live: Any) -> PoolView:
    """A live pool (``plan.LivePool``, read whole: ``engine.read_for_check``)."""
    settings, mfa, clients = _live_parts(live)
    return PoolView(
        name=cfg.name, region=cfg.region,
        settings=_filled(settings, SETTINGS_DEFAULTS, "settings"),
        mfa=_filled(mfa, MFA_DEFAULTS, "mfa"),
        clients={n: _filled(c, CLIENT_DEFAULTS, "clients") for n, c in clients.items()},
        risk=_live_risk(live), live=True, locate=cfg.locate)


# --------------------------------------------------------------------------- after apply


def _apply_member(live: Mapping[str, Any], written: Mapping[str, Any],
                  defaults: Mapping[str, Any], root: str) -> dict[str, Any]:
    """``live`` with every member ``written`` writes replaced by the written one, its
    unwritten fields at Cognito's defaults (what UpdateUserPool / UpdateUserPoolClient
    send: ``kinds.settings.update_payload``, ``kinds.client.client_payload``)."""
    owned = owned_view(written, live, defaults, root).expected
    return {**copy.deepcopy(dict(live)), **owned}


def after_apply(cfg: PoolConfig, live: Any) -> PoolView:
    """The live pool as the file's plan would leave it (a pool that is not replaced)."""
    settings, mfa, clients = _live_parts(live)
    settings = _apply_member(settings, canonical_desired_settings(cfg.settings),
                             SETTINGS_DEFAULTS, "settings")
    if cfg.mfa is not None:  # SetUserPoolMfaConfig is a whole put: the file's block
        mfa = owned_view(canonical_desired_mfa(cfg.mfa), mfa, MFA_DEFAULTS, "mfa",
                         whole=True).expected
    if cfg.clients is not None:
        kept = {} if cfg.prune else dict(clients)
        for name, written in cfg.clients.items():
            if isinstance(written, Mapping):
                kept[name] = _apply_member(clients.get(name, {}),
                                           canonical_desired_client(written),
                                           CLIENT_DEFAULTS, "clients")
        clients = kept
    risk = _live_risk(live)
    written_risk = cfg.parts.get(RISK_KEY)
    if isinstance(written_risk, Mapping):
        # Each entry: the blocks the file writes, the live blocks it does not write
        # resent as they are (kinds.risk_configuration).
        risk = dict(risk or {})
        for key, blocks in _risk(written_risk).items():
            risk[key] = {**risk.get(key, {}), **blocks}
    return PoolView(
        name=cfg.name, region=cfg.region,
        settings=_filled(settings, SETTINGS_DEFAULTS, "settings"),
        mfa=_filled(mfa, MFA_DEFAULTS, "mfa"),
        clients={n: _filled(c, CLIENT_DEFAULTS, "clients") for n, c in clients.items()},
        risk=risk, locate=cfg.locate)


def value_source(view: PoolView, path: Path) -> str:
    """Where the deciding value came from (``model.WRITTEN``, ``DEFAULT``, ``LIVE``)."""
    if view.live:
        return LIVE
    return WRITTEN if view.is_written(path) else DEFAULT


def written_index(view: PoolView, path: Path, value: Any) -> Path:
    """``path`` with a list index of the canonical view (lists are sorted sets there)
    turned into the index the file writes ``value`` at, so the location is its line."""
    if not path or not isinstance(path[-1], int) or view.written is None:
        return path
    items = get_path(view.written, path[:-1])
    if isinstance(items, list) and value in items:
        return (*path[:-1], items.index(value))
    return path
