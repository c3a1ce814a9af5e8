"""The derived supervision status at boundary dates (issue #18: statuses derived, not typed)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from kechuang.policy.supervision import (
    DONE,
    IN_PROGRESS,
    LATE,
    NOT_STARTED,
    MilestoneFact,
    derive_status,
    notice_state,
)

D = dt.date(2025, 6, 30)
days = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2026, 12, 31))


def test_nothing_yet_is_not_started():
    assert derive_status(today=D) == NOT_STARTED


def test_deadline_day_itself_is_not_late_the_day_after_is():
    assert derive_status(today=D, due=D) == NOT_STARTED
    assert derive_status(today=D + dt.timedelta(days=1), due=D) == LATE


def test_milestone_passes_without_an_update_then_late():
    m = MilestoneFact(due=D)
    assert derive_status(today=D, milestones=[m], updates=[D - dt.timedelta(days=3)]) \
        == IN_PROGRESS
    assert derive_status(today=D + dt.timedelta(days=1), milestones=[m],
                         updates=[D - dt.timedelta(days=3)]) == LATE
    reached = MilestoneFact(due=D, reached_on=D)
    assert derive_status(today=D + dt.timedelta(days=1), milestones=[reached],
                         updates=[D]) == IN_PROGRESS


def test_completion_counts_from_its_day():
    assert derive_status(today=D - dt.timedelta(days=1), completed_on=D,
                         updates=[D - dt.timedelta(days=5)]) == IN_PROGRESS
    assert derive_status(today=D, completed_on=D, due=D - dt.timedelta(days=9)) == DONE


@given(due=days, today=days)
def test_late_exactly_when_the_deadline_is_before_today(due, today):
    status = derive_status(today=today, due=due)
    assert (status == LATE) == (due < today)


@given(due=days, reached=st.none() | days, today=days, updates=st.lists(days, max_size=4))
def test_milestone_rule_at_any_dates(due, reached, today, updates):
    m = MilestoneFact(due=due, reached_on=reached)
    status = derive_status(today=today, milestones=[m], updates=updates)
    missed = due < today and (reached is None or reached > today)
    if missed:
        assert status == LATE
    elif any(u <= today for u in updates):
        assert status == IN_PROGRESS
    else:
        assert status == NOT_STARTED


@given(completed=days, today=days, due=days)
def test_done_wins_from_the_completion_day_only(completed, today, due):
    status = derive_status(today=today, due=due, completed_on=completed)
    assert (status == DONE) == (completed <= today)


@given(due=days, answered=st.none() | days, today=days)
def test_notice_state(due, answered, today):
    state = notice_state(today=today, answer_due=due, answered_on=answered)
    if answered is not None and answered <= today:
        assert state == "answered"
    else:
        assert state == ("overdue" if due < today else "open")
