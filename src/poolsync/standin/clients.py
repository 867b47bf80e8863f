"""App clients as real Cognito writes and reports them.

moto 5.2.1 merges an UpdateUserPoolClient request into the stored client, accepts any
provider name or OAuth scope, and reports no dates and no ``TokenValidityUnits``
(probed against moto 5.2.1; real-responses/SOURCES.md).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any, Final

from moto.cognitoidp.exceptions import InvalidParameterException
from moto.cognitoidp.models import CognitoIdpBackend, CognitoIdpUserPoolClient
from moto.core.exceptions import JsonRESTError
from moto.core.utils import utcnow

from poolsync.standin.patching import Patch

# What AWS reports for a client whose request left these out (botocore
# UserPoolClientType; real-responses describe_user_pool_client.cli-v2-transcript-2025-08:
# RefreshTokenValidity 30, TokenValidityUnits {}, EnableTokenRevocation true,
# EnablePropagateAdditionalUserContextData false, AuthSessionValidity 3;
# AllowedOAuthFlowsUserPoolClient false per the 2019 CLI example; ExplicitAuthFlows per
# botocore 1.43.11 "If you don't specify a value for ExplicitAuthFlows, your app client
# supports ALLOW_REFRESH_TOKEN_AUTH, ALLOW_USER_SRP_AUTH, and ALLOW_CUSTOM_AUTH" -- that
# Describe then lists them is inferred). Everything else a request leaves out is
# absent from Describe: AccessTokenValidity, IdTokenValidity, PreventUserExistenceErrors
# (2025 transcript), ReadAttributes and WriteAttributes (botocore: "only populates
# ReadAttributes in the API response if you have specified your own custom set").
CLIENT_DEFAULTS: Final[Mapping[str, Any]] = {
    "RefreshTokenValidity": 30,
    "TokenValidityUnits": {},
    "ExplicitAuthFlows": ["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH"],
    "AllowedOAuthFlowsUserPoolClient": False,
    "EnableTokenRevocation": True,
    "EnablePropagateAdditionalUserContextData": False,
    "AuthSessionValidity": 3,
}

# OAuth scopes every pool has (botocore CreateUserPoolClientRequest.AllowedOAuthScopes;
# the values CloudFormation accepts, awsdocs/aws-cloudformation-user-guide PR #518).
STANDARD_SCOPES: Final = frozenset(
    {"openid", "email", "phone", "profile", "aws.cognito.signin.user.admin"}
)
# Not an identity provider of the pool, but always allowed in SupportedIdentityProviders.
COGNITO_PROVIDER: Final = "COGNITO"

# Request members that are not client settings (moto's handlers pass the whole request).
_NOT_CONFIGURATION: Final = ("UserPoolId", "ClientId", "GenerateSecret", "ClientSecret")

_moto_create_user_pool_client: Final = CognitoIdpBackend.create_user_pool_client
_moto_update_user_pool_client: Final = CognitoIdpBackend.update_user_pool_client
_moto_client_to_json: Final = CognitoIdpUserPoolClient.to_json


class ScopeDoesNotExistException(JsonRESTError):
    def __init__(self, scope: str) -> None:
        # Message as quoted in awsdocs/aws-cloudformation-user-guide #564 and PR #518.
        super().__init__("ScopeDoesNotExistException", f"Invalid scope requested: {scope}")


# --- What a request leaves behind ---------------------------------------------------


def client_configuration(request: Mapping[str, Any]) -> dict[str, Any]:
    """The client's settings after CreateUserPoolClient or UpdateUserPoolClient: what
    the request sent, AWS's defaults for the rest (botocore: "If you don't provide a value for
    an attribute, Amazon Cognito sets it to its default value")."""
    config = {
        key: copy.deepcopy(value)
        for key, value in request.items()
        if key not in _NOT_CONFIGURATION and value is not None
    }
    for key, default in CLIENT_DEFAULTS.items():
        config.setdefault(key, copy.deepcopy(default))
    # "You can't set RefreshTokenValidity to 0. If you do, Amazon Cognito overrides the
    # value with the default value of 30 days" (botocore CreateUserPoolClient).
    if not config["RefreshTokenValidity"]:
        config["RefreshTokenValidity"] = CLIENT_DEFAULTS["RefreshTokenValidity"]
    with_rotation_grace_period(config)
    return config


