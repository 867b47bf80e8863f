"""Classic hosted-UI customization: the CSS and logo of the hosted UI (classic) pages,
pool-wide and per app client (SetUICustomization, GetUICustomization).

The file writes ``ui_customization`` as a map keyed by app client name, ``ALL`` being
the pool-wide default (the API's ``ClientId: ALL``; a client named ``ALL`` cannot have
an entry of its own here)::

    ui_customization:
      ALL:
        CSS: ".banner-customizable {background-color: #0b1f33;}"
        ImageFile: logo.png          # next to this YAML file
      web:
        CSSFile: web.css             # the CSS, read from a file next to this YAML file
        ImageFile: null              # no logo for this client

``CSS`` is the text sent; ``CSSFile`` a UTF-8 file holding it (one of the two).
``ImageFile`` is poolsync's own member: the path of a PNG or JPEG file, whose bytes
are the API's ``ImageFile`` blob (botocore SetUICustomizationRequest). A path is
relative to the YAML file that writes it (a template's file, for a template's entry).
``null`` for ``CSS`` or ``ImageFile`` owns the member and removes it.

SetUICustomization replaces the whole entry with what it is sent; a request with only
the ids clears it (terraform-provider-aws internal/service/cognitoidp/
user_pool_ui_customization.go deletes that way). A member the file does not write is
the live one, resent. The logo cannot be resent: it is write-only (GetUICustomization
answers an ``ImageUrl``, never the bytes; botocore UICustomizationType). So:

- poolsync records a fingerprint of each logo it sends (sha256 of the bytes: the logo
  is public, served at its ImageUrl, so a plain content hash hides nothing) in a pool
  tag ``poolsync:ui-image:<entry>`` (``image_tag``), as it records Apple's private key
  (identity_provider.track_private_key): a logo whose file changed is a change, an
  unchanged one is not sent again. A logo replaced outside poolsync is not seen (the
  tag records what poolsync sent, and the ImageUrl says nothing of the content); one
  removed outside poolsync is.
- a change to an entry whose live logo the file does not write (no ``ImageFile``)
  cannot be applied: sending it would remove the logo (``unsendable_image``). The plan
  refuses it and says how to go on: write ``ImageFile: <the logo's file>`` to keep it,
  or ``ImageFile: null`` to remove it. (Fetching the ImageUrl would be a request to a
  CDN outside Cognito and its IAM policy: not done.)

GetUICustomization answers an empty object when nothing is set, and, for a client
without an entry of its own, the pool's ``ALL`` entry (API reference,
GetUICustomization): an entry whose ClientId is not the client's is inherited, which
for the client is no entry (``inherited``). Reads: one Get for ``ALL`` and one per app
client the file names; a live entry of a client the file does not name is therefore
never read, listed or pruned (only ``ALL`` can be unlisted-live: kept, with a note;
``prune`` clears it).

Prerequisites: the pool must have a domain ("Your user pool must have a domain",
botocore SetUICustomization): checked at plan time against the file's ``domain`` or
the live one. The customization shows only on domains with the hosted UI (classic),
``ManagedLoginVersion: 1`` (botocore SetUICustomization: "for domains with the hosted UI
(classic) branding version"): a note when the domain uses managed login (2).

Quota categories: UserPoolRead and UserPoolUpdate (inferred from the quotas page's
category descriptions; UNVERIFIED, no public list names these operations).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from poolsync.diff import creation_changes, field_changes
from poolsync.kinds.base import CLIENT_ID_PREFIX, ExportContext, Kind, PlanContext
from poolsync.kinds.common import (
    MAX_TAGS,
    beside_yaml,
    content_digest,
    map_schema,
    record_tag_key,
    ref,
    written_entries,
)
from poolsync.model import Action, ApiCall, ObjectPlan, Problem

KEY = "ui_customization"
OBJECT_KIND = "ui_customization"
ALL = "ALL"  # the pool-wide entry (botocore SetUICustomizationRequest.ClientId)
# Both limits are botocore's: CSSType (characters) and ImageFileType (bytes), 131072.
MAX_CSS = 131072
MAX_IMAGE = 131072
TAG_PREFIX = "poolsync:ui-image:"
# The live logo when no tag says what poolsync sent (set in the console, or before
# poolsync managed it): never equal to a file's logo, so adopting it sends the file's.
UNRECORDED = "(a logo poolsync did not send)"
# The image formats the hosted UI (classic) takes, by their first bytes (PNG signature,
# ISO/IEC 15948; JPEG SOI marker, ITU T.81). "PNG or JPG" is the Cognito console's
# wording; whether SetUICustomization itself checks the format is UNVERIFIED.
_IMAGE_SIGNATURES = ((b"\x89PNG\r\n\x1a\n", "PNG"), (b"\xff\xd8\xff", "JPEG"))
_FILE_MEMBERS = ("CSSFile", "ImageFile")


# --------------------------------------------------------------------------- reading


def read(cognito: Any, described: Mapping[str, Any], written: Any,
         client_ids: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """One GetUICustomization for ``ALL``, and one per live app client the file names
    (every live client when ``written`` is None: export). An entry a client inherits
    from ``ALL``, an empty answer, and a client deleted meanwhile
    (ResourceNotFoundException, which terraform-provider-aws also reads as "none") are
    no entry."""
    pool_id = str(described["Id"])
    found: dict[str, dict[str, Any]] = {}
    pool_wide = _get(cognito, pool_id, ALL)
    if pool_wide is not None and not inherited(pool_wide, ALL):
        found[ALL] = pool_wide
    for name in _clients_to_read(written, client_ids):
        entry = _get(cognito, pool_id, client_ids[name])
        if entry is not None and not inherited(entry, client_ids[name]):
            found[name] = entry
    return found


def _clients_to_read(written: Any, client_ids: Mapping[str, str]) -> list[str]:
    if written is None:
        return sorted(client_ids)
    names = written if isinstance(written, Mapping) else {}
    return sorted(str(n) for n in names if n != ALL and n in client_ids)


def _get(cognito: Any, pool_id: str, client_id: str) -> dict[str, Any] | None:
    found = cognito.read("GetUICustomization", {"UserPoolId": pool_id, "ClientId": client_id},
                         absent=frozenset({"ResourceNotFoundException"}))
    entry = (found or {}).get("UICustomization") or {}
    return dict(entry) if is_set(entry) else None


def is_set(entry: Mapping[str, Any]) -> bool:
    """GetUICustomization "returns an empty object if you haven't applied hosted UI
    branding" (API reference); an entry cleared with the ids only may still answer its
    ids and dates (UNVERIFIED): no CSS and no ImageUrl is no customization."""
    return bool(entry.get("CSS") or entry.get("ImageUrl"))


def inherited(entry: Mapping[str, Any], client_id: str) -> bool:
    """GetUICustomization for a client without an entry of its own answers the pool's
    ``ALL`` entry (API reference, GetUICustomization): its ClientId is ``ALL``, or
    absent ("When this value isn't present, the customization applies to all user pool
    app clients", botocore UICustomizationType.ClientId)."""
    answered = entry.get("ClientId") or ALL
    return answered != client_id


# --------------------------------------------------------------------------- canonical


def canonical_live(entry: Mapping[str, Any] | None, recorded: str | None) -> dict[str, Any]:
    """What is compared of a live entry: its CSS as text (compared as sent: no public
    source shows Cognito rewriting it; UNVERIFIED), and its logo as the fingerprint
    poolsync recorded when it sent it (``recorded``), else ``UNRECORDED``. CSSVersion
    and the dates are read-only (botocore UICustomizationType): never compared."""
    if not entry:
        return {}
    out: dict[str, Any] = {}
    css = empty_css_is_none(entry.get("CSS"))
    if css is not None:
        out["CSS"] = css
    if entry.get("ImageUrl"):
        out["ImageFile"] = recorded or UNRECORDED
    return out


def empty_css_is_none(css: Any) -> str | None:
    """An empty CSS and no CSS are the same page (CSSType's minimum is 0; whether Get
    answers "" or leaves CSS out after an empty one is UNVERIFIED)."""
    return css if isinstance(css, str) and css else None


def image_tag(entry: str) -> str:
    """The pool tag recording the logo of ``entry`` (``ALL`` or a client name; a name a
    tag key cannot hold is hashed: ``record_tag_key``)."""
    return record_tag_key(TAG_PREFIX, entry)


# --------------------------------------------------------------------------- the file


@dataclass
class Wanted:
    """One entry as the file writes it, its files read: ``members`` the compared view of
    what it writes (CSS text or None, ImageFile fingerprint or None), ``image`` the
    logo's bytes, ``problem`` (message, path below the pool) when a file cannot be used."""

    members: dict[str, Any] = field(default_factory=dict)
    image: bytes | None = None
    problem: tuple[str, tuple[str, ...]] | None = None


def wanted(ctx: PlanContext, name: str, written: Mapping[str, Any]) -> Wanted:
    out = Wanted()
    if "CSS" in written:
        out.members["CSS"] = empty_css_is_none(written["CSS"])
    elif "CSSFile" in written:
        css, problem = _css_file(ctx, name, written["CSSFile"])
        out.members["CSS"], out.problem = css, problem
    if "ImageFile" in written and out.problem is None:
        if written["ImageFile"] is None:
            out.members["ImageFile"] = None
        else:
            out.image, out.problem = _image_file(ctx, name, written["ImageFile"])
            if out.image is not None:
                out.members["ImageFile"] = content_digest(out.image)
    return out


def _file(ctx: PlanContext, name: str, member: str, written: Any) -> Path:
    """The file an entry's CSSFile or ImageFile names, next to the YAML file that writes
    it (``common.file_beside``: OutsideFile, an OSError, for a path out of its
    repository)."""
    return beside_yaml(ctx, (KEY, name, member), str(written))


def _css_file(ctx: PlanContext, name: str, written: Any
              ) -> tuple[str | None, tuple[str, tuple[str, ...]] | None]:
    where = (KEY, name, "CSSFile")
    try:
        text = _file(ctx, name, "CSSFile", written).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None, (f"CSSFile {written} is not UTF-8 text", where)
    except OSError as exc:
        return None, (f"cannot read CSSFile {written} ({exc.strerror or exc})", where)
    if len(text) > MAX_CSS:
        return None, (f"CSSFile {written} holds {len(text)} characters; SetUICustomization "
                      f"takes at most {MAX_CSS} (botocore CSSType)", where)
    return empty_css_is_none(text), None


def _image_file(ctx: PlanContext, name: str, written: Any
                ) -> tuple[bytes | None, tuple[str, tuple[str, ...]] | None]:
    where = (KEY, name, "ImageFile")
    try:
        data = _file(ctx, name, "ImageFile", written).read_bytes()
    except OSError as exc:
        return None, (f"cannot read ImageFile {written} ({exc.strerror or exc})", where)
    if len(data) > MAX_IMAGE:
        return None, (f"ImageFile {written} is {len(data)} bytes; SetUICustomization takes "
                      f"at most {MAX_IMAGE} (botocore ImageFileType)", where)
    if image_format(data) is None:
        return None, (f"ImageFile {written} is not a PNG or JPEG image", where)
    return data, None


def image_format(data: bytes) -> str | None:
    return next((name for signature, name in _IMAGE_SIGNATURES
                 if data.startswith(signature)), None)


# --------------------------------------------------------------------------- planning


@dataclass(frozen=True)
class _Pool:
    """What every entry's plan needs of the pool: the ids for requests, the tags, and
    the prerequisites' verdicts."""

    pool_id: str
    arn: str
    tags: Mapping[str, str]  # poolsync's own tags, live
    no_domain: str  # why Cognito would refuse (no domain after apply), or ""
    classic_note: str  # the note for a managed-login (version 2) domain, or ""
    tag_room: int  # how many tags the pool can still take


def plan(ctx: PlanContext) -> list[ObjectPlan]:
    """One object per entry, ``POOL/ui_customization/<ALL or client>``: ALL first, then
    the clients as the file lists them, then the live ``ALL`` entry the file does not
    write (kept, or cleared with ``prune``)."""
    written = {str(k): v for k, v in dict(ctx.written or {}).items()}
    live: Mapping[str, Mapping[str, Any]] = ctx.found or {}
    pool = _pool(ctx)
    tags_wanted = 0
    out: list[ObjectPlan] = []
    for name in sorted(written, key=lambda n: n != ALL):
        obj, new_tag = _plan_entry(ctx, pool, name, written[name], live,
                                   pool.tag_room - tags_wanted)
        tags_wanted += new_tag
        out.append(obj)
    if ALL in live and ALL not in written:
        out.append(_unlisted(ctx, pool, live[ALL]))
    return out


def _pool(ctx: PlanContext) -> _Pool:
    tags = ctx.recorded_tags
    return _Pool(pool_id=ctx.pool_id,
                 arn=ctx.pool_arn,
                 tags=tags, no_domain=domain_refusal(ctx), classic_note=classic_note(ctx),
                 tag_room=MAX_TAGS - tags_after_apply(ctx))


def _plan_entry(ctx: PlanContext, pool: _Pool, name: str, written: Any,
                live: Mapping[str, Mapping[str, Any]], room: int) -> tuple[ObjectPlan, int]:
    """The entry's object, and 1 when it adds a tag the pool does not have yet."""
    address = f"{ctx.pool}/{KEY}/{name}"
    client_id = ALL if name == ALL else ctx.clients.get(name)
    if client_id is None:
        return _refused(address, f"names app client {name!r}, which the pool will not have "
                        "after this run (neither the file nor the live pool it keeps "
                        "defines it)", (), (KEY, name)), 0
    found = None if _new_client(client_id) else live.get(name)
    tag = image_tag(name)
    before = canonical_live(found, pool.tags.get(tag))
    want = wanted(ctx, name, dict(written) if isinstance(written, Mapping) else {})
    desired = {**{k: v for k, v in before.items() if k not in want.members},
               **{k: v for k, v in want.members.items() if v is not None}}
    changes = (field_changes(before, desired, want.members) if found
               else creation_changes(desired))
    adds_tag = int(want.image is not None and tag not in pool.tags)
    refusal = want.problem or _refusal(pool, name, before, want, adds_tag > room)
    if refusal is not None and (changes or want.problem):
        return _refused(address, refusal[0], changes, refusal[1]), 0
    if not changes:
        return ObjectPlan(address, OBJECT_KIND, Action.NOOP), 0
    calls = (set_call(pool.pool_id, client_id, desired.get("CSS"), want.image),
             *tag_calls(pool, tag, want, desired))
    notes = (pool.classic_note,) if pool.classic_note else ()
    if not found:
        return ObjectPlan(address, OBJECT_KIND, Action.CREATE, "new hosted UI customization "
                          "(SetUICustomization)", changes, calls, notes), adds_tag
    reason = ("cleared (SetUICustomization with the ids only)" if not desired else
              "in place with SetUICustomization, the whole entry (it replaces what it is "
              "not sent)")
    return ObjectPlan(address, OBJECT_KIND, Action.UPDATE, reason, changes, calls, notes), adds_tag


def _refusal(pool: _Pool, name: str, before: Mapping[str, Any], want: Wanted,
             over_budget: bool) -> tuple[str, tuple[str, ...]] | None:
    """Why a change to the entry cannot be applied (found before any write), and the
    path below the pool it is about; None when it can."""
    if pool.no_domain:
        return pool.no_domain, (KEY, name)
    unsendable = unsendable_image(name, before, want)
    if unsendable:
        return unsendable, (KEY, name)
    if over_budget:
        return tag_budget_refusal(image_tag(name)), (KEY, name, "ImageFile")
    return None


def _new_client(client_id: str) -> bool:
    """An app client this run creates or re-creates has no customization yet (a live
    entry of the client it replaces goes with that client)."""
    return client_id.startswith(CLIENT_ID_PREFIX)


def _refused(address: str, reason: str, changes: Any, where: tuple[str, ...]) -> ObjectPlan:
    return ObjectPlan(address, OBJECT_KIND, Action.CANNOT_APPLY, reason, tuple(changes), where=where)


def unsendable_image(name: str, before: Mapping[str, Any], want: Wanted) -> str:
    """A change to an entry with a live logo that the file does not write: the full
    replace would remove the logo, and poolsync cannot send it back (Get gives only its
    URL). Refused, with the two ways on."""
    if "ImageFile" in want.members or "ImageFile" not in before:
        return ""
    return (f"the {name} entry has a logo the file does not write; SetUICustomization "
            "replaces the whole entry and the logo cannot be sent back (GetUICustomization "
            "returns only its ImageUrl), so this change would remove it: write "
            "ImageFile: <the logo's file> to keep it, or ImageFile: null to remove it")


def tag_budget_refusal(tag: str) -> str:
    return (f"recording the logo's fingerprint needs the pool tag {tag}, and the pool would "
            f"have more than {MAX_TAGS} tags (botocore TagResource: \"A user pool can have "
            "as many as 50 tags\"): remove a tag from settings.UserPoolTags")


def set_call(pool_id: str, client_id: str, css: str | None, image: bytes | None) -> ApiCall:
    params: dict[str, Any] = {"UserPoolId": pool_id, "ClientId": client_id}
    if css is not None:
        params["CSS"] = css
    if image is not None:
        params["ImageFile"] = image
    return ApiCall("SetUICustomization", params)


def tag_calls(pool: _Pool, tag: str, want: Wanted, desired: Mapping[str, Any]
              ) -> tuple[ApiCall, ...]:
    """After the Set: record the logo sent, or forget the one removed."""
    if want.image is not None:
        fingerprint = content_digest(want.image)
        if pool.tags.get(tag) == fingerprint:
            return ()
        return (ApiCall("TagResource", {"ResourceArn": pool.arn, "Tags": {tag: fingerprint}}),)
    if "ImageFile" not in desired and tag in pool.tags:
        return (ApiCall("UntagResource", {"ResourceArn": pool.arn, "TagKeys": [tag]}),)
    return ()


def _unlisted(ctx: PlanContext, pool: _Pool, found: Mapping[str, Any]) -> ObjectPlan:
    address = f"{ctx.pool}/{KEY}/{ALL}"
    before = canonical_live(found, pool.tags.get(image_tag(ALL)))
    if not ctx.prune:
        return ObjectPlan(address, OBJECT_KIND, Action.NOOP, notes=(
            "the pool-wide hosted UI customization (ALL) is live and not in the file: "
            "kept; prune clears it.",), unmanaged=True)
    calls = (set_call(pool.pool_id, ALL, None, None),
             *tag_calls(pool, image_tag(ALL), Wanted(), {}))
    return ObjectPlan(address, OBJECT_KIND, Action.DELETE, "cleared (SetUICustomization with the "
                      "ids only)", field_changes(before, {}, {}), calls)


# --------------------------------------------------------------------------- prerequisites


def domain_refusal(ctx: PlanContext) -> str:
    """SetUICustomization needs a domain ("Your user pool must have a domain", botocore
    SetUICustomization; "A domain must be associated with this user pool.",
    InvalidParameterException, quoted in amazon-connect/voicemail-for-amazon-connect #5).
    The file's ``domain`` is created before this kind's calls; else a live one."""
    if ctx.cfg is not None and getattr(ctx.cfg, "domain", None) is not None:
        return ""
    if ctx.domains:
        return ""
    which = "the new pool" if ctx.new_pool else "the pool"
    return (f"SetUICustomization needs a domain and {which} has none: add a domain "
            "(the pool's domain key, ManagedLoginVersion 1)")


def login_version(ctx: PlanContext) -> int:
    """The ManagedLoginVersion of the domain users see after apply: the file's, else the
    live one's (custom first: ``PlanContext.domains``); 1 when neither says
    (domain.DOMAIN_DEFAULTS)."""
    domain = getattr(ctx.cfg, "domain", None) if ctx.cfg is not None else None
    if isinstance(domain, Mapping) and domain.get("ManagedLoginVersion") is not None:
        return int(domain["ManagedLoginVersion"])
    for live in ctx.domains:
        if live.get("ManagedLoginVersion") is not None:
            return int(live["ManagedLoginVersion"])
    return 1


def classic_note(ctx: PlanContext) -> str:
    if login_version(ctx) == 1:
        return ""
    return ("the pool's domain uses managed login (ManagedLoginVersion 2): this hosted UI "
            "(classic) customization is stored but not shown (botocore SetUICustomization: "
            "\"for domains with the hosted UI (classic) branding version\"); "
            "managed_login_branding styles managed login")


def tags_after_apply(ctx: PlanContext) -> int:
    """The pool's tags once the pool's own update is made: the user's (the file's
    UserPoolTags when it writes them, else the live ones; ``aws:`` tags do not count),
    poolsync's (kept by every update), and the created-by-run mark of a new pool."""
    written = ctx.settings.get("UserPoolTags")
    live = ctx.described.get("UserPoolTags") or {}
    user = written if isinstance(written, Mapping) else live
    count = sum(1 for k in user if not str(k).startswith(("aws:", "poolsync:")))
    count += len(ctx.recorded_tags)
    return count + (1 if ctx.new_pool else 0)


# --------------------------------------------------------------------------- export


def export(found: Any, ctx: ExportContext) -> dict[str, Any] | None:
    """Each entry of the pool's own (``ALL`` first) with its CSS inline. The logo cannot
    be exported (Get gives only its URL): the entry is written without ``ImageFile``
    (which keeps the live logo) and a note says where it is."""
    out: dict[str, Any] = {}
    for name in sorted(found or {}, key=lambda n: (n != ALL, n)):
        entry = found[name]
        css = empty_css_is_none(entry.get("CSS"))
        out[name] = {"CSS": css} if css is not None else {}
        if entry.get("ImageUrl"):
            _export_note(ctx, f"pools.{ctx.pool}.{KEY}.{name}: its logo is not exported "
                         f"(GetUICustomization gives only its URL, {entry['ImageUrl']}); "
                         "the entry keeps it as long as the file writes no change to it. "
                         "To manage it, save the image next to the file and add "
                         "ImageFile: <its file>")
    return out or None


def _export_note(ctx: ExportContext, note: str) -> None:
    if ctx.add_note is not None:
        ctx.add_note(note)


# --------------------------------------------------------------------------- rules


def one_css_source(pool: Any) -> Iterator[Problem]:
    """CSS is either written inline or read from a file, not both."""
    for name, entry in written_entries(pool, KEY):
        if "CSS" in entry and "CSSFile" in entry:
            yield Problem("write CSS or CSSFile, not both", pool.at(KEY, name, "CSSFile"))


def image_tags_within_budget(pool: Any) -> Iterator[Problem]:
    """Each logo is recorded in a pool tag (``image_tag``) and a pool has at most 50:
    the file's UserPoolTags and its logos must fit (poolsync's other tags are checked
    at plan time, against the live pool)."""
    tags = pool.settings.get("UserPoolTags") if isinstance(pool.settings, Mapping) else None
    user = [k for k in tags if not str(k).startswith("aws:")] if isinstance(tags, Mapping) else []
    logos = [name for name, entry in written_entries(pool, KEY)
             if isinstance(entry.get("ImageFile"), str)]
    if logos and len(user) + len(logos) > MAX_TAGS:
        yield Problem(f"{len(logos)} logos need {len(logos)} pool tags to record them and "
                      f"settings.UserPoolTags has {len(user)}: a user pool has at most "
                      f"{MAX_TAGS} tags", pool.at(KEY, logos[-1], "ImageFile"))


# --------------------------------------------------------------------------- schema


def schema(conv: Any) -> dict[str, Any]:
    """``ALL`` or a client name -> CSS (CSSType) or CSSFile, and ImageFile: a path, which
    poolsync reads and sends as the API's ImageFile blob."""
    css = dict(conv.ref(conv.model.shape_for("CSSType")))
    conv.defs["poolsync.UICustomization"] = {
        "type": "object",
        "description": "One hosted UI (classic) customization: SetUICustomization's CSS and "
                       "ImageFile. A member left out keeps its live value; null removes it.",
        "properties": {
            "CSS": {"anyOf": [css, {"type": "null"}],
                    "description": "The CSS, inline (SetUICustomization CSS); null: none."},
            "CSSFile": {"type": "string", "minLength": 1,
                        "description": "A UTF-8 file holding the CSS, relative to this YAML "
                                       "file (instead of CSS)."},
            "ImageFile": {"anyOf": [{"type": "string", "minLength": 1}, {"type": "null"}],
                          "description": "The logo: a PNG or JPEG file of at most 131072 "
                                         "bytes, relative to this YAML file, sent as "
                                         "SetUICustomization's ImageFile; null: no logo."},
        },
        "additionalProperties": False,
    }
    return map_schema(conv, "Hosted UI (classic) customization by app client name; ALL is "
                            "the pool-wide default (SetUICustomization ClientId ALL).",
                      ref("poolsync.UICustomization"))


def files(written: Any) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """The CSS and logo files the entries name (checked by validate: config.py)."""
    for name, entry in (written.items() if isinstance(written, Mapping) else ()):
        for member in _FILE_MEMBERS:
            value = entry.get(member) if isinstance(entry, Mapping) else None
            if isinstance(value, str) and value:
                yield (KEY, str(name), member), value


KIND = Kind(
    prunes=True, key=KEY, kind=OBJECT_KIND, read=read, plan=plan, export=export,
    reads=("GetUICustomization",),
    writes=("SetUICustomization", "TagResource", "UntagResource"),
    category={"GetUICustomization": "UserPoolRead", "SetUICustomization": "UserPoolUpdate"},
    needs_clients=True, needs_domain=True, per_client=True,
    rules=(one_css_source, image_tags_within_budget), schema=schema, files=files,
)
