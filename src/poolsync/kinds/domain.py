"""The pool's hosted-UI domain (CreateUserPoolDomain, UpdateUserPoolDomain,
DeleteUserPoolDomain, in the UserPoolResourceUpdate quota category; read with
DescribeUserPoolDomain, in UserPoolResourceRead): its canonical shape and defaults,
what only a new domain changes, its plan (one per pool, prefix or custom), its URLs and
the notes a replacement needs, the sign-in URL of a client on it, the export and the
offline rules.

Pure: no AWS. ``poolsync.diff`` and ``poolsync.masking`` are imported where they are
used: masking imports ``kinds.identity_provider`` (and diff imports masking), which
imports this module through ``kinds.client``. The rules' helpers
come from ``poolsync.rules``, which imports this module only when it first runs its
rules.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from poolsync.kinds.base import Kind, KindOps, PlanContext
from poolsync.model import MISSING, Action, ApiCall, FieldChange, ObjectPlan, PoolConfig, Problem
from poolsync.normalize import owned_view
from poolsync.outputs import hosted_ui_url
from poolsync.rules import _mapping, _Pool, _unknown

if TYPE_CHECKING:
    from poolsync.export import _Collected


def canonical_live_domain(description: Mapping[str, Any]) -> dict[str, Any]:
    """Keep what a request writes; a prefix domain may come back with
    ``CustomDomainConfig: {}`` (CLI example 2019), which means none."""
    out: dict[str, Any] = {"Domain": description["Domain"]}
    certificate = (description.get("CustomDomainConfig") or {}).get("CertificateArn")
    if certificate:
        out["CustomDomainConfig"] = {"CertificateArn": certificate}
    if description.get("ManagedLoginVersion") is not None:
        out["ManagedLoginVersion"] = description["ManagedLoginVersion"]
    return out


def custom_first(domains: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """A pool's domains (DescribeUserPoolDomain descriptions), the custom one first: a
    pool may have a prefix and a custom domain, and the custom one is what users see."""
    return sorted(domains, key=lambda d: not (d.get("CustomDomainConfig") or {})
                  .get("CertificateArn"))


DOMAIN_DEFAULTS: dict[str, Any] = {
    # 1 is the hosted UI (classic), 2 managed login (botocore ManagedLoginVersion). A
    # domain whose describe carries no version (AWS CLI transcript, 2025) serves the
    # classic hosted UI: absent compares as 1, so a written 2 is a change until a read
    # reports it.
    "ManagedLoginVersion": 1,
}


def domain_replacement_reason(change: FieldChange) -> str | None:
    if change.path == ("Domain",):
        return ("the domain name cannot change (UpdateUserPoolDomain changes only its "
                "certificate and version): delete and create")
    if change.path[:1] == ("CustomDomainConfig",) and (
        change.before is MISSING or change.after is MISSING
    ):
        return "switching between a prefix and a custom domain is a new domain"
    return None


def sign_in_url(domain: Mapping[str, Any], region: str, client_id: str,
                client: Mapping[str, Any]) -> str | None:
    """The hosted UI sign-in URL of a client that uses the code or implicit flow, on the
    domain's host (``outputs.hosted_ui_url``: None where AWS documents none)."""
    flows = client.get("AllowedOAuthFlows") or []
    callbacks = sorted(client.get("CallbackURLs") or [])
    if not callbacks or not ({"code", "implicit"} & set(flows)):
        return None
    base = hosted_ui_url(str(domain["Domain"]), region, "CustomDomainConfig" in domain)
    if base is None:
        return None
    redirect = client.get("DefaultRedirectURI") or callbacks[0]
    response_type = "code" if "code" in flows else "token"
    return (f"{base}/login?client_id={client_id}&response_type={response_type}"
            f"&redirect_uri={quote(str(redirect), safe='')}")


# --------------------------------------------------------------------------- plan


