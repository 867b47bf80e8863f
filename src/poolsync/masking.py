"""Where the secrets are in a plan, and what each output shows in their place.

Secrets (README, "Plans, apply and safety"): every value that comes from
``${env:...}``, whatever field it stands in (a domain, a callback URL, a scope, the
region), and the fields that are secret by kind (a provider's ``client_secret`` and
``private_key``, a ``ClientSecret``) however they are written. No output shows one: not
plan, apply or drift in any format, not a plan file, an error, or the ``--debug`` log.

Masking goes by location, not by substring: a short value (``e``, ``dev``) is hidden
where it stands, and the rest of the plan stays reviewable. Three layers:

1. Fields (``mask_plan``): a field change whose field holds an ``${env:...}``
   substitution (``model.Substitution.at``, mapped to the object and field the plan
   shows) is sensitive; it shows the value as written
   (``https://app.example.com/cb?k=${env:K}``), which is safe and what a reviewer
   needs, and the live value only where the file writes it literally. Secret fields by
   kind show nothing: "(sensitive, changed)". ``diff`` already marks, wherever they
   are, fields that hold a secret of ``LONG`` characters or more.
2. Text in the plan: an object's reason and notes and the hosted UI sign-in URLs get the
   substitutions of their own object (and the pool's region and id) replaced by what
   was written, where they stand alone as a token (``mask_text``); the plan header's
   region and id too (``PoolPlan.shown_region``, ``shown_pool_id``).
3. The last line (``logs.redact``, on every output stream and every error): a secret
   of ``LONG`` characters or more is replaced wherever it appears; a shorter one only
   where it stands quoted. Short values are never searched for inside unrelated text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any
from urllib.parse import quote, unquote

from poolsync.kinds import part_by_kind
from poolsync.kinds.identity_provider import is_secret_path
from poolsync.kinds.settings import LEGACY_MESSAGE_FIELDS
from poolsync.model import (
    Config,
    FieldChange,
    ObjectPlan,
    Path,
    Plan,
    PoolConfig,
    PoolPlan,
    Substitution,
)

# A secret at least this long is redacted wherever it appears, even inside other text:
# no common word or path part is that long by chance. A shorter one is replaced only
# where it stands alone (a token) in text about its own object.
LONG = 8
SENSITIVE = "(sensitive)"
# Below this length a value found inside a word of a shown string is not a disclosure
# ("e" in "email"); from it on, such a string is hidden whole.
_EMBEDDED = 4
# Where a collection's items are in the config, by the plan's object kind.
_COLLECTIONS = {"client": "clients", "identity_provider": "identity_providers",
                "group": "groups", "resource_server": "resource_servers"}
# Settings a file may write under a legacy name, and the field the plan shows them at
# (kinds.settings.fold_legacy_aliases).
_ALIASES: dict[Path, Path] = {
    (old,): ("VerificationMessageTemplate", new) for old, new in LEGACY_MESSAGE_FIELDS.items()
}
_POOL_WIDE = (("region",), ("id",))
_REDIRECT = "&redirect_uri="


def substitutions(cfg: PoolConfig) -> tuple[Substitution, ...]:
    """The pool's substitutions (none for a config built by hand, without files)."""
    return tuple(getattr(cfg.secrets, "substitutions", ()))


def secret_fields(config: Config) -> set[str]:
    """The names of the fields ``${env:...}`` substitutions landed in (``Description``,
    ``CallbackURLs``, a tag's key), the legacy settings by their current names too: in
    a logged request or response, their values are redacted whatever they are
    (``logs.SecretSet``), the live ones included."""
    fields: set[str] = set()
    for cfg in config.pools:
        for sub in substitutions(cfg):
            if sub.at in _POOL_WIDE:
                continue  # the region and id are long: redacted as values anywhere
            for at in (sub.at, (sub.at[0], *_relative(sub.at[1:], ("settings",)))):
                named = [part for part in at if isinstance(part, str)]
                if named:
                    fields.add(named[-1])
    return fields