def with_rotation_grace_period(config: dict[str, Any]) -> None:
    """``RefreshTokenRotation`` sent without ``RetryGracePeriodSeconds`` is reported with
    0, the value that means "no grace period" (botocore RefreshTokenRotationType: "When
    RetryGracePeriodSeconds is 0, the grace period is disabled"). That Describe reports
    the 0 is UNVERIFIED (no recorded response has the block); what a client whose
    request never named RefreshTokenRotation reports is unknown too, so nothing is
    invented then (the 2025 transcript has no such key)."""
    rotation = config.get("RefreshTokenRotation")
    if isinstance(rotation, dict):
        rotation.setdefault("RetryGracePeriodSeconds", 0)


def with_service_linked_role(config: dict[str, Any], account_id: str) -> dict[str, Any]:
    """Analytics given by ``ApplicationArn`` alone get Cognito's service-linked role as
    ``RoleArn`` (real-responses create_user_pool_client.aws-cli-example-2024, SOURCES.md:
    "The server adds AnalyticsConfiguration.RoleArn"). moto 5.2.1 echoes the request."""
    analytics = config.get("AnalyticsConfiguration")
    if analytics and analytics.get("ApplicationArn") and not analytics.get("RoleArn"):
        analytics["RoleArn"] = (
            f"arn:aws:iam::{account_id}:role/aws-service-role/cognito-idp.amazonaws.com/"
            "AWSServiceRoleForAmazonCognitoIdp"
        )
    return config


def reset_update(stored: Mapping[str, Any], request: Mapping[str, Any]) -> dict[str, Any]:
    """UpdateUserPoolClient resets every member it is not sent (botocore
    UpdateUserPoolClient doc). moto 5.2.1 merges instead. ``ClientName`` is the exception: a client
    always has a name, so an update without one keeps it (inferred, UNVERIFIED)."""
    config = client_configuration(request)
    if "ClientName" not in config and "ClientName" in stored:
        config["ClientName"] = stored["ClientName"]
    return config


# --- What a request may name --------------------------------------------------------


def check_references(pool: Any, request: Mapping[str, Any], operation: str) -> None:
    """``operation`` is "creating" or "updating", as AWS's attribute messages say."""
    check_attributes_exist(pool, request, operation)
    check_identity_providers_exist(pool, request.get("SupportedIdentityProviders") or ())
    check_scopes_exist(pool, request.get("AllowedOAuthScopes") or ())


def check_attributes_exist(pool: Any, request: Mapping[str, Any], operation: str) -> None:
    """``ReadAttributes`` and ``WriteAttributes`` may only name attributes the pool has:
    its standard ones, ``identities`` once it exists, and its ``custom:``/``dev:custom:``
    ones by their full name. AWS's messages: "Invalid write attributes specified while
    creating a client" (aws/aws-cdk #20760, #2608), "... while updating a client"
    (aws/aws-sdk-java #1395, jmaleonard/serverless-cognito-add-custom-attributes #4);
    aws-amplify/amplify-cli #12887 quotes a create failing on "Invalid read attributes",
    whose rest is taken to follow the write message (UNVERIFIED verbatim). Which list
    AWS checks first is UNVERIFIED: read first. moto 5.2.1 accepts any name.
    Whether AWS also refuses an immutable attribute in WriteAttributes is not known
    here, so it is not checked."""
    known = pool.schema_attributes
    for member, noun in (("ReadAttributes", "read"), ("WriteAttributes", "write")):
        if any(name not in known for name in request.get(member) or ()):
            raise InvalidParameterException(
                f"Invalid {noun} attributes specified while {operation} a client"
            )


