"""The only module that talks to boto3. Everything above it sees plain dicts.

The core asks for the few reads it needs (``LiveReader``) and hands over the exact
``ApiCall`` values the plan computed; this module only executes them. Tests replace it
with the same class pointed at moto, or with a recording wrapper.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Protocol

from poolsync import quotas
from poolsync.errors import AwsError, PoolsyncError, UsageError
from poolsync.model import ApiCall
from poolsync.pacing import DEFAULT_SHARE, Pacer, Unpaced, WaitSpans, check_share, waited_seconds
from poolsync.regions import region_problem

# What names an item in each listing poolsync reads (botocore's list output shapes):
# a pool's Id, a client's ClientId, a provider's ProviderName, a group's GroupName, a
# resource server's Identifier.
_ITEM_KEYS = ("Id", "ClientId", "ProviderName", "GroupName", "Identifier", "Username",
              "TermsId", "ClientSecretId")


def _item_identity(item: Any) -> str:
    """One item of a listing as a comparable string: its name or id where it has one."""
    if isinstance(item, Mapping):
        for key in _ITEM_KEYS:
            if isinstance(item.get(key), str):
                return f"{key}={item[key]}"
    return json.dumps(item, sort_keys=True, default=str)


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

    def read(self, operation: str, params: Mapping[str, Any],
             absent: frozenset[str] = frozenset()) -> dict[str, Any] | None: ...

    def pages(self, operation: str, key: str, params: Mapping[str, Any]
              ) -> list[dict[str, Any]]: ...

    def call(self, call: ApiCall) -> dict[str, Any]: ...


@dataclass
class CallRecord:
    operation: str
    params: Mapping[str, Any]
    attempt: int = 1
    outcome: str = "ok"  # "ok", or the error code / "connection" of a failed attempt


@dataclass(frozen=True)
class Activity:
    """How busy a run has been (the progress line): ``requests`` made (every attempt),
    ``throttled`` answers among them, and ``waited`` seconds during which at least one
    request waited on the pacer or between attempts (``pacing.waited_seconds``: never
    more than the time elapsed)."""

    requests: int = 0
    throttled: int = 0
    waited: float = 0.0


@dataclass(frozen=True)
class RetryPolicy:
    """poolsync retries itself (botocore's own retries are off) so that it can classify
    Cognito's errors (quotas.py, with its sources) and look a create up before sending
    it again. Full-jitter exponential backoff, capped like botocore's standard mode."""

    attempts: int = 10
    base: float = 0.2
    cap: float = 20.0
    sleep: Callable[[float], None] = time.sleep

    def delay(self, attempt: int) -> float:
        return random.uniform(0, min(self.cap, self.base * 2 ** (attempt - 1)))


def _snake(operation: str) -> str:
    """``UpdateUserPool`` -> ``update_user_pool`` (boto3's method name); a run of
    capitals is one word, as botocore's ``xform_name`` has it: ``SetUICustomization``
    -> ``set_ui_customization``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", operation).lower()


# botocore's retries are off: its default "legacy" mode never retries Cognito's
# throttling (HTTP 400), and its standard mode retries LimitExceededException, a hard
# quota (botocore/retries/standard.py; boto/botocore #1732; the Cognito override in
# terraform-provider-aws internal/service/cognitoidp/service_package.go never retries
# it). RetryPolicy does it instead.
_NO_BOTOCORE_RETRIES = {"mode": "standard", "total_max_attempts": 1}
# Seconds. Cognito answers its control-plane calls within a few seconds (a SAML
# provider's metadata URL is fetched during CreateIdentityProvider, hence the margin);
# botocore's 60 s default, tried again, made a silent endpoint hang a run for minutes.
CONNECT_TIMEOUT = 10
READ_TIMEOUT = 30
# A whole call, however its answer arrives: READ_TIMEOUT bounds each socket read, so an
# endpoint that trickles its answer a byte at a time would otherwise hold a call for
# hours (urllib3 has no deadline for a whole response).
CALL_DEADLINE = 120.0
# Where a lost response may hide a create that happened: look before sending it again.
_CREATES = frozenset({"CreateUserPool", "CreateUserPoolClient", "CreateIdentityProvider",
                      "CreateGroup", "CreateResourceServer", "CreateUserPoolDomain",
                      "AddCustomAttributes", "CreateTerms", "CreateManagedLoginBranding",
                      "AddUserPoolClientSecret"})
# Pagination bounds. The longest listing Cognito can have is a pool's groups (10,000,
# the Cognito quotas page, https://docs.aws.amazon.com/cognito/latest/developerguide/
# quotas.html) at 60 a page, 167 pages; MAX_PAGES pages of 60 are more than any quota
# allows. A page with no items but a NextToken is legal, a long run of them is an
# endpoint that will never finish.
MAX_PAGES: Final = 1_000
# How recent a client secret must be to be taken for the one a lost
# AddUserPoolClientSecret added (BotoCognito._added_secret): longer than any run's
# retries, far shorter than a rotation period.
ADDED_WITHIN: Final = dt.timedelta(minutes=15)
MAX_EMPTY_PAGES: Final = 20
# Bytes. Cognito's largest answer (a pool with 50 custom attributes, a page of 60
# clients) is tens of kilobytes.
MAX_RESPONSE_BYTES: Final = 16 * 2**20


@dataclass
class BotoCognito:
    """Cognito in one region through boto3. ``calls`` records every request made."""

    region: str
    profile: str | None = None
    endpoint_url: str | None = None
    credentials: tuple[str, str] | None = None  # only for a local endpoint (the demo)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    pacer: Pacer = field(default_factory=Unpaced)
    calls: list[CallRecord] = field(default_factory=list)
    throttled: int = 0  # attempts answered with a throttling error
    backoffs: WaitSpans = field(default_factory=WaitSpans)  # sleeps between attempts
    _client: Any = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _boto(self) -> Any:
        with self._lock:  # one client, shared by the threads (boto3 clients are thread-safe)
            return self._make_client()

    def _make_client(self) -> Any:
        if self._client is None:
            import boto3
            from botocore.config import Config
            from botocore.exceptions import BotoCoreError

            keys = self.credentials or (None, None)
            try:
                session = boto3.Session(
                    profile_name=self.profile,
                    region_name=self.region,
                    aws_access_key_id=keys[0],
                    aws_secret_access_key=keys[1],
                )
                client = session.client(
                    "cognito-idp",
                    endpoint_url=self.endpoint_url,
                    config=Config(retries=_NO_BOTOCORE_RETRIES,  # type: ignore[arg-type]
                                  connect_timeout=CONNECT_TIMEOUT,
                                  read_timeout=READ_TIMEOUT),
                )
            except (BotoCoreError, ValueError) as exc:  # a profile, a config file, a variable
                raise PoolsyncError(_setup_problem(exc, self._secrets())) from exc
            client.meta.events.register(f"before-parse.{_EVENT_SERVICE}", check_response)
            self._client = client
        return self._client

    def _secrets(self) -> list[str]:
        """The credential values botocore may quote in an error (a malformed session token
        is echoed in "Invalid header value"): scrubbed from every message."""
        values = [os.environ.get(name, "") for name in _CREDENTIAL_VARIABLES]
        values += list(self.credentials or ())
        return [v for v in values if len(v) >= _MIN_SCRUBBED]

    def _invoke(self, operation: str, params: Mapping[str, Any]) -> dict[str, Any]:
        """One API call, retried when Cognito's answer says a retry can help."""
        from botocore.exceptions import BotoCoreError, ClientError

        method: Callable[..., dict[str, Any]] = getattr(self._boto(), _snake(operation))
        ambiguous = False  # did a failed attempt perhaps reach the server and act?
        # A client's secrets before an add: one a lost attempt added is the one not
        # among them (ListUserPoolClientSecrets gives ids, never values).
        before = (self._secret_ids(params) if operation == "AddUserPoolClientSecret"
                  else None)
        for attempt in range(1, self.retry.attempts + 1):
            if ambiguous and operation in _CREATES:
                done = self._already_created(operation, params, before)
                if done is not None:  # the lost attempt had acted: do not create twice
                    self.calls.append(CallRecord(operation, dict(params), attempt, "found"))
                    return done
            self.pacer.acquire(operation, params.get("UserPoolId"))
            record = CallRecord(operation, dict(params), attempt)
            self.calls.append(record)
            try:
                response: dict[str, Any] = _within_deadline(operation, method, params)
            except MalformedResponse as exc:
                record.outcome = "malformed"
                raise PoolsyncError(
                    f"AWS {operation} answered with something that is not a Cognito "
                    f"response ({exc}); is AWS_ENDPOINT_URL or a proxy in the way?"
                ) from exc
            except ClientError as exc:
                err = exc.response.get("Error", {})
                code = str(err.get("Code", "Unknown"))
                status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
                record.outcome = code
                if attempt > 1 and operation.startswith("Delete") and code in _GONE:
                    return {}  # the lost attempt deleted it
                if quotas.retryable(operation, code, status) and attempt < self.retry.attempts:
                    # Throttling is answered before the request is processed; a server
                    # error may come after it acted.
                    ambiguous = ambiguous or code not in quotas.THROTTLING_CODES
                    self._back_off(attempt, throttled=code in quotas.THROTTLING_CODES)
                    continue
                raise _aws_error(operation, code, str(err.get("Message", "")), attempt) from exc
            except BotoCoreError as exc:
                record.outcome = "connection"
                ambiguous = True
                if attempt < min(self.retry.attempts, _attempts_for(exc)):
                    self._back_off(attempt)
                    continue
                message = _scrub(str(exc), self._secrets())
                raise PoolsyncError(
                    f"AWS {operation} failed after {attempt} attempt(s): {message}{_hint(exc)}"
                ) from exc
            except ValueError as exc:  # a setting botocore reads at the first call
                record.outcome = "setup"
                raise PoolsyncError(
                    f"AWS {operation} could not be sent: botocore refused a setting or a "
                    f"value: {_scrub(str(exc), self._secrets())} (check the AWS_* "
                    "environment variables and the AWS config file)") from exc
            response.pop("ResponseMetadata", None)
            return response
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _back_off(self, attempt: int, throttled: bool = False) -> None:
        """Sleep before the next attempt, counted for the progress line (``activity``)."""
        delay = self.retry.delay(attempt)
        with self._lock:
            self.throttled += throttled
        now = time.monotonic()
        self.backoffs.add(now, now + delay)
        self.retry.sleep(delay)

    def activity(self) -> Activity:
        """Attempts so far, throttled answers, and seconds spent waiting: on the pacer
        (quotas) and between attempts (retries). Read without the lock, which client
        creation holds: each number is read whole, and the progress line reads again."""
        return Activity(len(self.calls), self.throttled, waited_seconds(self.wait_spans()))

    def wait_spans(self) -> list[tuple[float, float]]:
        """When this region's requests waited: on the pacer and between attempts."""
        return self.pacer.waits.spans() + self.backoffs.spans()

    def _already_created(self, operation: str, params: Mapping[str, Any],
                         before: frozenset[str] | None = None) -> dict[str, Any] | None:
        """Whether the object a create names exists: CreateUserPool has no idempotency
        token, and a create whose response was lost may have acted (issue: no duplicate
        objects). The planner only creates what did not exist, so finding it means the
        lost attempt made it."""
        pool_id = str(params.get("UserPoolId", ""))
        if operation == "CreateUserPool":
            # Pool names are not unique: another run may have created one of this name.
            # The pool is this request's only if it carries the request's poolsync: tags
            # (the run's id: kinds.settings.CREATED_BY_RUN).
            marks = {k: v for k, v in (params.get("UserPoolTags") or {}).items()
                     if str(k).startswith("poolsync:")}
            for pool_id in [p["Id"] for p in self.list_user_pools()
                            if p["Name"] == params["PoolName"]]:
                found = self.describe_user_pool(str(pool_id))
                if found and marks.items() <= (found.get("UserPoolTags") or {}).items():
                    return {"UserPool": found}
            return None
        if operation == "CreateUserPoolClient":
            clients = [c for c in self.list_clients(pool_id)
                       if c["ClientName"] == params["ClientName"]]
            return ({"UserPoolClient": self.describe_client(pool_id, clients[0]["ClientId"])}
                    if clients else None)
        if operation == "CreateUserPoolDomain":
            found = self.describe_domain(str(params["Domain"]))
            return {} if found and found.get("UserPoolId") == pool_id else None
        if operation == "CreateTerms":
            return self._created_terms(pool_id, params)
        if operation == "CreateManagedLoginBranding":
            # One style per client (botocore ManagedLoginBrandingExistsException).
            found = self.read("DescribeManagedLoginBrandingByClient",
                              {"UserPoolId": pool_id, "ClientId": params["ClientId"],
                               "ReturnMergedResources": False}, absent=_GONE)
            return {"ManagedLoginBranding": found["ManagedLoginBranding"]} if found else None
        if operation == "AddUserPoolClientSecret":
            return self._added_secret(pool_id, params, before)
        if operation == "AddCustomAttributes":
            pool = self.describe_user_pool(pool_id) or {}
            have = {a["Name"] for a in pool.get("SchemaAttributes", [])}
            wanted = {("dev:custom:" if a.get("DeveloperOnlyAttribute") else "custom:")
                      + str(a["Name"]) for a in params["CustomAttributes"]}
            return {} if wanted <= have else None
        lookups = {
            "CreateIdentityProvider": ("DescribeIdentityProvider", "ProviderName",
                                       "IdentityProvider"),
            "CreateGroup": ("GetGroup", "GroupName", "Group"),
            "CreateResourceServer": ("DescribeResourceServer", "Identifier", "ResourceServer"),
        }
        describe, key, shape = lookups[operation]
        try:
            found = self._invoke(describe, {"UserPoolId": pool_id, key: params[key]})
        except AwsError as exc:
            if exc.code == "ResourceNotFoundException":
                return None
            raise
        return {shape: found.get(shape)}

    def _pages(self, operation: str, key: str, params: Mapping[str, Any]) -> Iterator[Any]:
        """Every item of a listing, page by page. PoolsyncError when the endpoint sends a
        NextToken it sent before, more items than asked for, or pages without end: a
        broken endpoint must not keep a run listing forever."""
        token: str | None = None
        seen: set[str] = set()
        listed: set[str] = set()  # each item's identity: a listing names an item once
        size = params.get("MaxResults") or params.get("Limit")
        empty = 0
        for number in range(1, MAX_PAGES + 1):
            page_params = dict(params, **({"NextToken": token} if token else {}))
            page = self._invoke(operation, page_params)
            items = page.get(key, [])
            if size is not None and len(items) > size:
                raise PoolsyncError(f"AWS {operation} sent {len(items)} items in a page of "
                                    f"at most {size}: not a Cognito answer")
            for item in items:
                identity = _item_identity(item)
                if identity in listed:
                    raise PoolsyncError(f"AWS {operation} listed the same item twice (page "
                                        f"{number}): the listing would never end")
                listed.add(identity)
            yield from items
            token = page.get("NextToken")
            if not token:
                return
            if token in seen:
                raise PoolsyncError(f"AWS {operation} sent a NextToken it had sent before "
                                    f"(page {number}): the listing would never end")
            seen.add(token)
            empty = 0 if items else empty + 1
            if empty >= MAX_EMPTY_PAGES:
                raise PoolsyncError(f"AWS {operation} sent {empty} empty pages in a row, "
                                    "each with a NextToken: the listing would never end")
        raise PoolsyncError(f"AWS {operation} still had a NextToken after {MAX_PAGES} pages, "
                            "more than any Cognito quota allows: the listing would never end")

    def list_user_pools(self) -> list[dict[str, Any]]:
        # MaxResults is required by ListUserPools (botocore ListUserPoolsRequest).
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

    # Page sizes are each operation's maximum (botocore model: the MaxResults or Limit
    # shape of each List request).

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
        # An unknown domain is a 200 with an empty description, not an error
        # (real-responses describe_user_pool_domain.nonexistent-domain).
        found = self._invoke("DescribeUserPoolDomain", {"Domain": domain})
        description: dict[str, Any] = found.get("DomainDescription") or {}
        return description if description.get("Domain") else None

    def list_groups(self, pool_id: str) -> list[dict[str, Any]]:
        return list(self._pages("ListGroups", "Groups", {"UserPoolId": pool_id, "Limit": 60}))

    def list_resource_servers(self, pool_id: str) -> list[dict[str, Any]]:
        params = {"UserPoolId": pool_id, "MaxResults": 50}
        return list(self._pages("ListResourceServers", "ResourceServers", params))

    def _secret_ids(self, params: Mapping[str, Any]) -> frozenset[str]:
        return frozenset(str(s.get("ClientSecretId")) for s in self.pages(
            "ListUserPoolClientSecrets", "ClientSecrets",
            {"UserPoolId": params["UserPoolId"], "ClientId": params["ClientId"]}))

    def _added_secret(self, pool_id: str, params: Mapping[str, Any],
                      before: frozenset[str] | None) -> dict[str, Any] | None:
        """The client secret the lost attempt added: the one not among ``before``, the
        client's secrets listed right before the first attempt (a client created in the
        same run has its own, made moments earlier: no date tells them apart). Without
        that list, one created in the last ``ADDED_WITHIN``. Its value, which Cognito
        returns only to the add, is not needed: poolsync never keeps it."""
        secrets = self.pages("ListUserPoolClientSecrets", "ClientSecrets",
                             {"UserPoolId": pool_id, "ClientId": params["ClientId"]})
        if before is not None:
            new = [s for s in secrets if str(s.get("ClientSecretId")) not in before]
            return {"ClientSecretDescriptor": new[-1]} if new else None
        now = dt.datetime.now(dt.UTC)
        for secret in secrets:
            created = secret.get("ClientSecretCreateDate")
            if isinstance(created, dt.datetime) and now - created <= ADDED_WITHIN:
                return {"ClientSecretDescriptor": secret}
        return None

    def _created_terms(self, pool_id: str, params: Mapping[str, Any]) -> dict[str, Any] | None:
        """The terms document of the request's client and TermsName, if one exists: a
        client has one of each name (botocore TermsExistsException: "Terms document
        names must be unique to the app client"). ListTerms names no client, so each
        document of that name is described (kinds/terms.describe_each)."""
        for summary in self._pages("ListTerms", "Terms", {"UserPoolId": pool_id,
                                                          "MaxResults": 60}):
            if summary.get("TermsName") != params.get("TermsName"):
                continue
            found = self.read("DescribeTerms", {"UserPoolId": pool_id,
                                                "TermsId": summary["TermsId"]}, absent=_GONE)
            terms = (found or {}).get("Terms") or {}
            if terms.get("ClientId") == params.get("ClientId"):
                return {"Terms": terms}
        return None

    def read(self, operation: str, params: Mapping[str, Any],
             absent: frozenset[str] = frozenset()) -> dict[str, Any] | None:
        """One read of a kind that names its own operation (``kinds.base.Part``): the
        response, or None when Cognito answers with an error code in ``absent`` (the
        way each API says "there is none": ResourceNotFoundException,
        UserPoolAddOnNotEnabledException)."""
        try:
            return self._invoke(operation, params)
        except AwsError as exc:
            if exc.code in absent:
                return None
            raise

    def pages(self, operation: str, key: str, params: Mapping[str, Any]
              ) -> list[dict[str, Any]]:
        """Every item of a listing (``_pages``: loops NextToken, also for the listings
        botocore has no paginator for, such as ListTerms)."""
        return list(self._pages(operation, key, params))

    def call(self, call: ApiCall) -> dict[str, Any]:
        return self._invoke(call.operation, call.params)

    def resolved_endpoint(self) -> str:
        """The URL this client sends to (botocore's ``meta.endpoint_url``)."""
        return str(self._boto().meta.endpoint_url)


_GONE = frozenset({"ResourceNotFoundException"})
# botocore's event name for Cognito (its service id, hyphenated).
_EVENT_SERVICE: Final = "cognito-identity-provider"
_CREDENTIAL_VARIABLES: Final = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                                "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")
_MIN_SCRUBBED: Final = 8  # shorter values (test dummies like "x") would garble messages


