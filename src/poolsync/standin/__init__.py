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

from contextlib import AbstractContextManager
from typing import Final

from poolsync.standin import (
    clients,
    domains,
    mfa,
    pool,
    providers,
    resource_servers,
    schema,
    speed,
    tags,
    validation,
)
from poolsync.standin.patching import PatchSet
from poolsync.standin.server import LocalCognito

__all__ = ["LocalCognito", "install", "installed", "uninstall"]

_PATCHES: Final = PatchSet(
    (
        *schema.PATCHES,
        *pool.PATCHES,
        *mfa.PATCHES,
        *clients.PATCHES,
        *providers.PATCHES,
        *domains.PATCHES,
        *resource_servers.PATCHES,
        *tags.PATCHES,
        *speed.PATCHES,
        *validation.PATCHES,
    )
)


def install() -> None:
    """Apply every patch to moto. Idempotent and safe from several threads."""
    _PATCHES.install()


def uninstall() -> None:
    """Restore plain moto."""
    _PATCHES.uninstall()


def installed() -> AbstractContextManager[None]:
    """Install for the duration of a with-block, then restore the previous state."""
    return _PATCHES.installed()
