"""Sub-resources, pure: canonical shapes against recorded real responses, and plans."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest

from poolsync.kinds.base import LiveChildren
from poolsync.kinds.client import format_duration, parse_duration
from poolsync.kinds.identity_provider import fingerprint, private_key_location
from poolsync.model import Action, ObjectPlan, PoolConfig
from poolsync.plan import LivePool, plan_pool
from tests.conftest import FIXTURES

RESPONSES = FIXTURES / "real-responses"
POOL = "eu-west-1_EXAMPLE"
CERT_A = "arn:aws:acm:us-east-1:123456789012:certificate/1111aaaa-1111-1111-1111-111111111111"
CERT_B = "arn:aws:acm:us-east-1:123456789012:certificate/2222bbbb-2222-2222-2222-222222222222"


def _json(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((RESPONSES / name).read_text())
    return data


def _cfg(**collections: Any) -> PoolConfig:
    return PoolConfig("app", "eu-west-1", {}, **collections)


@dataclass(frozen=True)
class _Children:
    objects: list[ObjectPlan]
    sign_in_urls: list[tuple[str, str]]


def plan_children(cfg: PoolConfig, pool_id: str, live: LiveChildren) -> _Children:
    """The plan of a live pool that holds ``live`` and whose settings the file leaves as
    they are: its sub-resources' objects, in apply order (plan.plan_pool)."""
    pool = LivePool({"Id": pool_id, "Name": cfg.name}, {}, live)
    planned = plan_pool(cfg, pool)
    return _Children([o for o in planned.objects if o.kind not in ("pool", "mfa")],
                     list(planned.sign_in_urls))


# Provider details as a user writes them, for each recorded Describe response.
WRITTEN_DETAILS = {
    "google": ("Google", {"client_id": "1example23456789.apps.googleusercontent.com",
                          "client_secret": "provider-app-client-secret",
                          "authorize_scopes": "openid email profile"}),
    "facebook": ("Facebook", {"client_id": "1example23456789",
                              "client_secret": "provider-app-client-secret",
                              "authorize_scopes": "public_profile,email",
                              "api_version": "v17.0"}),
    "loginwithamazon": ("LoginWithAmazon", {
        "client_id": "amzn1.application-oa2-client.1example23456789",
        "client_secret": "provider-app-client-secret", "authorize_scopes": "profile postal_code"}),
    "signinwithapple": ("SignInWithApple", {
        "client_id": "com.example.cognito", "team_id": "2EXAMPLE", "key_id": "1EXAMPLE",
        "private_key": "-----BEGIN PRIVATE KEY-----\nMIGT...\n-----END PRIVATE KEY-----",
        "authorize_scopes": "email name"}),
    "oidc": ("OIDC", {"client_id": "1example23456789",
                      "client_secret": "provider-app-client-secret",
                      "attributes_request_method": "GET",
                      "oidc_issuer": "https://auth.example.com",
                      "authorize_scopes": "openid profile email"}),
    "saml": ("SAML", {"MetadataURL": "https://auth.example.com/sso/saml/metadata"}),
}


@pytest.mark.parametrize("name", sorted(WRITTEN_DETAILS))
def test_keys_cognito_adds_to_provider_details_never_show_as_drift(name: str) -> None:
    provider_type, details = WRITTEN_DETAILS[name]
    recorded = _json(f"describe_identity_provider.{name}.provider-details-only."
                     "botocore-1.43.11-model-doc.json")["ProviderDetails"]
    live = {"ProviderName": "X", "ProviderType": provider_type, "ProviderDetails": recorded,
            "AttributeMapping": {"username": "sub"}, "IdpIdentifiers": []}
    written = {"ProviderType": provider_type, "ProviderDetails": details}
    # The write-only Apple key is compared by the fingerprint poolsync recorded.
    recorded = ({"poolsync:private_key:X": fingerprint(
        details["private_key"], private_key_location("app/identity_providers/X"))}
                if "private_key" in details else {})
    plans = plan_children(_cfg(identity_providers={"X": written}), POOL,
                          LiveChildren(providers={"X": live}, fingerprints=recorded))
    (obj,) = plans.objects
    assert obj.action is Action.NOOP, [ (c.path, c.before, c.after) for c in obj.changes]


