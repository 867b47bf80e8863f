"""App client secrets rotated without replacing the client (AddUserPoolClientSecret,
ListUserPoolClientSecrets, DeleteUserPoolClientSecret; docs/design/resource-kinds.md
section 5.6).

The file writes ``client_secrets``, keyed by app client name::

    client_secrets:
      web: {value: "${env:WEB_SECRET}", overlap: 7d}

Before these operations, a client's secret changed only with the client (GenerateSecret
and ClientSecret are create-only: a new client, a new id). A client now has one or two
secrets (botocore AddUserPoolClientSecret: "up to 2 active secrets per app client for
zero-downtime credential rotation"); ListUserPoolClientSecrets gives each one's id and
creation date, never its value. A rotation is declared by giving a new value (the
secret store the applications read changes, and so does ``${env:...}``):

- a rotation is due when the value's fingerprint is not the one the pool's
  ``poolsync:client_secret:<client>`` tag records (the value last added: values are
  never returned, so poolsync keeps a fingerprint, as for Apple's private key), or when
  the secret it recorded is gone (deleted outside poolsync);
- a due rotation adds the value (AddUserPoolClientSecret) and records its fingerprint
  and the ClientSecretId Cognito gave it (TagResource; apply fills the id in from the
  add's answer), so the file's secret is known exactly, whatever else is added;
- with two secrets, once the newer is older than ``overlap``, every secret but the
  file's is deleted (DeleteUserPoolClientSecret), by the first apply after that; while
  the newer is within ``overlap``, a due rotation waits (there can be no third
  secret). ``overlap`` is at least a minute (``MIN_OVERLAP``).

Secrets Cognito generates are not rotated: Cognito returns a generated value only to
the call that adds it (botocore ClientSecretDescriptorType.ClientSecretValue) and
poolsync keeps no secret, so the applications could not get the new secret before the
old one is deleted. ``rotate_after`` (an earlier design) is refused for that reason.

"Now" is ``now()``, this module's clock (UTC): the planner itself stays pure, and tests
move the clock. A plan is therefore a plan at the moment it was made: a rotation that
becomes due between plan and a pinned apply refuses the pin, as any live change does.

Values are never printed, logged, exported or stored: a request's ``ClientSecret`` is
masked like every secret (logs.SECRET_KEYS), an answer's ``ClientSecretValue`` is
redacted from the ``--debug`` log (logs.SECRET_KEYS) and dropped by apply.

Export neither reads nor writes ``client_secrets`` (``Kind.exported`` False): the
rotation policy is not stored in Cognito, and values are never exported; so
``iam-policy --for export`` does not grant ListUserPoolClientSecrets.

Quota categories: UserPoolClientRead (List) and UserPoolClientUpdate (Add, Delete),
inferred from the quotas page's category descriptions (UNVERIFIED: no public list names
these operations); TagResource is UserPoolResourceUpdate, as for Apple's key.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from poolsync.kinds import identity_provider
from poolsync.kinds.base import (
    CLIENT_ID_PREFIX,
    ExportContext,
    Kind,
    PlanContext,
    secret_id_placeholder,
)
from poolsync.kinds.common import map_schema, record_tag_key, ref, tag_call, written_entries
from poolsync.model import (
    MISSING,
    POOL_ID,
    Action,
    ApiCall,
    FieldChange,
    ObjectPlan,
    Problem,
    secret_location,
)

KEY = "client_secrets"
OBJECT_KIND = "client_secret"
TAG_PREFIX = "poolsync:client_secret:"
# At most two secrets per client (botocore AddUserPoolClientSecret and
# ListUserPoolClientSecrets: "there are only 2 secrets at any given time").
MAX_SECRETS = 2
# At most five digits (99999 days is 273 years): a longer one would take the planner's
# date arithmetic out of range.
DURATION = re.compile(r"^([0-9]{1,5})([dhm])$")
_UNITS = {"d": "days", "h": "hours", "m": "minutes"}
NEW = "(added by this run)"
# The old secret outlives the run that adds the new one: apply reads the pool back and
# must find it as planned (a client created in the same run has its own secret, whose
# id no plan can know, so it can only go in a later run).
MIN_OVERLAP = datetime.timedelta(minutes=1)
OWN = "(the client's own)"


def now() -> datetime.datetime:
    """The planner's clock: the moment a plan is made, in UTC. Tests monkeypatch it."""
    return datetime.datetime.now(datetime.UTC)


