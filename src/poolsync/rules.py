"""Offline rule checks: what Cognito refuses only at apply time, caught before any call.

The README ("The config format") lists them; each rule below
is one named function citing where the rule comes from. Rules read a pool as written
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

import json
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from poolsync import normalize
from poolsync.kinds import part_keys, parts
from poolsync.model import Path, Problem, render_path

# The 20 standard attributes every pool has (AWS developer guide, "User pool
# attributes"), plus the ``identities`` attribute Cognito adds once an external IdP is
# attached.
STANDARD_ATTRIBUTES = frozenset(normalize.STANDARD_ATTRIBUTES) | normalize.AUTO_ATTRIBUTES
MAX_CUSTOM_ATTRIBUTES = 50
MAX_CUSTOM_NAME = 20

TIERS = ("LITE", "ESSENTIALS", "PLUS")
# A new pool without UserPoolTier gets ESSENTIALS (botocore UserPoolTier doc; TF issue #40467).
DEFAULT_TIER = "ESSENTIALS"
MFA_FACTORS = ("SmsMfaConfiguration", "SoftwareTokenMfaConfiguration", "EmailMfaConfiguration")

LEGACY_MESSAGES = normalize.LEGACY_MESSAGE_FIELDS
# A Schema list holds at most 50 entries, standard ones included (botocore
# SchemaAttributesListType).
MAX_SCHEMA_ENTRIES = 50

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
    return [problem for rule in (*RULES, *own) for problem in rule(view)]


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
    return [problem for rule in STATE_RULES for problem in rule(view)]


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


def _schema_names(pool: _Pool) -> Iterator[tuple[int, str]]:
    """(index, name) of each Schema entry that has a string name."""
    for index, entry in enumerate(_list(pool.settings.get("Schema"))):
        name = _dig(entry, "Name")
        if isinstance(name, str):
            yield index, name


def _custom_attributes(pool: _Pool) -> Iterator[tuple[int, str]]:
    """Schema entries that declare a custom attribute: a ``custom:`` name, or a bare name
    that is not a standard attribute's (``custom:sub`` is custom, ``sub`` standard)."""
    for index, name in _schema_names(pool):
        if normalize.is_custom_attribute(normalize.attribute_key(name)) and not _unknown(name):
            yield index, name


def _mfa_mode(mfa: Mapping[str, Any]) -> str | None:
    """The written MfaConfiguration; omitted means OFF (SetUserPoolMfaConfig reads a
    missing mode as OFF, measured by go-to-k/cdkd). None when unknown offline."""
    mode = mfa.get("MfaConfiguration", "OFF")
    return None if _unknown(mode) or not isinstance(mode, str) else mode


def _tier(pool: _Pool) -> str | None:
    """The pool's UserPoolTier, or None when it is not known: not written (offline, the
    pool may exist with any tier; a new one gets ESSENTIALS, which the planner checks),
    not reported by an existing pool (responses from before feature plans), or
    invalid (the schema reports it)."""
    tier = pool.settings.get("UserPoolTier")
    return tier if tier in TIERS else None


# --- Rules ----------------------------------------------------------------------------


def username_and_alias_attributes(pool: _Pool) -> Iterator[Problem]:
    """UsernameAttributes and AliasAttributes are mutually exclusive (botocore CreateUserPool
    docs; terraform-provider-aws user_pool.go ConflictsWith)."""
    if _list(pool.settings.get("UsernameAttributes")) and _list(
        pool.settings.get("AliasAttributes")
    ):
        yield Problem(
            "AliasAttributes and UsernameAttributes are mutually exclusive: write only one",
            pool.at("settings", "AliasAttributes"),
        )


def required_custom_attribute(pool: _Pool) -> Iterator[Problem]:
    """Cognito refuses ``Required: true`` on a custom attribute ("Required custom
    attributes are not supported currently": terraform-provider-aws #18430)."""
    schema = _list(pool.settings.get("Schema"))
    for index, _name in _custom_attributes(pool):
        if _dig(schema[index], "Required") is True:
            yield Problem(
                "Required custom attributes are not supported by Cognito",
                pool.at("settings", "Schema", index, "Required"),
            )