def test_a_real_provider_change_is_still_found_and_the_secret_is_sensitive() -> None:
    provider_type, details = WRITTEN_DETAILS["google"]
    recorded = _json("describe_identity_provider.google.provider-details-only."
                     "botocore-1.43.11-model-doc.json")["ProviderDetails"]
    live = {"ProviderType": provider_type, "ProviderDetails": recorded}
    written = {"ProviderType": provider_type,
               "ProviderDetails": {**details, "client_secret": "rotated",
                                   "authorize_scopes": "openid email"}}
    (obj,) = plan_children(_cfg(identity_providers={"Google": written}), POOL,
                           LiveChildren(providers={"Google": live})).objects
    assert obj.action is Action.UPDATE
    by_path = {c.path: c for c in obj.changes}
    assert by_path[("ProviderDetails", "client_secret")].sensitive
    assert by_path[("ProviderDetails", "authorize_scopes")].after == "email openid"
    (call,) = obj.calls
    assert call.operation == "UpdateIdentityProvider"
    # The keys Cognito adds are never sent back.
    assert set(call.params["ProviderDetails"]) == set(written["ProviderDetails"])


def test_the_recorded_facebook_provider_plans_clean_with_its_default_mapping() -> None:
    live = _json("describe_identity_provider.facebook.aws-cli-example-2019.json")[
        "IdentityProvider"]
    written = {"ProviderType": "Facebook",
               "ProviderDetails": {"client_id": "11111", "client_secret": "11111",
                                   "authorize_scopes": "myscope"},
               "AttributeMapping": {}}
    (obj,) = plan_children(_cfg(identity_providers={"Facebook": written}), POOL,
                           LiveChildren(providers={"Facebook": live})).objects
    assert obj.action is Action.NOOP


def test_provider_type_change_is_a_replacement() -> None:
    live = {"ProviderType": "OIDC", "ProviderDetails": {"client_id": "a"}}
    written = {"ProviderType": "SAML", "ProviderDetails": {"MetadataURL": "https://x/m"}}
    (obj,) = plan_children(_cfg(identity_providers={"Corp": written}), POOL,
                           LiveChildren(providers={"Corp": live})).objects
    assert obj.action is Action.REPLACE
    assert [c.operation for c in obj.calls] == ["DeleteIdentityProvider", "CreateIdentityProvider"]


# --------------------------------------------------------------------------- clients


def test_the_recorded_2024_client_plans_clean_against_the_settings_it_states() -> None:
    live = _json("create_user_pool_client.aws-cli-example-2024.json")["UserPoolClient"]
    written = {
        "GenerateSecret": True, "RefreshTokenValidity": 10, "AccessTokenValidity": 1,
        "IdTokenValidity": 1,  # 60 minutes written as 1 hour compares equal
        "ReadAttributes": ["email", "email_verified", "phone_number", "phone_number_verified"],
        "WriteAttributes": ["email", "phone_number"],
        "ExplicitAuthFlows": ["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_PASSWORD_AUTH",
                              "ALLOW_USER_SRP_AUTH"],
        "SupportedIdentityProviders": ["Facebook", "Google", "MyOIDC"],
        "CallbackURLs": ["http://localhost:8001", "https://example.com",
                         "https://www.amazon.com", "myapp://example"],
        "AllowedOAuthFlows": ["code", "implicit"],
        "AllowedOAuthScopes": ["aws.cognito.signin.user.admin", "openid", "profile",
                               "solar-system-data/asteroids.add"],
        "AllowedOAuthFlowsUserPoolClient": True,
        "AnalyticsConfiguration": {
            "ApplicationArn": live["AnalyticsConfiguration"]["ApplicationArn"],
            "UserDataShared": True},
        "PreventUserExistenceErrors": "ENABLED", "EnableTokenRevocation": True,
        "EnablePropagateAdditionalUserContextData": True, "AuthSessionValidity": 4,
    }
    cfg = _cfg(clients={"MyTestClient": written})
    live_children = LiveChildren(
        clients={"MyTestClient": live},
        providers={"Facebook": {}, "Google": {}, "MyOIDC": {}},
        resource_servers={"solar-system-data": {"Scopes": [{"ScopeName": "asteroids.add"}]}},
    )
    (obj,) = plan_children(cfg, POOL, live_children).objects
    assert obj.action is Action.NOOP, [(c.path, c.before, c.after) for c in obj.changes]