def parse_duration(text: Any) -> datetime.timedelta | None:
    """``90d``, ``12h``, ``30m`` as a timedelta; None for anything else."""
    match = DURATION.match(text) if isinstance(text, str) else None
    if match is None:
        return None
    return datetime.timedelta(**{_UNITS[match[2]]: int(match[1])})


def tag_key(client: str) -> str:
    """The pool tag recording the fingerprint of the value last added for ``client``
    (a client name a tag key cannot hold is recorded under its hash: record_tag_key)."""
    return record_tag_key(TAG_PREFIX, client)


def value_location(pool: str, client: str) -> str:
    """Where a client's given secret is, for its fingerprint (the tag and the plan)."""
    return secret_location(f"{pool}/{KEY}/{client}", ("value",))


# --------------------------------------------------------------------------- read


def read(cognito: Any, described: Mapping[str, Any], written: Any,
         client_ids: Mapping[str, str]) -> dict[str, list[dict[str, Any]]]:
    """One ListUserPoolClientSecrets per live client the file names (``written`` None:
    per live client; export does not call it, ``Kind.exported``), each client's
    secrets (id and creation date), oldest first. The
    response has no NextToken in practice (botocore ListUserPoolClientSecrets: "The
    response does not include pagination tokens as there are only 2 secrets"). A
    client deleted since it was listed is ResourceNotFoundException: no secrets. A
    public client has none (an empty list in the stand-in; AWS's answer for it is
    UNVERIFIED)."""
    names = sorted(str(n) for n in written) if isinstance(written, Mapping) else sorted(
        client_ids)
    found: dict[str, list[dict[str, Any]]] = {}
    for name in names:
        client_id = client_ids.get(name)
        if client_id is None:
            continue
        listed = cognito.read("ListUserPoolClientSecrets",
                              {"UserPoolId": described["Id"], "ClientId": client_id},
                              absent=frozenset({"ResourceNotFoundException"}))
        found[name] = by_age((listed or {}).get("ClientSecrets"))
    return found


def by_age(descriptors: Any) -> list[dict[str, Any]]:
    """The descriptors with only their id and creation date (a value is never kept,
    should one ever be listed: botocore ListUserPoolClientSecrets "never reveals the
    actual secret value"), oldest first; the date in UTC (botocore gives it in the
    local zone)."""
    out = []
    for item in descriptors or []:
        if isinstance(item, Mapping) and isinstance(item.get("ClientSecretId"), str):
            out.append({"ClientSecretId": item["ClientSecretId"],
                        "ClientSecretCreateDate": utc(item.get("ClientSecretCreateDate"))})
    return sorted(out, key=lambda s: (s["ClientSecretCreateDate"], s["ClientSecretId"]))


def utc(moment: Any) -> datetime.datetime:
    """A date as botocore parses it (aware, local zone) in UTC; naive is taken as UTC,
    a missing or unreadable one as the epoch (the oldest: due, deleted first)."""
    if isinstance(moment, int | float):
        return datetime.datetime.fromtimestamp(moment, datetime.UTC)
    if not isinstance(moment, datetime.datetime):
        return datetime.datetime.fromtimestamp(0, datetime.UTC)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=datetime.UTC)
    return moment.astimezone(datetime.UTC)


# --------------------------------------------------------------------------- plan


def plan(ctx: PlanContext) -> list[ObjectPlan]:
    """One object per client the file names, ``POOL/client_secrets/CLIENT``."""
    moment = now()
    written = ctx.written if isinstance(ctx.written, Mapping) else {}
    return [plan_client(ctx, str(name), policy, moment)
            for name, policy in sorted(written.items(), key=lambda kv: str(kv[0]))
            if isinstance(policy, Mapping)]


def plan_client(ctx: PlanContext, name: str, policy: Mapping[str, Any],
                moment: datetime.datetime) -> ObjectPlan:
    address = f"{ctx.pool}/{KEY}/{name}"
    client_id = ctx.clients.get(name)
    if client_id is None:
        return ObjectPlan(address, OBJECT_KIND, Action.CANNOT_APPLY,
                          f"no app client named {name!r} in the pool or the file",
                          where=(KEY, name))
    overlap = parse_duration(policy.get("overlap"))
    value = policy.get("value")
    if (overlap is None or overlap < MIN_OVERLAP or value is None
            or "rotate_after" in policy):
        return ObjectPlan(address, OBJECT_KIND, Action.CANNOT_APPLY,
                          "give value and an overlap of at least 1m", where=(KEY, name))
    given = str(value)
    if client_id.startswith(CLIENT_ID_PREFIX) or ctx.pool_id == POOL_ID:
        return _new_client(ctx, address, name, client_id, given)
    secrets = list((ctx.found or {}).get(name) or [])
    if not secrets:
        return _public(address, name)
    due = _due(ctx, name, secrets, given)
    return _rotation(ctx, address, name, client_id, secrets, moment, overlap, due, given)


