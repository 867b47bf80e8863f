"""Terms documents: the terms of use and privacy policy an app client's managed login
sign-up page links to (CreateTerms, UpdateTerms, DescribeTerms, ListTerms, DeleteTerms).

The file writes ``terms`` as a map client name -> TermsName -> the document::

    terms:
      web:
        terms-of-use:
          Links: {"cognito:default": https://example.com/terms}
        privacy-policy:
          TermsSource: LINK      # the only value (botocore TermsSourceType), the default
          Enforcement: NONE      # the only value (botocore TermsEnforcementType), the default
          Links: {"cognito:default": https://example.com/privacy,
                  "cognito:french": https://example.com/fr/privacy}

An item is the pair (client, TermsName); one object per client, ``POOL/terms/CLIENT``,
holds both documents (so ``masking.object_root`` and ``export --only terms/CLIENT`` find
it as they find any per-client item). ``ClientId`` is create-only (UpdateTermsRequest
has no ClientId): terms moved to another client in the file are created there, and
the old client's are unlisted (kept, removed with prune). Whether UpdateTerms keeps a
member it is not sent is UNVERIFIED: every UpdateTerms sends every member.

Read: ListTerms (no botocore paginator: ``Cognito.pages`` loops NextToken; MaxResults
1-60) then DescribeTerms for each id, since ListTerms' TermsDescriptionType has neither
ClientId nor Links (``describe_each``). Only when the file writes ``terms``.

Live terms of a client or name the file does not list are unmanaged: kept with a note,
deleted with ``prune``. Terms for a client that will not exist cannot be applied
(CreateTerms' ResourceNotFoundException), found at plan time, and offline when
``prune: true`` deletes the client (``terms_for_a_client_prune_deletes``). The terms of a
client this run deletes or re-creates get no DeleteTerms (the client's delete runs
first; whether Cognito deletes its terms with it is UNVERIFIED): any left show in a
later plan under the old client id, and prune deletes them.

Terms show only on managed login's sign-up page, served by a domain with
ManagedLoginVersion 2; a plan that writes terms for a pool whose domain (the file's,
else the live one) is not managed login says so in a note. Not a refusal: whether
Cognito refuses terms without managed login is UNVERIFIED, terms may be written before
the domain moves, and ``validate`` has no warning level.

Quota categories: UserPoolResourceRead and UserPoolResourceUpdate (inferred from the
quotas page's category descriptions, as docs/design/resource-kinds.md section 5 says:
UNVERIFIED, no public list names these operations).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from poolsync.diff import creation_changes, field_changes
from poolsync.errors import LiveStateError
from poolsync.kinds.base import ExportContext, Kind, PlanContext
from poolsync.kinds.common import map_schema, ref
from poolsync.model import Action, ApiCall, ObjectPlan, Problem

KEY = "terms"
# botocore TermsNameType: ^(terms-of-use|privacy-policy)$.
NAMES = ("terms-of-use", "privacy-policy")
MEMBERS = ("TermsSource", "Enforcement", "Links")
# The only value each takes (botocore TermsSourceType, TermsEnforcementType: "reserved
# for future use and currently accepts only one value"); both are required by
# CreateTermsRequest, so the file may leave them out and poolsync sends these.
DEFAULTS: dict[str, Any] = {"TermsSource": "LINK", "Enforcement": "NONE"}
PAGE = 60  # botocore ListTermsRequestMaxResultsInteger: 1-60; the fewest pages


@dataclass(frozen=True)
class LiveTerms:
    """What ``read`` found: ``by_client`` maps each ClientId to its documents by
    TermsName (DescribeTerms' ``Terms``); ``names`` maps each live client's id to its
    name (the clients read with the pool), so the planner finds the terms of a client
    this run re-creates or deletes, whose planned id is no longer the live one."""

    by_client: Mapping[str, Mapping[str, Mapping[str, Any]]] = field(default_factory=dict)
    names: Mapping[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        """Whether the pool has any terms document."""
        return any(self.by_client.values())


# --------------------------------------------------------------------------- read


def read(cognito: Any, described: Mapping[str, Any], written: Any,
         client_ids: Mapping[str, str]) -> LiveTerms:
    """Every terms document of the pool, by client id."""
    pool_id = str(described["Id"])
    summaries = cognito.pages("ListTerms", "Terms", {"UserPoolId": pool_id, "MaxResults": PAGE})
    by_client: dict[str, dict[str, dict[str, Any]]] = {}
    for terms in describe_each(cognito, pool_id, summaries):
        docs = by_client.setdefault(str(terms.get("ClientId")), {})
        name = str(terms.get("TermsName"))
        if name in docs:
            raise LiveStateError(
                f"two {name} terms documents for app client {terms.get('ClientId')} "
                f"({docs[name].get('TermsId')}, {terms.get('TermsId')}): Cognito refuses a "
                "second one (TermsExistsException), so poolsync cannot tell which to "
                "manage; delete one (DeleteTerms)")
        docs[name] = terms
    return LiveTerms(by_client, {str(i): str(n) for n, i in client_ids.items()})


def describe_each(cognito: Any, pool_id: str, summaries: list[dict[str, Any]]
                  ) -> Iterator[dict[str, Any]]:
    """DescribeTerms for each listed id: ListTerms answers TermsDescriptionType (TermsId,
    TermsName, Enforcement, dates), without the ClientId and Links that TermsType has
    (botocore ListTermsResponse, DescribeTermsResponse). A document deleted between the
    two calls (ResourceNotFoundException, in DescribeTerms' error list) is gone."""
    for summary in summaries:
        found = cognito.read("DescribeTerms",
                             {"UserPoolId": pool_id, "TermsId": summary["TermsId"]},
                             absent=frozenset({"ResourceNotFoundException"}))
        terms = (found or {}).get("Terms")
        if isinstance(terms, Mapping):
            yield dict(terms)


# --------------------------------------------------------------------------- shapes


def canonical_live(terms: Mapping[str, Any]) -> dict[str, Any]:
    """The members the file writes, as DescribeTerms reports them; a member absent from
    the answer is the create's default, never "equal to the file"."""
    return {**DEFAULTS, **{m: copy.deepcopy(terms[m]) for m in MEMBERS if m in terms}}


def canonical_desired(doc: Mapping[str, Any]) -> dict[str, Any]:
    return {**DEFAULTS, **{m: copy.deepcopy(doc[m]) for m in MEMBERS if m in doc}}


def create_call(pool_id: str, client_id: str, name: str, desired: Mapping[str, Any]) -> ApiCall:
    return ApiCall("CreateTerms", {"UserPoolId": pool_id, "ClientId": client_id,
                                   "TermsName": name, **copy.deepcopy(dict(desired))})


def update_call(pool_id: str, terms_id: str, name: str, desired: Mapping[str, Any]) -> ApiCall:
    """Every member, every time: whether UpdateTerms keeps what it is not sent is
    UNVERIFIED (botocore UpdateTermsRequest makes all but TermsId and UserPoolId
    optional, and the API reference does not say)."""
    return ApiCall("UpdateTerms", {"TermsId": terms_id, "UserPoolId": pool_id,
                                   "TermsName": name, **copy.deepcopy(dict(desired))})


def delete_call(pool_id: str, terms: Mapping[str, Any]) -> ApiCall:
    return ApiCall("DeleteTerms", {"TermsId": str(terms["TermsId"]), "UserPoolId": pool_id})


# --------------------------------------------------------------------------- plan


def plan(ctx: PlanContext) -> list[ObjectPlan]:
    """One object per client the file writes terms for, then one per client with live
    terms the file does not list (unmanaged, or deleted with prune)."""
    live = ctx.found if isinstance(ctx.found, LiveTerms) else LiveTerms()
    written = _written_clients(ctx.written)
    live_ids = {name: client_id for client_id, name in live.names.items()}
    objects = [_plan_client(ctx, live, name, docs, live_ids.get(name))
               for name, docs in sorted(written.items())]
    return objects + _unlisted_clients(ctx, live, set(written))


def _plan_client(ctx: PlanContext, live: LiveTerms, name: str,
                 docs: Mapping[str, Mapping[str, Any]], live_id: str | None) -> ObjectPlan:
    address = f"{ctx.pool}/{KEY}/{name}"
    desired = {tn: canonical_desired(doc) for tn, doc in sorted(docs.items())}
    client_id = ctx.clients.get(name)
    if client_id is None:
        return ObjectPlan(address, "terms", Action.CANNOT_APPLY, missing_client(ctx, name),
                          creation_changes(desired), where=(KEY, name))
    renewed = client_id != live_id  # created or re-created in this run
    found = {} if renewed or live_id is None else dict(live.by_client.get(live_id, {}))
    current = {tn: canonical_live(t) for tn, t in sorted(found.items())}
    unlisted = sorted(set(current) - set(desired))
    compared = {tn: v for tn, v in current.items() if tn in desired or ctx.prune}
    changes = field_changes(compared, desired, docs) if current else creation_changes(desired)
    calls = [create_call(ctx.pool_id, client_id, tn, d) if tn not in found
             else update_call(ctx.pool_id, str(found[tn]["TermsId"]), tn, d)
             for tn, d in desired.items() if current.get(tn) != d]
    if ctx.prune:
        calls += [delete_call(ctx.pool_id, found[tn]) for tn in unlisted]
    notes = [kept_note(name, tn) for tn in unlisted if not ctx.prune]
    if renewed and live_id is not None and live.by_client.get(live_id):
        notes.append(renewed_client_note(name))
    if not calls and unlisted:
        # Nothing to do but live documents the file does not list: shown as unmanaged
        # (plan's exit code, drift, and drift's revert with --prune see them).
        return ObjectPlan(address, "terms", Action.NOOP,
                          f"{' and '.join(unlisted)} of app client {name} not in the file; "
                          f"kept (prune: true or --prune deletes "
                          f"{'them' if len(unlisted) > 1 else 'it'})", notes=tuple(notes),
                          unmanaged=True)
    if not calls:
        return ObjectPlan(address, "terms", Action.NOOP, notes=tuple(notes))
    after = set(desired) | (set() if ctx.prune else set(unlisted))
    # What a reviewer must know of where the terms show (both are notes, not refusals).
    notes += [n for n in (one_of_two_note(after), managed_login_note(ctx)) if n]
    if not current:
        return ObjectPlan(address, "terms", Action.CREATE,
                          f"new terms documents for app client {name} (CreateTerms)",
                          changes, tuple(calls), tuple(notes))
    if not desired:
        return ObjectPlan(address, "terms", Action.DELETE,
                          "not in the file, and prune is on (DeleteTerms)", changes,
                          tuple(calls), tuple(notes))
    return ObjectPlan(address, "terms", Action.UPDATE, _how(calls), changes, tuple(calls),
                      tuple(notes))


def _how(calls: list[ApiCall]) -> str:
    order = ("CreateTerms", "UpdateTerms", "DeleteTerms")
    ops = sorted({c.operation for c in calls}, key=order.index)
    return f"terms documents changed ({', '.join(ops)})"


def _unlisted_clients(ctx: PlanContext, live: LiveTerms, written: set[str]
                      ) -> list[ObjectPlan]:
    """Live terms of clients the file does not write terms for: unmanaged (kept,
    deleted with prune). Terms whose client is gone (Cognito's keeping them after
    DeleteUserPoolClient is UNVERIFIED) are addressed by the old client id."""
    out = []
    for client_id, docs in sorted(live.by_client.items()):
        name = live.names.get(client_id)
        if name in written or not docs:
            continue
        label = name if name is not None else client_id
        address = f"{ctx.pool}/{KEY}/{label}"
        current = {tn: canonical_live(t) for tn, t in sorted(docs.items())}
        if name is not None and ctx.clients.get(name) != client_id:
            # The client is deleted or re-created by this run, before this object's
            # calls: a DeleteTerms after it might find nothing (whether Cognito deletes a
            # client's terms with it is UNVERIFIED), so none is sent.
            out.append(ObjectPlan(address, "terms", Action.NOOP, deleted_client_note(name),
                                  unmanaged=True))
        elif ctx.prune:
            out.append(ObjectPlan(
                address, "terms", Action.DELETE, "not in the file, and prune is on "
                "(DeleteTerms)", field_changes(current, {}, {}),
                tuple(delete_call(ctx.pool_id, docs[tn]) for tn in sorted(docs))))
        else:
            what = (f"app client {name}" if name is not None
                    else f"client id {client_id}, which names no app client of the pool")
            out.append(ObjectPlan(
                address, "terms", Action.NOOP,
                f"terms documents of {what} are not in the file; kept (prune: true or "
                "--prune deletes them)", unmanaged=True))
    return out


def missing_client(ctx: PlanContext, name: str) -> str:
    """CreateTerms needs a client of the pool (ResourceNotFoundException, in its error
    list; CreateTermsRequest.ClientId: "Must be an app client in the requested user
    pool"), found at plan time."""
    if ctx.client_actions.get(name) is Action.DELETE:
        return (f"app client {name} is deleted by this run (prune): CreateTerms needs the "
                "client (ResourceNotFoundException)")
    return (f"no app client named {name} in the pool, and the file does not create one: "
            "CreateTerms needs the client (ResourceNotFoundException)")


def kept_note(client: str, name: str) -> str:
    return (f"{name} of app client {client} is live and not in the file: kept; prune "
            "deletes it.")


def renewed_client_note(client: str) -> str:
    return (f"app client {client} is re-created: its terms documents are created for the "
            "new client (ClientId is create-only); the old client's go with it (UNVERIFIED: "
            "any left show in a later plan under the old client id, and prune deletes them).")


def deleted_client_note(client: str) -> str:
    return (f"app client {client} is deleted or re-created by this run; its terms documents "
            "go with the old client "
            "(UNVERIFIED: any left show in a later plan under the old client id, and prune "
            "deletes them).")


def one_of_two_note(after: set[str]) -> str:
    """botocore CreateTerms: "You must provide both types of terms documents in at least
    one language before Amazon Cognito displays your terms documents"."""
    missing = [n for n in NAMES if n not in after]
    if len(missing) != 1 or not after:
        return ""
    return (f"the client will have no {missing[0]}: Cognito shows terms documents only when "
            "both terms-of-use and privacy-policy exist (CreateTerms).")


def managed_login_note(ctx: PlanContext) -> str:
    """Terms show on managed login's sign-up page (botocore CreateTerms: "the app client
    displays links to them in the sign-up page of managed login"), which a domain serves
    with ManagedLoginVersion 2 (botocore ManagedLoginVersion; 1, the classic hosted UI,
    is the default: domain.DOMAIN_DEFAULTS). The domain after apply is the file's when
    it writes ``domain``, else the live one. A note, not a refusal: whether Cognito
    refuses CreateTerms for a pool without managed login is UNVERIFIED, and terms may be
    written before the domain moves to managed login."""
    written = getattr(ctx.cfg, "domain", None)
    if isinstance(written, Mapping):
        version = written.get("ManagedLoginVersion", 1) if written else None
    elif ctx.domains:
        version = next((d.get("ManagedLoginVersion") for d in ctx.domains
                        if d.get("ManagedLoginVersion") == 2), 1)
    else:
        version = None
    if version == 2:
        return ""
    now = ("the pool has no domain" if version is None
           else f"the pool's domain serves the classic hosted UI (ManagedLoginVersion "
                f"{version})")
    return (f"{now}: terms documents show only on managed login sign-up pages "
            "(ManagedLoginVersion 2), so they are kept but not shown (whether Cognito "
            "refuses them is UNVERIFIED).")


# --------------------------------------------------------------------------- export


def export(found: Any, ctx: ExportContext) -> dict[str, Any] | None:
    """Client name -> TermsName -> the document's members (``minimal``); terms whose
    client id names no app client of the pool are left out (no file can name that
    client)."""
    if not isinstance(found, LiveTerms):
        return None
    names = ctx.client_names()
    out: dict[str, Any] = {}
    for client_id, docs in sorted(found.by_client.items()):
        name = names.get(client_id)
        if name is None or not docs:
            continue
        out[name] = {tn: minimal(canonical_live(t)) for tn, t in sorted(docs.items())}
    return dict(sorted(out.items())) or None


def minimal(doc: Mapping[str, Any]) -> dict[str, Any]:
    """An export writes what differs from Cognito's defaults (export.py): TermsSource
    and Enforcement only if some day they are not the one value they take now."""
    return {k: v for k, v in doc.items() if k not in DEFAULTS or DEFAULTS[k] != v}


# --------------------------------------------------------------------------- rules


def terms_for_a_client_prune_deletes(pool: Any) -> Iterator[Problem]:
    """With ``prune: true`` a pool keeps only the app clients the file lists (a live one
    it does not list is deleted), so terms for any other client name a client that will
    not exist: CreateTerms refuses them (ResourceNotFoundException; CreateTermsRequest.
    ClientId: "Must be an app client in the requested user pool"). Decided offline only
    when the file lists clients; otherwise the plan checks the live clients
    (``missing_client``)."""
    clients = getattr(pool, "clients", {})
    if not getattr(pool, "prune", False) or not isinstance(clients, Mapping) or not clients:
        return
    for name, docs in _written(pool):
        if docs and name not in clients:
            yield Problem(f"terms for app client {name}, which this file does not list: "
                          "prune: true deletes any other client, and CreateTerms needs one "
                          "(ResourceNotFoundException)", pool.at(KEY, name))


def _written(pool: Any) -> Iterator[tuple[str, Mapping[str, Any]]]:
    yield from _written_clients(pool.parts.get(KEY)).items()


def _written_clients(value: Any) -> dict[str, dict[str, Mapping[str, Any]]]:
    """Client name -> TermsName -> document, for what the file writes as mappings."""
    if not isinstance(value, Mapping):
        return {}
    return {str(client): {str(tn): doc for tn, doc in docs.items() if isinstance(doc, Mapping)}
            for client, docs in value.items() if isinstance(docs, Mapping)}


def schema(conv: Any) -> dict[str, Any]:
    """Client name -> TermsName -> CreateTermsRequest's document members (TermsSource,
    Enforcement, Links); Links required (a LINK document without links shows nothing)."""
    request = conv.model.shape_for("CreateTermsRequest")
    item = conv.structure(request, exclude=frozenset({"UserPoolId", "ClientId", "TermsName"}))
    item["required"] = ["Links"]
    item["description"] = ("CreateTerms members but UserPoolId, ClientId and TermsName (the "
                           "keys); TermsSource LINK and Enforcement NONE when left out.")
    conv.defs["poolsync.Terms"] = item
    documents = map_schema(conv, "TermsName -> the document.", ref("poolsync.Terms"),
                           names="TermsNameType")
    return map_schema(conv, "App client name -> its terms documents (CreateTerms), shown on "
                            "managed login's sign-up page.", documents)


KIND = Kind(
    prunes=True, key=KEY, kind="terms", read=read, plan=plan, export=export,
    reads=("ListTerms", "DescribeTerms"),
    writes=("CreateTerms", "UpdateTerms", "DeleteTerms"),
    category={"ListTerms": "UserPoolResourceRead", "DescribeTerms": "UserPoolResourceRead",
              "CreateTerms": "UserPoolResourceUpdate",
              "UpdateTerms": "UserPoolResourceUpdate",
              "DeleteTerms": "UserPoolResourceUpdate"},
    needs_clients=True, needs_domain=True, per_client=True,
    rules=(terms_for_a_client_prune_deletes,), schema=schema,
)
