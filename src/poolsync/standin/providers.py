"""Identity providers as real Cognito stores and reports them.

The stand-in stores what the caller wrote and renders Describe from it: the keys
Cognito adds to ``ProviderDetails`` per type, the default ``username`` mapping and
``IdpIdentifiers: []`` are computed on every read, and Apple's ``private_key`` is kept
but never returned. moto 5.2.1 echoes the request (botocore
IdentityProviderType.ProviderDetails; real-responses/SOURCES.md).
"""

from __future__ import annotations

import copy
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable, Mapping
from typing import Any, Final
from urllib.parse import urlsplit

from moto.cognitoidp.exceptions import InvalidParameterException
from moto.cognitoidp.models import CognitoIdpBackend, CognitoIdpIdentityProvider
from moto.core.exceptions import JsonRESTError
from moto.core.utils import utcnow

from poolsync.standin.patching import Patch
from poolsync.standin.schema import add_identities_attribute

# Provider types whose ProviderName must equal the type: "Provider NameOfGP cannot be
# of type Google." (aws/aws-cli #3179).
SOCIAL_TYPES: Final = ("Google", "Facebook", "LoginWithAmazon", "SignInWithApple")

# Write-only: "The Describe response leaves out private_key" (real-responses
# describe_identity_provider.signinwithapple.provider-details-only).
WRITE_ONLY_DETAILS: Final = ("private_key",)

# The username mapping Cognito adds when the caller maps none. Google -> sub is
# documented (Cognito guide, cognito-user-pools-attribute-mapping.html, as quoted in
# aws-amplify/amplify-cli #8278); Facebook -> id is in the 2019 CLI
# example (real-responses describe_identity_provider.facebook.aws-cli-example-2019);
# OIDC and SignInWithApple -> sub is inferred from their OIDC id token; LoginWithAmazon
# -> user_id is a GUESS from its profile API field (UNVERIFIED). SAML gets none
# (every SAML fixture returns only the mapping it was given).
DEFAULT_USERNAME_ATTRIBUTE: Final[Mapping[str, str]] = {
    "Google": "sub",
    "Facebook": "id",
    "LoginWithAmazon": "user_id",
    "SignInWithApple": "sub",
    "OIDC": "sub",
}

# Facebook Graph API version Cognito used when the caller names none, with the
# unversioned attributes URL (real-responses facebook.aws-cli-example-2019). The
# current default is UNVERIFIED.
FACEBOOK_DEFAULT_API_VERSION: Final = "v2.9"

# SAML: stand-in values. The certificate is the placeholder of the 2024 CLI example
# (create_identity_provider.saml-metadata-url); AWS's is the pool's real certificate.
FAKE_ENCRYPTION_CERTIFICATE: Final = "MIICvTCCAaEXAMPLE"
_SAML_REDIRECT_BINDING: Final = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
_SAML_SERVICES: Final = (
    ("SingleSignOnService", "SSORedirectBindingURI"),
    ("SingleLogoutService", "SLORedirectBindingURI"),
)

# Request members that are not provider settings (moto's handlers pass the request).
_NOT_CONFIGURATION: Final = ("UserPoolId", "ProviderName")
_UPDATABLE: Final = ("ProviderDetails", "AttributeMapping", "IdpIdentifiers")

_moto_create_identity_provider: Final = CognitoIdpBackend.create_identity_provider
_moto_update_identity_provider: Final = CognitoIdpBackend.update_identity_provider
_moto_delete_identity_provider: Final = CognitoIdpBackend.delete_identity_provider
_moto_provider_to_json: Final = CognitoIdpIdentityProvider.to_json


# --- ProviderDetails Cognito adds, per type -----------------------------------------


def google_details(written: Mapping[str, str]) -> dict[str, str]:
    """real-responses describe_identity_provider.google.provider-details-only (botocore
    ``IdentityProviderType.ProviderDetails`` doc)."""
    return {
        "attributes_url": "https://people.googleapis.com/v1/people/me?personFields=",
        "attributes_url_add_attributes": "true",
        "authorize_url": "https://accounts.google.com/o/oauth2/v2/auth",
        "oidc_issuer": "https://accounts.google.com",
        "token_request_method": "POST",
        "token_url": "https://www.googleapis.com/oauth2/v4/token",
    }