def _public(address: str, name: str) -> ObjectPlan:
    """A client without a secret: AddUserPoolClientSecret is "for an existing
    confidential user pool app client" (botocore), and a public client cannot become
    one in place (GenerateSecret is create-only)."""
    return ObjectPlan(address, OBJECT_KIND, Action.CANNOT_APPLY,
                      f"the app client {name!r} is public (it has no secret), and only a "
                      "confidential client's secrets rotate: define it in the file with "
                      "GenerateSecret: true (which replaces it: a new id)", where=(KEY, name))


def _new_client(ctx: PlanContext, address: str, name: str, client_id: str,
                given: str) -> ObjectPlan:
    """A client this run creates (or re-creates) starts with one secret, its own (which
    Cognito generates): the file's value is added next to it, and the client's own
    secret goes after ``overlap``."""
    calls = (_add(ctx, client_id, given), _record(ctx, name, given, client_id))
    changes = (FieldChange(("secrets",), MISSING, [OWN, NEW]),
               FieldChange(("value",), MISSING, "(new)", sensitive=True))
    return ObjectPlan(address, OBJECT_KIND, Action.CREATE,
                      "the file's secret added next to the new client's own "
                      "(AddUserPoolClientSecret)", changes, calls)


def _due(ctx: PlanContext, name: str, secrets: Sequence[Mapping[str, Any]],
         given: str) -> str:
    """Why a rotation is due, or "" when it is not."""
    recorded, _, _ = _recorded(ctx, name)
    if not identity_provider.fingerprint_matches(recorded, given, value_location(ctx.pool, name)):
        return ("the file gives a new value" if recorded else
                "the file's value was never added by poolsync (no recorded fingerprint)")
    if _file_secret(ctx, name, secrets) is None:
        return ("the file's secret is no longer in Cognito (deleted outside poolsync): "
                "it is added again")
    return ""


def _rotation(ctx: PlanContext, address: str, name: str, client_id: str,
              secrets: Sequence[Mapping[str, Any]], moment: datetime.datetime,
              overlap: datetime.timedelta, due: str, given: str) -> ObjectPlan:
    # The secret kept: the file's value (when Cognito still has it), else the newest;
    # the others are deleted once it is older than overlap.
    newer = (_file_secret(ctx, name, secrets) if not due else None) or secrets[-1]
    older = [s for s in secrets if s is not newer]
    secrets = [*older, newer]
    ids = [str(s["ClientSecretId"]) for s in secrets]
    # The overlap runs from the newest secret: one added outside poolsync next to the
    # file's keeps working for the overlap too before it goes.
    settled = moment - max(s["ClientSecretCreateDate"] for s in secrets) >= overlap
    notes: list[str] = []
    if older and not settled:
        until = newer["ClientSecretCreateDate"] + overlap
        notes.append(f"{len(secrets)} secrets: the older ({', '.join(ids[:-1])}) is deleted "
                     f"once the newer is older than overlap (after {_when(until)})")
        if due:
            notes.append(f"a rotation is due ({due}) but waits until then: a client has "
                         f"at most {MAX_SECRETS} secrets")
        return ObjectPlan(address, OBJECT_KIND, Action.NOOP, notes=tuple(notes))
    calls: list[ApiCall] = [_delete(ctx, client_id, s) for s in older]
    kept = ids[-1:] if older else ids
    reasons = [f"the older secret is past the overlap ({', '.join(ids[:-1])} deleted with "
               "DeleteUserPoolClientSecret)"] if older else []
    after = list(kept)
    changes: list[FieldChange] = []
    if due:
        calls.append(_add(ctx, client_id, given))
        after.append(NEW)
        reasons.append(f"rotation: {due} (AddUserPoolClientSecret)")
        calls.append(_record(ctx, name, given, client_id))
        recorded, _, _ = _recorded(ctx, name)
        changes.append(FieldChange(("value",), "(recorded)" if recorded else MISSING,
                                   "(new)", sensitive=True))
    if not calls:
        return ObjectPlan(address, OBJECT_KIND, Action.NOOP, notes=tuple(notes))
    changes.insert(0, FieldChange(("secrets",), ids, after))
    return ObjectPlan(address, OBJECT_KIND, Action.UPDATE, "; ".join(reasons), tuple(changes),
                      tuple(calls), tuple(notes))


