"""Offline rule checks: what Cognito refuses only at apply time, caught before any call.

The README ("The config format") lists them; each rule
is one named function citing where the rule comes from: the pool's settings and MFA
rules in their kinds' modules (``kinds.settings``, ``kinds.mfa``), the others below;
``RULES`` runs them all in one order. Rules read a pool as written
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
import importlib
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from poolsync.kinds import part_keys, parts
from poolsync.model import Path, Problem

TIERS = ("LITE", "ESSENTIALS", "PLUS")
# A new pool without UserPoolTier gets ESSENTIALS (botocore UserPoolTier doc; TF issue #40467).
DEFAULT_TIER = "ESSENTIALS"

# The legacy ExplicitAuthFlows values, which cannot be mixed with the ALLOW_* ones, and
# the ALLOW_* value that replaces each (botocore ExplicitAuthFlows: ALLOW_ADMIN_USER_PASSWORD_AUTH
# "replaces the ADMIN_NO_SRP_AUTH setting").
LEGACY_AUTH_FLOWS = {
    "ADMIN_NO_SRP_AUTH": "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "CUSTOM_AUTH_FLOW_ONLY": "ALLOW_CUSTOM_AUTH",
    "USER_PASSWORD_AUTH": "ALLOW_USER_PASSWORD_AUTH",
}
# The OAuth scopes every pool has (botocore AllowedOAuthScopes doc).
STANDARD_SCOPES = frozenset({"openid", "email", "phone", "profile",
                             "aws.cognito.signin.user.admin"})
IDP_TYPES = frozenset({"SAML", "OIDC", "Facebook", "Google", "LoginWithAmazon", "SignInWithApple"})
# Social identity providers: Cognito names each after its type ("Provider NameOfGP cannot
# be of type Google": aws/aws-cli #3179, hashicorp/terraform-provider-aws #4822; botocore
# SupportedIdentityProviders lists them by these fixed names).
SOCIAL_PROVIDERS = frozenset({"Google", "Facebook", "SignInWithApple", "LoginWithAmazon"})
# Plain-HTTP redirect hosts Cognito accepts, for testing (botocore CallbackURLs).
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]"})

MINUTE, HOUR, DAY = 60, 3600, 86400
TIME_UNITS = {"seconds": 1, "minutes": MINUTE, "hours": HOUR, "days": DAY}


@dataclass(frozen=True)
class _Validity:
    """One token validity member: its unit key, default unit and effective range (Terraform
    config validators in user_pool_client.go; botocore member docs)."""

    member: str
    unit_key: str
    default_unit: str
    low: int  # seconds
    high: int  # seconds
    range_text: str


_SHORT = "5 minutes to 1 day"
TOKEN_VALIDITIES = (
    _Validity("AccessTokenValidity", "AccessToken", "hours", 5 * MINUTE, DAY, _SHORT),
    _Validity("IdTokenValidity", "IdToken", "hours", 5 * MINUTE, DAY, _SHORT),
    # 10 years is botocore's RefreshTokenValidity maximum, 315360000 seconds (3650 days).
    _Validity(
        "RefreshTokenValidity", "RefreshToken", "days", 60 * MINUTE, 3650 * DAY,
        "60 minutes to 10 years",
    ),
)


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
        parts={key: pool[key] for key in part_keys() if pool.get(key) is not None},
    )
    own = tuple(rule for part in parts() for rule in part.rules)
    return [problem for rule in (*_rules(), *own) for problem in rule(view)]


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


def _tier(pool: _Pool) -> str | None:
    """The pool's UserPoolTier, or None when it is not known: not written (offline, the
    pool may exist with any tier; a new one gets ESSENTIALS, which the planner checks),
    not reported by an existing pool (responses from before feature plans), or
    invalid (the schema reports it)."""
    tier = pool.settings.get("UserPoolTier")
    return tier if tier in TIERS else None


# --- Rules ----------------------------------------------------------------------------


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


# --- App clients (botocore CreateUserPoolClient) ---------------------------------------


def _strings(value: Any) -> list[str]:
    """The strings of a list as written (other items are the schema's business)."""
    return [item for item in _list(value) if isinstance(item, str)]


def _and(words: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return " and ".join(filter(None, (", ".join(words[:-1]), words[-1])))


def _has_secret(client: Mapping[str, Any]) -> bool:
    """A client has a secret when Cognito generates one or the file gives one (botocore
    GenerateSecret, ClientSecret)."""
    return client.get("GenerateSecret") is True or isinstance(client.get("ClientSecret"), str)


def default_redirect_not_a_callback(pool: _Pool) -> Iterator[Problem]:
    """DefaultRedirectURI "Must be in the CallbackURLs list" (botocore DefaultRedirectURI)."""
    for client, path in pool.each_client():
        default = client.get("DefaultRedirectURI")
        if not isinstance(default, str) or _unknown(default):
            continue
        callbacks = _strings(client.get("CallbackURLs"))
        if default in callbacks or any(_unknown(url) for url in callbacks):
            continue
        yield Problem(
            "DefaultRedirectURI must be one of the client's CallbackURLs",
            (*path, "DefaultRedirectURI"),
        )


def client_credentials_flow(pool: _Pool) -> Iterator[Problem]:
    """client_credentials must be the only allowed OAuth flow, and needs a client secret
    ("you must add client_credentials as the only allowed OAuth flow"; the grant is
    "authorized by a combination of the client ID and client secret": botocore
    AllowedOAuthFlows)."""
    for client, path in pool.each_client():
        flows = _strings(client.get("AllowedOAuthFlows"))
        if "client_credentials" not in flows:
            continue
        where = (*path, "AllowedOAuthFlows")
        others = sorted({f for f in flows if f != "client_credentials" and not _unknown(f)})
        if others:
            yield Problem(
                f"client_credentials must be the only OAuth flow of a client (here with "
                f"{_and(others)}): use a separate client for {_and(others)}",
                where,
            )
        if not _has_secret(client):
            yield Problem(
                "the client_credentials flow needs a client secret: set GenerateSecret: true",
                where,
            )


def oauth_without_user_pool_client_flag(pool: _Pool) -> Iterator[Problem]:
    """AllowedOAuthFlowsUserPoolClient "must have a value of true before you can
    configure" callback and logout URLs, OAuth scopes and flows (botocore); it defaults to
    false."""
    for client, path in pool.each_client():
        flag = client.get("AllowedOAuthFlowsUserPoolClient")
        if flag is True or _unknown(flag):
            continue
        written = [
            member
            for member in ("AllowedOAuthFlows", "AllowedOAuthScopes", "CallbackURLs", "LogoutURLs")
            if _strings(client.get(member))
        ]
        if not written:
            continue
        if flag is False:
            state, where = "it is false", (*path, "AllowedOAuthFlowsUserPoolClient")
        else:
            state, where = "not written, it is false", (*path, written[0])
        yield Problem(
            f"{_and(written)} {'needs' if len(written) == 1 else 'need'} "
            f"AllowedOAuthFlowsUserPoolClient: true ({state})",
            where,
        )


def code_or_implicit_without_callback(pool: _Pool) -> Iterator[Problem]:
    """The code and implicit flows redirect to a callback URL: Cognito refuses them with
    no CallbackURLs ("InvalidOAuthFlowException: CallbackUrls can not be empty when code
    flow or implicit flow is selected": cisagov/crossfeed #440,
    awslabs/nx-plugin-for-aws #784)."""
    for client, path in pool.each_client():
        flows = sorted(set(_strings(client.get("AllowedOAuthFlows"))) & {"code", "implicit"})
        if flows and client.get("CallbackURLs") in (None, []):
            flow = f"the {_and(flows)} flow{'s need' if len(flows) > 1 else ' needs'}"
            yield Problem(
                f"{flow} at least one CallbackURLs entry", (*path, "AllowedOAuthFlows")
            )


def redirect_urls(pool: _Pool) -> Iterator[Problem]:
    """A redirect URL is absolute, has no fragment, and uses HTTPS unless it is
    http://localhost, http://127.0.0.1 or http://[::1] (any port); app schemes such as
    myapp://example are fine (botocore CallbackURLs, OAuth 2.0 §3.1.2). botocore states it for
    callback URLs; poolsync holds logout URLs to the same rules."""
    for client, path in pool.each_client():
        for member in ("CallbackURLs", "LogoutURLs"):
            for index, url in enumerate(_list(client.get(member))):
                if not isinstance(url, str) or _unknown(url):
                    continue
                fault = _redirect_fault(url)
                if fault:
                    yield Problem(fault, (*path, member, index))


def _redirect_fault(url: str) -> str:
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:  # an invalid IPv6 literal or port
        return f"{json.dumps(url)} is not a valid URL"
    if not parts.scheme:
        return f"{json.dumps(url)} is not an absolute URL (write its scheme, such as https://)"
    if "#" in url:
        return f"{json.dumps(url)} has a fragment (#...): a redirect URL must not have one"
    if parts.scheme.lower() == "http":
        shown = f"[{host}]" if host and ":" in host else host
        if shown not in LOOPBACK_HOSTS:
            return (
                f"{json.dumps(url)} must use https: plain http is only allowed for "
                "localhost, 127.0.0.1 and [::1]"
            )
    return ""


def mixed_explicit_auth_flows(pool: _Pool) -> Iterator[Problem]:
    """The legacy ExplicitAuthFlows values (ADMIN_NO_SRP_AUTH, CUSTOM_AUTH_FLOW_ONLY,
    USER_PASSWORD_AUTH) cannot be assigned together with ALLOW_* ones (botocore
    ExplicitAuthFlows)."""
    for client, path in pool.each_client():
        flows = _strings(client.get("ExplicitAuthFlows"))
        legacy = sorted({f for f in flows if f in LEGACY_AUTH_FLOWS})
        if legacy and any(f.startswith("ALLOW_") for f in flows):
            instead = _and([f"{LEGACY_AUTH_FLOWS[f]} instead of {f}" for f in legacy])
            yield Problem(
                f"legacy values cannot be mixed with ALLOW_* values: write {instead}",
                (*path, "ExplicitAuthFlows"),
            )


def user_context_data_without_secret(pool: _Pool) -> Iterator[Problem]:
    """"You can only activate EnablePropagateAdditionalUserContextData in an app client
    that has a client secret" (botocore)."""
    for client, path in pool.each_client():
        if client.get("EnablePropagateAdditionalUserContextData") is True and not _has_secret(
            client
        ):
            yield Problem(
                "EnablePropagateAdditionalUserContextData needs a client secret: set "
                "GenerateSecret: true",
                (*path, "EnablePropagateAdditionalUserContextData"),
            )


def generate_secret_with_client_secret(pool: _Pool) -> Iterator[Problem]:
    """"You cannot specify both GenerateSecret as true and provide a ClientSecret value"
    (botocore ClientSecret)."""
    for client, path in pool.each_client():
        if client.get("GenerateSecret") is True and "ClientSecret" in client:
            yield Problem(
                "ClientSecret cannot be given with GenerateSecret: true (Cognito generates "
                "the secret): remove one",
                (*path, "ClientSecret"),
            )


def token_validity(pool: _Pool) -> Iterator[Problem]:
    """Token validities are read in TokenValidityUnits (defaults hours, hours, days) and
    must last 5 minutes to 1 day (access, ID) or 60 minutes to 10 years (refresh);
    RefreshTokenValidity 0 means the default 30 days (botocore member docs; Terraform config
    validators in user_pool_client.go). The schema leaves the raw number
    ranges to this rule (schema.py)."""
    for client, path in pool.each_client():
        units = _mapping(client.get("TokenValidityUnits"))
        for validity in TOKEN_VALIDITIES:
            value = client.get(validity.member)
            if not isinstance(value, int) or isinstance(value, bool):
                continue
            if validity.member == "RefreshTokenValidity" and value == 0:
                continue
            unit = units.get(validity.unit_key, validity.default_unit)
            if not isinstance(unit, str) or unit not in TIME_UNITS:
                continue  # the schema reports the unit
            seconds = value * TIME_UNITS[unit]
            if validity.low <= seconds <= validity.high:
                continue
            if validity.unit_key in units:
                why = f"in TokenValidityUnits.{validity.unit_key}"
            else:
                why = f"the default unit; set TokenValidityUnits.{validity.unit_key} for another"
            yield Problem(
                f"{value} {unit} ({why}) is outside the allowed {validity.range_text}",
                (*path, validity.member),
            )


# --- Identity providers (botocore CreateIdentityProvider) ------------------------------


def saml_metadata(pool: _Pool) -> Iterator[Problem]:
    """A SAML provider takes MetadataURL or MetadataFile, exactly one (botocore
    CreateIdentityProvider ProviderDetails)."""
    for name, provider in pool.identity_providers.items():
        if not isinstance(provider, Mapping) or provider.get("ProviderType") != "SAML":
            continue
        details = provider.get("ProviderDetails")
        if not isinstance(details, Mapping):
            continue
        given = [key for key in ("MetadataURL", "MetadataFile") if key in details]
        if len(given) == 1:
            continue
        message = (
            "a SAML provider takes MetadataURL or MetadataFile, not both"
            if given
            else "a SAML provider needs MetadataURL or MetadataFile in ProviderDetails"
        )
        yield Problem(message, pool.at("identity_providers", name, "ProviderDetails"))


def social_provider_name(pool: _Pool) -> Iterator[Problem]:
    """A social provider is named exactly after its type, and those names are kept for
    them ("Provider NameOfGP cannot be of type Google": aws/aws-cli #3179,
    hashicorp/terraform-provider-aws #4822; botocore SupportedIdentityProviders)."""
    for name, provider in pool.identity_providers.items():
        if not isinstance(provider, Mapping):
            continue
        kind = provider.get("ProviderType")
        if not isinstance(kind, str) or kind not in IDP_TYPES or name == kind:
            continue  # an invalid type is the schema's to report
        where = pool.at("identity_providers", name, "ProviderType")
        if kind in SOCIAL_PROVIDERS:
            yield Problem(
                f'a {kind} provider must be named "{kind}" (Cognito refuses any other name '
                "for it)",
                where,
            )
        elif name in SOCIAL_PROVIDERS:
            yield Problem(
                f'the name "{name}" is kept for the {name} provider type (got {kind}): '
                "choose another name",
                where,
            )


def client_names_what_the_file_does_not_define(pool: _Pool) -> Iterator[Problem]:
    """A client's scope is a standard one or a resource server's
    ``<identifier>/<scope>``, which must exist ("Invalid scope requested",
    ScopeDoesNotExistException: awsdocs/aws-cloudformation-user-guide #564), and so must
    every provider in
    SupportedIdentityProviders ("The provider X does not exist for User Pool Y":
    aws/aws-cdk #15850). Offline this is proven only where the file alone decides: a
    resource server the file writes has exactly the file's scopes (UpdateResourceServer
    replaces them), and with ``prune: true`` the pool keeps only the file's providers.
    The planner checks the rest against the live pool."""
    servers = {k: v for k, v in pool.resource_servers.items() if isinstance(v, Mapping)}
    providers = set(pool.identity_providers) | {"COGNITO"}
    for client, path in pool.each_client():
        for index, scope in enumerate(_list(client.get("AllowedOAuthScopes"))):
            if not isinstance(scope, str) or _unknown(scope):
                continue
            if "/" not in scope and scope not in STANDARD_SCOPES:
                yield Problem(
                    f"scope {json.dumps(scope)} is neither a standard scope "
                    f"({', '.join(sorted(STANDARD_SCOPES))}) nor a resource server's "
                    "<identifier>/<scope>", (*path, "AllowedOAuthScopes", index))
                continue
            if "/" not in scope:
                continue
            identifier, _, name = scope.rpartition("/")
            server = servers.get(identifier)
            if server is None:
                continue
            names = {n for s in _list(server.get("Scopes")) if isinstance(n := _dig(s, "ScopeName"), str)}
            if name not in names:
                yield Problem(
                    f"scope {json.dumps(name)} is not among the scopes of resource server "
                    f"{json.dumps(identifier)} in this file",
                    (*path, "AllowedOAuthScopes", index))
        if not (pool.prune and pool.providers_managed):
            continue
        for index, name in enumerate(_list(client.get("SupportedIdentityProviders"))):
            if isinstance(name, str) and not _unknown(name) and name not in providers:
                yield Problem(
                    f"identity provider {json.dumps(name)} is not defined in this file, and "
                    "prune: true removes every other provider from the pool",
                    (*path, "SupportedIdentityProviders", index))


# --- The rules, in the order their problems are reported ------------------------------
# The pool's settings and MFA rules live in their kinds' modules (kinds.settings,
# kinds.mfa), which import this module's helpers: they are imported on first use.


@functools.cache
def _state_rules() -> tuple[_Rule, ...]:
    """The rules that read several members, run again by the planner on the state after
    apply (``state_problems``)."""
    from poolsync.kinds import mfa, settings

    return (
        settings.username_and_alias_attributes,
        mfa.mfa_without_factor,
        mfa.factor_with_mfa_off,
        mfa.mfa_required_with_passwordless_sign_in,
        mfa.sms_mfa_without_sms_configuration,
        mfa.email_mfa_without_developer_email,
        tier_gated_features,
        settings.attributes_require_verification_are_auto_verified,
    )


@functools.cache
def _rules() -> tuple[_Rule, ...]:
    """Every rule ``check_pool`` runs (golden output shows their problems' order)."""
    from poolsync.kinds import settings

    return (
        settings.required_custom_attribute,
        settings.too_many_custom_attributes,
        settings.custom_attribute_name_length,
        settings.duplicate_attribute,
        settings.attribute_constraints,
        settings.developer_only_name,
        settings.reserved_tag_keys,
        settings.tag_key_characters,
        domain_rules,
        *_state_rules(),
        settings.legacy_alias_conflict,
        settings.pre_token_generation_mismatch,
        social_provider_name,
        saml_metadata,
        default_redirect_not_a_callback,
        client_credentials_flow,
        oauth_without_user_pool_client_flag,
        code_or_implicit_without_callback,
        redirect_urls,
        mixed_explicit_auth_flows,
        user_context_data_without_secret,
        generate_secret_with_client_secret,
        token_validity,
        client_names_what_the_file_does_not_define,
    )


# Names that moved to the kinds' modules (docs/design/resource-kinds.md, step 8),
# still importable from here; loaded on first use, as the rules are.
_MOVED: dict[str, str] = {
    **dict.fromkeys((
        "MAX_CUSTOM_ATTRIBUTES", "MAX_CUSTOM_NAME", "MAX_SCHEMA_ENTRIES",
        "MAX_STRING_ATTRIBUTE_LENGTH", "RESERVED_TAG_PREFIXES", "TAG_KEY_PUNCTUATION",
        "username_and_alias_attributes", "required_custom_attribute",
        "too_many_custom_attributes", "custom_attribute_name_length", "duplicate_attribute",
        "attribute_constraints", "developer_only_name", "reserved_tag_keys",
        "tag_key_characters", "legacy_alias_conflict", "pre_token_generation_mismatch",
        "attributes_require_verification_are_auto_verified",
    ), "poolsync.kinds.settings"),
    **dict.fromkeys((
        "MFA_FACTORS", "mfa_without_factor", "factor_with_mfa_off",
        "mfa_required_with_passwordless_sign_in", "sms_mfa_without_sms_configuration",
        "email_mfa_without_developer_email",
    ), "poolsync.kinds.mfa"),
}


def __getattr__(name: str) -> object:
    """``RULES``, ``STATE_RULES``, the names that moved (``_MOVED``), and two aliases of
    kinds.settings tables: ``STANDARD_ATTRIBUTES`` (the names of the standard attributes
    and of ``identities``, which Cognito adds once an external IdP is attached) and
    ``LEGACY_MESSAGES``."""
    if name == "RULES":
        return _rules()
    if name == "STATE_RULES":
        return _state_rules()
    if name in ("STANDARD_ATTRIBUTES", "LEGACY_MESSAGES"):
        from poolsync.kinds import settings

        if name == "LEGACY_MESSAGES":
            return settings.LEGACY_MESSAGE_FIELDS
        return frozenset(settings.STANDARD_ATTRIBUTES) | settings.AUTO_ATTRIBUTES
    module = _MOVED.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


if TYPE_CHECKING:
    RULES: tuple[_Rule, ...]
    STATE_RULES: tuple[_Rule, ...]
    STANDARD_ATTRIBUTES: frozenset[str]
    LEGACY_MESSAGES: dict[str, str]
    from poolsync.kinds.mfa import MFA_FACTORS as MFA_FACTORS
    from poolsync.kinds.mfa import (
        email_mfa_without_developer_email as email_mfa_without_developer_email,
    )
    from poolsync.kinds.mfa import factor_with_mfa_off as factor_with_mfa_off
    from poolsync.kinds.mfa import (
        mfa_required_with_passwordless_sign_in as mfa_required_with_passwordless_sign_in,
    )
    from poolsync.kinds.mfa import mfa_without_factor as mfa_without_factor
    from poolsync.kinds.mfa import (
        sms_mfa_without_sms_configuration as sms_mfa_without_sms_configuration,
    )
    from poolsync.kinds.settings import MAX_CUSTOM_ATTRIBUTES as MAX_CUSTOM_ATTRIBUTES
    from poolsync.kinds.settings import MAX_CUSTOM_NAME as MAX_CUSTOM_NAME
    from poolsync.kinds.settings import MAX_SCHEMA_ENTRIES as MAX_SCHEMA_ENTRIES
    from poolsync.kinds.settings import MAX_STRING_ATTRIBUTE_LENGTH as MAX_STRING_ATTRIBUTE_LENGTH
    from poolsync.kinds.settings import RESERVED_TAG_PREFIXES as RESERVED_TAG_PREFIXES
    from poolsync.kinds.settings import TAG_KEY_PUNCTUATION as TAG_KEY_PUNCTUATION
    from poolsync.kinds.settings import attribute_constraints as attribute_constraints
    from poolsync.kinds.settings import (
        attributes_require_verification_are_auto_verified as attributes_require_verification_are_auto_verified,
    )
    from poolsync.kinds.settings import custom_attribute_name_length as custom_attribute_name_length
    from poolsync.kinds.settings import developer_only_name as developer_only_name
    from poolsync.kinds.settings import duplicate_attribute as duplicate_attribute
    from poolsync.kinds.settings import legacy_alias_conflict as legacy_alias_conflict
    from poolsync.kinds.settings import (
        pre_token_generation_mismatch as pre_token_generation_mismatch,
    )
    from poolsync.kinds.settings import required_custom_attribute as required_custom_attribute
    from poolsync.kinds.settings import reserved_tag_keys as reserved_tag_keys
    from poolsync.kinds.settings import tag_key_characters as tag_key_characters
    from poolsync.kinds.settings import too_many_custom_attributes as too_many_custom_attributes
    from poolsync.kinds.settings import (
        username_and_alias_attributes as username_and_alias_attributes,
    )
