"""SetRiskConfiguration and DescribeRiskConfiguration, which moto 5.2.1 lacks.

Each behaviour names its source:
- One configuration per pool (pool-wide) and one per app client; Set replaces the one
  it names whole. An ids-only Set resets it: the pool's "to defaults", a client's "to be
  inherited from the user pool" (botocore SetRiskConfiguration). The stand-in's pool
  defaults are no blocks at all (UNVERIFIED: what Cognito reports after the reset).
- Describe of a client without its own configuration answers the pool's, without a
  ClientId (botocore RiskConfigurationType.ClientId: "When this parameter isn't
  present, the risk configuration applies to all user pool app clients that don't have
  client-level settings"; whether AWS leaves ClientId out or says ``ALL`` is
  UNVERIFIED). A pool without one answers just its UserPoolId (UNVERIFIED).
- CompromisedCredentialsRiskConfiguration.EventFilter "Defaults to all events"
  (botocore): stored with all three when left out (whether Describe lists them is
  UNVERIFIED; terraform-provider-aws declares the attribute Computed).
- Both refuse a pool whose AdvancedSecurityMode is OFF, or whose tier is below PLUS,
  with UserPoolAddOnNotEnabledException (both operations' error lists; botocore
  SetRiskConfiguration: "your user pool must be on the Plus tier"). The message is the
  stand-in's own (UNVERIFIED). A configuration stored while it was on is kept while it
  is off and shows again when it is turned back on (UNVERIFIED).
- An unknown pool or app client is ResourceNotFoundException (both error lists).
- Required members (NotifyConfiguration.SourceArn, Actions, Subject ...) are checked by
  the model check (validation.py), as AWS checks them.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any, Final

from moto.cognitoidp.responses import CognitoIdpResponse
from moto.core.exceptions import JsonRESTError
from moto.core.responses import ActionResult
from moto.core.utils import utcnow

from poolsync.standin.resource_servers import addition
from poolsync.standin.tiers import DEFAULT_TIER

_STORE: Final = "_poolsync_risk_configuration"
_POOL_WIDE: Final = ""  # the store's key of the pool-wide configuration
_BLOCKS: Final = ("CompromisedCredentialsRiskConfiguration",
                  "AccountTakeoverRiskConfiguration", "RiskExceptionConfiguration")
_ALL_EVENTS: Final = ("SIGN_IN", "PASSWORD_CHANGE", "SIGN_UP")


class UserPoolAddOnNotEnabledException(JsonRESTError):
    """botocore: "This exception is thrown when user pool add-ons aren't enabled."
    HTTP 400, as every Cognito client error."""

    def __init__(self, message: str) -> None:
        super().__init__("UserPoolAddOnNotEnabledException", message)


def check_threat_protection(pool: Any) -> None:
    """AdvancedSecurityMode AUDIT or ENFORCED, on the PLUS tier."""
    addons = pool.extended_config.get("UserPoolAddOns") or {}
    mode = addons.get("AdvancedSecurityMode") if isinstance(addons, Mapping) else None
    tier = str(pool.extended_config.get("UserPoolTier") or DEFAULT_TIER)
    if mode not in ("AUDIT", "ENFORCED") or tier != "PLUS":
        raise UserPoolAddOnNotEnabledException(
            "Advanced security features are not enabled for this user pool (threat "
            "protection needs AdvancedSecurityMode AUDIT or ENFORCED on the Plus tier).")


def _store(pool: Any) -> dict[str, dict[str, Any]]:
    if not hasattr(pool, _STORE):
        setattr(pool, _STORE, {})
    store: dict[str, dict[str, Any]] = getattr(pool, _STORE)
    return store


def _target(response: Any) -> tuple[Any, str]:
    """The pool and the store key the request names (a client must exist)."""
    params = response.parameters
    pool = response.backend.describe_user_pool(params.get("UserPoolId"))
    client_id = params.get("ClientId") or _POOL_WIDE
    if client_id:
        response.backend.describe_user_pool_client(pool.id, client_id)
    check_threat_protection(pool)
    return pool, client_id


def with_default_event_filter(blocks: dict[str, Any]) -> dict[str, Any]:
    block = blocks.get("CompromisedCredentialsRiskConfiguration")
    if isinstance(block, dict) and not block.get("EventFilter"):
        block["EventFilter"] = list(_ALL_EVENTS)
    return blocks


def _answer(pool: Any, key: str) -> dict[str, Any]:
    stored = copy.deepcopy(_store(pool).get(key) or {})
    out: dict[str, Any] = {"UserPoolId": pool.id}
    if key and stored:
        out["ClientId"] = key
    return {**out, **stored}


def _set(response: Any) -> ActionResult:
    pool, key = _target(response)
    params = response.parameters
    blocks = {b: copy.deepcopy(params[b]) for b in _BLOCKS if params.get(b) is not None}
    if blocks:
        _store(pool)[key] = {**with_default_event_filter(blocks), "LastModifiedDate": utcnow()}
    else:
        _store(pool).pop(key, None)
    answer = _answer(pool, key)
    if key and not blocks:
        answer["ClientId"] = key
    return ActionResult({"RiskConfiguration": answer})


def _describe(response: Any) -> ActionResult:
    pool, key = _target(response)
    if key not in _store(pool):
        key = _POOL_WIDE  # a client without its own: the pool's
    return ActionResult({"RiskConfiguration": _answer(pool, key)})


PATCHES: Final = (
    addition(CognitoIdpResponse, "set_risk_configuration", _set),
    addition(CognitoIdpResponse, "describe_risk_configuration", _describe),
)
