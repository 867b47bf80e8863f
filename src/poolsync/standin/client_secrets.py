"""AddUserPoolClientSecret, ListUserPoolClientSecrets and DeleteUserPoolClientSecret,
which moto 5.2.1 lacks (it keeps one secret per client, ``client.secret``).

The stand-in keeps a list per client, oldest first; the first is the client's own
secret (the one CreateUserPoolClient generated or was given), dated when the client
was created. Each behaviour names its source:

- A secret's id is ``<client-id>--<epoch-create-time>`` (botocore
  ClientSecretDescriptorType.ClientSecretId). Seconds since the epoch (whether AWS
  counts seconds or milliseconds is UNVERIFIED); two secrets created in the same second
  get distinct ids here.
- Add generates a value unless the request gives one, and answers it in
  ``ClientSecretValue`` only then (botocore AddUserPoolClientSecretResponse: "The
  ClientSecretValue is only returned when Amazon Cognito generates the secret").
  A generated value is 51 lower-case letters and digits, the form of the secrets the
  real-responses fixtures show (their length is the only part that is not a guess).
- At most 2 secrets (botocore AddUserPoolClientSecret: "Supports up to 2 active
  secrets per app client"; ListUserPoolClientSecrets: "there are only 2 secrets at any
  given time"): a third is LimitExceededException, in Add's error list. The wording is
  the stand-in's own (UNVERIFIED).
- List never returns a value (botocore ListUserPoolClientSecrets: "the response never
  reveals the actual secret value").
- Delete refuses the last secret (botocore DeleteUserPoolClientSecret: "You cannot
  delete the last remaining secret"): InvalidParameterException, in its error list;
  code and wording UNVERIFIED. An id the client does not have is
  ResourceNotFoundException.
- A public client (created without a secret) has none to list, and Add and Delete
  refuse it (botocore AddUserPoolClientSecret: "for an existing confidential user pool
  app client"): an empty list, and InvalidParameterException (UNVERIFIED: AWS may
  answer List with an error instead).
- DescribeUserPoolClient's ``ClientSecret`` after a rotation: which secret AWS shows is
  UNVERIFIED. The stand-in shows the oldest secret left (the client's own until it is
  deleted, then the one added after it).
- Sign-in takes either secret while a client has two: that is what the second one is
  for (botocore AddUserPoolClientSecret: "zero-downtime credential rotation"). moto
  checks SECRET_HASH against ``client.secret`` alone; ``check_any_secret`` tries each
  of the client's secrets.
"""

from __future__ import annotations

import calendar
import datetime
import secrets
import string
import weakref
from typing import Any, Final, cast

from moto.cognitoidp import models as moto_models
from moto.cognitoidp.exceptions import InvalidParameterException, ResourceNotFoundError
from moto.cognitoidp.responses import CognitoIdpResponse
from moto.cognitoidp.utils import check_secret_hash as _moto_check_secret_hash
from moto.core.exceptions import JsonRESTError
from moto.core.responses import ActionResult, EmptyResult
from moto.core.utils import utcnow

from poolsync.standin.patching import Patch
from poolsync.standin.resource_servers import addition

MAX_SECRETS: Final = 2
_STORE: Final = "_poolsync_client_secrets"
_GENERATED_LENGTH: Final = 51
_ALPHABET: Final = string.ascii_lowercase + string.digits
# The clients whose secrets the stand-in keeps, by id, for the SECRET_HASH check (which
# moto calls with the client's id, not the client).
_CLIENTS: Final[weakref.WeakValueDictionary[str, Any]] = weakref.WeakValueDictionary()


class LimitExceededException(JsonRESTError):
    """In AddUserPoolClientSecret's error list (botocore); HTTP 400 like every Cognito
    client error."""

    def __init__(self, message: str) -> None:
        super().__init__("LimitExceededException", message)


def now() -> datetime.datetime:
    """The stand-in's clock (naive UTC, as moto's dates): when a secret is added. Tests
    move it forward together with ``poolsync.kinds.client_secret.now``."""
    return utcnow()


def _epoch(moment: datetime.datetime) -> int:
    return calendar.timegm(moment.utctimetuple())


