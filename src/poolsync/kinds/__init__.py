"""One module per resource kind of a user pool (docs/design/resource-kinds.md): each
says how its kind is read, shaped, defaulted, replaced, written and exported.

``parts()`` is the registry of the kinds that plan themselves (``base.Part``), in apply
order: the engine, the planner, export, drift, iam and quotas iterate it. Built on first
use, so importing a kind module costs nothing else."""

from __future__ import annotations

import functools
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from poolsync.kinds.base import KindOps, Part


@functools.cache
def parts() -> tuple[Part, ...]:
    """Every self-planning kind, in the order apply writes them (after the pool, its
    MFA and the sub-resource collections: they name clients and need the pool's
    settings; docs/design/resource-kinds.md section 3)."""
    from poolsync.kinds import (
        client_secret,
        log_delivery,
        managed_login_branding,
        risk_configuration,
        terms,
        ui_customization,
    )

    return (client_secret.PART, ui_customization.PART, managed_login_branding.PART,
            terms.PART, risk_configuration.PART, log_delivery.PART)


def part_keys() -> tuple[str, ...]:
    return tuple(p.key for p in parts())


def part_by_kind(kind: str) -> Part | None:
    return next((p for p in parts() if p.kind == kind), None)


@functools.cache
def operations() -> tuple[KindOps, ...]:
    """The operations of every kind, in the order a pool is written: the pool, its MFA,
    the domain, identity providers, resource servers, clients, groups, then the kinds
    that plan themselves. ``iam-policy`` (iam.py) and the pacer's categories
    (quotas.py) are built from these; no list elsewhere names an operation."""
    k = _built_in()
    own = (k.settings.OPS, k.mfa.OPS, k.domain.OPS, k.identity_provider.OPS,
           k.resource_server.OPS, k.client.OPS, k.group.OPS)
    return (*own, *(p.ops for p in parts()))


Exporter = Callable[[Any, Any], Any]


@functools.cache
def exporters() -> tuple[tuple[str, Exporter], ...]:
    """Each kind's config key and its ``export_from(live, collected)`` (a plan.LivePool
    and export's collected variables, notes and withheld secrets; None: nothing to
    write), in the order an exported pool lists them. The kinds that plan themselves
    follow (``Part.export``)."""
    k = _built_in()
    return (("settings", k.settings.export_from), ("mfa", k.mfa.export_from),
            ("clients", k.client.export_from),
            ("identity_providers", k.identity_provider.export_from),
            ("domain", k.domain.export_from), ("groups", k.group.export_from),
            ("resource_servers", k.resource_server.export_from))


Reader = Callable[[Any, Any, Any, Any], Any]


@functools.cache
def readers() -> tuple[tuple[str, Reader], ...]:
    """Each sub-resource kind's field of ``plan_children.LiveChildren`` and its
    ``read_live(cognito, pool, described, so_far)``: the fewest calls for what the file
    (a PoolConfig) manages or needs to check, given what the kinds before it read
    (``so_far``, by field). In reading order: groups before identity providers (a
    group named like a federation group asks for the providers' names). The pool's
    settings and MFA are read before these (engine._read_pool), the kinds that plan
    themselves after (``parts``)."""
    k = _built_in()
    return (("groups", k.group.read_live), ("providers", k.identity_provider.read_live),
            ("clients", k.client.read_live), ("domains", k.domain.read_live),
            ("resource_servers", k.resource_server.read_live))


def _built_in() -> SimpleNamespace:
    """The modules of the kinds the pool has always had, imported on first use (each
    imports shared code that imports this package)."""
    from poolsync.kinds import (
        client,
        domain,
        group,
        identity_provider,
        mfa,
        resource_server,
        settings,
    )

    return SimpleNamespace(client=client, domain=domain, group=group,
                           identity_provider=identity_provider, mfa=mfa,
                           resource_server=resource_server, settings=settings)
