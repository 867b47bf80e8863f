"""What every resource kind of a user pool tells the planner (docs/design/resource-kinds.md).

A ``Kind`` is data and functions: the planner, drift and export iterate over kinds
and call these members instead of naming a kind. Defaults here are what most kinds
need (no defaults, never replaced, nothing kept unlisted), so a kind states only what
differs.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from poolsync.model import FieldChange


def _no_defaults(written: Mapping[str, Any]) -> Mapping[str, Any]:
    return {}


def _never_replaced(change: FieldChange) -> str | None:
    return None


def _never_kept(name: str, pool_id: str | None, providers: Collection[str] | None) -> bool:
    return False


Recreated = Callable[[str, Mapping[str, Any], Mapping[str, Any], Mapping[str, Any]],
                     tuple[dict[str, Any], tuple[str, ...]]]
UpdatePayload = Callable[[str, Mapping[str, Any], Mapping[str, Any], Mapping[str, Any],
                          Mapping[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class Kind:
    """One collection of the pool's sub-resources, as the planner sees it.

    ``update(name, written, found, live, expected)``: the update request's members but
    ``UserPoolId`` (``found`` as described, ``live`` canonical, ``expected`` the owned
    view); ``recreated(name, written, found, live)``: the create request of a
    replacement and its notes (None: never replaced); ``kept_unlisted(name, pool_id,
    providers)``: a live item that is neither managed nor pruned (a federation group)."""

    collection: str  # the config key, e.g. "clients"
    kind: str  # ObjectPlan.kind
    noun: str
    key_param: str  # the request member that names an item
    create_op: str
    update_op: str
    delete_op: str
    canonical_live: Callable[[Mapping[str, Any]], dict[str, Any]]
    canonical_desired: Callable[[Mapping[str, Any]], dict[str, Any]]
    update: UpdatePayload
    defaults: Callable[[Mapping[str, Any]], Mapping[str, Any]] = _no_defaults
    replacement_reason: Callable[[FieldChange], str | None] = _never_replaced
    recreated: Recreated | None = None
    id_member: str | None = None  # an item named by id in requests (clients: ClientId)
    kept_unlisted: Callable[[str, str | None, Collection[str] | None], bool] = _never_kept
    live_field: str = ""  # its field of plan_children.LiveChildren, when not ``collection``

    def key(self, name: str, found: Mapping[str, Any]) -> dict[str, Any]:
        """The request members that name an existing item."""
        if self.id_member is not None:
            return {self.id_member: found[self.id_member]}
        return {self.key_param: name}