def _scrub(text: str, secrets: list[str]) -> str:
    """``text`` without any of ``secrets``, also in the escaped forms botocore quotes a
    value in (``Invalid header value b'...\\n...'``), or any long piece of one."""
    for secret in secrets:
        forms = {secret, repr(secret)[1:-1], repr(secret.encode())[2:-1],
                 *(piece for piece in re.split(r"[\s\x00-\x1f]+", secret)
                   if len(piece) >= _MIN_SCRUBBED)}
        for form in sorted(forms, key=len, reverse=True):
            text = text.replace(form, "***")
    return text


def _setup_problem(exc: Exception, secrets: list[str]) -> str:
    """The message for botocore failing to set up: a profile that does not exist, a
    config file it cannot parse, an AWS_* variable with a value it refuses."""
    from botocore.exceptions import ConfigParseError, ProfileNotFound

    if isinstance(exc, ProfileNotFound):
        profile = exc.kwargs.get("profile")
        return (f"the AWS profile {profile!r} does not exist{_known_profiles()}: give "
                "--profile (or AWS_PROFILE) a profile of the AWS config or credentials file "
                "(AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE)")
    if isinstance(exc, ConfigParseError):
        return f"cannot read the AWS configuration: {exc}"
    return (f"cannot set up the AWS client: {_scrub(str(exc), secrets)} (check the AWS_* "
            "environment variables, AWS_ENDPOINT_URL among them, and the AWS config file)")


