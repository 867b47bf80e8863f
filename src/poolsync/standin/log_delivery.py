"""SetLogDeliveryConfiguration and GetLogDeliveryConfiguration, which moto 5.2.1 lacks.

Each behaviour names its source:
- Set replaces the pool's whole list with the request's; an empty list removes log
  delivery (botocore SetLogDeliveryConfigurationRequest, ``LogConfigurations``
  required; terraform-provider-aws log_delivery_configuration.go deletes that way).
- Get answers the list, with the pool's id (botocore LogDeliveryConfigurationType, both
  members required); a pool that never had one answers an empty list (UNVERIFIED: the
  Terraform provider also copes with ResourceNotFoundException; poolsync reads both as
  none, kinds/log_delivery.read).
- userNotification logs go at ERROR to CloudWatch Logs only; userAuthEvents at INFO
  (botocore LogConfigurationType.LogLevel). The refusal's wording is the stand-in's own
  (UNVERIFIED); InvalidParameterException is in Set's error list.
- userAuthEvents and the S3 and Firehose destinations need the PLUS tier
  (FeatureUnavailableInTierException, in Set's error list; botocore LogConfigurationType).
- An unknown pool is ResourceNotFoundException (both operations' error lists).
- UpdateUserPool refuses a tier beneath the logs the pool sends (check_tier_keeps_logs).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any, Final

from moto.cognitoidp.exceptions import InvalidParameterException
from moto.cognitoidp.responses import CognitoIdpResponse
from moto.core.responses import ActionResult

from poolsync.standin.resource_servers import addition
from poolsync.standin.tiers import DEFAULT_TIER, FeatureUnavailableInTierException

_STORE: Final = "_poolsync_log_delivery"
_PLUS_DESTINATIONS: Final = ("S3Configuration", "FirehoseConfiguration")
_DESTINATIONS: Final = ("CloudWatchLogsConfiguration", *_PLUS_DESTINATIONS)


def check_pairs(configurations: Sequence[Mapping[str, Any]]) -> None:
    """Level and destination by event source (botocore LogConfigurationType.LogLevel)."""
    sources = [c.get("EventSource") for c in configurations]
    if len(set(sources)) < len(sources):
        raise InvalidParameterException("Each EventSource can be configured only once.")
    for config in configurations:
        destinations = [d for d in _DESTINATIONS if config.get(d)]
        if len(destinations) != 1:
            raise InvalidParameterException(
                "Exactly one of CloudWatchLogsConfiguration, S3Configuration or "
                "FirehoseConfiguration is required.")
        if config.get("EventSource") == "userNotification" and (
                config.get("LogLevel") != "ERROR"
                or destinations != ["CloudWatchLogsConfiguration"]):
            raise InvalidParameterException(
                "userNotification logs are delivered at ERROR level to CloudWatch Logs only.")
        if config.get("EventSource") == "userAuthEvents" and config.get("LogLevel") != "INFO":
            raise InvalidParameterException("userAuthEvents logs are delivered at INFO level.")


def check_log_tier(pool: Any, configurations: Sequence[Mapping[str, Any]]) -> None:
    """Threat-protection logs need PLUS (botocore LogConfigurationType)."""
    tier = str(pool.extended_config.get("UserPoolTier") or DEFAULT_TIER)
    if tier == "PLUS":
        return
    if any(c.get("EventSource") == "userAuthEvents"
           or any(c.get(d) for d in _PLUS_DESTINATIONS) for c in configurations):
        raise FeatureUnavailableInTierException(
            f"The following features need to be disabled for the {tier} pricing tier "
            "configured: Log Export")


def check_tier_keeps_logs(pool: Any, merged: Mapping[str, Any]) -> None:
    """UpdateUserPool: lowering the tier beneath the pool's threat-protection logs is
    refused like lowering it beneath any other PLUS feature (terraform-provider-aws PR
    #40734 quotes "The following features need to be disabled for the ESSENTIALS
    pricing tier configured: Threat Protection"; that logs count is inferred from
    botocore LogConfigurationType, UNVERIFIED)."""
    tier = str(merged.get("UserPoolTier") or DEFAULT_TIER)
    if tier != "PLUS":
        check_log_tier(_Tiered(tier), stored(pool))


class _Tiered:
    """A pool as check_log_tier reads it, at the tier a request asks for."""

    def __init__(self, tier: str) -> None:
        self.extended_config = {"UserPoolTier": tier}


def stored(pool: Any) -> list[dict[str, Any]]:
    return copy.deepcopy(getattr(pool, _STORE, []))


def _set(response: Any) -> ActionResult:
    params = response.parameters
    pool = response.backend.describe_user_pool(params.get("UserPoolId"))
    configurations = list(params.get("LogConfigurations") or [])
    check_pairs(configurations)
    check_log_tier(pool, configurations)
    setattr(pool, _STORE, copy.deepcopy(configurations))
    return ActionResult({"LogDeliveryConfiguration": {"UserPoolId": pool.id,
                                                      "LogConfigurations": stored(pool)}})


def _get(response: Any) -> ActionResult:
    pool = response.backend.describe_user_pool(response.parameters.get("UserPoolId"))
    return ActionResult({"LogDeliveryConfiguration": {"UserPoolId": pool.id,
                                                      "LogConfigurations": stored(pool)}})


PATCHES: Final = (
    addition(CognitoIdpResponse, "set_log_delivery_configuration", _set),
    addition(CognitoIdpResponse, "get_log_delivery_configuration", _get),
)
