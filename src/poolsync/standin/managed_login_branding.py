"""Managed login branding (CreateManagedLoginBranding, UpdateManagedLoginBranding,
DescribeManagedLoginBranding, DescribeManagedLoginBrandingByClient,
DeleteManagedLoginBranding), which moto 5.2.1 lacks.

Each behaviour names its source:
- One style per app client: a second create for the client is
  ManagedLoginBrandingExistsException (in CreateManagedLoginBranding's botocore error
  list); each style has a UUIDv4 id (botocore ManagedLoginBrandingIdType's pattern).
- ``UseCognitoProvidedValues: true`` goes with neither ``Settings`` nor ``Assets``
  (botocore CreateManagedLoginBrandingRequest and UpdateManagedLoginBrandingRequest:
  "you must also omit values for Settings and Assets"): InvalidParameterException.
  True in an update reverts the style to Cognito's defaults (botocore
  UpdateManagedLoginBrandingRequest.UseCognitoProvidedValues): the stand-in clears the
  customised settings and assets.
- An update preserves what it is not sent ("preserves existing style settings that you
  don't specify", botocore UpdateManagedLoginBranding): the top-level keys of
  ``Settings`` it is sent replace the stored ones, the others stay (the depth of the
  merge is UNVERIFIED: one level here); an asset replaces the one of the same
  Category, ColorMode (and ResourceId) and any other is added
  (terraform-provider-aws managed_login_branding.go, the asset block's comment).
- A pool without a domain whose ManagedLoginVersion is 2 has no managed login pages
  to brand: the create is refused with InvalidParameterException (in the botocore
  error list; that Cognito refuses it at all, and its wording, are UNVERIFIED).
- Describe returns the stored ``Assets`` with their ``Bytes`` (the response syntax of
  the API reference pages; terraform-provider-aws managed_login_branding_test.go
  verifies an imported asset's bytes). ``ReturnMergedResources`` true would add
  Cognito's defaults, which no public source lists: the stand-in returns the
  customised values either way.
- An unknown pool, client or style id is ResourceNotFoundException (every error list);
  so is a client without a style (terraform-provider-aws managed_login_branding.go
  reads that as "none"). A style outlives its app client here (what Cognito does to the
  style of a deleted client is UNVERIFIED); it is then found by id only.
"""

from __future__ import annotations

import base64
import binascii
import copy
import uuid
from collections.abc import Mapping, Sequence
from typing import Any, Final

from moto.cognitoidp.exceptions import InvalidParameterException, ResourceNotFoundError
from moto.cognitoidp.responses import CognitoIdpResponse
from moto.core.exceptions import JsonRESTError
from moto.core.responses import ActionResult, EmptyResult
from moto.core.utils import utcnow

from poolsync.standin.domains import domains_of
from poolsync.standin.resource_servers import addition

_STORE: Final = "_poolsync_managed_login_branding"  # on the pool: client id -> style


class ManagedLoginBrandingExistsException(JsonRESTError):
    """botocore: "This exception is thrown when you attempt to apply a managed login
    branding style to an app client that already has an assigned style." HTTP 400."""

    def __init__(self, message: str) -> None:
        super().__init__("ManagedLoginBrandingExistsException", message)


def _styles(pool: Any) -> dict[str, dict[str, Any]]:
    if not hasattr(pool, _STORE):
        setattr(pool, _STORE, {})
    styles: dict[str, dict[str, Any]] = getattr(pool, _STORE)
    return styles


def check_cognito_values_alone(request: Mapping[str, Any]) -> None:
    """UseCognitoProvidedValues true with Settings or Assets is refused (botocore
    UseCognitoProvidedValues: "you must also omit values for Settings and Assets")."""
    if request.get("UseCognitoProvidedValues") and (
            request.get("Settings") is not None or request.get("Assets")):
        raise InvalidParameterException(
            "Settings and Assets cannot be provided when UseCognitoProvidedValues is true.")


def check_managed_login_domain(backend: Any, pool_id: str) -> None:
    """A style brands managed login pages, which a domain with ManagedLoginVersion 2
    serves (botocore CreateUserPoolDomainRequest.ManagedLoginVersion). The refusal and
    its wording are the stand-in's (UNVERIFIED)."""
    versions = [getattr(d, "standin_managed_login_version", None) or 1
                for d in domains_of(backend, pool_id)]
    if 2 not in versions:
        raise InvalidParameterException(
            "The user pool has no domain with managed login (ManagedLoginVersion 2).")


def check_one_style_per_client(pool: Any, client_id: str) -> None:
    """ManagedLoginBrandingExistsException (botocore CreateManagedLoginBranding)."""
    if client_id in _styles(pool):
        raise ManagedLoginBrandingExistsException(
            f"A managed login branding style already exists for client {client_id}.")