def test_the_recorded_2025_client_with_empty_units_has_default_validities() -> None:
    live = _json("describe_user_pool_client.cli-v2-transcript-2025-08.json")["UserPoolClient"]
    written = {"RefreshTokenValidity": 30, "AccessTokenValidity": 60, "IdTokenValidity": 1,
               "TokenValidityUnits": {"AccessToken": "minutes"}, "GenerateSecret": True}
    (obj,) = plan_children(_cfg(clients={"devops-agent-client": written}), POOL,
                           LiveChildren(clients={"devops-agent-client": live},
                                        providers={}, resource_servers={})).objects
    assert obj.action is Action.NOOP, [(c.path, c.before, c.after) for c in obj.changes]


def test_client_update_sends_the_full_payload_with_units() -> None:
    live = _json("describe_user_pool_client.cli-v2-transcript-2025-08.json")["UserPoolClient"]
    written = {"CallbackURLs": ["https://localhost:3000/cb2"]}
    (obj,) = plan_children(_cfg(clients={"devops-agent-client": written}), POOL,
                           LiveChildren(clients={"devops-agent-client": live},
                                        providers={}, resource_servers={})).objects
    (call,) = obj.calls
    assert call.operation == "UpdateUserPoolClient"
    params = dict(call.params)
    assert params["ClientId"] == live["ClientId"]
    assert params["CallbackURLs"] == ["https://localhost:3000/cb2"]
    # Unwritten fields are carried from live, never left to reset.
    for member in ("LogoutURLs", "AllowedOAuthFlows", "AllowedOAuthScopes",
                   "ExplicitAuthFlows", "SupportedIdentityProviders", "AuthSessionValidity",
                   "EnableTokenRevocation"):
        assert params[member] == live[member], member
    assert params["RefreshTokenValidity"] == 30
    assert params["TokenValidityUnits"] == {"RefreshToken": "days"}
    assert "ClientSecret" not in params and "GenerateSecret" not in params
    assert live["ClientSecret"] not in json.dumps(obj.to_dict())


def test_generate_secret_change_is_a_client_replacement() -> None:
    live = _json("describe_user_pool_client.cli-v2-transcript-2025-08.json")["UserPoolClient"]
    (obj,) = plan_children(_cfg(clients={"devops-agent-client": {"GenerateSecret": False}}),
                           POOL, LiveChildren(clients={"devops-agent-client": live},
                                              providers={}, resource_servers={})).objects
    assert obj.action is Action.REPLACE
    assert [c.operation for c in obj.calls] == ["DeleteUserPoolClient", "CreateUserPoolClient"]
    create = obj.calls[1].params
    assert create["GenerateSecret"] is False
    assert create["CallbackURLs"] == live["CallbackURLs"]  # carried over


def test_client_naming_an_unknown_provider_or_scope_cannot_be_applied() -> None:
    cfg = _cfg(clients={"web": {"SupportedIdentityProviders": ["COGNITO", "Okta"],
                                "AllowedOAuthScopes": ["openid", "api/read"]}})
    (obj,) = plan_children(cfg, POOL, LiveChildren(clients={}, providers={},
                                                   resource_servers={})).objects
    assert obj.action is Action.CANNOT_APPLY
    assert "'Okta'" in obj.reason and "'api/read'" in obj.reason
    assert obj.calls == ()


def test_token_durations() -> None:
    assert format_duration(60) == "1h"
    assert format_duration(90) == "90m"
    assert format_duration(30 * 24 * 60) == "30d"
    assert parse_duration("90m") == (90, "minutes")


# --------------------------------------------------------------------------- prune, order


