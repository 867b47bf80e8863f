"""Identity providers (CreateIdentityProvider, UpdateIdentityProvider,
DeleteIdentityProvider, in the UserPoolResourceUpdate quota category; read with
ListIdentityProviders and DescribeIdentityProvider, in UserPoolResourceRead; Apple's
private key fingerprint is a pool tag, TagResource, UserPoolResourceUpdate): the keys
Cognito adds, the canonical shape and defaults, the update and create payloads, what
only a replacement changes, the secrets a request carries (a provider's and an app
client's ``ClientSecret``) and their fingerprints, the plan's provider quirks (the
private key's tag, clients detached around a replacement, deletes a kept client
blocks), the export, with every secret as an ``${env:...}`` placeholder, and the offline
rules (a SAML provider's metadata, a social provider's name).

Pure: no AWS. ``poolsync.export`` is imported where it is used: it imports this module.
The rules' helpers come from ``poolsync.rules``, which imports this module only when it
first runs its rules.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from poolsync import fingerprint as fingerprints
from poolsync.kinds.base import CollectionSpec, Kind, KindOps, PlanContext
from poolsync.kinds.client import canonical_live_client, client_payload
from poolsync.model import (
    MISSING,
    Action,
    ApiCall,
    FieldChange,
    ObjectPlan,
    Path,
    PoolConfig,
    Problem,
    secret_location,
)
from poolsync.normalize import UNKNOWN, sort_sets
from poolsync.rules import _Pool

if TYPE_CHECKING:
    from poolsync.export import _Collected


# Keys Cognito adds to ProviderDetails per provider type (botocore's
# IdentityProviderType doc; TF #4831, #4807, #42157). Not compared unless the file
# writes them, and never sent back (TF strips ActiveEncryptionCertificate too).
SERVER_DETAIL_KEYS: dict[str, tuple[str, ...]] = {
    "Google": ("attributes_url", "attributes_url_add_attributes", "authorize_url",
               "oidc_issuer", "token_request_method", "token_url"),
    "Facebook": ("attributes_url", "attributes_url_add_attributes", "authorize_url",
                 "token_request_method", "token_url", "api_version"),
    "LoginWithAmazon": ("attributes_url", "attributes_url_add_attributes", "authorize_url",
                        "token_request_method", "token_url"),
    "SignInWithApple": ("attributes_url_add_attributes", "authorize_url", "oidc_issuer",
                        "token_request_method", "token_url"),
    # Endpoints Cognito discovers from oidc_issuer: compared only when written.
    "OIDC": ("attributes_url_add_attributes", "authorize_url", "token_url",
             "attributes_url", "jwks_uri"),
    "SAML": ("ActiveEncryptionCertificate", "SSORedirectBindingURI", "SLORedirectBindingURI",
             "IDPSignout", "IDPInit", "EncryptedResponses", "RequestSigningAlgorithm"),
}
# Apple's private key is write-only: Describe never returns it (botocore
# IdentityProviderType).
WRITE_ONLY_DETAILS = frozenset({"private_key"})
SECRET_DETAILS = frozenset({"client_secret", "private_key"})
_SCOPE_SPLIT = re.compile(r"[\s,]+")


def provider_defaults(provider_type: str) -> dict[str, Any]:
    return {
        "ProviderDetails": {key: UNKNOWN for key in SERVER_DETAIL_KEYS.get(provider_type, ())},
        # Cognito adds a `username` mapping (sub, id, ...) by type (issues; Pulumi #679).
        "AttributeMapping": {"username": UNKNOWN},
        "IdpIdentifiers": [],
    }


def scopes_as_set(details: dict[str, Any]) -> None:
    """authorize_scopes is one string; Facebook's documented example separates scopes
    with commas, the others with spaces (botocore): compare the set of scopes."""
    scopes = details.get("authorize_scopes")
    if isinstance(scopes, str):
        details["authorize_scopes"] = " ".join(sorted(set(_SCOPE_SPLIT.split(scopes.strip()))))


def fingerprint(secret: str, where: str) -> str:
    """A one-way stand-in for a write-only secret, safe to print and to store (the
    ``poolsync:private_key:*`` tag): scrypt salted with ``where``, the secret's location
    (``model.secret_location``), see ``poolsync.fingerprint``. Never keyed: runs with and
    without ``POOLSYNC_FINGERPRINT_KEY`` (apply in CI, a local plan, drift) read the
    same tag and must agree on it."""
    return fingerprints.fingerprint(secret, where, keyed=False)


def private_key_location(address: str) -> str:
    """Where an identity provider's (Apple's) private key is, for its fingerprint: the
    same place the plan's field change and the checksum salt it with."""
    return secret_location(address, ("ProviderDetails", "private_key"))


