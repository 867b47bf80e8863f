"""One module per resource kind of a user pool (docs/design/resource-kinds.md): each
says how its kind is read, shaped, defaulted, replaced, written and exported, and
declares it as a ``base.Kind``.

``all_kinds()`` is the registry, in apply order: the planner, the engine, export, drift,
iam and quotas iterate it (``readers()`` and ``exporters()`` give the reading and export
order of the kinds read with the pool's collections). Built on first use, so importing
a kind module costs nothing else."""

from __future__ import annotations

import functools
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from poolsync.kinds.base import Kind, KindOps


@functools.cache
def all_kinds() -> tuple[Kind, ...]:
    """Every kind of a user pool, in the order apply writes them: the pool's settings,
    its MFA (the settings kind's review may put MFA's write first), the domain, identity providers and resource
    servers before the clients that name them, clients before groups (README, "Plans,
    apply and safety"; aws/aws-cdk #15850), then the kinds that name clients and need
    the pool's settings in place (docs/design/resource-kinds.md section 3)."""
    from poolsync.kinds import (
        client_secret,
        log_delivery,
        managed_login_branding,
        risk_configuration,
        terms,
        ui_customization,
    )

    k = _built_in()
    return (k.settings.KIND, k.mfa.KIND, k.domain.KIND, k.identity_provider.KIND,
            k.resource_server.KIND, k.client.KIND, k.group.KIND,
            client_secret.KIND, ui_customization.KIND, managed_login_branding.KIND,
            terms.KIND, risk_configuration.KIND, log_delivery.KIND)


@functools.cache
def parts() -> tuple[Kind, ...]:
    """The kinds that read themselves (``Kind.read``), whose values a PoolConfig keeps
    in ``parts`` by config key: the engine reads them, export exports them, in this
    order."""
    return tuple(k for k in all_kinds() if k.read is not None)


def part_keys() -> tuple[str, ...]:
    return tuple(p.key for p in parts())


def part_by_kind(kind: str) -> Kind | None:
    return next((p for p in parts() if p.kind == kind), None)


@functools.cache
def operations() -> tuple[KindOps, ...]:
    """The operations of every kind, in the order a pool is written: the pool, its MFA,
    the domain, identity providers, resource servers, clients, groups, then the kinds
    that plan themselves. ``iam-policy`` (iam.py) and the pacer's categories
    (quotas.py) are built from these; no list elsewhere names an operation."""
    return tuple(k.ops for k in all_kinds())


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
