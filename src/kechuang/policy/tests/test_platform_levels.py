"""Property tests of a platform's level on a date: never falls before the platform ends, a
promotion counts from its own date, nothing counts from the end date on."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from kechuang.policy.platform_levels import (
    RANK,
    highest_level,
    level_on,
    provincial_or_above_on,
)

LEVELS = st.sampled_from(sorted(RANK))
DAYS = st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2030, 12, 31))
RECOGNITIONS = st.lists(st.tuples(LEVELS, DAYS), max_size=4)
SETTINGS = settings(max_examples=300, deadline=None)


@SETTINGS
@given(RECOGNITIONS, DAYS, DAYS)
def test_level_never_falls_while_the_platform_stands(recs, a, b):
    first, later = min(a, b), max(a, b)
    before, after = level_on(recs, None, first), level_on(recs, None, later)
    assert RANK.get(after, 0) >= RANK.get(before, 0)


@SETTINGS
@given(RECOGNITIONS, DAYS, DAYS)
def test_nothing_counts_from_the_end_date(recs, ended, day):
    if day >= ended:
        assert level_on(recs, ended, day) == ""
    else:
        assert level_on(recs, ended, day) == level_on(recs, None, day)


@SETTINGS
@given(RECOGNITIONS, DAYS)
def test_promotion_counts_from_its_date(recs, on):
    promoted = [*recs, ("provincial", on)]
    assert provincial_or_above_on(promoted, None, on)
    day_before = on - dt.timedelta(days=1)
    assert provincial_or_above_on(promoted, None, day_before) == provincial_or_above_on(
        recs, None, day_before)


@SETTINGS
@given(st.lists(LEVELS, max_size=5))
def test_highest_is_one_of_them_and_not_below_any(levels):
    best = highest_level(levels)
    assert (best == "") == (not levels)
    assert all(RANK[best] >= RANK[x] for x in levels)