def fingerprint_matches(recorded: str | None, secret: str, where: str) -> bool:
    """Whether a recorded fingerprint (a pool tag) is the one of ``secret``, under the
    scheme it was made with; an older poolsync's ``sha256:`` tag never matches, which
    plans one harmless re-send of the secret and a new tag."""
    return fingerprints.matches(recorded, secret, where)


def sent_secrets(params: Mapping[str, Any]) -> list[tuple[tuple[str, ...], Any]]:
    """The secrets a request sends, as (path in the request, value): a provider's
    ``ProviderDetails`` ``client_secret`` and ``private_key``, a written ``ClientSecret``
    (Create/UpdateIdentityProvider, CreateUserPoolClient in botocore's model). The plan's
    checksum covers their fingerprints, so a pin refuses when any of them changed, the
    write-only ones (Apple's key) included."""
    found: list[tuple[tuple[str, ...], Any]] = []
    if params.get("ClientSecret"):
        found.append((("ClientSecret",), params["ClientSecret"]))
    details = params.get("ProviderDetails")
    if isinstance(details, Mapping):
        found.extend((("ProviderDetails", key), details[key])
                     for key in sorted(SECRET_DETAILS) if details.get(key))
    return found


def canonical_live_provider(provider: Mapping[str, Any]) -> dict[str, Any]:
    live = {
        k: copy.deepcopy(v)
        for k, v in provider.items()
        if k in ("ProviderType", "ProviderDetails", "AttributeMapping", "IdpIdentifiers")
    }
    details = dict(live.get("ProviderDetails") or {})
    scopes_as_set(details)
    live["ProviderDetails"] = details
    result: dict[str, Any] = sort_sets(live)
    return result


def canonical_desired_provider(provider: Mapping[str, Any]) -> dict[str, Any]:
    desired = copy.deepcopy(dict(provider))
    details = dict(desired.get("ProviderDetails") or {})
    scopes_as_set(details)
    for key in WRITE_ONLY_DETAILS & details.keys():
        # Never returned, so never compared here (see the plan's fingerprint note).
        details.pop(key)
    desired["ProviderDetails"] = details
    result: dict[str, Any] = sort_sets(desired)
    return result


def provider_update_payload(
    name: str, written: Mapping[str, Any], live: Mapping[str, Any]
) -> dict[str, Any]:
    """The full maps (whether UpdateIdentityProvider merges them is UNVERIFIED):
    the file's ProviderDetails as written, without the keys Cognito adds; the live
    mapping and identifiers where the file does not write them."""
    payload: dict[str, Any] = {"ProviderName": name,
                               "ProviderDetails": copy.deepcopy(dict(written["ProviderDetails"]))}
    for member in ("AttributeMapping", "IdpIdentifiers"):
        value = written.get(member, live.get(member))
        if value is not None:
            payload[member] = copy.deepcopy(value)
    return payload


def provider_create_payload(name: str, written: Mapping[str, Any]) -> dict[str, Any]:
    return {"ProviderName": name, **copy.deepcopy(dict(written))}


def is_secret_path(path: tuple[str | int, ...]) -> bool:
    """Identity-provider and client secrets are sensitive wherever they come from
    (README, "Plans, apply and safety")."""
    if path[:1] == ("ClientSecret",):
        return True
    return len(path) >= 2 and path[0] == "ProviderDetails" and str(path[1]) in SECRET_DETAILS


