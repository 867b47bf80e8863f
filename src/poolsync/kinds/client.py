"""App clients (CreateUserPoolClient, UpdateUserPoolClient, DeleteUserPoolClient, in
the UserPoolClientUpdate quota category; read with ListUserPoolClients and
DescribeUserPoolClient, in UserPoolClientRead, by ``read_live``): token
validities as durations, Cognito's defaults, the canonical shapes, the full update
payload, what only a new client changes and what that means for its applications, the
plan's client checks (the providers and scopes a client names must exist after the run)
and sign-in URLs, the export, and the offline rules (OAuth flows, redirect URLs, auth
flows, secrets, token validities, the scopes and providers a client names).

Pure: no AWS. ``poolsync.export`` is imported where it is used: it imports this module.
The rules' helpers come from ``poolsync.rules``, which imports this module only when it
first runs its rules.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

from poolsync.kinds.base import CollectionSpec, Kind, KindOps, PlanContext
from poolsync.kinds.domain import canonical_live_domain, sign_in_url
from poolsync.model import MISSING, Action, FieldChange, ObjectPlan, PoolConfig, Problem
from poolsync.normalize import UNKNOWN, WhenPresent, sort_sets
from poolsync.rules import _dig, _list, _mapping, _Pool, _strings, _unknown

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


CLIENTS = CollectionSpec("clients", "client", "app client", "ClientName", "CreateUserPoolClient",
               "UpdateUserPoolClient", "DeleteUserPoolClient",
               canonical_live_client, canonical_desired_client, client_update,
               defaults=lambda written: CLIENT_DEFAULTS,
               replacement_reason=client_replacement_reason, recreated=client_recreated,
               id_member="ClientId", secret_path=lambda path: path[:1] == ("ClientSecret",),
               in_new_pool=lambda name, written, found: client_in_new_pool(name, written, found),
               renewal_note=lambda found, create: client_note_in_new_pool(
                   str(found.get("ClientId", "unknown")), create))


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

# The OAuth scopes every pool has (botocore AllowedOAuthScopes doc).
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


# --------------------------------------------------------------------------- rules
# Offline rules over the pool as written (``rules._Pool``); ``rules._rules()`` lists them
# in the order their problems are reported.

# The legacy ExplicitAuthFlows values, which cannot be mixed with the ALLOW_* ones, and
# the ALLOW_* value that replaces each (botocore ExplicitAuthFlows: ALLOW_ADMIN_USER_PASSWORD_AUTH
# "replaces the ADMIN_NO_SRP_AUTH setting").
LEGACY_AUTH_FLOWS = {
    "ADMIN_NO_SRP_AUTH": "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "CUSTOM_AUTH_FLOW_ONLY": "ALLOW_CUSTOM_AUTH",
    "USER_PASSWORD_AUTH": "ALLOW_USER_PASSWORD_AUTH",
}
# Plain-HTTP redirect hosts Cognito accepts, for testing (botocore CallbackURLs).
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]"})

MINUTE, HOUR, DAY = 60, 3600, 86400
TIME_UNITS = {"seconds": 1, "minutes": MINUTE, "hours": HOUR, "days": DAY}


@dataclass(frozen=True)
class _ValidityRange:
    """One token validity member: its unit key, default unit and effective range (Terraform
    config validators in user_pool_client.go; botocore member docs)."""

    member: str
    unit_key: str
    default_unit: str
    low: int  # seconds
    high: int  # seconds
    range_text: str


_SHORT = "5 minutes to 1 day"
TOKEN_VALIDITIES = (
    _ValidityRange("AccessTokenValidity", "AccessToken", "hours", 5 * MINUTE, DAY, _SHORT),
    _ValidityRange("IdTokenValidity", "IdToken", "hours", 5 * MINUTE, DAY, _SHORT),
    # 10 years is botocore's RefreshTokenValidity maximum, 315360000 seconds (3650 days).
    _ValidityRange(
        "RefreshTokenValidity", "RefreshToken", "days", 60 * MINUTE, 3650 * DAY,
        "60 minutes to 10 years",
    ),
)


def _and(words: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return " and ".join(filter(None, (", ".join(words[:-1]), words[-1])))


def _has_secret(client: Mapping[str, Any]) -> bool:
    """A client has a secret when Cognito generates one or the file gives one (botocore
    GenerateSecret, ClientSecret)."""
    return client.get("GenerateSecret") is True or isinstance(client.get("ClientSecret"), str)


def default_redirect_not_a_callback(pool: _Pool) -> Iterator[Problem]:
    """DefaultRedirectURI "Must be in the CallbackURLs list" (botocore DefaultRedirectURI)."""
    for client, path in pool.each_client():
        default = client.get("DefaultRedirectURI")
        if not isinstance(default, str) or _unknown(default):
            continue
        callbacks = _strings(client.get("CallbackURLs"))
        if default in callbacks or any(_unknown(url) for url in callbacks):
            continue
        yield Problem(
            "DefaultRedirectURI must be one of the client's CallbackURLs",
            (*path, "DefaultRedirectURI"),
        )


def client_credentials_flow(pool: _Pool) -> Iterator[Problem]:
    """client_credentials must be the only allowed OAuth flow, and needs a client secret
    ("you must add client_credentials as the only allowed OAuth flow"; the grant is
    "authorized by a combination of the client ID and client secret": botocore
    AllowedOAuthFlows)."""
    for client, path in pool.each_client():
        flows = _strings(client.get("AllowedOAuthFlows"))
        if "client_credentials" not in flows:
            continue
        where = (*path, "AllowedOAuthFlows")
        others = sorted({f for f in flows if f != "client_credentials" and not _unknown(f)})
        if others:
            yield Problem(
                f"client_credentials must be the only OAuth flow of a client (here with "
                f"{_and(others)}): use a separate client for {_and(others)}",
                where,
            )
        if not _has_secret(client):
            yield Problem(
                "the client_credentials flow needs a client secret: set GenerateSecret: true",
                where,
            )


def oauth_without_user_pool_client_flag(pool: _Pool) -> Iterator[Problem]:
    """AllowedOAuthFlowsUserPoolClient "must have a value of true before you can
    configure" callback and logout URLs, OAuth scopes and flows (botocore); it defaults to
    false."""
    for client, path in pool.each_client():
        flag = client.get("AllowedOAuthFlowsUserPoolClient")
        if flag is True or _unknown(flag):
            continue
        written = [
            member
            for member in ("AllowedOAuthFlows", "AllowedOAuthScopes", "CallbackURLs", "LogoutURLs")
            if _strings(client.get(member))
        ]
        if not written:
            continue
        if flag is False:
            state, where = "it is false", (*path, "AllowedOAuthFlowsUserPoolClient")
        else:
            state, where = "not written, it is false", (*path, written[0])
        yield Problem(
            f"{_and(written)} {'needs' if len(written) == 1 else 'need'} "
            f"AllowedOAuthFlowsUserPoolClient: true ({state})",
            where,
        )


def code_or_implicit_without_callback(pool: _Pool) -> Iterator[Problem]:
    """The code and implicit flows redirect to a callback URL: Cognito refuses them with
    no CallbackURLs ("InvalidOAuthFlowException: CallbackUrls can not be empty when code
    flow or implicit flow is selected": cisagov/crossfeed #440,
    awslabs/nx-plugin-for-aws #784)."""
    for client, path in pool.each_client():
        flows = sorted(set(_strings(client.get("AllowedOAuthFlows"))) & {"code", "implicit"})
        if flows and client.get("CallbackURLs") in (None, []):
            flow = f"the {_and(flows)} flow{'s need' if len(flows) > 1 else ' needs'}"
            yield Problem(
                f"{flow} at least one CallbackURLs entry", (*path, "AllowedOAuthFlows")
            )


def redirect_urls(pool: _Pool) -> Iterator[Problem]:
    """A redirect URL is absolute, has no fragment, and uses HTTPS unless it is
    http://localhost, http://127.0.0.1 or http://[::1] (any port); app schemes such as
    myapp://example are fine (botocore CallbackURLs, OAuth 2.0 §3.1.2). botocore states it for
    callback URLs; poolsync holds logout URLs to the same rules."""
    for client, path in pool.each_client():
        for member in ("CallbackURLs", "LogoutURLs"):
            for index, url in enumerate(_list(client.get(member))):
                if not isinstance(url, str) or _unknown(url):
                    continue
                fault = _redirect_fault(url)
                if fault:
                    yield Problem(fault, (*path, member, index))


def _redirect_fault(url: str) -> str:
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:  # an invalid IPv6 literal or port
        return f"{json.dumps(url)} is not a valid URL"
    if not parts.scheme:
        return f"{json.dumps(url)} is not an absolute URL (write its scheme, such as https://)"
    if "#" in url:
        return f"{json.dumps(url)} has a fragment (#...): a redirect URL must not have one"
    if parts.scheme.lower() == "http":
        shown = f"[{host}]" if host and ":" in host else host
        if shown not in LOOPBACK_HOSTS:
            return (
                f"{json.dumps(url)} must use https: plain http is only allowed for "
                "localhost, 127.0.0.1 and [::1]"
            )
    return ""


def mixed_explicit_auth_flows(pool: _Pool) -> Iterator[Problem]:
    """The legacy ExplicitAuthFlows values (ADMIN_NO_SRP_AUTH, CUSTOM_AUTH_FLOW_ONLY,
    USER_PASSWORD_AUTH) cannot be assigned together with ALLOW_* ones (botocore
    ExplicitAuthFlows)."""
    for client, path in pool.each_client():
        flows = _strings(client.get("ExplicitAuthFlows"))
        legacy = sorted({f for f in flows if f in LEGACY_AUTH_FLOWS})
        if legacy and any(f.startswith("ALLOW_") for f in flows):
            instead = _and([f"{LEGACY_AUTH_FLOWS[f]} instead of {f}" for f in legacy])
            yield Problem(
                f"legacy values cannot be mixed with ALLOW_* values: write {instead}",
                (*path, "ExplicitAuthFlows"),
            )


def user_context_data_without_secret(pool: _Pool) -> Iterator[Problem]:
    """"You can only activate EnablePropagateAdditionalUserContextData in an app client
    that has a client secret" (botocore)."""
    for client, path in pool.each_client():
        if client.get("EnablePropagateAdditionalUserContextData") is True and not _has_secret(
            client
        ):
            yield Problem(
                "EnablePropagateAdditionalUserContextData needs a client secret: set "
                "GenerateSecret: true",
                (*path, "EnablePropagateAdditionalUserContextData"),
            )


def generate_secret_with_client_secret(pool: _Pool) -> Iterator[Problem]:
    """"You cannot specify both GenerateSecret as true and provide a ClientSecret value"
    (botocore ClientSecret)."""
    for client, path in pool.each_client():
        if client.get("GenerateSecret") is True and "ClientSecret" in client:
            yield Problem(
                "ClientSecret cannot be given with GenerateSecret: true (Cognito generates "
                "the secret): remove one",
                (*path, "ClientSecret"),
            )


def token_validity(pool: _Pool) -> Iterator[Problem]:
    """Token validities are read in TokenValidityUnits (defaults hours, hours, days) and
    must last 5 minutes to 1 day (access, ID) or 60 minutes to 10 years (refresh);
    RefreshTokenValidity 0 means the default 30 days (botocore member docs; Terraform config
    validators in user_pool_client.go). The schema leaves the raw number
    ranges to this rule (schema.py)."""
    for client, path in pool.each_client():
        units = _mapping(client.get("TokenValidityUnits"))
        for validity in TOKEN_VALIDITIES:
            value = client.get(validity.member)
            if not isinstance(value, int) or isinstance(value, bool):
                continue
            if validity.member == "RefreshTokenValidity" and value == 0:
                continue
            unit = units.get(validity.unit_key, validity.default_unit)
            if not isinstance(unit, str) or unit not in TIME_UNITS:
                continue  # the schema reports the unit
            seconds = value * TIME_UNITS[unit]
            if validity.low <= seconds <= validity.high:
                continue
            if validity.unit_key in units:
                why = f"in TokenValidityUnits.{validity.unit_key}"
            else:
                why = f"the default unit; set TokenValidityUnits.{validity.unit_key} for another"
            yield Problem(
                f"{value} {unit} ({why}) is outside the allowed {validity.range_text}",
                (*path, validity.member),
            )


def client_names_what_the_file_does_not_define(pool: _Pool) -> Iterator[Problem]:
    """A client's scope is a standard one or a resource server's
    ``<identifier>/<scope>``, which must exist ("Invalid scope requested",
    ScopeDoesNotExistException: awsdocs/aws-cloudformation-user-guide #564), and so must
    every provider in
    SupportedIdentityProviders ("The provider X does not exist for User Pool Y":
    aws/aws-cdk #15850). Offline this is proven only where the file alone decides: a
    resource server the file writes has exactly the file's scopes (UpdateResourceServer
    replaces them), and with ``prune: true`` the pool keeps only the file's providers.
    The planner checks the rest against the live pool."""
    servers = {k: v for k, v in pool.resource_servers.items() if isinstance(v, Mapping)}
    providers = set(pool.identity_providers) | {"COGNITO"}
    for client, path in pool.each_client():
        for index, scope in enumerate(_list(client.get("AllowedOAuthScopes"))):
            if not isinstance(scope, str) or _unknown(scope):
                continue
            if "/" not in scope and scope not in STANDARD_SCOPES:
                yield Problem(
                    f"scope {json.dumps(scope)} is neither a standard scope "
                    f"({', '.join(sorted(STANDARD_SCOPES))}) nor a resource server's "
                    "<identifier>/<scope>", (*path, "AllowedOAuthScopes", index))
                continue
            if "/" not in scope:
                continue
            identifier, _, name = scope.rpartition("/")
            server = servers.get(identifier)
            if server is None:
                continue
            names = {n for s in _list(server.get("Scopes")) if isinstance(n := _dig(s, "ScopeName"), str)}
            if name not in names:
                yield Problem(
                    f"scope {json.dumps(name)} is not among the scopes of resource server "
                    f"{json.dumps(identifier)} in this file",
                    (*path, "AllowedOAuthScopes", index))
        if not (pool.prune and pool.providers_managed):
            continue
        for index, name in enumerate(_list(client.get("SupportedIdentityProviders"))):
            if isinstance(name, str) and not _unknown(name) and name not in providers:
                yield Problem(
                    f"identity provider {json.dumps(name)} is not defined in this file, and "
                    "prune: true removes every other provider from the pool",
                    (*path, "SupportedIdentityProviders", index))


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


def _planned_items(ctx: PlanContext) -> Any:
    """The clients' objects, each checked for the providers and scopes it names."""
    from poolsync.kinds.planner import Items, plan_items

    items = plan_items(CLIENTS, ctx)
    live = ctx.children
    return Items(check_references(ctx.cfg, ctx.prune, items.upserts, live.clients,
                                  live.providers, live.resource_servers), items.removals)


def plan(ctx: PlanContext) -> list[ObjectPlan]:
    return check_attributes(ctx, _planned_items(ctx).objects)


def in_new_pool(ctx: PlanContext) -> list[ObjectPlan]:
    from poolsync.kinds.planner import items_in_new_pool

    return check_attributes(ctx, items_in_new_pool(CLIENTS, ctx, _planned_items))


def check_attributes(ctx: PlanContext, objects: list[ObjectPlan]) -> list[ObjectPlan]:
    """A client reads and writes only attributes the pool has after apply, standard or
    custom, the file's and the live ones counted: Cognito refuses the client ("Invalid
    read attributes specified while creating a client"; botocore ReadAttributes/
    WriteAttributes docs; aws/aws-cdk #20760) after earlier calls of the run were made,
    so this is checked before any write."""
    from poolsync.kinds.pool import attributes_after, refuse_problems
    from poolsync.normalize import live_attribute_key

    if not ctx.cfg.clients:
        return objects
    attributes = attributes_after(ctx.cfg, ctx.live)

    def problems(name: str) -> list[tuple[tuple[str | int, ...], str]]:
        client = ctx.cfg.clients.get(name) or {}
        return [(("clients", name, member, index),
                 f"{member} names {key!r}, an attribute that neither the file nor the pool "
                 "defines")
                for member in ("ReadAttributes", "WriteAttributes")
                for index, key in enumerate(client.get(member) or [])
                if isinstance(key, str) and live_attribute_key(key) not in attributes]

    return refuse_problems(objects, problems)


def urls(ctx: PlanContext, objects: list[ObjectPlan]) -> list[tuple[str, str]]:
    """The hosted UI sign-in URL of each client the file manages on a live pool that
    stays (a client replaced gets a new id: its URL today is about to go)."""
    if ctx.live is None or ctx.replacing:
        return []
    replaced = {o.address.rsplit("/", 1)[-1] for o in objects
                if o.kind == "client" and o.action is Action.REPLACE}
    live = ctx.children
    return [(n, u) for n, u in sign_in_urls(ctx.cfg, live.domains, live.clients)
            if n not in replaced]


KIND = Kind("clients", "client", plan, OPS.reads, OPS.writes, OPS.category,
            apply_reads=OPS.apply_reads,
            in_new_pool=in_new_pool, sign_in_urls=urls, removals_last=True, prunes=True,
            rules=(default_redirect_not_a_callback, client_credentials_flow,
                   oauth_without_user_pool_client_flag, code_or_implicit_without_callback,
                   redirect_urls, mixed_explicit_auth_flows, user_context_data_without_secret,
                   generate_secret_with_client_secret, token_validity,
                   client_names_what_the_file_does_not_define))
