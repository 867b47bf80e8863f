"""Swap moto's Cognito methods for the stand-in's, and back.

Every override is a class attribute of a moto class, so one swap serves both
``moto.mock_aws()`` and a ``ThreadedMotoServer`` running in the same process: both
dispatch to the same classes and the same backend instances.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Patch:
    """One override: ``owner.name`` becomes ``replacement`` while installed."""

    owner: type
    name: str
    original: Callable[..., Any]
    replacement: Callable[..., Any]

    def apply(self) -> None:
        setattr(self.owner, self.name, self.replacement)

    def revert(self) -> None:
        setattr(self.owner, self.name, self.original)

    def is_applied(self) -> bool:
        return vars(self.owner).get(self.name) is self.replacement


class PatchSet:
    """A group of patches applied and reverted together, under one lock."""

    def __init__(self, patches: Sequence[Patch]) -> None:
        self._patches = tuple(patches)
        self._lock = threading.RLock()

    @property
    def active(self) -> bool:
        with self._lock:
            return all(patch.is_applied() for patch in self._patches)

    def install(self) -> None:
        with self._lock:
            for patch in self._patches:
                patch.apply()

    def uninstall(self) -> None:
        with self._lock:
            for patch in reversed(self._patches):
                patch.revert()

    @contextmanager
    def installed(self) -> Iterator[None]:
        """Installed inside the block; afterwards back to whatever it was before."""
        with self._lock:
            was_active = self.active
            self.install()
        try:
            yield
        finally:
            if not was_active:
                self.uninstall()
