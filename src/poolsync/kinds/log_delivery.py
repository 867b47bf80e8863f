"""Log delivery: where a user pool sends its logs (SetLogDeliveryConfiguration,
GetLogDeliveryConfiguration; one configuration per pool).

The file writes ``log_delivery`` as a map keyed by the API's ``EventSource``
(``userNotification``, ``userAuthEvents``), each value a ``LogConfigurationType``
without its ``EventSource``::

    log_delivery:
      userNotification:
        LogLevel: ERROR
        CloudWatchLogsConfiguration: {LogGroupArn: arn:aws:logs:...:log-group:/aws/vendedlogs/x}

SetLogDeliveryConfiguration replaces the whole list with what it is sent (botocore
SetLogDeliveryConfigurationRequest: ``LogConfigurations`` is required; an empty list is
how terraform-provider-aws log_delivery_configuration.go deletes): every request is the
whole list. An event source the file does not list is kept, resent as it is live
(ownership, as for a client the file does not list), and removed only with ``prune``.

Quota categories: UserPoolRead and UserPoolUpdate (inferred from the quotas page's
category descriptions: a read and a write of pool configuration; UNVERIFIED, no public
list names these operations).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from typing import Any

from poolsync.diff import creation_changes, field_changes
from poolsync.kinds.base import ExportContext, Kind, PlanContext
from poolsync.kinds.common import map_schema, ref, written_entries
from poolsync.model import Action, ApiCall, ObjectPlan, Problem

KEY = "log_delivery"
SOURCES = ("userNotification", "userAuthEvents")
DESTINATIONS = ("CloudWatchLogsConfiguration", "S3Configuration", "FirehoseConfiguration")
# What a pool below the PLUS tier cannot send (botocore LogConfigurationType.LogLevel and
# EventSource: userAuthEvents is "threat-protection user activity in user pools with the
# Plus feature plan"; S3Configuration and FirehoseConfiguration are destinations of "user
# activity log export with threat protection"); SetLogDeliveryConfiguration lists
# FeatureUnavailableInTierException.
PLUS_ONLY_SOURCES = frozenset({"userAuthEvents"})
PLUS_ONLY_DESTINATIONS = frozenset({"S3Configuration", "FirehoseConfiguration"})


def by_event_source(configurations: Any) -> dict[str, dict[str, Any]]:
    """The API's list keyed by EventSource (the list holds at most one configuration
    per source: two sources, at most 2 items, botocore LogConfigurationListType)."""
    out: dict[str, dict[str, Any]] = {}
    for item in configurations or []:
        if isinstance(item, Mapping) and isinstance(item.get("EventSource"), str):
            out[item["EventSource"]] = {k: copy.deepcopy(v) for k, v in item.items()
                                        if k != "EventSource"}
    return out


def as_request_list(by_source: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Back to the API's list, in a stable order (the order of SOURCES)."""
    order = {s: i for i, s in enumerate(SOURCES)}
    return [{"EventSource": source, **copy.deepcopy(dict(config))}
            for source, config in sorted(by_source.items(), key=lambda kv: order.get(kv[0], 9))]


