"""A Cognito stand-in: moto 5.2.1, patched in process to behave like real AWS.

moto diverges from real Cognito where poolsync's tests and demo care (schema
attributes, update semantics, MFA rules, deletion guards, quotas, response shape, and
the pool's app clients, identity providers, domains and resource servers: each gap
probed against moto 5.2.1, see tests/fixtures/real-responses/SOURCES.md), and it
checks neither the service model's constraints (validation.py) nor feature plans
(tiers.py).
``install()`` overrides the affected moto methods, each with a small function in this
package that names its source. It works under ``moto.mock_aws()`` and for a
``ThreadedMotoServer`` in the same process, because both use the same moto classes.

    with standin.installed(), moto.mock_aws():
        ...
    with standin.LocalCognito() as cognito:
        client = cognito.client()
"""

from __future__ import annotations

import functools
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from poolsync.standin.patching import PatchSet
    from poolsync.standin.server import LocalCognito

__all__ = ["LocalCognito", "install", "installed", "uninstall"]


@functools.cache
def _patches() -> PatchSet:
    """Every patch, built on first use: importing this package needs no moto (so
    ``python -m poolsync.standin --help`` works without the demo extra and says it is
    needed; demo.local_cognito does the same for ``poolsync demo``)."""
    from poolsync.standin import (
        client_secrets,
        clients,
        domains,
        log_delivery,
        managed_login_branding,
        mfa,
        pool,
        providers,
        resource_servers,
        risk_configuration,
        schema,
        sign_in,
        speed,
        tags,
        terms,
        ui_customization,
        validation,
    )
    from poolsync.standin.patching import PatchSet

    return PatchSet((
        *schema.PATCHES,
        *pool.PATCHES,
        *mfa.PATCHES,
        *clients.PATCHES,
        *client_secrets.PATCHES,
        *providers.PATCHES,
        *domains.PATCHES,
        *resource_servers.PATCHES,
        *tags.PATCHES,
        *log_delivery.PATCHES,
        *risk_configuration.PATCHES,
        *terms.PATCHES,
        *managed_login_branding.PATCHES,
        *ui_customization.PATCHES,
        *sign_in.PATCHES,
        *speed.PATCHES,
        *validation.PATCHES,
    ))


def __getattr__(name: str) -> Any:
    """``LocalCognito``, imported (with moto) when first asked for (PEP 562)."""
    if name == "LocalCognito":
        from poolsync.standin.server import LocalCognito

        return LocalCognito
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def install() -> None:
    """Apply every patch to moto. Idempotent and safe from several threads."""
    _patches().install()


def uninstall() -> None:
    """Restore plain moto."""
    _patches().uninstall()


def installed() -> AbstractContextManager[None]:
    """Install for the duration of a with-block, then restore the previous state."""
    return _patches().installed()
