"""A pool's ``check:`` section: rules it disables, each with a reason and an optional
expiry date::

    check:
      disable:
        - rule: PS-COG-012
          reason: consumers sign themselves up; WAF rate-limits SignUp
          expires: 2026-06-30      # through that day (UTC); leave out for no end

The schema (``poolsync schema``) holds the shape and the rule ids (an unknown id is a
``validate`` error at its line); ``section_problems`` are the offline rules for the
rest (a blank reason, a date that is no day of the calendar such as ``2026-02-30``). A
suppression moves the pool's findings of its rule to ``Report.suppressed``; once
expired it suppresses nothing and is itself a finding (``PS-CHK-001``), at its
``expires`` line.

This module is imported by ``poolsync.rules`` (validate): it imports only the check
package's values (``check.model``), never the rules or the kinds.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from typing import Any

from poolsync.check.model import Suppression
from poolsync.model import Location, Path, Problem

KEY = "check"
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _entries(section: Any) -> Iterator[tuple[int, Mapping[str, Any]]]:
    disable = section.get("disable") if isinstance(section, Mapping) else None
    for index, entry in enumerate(disable if isinstance(disable, list) else []):
        if isinstance(entry, Mapping):
            yield index, entry


def _day(text: Any) -> date | None:
    if not isinstance(text, str) or not _DATE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def section_problems(section: Any, path: Path) -> Iterator[Problem]:
    """What the schema cannot say of an entry: a blank ``reason``, an ``expires`` of the
    form YYYY-MM-DD (the schema's pattern) that is no day of the calendar. ``path``:
    the section's path in the document."""
    for index, entry in _entries(section):
        reason = entry.get("reason")
        if isinstance(reason, str) and reason and not reason.strip():
            yield Problem("a suppression needs a reason: say why the risk is accepted",
                          (*path, "disable", index, "reason"))
        text = entry.get("expires")
        if isinstance(text, str) and _DATE.fullmatch(text) and _day(text) is None:
            yield Problem(f"{text} is not a date (YYYY-MM-DD)",
                          (*path, "disable", index, "expires"))


def suppressions(section: Any, locate: Callable[[Path], Location] | None
                 ) -> tuple[Suppression, ...]:
    """The pool's suppressions (``PoolConfig.check``), each located at its entry."""
    out = []
    for index, entry in _entries(section):
        rule, reason = entry.get("rule"), entry.get("reason")
        if not isinstance(rule, str):
            continue
        where: Path = (KEY, "disable", index)
        out.append(Suppression(
            rule=rule, reason=str(reason or ""), expires=_day(entry.get("expires")),
            index=index, location=locate(where) if locate is not None else None))
    return tuple(out)


def expires_location(suppression: Suppression,
                     locate: Callable[[Path], Location] | None) -> Location | None:
    if locate is None:
        return suppression.location
    return locate((KEY, "disable", suppression.index, "expires"))
