"""Outputs: the values the stacks after poolsync need (as ``terraform output`` gives
them), built from what was read of the live pools. Pure: no AWS, no click.

Per pool: its id and ARN (DescribeUserPool), the token issuer and its JWKS URL, the
domain and the hosted UI's base URL, and, for each app client the file manages, its id
and hosted-UI sign-in URL. Never a client secret (``ClientSecret`` is never read from
a description here) nor any ``${env:...}`` value: every string is masked as plans are
(``masking``), and the CLI's last line redacts what is left (``logs.redact``).

Endpoints, as AWS documents them:

- Issuer: ``https://cognito-idp.{region}.{dns suffix}/{pool id}``, the ``iss`` claim of
  the pool's tokens; the JWKS is at the issuer + ``/.well-known/jwks.json`` (Cognito
  developer guide, "Verifying a JSON web token",
  https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html).
  The DNS suffix is the partition's (``amazonaws.com``; ``amazonaws.com.cn`` in China),
  from botocore's ``partitions.json`` (``DNS_SUFFIX``).
- Hosted UI of a prefix domain: ``https://{prefix}.auth.{region}.amazoncognito.com``
  (developer guide, "Using the Amazon Cognito prefix domain",
  https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-assign-domain-prefix.html);
  in AWS GovCloud (US) ``{prefix}.auth-fips.{region}.amazoncognito.com`` (GovCloud user
  guide, "Amazon Cognito in AWS GovCloud (US)",
  https://docs.aws.amazon.com/govcloud-us/latest/UserGuide/govcloud-cog.html). AWS
  documents no prefix-domain host for the other partitions: the China guide says user
  pools are not available there ("Amazon Cognito", Getting Started with AWS in China,
  https://docs.amazonaws.cn/en_us/aws/latest/userguide/cognito.html), so no URL is
  guessed for them (None).
- Hosted UI of a custom domain: ``https://{domain}`` (developer guide, "Using your own
  domain for managed login",
  https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-add-custom-domain.html).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from poolsync.regions import REGION_PATTERNS

if TYPE_CHECKING:
    from poolsync.model import Config, Plan, PoolConfig, PoolPlan
    from poolsync.plan import LivePool

PoolKey = tuple[str, str]  # (region, name)
FORMAT_VERSION: Final = "1.0"

# Partition id -> its dnsSuffix, verbatim from botocore 1.43.11's partitions.json
# (``outputs.dnsSuffix``); tests/test_outputs.py keeps it equal to the installed botocore.
DNS_SUFFIX: Final[dict[str, str]] = {
    "aws": "amazonaws.com",
    "aws-cn": "amazonaws.com.cn",
    "aws-eusc": "amazonaws.eu",
    "aws-iso": "c2s.ic.gov",
    "aws-iso-b": "sc2s.sgov.gov",
    "aws-iso-e": "cloud.adc-e.uk",
    "aws-iso-f": "csp.hci.ic.gov",
    "aws-us-gov": "amazonaws.com",
}
# Partition id -> the label after a prefix domain's name, where AWS documents one.
_PREFIX_LABEL: Final[dict[str, str]] = {"aws": "auth", "aws-us-gov": "auth-fips"}
_JWKS_PATH: Final = "/.well-known/jwks.json"


def partition(region: str) -> str | None:
    """The partition id (``aws``, ``aws-cn``, ``aws-us-gov``, ...) of an AWS region
    name, by the regionRegex of each partition (``regions.REGION_PATTERNS``); None for
    a name that is no region."""
    for name, pattern in REGION_PATTERNS.items():
        if re.fullmatch(pattern.removeprefix("^").removesuffix("$"), region, re.ASCII):
            return name
    return None


def issuer_url(region: str, pool_id: str) -> str | None:
    """The pool's token issuer (the ``iss`` claim): ``https://cognito-idp.eu-west-1.
    amazonaws.com/eu-west-1_AbC``. None when ``region`` is no AWS region name."""
    found = partition(region)
    if found is None:
        return None
    return f"https://cognito-idp.{region}.{DNS_SUFFIX[found]}/{pool_id}"


def jwks_url(issuer: str) -> str:
    """The JSON Web Key Set that signs the pool's tokens: the issuer's well-known path."""
    return issuer + _JWKS_PATH


def hosted_ui_url(domain: str, region: str, custom: bool) -> str | None:
    """The hosted UI's base URL (managed login, the OAuth 2.0 endpoints) of a user pool
    domain: ``https://{domain}`` for a custom domain, the partition's host for a prefix
    one; None for a prefix domain in a partition where AWS documents no host."""
    if custom:
        return f"https://{domain}"
    label = _PREFIX_LABEL.get(partition(region) or "")
    return f"https://{domain}.{label}.{region}.amazoncognito.com" if label else None


# --------------------------------------------------------------------------- the value


@dataclass(frozen=True)
class ClientOutputs:
    """One app client the file manages: its id, and its hosted-UI sign-in URL when it
    uses the code or implicit flow and the pool has a domain (else None)."""

    name: str
    client_id: str
    sign_in_url: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"client_id": self.client_id, "sign_in_url": self.sign_in_url}


@dataclass(frozen=True)
class PoolOutputs:
    """One pool's outputs. ``exists`` False: the pool was not found (not created yet);
    then every value is None and ``clients`` is empty."""

    name: str
    region: str  # as outputs show it: as written when it comes from ${env:...}
    exists: bool
    user_pool_id: str | None = None
    user_pool_arn: str | None = None
    issuer_url: str | None = None
    jwks_url: str | None = None
    domain: str | None = None  # the prefix, or the custom domain's name
    custom_domain: bool | None = None
    hosted_ui_url: str | None = None
    clients: tuple[ClientOutputs, ...] = ()

    def values(self) -> list[tuple[str, Any]]:
        """The pool-level outputs, in document order (``clients`` apart)."""
        return [("user_pool_id", self.user_pool_id), ("user_pool_arn", self.user_pool_arn),
                ("issuer_url", self.issuer_url), ("jwks_url", self.jwks_url),
                ("domain", self.domain), ("custom_domain", self.custom_domain),
                ("hosted_ui_url", self.hosted_ui_url)]

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "region": self.region, "exists": self.exists,
                **dict(self.values()),
                "clients": {c.name: c.to_dict() for c in self.clients}}


@dataclass(frozen=True)
class Outputs:
    """Every pool's outputs, in the order of the files."""

    pools: tuple[PoolOutputs, ...]

    @property
    def absent(self) -> list[PoolOutputs]:
        """The pools that do not exist (yet)."""
        return [p for p in self.pools if not p.exists]

    def to_dict(self) -> dict[str, Any]:
        """The JSON document (``output -o json``, and ``outputs`` in ``apply -o json``):
        ``{"format_version": "1.0", "pools": [{"name", "region", "exists",
        "user_pool_id", "user_pool_arn", "issuer_url", "jwks_url", "domain",
        "custom_domain", "hosted_ui_url", "clients": {NAME: {"client_id",
        "sign_in_url"}}}]}``. Every key is always present; a value not known is null."""
        return {"format_version": FORMAT_VERSION, "pools": [p.to_dict() for p in self.pools]}