def mask_plan(plan: Plan, config: Config) -> Plan:
    """``plan`` as every output may show it: the same actions, calls and values (apply
    and the checksum use them), with field changes marked sensitive where the secrets
    are and shown as written, and reasons, notes, sign-in URLs, region and id masked."""
    pools = {(p.region, p.name): p for p in config.pools}
    masked = []
    for pool in plan.pools:
        cfg = pools.get((pool.region, pool.name))
        masked.append(pool if cfg is None else mask_pool(pool, cfg))
    return replace(plan, pools=tuple(masked))


def mask_pool(pool: PoolPlan, cfg: PoolConfig) -> PoolPlan:
    subs = substitutions(cfg)
    if not subs:
        return pool
    wide = [s for s in subs if s.at in _POOL_WIDE]
    objects = tuple(_mask_object(obj, cfg, subs, wide) for obj in pool.objects)
    urls = tuple((client, _mask_sign_in_url(url, client, cfg, subs, wide))
                 for client, url in pool.sign_in_urls)
    return replace(pool, objects=objects, sign_in_urls=urls,
                   shown_region=_shown_header(pool.region, subs, ("region",)),
                   shown_pool_id=_shown_header(pool.pool_id, subs, ("id",)))


def _shown_header(value: str | None, subs: Sequence[Substitution], at: Path) -> str | None:
    """The region or the pool id as written when it comes from ``${env:...}``; a pool
    id also shows the region it starts with as written. None: shown as it is."""
    if value is None:
        return None
    written = next((s.template for s in subs if s.at == at and s.resolved == value), None)
    if written is not None:
        return written
    masked = mask_text(value, [s for s in subs if s.at in _POOL_WIDE], tokens=False)
    return masked if masked != value else None


# --------------------------------------------------------------------------- objects


def object_root(obj: ObjectPlan, pool: str) -> Path | None:
    """Where the object ``obj`` plans is written below its pool's key (None for what no
    file writes, such as an unmanaged custom attribute)."""
    if obj.kind == "pool":
        return ("settings",)
    if obj.kind in ("mfa", "domain"):
        return (obj.kind,)
    part = part_by_kind(obj.kind)
    if part is not None:  # POOL/KEY or POOL/KEY/CLIENT
        root = tuple(obj.address[len(pool) + 1:].split("/", 1))
        return root if obj.address.startswith(f"{pool}/{part.key}") else None
    collection = _COLLECTIONS.get(obj.kind)
    prefix = f"{pool}/{collection}/"
    if collection is None or not obj.address.startswith(prefix):
        return None
    return (collection, obj.address[len(prefix):])


def _mask_object(obj: ObjectPlan, cfg: PoolConfig, subs: Sequence[Substitution],
                 wide: Sequence[Substitution]) -> ObjectPlan:
    root = object_root(obj, cfg.name)
    own = [] if root is None else [s for s in subs if s.at[:len(root)] == root]
    # The pool's and MFA's refusals weigh the whole pool's state (settings, MFA, the
    # domain and the clients): any substitution of the pool may be what they name.
    about = list(subs) if obj.kind in ("pool", "mfa") else [*own, *wide]
    changes = obj.changes
    if own and root is not None:
        literals = _literals(cfg, root, {s.at for s in subs})
        changes = tuple(_mask_change(c, obj.kind, root, own, literals) for c in changes)
    reason = _mask_prose(obj.reason, about, subs)
    notes = tuple(_mask_prose(note, about, subs) for note in obj.notes)
    if changes == obj.changes and reason == obj.reason and notes == obj.notes and all(
            a.shown is b.shown for a, b in zip(changes, obj.changes, strict=True)):
        return obj
    return replace(obj, changes=changes, reason=reason, notes=notes)


def _mask_change(change: FieldChange, kind: str, root: Path, own: Sequence[Substitution],
                 literals: frozenset[str]) -> FieldChange:
    here = [s for s in own if _lands_in(change.path, _relative(s.at[len(root):], root))]
    if not here:
        return change
    if kind in ("client", "identity_provider") and is_secret_path(change.path):
        return replace(change, sensitive=True, shown=None)  # secret by kind: nothing shown
    # A value can be a key of the plan's own shape (a schema attribute, by its name).
    path = tuple(mask_text(part, here) if isinstance(part, str) else part
                 for part in change.path)
    return replace(change, path=path, sensitive=True, shown=(
        _shown(change.before, here, literals, live=True),
        _shown(change.after, here, literals, live=False)))