# How much earlier than a plan's clock Cognito may date the secret its apply adds (the
# two clocks differ), and how long after it: a run (plan, then apply) takes less. Only
# for the records of poolsync versions that kept the plan's moment instead of the
# secret's id (``_file_secret``).
CLOCK_SKEW = datetime.timedelta(minutes=5)
RUN_WINDOW = datetime.timedelta(hours=1)


def _recorded(ctx: PlanContext, name: str
              ) -> tuple[str | None, str | None, datetime.datetime | None]:
    """What the pool tag records of the value poolsync last added for ``name``: its
    fingerprint, and the ClientSecretId Cognito gave it (``<fingerprint> <id>``); a
    record of an earlier poolsync has the plan's moment (epoch seconds) instead of the
    id, or nothing after the fingerprint."""
    tag = ctx.recorded_tags.get(tag_key(name))
    if not tag:
        return None, None, None
    fingerprint, _, second = tag.partition(" ")
    if second.isdigit():
        return fingerprint, None, datetime.datetime.fromtimestamp(int(second), datetime.UTC)
    return fingerprint, second or None, None


def _file_secret(ctx: PlanContext, name: str, secrets: Sequence[Mapping[str, Any]]
                 ) -> Mapping[str, Any] | None:
    """Which live secret is the file's value (values are never returned): the one whose
    ClientSecretId the tag records; None when it is gone (deleted outside poolsync).
    An earlier poolsync's record: the newest secret created in the run that added it
    (the recorded moment less CLOCK_SKEW to RUN_WINDOW after it), or the newest."""
    _, secret_id, since = _recorded(ctx, name)
    if secret_id is not None:
        return next((s for s in secrets if s["ClientSecretId"] == secret_id), None)
    if since is None:
        return secrets[-1] if secrets else None
    made = [s for s in secrets
            if since - CLOCK_SKEW <= s["ClientSecretCreateDate"] <= since + RUN_WINDOW]
    return made[-1] if made else None