def _known_profiles() -> str:
    import botocore.session
    from botocore.exceptions import BotoCoreError

    try:
        known = sorted(botocore.session.Session(profile=None).available_profiles)
    except BotoCoreError:
        return ""
    return f" (known: {', '.join(known[:20])})" if known else " (no profile is configured)"


class MalformedResponse(Exception):
    """A 2xx answer that is not a Cognito response (not JSON, or JSON of another shape)."""


# The members poolsync reads from a response without looking first: the named wrapper
# (a list's items, or one object) must carry them. Cognito always sends them (API
# reference, the response syntax of each operation: an object's name and id).
_IDENTITY: Final[dict[str, tuple[str, tuple[str, ...]]]] = {
    "ListUserPools": ("UserPools", ("Id", "Name")),
    "ListUserPoolClients": ("UserPoolClients", ("ClientId", "ClientName")),
    "ListIdentityProviders": ("Providers", ("ProviderName",)),
    "ListGroups": ("Groups", ("GroupName",)),
    "ListResourceServers": ("ResourceServers", ("Identifier",)),
    "DescribeUserPool": ("UserPool", ("Id", "Name")),
    "CreateUserPool": ("UserPool", ("Id", "Name")),
    "DescribeUserPoolClient": ("UserPoolClient", ("ClientId", "ClientName")),
    "CreateUserPoolClient": ("UserPoolClient", ("ClientId", "ClientName")),
    "DescribeIdentityProvider": ("IdentityProvider", ("ProviderName",)),
}
# How each type of the botocore model arrives in JSON (botocore/parsers.py,
# BaseJSONParser: timestamps as epoch numbers or strings, blobs as base64 text).
_JSON_TYPES: Final[dict[str, tuple[type, ...]]] = {
    "string": (str,), "blob": (str,), "boolean": (bool,), "integer": (int,),
    "long": (int,), "float": (int, float), "double": (int, float),
    "timestamp": (int, float, str),
}


