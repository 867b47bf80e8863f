"""The only module that talks to boto3. Everything above it sees plain dicts.

The core asks for the few reads it needs (``LiveReader``) and hands over the exact
``ApiCall`` values the plan computed; this module only executes them. Tests replace it
with the same class pointed at moto, or with a recording wrapper.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from poolsync.errors import AwsError, PoolsyncError
from poolsync.model import ApiCall


class Cognito(Protocol):
    """What the engine needs from Cognito in one region."""

    region: str

    def list_user_pools(self) -> list[dict[str, Any]]: ...

    def describe_user_pool(self, pool_id: str) -> dict[str, Any] | None: ...

    def get_user_pool_mfa_config(self, pool_id: str) -> dict[str, Any]: ...

    def has_users(self, pool_id: str) -> bool: ...

    def list_clients(self, pool_id: str) -> list[dict[str, Any]]: ...

    def describe_client(self, pool_id: str, client_id: str) -> dict[str, Any]: ...

    def list_providers(self, pool_id: str) -> list[dict[str, Any]]: ...

    def describe_provider(self, pool_id: str, name: str) -> dict[str, Any]: ...

    def describe_domain(self, domain: str) -> dict[str, Any] | None: ...

    def list_groups(self, pool_id: str) -> list[dict[str, Any]]: ...

    def list_resource_servers(self, pool_id: str) -> list[dict[str, Any]]: ...

    def call(self, call: ApiCall) -> dict[str, Any]: ...


@dataclass
class CallRecord:
    operation: str
    params: Mapping[str, Any]


def _snake(operation: str) -> str:
    """``UpdateUserPool`` -> ``update_user_pool`` (boto3's method name)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", operation).lower()


# Cognito throttles with TooManyRequestsException on HTTP 400, which botocore's default
# "legacy" retry mode never retries (security-and-limits.md §2.4). Standard mode does.
_RETRIES = {"mode": "standard", "total_max_attempts": 8}


@dataclass
class BotoCognito:
    """Cognito in one region through boto3. ``calls`` records every request made."""

    region: str
    profile: str | None = None
    endpoint_url: str | None = None
    credentials: tuple[str, str] | None = None  # only for a local endpoint (the demo)
    calls: list[CallRecord] = field(default_factory=list)
    _client: Any = None

    def _boto(self) -> Any:
        if self._client is None:
            import boto3
            from botocore.config import Config

            keys = self.credentials or (None, None)
            session = boto3.Session(
                profile_name=self.profile,
                region_name=self.region,
                aws_access_key_id=keys[0],
                aws_secret_access_key=keys[1],
            )
            self._client = session.client(
                "cognito-idp",
                endpoint_url=self.endpoint_url,
                config=Config(retries=_RETRIES),  # type: ignore[arg-type]
            )
        return self._client

    def _invoke(self, operation: str, params: Mapping[str, Any]) -> dict[str, Any]:
        from botocore.exceptions import BotoCoreError, ClientError

        self.calls.append(CallRecord(operation, dict(params)))
        method: Callable[..., dict[str, Any]] = getattr(self._boto(), _snake(operation))
        try:
            response = method(**params)
        except ClientError as exc:
            err = exc.response.get("Error", {})
            raise AwsError(operation, err.get("Code", "Unknown"), err.get("Message", "")) from exc
        except BotoCoreError as exc:
            raise PoolsyncError(f"AWS {operation} failed: {exc}") from exc
        response.pop("ResponseMetadata", None)
        return response

    def _pages(self, operation: str, key: str, params: Mapping[str, Any]) -> Iterator[Any]:
        token: str | None = None
        while True:
            page_params = dict(params, **({"NextToken": token} if token else {}))
            page = self._invoke(operation, page_params)
            yield from page.get(key, [])
            token = page.get("NextToken")
            if not token:
                return

    def list_user_pools(self) -> list[dict[str, Any]]:
        # MaxResults is required by ListUserPools (cognito-semantics.md §2.1 row 15).
        return list(self._pages("ListUserPools", "UserPools", {"MaxResults": 60}))

    def describe_user_pool(self, pool_id: str) -> dict[str, Any] | None:
        try:
            pool: dict[str, Any] = self._invoke("DescribeUserPool", {"UserPoolId": pool_id})[
                "UserPool"
            ]
        except AwsError as exc:
            if exc.code == "ResourceNotFoundException":
                return None
            raise
        return pool

    def get_user_pool_mfa_config(self, pool_id: str) -> dict[str, Any]:
        return self._invoke("GetUserPoolMfaConfig", {"UserPoolId": pool_id})

    def has_users(self, pool_id: str) -> bool:
        # EstimatedNumberOfUsers is an estimate; before deleting a pool ask for one user.
        users = self._invoke("ListUsers", {"UserPoolId": pool_id, "Limit": 1})
        return bool(users.get("Users"))

    # Page sizes are each operation's maximum (botocore model; cognito-semantics.md §2.1).

    def list_clients(self, pool_id: str) -> list[dict[str, Any]]:
        params = {"UserPoolId": pool_id, "MaxResults": 60}
        return list(self._pages("ListUserPoolClients", "UserPoolClients", params))

    def describe_client(self, pool_id: str, client_id: str) -> dict[str, Any]:
        params = {"UserPoolId": pool_id, "ClientId": client_id}
        client: dict[str, Any] = self._invoke("DescribeUserPoolClient", params)["UserPoolClient"]
        return client

    def list_providers(self, pool_id: str) -> list[dict[str, Any]]:
        params = {"UserPoolId": pool_id, "MaxResults": 60}
        return list(self._pages("ListIdentityProviders", "Providers", params))

    def describe_provider(self, pool_id: str, name: str) -> dict[str, Any]:
        params = {"UserPoolId": pool_id, "ProviderName": name}
        provider: dict[str, Any] = self._invoke("DescribeIdentityProvider", params)[
            "IdentityProvider"
        ]
        return provider

    def describe_domain(self, domain: str) -> dict[str, Any] | None:
        # An unknown domain is a 200 with an empty description, not an error (§1.5).
        found = self._invoke("DescribeUserPoolDomain", {"Domain": domain})
        description: dict[str, Any] = found.get("DomainDescription") or {}
        return description if description.get("Domain") else None

    def list_groups(self, pool_id: str) -> list[dict[str, Any]]:
        return list(self._pages("ListGroups", "Groups", {"UserPoolId": pool_id, "Limit": 60}))

    def list_resource_servers(self, pool_id: str) -> list[dict[str, Any]]:
        params = {"UserPoolId": pool_id, "MaxResults": 50}
        return list(self._pages("ListResourceServers", "ResourceServers", params))

    def call(self, call: ApiCall) -> dict[str, Any]:
        return self._invoke(call.operation, call.params)


@dataclass
class AwsSession:
    """One client per region, created on first use."""

    profile: str | None = None
    endpoint_url: str | None = None
    credentials: tuple[str, str] | None = None
    _clients: dict[str, Cognito] = field(default_factory=dict)

    def cognito(self, region: str) -> Cognito:
        if region not in self._clients:
            self._clients[region] = BotoCognito(
                region, self.profile, self.endpoint_url, self.credentials
            )
        return self._clients[region]
