"""Threat protection: a user pool's risk configuration (SetRiskConfiguration,
DescribeRiskConfiguration), pool-wide and per app client.

The file writes ``risk_configuration`` as a map keyed by app client name, ``ALL``
meaning the pool-wide configuration (SetRiskConfiguration without ClientId); each value
holds SetRiskConfiguration's members but UserPoolId and ClientId::

    risk_configuration:
      ALL:
        CompromisedCredentialsRiskConfiguration: {Actions: {EventAction: BLOCK}}
      web:
        AccountTakeoverRiskConfiguration:
          Actions: {HighAction: {EventAction: BLOCK, Notify: false}}

SetRiskConfiguration replaces the whole configuration it names: "To set the risk
configuration for the user pool to defaults, send this request with only the
UserPoolId parameter. To reset the threat protection settings of an app client to be
inherited from the user pool, send UserPoolId and ClientId parameters only" (botocore
SetRiskConfiguration; terraform-provider-aws risk_configuration.go deletes that way).
So every request is the blocks the file writes plus the live blocks it does not write,
resent as they are (ownership: never reset what the user did not write). A block the
file writes is sent as written: a member left out of it is Cognito's default.

A client's own configuration is used for that client instead of the pool-wide one
(botocore RiskConfigurationType.ClientId: without it, "the risk configuration applies
to all user pool app clients that don't have client-level settings"). Whether a client
configuration that leaves a block out inherits that block from the pool is
UNVERIFIED; poolsync compares each configuration on its own.

A live configuration the file does not list (a client's own, or the pool-wide one) is
kept, shown as unmanaged, and reset only with ``prune`` (the ids-only request).

Threat protection needs ``UserPoolAddOns.AdvancedSecurityMode`` AUDIT or ENFORCED and
the PLUS tier (botocore SetRiskConfiguration: "your user pool must be on the Plus
tier"; UserPoolAddOnNotEnabledException in both operations' error lists). The pool's
own update is planned and applied before this kind (it comes late in ``kinds.all_kinds()``), so
one file may turn threat protection on and configure it.

Quota categories: UserPoolRead and UserPoolUpdate (inferred from the quotas page's
category descriptions; UNVERIFIED, no public list names these operations).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from typing import Any

from poolsync.diff import creation_changes, field_changes
from poolsync.kinds.base import CLIENT_ID_PREFIX, ExportContext, Kind, PlanContext
from poolsync.kinds.common import map_schema, ref
from poolsync.model import Action, ApiCall, ObjectPlan, Problem

KEY = "risk_configuration"
OBJECT_KIND = "risk_configuration"
POOL_WIDE = "ALL"
# SetRiskConfigurationRequest's members but UserPoolId and ClientId (botocore).
BLOCKS = ("CompromisedCredentialsRiskConfiguration", "AccountTakeoverRiskConfiguration",
          "RiskExceptionConfiguration")
# botocore EventFilterType, in the model's order.
EVENT_FILTERS = ("SIGN_IN", "PASSWORD_CHANGE", "SIGN_UP")
IP_LISTS = ("BlockedIPRangeList", "SkippedIPRangeList")
# botocore AdvancedSecurityModeType: OFF, AUDIT, ENFORCED.
THREAT_PROTECTION_ON = frozenset({"AUDIT", "ENFORCED"})
# What DescribeRiskConfiguration answers when threat protection is off (its error list).
ADD_ON_OFF = "UserPoolAddOnNotEnabledException"


# --------------------------------------------------------------------------- read


def threat_protection_on(described: Mapping[str, Any]) -> bool:
    """Whether the live pool's ``UserPoolAddOns.AdvancedSecurityMode`` is AUDIT or
    ENFORCED (DescribeUserPool). With it OFF or absent no risk configuration can be read
    (UserPoolAddOnNotEnabledException, botocore DescribeRiskConfiguration), so none is
    asked for."""
    addons = described.get("UserPoolAddOns")
    return isinstance(addons, Mapping) and addons.get("AdvancedSecurityMode") in THREAT_PROTECTION_ON


def read(cognito: Any, described: Mapping[str, Any], written: Any,
         client_ids: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """The live configurations by ``ALL`` and client id: one DescribeRiskConfiguration
    for the pool-wide one and one per live app client (a client's own configuration is
    visible only through its own request; one the file does not list is unmanaged and
    prune resets it, so every client is read). None when threat protection is off.
    A configuration that does not exist is left out."""
    if not threat_protection_on(described):
        return {}
    pool_id = str(described["Id"])
    found: dict[str, dict[str, Any]] = {}
    pool_wide = _describe(cognito, pool_id, None)
    if pool_wide is not None:
        found[POOL_WIDE] = pool_wide
    for client_id in sorted(client_ids.values()):
        own = _describe(cognito, pool_id, client_id)
        if own is not None:
            found[client_id] = own
    return found


def _describe(cognito: Any, pool_id: str, client_id: str | None) -> dict[str, Any] | None:
    params = {"UserPoolId": pool_id, **({"ClientId": client_id} if client_id else {})}
    answer = cognito.read("DescribeRiskConfiguration", params, absent=frozenset({ADD_ON_OFF}))
    configuration = (answer or {}).get("RiskConfiguration") or {}
    if client_id is not None and inherits_from_the_pool(configuration, client_id):
        return None
    return blocks_of(configuration) or None


def inherits_from_the_pool(configuration: Mapping[str, Any], client_id: str) -> bool:
    """DescribeRiskConfiguration for a client without its own configuration answers the
    pool's: the answer's ClientId is then not the client's (botocore
    RiskConfigurationType.ClientId: "When this parameter isn't present, the risk
    configuration applies to all user pool app clients that don't have client-level
    settings"). Whether Cognito then leaves ClientId out or says ``ALL`` is UNVERIFIED:
    anything but the client's own id means inherited."""
    return configuration.get("ClientId") != client_id