def check_response(operation_model: Any, response_dict: Mapping[str, Any],
                   **_: Any) -> None:
    """botocore's ``before-parse`` hook: raise MalformedResponse unless a 2xx answer is
    a JSON object of the operation's output shape. botocore's own parser reads a
    non-JSON 200 (a proxy's or a portal's HTML page) as an empty answer, so
    ListUserPools would say "no pools" and apply would create them again; and it
    crashes, or passes ``None`` on, where a value has another type. Errors (3xx and
    up) are left to botocore, whose error parser names them by status."""
    if int(response_dict.get("status_code") or 0) >= 300:
        return
    body = response_dict.get("body") or b""
    if len(body) > MAX_RESPONSE_BYTES:
        raise MalformedResponse(f"{len(body)} bytes, more than {MAX_RESPONSE_BYTES}")
    if not body.strip():
        return  # an empty body is an empty answer (some writes send none)
    try:
        document = json.loads(body)
        problem = _shape_problem(operation_model.output_shape, document, "")
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise MalformedResponse(f"the body is not JSON: {type(exc).__name__}") from exc
    if problem is None:
        problem = _identity_problem(operation_model.name, document)
    if problem is not None:
        raise MalformedResponse(problem)


def _json_type(value: object) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean",
             int: "a number", float: "a number", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def _shape_problem(shape: Any, value: Any, path: str) -> str | None:
    """Where ``value`` (parsed JSON) is not of ``shape`` (a botocore shape), or None.
    ``null`` members are fine (botocore drops them); ``null`` items are not."""
    where = path or "the response"
    kind = shape.type_name if shape is not None else "structure"
    if kind == "structure":
        if not isinstance(value, dict):
            return f"{where} is {_json_type(value)}, not an object"
        members = shape.members if shape is not None else {}
        for name, member in members.items():
            item = value.get(member.serialization.get("name", name))
            if item is not None:
                problem = _shape_problem(member, item, f"{path}.{name}" if path else name)
                if problem:
                    return problem
        return None
    if kind == "list":
        if not isinstance(value, list):
            return f"{where} is {_json_type(value)}, not a list"
        for index, item in enumerate(value):
            problem = (f"{where}[{index}] is null" if item is None
                       else _shape_problem(shape.member, item, f"{path}[{index}]"))
            if problem:
                return problem
        return None
    if kind == "map":
        if not isinstance(value, dict):
            return f"{where} is {_json_type(value)}, not an object"
        for key, item in value.items():
            inner = f"{path}[{key[:40]!r}]"
            problem = (f"{inner} is null" if item is None
                       else _shape_problem(shape.value, item, inner))
            if problem:
                return problem
        return None
    expected = _JSON_TYPES.get(kind)
    if expected and (not isinstance(value, expected)
                     or (isinstance(value, bool) and bool not in expected)):
        article = "an" if kind[0] in "aeiou" else "a"
        return f"{where} is {_json_type(value)}, not {article} {kind}"
    return None