def _when(moment: datetime.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def _add(ctx: PlanContext, client_id: str, given: str) -> ApiCall:
    return ApiCall("AddUserPoolClientSecret", {"UserPoolId": ctx.pool_id,
                                               "ClientId": client_id, "ClientSecret": given})


def _delete(ctx: PlanContext, client_id: str, secret: Mapping[str, Any]) -> ApiCall:
    return ApiCall("DeleteUserPoolClientSecret", {
        "UserPoolId": ctx.pool_id, "ClientId": client_id,
        "ClientSecretId": secret["ClientSecretId"]})


def _record(ctx: PlanContext, name: str, given: str, client_id: str) -> ApiCall:
    """The given value's fingerprint in a ``poolsync:`` pool tag (only user pools are
    taggable: botocore TagResource), as identity_provider.track_private_key records
    Apple's key: scrypt salted with the value's location, never keyed, followed by the
    ClientSecretId of the secret the add makes (``secret_id_placeholder``: apply fills
    it in from the add's answer), which tells the file's secret from any other
    (``_file_secret``). A pool created in this run (a new one, or a replaced pool's new
    copy) is named by POOL_ARN (``PlanContext.pool_arn``)."""
    fingerprint = identity_provider.fingerprint(given, value_location(ctx.pool, name))
    return tag_call(ctx, {tag_key(name): f"{fingerprint} {secret_id_placeholder(client_id)}"})


def export(found: Any, ctx: ExportContext) -> None:
    """Nothing: the policy (rotate_after, overlap) is not stored in Cognito, and secret
    values are never exported. (``found`` is read all the same: see ``read``.)"""
    return None


# --------------------------------------------------------------------------- rules


def value_to_rotate(pool: Any) -> Iterator[Problem]:
    """Each client gives the ``value`` to add (``${env:NAME}``) and no ``rotate_after``:
    a secret Cognito generates is returned only to the call that adds it (botocore
    ClientSecretDescriptorType.ClientSecretValue) and poolsync keeps no secret, so the
    applications could not get it before the old secret is deleted."""
    for name, policy in written_entries(pool, KEY):
        if "rotate_after" in policy:
            yield Problem("rotate_after is not supported: Cognito returns a secret it "
                          "generates only to the call that adds it, and poolsync keeps no "
                          "secret, so applications could not get it before the old one is "
                          "deleted; give the new secret as value: ${env:NAME} (rotate by "
                          "changing it)", pool.at(KEY, name, "rotate_after"))
        elif "value" not in policy:
            yield Problem("give value: the secret to add (${env:NAME}); a new value "
                          "rotates", pool.at(KEY, name))
        overlap = parse_duration(policy.get("overlap"))
        if overlap is not None and overlap < MIN_OVERLAP:
            yield Problem("overlap must be at least 1m: the old secret is deleted by a "
                          "later run than the one that adds the new secret (apply reads "
                          "the pool back as planned)", pool.at(KEY, name, "overlap"))


def confidential_client(pool: Any) -> Iterator[Problem]:
    """A client the file defines must be confidential: AddUserPoolClientSecret is "for an
    existing confidential user pool app client" (botocore). A client the file does not
    define is checked at plan time against the live one."""
    for name, _ in written_entries(pool, KEY):
        client = pool.clients.get(name)
        if isinstance(client, Mapping) and not (
                client.get("GenerateSecret") is True or isinstance(client.get("ClientSecret"), str)):
            yield Problem(f"the app client {name!r} has no secret, and only a confidential "
                          f"client's secrets rotate: set GenerateSecret: true on "
                          f"clients.{name}", pool.at(KEY, name))


def no_create_time_secret(pool: Any) -> Iterator[Problem]:
    """A client whose secrets rotate must not write its own ``ClientSecret``: that
    member is create-only, and the client planner compares it with the ClientSecret
    DescribeUserPoolClient returns; which secret that is once a rotation added another
    is UNVERIFIED, and a difference would replace the client (a new id). Write
    ``GenerateSecret: true`` and give the value under client_secrets."""
    for name, _ in written_entries(pool, KEY):
        client = pool.clients.get(name)
        if isinstance(client, Mapping) and "ClientSecret" in client:
            yield Problem(f"clients.{name}.ClientSecret is the client's create-time secret; "
                          f"with client_secrets.{name} it would be compared with the "
                          "rotated one and replace the client: write GenerateSecret: true "
                          f"and give the value as client_secrets.{name}.value",
                          pool.at("clients", name, "ClientSecret"))


def schema(conv: Any) -> dict[str, Any]:
    """Client name -> the rotation policy; the value is a ClientSecretType."""
    duration = {"type": "string", "pattern": DURATION.pattern,
                "x-pattern-name": "a duration such as 90d, 12h or 30m"}
    conv.defs["poolsync.ClientSecretRotation"] = {
        "type": "object",
        "description": "How an app client's secrets rotate (AddUserPoolClientSecret, "
                       "DeleteUserPoolClientSecret): the value to add, and overlap.",
        "properties": {
            "rotate_after": duration | {
                "description": "Not supported (validate says why): give value."},
            "value": conv.ref(conv.model.shape_for("ClientSecretType")) | {
                "description": "The secret to add (write ${env:NAME}): added when it "
                               "differs from the one poolsync added last."},
            "overlap": duration | {
                "description": "How long the old secret stays after a new one was added "
                               "(at least 1m; it goes at the first apply after that)."},
        },
        "required": ["overlap"],
        "additionalProperties": False,
    }
    return map_schema(conv, "App client name -> how its secrets rotate, without replacing "
                            "the client.", ref("poolsync.ClientSecretRotation"))


KIND = Kind(
    prunes=True, key=KEY, kind=OBJECT_KIND, read=read, plan=plan, export=export,
    reads=("ListUserPoolClientSecrets",),
    writes=("AddUserPoolClientSecret", "DeleteUserPoolClientSecret", "TagResource"),
    category={"ListUserPoolClientSecrets": "UserPoolClientRead",
              "AddUserPoolClientSecret": "UserPoolClientUpdate",
              "DeleteUserPoolClientSecret": "UserPoolClientUpdate"},
    needs_clients=True, per_client=True,
    rules=(value_to_rotate, confidential_client, no_create_time_secret),
    secret_paths=frozenset({("value",)}), schema=schema,
    exported=False,
)