def facebook_details(written: Mapping[str, str]) -> dict[str, str]:
    """Graph URLs versioned by ``api_version`` (real-responses facebook
    provider-details-only, v17.0); without one, the 2019 CLI example's shape: an
    unversioned attributes URL and v2.9 dialog and token URLs."""
    version = written.get("api_version")
    attributes_url = (
        f"https://graph.facebook.com/{version}/me?fields="
        if version
        else "https://graph.facebook.com/me?fields="
    )
    version = version or FACEBOOK_DEFAULT_API_VERSION
    return {
        "attributes_url": attributes_url,
        "attributes_url_add_attributes": "true",
        "authorize_url": f"https://www.facebook.com/{version}/dialog/oauth",
        "token_request_method": "GET",
        "token_url": f"https://graph.facebook.com/{version}/oauth/access_token",
    }


def login_with_amazon_details(written: Mapping[str, str]) -> dict[str, str]:
    """real-responses describe_identity_provider.loginwithamazon.provider-details-only."""
    return {
        "attributes_url": "https://api.amazon.com/user/profile",
        "attributes_url_add_attributes": "false",
        "authorize_url": "https://www.amazon.com/ap/oa",
        "token_request_method": "POST",
        "token_url": "https://api.amazon.com/auth/o2/token",
    }


def sign_in_with_apple_details(written: Mapping[str, str]) -> dict[str, str]:
    """real-responses describe_identity_provider.signinwithapple.provider-details-only."""
    return {
        "attributes_url_add_attributes": "false",
        "authorize_url": "https://appleid.apple.com/auth/authorize",
        "oidc_issuer": "https://appleid.apple.com",
        "token_request_method": "POST",
        "token_url": "https://appleid.apple.com/auth/token",
    }


def oidc_details(written: Mapping[str, str]) -> dict[str, str]:
    """``attributes_url_add_attributes: "false"`` plus the endpoints Cognito discovers
    from ``oidc_issuer`` (real-responses oidc provider-details-only). The stand-in
    cannot fetch ``<issuer>/.well-known/openid-configuration``, so it GUESSES the
    endpoints as ``<issuer>/oauth2/authorize``, ``/oauth2/token``, ``/oauth2/userInfo``
    and ``/.well-known/jwks.json``. Endpoints the caller wrote win (see described_details)."""
    added = {"attributes_url_add_attributes": "false"}
    issuer = written.get("oidc_issuer", "").rstrip("/")
    if issuer:
        added.update(
            {
                "authorize_url": f"{issuer}/oauth2/authorize",
                "token_url": f"{issuer}/oauth2/token",
                "attributes_url": f"{issuer}/oauth2/userInfo",
                "jwks_uri": f"{issuer}/.well-known/jwks.json",
            }
        )
    return added


def saml_details(written: Mapping[str, str]) -> dict[str, str]:
    """``ActiveEncryptionCertificate`` and the redirect-binding URIs Cognito reads from
    the IdP metadata (real-responses create_identity_provider.saml-*, saml
    provider-details-only). From ``MetadataFile`` they are read from the XML; a
    ``MetadataURL`` cannot be fetched here, so they are made up from its host as
    ``https://<host>/sso/saml`` and ``/slo/saml`` (the 2024 CLI example's shape)."""
    added = {"ActiveEncryptionCertificate": FAKE_ENCRYPTION_CERTIFICATE}
    if "MetadataFile" in written:
        added.update(redirect_bindings(written["MetadataFile"]))
    elif "MetadataURL" in written:
        url = urlsplit(written["MetadataURL"])
        added["SLORedirectBindingURI"] = f"{url.scheme}://{url.netloc}/slo/saml"
        added["SSORedirectBindingURI"] = f"{url.scheme}://{url.netloc}/sso/saml"
    return added


def redirect_bindings(metadata: str) -> dict[str, str]:
    """The HTTP-Redirect ``Location`` of the IdP's sign-on and logout services. Metadata
    that does not parse yields none (AWS would reject it: UNVERIFIED message, so the
    stand-in stays lenient)."""
    try:
        root = ElementTree.fromstring(metadata)
    except ElementTree.ParseError:
        return {}
    found: dict[str, str] = {}
    for element in root.iter():
        local_name = element.tag.rsplit("}", 1)[-1]
        for service, key in _SAML_SERVICES:
            if (
                local_name == service
                and element.get("Binding") == _SAML_REDIRECT_BINDING
                and element.get("Location")
            ):
                found.setdefault(key, str(element.get("Location")))
    return found


