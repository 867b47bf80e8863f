"""CreateTerms, UpdateTerms, DescribeTerms, ListTerms and DeleteTerms, which moto 5.2.1
lacks.

Each behaviour names its source:
- A document is stored by its TermsId, a version-4 UUID (botocore TermsIdType's pattern).
- ClientId must be an app client of the pool ("Must be an app client in the requested
  user pool", CreateTermsRequest.ClientId); an unknown pool, client or TermsId is
  ResourceNotFoundException (in each operation's error list).
- One document per client and TermsName: a second is TermsExistsException (in Create's
  and Update's error lists; botocore TermsExistsException: "Terms document names must
  be unique to the app client").
- ListTerms answers TermsDescriptionType (TermsId, TermsName, Enforcement, dates: no
  ClientId nor Links), at most MaxResults (1-60, botocore
  ListTermsRequestMaxResultsInteger) a page, with a NextToken while more are left. The
  default page size is UNVERIFIED (60 here); the token is the stand-in's own.
- Update keeps what it is not sent (UNVERIFIED; poolsync sends every member).
- A LINK document without Links is InvalidParameterException (UNVERIFIED; the wording
  is the stand-in's own; TermsType requires Links).
- A client's terms go with the client (UNVERIFIED): a document whose client no longer
  exists is neither listed nor described.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Mapping
from typing import Any, Final

from moto.cognitoidp.exceptions import InvalidParameterException, ResourceNotFoundError
from moto.cognitoidp.responses import CognitoIdpResponse
from moto.core.exceptions import JsonRESTError
from moto.core.responses import ActionResult
from moto.core.utils import utcnow

from poolsync.standin.resource_servers import addition

_STORE: Final = "_poolsync_terms"
_MAX_RESULTS: Final = 60
_MEMBERS: Final = ("TermsName", "TermsSource", "Enforcement", "Links")
_DESCRIPTION: Final = ("TermsId", "TermsName", "Enforcement", "CreationDate",
                       "LastModifiedDate")


class TermsExistsException(JsonRESTError):
    """botocore: "Terms document names must be unique to the app client. This exception
    is thrown when you attempt to create terms documents with a duplicate TermsName"."""

    def __init__(self, message: str) -> None:
        super().__init__("TermsExistsException", message)


def store(pool: Any) -> dict[str, dict[str, Any]]:
    """The pool's documents by TermsId, those of deleted clients left out."""
    found: dict[str, dict[str, Any]] = getattr(pool, _STORE, None) or {}
    setattr(pool, _STORE, found)
    for terms_id in [i for i, t in found.items() if t["ClientId"] not in pool.clients]:
        del found[terms_id]
    return found


def _pool(response: Any) -> Any:
    return response.backend.describe_user_pool(response.parameters.get("UserPoolId"))


def _document(pool: Any, terms_id: Any) -> dict[str, Any]:
    terms = store(pool).get(str(terms_id))
    if terms is None:
        raise ResourceNotFoundError(f"Terms {terms_id} not found.")
    return terms


def check_unique(pool: Any, client_id: str, name: str, other_than: str = "") -> None:
    for terms_id, terms in store(pool).items():
        if terms_id != other_than and (terms["ClientId"], terms["TermsName"]) == (client_id,
                                                                                   name):
            raise TermsExistsException(f"Terms {name} already exist for the app client.")


def check_links(terms: Mapping[str, Any]) -> None:
    if terms.get("TermsSource") == "LINK" and not terms.get("Links"):
        raise InvalidParameterException("Links are required when TermsSource is LINK.")


def _answer(terms: Mapping[str, Any]) -> ActionResult:
    return ActionResult({"Terms": copy.deepcopy(dict(terms))})


def _create(response: Any) -> ActionResult:
    params = response.parameters
    pool = _pool(response)
    client_id = str(params.get("ClientId"))
    response.backend.describe_user_pool_client(pool.id, client_id)
    check_unique(pool, client_id, str(params.get("TermsName")))
    now = utcnow()
    terms = {"TermsId": str(uuid.uuid4()), "UserPoolId": pool.id, "ClientId": client_id,
             **{m: copy.deepcopy(params[m]) for m in _MEMBERS if m in params},
             "CreationDate": now, "LastModifiedDate": now}
    check_links(terms)
    store(pool)[terms["TermsId"]] = terms
    return _answer(terms)


def _update(response: Any) -> ActionResult:
    params = response.parameters
    pool = _pool(response)
    terms = _document(pool, params.get("TermsId"))
    updated = {**terms, **{m: copy.deepcopy(params[m]) for m in _MEMBERS if m in params}}
    check_unique(pool, terms["ClientId"], updated["TermsName"], other_than=terms["TermsId"])
    check_links(updated)
    updated["LastModifiedDate"] = utcnow()
    store(pool)[terms["TermsId"]] = updated
    return _answer(updated)


def _describe(response: Any) -> ActionResult:
    return _answer(_document(_pool(response), response.parameters.get("TermsId")))


def _delete(response: Any) -> ActionResult:
    pool = _pool(response)
    terms = _document(pool, response.parameters.get("TermsId"))
    del store(pool)[terms["TermsId"]]
    return ActionResult({})


def _list(response: Any) -> ActionResult:
    params = response.parameters
    documents = sorted(store(_pool(response)).values(),
                       key=lambda t: (t["CreationDate"], t["TermsId"]))
    size = int(params.get("MaxResults") or _MAX_RESULTS)
    start = 0
    token = params.get("NextToken")
    if token:
        ids = [t["TermsId"] for t in documents]
        if token not in ids:
            raise InvalidParameterException("Invalid pagination token.")
        start = ids.index(token)
    page = documents[start:start + size]
    answer: dict[str, Any] = {"Terms": [{k: t[k] for k in _DESCRIPTION} for t in page]}
    if start + size < len(documents):
        answer["NextToken"] = documents[start + size]["TermsId"]
    return ActionResult(answer)


PATCHES: Final = (
    addition(CognitoIdpResponse, "create_terms", _create),
    addition(CognitoIdpResponse, "update_terms", _update),
    addition(CognitoIdpResponse, "describe_terms", _describe),
    addition(CognitoIdpResponse, "list_terms", _list),
    addition(CognitoIdpResponse, "delete_terms", _delete),
)