def check_identity_providers_exist(pool: Any, names: Iterable[str]) -> None:
    """``SupportedIdentityProviders`` may only name ``COGNITO`` and the pool's providers
    (aws/aws-cdk #15692). Message as AWS returns it: aws/aws-cdk #15850,
    lgallard/terraform-aws-cognito-user-pool #71. moto 5.2.1 accepts any name."""
    for name in names:
        if name != COGNITO_PROVIDER and name not in pool.identity_providers:
            raise InvalidParameterException(
                f"The provider {name} does not exist for User Pool {pool.id}."
            )


def check_scopes_exist(pool: Any, scopes: Iterable[str]) -> None:
    """``AllowedOAuthScopes`` are the standard scopes or ``<identifier>/<scope>`` of
    the pool's resource servers; anything else is ScopeDoesNotExistException (botocore
    CreateUserPoolClient error list; an unknown non-custom value such as
    ``Cognito`` gets the same error: awsdocs/aws-cloudformation-user-guide #564).
    moto 5.2.1 accepts any scope."""
    custom = custom_scopes(pool)
    for scope in scopes:
        if scope not in STANDARD_SCOPES and scope not in custom:
            raise ScopeDoesNotExistException(scope)


def custom_scopes(pool: Any) -> frozenset[str]:
    return frozenset(
        f"{server.identifier}/{scope['ScopeName']}"
        for server in pool.resource_servers.values()
        for scope in server.scopes or ()
    )


# --- Patched moto methods -----------------------------------------------------------


def _create_user_pool_client(
    backend: Any, user_pool_id: str, generate_secret: bool, request: dict[str, Any]
) -> Any:
    check_references(backend.describe_user_pool(user_pool_id), request, "creating")
    client: Any = _moto_create_user_pool_client(backend, user_pool_id, generate_secret, request)
    use_custom_secret(client, request.get("ClientSecret"))
    client.extended_config = with_service_linked_role(
        client_configuration(request), backend.account_id
    )
    client.standin_creation_date = client.standin_last_modified_date = utcnow()
    return client


def use_custom_secret(client: Any, secret: str | None) -> None:
    """A ``ClientSecret`` sent at create is the client's secret, and makes it
    confidential (botocore 1.43.11 CreateUserPoolClientRequest.ClientSecret). moto
    5.2.1 generates its own and would echo the sent one as a setting."""
    if secret:
        client.secret = secret
        client.generate_secret = True


def _update_user_pool_client(
    backend: Any, user_pool_id: str, client_id: str, request: dict[str, Any]
) -> Any:
    client = backend.describe_user_pool_client(user_pool_id, client_id)
    check_references(backend.describe_user_pool(user_pool_id), request, "updating")
    client.extended_config = with_service_linked_role(
        reset_update(client.extended_config, request), backend.account_id
    )
    client.standin_last_modified_date = utcnow()
    return client


def client_json(client: Any, extended: bool = False) -> dict[str, Any]:
    """Describe/Create/Update carry ``CreationDate`` and ``LastModifiedDate`` (botocore
    ``UserPoolClientType``; every real client fixture has both); moto 5.2.1 has none."""
    shape: dict[str, Any] = _moto_client_to_json(client, extended)
    created = getattr(client, "standin_creation_date", None)
    if extended and created is not None:
        shape["CreationDate"] = created
        shape["LastModifiedDate"] = client.standin_last_modified_date
    return shape


PATCHES: Final = (
    Patch(
        CognitoIdpBackend,
        "create_user_pool_client",
        _moto_create_user_pool_client,
        _create_user_pool_client,
    ),
    Patch(
        CognitoIdpBackend,
        "update_user_pool_client",
        _moto_update_user_pool_client,
        _update_user_pool_client,
    ),
    Patch(CognitoIdpUserPoolClient, "to_json", _moto_client_to_json, client_json),
)