def written_secrets(
    providers: Mapping[str, Mapping[str, Any]] | None,
    clients: Mapping[str, Mapping[str, Any]] | None,
) -> set[str]:
    """Secrets written in the file itself (not through ``${env:...}``): provider client
    secrets and private keys, custom client secrets. Never printed, even in errors."""
    found: set[str] = set()
    for provider in (providers or {}).values():
        details = provider.get("ProviderDetails") or {}
        found.update(str(details[k]) for k in SECRET_DETAILS if details.get(k))
    for client in (clients or {}).values():
        if client.get("ClientSecret"):
            found.add(str(client["ClientSecret"]))
    return found


def provider_replacement_reason(change: FieldChange) -> str | None:
    """A provider's type is fixed (botocore UpdateIdentityProvider has no ProviderType)."""
    if change.path[:1] == ("ProviderType",):
        return ("ProviderType cannot change (UpdateIdentityProvider has no such member): "
                "delete and create the provider")
    return None


def provider_update(name: str, written: Mapping[str, Any], found: Mapping[str, Any],
                    live: Mapping[str, Any], expected: Mapping[str, Any]) -> dict[str, Any]:
    return provider_update_payload(name, written, found)


def provider_recreated(name: str, written: Mapping[str, Any], found: Mapping[str, Any],
                       live: Mapping[str, Any]) -> tuple[dict[str, Any], tuple[str, ...]]:
    return provider_create_payload(name, written), (
        "Users who signed in through this provider keep their pool accounts, but their "
        "federated link is by provider name.",)


PROVIDERS = CollectionSpec("identity_providers", "identity_provider", "identity provider",
                 "ProviderName", "CreateIdentityProvider", "UpdateIdentityProvider",
                 "DeleteIdentityProvider", canonical_live_provider, canonical_desired_provider,
                 provider_update,
                 defaults=lambda written: provider_defaults(str(written.get("ProviderType"))),
                 replacement_reason=provider_replacement_reason, recreated=provider_recreated,
                 live_field="providers", secret_path=lambda path: is_secret_path(path))


# --------------------------------------------------------------------------- plan


def track_private_key(obj: ObjectPlan, desired: Mapping[str, Any], pool_id: str,
                      pool_arn: str, recorded_tags: Mapping[str, str],
                      providers: Mapping[str, Mapping[str, Any]] | None) -> ObjectPlan:
    """Apple's private_key is write-only (botocore IdentityProviderType): Describe never
    returns it. poolsync keeps a fingerprint of the key it last sent in a ``poolsync:``
    tag on the pool, so a new key shows as "(sensitive, changed)" and is sent, and an
    unchanged one is not.
    ``recorded_tags``: the pool's ``poolsync:*`` tags; ``providers``: the live ones."""
    name = obj.address.rsplit("/", 1)[-1]
    key = (desired[name].get("ProviderDetails") or {}).get("private_key")
    if not key or obj.action not in (Action.CREATE, Action.UPDATE, Action.NOOP):
        return obj
    tag = f"poolsync:private_key:{name}"
    where = private_key_location(obj.address)
    made = fingerprint(str(key), where)
    recorded = recorded_tags.get(tag)
    if obj.action is not Action.CREATE and fingerprint_matches(recorded, str(key), where):
        return obj
    record = ApiCall("TagResource", {"ResourceArn": pool_arn, "Tags": {tag: made}})
    if obj.action is Action.CREATE:
        return replace(obj, calls=(*obj.calls, record))
    change = FieldChange(("ProviderDetails", "private_key"),
                         "(recorded)" if recorded else MISSING, "(new)", sensitive=True)
    calls = obj.calls or (ApiCall("UpdateIdentityProvider", {
        "UserPoolId": pool_id,
        **provider_update_payload(name, desired[name], (providers or {})[name])}),)
    return replace(obj, action=Action.UPDATE, reason="in place with UpdateIdentityProvider",
                   changes=(*obj.changes, change), calls=(*calls, record))


