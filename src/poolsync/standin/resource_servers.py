"""UpdateResourceServer and DeleteResourceServer, which moto 5.2.1 lacks.

moto answers both with NotImplementedError (as probed). Its response
class dispatches an action to the method of the same snake_case name, found among the
class's functions on every request (``BaseResponse.call_action``), so adding the two
methods serves them under ``mock_aws()`` and through ``ThreadedMotoServer`` alike.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final, NoReturn

from moto.cognitoidp.exceptions import InvalidParameterException
from moto.cognitoidp.models import CognitoIdpBackend
from moto.cognitoidp.responses import CognitoIdpResponse
from moto.core.responses import ActionResult, EmptyResult

from poolsync.standin.patching import Patch


@dataclass(frozen=True)
class _Addition(Patch):
    """A method moto does not have: added on install, removed again on uninstall."""

    def revert(self) -> None:
        if self.is_applied():
            delattr(self.owner, self.name)


def _not_in_moto(*args: Any, **kwargs: Any) -> NoReturn:
    raise NotImplementedError("moto 5.2.1 has no such method")


def addition(owner: type, name: str, replacement: Callable[..., Any]) -> Patch:
    return _Addition(owner, name, _not_in_moto, replacement)


_moto_list_resource_servers: Final = CognitoIdpBackend.list_resource_servers


def _list_resource_servers(backend: Any, user_pool_id: str, **pagination: Any) -> Any:
    """An unknown pool is ResourceNotFoundException, as for every other List call (botocore
    error list); moto 5.2.1 fails with a KeyError (a 500)."""
    backend.describe_user_pool(user_pool_id)
    return _moto_list_resource_servers(backend, user_pool_id, **pagination)


def update_resource_server(backend: Any, request: Mapping[str, Any]) -> Any:
    """UpdateResourceServer is a full replace: ``Name`` is required and an omitted
    ``Scopes`` removes every scope (botocore UpdateResourceServer: "If you don't provide
    a value for an attribute, it is set to the default value"). The identifier
    cannot change: it is the key. What AWS does to clients that still allow a removed
    scope is UNVERIFIED; the stand-in leaves them alone."""
    server = backend.describe_resource_server(request.get("UserPoolId"), request.get("Identifier"))
    if not request.get("Name"):
        # botocore refuses this before sending; the wording mimics AWS's validation
        # messages (GUESS).
        raise InvalidParameterException(
            "1 validation error detected: Value null at 'name' failed to satisfy "
            "constraint: Member must not be null"
        )
    server.name = request["Name"]
    server.scopes = copy.deepcopy(list(request.get("Scopes") or []))
    return server


def delete_resource_server(backend: Any, request: Mapping[str, Any]) -> None:
    """DeleteResourceServer (botocore). Whether AWS refuses while a client allows one of its
    scopes is UNVERIFIED; the stand-in deletes, like DeleteUserPool's children."""
    user_pool_id = request.get("UserPoolId")
    identifier = request.get("Identifier")
    backend.describe_resource_server(user_pool_id, identifier)  # ResourceNotFound
    del backend.describe_user_pool(user_pool_id).resource_servers[identifier]


def _update_resource_server_response(response: Any) -> ActionResult:
    server = update_resource_server(response.backend, response.parameters)
    return ActionResult({"ResourceServer": server.to_json()})


def _delete_resource_server_response(response: Any) -> ActionResult:
    delete_resource_server(response.backend, response.parameters)
    return EmptyResult()


PATCHES: Final = (
    Patch(
        CognitoIdpBackend,
        "list_resource_servers",
        _moto_list_resource_servers,
        _list_resource_servers,
    ),
    addition(CognitoIdpResponse, "update_resource_server", _update_resource_server_response),
    addition(CognitoIdpResponse, "delete_resource_server", _delete_resource_server_response),
)
