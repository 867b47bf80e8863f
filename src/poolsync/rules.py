"""Offline rule checks: what Cognito refuses only at apply time, caught before any call.

The README ("The config format") lists them; each rule
is one named function citing where the rule comes from, in its kind's module
(``kinds.settings``, ``kinds.mfa``, ``kinds.domain``, ``kinds.identity_provider``,
``kinds.client``), but for the tier rule below, which reads every kind; ``RULES`` runs
them all in one order. This module holds what they share: the pool as the rules read it
(``_Pool``) and the helpers that read values as written. Rules read a pool as written
(``{"region": ..., "settings": ..., "mfa": ..., "clients": ..., ...}``) and return
problems with paths inside the document. They tolerate values of the wrong type (schema
validation reports those) and skip any decision that depends on a ``${env:...}`` value,
unknown until plan time.

Offline, a rule that depends on a member the file does not write does not decide: an
unwritten member keeps its live value, unknown until plan time. The
planner runs the same rules on the merged state, live settings included
(``state_problems``), where an absent member is Cognito's default. Whether a client names
an identity provider or a scope that exists is decided offline only where the file alone
proves it (its own resource server, its pruned providers); the planner checks the rest.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from poolsync.kinds import part_keys
from poolsync.model import Path, Problem
from poolsync.schema import fits

TIERS = ("LITE", "ESSENTIALS", "PLUS")
# A new pool without UserPoolTier gets ESSENTIALS (botocore UserPoolTier doc; TF issue #40467).
DEFAULT_TIER = "ESSENTIALS"


@dataclass(frozen=True)
class _Pool:
    """One pool as written, with its parts coerced to mappings for the rules to read."""

    settings: Mapping[str, Any]
    mfa: Mapping[str, Any] | None
    path: Path
    clients: Mapping[str, Any] = field(default_factory=dict)
    identity_providers: Mapping[str, Any] = field(default_factory=dict)
    domain: Mapping[str, Any] = field(default_factory=dict)
    resource_servers: Mapping[str, Any] = field(default_factory=dict)
    prune: bool = False
    providers_managed: bool = False  # the file has an identity_providers key
    # The kinds that plan themselves (kinds.parts()), by config key, as written.
    parts: Mapping[str, Any] = field(default_factory=dict)
    # False: the file as written (an unwritten member is unknown: its live value).
    # True: the state after apply, live included (an absent member is Cognito's default).
    merged: bool = False

    def knows(self, member: str) -> bool:
        """Whether the value of a settings member is known here."""
        return self.merged or member in self.settings

    def at(self, *parts: str | int) -> Path:
        return (*self.path, *parts)

    def each_client(self) -> Iterator[tuple[Mapping[str, Any], Path]]:
        """(client, its path) of every client written as a mapping."""
        for name, client in self.clients.items():
            if isinstance(client, Mapping):
                yield client, self.at("clients", name)


_Rule = Callable[[_Pool], Iterator[Problem]]


def check_document(data: Any) -> list[Problem]:
    """Rule problems of every pool of one loaded document (non-mappings are skipped:
    schema validation reports them)."""
    pools = data.get("pools") if isinstance(data, Mapping) else None
    if not isinstance(pools, Mapping):
        return []
    return [
        problem
        for name, pool in pools.items()
        if isinstance(pool, Mapping)
        for problem in check_pool(pool, ("pools", name))
    ]


def check_pool(pool: Mapping[str, Any], path: Path) -> list[Problem]:
    """Rule problems of one pool as written; ``path`` is the pool's path in the document."""
    mfa = pool.get("mfa")
    view = _Pool(
        settings=_mapping(pool.get("settings")),
        mfa=mfa if isinstance(mfa, Mapping) else None,
        path=path,
        clients=_mapping(pool.get("clients")),
        identity_providers=_mapping(pool.get("identity_providers")),
        domain=_mapping(pool.get("domain")),
        resource_servers=_mapping(pool.get("resource_servers")),
        prune=pool.get("prune") is True,
        providers_managed=isinstance(pool.get("identity_providers"), Mapping),
        parts={key: pool[key] for key in part_keys()
               if pool.get(key) is not None and fits(key, pool[key])},
    )
    from poolsync.check.suppress import KEY, section_problems  # poolsync check's section

    return [*(problem for rule in _rules() for problem in rule(view)),
            *section_problems(pool.get(KEY), (*path, KEY))]


def state_problems(
    settings: Mapping[str, Any],
    mfa: Mapping[str, Any] | None,
    *,
    domain: Mapping[str, Any] | None = None,
    clients: Mapping[str, Any] | None = None,
) -> list[Problem]:
    """What Cognito would refuse in a pool's state after apply, for the planner:
    ``settings`` are the CreateUserPool/UpdateUserPool members the pool will have (live
    members the file does not manage included; an absent member is Cognito's default;
    no ``UserPoolTier`` means a tier the pool does not report, which gates nothing),
    ``mfa`` the SetUserPoolMfaConfig members. The file's own mistakes are reported by
    ``check_pool``; this catches those that only the live pool reveals (email MFA on a
    pool whose unmanaged EmailConfiguration is COGNITO_DEFAULT, a live tier below a
    written feature) and decides the order of writes (``plan``). Paths are below the
    pool (``("mfa", "EmailMfaConfiguration")``)."""
    view = _Pool(settings, mfa, (), clients=clients or {}, domain=domain or {}, merged=True)
    return [problem for rule in _state_rules() for problem in rule(view)]


