"""The security rules of ``poolsync check``: one small named function per rule, each
registered with its stable id, origin, severity, rationale and fix (docs/check.md has
the table). Ids are never reused: a rule that goes away leaves its id unused.

Each ``evaluate(view, profile)`` reads one ``views.PoolView`` (every member present,
Cognito's default where unwritten or unreported) and yields a ``Failure`` per failing
value, at the path of the key that decides it. A value still holding an
``${env:...}`` reference is unknown offline: no rule decides on it.

Sources (security-and-limits of the Cognito docs, the scanners' public check pages):
AWS Security Hub CSPM controls for Amazon Cognito (Cognito.1, .3, .4, .5, .6) and the
AWS Config managed rules behind them; Prowler's ``cognito`` checks; the Amazon Cognito
Developer Guide pages "Security best practices for Amazon Cognito user pools" and
"Using Amazon Cognito user pools security features"; the botocore model's member
documentation; the OAuth 2.0 Security Best Current Practice (RFC 9700).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

from poolsync.check.model import Failure, Origin, Profile, Rule, Severity
from poolsync.check.views import POOL_WIDE, RISK_BLOCKS, RISK_KEY, PoolView
from poolsync.kinds.client import LOOPBACK_HOSTS, format_duration, parse_duration
from poolsync.model import MISSING, Path
from poolsync.normalize import get_path
from poolsync.schema import is_secret_field

# --------------------------------------------------------------------------- sources

_SH = "https://docs.aws.amazon.com/securityhub/latest/userguide/cognito-controls.html"
_BEST = ("https://docs.aws.amazon.com/cognito/latest/developerguide/"
         "user-pool-security-best-practices.html")
_FEATURES = "https://docs.aws.amazon.com/cognito/latest/developerguide/managing-security.html"
_CLIENT_API = ("https://docs.aws.amazon.com/cognito-user-identity-pools/latest/"
               "APIReference/API_CreateUserPoolClient.html")
_RISK_API = ("https://docs.aws.amazon.com/cognito-user-identity-pools/latest/"
             "APIReference/API_SetRiskConfiguration.html")


def _hub(number: int, config_rule: str) -> tuple[Origin, ...]:
    return (Origin(f"Security Hub Cognito.{number}", f"{_SH}#cognito-{number}"),
            Origin(f"AWS Config {config_rule}",
                   f"https://docs.aws.amazon.com/config/latest/developerguide/"
                   f"{config_rule}.html"))


def _prowler(check: str, url: str) -> Origin:
    """A Prowler check, by its name; ``url`` is the AWS page the check reads about
    (Prowler's own pages are not pinned here)."""
    return Origin(f"Prowler {check}", url)


POLICY = Origin("poolsync policy", _BEST)

# --------------------------------------------------------------------------- helpers


def _unknown(value: Any) -> bool:
    """An ``${env:...}`` value (unknown offline) or no value at all."""
    return value is MISSING or (isinstance(value, str) and "${" in value)


_MODE_PATH: Path = ("settings", "UserPoolAddOns", "AdvancedSecurityMode")


def _mode(view: PoolView) -> Any:
    return view.value(_MODE_PATH)


# --------------------------------------------------------------------------- rules


def threat_protection_enforced(view: PoolView, profile: Profile) -> Iterator[Failure]:
    """Security Hub Cognito.1 (parameter SecurityMode, default ENFORCED) and Prowler
    ``cognito_user_pool_advanced_security_enabled``: threat protection for standard
    authentication in full-function mode. AUDIT only logs risky sign-ins."""
    mode = _mode(view)
    if _unknown(mode) or mode == "ENFORCED":
        return
    what = ("only audits (AUDIT): risky sign-ins are logged, not stopped" if mode == "AUDIT"
            else f"is {mode}")
    yield Failure(_MODE_PATH, f"threat protection {what}; set ENFORCED (needs "
                  "UserPoolTier PLUS)", mode)


def custom_auth_threat_protection(view: PoolView, profile: Profile) -> Iterator[Failure]:
    """Security Hub Cognito.4 (AWS Config cognito-userpool-cust-auth-threat-full-check):
    threat protection in full-function mode for custom authentication
    (``UserPoolAddOns.AdvancedSecurityAdditionalFlows.CustomAuthMode``, botocore). The
    baseline asks it of pools that use custom authentication (a DefineAuthChallenge
    trigger); strict of every pool, as the control evaluates every pool."""
    trigger = view.value(("settings", "LambdaConfig", "DefineAuthChallenge"))
    if not profile.custom_auth_always and (trigger is MISSING or not trigger):
        return
    path = ("settings", "UserPoolAddOns", "AdvancedSecurityAdditionalFlows", "CustomAuthMode")
    mode = view.value(path)
    if mode == "ENFORCED" or (mode is not MISSING and _unknown(mode)):
        return
    shown = "not set" if mode is MISSING else mode
    yield Failure(path, f"threat protection for custom authentication is {shown}; set "
                  "ENFORCED", mode)


_POLICY_PATH: Path = ("settings", "Policies", "PasswordPolicy")


def password_minimum_length(view: PoolView, profile: Profile) -> Iterator[Failure]:
    """Security Hub Cognito.3 (parameter minLength, default 8); strict: Prowler
    ``cognito_user_pool_password_policy_minimum_length_14``."""
    path = (*_POLICY_PATH, "MinimumLength")
    length = view.value(path)
    if isinstance(length, int) and length < profile.password_min_length:
        yield Failure(path, f"passwords may be {length} characters long; require at "
                      f"least {profile.password_min_length}", length)


_CLASSES = (("RequireLowercase", "a lower-case letter"), ("RequireUppercase",
            "an upper-case letter"), ("RequireNumbers", "a number"),
            ("RequireSymbols", "a symbol"))


def password_character_classes(view: PoolView, profile: Profile) -> Iterator[Failure]:
    """Security Hub Cognito.3 (the four require* parameters, default true) and Prowler
    ``cognito_user_pool_password_policy_lowercase``, ``_uppercase``, ``_number``,
    ``_symbol``."""
    for member, what in _CLASSES:
        path = (*_POLICY_PATH, member)
        if view.value(path) is False:
            yield Failure(path, f"passwords need not contain {what}; set {member}: true",
                          False)


def temporary_password_validity(view: PoolView, profile: Profile) -> Iterator[Failure]:
    """Security Hub Cognito.3 (parameter temporaryPasswordValidity, default 7: at most 7
    days) and Prowler ``cognito_user_pool_temporary_password_expiration``."""
    path = (*_POLICY_PATH, "TemporaryPasswordValidityDays")
    days = view.value(path)
    if isinstance(days, int) and days > 7:
        yield Failure(path, f"a temporary password stays valid for {days} days; at most "
                      "7", days)


def mfa_enabled(view: PoolView, profile: Profile) -> Iterator[Failure]:
    """Security Hub Cognito.5 (AWS Config cognito-user-pool-mfa-enabled): MFA on for a
    pool whose sign-in is password-only (passwordless factors are out of its scope).
    The control asks for MFA "enabled" and does not say whether OPTIONAL passes;
    Prowler ``cognito_user_pool_mfa_enabled`` requires ON. ``Profile.mfa_on_required``
    (``--mfa-optional fail``) takes Prowler's reading."""
    factors = view.value(("settings", "Policies", "SignInPolicy", "AllowedFirstAuthFactors"))
    if isinstance(factors, list) and any(f != "PASSWORD" for f in factors):
        return
    path = ("mfa", "MfaConfiguration")
    mode = view.value(path)
    if _unknown(mode):
        return
    if mode == "OFF":
        yield Failure(path, "MFA is OFF: a password alone signs a user in; set ON (or "
                      "OPTIONAL) with a factor", mode)
    elif mode == "OPTIONAL" and profile.mfa_on_required:
        yield Failure(path, "MFA is OPTIONAL: users who do not enrol sign in with a "
                      "password alone; set ON (--mfa-optional pass takes Security Hub's "
                      "reading)", mode)


def deletion_protection(view: PoolView, profile: Profile) -> Iterator[Failure]:
    """Security Hub Cognito.6 and Prowler
    ``cognito_user_pool_deletion_protection_enabled``: DeletionProtection ACTIVE. The
    API leaves it INACTIVE unless asked (the console turns it on); one DeleteUserPool
    loses every user."""
    path = ("settings", "DeletionProtection")
    value = view.value(path)
    if not _unknown(value) and value != "ACTIVE":
        yield Failure(path, f"deletion protection is {value}: one DeleteUserPool loses "
                      "every user; set ACTIVE", value)


def user_existence_errors(view: PoolView, profile: Profile) -> Iterator[Failure]:
    """Prowler ``cognito_user_pool_client_prevent_user_existence_errors``; the AWS
    security best practices list "prevention of user-existence errors". The API's
    default is LEGACY (botocore PreventUserExistenceErrors), which answers
    UserNotFoundException and so tells which users exist."""
    for name, client in view.client_items():
        value = client.get("PreventUserExistenceErrors", MISSING)
        if not _unknown(value) and value != "ENABLED":
            yield Failure(("clients", name, "PreventUserExistenceErrors"),
                          f"app client {name!r} reveals which users exist ({value}); set "
                          "ENABLED", value)


def token_revocation(view: PoolView, profile: Profile) -> Iterator[Failure]:
    """Prowler ``cognito_user_pool_client_token_revocation_enabled``: a refresh token
    that cannot be revoked stays usable after sign-out until it expires (on by default
    for a new client: botocore EnableTokenRevocation)."""
    for name, client in view.client_items():
        if client.get("EnableTokenRevocation") is False:
            yield Failure(("clients", name, "EnableTokenRevocation"),
                          f"app client {name!r} cannot revoke its tokens; set "
                          "EnableTokenRevocation: true", False)


def _threat_protection_off(view: PoolView, what: str) -> Iterator[Failure]:
    mode = _mode(view)
    if not _unknown(mode) and mode != "ENFORCED":
        yield Failure(_MODE_PATH, f"{what}: threat protection is {mode}, not ENFORCED",
                      mode)


def _risk_entries(view: PoolView) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """The configurations that decide how sign-ins are treated: the pool-wide one
    (``ALL``, empty when there is none), then each client's own
    (``client_replaces_pool_configuration``); an entry with no block is no
    configuration of its own (the client inherits the pool's)."""
    risk = view.risk or {}
    yield POOL_WIDE, risk.get(POOL_WIDE, {})
    for key in sorted(k for k in risk if k != POOL_WIDE):
        if client_replaces_pool_configuration(risk[key]):
            yield key, risk[key]


def client_replaces_pool_configuration(blocks: Mapping[str, Any]) -> bool:
    """Whether a client's entry is a configuration of its own, which then applies to
    the client whole, instead of the pool-wide one: "When you include both ClientId and
    UserPoolId, Amazon Cognito maps the configuration to the app client only"
    (botocore SetRiskConfigurationRequest.ClientId; the API reference's earlier
    wording: "the user pool configuration is overridden and the risk configuration for
    the client is used instead"), and the pool-wide one "applies to all user pool app
    clients that don't have client-level settings" (botocore
    RiskConfigurationType.ClientId). So a block the client's own configuration leaves
    out is not taken from ``ALL``: the client has none. An entry with no block at all
    is the ids-only request, which resets the client "to be inherited from the user
    pool" (botocore SetRiskConfiguration)."""
    return any(isinstance(blocks.get(b), Mapping) for b in RISK_BLOCKS)


def _whose(key: str) -> str:
    """What a missing block's message begins with: nothing for the pool-wide
    configuration; for a client's own, that it replaces the pool-wide one."""
    if key == POOL_WIDE:
        return ""
    return (f"app client {key!r} has its own risk configuration, which replaces the "
            "pool-wide one, with ")


def compromised_credentials_blocked(view: PoolView, profile: Profile) -> Iterator[Failure]:
    """Prowler ``cognito_user_pool_blocks_compromised_credentials_sign_in_attempts``:
    threat protection ENFORCED, and the compromised-credentials configuration blocks
    sign-in (EventFilter has SIGN_IN, Actions.EventAction BLOCK), in the pool-wide
    configuration and in each client's own, which replaces it for that client whole
    (``client_replaces_pool_configuration``: a client configuration without the block
    has none)."""
    off = list(_threat_protection_off(view, "sign-ins with leaked passwords are not "
                                            "blocked"))
    if off or view.risk is None:
        yield from off
        return
    block_name = "CompromisedCredentialsRiskConfiguration"
    for key, blocks in _risk_entries(view):
        block = blocks.get(block_name)
        path: Path = (RISK_KEY, key, block_name)
        action = get_path(block or {}, ("Actions", "EventAction"))
        events = get_path(block or {}, ("EventFilter",))
        if action is not MISSING and _unknown(action):
            continue
        if block is None:
            yield Failure(path, f"{_whose(key)}no compromised-credentials configuration: "
                          "sign-ins with leaked passwords are not blocked")
        elif _unknown(action) or action != "BLOCK":
            yield Failure((*path, "Actions", "EventAction"), f"compromised credentials "
                          f"({key}) are {action if action is not MISSING else 'not set'}, "
                          "not BLOCK", action)
        elif isinstance(events, list) and "SIGN_IN" not in events:
            yield Failure((*path, "EventFilter"), f"compromised credentials ({key}) are "
                          "not checked at sign-in (EventFilter has no SIGN_IN)")


_LEVELS = ("HighAction", "MediumAction", "LowAction")


def account_takeover_actions(view: PoolView, profile: Profile) -> Iterator[Failure]:
    """Prowler ``cognito_user_pool_blocks_potential_malicious_sign_in_attempts``:
    threat protection ENFORCED and every account-takeover risk level BLOCK (strict). The
    baseline asks it of the high-risk level, and takes MFA_REQUIRED there as well
    (botocore AccountTakeoverActionType: a challenge the attacker cannot answer). In the
    pool-wide configuration and in each client's own, which replaces it for that client
    (``client_replaces_pool_configuration``)."""
    off = list(_threat_protection_off(view, "risky sign-ins are not stopped"))
    if off or view.risk is None:
        yield from off
        return
    block_name = "AccountTakeoverRiskConfiguration"
    for key, blocks in _risk_entries(view):
        block = blocks.get(block_name)
        path: Path = (RISK_KEY, key, block_name)
        if block is None:
            yield Failure(path, f"{_whose(key)}no account-takeover configuration: risky "
                          "sign-ins are allowed")
            continue
        levels = _LEVELS if profile.takeover_block_all else _LEVELS[:1]
        allowed = {"BLOCK"} if profile.takeover_block_all else {"BLOCK", "MFA_REQUIRED"}
        for level in levels:
            action = get_path(block, ("Actions", level, "EventAction"))
            if _unknown(action) and action is not MISSING:
                continue
            if action not in allowed:
                shown = "not set" if action is MISSING else action
                yield Failure((*path, "Actions", level, "EventAction"),
                              f"{level} ({key}) is {shown}, not "
                              f"{' or '.join(sorted(allowed))}", action)


def self_registration(view: PoolView, profile: Profile) -> Iterator[Failure]:
    """Prowler ``cognito_user_pool_self_registration_disabled`` (strict: any self
    sign-up); the AWS security best practices warn that public sign-up with SMS
    verification invites SMS abuse and cost (baseline: self sign-up where phone numbers
    are verified by SMS)."""
    path = ("settings", "AdminCreateUserConfig", "AllowAdminCreateUserOnly")
    if view.value(path) is not False:
        return
    verified = view.value(("settings", "AutoVerifiedAttributes"))
    sms = isinstance(verified, list) and "phone_number" in verified
    if sms:
        yield Failure(path, "anyone can sign up, and each sign-up sends an SMS (phone "
                      "numbers are auto-verified): set AllowAdminCreateUserOnly: true, or "
                      "guard sign-up (WAF, a pre sign-up trigger)", False)
    elif profile.self_registration_always:
        yield Failure(path, "anyone can sign up; set AllowAdminCreateUserOnly: true if "
                      "only administrators should create users", False)


_LIFETIMES = (("AccessTokenValidity", "access tokens", "max_access_minutes"),
              ("IdTokenValidity", "ID tokens", "max_id_minutes"),
              ("RefreshTokenValidity", "refresh tokens", "max_refresh_minutes"))
_MINUTES = {"seconds": 1 / 60, "minutes": 1, "hours": 60, "days": 24 * 60}


def _minutes(duration: Any) -> float | None:
    """A duration as the view holds it (``"1h"``: ``kinds.client.format_duration``)."""
    if not isinstance(duration, str) or not re.fullmatch(r"\d+[smhd]", duration):
        return None
    number, unit = parse_duration(duration)
    return number * _MINUTES[unit]


def token_lifetimes(view: PoolView, profile: Profile) -> Iterator[Failure]:
    """A poolsync policy (no scanner checks token lifetimes): tokens no longer-lived
    than the profile allows (baseline: Cognito's defaults, 1 hour and 30 days; strict:
    1 hour and 7 days). A stolen token is usable until it expires."""
    for name, client in view.client_items():
        for member, what, limit_name in _LIFETIMES:
            minutes = _minutes(client.get(member))
            limit = getattr(profile, limit_name)
            if minutes is not None and minutes > limit:
                yield Failure(("clients", name, member),
                              f"app client {name!r}: {what} last {client[member]} (policy: "
                              f"at most {format_duration(limit)})", client[member])


def _plain_http(url: str, loopback_fails: bool) -> str:
    """Why ``url`` is not a safe redirect, or ""."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return ""
    if parts.scheme.lower() != "http":
        return ""
    shown = f"[{host}]" if host and ":" in host else host
    if shown in LOOPBACK_HOSTS:
        return ("plain http to the local machine, which AWS allows for testing only"
                if loopback_fails else "")
    return "plain http: the code or tokens travel unencrypted"


def redirect_urls_https(view: PoolView, profile: Profile) -> Iterator[Failure]:
    """Callback and logout URLs on HTTPS: "Amazon Cognito requires HTTPS over HTTP
    except for callback URLs to http://localhost, http://127.0.0.1 and http://[::1].
    These callback URLs are for testing purposes only" (botocore CallbackURLs). Strict
    also fails the loopback ones (a production pool should not send codes to whatever
    listens on the user's machine). App schemes (myapp://) pass."""
    for name, client in view.client_items():
        for member in ("CallbackURLs", "LogoutURLs"):
            urls = client.get(member)
            for index, url in enumerate(urls if isinstance(urls, list) else []):
                if not isinstance(url, str) or _unknown(url):
                    continue
                why = _plain_http(url, profile.loopback_redirects_fail)
                if why:
                    yield Failure(("clients", name, member, index),
                                  f"app client {name!r}: a {member[:-4].lower()} URL uses {why}",
                                  url)


def implicit_flow(view: PoolView, profile: Profile) -> Iterator[Failure]:
    """The implicit grant returns tokens in the redirect URL, where browser history,
    logs and referrers can leak them, with no sender binding; the OAuth 2.0 Security
    Best Current Practice (RFC 9700, section 2.1.2) says clients should not use it. Use
    the code flow (with PKCE for public clients)."""
    for name, client in view.client_items():
        flows = client.get("AllowedOAuthFlows")
        if isinstance(flows, list) and "implicit" in flows:
            yield Failure(("clients", name, "AllowedOAuthFlows"),
                          f"app client {name!r} allows the implicit flow; use code",
                          "implicit")


_REFERENCE = re.compile(r"\$\{env:[A-Za-z_][A-Za-z0-9_]*\}")


def _secrets_written(value: Any, path: Path) -> Iterator[Path]:
    """The paths of secret fields (``schema.is_secret_field``) holding text other than
    ``${env:...}`` references."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from _secrets_written(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _secrets_written(item, (*path, index))
    elif (isinstance(value, str) and is_secret_field(("pools", "_", *path))
          and _REFERENCE.sub("", value).strip()):
        yield path


def secrets_in_file(view: PoolView, profile: Profile) -> Iterator[Failure]:
    """A poolsync policy after the AWS security best practices ("protection of app and
    user secrets"): a client secret, an identity provider's client_secret or Apple's
    private_key written in the file is in the repository's history for good; take it
    from the environment (``${env:NAME}``). The value is never shown."""
    if view.written is None:
        return
    for path in _secrets_written(view.written, ()):
        yield Failure(path, "a secret is written in the file: take it from the "
                      "environment (${env:NAME}) and rotate it")


# --------------------------------------------------------------------------- the table


def _fix(text: str) -> str:
    return text.strip("\n") + "\n"


RULES: tuple[Rule, ...] = (
    Rule("PS-COG-001", "threat-protection-enforced",
         "Threat protection is on, in full-function (ENFORCED) mode", Severity.MEDIUM,
         (*_hub(1, "cognito-user-pool-advanced-security-enabled"),
          _prowler("cognito_user_pool_advanced_security_enabled", _FEATURES)),
         "Without threat protection, sign-ins with leaked passwords and risky sign-ins "
         "go unchallenged; AUDIT only logs them.",
         _fix("""
settings:
  UserPoolTier: PLUS
  UserPoolAddOns: {AdvancedSecurityMode: ENFORCED}
"""), threat_protection_enforced),
    Rule("PS-COG-002", "custom-auth-threat-protection",
         "Threat protection covers custom authentication (ENFORCED)", Severity.MEDIUM,
         _hub(4, "cognito-userpool-cust-auth-threat-full-check"),
         "Custom authentication challenges (Lambda triggers) are outside standard "
         "threat protection unless CustomAuthMode is ENFORCED.",
         _fix("""
settings:
  UserPoolAddOns:
    AdvancedSecurityMode: ENFORCED
    AdvancedSecurityAdditionalFlows: {CustomAuthMode: ENFORCED}
"""), custom_auth_threat_protection),
    Rule("PS-COG-003", "password-minimum-length",
         "Passwords have a minimum length (8; strict: 14)", Severity.MEDIUM,
         (*_hub(3, "cognito-user-pool-password-policy-check"),
          _prowler("cognito_user_pool_password_policy_minimum_length_14", _BEST)),
         "Short passwords fall to guessing and credential stuffing.",
         _fix("""
settings:
  Policies:
    PasswordPolicy: {MinimumLength: 14}
"""), password_minimum_length),
    Rule("PS-COG-004", "password-character-classes",
         "Passwords need lower and upper case letters, numbers and symbols",
         Severity.MEDIUM,
         (*_hub(3, "cognito-user-pool-password-policy-check"),
          _prowler("cognito_user_pool_password_policy_lowercase", _BEST),
          _prowler("cognito_user_pool_password_policy_uppercase", _BEST),
          _prowler("cognito_user_pool_password_policy_number", _BEST),
          _prowler("cognito_user_pool_password_policy_symbol", _BEST)),
         "Security Hub's password-policy control requires all four character classes.",
         _fix("""
settings:
  Policies:
    PasswordPolicy: {RequireLowercase: true, RequireUppercase: true,
                     RequireNumbers: true, RequireSymbols: true}
"""), password_character_classes),
    Rule("PS-COG-005", "temporary-password-validity",
         "Temporary passwords expire within 7 days", Severity.MEDIUM,
         (*_hub(3, "cognito-user-pool-password-policy-check"),
          _prowler("cognito_user_pool_temporary_password_expiration", _BEST)),
         "An unused temporary password is a standing credential for whoever reads the "
         "invitation.",
         _fix("""
settings:
  Policies:
    PasswordPolicy: {TemporaryPasswordValidityDays: 7}
"""), temporary_password_validity),
    Rule("PS-COG-006", "mfa-enabled",
         "MFA is on for password sign-in (strict or --mfa-optional fail: ON)",
         Severity.HIGH,
         (*_hub(5, "cognito-user-pool-mfa-enabled"),
          _prowler("cognito_user_pool_mfa_enabled", _FEATURES)),
         "A password alone is one phishing page or one leaked database away from an "
         "account takeover.",
         _fix("""
mfa:
  MfaConfiguration: "ON"
  SoftwareTokenMfaConfiguration: {Enabled: true}
"""), mfa_enabled),
    Rule("PS-COG-007", "deletion-protection",
         "Deletion protection is ACTIVE", Severity.HIGH,
         (*_hub(6, "cognito-user-pool-deletion-protection-enabled"),
          _prowler("cognito_user_pool_deletion_protection_enabled", _BEST)),
         "Deleting a pool loses every user and password for good; the API does not "
         "protect a pool unless asked.",
         _fix("""
settings:
  DeletionProtection: ACTIVE
"""), deletion_protection),
    Rule("PS-COG-008", "prevent-user-existence-errors",
         "App clients do not reveal which users exist", Severity.MEDIUM,
         (_prowler("cognito_user_pool_client_prevent_user_existence_errors", _CLIENT_API),
          Origin("AWS Cognito security best practices", _BEST)),
         "LEGACY answers UserNotFoundException, so sign-in and password reset tell an "
         "attacker which usernames exist.",
         _fix("""
clients:
  CLIENT:
    PreventUserExistenceErrors: ENABLED
"""), user_existence_errors),
    Rule("PS-COG-009", "token-revocation",
         "App clients can revoke their tokens", Severity.MEDIUM,
         (_prowler("cognito_user_pool_client_token_revocation_enabled", _CLIENT_API),),
         "Without revocation a refresh token stays usable after sign-out until it "
         "expires.",
         _fix("""
clients:
  CLIENT:
    EnableTokenRevocation: true
"""), token_revocation),
    Rule("PS-COG-010", "compromised-credentials-blocked",
         "Sign-ins with compromised credentials are blocked", Severity.MEDIUM,
         (_prowler("cognito_user_pool_blocks_compromised_credentials_sign_in_attempts",
                   _RISK_API),),
         "A password found in a breach should not sign anyone in.",
         _fix("""
settings:
  UserPoolTier: PLUS
  UserPoolAddOns: {AdvancedSecurityMode: ENFORCED}
risk_configuration:
  ALL:
    CompromisedCredentialsRiskConfiguration:
      EventFilter: [SIGN_IN, PASSWORD_CHANGE, SIGN_UP]
      Actions: {EventAction: BLOCK}
"""), compromised_credentials_blocked),
    Rule("PS-COG-011", "account-takeover-actions",
         "Risky sign-ins are blocked (baseline: high risk; strict: every level)",
         Severity.MEDIUM,
         (_prowler("cognito_user_pool_blocks_potential_malicious_sign_in_attempts",
                   _RISK_API),),
         "Threat protection only scores sign-ins; the actions decide whether a risky "
         "one gets in.",
         _fix("""
risk_configuration:
  ALL:
    AccountTakeoverRiskConfiguration:
      Actions:
        HighAction: {EventAction: BLOCK, Notify: true}
        MediumAction: {EventAction: BLOCK, Notify: true}
        LowAction: {EventAction: BLOCK, Notify: false}
"""), account_takeover_actions),
    Rule("PS-COG-012", "self-registration",
         "Self sign-up is off, or does not send SMS (strict: off)", Severity.LOW,
         (_prowler("cognito_user_pool_self_registration_disabled", _FEATURES),
          Origin("AWS Cognito security best practices", _BEST)),
         "Public sign-up lets anyone create users; with SMS verification each sign-up "
         "costs money and can be abused for SMS pumping.",
         _fix("""
settings:
  AdminCreateUserConfig: {AllowAdminCreateUserOnly: true}
"""), self_registration),
    Rule("PS-COG-013", "token-lifetimes",
         "Tokens are short-lived (a poolsync policy)", Severity.LOW, (POLICY,),
         "A stolen token works until it expires; Security Hub and Prowler do not check "
         "lifetimes, so the limits are poolsync's (baseline: Cognito's defaults).",
         _fix("""
clients:
  CLIENT:
    AccessTokenValidity: 60
    IdTokenValidity: 60
    RefreshTokenValidity: 7
    TokenValidityUnits: {AccessToken: minutes, IdToken: minutes, RefreshToken: days}
"""), token_lifetimes, policy=True),
    Rule("PS-COG-014", "redirect-urls-https",
         "Callback and logout URLs use HTTPS (strict: no localhost)", Severity.MEDIUM,
         (Origin("AWS CreateUserPoolClient CallbackURLs", _CLIENT_API),),
         "Codes and tokens sent to a plain-http URL can be read on the way; localhost "
         "redirects are for testing only.",
         _fix("""
clients:
  CLIENT:
    CallbackURLs: [https://app.example.com/callback]
"""), redirect_urls_https),
    Rule("PS-COG-015", "no-implicit-flow",
         "App clients do not use the implicit flow", Severity.MEDIUM,
         (Origin("OAuth 2.0 Security BCP (RFC 9700) 2.1.2",
                 "https://www.rfc-editor.org/rfc/rfc9700#section-2.1.2"),
          Origin("AWS CreateUserPoolClient AllowedOAuthFlows", _CLIENT_API)),
         "The implicit flow puts tokens in the redirect URL, where history, logs and "
         "referrers leak them.",
         _fix("""
clients:
  CLIENT:
    AllowedOAuthFlows: [code]
"""), implicit_flow),
    Rule("PS-COG-016", "no-secrets-in-file",
         "Secrets come from the environment, not the file (a poolsync policy)",
         Severity.CRITICAL, (POLICY, Origin("AWS Cognito security best practices", _BEST)),
         "A secret written in the file is in the repository's history for good, for "
         "everyone who can read it.",
         _fix("""
identity_providers:
  Google:
    ProviderDetails:
      client_secret: ${env:GOOGLE_CLIENT_SECRET}
"""), secrets_in_file, policy=True, files_only=True),
)

# Not evaluated on a pool: the suppression checks (``suppress.py``) report it.
EXPIRED_SUPPRESSION = Rule(
    "PS-CHK-001", "suppression-expired",
    "A check.disable entry has expired", Severity.HIGH, (POLICY,),
    "A suppression is a decision with a date to look at it again; after it, the rule "
    "applies again and the entry must be renewed or removed.",
    _fix("""
check:
  disable:
    - {rule: PS-COG-012, reason: "why the risk is accepted", expires: 2031-12-31}
"""), policy=True)

ALL_RULES: tuple[Rule, ...] = (*RULES, EXPIRED_SUPPRESSION)
RULE_IDS: tuple[str, ...] = tuple(r.id for r in RULES)  # what check.disable may name


def rule_by_id(rule_id: str) -> Rule | None:
    return next((r for r in ALL_RULES if r.id == rule_id), None)


BASELINE = Profile(
    name="baseline", mfa_on_required=False, password_min_length=8,
    custom_auth_always=False, takeover_block_all=False, self_registration_always=False,
    loopback_redirects_fail=False, max_access_minutes=60, max_id_minutes=60,
    max_refresh_minutes=30 * 24 * 60)
STRICT = Profile(
    name="strict", mfa_on_required=True, password_min_length=14,
    custom_auth_always=True, takeover_block_all=True, self_registration_always=True,
    loopback_redirects_fail=True, max_access_minutes=60, max_id_minutes=60,
    max_refresh_minutes=7 * 24 * 60)
PROFILES = {p.name: p for p in (BASELINE, STRICT)}