def too_many_custom_attributes(pool: _Pool) -> Iterator[Problem]:
    """A pool holds at most 50 custom attributes (AWS developer guide, "Quotas in Amazon
    Cognito"), and the Schema list at most 50 entries, standard ones included (botocore
    SchemaAttributesListType). The schema leaves this limit to this rule (schema.py)."""
    count = sum(1 for _ in _custom_attributes(pool))
    entries = len(_list(pool.settings.get("Schema")))
    if count > MAX_CUSTOM_ATTRIBUTES:
        message = f"at most {MAX_CUSTOM_ATTRIBUTES} custom attributes are allowed (got {count})"
    elif entries > MAX_SCHEMA_ENTRIES:
        message = (
            f"Schema lists at most {MAX_SCHEMA_ENTRIES} attributes, standard ones included "
            f"(got {entries})"
        )
    else:
        return
    yield Problem(message, pool.at("settings", "Schema"))


def custom_attribute_name_length(pool: _Pool) -> Iterator[Problem]:
    """A custom attribute name is 1-20 characters without its ``custom:`` prefix (botocore
    CustomAttributeNameType; the schema allows the prefix on top)."""
    for index, name in _custom_attributes(pool):
        bare = normalize.request_attribute_name(normalize.attribute_key(name))
        if len(bare) > MAX_CUSTOM_NAME:
            yield Problem(
                f"a custom attribute name has at most {MAX_CUSTOM_NAME} characters without "
                f'the "custom:" prefix (got {len(bare)})',
                pool.at("settings", "Schema", index, "Name"),
            )


def duplicate_attribute(pool: _Pool) -> Iterator[Problem]:
    """An attribute declared twice ("tenant" and "custom:tenant" are one attribute;
    "sub" and "custom:sub" are two): Cognito refuses it ("Existing attribute already has
    name custom:t.", the AddCustomAttributes error)."""
    first: dict[str, int] = {}
    for index, name in _schema_names(pool):
        bare = normalize.attribute_key(name)
        if bare in first:
            where = render_path(("Schema", first[bare]))
            yield Problem(
                f'attribute "{bare}" is declared twice (first at {where})',
                pool.at("settings", "Schema", index, "Name"),
            )
        else:
            first[bare] = index


MAX_STRING_ATTRIBUTE_LENGTH = 2048


def _digits(value: Any) -> int | None:
    """A schema constraint written as a number or a numeric string; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.lstrip("-").isdigit() and len(value) < 20:
        return int(value)
    return None


def attribute_constraints(pool: _Pool) -> Iterator[Problem]:
    """String constraints stay within 2048 characters and a minimum is not above its
    maximum, for strings and numbers: Cognito refuses others ("user.X: String attributes
    cannot have a length of more than 2048", as moto reproduces it in its CreateUserPool
    and AddCustomAttributes emulation, with a "Max length cannot ..." twin for the order)."""
    for index, entry in enumerate(_list(pool.settings.get("Schema"))):
        for key, low, high, limit in (
                ("StringAttributeConstraints", "MinLength", "MaxLength",
                 MAX_STRING_ATTRIBUTE_LENGTH),
                ("NumberAttributeConstraints", "MinValue", "MaxValue", None)):
            block = _mapping(_dig(entry, key))
            where = pool.at("settings", "Schema", index, key)
            lower, upper = _digits(block.get(low)), _digits(block.get(high))
            for name, value in ((low, lower), (high, upper)):
                if limit is not None and value is not None and value > limit:
                    yield Problem(f"a string attribute is at most {limit} characters long "
                                  f"(got {value})", (*where, name))
            if lower is not None and upper is not None and lower > upper:
                yield Problem(f"{low} ({lower}) is greater than {high} ({upper})",
                              (*where, low))


def developer_only_name(pool: _Pool) -> Iterator[Problem]:
    """``dev:custom:X`` names a developer-only attribute; DeveloperOnlyAttribute false
    beside it asks for the other one (``custom:X``). Written both ways, the file
    contradicts itself (botocore SchemaAttributeType.DeveloperOnlyAttribute)."""
    for index, entry in enumerate(_list(pool.settings.get("Schema"))):
        name = _dig(entry, "Name")
        if (isinstance(name, str) and name.startswith(normalize.DEVELOPER_PREFIX)
                and _dig(entry, "DeveloperOnlyAttribute") is False):
            yield Problem(
                "a dev:custom: name is a developer-only attribute: remove "
                "DeveloperOnlyAttribute: false, or name it custom:"
                + name[len(normalize.DEVELOPER_PREFIX):],
                pool.at("settings", "Schema", index, "DeveloperOnlyAttribute"))


RESERVED_TAG_PREFIXES = ("aws:", "poolsync:")


def reserved_tag_keys(pool: _Pool) -> Iterator[Problem]:
    """Tag keys starting with ``aws:`` are reserved for AWS (AWS tagging guide, "Tag
    naming limits and requirements"); ``poolsync:`` keys are poolsync's own records (of
    write-only secrets). Neither can be managed from the file."""
    tags = _mapping(pool.settings.get("UserPoolTags"))
    for key in tags:
        if isinstance(key, str) and key.lower().startswith(RESERVED_TAG_PREFIXES):
            yield Problem(
                f"tag keys starting with {key.split(':', 1)[0]}: are reserved "
                "(aws: for AWS, poolsync: for poolsync's own records)",
                pool.at("settings", "UserPoolTags", key))


# Characters a tag key may hold besides letters, numbers and separators (spaces).
TAG_KEY_PUNCTUATION = frozenset("_.:/=+-@")
_TAG_KEY_CATEGORIES = ("L", "N", "Z")  # Unicode's letters, numbers, separators


def tag_key_characters(pool: _Pool) -> Iterator[Problem]:
    """A tag key holds only letters, numbers, spaces (Unicode separators) and
    ``_ . : / = + - @``: the pattern ``^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$`` AWS's API
    references give TagKey (AWS Tag Editor guide, "Tag naming limits and requirements":
    https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html). botocore's
    TagKeysType for Cognito gives only the length (1-128, which the schema checks), and
    Python's ``re`` (the schema's) cannot spell ``\\p{L}``: the categories are checked
    here. A key holding ``${env:...}`` is the schema's to report."""
    for key in _mapping(pool.settings.get("UserPoolTags")):
        if not isinstance(key, str) or _unknown(key):
            continue
        bad = [c for c in dict.fromkeys(key) if not _tag_key_character(c)]
        if bad:
            shown = ", ".join(json.dumps(c) for c in bad[:5])
            yield Problem(
                f"a tag key holds only letters, numbers, spaces and _ . : / = + - @"
                f" (got {shown})",
                pool.at("settings", "UserPoolTags", key))


