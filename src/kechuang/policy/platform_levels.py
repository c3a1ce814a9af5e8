"""The level of an innovation platform on a date (issue #17): pure, no Django.

Each recognition (认定) is a (level, date) pair and is never overwritten: a promotion adds one.
On a given day the platform holds the highest level recognised on or before that day — unless
it was revoked (撤销) or delisted (摘牌) on or before that day, when it holds none.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

NATIONAL, PROVINCIAL, CITY = "national", "provincial", "city"
RANK = {CITY: 1, PROVINCIAL: 2, NATIONAL: 3}
PROVINCIAL_OR_ABOVE = frozenset({NATIONAL, PROVINCIAL})


def highest_level(levels: Iterable[str]) -> str:
    """The highest of some levels ("" for none)."""
    best = ""
    for level in levels:
        if not best or RANK[level] > RANK[best]:
            best = level
    return best


def level_on(recognitions: Iterable[tuple[str, dt.date]], ended_on: dt.date | None,
             day: dt.date) -> str:
    """The level held on ``day`` ("" when none, or when ended on or before it)."""
    if ended_on is not None and ended_on <= day:
        return ""
    return highest_level(level for level, on in recognitions if on <= day)


def provincial_or_above_on(recognitions: Iterable[tuple[str, dt.date]],
                           ended_on: dt.date | None, day: dt.date) -> bool:
    """Counted in 省级以上创新平台 on ``day``."""
    return level_on(recognitions, ended_on, day) in PROVINCIAL_OR_ABOVE