def _identity_problem(operation: str, document: Mapping[str, Any]) -> str | None:
    if operation not in _IDENTITY:
        return None
    wrapper, keys = _IDENTITY[operation]
    value = document.get(wrapper)
    if value is None:
        return None if operation.startswith("List") else f"{wrapper} is missing"
    for index, item in enumerate(value if isinstance(value, list) else [value]):
        missing = [key for key in keys if item.get(key) in (None, "")]
        if missing:
            place = f"{wrapper}[{index}]" if isinstance(value, list) else wrapper
            return f"{place} has no {' or '.join(missing)}"
    return None


def _within_deadline(operation: str, method: Callable[..., Any],
                     params: Mapping[str, Any]) -> Any:
    """``method(**params)``, or botocore's ReadTimeoutError when it has not returned
    within CALL_DEADLINE seconds (then retried like any read timeout: ``_attempts_for``).
    The call runs on a daemon thread: one that never ends is left behind, and a request
    it sent may still act, as after any lost answer (``_already_created``)."""
    from botocore.exceptions import ReadTimeoutError

    outcome: list[Any] = []

    def call() -> None:
        try:
            outcome.append((True, method(**params)))
        except BaseException as exc:  # handed to the caller below
            outcome.append((False, exc))

    worker = threading.Thread(target=call, name=f"poolsync-{operation}", daemon=True)
    worker.start()
    worker.join(CALL_DEADLINE)
    if not outcome:
        raise ReadTimeoutError(endpoint_url=f"{operation}: no whole answer within "
                                            f"{CALL_DEADLINE:g} s")
    ok, value = outcome[0]
    if not ok:
        raise value
    return value


