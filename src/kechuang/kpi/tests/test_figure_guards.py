"""Guards against a wrong figure on the dashboard: each test fails on one plausible bug.

* the dated one-query path of ``RecordMetric.figures()`` must count records dated exactly on
  the as-of date, as ``value()`` / ``by_county()`` do (``<=``, not ``<``);
* an approved reported value of an earlier year is not this year's figure;
* the city figure of a reported indicator is summed from county rows only for additive
  units (a percentage is not).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.utils import timezone

from conftest import make_enterprise
from kechuang.kpi.selectors import build_dashboard
from kechuang.plans.models import Indicator
from kechuang.reported.models import ReportedValue
from kechuang.reported.services import approve_value, submit_value
from kechuang.reported.tests.conftest import keep_reported

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2025, 6, 15)


# -- the as-of date counts ------------------------------------------------------------------
@pytest.fixture
def on_the_day(regions):
    """Enterprises founded before, exactly on and after the as-of date, in two counties."""
    a, b = regions["140403"], regions["140423"]
    make_enterprise(a, "三月企业", 801, established_on=dt.date(2025, 3, 10))
    make_enterprise(a, "当日企业甲", 802, established_on=AS_OF)
    make_enterprise(b, "当日企业乙", 803, established_on=AS_OF)
    make_enterprise(b, "次日企业", 804, established_on=AS_OF + dt.timedelta(days=1))
    make_enterprise(b, "去年企业", 805, established_on=dt.date(2024, 12, 31))
    return a, b


def test_figures_count_records_dated_on_the_as_of_date(on_the_day, dated_metric):
    a, b = on_the_day
    fig = dated_metric.figures(year=2025, as_of=AS_OF)
    # the same numbers as the per-figure queries …
    assert fig.city == dated_metric.value(year=2025, as_of=AS_OF)
    assert fig.counties == dated_metric.by_county(year=2025, as_of=AS_OF)
    for cid in (a.pk, b.pk):
        assert fig.counties[cid] == dated_metric.value(year=2025, as_of=AS_OF, county_id=cid)
    # … and the right ones: the two founded on the day count, the one a day later does not
    assert fig.city == 3 and fig.counties == {a.pk: 2, b.pk: 1}
    assert fig.curve == [0, 0, 1, 1, 1, 3, 3, 3, 3, 3, 3, 3]
    full = dated_metric.by_month(year=2025)
    assert full == [0, 0, 1, 1, 1, 4, 4, 4, 4, 4, 4, 4]  # the whole year: the day after too
    assert dated_metric.figures(year=2025, as_of=AS_OF, full_curve=True).curve == full


def test_figures_on_the_first_and_last_day_of_the_year(regions, dated_metric):
    make_enterprise(regions["140403"], "元旦企业", 811, established_on=dt.date(2025, 1, 1))
    make_enterprise(regions["140423"], "除夕企业", 812, established_on=dt.date(2025, 12, 31))
    first = dated_metric.figures(year=2025, as_of=dt.date(2025, 1, 1))
    assert first.city == 1 and first.curve[0] == 1 and first.curve[-1] == 1
    last = dated_metric.figures(year=2025, as_of=dt.date(2025, 12, 31))
    assert last.city == 2 == dated_metric.value(year=2025, as_of=dt.date(2025, 12, 31))
    assert last.curve[-1] == 2


def test_the_dashboard_counts_records_dated_on_the_as_of_date(plan, on_the_day,
                                                               dated_metric):
    a, b = on_the_day
    row = build_dashboard(plan=plan, as_of=AS_OF, keys=[dated_metric.key]).row(
        dated_metric.key)
    assert row.progress.value == 3
    assert (row.county(a.pk).value, row.county(b.pk).value) == (2, 1)
    assert row.this_year_curve[5] == 3


# -- reported values ------------------------------------------------------------------------
def _approved(users, key: str, value: str, period_end: dt.date, county=None):
    ind = Indicator.objects.get(key=key)
    rv = submit_value(actor=users["city_staff"], data={
        "indicator": ind, "county": county, "period_end": period_end, "value": D(value)})
    return approve_value(value=rv, actor=users["city_admin"])


def _stale(users, key: str, value: str, period_end: dt.date, county=None) -> ReportedValue:
    """An approved row dated before the plan year — the form refuses one, but a row written
    before the plan's year was corrected, or around the service, still exists."""
    return ReportedValue.objects.create(
        indicator=Indicator.objects.get(key=key), county=county, period_end=period_end,
        value=D(value), status=ReportedValue.Status.APPROVED, submitted_by=users["city_staff"],
        reviewed_by=users["city_admin"], reviewed_at=timezone.now())