# --------------------------------------------------------------------------- building


def from_live(config: Config, live: Mapping[PoolKey, LivePool | None]) -> Outputs:
    """``poolsync output``: from ``engine.read_live`` (the reads of a plan). The clients
    are those the file manages and the pool has (from DescribeUserPoolClient); their
    sign-in URLs as plan builds them, with the live domain."""
    from poolsync.kinds.domain import sign_in_url
    from poolsync.masking import mask_pool
    from poolsync.model import PoolPlan

    pools = []
    for cfg in config.pools:
        found = live.get((cfg.region, cfg.name))
        if found is None:
            pools.append(_absent(cfg))
            continue
        described = found.pool
        domain, custom = _domain(cfg, described)
        described_clients = {name: client for name, client in (found.children.clients or {}
                                                                ).items()
                             if cfg.clients is not None and name in cfg.clients}
        urls = []
        if domain is not None:
            shape = {"Domain": domain, **({"CustomDomainConfig": {}} if custom else {})}
            for name, client in sorted(described_clients.items()):
                url = sign_in_url(shape, cfg.region, str(client["ClientId"]), client)
                if url:
                    urls.append((name, url))
        shown = mask_pool(PoolPlan(cfg.name, cfg.region, found.id, (),
                                   sign_in_urls=tuple(urls)), cfg)
        ids = {name: str(client["ClientId"]) for name, client in described_clients.items()}
        pools.append(_pool(cfg, shown, described, ids))
    return Outputs(tuple(pools))


def from_apply(config: Config, final: Plan) -> Outputs:
    """After apply: ``final`` is the plan apply converged to; each of its pools carries
    the reads it was made from (``PoolPlan.live``: the read-back of each changed pool,
    the plan's own reads for the others), so no pool is read again."""
    return from_live(config, {(p.region, p.name): p.live for p in final.pools})