def blocks_of(configuration: Mapping[str, Any]) -> dict[str, Any]:
    """The configuration's blocks (``BLOCKS``), without what only a response holds
    (UserPoolId, ClientId, LastModifiedDate: botocore RiskConfigurationType). A
    configuration with none of them is none: what an ids-only SetRiskConfiguration
    leaves (the pool's "defaults"; which blocks, if any, Cognito then reports is
    UNVERIFIED)."""
    return {b: copy.deepcopy(configuration[b]) for b in BLOCKS
            if isinstance(configuration.get(b), Mapping)}


# --------------------------------------------------------------------------- canonical


def canonical(blocks: Mapping[str, Any]) -> dict[str, Any]:
    """Either side, built from the named quirks below."""
    out = {b: copy.deepcopy(dict(blocks[b])) for b in BLOCKS if isinstance(blocks.get(b), Mapping)}
    event_filter_defaults_to_all_events(out)
    ip_ranges_as_sets(out)
    return out


def event_filter_defaults_to_all_events(blocks: dict[str, Any]) -> None:
    """CompromisedCredentialsRiskConfiguration.EventFilter "Defaults to all events"
    (botocore CompromisedCredentialsRiskConfigurationType; terraform-provider-aws
    risk_configuration.go declares ``event_filter`` Computed): a block without it is
    compared as all three, and the filter compares as a set."""
    block = blocks.get("CompromisedCredentialsRiskConfiguration")
    if not isinstance(block, dict):
        return
    written = block.get("EventFilter")
    events = set(written) if isinstance(written, list) and written else set(EVENT_FILTERS)
    order = {e: i for i, e in enumerate(EVENT_FILTERS)}
    block["EventFilter"] = sorted(events, key=lambda e: (order.get(e, 9), str(e)))


def ip_ranges_as_sets(blocks: dict[str, Any]) -> None:
    """RiskExceptionConfiguration's IP range lists are sets of CIDR blocks
    (terraform-provider-aws risk_configuration.go: ``blocked_ip_range_list`` and
    ``skipped_ip_range_list`` are TypeSet): order and repeats mean nothing, and an empty
    list is no list."""
    block = blocks.get("RiskExceptionConfiguration")
    if not isinstance(block, dict):
        return
    for name in IP_LISTS:
        ranges = block.get(name)
        if isinstance(ranges, list) and ranges:
            block[name] = sorted(set(ranges), key=str)
        else:
            block.pop(name, None)