def _live_set() -> LiveChildren:
    return LiveChildren(
        clients={"old": {"ClientId": "c0ld", "ClientName": "old",
                         "SupportedIdentityProviders": ["Legacy"]}},
        providers={"Legacy": {"ProviderType": "OIDC", "ProviderDetails": {}}},
        groups={"stale": {"GroupName": "stale"}, f"{POOL}_Legacy": {"GroupName": "auto"}},
        resource_servers={"old-api": {"Identifier": "old-api", "Name": "Old"}},
    )


def test_without_prune_unmanaged_items_are_listed_and_nothing_is_deleted() -> None:
    cfg = _cfg(clients={}, identity_providers={}, groups={}, resource_servers={})
    plans = plan_children(cfg, POOL, _live_set())
    assert all(o.unmanaged and o.action is Action.NOOP and not o.calls for o in plans.objects)
    assert {o.address for o in plans.objects} == {
        "app/clients/old", "app/identity_providers/Legacy", "app/groups/stale",
        "app/resource_servers/old-api"}  # never the federation group


def test_with_prune_items_are_deleted_in_reverse_dependency_order() -> None:
    cfg = _cfg(clients={}, identity_providers={}, groups={}, resource_servers={}, prune=True)
    plans = plan_children(cfg, POOL, _live_set())
    assert [c.operation for o in plans.objects for c in o.calls] == [
        "DeleteGroup", "DeleteUserPoolClient", "DeleteResourceServer", "DeleteIdentityProvider"]


def test_a_provider_still_named_by_an_unmanaged_client_is_not_deleted() -> None:
    cfg = _cfg(identity_providers={}, prune=True)
    live = LiveChildren(clients={"old": {"ClientId": "c", "SupportedIdentityProviders":
                                         ["Legacy"]}},
                        providers={"Legacy": {"ProviderType": "OIDC"}})
    (obj,) = plan_children(cfg, POOL, live).objects
    assert obj.action is Action.CANNOT_APPLY and "old" in obj.reason


def test_creates_follow_dependency_order() -> None:
    cfg = _cfg(domain={"Domain": "app-auth"},
               clients={"web": {"SupportedIdentityProviders": ["Google"]}},
               groups={"admins": {}}, resource_servers={"api": {"Name": "API"}},
               identity_providers={"Google": {"ProviderType": "Google",
                                              "ProviderDetails": {"client_id": "x"}}})
    plans = plan_children(cfg, POOL, LiveChildren())
    assert [c.operation for o in plans.objects for c in o.calls] == [
        "CreateUserPoolDomain", "CreateIdentityProvider", "CreateResourceServer",
        "CreateUserPoolClient", "CreateGroup"]


# --------------------------------------------------------------------------- domain


def test_domain_prefix_change_is_a_replacement_and_certificate_change_in_place() -> None:
    live = _json("describe_user_pool_domain.prefix-domain.cli-v2-transcript-2025-08.json")[
        "DomainDescription"]
    (obj,) = plan_children(_cfg(domain={"Domain": "other-prefix"}), POOL,
                           LiveChildren(domains=(live,))).objects
    assert obj.action is Action.REPLACE
    (same,) = plan_children(_cfg(domain={"Domain": live["Domain"]}), POOL,
                            LiveChildren(domains=(live,))).objects
    assert same.action is Action.NOOP
    custom = {"Domain": "auth.example.com", "CustomDomainConfig": {"CertificateArn": CERT_A}}
    (cert,) = plan_children(
        _cfg(domain={**custom, "CustomDomainConfig": {"CertificateArn": CERT_B}}), POOL,
        LiveChildren(domains=(custom,))).objects
    assert cert.action is Action.UPDATE
    assert [c.operation for c in cert.calls] == ["UpdateUserPoolDomain"]


def test_sign_in_url_for_a_code_flow_client() -> None:
    live = LiveChildren(clients={"web": {"ClientId": "abc123", "AllowedOAuthFlows": ["code"],
                                         "CallbackURLs": ["https://app.example.com/cb"]}},
                        providers={}, resource_servers={},
                        domains=({"Domain": "app-auth"},))
    plans = plan_children(_cfg(clients={"web": {}}), POOL, live)
    assert plans.sign_in_urls == [(
        "web", "https://app-auth.auth.eu-west-1.amazoncognito.com/login?client_id=abc123"
        "&response_type=code&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb")]
