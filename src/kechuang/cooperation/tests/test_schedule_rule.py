"""The on-schedule rule (policy/cooperation.py): examples and properties."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from kechuang.policy.cooperation import MilestoneDates, is_overdue, on_schedule, was_late

D = dt.date
days = st.dates(min_value=D(2020, 1, 1), max_value=D(2030, 12, 31))


def test_examples():
    m = MilestoneDates(D(2025, 6, 30))
    assert on_schedule([m], D(2025, 6, 30))  # due today: not yet overdue
    assert not on_schedule([m], D(2025, 7, 1))
    done_late = MilestoneDates(D(2025, 6, 30), D(2025, 8, 1))
    assert not on_schedule([done_late], D(2025, 7, 15))
    assert on_schedule([done_late], D(2025, 8, 1)) and was_late(done_late)
    assert on_schedule([], D(2025, 1, 1))


@given(due=days, done=st.none() | days, on=days)
def test_a_milestone_done_by_its_due_date_is_never_overdue(due, done, on):
    m = MilestoneDates(due, done)
    if done is not None and done <= due:
        assert not is_overdue(m, on) or done > on
    if on <= due:
        assert not is_overdue(m, on)


@given(ms=st.lists(st.tuples(days, st.none() | days), max_size=6), on=days)
def test_on_schedule_is_no_overdue_milestone(ms, on):
    items = [MilestoneDates(d, x) for d, x in ms]
    assert on_schedule(items, on) == all(not is_overdue(m, on) for m in items)