def _tag_key_character(char: str) -> bool:
    return char in TAG_KEY_PUNCTUATION or unicodedata.category(char)[0] in _TAG_KEY_CATEGORIES


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


def mfa_without_factor(pool: _Pool) -> Iterator[Problem]:
    """MFA ON/OPTIONAL needs SMS, TOTP or email MFA enabled ("SMS MFA, Email MFA, or
    Software Token MFA must be enabled"; WebAuthn alone does not count:
    measured by go-to-k/cdkd; anomalyco/sst #5177)."""
    if pool.mfa is None:
        return
    mode = _mfa_mode(pool.mfa)
    if mode not in ("ON", "OPTIONAL"):
        return
    if _factor_enabled(pool.mfa):
        return
    yield Problem(
        f"MfaConfiguration {mode} needs a factor: SmsMfaConfiguration, "
        "SoftwareTokenMfaConfiguration with Enabled: true, or EmailMfaConfiguration "
        "(WebAuthn alone does not count)",
        pool.at("mfa", "MfaConfiguration"),
    )


def mfa_required_with_passwordless_sign_in(pool: _Pool) -> Iterator[Problem]:
    """With MFA ON, Cognito refuses EMAIL_OTP and SMS_OTP as first sign-in factors ("Only
    PASSWORD and WEB_AUTHN (if configured) can be enabled as an auth factor if MFA is
    enabled"), and WEB_AUTHN needs FactorConfiguration MULTI_FACTOR_WITH_USER_VERIFICATION
    ("Cannot set WebAuthn factor configuration to SINGLE_FACTOR if MFA is required"):
    measured by go-to-k/cdkd (issues #1968, #1979); OPTIONAL is accepted. Offline, an
    unwritten WebAuthnConfiguration is the live one (SetUserPoolMfaConfig carries it):
    undecided."""
    if pool.mfa is None or _mfa_mode(pool.mfa) != "ON":
        return
    factors = _list(_dig(pool.settings, "Policies", "SignInPolicy", "AllowedFirstAuthFactors"))
    where = pool.at("settings", "Policies", "SignInPolicy", "AllowedFirstAuthFactors")
    passwordless = sorted(f for f in factors if f in ("EMAIL_OTP", "SMS_OTP"))
    if passwordless:
        yield Problem(
            f"MfaConfiguration ON does not allow {', '.join(passwordless)} as a first "
            "sign-in factor (only PASSWORD and WEB_AUTHN): use MFA OPTIONAL, or remove "
            "them from AllowedFirstAuthFactors", where)
    if "WebAuthnConfiguration" not in pool.mfa and not pool.merged:
        return
    factor = _dig(pool.mfa, "WebAuthnConfiguration", "FactorConfiguration")
    if "WEB_AUTHN" in factors and factor != "MULTI_FACTOR_WITH_USER_VERIFICATION" and not (
            _unknown(factor)):
        yield Problem(
            "with MfaConfiguration ON, WEB_AUTHN as a first factor needs "
            "WebAuthnConfiguration.FactorConfiguration: MULTI_FACTOR_WITH_USER_VERIFICATION",
            pool.at("mfa", "MfaConfiguration"))