def secrets_of(client: Any) -> list[dict[str, Any]]:
    """The client's secrets, oldest first (created on first use from the client's own
    secret); [] for a public client."""
    if not client.generate_secret:
        return []
    stored: list[dict[str, Any]] | None = getattr(client, _STORE, None)
    if stored is None:
        created = getattr(client, "standin_creation_date", None) or now()
        stored = [{"ClientSecretId": f"{client.id}--{_epoch(created)}",
                   "ClientSecretValue": client.secret, "ClientSecretCreateDate": created}]
        setattr(client, _STORE, stored)
        _CLIENTS[client.id] = client
    return stored


def _described_secret(client: Any) -> None:
    """Describe's ``ClientSecret`` (and moto's SECRET_HASH check): the oldest left."""
    client.secret = secrets_of(client)[0]["ClientSecretValue"]


def _confidential(backend: Any, params: Any, operation: str) -> Any:
    client = backend.describe_user_pool_client(params.get("UserPoolId"), params.get("ClientId"))
    if not client.generate_secret:
        raise InvalidParameterException(
            f"{operation} is only possible for a confidential app client (one with a "
            "client secret).")
    return client


def _new_id(client: Any, moment: datetime.datetime, taken: list[dict[str, Any]]) -> str:
    epoch = _epoch(moment)
    ids = {s["ClientSecretId"] for s in taken}
    while f"{client.id}--{epoch}" in ids:
        epoch += 1
    return f"{client.id}--{epoch}"


def add_secret(backend: Any, params: Any) -> dict[str, Any]:
    """The new secret's descriptor, with its value only when it was generated."""
    client = _confidential(backend, params, "AddUserPoolClientSecret")
    stored = secrets_of(client)
    if len(stored) >= MAX_SECRETS:
        raise LimitExceededException(
            f"An app client can have at most {MAX_SECRETS} client secrets: delete one first.")
    given = params.get("ClientSecret")
    value = given or "".join(secrets.choice(_ALPHABET) for _ in range(_GENERATED_LENGTH))
    moment = now()
    secret = {"ClientSecretId": _new_id(client, moment, stored), "ClientSecretValue": value,
              "ClientSecretCreateDate": moment}
    stored.append(secret)
    descriptor = _descriptor(secret)
    if not given:
        descriptor["ClientSecretValue"] = value
    return descriptor


def delete_secret(backend: Any, params: Any) -> None:
    client = _confidential(backend, params, "DeleteUserPoolClientSecret")
    stored = secrets_of(client)
    wanted = params.get("ClientSecretId")
    found = [s for s in stored if s["ClientSecretId"] == wanted]
    if not found:
        raise ResourceNotFoundError(f"Client secret {wanted} does not exist.")
    if len(stored) == 1:
        raise InvalidParameterException(
            "The last remaining client secret of an app client cannot be deleted.")
    stored.remove(found[0])
    _described_secret(client)


def _descriptor(secret: dict[str, Any]) -> dict[str, Any]:
    return {"ClientSecretId": secret["ClientSecretId"],
            "ClientSecretCreateDate": secret["ClientSecretCreateDate"]}


def _add(response: Any) -> ActionResult:
    return ActionResult({"ClientSecretDescriptor": add_secret(response.backend,
                                                              response.parameters)})


def _list(response: Any) -> ActionResult:
    params = response.parameters
    client = response.backend.describe_user_pool_client(params.get("UserPoolId"),
                                                        params.get("ClientId"))
    return ActionResult({"ClientSecrets": [_descriptor(s) for s in secrets_of(client)]})


def _delete(response: Any) -> ActionResult:
    delete_secret(response.backend, response.parameters)
    return EmptyResult()


def check_any_secret(app_client_secret: str, app_client_id: str, username: str,
                     secret_hash: str | None) -> bool:
    """moto's SECRET_HASH check, passing with any secret the client has."""
    client = _CLIENTS.get(app_client_id)
    values = ([s["ClientSecretValue"] for s in secrets_of(client)] if client is not None
              else [app_client_secret])
    return any(_moto_check_secret_hash(value, app_client_id, username, secret_hash)
               for value in values)


PATCHES: Final = (
    Patch(cast(Any, moto_models), "check_secret_hash", _moto_check_secret_hash,
          check_any_secret),
    addition(CognitoIdpResponse, "add_user_pool_client_secret", _add),
    addition(CognitoIdpResponse, "list_user_pool_client_secrets", _list),
    addition(CognitoIdpResponse, "delete_user_pool_client_secret", _delete),
)
