"""The plan's "weakens" labels: a change that makes a ``poolsync check`` rule fail where
it passes on the live pool ("MfaConfiguration "ON" → "OPTIONAL": weakens PS-COG-006
(Security Hub Cognito.5, ...)").

``weakenings(live, desired)`` is the function of two pool views (``views.from_live``,
``views.after_apply``): the rules run on both, and each failure of the desired view
that the live view does not have is one label. The profile is the baseline with
Prowler's reading of MFA (``LABELS``): MFA ON → OPTIONAL is a weakening even where
Security Hub would pass both, while strict's tighter poolsync policies (a 7-day
refresh token) would label every new client. ``label_plan`` attaches them to the objects of a
plan whose changes cause them (the pool, its MFA, a client, a risk configuration),
leaving out rules the pool's ``check.disable`` suppresses. Pure: the live pools come
with the plan (``PoolPlan.live``).
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from poolsync.check.model import Failure, Profile, Rule
from poolsync.check.rules import BASELINE, RULES
from poolsync.check.suppress import suppressions
from poolsync.check.views import PoolView, after_apply, from_live
from poolsync.model import (
    MISSING,
    Config,
    ObjectPlan,
    Path,
    Plan,
    PoolConfig,
    PoolPlan,
    Secrets,
    render_path,
)
from poolsync.model import Weakening as Label
from poolsync.render import format_value

LABELS = replace(BASELINE, name="baseline, MFA ON", mfa_on_required=True)


def _identity(rule: Rule, failure: Failure) -> Hashable:
    """What makes two failures the same in both views: the rule and the key; for a list
    item (a callback URL) the list and the item, as indexes of two lists differ."""
    if failure.path and isinstance(failure.path[-1], int):
        return (rule.id, failure.path[:-1], str(failure.value))
    return (rule.id, failure.path)


def _failures(view: PoolView, profile: Profile, rules: Sequence[Rule]
              ) -> dict[Hashable, tuple[Rule, Failure]]:
    return {_identity(rule, f): (rule, f) for rule in rules if not rule.files_only
            for f in rule.evaluate(view, profile)}


def _shown(value: Any, path: Path, from_environment: Collection[Path] = ()) -> Any:
    """The value a label may show: none for a list item (a URL may come from
    ``${env:...}``), nor for a value the rule does not name, nor for a value at or
    holding one that came from ``${env:...}`` (a secret: the plan shows the live value
    of such a field only where the file writes it literally, docs/github.md)."""
    if value is MISSING or (path and isinstance(path[-1], int)):
        return MISSING
    if any(tuple(at[:len(path)]) == tuple(path) for at in from_environment):
        return MISSING
    return value


def weakenings(live: PoolView, desired: PoolView, profile: Profile = LABELS,
               rules: Sequence[Rule] = RULES, from_environment: Collection[Path] = ()
               ) -> list[tuple[Path, Label]]:
    """(path below the pool, label) for each rule failure ``desired`` has and ``live``
    does not. The label's values are those of both views at the failure's path: a
    rule's ``Failure.value`` names what fails (``"implicit"``), not always the value
    there (``AllowedOAuthFlows: ["code", "implicit"]``); a rule that gives none shows
    none. ``from_environment``: where ``${env:...}`` substitutions landed below the
    pool (``model.Substitution.at``), whose values no label shows."""
    before = _failures(live, profile, rules)
    out = []
    for key, (rule, failure) in _failures(desired, profile, rules).items():
        if key in before:
            continue
        path = failure.path
        after = MISSING if failure.value is MISSING else desired.value(path)
        old = _shown(live.value(path), path, from_environment)
        new = _shown(after, path, from_environment)
        where = render_path(failure.path)
        change = (f"{where} {format_value(old)} → {format_value(new)}"
                  if new is not MISSING else where)
        text = f"{change}: weakens {rule.id} ({rule.origin_text}): {failure.message}"
        out.append((failure.path, Label(rule.id, rule.origin_text, where, old, new, text)))
    return out


def _address(pool: str, path: Path) -> str:
    """The plan object a path below the pool belongs to."""
    if path[:1] in (("mfa",),):
        return f"{pool}/mfa"
    if len(path) >= 2 and path[0] in ("clients", "risk_configuration"):
        return f"{pool}/{path[0]}/{path[1]}"
    return pool


def _label_pool(pool: PoolPlan, cfg: PoolConfig, today: date) -> PoolPlan:
    if pool.live is None or not pool.objects:
        return pool
    active = {s.rule for s in suppressions(cfg.check, cfg.locate) if not s.expired(today)}
    rules = [r for r in RULES if r.id not in active]
    substituted = tuple(s.at for s in (cfg.secrets.substitutions
                                       if isinstance(cfg.secrets, Secrets) else ()))
    found = weakenings(from_live(cfg, pool.live), after_apply(cfg, pool.live), LABELS, rules,
                       substituted)
    if not found:
        return pool
    by_address: dict[str, list[Label]] = {}
    addresses = {o.address for o in pool.objects}
    for path, label in found:
        address = _address(pool.name, path)
        if address not in addresses:
            address = pool.name if pool.name in addresses else pool.objects[0].address
        by_address.setdefault(address, []).append(label)
    objects = tuple(_with(o, by_address.get(o.address, [])) for o in pool.objects)
    return replace(pool, objects=objects)


def _with(obj: ObjectPlan, labels: list[Label]) -> ObjectPlan:
    return replace(obj, weakens=(*obj.weakens, *labels)) if labels else obj


def label_plan(plan: Plan, config: Config, today: date | None = None) -> Plan:
    """``plan`` with every object's weakens labels (``PoolPlan.live`` holds what each
    pool was planned from; a pool created in this run has none)."""
    day = today or datetime.now(UTC).date()
    pools: Mapping[tuple[str, str], PoolConfig] = {(p.region, p.name): p for p in config.pools}
    labelled = []
    for pool in plan.pools:
        cfg = pools.get((pool.region, pool.name))
        labelled.append(pool if cfg is None else _label_pool(pool, cfg, day))
    return replace(plan, pools=tuple(labelled))