def detach_clients(obj: ObjectPlan, pool_id: str,
                   clients: Mapping[str, Mapping[str, Any]] | None) -> ObjectPlan:
    """A provider replaced (delete and create) while app clients name it: each such
    client is updated to leave it out before the delete, and to name it again after the
    create (UpdateUserPoolClient, the live client in full: it resets what it is not
    sent). Deleting a provider that a client names is refused by the stand-in and
    unverified on AWS (standin/providers.check_not_referenced); this order works either
    way. A client the file changes gets its own update later (clients follow providers).
    ``clients``: the live ones, as described."""
    if obj.kind != "identity_provider" or obj.action is not Action.REPLACE:
        return obj
    name = obj.address.rsplit("/", 1)[-1]
    naming = {client: found for client, found in sorted((clients or {}).items())
              if name in (found.get("SupportedIdentityProviders") or [])}
    if not naming:
        return obj
    before, after = [], []
    for client, found in naming.items():
        current = client_payload(client, {}, canonical_live_client(found))
        key = {"UserPoolId": pool_id, "ClientId": found["ClientId"]}
        without = [p for p in current.get("SupportedIdentityProviders") or [] if p != name]
        before.append(ApiCall("UpdateUserPoolClient", {
            **key, **current, "SupportedIdentityProviders": without}))
        after.append(ApiCall("UpdateUserPoolClient", {**key, **current}))
    names = ", ".join(naming)
    note = (f"App client(s) {names} name this provider: each is updated to leave it out "
            "before the delete and to name it again after the create (UpdateUserPoolClient); "
            "sign-in through this provider fails in between.")
    return replace(obj, calls=(*before, *obj.calls, *after), notes=(*obj.notes, note))


def check_provider_deletions(cfg: PoolConfig, clients: Mapping[str, Mapping[str, Any]] | None,
                             deletes: list[ObjectPlan]) -> list[ObjectPlan]:
    """A provider is deleted only once no client will name it: clients in the file are
    updated first (order), but a client the file does not manage would keep it.
    ``clients``: the live ones, as described."""
    kept_clients = {} if cfg.clients is not None and cfg.prune else {
        name: c for name, c in (clients or {}).items()
        if cfg.clients is None or name not in cfg.clients
    }
    out = []
    for obj in deletes:
        if obj.kind == "identity_provider" and obj.action is Action.DELETE:
            provider = obj.address.rsplit("/", 1)[-1]
            users = sorted(n for n, c in kept_clients.items()
                           if provider in (c.get("SupportedIdentityProviders") or []))
            if users:
                obj = replace(obj, action=Action.CANNOT_APPLY, calls=(), reason=(
                    f"still named by app client(s) {', '.join(users)}, which the file does "
                    "not manage; remove it there first"))
        out.append(obj)
    return out


# --------------------------------------------------------------------------- export

# ProviderDetails keys Cognito adds (SERVER_DETAIL_KEYS) that a user may also
# write. Facebook's api_version and SAML's RequestSigningAlgorithm are kept as read
# (written, they compare equal); the SAML flags are kept unless "false", which is what
# Cognito fills in when the request leaves them out.
_USER_SETTABLE_DETAILS = frozenset({"api_version", "RequestSigningAlgorithm"})
_SAML_FLAGS = frozenset({"IDPSignout", "IDPInit", "EncryptedResponses"})


def export_provider(
    pool: str, name: str, provider: Mapping[str, Any], collected: _Collected | None = None
) -> dict[str, Any]:
    """DescribeIdentityProvider as CreateIdentityProvider members: without the keys
    Cognito adds to ProviderDetails or the ``username`` mapping it adds, and with every
    secret as an ``${env:...}`` placeholder."""
    from poolsync.export import _Collected

    collected = collected if collected is not None else _Collected()
    live = canonical_live_provider(provider)
    kind = str(live.get("ProviderType"))
    added = set(SERVER_DETAIL_KEYS.get(kind, ())) - _USER_SETTABLE_DETAILS
    details: dict[str, Any] = {}
    for key, value in sorted((live.get("ProviderDetails") or {}).items()):
        if key in added and not (key in _SAML_FLAGS and value != "false"):
            continue
        if key in SECRET_DETAILS:
            collected.withheld.add(str(value))
            value = _placeholder(pool, name, key, collected)
        details[key] = value
    if kind == "SignInWithApple":
        # Write-only: Describe never returns the key (real-responses
        # describe_identity_provider.signinwithapple), but every create needs it.
        details["private_key"] = _placeholder(pool, name, "private_key", collected)
    out: dict[str, Any] = {"ProviderType": kind, "ProviderDetails": details}
    mapping = {k: v for k, v in sorted((live.get("AttributeMapping") or {}).items())
               if k != "username"}
    if mapping:
        out["AttributeMapping"] = mapping
    if live.get("IdpIdentifiers"):
        out["IdpIdentifiers"] = live["IdpIdentifiers"]
    return out