def plan_domain(cfg: PoolConfig, pool_id: str, domains: tuple[Mapping[str, Any], ...]
                ) -> ObjectPlan:
    """The file's domain against the pool's live ones (DescribeUserPoolDomain
    descriptions): the live domain of the same sort (prefix or custom) is the one
    compared. A new name, or a switch between prefix and custom, is a new domain."""
    from poolsync.diff import creation_changes, field_changes

    assert cfg.domain is not None
    written = dict(cfg.domain)
    address = f"{cfg.address}/domain"
    custom = "CustomDomainConfig" in written
    same_kind = [d for d in domains if bool((d.get("CustomDomainConfig") or {})
                                           .get("CertificateArn")) == custom]
    candidates = same_kind or list(domains)
    found = candidates[0] if candidates else None
    create = ApiCall("CreateUserPoolDomain", {"UserPoolId": pool_id, **written})
    if found is None:
        return ObjectPlan(address, "domain", Action.CREATE, "new domain (CreateUserPoolDomain)",
                          creation_changes(written), (create,))
    live = canonical_live_domain(found)
    view = owned_view(written, live, DOMAIN_DEFAULTS, "domain")
    changes = tuple(replace(c, forces_replacement=domain_replacement_reason(c))
                    for c in field_changes(view.actual, view.expected, written))
    if not changes:
        return ObjectPlan(address, "domain", Action.NOOP)
    if any(c.forces_replacement for c in changes):
        delete = ApiCall("DeleteUserPoolDomain", {"UserPoolId": pool_id,
                                                  "Domain": found["Domain"]})
        reasons = dict.fromkeys(c.forces_replacement for c in changes if c.forces_replacement)
        moves = (f"from {domain_url(live, cfg.region)} to {domain_url(written, cfg.region)}"
                 if not domain_from_env(cfg) else "to the new domain")
        notes = [f"The hosted UI moves {moves} (the old domain is deleted first: the hosted "
                 "UI is down until the new one is created); update the applications and "
                 "identity providers that use the old URL."]
        if "CustomDomainConfig" in written:
            notes.append(custom_dns(cfg))
        return ObjectPlan(address, "domain", Action.REPLACE, "; ".join(r for r in reasons if r),
                          changes, (delete, create), tuple(notes))
    update = {"UserPoolId": pool_id, **{k: v for k, v in {**live, **written}.items()}}
    return ObjectPlan(address, "domain", Action.UPDATE, "in place with UpdateUserPoolDomain",
                      changes, (ApiCall("UpdateUserPoolDomain", update),))


def domain_url(domain: Mapping[str, Any], region: str) -> str:
    """The hosted UI's base URL of a domain as a request writes it (canonical)."""
    name = str(domain.get("Domain"))
    if "CustomDomainConfig" in domain:
        return f"https://{name}"
    return f"https://{name}.auth.{region}.amazoncognito.com"


def domain_from_env(cfg: PoolConfig) -> bool:
    """Whether the file writes the domain with ``${env:...}``: then no output names it
    (masking.py)."""
    from poolsync.masking import substitutions

    return any(s.at[:1] == ("domain",) for s in substitutions(cfg))


def custom_dns(cfg: PoolConfig) -> str:
    """botocore CreateUserPoolDomainResponse.CloudFrontDomain: "the target of the alias
    that you set up with your Domain Name Service (DNS) provider"."""
    assert cfg.domain is not None
    name = "the domain" if domain_from_env(cfg) else str(cfg.domain["Domain"])
    return ("A custom domain created anew gets the CloudFront target that "
            "CreateUserPoolDomain returns (CloudFrontDomain): after apply, check that the "
            f"DNS alias record of {name} points at it.")


def recreated_domain_notes(cfg: PoolConfig, domains: Sequence[Mapping[str, Any]]
                           ) -> tuple[str, ...]:
    """Where the hosted UI is after the pool's replacement (``domains``: the old pool's,
    as described). A domain written with ``${env:...}`` is named by no note: its live
    name may be an earlier value of the variable, which no output may show (masking.py)."""
    assert cfg.domain is not None
    new = domain_url(cfg.domain, cfg.region)
    old = [domain_url(canonical_live_domain(d), cfg.region) for d in custom_first(domains)]
    hidden = domain_from_env(cfg)
    if old[:1] == [new]:
        at = "at the same URL" if hidden else f"at {new}"
        notes = [f"The hosted UI stays {at}, now for the new pool (with new client ids)."]
    elif old:
        notes = ["The hosted UI moves " + ("to the new domain." if hidden
                                           else f"from {old[0]} to {new}.")]
    else:
        notes = []
    if "CustomDomainConfig" in cfg.domain:
        notes.append(custom_dns(cfg))
    others = [url for url in old[1:] if url != new]
    notes += [f"The old pool's other domain ({'not shown' if hidden else url}) is deleted "
              "too and not created again: the file lists one domain." for url in others]
    return tuple(notes)


def domain_deleted_with_pool(address: str, domains: Sequence[Mapping[str, Any]],
                             region: str) -> ObjectPlan:
    """The old pool's domain when the pool is replaced and the file lists none: deleted
    before the pool (a pool with a domain cannot be deleted), not created again."""
    urls = [domain_url(canonical_live_domain(d), region) for d in custom_first(domains)]
    return ObjectPlan(address, "domain", Action.DELETE, (
        "deleted before the old pool (DeleteUserPoolDomain, in the pool's calls: a pool "
        "with a domain cannot be deleted) and not created again: the file lists no "
        "domain"), notes=tuple(f"The hosted UI at {url} stops working." for url in urls))


# --------------------------------------------------------------------------- export


def export_domain(
    domains: Sequence[Mapping[str, Any]], collected: _Collected | None = None
) -> dict[str, Any] | None:
    """The hosted UI domain. A pool may have a prefix and a custom domain; the config
    manages one: the custom domain is the one users see."""
    if not domains:
        return None
    chosen, *others = custom_first(domains)
    if collected is not None:
        for other in others:
            collected.notes.append(
                f"domain {other['Domain']} is not exported: the config manages one domain "
                f"per pool ({chosen['Domain']} is)"
            )
    return canonical_live_domain(chosen)


# --------------------------------------------------------------------------- rules
# Offline rules over the pool as written (``rules._Pool``); ``rules._rules()`` lists them
# in the order their problems are reported.