def stored_assets(assets: Sequence[Mapping[str, Any]] | None) -> list[dict[str, Any]]:
    """The request's assets with their ``Bytes`` decoded (the JSON protocol sends a blob
    as base64: botocore AssetBytesType is a blob)."""
    out = []
    for asset in assets or []:
        item = {k: copy.deepcopy(v) for k, v in asset.items() if k != "Bytes"}
        if asset.get("Bytes") is not None:
            try:
                item["Bytes"] = base64.b64decode(str(asset["Bytes"]), validate=True)
            except binascii.Error as exc:
                raise InvalidParameterException("Asset Bytes are not base64.") from exc
        out.append(item)
    return out


def asset_key(asset: Mapping[str, Any]) -> tuple[Any, ...]:
    return (asset.get("Category"), asset.get("ColorMode"), asset.get("ResourceId"))


def merged_assets(stored: Sequence[Mapping[str, Any]],
                  sent: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Each asset sent replaces the stored one of its Category, ColorMode and
    ResourceId; the others stay (terraform-provider-aws managed_login_branding.go)."""
    out = {asset_key(a): dict(a) for a in stored}
    out.update({asset_key(a): dict(a) for a in sent})
    return list(out.values())


def _describe_pool(response: Any) -> Any:
    return response.backend.describe_user_pool(response.parameters.get("UserPoolId"))


def _find(pool: Any, style_id: Any) -> dict[str, Any]:
    for style in _styles(pool).values():
        if style["ManagedLoginBrandingId"] == style_id:
            return style
    raise ResourceNotFoundError(f"Managed login branding {style_id} does not exist.")


def _shown(style: Mapping[str, Any]) -> dict[str, Any]:
    out = {k: copy.deepcopy(v) for k, v in style.items() if k != "ClientId"}
    out["Assets"] = [dict(a) for a in style["Assets"]]
    return out


def _create(response: Any) -> ActionResult:
    params = response.parameters
    pool = _describe_pool(response)
    client_id = str(params.get("ClientId"))
    response.backend.describe_user_pool_client(pool.id, client_id)
    check_cognito_values_alone(params)
    check_managed_login_domain(response.backend, pool.id)
    check_one_style_per_client(pool, client_id)
    now = utcnow()
    style = {
        "ManagedLoginBrandingId": str(uuid.uuid4()),
        "UserPoolId": pool.id,
        "ClientId": client_id,
        "UseCognitoProvidedValues": bool(params.get("UseCognitoProvidedValues")),
        "Settings": copy.deepcopy(params.get("Settings") or {}),
        "Assets": stored_assets(params.get("Assets")),
        "CreationDate": now,
        "LastModifiedDate": now,
    }
    _styles(pool)[client_id] = style
    return ActionResult({"ManagedLoginBranding": _shown(style)})


def _update(response: Any) -> ActionResult:
    params = response.parameters
    pool = _describe_pool(response)
    style = _find(pool, params.get("ManagedLoginBrandingId"))
    check_cognito_values_alone(params)
    if params.get("UseCognitoProvidedValues"):
        style.update(UseCognitoProvidedValues=True, Settings={}, Assets=[])
    else:
        settings = params.get("Settings")
        if isinstance(settings, Mapping):
            style["Settings"] = {**style["Settings"], **copy.deepcopy(dict(settings))}
        style["Assets"] = merged_assets(style["Assets"], stored_assets(params.get("Assets")))
        if (params.get("UseCognitoProvidedValues") is False or settings is not None
                or params.get("Assets")):
            style["UseCognitoProvidedValues"] = False
    style["LastModifiedDate"] = utcnow()
    return ActionResult({"ManagedLoginBranding": _shown(style)})


def _describe(response: Any) -> ActionResult:
    pool = _describe_pool(response)
    style = _find(pool, response.parameters.get("ManagedLoginBrandingId"))
    return ActionResult({"ManagedLoginBranding": _shown(style)})


def _describe_by_client(response: Any) -> ActionResult:
    pool = _describe_pool(response)
    client_id = str(response.parameters.get("ClientId"))
    response.backend.describe_user_pool_client(pool.id, client_id)
    style = _styles(pool).get(client_id)
    if style is None:
        raise ResourceNotFoundError(f"No managed login branding for client {client_id}.")
    return ActionResult({"ManagedLoginBranding": _shown(style)})


def _delete(response: Any) -> EmptyResult:
    pool = _describe_pool(response)
    style = _find(pool, response.parameters.get("ManagedLoginBrandingId"))
    del _styles(pool)[style["ClientId"]]
    return EmptyResult()


PATCHES: Final = (
    addition(CognitoIdpResponse, "create_managed_login_branding", _create),
    addition(CognitoIdpResponse, "update_managed_login_branding", _update),
    addition(CognitoIdpResponse, "describe_managed_login_branding", _describe),
    addition(CognitoIdpResponse, "describe_managed_login_branding_by_client",
             _describe_by_client),
    addition(CognitoIdpResponse, "delete_managed_login_branding", _delete),
)