# --- Helpers --------------------------------------------------------------------------


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> Sequence[Any]:
    return value if isinstance(value, list) else []


def _dig(value: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def _unknown(value: Any) -> bool:
    """True for a string holding a ``${env:...}`` reference: its value is unknown offline."""
    return isinstance(value, str) and "${" in value


def _strings(value: Any) -> list[str]:
    """The strings of a list as written (other items are the schema's business)."""
    return [item for item in _list(value) if isinstance(item, str)]


def _tier(pool: _Pool) -> str | None:
    """The pool's UserPoolTier, or None when it is not known: not written (offline, the
    pool may exist with any tier; a new one gets ESSENTIALS, which the planner checks),
    not reported by an existing pool (responses from before feature plans), or
    invalid (the schema reports it)."""
    tier = pool.settings.get("UserPoolTier")
    return tier if tier in TIERS else None


# --- The tier rule --------------------------------------------------------------------


@dataclass(frozen=True)
class _TierFeature:
    what: str
    needs: str
    path: Path


def tier_gated_features(pool: _Pool) -> Iterator[Problem]:
    """Features above the pool's UserPoolTier (botocore field docs such as
    ExplicitAuthFlows' "ALLOW_USER_AUTH ... must be in the Essentials tier or higher";
    AWS developer guide, "Feature plans"; FeatureUnavailableInTierException). Decided
    only where the tier is known (``_tier``): offline when written, at plan time the live
    pool's (or ESSENTIALS for a new pool, botocore UserPoolTier doc)."""
    current = _tier(pool)
    if current is None:
        return
    for feature in _tier_features(pool):
        if TIERS.index(current) >= TIERS.index(feature.needs):
            continue
        why = f"the pool's UserPoolTier is {current}"
        yield Problem(
            f"{feature.what} needs UserPoolTier {feature.needs} or higher ({why}): "
            f"set UserPoolTier: {feature.needs}",
            feature.path,
        )


def _tier_features(pool: _Pool) -> Iterator[_TierFeature]:
    mode = _dig(pool.settings, "UserPoolAddOns", "AdvancedSecurityMode")
    if mode in ("AUDIT", "ENFORCED"):
        where = pool.at("settings", "UserPoolAddOns", "AdvancedSecurityMode")
        yield _TierFeature(f"AdvancedSecurityMode {mode} (threat protection)", "PLUS", where)
    factors = _list(_dig(pool.settings, "Policies", "SignInPolicy", "AllowedFirstAuthFactors"))
    if any(f != "PASSWORD" and not _unknown(f) for f in factors):
        where = pool.at("settings", "Policies", "SignInPolicy", "AllowedFirstAuthFactors")
        yield _TierFeature("a SignInPolicy with passwordless factors", "ESSENTIALS", where)
    if pool.domain.get("ManagedLoginVersion") == 2:
        where = pool.at("domain", "ManagedLoginVersion")
        yield _TierFeature("managed login (ManagedLoginVersion 2)", "ESSENTIALS", where)
    for client, path in pool.each_client():
        if "ALLOW_USER_AUTH" in _strings(client.get("ExplicitAuthFlows")):
            where = (*path, "ExplicitAuthFlows")
            yield _TierFeature("the ALLOW_USER_AUTH flow", "ESSENTIALS", where)
    version = _dig(pool.settings, "LambdaConfig", "PreTokenGenerationConfig", "LambdaVersion")
    if version in ("V2_0", "V3_0"):
        where = pool.at("settings", "LambdaConfig", "PreTokenGenerationConfig", "LambdaVersion")
        yield _TierFeature(f"pre-token-generation {version}", "ESSENTIALS", where)
    if pool.mfa is None:
        return
    if "EmailMfaConfiguration" in pool.mfa:
        yield _TierFeature("email MFA", "ESSENTIALS", pool.at("mfa", "EmailMfaConfiguration"))
    factor = _dig(pool.mfa, "WebAuthnConfiguration", "FactorConfiguration")
    if factor == "MULTI_FACTOR_WITH_USER_VERIFICATION":
        where = pool.at("mfa", "WebAuthnConfiguration", "FactorConfiguration")
        yield _TierFeature(f"WebAuthn FactorConfiguration {factor}", "ESSENTIALS", where)


# --- The rules, in the order their problems are reported ------------------------------
# The rules live in their kinds' modules (kinds.settings, kinds.mfa, kinds.domain,
# kinds.identity_provider, kinds.client), which import this module's helpers: they are
# imported on first use.


@functools.cache
def _state_rules() -> tuple[_Rule, ...]:
    """The rules ``state_problems`` runs: each kind's ``state_rules`` (kinds.all_kinds()
    order), then ``tier_gated_features``, which reads every kind."""
    from poolsync.kinds import all_kinds

    return (*(rule for kind in all_kinds() for rule in kind.state_rules),
            tier_gated_features)


@functools.cache
def _rules() -> tuple[_Rule, ...]:
    """Every rule ``check_pool`` runs, in the order their problems are reported (golden
    output shows it): each kind's ``rules`` (kinds.all_kinds() order), then
    ``tier_gated_features``."""
    from poolsync.kinds import all_kinds

    return (*(rule for kind in all_kinds() for rule in kind.rules), tier_gated_features)