def test_an_approved_value_of_an_earlier_year_is_not_this_years(plan, users, county_a,
                                                              reform_reported):
    keep_reported()  # county fiscal spending as a reported value (rdinput counts it)
    _stale(users, "reform_measures_done", "12", dt.date(2024, 12, 31))
    _stale(users, "county_fiscal_st_spending", "500", dt.date(2024, 12, 31), county=county_a)
    board = build_dashboard(plan=plan, as_of=dt.date(2025, 10, 31),
                            keys=["reform_measures_done", "county_fiscal_st_spending"])
    reform = board.row("reform_measures_done")
    assert reform.reported is None and reform.progress.value is None
    spending = board.row("county_fiscal_st_spending")
    assert spending.county(county_a.pk).value is None
    assert spending.reported is None and spending.progress.value is None
    # once this year's figure is approved, it is the one shown
    _approved(users, "reform_measures_done", "9", dt.date(2025, 9, 30))
    row = build_dashboard(plan=plan, as_of=dt.date(2025, 10, 31),
                          keys=["reform_measures_done"]).row("reform_measures_done")
    assert row.progress.value == 9 and row.reported.period_end == dt.date(2025, 9, 30)


def test_last_years_comparison_reads_only_last_year(plan, users, reform_reported):
    """The same-day-last-year figure is last year's, not one from two years back."""
    _stale(users, "reform_measures_done", "7", dt.date(2023, 12, 31))
    row = build_dashboard(plan=plan, as_of=dt.date(2025, 10, 31),
                          keys=["reform_measures_done"]).row("reform_measures_done")
    assert row.last_year_value is None
    _stale(users, "reform_measures_done", "5", dt.date(2024, 6, 30))
    row = build_dashboard(plan=plan, as_of=dt.date(2025, 10, 31),
                          keys=["reform_measures_done"]).row("reform_measures_done")
    assert row.last_year_value == 5


def test_percentages_are_not_summed_into_a_city_figure(plan, users, county_a, county_b):
    keep_reported()  # both as reported values (rdinput counts them)
    assert Indicator.objects.get(key="rd_intensity").unit == "%"
    # counties report their own R&D intensity (a county-level indicator: a city indicator
    # takes only the city's figure)
    Indicator.objects.filter(key="rd_intensity").update(scope=Indicator.Scope.COUNTY)
    for county, value in ((county_a, "2.10"), (county_b, "1.90")):
        _approved(users, "rd_intensity", value, dt.date(2025, 6, 30), county=county)
        _approved(users, "county_fiscal_st_spending", value, dt.date(2025, 6, 30),
                  county=county)
    board = build_dashboard(plan=plan, as_of=dt.date(2025, 10, 31),
                            keys=["rd_intensity", "county_fiscal_st_spending"])
    pct = board.row("rd_intensity")
    assert pct.reported is None and pct.progress.value is None  # not 4.00 %
    assert (pct.county(county_a.pk).value, pct.county(county_b.pk).value) == (D("2.1"),
                                                                             D("1.9"))
    money = board.row("county_fiscal_st_spending")  # 万元: the county figures add up
    assert money.progress.value == D("4.00") and money.reported.parts == 2
    # a city-level row is the city figure, whatever the counties say (rows of both levels
    # exist when an indicator's scope changed during the year)
    Indicator.objects.filter(key="rd_intensity").update(scope=Indicator.Scope.CITY)
    _approved(users, "rd_intensity", "2.05", dt.date(2025, 6, 30))
    pct = build_dashboard(plan=plan, as_of=dt.date(2025, 10, 31),
                          keys=["rd_intensity"]).row("rd_intensity")
    assert pct.progress.value == D("2.05")