def read(cognito: Any, described: Mapping[str, Any], written: Any,
         client_ids: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """One GetLogDeliveryConfiguration. A pool that never had one answers
    ResourceNotFoundException (terraform-provider-aws log_delivery_configuration.go
    treats it as "none"), or an empty list: both are no log delivery."""
    found = cognito.read("GetLogDeliveryConfiguration", {"UserPoolId": described["Id"]},
                         absent=frozenset({"ResourceNotFoundException"}))
    configuration = (found or {}).get("LogDeliveryConfiguration") or {}
    return by_event_source(configuration.get("LogConfigurations"))


def plan(ctx: PlanContext) -> list[ObjectPlan]:
    """One object, ``POOL/log_delivery``: the whole list in one SetLogDeliveryConfiguration."""
    address = f"{ctx.pool}/{KEY}"
    written = {k: dict(v) for k, v in dict(ctx.written).items() if isinstance(v, Mapping)}
    live: dict[str, dict[str, Any]] = dict(ctx.found or {})
    unlisted = sorted(set(live) - set(written))
    desired = _desired(ctx)
    call = ApiCall("SetLogDeliveryConfiguration",
                   {"UserPoolId": ctx.pool_id, "LogConfigurations": as_request_list(desired)})
    refusal = tier_refusal(ctx, desired)
    if not live:
        if not desired:
            return [ObjectPlan(address, "log_delivery", Action.NOOP)]
        if refusal:
            return [ObjectPlan(address, "log_delivery", Action.CANNOT_APPLY, refusal,
                               creation_changes(desired), where=(KEY,))]
        return [ObjectPlan(address, "log_delivery", Action.CREATE,
                           "new log delivery (SetLogDeliveryConfiguration)",
                           creation_changes(desired), (call,))]
    changes = field_changes(live, desired, written)
    notes = tuple(kept_note(source) for source in unlisted if not ctx.prune)
    # Each event source the file does not list shows as unmanaged, as a client the file
    # does not list does (kinds.planner): kept, resent, deleted only with prune.
    kept = [ObjectPlan(f"{address}/{source}", "log_delivery", Action.NOOP,
                       "this event source is not in the file; kept (resent with the list; "
                       "prune: true or --prune removes it)", unmanaged=True)
            for source in unlisted if not ctx.prune]
    if refusal and (changes or _lowers_tier(ctx)):
        # Also with nothing to change here: the pool's update lowers the tier beneath
        # logs the pool keeps sending, which UpdateUserPool refuses.
        return [ObjectPlan(address, "log_delivery", Action.CANNOT_APPLY, refusal, changes,
                           where=(KEY,)), *kept]
    if not changes:
        return [ObjectPlan(address, "log_delivery", Action.NOOP, notes=notes), *kept]
    if not desired:
        return [ObjectPlan(address, "log_delivery", Action.DELETE,
                           "no log delivery left (SetLogDeliveryConfiguration with an empty "
                           "list)", changes, (call,))]
    return [ObjectPlan(address, "log_delivery", Action.UPDATE,
                       "in place with SetLogDeliveryConfiguration, the whole list (it "
                       "replaces what it is not sent)",
                       changes, (call,), notes), *kept]


def _lowers_tier(ctx: PlanContext) -> bool:
    """The file sets a tier other than the live pool's."""
    written = ctx.settings.get("UserPoolTier")
    return written is not None and written != ctx.described.get("UserPoolTier")


def stops_plus_logs(ctx: PlanContext) -> bool:
    """Whether this plan stops the PLUS-only logs the pool sends: then it goes before
    the pool's update, which may lower the tier (UpdateUserPool refuses a tier beneath
    a feature still on: terraform-provider-aws PR #40734)."""
    desired = _desired(ctx)
    return bool(plus_features(ctx.found or {})) and not plus_features(desired)


def _desired(ctx: PlanContext) -> dict[str, dict[str, Any]]:
    written = {k: dict(v) for k, v in dict(ctx.written).items() if isinstance(v, Mapping)}
    live: dict[str, dict[str, Any]] = dict(ctx.found or {})
    kept = {} if ctx.prune else {s: live[s] for s in sorted(set(live) - set(written))}
    return {**kept, **written}


def kept_note(source: str) -> str:
    return (f"{source} is live and not in the file: kept (resent with the list, which "
            "SetLogDeliveryConfiguration replaces whole); prune removes it.")


def tier_refusal(ctx: PlanContext, desired: Mapping[str, Mapping[str, Any]]) -> str:
    """FeatureUnavailableInTierException, found at plan time: what needs PLUS on a pool
    whose tier after apply (the file's, else the live pool's, else ESSENTIALS for a new
    pool: botocore CreateUserPoolRequest.UserPoolTier) is lower."""
    tier = ctx.settings.get("UserPoolTier") or ctx.described.get("UserPoolTier")
    if tier is None and ctx.new_pool:
        tier = "ESSENTIALS"
    if tier in (None, "PLUS"):
        return ""
    needs = plus_features(desired)
    if not needs:
        return ""
    return (f"{' and '.join(needs)} need UserPoolTier PLUS (the pool's is {tier}): Cognito "
            "refuses it with FeatureUnavailableInTierException; stop them (remove them "
            "from the file with prune) or keep the tier")


def plus_features(desired: Mapping[str, Mapping[str, Any]]) -> list[str]:
    found = [f"{source} logs" for source in sorted(PLUS_ONLY_SOURCES & set(desired))]
    found += [f"{destination} ({source})" for source, config in sorted(desired.items())
              for destination in sorted(PLUS_ONLY_DESTINATIONS & set(config))]
    return found


def export(found: Any, ctx: ExportContext) -> dict[str, Any] | None:
    """The live configurations keyed by EventSource; nothing when there are none."""
    return {k: copy.deepcopy(v) for k, v in sorted((found or {}).items())} or None


# --------------------------------------------------------------------------- rules


def log_configuration_pairs(pool: Any) -> Iterator[Problem]:
    """What SetLogDeliveryConfiguration takes, by event source (botocore
    LogConfigurationType.LogLevel: "To send userNotification activity ... choose ERROR
    with CloudWatchLogsConfiguration. To send userAuthEvents activity ... choose INFO
    with one of CloudWatchLogsConfiguration, FirehoseConfiguration, or
    S3Configuration"), and one destination per configuration."""
    for source, config in written_entries(pool, KEY):
        at = pool.at(KEY, source)
        destinations = [d for d in DESTINATIONS if d in config]
        if source == "userNotification":
            if config.get("LogLevel", "ERROR") != "ERROR":
                yield Problem("userNotification logs are sent at LogLevel ERROR only",
                              (*at, "LogLevel"))
            if destinations and destinations != ["CloudWatchLogsConfiguration"]:
                yield Problem("userNotification logs go to a CloudWatchLogsConfiguration "
                              "only (not S3 or Firehose)", at)
        if source == "userAuthEvents" and config.get("LogLevel", "INFO") != "INFO":
            yield Problem("userAuthEvents logs are sent at LogLevel INFO only",
                          (*at, "LogLevel"))
        if not destinations:
            yield Problem("give one destination: CloudWatchLogsConfiguration, "
                          "S3Configuration or FirehoseConfiguration", at)
        elif len(destinations) > 1:
            yield Problem(f"give one destination, not {len(destinations)} "
                          f"({', '.join(destinations)})", at)


def log_delivery_tier(pool: Any) -> Iterator[Problem]:
    """Threat-protection logs need the PLUS tier (``plus_features``), decided offline
    when the file writes the tier; otherwise at plan time against the live pool."""
    tier = pool.settings.get("UserPoolTier") if isinstance(pool.settings, Mapping) else None
    if not isinstance(tier, str) or tier == "PLUS":
        return
    desired = dict(written_entries(pool, KEY))
    for what in plus_features(desired):
        yield Problem(f"{what} needs UserPoolTier PLUS (the file sets {tier}): set "
                      "UserPoolTier: PLUS", pool.at(KEY))


def schema(conv: Any) -> dict[str, Any]:
    """EventSource -> LogConfigurationType members but EventSource (the key)."""
    shape = conv.model.shape_for("LogConfigurationType")
    item = conv.structure(shape, exclude=frozenset({"EventSource"}))
    item["description"] = "LogConfigurationType members, minus EventSource (the key)."
    conv.defs["poolsync.LogConfiguration"] = item
    return map_schema(conv, "EventSource -> where SetLogDeliveryConfiguration sends its logs.",
                      ref("poolsync.LogConfiguration"), names="EventSourceName")


KIND = Kind(
    prunes=True, key=KEY, kind="log_delivery", read=read, plan=plan, export=export,
    reads=("GetLogDeliveryConfiguration",), writes=("SetLogDeliveryConfiguration",),
    category={"GetLogDeliveryConfiguration": "UserPoolRead",
              "SetLogDeliveryConfiguration": "UserPoolUpdate"},
    rules=(log_configuration_pairs, log_delivery_tier), schema=schema,
    first=stops_plus_logs,
)