# --------------------------------------------------------------------------- plan


def plan(ctx: PlanContext) -> list[ObjectPlan]:
    """One object per entry, ``POOL/risk_configuration/ALL`` and ``.../CLIENT``: the
    pool-wide one first, then the clients as the file lists them, then the live ones it
    does not list (unmanaged, reset with prune)."""
    written = {str(k): v for k, v in dict(ctx.written).items() if isinstance(v, Mapping)}
    found: Mapping[str, Any] = ctx.found or {}
    refusal = threat_protection_refusal(ctx)
    order = sorted(written, key=lambda k: k != POOL_WIDE)
    objects = [_plan_entry(ctx, name, written[name], found, refusal) for name in order]
    objects += [o for o in (_unlisted(ctx, name, found, refusal)
                            for name in _live_unlisted(ctx, written, found)) if o]
    return objects


def _plan_entry(ctx: PlanContext, name: str, written: Mapping[str, Any],
                found: Mapping[str, Any], refusal: str) -> ObjectPlan:
    address = f"{ctx.pool}/{KEY}/{name}"
    client_id: str | None = None
    if name != POOL_WIDE:
        client_id = ctx.clients.get(name)
        if client_id is None:
            return ObjectPlan(address, OBJECT_KIND, Action.CANNOT_APPLY, _unknown_client(ctx, name),
                              where=(KEY, name))
    reported = found.get(client_id or POOL_WIDE) or {}
    live = canonical(reported)
    desired = canonical({**reported, **written})
    call = set_call(ctx.pool_id, client_id, {**blocks_of(reported), **written})
    if not live:
        if not desired:
            return ObjectPlan(address, OBJECT_KIND, Action.NOOP)
        changes = creation_changes(desired)
        if refusal:
            return ObjectPlan(address, OBJECT_KIND, Action.CANNOT_APPLY, refusal, changes,
                              where=(KEY, name))
        return ObjectPlan(address, OBJECT_KIND, Action.CREATE, _created_reason(client_id),
                          changes, (call,))
    changes = field_changes(live, desired, written)
    kept = tuple(resent_note(b) for b in BLOCKS if b in live and b not in written)
    if not changes:
        return ObjectPlan(address, OBJECT_KIND, Action.NOOP, notes=kept)
    if refusal:
        return ObjectPlan(address, OBJECT_KIND, Action.CANNOT_APPLY, refusal, changes,
                          where=(KEY, name))
    return ObjectPlan(address, OBJECT_KIND, Action.UPDATE,
                      "in place with SetRiskConfiguration, the whole configuration (it replaces "
                      "what it is not sent)",
                      changes, (call,), kept)


def _created_reason(client_id: str | None) -> str:
    if client_id is None:
        return "new pool-wide risk configuration (SetRiskConfiguration)"
    if client_id.startswith(CLIENT_ID_PREFIX):
        return ("new risk configuration of an app client this run creates "
                "(SetRiskConfiguration after the client)")
    return ("the client has no risk configuration of its own (it inherits the pool's): "
            "SetRiskConfiguration gives it one")


def _unknown_client(ctx: PlanContext, name: str) -> str:
    if name in ctx.client_actions:  # listed, and this run deletes it
        return (f"app client {name!r} is deleted by this plan: it cannot have a risk "
                "configuration")
    return (f"names app client {name!r}, which neither the file defines nor the pool has "
            f"(write its name under clients, or use {POOL_WIDE} for the pool-wide "
            "configuration)")


def _live_unlisted(ctx: PlanContext, written: Mapping[str, Any],
                   found: Mapping[str, Any]) -> list[str]:
    """The entries with a live configuration that the file does not list, by name (a
    client this run deletes or re-creates takes its configuration with it)."""
    names = [POOL_WIDE] if POOL_WIDE in found and POOL_WIDE not in written else []
    names += sorted(name for name, client_id in ctx.clients.items()
                    if name not in written and name != POOL_WIDE and client_id in found)
    return names