_ADDED_DETAILS: Final[Mapping[str, Callable[[Mapping[str, str]], dict[str, str]]]] = {
    "Google": google_details,
    "Facebook": facebook_details,
    "LoginWithAmazon": login_with_amazon_details,
    "SignInWithApple": sign_in_with_apple_details,
    "OIDC": oidc_details,
    "SAML": saml_details,
}

# Added keys that replace a written value: terraform-provider-aws
# internal/service/cognitoidp/identity_provider.go strips ActiveEncryptionCertificate
# before an update, i.e. it is Cognito's, not the caller's.
_ALWAYS_COMPUTED: Final = ("ActiveEncryptionCertificate",)


def described_details(provider_type: str, written: Mapping[str, str]) -> dict[str, str]:
    """``ProviderDetails`` as Describe returns them: what was written (all strings: a
    map of strings in botocore ``ProviderDetailsType``), less write-only keys, plus what
    Cognito adds for the type."""
    add = _ADDED_DETAILS.get(provider_type)
    added = add(written) if add is not None else {}
    details = {key: str(value) for key, value in {**added, **written}.items()}
    for key in _ALWAYS_COMPUTED:
        if key in added:
            details[key] = added[key]
    for key in WRITE_ONLY_DETAILS:
        details.pop(key, None)
    return dict(sorted(details.items()))


def described_mapping(provider_type: str, written: Mapping[str, str]) -> dict[str, str]:
    """The written mapping plus the ``username`` one Cognito adds
    (DEFAULT_USERNAME_ATTRIBUTE, with its sources)."""
    default = DEFAULT_USERNAME_ATTRIBUTE.get(provider_type)
    mapping = dict(written)
    if default is not None:
        mapping.setdefault("username", default)
    return mapping


# --- Checks -------------------------------------------------------------------------


def check_new_provider(pool: Any, name: str, provider_type: str | None) -> None:
    """A social provider is named after its type (aws/aws-cli #3179, message quoted
    there). A name already in the pool is DuplicateProviderException (botocore
    CreateIdentityProvider error list;
    the message is a GUESS). moto 5.2.1 silently replaces the existing provider."""
    if provider_type in SOCIAL_TYPES and name != provider_type:
        raise InvalidParameterException(f"Provider {name} cannot be of type {provider_type}.")
    if name in pool.identity_providers:
        raise JsonRESTError(
            "DuplicateProviderException",
            f"A provider with the name {name} already exists in this user pool.",
        )


# The user-pool side of an AttributeMapping that is no schema attribute: the user name
# Cognito maps by default (DEFAULT_USERNAME_ATTRIBUTE above).
USERNAME_MAPPING: Final = "username"


def check_attribute_mapping(pool: Any, mapping: Mapping[str, str] | None) -> None:
    """A ``custom:`` key of ``AttributeMapping`` must name a custom attribute the pool
    has: AWS refuses others with "AttributeMapping contains invalid mapping:
    [custom:zen_groups]" (aws/aws-cli #9729, CreateIdentityProvider; same code on
    update, inferred). A bare name the pool does not know is accepted: aws/aws-cdk
    #26820 saw one deploy, and CDK's deployed integration test for Login with Amazon
    maps one (integ.user-pool-idp.amazon). moto 5.2.1 accepts any key."""
    invalid = [
        key
        for key in mapping or {}
        if key.startswith(("custom:", "dev:")) and key not in pool.schema_attributes
    ]
    if invalid:
        raise InvalidParameterException(
            f"AttributeMapping contains invalid mapping: [{', '.join(invalid)}]"
        )


def check_not_referenced(pool: Any, name: str) -> None:
    """DELIBERATELY STRICTER THAN KNOWN: what AWS does when a provider still named in a
    client's ``SupportedIdentityProviders`` is deleted is UNVERIFIED (no public source
    says; moto 5.2.1 allows it). The stand-in
    refuses, so that poolsync's ordering (take the provider out of every client
    first) is exercised by the tests."""
    for client in pool.clients.values():
        if name in (client.extended_config.get("SupportedIdentityProviders") or ()):
            raise InvalidParameterException(
                f"The provider {name} is referenced by app client "
                f"{client.extended_config.get('ClientName')} ({client.id}); remove it from "
                "the client's SupportedIdentityProviders first."
            )


# --- What is stored -----------------------------------------------------------------