def _absent(cfg: PoolConfig, plan: PoolPlan | None = None) -> PoolOutputs:
    from poolsync.masking import mask_pool
    from poolsync.model import PoolPlan

    shown = plan or mask_pool(PoolPlan(cfg.name, cfg.region, None, ()), cfg)
    return PoolOutputs(cfg.name, shown.shown_region or cfg.region, exists=False)


def _domain(cfg: PoolConfig, described: Mapping[str, Any]) -> tuple[str | None, bool]:
    """The pool's hosted-UI domain and whether it is a custom one: DescribeUserPool
    names a prefix domain in ``Domain`` and a custom one in ``CustomDomain`` (botocore
    ``UserPoolType``). A pool may have one of each: the one the file manages, else the
    custom one (as plan's sign-in URLs choose, ``kinds.client.sign_in_urls``)."""
    prefix, custom = described.get("Domain") or None, described.get("CustomDomain") or None
    written = (cfg.domain or {}).get("Domain")
    if written is not None and written in (prefix, custom):
        return str(written), written == custom
    if custom is not None:
        return str(custom), True
    return (str(prefix), False) if prefix is not None else (None, False)


def _pool(cfg: PoolConfig, plan: PoolPlan, described: Mapping[str, Any],
          client_ids: Mapping[str, str]) -> PoolOutputs:
    """One existing pool's outputs; ``plan`` is masked (``masking.mask_pool``): its
    region, id and sign-in URLs are as outputs may show them."""
    mask = _masker(cfg)
    pool_id = str(described.get("Id") or plan.pool_id)
    issuer = issuer_url(cfg.region, pool_id)
    domain, custom = _domain(cfg, described)
    base = hosted_ui_url(domain, cfg.region, custom) if domain is not None else None
    urls = dict(plan.sign_in_urls)
    return PoolOutputs(
        name=cfg.name,
        region=plan.shown_region or cfg.region,
        exists=True,
        user_pool_id=plan.shown_pool_id or mask(pool_id),
        user_pool_arn=mask(str(described["Arn"])) if described.get("Arn") else None,
        issuer_url=mask(issuer) if issuer else None,
        jwks_url=mask(jwks_url(issuer)) if issuer else None,
        domain=mask(domain, True) if domain is not None else None,
        custom_domain=custom if domain is not None else None,
        hosted_ui_url=mask(base, True) if base is not None else None,
        clients=tuple(ClientOutputs(name, mask(client_id), urls.get(name))
                      for name, client_id in sorted(client_ids.items())),
    )


def _masker(cfg: PoolConfig) -> Callable[..., str]:
    """Mask a shown string as plans do (``masking.mask_text``): a value from
    ``${env:...}`` of 8 characters or more wherever it appears; with ``tokens``, a
    shorter one too where it stands alone (the domain, which the file may take from
    ``${env:...}``)."""
    from poolsync.masking import mask_text, substitutions

    subs = substitutions(cfg)

    def mask(text: str, tokens: bool = False) -> str:
        return mask_text(text, subs, tokens=tokens) if subs else text

    return mask


# --------------------------------------------------------------------------- text


def render_text(outputs: Outputs) -> str:
    """``key = "value"`` lines as ``terraform output`` prints them, aligned within each
    pool, under a ``NAME (REGION)`` line; clients as ``clients.NAME.client_id``. A value
    that is not known is left out; a pool that does not exist says so."""
    from poolsync.render import printable

    blocks = []
    for pool in outputs.pools:
        head = f"{pool.name} ({pool.region})"
        if not pool.exists:
            blocks.append(printable(f"{head}: does not exist (apply creates it)"))
            continue
        rows: list[tuple[str, Any]] = [(k, v) for k, v in pool.values() if v is not None]
        for client in pool.clients:
            rows.append((f"clients.{client.name}.client_id", client.client_id))
            if client.sign_in_url is not None:
                rows.append((f"clients.{client.name}.sign_in_url", client.sign_in_url))
        width = max(len(printable(key)) for key, _ in rows)
        lines = [printable(head)] + [f"  {printable(key):<{width}} = {printable(_literal(value))}"
                                     for key, value in rows]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n" if blocks else ""


def _literal(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def missing_message(absent: Sequence[PoolOutputs]) -> str:
    """The error of ``output`` when pools do not exist: names them, says what to do."""
    names = ", ".join(f"{p.name} ({p.region})" for p in absent)
    them = "it" if len(absent) == 1 else "them"
    return (f"no live pool for {names}: apply creates {them}; the outputs exist after "
            "that (the other pools' outputs are printed)")
