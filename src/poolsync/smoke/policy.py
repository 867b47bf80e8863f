"""What the smoke test reads from a pool before it touches it: whether it may run at all
(``refusal``), which client and sign-in flow it uses, how it creates the throwaway user
and with which name, password and attributes. Pure: no AWS, no clock but what is passed.

Each Cognito rule is a small function whose docstring names its public source.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from poolsync.kinds.client import LEGACY_AUTH_FLOWS

# The throwaway user's name starts with this, so a person reading the pool's users (or
# a CloudTrail event) knows what made it; the rest is 96 random bits.
USERNAME_PREFIX: Final = "poolsync-smoke-"

# Sign-in flows the smoke test can complete, most preferred first, with the
# ExplicitAuthFlows values that allow each (botocore CreateUserPoolClientRequest
# .ExplicitAuthFlows; the legacy values through kinds.client.LEGACY_AUTH_FLOWS). SRP
# first: the password never leaves the runner ("Authentication flows", Cognito
# developer guide, https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-authentication-flow-methods.html).
FLOWS: Final[tuple[tuple[str, str], ...]] = (
    ("USER_SRP_AUTH", "ALLOW_USER_SRP_AUTH"),
    ("USER_PASSWORD_AUTH", "ALLOW_USER_PASSWORD_AUTH"),
    ("ADMIN_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH"),
)
# botocore ExplicitAuthFlows: "If you don't specify a value for ExplicitAuthFlows, your
# app client supports ALLOW_REFRESH_TOKEN_AUTH, ALLOW_USER_SRP_AUTH, and
# ALLOW_CUSTOM_AUTH."
DEFAULT_AUTH_FLOWS: Final = ("ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH",
                             "ALLOW_CUSTOM_AUTH")

# The characters Cognito counts as special in a password (Cognito developer guide,
# "Adding user pool password requirements",
# https://docs.aws.amazon.com/cognito/latest/developerguide/managing-users-passwords.html),
# without quotes, backslash and space, which a shell or a log would show escaped.
SYMBOLS: Final = "^$*.[]{}()?!@#%&/,><:;|_~=+-"
# Longer than any default and within Cognito's limits (PasswordPolicyType.MinimumLength
# is at most 99; PasswordType at most 256 characters, botocore).
PASSWORD_LENGTH: Final = 32

# Amazon SES's mailbox simulator accepts mail for this address (and +labels of it),
# discards it, and keeps it out of the sender's bounce and complaint rates ("Using the
# mailbox simulator", Amazon SES developer guide,
# https://docs.aws.amazon.com/ses/latest/dg/send-an-email-from-console.html#send-email-simulator).
# A code Cognito sends on SignUp to the throwaway user goes nowhere and harms no sender.
SIMULATOR_DOMAIN: Final = "simulator.amazonses.com"
# North American numbers 555-0100 to 555-0199 of any area code are reserved for fiction
# (NANPA, "555 NXX line numbers"): +1 206 555 01XX. The smoke test never makes Cognito
# send to one (AdminCreateUser with MessageAction SUPPRESS, see creation).
FICTIONAL_PHONE: Final = "+120655501"

# Values for standard attributes a pool may require (botocore SchemaAttributeType; the
# OpenID Connect standard claims, https://openid.net/specs/openid-connect-core-1_0.html#StandardClaims,
# give their formats: birthdate YYYY-MM-DD, zoneinfo a tz name, locale a BCP47 tag).
_PLACEHOLDERS: Final[Mapping[str, str]] = {
    "name": "poolsync smoke test",
    "given_name": "poolsync",
    "family_name": "smoke",
    "middle_name": "smoke",
    "nickname": "poolsync-smoke",
    "gender": "unspecified",
    "birthdate": "2000-01-01",
    "zoneinfo": "Etc/UTC",
    "locale": "en-US",
    "address": "poolsync smoke test",
    "picture": "https://example.com/poolsync-smoke.png",
    "profile": "https://example.com/poolsync-smoke",
    "website": "https://example.com/poolsync-smoke",
}


class Unusable(Exception):
    """The pool or client cannot be smoke-tested as it is (a step fails with this)."""


# --------------------------------------------------------------------------- refusal


def mfa_mode(mfa: Mapping[str, Any]) -> str:
    return str(mfa.get("MfaConfiguration") or "OFF")


def totp_enabled(mfa: Mapping[str, Any]) -> bool:
    return bool((mfa.get("SoftwareTokenMfaConfiguration") or {}).get("Enabled"))


def refusal(name: str, pool: Mapping[str, Any], mfa: Mapping[str, Any]) -> str | None:
    """Why the smoke test must not run on this pool, or None. It refuses what would make
    Cognito send the throwaway user a code by SMS or email, which it cannot read:

    - MFA required (``ON``) without an authenticator app: every sign-in needs an SMS or
      email code ("Adding MFA to a user pool", https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-mfa.html).
    - MFA required with SMS too, when the throwaway user must have a phone number (a
      required attribute or the sign-in name): Cognito may then choose SMS for it.
    """
    mode = mfa_mode(mfa)
    if mode != "ON":
        return None
    others = [label for key, label in (("SmsMfaConfiguration", "SMS"),
                                       ("EmailMfaConfiguration", "email"))
              if mfa.get(key)]
    if not totp_enabled(mfa):
        return (f"pool {name}: MFA is required with {' and '.join(others) or 'no factor'} "
                "only, so every sign-in needs a code sent by SMS or email, which poolsync "
                "cannot read; enable the authenticator app (SoftwareTokenMfaConfiguration) "
                "or smoke-test another pool")
    if "SMS" in others and "phone_number" in needed_attributes(pool):
        return (f"pool {name}: MFA is required with SMS, and the throwaway user must have "
                "a phone number (a required attribute or the sign-in name): Cognito could "
                "send it an SMS code poolsync cannot read")
    return None


# --------------------------------------------------------------------------- the client


def allowed_flows(client: Mapping[str, Any]) -> list[str]:
    """The sign-in flows of FLOWS the client allows, most preferred first: its
    ExplicitAuthFlows (Cognito's default set when it names none), a legacy value read as
    the ALLOW_ value that replaces it."""
    flows = {LEGACY_AUTH_FLOWS.get(f, f) for f in client.get("ExplicitAuthFlows") or []}
    flows = flows or set(DEFAULT_AUTH_FLOWS)
    return [flow for flow, allow in FLOWS if allow in flows]


@dataclass(frozen=True)
class Choice:
    client: Mapping[str, Any]
    flow: str

    @property
    def name(self) -> str:
        return str(self.client.get("ClientName", ""))

    @property
    def client_id(self) -> str:
        return str(self.client["ClientId"])

    @property
    def secret(self) -> str | None:
        """DescribeUserPoolClient's ``ClientSecret``: a confidential client's requests
        carry a SECRET_HASH made with it (``secret_hash``)."""
        value = self.client.get("ClientSecret")
        return str(value) if value else None


def choose_client(clients: Sequence[Mapping[str, Any]], wanted: str | None) -> Choice:
    """The client to sign in with: ``wanted`` by name, else the first of ``clients``
    (the file's in its order, then the others) whose flows allow a sign-in the smoke
    test can complete. Unusable, with what each client allows, when there is none."""
    if wanted is not None:
        named = [c for c in clients if c.get("ClientName") == wanted]
        if not named:
            have = ", ".join(sorted(str(c.get("ClientName")) for c in clients)) or "none"
            raise Unusable(f"the pool has no app client named {wanted} (it has: {have})")
        if len(named) > 1:
            raise Unusable(f"the pool has {len(named)} app clients named {wanted}: "
                           "rename or delete one")
        flows = allowed_flows(named[0])
        if not flows:
            raise Unusable(_no_flow(named[0]))
        return Choice(named[0], flows[0])
    for client in clients:
        flows = allowed_flows(client)
        if flows:
            return Choice(client, flows[0])
    if not clients:
        raise Unusable("the pool has no app client to sign in with: add one to the file "
                       "(clients:) with ExplicitAuthFlows ALLOW_USER_SRP_AUTH")
    raise Unusable("no app client allows a sign-in poolsync can complete: "
                   + "; ".join(_no_flow(c) for c in clients))


def _no_flow(client: Mapping[str, Any]) -> str:
    flows = client.get("ExplicitAuthFlows") or list(DEFAULT_AUTH_FLOWS)
    wanted = ", ".join(allow for _, allow in FLOWS)
    return (f"client {client.get('ClientName')} allows {', '.join(flows)}, none of "
            f"{wanted} (ExplicitAuthFlows): no user can sign in with a password through it")


def secret_hash(secret: str, username: str, client_id: str) -> str:
    """Base64 of HMAC-SHA256 over the user name and client id, keyed with the client's
    secret ("Computing secret hash values", Cognito developer guide,
    https://docs.aws.amazon.com/cognito/latest/developerguide/signing-up-users-in-your-app.html#cognito-user-pools-computing-secret-hash)."""
    import base64
    import hashlib
    import hmac

    digest = hmac.new(secret.encode(), (username + client_id).encode(), hashlib.sha256)
    return base64.b64encode(digest.digest()).decode()


# --------------------------------------------------------------------------- the user


def username_attributes(pool: Mapping[str, Any]) -> list[str]:
    return [str(a) for a in pool.get("UsernameAttributes") or []]


def needed_attributes(pool: Mapping[str, Any]) -> list[str]:
    """The attributes the throwaway user must have: the pool's required ones
    (SchemaAttributes ``Required``) and the one that is its sign-in name
    (UsernameAttributes: an email address or a phone number stands in for the user
    name, botocore UserPoolType.UsernameAttributes)."""
    required = [str(a["Name"]) for a in pool.get("SchemaAttributes") or []
                if a.get("Required")]
    sign_in = username_attributes(pool)[:1]
    return list(dict.fromkeys([*sign_in, *required]))


@dataclass(frozen=True)
class Throwaway:
    """The user the run creates and deletes: the name it signs in with, its password,
    the temporary password AdminCreateUser sets, and its attributes."""

    username: str
    password: str
    temporary_password: str
    attributes: tuple[tuple[str, str], ...]

    def attribute_list(self) -> list[dict[str, str]]:
        return [{"Name": name, "Value": value} for name, value in self.attributes]


def throwaway(pool: Mapping[str, Any], token: str | None = None) -> Throwaway:
    """A new throwaway user for ``pool``: ``poolsync-smoke-<random>`` (as an SES
    simulator address or a fictional phone number where the pool signs in with one),
    two passwords its policy accepts, and a value for each attribute it needs."""
    token = token or secrets.token_hex(12)
    name = USERNAME_PREFIX + token
    email = f"success+{name}@{SIMULATOR_DOMAIN}"
    phone = FICTIONAL_PHONE + f"{int(token[:4], 16) % 100:02d}"
    values = {"email": email, "phone_number": phone, "preferred_username": name,
              **_PLACEHOLDERS}
    sign_in = username_attributes(pool)
    username = email if "email" in sign_in else phone if sign_in else name
    attributes = tuple((attr, values.get(attr, name)) for attr in needed_attributes(pool)
                       if attr not in ("sub",))
    policy = password_policy(pool)
    return Throwaway(username, password(policy), password(policy), attributes)


def password_policy(pool: Mapping[str, Any]) -> Mapping[str, Any]:
    """The pool's PasswordPolicy (DescribeUserPool ``Policies.PasswordPolicy``)."""
    return (pool.get("Policies") or {}).get("PasswordPolicy") or {}


def password(policy: Mapping[str, Any]) -> str:
    """A random password (``secrets``) the policy accepts: at least its MinimumLength,
    with an upper- and a lower-case letter, a digit and a symbol whatever it requires
    (a password with all four passes any Cognito policy)."""
    length = max(PASSWORD_LENGTH, int(policy.get("MinimumLength") or 8))
    classes = (string.ascii_uppercase, string.ascii_lowercase, string.digits, SYMBOLS)
    chosen = [secrets.choice(c) for c in classes]
    everything = "".join(classes)
    chosen += [secrets.choice(everything) for _ in range(length - len(chosen))]
    secrets.SystemRandom().shuffle(chosen)
    return "".join(chosen)


def self_registration(pool: Mapping[str, Any]) -> bool:
    """Whether users may sign themselves up: ``AdminCreateUserConfig
    .AllowAdminCreateUserOnly`` false (its default, botocore AdminCreateUserConfigType)."""
    return not (pool.get("AdminCreateUserConfig") or {}).get("AllowAdminCreateUserOnly")


def creation(pool: Mapping[str, Any], client: Mapping[str, Any], user: Throwaway
             ) -> tuple[str, str]:
    """How the throwaway user is created, and why: ``SignUp`` when the pool allows
    self-registration and the client may write every attribute the user needs, else
    ``AdminCreateUser`` with MessageAction SUPPRESS (no invitation is sent, botocore
    AdminCreateUserRequest.MessageAction). SignUp with a phone number the pool verifies
    would text a code to it: AdminCreateUser then, never an SMS to anyone."""
    if not self_registration(pool):
        return "AdminCreateUser", "self-registration is off (AllowAdminCreateUserOnly)"
    writable = client.get("WriteAttributes")
    names = [name for name, _ in user.attributes]
    if writable and not set(names) <= set(writable):
        missing = ", ".join(sorted(set(names) - set(writable)))
        return "AdminCreateUser", (f"the client may not write {missing} "
                                   "(WriteAttributes), which SignUp would need")
    if "phone_number" in names and "phone_number" in (pool.get("AutoVerifiedAttributes")
                                                      or []):
        return "AdminCreateUser", ("SignUp would text a verification code to the user's "
                                   "phone number")
    return "SignUp", "self-registration is on"


def attribute_names(attributes: Iterable[tuple[str, str]]) -> str:
    return ", ".join(name for name, _ in attributes) or "none"