def _relative(at: Path, root: Path) -> Path:
    """A substitution's path below its object as the plan shows the object's fields
    (a legacy setting under the name of its current twin)."""
    if root == ("settings",):
        for old, new in _ALIASES.items():
            if at[:len(old)] == old:
                return (*new, *at[len(old):])
    return at


def _lands_in(field: Path, at: Path) -> bool:
    """Whether a substitution at ``at`` (below the object) is in the field change at
    ``field``: inside it, or inside a list the plan shows by another key (the schema's
    attributes are listed in the file, keyed by name in the plan)."""
    if at[:len(field)] == field:
        return True
    listed = _before_index(at)
    return bool(listed) and field[:len(listed)] == listed


def _before_index(path: Path) -> Path:
    for index, part in enumerate(path):
        if isinstance(part, int):
            return path[:index]
    return path


def _literals(cfg: PoolConfig, root: Path, substituted: set[Path]) -> frozenset[str]:
    """The strings the object's section of the file writes literally (not from
    ``${env:...}``): a live value equal to one of them is no secret."""
    found: set[str] = set()

    def walk(value: Any, path: Path) -> None:
        if isinstance(value, str):
            if path not in substituted:
                found.add(value)
        elif isinstance(value, Mapping):
            for key, item in value.items():
                walk(item, (*path, key))
        elif isinstance(value, list | tuple):
            for index, item in enumerate(value):
                walk(item, (*path, index))

    walk(_config_at(cfg, root), root)
    return frozenset(found)


def _config_at(cfg: PoolConfig, root: Path) -> Any:
    if root[0] == "settings":
        return cfg.settings
    if root[0] == "mfa":
        return cfg.mfa
    if root[0] == "domain":
        return cfg.domain
    collection = getattr(cfg, str(root[0]), None)
    return (collection or {}).get(root[1]) if len(root) > 1 else None