def _factor_enabled(mfa: Mapping[str, Any]) -> bool:
    """SMS and email MFA are on when their block is sent; TOTP needs Enabled: true."""
    totp = _dig(mfa, "SoftwareTokenMfaConfiguration", "Enabled")
    if totp is True or _unknown(totp):
        return True
    return isinstance(mfa.get("SmsMfaConfiguration"), Mapping) or isinstance(
        mfa.get("EmailMfaConfiguration"), Mapping
    )


def factor_with_mfa_off(pool: _Pool) -> Iterator[Problem]:
    """MFA OFF with any factor block, even ``Enabled: false``, is refused ("can't turn
    off MFA and configure an MFA together": go-to-k/cdkd; terraform-provider-aws
    user_pool.go)."""
    if pool.mfa is None or _mfa_mode(pool.mfa) != "OFF":
        return
    written = "OFF" if "MfaConfiguration" in pool.mfa else "not written (OFF)"
    for factor in MFA_FACTORS:
        if factor in pool.mfa:
            yield Problem(
                f"MfaConfiguration is {written}, and Cognito refuses a factor block with "
                f"MFA off: remove {factor} or set MfaConfiguration to ON or OPTIONAL",
                pool.at("mfa", factor),
            )


def sms_mfa_without_sms_configuration(pool: _Pool) -> Iterator[Problem]:
    """SMS MFA needs an SmsConfiguration (SNS caller role), in the MFA block or on the
    pool (botocore SmsMfaConfigType: "...the SMS configuration..."; AWS developer guide,
    "SMS message settings"). Offline, an unwritten settings.SmsConfiguration is the live
    one: undecided."""
    if pool.mfa is None:
        return
    sms = pool.mfa.get("SmsMfaConfiguration")
    if not isinstance(sms, Mapping):
        return
    if "SmsConfiguration" in sms or pool.settings.get("SmsConfiguration"):
        return
    if not pool.knows("SmsConfiguration"):
        return
    yield Problem(
        "SMS MFA needs an SmsConfiguration: write mfa.SmsMfaConfiguration.SmsConfiguration "
        "or settings.SmsConfiguration",
        pool.at("mfa", "SmsMfaConfiguration"),
    )


def email_mfa_without_developer_email(pool: _Pool) -> Iterator[Problem]:
    """Email MFA needs EmailSendingAccount DEVELOPER (Amazon SES); the default is
    COGNITO_DEFAULT ("Cannot set EmailMfaConfiguration when user pool EmailConfiguration
    contains an EmailSendingAccount of COGNITO_DEFAULT", measured by go-to-k/cdkd; botocore
    EmailMfaConfigType). Offline, an unwritten EmailConfiguration is the live one:
    undecided (a live DEVELOPER account carries over)."""
    if pool.mfa is None or "EmailMfaConfiguration" not in pool.mfa:
        return
    if not pool.knows("EmailConfiguration"):
        return
    account = _dig(pool.settings, "EmailConfiguration", "EmailSendingAccount")
    if account == "DEVELOPER" or _unknown(account):
        return
    if isinstance(account, str):
        shown = account
    elif pool.merged and "EmailConfiguration" not in pool.settings:
        shown = "the pool has no EmailConfiguration: COGNITO_DEFAULT"
    else:
        shown = "not written (COGNITO_DEFAULT)"
    yield Problem(
        "email MFA needs settings.EmailConfiguration.EmailSendingAccount: DEVELOPER "
        f"(Amazon SES); Cognito refuses it with COGNITO_DEFAULT (here: {shown})",
        pool.at("mfa", "EmailMfaConfiguration"),
    )


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


