"""App clients (CreateUserPoolClient, UpdateUserPoolClient, DeleteUserPoolClient, in
the UserPoolClientUpdate quota category; read with ListUserPoolClients and
DescribeUserPoolClient, in UserPoolClientRead, by ``engine._read_clients``): token
validities as durations, Cognito's defaults, the canonical shapes, the full update
payload, what only a new client changes and what that means for its applications, the
plan's client checks (the providers and scopes a client names must exist after the run)
and sign-in URLs, and the export.

Pure: no AWS. ``poolsync.export`` is imported where it is used: it imports this module.
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Mapping
from dataclasses import replace
from typing import Any

from poolsync.kinds.base import Kind, KindOps
from poolsync.kinds.domain import canonical_live_domain, sign_in_url
from poolsync.model import MISSING, Action, FieldChange, ObjectPlan, PoolConfig
from poolsync.normalize import UNKNOWN, WhenPresent, sort_sets

# Token validity is stored as a number in TokenValidityUnits; Cognito's defaults are
# 1 hour (access, id) and 30 days (refresh), and Describe returns TokenValidityUnits {}
# and no Access/IdTokenValidity when they were never set (botocore; a 2025 CLI transcript
# in tests/fixtures/real-responses).
_VALIDITY = {
    "AccessTokenValidity": ("AccessToken", "hours", 60),
    "IdTokenValidity": ("IdToken", "hours", 60),
    "RefreshTokenValidity": ("RefreshToken", "days", 30 * 24 * 60),
}
_MINUTES = {"seconds": 1 / 60, "minutes": 1, "hours": 60, "days": 24 * 60}

CLIENT_DEFAULTS: dict[str, Any] = {
    "GenerateSecret": False,
    "AccessTokenValidity": "1h",
    "IdTokenValidity": "1h",
    "RefreshTokenValidity": "30d",
    "AuthSessionValidity": 3,
    "EnableTokenRevocation": True,
    "EnablePropagateAdditionalUserContextData": False,
    "AllowedOAuthFlowsUserPoolClient": False,
    # Absent from Describe when never set; the API's default is LEGACY (botocore).
    "PreventUserExistenceErrors": "LEGACY",
    "CallbackURLs": [],
    "LogoutURLs": [],
    "AllowedOAuthFlows": [],
    "AllowedOAuthScopes": [],
    # Cognito reports RetryGracePeriodSeconds 0 with a rotation the request left it out
    # of ("When RetryGracePeriodSeconds is 0, the grace period is disabled": botocore
    # RefreshTokenRotationType); rotation itself is off unless enabled (same doc).
    "RefreshTokenRotation": {"Feature": "DISABLED", "RetryGracePeriodSeconds": 0},
    # Analytics shares no user data unless asked (botocore AnalyticsConfigurationType
    # UserDataShared: "If UserDataShared is true, Amazon Cognito includes user data").
    "AnalyticsConfiguration": WhenPresent({"UserDataShared": False}),
    # The secret a client was created with: Describe returns it in clear (botocore
    # UserPoolClientType), compared only when the file writes one, never printed.
    "ClientSecret": UNKNOWN,
}
CLIENT_READ_ONLY = frozenset(
    {"UserPoolId", "ClientName", "ClientId", "CreationDate", "LastModifiedDate"}
)


def format_duration(minutes: float) -> str:
    """60 -> "1h", 90 -> "90m", 43200 -> "30d": the effective duration, in the largest
    whole unit, so "60 minutes" and "1 hour" compare equal."""
    if minutes % (24 * 60) == 0:
        return f"{int(minutes // (24 * 60))}d"
    if minutes % 60 == 0:
        return f"{int(minutes // 60)}h"
    if minutes == int(minutes):
        return f"{int(minutes)}m"
    return f"{round(minutes * 60)}s"


def parse_duration(text: str) -> tuple[int, str]:
    """The inverse, as the API's (value, unit)."""
    number, unit = int(text[:-1]), text[-1]
    return number, {"d": "days", "h": "hours", "m": "minutes", "s": "seconds"}[unit]


def effective_token_validity(client: Mapping[str, Any]) -> dict[str, Any]:
    """Token validities as effective durations. ``TokenValidityUnits: {}`` means the
    default units, and RefreshTokenValidity 0 means the 30-day default (botocore)."""
    units = client.get("TokenValidityUnits") or {}
    out = {k: v for k, v in client.items() if k != "TokenValidityUnits"}
    for member, (unit_key, default_unit, default_minutes) in _VALIDITY.items():
        value = client.get(member)
        if value is None:
            continue
        minutes = value * _MINUTES[units.get(unit_key, default_unit)] if value else default_minutes
        out[member] = format_duration(minutes)
    return out