def _shown(value: Any, subs: Sequence[Substitution], literals: frozenset[str],
           live: bool) -> Any:
    """``value`` with each string shown as the file writes it. A live string that is
    neither the substituted value nor written literally may be the secret the file now
    replaces (a rotated one): it is hidden."""
    if isinstance(value, str):
        return _shown_text(value, subs, literals, live)
    if isinstance(value, Mapping):
        return {key: _shown(item, subs, literals, live) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return _in_shown_order(value, [_shown(item, subs, literals, live) for item in value])
    return value


def _in_shown_order(real: Sequence[Any], shown: list[Any]) -> list[Any]:
    """A list with a masked item, ordered by what is shown, not by the real values.
    Lists Cognito treats as sets are sorted by value (``normalize.sort_sets``), so the
    place a masked item takes among items the file writes next to it would tell where
    its secret sorts: one plan per character, written by a pull request, would read the
    secret out of the plan comment. Sorted by the shown text, the place says nothing."""
    if all(a == b for a, b in zip(real, shown, strict=True)):
        return shown
    return sorted(shown, key=lambda item: json.dumps(item, sort_keys=True, default=str))


def _shown_text(text: str, subs: Sequence[Substitution], literals: frozenset[str],
                live: bool) -> str:
    for sub in subs:
        if text == sub.resolved:
            return sub.template
    if text in literals:
        return text
    masked = mask_text(text, subs)
    if _still_holds(masked, subs):
        return SENSITIVE
    if live and masked == text:
        return SENSITIVE
    return masked


def _still_holds(text: str, subs: Iterable[Substitution]) -> bool:
    return any(len(secret) >= _EMBEDDED and secret in text
               for sub in subs for secret in sub.secrets)


def reveals(text: str, subs: Iterable[Substitution]) -> bool:
    """Whether ``text`` still shows a substituted value, in any form text quotes it in:
    anywhere when it is ``_EMBEDDED`` characters or more, else as a token."""
    return any(
        (form in text) if len(secret) >= _EMBEDDED else re.search(_token(form), text)
        for sub in subs for secret in sub.secrets for form in _forms(secret))


def _mask_prose(text: str, about: Sequence[Substitution],
                everywhere: Sequence[Substitution]) -> str:
    """A reason or note: the substitutions of its own object where they stand as
    tokens, and any long secret of the pool wherever it is."""
    if not text:
        return text
    masked = mask_text(text, about)
    return mask_text(masked, everywhere, tokens=False)


# --------------------------------------------------------------------------- sign-in URLs


def _mask_sign_in_url(url: str, client: str, cfg: PoolConfig,
                      subs: Sequence[Substitution], wide: Sequence[Substitution]) -> str:
    """``https://HOST/login?client_id=...&redirect_uri=URL`` (kinds.domain.sign_in_url) with
    the domain, region and redirect URL shown as written. A redirect URL of a client
    whose callback URLs come from ``${env:...}`` is hidden unless it is one of them."""
    mine = [s for s in subs if s.at[:2] == ("clients", client)]
    around = [s for s in subs if s.at[:1] == ("domain",)] + list(wide)
    head, found, redirect = url.partition(_REDIRECT)
    head = mask_text(head, around)
    if not found:
        return mask_text(head, subs, tokens=False)
    target = unquote(redirect)
    redirects = [s for s in mine if s.at[2:3] in (("CallbackURLs",), ("DefaultRedirectURI",))]
    shown = next((s.template for s in mine if s.resolved == target), None)
    if _picked_by_sorting(cfg, client, mine):
        shown = SENSITIVE
    if shown is None:
        literals = _literals(cfg, ("clients", client), {s.at for s in subs})
        shown = quote(target, safe="") if (not redirects or target in literals) else SENSITIVE
    return mask_text(f"{head}{_REDIRECT}{shown}", subs, tokens=False)


def _picked_by_sorting(cfg: PoolConfig, client: str, mine: Sequence[Substitution]) -> bool:
    """Whether the sign-in URL's redirect was picked as the first callback URL in sorted
    order (no ``DefaultRedirectURI``: kinds.domain.sign_in_url) from callbacks of which one
    comes from ``${env:...}``: which one is shown would say where the secret sorts
    among the file's own URLs (the order oracle of ``_in_shown_order``)."""
    written = (cfg.clients or {}).get(client) or {}
    return (not (isinstance(written, Mapping) and written.get("DefaultRedirectURI"))
            and any(s.at[2:3] == ("CallbackURLs",) for s in mine))


# --------------------------------------------------------------------------- text


def mask_text(text: str, subs: Iterable[Substitution], tokens: bool = True) -> str:
    """``text`` with each substitution's whole string replaced by its template and each
    value by ``${env:NAME}``, in every form text quotes them in (as is, JSON- or
    repr-escaped, URL-encoded). A form of ``LONG`` characters or more is replaced
    wherever it appears; a shorter one only as a token (not inside a word or a longer
    name), and only with ``tokens``. One pass: what was put in is not searched again."""
    pairs: dict[str, str] = {}
    for sub in subs:
        for secret, shown in ((sub.resolved, sub.template),
                              *((value, f"${{env:{name}}}") for name, value in sub.values)):
            for form in _forms(secret):
                pairs.setdefault(form, shown)
    wanted = [form for form in sorted(pairs, key=len, reverse=True)
              if len(form) >= LONG or (tokens and form in text)]
    if not wanted:
        return text
    pattern = "|".join(re.escape(form) if len(form) >= LONG else _token(form)
                       for form in wanted)
    return re.sub(pattern, lambda match: pairs[match.group()], text)


def _forms(secret: str) -> list[str]:
    """How text can quote ``secret``: as is, JSON- and repr-escaped, URL-encoded."""
    if not secret:
        return []
    forms = (secret, json.dumps(secret, ensure_ascii=False)[1:-1], repr(secret)[1:-1],
             json.dumps(secret)[1:-1], quote(secret, safe=""), quote(secret))
    return [form for form in dict.fromkeys(forms) if form]


def _token(form: str) -> str:
    """``form`` where it is not part of a longer word or name."""
    return r"(?<!\w)" + re.escape(form) + r"(?!\w)"