def legacy_alias_conflict(pool: _Pool) -> Iterator[Problem]:
    """The legacy CreateUserPool members are accepted as aliases of their current twins
    (README, "The config format"): Cognito mirrors EmailVerificationMessage/Subject and
    SmsVerificationMessage with VerificationMessageTemplate (botocore: "no longer used"),
    and UnusedAccountValidityDays with TemporaryPasswordValidityDays (which it refuses
    beside: terraform-provider-aws user_pool.go). Both twins with different values
    cannot both hold: refused (Terraform declares them ConflictsWith)."""
    template = _mapping(pool.settings.get("VerificationMessageTemplate"))
    for legacy, member in LEGACY_MESSAGES.items():
        if legacy in pool.settings and member in template:
            yield from _twins_differ(
                pool, ("settings", legacy), pool.settings[legacy],
                ("settings", "VerificationMessageTemplate", member), template[member])
    admin = _mapping(pool.settings.get("AdminCreateUserConfig"))
    password = _mapping(_dig(pool.settings, "Policies", "PasswordPolicy"))
    if "UnusedAccountValidityDays" in admin and "TemporaryPasswordValidityDays" in password:
        yield from _twins_differ(
            pool, ("settings", "AdminCreateUserConfig", "UnusedAccountValidityDays"),
            admin["UnusedAccountValidityDays"],
            ("settings", "Policies", "PasswordPolicy", "TemporaryPasswordValidityDays"),
            password["TemporaryPasswordValidityDays"])


def _twins_differ(pool: _Pool, legacy: Path, old: Any, current: Path, new: Any
                  ) -> Iterator[Problem]:
    if old == new or _unknown(old) or _unknown(new):
        return
    yield Problem(
        f"is the legacy twin of {render_path(current)} and the two differ: Cognito keeps "
        "them equal, so write one of them (or the same value in both)",
        pool.at(*legacy),
    )


def attributes_require_verification_are_auto_verified(pool: _Pool) -> Iterator[Problem]:
    """UserAttributeUpdateSettings.AttributesRequireVerificationBeforeUpdate may name only
    attributes that Cognito verifies automatically, or CreateUserPool/UpdateUserPool fail
    with InvalidParameterException (AWS developer guide, "Verifying updates to email
    addresses and phone numbers", which botocore's UserAttributeUpdateSettingsType links).
    Offline, an unwritten AutoVerifiedAttributes is the live one: undecided."""
    names = _list(_dig(pool.settings, "UserAttributeUpdateSettings",
                       "AttributesRequireVerificationBeforeUpdate"))
    if not names or not pool.knows("AutoVerifiedAttributes"):
        return
    verified = set(_strings(pool.settings.get("AutoVerifiedAttributes")))
    for index, name in enumerate(names):
        if isinstance(name, str) and not _unknown(name) and name not in verified:
            yield Problem(
                f"{name} is not in AutoVerifiedAttributes: Cognito keeps the original "
                "value only of an attribute it verifies automatically; add it there",
                pool.at("settings", "UserAttributeUpdateSettings",
                        "AttributesRequireVerificationBeforeUpdate", index),
            )


def pre_token_generation_mismatch(pool: _Pool) -> Iterator[Problem]:
    """PreTokenGeneration and PreTokenGenerationConfig.LambdaArn must be the same
    function when both are set (botocore LambdaConfigType)."""
    lambdas = _mapping(pool.settings.get("LambdaConfig"))
    legacy = lambdas.get("PreTokenGeneration")
    current = _dig(lambdas, "PreTokenGenerationConfig", "LambdaArn")
    if not (isinstance(legacy, str) and isinstance(current, str)) or legacy == current:
        return
    if _unknown(legacy) or _unknown(current):
        return
    yield Problem(
        "must equal LambdaConfig.PreTokenGeneration when both are set (Cognito requires "
        "the same function in both)",
        pool.at("settings", "LambdaConfig", "PreTokenGenerationConfig", "LambdaArn"),
    )


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


# The rules that read several members, run again by the planner on the state after
# apply (``state_problems``).
STATE_RULES: tuple[_Rule, ...] = (
    username_and_alias_attributes,
    mfa_without_factor,
    factor_with_mfa_off,
    mfa_required_with_passwordless_sign_in,
    sms_mfa_without_sms_configuration,
    email_mfa_without_developer_email,
    tier_gated_features,
    attributes_require_verification_are_auto_verified,
)

RULES: tuple[_Rule, ...] = (
    required_custom_attribute,
    too_many_custom_attributes,
    custom_attribute_name_length,
    duplicate_attribute,
    attribute_constraints,
    developer_only_name,
    reserved_tag_keys,
    tag_key_characters,
    domain_rules,
    *STATE_RULES,
    legacy_alias_conflict,
    pre_token_generation_mismatch,
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