def secret_generated(client: Mapping[str, Any]) -> dict[str, Any]:
    """Describe carries the secret (in clear: never shown), not GenerateSecret; a
    confidential client is one with a secret (botocore UserPoolClientType)."""
    out = dict(client)
    out["GenerateSecret"] = bool(out.get("ClientSecret"))
    if not out.get("ClientSecret"):
        out.pop("ClientSecret", None)
    return out


def drop_service_linked_analytics_role(client: dict[str, Any]) -> None:
    """With an ApplicationArn, Cognito fills AnalyticsConfiguration.RoleArn with its
    service-linked role (2024 CLI example); requests take ApplicationArn xor RoleArn
    (TF validators), so the echo is neither compared nor sent back."""
    analytics = client.get("AnalyticsConfiguration")
    if isinstance(analytics, dict) and analytics.get("ApplicationArn"):
        analytics.pop("RoleArn", None)


def canonical_live_client(client: Mapping[str, Any]) -> dict[str, Any]:
    live = {k: copy.deepcopy(v) for k, v in client.items() if k not in CLIENT_READ_ONLY}
    drop_service_linked_analytics_role(live)
    result: dict[str, Any] = sort_sets(effective_token_validity(secret_generated(live)))
    return result


def canonical_desired_client(client: Mapping[str, Any]) -> dict[str, Any]:
    """A client that writes its own ClientSecret is a confidential one (botocore
    ClientSecret: given instead of GenerateSecret)."""
    desired = {k: copy.deepcopy(v) for k, v in client.items()}
    if desired.get("ClientSecret"):
        desired.setdefault("GenerateSecret", True)
    result: dict[str, Any] = sort_sets(effective_token_validity(desired))
    return result


def client_payload(
    name: str, expected: Mapping[str, Any], live: Mapping[str, Any]
) -> dict[str, Any]:
    """UpdateUserPoolClient resets every field it is not sent (botocore; CFN roadmap #676):
    live for what the file does not write, the file for what it does. GenerateSecret
    is create-only and not accepted here."""
    merged = {k: copy.deepcopy(v) for k, v in live.items()}
    merged.update(copy.deepcopy(dict(expected)))
    merged.pop("GenerateSecret", None)
    merged.pop("ClientSecret", None)  # set at creation only (UpdateUserPoolClient has none)
    return {"ClientName": name, **_validities_for_api(merged)}


def _validities_for_api(client: dict[str, Any]) -> dict[str, Any]:
    """Durations back to the API's numbers, with every unit stated."""
    units: dict[str, str] = {}
    for member, (unit_key, _, _) in _VALIDITY.items():
        if member in client:
            client[member], units[unit_key] = parse_duration(client[member])
    if units:
        client["TokenValidityUnits"] = units
    return client


def client_replacement_reason(change: FieldChange) -> str | None:
    """GenerateSecret and a client's own ClientSecret are given only when it is created
    (botocore UpdateUserPoolClient has neither member)."""
    if change.path[:1] == ("GenerateSecret",):
        return ("GenerateSecret is fixed when a client is created (UpdateUserPoolClient "
                "has no such member): the new client gets a new id and secret")
    if change.path[:1] == ("ClientSecret",):
        return ("a client's own ClientSecret is given when it is created (UpdateUserPoolClient "
                "has no such member): the new client gets a new id")
    return None


def client_update(name: str, written: Mapping[str, Any], found: Mapping[str, Any],
                  live: Mapping[str, Any], expected: Mapping[str, Any]) -> dict[str, Any]:
    """UpdateUserPoolClient resets what it is not sent: the full payload (client_payload)."""
    return {"ClientId": found["ClientId"], **client_payload(name, expected, live)}


def client_recreated(name: str, written: Mapping[str, Any], found: Mapping[str, Any],
                     live: Mapping[str, Any]) -> tuple[dict[str, Any], tuple[str, ...]]:
    """A client created again: everything the file does not write is carried over from
    the live one; the note says what its applications must update."""
    params = {**client_payload(name, {}, live), **dict(written), "ClientName": name}
    return params, (client_note(str(found.get("ClientId")), params),)


def client_note(client_id: str, create: Mapping[str, Any]) -> str:
    """What a client created again means for its applications (``create``: the
    CreateUserPoolClient request): a new id always; a new secret when Cognito generates
    one, the file's when the file gives it (botocore ClientSecret), none otherwise."""
    if create.get("ClientSecret"):
        secret = ", with the secret the file gives"
    elif create.get("GenerateSecret"):
        secret = ", and so does its secret (a new one is generated)"
    else:
        secret = " (it has no secret)"
    return (f"The client id ({client_id}) changes{secret}: every application using this "
            "client must be updated.")


