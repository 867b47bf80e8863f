"""The pool's sub-resources: app clients, identity providers, the hosted-UI domain,
groups and resource servers. The kinds move to one module each in ``poolsync.kinds``
(docs/design/resource-kinds.md): groups, resource servers, the domain and identity
providers have; this module
re-exports their names, so ``from poolsync.children import X`` keeps working.

For each kind still here, in one place: its canonical shape (each Cognito quirk a named function
saying which AWS behaviour it absorbs and its public source), its defaults,
what only a replacement can change, and the exact request payloads. Pure: no AWS.

Ownership inside an item follows the pool's settings (README, ownership): a member the file
writes is owned, a member it leaves out is carried over unchanged on every full-payload
update, and inside an owned member a field left out means Cognito's default.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from poolsync.kinds.base import Kind
from poolsync.kinds.domain import (
    DOMAIN_DEFAULTS,
    canonical_live_domain,
    custom_first,
    domain_replacement_reason,
    sign_in_url,
)
from poolsync.kinds.group import GROUPS
from poolsync.kinds.identity_provider import (
    PROVIDERS,
    SECRET_DETAILS,
    SERVER_DETAIL_KEYS,
    WRITE_ONLY_DETAILS,
    canonical_desired_provider,
    canonical_live_provider,
    fingerprint,
    fingerprint_matches,
    is_secret_path,
    private_key_location,
    provider_create_payload,
    provider_defaults,
    provider_recreated,
    provider_replacement_reason,
    provider_update,
    provider_update_payload,
    scopes_as_set,
    sent_secrets,
    written_secrets,
)
from poolsync.kinds.resource_server import (
    RESOURCE_SERVER_DEFAULTS,
    RESOURCE_SERVERS,
    canonical_resource_server,
    resource_server_payload,
    resource_server_update,
)
from poolsync.model import FieldChange
from poolsync.normalize import UNKNOWN, WhenPresent, sort_sets

# Every name other modules and the tests import from here, the moved ones included
# (kinds/*.py): ``from poolsync.children import X`` keeps working.
__all__ = [
    "CLIENTS",
    "CLIENT_DEFAULTS",
    "CLIENT_READ_ONLY",
    "COLLECTIONS",
    "DOMAIN_DEFAULTS",
    "GROUPS",
    "PROVIDERS",
    "RESOURCE_SERVERS",
    "RESOURCE_SERVER_DEFAULTS",
    "SECRET_DETAILS",
    "SERVER_DETAIL_KEYS",
    "WRITE_ONLY_DETAILS",
    "canonical_desired_client",
    "canonical_desired_provider",
    "canonical_live_client",
    "canonical_live_domain",
    "canonical_live_provider",
    "canonical_resource_server",
    "client_note",
    "client_payload",
    "client_recreated",
    "client_replacement_reason",
    "client_update",
    "custom_first",
    "domain_replacement_reason",
    "drop_service_linked_analytics_role",
    "effective_token_validity",
    "fingerprint",
    "fingerprint_matches",
    "format_duration",
    "is_secret_path",
    "parse_duration",
    "private_key_location",
    "provider_create_payload",
    "provider_defaults",
    "provider_recreated",
    "provider_replacement_reason",
    "provider_update",
    "provider_update_payload",
    "resource_server_payload",
    "resource_server_update",
    "scopes_as_set",
    "secret_generated",
    "sent_secrets",
    "sign_in_url",
    "written_secrets",
]

# --------------------------------------------------------------------------- clients

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


# --------------------------------------------------------------------------- kinds
#
# What the planner needs of each collection, as members of its Kind (kinds/base.py),
# so that the planner names no kind (docs/design/resource-kinds.md): Cognito's
# defaults, what only a replacement changes, the request members that name an item,
# and the exact update and re-create payloads. Each function states the behaviour it
# encodes. Groups, resource servers, the domain and identity providers have moved to
# kinds/; clients follow.


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
# In the order they are created (deleted in reverse): providers and resource servers
# before the clients that name them, groups last.
COLLECTIONS: tuple[Kind, ...] = (PROVIDERS, RESOURCE_SERVERS, CLIENTS, GROUPS)