def _attempts_for(exc: Exception) -> int:
    """How many attempts an error deserves. A connection dropped or a read that timed out
    may be a blip (and may hide an action: see _already_created); an endpoint that cannot
    be reached at all is usually a wrong endpoint or no network: three tries. Anything
    else (no credentials, a bad parameter) is not worth a second."""
    from botocore.exceptions import (
        ConnectionClosedError,
        ConnectTimeoutError,
        EndpointConnectionError,
        ReadTimeoutError,
    )

    if isinstance(exc, ConnectionClosedError):
        return 1_000
    if isinstance(exc, EndpointConnectionError | ConnectTimeoutError | ReadTimeoutError):
        # An endpoint that accepts and never answers is not a blip: three reads of
        # READ_TIMEOUT seconds each, then an error, never a hung PR check.
        return 3
    return 1


def _hint(exc: Exception) -> str:
    from botocore.exceptions import EndpointConnectionError, NoCredentialsError

    if isinstance(exc, NoCredentialsError):
        return (" (poolsync uses the standard AWS credential chain: set AWS_PROFILE or "
                "--profile, or the AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY variables)")
    if isinstance(exc, EndpointConnectionError):
        return " (check the network, the region, and AWS_ENDPOINT_URL if it is set)"
    return ""


def _aws_error(operation: str, code: str, message: str, attempts: int) -> AwsError:
    category = quotas.category(operation)
    if code in quotas.THROTTLING_CODES:
        message = (
            f"{message} (throttled {attempts} times). Cognito's {category} quota "
            f"({quotas.RATES.get(category, '?')} requests/s per account and region) is "
            "shared with every other tool calling Cognito in this account and cannot be "
            "raised: run again when fewer tools are busy, or lower poolsync's pace."
        )
    elif code in quotas.NEVER_RETRIED:
        message = (f"{message} (a hard Cognito quota, e.g. app clients per pool or custom "
                   "attributes; retrying cannot help: remove objects or ask AWS Support)")
    elif attempts > 1:
        message = f"{message} (after {attempts} attempts)"
    return AwsError(operation, code, message)


