"""The pure progress rules: status thresholds at their boundaries, curves, forecasts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kechuang.kpi.progress import (
    ProgressInput,
    Status,
    Thresholds,
    curve_fraction,
    evaluate,
    fmt,
    year_fraction,
)

MID_YEAR = dt.date(2025, 7, 2)  # day 183 of 365


def run(value, target=D(100), as_of=MID_YEAR, **kw):
    return evaluate(ProgressInput(year=2025, as_of=as_of, value=value, target=target, **kw))


def test_year_fraction_bounds():
    assert year_fraction(dt.date(2024, 12, 31), 2025) == 0
    assert year_fraction(dt.date(2025, 12, 31), 2025) == 1
    assert year_fraction(dt.date(2025, 1, 1), 2025) == D(1) / D(365)
    assert year_fraction(dt.date(2024, 12, 31), 2024) == 1  # leap year end


def test_achieved_at_the_target_and_not_one_below():
    assert run(D(100)).status == Status.ACHIEVED
    assert run(D(99)).status != Status.ACHIEVED


def test_strict_comparison_needs_more_than_the_target():
    assert run(D(100), comparison=">").status != Status.ACHIEVED
    assert run(D("100.01"), comparison=">").status == Status.ACHIEVED


def test_linear_thresholds_at_their_boundaries():
    # expected at day 183/365 of a target of 365 is exactly 183
    th = Thresholds(on_track=D("0.9"), at_risk=D("0.7"))
    expected = D(183)
    at = lambda v: run(v, target=D(365), thresholds=th)  # noqa: E731
    assert at(expected * D("0.9")).status == Status.ON_TRACK
    assert at(expected * D("0.9") - D("0.01")).status == Status.AT_RISK
    assert at(expected * D("0.7")).status == Status.AT_RISK
    assert at(expected * D("0.7") - D("0.01")).status == Status.BEHIND
    p = at(D(183))
    assert p.expected_basis == "linear" and p.expected_pct == D("50.14")
    assert p.forecast == D("365.00")


def test_thresholds_are_configurable():
    strict = Thresholds(on_track=D("1"), at_risk=D("0.95"))
    # 170 is 92.9% of the 183 expected by 2 July
    assert run(D(170), target=D(365)).status == Status.ON_TRACK
    assert run(D(170), target=D(365), thresholds=strict).status == Status.BEHIND


def test_thresholds_must_be_ordered():
    with pytest.raises(ValueError):
        Thresholds(on_track=D("0.5"), at_risk=D("0.6"))
    with pytest.raises(ValueError):
        Thresholds(on_track=D("1.1"), at_risk=D("0.6"))


def test_last_year_curve_drives_expected_progress():
    # last year: nothing until November, then the batch of recognitions
    curve = tuple(D(0) for _ in range(10)) + (D(60), D(80))
    p = run(D(0), target=D(94), as_of=dt.date(2025, 10, 31), last_year_curve=curve)
    assert p.expected_basis == "last_year_curve"
    assert p.expected_pct == D(0)
    assert p.status == Status.ON_TRACK  # not "behind" in October: the batch comes later
    assert p.forecast is None  # nothing to extrapolate from yet
    late = run(D(40), target=D(94), as_of=dt.date(2025, 12, 31), last_year_curve=curve)
    assert late.expected_pct == D(100) and late.status == Status.BEHIND


def test_curve_fraction_interpolates_within_the_month():
    curve = tuple(D(m * 10) for m in range(1, 13))  # 10 per month, 120 in all
    assert curve_fraction(curve, dt.date(2025, 1, 31), 2025) == D(10) / D(120)
    half_feb = curve_fraction(curve, dt.date(2025, 2, 14), 2025)
    assert half_feb == (D(10) + D(10) * D(14) / D(28)) / D(120)
    assert curve_fraction(tuple(D(0) for _ in range(12)), MID_YEAR, 2025) is None


def test_forecast_follows_the_curve():
    curve = tuple(D(m * 10) for m in range(1, 13))
    p = run(D(60), target=D(100), as_of=dt.date(2025, 6, 30), last_year_curve=curve)
    assert p.forecast == D("120.00")


def test_relative_target_compares_with_the_reference_value():
    p = run(D("2.1"), target=None, comparison=">", reference_value=D("2.1"))
    assert p.status == Status.BEHIND and p.goal_kind == "reference"
    assert "尚差 0" in p.explanation
    assert run(D("2.11"), target=None, comparison=">",
               reference_value=D("2.1")).status == Status.ACHIEVED


def test_growth_without_a_number_compares_with_last_year():
    inc = dict(target=None, direction="increase")
    assert run(D(11), last_year_same_date=D(10), **inc).status == Status.ON_TRACK
    assert run(D(10), last_year_same_date=D(10), **inc).status == Status.AT_RISK
    assert run(D(6), last_year_same_date=D(10), **inc).status == Status.BEHIND
    assert run(D(1), last_year_same_date=D(0), **inc).status == Status.ON_TRACK


def test_no_value_is_no_data_never_zero():
    p = run(None)
    assert p.status == Status.NO_DATA and p.value is None


def test_no_target_and_no_history():
    assert run(D(5), target=None).status == Status.NO_TARGET


def test_state_metric_gets_no_forecast():
    p = run(D(11), target=D(12), dated=False)
    assert p.forecast is None and p.expected_pct is None
    assert "尚差 1" in p.explanation
    assert run(D(11), target=D(12), dated=False,
               as_of=dt.date(2025, 12, 31)).status == Status.BEHIND


def test_fmt_drops_trailing_zeros():
    assert fmt(D("94.0000")) == "94" and fmt(D("43.880")) == "43.88"
    assert fmt(D("1E+2")) == "100" and fmt(None) == "—"


RANK = {Status.BEHIND: 0, Status.AT_RISK: 1, Status.ON_TRACK: 2, Status.ACHIEVED: 3}
values = st.decimals(min_value=0, max_value=10_000, places=2, allow_nan=False)
days = st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2025, 12, 31))


@given(a=values, b=values, day=days, target=st.decimals(min_value=1, max_value=5_000, places=0))
def test_more_is_never_worse(a, b, day, target):
    lo, hi = sorted((a, b))
    s_lo = run(lo, target=target, as_of=day).status
    s_hi = run(hi, target=target, as_of=day).status
    assert RANK[s_hi] >= RANK[s_lo]


@given(value=values, day=days, target=st.decimals(min_value=1, max_value=5_000, places=0))
def test_achieved_exactly_when_the_target_is_met(value, day, target):
    assert (run(value, target=target, as_of=day).status == Status.ACHIEVED) == (value >= target)


def test_relative_target_without_its_reference_value_asks_for_it():
    p = run(D("2.31"), target=None, comparison=">", reference_label="全省平均水平")
    assert p.status == Status.NO_TARGET
    assert "参照值（全省平均水平）尚未录入" in p.explanation


def test_at_year_end_a_missed_target_is_behind_however_close():
    end = dt.date(2025, 12, 31)
    p = run(D(93), target=D(94), as_of=end)
    assert p.status == Status.BEHIND and "年度已结束" in p.explanation and "差 1" in p.explanation
    assert run(D(94), target=D(94), as_of=end).status == Status.ACHIEVED
    assert run(D(93), target=D(94), as_of=dt.date(2025, 12, 30)).status == Status.ON_TRACK
