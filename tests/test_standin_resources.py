"""The stand-in for a pool's sub-resources: app clients, identity providers, domains,
resource servers and groups, as real Cognito answers for them.

Each behaviour is checked through a boto3 client against ``mock_aws()`` with the
stand-in installed and, where it is cheap, against plain moto to show the patch
matters. Expected shapes come from recorded real responses in fixtures/real-responses/.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError, ParamValidationError
from moto import mock_aws
from moto.cognitoidp.exceptions import InvalidParameterException
from moto.cognitoidp.models import CognitoIdpBackend, cognitoidp_backends
from moto.cognitoidp.responses import CognitoIdpResponse

from poolsync import standin
from poolsync.standin.resource_servers import update_resource_server

FIXTURES = Path(__file__).parent / "fixtures" / "real-responses"
REGION = "eu-west-1"
ACCOUNT = "123456789012"  # moto's default account


def load_fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


@pytest.fixture(autouse=True)
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.setenv(key, "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)


def stand_in_active() -> bool:
    return bool(CognitoIdpBackend.create_user_pool.__module__.startswith("poolsync.standin"))


@pytest.fixture(autouse=True)
def keep_install_state() -> Iterator[None]:
    """Tests switch the stand-in on and off; leave it as the next test expects."""
    was_active = stand_in_active()
    yield
    if was_active:
        standin.install()
    else:
        standin.uninstall()


@pytest.fixture
def cognito() -> Iterator[Any]:
    with standin.installed(), mock_aws():
        yield boto3.client("cognito-idp", region_name=REGION)


@pytest.fixture
def plain() -> Iterator[Any]:
    standin.uninstall()
    with mock_aws():
        yield boto3.client("cognito-idp", region_name=REGION)


@pytest.fixture
def pool_id(cognito: Any) -> str:
    return create_pool(cognito)


def create_pool(client: Any, name: str = "pool") -> str:
    pool_id: str = client.create_user_pool(PoolName=name)["UserPool"]["Id"]
    return pool_id


def error_of(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]


def create_client(client: Any, pool_id: str, **request: Any) -> dict[str, Any]:
    request.setdefault("ClientName", "web")
    created: dict[str, Any] = client.create_user_pool_client(UserPoolId=pool_id, **request)[
        "UserPoolClient"
    ]
    return created


def describe_client(client: Any, pool_id: str, client_id: str) -> dict[str, Any]:
    described: dict[str, Any] = client.describe_user_pool_client(
        UserPoolId=pool_id, ClientId=client_id
    )["UserPoolClient"]
    return described


def create_provider(client: Any, pool_id: str, name: str, kind: str, **request: Any) -> None:
    client.create_identity_provider(
        UserPoolId=pool_id, ProviderName=name, ProviderType=kind, **request
    )


def describe_provider(client: Any, pool_id: str, name: str) -> dict[str, Any]:
    described: dict[str, Any] = client.describe_identity_provider(
        UserPoolId=pool_id, ProviderName=name
    )["IdentityProvider"]
    return described


def describe_domain(client: Any, domain: str) -> dict[str, Any]:
    described: dict[str, Any] = client.describe_user_pool_domain(Domain=domain)[
        "DomainDescription"
    ]
    return described


def without(mapping: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {key: value for key, value in mapping.items() if key not in keys}


# --- 1. App clients: defaults and reset on update -----------------------------------

REAL_CLIENT_2025 = load_fixture("describe_user_pool_client.cli-v2-transcript-2025-08.json")[
    "UserPoolClient"
]
REAL_CLIENT_2024 = load_fixture("create_user_pool_client.aws-cli-example-2024.json")[
    "UserPoolClient"
]
DEFAULT_AUTH_FLOWS = ["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH"]
IDENTITIES = ("UserPoolId", "ClientId", "ClientSecret", "ClientName", "CreationDate",
              "LastModifiedDate")


def request_from(described: dict[str, Any], *left_out: str) -> dict[str, Any]:
    """The create request behind a real client: its settings without server-side keys."""
    return without(described, *IDENTITIES, *left_out)


def test_a_client_answers_like_the_real_2025_transcript(cognito: Any, pool_id: str) -> None:
    # The transcript's request can be read off its response, less what AWS defaulted.
    defaulted = ("RefreshTokenValidity", "TokenValidityUnits", "EnableTokenRevocation",
                 "EnablePropagateAdditionalUserContextData", "AuthSessionValidity")
    request = request_from(REAL_CLIENT_2025, *defaulted)
    created = create_client(cognito, pool_id, GenerateSecret=True, **request)

    described = describe_client(cognito, pool_id, created["ClientId"])

    assert set(described) == set(REAL_CLIENT_2025)
    assert without(described, *IDENTITIES) == without(REAL_CLIENT_2025, *IDENTITIES)


def test_a_new_client_reports_aws_defaults(cognito: Any, pool_id: str) -> None:
    created = create_client(cognito, pool_id)
    described = describe_client(cognito, pool_id, created["ClientId"])

    assert without(described, "UserPoolId", "ClientId", "CreationDate", "LastModifiedDate") == {
        "ClientName": "web",
        "RefreshTokenValidity": 30,
        "TokenValidityUnits": {},
        "ExplicitAuthFlows": DEFAULT_AUTH_FLOWS,
        "AllowedOAuthFlowsUserPoolClient": False,
        "EnableTokenRevocation": True,
        "EnablePropagateAdditionalUserContextData": False,
        "AuthSessionValidity": 3,
    }
    assert described["CreationDate"] == described["LastModifiedDate"]
    assert created == described


def test_plain_moto_reports_no_dates_units_or_auth_flows(plain: Any) -> None:
    pool_id = create_pool(plain)
    created = create_client(plain, pool_id)
    for key in ("CreationDate", "LastModifiedDate", "TokenValidityUnits", "ExplicitAuthFlows"):
        assert key not in created


def test_the_real_2024_example_round_trips(cognito: Any, pool_id: str) -> None:
    for name, kind in (("Google", "Google"), ("Facebook", "Facebook")):
        create_provider(cognito, pool_id, name, kind, ProviderDetails={"client_id": "x"})
    create_provider(cognito, pool_id, "MyOIDC", "OIDC",
                    ProviderDetails={"client_id": "x", "oidc_issuer": "https://idp.example.com"})
    cognito.create_resource_server(UserPoolId=pool_id, Identifier="solar-system-data",
                                   Name="Solar system", Scopes=[{"ScopeName": "asteroids.add",
                                                                 "ScopeDescription": "add"}])
    request = request_from(REAL_CLIENT_2024)
    # AWS added the service-linked role; the request named only the Pinpoint app.
    request["AnalyticsConfiguration"] = without(request["AnalyticsConfiguration"], "RoleArn")

    created = create_client(cognito, pool_id, ClientName=REAL_CLIENT_2024["ClientName"],
                            ClientSecret=REAL_CLIENT_2024["ClientSecret"], **request)

    expected = without(REAL_CLIENT_2024, "UserPoolId", "ClientId", "CreationDate",
                       "LastModifiedDate")
    assert without(created, "UserPoolId", "ClientId", "CreationDate",
                   "LastModifiedDate") == expected


def test_generate_secret_shows_the_secret_and_only_then(cognito: Any, pool_id: str) -> None:
    public = create_client(cognito, pool_id)
    confidential = create_client(cognito, pool_id, ClientName="server", GenerateSecret=True)

    assert "ClientSecret" not in describe_client(cognito, pool_id, public["ClientId"])
    secret = describe_client(cognito, pool_id, confidential["ClientId"])["ClientSecret"]
    assert secret == confidential["ClientSecret"]


OUT_OF_DEFAULT = {
    "RefreshTokenValidity": 10,
    "AccessTokenValidity": 5,
    "IdTokenValidity": 5,
    "TokenValidityUnits": {"AccessToken": "minutes", "IdToken": "minutes",
                           "RefreshToken": "days"},
    "ReadAttributes": ["email"],
    "WriteAttributes": ["email"],
    "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    "SupportedIdentityProviders": ["COGNITO"],
    "CallbackURLs": ["https://app.example.com/callback"],
    "LogoutURLs": ["https://app.example.com/logout"],
    "AllowedOAuthFlows": ["code"],
    "AllowedOAuthScopes": ["openid"],
    "AllowedOAuthFlowsUserPoolClient": True,
    "PreventUserExistenceErrors": "ENABLED",
    "EnableTokenRevocation": False,
    "AuthSessionValidity": 10,
}


def test_update_resets_every_member_it_is_not_sent(cognito: Any, pool_id: str) -> None:
    created = create_client(cognito, pool_id, GenerateSecret=True, **OUT_OF_DEFAULT)
    fresh = create_client(cognito, pool_id, ClientName="fresh", GenerateSecret=True)

    updated = cognito.update_user_pool_client(
        UserPoolId=pool_id, ClientId=created["ClientId"], ClientName="renamed"
    )["UserPoolClient"]

    described = describe_client(cognito, pool_id, created["ClientId"])
    assert described == updated
    identities = ("ClientId", "ClientName", "ClientSecret", "CreationDate", "LastModifiedDate")
    assert without(described, *identities) == without(fresh, *identities)
    assert described["ClientName"] == "renamed"
    assert described["ClientSecret"] == created["ClientSecret"]
    assert described["CreationDate"] == created["CreationDate"]


def test_update_without_a_name_keeps_the_name(cognito: Any, pool_id: str) -> None:
    created = create_client(cognito, pool_id, CallbackURLs=["https://a.example.com"])
    cognito.update_user_pool_client(UserPoolId=pool_id, ClientId=created["ClientId"])

    described = describe_client(cognito, pool_id, created["ClientId"])
    assert described["ClientName"] == "web"
    assert "CallbackURLs" not in described


def test_plain_moto_update_keeps_what_it_is_not_sent(plain: Any) -> None:
    pool_id = create_pool(plain)
    created = create_client(plain, pool_id, CallbackURLs=["https://a.example.com"])
    plain.update_user_pool_client(UserPoolId=pool_id, ClientId=created["ClientId"],
                                  ClientName="renamed")
    assert describe_client(plain, pool_id, created["ClientId"])["CallbackURLs"] == [
        "https://a.example.com"
    ]


def test_refresh_token_validity_zero_means_the_default(cognito: Any, pool_id: str) -> None:
    created = create_client(cognito, pool_id, RefreshTokenValidity=0)
    assert created["RefreshTokenValidity"] == 30


# --- 2. What a client may name ------------------------------------------------------


def test_unknown_identity_provider_is_rejected_on_create_and_update(
    cognito: Any, pool_id: str
) -> None:
    with pytest.raises(ClientError) as created:
        create_client(cognito, pool_id, SupportedIdentityProviders=["COGNITO", "Okta"])
    assert error_of(created) == (
        "InvalidParameterException",
        f"The provider Okta does not exist for User Pool {pool_id}.",
    )

    client_id = create_client(cognito, pool_id, SupportedIdentityProviders=["COGNITO"])["ClientId"]
    with pytest.raises(ClientError) as updated:
        cognito.update_user_pool_client(UserPoolId=pool_id, ClientId=client_id,
                                        SupportedIdentityProviders=["Google"])
    assert error_of(updated)[0] == "InvalidParameterException"


def test_existing_identity_providers_may_be_named(cognito: Any, pool_id: str) -> None:
    create_provider(cognito, pool_id, "Google", "Google", ProviderDetails={"client_id": "x"})
    created = create_client(cognito, pool_id, SupportedIdentityProviders=["COGNITO", "Google"])
    assert created["SupportedIdentityProviders"] == ["COGNITO", "Google"]


def test_plain_moto_accepts_unknown_identity_providers(plain: Any) -> None:
    pool_id = create_pool(plain)
    created = create_client(plain, pool_id, SupportedIdentityProviders=["Okta"])
    assert created["SupportedIdentityProviders"] == ["Okta"]


@pytest.mark.parametrize("scope", ["api/write", "other/read", "Cognito"])
def test_unknown_scopes_are_rejected(cognito: Any, pool_id: str, scope: str) -> None:
    cognito.create_resource_server(UserPoolId=pool_id, Identifier="api", Name="API",
                                   Scopes=[{"ScopeName": "read", "ScopeDescription": "read"}])
    client_id = create_client(cognito, pool_id)["ClientId"]

    with pytest.raises(ClientError) as created:
        create_client(cognito, pool_id, AllowedOAuthScopes=["openid", scope])
    with pytest.raises(ClientError) as updated:
        cognito.update_user_pool_client(UserPoolId=pool_id, ClientId=client_id,
                                        AllowedOAuthScopes=[scope])

    expected = ("ScopeDoesNotExistException", f"Invalid scope requested: {scope}")
    assert error_of(created) == expected
    assert error_of(updated) == expected


def test_standard_and_existing_custom_scopes_are_accepted(cognito: Any, pool_id: str) -> None:
    cognito.create_resource_server(UserPoolId=pool_id, Identifier="https://api.example.com",
                                   Name="API", Scopes=[{"ScopeName": "read",
                                                        "ScopeDescription": "read"}])
    scopes = ["openid", "email", "phone", "profile", "aws.cognito.signin.user.admin",
              "https://api.example.com/read"]
    assert create_client(cognito, pool_id, AllowedOAuthScopes=scopes)["AllowedOAuthScopes"] == (
        scopes
    )


def test_plain_moto_accepts_unknown_scopes(plain: Any) -> None:
    pool_id = create_pool(plain)
    assert create_client(plain, pool_id, AllowedOAuthScopes=["api/write"])


# --- 3. Identity providers: what Describe adds, per type ----------------------------

# What the caller wrote for each documented "Describe response" (botocore 1.43.11
# IdentityProviderType doc, saved as *.provider-details-only.*): the fixture less the
# keys Cognito adds (that same doc's request examples), plus Apple's write-only private key.
WRITTEN_DETAILS = {
    "google": ("Google", ("authorize_scopes", "client_id", "client_secret")),
    "facebook": ("Facebook", ("api_version", "authorize_scopes", "client_id", "client_secret")),
    "loginwithamazon": ("LoginWithAmazon", ("authorize_scopes", "client_id", "client_secret")),
    "signinwithapple": ("SignInWithApple", ("authorize_scopes", "client_id", "key_id",
                                            "team_id")),
    # The documented OIDC response has endpoints the caller wrote (its token_url is not
    # under the issuer): only attributes_url_add_attributes is added.
    "oidc": ("OIDC", ("attributes_request_method", "attributes_url", "authorize_scopes",
                      "authorize_url", "client_id", "client_secret", "jwks_uri", "oidc_issuer",
                      "token_url")),
}


def provider_details_fixture(kind: str) -> dict[str, str]:
    name = f"describe_identity_provider.{kind}.provider-details-only"
    details: dict[str, str] = load_fixture(f"{name}.botocore-1.43.11-model-doc.json")[
        "ProviderDetails"
    ]
    return details


@pytest.mark.parametrize("kind", sorted(WRITTEN_DETAILS))
def test_provider_details_come_back_as_aws_documents_them(
    cognito: Any, pool_id: str, kind: str
) -> None:
    provider_type, written_keys = WRITTEN_DETAILS[kind]
    real = provider_details_fixture(kind)
    written = {key: real[key] for key in written_keys}
    if provider_type == "SignInWithApple":
        written["private_key"] = "-----BEGIN PRIVATE KEY-----\nsecret\n-----END PRIVATE KEY-----"

    create_provider(cognito, pool_id, provider_type if kind != "oidc" else "MyOIDC",
                    provider_type, ProviderDetails=written)

    name = provider_type if kind != "oidc" else "MyOIDC"
    assert describe_provider(cognito, pool_id, name)["ProviderDetails"] == real


def test_plain_moto_echoes_provider_details(plain: Any) -> None:
    pool_id = create_pool(plain)
    written = {"client_id": "x", "client_secret": "y", "authorize_scopes": "email"}
    create_provider(plain, pool_id, "Google", "Google", ProviderDetails=written)
    assert describe_provider(plain, pool_id, "Google")["ProviderDetails"] == written


def test_saml_metadata_url_gets_the_metadata_keys(cognito: Any, pool_id: str) -> None:
    real = provider_details_fixture("saml")
    written = without(real, "ActiveEncryptionCertificate", "SLORedirectBindingURI",
                      "SSORedirectBindingURI")
    create_provider(cognito, pool_id, "MySAML", "SAML", ProviderDetails=written)

    details = describe_provider(cognito, pool_id, "MySAML")["ProviderDetails"]

    assert without(details, "ActiveEncryptionCertificate") == without(
        real, "ActiveEncryptionCertificate"
    )
    assert details["ActiveEncryptionCertificate"]  # a fixed fake value


def test_the_2019_facebook_example_round_trips(cognito: Any, pool_id: str) -> None:
    real = load_fixture("describe_identity_provider.facebook.aws-cli-example-2019.json")[
        "IdentityProvider"
    ]
    written = {key: real["ProviderDetails"][key]
               for key in ("authorize_scopes", "client_id", "client_secret")}
    create_provider(cognito, pool_id, "Facebook", "Facebook", ProviderDetails=written)

    described = describe_provider(cognito, pool_id, "Facebook")

    dates_and_pool = ("UserPoolId", "CreationDate", "LastModifiedDate")
    assert without(described, *dates_and_pool) == without(real, *dates_and_pool)


SAML_EXAMPLES = [
    "create_identity_provider.saml-metadata-file.aws-cli-example-2024.json",
    "create_identity_provider.saml-metadata-url.aws-cli-example-2024.json",
]


def documented_mapping(printed: dict[str, str]) -> dict[str, str]:
    """The 2024 metadata-URL example prints two mappings with key and value swapped
    (``emailaddress: email``, ``phone: phone_number``; SOURCES.md calls it a documentation
    slip): a user-pool attribute is the key, so they are put back the right way round."""
    slipped = {"emailaddress", "phone"}
    return {(value if key in slipped else key): (key if key in slipped else value)
            for key, value in printed.items()}


@pytest.mark.parametrize("fixture", SAML_EXAMPLES)
def test_the_2024_saml_examples_round_trip(cognito: Any, fixture: str) -> None:
    real = load_fixture(fixture)["IdentityProvider"]
    real = {**real, "AttributeMapping": documented_mapping(real["AttributeMapping"])}
    # The example maps to custom:111, which its pool has (describe_user_pool 2024).
    pool_id = cognito.create_user_pool(PoolName="pool", Schema=[
        {"Name": "111", "AttributeDataType": "String", "Mutable": True}])["UserPool"]["Id"]
    derived = ("ActiveEncryptionCertificate", "SLORedirectBindingURI", "SSORedirectBindingURI")
    create_provider(cognito, pool_id, real["ProviderName"], "SAML",
                    ProviderDetails=without(real["ProviderDetails"], *derived),
                    AttributeMapping=real["AttributeMapping"],
                    IdpIdentifiers=real["IdpIdentifiers"])

    described = describe_provider(cognito, pool_id, real["ProviderName"])

    # Everything but the certificate, which is the pool's own in AWS and a fake here.
    ignored = ("UserPoolId", "CreationDate", "LastModifiedDate")
    assert without(described, *ignored, "ProviderDetails") == without(
        real, *ignored, "ProviderDetails"
    )
    assert without(described["ProviderDetails"], "ActiveEncryptionCertificate") == without(
        real["ProviderDetails"], "ActiveEncryptionCertificate"
    )


def test_oidc_endpoints_are_discovered_from_the_issuer(cognito: Any, pool_id: str) -> None:
    written = {"client_id": "x", "client_secret": "y", "authorize_scopes": "openid",
               "attributes_request_method": "GET", "oidc_issuer": "https://idp.example.com/",
               "token_url": "https://idp.example.com/custom/token"}
    create_provider(cognito, pool_id, "MyOIDC", "OIDC", ProviderDetails=written)

    details = describe_provider(cognito, pool_id, "MyOIDC")["ProviderDetails"]

    assert details == {
        **written,
        "attributes_url_add_attributes": "false",
        "authorize_url": "https://idp.example.com/oauth2/authorize",
        "attributes_url": "https://idp.example.com/oauth2/userInfo",
        "jwks_uri": "https://idp.example.com/.well-known/jwks.json",
    }


def test_facebook_urls_follow_the_api_version(cognito: Any, pool_id: str) -> None:
    create_provider(cognito, pool_id, "Facebook", "Facebook",
                    ProviderDetails={"client_id": "x", "api_version": "v21.0"})
    details = describe_provider(cognito, pool_id, "Facebook")["ProviderDetails"]
    assert details["authorize_url"] == "https://www.facebook.com/v21.0/dialog/oauth"
    assert details["token_url"] == "https://graph.facebook.com/v21.0/oauth/access_token"
    assert details["attributes_url"] == "https://graph.facebook.com/v21.0/me?fields="


ALL_TYPES = [
    ("Google", "Google", {"client_id": "x"}, {"username": "sub"}),
    ("Facebook", "Facebook", {"client_id": "x"}, {"username": "id"}),
    ("LoginWithAmazon", "LoginWithAmazon", {"client_id": "x"}, {"username": "user_id"}),
    ("SignInWithApple", "SignInWithApple", {"client_id": "x", "private_key": "k"},
     {"username": "sub"}),
    ("MyOIDC", "OIDC", {"client_id": "x", "oidc_issuer": "https://idp.example.com"},
     {"username": "sub"}),
    ("MySAML", "SAML", {"MetadataURL": "https://idp.example.com/metadata"}, None),
]


@pytest.mark.parametrize(("name", "kind", "details", "mapping"), ALL_TYPES)
def test_default_attribute_mapping_and_identifiers(
    cognito: Any, pool_id: str, name: str, kind: str, details: dict[str, str],
    mapping: dict[str, str] | None,
) -> None:
    create_provider(cognito, pool_id, name, kind, ProviderDetails=details)

    described = describe_provider(cognito, pool_id, name)

    assert described.get("AttributeMapping") == mapping
    assert described["IdpIdentifiers"] == []
    assert all(isinstance(value, str) for value in described["ProviderDetails"].values())
    assert "private_key" not in described["ProviderDetails"]


def test_a_written_mapping_still_gets_the_username(cognito: Any, pool_id: str) -> None:
    create_provider(cognito, pool_id, "Google", "Google", ProviderDetails={"client_id": "x"},
                    AttributeMapping={"email": "email"})
    assert describe_provider(cognito, pool_id, "Google")["AttributeMapping"] == {
        "email": "email", "username": "sub"
    }


def test_list_identity_providers_carries_no_details(cognito: Any, pool_id: str) -> None:
    create_provider(cognito, pool_id, "Google", "Google", ProviderDetails={"client_id": "x"})
    (listed,) = cognito.list_identity_providers(UserPoolId=pool_id)["Providers"]
    assert set(listed) == {"ProviderName", "ProviderType", "CreationDate", "LastModifiedDate"}


def stored_details(pool_id: str, name: str) -> dict[str, str]:
    pool = cognitoidp_backends[ACCOUNT][REGION].user_pools[pool_id]
    details: dict[str, str] = pool.identity_providers[name].extended_config["ProviderDetails"]
    return details


def test_apple_private_key_is_kept_by_an_update_that_omits_it(cognito: Any, pool_id: str) -> None:
    written = {"client_id": "com.example", "team_id": "T", "key_id": "K", "private_key": "PK",
               "authorize_scopes": "email"}
    create_provider(cognito, pool_id, "SignInWithApple", "SignInWithApple",
                    ProviderDetails=written)

    read_back = describe_provider(cognito, pool_id, "SignInWithApple")["ProviderDetails"]
    cognito.update_identity_provider(UserPoolId=pool_id, ProviderName="SignInWithApple",
                                     ProviderDetails={**read_back, "key_id": "K2"})
    assert stored_details(pool_id, "SignInWithApple")["private_key"] == "PK"

    cognito.update_identity_provider(UserPoolId=pool_id, ProviderName="SignInWithApple",
                                     ProviderDetails={**read_back, "private_key": "PK2"})
    assert stored_details(pool_id, "SignInWithApple")["private_key"] == "PK2"
    assert "private_key" not in describe_provider(cognito, pool_id, "SignInWithApple")[
        "ProviderDetails"
    ]


def test_update_replaces_provider_details_and_keeps_omitted_members(
    cognito: Any, pool_id: str
) -> None:
    create_provider(cognito, pool_id, "Google", "Google",
                    ProviderDetails={"client_id": "x", "client_secret": "y"},
                    AttributeMapping={"email": "email"}, IdpIdentifiers=["corp"])

    cognito.update_identity_provider(UserPoolId=pool_id, ProviderName="Google",
                                     ProviderDetails={"client_id": "z"})

    described = describe_provider(cognito, pool_id, "Google")
    assert described["ProviderDetails"]["client_id"] == "z"
    assert "client_secret" not in described["ProviderDetails"]
    assert described["ProviderDetails"]["oidc_issuer"] == "https://accounts.google.com"
    assert described["AttributeMapping"] == {"email": "email", "username": "sub"}
    assert described["IdpIdentifiers"] == ["corp"]
    assert described["ProviderType"] == "Google"


def test_provider_type_cannot_be_updated(cognito: Any, pool_id: str) -> None:
    create_provider(cognito, pool_id, "Google", "Google", ProviderDetails={"client_id": "x"})
    with pytest.raises(ParamValidationError):
        cognito.update_identity_provider(UserPoolId=pool_id, ProviderName="Google",
                                         ProviderType="OIDC")


def test_a_social_provider_is_named_after_its_type(cognito: Any, pool_id: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        create_provider(cognito, pool_id, "NameOfGP", "Google", ProviderDetails={"client_id": "x"})
    assert error_of(excinfo) == ("InvalidParameterException",
                                 "Provider NameOfGP cannot be of type Google.")


def test_a_provider_name_is_taken_once(cognito: Any, pool_id: str) -> None:
    create_provider(cognito, pool_id, "Google", "Google", ProviderDetails={"client_id": "x"})
    with pytest.raises(ClientError) as excinfo:
        create_provider(cognito, pool_id, "Google", "Google", ProviderDetails={"client_id": "y"})
    assert error_of(excinfo)[0] == "DuplicateProviderException"


def test_plain_moto_replaces_a_provider_of_the_same_name(plain: Any) -> None:
    pool_id = create_pool(plain)
    create_provider(plain, pool_id, "Google", "Google", ProviderDetails={"client_id": "x"})
    create_provider(plain, pool_id, "Google", "Google", ProviderDetails={"client_id": "y"})
    assert describe_provider(plain, pool_id, "Google")["ProviderDetails"] == {"client_id": "y"}


# --- 4. Deleting a provider a client still names ------------------------------------


def test_a_provider_named_by_a_client_cannot_be_deleted(cognito: Any, pool_id: str) -> None:
    create_provider(cognito, pool_id, "Google", "Google", ProviderDetails={"client_id": "x"})
    client_id = create_client(cognito, pool_id,
                              SupportedIdentityProviders=["COGNITO", "Google"])["ClientId"]

    with pytest.raises(ClientError) as excinfo:
        cognito.delete_identity_provider(UserPoolId=pool_id, ProviderName="Google")
    code, message = error_of(excinfo)
    assert code == "InvalidParameterException"
    assert "is referenced by app client web" in message

    cognito.update_user_pool_client(UserPoolId=pool_id, ClientId=client_id,
                                    ClientName="web", SupportedIdentityProviders=["COGNITO"])
    cognito.delete_identity_provider(UserPoolId=pool_id, ProviderName="Google")
    assert cognito.list_identity_providers(UserPoolId=pool_id)["Providers"] == []


def test_deleting_an_unknown_provider_is_not_found(cognito: Any, pool_id: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        cognito.delete_identity_provider(UserPoolId=pool_id, ProviderName="Google")
    assert error_of(excinfo)[0] == "ResourceNotFoundException"


def test_plain_moto_deletes_a_provider_a_client_names(plain: Any) -> None:
    pool_id = create_pool(plain)
    create_provider(plain, pool_id, "Google", "Google", ProviderDetails={"client_id": "x"})
    create_client(plain, pool_id, SupportedIdentityProviders=["Google"])
    plain.delete_identity_provider(UserPoolId=pool_id, ProviderName="Google")


# --- 5. Domains ---------------------------------------------------------------------

REAL_PREFIX_DOMAIN = load_fixture(
    "describe_user_pool_domain.prefix-domain.cli-v2-transcript-2025-08.json"
)["DomainDescription"]
CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"


@pytest.mark.parametrize("client_fixture", ["cognito", "plain"])
def test_an_unknown_domain_is_an_empty_description(
    client_fixture: str, request: pytest.FixtureRequest
) -> None:
    client = request.getfixturevalue(client_fixture)
    expected = load_fixture(
        "describe_user_pool_domain.nonexistent-domain.terraform-provider-aws-code-comment.json"
    )
    response = client.describe_user_pool_domain(Domain="nobody-has-this")
    assert without(response, "ResponseMetadata") == expected


def test_a_prefix_domain_answers_like_the_real_2025_transcript(cognito: Any, pool_id: str) -> None:
    cognito.create_user_pool_domain(UserPoolId=pool_id, Domain="poolsync-test")

    described = describe_domain(cognito, "poolsync-test")

    assert set(described) == set(REAL_PREFIX_DOMAIN)
    assert described["UserPoolId"] == pool_id
    assert described["AWSAccountId"] == ACCOUNT
    assert described["Domain"] == "poolsync-test"
    assert described["Status"] == "ACTIVE"
    assert described["CloudFrontDistribution"] == REAL_PREFIX_DOMAIN["CloudFrontDistribution"]
    assert re.fullmatch(r"aws-cognito-prod-[a-z0-9-]+-assets", described["S3Bucket"])
    assert re.fullmatch(r"\d{14}", described["Version"])


def test_plain_moto_reports_no_account_bucket_or_version(plain: Any) -> None:
    pool_id = create_pool(plain)
    plain.create_user_pool_domain(UserPoolId=pool_id, Domain="poolsync-test")
    described = describe_domain(plain, "poolsync-test")
    assert not re.fullmatch(r"\d{12}", described["AWSAccountId"])
    assert "S3Bucket" not in described and "Version" not in described


def test_the_pool_names_its_prefix_and_custom_domains_apart(cognito: Any, pool_id: str) -> None:
    created = cognito.create_user_pool_domain(
        UserPoolId=pool_id, Domain="auth.example.com",
        CustomDomainConfig={"CertificateArn": CERTIFICATE}, ManagedLoginVersion=2,
    )
    cognito.create_user_pool_domain(UserPoolId=pool_id, Domain="poolsync-test")

    pool = cognito.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    assert (pool["Domain"], pool["CustomDomain"]) == ("poolsync-test", "auth.example.com")
    assert set(without(created, "ResponseMetadata")) == set(
        load_fixture("update_user_pool_domain.aws-cli-example-2025.json")
    )
    assert created["CloudFrontDomain"].endswith(".cloudfront.net")
    described = describe_domain(cognito, "auth.example.com")
    assert described["CustomDomainConfig"] == {"CertificateArn": CERTIFICATE}
    assert described["ManagedLoginVersion"] == 2
    assert described["CloudFrontDistribution"] == created["CloudFrontDomain"]


def test_creating_a_custom_domain_answers_like_the_real_2024_example(
    cognito: Any, pool_id: str
) -> None:
    created = cognito.create_user_pool_domain(UserPoolId=pool_id, Domain="auth.example.com",
                                              CustomDomainConfig={"CertificateArn": CERTIFICATE})
    real = load_fixture("create_user_pool_domain.custom-domain.aws-cli-example-2024.json")
    assert set(without(created, "ResponseMetadata")) == set(real)
    assert created["CloudFrontDomain"].endswith(".cloudfront.net")


def test_plain_moto_puts_a_custom_domain_in_domain(plain: Any) -> None:
    pool_id = create_pool(plain)
    plain.create_user_pool_domain(UserPoolId=pool_id, Domain="auth.example.com",
                                  CustomDomainConfig={"CertificateArn": CERTIFICATE})
    pool = plain.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    assert pool["Domain"] == "auth.example.com" and "CustomDomain" not in pool


def test_a_prefix_taken_by_another_pool_is_refused(cognito: Any, pool_id: str) -> None:
    cognito.create_user_pool_domain(UserPoolId=pool_id, Domain="poolsync-test")
    other = create_pool(cognito, "other")

    with pytest.raises(ClientError) as excinfo:
        cognito.create_user_pool_domain(UserPoolId=other, Domain="poolsync-test")
    assert error_of(excinfo) == ("InvalidParameterException",
                                 "Domain already associated with another user pool.")

    cognito.delete_user_pool_domain(UserPoolId=pool_id, Domain="poolsync-test")
    cognito.create_user_pool_domain(UserPoolId=other, Domain="poolsync-test")
    assert describe_domain(cognito, "poolsync-test")["UserPoolId"] == other


def test_plain_moto_hands_a_taken_prefix_to_another_pool(plain: Any) -> None:
    first, second = create_pool(plain), create_pool(plain, "other")
    plain.create_user_pool_domain(UserPoolId=first, Domain="poolsync-test")
    plain.create_user_pool_domain(UserPoolId=second, Domain="poolsync-test")
    assert describe_domain(plain, "poolsync-test")["UserPoolId"] == second


def test_a_pool_has_one_prefix_domain(cognito: Any, pool_id: str) -> None:
    cognito.create_user_pool_domain(UserPoolId=pool_id, Domain="poolsync-test")
    with pytest.raises(ClientError) as excinfo:
        cognito.create_user_pool_domain(UserPoolId=pool_id, Domain="poolsync-other")
    assert error_of(excinfo) == ("InvalidParameterException",
                                 "User pool already has a domain configured.")


def test_update_changes_certificate_and_managed_login_version(cognito: Any, pool_id: str) -> None:
    cognito.create_user_pool_domain(UserPoolId=pool_id, Domain="auth.example.com",
                                     CustomDomainConfig={"CertificateArn": CERTIFICATE})
    new_certificate = CERTIFICATE.replace("5555", "6666")

    cognito.update_user_pool_domain(UserPoolId=pool_id, Domain="auth.example.com",
                                    CustomDomainConfig={"CertificateArn": new_certificate})
    # A custom domain's update carries its certificate (terraform-provider-aws #43248).
    updated = cognito.update_user_pool_domain(
        UserPoolId=pool_id, Domain="auth.example.com", ManagedLoginVersion=2,
        CustomDomainConfig={"CertificateArn": new_certificate})

    assert updated["ManagedLoginVersion"] == 2
    described = describe_domain(cognito, "auth.example.com")
    assert described["CustomDomainConfig"] == {"CertificateArn": new_certificate}
    assert described["ManagedLoginVersion"] == 2


def test_a_prefix_domain_has_no_managed_login_version_until_set(
    cognito: Any, pool_id: str
) -> None:
    cognito.create_user_pool_domain(UserPoolId=pool_id, Domain="poolsync-test")
    assert "ManagedLoginVersion" not in describe_domain(cognito, "poolsync-test")

    cognito.update_user_pool_domain(UserPoolId=pool_id, Domain="poolsync-test",
                                    ManagedLoginVersion=2)
    assert describe_domain(cognito, "poolsync-test")["ManagedLoginVersion"] == 2


def test_plain_moto_drops_managed_login_version(plain: Any) -> None:
    pool_id = create_pool(plain)
    created = plain.create_user_pool_domain(UserPoolId=pool_id, Domain="poolsync-test",
                                            ManagedLoginVersion=2)
    assert "ManagedLoginVersion" not in created


def test_updating_an_unknown_domain_is_not_found(cognito: Any, pool_id: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        cognito.update_user_pool_domain(UserPoolId=pool_id, Domain="nobody-has-this",
                                        ManagedLoginVersion=2)
    assert error_of(excinfo)[0] == "ResourceNotFoundException"


# --- 6. Resource servers ------------------------------------------------------------

READ = {"ScopeName": "read", "ScopeDescription": "Read"}
WRITE = {"ScopeName": "write", "ScopeDescription": "Write"}


def describe_server(client: Any, pool_id: str, identifier: str) -> dict[str, Any]:
    described: dict[str, Any] = client.describe_resource_server(
        UserPoolId=pool_id, Identifier=identifier
    )["ResourceServer"]
    return described


def exercise_update_and_delete(client: Any) -> None:
    pool_id = create_pool(client)
    client.create_resource_server(UserPoolId=pool_id, Identifier="api", Name="API", Scopes=[READ])

    updated = client.update_resource_server(UserPoolId=pool_id, Identifier="api",
                                            Name="Orders API", Scopes=[READ, WRITE])
    assert updated["ResourceServer"] == describe_server(client, pool_id, "api") == {
        "UserPoolId": pool_id, "Identifier": "api", "Name": "Orders API", "Scopes": [READ, WRITE]
    }

    client.update_resource_server(UserPoolId=pool_id, Identifier="api", Name="Orders API")
    assert "Scopes" not in describe_server(client, pool_id, "api")

    client.delete_resource_server(UserPoolId=pool_id, Identifier="api")
    assert client.list_resource_servers(UserPoolId=pool_id, MaxResults=10)[
        "ResourceServers"
    ] == []
    with pytest.raises(ClientError) as excinfo:
        describe_server(client, pool_id, "api")
    assert error_of(excinfo)[0] == "ResourceNotFoundException"


def test_update_and_delete_resource_server(cognito: Any) -> None:
    exercise_update_and_delete(cognito)


def test_update_and_delete_resource_server_over_http() -> None:
    standin.uninstall()
    with standin.LocalCognito() as local:
        exercise_update_and_delete(local.client())


def test_plain_moto_has_no_update_or_delete_resource_server(plain: Any) -> None:
    pool_id = create_pool(plain)
    plain.create_resource_server(UserPoolId=pool_id, Identifier="api", Name="API")
    with pytest.raises(NotImplementedError):
        plain.update_resource_server(UserPoolId=pool_id, Identifier="api", Name="API")
    with pytest.raises(NotImplementedError):
        plain.delete_resource_server(UserPoolId=pool_id, Identifier="api")


def test_uninstall_removes_the_added_actions() -> None:
    standin.install()
    assert "update_resource_server" in vars(CognitoIdpResponse)
    standin.uninstall()
    assert "update_resource_server" not in vars(CognitoIdpResponse)
    assert "delete_resource_server" not in vars(CognitoIdpResponse)


@pytest.mark.parametrize("call", ["update_resource_server", "delete_resource_server"])
def test_unknown_resource_server_is_not_found(cognito: Any, pool_id: str, call: str) -> None:
    request = {"UserPoolId": pool_id, "Identifier": "nope"}
    if call == "update_resource_server":
        request["Name"] = "x"
    with pytest.raises(ClientError) as excinfo:
        getattr(cognito, call)(**request)
    assert error_of(excinfo)[0] == "ResourceNotFoundException"


def test_update_resource_server_needs_a_name(cognito: Any, pool_id: str) -> None:
    # botocore refuses a request without Name; the server refuses it too.
    cognito.create_resource_server(UserPoolId=pool_id, Identifier="api", Name="API")
    backend = cognitoidp_backends[ACCOUNT][REGION]
    with pytest.raises(InvalidParameterException):
        update_resource_server(backend, {"UserPoolId": pool_id, "Identifier": "api"})


def test_scopes_follow_the_resource_server(cognito: Any, pool_id: str) -> None:
    cognito.create_resource_server(UserPoolId=pool_id, Identifier="api", Name="API", Scopes=[READ])
    cognito.update_resource_server(UserPoolId=pool_id, Identifier="api", Name="API",
                                   Scopes=[WRITE])

    assert create_client(cognito, pool_id, AllowedOAuthScopes=["api/write"])
    with pytest.raises(ClientError) as excinfo:
        create_client(cognito, pool_id, AllowedOAuthScopes=["api/read"])
    assert error_of(excinfo)[0] == "ScopeDoesNotExistException"


def test_listing_resource_servers_of_an_unknown_pool_is_not_found(cognito: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        cognito.list_resource_servers(UserPoolId=f"{REGION}_nope", MaxResults=10)
    assert error_of(excinfo)[0] == "ResourceNotFoundException"


# --- 7. Groups ----------------------------------------------------------------------

ROLE = "arn:aws:iam::123456789012:role/admins"


def test_update_group_changes_only_what_it_is_sent(cognito: Any, pool_id: str) -> None:
    cognito.create_group(UserPoolId=pool_id, GroupName="admins", Description="Admins",
                         RoleArn=ROLE, Precedence=1)

    cognito.update_group(UserPoolId=pool_id, GroupName="admins", Description="Administrators")

    group = cognito.get_group(UserPoolId=pool_id, GroupName="admins")["Group"]
    assert (group["Description"], group["RoleArn"], group["Precedence"]) == (
        "Administrators", ROLE, 1
    )


def test_list_groups_carries_every_setting(cognito: Any, pool_id: str) -> None:
    cognito.create_group(UserPoolId=pool_id, GroupName="admins", Description="Admins",
                         RoleArn=ROLE, Precedence=1)

    (listed,) = cognito.list_groups(UserPoolId=pool_id)["Groups"]

    assert listed == cognito.get_group(UserPoolId=pool_id, GroupName="admins")["Group"]
    assert (listed["Description"], listed["RoleArn"], listed["Precedence"]) == ("Admins", ROLE, 1)


# --- 8. Deleting a pool deletes its children ----------------------------------------


def test_deleting_a_pool_deletes_its_children(cognito: Any, pool_id: str) -> None:
    create_provider(cognito, pool_id, "Google", "Google", ProviderDetails={"client_id": "x"})
    cognito.create_resource_server(UserPoolId=pool_id, Identifier="api", Name="API", Scopes=[READ])
    client_id = create_client(cognito, pool_id, SupportedIdentityProviders=["Google"],
                              AllowedOAuthScopes=["api/read"])["ClientId"]
    cognito.create_group(UserPoolId=pool_id, GroupName="admins")
    cognito.create_user_pool_domain(UserPoolId=pool_id, Domain="poolsync-test")
    cognito.delete_user_pool_domain(UserPoolId=pool_id, Domain="poolsync-test")

    cognito.delete_user_pool(UserPoolId=pool_id)

    reads = [
        lambda: cognito.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id),
        lambda: cognito.describe_identity_provider(UserPoolId=pool_id, ProviderName="Google"),
        lambda: cognito.describe_resource_server(UserPoolId=pool_id, Identifier="api"),
        lambda: cognito.get_group(UserPoolId=pool_id, GroupName="admins"),
        lambda: cognito.list_user_pool_clients(UserPoolId=pool_id, MaxResults=10),
        lambda: cognito.list_identity_providers(UserPoolId=pool_id),
        lambda: cognito.list_resource_servers(UserPoolId=pool_id, MaxResults=10),
        lambda: cognito.list_groups(UserPoolId=pool_id),
    ]
    for read in reads:
        with pytest.raises(ClientError) as excinfo:
            read()
        assert error_of(excinfo)[0] == "ResourceNotFoundException"
    assert describe_domain(cognito, "poolsync-test") == {}


# --- A stand-in's sub-resources still read on plain moto ----------------------------


def test_sub_resources_made_by_the_stand_in_still_read_on_plain_moto() -> None:
    with mock_aws():
        client = boto3.client("cognito-idp", region_name=REGION)
        with standin.installed():
            pool_id = create_pool(client)
            create_provider(client, pool_id, "Google", "Google",
                            ProviderDetails={"client_id": "x"})
            client_id = create_client(client, pool_id,
                                      SupportedIdentityProviders=["Google"])["ClientId"]
            client.create_user_pool_domain(UserPoolId=pool_id, Domain="poolsync-test")
        standin.uninstall()

        assert describe_client(client, pool_id, client_id)["ClientName"] == "web"
        assert describe_provider(client, pool_id, "Google")["ProviderType"] == "Google"
        assert describe_domain(client, "poolsync-test")["Domain"] == "poolsync-test"


def test_tag_and_untag_change_only_the_named_keys(cognito: None) -> None:
    """moto 5.2.1 lacks the tag operations; Tag/Untag touch only the keys they name."""
    import boto3

    client = boto3.client("cognito-idp", region_name="eu-west-1")
    pool = client.create_user_pool(PoolName="tags", UserPoolTags={"team": "id"})["UserPool"]
    client.tag_resource(ResourceArn=pool["Arn"], Tags={"a": "1", "b": "2"})
    client.untag_resource(ResourceArn=pool["Arn"], TagKeys=["b"])
    described = client.describe_user_pool(UserPoolId=pool["Id"])["UserPool"]
    assert described["UserPoolTags"] == {"team": "id", "a": "1"}
    assert client.list_tags_for_resource(ResourceArn=pool["Arn"])["Tags"] == {
        "team": "id", "a": "1"}