@dataclass
class AwsSession:
    """One client per region, created on first use, each paced by its own buckets
    (quotas are per account and region). ``share`` is the part of each published quota
    poolsync allows itself; None turns pacing off."""

    profile: str | None = None
    endpoint_url: str | None = None
    credentials: tuple[str, str] | None = None
    share: float | None = DEFAULT_SHARE
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    workers: int = 32  # concurrent calls at most; the pacer sets the rate
    _clients: dict[str, Cognito] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        if self.share is not None:
            check_share(self.share)

    def cognito(self, region: str) -> Cognito:
        """The client for ``region``. PoolsyncError for a name that is not an AWS region
        (regions.py); the CLI and the config loader check earlier, this is the last gate
        before botocore."""
        problem = region_problem(region)
        if problem is not None:
            raise PoolsyncError(f"region {region!r}: {problem}")
        with self._lock:
            if region not in self._clients:
                pacer = Unpaced() if self.share is None else Pacer(share=self.share)
                self._clients[region] = BotoCognito(
                    region, self.profile, self.endpoint_url, self.credentials,
                    retry=self.retry, pacer=pacer,
                )
            return self._clients[region]

    def endpoint(self, region: str) -> str:
        """The URL ``region``'s calls go to, as botocore resolved it: Cognito's regional
        endpoint, or the one ``endpoint_url`` or AWS_ENDPOINT_URL names instead (a
        local Cognito). A client that is not poolsync's boto3 one (a test's fake) is
        taken to talk to AWS."""
        cognito = self.cognito(region)
        resolved = getattr(cognito, "resolved_endpoint", None)
        if callable(resolved):
            return str(resolved())
        return f"https://cognito-idp.{region}.amazonaws.com"

    def records(self) -> list[CallRecord]:
        """Every attempt made, in all regions."""
        return [r for c in self._clients.values() if isinstance(c, BotoCognito)
                for r in c.calls]

    def activity(self) -> Activity:
        """Requests, throttled answers and seconds waited so far, in all regions (read
        while other threads call: the progress line)."""
        with self._lock:
            clients = [c for c in self._clients.values() if isinstance(c, BotoCognito)]
        each = [c.activity() for c in clients]
        return Activity(sum(a.requests for a in each), sum(a.throttled for a in each),
                        waited_seconds(s for c in clients for s in c.wait_spans()))

    def stats(self) -> dict[str, dict[str, int]]:
        """Calls, retries and throttles per quota category (``--stats``)."""
        return quotas.call_stats([(r.operation, r.attempt, r.outcome) for r in self.records()])


def profile_region(profile: str | None) -> tuple[str, str | None] | None:
    """The profile's name and its ``region`` as botocore reads the AWS config file
    (``AWS_CONFIG_FILE``, else ``~/.aws/config``): the profile given, else
    ``AWS_PROFILE``, else ``default``. None when botocore is not installed. Raises
    ``UsageError`` for a profile that was named and does not exist, or a config file
    botocore cannot parse (config.RegionFallback: the last source of a region)."""

    try:
        import botocore.exceptions
        import botocore.session
    except ImportError:  # validate runs without the AWS extras
        return None
    session = botocore.session.Session(profile=profile)
    name = session.profile or "default"
    try:
        region = session.get_scoped_config().get("region")
    except botocore.exceptions.ProfileNotFound:
        if profile is None and name == "default":
            return name, None  # no config file, or one without [default]: no region
        raise UsageError(f"the AWS profile {name!r} does not exist in the AWS config "
                         "files (--profile or AWS_PROFILE): it cannot give a region") from None
    except botocore.exceptions.BotoCoreError as exc:  # a config file botocore cannot parse
        raise UsageError(f"the AWS config file cannot be read for the region of profile "
                         f"{name}: {exc}") from None
    return name, region if isinstance(region, str) and region else None
