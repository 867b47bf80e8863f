"""Managed login branding: the style of an app client's managed login pages
(CreateManagedLoginBranding, UpdateManagedLoginBranding, DeleteManagedLoginBranding,
DescribeManagedLoginBrandingByClient; one style per app client).

The file writes ``managed_login_branding`` as a map keyed by client name::

    managed_login_branding:
      web:
        Settings:                  # the JSON document, written as a mapping
          categories: {global: {colorSchemeMode: DARK}}
        Assets:
          - {Category: PAGE_HEADER_LOGO, ColorMode: LIGHT, Extension: PNG, File: logo.png}
      admin: {UseCognitoProvidedValues: true}
      legacy: null                 # no style for this client: deleted if there is one

``File`` is read next to the YAML file that writes it (``PoolConfig.locate``) and stands
for the API's ``Bytes``; an image is compared by the SHA-256 of its content and never
printed. ``Settings`` is compared as data. A member the file leaves out is not managed
(``UseCognitoProvidedValues`` is then true when neither Settings nor Assets is written,
as CreateManagedLoginBranding's "To create a new style with default settings" says, and
false otherwise). Written ``Settings`` and ``Assets`` are owned whole: a key or an
asset the live style has and the file does not is a difference.

Reads: one DescribeManagedLoginBrandingByClient per client the file names (a style of a
client the file does not name is never read, so ``prune`` cannot reach it: write
``CLIENT: null`` to delete one). Quota categories UserPoolResourceRead and
UserPoolResourceUpdate (inferred from the quotas page's category descriptions, as for
the other sub-resources; UNVERIFIED, no public list names these operations).
DescribeManagedLoginBranding (by id) is never needed.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Any

from poolsync.diff import creation_changes, field_changes
from poolsync.kinds.base import ExportContext, Kind, PlanContext
from poolsync.kinds.common import (
    beside_yaml,
    content_digest,
    map_schema,
    record_tag_key,
    ref,
    tag_call,
    written_entries,
)
from poolsync.model import (
    NOT_REPORTED,
    Action,
    ApiCall,
    ObjectPlan,
    Problem,
    as_given,
)
from poolsync.model import Path as ConfigPath

KEY = "managed_login_branding"
OBJECT_KIND = "managed_login_branding"
ABSENT = frozenset({"ResourceNotFoundException"})
UCPV = "UseCognitoProvidedValues"
ASSET_MEMBERS = ("Category", "ColorMode", "Extension", "ResourceId")
# botocore AssetBytesType: a blob of at most 1,000,000 bytes.
ASSET_MAX_BYTES = 1_000_000
# "This operation has a 2-megabyte request-size limit" (botocore CreateManagedLoginBranding
# and UpdateManagedLoginBranding): counted here in decimal megabytes, the smaller reading
# (UNVERIFIED which one Cognito means), with the blobs as the base64 the JSON body holds.
REQUEST_LIMIT = 2_000_000
# The pool tag that records the assets poolsync last sent a client's style, for a
# Describe that answers without their Bytes (``recorded_contents``).
TAG_PREFIX = "poolsync:branding:"


# --------------------------------------------------------------------------- reading


def read(cognito: Any, described: Mapping[str, Any], written: Any,
         client_ids: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """Client name -> its style (ManagedLoginBrandingType, with the ClientId it was read
    for): one DescribeManagedLoginBrandingByClient per client the file names that is live
    (``written`` None: every live client, for export). ``ReturnMergedResources`` false:
    only what was customised, as the file writes it (botocore
    DescribeManagedLoginBrandingByClientRequest). ResourceNotFoundException is a client
    without a style (terraform-provider-aws managed_login_branding.go)."""
    names = sorted(client_ids) if written is None else sorted(
        str(n) for n in (written or {}) if str(n) in client_ids)
    found: dict[str, dict[str, Any]] = {}
    for name in names:
        answer = cognito.read("DescribeManagedLoginBrandingByClient",
                              {"UserPoolId": described["Id"], "ClientId": client_ids[name],
                               "ReturnMergedResources": False}, absent=ABSENT)
        style = (answer or {}).get("ManagedLoginBranding")
        if isinstance(style, Mapping):
            found[name] = {**style, "ClientId": client_ids[name]}
    return found


# --------------------------------------------------------------------------- canonical


def asset_key(asset: Mapping[str, Any]) -> str:
    """An asset's slot: its Category and ColorMode (and ResourceId, when it has one).
    An update replaces the asset of the same slot and adds any other
    (terraform-provider-aws managed_login_branding.go, the asset block's comment)."""
    parts = [str(asset.get("Category")), str(asset.get("ColorMode"))]
    if asset.get("ResourceId"):
        parts.append(str(asset["ResourceId"]))
    return "/".join(parts)


def asset_view(asset: Mapping[str, Any]) -> dict[str, Any]:
    """One asset as compared: its Extension and the digest of its content;
    NOT_REPORTED when Describe did not return the Bytes (``recorded_contents``)."""
    data = asset.get("Bytes")
    return {"Extension": asset.get("Extension"),
            "Content": content_digest(bytes(data)) if data is not None else NOT_REPORTED}


def live_view(style: Mapping[str, Any]) -> dict[str, Any]:
    """The live style as compared: UseCognitoProvidedValues, Settings ({} when Cognito
    sends none: nothing customised), Assets by slot."""
    settings = style.get("Settings")
    return {
        UCPV: bool(style.get(UCPV)),
        "Settings": copy.deepcopy(dict(settings)) if isinstance(settings, Mapping) else {},
        "Assets": {asset_key(a): asset_view(a) for a in style.get("Assets") or []},
    }


def cognito_values_by_default(entry: Mapping[str, Any]) -> bool:
    """UseCognitoProvidedValues when the file leaves it out: true for a style that
    customises nothing ("To create a new style with default settings, set
    UseCognitoProvidedValues to true and don't provide values for any other options",
    botocore CreateManagedLoginBranding), false when Settings or Assets are written (they
    cannot go with true)."""
    return "Settings" not in entry and "Assets" not in entry


def desired_view(entry: Mapping[str, Any], assets: Sequence[Mapping[str, Any]]
                 ) -> dict[str, Any]:
    """What the file asks for, as compared: only what it writes (and
    UseCognitoProvidedValues, defaulted by ``cognito_values_by_default``)."""
    out: dict[str, Any] = {UCPV: bool(entry.get(UCPV, cognito_values_by_default(entry)))}
    if "Settings" in entry:
        out["Settings"] = copy.deepcopy(dict(entry.get("Settings") or {}))
    if "Assets" in entry:
        out["Assets"] = {asset_key(a): asset_view(a) for a in assets}
    return out


def assets_digest(assets: Mapping[str, Mapping[str, Any]]) -> str:
    """One digest of a style's assets as compared (slot, extension and content)."""
    text = json.dumps({k: dict(v) for k, v in assets.items()}, sort_keys=True, default=str)
    return content_digest(text.encode())


def tag_key(client: str) -> str:
    """``poolsync:branding:<client>``; a client name a tag key cannot hold (a comma,
    more than 128 characters) is replaced by its digest (``record_tag_key``)."""
    return record_tag_key(TAG_PREFIX, client)


def recorded_contents(live: Mapping[str, Mapping[str, Any]],
                      desired: Mapping[str, Mapping[str, Any]], recorded: str | None
                      ) -> dict[str, dict[str, Any]]:
    """Whether DescribeManagedLoginBrandingByClient returns an asset's Bytes is
    UNVERIFIED: its response syntax has them (API reference) and
    terraform-provider-aws managed_login_branding_test.go verifies an imported asset's
    bytes, so poolsync hashes them when they come. When they do not, the assets are
    taken as the file's if the pool's ``poolsync:branding:<client>`` tag holds the
    digest of the file's assets (written with every request that sends them:
    ``recorded``, like Apple's private key: identity_provider.track_private_key) and the
    slots and extensions agree; otherwise they stay unknown, and are sent again."""
    if recorded is None or recorded != assets_digest(desired) or set(live) != set(desired):
        return {k: dict(v) for k, v in live.items()}
    return {k: ({**v, "Content": desired[k]["Content"]}
                if v["Content"] is NOT_REPORTED and v["Extension"] == desired[k]["Extension"]
                else dict(v))
            for k, v in live.items()}


def removal_needs_recreate(live: Mapping[str, Any], desired: Mapping[str, Any]
                           ) -> list[str]:
    """What the file removes from a live style: UpdateManagedLoginBranding "preserves
    existing style settings that you don't specify" (botocore UpdateManagedLoginBranding),
    and an asset in a slot it is not sent stays (terraform-provider-aws
    managed_login_branding.go), so a Settings key or an asset can go only with the style:
    DeleteManagedLoginBranding, then CreateManagedLoginBranding. How deep the update
    merges Settings is UNVERIFIED: a key removed at any depth counts (lists are
    values). Nothing is removed this way when the file asks for Cognito's values
    (UseCognitoProvidedValues true reverts the style in place)."""
    if desired.get(UCPV):
        return []
    removed = [f"Settings.{p}" for p in _removed_keys(live.get("Settings"),
                                                      desired.get("Settings"))]
    if "Assets" in desired:
        removed += [f"Assets.{k}" for k in sorted(set(live["Assets"]) - set(desired["Assets"]))]
    return removed


def _removed_keys(live: Any, desired: Any, prefix: str = "") -> list[str]:
    if not isinstance(live, Mapping) or not isinstance(desired, Mapping):
        return []
    out = []
    for key, value in live.items():
        path = f"{prefix}{key}"
        if key not in desired:
            out.append(path)
        else:
            out += _removed_keys(value, desired[key], f"{path}.")
    return out


# --------------------------------------------------------------------------- planning


class _Refused(Exception):
    """What Cognito would refuse, found while planning: the reason and where."""

    def __init__(self, reason: str, where: ConfigPath) -> None:
        super().__init__(reason)
        self.reason, self.where = reason, where


def plan(ctx: PlanContext) -> list[ObjectPlan]:
    """One object per client the file names, ``POOL/managed_login_branding/CLIENT``."""
    written = ctx.written if isinstance(ctx.written, Mapping) else {}
    return [_plan_client(ctx, str(name), entry)
            for name, entry in sorted(written.items(), key=lambda kv: str(kv[0]))]


def _plan_client(ctx: PlanContext, name: str, entry: Any) -> ObjectPlan:
    address = f"{ctx.pool}/{KEY}/{name}"
    found = (ctx.found or {}).get(name)
    client_id = ctx.clients.get(name)
    own = found if found is not None and found.get("ClientId") == client_id else None
    if entry is None:
        return _absent(ctx, address, own)
    try:
        if client_id is None:
            raise _Refused(f"no app client named {as_given(name)}: the file defines none and "
                           "the pool has none", (KEY, name))
        assets = load_assets(ctx, name, entry)
        if own is None:
            return _created(ctx, address, name, client_id, entry, assets, found)
        return _compared(ctx, address, name, entry, assets, own)
    except _Refused as refused:
        return ObjectPlan(address, OBJECT_KIND, Action.CANNOT_APPLY, refused.reason,
                          where=refused.where)


def _absent(ctx: PlanContext, address: str, own: Mapping[str, Any] | None) -> ObjectPlan:
    """``CLIENT: null``: the client has no style; a live one is deleted."""
    if own is None:
        return ObjectPlan(address, OBJECT_KIND, Action.NOOP)
    delete = ApiCall("DeleteManagedLoginBranding", {
        "UserPoolId": ctx.pool_id, "ManagedLoginBrandingId": own["ManagedLoginBrandingId"]})
    gone = tuple(replace(c, before=c.after, after=c.before)
                 for c in creation_changes(live_view(own)))
    return ObjectPlan(address, OBJECT_KIND, Action.DELETE,
                      "the file says this client has no style (DeleteManagedLoginBranding)",
                      gone, (delete,), (pages_note(),))


def pages_note() -> str:
    return ("Managed login pages of this client do not work while it has no style, until one "
            "is created or the domain's ManagedLoginVersion is 1 again (API reference, "
            "DeleteManagedLoginBranding).")


def load_assets(ctx: PlanContext, name: str, entry: Mapping[str, Any]
                ) -> list[dict[str, Any]]:
    """Each written asset as the API takes it, its ``Bytes`` read from ``File`` (next to
    the YAML file that writes it). A file that cannot be read, or is larger than
    AssetBytesType allows, is refused here, before any write."""
    out = []
    for index, asset in enumerate(entry.get("Assets") or []):
        where: ConfigPath = (KEY, name, "Assets", index, "File")
        written = str(asset.get("File", ""))
        try:
            path = beside_yaml(ctx, where, written)
            data = path.read_bytes()
        except OSError as exc:
            raise _Refused(f"cannot read the asset file {as_given(written)} "
                           f"({exc.strerror or type(exc).__name__})", where) from exc
        if len(data) > ASSET_MAX_BYTES:
            raise _Refused(f"the asset file {as_given(str(path))} has {len(data):,} bytes; "
                           f"Cognito takes at most {ASSET_MAX_BYTES:,} (botocore "
                           "AssetBytesType)", where)
        out.append({**{k: asset[k] for k in ASSET_MEMBERS if asset.get(k) is not None},
                    "Bytes": data})
    return out


def _created(ctx: PlanContext, address: str, name: str, client_id: str,
             entry: Mapping[str, Any], assets: list[dict[str, Any]],
             previous: Mapping[str, Any] | None) -> ObjectPlan:
    """A style for a client that has none: a new client, or one created again (its id
    changes, so its style is ``previous``, the old client's)."""
    desired = desired_view(entry, assets)
    refuse_without_managed_login(ctx, name)
    create = create_call(ctx, name, client_id, entry, assets, previous)
    notes: tuple[str, ...] = ()
    reason = "new style (CreateManagedLoginBranding)"
    if previous is not None:
        reason = ("the app client is created again (a new id): a new style for it "
                  "(CreateManagedLoginBranding)")
        notes = (f"The old client's style ({previous.get('ManagedLoginBrandingId')}) is not "
                 "deleted by poolsync: it belonged to the deleted client (whether Cognito "
                 "deletes it with the client is UNVERIFIED).",)
    return ObjectPlan(address, OBJECT_KIND, Action.CREATE, reason, creation_changes(desired),
                      recorded(ctx, name, desired, (create,)), notes)


def _compared(ctx: PlanContext, address: str, name: str, entry: Mapping[str, Any],
              assets: list[dict[str, Any]], own: Mapping[str, Any]) -> ObjectPlan:
    desired = desired_view(entry, assets)
    live = live_view(own)
    if "Assets" in desired:
        tag = ctx.recorded_tags.get(tag_key(name))
        live["Assets"] = recorded_contents(live["Assets"], desired["Assets"], tag)
    compared = {k: live[k] for k in desired}
    written = {k: v for k, v in desired.items() if k in entry}
    changes = field_changes(compared, desired, written)
    if not changes:
        return ObjectPlan(address, OBJECT_KIND, Action.NOOP)
    refuse_without_managed_login(ctx, name)
    removed = removal_needs_recreate(live, desired)
    if removed:
        delete = ApiCall("DeleteManagedLoginBranding", {
            "UserPoolId": ctx.pool_id, "ManagedLoginBrandingId": own["ManagedLoginBrandingId"]})
        create = create_call(ctx, name, str(own["ClientId"]), entry, assets, own)
        calls = recorded(ctx, name, desired, (delete, create))
        return ObjectPlan(
            address, OBJECT_KIND, Action.REPLACE,
            f"{', '.join(removed)} removed: UpdateManagedLoginBranding keeps what it is not "
            "sent, so the style is deleted and created again", changes, calls,
            (pages_note().replace("while it has no style", "between the delete and the create"),
             "The style's id changes."))
    updates = update_calls(ctx, entry, desired, live, assets, own)
    return ObjectPlan(address, OBJECT_KIND, Action.UPDATE,
                      "in place (UpdateManagedLoginBranding keeps what it is not sent)",
                      changes, recorded(ctx, name, desired, updates))


def refuse_without_managed_login(ctx: PlanContext, name: str) -> None:
    """A style brands the managed login pages that a domain with ManagedLoginVersion 2
    serves (botocore CreateUserPoolDomainRequest.ManagedLoginVersion); without one there
    is nothing to brand (the refusal Cognito answers is UNVERIFIED). The domain after
    apply: the file's, else the pool's live ones."""
    cfg_domain = getattr(ctx.cfg, "domain", None) if ctx.cfg is not None else None
    if cfg_domain is not None:
        if cfg_domain.get("ManagedLoginVersion", 1) == 2:
            return
        raise _Refused("managed login branding needs a domain with ManagedLoginVersion 2; "
                       "the file's domain has "
                       f"{cfg_domain.get('ManagedLoginVersion', 1)} (the classic hosted UI)",
                       ("domain",))
    versions = [d.get("ManagedLoginVersion") or 1 for d in ctx.domains]
    if 2 in versions:
        return
    has = (f"its domain has ManagedLoginVersion {versions[0]} (the classic hosted UI)"
           if versions else "it has no domain")
    raise _Refused(f"managed login branding needs a domain with ManagedLoginVersion 2; {has}: "
                   "write the pool's domain with ManagedLoginVersion: 2", (KEY, name))


def create_call(ctx: PlanContext, name: str, client_id: str, entry: Mapping[str, Any],
                assets: list[dict[str, Any]], previous: Mapping[str, Any] | None
                ) -> ApiCall:
    """CreateManagedLoginBranding with what the file writes and, for a style created
    again, what the file leaves out carried over from ``previous`` (never reset what the
    file does not write). Refused when it cannot be carried (an asset whose Bytes
    Describe did not return) or the request is over Cognito's size limit."""
    params: dict[str, Any] = {"UserPoolId": ctx.pool_id, "ClientId": client_id}
    ucpv = bool(entry.get(UCPV, cognito_values_by_default(entry)))
    params[UCPV] = ucpv
    if not ucpv:
        settings = entry.get("Settings") if "Settings" in entry else (
            (previous or {}).get("Settings") or None)
        if settings:
            params["Settings"] = copy.deepcopy(dict(settings))
        sent = assets if "Assets" in entry else carried_assets(previous, name)
        if sent:
            params["Assets"] = [dict(a) for a in sent]
    size = request_size(params)
    if size > REQUEST_LIMIT:
        raise _Refused(
            f"the CreateManagedLoginBranding request would be {size:,} bytes, over Cognito's "
            f"2 MB request limit: create the style with fewer Assets first, then add the "
            "rest (updates are split to fit)", (KEY, name, "Assets"))
    return ApiCall("CreateManagedLoginBranding", params)


def carried_assets(previous: Mapping[str, Any] | None, name: str) -> list[dict[str, Any]]:
    """The live assets a re-created style keeps when the file writes no ``Assets``."""
    found = list((previous or {}).get("Assets") or [])
    if any(a.get("Bytes") is None for a in found):
        raise _Refused("the style must be created again, and its live Assets (which the file "
                       "does not write) cannot be carried over: Cognito did not return their "
                       "bytes; write the Assets", (KEY, name))
    return [{k: a[k] for k in (*ASSET_MEMBERS, "Bytes") if a.get(k) is not None}
            for a in found]


def update_calls(ctx: PlanContext, entry: Mapping[str, Any], desired: Mapping[str, Any],
                 live: Mapping[str, Any], assets: list[dict[str, Any]],
                 own: Mapping[str, Any]) -> tuple[ApiCall, ...]:
    """UpdateManagedLoginBranding with what changed (it keeps what it is not sent):
    UseCognitoProvidedValues true alone (it reverts the style to Cognito's values);
    else the whole written Settings when they differ, and the assets whose slot is new
    or whose content or extension differs, split to fit the request limit
    (``split_at_request_limit``)."""
    base = {"UserPoolId": ctx.pool_id, "ManagedLoginBrandingId": own["ManagedLoginBrandingId"]}
    if desired[UCPV]:
        return (ApiCall("UpdateManagedLoginBranding", {**base, UCPV: True}),)
    first: dict[str, Any] = dict(base)
    if live[UCPV]:
        first[UCPV] = False
    if "Settings" in desired and desired["Settings"] != live["Settings"]:
        first["Settings"] = copy.deepcopy(desired["Settings"])
    changed = [a for a in assets if "Assets" in desired
               and live["Assets"].get(asset_key(a)) != desired["Assets"][asset_key(a)]]
    batches = split_at_request_limit(first, changed)
    calls = [ApiCall("UpdateManagedLoginBranding",
                     {**(first if i == 0 else base), **({"Assets": b} if b else {})})
             for i, b in enumerate(batches)]
    return tuple(calls)


def recorded(ctx: PlanContext, name: str, desired: Mapping[str, Any],
             calls: tuple[ApiCall, ...]) -> tuple[ApiCall, ...]:
    """``calls``, then a TagResource that records the digest of the file's assets when
    they send any (``recorded_contents``: what a Describe without Bytes is compared
    by). Every write of the file's assets records it, so the check after apply
    converges whether or not Cognito returns the Bytes; one tag per client (a pool has
    at most 50 tags: botocore UserPoolTagsType)."""
    if "Assets" not in desired or not any("Assets" in c.params for c in calls):
        return calls
    return (*calls, tag_call(ctx, {tag_key(name): assets_digest(desired["Assets"])}))


def request_size(params: Mapping[str, Any]) -> int:
    """The JSON body's size, each blob counted as the base64 text it is sent as."""
    plain = {k: v for k, v in params.items() if k != "Assets"}
    size = len(json.dumps(plain, default=str)) + len(',"Assets":[]')
    return size + sum(asset_request_size(a) for a in params.get("Assets") or [])


def asset_request_size(asset: Mapping[str, Any]) -> int:
    meta = {k: v for k, v in asset.items() if k != "Bytes"}
    data = asset.get("Bytes") or b""
    return len(json.dumps(meta)) + len(',"Bytes":""') + 4 * ((len(data) + 2) // 3) + 1


def split_at_request_limit(first: Mapping[str, Any], assets: Sequence[Mapping[str, Any]]
                           ) -> list[list[dict[str, Any]]]:
    """The assets of an update in batches, each request under REQUEST_LIMIT ("If your
    request is larger than 2MB, separate it into multiple requests", botocore
    UpdateManagedLoginBranding); the first request also carries ``first``."""
    batches: list[list[dict[str, Any]]] = [[]]
    size = request_size(first)
    for asset in assets:
        more = asset_request_size(asset)
        if batches[-1] and size + more > REQUEST_LIMIT:
            batches.append([])
            size = request_size({"UserPoolId": first.get("UserPoolId"),
                                 "ManagedLoginBrandingId": first.get("ManagedLoginBrandingId")})
        batches[-1].append(dict(asset))
        size += more
    return batches


# --------------------------------------------------------------------------- export


def export(found: Any, ctx: ExportContext) -> dict[str, Any] | None:
    """Each live style: UseCognitoProvidedValues, and its Settings as a mapping. Its
    assets are left out with a note: an export is one YAML document and writes no image
    files (a style exported without Assets does not manage them: plan keeps them)."""
    out: dict[str, Any] = {}
    for name, style in sorted((found or {}).items()):
        entry: dict[str, Any] = {UCPV: bool(style.get(UCPV))}
        settings = style.get("Settings")
        if not entry[UCPV] and isinstance(settings, Mapping) and settings:
            entry["Settings"] = copy.deepcopy(dict(settings))
        slots = [asset_key(a) for a in style.get("Assets") or []]
        if slots:
            ctx.add_note(
                f"{ctx.pool}: {KEY}.{name}: {len(slots)} asset(s) not exported "
                f"({', '.join(slots)}): export writes no image files; save them and list "
                "them under Assets with File: paths to manage them")
        out[name] = entry
    return out or None


# --------------------------------------------------------------------------- rules


def cognito_values_alone(pool: Any) -> Iterator[Problem]:
    """UseCognitoProvidedValues true goes with neither Settings nor Assets (botocore
    CreateManagedLoginBrandingRequest.UseCognitoProvidedValues: "you must also omit
    values for Settings and Assets")."""
    for name, entry in written_entries(pool, KEY):
        if entry.get(UCPV) is True and ("Settings" in entry or "Assets" in entry):
            yield Problem("UseCognitoProvidedValues: true takes neither Settings nor Assets "
                          "(Cognito refuses them together)", pool.at(KEY, name, UCPV))


def one_asset_per_slot(pool: Any) -> Iterator[Problem]:
    """One asset per Category, ColorMode (and ResourceId): a second one in the same
    slot replaces the first (terraform-provider-aws managed_login_branding.go), so the
    style could never match the file."""
    for name, entry in written_entries(pool, KEY):
        seen: dict[str, int] = {}
        for index, asset in enumerate(entry.get("Assets") or []):
            if not isinstance(asset, Mapping):
                continue
            slot = asset_key(asset)
            if slot in seen:
                yield Problem(f"a second asset for {slot} (the first is Assets[{seen[slot]}]): "
                              "one asset per Category and ColorMode",
                              pool.at(KEY, name, "Assets", index))
            seen.setdefault(slot, index)


def branding_needs_managed_login(pool: Any) -> Iterator[Problem]:
    """Styles brand the managed login pages of a domain with ManagedLoginVersion 2
    (``refuse_without_managed_login``), decided offline when the file writes the
    domain; otherwise at plan time against the live one."""
    if not any(True for _ in written_entries(pool, KEY)) or not pool.domain:
        return
    version = pool.domain.get("ManagedLoginVersion", 1)
    if version == 2 or (isinstance(version, str) and version.startswith("${")):
        return
    where = (pool.at("domain", "ManagedLoginVersion") if "ManagedLoginVersion" in pool.domain
             else pool.at(KEY))
    yield Problem("managed login branding needs the domain's ManagedLoginVersion 2 (the file's "
                  f"domain has {version}: the classic hosted UI)", where)


def schema(conv: Any) -> dict[str, Any]:
    """Client name -> the CreateManagedLoginBranding members but the ids, each asset's
    ``Bytes`` replaced by ``File``; null: no style."""
    asset = conv.structure(conv.model.shape_for("AssetType"), exclude=frozenset({"Bytes"}))
    asset["properties"]["File"] = {
        "type": "string", "minLength": 1,
        "description": "The image file (at most 1,000,000 bytes), relative to the YAML file "
                       "that writes it; compared by its SHA-256, never printed."}
    asset["required"] = [*asset.get("required", []), "File"]
    asset["description"] = "AssetType members, with File in place of Bytes."
    conv.defs["poolsync.ManagedLoginAsset"] = asset
    request = conv.model.shape_for("CreateManagedLoginBrandingRequest")
    assets = conv.model.shape_for("AssetListType")
    conv.defs["poolsync.ManagedLoginBranding"] = {
        "type": ["object", "null"],
        "additionalProperties": False,
        "description": "CreateManagedLoginBranding members but UserPoolId and ClientId; "
                       "null: the client has no style.",
        "properties": {
            UCPV: conv.member(request.name, UCPV, request.members[UCPV]),
            "Settings": {"type": "object",
                         "description": "The style's settings document, written as a mapping "
                                        "(compared as data)."},
            "Assets": {"type": "array", "maxItems": assets.metadata["max"],
                       "items": {"$ref": "#/$defs/poolsync.ManagedLoginAsset"}},
        },
    }
    return map_schema(conv, "App client name -> its managed login style (null: none).",
                      ref("poolsync.ManagedLoginBranding"))


def files(written: Any) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """The asset files the styles name (checked by validate: config.py)."""
    for name, style in (written.items() if isinstance(written, Mapping) else ()):
        assets = style.get("Assets") if isinstance(style, Mapping) else None
        for index, asset in enumerate(assets if isinstance(assets, list) else []):
            value = asset.get("File") if isinstance(asset, Mapping) else None
            if isinstance(value, str) and value:
                yield (KEY, str(name), "Assets", index, "File"), value


KIND = Kind(
    prunes=True, key=KEY, kind=OBJECT_KIND, read=read, plan=plan, export=export,
    reads=("DescribeManagedLoginBrandingByClient",),
    writes=("CreateManagedLoginBranding", "UpdateManagedLoginBranding",
            "DeleteManagedLoginBranding"),
    category={"DescribeManagedLoginBrandingByClient": "UserPoolResourceRead",
              "CreateManagedLoginBranding": "UserPoolResourceUpdate",
              "UpdateManagedLoginBranding": "UserPoolResourceUpdate",
              "DeleteManagedLoginBranding": "UserPoolResourceUpdate"},
    needs_clients=True, needs_domain=True, per_client=True,
    rules=(cognito_values_alone, one_asset_per_slot, branding_needs_managed_login),
    schema=schema, files=files,
)