CLIENTS = Kind("clients", "client", "app client", "ClientName", "CreateUserPoolClient",
               "UpdateUserPoolClient", "DeleteUserPoolClient",
               canonical_live_client, canonical_desired_client, client_update,
               defaults=lambda written: CLIENT_DEFAULTS,
               replacement_reason=client_replacement_reason, recreated=client_recreated,
               id_member="ClientId")


def client_in_new_pool(name: str, written: Mapping[str, Any], found: Mapping[str, Any]
                       ) -> dict[str, Any]:
    """The CreateUserPoolClient members (but UserPoolId) of a live client created again
    in a replaced pool: the file's members, the live ones it does not write carried over
    (nothing the user did not write is lost)."""
    carried = client_payload(name, {}, canonical_live_client(found))
    return {**carried, **dict(written), "ClientName": name}


def client_note_in_new_pool(client_id: str, create: Mapping[str, Any]) -> str:
    """What a client created again in a replaced pool means for its applications
    (``create``: the CreateUserPoolClient request): a new id, and a new secret when
    Cognito generates one."""
    secret = bool(create.get("GenerateSecret")) and not create.get("ClientSecret")
    return (f"The client id ({client_id}) changes"
            + (", and so does its secret (a new one is generated)" if secret else "")
            + ": every application using this client must be updated.")


# --------------------------------------------------------------------------- references

STANDARD_SCOPES = frozenset({"openid", "email", "phone", "profile",
                             "aws.cognito.signin.user.admin"})


def check_references(cfg: PoolConfig, prune: bool, upserts: list[ObjectPlan],
                     clients: Mapping[str, Mapping[str, Any]] | None,
                     providers: Mapping[str, Any] | None,
                     resource_servers: Mapping[str, Mapping[str, Any]] | None
                     ) -> list[ObjectPlan]:
    """A client may name only providers and custom scopes that the file defines or the
    pool keeps ("The provider X does not exist for User Pool Y": aws/aws-cdk #15850;
    ScopeDoesNotExistException).
    Checked before any write: such a client cannot be applied. ``clients``,
    ``providers`` and ``resource_servers``: the live ones (None: not read)."""
    if cfg.clients is None:
        return upserts
    names = _names(cfg.identity_providers, providers, prune)
    scopes = {f"{identifier}/{scope['ScopeName']}"
              for identifier, server in _items(cfg.resource_servers, resource_servers,
                                               prune).items()
              for scope in server.get("Scopes") or []}
    out = []
    for obj in upserts:
        name = obj.address.rsplit("/", 1)[-1]
        client = _client_after(cfg.clients.get(name), (clients or {}).get(name)
                               ) if obj.kind == "client" else None
        problems = _client_reference_problems(client, names, scopes) if client else []
        out.append(replace(obj, action=Action.CANNOT_APPLY, reason="; ".join(problems),
                           calls=(), where=("clients", name)) if problems else obj)
    return out


def _client_after(written: Mapping[str, Any] | None, found: Mapping[str, Any] | None
                  ) -> Mapping[str, Any] | None:
    """A client as the update leaves it: the members the file writes, and the live ones
    it carries over (a carried provider or scope must still exist after the run)."""
    if written is None:
        return None
    carried = {member: found[member] for member in ("SupportedIdentityProviders",
                                                    "AllowedOAuthScopes")
               if found is not None and member not in written and member in found}
    return {**carried, **dict(written)}


def _client_reference_problems(client: Mapping[str, Any], providers: Collection[str],
                               scopes: Collection[str]) -> list[str]:
    problems = []
    for provider in client.get("SupportedIdentityProviders") or []:
        if provider != "COGNITO" and provider not in providers:
            problems.append(f"names identity provider {provider!r}, which the pool will "
                            "not have after this run (neither the file nor the live pool it "
                            "keeps defines it)")
    for scope in client.get("AllowedOAuthScopes") or []:
        if "/" in scope and scope not in scopes and scope not in STANDARD_SCOPES:
            problems.append(f"names OAuth scope {scope!r}, which no resource server will "
                            "have after this run (in the file or the live pool it keeps)")
    return problems


def _names(desired: Mapping[str, Any] | None, live: Mapping[str, Any] | None,
           prune: bool) -> set[str]:
    return set(_items(desired, live, prune))


def _items(desired: Mapping[str, Any] | None, live: Mapping[str, Any] | None,
           prune: bool) -> dict[str, Any]:
    """What the pool will hold after apply: the file's items, plus live ones it keeps."""
    kept = {} if (desired is not None and prune) else dict(live or {})
    return {**kept, **dict(desired or {})}


# --------------------------------------------------------------------------- hosted UI