def env_name(*parts: str) -> str:
    """``("customers-prod", "Google", "client_secret")`` ->
    ``CUSTOMERS_PROD_GOOGLE_CLIENT_SECRET``: upper snake case, other characters ``_``."""
    name = re.sub(r"[^A-Z0-9]", "_", "_".join(parts).upper())
    return f"_{name}" if name[:1].isdigit() else name


def _placeholder(pool: str, provider: str, key: str, collected: _Collected) -> str:
    from poolsync.export import Variable

    path: Path = ("pools", pool, "identity_providers", provider, "ProviderDetails", key)
    name = env_name(pool, provider, key)
    taken = {v.name for v in collected.variables}
    unique, n = name, 2
    while unique in taken:  # "a-b" and "a_b" make the same name
        unique, n = f"{name}_{n}", n + 1
    collected.variables.append(Variable(unique, path))
    return f"${{env:{unique}}}"


# --------------------------------------------------------------------------- rules
# Offline rules over the pool as written (``rules._Pool``); ``rules._rules()`` lists them
# in the order their problems are reported.

IDP_TYPES = frozenset({"SAML", "OIDC", "Facebook", "Google", "LoginWithAmazon", "SignInWithApple"})
# Social identity providers: Cognito names each after its type ("Provider NameOfGP cannot
# be of type Google": aws/aws-cli #3179, hashicorp/terraform-provider-aws #4822; botocore
# SupportedIdentityProviders lists them by these fixed names).
SOCIAL_PROVIDERS = frozenset({"Google", "Facebook", "SignInWithApple", "LoginWithAmazon"})


def saml_metadata(pool: _Pool) -> Iterator[Problem]:
    """A SAML provider takes MetadataURL or MetadataFile, exactly one (botocore
    CreateIdentityProvider ProviderDetails)."""
    for name, provider in pool.identity_providers.items():
        if not isinstance(provider, Mapping) or provider.get("ProviderType") != "SAML":
            continue
        details = provider.get("ProviderDetails")
        if not isinstance(details, Mapping):
            continue
        given = [key for key in ("MetadataURL", "MetadataFile") if key in details]
        if len(given) == 1:
            continue
        message = (
            "a SAML provider takes MetadataURL or MetadataFile, not both"
            if given
            else "a SAML provider needs MetadataURL or MetadataFile in ProviderDetails"
        )
        yield Problem(message, pool.at("identity_providers", name, "ProviderDetails"))


def social_provider_name(pool: _Pool) -> Iterator[Problem]:
    """A social provider is named exactly after its type, and those names are kept for
    them ("Provider NameOfGP cannot be of type Google": aws/aws-cli #3179,
    hashicorp/terraform-provider-aws #4822; botocore SupportedIdentityProviders)."""
    for name, provider in pool.identity_providers.items():
        if not isinstance(provider, Mapping):
            continue
        kind = provider.get("ProviderType")
        if not isinstance(kind, str) or kind not in IDP_TYPES or name == kind:
            continue  # an invalid type is the schema's to report
        where = pool.at("identity_providers", name, "ProviderType")
        if kind in SOCIAL_PROVIDERS:
            yield Problem(
                f'a {kind} provider must be named "{kind}" (Cognito refuses any other name '
                "for it)",
                where,
            )
        elif name in SOCIAL_PROVIDERS:
            yield Problem(
                f'the name "{name}" is kept for the {name} provider type (got {kind}): '
                "choose another name",
                where,
            )


# TagResource records the fingerprint of a write-only secret (Apple's private key) in a
# ``poolsync:`` pool tag (track_private_key).
OPS = KindOps(
    reads=("ListIdentityProviders", "DescribeIdentityProvider"),
    writes=("CreateIdentityProvider", "UpdateIdentityProvider", "DeleteIdentityProvider",
            "TagResource"),
    category={**dict.fromkeys(("ListIdentityProviders", "DescribeIdentityProvider"),
                              "UserPoolResourceRead"),
              **dict.fromkeys(("CreateIdentityProvider", "UpdateIdentityProvider",
                               "DeleteIdentityProvider"), "UserPoolResourceUpdate")},
)