RESERVED_DOMAIN_WORDS = ("aws", "amazon", "cognito")
CERTIFICATE_REGION = "us-east-1"


def domain_rules(pool: _Pool) -> Iterator[Problem]:
    """A prefix domain cannot contain the reserved words aws, amazon or cognito
    ("Domain cannot contain reserved word: cognito": aws-amplify/amplify-cli #3854); a
    custom domain's certificate is an ACM one in US East (N. Virginia) (botocore
    CreateUserPoolDomain: "you must provide an SSL certificate in the US East (N.
    Virginia) Amazon Web Services Region"; UpdateUserPoolDomain: "an ACM ARN in
    us-east-1")."""
    name = pool.domain.get("Domain")
    config = _mapping(pool.domain.get("CustomDomainConfig"))
    if isinstance(name, str) and not _unknown(name) and "." not in name and not config:
        words = [w for w in RESERVED_DOMAIN_WORDS if w in name.lower()]
        if words:
            yield Problem("a prefix domain cannot contain the reserved words aws, amazon or "
                          f"cognito (got {words[0]})", pool.at("domain", "Domain"))
    arn = config.get("CertificateArn")
    if isinstance(arn, str) and not _unknown(arn) and arn.startswith("arn:"):
        parts = arn.split(":")
        if len(parts) > 3 and parts[2] != "acm":
            yield Problem(
                "a custom domain's certificate is an ACM certificate (arn:aws:acm:...) "
                f"(got a {parts[2] or 'service-less'} ARN)",
                pool.at("domain", "CustomDomainConfig", "CertificateArn"))
        elif len(parts) > 3 and parts[3] != CERTIFICATE_REGION:
            yield Problem(
                f"a custom domain's certificate must be in {CERTIFICATE_REGION} (US East, "
                f"N. Virginia), where CloudFront takes it (got {parts[3] or 'no region'})",
                pool.at("domain", "CustomDomainConfig", "CertificateArn"))


OPS = KindOps(
    reads=("DescribeUserPoolDomain",),
    writes=("CreateUserPoolDomain", "UpdateUserPoolDomain", "DeleteUserPoolDomain"),
    category={"DescribeUserPoolDomain": "UserPoolResourceRead",
              **dict.fromkeys(("CreateUserPoolDomain", "UpdateUserPoolDomain",
                               "DeleteUserPoolDomain"), "UserPoolResourceUpdate")},
)


def export_from(live: Any, collected: Any) -> dict[str, Any] | None:
    """``domain`` of an export (``live``: a plan.LivePool)."""
    return export_domain(live.children.domains, collected)


def read_live(cognito: Any, pool: Any, described: Mapping[str, Any],
              so_far: Mapping[str, Any]) -> tuple[Mapping[str, Any], ...]:
    """DescribeUserPoolDomain for the pool's domains (DescribeUserPool names its prefix
    and custom domain) when the file manages the domain, a client uses the hosted UI
    (its sign-in URL), the file sets the tier (managed login needs ESSENTIALS), or a
    kind the file writes needs it (``Kind.needs_domain``)."""
    from poolsync.kinds import parts

    named = [c for c in (pool.clients or {}).values() if isinstance(c, Mapping)]
    hosted_ui = any({"code", "implicit"} & set(c.get("AllowedOAuthFlows") or [])
                    for c in named)
    wanted = (pool.domain is not None or hosted_ui or "UserPoolTier" in pool.settings
              or any(p.needs_domain for p in parts() if p.key in pool.parts))
    if not wanted:
        return ()
    found = (cognito.describe_domain(str(described[key])) for key in ("Domain", "CustomDomain")
             if described.get(key))
    return tuple(d for d in found if d is not None)


def plan(ctx: PlanContext) -> list[ObjectPlan]:
    """The file's domain against the live ones (none: the file does not manage it)."""
    if ctx.cfg.domain is None:
        return []
    return [plan_domain(ctx.cfg, ctx.pool_id, ctx.children.domains)]


def in_new_pool(ctx: PlanContext) -> list[ObjectPlan]:
    """A replaced pool's domain: deleted before the old pool (in the pool's calls) and
    created again in the new one, or, when the file lists none, gone for good."""
    from poolsync.kinds.planner import RENEWED, fresh, renew_each, renewed_object

    address = f"{ctx.pool}/domain"
    domains = ctx.children.domains
    out = renew_each(plan(ctx), plan(fresh(ctx)), lambda obj, renewed: renewed_object(
        obj, renewed.calls, recreated_domain_notes(ctx.cfg, domains),
        "deleted before the old pool (DeleteUserPoolDomain, in the pool's calls) and "
        + RENEWED))
    if domains and all(o.address != address for o in out):
        out.append(domain_deleted_with_pool(address, domains, ctx.region))
    return out


KIND = Kind("domain", "domain", plan, OPS.reads, OPS.writes, OPS.category,
            apply_reads=OPS.apply_reads,
            in_new_pool=in_new_pool, removals_last=True,
            rules=(domain_rules,))