def _unlisted(ctx: PlanContext, name: str, found: Mapping[str, Any],
              refusal: str) -> ObjectPlan | None:
    address = f"{ctx.pool}/{KEY}/{name}"
    client_id = None if name == POOL_WIDE else ctx.clients[name]
    live = canonical(found[client_id or POOL_WIDE])
    if not live:
        return None
    if not ctx.prune:
        what = ("the pool-wide risk configuration" if client_id is None
                else "this client's own risk configuration")
        return ObjectPlan(address, OBJECT_KIND, Action.NOOP,
                          f"{what} is not in the file; kept (prune: true or --prune "
                          "resets it)", unmanaged=True)
    changes = field_changes(live, {}, {})
    if refusal:
        return ObjectPlan(address, OBJECT_KIND, Action.CANNOT_APPLY, refusal, changes,
                          where=(KEY,), unmanaged=True)
    reason = ("not in the file, and prune is on: reset to Cognito's defaults "
              "(SetRiskConfiguration with UserPoolId only)" if client_id is None else
              "not in the file, and prune is on: the client inherits the pool-wide "
              "configuration again (SetRiskConfiguration with UserPoolId and ClientId only)")
    return ObjectPlan(address, OBJECT_KIND, Action.DELETE, reason, changes,
                      (set_call(ctx.pool_id, client_id, {}),))


def set_call(pool_id: str, client_id: str | None, blocks: Mapping[str, Any]) -> ApiCall:
    """SetRiskConfiguration for the pool (``client_id`` None) or one client, with
    ``blocks`` whole (as the file writes them, or as Cognito reported those it does not
    write); no blocks resets (the ids-only request)."""
    params: dict[str, Any] = {"UserPoolId": pool_id}
    if client_id is not None:
        params["ClientId"] = client_id
    params.update({b: copy.deepcopy(blocks[b]) for b in BLOCKS if b in blocks})
    return ApiCall("SetRiskConfiguration", params)


def resent_note(block: str) -> str:
    return (f"{block} is live and not in the file: kept (resent, because "
            "SetRiskConfiguration replaces the whole configuration)")


def threat_protection_refusal(ctx: PlanContext) -> str:
    """Why Cognito would refuse every SetRiskConfiguration of this pool after apply
    (UserPoolAddOnNotEnabledException), or "". The state after apply is the file's
    settings, else the live pool's (DescribeUserPool), else a new pool's defaults:
    AdvancedSecurityMode OFF (botocore UserPoolAddOnsType; settings.SETTINGS_DEFAULTS)
    and UserPoolTier ESSENTIALS (botocore CreateUserPoolRequest.UserPoolTier). A live
    pool that reports no tier (from before feature plans) is not refused on it."""
    mode, tier = state_after_apply(ctx)
    why = []
    if mode not in THREAT_PROTECTION_ON:
        why.append(f"threat protection is off (AdvancedSecurityMode {mode}): set "
                   "settings.UserPoolAddOns.AdvancedSecurityMode to AUDIT or ENFORCED")
    if tier is not None and tier != "PLUS":
        why.append(f"threat protection needs UserPoolTier PLUS (the pool's is {tier}): set "
                   "settings.UserPoolTier: PLUS")
    if not why:
        return ""
    return ("; ".join(why) + ". Cognito refuses SetRiskConfiguration with "
            f"{ADD_ON_OFF}")


def state_after_apply(ctx: PlanContext) -> tuple[str, str | None]:
    """(AdvancedSecurityMode, UserPoolTier) once the pool's own update is applied."""
    addons = (ctx.settings.get("UserPoolAddOns") if "UserPoolAddOns" in ctx.settings
              else ctx.described.get("UserPoolAddOns"))
    mode = addons.get("AdvancedSecurityMode") if isinstance(addons, Mapping) else None
    tier = ctx.settings.get("UserPoolTier") or ctx.described.get("UserPoolTier")
    if tier is None and ctx.new_pool:
        tier = "ESSENTIALS"
    return str(mode or "OFF"), (str(tier) if tier is not None else None)


# --------------------------------------------------------------------------- export


def export(found: Any, ctx: ExportContext) -> dict[str, Any] | None:
    """The live configurations: the pool-wide one as ``ALL``, each client's own by the
    client's name; nothing when there are none."""
    names = ctx.client_names()
    out: dict[str, Any] = {}
    for key, blocks in (found or {}).items():
        name = POOL_WIDE if key == POOL_WIDE else names.get(key)
        if name is not None and blocks:
            out[name] = copy.deepcopy(blocks)
    return {k: out[k] for k in sorted(out, key=lambda k: (k != POOL_WIDE, k))} or None