def export_from(live: Any, collected: Any) -> dict[str, Any] | None:
    """``identity_providers`` of an export (``live``: a plan.LivePool), every secret
    as an ``${env:...}`` placeholder."""
    providers = live.children.providers
    if not providers:
        return None
    pool = str(live.pool["Name"])
    return {n: export_provider(pool, n, p, collected) for n, p in sorted(providers.items())}


def read_live(cognito: Any, pool: Any, described: Mapping[str, Any],
              so_far: Mapping[str, Any]) -> dict[str, Mapping[str, Any]] | None:
    """Every provider described when the file manages them; otherwise their names only
    (ListIdentityProviders), when a client names a provider (does it exist?) or a
    group read earlier (``so_far["groups"]``) is named like a federation group (is it
    Cognito's?); else none."""
    pool_id = str(described["Id"])
    if pool.identity_providers is not None:
        return {str(p["ProviderName"]): cognito.describe_provider(pool_id, str(p["ProviderName"]))
                for p in cognito.list_providers(pool_id)}
    named = [c for c in (pool.clients or {}).values() if isinstance(c, Mapping)]
    federated = any(set(c.get("SupportedIdentityProviders") or []) - {"COGNITO"}
                    for c in named)
    lookalike = any(name.startswith(f"{pool_id}_") for name in so_far.get("groups") or ())
    if federated or lookalike:
        return {str(p["ProviderName"]): p for p in cognito.list_providers(pool_id)}
    return None


def _items(ctx: PlanContext) -> Any:
    """The providers' objects: a private key tracked by fingerprint, a replaced provider
    left by the clients that name it, a deletion only once no client keeps it."""
    from poolsync.kinds.planner import Items, plan_items

    items = plan_items(PROVIDERS, ctx)
    live = ctx.children
    desired = ctx.cfg.identity_providers or {}
    upserts = [detach_clients(track_private_key(o, desired, ctx.pool_id, live.pool_arn,
                                                live.fingerprints, live.providers),
                              ctx.pool_id, live.clients) for o in items.upserts]
    return Items(upserts, check_provider_deletions(ctx.cfg, live.clients, items.removals))


def plan(ctx: PlanContext) -> list[ObjectPlan]:
    return check_attributes(ctx, _items(ctx).objects)


def in_new_pool(ctx: PlanContext) -> list[ObjectPlan]:
    from poolsync.kinds.planner import items_in_new_pool

    return check_attributes(ctx, items_in_new_pool(PROVIDERS, ctx, _items))


def check_attributes(ctx: PlanContext, objects: list[ObjectPlan]) -> list[ObjectPlan]:
    """A provider maps only to custom attributes the pool has after apply, the file's
    and the live ones counted: Cognito refuses the provider ("AttributeMapping contains
    invalid mapping", InvalidParameterException) after earlier calls of the run were
    made, so this is checked before any write."""
    from poolsync.kinds.pool import attributes_after, refuse_problems
    from poolsync.normalize import is_custom_attribute, live_attribute_key

    if not ctx.cfg.identity_providers:
        return objects
    attributes = attributes_after(ctx.cfg, ctx.live)

    def problems(name: str) -> list[tuple[tuple[str | int, ...], str]]:
        mapping = (ctx.cfg.identity_providers.get(name) or {}).get("AttributeMapping") or {}
        return [(("identity_providers", name, "AttributeMapping", key),
                 f"AttributeMapping maps to {key!r}, a custom attribute that neither the "
                 "file nor the pool defines") for key in mapping
                if isinstance(key, str) and is_custom_attribute(key)
                and live_attribute_key(key) not in attributes]

    return refuse_problems(objects, problems)


KIND = Kind("identity_providers", "identity_provider", plan, OPS.reads, OPS.writes,
            OPS.category,
            apply_reads=OPS.apply_reads, in_new_pool=in_new_pool, removals_last=True, prunes=True,
            rules=(social_provider_name, saml_metadata))