def sign_in_urls(cfg: PoolConfig, domains: tuple[Mapping[str, Any], ...],
                 clients: Mapping[str, Mapping[str, Any]] | None) -> list[tuple[str, str]]:
    """The hosted UI sign-in URL of each client the file manages (``clients``: the live
    ones, as described), on the file's domain or else the live one."""
    domain = cfg.domain or (canonical_live_domain(domains[0]) if domains else None)
    # Clients the file does not manage are read only for a provider's replacement
    # (engine.plan): their URLs are not this plan's to show.
    if domain is None or not clients or cfg.clients is None:
        return []
    urls = []
    for name, client in sorted(clients.items()):
        if cfg.clients is not None and name not in cfg.clients:
            continue
        url = sign_in_url(domain, cfg.region, str(client["ClientId"]), client)
        if url:
            urls.append((name, url))
    return urls


# --------------------------------------------------------------------------- export


def export_client(client: Mapping[str, Any]) -> dict[str, Any]:
    """DescribeUserPoolClient as CreateUserPoolClient members. The client secret is
    never exported: ``GenerateSecret: true`` says the client has one. Token validities
    are the API's numbers with every unit stated."""
    from poolsync.export import _member

    live = canonical_live_client(client)
    out: dict[str, Any] = {}
    for member in sorted(live):
        kept = _member(CLIENT_DEFAULTS.get(member, MISSING), live[member], "clients", member)
        if kept is not MISSING:
            out[member] = kept
    units: dict[str, str] = {}
    for member, unit_key in (("AccessTokenValidity", "AccessToken"),
                             ("IdTokenValidity", "IdToken"),
                             ("RefreshTokenValidity", "RefreshToken")):
        if member in out:
            out[member], units[unit_key] = parse_duration(out[member])
    if units:
        out["TokenValidityUnits"] = units
    return out


OPS = KindOps(
    reads=("ListUserPoolClients", "DescribeUserPoolClient"),
    writes=("CreateUserPoolClient", "UpdateUserPoolClient", "DeleteUserPoolClient"),
    category={**dict.fromkeys(("ListUserPoolClients", "DescribeUserPoolClient"),
                              "UserPoolClientRead"),
              **dict.fromkeys(("CreateUserPoolClient", "UpdateUserPoolClient",
                               "DeleteUserPoolClient"), "UserPoolClientUpdate")},
)


def export_from(live: Any, collected: Any) -> dict[str, Any] | None:
    """``clients`` of an export (``live``: a plan.LivePool). A client's secret is never
    written: it is withheld from the output (``collected.withheld``)."""
    clients = live.children.clients
    if not clients:
        return None
    collected.withheld |= {str(c["ClientSecret"]) for c in clients.values()
                           if c.get("ClientSecret")}
    return {n: export_client(c) for n, c in sorted(clients.items())}


def read_live(cognito: Any, pool: Any, described: Mapping[str, Any],
              so_far: Mapping[str, Any]) -> dict[str, Mapping[str, Any]] | None:
    """The pool's app clients by name, when the file manages clients. Cognito does not
    keep client names unique (botocore CreateUserPoolClient has no error for a name in
    use; a client's key is its ClientId), but poolsync addresses clients by name: two
    clients of one name would hide one of them from plan, drift and prune. Raised as a
    LiveStateError naming both ids. The other collections are unique by API:
    GroupName (CreateGroup: GroupExistsException), ProviderName
    (CreateIdentityProvider: DuplicateProviderException), a resource server's
    Identifier (its key in DescribeResourceServer), and a pool has at most one prefix
    and one custom domain (DescribeUserPool's Domain and CustomDomain)."""
    if pool.clients is None:
        return None
    return read_all(cognito, described)


def read_all(cognito: Any, described: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """Every app client of the pool, described, by name (``read_live``)."""
    pool_id = str(described["Id"])
    ids = unique_ids(cognito.list_clients(pool_id), described)
    return {name: cognito.describe_client(pool_id, found) for name, found in ids.items()}


def unique_ids(listed: Any, described: Mapping[str, Any]) -> dict[str, str]:
    """ListUserPoolClients' answer as name -> id; LiveStateError when two clients share
    a name (``read_live``): an entry keyed by that name could not tell them apart."""
    from poolsync.errors import LiveStateError

    pool_id = str(described["Id"])
    ids: dict[str, list[str]] = {}
    for client in listed:
        ids.setdefault(str(client["ClientName"]), []).append(str(client["ClientId"]))
    twice = {name: found for name, found in ids.items() if len(found) > 1}
    if twice:
        named = "; ".join(f"{len(found)} named {name!r} ({', '.join(found)})"
                          for name, found in sorted(twice.items()))
        raise LiveStateError(
            f"the pool {described.get('Name')!r} ({pool_id}) has app clients with the same "
            f"name: {named}. Cognito allows it, but poolsync finds clients by name and would "
            "see only one of each. Rename one (in the console) or delete the one not in use "
            f"(aws cognito-idp delete-user-pool-client --user-pool-id {pool_id} "
            "--client-id ID), then run again."
        )
    return {name: found[0] for name, found in ids.items()}
