"""approved_values / approved_series: correctness and one query each."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kechuang.reported.selectors import ApprovedValue, approved_series, approved_values
from kechuang.reported.tests.conftest import make_value

pytestmark = pytest.mark.django_db


@pytest.fixture
def series(indicators, users, county_a, county_b):
    ind = indicators["county_fiscal_st_spending"]
    staff, clerk = users["city_staff"], users["county_a_staff"]
    ok = dict(status="approved", reviewed_by=staff)
    rows = [
        make_value(ind, clerk, county=county_a, period_end=dt.date(2025, 1, 31), value="10", **ok),
        make_value(ind, clerk, county=county_a, period_end=dt.date(2025, 2, 28), value="20", **ok),
        # a mid-month figure, then the month end: the month end is the latest of March
        make_value(ind, clerk, county=county_a, period_end=dt.date(2025, 3, 15), value="25", **ok),
        make_value(ind, clerk, county=county_a, period_end=dt.date(2025, 3, 31), value="30", **ok),
        make_value(ind, clerk, county=county_a, period_end=dt.date(2025, 4, 30), value="99"),
        make_value(ind, clerk, county=county_a, period_end=dt.date(2025, 5, 31), value="98",
                   status="rejected", reviewed_by=staff),
        make_value(ind, users["county_b_staff"], county=county_b,
                   period_end=dt.date(2025, 2, 28), value="7", **ok),
        make_value(indicators["rd_intensity"], users["city_admin"],
                   period_end=dt.date(2025, 6, 30), value="2.31", **ok),
    ]
    return ind, rows


def test_approved_values_latest_per_county_as_of(series, indicators, county_a, county_b,
                                                  django_assert_num_queries):
    ind, rows = series
    rd = indicators["rd_intensity"]
    with django_assert_num_queries(1):
        got = approved_values(indicator_ids=[ind.pk, rd.pk], as_of=dt.date(2025, 6, 30))
    assert set(got) == {(ind.pk, county_a.pk), (ind.pk, county_b.pk), (rd.pk, None)}
    a = got[(ind.pk, county_a.pk)]
    assert isinstance(a, ApprovedValue)
    assert (a.value, a.period_end, a.reported_value_id) == (
        Decimal("30"), dt.date(2025, 3, 31), rows[3].pk)
    assert a.approved_by == "city_staff" and a.approved_at is not None
    assert got[(rd.pk, None)].value == Decimal("2.31")
    early = approved_values(indicator_ids=[ind.pk], as_of=dt.date(2025, 2, 27))
    assert early == {(ind.pk, county_a.pk): early[(ind.pk, county_a.pk)]}
    assert early[(ind.pk, county_a.pk)].value == 10
    assert approved_values(indicator_ids=[], as_of=dt.date(2025, 6, 30)) == {}


def test_approved_series_by_month(series, county_a, county_b, indicators,
                                  django_assert_num_queries):
    ind, _ = series
    with django_assert_num_queries(1):
        got = approved_series(indicator_id=ind.pk, year=2025, county_id=county_a.pk)
    assert got == {1: Decimal("10"), 2: Decimal("20"), 3: Decimal("30")}
    assert approved_series(indicator_id=ind.pk, year=2025, county_id=county_b.pk) == {
        2: Decimal("7")}
    assert approved_series(indicator_id=ind.pk, year=2024, county_id=county_a.pk) == {}
    assert approved_series(indicator_id=indicators["rd_intensity"].pk, year=2025) == {
        6: Decimal("2.31")}