def stored_provider(request: Mapping[str, Any]) -> dict[str, Any]:
    """What CreateIdentityProvider keeps: the request as written (moto adds its own
    ``{"username": "sub"}`` mapping to the stored request; the stand-in computes the
    per-type default on read instead)."""
    return {
        key: copy.deepcopy(value)
        for key, value in request.items()
        if key not in _NOT_CONFIGURATION and value is not None
    }


def updated_provider(stored: Mapping[str, Any], request: Mapping[str, Any]) -> dict[str, Any]:
    """UpdateIdentityProvider (whether AWS merges or replaces is UNVERIFIED: botocore
    does not say). The stand-in, like moto, replaces each member it is sent wholesale and
    keeps the ones it is not. One CHOICE on top: an Apple update whose
    ``ProviderDetails`` omit ``private_key`` keeps the stored key, because Describe
    never returns it and a read-modify-write caller could not resend it. The type
    cannot change: UpdateIdentityProvider has no ``ProviderType`` member (botocore
    UpdateIdentityProviderRequest)."""
    updated = copy.deepcopy(dict(stored))
    for key in _UPDATABLE:
        if request.get(key) is not None:
            updated[key] = copy.deepcopy(request[key])
    old_details = stored.get("ProviderDetails") or {}
    new_details = updated.get("ProviderDetails") or {}
    for key in WRITE_ONLY_DETAILS:
        if key in old_details and key not in new_details:
            new_details[key] = old_details[key]
    updated["ProviderDetails"] = new_details
    return updated


# --- Patched moto methods -----------------------------------------------------------


def _create_identity_provider(
    backend: Any, user_pool_id: str, name: str, request: dict[str, Any]
) -> Any:
    pool = backend.describe_user_pool(user_pool_id)
    check_new_provider(pool, name, request.get("ProviderType"))
    check_attribute_mapping(pool, request.get("AttributeMapping"))
    # Taken before moto runs: moto writes its default mapping into the request dict.
    stored = stored_provider(request)
    provider = _moto_create_identity_provider(backend, user_pool_id, name, request)
    provider.extended_config = stored
    add_identities_attribute(pool)
    return provider


def _update_identity_provider(
    backend: Any, user_pool_id: str, name: str, request: dict[str, Any]
) -> Any:
    provider = backend.describe_identity_provider(user_pool_id, name)
    pool = backend.describe_user_pool(user_pool_id)
    check_attribute_mapping(pool, request.get("AttributeMapping"))
    provider.extended_config = updated_provider(provider.extended_config, request)
    provider.last_modified_date = utcnow()
    return provider


def _delete_identity_provider(backend: Any, user_pool_id: str, name: str) -> None:
    pool = backend.describe_user_pool(user_pool_id)
    backend.describe_identity_provider(user_pool_id, name)  # ResourceNotFound first
    check_not_referenced(pool, name)
    _moto_delete_identity_provider(backend, user_pool_id, name)


def provider_json(provider: Any, extended: bool = False) -> dict[str, Any]:
    """Describe/Create/Update shape (botocore ``IdentityProviderType``; the fixtures
    named in the functions above). ``IdpIdentifiers`` is ``[]`` when never set (2019 CLI example).
    List shape (``extended=False``) is moto's: name, type, dates."""
    shape: dict[str, Any] = _moto_provider_to_json(provider, extended)
    if not extended:
        return shape
    stored = provider.extended_config
    provider_type = str(stored.get("ProviderType"))
    shape["ProviderDetails"] = described_details(provider_type, stored.get("ProviderDetails") or {})
    mapping = described_mapping(provider_type, stored.get("AttributeMapping") or {})
    if mapping:
        shape["AttributeMapping"] = mapping
    else:
        shape.pop("AttributeMapping", None)
    shape["IdpIdentifiers"] = list(stored.get("IdpIdentifiers") or [])
    return shape


PATCHES: Final = (
    Patch(
        CognitoIdpBackend,
        "create_identity_provider",
        _moto_create_identity_provider,
        _create_identity_provider,
    ),
    Patch(
        CognitoIdpBackend,
        "update_identity_provider",
        _moto_update_identity_provider,
        _update_identity_provider,
    ),
    Patch(
        CognitoIdpBackend,
        "delete_identity_provider",
        _moto_delete_identity_provider,
        _delete_identity_provider,
    ),
    Patch(CognitoIdpIdentityProvider, "to_json", _moto_provider_to_json, provider_json),
)