# --------------------------------------------------------------------------- rules


def risk_configuration_needs_threat_protection(pool: Any) -> Iterator[Problem]:
    """A risk configuration needs AdvancedSecurityMode AUDIT or ENFORCED and the PLUS
    tier (botocore SetRiskConfiguration; UserPoolAddOnNotEnabledException). Decided
    offline where the file writes them; otherwise at plan time against the live pool
    (``threat_protection_refusal``)."""
    if not any(_entries(pool)):
        return
    settings = pool.settings if isinstance(pool.settings, Mapping) else {}
    addons = settings.get("UserPoolAddOns")
    if isinstance(addons, Mapping):
        mode = addons.get("AdvancedSecurityMode")
        if isinstance(mode, str) and not _unknown(mode) and mode not in THREAT_PROTECTION_ON:
            yield Problem(f"a risk configuration needs threat protection on (the file sets "
                          f"AdvancedSecurityMode {mode}): set settings.UserPoolAddOns."
                          "AdvancedSecurityMode to AUDIT or ENFORCED", pool.at(KEY))
    tier = settings.get("UserPoolTier")
    if isinstance(tier, str) and not _unknown(tier) and tier != "PLUS":
        yield Problem(f"a risk configuration needs UserPoolTier PLUS (the file sets {tier}): "
                      "set UserPoolTier: PLUS", pool.at(KEY))


def risk_configuration_names_a_client(pool: Any) -> Iterator[Problem]:
    """A key other than ``ALL`` names an app client. Offline this is proven only where
    the file alone decides which clients the pool keeps: it lists ``clients`` and says
    ``prune: true`` (as rules.client_names_what_the_file_does_not_define does); the
    planner checks the rest against the live pool."""
    value = pool.parts.get(KEY)
    if not isinstance(value, Mapping) or not pool.prune:
        return
    clients = pool.clients if isinstance(pool.clients, Mapping) else {}
    if not clients:
        return
    for name in value:
        if name != POOL_WIDE and name not in clients:
            yield Problem(f"names app client {name!r}, which is not defined in this file, "
                          "and prune: true removes every other client from the pool (use "
                          f"{POOL_WIDE} for the pool-wide configuration)", pool.at(KEY, name))


def _unknown(value: str) -> bool:
    """A ``${env:...}`` reference: its value is unknown offline (as in rules.py)."""
    return "${" in value


def _entries(pool: Any) -> Iterator[bool]:
    """For each entry written: whether it writes a block."""
    value = pool.parts.get(KEY)
    if isinstance(value, Mapping):
        for entry in value.values():
            yield isinstance(entry, Mapping) and any(b in entry for b in BLOCKS)


def schema(conv: Any) -> dict[str, Any]:
    """Client name (or ALL) -> SetRiskConfigurationRequest members but UserPoolId and
    ClientId."""
    shape = conv.model.shape_for("SetRiskConfigurationRequest")
    item = conv.structure(shape, exclude=frozenset({"UserPoolId", "ClientId"}))
    item["description"] = ("SetRiskConfiguration members, minus UserPoolId and ClientId "
                           "(the key). Blocks left out are kept as they are live.")
    conv.defs["poolsync.RiskConfiguration"] = item
    return map_schema(conv, "App client name (or ALL: the pool-wide configuration) -> its "
                            "threat protection risk configuration (SetRiskConfiguration).",
                      ref("poolsync.RiskConfiguration"))


KIND = Kind(
    prunes=True, key=KEY, kind=OBJECT_KIND, read=read, plan=plan, export=export,
    reads=("DescribeRiskConfiguration",), writes=("SetRiskConfiguration",),
    category={"DescribeRiskConfiguration": "UserPoolRead",
              "SetRiskConfiguration": "UserPoolUpdate"},
    needs_clients=True, per_client=True,
    rules=(risk_configuration_needs_threat_protection, risk_configuration_names_a_client),
    schema=schema,
)
